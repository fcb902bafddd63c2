/*
 * tests/unit/test_config_diff.c — what a reload changes: per neighbour
 * (unchanged, live, policy-only, reset, added, removed), global resets, and
 * networks to announce or withdraw.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"
#include "config/diff.h"

#define GLOBAL "router-id: 10.0.0.1\nlocal-as: 65001\n"
#define NETS "networks: [203.0.113.0/24, 198.51.100.0/24]\n"
#define POLS "policies:\n" \
	"  in: {default: accept, terms: [{match: {community: \"65000:1\"}, then: reject}]}\n" \
	"  out: {default: accept}\n"
#define GROUPS "peer-groups:\n  up: {remote-as: 65002, import: in, hold-time: 90, description: upstreams}\n"
#define NB2 "  - {address: 10.0.0.2, peer-group: up, password: pw-a}\n"
#define NB3 "  - {address: 10.0.0.3, peer-group: up, description: mine}\n"
#define NB4 "  - {address: 10.0.0.4, remote-as: 65004, export: out}\n"
#define BASE GLOBAL NETS POLS GROUPS "neighbors:\n" NB2 NB3 NB4

struct pair {
	struct bgpd_config *old_cfg, *new_cfg;
	struct config_diff d;
};

static struct bgpd_config *load(const char *text)
{
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;
	int rc = config_load_buffer("t.yaml", text, strlen(text), NULL, &cfg, &errs);

	for (size_t i = 0; i < errs.n; i++)
		print_message("%s\n", errs.v[i].text);
	assert_int_equal(rc, 0);
	return cfg;
}

static void diff_of(struct pair *p, const char *old_text, const char *new_text)
{
	p->old_cfg = load(old_text);
	p->new_cfg = load(new_text);
	config_diff(p->old_cfg, p->new_cfg, &p->d);
}

static void pair_free(struct pair *p)
{
	config_diff_free(&p->d);
	config_free(p->old_cfg);
	config_free(p->new_cfg);
}

static const struct config_neighbor_diff *find(const struct pair *p, const char *addr)
{
	struct config_addr a = { .af = CONFIG_AF_INET };
	assert_int_equal(inet_pton(AF_INET, addr, a.a), 1);
	for (size_t i = 0; i < p->d.n_neighbors; i++)
		if (config_addr_equal(&p->d.neighbors[i].address, &a))
			return &p->d.neighbors[i];
	fail_msg("no diff entry for %s", addr);
	return NULL;
}

static void expect(const struct pair *p, const char *addr, enum config_change c)
{
	const struct config_neighbor_diff *nd = find(p, addr);
	if (nd->change != c)
		print_message("%s: %s, expected %s (fields 0x%x)\n", addr,
			      config_change_name(nd->change), config_change_name(c), nd->fields);
	assert_int_equal(nd->change, c);
}

static void test_identical_is_unchanged(void **state)
{
	struct pair p;
	(void)state;

	diff_of(&p, BASE, BASE);
	assert_int_equal(p.d.n_neighbors, 3);
	for (size_t i = 0; i < p.d.n_neighbors; i++) {
		assert_int_equal(p.d.neighbors[i].change, CONFIG_CHANGE_UNCHANGED);
		assert_int_equal(p.d.neighbors[i].fields, 0);
	}
	assert_false(p.d.reset_all);
	assert_false(p.d.listen);
	assert_false(p.d.logging);
	assert_false(p.d.control_socket);
	assert_int_equal(p.d.n_announce, 0);
	assert_int_equal(p.d.n_withdraw, 0);
	pair_free(&p);
}

static void test_policy_edit_is_policy_only(void **state)
{
	struct pair p;
	const struct config_neighbor_diff *nd;
	(void)state;

	diff_of(&p, BASE, GLOBAL NETS
		"policies:\n"
		"  in: {default: accept, terms: [{match: {community: \"65000:2\"}, then: reject}]}\n"
		"  out: {default: accept}\n" GROUPS "neighbors:\n" NB2 NB3 NB4);
	expect(&p, "10.0.0.2", CONFIG_CHANGE_POLICY);
	expect(&p, "10.0.0.3", CONFIG_CHANGE_POLICY);
	expect(&p, "10.0.0.4", CONFIG_CHANGE_UNCHANGED);       /* does not use "in" */
	nd = find(&p, "10.0.0.2");
	assert_int_equal(nd->fields, CONFIG_PF_BIT(CONFIG_PF_IMPORT));
	assert_true(nd->refresh_in);
	assert_false(nd->refresh_out);
	assert_false(p.d.reset_all);
	pair_free(&p);
}

static void test_renamed_identical_policy_is_unchanged(void **state)
{
	struct pair p;
	(void)state;

	diff_of(&p, BASE, GLOBAL NETS
		"policies:\n"
		"  in: {default: accept, terms: [{match: {community: \"65000:1\"}, then: reject}]}\n"
		"  out-v2: {default: accept}\n" GROUPS "neighbors:\n" NB2 NB3
		"  - {address: 10.0.0.4, remote-as: 65004, export: out-v2}\n");
	expect(&p, "10.0.0.4", CONFIG_CHANGE_UNCHANGED);
	pair_free(&p);
}

static void test_password_change_resets_only_that_neighbor(void **state)
{
	struct pair p;
	(void)state;

	diff_of(&p, BASE, GLOBAL NETS POLS GROUPS "neighbors:\n"
		"  - {address: 10.0.0.2, peer-group: up, password: pw-b}\n" NB3 NB4);
	expect(&p, "10.0.0.2", CONFIG_CHANGE_RESET);
	assert_int_equal(find(&p, "10.0.0.2")->fields, CONFIG_PF_BIT(CONFIG_PF_PASSWORD));
	expect(&p, "10.0.0.3", CONFIG_CHANGE_UNCHANGED);
	expect(&p, "10.0.0.4", CONFIG_CHANGE_UNCHANGED);
	assert_false(p.d.reset_all);
	pair_free(&p);
}

static void test_add_and_remove(void **state)
{
	struct pair p;
	const struct config_neighbor_diff *added, *removed;
	(void)state;

	diff_of(&p, BASE, GLOBAL NETS POLS GROUPS "neighbors:\n" NB2 NB3
		"  - {address: 10.0.0.5, remote-as: 65005}\n");
	assert_int_equal(p.d.n_neighbors, 4);
	expect(&p, "10.0.0.2", CONFIG_CHANGE_UNCHANGED);
	expect(&p, "10.0.0.3", CONFIG_CHANGE_UNCHANGED);
	added = find(&p, "10.0.0.5");
	assert_int_equal(added->change, CONFIG_CHANGE_ADDED);
	assert_null(added->old_nb);
	assert_non_null(added->new_nb);
	assert_int_equal(added->new_nb->s.remote_as, 65005);
	removed = find(&p, "10.0.0.4");
	assert_int_equal(removed->change, CONFIG_CHANGE_REMOVED);
	assert_non_null(removed->old_nb);
	assert_null(removed->new_nb);
	pair_free(&p);
}

/* Only neighbours whose effective settings move are touched by a group edit. */
static void test_group_edit_affects_only_inheritors(void **state)
{
	struct pair p;
	(void)state;

	diff_of(&p, BASE, GLOBAL NETS POLS
		"peer-groups:\n  up: {remote-as: 65002, import: in, hold-time: 90, description: transit}\n"
		"neighbors:\n" NB2 NB3 NB4);
	expect(&p, "10.0.0.2", CONFIG_CHANGE_LIVE);            /* inherits the description */
	assert_int_equal(find(&p, "10.0.0.2")->fields, CONFIG_PF_BIT(CONFIG_PF_DESCRIPTION));
	expect(&p, "10.0.0.3", CONFIG_CHANGE_UNCHANGED);       /* sets its own */
	expect(&p, "10.0.0.4", CONFIG_CHANGE_UNCHANGED);       /* not in the group */
	pair_free(&p);

	diff_of(&p, BASE, GLOBAL NETS POLS
		"peer-groups:\n  up: {remote-as: 65002, import: in, hold-time: 30, description: upstreams}\n"
		"neighbors:\n" NB2 NB3 NB4);
	expect(&p, "10.0.0.2", CONFIG_CHANGE_RESET);           /* hold time is in OPEN */
	expect(&p, "10.0.0.3", CONFIG_CHANGE_RESET);
	expect(&p, "10.0.0.4", CONFIG_CHANGE_UNCHANGED);
	pair_free(&p);
}

static void test_classes_of_single_fields(void **state)
{
	struct pair p;
	(void)state;

	diff_of(&p, BASE, GLOBAL NETS POLS GROUPS "neighbors:\n" NB2 NB3
		"  - {address: 10.0.0.4, remote-as: 65004, export: out, next-hop-self: true}\n");
	expect(&p, "10.0.0.4", CONFIG_CHANGE_POLICY);
	assert_true(find(&p, "10.0.0.4")->refresh_out);
	assert_false(find(&p, "10.0.0.4")->refresh_in);
	pair_free(&p);

	diff_of(&p, BASE, GLOBAL NETS POLS GROUPS "neighbors:\n" NB2 NB3
		"  - {address: 10.0.0.4, remote-as: 65004, export: out, description: new, "
		"max-prefix: 10, connect-retry: 7}\n");
	expect(&p, "10.0.0.4", CONFIG_CHANGE_LIVE);
	pair_free(&p);

	/* MRAI is read at each batch of UPDATEs: live. */
	diff_of(&p, BASE, GLOBAL NETS POLS GROUPS "neighbors:\n" NB2 NB3
		"  - {address: 10.0.0.4, remote-as: 65004, export: out, advertisement-interval: 5}\n");
	expect(&p, "10.0.0.4", CONFIG_CHANGE_LIVE);
	assert_int_equal(find(&p, "10.0.0.4")->fields,
			 CONFIG_PF_BIT(CONFIG_PF_ADVERTISEMENT_INTERVAL));
	assert_int_equal(find(&p, "10.0.0.4")->new_nb->s.advertisement_interval, 5);
	assert_int_equal(find(&p, "10.0.0.4")->old_nb->s.advertisement_interval, 0);
	pair_free(&p);

	diff_of(&p, BASE, GLOBAL NETS POLS GROUPS "neighbors:\n" NB2 NB3
		"  - {address: 10.0.0.4, remote-as: 65004, export: out, shutdown: true}\n");
	expect(&p, "10.0.0.4", CONFIG_CHANGE_RESET);
	pair_free(&p);

	diff_of(&p, BASE, GLOBAL NETS POLS GROUPS "neighbors:\n" NB2 NB3
		"  - {address: 10.0.0.4, remote-as: 65044, export: out, description: x}\n");
	expect(&p, "10.0.0.4", CONFIG_CHANGE_RESET);           /* strongest class wins */
	assert_int_equal(find(&p, "10.0.0.4")->fields,
			 CONFIG_PF_BIT(CONFIG_PF_REMOTE_AS) | CONFIG_PF_BIT(CONFIG_PF_DESCRIPTION));
	pair_free(&p);

	assert_int_equal(config_field_change_class(CONFIG_PF_FAMILIES), CONFIG_CHANGE_RESET);
	assert_int_equal(config_field_change_class(CONFIG_PF_EXPORT), CONFIG_CHANGE_POLICY);
	assert_int_equal(config_field_change_class(CONFIG_PF_TRACE), CONFIG_CHANGE_LIVE);
}

static void test_router_id_resets_everything(void **state)
{
	struct pair p;
	(void)state;

	diff_of(&p, BASE, "router-id: 10.0.0.9\nlocal-as: 65001\n" NETS POLS GROUPS
		"neighbors:\n" NB2 NB3 NB4);
	assert_true(p.d.router_id);
	assert_true(p.d.cluster_id);           /* follows router-id when not set */
	assert_false(p.d.local_as);
	assert_true(p.d.reset_all);
	for (size_t i = 0; i < p.d.n_neighbors; i++)
		assert_int_equal(p.d.neighbors[i].change, CONFIG_CHANGE_RESET);
	pair_free(&p);

	diff_of(&p, BASE, "router-id: 10.0.0.1\nlocal-as: 65009\n" NETS POLS GROUPS
		"neighbors:\n" NB2 NB3 NB4);
	assert_true(p.d.local_as);
	assert_true(p.d.reset_all);
	pair_free(&p);
}

static void test_networks_announce_and_withdraw(void **state)
{
	struct pair p;
	char buf[CONFIG_PREFIX_STRLEN];
	(void)state;

	diff_of(&p, BASE, GLOBAL
		"networks:\n  - {prefix: 203.0.113.0/24, med: 5}\n  - 192.0.2.0/24\n"
		POLS GROUPS "neighbors:\n" NB2 NB3 NB4);
	assert_int_equal(p.d.n_announce, 2);
	assert_string_equal(config_prefix_format(&p.d.announce[0]->prefix, buf, sizeof(buf)),
			    "203.0.113.0/24");             /* attributes changed */
	assert_string_equal(config_prefix_format(&p.d.announce[1]->prefix, buf, sizeof(buf)),
			    "192.0.2.0/24");               /* new */
	assert_int_equal(p.d.n_withdraw, 1);
	assert_string_equal(config_prefix_format(&p.d.withdraw[0]->prefix, buf, sizeof(buf)),
			    "198.51.100.0/24");
	expect(&p, "10.0.0.2", CONFIG_CHANGE_UNCHANGED);
	assert_false(p.d.reset_all);
	pair_free(&p);
}

static void test_global_service_changes(void **state)
{
	struct pair p;
	(void)state;

	diff_of(&p, BASE, GLOBAL "listen-port: 1179\ncontrol-socket: /run/x.sock\n"
		"logging: {level: debug}\n" NETS POLS GROUPS "neighbors:\n" NB2 NB3 NB4);
	assert_true(p.d.listen);
	assert_true(p.d.control_socket);
	assert_true(p.d.logging);
	assert_false(p.d.reset_all);
	expect(&p, "10.0.0.3", CONFIG_CHANGE_UNCHANGED);
	pair_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_is_unchanged),
		cmocka_unit_test(test_policy_edit_is_policy_only),
		cmocka_unit_test(test_renamed_identical_policy_is_unchanged),
		cmocka_unit_test(test_password_change_resets_only_that_neighbor),
		cmocka_unit_test(test_add_and_remove),
		cmocka_unit_test(test_group_edit_affects_only_inheritors),
		cmocka_unit_test(test_classes_of_single_fields),
		cmocka_unit_test(test_router_id_resets_everything),
		cmocka_unit_test(test_networks_announce_and_withdraw),
		cmocka_unit_test(test_global_service_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
