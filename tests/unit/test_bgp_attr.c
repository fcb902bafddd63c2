/*
 * tests/unit/test_bgp_attr.c — bgpd/attr.c: every path attribute decoded and
 * encoded, each RFC 7606 branch of each attribute (§3.c flags, §3.g repeats, §4
 * list lengths, §7.x values), the RFC 6793 cases seen from the attribute list,
 * and the hash/equality/copy used for interning.
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
#include "bgpd/buf.h"
#include "bgpd/msg.h"

static const struct bgp_attr_ctx IBGP4 = { true, BGP_PEER_IBGP, 0 };
static const struct bgp_attr_ctx EBGP4 = { true, BGP_PEER_EBGP, 0 };
static const struct bgp_attr_ctx EBGP2 = { false, BGP_PEER_EBGP, 0 };
static const struct bgp_attr_ctx IBGP2 = { false, BGP_PEER_IBGP, 0 };
static const struct bgp_attr_ctx CONFED4 = { true, BGP_PEER_CONFED, 0 };

static struct bgp_attr_scratch S;
static struct bgp_attrs A;
static struct bgp_attr_mp MP;
static struct bgp_upd_outcome O;
static unsigned N;

static void dec(const struct bgp_attr_ctx *ctx, const uint8_t *p, size_t len)
{
	memset(&O, 0, sizeof(O));
	bgp_attrs_decode(ctx, p, len, &S, &A, &MP, &N, &O);
}

#define DEC(ctx, ...) do { \
	static const uint8_t b_[] = { __VA_ARGS__ }; \
	dec(ctx, b_, sizeof(b_)); \
} while (0)

/* Attribute bytes used throughout. */
#define ORIGIN_IGP      0x40, 1, 1, 0
#define ASPATH4_65001   0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9
#define NEXTHOP_10_0_0_1 0x40, 3, 4, 10, 0, 0, 1
#define MED_50          0x80, 4, 4, 0, 0, 0, 50
#define LOCALPREF_200   0x40, 5, 4, 0, 0, 0, 200

/* ---- a set with every attribute ---- */

static const uint8_t all_attrs[] = {
	ORIGIN_IGP,
	0x40, 2, 16, 2, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00, 1, 1, 0, 0, 0, 7,
	NEXTHOP_10_0_0_1,
	MED_50,
	LOCALPREF_200,
	0x40, 6, 0,
	0xc0, 7, 8, 0, 0, 0xfd, 0xe9, 192, 0, 2, 1,
	0xc0, 8, 12, 0xfd, 0xe9, 0, 100, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0x04,
	0x80, 9, 4, 10, 0, 0, 9,
	0x80, 10, 8, 1, 1, 1, 1, 2, 2, 2, 2,
	0xc0, 16, 8, 0x00, 0x02, 0xfd, 0xe9, 0, 0, 0, 1,
	0xc0, 32, 12, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 0, 0, 0, 2,
	0xc0, 35, 4, 0, 0, 0xfd, 0xea,
	0xe0, 99, 3, 'a', 'b', 'c',             /* unknown optional transitive, Partial */
};

static void test_every_attribute(void **state)
{
	struct bgp_large_community lc;
	struct bgp_rd r;
	uint8_t fl, ty;
	struct bgp_view v;
	char path[64];

	(void)state;
	dec(&IBGP4, all_attrs, sizeof(all_attrs));
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_null(O.reason);
	assert_int_equal(O.n_discard, 0);
	assert_int_equal(N, 14);
	assert_int_equal(A.origin, BGP_ORIGIN_IGP);
	bgp_aspath_format(&A.aspath, path, sizeof(path));
	assert_string_equal(path, "65001 4200000000 {7}");
	assert_int_equal(A.aspath.as_size, BGP_AS4_SIZE);
	assert_int_equal(A.next_hop, 0x0a000001);
	assert_int_equal(A.med, 50);
	assert_int_equal(A.local_pref, 200);
	assert_true(bgp_attr_has(&A, BGP_ATTR_ATOMIC_AGGREGATE));
	assert_int_equal(A.aggregator.as, 65001);
	assert_int_equal(A.aggregator.id, 0xc0000201);
	assert_int_equal(bgp_community_count(&A), 3);
	assert_int_equal(bgp_community_at(&A, 0), 0xfde90064);
	assert_true(bgp_attrs_has_community(&A, BGP_COMM_NO_EXPORT));
	assert_true(bgp_attrs_has_community(&A, BGP_COMM_NO_PEER));
	assert_false(bgp_attrs_has_community(&A, BGP_COMM_NO_ADVERTISE));
	assert_int_equal(A.originator_id, 0x0a000009);
	assert_int_equal(A.cluster_list.len, 8);
	assert_int_equal(bgp_ext_community_count(&A), 1);
	assert_true(bgp_ext_community_at(&A, 0) == UINT64_C(0x0002fde900000001));
	assert_int_equal(bgp_large_community_count(&A), 1);
	lc = bgp_large_community_at(&A, 0);
	assert_int_equal(lc.global, 65001);
	assert_int_equal(lc.local1, 1);
	assert_int_equal(lc.local2, 2);
	assert_int_equal(A.otc, 65002);
	assert_int_equal(A.mp_nh_len, 0);
	assert_false(MP.has_reach || MP.has_unreach);
	/* the unknown one, kept as <flags, type, len16, value> */
	r = bgp_rd_init(A.unknown.data, A.unknown.len);
	assert_int_equal(bgp_attr_unknown_next(&r, &fl, &ty, &v), 0);
	assert_int_equal(fl, 0xe0);
	assert_int_equal(ty, 99);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.data, "abc", 3);
	assert_int_equal(bgp_attr_unknown_next(&r, &fl, &ty, &v), -1);
	/* partial bits: only the unknown had one */
	assert_true(A.partial == 0);
}

/* Canonical input comes back byte for byte. */
static void test_encode_is_inverse(void **state)
{
	uint8_t out[512];
	struct bgp_wr w = bgp_wr_init(out, sizeof(out));

	(void)state;
	dec(&IBGP4, all_attrs, sizeof(all_attrs));
	bgp_attrs_encode(&A, &IBGP4, 0, &w);
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, sizeof(all_attrs));
	assert_memory_equal(out, all_attrs, sizeof(all_attrs));
	/* without NEXT_HOP when asked */
	w = bgp_wr_init(out, sizeof(out));
	bgp_attrs_encode(&A, &IBGP4, BGP_ATTR_ENC_NO_NEXT_HOP, &w);
	assert_int_equal(w.len, sizeof(all_attrs) - 7);
	/* overflow is reported */
	w = bgp_wr_init(out, 20);
	bgp_attrs_encode(&A, &IBGP4, 0, &w);
	assert_int_not_equal(w.err, 0);
}

/* RFC 4271 §5: unknown transitive attributes are passed on with Partial set, and
 * a recognised one's Partial is never cleared. Out-of-order input comes out in
 * type order. */
static void test_partial_and_order(void **state)
{
	static const uint8_t want[] = {
		ORIGIN_IGP, ASPATH4_65001,
		0xe0, 8, 4, 0xfd, 0xe9, 0, 1,           /* COMMUNITIES, Partial kept */
		0xe0, 40, 1, 7,                         /* unknown 40: Partial added */
		0xe0, 200, 2, 8, 9,                     /* unknown 200 */
	};
	uint8_t out[128];
	struct bgp_wr w = bgp_wr_init(out, sizeof(out));

	(void)state;
	DEC(&IBGP4, 0xc0, 200, 2, 8, 9, 0xe0, 8, 4, 0xfd, 0xe9, 0, 1, ASPATH4_65001,
	    0xc0, 40, 1, 7, ORIGIN_IGP, 0x80, 201, 1, 0 /* optional non-transitive: dropped */);
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_true(A.partial == BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES));
	bgp_attrs_encode(&A, &IBGP4, 0, &w);
	assert_int_equal(w.len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

/* Extended Length read whenever set; written only past 255 octets. */
static void test_extended_length(void **state)
{
	uint8_t in[400], out[400];
	size_t n = 0;
	struct bgp_wr w = bgp_wr_init(out, sizeof(out));

	(void)state;
	/* ORIGIN with Extended Length and the unused low bits set: fine */
	DEC(&IBGP4, 0x5f, 1, 0, 1, 2);
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_int_equal(A.origin, BGP_ORIGIN_INCOMPLETE);
	/* 70 communities: 280 octets */
	in[n++] = 0xd0;
	in[n++] = BGP_ATTR_COMMUNITIES;
	in[n++] = 280 >> 8;
	in[n++] = 280 & 0xff;
	for (int i = 0; i < 70; i++) {
		in[n++] = 0xfd;
		in[n++] = 0xe9;
		in[n++] = 0;
		in[n++] = (uint8_t)i;
	}
	dec(&IBGP4, in, n);
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_int_equal(bgp_community_count(&A), 70);
	bgp_attrs_encode(&A, &IBGP4, 0, &w);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, in, n);
	/* short value sent with Extended Length: read, and re-encoded short */
	DEC(&IBGP4, 0xd0, 8, 0, 4, 0xfd, 0xe9, 0, 1);
	assert_int_equal(O.action, BGP_UPD_OK);
	w = bgp_wr_init(out, sizeof(out));
	bgp_attrs_encode(&A, &IBGP4, 0, &w);
	assert_int_equal(w.len, 7);
	assert_int_equal(out[0], 0xc0);
}

/* ---- RFC 7606 per attribute ---- */

struct bad_case {
	const char *name;
	const struct bgp_attr_ctx *ctx;
	uint8_t attr[16];
	size_t len;
	uint8_t action;
	uint8_t subcode;            /* for WITHDRAW / RESET */
};

static const struct bad_case bad_cases[] = {
	/* §7.1 ORIGIN */
	{ "origin len 2", &IBGP4, { 0x40, 1, 2, 0, 0 }, 5, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "origin len 0", &IBGP4, { 0x40, 1, 0 }, 3, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "origin value", &IBGP4, { 0x40, 1, 1, 3 }, 4, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ORIGIN },
	/* §3.c flags */
	{ "origin optional", &IBGP4, { 0xc0, 1, 1, 0 }, 4, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	{ "origin not transitive", &IBGP4, { 0x00, 1, 1, 0 }, 4, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	/* §7.2 AS_PATH */
	{ "as_path type", &IBGP4, { 0x40, 2, 6, 5, 1, 0, 0, 0, 1 }, 9, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH },
	{ "as_path overrun", &IBGP4, { 0x40, 2, 6, 2, 2, 0, 0, 0, 1 }, 9, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH },
	{ "as_path underrun", &IBGP4, { 0x40, 2, 7, 2, 1, 0, 0, 0, 1, 2 }, 10, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH },
	{ "as_path empty seg", &IBGP4, { 0x40, 2, 2, 2, 0 }, 5, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH },
	{ "as_path as0", &IBGP4, { 0x40, 2, 6, 2, 1, 0, 0, 0, 0 }, 9, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH },
	{ "as_path 2-octet read as 4", &IBGP4, { 0x40, 2, 4, 2, 1, 0xfd, 0xe9 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH },
	{ "as_path flags", &IBGP4, { 0x80, 2, 0 }, 3, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	/* §7.3 NEXT_HOP */
	{ "next_hop len", &IBGP4, { 0x40, 3, 5, 10, 0, 0, 1, 0 }, 8, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "next_hop zero", &IBGP4, { 0x40, 3, 4, 0, 0, 0, 0 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_NEXTHOP },
	{ "next_hop multicast", &IBGP4, { 0x40, 3, 4, 224, 0, 0, 1 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_NEXTHOP },
	{ "next_hop broadcast", &IBGP4, { 0x40, 3, 4, 255, 255, 255, 255 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_NEXTHOP },
	{ "next_hop loopback", &IBGP4, { 0x40, 3, 4, 127, 0, 0, 1 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_NEXTHOP },
	{ "next_hop flags", &IBGP4, { 0xc0, 3, 4, 10, 0, 0, 1 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	/* §7.4 MED */
	{ "med len", &IBGP4, { 0x80, 4, 3, 0, 0, 1 }, 6, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "med flags", &IBGP4, { 0x40, 4, 4, 0, 0, 0, 1 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	/* §7.5 LOCAL_PREF */
	{ "local_pref len ibgp", &IBGP4, { 0x40, 5, 2, 0, 1 }, 5, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "local_pref ebgp", &EBGP4, { LOCALPREF_200 }, 7, BGP_UPD_DISCARD, 0 },
	{ "local_pref ebgp malformed", &EBGP4, { 0x40, 5, 2, 0, 1 }, 5, BGP_UPD_DISCARD, 0 },
	{ "local_pref flags", &IBGP4, { 0x80, 5, 4, 0, 0, 0, 1 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	/* §7.6 ATOMIC_AGGREGATE */
	{ "atomic len", &IBGP4, { 0x40, 6, 1, 0 }, 4, BGP_UPD_DISCARD, 0 },
	{ "atomic flags", &IBGP4, { 0xc0, 6, 0 }, 3, BGP_UPD_DISCARD, 0 },
	/* §7.7 AGGREGATOR */
	{ "aggregator len as4", &IBGP4, { 0xc0, 7, 6, 0xfd, 0xe9, 1, 2, 3, 4 }, 9, BGP_UPD_DISCARD, 0 },
	{ "aggregator len as2", &IBGP2, { 0xc0, 7, 8, 0, 0, 0xfd, 0xe9, 1, 2, 3, 4 }, 11, BGP_UPD_DISCARD, 0 },
	{ "aggregator as0", &IBGP4, { 0xc0, 7, 8, 0, 0, 0, 0, 1, 2, 3, 4 }, 11, BGP_UPD_DISCARD, 0 },
	{ "aggregator flags", &IBGP4, { 0x40, 7, 8, 0, 0, 0xfd, 0xe9, 1, 2, 3, 4 }, 11, BGP_UPD_DISCARD, 0 },
	/* §7.8 COMMUNITIES */
	{ "communities len 0", &IBGP4, { 0xc0, 8, 0 }, 3, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "communities len 5", &IBGP4, { 0xc0, 8, 5, 0, 0, 0, 1, 2 }, 8, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "communities flags", &IBGP4, { 0x80, 8, 4, 0, 0, 0, 1 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	/* §7.9 ORIGINATOR_ID */
	{ "originator ebgp", &EBGP4, { 0x80, 9, 4, 10, 0, 0, 9 }, 7, BGP_UPD_DISCARD, 0 },
	{ "originator len", &IBGP4, { 0x80, 9, 3, 10, 0, 0 }, 6, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "originator flags", &IBGP4, { 0xc0, 9, 4, 10, 0, 0, 9 }, 7, BGP_UPD_WITHDRAW, BGP_ERR_UPD_FLAGS },
	/* §7.10 CLUSTER_LIST */
	{ "cluster ebgp", &EBGP4, { 0x80, 10, 4, 1, 1, 1, 1 }, 7, BGP_UPD_DISCARD, 0 },
	{ "cluster len 6", &IBGP4, { 0x80, 10, 6, 1, 1, 1, 1, 2, 2 }, 9, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "cluster len 0", &IBGP4, { 0x80, 10, 0 }, 3, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	/* §5.3: MP_* with wrong flags */
	{ "mp_reach flags", &IBGP4, { 0xc0, 14, 5, 0, 2, 1, 0, 0 }, 8, BGP_UPD_RESET, BGP_ERR_UPD_FLAGS },
	{ "mp_unreach flags", &IBGP4, { 0x40, 15, 3, 0, 2, 1 }, 6, BGP_UPD_RESET, BGP_ERR_UPD_FLAGS },
	/* §7.14 EXTENDED COMMUNITIES */
	{ "ext comm len 12", &IBGP4, { 0xc0, 16, 12, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, 15, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "ext comm len 0", &IBGP4, { 0xc0, 16, 0 }, 3, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	/* RFC 6793 §4.1, §6: AS4_* */
	{ "as4_path from as4", &IBGP4, { 0xc0, 17, 6, 2, 1, 0, 0, 0xfd, 0xe9 }, 9, BGP_UPD_DISCARD, 0 },
	{ "as4_path short", &IBGP2, { 0xc0, 17, 4, 2, 1, 0xfd, 0xe9 }, 7, BGP_UPD_DISCARD, 0 },
	{ "as4_path bad seg", &IBGP2, { 0xc0, 17, 6, 9, 1, 0, 0, 0xfd, 0xe9 }, 9, BGP_UPD_DISCARD, 0 },
	{ "as4_path as0", &IBGP2, { 0xc0, 17, 6, 2, 1, 0, 0, 0, 0 }, 9, BGP_UPD_DISCARD, 0 },
	{ "as4_path flags", &IBGP2, { 0x80, 17, 6, 2, 1, 0, 0, 0xfd, 0xe9 }, 9, BGP_UPD_DISCARD, 0 },
	{ "as4_agg from as4", &IBGP4, { 0xc0, 18, 8, 0, 0, 0xfd, 0xe9, 1, 2, 3, 4 }, 11, BGP_UPD_DISCARD, 0 },
	{ "as4_agg len", &IBGP2, { 0xc0, 18, 6, 0xfd, 0xe9, 1, 2, 3, 4 }, 9, BGP_UPD_DISCARD, 0 },
	{ "as4_agg as0", &IBGP2, { 0xc0, 18, 8, 0, 0, 0, 0, 1, 2, 3, 4 }, 11, BGP_UPD_DISCARD, 0 },
	/* RFC 8092 §6 LARGE_COMMUNITY */
	{ "large len 13", &IBGP4, { 0xc0, 32, 13, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9 }, 16, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	{ "large len 0", &IBGP4, { 0xc0, 32, 0 }, 3, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	/* RFC 9234 §5 OTC */
	{ "otc len", &IBGP4, { 0xc0, 35, 2, 0, 1 }, 5, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH },
	/* RFC 4271 §6.3: an unrecognised well-known attribute */
	{ "unknown well-known", &IBGP4, { 0x40, 99, 2, 1, 2 }, 5, BGP_UPD_RESET, BGP_ERR_UPD_UNKNWN_WK },
	{ "unknown well-known type 0", &IBGP4, { 0x40, 0, 0 }, 3, BGP_UPD_RESET, BGP_ERR_UPD_UNKNWN_WK },
};

static void test_malformed_each(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		print_message("  %s\n", c->name);
		dec(c->ctx, c->attr, c->len);
		assert_int_equal(O.action, c->action);
		assert_non_null(O.reason);
		assert_int_equal(N, 1);
		if (c->action == BGP_UPD_DISCARD) {
			assert_int_equal(O.n_discard, 1);
			assert_int_equal(O.discard[0].type, c->attr[1]);
			assert_string_equal(O.discard[0].why, O.reason);
			assert_int_equal(O.err.code, 0);
		} else {
			/* RFC 4271 §6.3: the data is the attribute (type, length, value) */
			assert_int_equal(O.err.code, BGP_ERR_UPDATE);
			assert_int_equal(O.err.subcode, c->subcode);
			assert_int_equal(O.err.data_len, c->len);
			assert_memory_equal(O.err.data, c->attr, c->len);
			assert_int_equal(O.n_discard, 0);
		}
		/* nothing of a refused attribute is in the set */
		if (c->attr[1] < 64)
			assert_false(bgp_attr_has(&A, c->attr[1]));
	}
}

/* Optional non-transitive unknown: quietly ignored, not even a discard. */
static void test_unknown_nontransitive(void **state)
{
	(void)state;
	DEC(&IBGP4, 0x80, 77, 2, 1, 2, 0x90, 78, 0, 0);
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_int_equal(O.n_discard, 0);
	assert_int_equal(A.unknown.len, 0);
	assert_int_equal(N, 2);
}

/* RFC 7606 §3.g: the first of a repeated attribute stands, the rest go;
 * a repeated MP_* resets. */
static void test_repeats(void **state)
{
	(void)state;
	DEC(&IBGP4, 0x40, 1, 1, 1, 0x40, 1, 1, 2, 0x40, 1, 1, 9);
	assert_int_equal(O.action, BGP_UPD_DISCARD);
	assert_int_equal(A.origin, BGP_ORIGIN_EGP);
	assert_int_equal(O.n_discard, 2);
	assert_int_equal(O.discard[0].type, BGP_ATTR_ORIGIN);
	assert_int_equal(N, 3);
	/* unknown ones too */
	DEC(&IBGP4, 0xc0, 99, 1, 1, 0xc0, 99, 1, 2);
	assert_int_equal(O.action, BGP_UPD_DISCARD);
	assert_int_equal(A.unknown.len, 5);
	assert_int_equal(A.unknown.data[4], 1);
	/* a malformed first one is not rescued by a good second */
	DEC(&IBGP4, 0x40, 1, 1, 7, 0x40, 1, 1, 0);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	assert_int_equal(O.n_discard, 1);
	DEC(&IBGP4, 0x80, 14, 5, 0, 2, 1, 0, 0, 0x80, 14, 5, 0, 2, 1, 0, 0);
	assert_int_equal(O.action, BGP_UPD_RESET);
	assert_int_equal(O.err.subcode, BGP_ERR_UPD_ATTRLIST);
	assert_int_equal(O.err.data_len, 0);
	DEC(&IBGP4, 0x80, 15, 3, 0, 2, 1, 0x80, 15, 3, 0, 2, 1);
	assert_int_equal(O.action, BGP_UPD_RESET);
	assert_int_equal(O.err.subcode, BGP_ERR_UPD_ATTRLIST);
	/* the many-discards list keeps the first BGP_UPD_MAX_DISCARD and counts all */
	{
		uint8_t b[4 * 40];

		for (int i = 0; i < 40; i++) {
			b[4 * i] = 0x40;
			b[4 * i + 1] = 1;
			b[4 * i + 2] = 1;
			b[4 * i + 3] = 0;
		}
		dec(&IBGP4, b, sizeof(b));
		assert_int_equal(O.action, BGP_UPD_DISCARD);
		assert_int_equal(O.n_discard, 39);
	}
}

/* RFC 7606 §4: the field ends inside an attribute — treat-as-withdraw; what came
 * before is still decoded. */
static void test_list_lengths(void **state)
{
	(void)state;
	DEC(&IBGP4, ORIGIN_IGP, 0x40);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	assert_int_equal(O.err.subcode, BGP_ERR_UPD_ATTRLIST);
	assert_true(bgp_attr_has(&A, BGP_ATTR_ORIGIN));
	assert_int_equal(N, 1);
	DEC(&IBGP4, ORIGIN_IGP, 0x40, 2);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	DEC(&IBGP4, 0x50, 2, 0);        /* Extended Length with one length octet */
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	assert_int_equal(N, 0);
	DEC(&IBGP4, ORIGIN_IGP, 0x40, 2, 10, 2, 1, 0, 0);       /* overrun */
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	assert_non_null(strstr(O.reason, "overruns"));
	DEC(&IBGP4, 0x50, 2, 1, 0);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	/* every cut of a good list is handled */
	for (size_t cut = 0; cut < sizeof(all_attrs); cut++) {
		uint8_t *b = malloc(cut ? cut : 1);

		memcpy(b, all_attrs, cut);
		dec(&IBGP4, b, cut);
		assert_true(O.action == BGP_UPD_OK || O.action == BGP_UPD_WITHDRAW);
		free(b);
	}
}

/* ---- RFC 6793 from a 2-octet peer ---- */

static void assert_aspath(const char *want)
{
	char buf[256];

	bgp_aspath_format(&A.aspath, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(A.aspath.as_size, BGP_AS4_SIZE);
}

static void test_as4_from_old_speaker(void **state)
{
	(void)state;
	/* AS_PATH 65001 23456 65003, AS4_PATH 4200000000 65003 */
	DEC(&EBGP2, ORIGIN_IGP,
	    0x40, 2, 8, 2, 3, 0xfd, 0xe9, 0x5b, 0xa0, 0xfd, 0xeb,
	    0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x00, 0, 0, 0xfd, 0xeb);
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_aspath("65001 4200000000 65003");
	assert_true(bgp_attr_has(&A, BGP_ATTR_AS_PATH));
	assert_false(bgp_attr_has(&A, BGP_ATTR_AS4_PATH));
	/* AGGREGATOR AS_TRANS + AS4_AGGREGATOR: the 4-octet one is the aggregator */
	DEC(&EBGP2, ORIGIN_IGP, 0x40, 2, 4, 2, 1, 0x5b, 0xa0,
	    0xc0, 7, 6, 0x5b, 0xa0, 10, 0, 0, 1,
	    0xc0, 17, 6, 2, 1, 0xfa, 0x56, 0xea, 0x00,
	    0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x00, 10, 0, 0, 2);
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_aspath("4200000000");
	assert_int_equal(A.aggregator.as, 4200000000u);
	assert_int_equal(A.aggregator.id, 0x0a000002);
	assert_false(bgp_attr_has(&A, BGP_ATTR_AS4_AGGREGATOR));
	assert_int_equal(O.quirks, 0);
	/* AGGREGATOR not AS_TRANS: AS4_* ignored, noted */
	DEC(&EBGP2, ORIGIN_IGP, 0x40, 2, 4, 2, 1, 0x5b, 0xa0,
	    0xc0, 7, 6, 0xfd, 0xe9, 10, 0, 0, 1,
	    0xc0, 17, 6, 2, 1, 0xfa, 0x56, 0xea, 0x00,
	    0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x00, 10, 0, 0, 2);
	assert_aspath("23456");
	assert_int_equal(A.aggregator.as, 65001);
	assert_true(O.quirks & BGP_UPD_Q_AS4_IGNORED);
	/* a malformed AS4_PATH is dropped and AS_PATH stands */
	DEC(&EBGP2, ORIGIN_IGP, 0x40, 2, 4, 2, 1, 0x5b, 0xa0, 0xc0, 17, 6, 2, 2, 0xfa, 0x56, 0xea, 0);
	assert_int_equal(O.action, BGP_UPD_DISCARD);
	assert_aspath("23456");
	/* confed segments in AS4_PATH are skipped (and noted) */
	DEC(&EBGP2, ORIGIN_IGP, 0x40, 2, 4, 2, 1, 0x5b, 0xa0,
	    0xc0, 17, 12, 3, 1, 0, 0, 0xfd, 0xf2, 2, 1, 0xfa, 0x56, 0xea, 0x00);
	assert_aspath("4200000000");
	assert_true(O.quirks & BGP_UPD_Q_AS4_CONFED);
	/* AS4_PATH alone, no AS_PATH: nothing to merge with */
	DEC(&EBGP2, ORIGIN_IGP, 0xc0, 17, 6, 2, 1, 0xfa, 0x56, 0xea, 0x00);
	assert_false(bgp_attr_has(&A, BGP_ATTR_AS_PATH));
	assert_int_equal(A.aspath.len, 0);
}

/* RFC 5065 §5 and RFC 4271 §6.3 / RFC 7606 §7.2: AS_PATH against the peer. */
static void test_aspath_peer_checks(void **state)
{
	static const struct bgp_attr_ctx ebgp_first = { true, BGP_PEER_EBGP, 65001 };
	static const struct bgp_attr_ctx ebgp_other = { true, BGP_PEER_EBGP, 65002 };

	(void)state;
	DEC(&ebgp_first, ASPATH4_65001);
	assert_int_equal(O.action, BGP_UPD_OK);
	DEC(&ebgp_other, ASPATH4_65001);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	assert_int_equal(O.err.subcode, BGP_ERR_UPD_ASPATH);
	{
		static const uint8_t attr[] = { ASPATH4_65001 };

		assert_int_equal(O.err.data_len, sizeof(attr));
		assert_memory_equal(O.err.data, attr, sizeof(attr));
	}
	DEC(&ebgp_first, 0x40, 2, 0);   /* empty path from outside */
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	DEC(&EBGP4, 0x40, 2, 12, 3, 1, 0, 0, 0xfd, 0xf2, 2, 1, 0, 0, 0xfd, 0xe9);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	assert_int_equal(O.err.subcode, BGP_ERR_UPD_ASPATH);
	DEC(&IBGP4, 0x40, 2, 12, 3, 1, 0, 0, 0xfd, 0xf2, 2, 1, 0, 0, 0xfd, 0xe9);
	assert_int_equal(O.action, BGP_UPD_OK);
	DEC(&CONFED4, 0x40, 2, 12, 3, 1, 0, 0, 0xfd, 0xf2, 2, 1, 0, 0, 0xfd, 0xe9);
	assert_int_equal(O.action, BGP_UPD_OK);
	DEC(&CONFED4, ASPATH4_65001);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	/* confed peers may send LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST */
	DEC(&CONFED4, LOCALPREF_200, 0x80, 9, 4, 10, 0, 0, 9);
	assert_int_equal(O.action, BGP_UPD_OK);
	assert_int_equal(A.local_pref, 200);
}

/* RFC 7606 §3.d. */
static void test_mandatory(void **state)
{
	struct bgp_upd_outcome o;

	(void)state;
	DEC(&IBGP4, ORIGIN_IGP, ASPATH4_65001, NEXTHOP_10_0_0_1, LOCALPREF_200);
	memset(&o, 0, sizeof(o));
	bgp_attrs_check_mandatory(&IBGP4, &A, true, &o);
	assert_int_equal(o.action, BGP_UPD_OK);

	DEC(&IBGP4, ORIGIN_IGP, ASPATH4_65001, LOCALPREF_200);
	memset(&o, 0, sizeof(o));
	bgp_attrs_check_mandatory(&IBGP4, &A, false, &o);      /* MP only: no NEXT_HOP needed */
	assert_int_equal(o.action, BGP_UPD_OK);
	bgp_attrs_check_mandatory(&IBGP4, &A, true, &o);
	assert_int_equal(o.action, BGP_UPD_WITHDRAW);
	assert_int_equal(o.err.subcode, BGP_ERR_UPD_MISSING_WK);
	assert_int_equal(o.err.data_len, 1);
	assert_int_equal(o.err.data[0], BGP_ATTR_NEXT_HOP);

	DEC(&IBGP4, ASPATH4_65001, NEXTHOP_10_0_0_1, LOCALPREF_200);
	memset(&o, 0, sizeof(o));
	bgp_attrs_check_mandatory(&IBGP4, &A, true, &o);
	assert_int_equal(o.action, BGP_UPD_WITHDRAW);
	assert_int_equal(o.err.data[0], BGP_ATTR_ORIGIN);

	DEC(&IBGP4, ORIGIN_IGP, NEXTHOP_10_0_0_1, LOCALPREF_200);
	memset(&o, 0, sizeof(o));
	bgp_attrs_check_mandatory(&IBGP4, &A, true, &o);
	assert_int_equal(o.err.data[0], BGP_ATTR_AS_PATH);

	/* LOCAL_PREF: internal peers only */
	DEC(&IBGP4, ORIGIN_IGP, ASPATH4_65001, NEXTHOP_10_0_0_1);
	memset(&o, 0, sizeof(o));
	bgp_attrs_check_mandatory(&EBGP4, &A, true, &o);
	assert_int_equal(o.action, BGP_UPD_OK);
	bgp_attrs_check_mandatory(&CONFED4, &A, true, &o);
	assert_int_equal(o.action, BGP_UPD_OK);
	bgp_attrs_check_mandatory(&IBGP4, &A, true, &o);
	assert_int_equal(o.action, BGP_UPD_WITHDRAW);
	assert_int_equal(o.err.data[0], BGP_ATTR_LOCAL_PREF);
}

/* RFC 7606 §3.h: the strongest action wins; its first cause is reported. */
static void test_strongest_wins(void **state)
{
	(void)state;
	DEC(&IBGP4, 0x40, 6, 1, 0, 0x40, 1, 1, 9, 0x80, 4, 1, 0, 0x40, 99, 0);
	assert_int_equal(O.action, BGP_UPD_RESET);
	assert_int_equal(O.err.subcode, BGP_ERR_UPD_UNKNWN_WK);
	assert_int_equal(O.n_discard, 1);
	DEC(&IBGP4, 0x40, 6, 1, 0, 0x40, 1, 1, 9, 0x80, 4, 1, 0);
	assert_int_equal(O.action, BGP_UPD_WITHDRAW);
	assert_int_equal(O.err.subcode, BGP_ERR_UPD_ORIGIN);
	assert_string_equal(O.reason, "ORIGIN: undefined value");
}

/* ---- to a 2-octet peer and back (RFC 6793 §4.2.2, §4.2.3) ---- */

static void test_encode_for_old_speaker(void **state)
{
	static const uint8_t want[] = {
		ORIGIN_IGP,
		0x40, 2, 10, 3, 1, 0xfd, 0xf2, 2, 2, 0xfd, 0xe9, 0x5b, 0xa0,    /* (65010) 65001 AS_TRANS */
		NEXTHOP_10_0_0_1,
		0xc0, 7, 6, 0x5b, 0xa0, 10, 0, 0, 7,                            /* AGGREGATOR AS_TRANS */
		0xc0, 17, 10, 2, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00,   /* AS4_PATH, no confed */
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x01, 10, 0, 0, 7,               /* AS4_AGGREGATOR */
	};
	struct bgp_attrs a, back;
	uint8_t pbuf[64], out[256];
	struct bgp_wr w = bgp_wr_init(out, sizeof(out));

	(void)state;
	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);
	a.origin = BGP_ORIGIN_IGP;
	assert_int_equal(bgp_aspath_parse("(65010) 65001 4200000000", pbuf, sizeof(pbuf), &a.aspath), 0);
	a.next_hop = 0x0a000001;
	a.aggregator.as = 4200000001u;
	a.aggregator.id = 0x0a000007;
	bgp_attrs_encode(&a, &IBGP2, 0, &w);
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* and back: the same set */
	dec(&IBGP2, out, w.len);
	assert_int_equal(O.action, BGP_UPD_OK);
	back = A;
	assert_true(bgp_attrs_equal(&a, &back));
	/* all-mappable: no AS4_* at all */
	assert_int_equal(bgp_aspath_parse("65001 65002", pbuf, sizeof(pbuf), &a.aspath), 0);
	a.aggregator.as = 65007;
	w = bgp_wr_init(out, sizeof(out));
	bgp_attrs_encode(&a, &IBGP2, 0, &w);
	dec(&IBGP2, out, w.len);
	assert_int_equal(N, 4);
	assert_true(bgp_attrs_equal(&a, &A));
}

/* ---- interning ---- */

static void test_hash_equal_copy(void **state)
{
	uint8_t copy1[sizeof(all_attrs)], *store;
	struct bgp_attrs a, b, c;
	size_t need;

	(void)state;
	dec(&IBGP4, all_attrs, sizeof(all_attrs));
	a = A;
	/* the same bytes elsewhere decode to an equal set with the same hash */
	memcpy(copy1, all_attrs, sizeof(copy1));
	{
		static struct bgp_attr_scratch s2;
		struct bgp_attr_mp mp;
		struct bgp_upd_outcome o;
		unsigned n;

		memset(&o, 0, sizeof(o));
		bgp_attrs_decode(&IBGP4, copy1, sizeof(copy1), &s2, &b, &mp, &n, &o);
	}
	assert_ptr_not_equal(a.communities.data, b.communities.data);
	assert_true(bgp_attrs_equal(&a, &b));
	assert_true(bgp_attrs_hash(&a) == bgp_attrs_hash(&b));
	/* copy into owned storage */
	need = bgp_attrs_store_size(&a);
	assert_int_equal(need, a.aspath.len + 12 + 8 + 8 + 12 + a.unknown.len);
	store = malloc(need);
	bgp_attrs_copy(&c, &a, store);
	assert_true(c.communities.data >= store && c.communities.data < store + need);
	assert_true(c.aspath.data >= store && c.aspath.data < store + need);
	memset(copy1, 0, sizeof(copy1));       /* the original bytes go away */
	assert_true(bgp_attrs_equal(&c, &a));
	assert_true(bgp_attrs_hash(&c) == bgp_attrs_hash(&a));
	free(store);
	/* any one difference shows */
	b = a;
	b.med++;
	assert_false(bgp_attrs_equal(&a, &b));
	assert_true(bgp_attrs_hash(&a) != bgp_attrs_hash(&b));
	b = a;
	b.communities.len -= 4;
	assert_false(bgp_attrs_equal(&a, &b));
	b = a;
	b.partial |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	assert_false(bgp_attrs_equal(&a, &b));
	b = a;
	b.mp_nh_len = 16;
	assert_false(bgp_attrs_equal(&a, &b));
	/* a field of an absent attribute does not count */
	b = a;
	b.present &= ~BGP_ATTR_BIT(BGP_ATTR_MED);
	c = b;
	c.med = 12345;
	assert_true(bgp_attrs_equal(&b, &c));
	assert_true(bgp_attrs_hash(&b) == bgp_attrs_hash(&c));
	/* an empty set */
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	assert_int_equal(bgp_attrs_store_size(&b), 0);
	assert_true(bgp_attrs_equal(&b, &c));
}

/* The same path from a 2-octet and a 4-octet peer is the same set. */
static void test_equal_across_widths(void **state)
{
	struct bgp_attrs a4;
	static struct bgp_attr_scratch s4;
	struct bgp_attr_mp mp;
	struct bgp_upd_outcome o;
	unsigned n;
	static const uint8_t as4_list[] = { ORIGIN_IGP, 0x40, 2, 10, 2, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0, 7 };

	(void)state;
	memset(&o, 0, sizeof(o));
	bgp_attrs_decode(&IBGP4, as4_list, sizeof(as4_list), &s4, &a4, &mp, &n, &o);
	DEC(&IBGP2, ORIGIN_IGP, 0x40, 2, 6, 2, 2, 0xfd, 0xe9, 0, 7);
	assert_true(bgp_attrs_equal(&a4, &A));
	assert_true(bgp_attrs_hash(&a4) == bgp_attrs_hash(&A));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(bgp_attr_name(BGP_ATTR_AS_PATH), "AS_PATH");
	assert_string_equal(bgp_attr_name(BGP_ATTR_LARGE_COMMUNITY), "LARGE_COMMUNITY");
	assert_string_equal(bgp_attr_name(BGP_ATTR_MP_REACH_NLRI), "MP_REACH_NLRI");
	assert_null(bgp_attr_name(99));
	assert_null(bgp_attr_name(255));
	assert_string_equal(bgp_origin_name(BGP_ORIGIN_INCOMPLETE), "incomplete");
	assert_string_equal(bgp_origin_name(7), "?");
	assert_string_equal(bgp_upd_action_name(BGP_UPD_WITHDRAW), "treat-as-withdraw");
	assert_string_equal(bgp_upd_action_name(BGP_UPD_DISCARD), "attribute-discard");
	assert_string_equal(bgp_upd_action_name(BGP_UPD_RESET), "session-reset");
	for (uint32_t q = 1; q <= BGP_UPD_Q_AS4_CONFED; q <<= 1)
		assert_non_null(bgp_upd_quirk_name(q));
	assert_null(bgp_upd_quirk_name(0));
	assert_null(bgp_upd_quirk_name(0x80000000u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_attribute),
		cmocka_unit_test(test_encode_is_inverse),
		cmocka_unit_test(test_partial_and_order),
		cmocka_unit_test(test_extended_length),
		cmocka_unit_test(test_malformed_each),
		cmocka_unit_test(test_unknown_nontransitive),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_list_lengths),
		cmocka_unit_test(test_as4_from_old_speaker),
		cmocka_unit_test(test_aspath_peer_checks),
		cmocka_unit_test(test_mandatory),
		cmocka_unit_test(test_strongest_wins),
		cmocka_unit_test(test_encode_for_old_speaker),
		cmocka_unit_test(test_hash_equal_copy),
		cmocka_unit_test(test_equal_across_widths),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
