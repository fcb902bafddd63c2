/*
 * tests/unit/test_bgp_update.c — whole UPDATE messages (bgpd/update.c): the
 * RFC 7606 outcome of each message-level branch (§3.b, §3.d, §3.g, §3.i, §3.j,
 * §5.2, §5.3, §7.11), MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760), End-of-RIB
 * (RFC 4724 §2), the packing encoder and its round trips, BIRD's messages from
 * tests/fixtures/bird, truncation at every offset and seeded mutations (run it
 * under ASan/UBSan: `make BUILD=build-san SAN=1 ...`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"
#include "bgpd/update.h"

#define FIXTURES "tests/fixtures/bird"
#define BIRD_AS 65001

static struct bgp_update U;             /* large: static */
static uint8_t M[BGP_EXT_MAX_LEN];

static const uint8_t NOTHING[1];
#define V(a) a, sizeof(a)
#define NONE NOTHING, 0

/* A whole UPDATE from its three parts. */
static size_t build(uint8_t *out, const uint8_t *wd, size_t wdl, const uint8_t *at, size_t atl,
                    const uint8_t *nl, size_t nll)
{
	size_t len = BGP_HEADER_LEN + 2 + wdl + 2 + atl + nll, p = BGP_HEADER_LEN;

	assert_true(len <= BGP_EXT_MAX_LEN);
	memset(out, 0xff, BGP_MARKER_LEN);
	out[16] = (uint8_t)(len >> 8);
	out[17] = (uint8_t)len;
	out[18] = BGP_MSG_UPDATE;
	out[p++] = (uint8_t)(wdl >> 8);
	out[p++] = (uint8_t)wdl;
	memcpy(out + p, wd, wdl);
	p += wdl;
	out[p++] = (uint8_t)(atl >> 8);
	out[p++] = (uint8_t)atl;
	memcpy(out + p, at, atl);
	p += atl;
	memcpy(out + p, nl, nll);
	return len;
}

static struct bgp_update_ctx mkctx(uint8_t kind, bool as4, bool ext, bool v4, bool v6)
{
	struct bgp_update_ctx c;

	memset(&c, 0, sizeof(c));
	c.attr.as4 = as4;
	c.attr.peer = kind;
	c.ext_msg = ext;
	if (v4) {
		c.families[c.n_families].afi = BGP_AFI_IPV4;
		c.families[c.n_families++].safi = BGP_SAFI_UNICAST;
	}
	if (v6) {
		c.families[c.n_families].afi = BGP_AFI_IPV6;
		c.families[c.n_families++].safi = BGP_SAFI_UNICAST;
	}
	return c;
}

static struct bgp_update_ctx IBGP, EBGP;

static int setup(void **state)
{
	(void)state;
	IBGP = mkctx(BGP_PEER_IBGP, true, false, true, true);
	EBGP = mkctx(BGP_PEER_EBGP, true, false, true, true);
	return 0;
}

/* The prefixes of some runs as text: "a b c". */
static const char *runs_text(const struct bgp_nlri *runs, unsigned n)
{
	static char buf[8192];
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		struct bgp_nlri_iter it;
		struct bgp_prefix p;
		uint32_t count = 0;

		bgp_nlri_iter_init(&it, &runs[i]);
		while (bgp_nlri_next(&it, &p)) {
			char s[BGP_PREFIX_STRLEN];

			bgp_prefix_format(&p, s, sizeof(s));
			pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s", pos ? " " : "", s);
			count++;
		}
		assert_int_equal(count, runs[i].count);
		assert_int_equal(bgp_rd_left(&it.rd), 0);
	}
	return buf;
}

/* Every prefix of some runs into out. */
static size_t collect(const struct bgp_nlri *runs, unsigned n, struct bgp_prefix *out, size_t max)
{
	size_t k = 0;

	for (unsigned i = 0; i < n; i++) {
		struct bgp_nlri_iter it;

		bgp_nlri_iter_init(&it, &runs[i]);
		while (k < max && bgp_nlri_next(&it, &out[k]))
			k++;
	}
	return k;
}

/* ---- attributes used below ---- */

#define ORIGIN_IGP      0x40, 1, 1, 0
#define ASPATH_65001    0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9
#define NEXTHOP_10_0_0_1 0x40, 3, 4, 10, 0, 0, 1
#define LOCALPREF_100   0x40, 5, 4, 0, 0, 0, 100
#define ORIGIN_BAD      0x40, 1, 1, 7

static const uint8_t attrs_v4[] = { ORIGIN_IGP, ASPATH_65001, NEXTHOP_10_0_0_1, LOCALPREF_100 };
static const uint8_t nlri_2[] = { 24, 192, 0, 2, 16, 10, 1 };
static const uint8_t wd_1[] = { 24, 198, 51, 100 };

static void test_plain_v4(void **state)
{
	size_t len = build(M, V(wd_1), V(attrs_v4), V(nlri_2));

	(void)state;
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	assert_false(U.eor);
	assert_int_equal(U.n_reach, 1);
	assert_int_equal(U.n_unreach, 1);
	assert_string_equal(runs_text(U.reach, U.n_reach), "192.0.2.0/24 10.1.0.0/16");
	assert_string_equal(runs_text(U.unreach, U.n_unreach), "198.51.100.0/24");
	assert_int_equal(U.reach[0].af.afi, BGP_AFI_IPV4);
	assert_int_equal(U.attrs.next_hop, 0x0a000001);
	assert_int_equal(U.attrs.local_pref, 100);
	assert_int_equal(U.out.quirks, 0);
}

/* ---- End-of-RIB, RFC 4724 §2 ---- */

static void test_eor(void **state)
{
	static const uint8_t v6_eor[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0, 29, 2, 0, 0, 0, 6, 0x80, 15, 3, 0, 2, 1,
	};
	uint8_t b[64];
	int n;

	(void)state;
	n = bgp_update_eor(BGP_AFI_IPV4, BGP_SAFI_UNICAST, b, sizeof(b));
	assert_int_equal(n, BGP_UPDATE_MIN_LEN);
	assert_int_equal(bgp_update_decode(&IBGP, b, (size_t)n, &U), 0);
	assert_true(U.eor);
	assert_int_equal(U.eor_af.afi, BGP_AFI_IPV4);
	assert_int_equal(U.eor_af.safi, BGP_SAFI_UNICAST);
	assert_int_equal(U.n_reach + U.n_unreach, 0);

	n = bgp_update_eor(BGP_AFI_IPV6, BGP_SAFI_UNICAST, b, sizeof(b));
	assert_int_equal(n, sizeof(v6_eor));
	assert_memory_equal(b, v6_eor, sizeof(v6_eor));
	assert_int_equal(bgp_update_decode(&IBGP, b, (size_t)n, &U), 0);
	assert_true(U.eor);
	assert_int_equal(U.eor_af.afi, BGP_AFI_IPV6);
	assert_int_equal(U.out.action, BGP_UPD_OK);

	/* a family we do not carry: still an End-of-RIB, nothing discarded */
	n = bgp_update_eor(25, 65, b, sizeof(b));
	assert_int_equal(bgp_update_decode(&IBGP, b, (size_t)n, &U), 0);
	assert_true(U.eor);
	assert_int_equal(U.eor_af.afi, 25);
	assert_int_equal(U.eor_af.safi, 65);
	assert_int_equal(U.out.action, BGP_UPD_OK);

	/* no room */
	assert_int_equal(bgp_update_eor(BGP_AFI_IPV6, BGP_SAFI_UNICAST, b, 20), -1);

	/* not markers: an empty MP_UNREACH_NLRI with another attribute; withdrawals */
	{
		static const uint8_t at[] = { 0x80, 15, 3, 0, 2, 1, ORIGIN_IGP };
		size_t len = build(M, NONE, V(at), NONE);

		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
		assert_false(U.eor);
		len = build(M, V(wd_1), NONE, NONE);
		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
		assert_false(U.eor);
	}
}

/* ---- session resets at message level ---- */

static void assert_reset(uint8_t code, uint8_t subcode, const void *data, size_t dlen)
{
	assert_int_equal(U.out.action, BGP_UPD_RESET);
	assert_non_null(U.out.reason);
	assert_int_equal(U.out.err.code, code);
	assert_int_equal(U.out.err.subcode, subcode);
	assert_int_equal(U.out.err.data_len, dlen);
	if (dlen)
		assert_memory_equal(U.out.err.data, data, dlen);
}

/* RFC 4271 §6.3, RFC 7606 §3.b: lengths larger than the message. */
static void test_reset_field_lengths(void **state)
{
	size_t len;

	(void)state;
	len = build(M, V(wd_1), V(attrs_v4), V(nlri_2));
	M[BGP_HEADER_LEN + 1] = 200;            /* Withdrawn Routes Length */
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0);

	len = build(M, V(wd_1), V(attrs_v4), V(nlri_2));
	M[BGP_HEADER_LEN + 2 + sizeof(wd_1) + 1] = 200;   /* Total Path Attribute Length */
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0);

	/* withdrawn length swallowing the attribute length field */
	len = build(M, V(wd_1), NONE, NONE);
	M[BGP_HEADER_LEN + 1] = 5;
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0);

	/* the header: a wrong Length field, a wrong type */
	len = build(M, NONE, NONE, NONE);
	{
		static const uint8_t d[2] = { 0, 24 };

		M[17] = 24;
		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
		assert_reset(BGP_ERR_HEADER, BGP_ERR_HDR_LEN, d, 2);
	}
	len = build(M, NONE, NONE, NONE);
	M[18] = BGP_MSG_KEEPALIVE;
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_int_equal(U.out.err.code, BGP_ERR_HEADER);

	/* RFC 8654: over 4096 only with extended messages */
	{
		static uint8_t big_nlri[5000];
		struct bgp_update_ctx ext = IBGP;
		static const uint8_t d[2] = { 0x13, 0xba };     /* 5050 */

		for (size_t i = 0; i < sizeof(big_nlri); i += 5) {
			big_nlri[i] = 32;
			big_nlri[i + 1] = 10;
			big_nlri[i + 2] = (uint8_t)(i >> 16);
			big_nlri[i + 3] = (uint8_t)(i >> 8);
			big_nlri[i + 4] = (uint8_t)i;
		}
		len = build(M, NONE, V(attrs_v4), V(big_nlri));
		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
		assert_reset(BGP_ERR_HEADER, BGP_ERR_HDR_LEN, d, 2);
		ext.ext_msg = true;
		assert_int_equal(bgp_update_decode(&ext, M, len, &U), 0);
		assert_int_equal(U.reach[0].count, 1000);
	}
}

/* RFC 7606 §3.i, §5.3: Withdrawn Routes and NLRI must parse; else Invalid Network Field. */
static void test_reset_nlri_syntax(void **state)
{
	static const uint8_t bad_len[] = { 33, 10, 0, 0, 0, 0 };
	static const uint8_t overrun[] = { 24, 10, 0 };
	size_t len;

	(void)state;
	len = build(M, V(bad_len), NONE, NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0);
	len = build(M, V(overrun), NONE, NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0);
	len = build(M, NONE, V(attrs_v4), V(bad_len));
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0);
	len = build(M, NONE, V(attrs_v4), V(overrun));
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0);
	/* even with a malformed attribute that alone would only withdraw */
	{
		static const uint8_t at[] = { ORIGIN_BAD, ASPATH_65001, NEXTHOP_10_0_0_1, LOCALPREF_100 };

		len = build(M, NONE, V(at), V(overrun));
		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
		assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0);
	}
}

/* RFC 7606 §5.3, §7.11, RFC 4760 §7: MP attributes that cannot be trusted. */
static void test_reset_mp(void **state)
{
	static const struct {
		const char *name;
		uint8_t attr[48];
		size_t len;
		uint8_t subcode;
	} cases[] = {
		{ "reach len 4", { 0x80, 14, 4, 0, 2, 1, 16 }, 7, BGP_ERR_UPD_OPTATTR },
		{ "unreach len 2", { 0x80, 15, 2, 0, 2 }, 5, BGP_ERR_UPD_OPTATTR },
		{ "v6 next hop of 4", { 0x80, 14, 9, 0, 2, 1, 4, 10, 0, 0, 1, 0 }, 12, BGP_ERR_UPD_OPTATTR },
		{ "v6 next hop of 24", { 0x80, 14, 5, 0, 2, 1, 24, 0 }, 8, BGP_ERR_UPD_OPTATTR },
		{ "v4 next hop of 16", { 0x80, 14, 21, 0, 1, 1, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0,
		                         0, 0, 0, 0, 0, 0, 0, 1, 0 }, 24, BGP_ERR_UPD_OPTATTR },
		{ "next hop overruns", { 0x80, 14, 12, 0, 2, 1, 32, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0,
		                         0 }, 15, BGP_ERR_UPD_OPTATTR },
		{ "reserved octet missing", { 0x80, 14, 8, 0, 1, 1, 4, 10, 0, 0, 1 }, 11, BGP_ERR_UPD_OPTATTR },
		{ "reach nlri too long", { 0x80, 14, 23, 0, 2, 1, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0,
		                           0, 0, 0, 0, 0, 0, 0, 1, 0, 129, 0 }, 26, BGP_ERR_UPD_OPTATTR },
		{ "reach nlri overrun", { 0x80, 14, 23, 0, 2, 1, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0,
		                          0, 0, 0, 0, 0, 0, 0, 1, 0, 48, 0x20 }, 26, BGP_ERR_UPD_OPTATTR },
		{ "unreach nlri overrun", { 0x80, 15, 5, 0, 2, 1, 64, 0x20 }, 8, BGP_ERR_UPD_OPTATTR },
		{ "unreach v4 nlri too long", { 0x80, 15, 4, 0, 1, 1, 33 }, 7, BGP_ERR_UPD_OPTATTR },
		{ "reach flags", { 0xc0, 14, 5, 0, 2, 1, 0, 0 }, 8, BGP_ERR_UPD_FLAGS },
		{ "unreach flags", { 0x00, 15, 3, 0, 2, 1 }, 6, BGP_ERR_UPD_FLAGS },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t at[64];
		size_t n = 0, len;
		static const uint8_t rest[] = { ORIGIN_IGP, ASPATH_65001, LOCALPREF_100 };

		print_message("  %s\n", cases[i].name);
		memcpy(at, cases[i].attr, cases[i].len);
		n = cases[i].len;
		memcpy(at + n, rest, sizeof(rest));
		n += sizeof(rest);
		len = build(M, NONE, at, n, NONE);
		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
		assert_reset(BGP_ERR_UPDATE, cases[i].subcode, cases[i].attr, cases[i].len);
	}
	/* RFC 7606 §3.g: twice */
	{
		static const uint8_t at[] = { 0x80, 15, 3, 0, 2, 1, 0x80, 15, 3, 0, 1, 1 };
		size_t len = build(M, NONE, V(at), NONE);

		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
		assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0);
	}
}

/* ---- IPv6 ---- */

#define V6_NH_GLOBAL 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define V6_NH_LL     0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1

static void test_mp_v6(void **state)
{
	static const uint8_t at[] = {
		0x80, 14, 53, 0, 2, 1, 32, V6_NH_GLOBAL, V6_NH_LL, 0,
		48, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0,
		0x80, 15, 8, 0, 2, 1, 32, 0x20, 0x01, 0x0d, 0xb8,
		ORIGIN_IGP, ASPATH_65001, LOCALPREF_100,
	};
	static const uint8_t nh[32] = { V6_NH_GLOBAL, V6_NH_LL };
	size_t len = build(M, NONE, V(at), NONE);

	(void)state;
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	assert_int_equal(U.n_reach, 1);
	assert_int_equal(U.reach[0].af.afi, BGP_AFI_IPV6);
	assert_string_equal(runs_text(U.reach, U.n_reach), "2001:db8:1::/48 2001:db8:2::/64");
	assert_string_equal(runs_text(U.unreach, U.n_unreach), "2001:db8::/32");
	assert_int_equal(U.attrs.mp_nh_len, 32);
	assert_memory_equal(U.attrs.mp_nh, nh, 32);
	assert_false(U.eor);
}

/* RFC 4760 §3: NEXT_HOP in an UPDATE whose only NLRI are in MP_REACH_NLRI is ignored. */
static void test_nexthop_ignored(void **state)
{
	static const uint8_t at[] = {
		0x80, 14, 28, 0, 2, 1, 16, V6_NH_GLOBAL, 0, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1,
		ORIGIN_IGP, ASPATH_65001, NEXTHOP_10_0_0_1, LOCALPREF_100,
	};
	size_t len = build(M, NONE, V(at), NONE);

	(void)state;
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	assert_false(bgp_attr_has(&U.attrs, BGP_ATTR_NEXT_HOP));
	assert_true(U.out.quirks & BGP_UPD_Q_NEXTHOP_IGNORED);
	/* with IPv4 NLRI as well it stays */
	len = build(M, NONE, V(at), V(nlri_2));
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_true(bgp_attr_has(&U.attrs, BGP_ATTR_NEXT_HOP));
	assert_int_equal(U.n_reach, 2);
}

/* MP next hops that no router could have: treat-as-withdraw, like NEXT_HOP. */
static void test_mp_bad_next_hop(void **state)
{
	static const uint8_t unspec[] = {
		0x80, 14, 28, 0, 2, 1, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		48, 0x20, 0x01, 0x0d, 0xb8, 0, 1, ORIGIN_IGP, ASPATH_65001, LOCALPREF_100,
	};
	static const uint8_t mcast[] = {
		0x80, 14, 28, 0, 2, 1, 16, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
		48, 0x20, 0x01, 0x0d, 0xb8, 0, 1, ORIGIN_IGP, ASPATH_65001, LOCALPREF_100,
	};
	static const uint8_t ll_only[] = {
		0x80, 14, 44, 0, 2, 1, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		V6_NH_LL, 0, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1, ORIGIN_IGP, ASPATH_65001, LOCALPREF_100,
	};
	static const uint8_t v4_zero[] = {
		0x80, 14, 13, 0, 1, 1, 4, 0, 0, 0, 0, 0, 24, 192, 0, 2,
		ORIGIN_IGP, ASPATH_65001, LOCALPREF_100,
	};
	size_t len;

	(void)state;
	len = build(M, NONE, V(unspec), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
	assert_int_equal(U.out.err.subcode, BGP_ERR_UPD_OPTATTR);
	assert_int_equal(U.n_reach, 0);
	assert_string_equal(runs_text(U.unreach, U.n_unreach), "2001:db8:1::/48");
	len = build(M, NONE, V(mcast), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
	len = build(M, NONE, V(ll_only), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	len = build(M, NONE, V(v4_zero), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
	assert_string_equal(runs_text(U.unreach, U.n_unreach), "192.0.2.0/24");
}

/* ---- treat-as-withdraw (RFC 7606 §2, §3.d, §3.e) ---- */

static void test_treat_as_withdraw(void **state)
{
	static const uint8_t bad_origin[] = {
		0x80, 14, 28, 0, 2, 1, 16, V6_NH_GLOBAL, 0, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1,
		ORIGIN_BAD, ASPATH_65001, NEXTHOP_10_0_0_1, LOCALPREF_100,
	};
	static const uint8_t no_nexthop[] = { ORIGIN_IGP, ASPATH_65001, LOCALPREF_100 };
	static const uint8_t no_aspath[] = {
		0x80, 14, 28, 0, 2, 1, 16, V6_NH_GLOBAL, 0, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1,
		ORIGIN_IGP, LOCALPREF_100,
	};
	static const uint8_t origin_attr[] = { ORIGIN_BAD };
	size_t len;

	(void)state;
	/* every NLRI of every family becomes a withdrawal; the caller still gets them */
	len = build(M, V(wd_1), V(bad_origin), V(nlri_2));
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
	assert_string_equal(U.out.reason, "ORIGIN: undefined value");
	assert_int_equal(U.out.err.subcode, BGP_ERR_UPD_ORIGIN);
	assert_memory_equal(U.out.err.data, origin_attr, sizeof(origin_attr));
	assert_int_equal(U.n_reach, 0);
	assert_int_equal(U.n_unreach, 3);
	assert_string_equal(runs_text(U.unreach, U.n_unreach),
	                    "198.51.100.0/24 2001:db8:1::/48 192.0.2.0/24 10.1.0.0/16");

	/* §3.d: NEXT_HOP missing with IPv4 NLRI */
	len = build(M, NONE, V(no_nexthop), V(nlri_2));
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
	assert_int_equal(U.out.err.subcode, BGP_ERR_UPD_MISSING_WK);
	assert_int_equal(U.out.err.data_len, 1);
	assert_int_equal(U.out.err.data[0], BGP_ATTR_NEXT_HOP);
	assert_string_equal(runs_text(U.unreach, U.n_unreach), "192.0.2.0/24 10.1.0.0/16");

	/* §3.d: AS_PATH missing with MP_REACH_NLRI */
	len = build(M, NONE, V(no_aspath), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
	assert_int_equal(U.out.err.data[0], BGP_ATTR_AS_PATH);

	/* no attributes at all, NLRI present */
	len = build(M, NONE, NONE, V(nlri_2));
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
	assert_int_equal(U.out.err.data[0], BGP_ATTR_ORIGIN);

	/* §4: the attribute list ends inside an attribute — the NLRI still found */
	{
		static const uint8_t at[] = { ORIGIN_IGP, ASPATH_65001, NEXTHOP_10_0_0_1, 0x40, 5, 9, 0 };

		len = build(M, NONE, V(at), V(nlri_2));
		assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
		assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);
		assert_string_equal(runs_text(U.unreach, U.n_unreach), "192.0.2.0/24 10.1.0.0/16");
	}
}

/* RFC 7606 §5.2: an error other than attribute discard in an UPDATE with no
 * reachable NLRI resets, with the RFC 4271 NOTIFICATION for that error. */
static void test_no_nlri_escalates(void **state)
{
	static const uint8_t bad_origin[] = { ORIGIN_BAD, ASPATH_65001 };
	static const uint8_t bad_comm[] = { 0x80, 15, 8, 0, 2, 1, 32, 0x20, 1, 0xd, 0xb8,
	                                    0xc0, 8, 3, 1, 2, 3 };
	static const uint8_t atomic_bad[] = { 0x40, 6, 1, 0 };
	size_t len;

	(void)state;
	len = build(M, V(wd_1), V(bad_origin), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	{
		static const uint8_t d[] = { ORIGIN_BAD };

		assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_ORIGIN, d, sizeof(d));
	}
	assert_true(U.out.quirks & BGP_UPD_Q_ESCALATED);

	len = build(M, NONE, V(bad_comm), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), -1);
	{
		static const uint8_t d[] = { 0xc0, 8, 3, 1, 2, 3 };

		assert_reset(BGP_ERR_UPDATE, BGP_ERR_UPD_LENGTH, d, sizeof(d));
	}

	/* attribute discard is fine without NLRI */
	len = build(M, V(wd_1), V(atomic_bad), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_DISCARD);
	assert_string_equal(runs_text(U.unreach, U.n_unreach), "198.51.100.0/24");
	/* correct attributes and no NLRI at all: valid (RFC 4271 §6.3) */
	len = build(M, NONE, V(attrs_v4), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
}

/* Attribute discard leaves the routes standing, and lists what went. */
static void test_discard_keeps_routes(void **state)
{
	static const uint8_t at[] = { ORIGIN_IGP, ASPATH_65001, NEXTHOP_10_0_0_1, LOCALPREF_100,
	                              0x40, 6, 2, 0, 0 };
	size_t len = build(M, NONE, V(at), V(nlri_2));

	(void)state;
	assert_int_equal(bgp_update_decode(&EBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_DISCARD);
	assert_int_equal(U.out.n_discard, 2);
	assert_int_equal(U.out.discard[0].type, BGP_ATTR_LOCAL_PREF);
	assert_int_equal(U.out.discard[1].type, BGP_ATTR_ATOMIC_AGGREGATE);
	assert_false(bgp_attr_has(&U.attrs, BGP_ATTR_LOCAL_PREF));
	assert_string_equal(runs_text(U.reach, U.n_reach), "192.0.2.0/24 10.1.0.0/16");
}

/* Families the session does not carry. */
static void test_families(void **state)
{
	struct bgp_update_ctx v4only = mkctx(BGP_PEER_IBGP, true, false, true, false);
	struct bgp_update_ctx v6only = mkctx(BGP_PEER_IBGP, true, false, false, true);
	static const uint8_t v6[] = {
		0x80, 14, 28, 0, 2, 1, 16, V6_NH_GLOBAL, 0, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1,
		ORIGIN_IGP, ASPATH_65001, LOCALPREF_100,
	};
	static const uint8_t odd[] = { 0x80, 14, 9, 0, 25, 65, 4, 10, 0, 0, 1, 0, ORIGIN_IGP };
	size_t len;

	(void)state;
	len = build(M, NONE, V(v6), NONE);
	assert_int_equal(bgp_update_decode(&v4only, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_DISCARD);
	assert_int_equal(U.out.discard[0].type, BGP_ATTR_MP_REACH_NLRI);
	assert_int_equal(U.n_reach, 0);
	len = build(M, V(wd_1), V(attrs_v4), V(nlri_2));
	assert_int_equal(bgp_update_decode(&v6only, M, len, &U), 0);
	assert_true(U.out.quirks & BGP_UPD_Q_AF_IGNORED);
	assert_int_equal(U.n_reach + U.n_unreach, 0);
	len = build(M, NONE, V(odd), NONE);
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_DISCARD);
}

static void test_host_bits(void **state)
{
	static const uint8_t nl[] = { 20, 192, 0, 0xff };
	size_t len = build(M, NONE, V(attrs_v4), V(nl));

	(void)state;
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	assert_true(U.out.quirks & BGP_UPD_Q_HOSTBITS);
	assert_string_equal(runs_text(U.reach, U.n_reach), "192.0.240.0/20");
}

/* A 2-octet peer: AS_PATH and AS4_PATH merged (RFC 6793 §4.2.3). */
static void test_old_speaker(void **state)
{
	struct bgp_update_ctx old = mkctx(BGP_PEER_EBGP, false, false, true, false);
	static const uint8_t at[] = {
		ORIGIN_IGP, 0x40, 2, 6, 2, 2, 0x5b, 0xa0, 0, 100, NEXTHOP_10_0_0_1,
		0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x00, 0, 0, 0, 100,
	};
	size_t len = build(M, NONE, V(at), V(nlri_2));
	char path[64];

	(void)state;
	old.attr.first_as = BGP_AS_TRANS;
	assert_int_equal(bgp_update_decode(&old, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_WITHDRAW);      /* first AS is 4200000000 now */
	old.attr.first_as = 0;
	assert_int_equal(bgp_update_decode(&old, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	bgp_aspath_format(&U.attrs.aspath, path, sizeof(path));
	assert_string_equal(path, "4200000000 100");
}

/* ---- the encoder ---- */

static void mk_attrs(struct bgp_attrs *a, uint8_t *pathbuf, size_t cap)
{
	static const uint8_t comm[] = { 0xfd, 0xe9, 0, 1, 0xff, 0xff, 0xff, 0x01 };

	memset(a, 0, sizeof(*a));
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	             BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) |
	             BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES) | BGP_ATTR_BIT(BGP_ATTR_MED);
	a->origin = BGP_ORIGIN_INCOMPLETE;
	assert_int_equal(bgp_aspath_parse("65001 4200000000 {7,8}", pathbuf, cap, &a->aspath), 0);
	a->next_hop = 0xc0000201;
	a->local_pref = 150;
	a->med = 7;
	a->communities.data = comm;
	a->communities.len = sizeof(comm);
	a->mp_nh_len = 16;
	{
		static const uint8_t nh[16] = { V6_NH_GLOBAL };

		memcpy(a->mp_nh, nh, sizeof(nh));
	}
}

/* Prefixes distinct by index: IPv4 /24 or /32, IPv6 /48 or /64. */
static void mk_prefixes(struct bgp_prefix *p, size_t n, uint8_t af)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t a[16] = { 0 };

		if (af == BGP_AFI_IPV4) {
			a[0] = 10;
			a[1] = (uint8_t)(i >> 8);
			a[2] = (uint8_t)i;
			a[3] = (uint8_t)(i * 7);
			assert_true(bgp_prefix_set(&p[i], af, a, i % 3 ? 24 : 32) >= 0);
		} else {
			a[0] = 0x20;
			a[1] = 0x01;
			a[2] = 0x0d;
			a[3] = 0xb8;
			a[4] = (uint8_t)(i >> 8);
			a[5] = (uint8_t)i;
			a[7] = (uint8_t)(i * 3);
			assert_true(bgp_prefix_set(&p[i], af, a, i % 2 ? 48 : 64) >= 0);
		}
	}
}

#define MANY 3000

/* Pack a list in as many UPDATEs as needed; each decodes to the same attributes
 * and, in order, the prefixes packed. Returns how many messages it took. */
static unsigned pack_all(const struct bgp_update_ctx *ctx, uint8_t af, const struct bgp_attrs *a,
                         const struct bgp_prefix *w, size_t nw, const struct bgp_prefix *r,
                         size_t nr, size_t cap)
{
	static struct bgp_prefix got[MANY];
	static uint8_t buf[BGP_EXT_MAX_LEN];
	struct bgp_update_spec s;
	size_t got_w = 0, got_r = 0, lim = ctx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	unsigned msgs = 0;

	if (cap < lim)
		lim = cap;

	memset(&s, 0, sizeof(s));
	s.af.afi = af;
	s.af.safi = BGP_SAFI_UNICAST;
	s.withdrawn = w;
	s.n_withdrawn = nw;
	s.attrs = a;
	s.nlri = r;
	s.n_nlri = nr;
	while (s.n_withdrawn + s.n_nlri > 0) {
		size_t dw, dn, k;
		int len = bgp_update_pack(ctx, &s, buf, cap, &dw, &dn);

		assert_true(len >= BGP_UPDATE_MIN_LEN);
		assert_true((size_t)len <= cap);
		assert_true((size_t)len <= (ctx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN));
		/* RFC 7606 §5.1: never both */
		assert_true((dw > 0) != (dn > 0));
		msgs++;
		assert_int_equal(bgp_update_decode(ctx, buf, (size_t)len, &U), 0);
		assert_int_equal(U.out.action, BGP_UPD_OK);
		if (dw) {
			assert_int_equal(U.n_reach, 0);
			k = collect(U.unreach, U.n_unreach, got, MANY);
			assert_int_equal(k, dw);
			for (size_t i = 0; i < k; i++)
				assert_true(bgp_prefix_eq(&got[i], &w[got_w + i]));
			got_w += dw;
		} else {
			assert_int_equal(U.n_unreach, 0);
			k = collect(U.reach, U.n_reach, got, MANY);
			assert_int_equal(k, dn);
			for (size_t i = 0; i < k; i++)
				assert_true(bgp_prefix_eq(&got[i], &r[got_r + i]));
			got_r += dn;
			/* the set comes back: IPv4 without mp_nh, IPv6 without NEXT_HOP */
			{
				struct bgp_attrs want = *a;

				if (af == BGP_AFI_IPV4)
					want.mp_nh_len = 0;
				else
					want.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
				assert_true(bgp_attrs_equal(&want, &U.attrs));
			}
			/* and the message is full: the next prefix would not have fit
			 * (give or take the octet a short MP_REACH_NLRI length saves) */
			if (s.n_nlri > dn)
				assert_true((size_t)len + bgp_prefix_wire_len(&s.nlri[dn]) + 1 > lim);
		}
		s.withdrawn += dw;
		s.n_withdrawn -= dw;
		s.nlri += dn;
		s.n_nlri -= dn;
	}
	assert_int_equal(got_w, nw);
	assert_int_equal(got_r, nr);
	return msgs;
}

static void test_pack_v4(void **state)
{
	static struct bgp_prefix p[MANY];
	struct bgp_attrs a;
	uint8_t pb[64];
	struct bgp_update_ctx ext = IBGP, old = IBGP;
	unsigned n;

	(void)state;
	mk_attrs(&a, pb, sizeof(pb));
	mk_prefixes(p, MANY, BGP_AFI_IPV4);
	n = pack_all(&IBGP, BGP_AFI_IPV4, &a, NULL, 0, p, MANY, BGP_EXT_MAX_LEN);
	assert_true(n >= 4 && n <= 6);
	n = pack_all(&IBGP, BGP_AFI_IPV4, &a, p, MANY, NULL, 0, BGP_EXT_MAX_LEN);
	assert_true(n >= 4 && n <= 6);
	ext.ext_msg = true;
	assert_int_equal(pack_all(&ext, BGP_AFI_IPV4, &a, NULL, 0, p, MANY, BGP_EXT_MAX_LEN), 1);
	/* a small buffer bounds the message too */
	n = pack_all(&IBGP, BGP_AFI_IPV4, &a, NULL, 0, p, 100, 200);
	assert_true(n >= 4);
	/* to a 2-octet peer (AS4_PATH appears) and back */
	old.attr.as4 = false;
	pack_all(&old, BGP_AFI_IPV4, &a, p, 10, p, 10, BGP_MAX_LEN);
}

static void test_pack_v6(void **state)
{
	static struct bgp_prefix p[MANY];
	struct bgp_attrs a;
	uint8_t pb[64];
	struct bgp_update_ctx ext = IBGP;
	unsigned n;

	(void)state;
	mk_attrs(&a, pb, sizeof(pb));
	mk_prefixes(p, MANY, BGP_AFI_IPV6);
	n = pack_all(&IBGP, BGP_AFI_IPV6, &a, NULL, 0, p, MANY, BGP_EXT_MAX_LEN);
	assert_true(n >= 5 && n <= 7);
	n = pack_all(&IBGP, BGP_AFI_IPV6, &a, p, MANY, NULL, 0, BGP_EXT_MAX_LEN);
	assert_true(n >= 5 && n <= 7);
	ext.ext_msg = true;
	assert_int_equal(pack_all(&ext, BGP_AFI_IPV6, &a, NULL, 0, p, MANY, BGP_EXT_MAX_LEN), 1);
	/* a handful: MP_REACH_NLRI short enough for a one-octet length */
	pack_all(&IBGP, BGP_AFI_IPV6, &a, p, 3, p, 3, BGP_MAX_LEN);
	n = pack_all(&IBGP, BGP_AFI_IPV6, &a, NULL, 0, p, 50, 150);
	assert_true(n >= 8);
	/* link-local next hop too */
	a.mp_nh_len = 32;
	{
		static const uint8_t ll[16] = { V6_NH_LL };

		memcpy(a.mp_nh + 16, ll, 16);
	}
	pack_all(&IBGP, BGP_AFI_IPV6, &a, NULL, 0, p, 500, BGP_MAX_LEN);
}

/* The first attribute of an IPv6 announcement is MP_REACH_NLRI (RFC 7606 §5.1),
 * with a one-octet length when it fits. */
static void test_pack_layout(void **state)
{
	static const uint8_t want[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0, 59, 2, 0, 0, 0, 36,
		0x80, 14, 26, 0, 2, 1, 16, V6_NH_GLOBAL, 0, 32, 0x20, 0x01, 0x0d, 0xb8,
		ORIGIN_IGP, 0x40, 2, 0,
	};
	struct bgp_attrs a;
	struct bgp_prefix p;
	struct bgp_update_spec s;
	uint8_t buf[128];
	size_t dw, dn;
	static const uint8_t nh[16] = { V6_NH_GLOBAL };

	(void)state;
	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	a.aspath.as_size = BGP_AS4_SIZE;
	a.mp_nh_len = 16;
	memcpy(a.mp_nh, nh, 16);
	assert_int_equal(bgp_prefix_parse("2001:db8::/32", &p), 0);
	memset(&s, 0, sizeof(s));
	s.af.afi = BGP_AFI_IPV6;
	s.af.safi = BGP_SAFI_UNICAST;
	s.attrs = &a;
	s.nlri = &p;
	s.n_nlri = 1;
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), (int)sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(dn, 1);
	assert_int_equal(dw, 0);
}

static void test_pack_refuses(void **state)
{
	struct bgp_attrs a;
	uint8_t pb[64], buf[BGP_MAX_LEN];
	static struct bgp_prefix p[4];
	struct bgp_update_spec s;
	size_t dw, dn;
	static uint8_t big[4040];

	(void)state;
	mk_attrs(&a, pb, sizeof(pb));
	mk_prefixes(p, 4, BGP_AFI_IPV4);
	memset(&s, 0, sizeof(s));
	s.af.afi = BGP_AFI_IPV4;
	s.af.safi = BGP_SAFI_UNICAST;
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);  /* nothing */
	s.nlri = p;
	s.n_nlri = 4;
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);  /* no attrs */
	s.attrs = &a;
	a.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	assert_true(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn) > 0);
	assert_int_equal(dn, 4);
	s.af.afi = BGP_AFI_IPV6;                        /* IPv4 prefixes, IPv6 family */
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);
	s.af.safi = 128;
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);
	s.af.afi = BGP_AFI_IPV4;
	s.af.safi = BGP_SAFI_UNICAST;
	a.communities.data = big;                       /* attributes leave no room */
	a.communities.len = sizeof(big);
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);
	s.af.afi = BGP_AFI_IPV6;
	mk_prefixes(p, 4, BGP_AFI_IPV6);
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);
	a.communities.len = 8;
	a.mp_nh_len = 4;                                /* not an IPv6 next hop */
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, sizeof(buf), &dw, &dn), -1);
	assert_int_equal(bgp_update_pack(&IBGP, &s, buf, 22, &dw, &dn), -1);
}

/* encode(decode(bytes)) == bytes for canonical input. */
static void test_bytes_roundtrip(void **state)
{
	static const uint8_t at[] = {
		0x40, 1, 1, 2, 0x40, 2, 10, 2, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0, 9, NEXTHOP_10_0_0_1,
		0x80, 4, 4, 0, 0, 0, 5, LOCALPREF_100, 0x40, 6, 0, 0xc0, 7, 8, 0, 0, 0xfd, 0xe9, 1, 2, 3, 4,
		0xc0, 8, 4, 0xff, 0xff, 0xff, 0x02, 0x80, 9, 4, 1, 1, 1, 1, 0x80, 10, 4, 2, 2, 2, 2,
		0xc0, 16, 8, 0, 2, 0, 1, 0, 0, 0, 1, 0xc0, 32, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
		0xe0, 77, 2, 1, 2,
	};
	static struct bgp_prefix p[8];
	uint8_t again[BGP_MAX_LEN];
	struct bgp_update_spec s;
	struct bgp_attrs a;
	size_t len = build(M, NONE, V(at), V(nlri_2)), dw, dn, n;

	(void)state;
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	assert_int_equal(U.out.action, BGP_UPD_OK);
	n = collect(U.reach, U.n_reach, p, 8);
	a = U.attrs;    /* views into M, which stays */
	memset(&s, 0, sizeof(s));
	s.af.afi = BGP_AFI_IPV4;
	s.af.safi = BGP_SAFI_UNICAST;
	s.attrs = &a;
	s.nlri = p;
	s.n_nlri = n;
	assert_int_equal(bgp_update_pack(&IBGP, &s, again, sizeof(again), &dw, &dn), (int)len);
	assert_memory_equal(again, M, len);
}

/* ---- BIRD's messages ---- */

static uint8_t *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	size_t n;

	if (!f)
		return NULL;
	p = malloc(BGP_EXT_MAX_LEN);
	n = fread(p, 1, BGP_EXT_MAX_LEN, f);
	fclose(f);
	*len = n;
	return p;
}

/* Re-encode what a decoded UPDATE said and check it decodes the same. */
static void reencode_same(const struct bgp_update_ctx *ctx, const uint8_t *orig, size_t olen)
{
	static struct bgp_prefix p[MANY];
	static uint8_t buf[BGP_EXT_MAX_LEN];
	struct bgp_attrs a = U.attrs;
	struct bgp_update_spec s;
	size_t n, dw, dn;
	int len;
	uint64_t h = bgp_attrs_hash(&U.attrs);

	if (U.eor) {
		len = bgp_update_eor(U.eor_af.afi, U.eor_af.safi, buf, sizeof(buf));
		assert_int_equal(len, olen);
		assert_memory_equal(buf, orig, olen);   /* byte for byte */
		return;
	}
	assert_true(U.n_reach <= 1);
	memset(&s, 0, sizeof(s));
	if (U.n_reach) {
		n = collect(U.reach, U.n_reach, p, MANY);
		s.af = U.reach[0].af;
		s.attrs = &a;
		s.nlri = p;
		s.n_nlri = n;
	} else {
		assert_true(U.n_unreach <= 1);
		n = collect(U.unreach, U.n_unreach, p, MANY);
		s.af = U.unreach[0].af;
		s.withdrawn = p;
		s.n_withdrawn = n;
	}
	len = bgp_update_pack(ctx, &s, buf, sizeof(buf), &dw, &dn);
	assert_true(len > 0);
	assert_int_equal(dw + dn, n);
	/* BIRD writes MP_REACH_NLRI with Extended Length even when short; we do
	 * not, so those differ by exactly that octet. */
	if (!(U.n_reach && U.reach[0].af.afi == BGP_AFI_IPV6))
		assert_memory_equal(buf, orig, olen);
	else
		assert_int_equal((size_t)len + 1, olen);
	assert_int_equal(bgp_update_decode(ctx, buf, (size_t)len, &U), 0);
	assert_true(bgp_attrs_equal(&a, &U.attrs));
	assert_true(bgp_attrs_hash(&U.attrs) == h);
}

static void test_bird_fixtures(void **state)
{
	/* As captured: BIRD (AS 65001) to an external peer, 4-octet AS, both
	 * families, extended messages. */
	struct bgp_update_ctx ctx = mkctx(BGP_PEER_EBGP, true, true, true, true);
	static const struct {
		const char *file;
		const char *reach;
		uint16_t eor_afi;           /* 0: not an End-of-RIB */
		uint32_t community;         /* one it must carry, or 0 */
	} want[] = {
		{ "03-update.bin", "198.51.100.0/24", 0, 0 },
		{ "04-update.bin", "192.0.2.0/24", 0, 0xfde900c8 },
		{ "05-update.bin", "", BGP_AFI_IPV4, 0 },
		{ "06-update.bin", "2001:db8:1::/48", 0, 0xfde90258 },
		{ "07-update.bin", "", BGP_AFI_IPV6, 0 },
		{ "09-update.bin", "198.51.100.0/24", 0, 0 },
		{ "10-update.bin", "192.0.2.0/24", 0, 0xfde90064 },
	};
	unsigned found = 0;

	(void)state;
	ctx.attr.first_as = BIRD_AS;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char path[256];
		size_t len;
		uint8_t *m;
		char aspath[32];

		snprintf(path, sizeof(path), "%s/%s", FIXTURES, want[i].file);
		m = load(path, &len);
		if (!m)
			continue;
		found++;
		print_message("  %s\n", want[i].file);
		assert_int_equal(bgp_update_decode(&ctx, m, len, &U), 0);
		assert_int_equal(U.out.action, BGP_UPD_OK);
		assert_int_equal(U.out.quirks, 0);
		assert_string_equal(runs_text(U.reach, U.n_reach), want[i].reach);
		assert_int_equal(U.n_unreach, 0);
		assert_int_equal(U.eor, want[i].eor_afi != 0);
		if (U.eor)
			assert_int_equal(U.eor_af.afi, want[i].eor_afi);
		if (want[i].community)
			assert_true(bgp_attrs_has_community(&U.attrs, want[i].community));
		if (U.n_reach) {
			bgp_aspath_format(&U.attrs.aspath, aspath, sizeof(aspath));
			assert_string_equal(aspath, "65001");
			assert_int_equal(U.attrs.origin, BGP_ORIGIN_IGP);
			if (U.reach[0].af.afi == BGP_AFI_IPV4) {
				assert_int_equal(U.attrs.next_hop, 0x0a000001);    /* 10.0.0.1 */
			} else {
				static const uint8_t nh[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				                                0, 0, 0, 0, 0, 0, 0, 1 };

				assert_int_equal(U.attrs.mp_nh_len, 16);
				assert_memory_equal(U.attrs.mp_nh, nh, 16);
			}
		}
		if (strcmp(want[i].file, "03-update.bin") == 0) {
			struct bgp_large_community lc = bgp_large_community_at(&U.attrs, 0);

			assert_int_equal(bgp_large_community_count(&U.attrs), 1);
			assert_int_equal(lc.global, 65001);
			assert_int_equal(lc.local1, 1);
			assert_int_equal(lc.local2, 1);
		}
		reencode_same(&ctx, m, len);
		free(m);
	}
	if (found == 0)
		skip();     /* no fixtures here: tests/fixtures/capture-bird-msgs.sh makes them */
}

/* ---- hostile bytes ---- */

/* Decode a copy of exactly len bytes (so ASan sees any read past it) and check
 * what came out is usable. */
static int decode_exact(const struct bgp_update_ctx *ctx, const uint8_t *m, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	int rc;

	memcpy(c, m, len);
	rc = bgp_update_decode(ctx, c, len, &U);
	assert_true(rc == 0 || rc == -1);
	assert_true(U.out.action <= BGP_UPD_RESET);
	if (rc == 0) {
		uint8_t out[BGP_EXT_MAX_LEN];
		struct bgp_wr w = bgp_wr_init(out, sizeof(out));

		assert_true(U.out.action != BGP_UPD_RESET);
		assert_true(U.n_reach <= BGP_UPD_MAX_REACH && U.n_unreach <= BGP_UPD_MAX_UNREACH);
		runs_text(U.reach, U.n_reach);          /* walks every prefix */
		runs_text(U.unreach, U.n_unreach);
		if (U.out.action != BGP_UPD_WITHDRAW) {
			bgp_attrs_encode(&U.attrs, &ctx->attr, 0, &w);
			(void)bgp_attrs_hash(&U.attrs);
		}
	} else {
		assert_int_equal(U.out.action, BGP_UPD_RESET);
		assert_true(U.out.err.code != 0);
	}
	free(c);
	return rc;
}

static size_t sample_messages(uint8_t msgs[][512], size_t *lens)
{
	static const uint8_t mp[] = {
		0x80, 14, 53, 0, 2, 1, 32, V6_NH_GLOBAL, V6_NH_LL, 0,
		48, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0,
		0x80, 15, 8, 0, 2, 1, 32, 0x20, 0x01, 0x0d, 0xb8,
		ORIGIN_IGP, 0x40, 2, 16, 2, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0, 9, 1, 1, 0, 0, 0, 7,
		LOCALPREF_100, 0xc0, 8, 4, 0xff, 0xff, 0xff, 0x01, 0xe0, 66, 1, 1,
	};
	static const uint8_t old[] = {
		ORIGIN_IGP, 0x40, 2, 6, 2, 2, 0x5b, 0xa0, 0, 100, NEXTHOP_10_0_0_1,
		0xc0, 7, 6, 0x5b, 0xa0, 1, 2, 3, 4, 0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x00, 0, 0, 0, 100,
		0xc0, 18, 8, 0, 1, 0, 0, 1, 2, 3, 4,
	};
	size_t n = 0;

	lens[n] = build(msgs[n], V(wd_1), V(attrs_v4), V(nlri_2));
	n++;
	lens[n] = build(msgs[n], NONE, V(mp), NONE);
	n++;
	lens[n] = build(msgs[n], V(wd_1), V(old), V(nlri_2));
	n++;
	lens[n] = (size_t)bgp_update_eor(BGP_AFI_IPV6, BGP_SAFI_UNICAST, msgs[n], 512);
	n++;
	return n;
}

/* Every cut of every sample: with the Length field as sent (a header error) and
 * patched to the cut (the body runs short wherever it is cut). */
static void test_truncation_every_offset(void **state)
{
	static uint8_t msgs[4][512];
	size_t lens[4], n = sample_messages(msgs, lens);
	struct bgp_update_ctx ctxs[2];

	(void)state;
	ctxs[0] = IBGP;
	ctxs[1] = mkctx(BGP_PEER_EBGP, false, false, true, true);
	for (size_t c = 0; c < 2; c++) {
		for (size_t m = 0; m < n; m++) {
			for (size_t cut = 0; cut < lens[m]; cut++) {
				uint8_t tmp[512];

				assert_int_equal(decode_exact(&ctxs[c], msgs[m], cut), -1);
				memcpy(tmp, msgs[m], cut);
				if (cut >= BGP_HEADER_LEN) {
					tmp[16] = (uint8_t)(cut >> 8);
					tmp[17] = (uint8_t)cut;
				}
				if (decode_exact(&ctxs[c], tmp, cut) == 0)
					assert_true(cut >= BGP_UPDATE_MIN_LEN);
			}
			assert_int_equal(decode_exact(&ctxs[c], msgs[m], lens[m]), 0);
		}
	}
}

/* Seeded mutations of the samples (and of BIRD's messages when present):
 * whatever the bytes, decoding ends in one of the four outcomes, cleanly. */
static void test_mutations(void **state)
{
	static uint8_t msgs[4][512];
	size_t lens[4], n = sample_messages(msgs, lens);
	uint64_t x = 0x9e3779b97f4a7c15u;
	struct bgp_update_ctx ctxs[3];
	unsigned counts[BGP_UPD_RESET + 1] = { 0 };

	(void)state;
	ctxs[0] = IBGP;
	ctxs[1] = mkctx(BGP_PEER_EBGP, false, false, true, true);
	ctxs[2] = mkctx(BGP_PEER_CONFED, true, true, false, true);
	for (unsigned iter = 0; iter < 30000; iter++) {
		size_t m = iter % n, len = lens[m];
		uint8_t tmp[512];
		unsigned flips;

		memcpy(tmp, msgs[m], len);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		flips = 1 + (unsigned)(x % 4);
		for (unsigned f = 0; f < flips; f++) {
			size_t at;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* leave the header alone: the body is what is being tested */
			at = BGP_HEADER_LEN + (size_t)(x % (len - BGP_HEADER_LEN));
			tmp[at] = (uint8_t)(x >> 32);
		}
		decode_exact(&ctxs[iter % 3], tmp, len);
		counts[U.out.action]++;
	}
	/* the mutations reach every outcome */
	for (unsigned a = BGP_UPD_OK; a <= BGP_UPD_RESET; a++)
		assert_true(counts[a] > 0);
}

static void test_describe(void **state)
{
	static const uint8_t at[] = { ORIGIN_BAD, ASPATH_65001, NEXTHOP_10_0_0_1, LOCALPREF_100,
	                              0x40, 6, 2, 0, 0, 0xc0, 99, 1, 1, 0xc0, 99, 1, 2 };
	static const uint8_t nl[] = { 20, 192, 0, 0xff };
	char line[512], small[10];
	size_t len;
	int n;

	(void)state;
	len = build(M, NONE, V(at), V(nl));
	assert_int_equal(bgp_update_decode(&EBGP, M, len, &U), 0);
	n = bgp_upd_outcome_describe(&U.out, line, sizeof(line));
	assert_string_equal(line, "treat-as-withdraw: ORIGIN: undefined value; discarded: "
	                    "LOCAL_PREF: from an external peer (RFC 7606 §7.5, §7.9, §7.10), "
	                    "ATOMIC_AGGREGATE: length is not 0, "
	                    "attribute 99: repeated attribute (RFC 7606 §3.g); "
	                    "quirks: NLRI with host bits set (cleared)");
	assert_int_equal(n, (int)strlen(line));
	assert_int_equal(bgp_upd_outcome_describe(&U.out, small, sizeof(small)), n);
	assert_string_equal(small, "treat-as-");
	len = build(M, NONE, V(attrs_v4), V(nlri_2));
	assert_int_equal(bgp_update_decode(&IBGP, M, len, &U), 0);
	bgp_upd_outcome_describe(&U.out, line, sizeof(line));
	assert_string_equal(line, "ok");
	len = build(M, NONE, V(attrs_v4), V(nlri_2));
	assert_int_equal(bgp_update_decode(&EBGP, M, len, &U), 0);
	bgp_upd_outcome_describe(&U.out, line, sizeof(line));
	assert_string_equal(line, "attribute-discard: LOCAL_PREF: from an external peer "
	                    "(RFC 7606 §7.5, §7.9, §7.10)");
}

static void test_ctx_init(void **state)
{
	struct bgp_caps l, p;
	struct bgp_update_ctx c;

	(void)state;
	memset(&l, 0, sizeof(l));
	memset(&p, 0, sizeof(p));
	/* no MP on either side: IPv4 unicast */
	bgp_update_ctx_init(&c, &l, &p, BGP_PEER_EBGP, 65001);
	assert_int_equal(c.n_families, 1);
	assert_true(bgp_update_ctx_has(&c, BGP_AFI_IPV4, BGP_SAFI_UNICAST));
	assert_false(c.attr.as4);
	assert_false(c.ext_msg);
	assert_int_equal(c.attr.first_as, 65001);
	/* both: v4, v6; peer only v6 -> v6 */
	l.n_mp = 2;
	l.mp[0].afi = BGP_AFI_IPV4;
	l.mp[0].safi = BGP_SAFI_UNICAST;
	l.mp[1].afi = BGP_AFI_IPV6;
	l.mp[1].safi = BGP_SAFI_UNICAST;
	p.n_mp = 1;
	p.mp[0] = l.mp[1];
	l.as4 = p.as4 = true;
	l.ext_msg = true;
	bgp_update_ctx_init(&c, &l, &p, BGP_PEER_IBGP, 65001);
	assert_int_equal(c.n_families, 1);
	assert_true(bgp_update_ctx_has(&c, BGP_AFI_IPV6, BGP_SAFI_UNICAST));
	assert_false(bgp_update_ctx_has(&c, BGP_AFI_IPV4, BGP_SAFI_UNICAST));
	assert_true(c.attr.as4);
	assert_false(c.ext_msg);
	assert_int_equal(c.attr.first_as, 0);   /* internal: no first-AS check */
	/* peer without MP: IPv4 only, so the intersection is v4 */
	p.n_mp = 0;
	p.ext_msg = true;
	bgp_update_ctx_init(&c, &l, &p, BGP_PEER_EBGP, 0);
	assert_int_equal(c.n_families, 1);
	assert_true(bgp_update_ctx_has(&c, BGP_AFI_IPV4, BGP_SAFI_UNICAST));
	assert_true(c.ext_msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_v4),
		cmocka_unit_test(test_eor),
		cmocka_unit_test(test_reset_field_lengths),
		cmocka_unit_test(test_reset_nlri_syntax),
		cmocka_unit_test(test_reset_mp),
		cmocka_unit_test(test_mp_v6),
		cmocka_unit_test(test_nexthop_ignored),
		cmocka_unit_test(test_mp_bad_next_hop),
		cmocka_unit_test(test_treat_as_withdraw),
		cmocka_unit_test(test_no_nlri_escalates),
		cmocka_unit_test(test_discard_keeps_routes),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_host_bits),
		cmocka_unit_test(test_old_speaker),
		cmocka_unit_test(test_pack_v4),
		cmocka_unit_test(test_pack_v6),
		cmocka_unit_test(test_pack_layout),
		cmocka_unit_test(test_pack_refuses),
		cmocka_unit_test(test_bytes_roundtrip),
		cmocka_unit_test(test_bird_fixtures),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_ctx_init),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
