/*
 * tests/unit/test_rib.c — the RIB (bgpd/rib.c): update, replace, withdraw,
 * policy-rejected paths, next-hop reachability, budgeted flush, the change
 * queue (each prefix once, however often it flaps), walks in prefix order with
 * resume, peers, the order-independent best path when MEDs form a cycle, and
 * a seeded random run checked against a model after every operation.
 * References are checked throughout: once the RIB lets go, attrset_count()
 * is back to what the test itself holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/aspath.h"
#include "bgpd/attrset.h"
#include "bgpd/decide.h"
#include "bgpd/rib.h"

#define LOCAL_AS    65000u
#define ROUTER_ID   0x0a000001u
#define NONE        (-1)
#define PATH_BUF    256

static struct attrset_table *T;
static struct rib *R;

/* ---- fixtures ---- */

static const struct attrset *mkset(const char *path, long long med, long long lp)
{
	uint8_t buf[PATH_BUF];
	struct bgp_attrs a;
	const struct attrset *s;

	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	a.next_hop = 0xc0000201u;
	assert_int_equal(bgp_aspath_parse(path, buf, sizeof(buf), &a.aspath), 0);
	if (med != NONE) {
		a.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
		a.med = (uint32_t)med;
	}
	if (lp != NONE) {
		a.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		a.local_pref = (uint32_t)lp;
	}
	s = attrset_intern(T, &a);
	assert_non_null(s);
	return s;
}

static struct bgp_prefix pfx4(uint32_t addr, unsigned len)
{
	uint8_t b[4] = { (uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
	                 (uint8_t)addr };
	struct bgp_prefix p;

	assert_true(bgp_prefix_set(&p, BGP_AFI_IPV4, b, len) >= 0);
	return p;
}

static struct bgp_prefix pfx6(uint32_t hi, uint32_t lo, unsigned len)
{
	uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct bgp_prefix p;

	b[4] = (uint8_t)(hi >> 24);
	b[5] = (uint8_t)(hi >> 16);
	b[6] = (uint8_t)(hi >> 8);
	b[7] = (uint8_t)hi;
	b[12] = (uint8_t)(lo >> 24);
	b[13] = (uint8_t)(lo >> 16);
	b[14] = (uint8_t)(lo >> 8);
	b[15] = (uint8_t)lo;
	assert_true(bgp_prefix_set(&p, BGP_AFI_IPV6, b, len) >= 0);
	return p;
}

static uint32_t add_peer(uint8_t kind, uint32_t as, uint32_t id)
{
	struct rib_peer_info pi;
	uint8_t addr[4] = { 10, 0, (uint8_t)(id >> 8), (uint8_t)id };
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

static size_t drain(void)
{
	struct bgp_prefix p;
	size_t n = 0;

	while (rib_next_change(R, &p))
		n++;
	assert_int_equal(rib_changes_pending(R), 0);
	return n;
}

static const struct rib_path *best(const struct bgp_prefix *p)
{
	const struct rib_entry *e = rib_lookup(R, p);

	return e ? rib_best(e) : NULL;
}

static size_t n_paths(const struct bgp_prefix *p)
{
	const struct rib_entry *e = rib_lookup(R, p);
	size_t n = 0;

	for (const struct rib_path *x = e ? rib_paths(e) : NULL; x; x = rib_path_next(x))
		n++;
	return n;
}

static int setup(void **state)
{
	struct rib_cfg cfg = { LOCAL_AS, ROUTER_ID, 0 };

	(void)state;
	T = attrset_table_new();
	R = rib_new(&cfg, T);
	assert_non_null(R);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rib_free(R);
	assert_int_equal(attrset_count(T), 0);
	attrset_table_free(T);
	return 0;
}

/* ---- tests ---- */

static void test_update_replace_withdraw(void **state)
{
	uint32_t a = add_peer(RIB_PEER_EBGP, 65001, 1), b = add_peer(RIB_PEER_EBGP, 65002, 2);
	const struct attrset *s1 = mkset("65001", NONE, NONE), *s2 = mkset("65001 7", NONE, NONE);
	const struct attrset *s3 = mkset("65002 7 8", NONE, NONE);
	struct bgp_prefix p = pfx4(0xc6336400, 24);
	struct rib_stats st;

	(void)state;
	assert_int_equal(rib_update(R, a, &p, s1, s1, 0), 0);
	assert_int_equal(s1->refcnt, 3);            /* ours + in + eff */
	assert_non_null(best(&p));
	assert_int_equal(best(&p)->peer, a);
	assert_ptr_equal(best(&p)->eff, s1);
	assert_true(bgp_prefix_eq(rib_entry_prefix(rib_lookup(R, &p)), &p));
	assert_int_equal(rib_peer_count(R, a), 1);
	assert_int_equal(rib_peer_accepted(R, a), 1);
	rib_stats(R, &st);
	assert_int_equal(st.prefixes[0], 1);
	assert_int_equal(st.prefixes[1], 0);
	assert_int_equal(st.paths, 1);
	assert_true(st.bytes > 0);

	/* the same peer again replaces its path */
	assert_int_equal(rib_update(R, a, &p, s2, s2, 0), 0);
	assert_int_equal(n_paths(&p), 1);
	assert_ptr_equal(best(&p)->eff, s2);
	assert_int_equal(s1->refcnt, 1);
	/* another peer adds one; the shorter AS_PATH stays best, listed first */
	assert_int_equal(rib_update(R, b, &p, s3, s3, 0), 0);
	assert_int_equal(n_paths(&p), 2);
	assert_int_equal(rib_paths(rib_lookup(R, &p))->peer, a);
	assert_int_equal(rib_paths(rib_lookup(R, &p))->next->peer, b);
	assert_int_equal(rib_withdraw(R, a, &p), 1);
	assert_int_equal(rib_withdraw(R, a, &p), 0);
	assert_int_equal(best(&p)->peer, b);
	assert_int_equal(rib_withdraw(R, b, &p), 1);
	assert_null(rib_lookup(R, &p));
	rib_stats(R, &st);
	assert_int_equal(st.prefixes[0], 0);
	assert_int_equal(st.paths, 0);

	/* rejected by import policy: held (Adj-RIB-In) but never best */
	assert_int_equal(rib_update(R, a, &p, s1, NULL, 0), 0);
	assert_int_equal(rib_peer_count(R, a), 1);
	assert_int_equal(rib_peer_accepted(R, a), 0);
	assert_non_null(rib_lookup(R, &p));
	assert_null(best(&p));
	assert_false(rib_path_eligible(rib_paths(rib_lookup(R, &p))));
	assert_int_equal(rib_update(R, a, &p, s1, s1, 0), 0);
	assert_int_equal(rib_peer_accepted(R, a), 1);
	assert_int_equal(rib_withdraw(R, a, &p), 1);

	/* refused input */
	assert_int_equal(rib_update(R, 999, &p, s1, s1, 0), -1);
	assert_int_equal(rib_update(R, a, &p, NULL, s1, 0), -1);
	p.len = 33;
	assert_int_equal(rib_update(R, a, &p, s1, s1, 0), -1);
	assert_int_equal(rib_peer_count(R, a), 0);
	drain();
	attrset_unref(T, s1);
	attrset_unref(T, s2);
	attrset_unref(T, s3);
	assert_int_equal(attrset_count(T), 0);
	rib_peer_remove(R, a);
	rib_peer_remove(R, b);
}

static void test_change_queue(void **state)
{
	uint32_t a = add_peer(RIB_PEER_EBGP, 65001, 1), b = add_peer(RIB_PEER_EBGP, 65002, 2);
	const struct attrset *s1 = mkset("65001", NONE, NONE), *s2 = mkset("65001 7", NONE, NONE);
	const struct attrset *s3 = mkset("65002 7 8", NONE, NONE), *s4 = mkset("65002 7 9", NONE, NONE);
	struct bgp_prefix p[3] = { pfx4(0x0a000000, 8), pfx4(0x0b000000, 8), pfx6(1, 0, 64) }, q;
	struct rib_stats st;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(rib_update(R, a, &p[i], s1, s1, 0), 0);
	assert_int_equal(rib_changes_pending(R), 3);
	rib_stats(R, &st);
	assert_int_equal(st.prefixes[0], 2);
	assert_int_equal(st.prefixes[1], 1);
	for (int i = 0; i < 3; i++) {              /* oldest first */
		assert_true(rib_next_change(R, &q));
		assert_true(bgp_prefix_eq(&q, &p[i]));
	}
	assert_false(rib_next_change(R, &q));

	/* a flapping prefix is queued once */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(rib_update(R, a, &p[0], s1, i % 2 ? s1 : s2, 0), 0);
		assert_int_equal(rib_withdraw(R, a, &p[0]), 1);
		assert_int_equal(rib_update(R, a, &p[0], s1, s1, 0), 0);
	}
	assert_int_equal(rib_changes_pending(R), 1);
	assert_int_equal(drain(), 1);

	/* the best path with a new eff is a change; a new `in` alone is not */
	assert_int_equal(rib_update(R, a, &p[0], s1, s2, 0), 0);
	assert_int_equal(drain(), 1);
	assert_int_equal(rib_update(R, a, &p[0], s3, s2, 0), 0);
	assert_int_equal(drain(), 0);
	/* a path that is not the best changing stays out of the queue */
	assert_int_equal(rib_update(R, b, &p[0], s3, s3, 0), 0);
	assert_int_equal(drain(), 0);
	assert_int_equal(rib_update(R, b, &p[0], s4, s4, 0), 0);
	assert_int_equal(drain(), 0);
	assert_int_equal(best(&p[0])->peer, a);
	/* the best going is a change; so is the route going entirely */
	assert_int_equal(rib_withdraw(R, a, &p[0]), 1);
	assert_int_equal(drain(), 1);
	assert_int_equal(best(&p[0])->peer, b);
	assert_int_equal(rib_withdraw(R, b, &p[0]), 1);
	assert_true(rib_next_change(R, &q));
	assert_true(bgp_prefix_eq(&q, &p[0]));
	assert_null(rib_lookup(R, &p[0]));
	/* announced and withdrawn before the glue looked: still reported once */
	assert_int_equal(rib_update(R, b, &p[0], s3, s3, 0), 0);
	assert_int_equal(rib_withdraw(R, b, &p[0]), 1);
	assert_null(rib_lookup(R, &p[0]));
	assert_int_equal(drain(), 1);

	assert_int_equal(rib_peer_flush(R, a, SIZE_MAX), 0);
	assert_int_equal(drain(), 2);
	attrset_unref(T, s1);
	attrset_unref(T, s2);
	attrset_unref(T, s3);
	attrset_unref(T, s4);
	assert_int_equal(attrset_count(T), 0);
	rib_peer_remove(R, a);
	rib_peer_remove(R, b);
}

#define FLUSH_N 1000
#define FLUSH_BUDGET 300

static void test_flush_with_budget(void **state)
{
	uint32_t a = add_peer(RIB_PEER_EBGP, 65001, 1), b = add_peer(RIB_PEER_EBGP, 65002, 2);
	const struct attrset *s1 = mkset("65001", NONE, NONE), *s2 = mkset("65002 7", NONE, NONE);
	struct rib_stats st;
	size_t left;

	(void)state;
	for (uint32_t i = 0; i < FLUSH_N; i++) {
		struct bgp_prefix p = pfx4(0x0a000000 + (i << 8), 24);

		assert_int_equal(rib_update(R, a, &p, s1, s1, 0), 0);
		if (i % 10 == 0)
			assert_int_equal(rib_update(R, b, &p, s2, s2, 0), 0);
	}
	assert_int_equal(drain(), FLUSH_N);
	assert_int_equal(rib_peer_count(R, a), FLUSH_N);
	left = rib_peer_flush(R, a, FLUSH_BUDGET);
	assert_int_equal(left, FLUSH_N - FLUSH_BUDGET);
	assert_int_equal(rib_peer_count(R, a), left);
	left = rib_peer_flush(R, a, FLUSH_BUDGET);
	assert_int_equal(left, FLUSH_N - 2 * FLUSH_BUDGET);
	left = rib_peer_flush(R, a, FLUSH_BUDGET);
	assert_int_equal(left, FLUSH_N - 3 * FLUSH_BUDGET);
	left = rib_peer_flush(R, a, FLUSH_BUDGET);
	assert_int_equal(left, 0);
	assert_int_equal(rib_peer_flush(R, a, FLUSH_BUDGET), 0);
	/* every prefix changed (gone, or now via b) */
	assert_int_equal(drain(), FLUSH_N);
	rib_stats(R, &st);
	assert_int_equal(st.prefixes[0], FLUSH_N / 10);
	assert_int_equal(st.paths, FLUSH_N / 10);
	for (uint32_t i = 0; i < FLUSH_N; i += 10) {
		struct bgp_prefix p = pfx4(0x0a000000 + (i << 8), 24);

		assert_int_equal(best(&p)->peer, b);
	}
	assert_int_equal(s1->refcnt, 1);
	rib_peer_remove(R, b);                      /* holds paths: flushed first */
	assert_null(rib_peer_get(R, b));
	assert_int_equal(s2->refcnt, 1);
	rib_stats(R, &st);
	assert_int_equal(st.paths, 0);
	drain();
	attrset_unref(T, s1);
	attrset_unref(T, s2);
	rib_peer_remove(R, a);
}

static int cmp_prefix(const void *a, const void *b)
{
	return bgp_prefix_cmp(a, b);
}

struct collect {
	struct bgp_prefix *out;
	size_t n, cap;
	size_t stop_at;             /* return 7 when n reaches it (0: never) */
};

static int collect(const struct rib_entry *e, void *arg)
{
	struct collect *c = arg;

	if (c->stop_at && c->n == c->stop_at)
		return 7;
	assert_true(c->n < c->cap);
	c->out[c->n++] = *rib_entry_prefix(e);
	return 0;
}

#define WALK_N 5000

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static struct bgp_prefix random_prefix(uint32_t *seed)
{
	uint32_t r = lcg(seed);

	if (r % 4 == 0)
		return pfx6(lcg(seed) & 0xffff, lcg(seed), 32 + lcg(seed) % 97);
	return pfx4(lcg(seed) << 8 ^ lcg(seed), 8 + lcg(seed) % 25);
}

/* Sorted, without duplicates; how many. */
static size_t sort_unique(struct bgp_prefix *p, size_t n)
{
	size_t m = 0;

	qsort(p, n, sizeof(*p), cmp_prefix);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || !bgp_prefix_eq(&p[m - 1], &p[i]))
			p[m++] = p[i];
	return m;
}

static void check_walk(const struct bgp_prefix *want, size_t n, struct bgp_prefix *buf)
{
	struct collect c = { buf, 0, WALK_N, 0 };

	assert_int_equal(rib_walk(R, NULL, collect, &c), 0);
	assert_int_equal(c.n, n);
	for (size_t i = 0; i < n; i++)
		assert_true(bgp_prefix_eq(&buf[i], &want[i]));
}

static void test_walk_order_and_resume(void **state)
{
	uint32_t a = add_peer(RIB_PEER_EBGP, 65001, 1), seed = 12345;
	const struct attrset *s = mkset("65001", NONE, NONE);
	struct bgp_prefix *want = calloc(WALK_N, sizeof(*want)), *got = calloc(WALK_N, sizeof(*got));
	struct bgp_prefix from;
	struct collect c;
	size_t n, m;

	(void)state;
	for (size_t i = 0; i < WALK_N; i++) {
		want[i] = random_prefix(&seed);
		assert_int_equal(rib_update(R, a, &want[i], s, s, 0), 0);
	}
	n = sort_unique(want, WALK_N);
	check_walk(want, n, got);

	/* resume from a prefix held: it is the first one given */
	c = (struct collect){ got, 0, WALK_N, 0 };
	assert_int_equal(rib_walk(R, &want[n / 2], collect, &c), 0);
	assert_int_equal(c.n, n - n / 2);
	assert_true(bgp_prefix_eq(&got[0], &want[n / 2]));
	/* from a prefix not held: the next greater one */
	for (size_t k = 1; k + 1 < n; k += n / 17) {
		from = want[k];
		if (from.len < bgp_prefix_af_bits(from.af))
			from.len++;             /* sorts just after want[k] */
		else
			continue;
		if (bgp_prefix_eq(&from, &want[k + 1]))
			continue;
		c = (struct collect){ got, 0, WALK_N, 0 };
		assert_int_equal(rib_walk(R, &from, collect, &c), 0);
		assert_int_equal(c.n, n - k - 1);
		assert_true(bgp_prefix_eq(&got[0], &want[k + 1]));
	}
	/* before everything, past everything */
	memset(&from, 0, sizeof(from));
	c = (struct collect){ got, 0, WALK_N, 0 };
	assert_int_equal(rib_walk(R, &from, collect, &c), 0);
	assert_int_equal(c.n, n);
	from = pfx6(0xffffffff, 0xffffffff, 128);
	from.addr[0] = 0xff;
	c = (struct collect){ got, 0, WALK_N, 0 };
	assert_int_equal(rib_walk(R, &from, collect, &c), 0);
	assert_int_equal(c.n, 0);
	/* fn stops the walk; its value comes back */
	c = (struct collect){ got, 0, WALK_N, 10 };
	assert_int_equal(rib_walk(R, NULL, collect, &c), 7);
	assert_int_equal(c.n, 10);

	/* withdraw every other one: the walk follows */
	m = 0;
	for (size_t i = 0; i < n; i++) {
		if (i % 2)
			assert_int_equal(rib_withdraw(R, a, &want[i]), 1);
		else
			want[m++] = want[i];
	}
	/* (withdrawn ones wait on the change queue but are not walked) */
	check_walk(want, m, got);
	drain();
	check_walk(want, m, got);
	assert_int_equal(rib_peer_flush(R, a, SIZE_MAX), 0);
	drain();
	check_walk(want, 0, got);
	free(want);
	free(got);
	attrset_unref(T, s);
	rib_peer_remove(R, a);
}

/* Past the sizes where the walk order folds new prefixes in (4096) and empty
 * entries are reclaimed in bulk: the walk, lookups and resume stay exact
 * through many additions, withdrawals and returns, by single and batch calls. */
#define BIG_N 30000

struct oracle {
	struct bgp_prefix *all;     /* every prefix used */
	bool *held;
	size_t n;
};

static size_t oracle_sorted(const struct oracle *o, struct bgp_prefix *out)
{
	size_t m = 0;

	for (size_t i = 0; i < o->n; i++)
		if (o->held[i])
			out[m++] = o->all[i];
	qsort(out, m, sizeof(*out), cmp_prefix);
	return m;
}

static void check_big(const struct oracle *o, struct bgp_prefix *want, struct bgp_prefix *got,
                      uint32_t *seed)
{
	size_t m = oracle_sorted(o, want);
	struct collect c = { got, 0, BIG_N, 0 };
	struct rib_stats st;

	assert_int_equal(rib_walk(R, NULL, collect, &c), 0);
	assert_int_equal(c.n, m);
	for (size_t i = 0; i < m; i++)
		assert_true(bgp_prefix_eq(&got[i], &want[i]));
	for (size_t i = 0; i < o->n; i += 7)
		assert_int_equal(rib_lookup(R, &o->all[i]) != NULL, o->held[i]);
	for (int k = 0; k < 5 && m > 0; k++) {
		size_t at = lcg(seed) % m;

		c = (struct collect){ got, 0, BIG_N, 0 };
		assert_int_equal(rib_walk(R, &want[at], collect, &c), 0);
		assert_int_equal(c.n, m - at);
		assert_true(bgp_prefix_eq(&got[0], &want[at]));
	}
	rib_stats(R, &st);
	assert_int_equal(st.prefixes[0] + st.prefixes[1], m);
}

static void test_many_prefixes_order_and_reclaim(void **state)
{
	uint32_t a = add_peer(RIB_PEER_EBGP, 65001, 1), seed = 777;
	const struct attrset *s = mkset("65001", NONE, NONE);
	struct oracle o = { calloc(BIG_N, sizeof(*o.all)), calloc(BIG_N, sizeof(*o.held)), 0 };
	struct bgp_prefix *want = calloc(BIG_N, sizeof(*want)), *got = calloc(BIG_N, sizeof(*got));
	struct bgp_prefix *batch = calloc(BIG_N, sizeof(*batch));
	size_t nb;

	(void)state;
	/* distinct prefixes */
	while (o.n < BIG_N) {
		struct bgp_prefix p = random_prefix(&seed);
		bool dup = false;

		for (size_t i = o.n > 64 ? o.n - 64 : 0; i < o.n && !dup; i++)
			dup = bgp_prefix_eq(&o.all[i], &p);
		if (!dup)
			o.all[o.n++] = p;
	}
	o.n = sort_unique(o.all, o.n);
	/* shuffle back into arrival order */
	for (size_t i = o.n - 1; i > 0; i--) {
		size_t j = lcg(&seed) % (i + 1);
		struct bgp_prefix t = o.all[i];

		o.all[i] = o.all[j];
		o.all[j] = t;
	}
	/* 2/3 of them, in one batch */
	nb = 0;
	for (size_t i = 0; i < o.n * 2 / 3; i++) {
		batch[nb++] = o.all[i];
		o.held[i] = true;
	}
	assert_int_equal(rib_update_many(R, a, batch, nb, s, s, 0), nb);
	assert_int_equal(drain(), nb);
	check_big(&o, want, got, &seed);
	/* a few more: merged on the fly, not folded in; then a few more again,
	 * sorted into those */
	for (size_t i = o.n * 2 / 3; i < o.n * 2 / 3 + 1000; i++) {
		assert_int_equal(rib_update(R, a, &o.all[i], s, s, 0), 0);
		o.held[i] = true;
	}
	check_big(&o, want, got, &seed);
	for (size_t i = o.n * 2 / 3 + 1000; i < o.n * 2 / 3 + 1500; i++) {
		assert_int_equal(rib_update(R, a, &o.all[i], s, s, 0), 0);
		o.held[i] = true;
	}
	check_big(&o, want, got, &seed);
	/* most go: empty entries pile up and are reclaimed */
	assert_int_equal(drain(), 1500);
	nb = 0;
	for (size_t i = 0; i < o.n; i++)
		if (o.held[i] && lcg(&seed) % 10 < 8) {
			batch[nb++] = o.all[i];
			o.held[i] = false;
		}
	assert_int_equal(rib_withdraw_many(R, a, batch, nb), nb);
	assert_int_equal(rib_withdraw_many(R, a, batch, nb), 0);
	/* the queue still names each of them, although most entries around
	 * them were reclaimed meanwhile */
	{
		struct bgp_prefix q;
		size_t k = 0;

		while (rib_next_change(R, &q)) {
			assert_true(k < BIG_N);
			got[k++] = q;
		}
		assert_int_equal(k, nb);
		qsort(got, k, sizeof(*got), cmp_prefix);
		qsort(batch, nb, sizeof(*batch), cmp_prefix);
		for (size_t i = 0; i < nb; i++)
			assert_true(bgp_prefix_eq(&got[i], &batch[i]));
	}
	check_big(&o, want, got, &seed);
	/* some come back (old empty entries or new ones), the rest arrive */
	for (size_t i = 0; i < o.n; i++)
		if (!o.held[i] && lcg(&seed) % 2) {
			assert_int_equal(rib_update(R, a, &o.all[i], s, s, 0), 0);
			o.held[i] = true;
		}
	check_big(&o, want, got, &seed);
	assert_int_equal(rib_peer_flush(R, a, SIZE_MAX), 0);
	memset(o.held, 0, o.n * sizeof(*o.held));
	drain();
	check_big(&o, want, got, &seed);
	free(o.all);
	free(o.held);
	free(want);
	free(got);
	free(batch);
	attrset_unref(T, s);
	rib_peer_remove(R, a);
}

static void test_next_hop_unreachable(void **state)
{
	uint32_t a = add_peer(RIB_PEER_EBGP, 65001, 1), b = add_peer(RIB_PEER_EBGP, 65002, 2);
	const struct attrset *s1 = mkset("65001", NONE, NONE), *s2 = mkset("65002 7", NONE, NONE);
	struct bgp_prefix p = pfx6(5, 0, 48);
	struct rib_stats st;

	(void)state;
	assert_int_equal(rib_update(R, a, &p, s1, s1, 0), 0);
	assert_int_equal(rib_update(R, b, &p, s2, s2, 0), 0);
	drain();
	assert_int_equal(best(&p)->peer, a);
	rib_path_set_flags(R, a, &p, RIB_PATH_NH_UNREACH);
	assert_int_equal(best(&p)->peer, b);
	assert_int_equal(drain(), 1);
	rib_path_set_flags(R, a, &p, RIB_PATH_NH_UNREACH);     /* no change */
	assert_int_equal(drain(), 0);
	rib_path_set_flags(R, b, &p, RIB_PATH_NH_UNREACH);
	assert_null(best(&p));
	assert_int_equal(n_paths(&p), 2);          /* kept (RFC 4271 §9.1.2) */
	rib_stats(R, &st);
	assert_int_equal(st.prefixes[1], 0);
	assert_int_equal(drain(), 1);
	rib_path_set_flags(R, a, &p, 0);
	assert_int_equal(best(&p)->peer, a);
	assert_int_equal(drain(), 1);
	/* arriving unreachable */
	assert_int_equal(rib_withdraw(R, a, &p), 1);
	assert_int_equal(rib_update(R, a, &p, s1, s1, RIB_PATH_NH_UNREACH), 0);
	assert_null(best(&p));
	rib_path_set_flags(R, 77, &p, 0);           /* no such peer: nothing */
	assert_int_equal(rib_peer_flush(R, a, SIZE_MAX), 0);
	assert_int_equal(rib_peer_flush(R, b, SIZE_MAX), 0);
	drain();
	attrset_unref(T, s1);
	attrset_unref(T, s2);
	rib_peer_remove(R, a);
	rib_peer_remove(R, b);
}

/* MEDs that make "better than" a cycle: x beats y (BGP id), y beats z (BGP
 * id), z beats x (MED, same neighbour AS 300). The best must not depend on
 * the order the paths came in: AS 300's winner is z, and y beats z. (A
 * one-pass tournament over the paths would pick x for some orders.) */
static void test_med_cycle_is_order_independent(void **state)
{
	static const int order[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	uint32_t peers[3] = { add_peer(RIB_PEER_EBGP, 300, 1), add_peer(RIB_PEER_EBGP, 200, 2),
	                      add_peer(RIB_PEER_EBGP, 300, 3) };
	const struct attrset *sets[3] = { mkset("300 9", 20, NONE), mkset("200 9", 0, NONE),
	                                  mkset("300 9", 10, NONE) };
	struct bgp_prefix p = pfx4(0xcb007100, 24);

	(void)state;
	for (int o = 0; o < 6; o++) {
		for (int i = 0; i < 3; i++) {
			int k = order[o][i];

			assert_int_equal(rib_update(R, peers[k], &p, sets[k], sets[k], 0), 0);
		}
		assert_int_equal(best(&p)->peer, peers[1]);
		assert_int_equal(n_paths(&p), 3);
		/* and taking them away in that order keeps it consistent */
		assert_int_equal(rib_withdraw(R, peers[order[o][0]], &p), 1);
		if (order[o][0] == 1)
			assert_int_equal(best(&p)->peer, peers[2]);     /* z beats x by MED */
		else if (order[o][0] == 2)
			assert_int_equal(best(&p)->peer, peers[0]);     /* x beats y by id */
		else
			assert_int_equal(best(&p)->peer, peers[1]);     /* y beats z by id */
		assert_int_equal(rib_withdraw(R, peers[order[o][1]], &p), 1);
		assert_int_equal(best(&p)->peer, peers[order[o][2]]);
		assert_int_equal(rib_withdraw(R, peers[order[o][2]], &p), 1);
		assert_null(rib_lookup(R, &p));
	}
	drain();
	for (int i = 0; i < 3; i++) {
		attrset_unref(T, sets[i]);
		rib_peer_remove(R, peers[i]);
	}
}

static void test_peers_and_local(void **state)
{
	uint32_t a = add_peer(RIB_PEER_IBGP, LOCAL_AS, 5), b = add_peer(RIB_PEER_IBGP, LOCAL_AS, 6);
	const struct attrset *s = mkset("65001", NONE, 100), *loc = mkset("", NONE, NONE);
	struct bgp_prefix p = pfx4(0xc0a80000, 16);
	struct rib_peer_info pi;
	uint32_t c;

	(void)state;
	assert_non_null(rib_peer_get(R, RIB_PEER_LOCAL));
	assert_int_equal(rib_peer_get(R, RIB_PEER_LOCAL)->kind, RIB_PEER_LOCAL_KIND);
	assert_int_equal(rib_peer_get(R, a)->bgp_id, 5);
	assert_null(rib_peer_get(R, 1000));
	assert_int_equal(rib_update(R, a, &p, s, s, 0), 0);
	assert_int_equal(rib_update(R, b, &p, s, s, 0), 0);
	assert_int_equal(best(&p)->peer, a);        /* lower BGP id */
	drain();
	/* a's id changing re-decides its prefixes */
	pi = *rib_peer_get(R, a);
	pi.bgp_id = 7;
	rib_peer_set_info(R, a, &pi);
	assert_int_equal(best(&p)->peer, b);
	assert_int_equal(drain(), 1);
	/* our own announcement wins */
	assert_int_equal(rib_update(R, RIB_PEER_LOCAL, &p, loc, loc, 0), 0);
	assert_int_equal(best(&p)->peer, RIB_PEER_LOCAL);
	rib_peer_remove(R, RIB_PEER_LOCAL);         /* not removable */
	assert_non_null(rib_peer_get(R, RIB_PEER_LOCAL));
	assert_int_equal(rib_withdraw(R, RIB_PEER_LOCAL, &p), 1);
	/* ids are reused, lowest first */
	rib_peer_remove(R, a);
	assert_null(rib_peer_get(R, a));
	assert_int_equal(rib_peer_count(R, a), 0);
	c = add_peer(RIB_PEER_EBGP, 65009, 9);
	assert_int_equal(c, a);
	assert_int_equal(best(&p)->peer, b);
	/* many peers: the table grows */
	for (int i = 0; i < 40; i++)
		add_peer(RIB_PEER_EBGP, 65100 + (uint32_t)i, 100 + (uint32_t)i);
	for (uint32_t i = 1; i < 43; i++)
		rib_peer_remove(R, i);
	drain();
	attrset_unref(T, s);
	attrset_unref(T, loc);
}

/* ---- the random run ---- */

#define M_PREFIXES  48
#define M_PEERS     5
#define M_SETS      7
#define M_OPS       6000

struct mpath {
	bool has;
	int in, eff;                /* indices into sets; eff -1: rejected */
	uint32_t flags;
};

struct model {
	struct bgp_prefix pfx[M_PREFIXES];
	struct mpath path[M_PREFIXES][M_PEERS];
	uint32_t peer[M_PEERS];
	const struct attrset *set[M_SETS];
};

static struct rib_path mk_rpath(const struct model *m, int k, int j)
{
	struct rib_path r;

	memset(&r, 0, sizeof(r));
	r.peer = m->peer[j];
	r.in = m->set[m->path[k][j].in];
	r.eff = m->path[k][j].eff >= 0 ? m->set[m->path[k][j].eff] : NULL;
	r.flags = m->path[k][j].flags;
	return r;
}

/* The best by definition: each neighbour AS's best path, then the best of
 * those; -1 if none eligible. */
static int model_best(const struct model *m, int k)
{
	struct rib_path rp[M_PEERS];
	bool ok[M_PEERS];
	int best_j = -1;

	for (int j = 0; j < M_PEERS; j++) {
		ok[j] = m->path[k][j].has;
		if (ok[j]) {
			rp[j] = mk_rpath(m, k, j);
			ok[j] = rib_path_eligible(&rp[j]);
		}
	}
	for (int j = 0; j < M_PEERS; j++) {
		bool winner = ok[j];

		for (int i = 0; i < M_PEERS && winner; i++)
			if (i != j && ok[i] &&
			    decide_neighbor_as(R, &rp[i]) == decide_neighbor_as(R, &rp[j]) &&
			    decide_cmp(R, &rp[i], &rp[j]) < 0)
				winner = false;
		if (winner && (best_j < 0 || decide_cmp(R, &rp[j], &rp[best_j]) < 0))
			best_j = j;
	}
	return best_j;
}

/* What the Loc-RIB holds for prefix k, as (peer index, eff set index). */
static int model_loc(const struct model *m, int k, int *eff)
{
	int j = model_best(m, k);

	*eff = j >= 0 ? m->path[k][j].eff : -1;
	return j;
}

static void check_entry(const struct model *m, int k)
{
	const struct rib_entry *e = rib_lookup(R, &m->pfx[k]);
	int n = 0, eff, j = model_loc(m, k, &eff);
	size_t listed = 0;

	for (int i = 0; i < M_PEERS; i++)
		n += m->path[k][i].has;
	if (n == 0) {
		assert_null(e);
		return;
	}
	assert_non_null(e);
	for (const struct rib_path *x = rib_paths(e); x; x = x->next) {
		int i;

		for (i = 0; i < M_PEERS && m->peer[i] != x->peer; i++)
			;
		assert_true(i < M_PEERS && m->path[k][i].has);
		assert_ptr_equal(x->in, m->set[m->path[k][i].in]);
		listed++;
	}
	assert_int_equal(listed, n);
	if (j < 0) {
		assert_null(rib_best(e));
	} else {
		assert_non_null(rib_best(e));
		assert_int_equal(rib_best(e)->peer, m->peer[j]);
		assert_ptr_equal(rib_best(e)->eff, m->set[eff]);
		assert_ptr_equal(rib_paths(e), rib_best(e));
	}
}

static void test_random_against_model(void **state)
{
	static struct model m;
	static const char *paths[M_SETS] = { "100 9", "100 9", "200 9", "200", "100 8 9", "", "300" };
	static const long long meds[M_SETS] = { 10, 20, 5, NONE, 0, 3, NONE };
	static const long long lps[M_SETS] = { NONE, NONE, NONE, 200, NONE, NONE, 50 };
	int before_peer[M_PREFIXES], before_eff[M_PREFIXES];
	uint32_t seed = 4242;
	size_t flushes = 0;

	(void)state;
	memset(&m, 0, sizeof(m));
	for (int k = 0; k < M_PREFIXES; k++)
		m.pfx[k] = k % 3 ? pfx4(0x64000000 + ((uint32_t)k << 12), 20 + k % 5)
		                 : pfx6((uint32_t)k, 0, 64);
	for (int j = 0; j < M_PEERS; j++)
		m.peer[j] = add_peer(j % 2 ? RIB_PEER_IBGP : RIB_PEER_EBGP,
		                     j % 2 ? LOCAL_AS : 100 * (uint32_t)(j + 1), 50 - (uint32_t)j);
	for (int s = 0; s < M_SETS; s++)
		m.set[s] = mkset(paths[s], meds[s], lps[s]);

	for (int op = 0; op < M_OPS; op++) {
		uint32_t r = lcg(&seed);
		int k = (int)(lcg(&seed) % M_PREFIXES), j = (int)(lcg(&seed) % M_PEERS);
		struct mpath *mp = &m.path[k][j];
		struct bgp_prefix q;
		bool changed[M_PREFIXES] = { false };

		for (int i = 0; i < M_PREFIXES; i++)
			before_peer[i] = model_loc(&m, i, &before_eff[i]);
		switch (r % 10) {
		case 0: case 1: case 2: case 3: case 4:
			mp->has = true;
			mp->in = (int)(lcg(&seed) % M_SETS);
			mp->eff = lcg(&seed) % 5 ? (int)(lcg(&seed) % M_SETS) : -1;
			mp->flags = lcg(&seed) % 6 ? 0 : RIB_PATH_NH_UNREACH;
			assert_int_equal(rib_update(R, m.peer[j], &m.pfx[k], m.set[mp->in],
			                            mp->eff >= 0 ? m.set[mp->eff] : NULL, mp->flags), 0);
			break;
		case 5: case 6: case 7:
			assert_int_equal(rib_withdraw(R, m.peer[j], &m.pfx[k]), mp->has);
			mp->has = false;
			break;
		case 8: {
			uint32_t f = lcg(&seed) % 2 ? RIB_PATH_NH_UNREACH : 0;

			rib_path_set_flags(R, m.peer[j], &m.pfx[k], f);
			if (mp->has)
				mp->flags = f;
			break;
		}
		default:
			if (lcg(&seed) % 8)
				break;
			/* a session going down, in slices */
			while (rib_peer_flush(R, m.peer[j], 3) > 0)
				;
			for (int i = 0; i < M_PREFIXES; i++)
				m.path[i][j].has = false;
			flushes++;
			break;
		}
		while (rib_next_change(R, &q)) {
			int i;

			for (i = 0; i < M_PREFIXES && !bgp_prefix_eq(&q, &m.pfx[i]); i++)
				;
			assert_true(i < M_PREFIXES);
			assert_false(changed[i]);           /* once */
			changed[i] = true;
		}
		for (int i = 0; i < M_PREFIXES; i++) {
			int eff, now = model_loc(&m, i, &eff);
			bool moved = now != before_peer[i] || (now >= 0 && eff != before_eff[i]);

			assert_int_equal(changed[i], moved);
			check_entry(&m, i);
		}
	}
	assert_true(flushes > 0);
	for (int j = 0; j < M_PEERS; j++) {
		assert_int_equal(rib_peer_flush(R, m.peer[j], SIZE_MAX), 0);
		rib_peer_remove(R, m.peer[j]);
	}
	drain();
	for (int s = 0; s < M_SETS; s++) {
		assert_int_equal(m.set[s]->refcnt, 1);
		attrset_unref(T, m.set[s]);
	}
	assert_int_equal(attrset_count(T), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_update_replace_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_with_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_order_and_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_prefixes_order_and_reclaim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_hop_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_med_cycle_is_order_independent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_and_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
