/*
 * tests/unit/test_decide.c — the decision process (bgpd/decide.c): one test
 * per tie-breaker of decide_cmp, in order, each built so that the path
 * winning that step loses every later one (so the test fails if a later step
 * were applied first); and the import loop checks of decide_loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/aspath.h"
#include "bgpd/attrset.h"
#include "bgpd/decide.h"
#include "bgpd/rib.h"

#define LOCAL_AS    65000u
#define ROUTER_ID   0x0a000001u
#define CLUSTER_ID  0x0a0000feu
#define NONE        (-1)
#define PATH_BUF    256

static struct attrset_table *T;
static struct rib *R;

/* What a test path carries; NONE for an absent attribute. */
struct spec {
	const char *path;
	int origin;
	long long lp, med, originator;
	unsigned clusters;          /* CLUSTER_LIST entries */
};

static const struct attrset *set_of(const struct spec *s)
{
	static const uint8_t cl[4 * 8] = { 0 };
	uint8_t buf[PATH_BUF];
	struct bgp_attrs a;
	const struct attrset *r;

	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	a.origin = (uint8_t)s->origin;
	a.next_hop = 0xc0000201u;
	assert_int_equal(bgp_aspath_parse(s->path, buf, sizeof(buf), &a.aspath), 0);
	if (s->lp != NONE) {
		a.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		a.local_pref = (uint32_t)s->lp;
	}
	if (s->med != NONE) {
		a.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
		a.med = (uint32_t)s->med;
	}
	if (s->originator != NONE) {
		a.present |= BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID);
		a.originator_id = (uint32_t)s->originator;
	}
	if (s->clusters) {
		assert_true(s->clusters * 4 <= sizeof(cl));
		a.present |= BGP_ATTR_BIT(BGP_ATTR_CLUSTER_LIST);
		a.cluster_list.data = cl;
		a.cluster_list.len = s->clusters * 4;
	}
	r = attrset_intern(T, &a);
	assert_non_null(r);
	return r;
}

static uint32_t peer(uint8_t kind, uint32_t as, uint32_t id, uint8_t addr_last)
{
	struct rib_peer_info pi;
	uint8_t addr[4] = { 10, 0, 0, addr_last };
	uint32_t n;

	memset(&pi, 0, sizeof(pi));
	pi.kind = kind;
	pi.remote_as = as;
	pi.bgp_id = id;
	assert_int_equal(bgp_prefix_set(&pi.addr, BGP_AFI_IPV4, addr, 32), 0);
	n = rib_peer_add(R, &pi);
	assert_int_not_equal(n, UINT32_MAX);
	return n;
}

static struct rib_path path(uint32_t p, const struct spec *s)
{
	struct rib_path r;

	memset(&r, 0, sizeof(r));
	r.peer = p;
	r.eff = r.in = set_of(s);
	return r;
}

static void drop(struct rib_path *p)
{
	attrset_unref(T, p->eff);
}

/* a beats b, and the comparison is antisymmetric. */
static void assert_better(const struct rib_path *a, const struct rib_path *b)
{
	assert_true(decide_cmp(R, a, b) < 0);
	assert_true(decide_cmp(R, b, a) > 0);
}

/* The peers most tests use: W wins every source step (6, 7, 9) against L. */
static uint32_t W, L;

static int setup(void **state)
{
	struct rib_cfg cfg = { LOCAL_AS, ROUTER_ID, CLUSTER_ID };

	(void)state;
	T = attrset_table_new();
	R = rib_new(&cfg, T);
	W = peer(RIB_PEER_EBGP, 65001, 1, 1);       /* eBGP, lowest id and address */
	L = peer(RIB_PEER_IBGP, LOCAL_AS, 9, 9);    /* iBGP, highest id and address */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rib_free(R);
	assert_int_equal(attrset_count(T), 0);      /* every test gave its sets back */
	attrset_table_free(T);
	return 0;
}

/* A spec good at every attribute step, for the side that must lose. */
static const struct spec GOOD = { "65001", BGP_ORIGIN_IGP, 1000, 0, NONE, 0 };

static void test_1_local_first(void **state)
{
	struct spec worst = { "65001 65002 65003 65004", BGP_ORIGIN_INCOMPLETE, 1, 900, NONE, 3 };
	struct rib_path a = path(RIB_PEER_LOCAL, &worst), b = path(W, &GOOD);

	(void)state;
	assert_better(&a, &b);
	drop(&a);
	drop(&b);
}

static void test_2_local_pref(void **state)
{
	struct spec hi = { "65001 65002 65003", BGP_ORIGIN_INCOMPLETE, 200, 50, NONE, 2 };
	struct spec lo = { "65001", BGP_ORIGIN_IGP, 100, 0, NONE, 0 };
	struct spec none = { "65001", BGP_ORIGIN_IGP, NONE, 0, NONE, 0 };
	struct spec lp99 = { "65001", BGP_ORIGIN_IGP, 99, 0, NONE, 0 };
	struct spec lp101 = { "65001", BGP_ORIGIN_IGP, 101, 0, NONE, 0 };
	struct rib_path a = path(L, &hi), b = path(W, &lo);
	struct rib_path n = path(L, &none), c99 = path(W, &lp99), c101 = path(W, &lp101);

	(void)state;
	assert_better(&a, &b);
	/* absent LOCAL_PREF counts as DECIDE_DEFAULT_LOCAL_PREF (100) */
	assert_better(&n, &c99);
	assert_better(&c101, &n);
	drop(&a);
	drop(&b);
	drop(&n);
	drop(&c99);
	drop(&c101);
}

static void test_3_as_path_length(void **state)
{
	struct spec shrt = { "65001", BGP_ORIGIN_INCOMPLETE, 100, 50, NONE, 2 };
	struct spec lng = { "65001 65002", BGP_ORIGIN_IGP, 100, 0, NONE, 0 };
	/* an AS_SET counts 1 however big (RFC 4271 §9.1.2.2 a) */
	struct spec set = { "65001 {1,2,3,4,5}", BGP_ORIGIN_IGP, 100, 0, NONE, 0 };
	struct spec three = { "65001 65002 65003", BGP_ORIGIN_IGP, 100, 0, NONE, 0 };
	/* confederation segments count 0 (RFC 5065 §5.3) */
	struct spec confed = { "(65010 65011 65012 65013) 65001", BGP_ORIGIN_IGP, 100, 0, NONE, 0 };
	struct rib_path a = path(L, &shrt), b = path(W, &lng);
	struct rib_path s = path(L, &set), t = path(W, &three), c = path(L, &confed);

	(void)state;
	assert_better(&a, &b);
	assert_better(&s, &t);
	assert_better(&c, &b);
	drop(&a);
	drop(&b);
	drop(&s);
	drop(&t);
	drop(&c);
}

static void test_4_origin(void **state)
{
	struct spec igp = { "65001 65002", BGP_ORIGIN_IGP, 100, 50, NONE, 2 };
	struct spec egp = { "65001 65003", BGP_ORIGIN_EGP, 100, 0, NONE, 0 };
	struct spec inc = { "65001 65003", BGP_ORIGIN_INCOMPLETE, 100, 0, NONE, 0 };
	struct rib_path a = path(L, &igp), b = path(W, &egp), c = path(L, &egp), d = path(W, &inc);

	(void)state;
	assert_better(&a, &b);
	assert_better(&c, &d);
	drop(&a);
	drop(&b);
	drop(&c);
	drop(&d);
}

static void test_5_med_same_neighbor(void **state)
{
	struct spec m10 = { "65001 65002", BGP_ORIGIN_IGP, 100, 10, NONE, 2 };
	struct spec m20 = { "65001 65003", BGP_ORIGIN_IGP, 100, 20, NONE, 0 };
	struct spec nomed = { "65001 65002", BGP_ORIGIN_IGP, 100, NONE, NONE, 2 };
	struct spec m1 = { "65001 65003", BGP_ORIGIN_IGP, 100, 1, NONE, 0 };
	struct rib_path a = path(L, &m10), b = path(W, &m20);
	struct rib_path n = path(L, &nomed), c = path(W, &m1);

	(void)state;
	assert_better(&a, &b);
	/* no MED is the lowest possible one (RFC 4271 §9.1.2.2 c) */
	assert_better(&n, &c);
	assert_int_equal(decide_neighbor_as(R, &a), 65001);
	drop(&a);
	drop(&b);
	drop(&n);
	drop(&c);
}

static void test_5_med_other_neighbor_ignored(void **state)
{
	/* Different neighbouring AS: MED is not compared, so the later steps
	 * decide — and W (eBGP) wins although its MED is higher. */
	struct spec m10 = { "65002 65009", BGP_ORIGIN_IGP, 100, 10, NONE, 0 };
	struct spec m20 = { "65001 65009", BGP_ORIGIN_IGP, 100, 20, NONE, 0 };
	struct rib_path a = path(L, &m10), b = path(W, &m20);

	(void)state;
	assert_better(&b, &a);
	drop(&a);
	drop(&b);
}

static void test_5_med_neighbor_of_internal_route(void **state)
{
	/* Paths with no neighbour AS in their AS_PATH (originated inside our
	 * AS) all have our AS as neighbour: their MEDs compare. */
	uint32_t i2 = peer(RIB_PEER_IBGP, LOCAL_AS, 2, 2);
	struct spec m5 = { "", BGP_ORIGIN_IGP, 100, 5, NONE, 0 };
	struct spec m7 = { "", BGP_ORIGIN_IGP, 100, 7, NONE, 0 };
	struct rib_path a = path(L, &m5), b = path(i2, &m7);

	(void)state;
	assert_int_equal(decide_neighbor_as(R, &a), LOCAL_AS);
	assert_better(&a, &b);
	drop(&a);
	drop(&b);
	rib_peer_remove(R, i2);
}

static void test_6_ebgp_over_ibgp(void **state)
{
	uint32_t e9 = peer(RIB_PEER_EBGP, 65001, 9, 9);
	uint32_t i1 = peer(RIB_PEER_IBGP, LOCAL_AS, 1, 1);
	struct spec s2 = { "65001", BGP_ORIGIN_IGP, 100, 0, NONE, 2 };
	struct spec s0 = { "65001", BGP_ORIGIN_IGP, 100, 0, NONE, 0 };
	struct rib_path a = path(e9, &s2), b = path(i1, &s0);

	(void)state;
	assert_better(&a, &b);
	drop(&a);
	drop(&b);
	rib_peer_remove(R, e9);
	rib_peer_remove(R, i1);
}

static void test_7_bgp_identifier(void **state)
{
	uint32_t i1 = peer(RIB_PEER_IBGP, LOCAL_AS, 1, 9);
	uint32_t i9 = peer(RIB_PEER_IBGP, LOCAL_AS, 9, 1);
	uint32_t i5 = peer(RIB_PEER_IBGP, LOCAL_AS, 5, 1);
	struct spec s2 = { "65001", BGP_ORIGIN_IGP, 100, 0, NONE, 2 };
	struct spec s0 = { "65001", BGP_ORIGIN_IGP, 100, 0, NONE, 0 };
	/* RFC 4456 §9: ORIGINATOR_ID stands in for the BGP Identifier */
	struct spec orig = { "65001", BGP_ORIGIN_IGP, 100, 0, 0x00000002, 2 };
	struct rib_path a = path(i1, &s2), b = path(i9, &s0);
	struct rib_path o = path(i9, &orig), c = path(i5, &s0);

	(void)state;
	assert_better(&a, &b);
	assert_better(&o, &c);      /* 2 (ORIGINATOR_ID) < 5, although peer id 9 > 5 */
	drop(&a);
	drop(&b);
	drop(&o);
	drop(&c);
	rib_peer_remove(R, i1);
	rib_peer_remove(R, i9);
	rib_peer_remove(R, i5);
}

static void test_8_cluster_list_length(void **state)
{
	uint32_t hi = peer(RIB_PEER_IBGP, LOCAL_AS, 7, 9);
	uint32_t lo = peer(RIB_PEER_IBGP, LOCAL_AS, 7, 1);
	struct spec c1 = { "65001", BGP_ORIGIN_IGP, 100, 0, 0x01010101, 1 };
	struct spec c2 = { "65001", BGP_ORIGIN_IGP, 100, 0, 0x01010101, 2 };
	struct rib_path a = path(hi, &c1), b = path(lo, &c2);

	(void)state;
	assert_better(&a, &b);
	drop(&a);
	drop(&b);
	rib_peer_remove(R, hi);
	rib_peer_remove(R, lo);
}

static void test_9_peer_address(void **state)
{
	/* same everything but the address; the lower address has the higher id */
	uint32_t first = peer(RIB_PEER_IBGP, LOCAL_AS, 7, 9);
	uint32_t second = peer(RIB_PEER_IBGP, LOCAL_AS, 7, 1);
	struct rib_path a = path(second, &GOOD), b = path(first, &GOOD);

	(void)state;
	assert_true(second > first);
	assert_better(&a, &b);
	drop(&a);
	drop(&b);
	rib_peer_remove(R, first);
	rib_peer_remove(R, second);
}

static void test_10_peer_id_last(void **state)
{
	uint32_t p1 = peer(RIB_PEER_IBGP, LOCAL_AS, 7, 5);
	uint32_t p2 = peer(RIB_PEER_IBGP, LOCAL_AS, 7, 5);
	struct rib_path a = path(p1, &GOOD), b = path(p2, &GOOD), a2 = path(p1, &GOOD);

	(void)state;
	assert_better(&a, &b);      /* never 0 for different peers */
	assert_int_equal(decide_cmp(R, &a, &a2), 0);
	drop(&a);
	drop(&b);
	drop(&a2);
	rib_peer_remove(R, p1);
	rib_peer_remove(R, p2);
}

/* ---- loop checks ---- */

static struct bgp_attrs loop_attrs(const char *path, uint8_t *buf)
{
	struct bgp_attrs a;

	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	assert_int_equal(bgp_aspath_parse(path, buf, PATH_BUF, &a.aspath), 0);
	return a;
}

static void test_loop_as_path(void **state)
{
	struct rib_cfg cfg = { LOCAL_AS, ROUTER_ID, CLUSTER_ID };
	uint8_t buf[PATH_BUF];
	struct bgp_attrs a;

	(void)state;
	a = loop_attrs("65001 65002", buf);
	assert_null(decide_loop(&cfg, &a, false));
	a = loop_attrs("65001 65000 65002", buf);           /* AS_SEQUENCE */
	assert_non_null(decide_loop(&cfg, &a, false));
	a = loop_attrs("65001 {65003,65000}", buf);         /* AS_SET */
	assert_non_null(decide_loop(&cfg, &a, true));
	a = loop_attrs("(65010 65000) 65001", buf);         /* confed segment */
	assert_non_null(decide_loop(&cfg, &a, true));
	a = loop_attrs("[65000] 65001", buf);
	assert_non_null(decide_loop(&cfg, &a, true));
	a = loop_attrs("", buf);
	assert_null(decide_loop(&cfg, &a, true));
}

static void test_loop_reflection(void **state)
{
	struct rib_cfg cfg = { LOCAL_AS, ROUTER_ID, CLUSTER_ID };
	uint8_t buf[PATH_BUF];
	uint8_t cl[8] = { 0x0a, 0, 0, 0x02, 0x0a, 0, 0, 0xfe };    /* ..., CLUSTER_ID */
	struct bgp_attrs a = loop_attrs("65001", buf);

	(void)state;
	a.present |= BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID);
	a.originator_id = ROUTER_ID;
	assert_non_null(decide_loop(&cfg, &a, true));
	assert_null(decide_loop(&cfg, &a, false));          /* an intra-AS matter */
	a.originator_id = ROUTER_ID + 1;
	assert_null(decide_loop(&cfg, &a, true));
	a.present |= BGP_ATTR_BIT(BGP_ATTR_CLUSTER_LIST);
	a.cluster_list.data = cl;
	a.cluster_list.len = sizeof(cl);
	assert_non_null(decide_loop(&cfg, &a, true));
	a.cluster_list.len = 4;                             /* only the other id */
	assert_null(decide_loop(&cfg, &a, true));
	/* no cluster id configured: the router id is the cluster id (RFC 4456 §7) */
	cfg.cluster_id = 0;
	cl[0] = 0x0a;
	cl[3] = 0x01;
	assert_non_null(decide_loop(&cfg, &a, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_1_local_first),
		cmocka_unit_test(test_2_local_pref),
		cmocka_unit_test(test_3_as_path_length),
		cmocka_unit_test(test_4_origin),
		cmocka_unit_test(test_5_med_same_neighbor),
		cmocka_unit_test(test_5_med_other_neighbor_ignored),
		cmocka_unit_test(test_5_med_neighbor_of_internal_route),
		cmocka_unit_test(test_6_ebgp_over_ibgp),
		cmocka_unit_test(test_7_bgp_identifier),
		cmocka_unit_test(test_8_cluster_list_length),
		cmocka_unit_test(test_9_peer_address),
		cmocka_unit_test(test_10_peer_id_last),
		cmocka_unit_test(test_loop_as_path),
		cmocka_unit_test(test_loop_reflection),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
