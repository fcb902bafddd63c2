/*
 * tests/unit/test_adjout.c — the Adj-RIB-Out (bgpd/adjout.c): packing 1000
 * prefixes of one attribute set into the fewest UPDATEs (decoded back with
 * bgp_update_decode: every prefix there exactly once, with its attributes),
 * IPv4 and IPv6, extended messages; withdrawals before announcements and
 * announcements grouped by set; changes that undo themselves before being
 * sent cost nothing (a withdrawal of a never-sent prefix sends nothing); what
 * cannot be encoded; route refresh; clearing; references.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/adjout.h"
#include "bgpd/aspath.h"
#include "bgpd/attrset.h"
#include "bgpd/update.h"

#define PATH_BUF    256
#define N_PACK      1000

static struct attrset_table *T;
static struct adjout *O;
static struct bgp_update U;         /* large: static */
static uint8_t M[BGP_EXT_MAX_LEN];
static struct bgp_update_ctx CTX, CTX_EXT;

/* ---- fixtures ---- */

static struct bgp_update_ctx mkctx(bool ext)
{
	struct bgp_update_ctx c;

	memset(&c, 0, sizeof(c));
	c.attr.as4 = true;
	c.attr.peer = BGP_PEER_EBGP;
	c.ext_msg = ext;
	c.families[0].afi = BGP_AFI_IPV4;
	c.families[0].safi = BGP_SAFI_UNICAST;
	c.families[1].afi = BGP_AFI_IPV6;
	c.families[1].safi = BGP_SAFI_UNICAST;
	c.n_families = 2;
	return c;
}

/* An announceable set: IPv4 next hop 192.0.2.<nh>, IPv6 2001:db8::<nh>; med
 * to make sets differ. */
static const struct attrset *mkset(const char *path, uint32_t med, uint8_t nh)
{
	uint8_t buf[PATH_BUF];
	struct bgp_attrs a;
	const struct attrset *s;

	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_MED);
	a.next_hop = 0xc0000200u | nh;
	a.med = med;
	a.mp_nh_len = 16;
	a.mp_nh[0] = 0x20;
	a.mp_nh[1] = 0x01;
	a.mp_nh[2] = 0x0d;
	a.mp_nh[3] = 0xb8;
	a.mp_nh[15] = nh;
	assert_int_equal(bgp_aspath_parse(path, buf, sizeof(buf), &a.aspath), 0);
	s = attrset_intern(T, &a);
	assert_non_null(s);
	return s;
}

/* Prefix number i: 10.<i/256>.<i%256>.0/24, or 2001:db8:<i>::/48. */
static struct bgp_prefix pfx(uint16_t afi, uint32_t i)
{
	struct bgp_prefix p;
	uint8_t b[16] = { 0 };

	if (afi == BGP_AFI_IPV4) {
		b[0] = 10;
		b[1] = (uint8_t)(i >> 8);
		b[2] = (uint8_t)i;
		assert_int_equal(bgp_prefix_set(&p, BGP_AFI_IPV4, b, 24), 0);
	} else {
		b[0] = 0x20;
		b[1] = 0x01;
		b[2] = 0x0d;
		b[3] = 0xb8;
		b[4] = (uint8_t)(i >> 8);
		b[5] = (uint8_t)i;
		assert_int_equal(bgp_prefix_set(&p, BGP_AFI_IPV6, b, 48), 0);
	}
	return p;
}

static uint32_t index_of(const struct bgp_prefix *p)
{
	return p->af == BGP_AFI_IPV4 ? (uint32_t)p->addr[1] << 8 | p->addr[2]
	                             : (uint32_t)p->addr[4] << 8 | p->addr[5];
}

/* What one UPDATE said. */
struct said {
	size_t n_ann, n_wd;
	uint32_t ann[BGP_EXT_MAX_LEN], wd[BGP_EXT_MAX_LEN];    /* prefix indices */
};

static struct said S;

static void runs(const struct bgp_nlri *r, unsigned n, uint32_t *out, size_t *k)
{
	for (unsigned i = 0; i < n; i++) {
		struct bgp_nlri_iter it;
		struct bgp_prefix p;

		bgp_nlri_iter_init(&it, &r[i]);
		while (bgp_nlri_next(&it, &p))
			out[(*k)++] = index_of(&p);
	}
}

/* Decode M[0..len) and fill S; the attributes announced must be set a's. */
static void decode(const struct bgp_update_ctx *ctx, int len, const struct attrset *a)
{
	assert_true(len >= BGP_UPDATE_MIN_LEN);
	assert_true((size_t)len <= (ctx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN));
	assert_int_equal(bgp_update_decode(ctx, M, (size_t)len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	S.n_ann = S.n_wd = 0;
	runs(U.reach, U.n_reach, S.ann, &S.n_ann);
	runs(U.unreach, U.n_unreach, S.wd, &S.n_wd);
	assert_false(S.n_ann && S.n_wd);        /* never both (RFC 7606 §5.1) */
	if (S.n_ann) {
		struct bgp_attrs want = a->a;

		assert_non_null(a);
		/* the family's next hop travels, the other one does not */
		if (U.reach[0].af.afi == BGP_AFI_IPV4) {
			want.mp_nh_len = 0;
			memset(want.mp_nh, 0, sizeof(want.mp_nh));
		} else {
			want.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
			want.next_hop = 0;
		}
		assert_true(bgp_attrs_equal(&U.attrs, &want));
	}
}

static int setup(void **state)
{
	(void)state;
	T = attrset_table_new();
	O = adjout_new(T);
	assert_non_null(O);
	CTX = mkctx(false);
	CTX_EXT = mkctx(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	adjout_free(O);
	assert_int_equal(attrset_count(T), 0);
	attrset_table_free(T);
	return 0;
}

/* ---- packing ---- */

static void pack_all(uint16_t afi, const struct bgp_update_ctx *ctx, size_t n)
{
	const struct attrset *a = mkset("65001 65002 65003", 7, 1);
	unsigned *seen = calloc(n, sizeof(*seen));
	size_t msgs = 0, per = 0, total = 0, cap = ctx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	int len;

	assert_non_null(seen);
	for (uint32_t i = 0; i < n; i++) {
		struct bgp_prefix p = pfx(afi, i);

		assert_int_equal(adjout_set(O, &p, a), 0);
		assert_int_equal(adjout_set(O, &p, a), 0);     /* once */
	}
	assert_int_equal(adjout_pending(O), n);
	assert_int_equal(adjout_pending_af(O, afi), n);
	assert_int_equal(adjout_count(O), 0);
	/* nothing of the other family */
	assert_int_equal(adjout_build(O, ctx, afi == BGP_AFI_IPV4 ? BGP_AFI_IPV6 : BGP_AFI_IPV4,
	                              M, sizeof(M)), 0);
	while ((len = adjout_build(O, ctx, afi, M, sizeof(M))) > 0) {
		size_t wire = bgp_prefix_wire_len(&(struct bgp_prefix){ .af = (uint8_t)afi,
		                                                         .len = afi == BGP_AFI_IPV4 ? 24 : 48 });

		decode(ctx, len, a);
		assert_int_equal(S.n_wd, 0);
		for (size_t i = 0; i < S.n_ann; i++) {
			assert_true(S.ann[i] < n);
			seen[S.ann[i]]++;
		}
		if (msgs == 0)
			per = S.n_ann;
		else if (total + S.n_ann < n)
			assert_int_equal(S.n_ann, per);            /* all full but the last */
		if (total + S.n_ann < n)
			assert_true((size_t)len + wire > cap);      /* not one more would fit */
		total += S.n_ann;
		msgs++;
	}
	assert_int_equal(len, 0);
	assert_int_equal(total, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(seen[i], 1);                   /* each exactly once */
	assert_int_equal(msgs, (n + per - 1) / per);        /* the fewest */
	print_message("%zu prefixes: %zu UPDATEs of %zu\n", n, msgs, per);
	assert_int_equal(adjout_pending(O), 0);
	assert_int_equal(adjout_count(O), n);
	for (uint32_t i = 0; i < n; i += 97) {
		struct bgp_prefix p = pfx(afi, i);

		assert_ptr_equal(adjout_get(O, &p), a);
	}
	assert_int_equal(adjout_errors(O), 0);
	free(seen);
	attrset_unref(T, a);
}

static void test_pack_1000_v4(void **state)
{
	(void)state;
	pack_all(BGP_AFI_IPV4, &CTX, N_PACK);
}

static void test_pack_1000_v6(void **state)
{
	(void)state;
	pack_all(BGP_AFI_IPV6, &CTX, N_PACK);
}

/* Enough to need several messages of each size. */
static void test_pack_many(void **state)
{
	(void)state;
	pack_all(BGP_AFI_IPV4, &CTX, 4 * N_PACK);
	adjout_clear(O);
	pack_all(BGP_AFI_IPV6, &CTX, 4 * N_PACK);
}

static void test_pack_extended_messages(void **state)
{
	(void)state;
	pack_all(BGP_AFI_IPV4, &CTX_EXT, 40 * N_PACK);
	adjout_clear(O);
	pack_all(BGP_AFI_IPV6, &CTX_EXT, 20 * N_PACK);
}

/* Send whatever is pending of afi; how many messages. */
static size_t flush_out(uint16_t afi)
{
	size_t n = 0;
	int len;

	while ((len = adjout_build(O, &CTX, afi, M, sizeof(M))) != 0) {
		assert_true(len > 0);
		n++;
	}
	return n;
}

static bool has(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static void test_mixed_withdraw_announce(void **state)
{
	const struct attrset *a = mkset("65001", 1, 1), *b = mkset("65001 65009", 2, 2);
	struct bgp_prefix p;
	int len;

	(void)state;
	for (uint32_t i = 0; i < 10; i++) {
		p = pfx(BGP_AFI_IPV4, i);
		assert_int_equal(adjout_set(O, &p, a), 0);
	}
	assert_int_equal(flush_out(BGP_AFI_IPV4), 1);
	assert_int_equal(adjout_count(O), 10);
	/* withdraw 0-4; 5-7 move to b; 10, 11 new with a; 12 new with b */
	for (uint32_t i = 0; i < 5; i++) {
		p = pfx(BGP_AFI_IPV4, i);
		assert_int_equal(adjout_set(O, &p, NULL), 0);
		assert_null(adjout_get(O, &p));
	}
	for (uint32_t i = 5; i < 8; i++) {
		p = pfx(BGP_AFI_IPV4, i);
		assert_int_equal(adjout_set(O, &p, b), 0);
	}
	for (uint32_t i = 10; i < 12; i++) {
		p = pfx(BGP_AFI_IPV4, i);
		assert_int_equal(adjout_set(O, &p, a), 0);
	}
	p = pfx(BGP_AFI_IPV4, 12);
	assert_int_equal(adjout_set(O, &p, b), 0);
	assert_int_equal(adjout_pending(O), 11);
	assert_int_equal(adjout_count(O), 10);     /* nothing sent yet */

	/* withdrawals first, alone */
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, NULL);
	assert_int_equal(S.n_wd, 5);
	assert_int_equal(S.n_ann, 0);
	for (uint32_t i = 0; i < 5; i++)
		assert_true(has(S.wd, S.n_wd, i));
	assert_int_equal(adjout_count(O), 5);
	/* then b's group (pending first), 12 joining it */
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, b);
	assert_int_equal(S.n_ann, 4);
	for (uint32_t i = 5; i < 8; i++)
		assert_true(has(S.ann, S.n_ann, i));
	assert_true(has(S.ann, S.n_ann, 12));
	/* then a's */
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, a);
	assert_int_equal(S.n_ann, 2);
	assert_true(has(S.ann, S.n_ann, 10) && has(S.ann, S.n_ann, 11));
	assert_int_equal(adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M)), 0);
	assert_int_equal(adjout_count(O), 8);
	p = pfx(BGP_AFI_IPV4, 6);
	assert_ptr_equal(adjout_get(O, &p), b);
	p = pfx(BGP_AFI_IPV4, 8);
	assert_ptr_equal(adjout_get(O, &p), a);
	p = pfx(BGP_AFI_IPV4, 3);
	assert_null(adjout_get(O, &p));
	attrset_unref(T, a);
	attrset_unref(T, b);
}

static void test_changes_that_undo_themselves(void **state)
{
	const struct attrset *a = mkset("65001", 1, 1), *b = mkset("65001", 2, 1);
	struct bgp_prefix p = pfx(BGP_AFI_IPV4, 1), q = pfx(BGP_AFI_IPV6, 2);
	int len;

	(void)state;
	/* a withdrawal of a prefix never sent sends nothing */
	assert_int_equal(adjout_set(O, &p, NULL), 0);
	assert_int_equal(adjout_pending(O), 0);
	assert_int_equal(adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M)), 0);
	/* nor does one announced and withdrawn again before it was sent */
	assert_int_equal(adjout_set(O, &p, a), 0);
	assert_int_equal(adjout_set(O, &q, b), 0);
	assert_int_equal(adjout_pending(O), 2);
	assert_ptr_equal(adjout_get(O, &p), a);
	assert_int_equal(adjout_set(O, &p, b), 0);
	assert_int_equal(adjout_set(O, &p, NULL), 0);
	assert_int_equal(adjout_set(O, &q, NULL), 0);
	assert_int_equal(adjout_pending(O), 0);
	assert_null(adjout_get(O, &p));
	assert_int_equal(adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M)), 0);
	assert_int_equal(adjout_build(O, &CTX, BGP_AFI_IPV6, M, sizeof(M)), 0);
	assert_int_equal(a->refcnt, 1);
	/* sent, then changed and changed back: nothing to send */
	assert_int_equal(adjout_set(O, &p, a), 0);
	assert_int_equal(flush_out(BGP_AFI_IPV4), 1);
	assert_int_equal(adjout_set(O, &p, b), 0);
	assert_int_equal(adjout_pending(O), 1);
	assert_int_equal(adjout_set(O, &p, a), 0);
	assert_int_equal(adjout_pending(O), 0);
	/* sent, then changed and withdrawn: the withdrawal alone goes */
	assert_int_equal(adjout_set(O, &p, b), 0);
	assert_int_equal(adjout_set(O, &p, NULL), 0);
	assert_int_equal(adjout_pending(O), 1);
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, NULL);
	assert_int_equal(S.n_wd, 1);
	assert_int_equal(S.wd[0], 1);
	assert_int_equal(adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M)), 0);
	assert_int_equal(adjout_count(O), 0);
	assert_int_equal(a->refcnt, 1);
	assert_int_equal(b->refcnt, 1);
	/* bad prefixes are refused */
	p.len = 40;
	assert_int_equal(adjout_set(O, &p, a), -1);
	attrset_unref(T, a);
	attrset_unref(T, b);
}

static int count_walk(const struct bgp_prefix *p, const struct attrset *a, void *arg)
{
	size_t *n = arg;

	assert_non_null(a);
	assert_true(p->af == BGP_AFI_IPV4 || p->af == BGP_AFI_IPV6);
	(*n)++;
	return *n == 1000 ? 5 : 0;
}

static void test_walk_refresh_clear(void **state)
{
	const struct attrset *a = mkset("65001", 1, 1), *b = mkset("65002", 1, 1);
	struct bgp_prefix p;
	size_t n = 0;
	int len;

	(void)state;
	for (uint32_t i = 0; i < 20; i++) {
		p = pfx(i % 2 ? BGP_AFI_IPV6 : BGP_AFI_IPV4, i);
		assert_int_equal(adjout_set(O, &p, a), 0);
	}
	assert_int_equal(flush_out(BGP_AFI_IPV4), 1);
	assert_int_equal(flush_out(BGP_AFI_IPV6), 1);
	p = pfx(BGP_AFI_IPV4, 0);
	assert_int_equal(adjout_set(O, &p, NULL), 0);      /* pending withdrawal: not walked */
	p = pfx(BGP_AFI_IPV4, 100);
	assert_int_equal(adjout_set(O, &p, b), 0);         /* pending announcement: walked */
	assert_int_equal(adjout_walk(O, count_walk, &n), 0);
	assert_int_equal(n, 20);
	n = 999;
	assert_int_equal(adjout_walk(O, count_walk, &n), 5);   /* fn stops it */
	assert_true(adjout_bytes(O) > 0);

	/* ROUTE-REFRESH: everything advertised goes again, pending stays pending */
	assert_int_equal(adjout_refresh(O), 0);
	assert_int_equal(adjout_pending(O), 21);
	p = pfx(BGP_AFI_IPV4, 2);
	assert_int_equal(adjout_set(O, &p, a), 0);         /* same set: still owed */
	assert_int_equal(adjout_pending(O), 21);
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, NULL);
	assert_int_equal(S.n_wd, 1);
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, b);
	assert_int_equal(S.n_ann, 1);
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, a);
	assert_int_equal(S.n_ann, 9);
	assert_int_equal(flush_out(BGP_AFI_IPV6), 1);
	assert_int_equal(adjout_pending(O), 0);
	assert_int_equal(adjout_count(O), 20);

	/* session down */
	assert_int_equal(adjout_set(O, &p, b), 0);
	adjout_clear(O);
	assert_int_equal(adjout_count(O), 0);
	assert_int_equal(adjout_pending(O), 0);
	assert_null(adjout_get(O, &p));
	assert_int_equal(a->refcnt, 1);
	assert_int_equal(b->refcnt, 1);
	/* and it works again after */
	assert_int_equal(adjout_set(O, &p, b), 0);
	assert_int_equal(flush_out(BGP_AFI_IPV4), 1);
	attrset_unref(T, a);
	attrset_unref(T, b);
}

static void test_unencodable(void **state)
{
	const struct attrset *good = mkset("65001", 1, 1), *bad;
	struct bgp_attrs na;
	struct bgp_prefix p;
	int len;

	(void)state;
	/* no NEXT_HOP: cannot be announced over IPv4 (RFC 4271 §5) */
	na = good->a;
	na.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	bad = attrset_intern(T, &na);
	for (uint32_t i = 0; i < 3; i++) {
		p = pfx(BGP_AFI_IPV4, i);
		assert_int_equal(adjout_set(O, &p, good), 0);
	}
	assert_int_equal(flush_out(BGP_AFI_IPV4), 1);
	/* prefix 0 moves to the bad set; 10 and 11 are new with it */
	p = pfx(BGP_AFI_IPV4, 0);
	assert_int_equal(adjout_set(O, &p, bad), 0);
	for (uint32_t i = 10; i < 12; i++) {
		p = pfx(BGP_AFI_IPV4, i);
		assert_int_equal(adjout_set(O, &p, bad), 0);
	}
	assert_int_equal(adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M)), -1);
	assert_int_equal(adjout_errors(O), 3);
	/* the new ones are dropped; prefix 0, which the peer has, is withdrawn */
	assert_int_equal(adjout_pending(O), 1);
	len = adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M));
	decode(&CTX, len, NULL);
	assert_int_equal(S.n_wd, 1);
	assert_int_equal(S.wd[0], 0);
	assert_int_equal(adjout_build(O, &CTX, BGP_AFI_IPV4, M, sizeof(M)), 0);
	assert_int_equal(adjout_count(O), 2);
	assert_int_equal(bad->refcnt, 1);
	attrset_unref(T, good);
	attrset_unref(T, bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pack_1000_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_1000_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_extended_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_withdraw_announce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_that_undo_themselves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_refresh_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unencodable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
