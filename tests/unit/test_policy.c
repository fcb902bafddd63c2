/*
 * tests/unit/test_policy.c — bgpd/policy*.c: policies as the YAML loader builds
 * them, run over hand-made routes. Every match kind (prefix lists with ge/le,
 * AS_PATH contains / origin / length, communities, large communities,
 * neighbours, families), every action (accept/reject, LOCAL_PREF, MED,
 * communities and large communities added and removed — sorted, no duplicates —
 * prepend, next hop), the term order, defaults, RFC 8212 for no policy, and the
 * 65535-octet bound on what a policy rebuilds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/attr.h"
#include "bgpd/policy.h"
#include "config/config.h"

#define MAX_COMM   64
#define PATH_OCTETS 2048

static const char header[] = "router-id: 10.0.0.1\nlocal-as: 65001\npolicies:\n";

/* A route as the RIB would hand it over: prefix, attributes, and the storage
 * its views point into. */
struct route {
	struct bgp_prefix prefix;
	struct bgp_attrs a;
	uint8_t path[PATH_OCTETS];
	uint8_t comm[MAX_COMM * BGP_COMMUNITY_LEN];
	uint8_t large[MAX_COMM * BGP_LARGE_COMMUNITY_LEN];
	struct config_addr neighbor;
	struct policy_route r;
};

static const uint8_t self4[4] = { 192, 0, 2, 1 };
static const uint8_t self6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ll6[16] = { 0xfe, 0x80, [15] = 1 };

/* The policy named "p" of a config made of header + text. */
static const struct config_policy *load(struct bgpd_config **cfg, const char *text)
{
	struct config_errors errs = { 0 };
	char buf[8192];
	int n = snprintf(buf, sizeof(buf), "%s%s", header, text);

	assert_true(n > 0 && (size_t)n < sizeof(buf));
	if (config_load_buffer("test", buf, (size_t)n, NULL, cfg, &errs) != 0) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i].text);
		fail_msg("config did not load");
	}
	config_errors_free(&errs);
	return config_find_policy(*cfg, "p");
}

static void put32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

/* prefix "10.1.0.0/16", path "65002 65003", from neighbour 10.0.0.2. */
static void route_init(struct route *rt, const char *prefix, const char *path)
{
	memset(rt, 0, sizeof(*rt));
	assert_int_equal(bgp_prefix_parse(prefix, &rt->prefix), 0);
	assert_int_equal(bgp_aspath_parse(path, rt->path, sizeof(rt->path), &rt->a.aspath), 0);
	rt->a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	rt->a.origin = BGP_ORIGIN_IGP;
	if (rt->prefix.af == BGP_AFI_IPV4) {
		rt->a.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
		rt->a.next_hop = 0x0a000002;
	} else {
		memcpy(rt->a.mp_nh, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
		rt->a.mp_nh_len = 16;
	}
	rt->neighbor.af = CONFIG_AF_INET;
	memcpy(rt->neighbor.a, "\x0a\x00\x00\x02", 4);
	rt->r.prefix = &rt->prefix;
	rt->r.neighbor = &rt->neighbor;
	rt->r.afi = rt->prefix.af;
	rt->r.local_as = 65001;
	rt->r.self_nh = rt->prefix.af == BGP_AFI_IPV4 ? self4 : self6;
	rt->r.self_nh_len = rt->prefix.af == BGP_AFI_IPV4 ? 4 : 16;
}

static void route_comm(struct route *rt, size_t n, const uint32_t *v)
{
	assert_true(n <= MAX_COMM);
	for (size_t i = 0; i < n; i++)
		put32(rt->comm + i * 4, v[i]);
	rt->a.communities.data = rt->comm;
	rt->a.communities.len = n * 4;
	rt->a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
}

static void route_large(struct route *rt, size_t n, const uint32_t (*v)[3])
{
	assert_true(n <= MAX_COMM);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			put32(rt->large + i * 12 + k * 4, v[i][k]);
	rt->a.large_communities.data = rt->large;
	rt->a.large_communities.len = n * 12;
	rt->a.present |= BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITY);
}

static void assert_comms(const struct bgp_attrs *a, size_t n, const uint32_t *want)
{
	assert_int_equal(bgp_community_count(a), n);
	assert_int_equal(bgp_attr_has(a, BGP_ATTR_COMMUNITIES), n > 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bgp_community_at(a, i), want[i]);
}

static void assert_path(const struct bgp_attrs *a, const char *want)
{
	char buf[PATH_OCTETS * 4];

	assert_true(bgp_attr_has(a, BGP_ATTR_AS_PATH));
	bgp_aspath_format(&a->aspath, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static enum policy_verdict run(const struct config_policy *p, struct route *rt,
                               struct policy_scratch *s)
{
	return policy_apply(p, &rt->r, &rt->a, s);
}

/* ---- verdicts ---- */

static void test_no_policy_rejects(void **state)
{
	struct policy_scratch *s = *state;
	struct route rt;

	route_init(&rt, "10.1.0.0/16", "65002");
	/* RFC 8212 §3: no policy on the session → nothing accepted */
	assert_int_equal(policy_apply(NULL, &rt.r, &rt.a, s), POLICY_REJECT);
	assert_int_equal(s->term, POLICY_TERM_NONE);
	assert_non_null(s->why);
	assert_string_equal(policy_verdict_name(POLICY_REJECT), "reject");
	assert_string_equal(policy_verdict_name(POLICY_ACCEPT), "accept");
}

static void test_defaults(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	route_init(&rt, "10.1.0.0/16", "65002");
	p = load(&cfg, "  p: {default: accept}\n");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(s->term, POLICY_TERM_DEFAULT);
	config_free(cfg);

	p = load(&cfg, "  p: {default: reject}\n");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	assert_int_equal(s->term, POLICY_TERM_DEFAULT);
	config_free(cfg);

	/* the default default is reject */
	p = load(&cfg, "  p:\n    terms:\n      - match: {family: ipv6-unicast}\n        then: accept\n");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	assert_int_equal(s->term, POLICY_TERM_DEFAULT);
	config_free(cfg);
}

static void test_term_order(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint32_t tagged[] = { 0xfde90001 };

	p = load(&cfg,
	         "  p:\n"
	         "    default: accept\n"
	         "    terms:\n"
	         "      - name: tag\n"                 /* no action: changes, then on */
	         "        match: {prefixes: [{prefix: 10.0.0.0/8, le: 32}]}\n"
	         "        then: {add-community: \"65001:1\", set-med: 7}\n"
	         "      - name: sees-the-tag\n"
	         "        match: {community: \"65001:1\", as-path: {origin-as: 65003}}\n"
	         "        then: reject\n"
	         "      - name: first-accept\n"
	         "        match: {prefixes: [{prefix: 10.0.0.0/8, le: 32}]}\n"
	         "        then: {action: accept, set-local-pref: 200}\n"
	         "      - name: never-reached\n"
	         "        then: {action: accept, set-local-pref: 300}\n");

	/* the first term's community decides the second term */
	route_init(&rt, "10.1.0.0/16", "65002 65003");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	assert_int_equal(s->term, 1);

	/* the first deciding term wins; earlier changes are kept */
	route_init(&rt, "10.1.0.0/16", "65002 65004");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(s->term, 2);
	assert_int_equal(rt.a.local_pref, 200);
	assert_int_equal(rt.a.med, 7);
	assert_comms(&rt.a, 1, tagged);

	/* outside 10/8: only the last term */
	route_init(&rt, "192.0.2.0/24", "65002 65003");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(s->term, 3);
	assert_int_equal(rt.a.local_pref, 300);
	assert_false(bgp_attr_has(&rt.a, BGP_ATTR_MED));
	assert_false(bgp_attr_has(&rt.a, BGP_ATTR_COMMUNITIES));
	config_free(cfg);
}

/* A term with changes and no action, then the default. */
static void test_fall_through_to_default(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	p = load(&cfg, "  p:\n    default: accept\n    terms:\n"
	               "      - then: {set-local-pref: 50}\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(s->term, POLICY_TERM_DEFAULT);
	assert_true(bgp_attr_has(&rt.a, BGP_ATTR_LOCAL_PREF));
	assert_int_equal(rt.a.local_pref, 50);
	config_free(cfg);
}

/* A rejecting term's changes are not made (nothing to keep them for). */
static void test_reject_changes_nothing(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	struct bgp_attrs before;

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then: {action: reject, set-med: 5, add-community: \"1:1\", prepend: 2}\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	before = rt.a;
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	assert_int_equal(s->term, 0);
	assert_memory_equal(&before, &rt.a, sizeof(before));
	config_free(cfg);
}

/* ---- matches ---- */

static void test_match_prefixes(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	static const struct {
		const char *prefix;
		bool accept;
	} cases[] = {
		{ "10.0.0.0/8", true },         /* exact entry */
		{ "10.1.0.0/16", false },       /* more specific than the exact one */
		{ "172.16.0.0/12", false },     /* ge 16 le 24: too short */
		{ "172.16.0.0/16", true },
		{ "172.31.255.0/24", true },
		{ "172.16.1.0/25", false },     /* too long */
		{ "172.32.0.0/16", false },     /* outside */
		{ "192.168.0.0/16", true },     /* ge alone: 16..32 */
		{ "192.168.1.1/32", true },
		{ "192.169.0.0/16", false },
		{ "198.18.0.0/15", true },      /* le alone: 15..24 */
		{ "198.19.7.0/24", true },
		{ "198.19.7.0/25", false },
		{ "198.16.0.0/14", false },     /* shorter than the entry */
		{ "0.0.0.0/0", true },          /* 0.0.0.0/0 exact */
		{ "2001:db8::/32", true },      /* IPv6 entry, le 48 */
		{ "2001:db8:ff::/48", true },
		{ "2001:db8::/64", false },
		{ "2001:db9::/32", false },
		{ "::/0", false },              /* the v4 /0 entry is not a v6 one */
	};

	p = load(&cfg,
	         "  p:\n"
	         "    terms:\n"
	         "      - match:\n"
	         "          prefixes:\n"
	         "            - 10.0.0.0/8\n"
	         "            - {prefix: 172.16.0.0/12, ge: 16, le: 24}\n"
	         "            - {prefix: 192.168.0.0/16, ge: 16}\n"
	         "            - {prefix: 198.18.0.0/15, le: 24}\n"
	         "            - 0.0.0.0/0\n"
	         "            - {prefix: \"2001:db8::/32\", le: 48}\n"
	         "        then: accept\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct route rt;

		route_init(&rt, cases[i].prefix, "65002");
		if (run(p, &rt, s) != (cases[i].accept ? POLICY_ACCEPT : POLICY_REJECT))
			fail_msg("prefix %s: expected %s", cases[i].prefix,
			         cases[i].accept ? "accept" : "reject");
	}
	config_free(cfg);
}

static void test_match_prefix_bits_not_on_octet(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	/* 100.64.0.0/10: the tenth bit decides (100.64 = 0x40, 100.128 = 0x80) */
	p = load(&cfg, "  p:\n    terms:\n      - match: {prefixes: [{prefix: 100.64.0.0/10, le: 32}]}\n"
	               "        then: accept\n");
	route_init(&rt, "100.127.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	route_init(&rt, "100.128.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	route_init(&rt, "100.0.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	config_free(cfg);
}

static void test_match_aspath(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	static const struct {
		const char *path;
		int term;               /* -1: none */
	} cases[] = {
		{ "65002 64500 65010", 0 },     /* contains 64500 */
		{ "65002 {64501,65011} 65010", 0 },     /* in an AS_SET too */
		{ "65002 65003 64502", 1 },     /* origin 64502 */
		{ "64502 65003", -1 },          /* 64502, but not the origin */
		{ "65002 {64502}", -1 },        /* ends in a set: no single origin */
		{ "", -1 },                     /* empty: no origin, length 0 */
		{ "1 2 3 4 5", 2 },             /* length 5 */
		{ "1 2 3 {4,5,6,7}", -1 },      /* a set counts 1: length 4 */
		{ "1 2 3 4 {5,6}", 2 },         /* length 5 */
		{ "1 2 3 4 5 6 7", 2 },         /* 7: within ge 5 le 7 */
		{ "1 2 3 4 5 6 7 8", -1 },
		{ "9", 3 },                     /* eq 1 */
	};

	p = load(&cfg,
	         "  p:\n"
	         "    terms:\n"
	         "      - match: {as-path: {contains-as: [64500, 64501]}}\n"
	         "        then: accept\n"
	         "      - match: {as-path: {origin-as: [64502, 64503]}}\n"
	         "        then: accept\n"
	         "      - match: {as-path: {length: {ge: 5, le: 7}}}\n"
	         "        then: accept\n"
	         "      - match: {as-path: {length: {eq: 1}}}\n"
	         "        then: accept\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct route rt;
		enum policy_verdict v;

		route_init(&rt, "10.1.0.0/16", cases[i].path);
		v = run(p, &rt, s);
		if (cases[i].term < 0 ? v != POLICY_REJECT || s->term != POLICY_TERM_DEFAULT
		                      : v != POLICY_ACCEPT || s->term != (size_t)cases[i].term)
			fail_msg("path '%s': expected term %d", cases[i].path, cases[i].term);
	}
	config_free(cfg);
}

/* All the AS_PATH conditions of one term must hold together. */
static void test_match_aspath_all_conditions(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - match: {as-path: {contains-as: 64500, origin-as: 64502, length: {le: 3}}}\n"
	               "        then: accept\n");
	route_init(&rt, "10.1.0.0/16", "64500 64502");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	route_init(&rt, "10.1.0.0/16", "64500 1 2 64502");      /* too long */
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	route_init(&rt, "10.1.0.0/16", "64501 64502");          /* no 64500 */
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	route_init(&rt, "10.1.0.0/16", "64502 64500");          /* wrong origin */
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	config_free(cfg);
}

static void test_match_communities(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint32_t none_listed[] = { 0xfde80001, 0xfde80002 };
	static const uint32_t one_listed[] = { 0xfde80001, 0xfde80064 };  /* 65000:100 */
	static const uint32_t no_export[] = { 0xffffff01 };

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - match: {community: [\"65000:100\", no-export]}\n"
	               "        then: accept\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);            /* no COMMUNITIES */
	route_comm(&rt, 2, none_listed);
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	route_comm(&rt, 2, one_listed);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	route_init(&rt, "10.1.0.0/16", "65002");
	route_comm(&rt, 1, no_export);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);             /* the well-known name */
	config_free(cfg);
}

static void test_match_large_communities(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint32_t near[][3] = { { 64500, 1, 2 }, { 64500, 2, 1 }, { 1, 1, 1 } };
	static const uint32_t hit[][3] = { { 64500, 1, 2 }, { 4200000000u, 7, 4294967295u } };

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - match: {large-community: [\"64500:1:1\", \"4200000000:7:4294967295\"]}\n"
	               "        then: accept\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	route_large(&rt, 3, near);
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);            /* every part must agree */
	route_large(&rt, 2, hit);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	config_free(cfg);
}

static void test_match_neighbor_and_family(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - match: {neighbor: [10.0.0.9, \"2001:db8::2\"]}\n"
	               "        then: {action: accept, set-med: 1}\n"
	               "      - match: {family: ipv6-unicast}\n"
	               "        then: {action: accept, set-med: 2}\n");
	route_init(&rt, "10.1.0.0/16", "65002");                    /* from 10.0.0.2 */
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	rt.neighbor.a[3] = 9;
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(rt.a.med, 1);
	rt.r.neighbor = NULL;                                       /* no neighbour: no match */
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);

	route_init(&rt, "2001:db8:1::/48", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(s->term, 1);
	assert_int_equal(rt.a.med, 2);
	rt.neighbor.af = CONFIG_AF_INET6;
	memcpy(rt.neighbor.a, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(s->term, 0);
	config_free(cfg);
}

/* Every condition given must hold; the empty match holds always. */
static void test_match_all_kinds_together(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint32_t c[] = { 0xfde80064 };
	static const uint32_t l[][3] = { { 65000, 0, 1 } };

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - match:\n"
	               "          prefixes: [{prefix: 10.0.0.0/8, le: 24}]\n"
	               "          as-path: {origin-as: 65003}\n"
	               "          community: \"65000:100\"\n"
	               "          large-community: \"65000:0:1\"\n"
	               "          neighbor: 10.0.0.2\n"
	               "          family: ipv4-unicast\n"
	               "        then: accept\n");
	route_init(&rt, "10.1.0.0/16", "65002 65003");
	route_comm(&rt, 1, c);
	route_large(&rt, 1, l);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	rt.a.present &= ~BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITY);
	rt.a.large_communities.len = 0;
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	route_init(&rt, "10.1.0.0/16", "65002 65003");
	route_large(&rt, 1, l);
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);            /* no community */
	config_free(cfg);

	p = load(&cfg, "  p:\n    terms:\n      - then: accept\n");
	route_init(&rt, "2001:db8::/32", "");
	assert_true(policy_match(&p->terms[0].match, &rt.r, &rt.a));
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	config_free(cfg);
}

/* ---- actions ---- */

static void test_set_local_pref_and_med(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then: {action: accept, set-local-pref: 4294967295, set-med: 0}\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	rt.a.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	rt.a.med = 50;
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_true(bgp_attr_has(&rt.a, BGP_ATTR_LOCAL_PREF));
	assert_int_equal(rt.a.local_pref, 4294967295u);
	assert_true(bgp_attr_has(&rt.a, BGP_ATTR_MED));
	assert_int_equal(rt.a.med, 0);
	config_free(cfg);
}

static void test_add_remove_communities(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	/* unsorted, with a repeat, as a peer may send them */
	static const uint32_t in[] = { 0xfde90005, 0xffffff01, 0x00010001, 0xfde90005, 0xfde80064 };
	static const uint32_t want[] = { 0x00010001, 0xfde80064, 0xfde90001, 0xfde90005,
	                                 0xfde90009 };

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then:\n"
	               "          action: accept\n"
	               "          remove-community: [no-export, \"65001:7\"]\n"
	               "          add-community: [\"65001:9\", \"65001:1\", \"65001:5\", \"65001:9\"]\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	route_comm(&rt, 5, in);
	rt.a.partial = BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_comms(&rt.a, 5, want);
	/* rebuilt in the scratch; the route's own storage untouched */
	assert_ptr_equal(rt.a.communities.data,
	                 policy_scratch_buf(s, POLICY_SLOT_COMMUNITIES, rt.comm));
	assert_int_equal(bgp_get_u32be(rt.comm), in[0]);
	/* RFC 4271 §5: a Partial bit is never set back to 0 */
	assert_true(rt.a.partial & BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES));
	config_free(cfg);
}

static void test_communities_created_and_emptied(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint32_t one[] = { 0xfde90001 };
	static const uint32_t gone[] = { 0xfde90002, 0xfde90002 };

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - match: {family: ipv4-unicast}\n"
	               "        then: {action: accept, add-community: \"65001:1\"}\n"
	               "      - then: {action: accept, remove-community: \"65001:2\"}\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_comms(&rt.a, 1, one);
	assert_false(rt.a.partial & BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES));

	/* everything removed: the attribute goes, not an empty one */
	route_init(&rt, "2001:db8::/32", "65002");
	route_comm(&rt, 2, gone);
	rt.a.partial = BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_comms(&rt.a, 0, NULL);
	assert_int_equal(rt.a.communities.len, 0);
	assert_false(rt.a.partial & BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES));
	config_free(cfg);
}

/* An edit that changes nothing copies nothing: the view stays where it was. */
static void test_community_noop_keeps_view(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint32_t in[] = { 0xfde90002, 0xfde90001 };     /* unsorted */

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then: {action: accept, add-community: \"65001:1\",\n"
	               "               remove-community: \"65001:3\",\n"
	               "               remove-large-community: \"1:2:3\"}\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	route_comm(&rt, 2, in);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_ptr_equal(rt.a.communities.data, rt.comm);
	assert_comms(&rt.a, 2, in);
	assert_false(bgp_attr_has(&rt.a, BGP_ATTR_LARGE_COMMUNITY));
	config_free(cfg);
}

static void test_add_remove_large_communities(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint32_t in[][3] = {
		{ 65001, 2, 0 }, { 64500, 1, 1 }, { 65001, 1, 4294967295u }, { 64500, 1, 1 },
	};
	static const uint32_t want[][3] = {
		{ 1, 0, 0 }, { 65001, 1, 4294967295u }, { 65001, 2, 0 }, { 65001, 2, 1 },
	};

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then:\n"
	               "          action: accept\n"
	               "          remove-large-community: \"64500:1:1\"\n"
	               "          add-large-community: [\"65001:2:1\", \"1:0:0\", \"65001:2:0\"]\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	route_large(&rt, 4, in);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	/* RFC 8092 §3: no duplicates; sorted by global admin, then local parts */
	assert_int_equal(bgp_large_community_count(&rt.a), 4);
	for (size_t i = 0; i < 4; i++) {
		struct bgp_large_community c = bgp_large_community_at(&rt.a, i);

		assert_int_equal(c.global, want[i][0]);
		assert_int_equal(c.local1, want[i][1]);
		assert_int_equal(c.local2, want[i][2]);
	}
	config_free(cfg);
}

static void test_prepend(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - match: {family: ipv4-unicast}\n"
	               "        then: {prepend: 3}\n"               /* local-as, 3 times */
	               "      - match: {as-path: {origin-as: 65003}}\n"
	               "        then: {prepend: {as: 64999, count: 2}}\n"
	               "      - then: {action: accept, prepend: {as: 4200000000}}\n");
	route_init(&rt, "10.1.0.0/16", "65002 65003");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	/* three rebuilds in a row through one scratch */
	assert_path(&rt.a, "4200000000 64999 64999 65001 65001 65001 65002 65003");
	assert_int_equal(bgp_get_u32be(rt.path + 2), 65002);       /* the original intact */

	/* onto an AS_SET: a new AS_SEQUENCE in front (RFC 4271 §5.1.2 b 2) */
	route_init(&rt, "2001:db8::/32", "{65005,65006}");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_path(&rt.a, "4200000000 {65005,65006}");

	/* onto the empty path of a local route */
	route_init(&rt, "2001:db8::/32", "");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_path(&rt.a, "4200000000");
	config_free(cfg);
}

static void test_next_hop_self(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;

	p = load(&cfg, "  p:\n    terms:\n      - then: {action: accept, set-next-hop: self}\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(rt.a.next_hop, 0xc0000201);

	route_init(&rt, "2001:db8::/32", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(rt.a.mp_nh_len, 16);
	assert_memory_equal(rt.a.mp_nh, self6, 16);

	/* with our link-local on the shared link: global then link-local, RFC 2545 §3 */
	route_init(&rt, "2001:db8::/32", "65002");
	rt.r.self_ll = ll6;
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(rt.a.mp_nh_len, 32);
	assert_memory_equal(rt.a.mp_nh, self6, 16);
	assert_memory_equal(rt.a.mp_nh + 16, ll6, 16);

	/* an IPv4 route over an IPv6 session: no IPv4 address of ours to give */
	route_init(&rt, "10.1.0.0/16", "65002");
	rt.r.self_nh = self6;
	rt.r.self_nh_len = 16;
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	assert_int_equal(s->term, 0);
	assert_non_null(strstr(s->why, "next-hop"));
	rt.r.self_nh = NULL;
	rt.r.self_nh_len = 0;
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	config_free(cfg);
}

static void test_next_hop_address(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	static const uint8_t want6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xbe, [15] = 0xef };

	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then: {set-next-hop: 198.51.100.7}\n"
	               "      - then: {action: accept, set-next-hop: \"2001:db8::beef\"}\n");
	route_init(&rt, "10.1.0.0/16", "65002");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(rt.a.next_hop, 0xc6336407);                /* the v6 one ignored */

	route_init(&rt, "2001:db8::/32", "65002");
	rt.a.mp_nh_len = 32;                                        /* had a link-local too */
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(rt.a.mp_nh_len, 16);
	assert_memory_equal(rt.a.mp_nh, want6, 16);
	assert_false(bgp_attr_has(&rt.a, BGP_ATTR_NEXT_HOP));
	config_free(cfg);
}

/* ---- bounds: an attribute value stays within 65535 octets ---- */

static void test_communities_overflow_rejects(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	const size_t full = POLICY_ATTR_MAX / BGP_COMMUNITY_LEN;  /* 16383: 65532 octets */
	uint8_t *big = malloc(full * BGP_COMMUNITY_LEN);

	assert_non_null(big);
	for (size_t i = 0; i < full; i++)
		put32(big + i * 4, (uint32_t)(i * 2));             /* 0:0, 0:2, 0:4 ... */
	route_init(&rt, "10.1.0.0/16", "65002");
	rt.a.communities.data = big;
	rt.a.communities.len = full * BGP_COMMUNITY_LEN;
	rt.a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);

	/* adding what is there: nothing to do */
	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then: {action: accept, add-community: [\"0:2\", \"0:4\"]}\n");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_ptr_equal(rt.a.communities.data, big);
	config_free(cfg);

	/* one out, one in: still 16383 */
	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then: {action: accept, remove-community: \"0:0\", add-community: \"0:3\"}\n");
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(bgp_community_count(&rt.a), full);
	assert_int_equal(bgp_community_at(&rt.a, 0), 2);
	assert_int_equal(bgp_community_at(&rt.a, 1), 3);
	config_free(cfg);

	/* one more than fits */
	rt.a.communities.data = big;
	rt.a.communities.len = full * BGP_COMMUNITY_LEN;
	p = load(&cfg, "  p:\n    terms:\n"
	               "      - then: {add-community: \"0:2\"}\n"
	               "      - then: {action: accept, add-community: \"0:3\"}\n");
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	assert_int_equal(s->term, 1);
	assert_non_null(strstr(s->why, "65535"));
	config_free(cfg);
	free(big);
}

/* A path of a first AS_SEQUENCE of `first` ASNs and 64 full ones (255 ASNs,
 * 1022 octets each); returns its length. */
static size_t long_path(uint8_t *q, unsigned first)
{
	uint8_t *start = q;

	for (unsigned k = 0; k <= 64; k++) {
		unsigned n = k == 0 ? first : BGP_AS_SEG_MAX;

		*q++ = BGP_AS_SEQUENCE;
		*q++ = (uint8_t)n;
		for (unsigned i = 0; i < n; i++, q += 4)
			put32(q, 65002);
	}
	return (size_t)(q - start);
}

static void test_aspath_overflow_rejects(void **state)
{
	struct policy_scratch *s = *state;
	struct bgpd_config *cfg;
	const struct config_policy *p;
	struct route rt;
	uint8_t *big = malloc(POLICY_ATTR_MAX);
	size_t len;

	assert_non_null(big);
	p = load(&cfg, "  p:\n    terms:\n      - then: {action: accept, prepend: 16}\n");
	/* 62 + 64 * 1022 = 65470 octets; 16 more ASNs go into the first segment:
	 * 65534, the most there is */
	route_init(&rt, "10.1.0.0/16", "");
	len = long_path(big, 15);
	rt.a.aspath = bgp_aspath_view(big, len, BGP_AS4_SIZE);
	assert_int_equal(bgp_aspath_check(&rt.a.aspath), BGP_ASPATH_OK);
	assert_int_equal(run(p, &rt, s), POLICY_ACCEPT);
	assert_int_equal(rt.a.aspath.len, len + 16 * BGP_AS4_SIZE);
	assert_int_equal(rt.a.aspath.len, 65534);
	/* from 4 octets further it would be one past the limit */
	len = long_path(big, 16);
	rt.a.aspath = bgp_aspath_view(big, len, BGP_AS4_SIZE);
	assert_int_equal(run(p, &rt, s), POLICY_REJECT);
	assert_int_equal(s->term, 0);
	assert_non_null(strstr(s->why, "AS_PATH"));
	config_free(cfg);
	free(big);
}

/* ---- the building blocks ---- */

static void test_comm_edit_direct(void **state)
{
	uint8_t in[] = { 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 9 };
	uint8_t out[16];
	struct bgp_view v = { in, sizeof(in) }, res = { NULL, 0 };
	uint32_t add_v[] = { 5, 1 }, del_v[] = { 7 };
	struct config_u32_list add = { add_v, 2 }, del = { del_v, 1 };
	(void)state;

	assert_int_equal(policy_comm_edit(&v, &del, &add, out, sizeof(out), &res), 0);
	assert_int_equal(res.len, 12);                              /* 1, 5, 9 */
	assert_memory_equal(out, "\0\0\0\1\0\0\0\5\0\0\0\x09", 12);
	/* three fit in 12 octets, four do not */
	assert_int_equal(policy_comm_edit(&v, &del, &add, out, 12, &res), 0);
	add_v[0] = 6;                                               /* 1, 5, 6, 9 */
	add_v[1] = 5;
	assert_int_equal(policy_comm_edit(&v, &del, &add, out, 12, &res), -1);
	/* nothing to do */
	add.n = 0;
	del_v[0] = 2;
	assert_int_equal(policy_comm_edit(&v, &del, &add, out, sizeof(out), &res), 1);
	assert_int_equal(policy_comm_edit(&v, NULL, NULL, out, sizeof(out), &res), 1);
}

static void test_scratch_buffers_alternate(void **state)
{
	struct policy_scratch *s = *state;
	uint8_t *b0 = policy_scratch_buf(s, POLICY_SLOT_ASPATH, NULL);
	uint8_t *b1 = policy_scratch_buf(s, POLICY_SLOT_ASPATH, b0 + 100);

	assert_ptr_not_equal(b0, b1);
	assert_ptr_equal(policy_scratch_buf(s, POLICY_SLOT_ASPATH, b1), b0);
	assert_ptr_equal(policy_scratch_buf(s, POLICY_SLOT_ASPATH, b0 + POLICY_ATTR_MAX - 1), b1);
	assert_ptr_not_equal(policy_scratch_buf(s, POLICY_SLOT_LARGE, NULL), b0);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct policy_scratch));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_policy_rejects),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_term_order),
		cmocka_unit_test(test_fall_through_to_default),
		cmocka_unit_test(test_reject_changes_nothing),
		cmocka_unit_test(test_match_prefixes),
		cmocka_unit_test(test_match_prefix_bits_not_on_octet),
		cmocka_unit_test(test_match_aspath),
		cmocka_unit_test(test_match_aspath_all_conditions),
		cmocka_unit_test(test_match_communities),
		cmocka_unit_test(test_match_large_communities),
		cmocka_unit_test(test_match_neighbor_and_family),
		cmocka_unit_test(test_match_all_kinds_together),
		cmocka_unit_test(test_set_local_pref_and_med),
		cmocka_unit_test(test_add_remove_communities),
		cmocka_unit_test(test_communities_created_and_emptied),
		cmocka_unit_test(test_community_noop_keeps_view),
		cmocka_unit_test(test_add_remove_large_communities),
		cmocka_unit_test(test_prepend),
		cmocka_unit_test(test_next_hop_self),
		cmocka_unit_test(test_next_hop_address),
		cmocka_unit_test(test_communities_overflow_rejects),
		cmocka_unit_test(test_aspath_overflow_rejects),
		cmocka_unit_test(test_comm_edit_direct),
		cmocka_unit_test(test_scratch_buffers_alternate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
