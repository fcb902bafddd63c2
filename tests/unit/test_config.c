/*
 * tests/unit/test_config.c — loading good configs: exact values, peer-group
 * inheritance, policy order, password-file, the masked dump and its round
 * trip, and robustness against mangled input. Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"

#define EXAMPLE "tests/config/example.yaml"
#define FULL "tests/config/full.yaml"
#define RR_SECRET "rr-secret"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A private directory holding secret.key with the given mode. */
struct keydir {
	char dir[64];
	char key[96];
};

static void keydir_make(struct keydir *k, const char *content, mode_t mode)
{
	FILE *f;

	snprintf(k->dir, sizeof(k->dir), "/tmp/bgpd-cfg-test.XXXXXX");
	assert_non_null(mkdtemp(k->dir));
	snprintf(k->key, sizeof(k->key), "%s/secret.key", k->dir);
	f = fopen(k->key, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	assert_int_equal(chmod(k->key, mode), 0);
}

static void keydir_remove(struct keydir *k)
{
	unlink(k->key);
	rmdir(k->dir);
}

static void print_errors(const struct config_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		print_message("%s\n", errs->v[i].text);
}

static struct bgpd_config *load_ok(const char *text, const char *base_dir)
{
	struct config_load_opts opts = { .base_dir = base_dir };
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg = NULL;
	int rc = config_load_buffer("t.yaml", text, strlen(text), &opts, &cfg, &errs);

	print_errors(&errs);
	assert_int_equal(rc, 0);
	assert_int_equal(errs.n, 0);
	assert_non_null(cfg);
	return cfg;
}

static struct bgpd_config *load_full(struct keydir *k)
{
	size_t len;
	char *text = slurp(FULL, &len);
	struct bgpd_config *cfg;

	keydir_make(k, RR_SECRET "\n", 0600);
	cfg = load_ok(text, k->dir);
	free(text);
	return cfg;
}

static struct config_addr addr(const char *s)
{
	struct config_addr a = { 0 };
	if (strchr(s, ':')) {
		a.af = CONFIG_AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, s, a.a), 1);
	} else {
		a.af = CONFIG_AF_INET;
		assert_int_equal(inet_pton(AF_INET, s, a.a), 1);
	}
	return a;
}

static const struct config_neighbor *nb(const struct bgpd_config *cfg, const char *s)
{
	struct config_addr a = addr(s);
	const struct config_neighbor *n = config_find_neighbor(cfg, &a);
	assert_non_null(n);
	return n;
}

static void assert_prefix(const struct config_prefix *p, const char *want)
{
	char buf[CONFIG_PREFIX_STRLEN];
	assert_string_equal(config_prefix_format(p, buf, sizeof(buf)), want);
}

static void assert_addr(const struct config_addr *a, const char *want)
{
	char buf[CONFIG_ADDR_STRLEN];
	assert_string_equal(config_addr_format(a, buf, sizeof(buf)), want);
}

static void test_example_exact_values(void **state)
{
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;
	const struct config_neighbor *n;
	(void)state;

	assert_int_equal(config_load_file(EXAMPLE, &cfg, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_string_equal(cfg->source, EXAMPLE);
	assert_int_equal(cfg->router_id, 0x0A000001);
	assert_int_equal(cfg->cluster_id, 0x0A000001);     /* defaults to router-id */
	assert_false(cfg->cluster_id_set);
	assert_int_equal(cfg->local_as, 65001);
	assert_string_equal(cfg->control_socket, "/run/bgpd/bgpd.sock");
	assert_int_equal(cfg->control_socket_mode, 0660);
	assert_null(cfg->control_socket_group);
	/* defaults: listen on both wildcards, port 179, stderr at info */
	assert_int_equal(cfg->listen.n, 2);
	assert_addr(&cfg->listen.v[0], "0.0.0.0");
	assert_addr(&cfg->listen.v[1], "::");
	assert_int_equal(cfg->listen_port, 179);
	assert_int_equal(cfg->log_dest, CONFIG_LOG_STDERR);
	assert_int_equal(cfg->log_level, LOG_INFO);
	assert_int_equal(cfg->hold_time, 90);

	assert_int_equal(cfg->n_networks, 1);
	assert_int_equal(cfg->networks[0].prefix.af, CONFIG_AF_INET);
	assert_int_equal(cfg->networks[0].prefix.len, 24);
	assert_memory_equal(cfg->networks[0].prefix.a, "\xCB\x00\x71\x00", 4);
	assert_int_equal(cfg->n_peer_groups, 0);
	assert_int_equal(cfg->n_policies, 0);

	assert_int_equal(cfg->n_neighbors, 1);
	n = &cfg->neighbors[0];
	assert_int_equal(n->address.af, CONFIG_AF_INET);
	assert_memory_equal(n->address.a, "\x0A\x00\x00\x02", 4);
	assert_int_equal(n->s.remote_as, 65002);
	assert_addr(&n->s.local_address, "10.0.0.1");
	assert_string_equal(n->s.password, "s3cret");
	assert_null(n->s.password_file);
	assert_int_equal(n->s.hold_time, 90);
	assert_int_equal(n->s.keepalive, 30);              /* hold-time / 3 */
	assert_false(n->s.passive);
	assert_int_equal(n->s.port, 179);
	assert_int_equal(n->s.connect_retry, 120);
	assert_int_equal(n->s.families, CONFIG_FAM_IPV4_UNICAST);
	assert_int_equal(n->s.ttl_security, 0);
	assert_false(n->s.shutdown);
	assert_null(n->import);
	assert_null(n->export);
	assert_null(n->peer_group);
	assert_false(config_neighbor_is_ibgp(cfg, n));
	assert_int_equal(n->pos.line, 7);
	assert_int_equal(n->pos.column, 5);
	config_free(cfg);
}

static void test_full_globals(void **state)
{
	struct keydir k;
	struct bgpd_config *cfg = load_full(&k);
	const struct config_network *net;
	(void)state;

	assert_int_equal(cfg->local_as, 65546);            /* asdot 1.10 */
	assert_int_equal(cfg->router_id, 0xC0000201);
	assert_true(cfg->cluster_id_set);
	assert_int_equal(cfg->cluster_id, 0xC0000264);
	assert_int_equal(cfg->listen.n, 2);
	assert_addr(&cfg->listen.v[1], "2001:db8::1");
	assert_int_equal(cfg->listen_port, 1179);
	assert_string_equal(cfg->control_socket, "/run/bgpd/ctl.sock");
	assert_int_equal(cfg->control_socket_mode, 0600);
	assert_string_equal(cfg->control_socket_group, "bgp");
	assert_int_equal(cfg->log_dest, CONFIG_LOG_SYSLOG);
	assert_int_equal(cfg->log_level, LOG_DEBUG);
	assert_int_equal(cfg->log_facility, LOG_LOCAL3);
	assert_int_equal(cfg->log_trace, CONFIG_TRACE_FSM);
	assert_int_equal(cfg->hold_time, 180);
	assert_int_equal(cfg->keepalive, 60);
	assert_int_equal(cfg->connect_retry, 30);
	assert_int_equal(cfg->idle_hold, 10);
	assert_int_equal(cfg->idle_hold_max, 600);
	assert_int_equal(cfg->delay_open, 5);

	assert_int_equal(cfg->n_networks, 2);
	assert_prefix(&cfg->networks[0].prefix, "203.0.113.0/24");
	assert_int_equal(cfg->networks[0].communities.n, 0);
	assert_false(cfg->networks[0].has_med);
	net = &cfg->networks[1];
	assert_prefix(&net->prefix, "2001:db8:100::/48");
	assert_int_equal(net->communities.n, 2);
	assert_int_equal(net->communities.v[0], (65001u << 16) | 100);
	assert_int_equal(net->communities.v[1], CONFIG_COMM_NO_EXPORT);
	assert_int_equal(net->large_communities.n, 1);
	assert_int_equal(net->large_communities.v[0].global, 65546);
	assert_int_equal(net->large_communities.v[0].local1, 1);
	assert_int_equal(net->large_communities.v[0].local2, 2);
	assert_true(net->has_med);
	assert_int_equal(net->med, 10);
	assert_true(net->has_local_pref);
	assert_int_equal(net->local_pref, 200);
	assert_addr(&net->next_hop, "2001:db8::1");
	config_free(cfg);
	keydir_remove(&k);
}

static void test_peer_group_inheritance(void **state)
{
	struct keydir k;
	struct bgpd_config *cfg = load_full(&k);
	const struct config_neighbor *a, *b, *rr, *ixp;
	(void)state;

	assert_int_equal(cfg->n_peer_groups, 2);
	assert_string_equal(cfg->peer_groups[0].name, "transit");
	assert_non_null(config_find_peer_group(cfg, "rr-clients"));

	/* inherits everything from "transit", overrides description, own password */
	a = nb(cfg, "192.0.2.2");
	assert_string_equal(a->peer_group, "transit");
	assert_int_equal(a->s.remote_as, 64500);
	assert_string_equal(a->s.description, "transit A, circuit 42");
	assert_string_equal(a->s.password, "tr@nsit-A");
	assert_int_equal(a->s.hold_time, 90);                  /* group beats timers */
	assert_int_equal(a->s.keepalive, 60);                  /* timers.keepalive */
	assert_int_equal(a->s.ttl_security, 1);
	assert_int_equal(a->s.max_prefix.limit, 1000000);
	assert_int_equal(a->s.max_prefix.action, CONFIG_MAXPFX_TEARDOWN);
	assert_int_equal(a->s.max_prefix.restart, 300);
	assert_int_equal(a->s.families, CONFIG_FAM_IPV4_UNICAST | CONFIG_FAM_IPV6_UNICAST);
	assert_ptr_equal(a->import, config_find_policy(cfg, "from-transit"));
	assert_ptr_equal(a->export, config_find_policy(cfg, "to-transit"));
	assert_int_equal(a->s.trace, CONFIG_TRACE_FSM);        /* logging.trace */
	/* `set` records what the neighbour itself wrote */
	assert_true(a->s.set & CONFIG_PF_BIT(CONFIG_PF_DESCRIPTION));
	assert_false(a->s.set & CONFIG_PF_BIT(CONFIG_PF_REMOTE_AS));

	/* timers.keepalive 60 does not fit under hold-time 30: hold-time / 3 */
	{
		static const char text[] = "router-id: 10.0.0.1\nlocal-as: 65001\n"
			"timers: {hold-time: 180, keepalive: 60, idle-hold: 200, idle-hold-max: 300}\n"
			"neighbors:\n  - {address: 10.0.0.2, remote-as: 1, hold-time: 30}\n";
		struct bgpd_config *c2 = load_ok(text, NULL);
		assert_int_equal(c2->neighbors[0].s.keepalive, 10);
		assert_int_equal(c2->neighbors[0].s.idle_hold, 200);
		config_free(c2);
	}

	/* overrides remote-as and timers; inherits description */
	b = nb(cfg, "2001:db8::2");
	assert_int_equal(b->s.remote_as, 64501);
	assert_string_equal(b->s.description, "transit provider");
	assert_int_equal(b->s.hold_time, 30);
	assert_int_equal(b->s.keepalive, 10);
	assert_addr(&b->s.local_address, "2001:db8::1");
	assert_true(b->s.shutdown);
	assert_string_equal(b->s.shutdown_message, "maintenance until 18:00");
	assert_null(b->s.password);

	/* iBGP client: the secret comes from the group's password-file */
	rr = nb(cfg, "192.0.2.10");
	assert_true(config_neighbor_is_ibgp(cfg, rr));
	assert_string_equal(rr->s.password, RR_SECRET);
	assert_string_equal(rr->s.password_file, "secret.key");
	assert_true(rr->s.rr_client);
	assert_true(rr->s.next_hop_self);
	assert_true(rr->s.passive);
	assert_int_equal(rr->s.hold_time, 180);
	assert_int_equal(rr->s.connect_retry, 5);
	assert_int_equal(rr->s.idle_hold, 1);
	assert_int_equal(rr->s.idle_hold_max, 60);
	assert_int_equal(rr->s.delay_open, 3);
	assert_int_equal(rr->s.trace, CONFIG_TRACE_FSM | CONFIG_TRACE_UPDATE |
				      CONFIG_TRACE_NOTIFICATION);
	assert_null(rr->import);

	/* no group at all */
	ixp = nb(cfg, "198.51.100.1");
	assert_null(ixp->peer_group);
	assert_int_equal(ixp->s.multihop, 3);
	assert_int_equal(ixp->s.port, 1179);
	assert_int_equal(ixp->s.max_prefix.limit, 500);
	assert_int_equal(ixp->s.trace, CONFIG_TRACE_ALL);
	assert_ptr_equal(ixp->import, ixp->export);
	config_free(cfg);
	keydir_remove(&k);
}

/* A neighbour's password overrides its group's password-file, and back. */
static void test_secret_override(void **state)
{
	struct keydir k;
	struct bgpd_config *cfg;
	static const char text[] =
		"router-id: 10.0.0.1\nlocal-as: 65001\n"
		"peer-groups:\n  g: {remote-as: 65002, password-file: secret.key}\n"
		"  h: {remote-as: 65002, password: grp-pw}\n"
		"neighbors:\n"
		"  - {address: 10.0.0.2, peer-group: g, password: own-pw}\n"
		"  - {address: 10.0.0.3, peer-group: g}\n"
		"  - {address: 10.0.0.4, peer-group: h, password-file: secret.key}\n";
	(void)state;

	keydir_make(&k, "file-pw\r\n", 0400);
	cfg = load_ok(text, k.dir);
	assert_string_equal(nb(cfg, "10.0.0.2")->s.password, "own-pw");
	assert_null(nb(cfg, "10.0.0.2")->s.password_file);
	assert_string_equal(nb(cfg, "10.0.0.3")->s.password, "file-pw");  /* CRLF dropped */
	assert_string_equal(nb(cfg, "10.0.0.4")->s.password, "file-pw");
	config_free(cfg);
	keydir_remove(&k);
}

static void expect_one_error(const char *text, const struct config_load_opts *opts,
			     const char *want)
{
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;

	assert_int_equal(config_load_buffer("t.yaml", text, strlen(text), opts, &cfg, &errs), -1);
	if (errs.n != 1 || strcmp(errs.v[0].text, want) != 0)
		print_errors(&errs);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].text, want);
	config_errors_free(&errs);
}

static void test_password_file_checks(void **state)
{
	static const char text[] = "router-id: 10.0.0.1\nlocal-as: 65001\nneighbors:\n"
				   "  - address: 10.0.0.2\n    remote-as: 65002\n"
				   "    password-file: secret.key\n";
	struct config_load_opts opts = { 0 };
	struct keydir k;
	char want[256];
	(void)state;

	keydir_make(&k, "group-readable\n", 0640);
	opts.base_dir = k.dir;
	expect_one_error(text, &opts,
			 "t.yaml:6:20: password-file: 'secret.key' must be accessible only by its owner, but its mode is 0640; run chmod 600");
	keydir_remove(&k);

	keydir_make(&k, "\n", 0600);
	opts.base_dir = k.dir;
	expect_one_error(text, &opts, "t.yaml:6:20: password-file: 'secret.key' is empty");
	keydir_remove(&k);

	keydir_make(&k, "x", 0600);
	opts.base_dir = k.dir;
	unlink(k.key);
	expect_one_error(text, &opts,
			 "t.yaml:6:20: password-file: cannot open 'secret.key': No such file or directory");
	rmdir(k.dir);

	opts.base_dir = NULL;
	opts.flags = CONFIG_LOAD_NO_FILES;
	expect_one_error(text, &opts,
			 "t.yaml:6:20: password-file: reading files is disabled for this load");

	/* an absolute path is used as is; the message names it */
	keydir_make(&k, "ok\n", 0666);
	snprintf(want, sizeof(want),
		 "t.yaml:6:20: password-file: '%s' must be accessible only by its owner, but its mode is 0666; run chmod 600",
		 k.key);
	{
		char abs_text[512];
		snprintf(abs_text, sizeof(abs_text),
			 "router-id: 10.0.0.1\nlocal-as: 65001\nneighbors:\n"
			 "  - address: 10.0.0.2\n    remote-as: 65002\n    password-file: %s\n", k.key);
		expect_one_error(abs_text, NULL, want);
	}
	keydir_remove(&k);
}

static void test_policies_in_order(void **state)
{
	struct keydir k;
	struct bgpd_config *cfg = load_full(&k);
	const struct config_policy *p;
	const struct config_term *t;
	(void)state;

	assert_int_equal(cfg->n_policies, 3);
	assert_string_equal(cfg->policies[0].name, "from-transit");
	assert_string_equal(cfg->policies[1].name, "to-transit");
	assert_string_equal(cfg->policies[2].name, "to-ixp");

	p = config_find_policy(cfg, "from-transit");
	assert_int_equal(p->default_action, CONFIG_ACTION_REJECT);
	assert_int_equal(p->n_terms, 4);
	assert_string_equal(p->terms[0].name, "no-bogons");
	assert_string_equal(p->terms[1].name, "no-long-paths");
	assert_string_equal(p->terms[2].name, "prefer-customers-of-transit");
	assert_string_equal(p->terms[3].name, "tag-rest");

	t = &p->terms[0];
	assert_int_equal(t->then.action, CONFIG_ACTION_REJECT);
	assert_int_equal(t->match.n_prefixes, 3);
	assert_prefix(&t->match.prefixes[0].prefix, "10.0.0.0/8");
	assert_int_equal(t->match.prefixes[0].ge, 8);          /* le alone: len..le */
	assert_int_equal(t->match.prefixes[0].le, 32);
	assert_int_equal(t->match.prefixes[1].ge, 16);
	assert_int_equal(t->match.prefixes[1].le, 32);
	assert_prefix(&t->match.prefixes[2].prefix, "0.0.0.0/0");
	assert_int_equal(t->match.prefixes[2].ge, 0);          /* exact */
	assert_int_equal(t->match.prefixes[2].le, 0);

	t = &p->terms[1];
	assert_true(t->match.has_path_len);
	assert_int_equal(t->match.path_len_min, 50);
	assert_int_equal(t->match.path_len_max, 255);

	t = &p->terms[2];
	assert_int_equal(t->match.contains_as.n, 2);
	assert_int_equal(t->match.contains_as.v[1], 64501);
	assert_int_equal(t->match.origin_as.n, 1);
	assert_int_equal(t->match.origin_as.v[0], 64502);
	assert_int_equal(t->match.communities.v[0], (64500u << 16) | 100);
	assert_int_equal(t->match.large_communities.v[0].global, 64500);
	assert_int_equal(t->match.neighbors.n, 1);
	assert_addr(&t->match.neighbors.v[0], "192.0.2.2");
	assert_int_equal(t->match.families, CONFIG_FAM_IPV4_UNICAST);
	assert_int_equal(t->then.action, CONFIG_ACTION_ACCEPT);
	assert_true(t->then.set_local_pref);
	assert_int_equal(t->then.local_pref, 150);
	assert_true(t->then.set_med);
	assert_int_equal(t->then.med, 0);
	assert_int_equal(t->then.add_communities.v[0], (65001u << 16) | 1);
	assert_int_equal(t->then.remove_communities.v[0], CONFIG_COMM_NO_EXPORT);
	assert_int_equal(t->then.add_large_communities.v[0].local2, 1);
	assert_int_equal(t->then.remove_large_communities.n, 1);

	t = &p->terms[3];                       /* no action: carry on to the next term */
	assert_string_equal(t->name, "tag-rest");
	assert_int_equal(t->then.action, CONFIG_ACTION_NONE);
	assert_int_equal(t->match.n_prefixes, 0);

	p = config_find_policy(cfg, "to-transit");
	assert_int_equal(p->default_action, CONFIG_ACTION_ACCEPT);
	assert_null(p->terms[0].name);
	assert_int_equal(p->terms[0].match.communities.n, 4);
	assert_int_equal(p->terms[0].match.communities.v[3], CONFIG_COMM_NO_PEER);
	assert_int_equal(p->terms[1].then.prepend_as, 65546);
	assert_int_equal(p->terms[1].then.prepend_count, 2);
	assert_int_equal(p->terms[1].then.next_hop_kind, CONFIG_NH_SELF);

	p = config_find_policy(cfg, "to-ixp");
	assert_int_equal(p->default_action, CONFIG_ACTION_REJECT);     /* the default */
	assert_int_equal(p->terms[0].then.prepend_as, 0);              /* local-as */
	assert_int_equal(p->terms[0].then.prepend_count, 1);
	assert_int_equal(p->terms[0].then.next_hop_kind, CONFIG_NH_ADDRESS);
	assert_addr(&p->terms[0].then.next_hop, "192.0.2.1");
	config_free(cfg);
	keydir_remove(&k);
}

/* The first line names the source file; compare what follows. */
static const char *after_first_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	assert_non_null(nl);
	return nl + 1;
}

static void test_dump_hides_secrets_and_round_trips(void **state)
{
	struct keydir k;
	struct bgpd_config *cfg = load_full(&k), *again;
	char *dump = config_dump_string(cfg), *dump2;
	(void)state;

	assert_non_null(dump);
	assert_null(strstr(dump, "tr@nsit-A"));
	assert_null(strstr(dump, RR_SECRET));
	assert_non_null(strstr(dump, "password: \"" CONFIG_SECRET_MASK "\""));
	assert_non_null(strstr(dump, "password-file: \"secret.key\""));

	/* the dump loads back, and dumps the same again */
	again = load_ok(dump, k.dir);
	dump2 = config_dump_string(again);
	assert_non_null(dump2);
	assert_string_equal(after_first_line(dump), after_first_line(dump2));
	assert_int_equal(again->n_neighbors, cfg->n_neighbors);
	assert_int_equal(nb(again, "2001:db8::2")->s.remote_as, 64501);
	free(dump);
	free(dump2);
	config_free(again);
	config_free(cfg);
	keydir_remove(&k);
}

static void test_example_dump_hides_password(void **state)
{
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;
	char *dump;
	(void)state;

	assert_int_equal(config_load_file(EXAMPLE, &cfg, &errs), 0);
	dump = config_dump_string(cfg);
	assert_non_null(dump);
	assert_null(strstr(dump, "s3cret"));
	assert_non_null(strstr(dump, "    password: \"<hidden>\"\n"));
	assert_non_null(strstr(dump, "  - prefix: 203.0.113.0/24\n"));
	free(dump);
	config_free(cfg);
}

/* Secrets appear in no message, whatever goes wrong around them. */
static void test_secret_never_in_errors(void **state)
{
	static const char *const texts[] = {
		"router-id: 10.0.0.1\nlocal-as: 65001\nneighbors:\n"
		"  - {address: 10.0.0.2, remote-as: 1, password: s3cret, password-file: /x}\n",
		"router-id: 10.0.0.1\nlocal-as: 65001\nneighbors:\n"
		"  - {address: 10.0.0.2, remote-as: 1, password: s3cret, password: s3cret}\n",
		"router-id: 10.0.0.1\nlocal-as: 65001\nneighbors:\n"
		"  - {address: 10.0.0.2, remote-as: 1, password: [s3cret]}\n",
		"router-id: 10.0.0.1\nlocal-as: 65001\nneighbors:\n"
		"  - {address: 10.0.0.2, remote-as: 1, password: {s3cret: 1}}\n",
		"router-id: 10.0.0.1\nlocal-as: 65001\nneighbors:\n"
		"  - {address: 10.0.0.2, remote-as: 1, password: \"s3cret\" x}\n",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct config_errors errs = { 0 };
		struct bgpd_config *cfg;
		assert_int_equal(config_load_buffer("t.yaml", texts[i], strlen(texts[i]), NULL,
						    &cfg, &errs), -1);
		assert_true(errs.n > 0);
		for (size_t j = 0; j < errs.n; j++)
			assert_null(strstr(errs.v[j].text, "s3cret"));
		config_errors_free(&errs);
	}
}

static void test_asdot_and_ipv6_neighbor(void **state)
{
	static const char text[] =
		"router-id: 10.0.0.1\nlocal-as: 0.65001\nlisten: []\n"
		"neighbors:\n  - address: \"2001:db8::2\"\n    remote-as: 65535.65535\n"
		"    hold-time: 0\n    keepalive: 0\n";
	struct bgpd_config *cfg = load_ok(text, NULL);
	const struct config_neighbor *n = nb(cfg, "2001:db8::2");
	(void)state;

	assert_int_equal(cfg->local_as, 65001);
	assert_int_equal(cfg->listen.n, 0);                    /* do not listen */
	assert_int_equal(n->s.remote_as, 4294967295u);
	assert_int_equal(n->s.hold_time, 0);
	assert_int_equal(n->s.keepalive, 0);
	assert_int_equal(n->s.families, CONFIG_FAM_IPV6_UNICAST);
	config_free(cfg);
}

/* xorshift: a fixed sequence, so a failure reproduces */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_mangled_input_never_crashes(void **state)
{
	static const char junk[] = "-:[]{},&*!|>'\"%@`#\n\t \\\0\xff\xc3";
	size_t len;
	char *orig = slurp(FULL, &len);
	char *buf = malloc(len + 64);
	uint32_t seed = 0x2545F491;
	(void)state;

	assert_non_null(buf);
	for (int round = 0; round < 3000; round++) {
		struct config_load_opts opts = { .flags = CONFIG_LOAD_NO_FILES };
		struct config_errors errs = { 0 };
		struct bgpd_config *cfg;
		size_t n = len;
		int edits = 1 + (int)(next_rand(&seed) % 8);

		memcpy(buf, orig, len);
		for (int e = 0; e < edits; e++) {
			size_t at = next_rand(&seed) % n;
			switch (next_rand(&seed) % 4) {
			case 0: buf[at] = junk[next_rand(&seed) % (sizeof(junk) - 1)]; break;
			case 1: buf[at] = (char)next_rand(&seed); break;
			case 2: n = at + 1; break;                     /* truncate */
			default: memmove(buf + at, buf + at + 1, n - at - 1); n--; break;
			}
			if (n < 2)
				break;
		}
		if (config_load_buffer("fuzz.yaml", buf, n, &opts, &cfg, &errs) == 0) {
			assert_int_equal(errs.n, 0);
			config_free(cfg);
		} else {
			assert_true(errs.n > 0);
			for (size_t i = 0; i < errs.n; i++)
				assert_null(strstr(errs.v[i].text, "tr@nsit-A"));
		}
		config_errors_free(&errs);
	}
	free(buf);
	free(orig);
}

static void test_oversized_input(void **state)
{
	size_t len = CONFIG_MAX_INPUT + 1;
	char *buf = malloc(len);
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;
	(void)state;

	assert_non_null(buf);
	memset(buf, '#', len);
	assert_int_equal(config_load_buffer("big.yaml", buf, len, NULL, &cfg, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].text, "big.yaml: larger than 4194304 bytes; refusing to parse");
	config_errors_free(&errs);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_exact_values),
		cmocka_unit_test(test_full_globals),
		cmocka_unit_test(test_peer_group_inheritance),
		cmocka_unit_test(test_secret_override),
		cmocka_unit_test(test_password_file_checks),
		cmocka_unit_test(test_policies_in_order),
		cmocka_unit_test(test_dump_hides_secrets_and_round_trips),
		cmocka_unit_test(test_example_dump_hides_password),
		cmocka_unit_test(test_secret_never_in_errors),
		cmocka_unit_test(test_asdot_and_ipv6_neighbor),
		cmocka_unit_test(test_mangled_input_never_crashes),
		cmocka_unit_test(test_oversized_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
