/*
 * tests/unit/test_bgp_open.c — OPEN decode/encode (RFC 4271 §4.2, RFC 5492,
 * RFC 9072) and bgp_open_validate (RFC 4271 §6.2, RFC 6286, RFC 6793, RFC 5492 §5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"

#define MY_AS   65001
#define HOLD    90
#define ID      0x0a000001u     /* 10.0.0.1 */

/* An OPEN: version 4, MY_AS, HOLD, ID, then the Opt Parm Len field and the
 * bytes given (parameters, or anything to test with). */
static size_t mk_open_raw(uint8_t *buf, uint8_t opt_len, const void *rest, size_t n)
{
	size_t len = BGP_HEADER_LEN + BGP_OPEN_FIXED_LEN + n;
	uint8_t *p = buf;

	memset(p, 0xff, BGP_MARKER_LEN);
	p += BGP_MARKER_LEN;
	*p++ = (uint8_t)(len >> 8);
	*p++ = (uint8_t)len;
	*p++ = BGP_MSG_OPEN;
	*p++ = BGP_VERSION;
	*p++ = MY_AS >> 8;
	*p++ = MY_AS & 0xff;
	*p++ = 0;
	*p++ = HOLD;
	*p++ = ID >> 24;
	*p++ = (ID >> 16) & 0xff;
	*p++ = (ID >> 8) & 0xff;
	*p++ = ID & 0xff;
	*p++ = opt_len;
	if (n)
		memcpy(p, rest, n);
	return len;
}

/* An OPEN whose parameters are exactly params. */
static size_t mk_open(uint8_t *buf, const void *params, size_t n)
{
	return mk_open_raw(buf, (uint8_t)n, params, n);
}

/* An OPEN with one Capabilities parameter holding caps. */
static size_t mk_open_caps(uint8_t *buf, const void *caps, size_t n)
{
	uint8_t params[2 + 255];

	params[0] = BGP_OPT_PARAM_CAPA;
	params[1] = (uint8_t)n;
	memcpy(params + 2, caps, n);
	return mk_open(buf, params, n + 2);
}

/* Field by field: struct padding is not part of the value. */
static void assert_open_equal(const struct bgp_open *a, const struct bgp_open *b)
{
	const struct bgp_caps *x = &a->caps, *y = &b->caps;

	assert_int_equal(a->version, b->version);
	assert_int_equal(a->my_as, b->my_as);
	assert_int_equal(a->hold_time, b->hold_time);
	assert_int_equal(a->bgp_id, b->bgp_id);
	assert_int_equal(a->quirks, b->quirks);
	assert_int_equal(x->n_mp, y->n_mp);
	for (unsigned i = 0; i < x->n_mp; i++) {
		assert_int_equal(x->mp[i].afi, y->mp[i].afi);
		assert_int_equal(x->mp[i].safi, y->mp[i].safi);
	}
	assert_int_equal(x->route_refresh, y->route_refresh);
	assert_int_equal(x->enhanced_rr, y->enhanced_rr);
	assert_int_equal(x->as4, y->as4);
	assert_int_equal(x->as4_number, y->as4_number);
	assert_int_equal(x->ext_msg, y->ext_msg);
	assert_int_equal(x->graceful_restart, y->graceful_restart);
	assert_int_equal(x->gr_flags_time, y->gr_flags_time);
	assert_int_equal(x->n_gr, y->n_gr);
	for (unsigned i = 0; i < x->n_gr; i++) {
		assert_int_equal(x->gr[i].af.afi, y->gr[i].af.afi);
		assert_int_equal(x->gr[i].af.safi, y->gr[i].af.safi);
		assert_int_equal(x->gr[i].flags, y->gr[i].flags);
	}
	assert_int_equal(x->n_unknown, y->n_unknown);
	for (unsigned i = 0; i < x->n_unknown; i++) {
		assert_int_equal(x->unknown[i].code, y->unknown[i].code);
		assert_int_equal(x->unknown[i].len, y->unknown[i].len);
		assert_memory_equal(x->unknown[i].data, y->unknown[i].data, x->unknown[i].len);
	}
}

static void assert_open_err(const uint8_t *msg, size_t len, uint8_t code, uint8_t sub)
{
	struct bgp_open o;
	struct bgp_err e;

	assert_int_equal(bgp_open_decode(msg, len, &o, &e), -1);
	assert_int_equal(e.code, code);
	assert_int_equal(e.subcode, sub);
}

static void assert_caps_err(const void *caps, size_t n, uint8_t sub)
{
	uint8_t buf[512];
	size_t len = mk_open_caps(buf, caps, n);

	assert_open_err(buf, len, BGP_ERR_OPEN, sub);
}

static int decode_caps(const void *caps, size_t n, struct bgp_open *o)
{
	uint8_t buf[512];
	struct bgp_err e;
	size_t len = mk_open_caps(buf, caps, n);

	return bgp_open_decode(buf, len, o, &e);
}

/* The capabilities BIRD and most speakers send, in our canonical order. */
static const uint8_t full_caps[] = {
	BGP_CAPA_MP, 4, 0, 1, 0, 1,             /* IPv4 unicast */
	BGP_CAPA_MP, 4, 0, 2, 0, 1,             /* IPv6 unicast */
	BGP_CAPA_ROUTE_REFRESH, 0,
	BGP_CAPA_EXT_MSG, 0,
	BGP_CAPA_GRACEFUL, 10, 0x80, 0x78,      /* R bit, 120 s */
	0, 1, 1, 0x80, 0, 2, 1, 0,
	BGP_CAPA_AS4, 4, 0, 0x03, 0x0d, 0x40,   /* 200000 */
	BGP_CAPA_ENHANCED_RR, 0,
	BGP_CAPA_LLGR, 0,                       /* kept raw */
	BGP_CAPA_FQDN, 3, 'a', 0, 0,
};

static void check_full_caps(const struct bgp_open *o)
{
	const struct bgp_caps *c = &o->caps;

	assert_int_equal(o->version, BGP_VERSION);
	assert_int_equal(o->my_as, MY_AS);
	assert_int_equal(o->hold_time, HOLD);
	assert_int_equal(o->bgp_id, ID);
	assert_int_equal(c->n_mp, 2);
	assert_int_equal(c->mp[0].afi, BGP_AFI_IPV4);
	assert_int_equal(c->mp[0].safi, BGP_SAFI_UNICAST);
	assert_int_equal(c->mp[1].afi, BGP_AFI_IPV6);
	assert_int_equal(c->mp[1].safi, BGP_SAFI_UNICAST);
	assert_true(c->route_refresh);
	assert_true(c->ext_msg);
	assert_true(c->graceful_restart);
	assert_int_equal(c->gr_flags_time, BGP_GR_FLAG_RESTART | 120);
	assert_int_equal(c->n_gr, 2);
	assert_int_equal(c->gr[0].af.afi, BGP_AFI_IPV4);
	assert_int_equal(c->gr[0].flags, BGP_GR_AF_FORWARDING);
	assert_int_equal(c->gr[1].af.afi, BGP_AFI_IPV6);
	assert_int_equal(c->gr[1].af.safi, BGP_SAFI_UNICAST);
	assert_int_equal(c->gr[1].flags, 0);
	assert_true(c->as4);
	assert_int_equal(c->as4_number, 200000);
	assert_int_equal(bgp_open_peer_as(o), 200000);
	assert_true(c->enhanced_rr);
	assert_int_equal(c->n_unknown, 2);
	assert_int_equal(c->unknown[0].code, BGP_CAPA_LLGR);
	assert_int_equal(c->unknown[0].len, 0);
	assert_int_equal(c->unknown[1].code, BGP_CAPA_FQDN);
	assert_int_equal(c->unknown[1].len, 3);
	assert_memory_equal(c->unknown[1].data, "a\0\0", 3);
	assert_int_equal(o->quirks, 0);
}

static void test_decode_full(void **state)
{
	uint8_t buf[512];
	struct bgp_open o;
	struct bgp_err e;
	size_t n = mk_open_caps(buf, full_caps, sizeof(full_caps));

	(void)state;
	assert_int_equal(bgp_open_decode(buf, n, &o, &e), 0);
	check_full_caps(&o);
}

static void test_decode_no_params(void **state)
{
	uint8_t buf[64];
	struct bgp_open o;
	struct bgp_err e;
	size_t n = mk_open(buf, NULL, 0);

	(void)state;
	assert_int_equal(n, BGP_OPEN_MIN_LEN);
	assert_int_equal(bgp_open_decode(buf, n, &o, &e), 0);
	assert_int_equal(o.my_as, MY_AS);
	assert_false(o.caps.as4);
	assert_int_equal(o.caps.n_mp, 0);
	assert_int_equal(bgp_open_peer_as(&o), MY_AS);
}

/* RFC 5492 §4: several capabilities per parameter and several parameters are
 * processed alike. */
static void test_decode_split_params(void **state)
{
	uint8_t params[300], buf[512];
	struct bgp_open one, split;
	struct bgp_err e;
	size_t n = 0, len;

	(void)state;
	/* Each capability of full_caps in its own parameter. */
	for (size_t i = 0; i < sizeof(full_caps);) {
		uint8_t clen = full_caps[i + 1];

		params[n++] = BGP_OPT_PARAM_CAPA;
		params[n++] = (uint8_t)(2 + clen);
		memcpy(params + n, full_caps + i, 2u + clen);
		n += 2u + clen;
		i += 2u + clen;
	}
	len = mk_open(buf, params, n);
	assert_int_equal(bgp_open_decode(buf, len, &split, &e), 0);
	assert_int_equal(split.quirks, BGP_OPEN_Q_CAPA_PARAMS);
	split.quirks = 0;
	check_full_caps(&split);
	len = mk_open_caps(buf, full_caps, sizeof(full_caps));
	assert_int_equal(bgp_open_decode(buf, len, &one, &e), 0);
	assert_open_equal(&one, &split);
}

/* An empty Capabilities parameter carries nothing; it is let pass. */
static void test_decode_empty_capa_param(void **state)
{
	static const uint8_t params[] = { BGP_OPT_PARAM_CAPA, 0 };
	uint8_t buf[64];
	struct bgp_open o;
	struct bgp_err e;
	size_t n = mk_open(buf, params, sizeof(params));

	(void)state;
	assert_int_equal(bgp_open_decode(buf, n, &o, &e), 0);
	assert_int_equal(o.caps.n_mp, 0);
}

/* RFC 9072: Non-Ext OP Len non-zero, first type 255, two-octet lengths. */
static void test_decode_ext_params(void **state)
{
	uint8_t rest[300], buf[512];
	struct bgp_open o;
	struct bgp_err e;
	size_t n = 0, len;

	(void)state;
	rest[n++] = BGP_OPT_PARAM_EXT;
	rest[n++] = 0;
	rest[n++] = (uint8_t)(3 + sizeof(full_caps));
	rest[n++] = BGP_OPT_PARAM_CAPA;
	rest[n++] = 0;
	rest[n++] = sizeof(full_caps);
	memcpy(rest + n, full_caps, sizeof(full_caps));
	n += sizeof(full_caps);
	len = mk_open_raw(buf, 255, rest, n);
	assert_int_equal(bgp_open_decode(buf, len, &o, &e), 0);
	assert_int_equal(o.quirks, BGP_OPEN_Q_EXT_PARAMS);
	o.quirks = 0;
	check_full_caps(&o);
	/* Non-Ext OP Len only signals; its value is not a length (RFC 9072 §2). */
	len = mk_open_raw(buf, 1, rest, n);
	assert_int_equal(bgp_open_decode(buf, len, &o, &e), 0);
	/* Extended length disagreeing with the message. */
	rest[2]++;
	len = mk_open_raw(buf, 255, rest, n);
	assert_open_err(buf, len, BGP_ERR_OPEN, 0);
	rest[2] -= 2;
	len = mk_open_raw(buf, 255, rest, n);
	assert_open_err(buf, len, BGP_ERR_OPEN, 0);
	/* The extended length itself cut off. */
	len = mk_open_raw(buf, 255, rest, 2);
	assert_open_err(buf, len, BGP_ERR_OPEN, 0);
	len = mk_open_raw(buf, 255, rest, 1);
	assert_open_err(buf, len, BGP_ERR_OPEN, 0);
}

/* RFC 4271 §6.2: parameter lengths that disagree with the message. */
static void test_decode_param_lengths(void **state)
{
	static const uint8_t caps[] = { BGP_OPT_PARAM_CAPA, 2, BGP_CAPA_ROUTE_REFRESH, 0 };
	uint8_t buf[64], two[8];
	size_t n;

	(void)state;
	/* Opt Parm Len larger, smaller than what follows. */
	n = mk_open_raw(buf, sizeof(caps) + 1, caps, sizeof(caps));
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
	n = mk_open_raw(buf, sizeof(caps) - 1, caps, sizeof(caps));
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
	n = mk_open_raw(buf, 0, caps, sizeof(caps));
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
	n = mk_open_raw(buf, 4, NULL, 0);
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
	/* Parameter Length overrunning the parameters. */
	memcpy(two, caps, sizeof(caps));
	two[1] = 3;
	n = mk_open(buf, two, sizeof(caps));
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
	/* A lone parameter type without its length. */
	n = mk_open(buf, caps, 1);
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
	/* Capability Length overrunning its parameter. */
	two[1] = 2;
	two[3] = 1;
	n = mk_open(buf, two, sizeof(caps));
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
	/* A capability code without its length. */
	two[1] = 1;
	n = mk_open(buf, two, 3);
	assert_open_err(buf, n, BGP_ERR_OPEN, 0);
}

/* RFC 4271 §6.2: a parameter other than Capabilities. */
static void test_decode_unsupported_param(void **state)
{
	static const uint8_t auth[] = { BGP_OPT_PARAM_AUTH, 1, 0 };
	static const uint8_t after[] = { BGP_OPT_PARAM_CAPA, 2, BGP_CAPA_ROUTE_REFRESH, 0,
	                                 77, 0 };
	uint8_t buf[64];
	size_t n;

	(void)state;
	n = mk_open(buf, auth, sizeof(auth));
	assert_open_err(buf, n, BGP_ERR_OPEN, BGP_ERR_OPEN_OPT);
	n = mk_open(buf, after, sizeof(after));
	assert_open_err(buf, n, BGP_ERR_OPEN, BGP_ERR_OPEN_OPT);
}

/* A known capability whose value has not the length its RFC gives. */
static void test_decode_malformed_caps(void **state)
{
	static const uint8_t mp3[] = { BGP_CAPA_MP, 3, 0, 1, 0 };
	static const uint8_t mp5[] = { BGP_CAPA_MP, 5, 0, 1, 0, 1, 0 };
	static const uint8_t rr1[] = { BGP_CAPA_ROUTE_REFRESH, 1, 0 };
	static const uint8_t rrold1[] = { BGP_CAPA_ROUTE_REFRESH_OLD, 1, 0 };
	static const uint8_t ext1[] = { BGP_CAPA_EXT_MSG, 1, 0 };
	static const uint8_t err1[] = { BGP_CAPA_ENHANCED_RR, 1, 0 };
	static const uint8_t as2[] = { BGP_CAPA_AS4, 2, 0, 1 };
	static const uint8_t as5[] = { BGP_CAPA_AS4, 5, 0, 0, 0, 1, 0 };
	static const uint8_t gr1[] = { BGP_CAPA_GRACEFUL, 1, 0 };
	static const uint8_t gr3[] = { BGP_CAPA_GRACEFUL, 3, 0, 0, 0 };
	static const uint8_t gr7[] = { BGP_CAPA_GRACEFUL, 7, 0, 0, 0, 1, 1, 0, 0 };

	(void)state;
	assert_caps_err(mp3, sizeof(mp3), 0);
	assert_caps_err(mp5, sizeof(mp5), 0);
	assert_caps_err(rr1, sizeof(rr1), 0);
	assert_caps_err(rrold1, sizeof(rrold1), 0);
	assert_caps_err(ext1, sizeof(ext1), 0);
	assert_caps_err(err1, sizeof(err1), 0);
	assert_caps_err(as2, sizeof(as2), 0);
	assert_caps_err(as5, sizeof(as5), 0);
	assert_caps_err(gr1, sizeof(gr1), 0);
	assert_caps_err(gr3, sizeof(gr3), 0);
	assert_caps_err(gr7, sizeof(gr7), 0);
}

static void test_decode_header_errors(void **state)
{
	uint8_t buf[64];
	uint8_t type = BGP_MSG_UPDATE;
	struct bgp_open o;
	struct bgp_err e;
	size_t n = mk_open(buf, NULL, 0);

	(void)state;
	buf[18] = BGP_MSG_UPDATE;
	assert_int_equal(bgp_open_decode(buf, n, &o, &e), -1);
	assert_int_equal(e.code, BGP_ERR_HEADER);
	assert_int_equal(e.subcode, BGP_ERR_HDR_TYPE);
	assert_memory_equal(e.data, &type, 1);
	buf[18] = BGP_MSG_OPEN;
	buf[0] = 0;
	assert_open_err(buf, n, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC);
}

/* RFC 5492 §4: identical repeats are accepted and merged. */
static void test_decode_duplicates(void **state)
{
	static const uint8_t dup[] = {
		BGP_CAPA_MP, 4, 0, 1, 0, 1, BGP_CAPA_MP, 4, 0, 1, 0, 1,
		BGP_CAPA_MP, 4, 0, 1, 0x55, 1,          /* reserved octet ignored */
		BGP_CAPA_AS4, 4, 0, 0, 0xfd, 0xe9, BGP_CAPA_AS4, 4, 0, 0, 0xfd, 0xe9,
		BGP_CAPA_ROUTE_REFRESH, 0, BGP_CAPA_ROUTE_REFRESH, 0,
		BGP_CAPA_EXT_MSG, 0, BGP_CAPA_EXT_MSG, 0,
	};
	struct bgp_open o;

	(void)state;
	assert_int_equal(decode_caps(dup, sizeof(dup), &o), 0);
	assert_int_equal(o.caps.n_mp, 1);
	assert_true(o.caps.as4);
	assert_int_equal(o.caps.as4_number, 65001);
	assert_true(o.caps.route_refresh);
	assert_true(o.caps.ext_msg);
	assert_int_equal(o.quirks, 0);
}

/* RFC 6793 says nothing of two different AS4 values: first kept, flagged. */
static void test_decode_as4_conflict(void **state)
{
	static const uint8_t caps[] = {
		BGP_CAPA_AS4, 4, 0, 0, 0xfd, 0xe9, BGP_CAPA_AS4, 4, 0, 0, 0xfd, 0xea,
	};
	struct bgp_open o;

	(void)state;
	assert_int_equal(decode_caps(caps, sizeof(caps), &o), 0);
	assert_int_equal(o.caps.as4_number, 65001);
	assert_int_equal(o.quirks, BGP_OPEN_Q_AS4_CONFLICT);
}

/* RFC 4724 §3: of several GR capabilities only the last counts. */
static void test_decode_gr_last_wins(void **state)
{
	static const uint8_t caps[] = {
		BGP_CAPA_GRACEFUL, 6, 0x00, 0x10, 0, 1, 1, 0x80,
		BGP_CAPA_GRACEFUL, 2, 0x80, 0x20,
	};
	struct bgp_open o;

	(void)state;
	assert_int_equal(decode_caps(caps, sizeof(caps), &o), 0);
	assert_true(o.caps.graceful_restart);
	assert_int_equal(o.caps.gr_flags_time, 0x8020);
	assert_int_equal(o.caps.n_gr, 0);
	assert_int_equal(o.quirks, BGP_OPEN_Q_GR_REPEATED);
}

/* The pre-RFC 2918 code 128 means route refresh too. */
static void test_decode_old_route_refresh(void **state)
{
	static const uint8_t old[] = { BGP_CAPA_ROUTE_REFRESH_OLD, 0 };
	static const uint8_t both[] = { BGP_CAPA_ROUTE_REFRESH_OLD, 0, BGP_CAPA_ROUTE_REFRESH, 0 };
	struct bgp_open o;

	(void)state;
	assert_int_equal(decode_caps(old, sizeof(old), &o), 0);
	assert_true(o.caps.route_refresh);
	assert_int_equal(o.caps.n_unknown, 0);
	assert_int_equal(o.quirks, BGP_OPEN_Q_OLD_RR);
	assert_int_equal(decode_caps(both, sizeof(both), &o), 0);
	assert_true(o.caps.route_refresh);
	assert_int_equal(o.quirks, 0);
}

/* More than the struct holds: kept up to the limit, flagged, never an error. */
static void test_decode_overflow(void **state)
{
	uint8_t caps[255];
	struct bgp_open o;
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i < BGP_MAX_AFISAFI + 2; i++) {
		uint8_t one[] = { BGP_CAPA_MP, 4, 0, 1, 0, (uint8_t)(i + 1) };

		memcpy(caps + n, one, sizeof(one));
		n += sizeof(one);
	}
	assert_int_equal(decode_caps(caps, n, &o), 0);
	assert_int_equal(o.caps.n_mp, BGP_MAX_AFISAFI);
	assert_int_equal(o.caps.mp[BGP_MAX_AFISAFI - 1].safi, BGP_MAX_AFISAFI);
	assert_int_equal(o.quirks, BGP_OPEN_Q_MP_OVERFLOW);

	n = 0;
	for (unsigned i = 0; i < BGP_MAX_UNKNOWN_CAPA + 3; i++) {
		caps[n++] = (uint8_t)(200 + i);
		caps[n++] = 1;
		caps[n++] = (uint8_t)i;
	}
	assert_int_equal(decode_caps(caps, n, &o), 0);
	assert_int_equal(o.caps.n_unknown, BGP_MAX_UNKNOWN_CAPA);
	assert_int_equal(o.caps.unknown[3].code, 203);
	assert_int_equal(o.caps.unknown[3].data[0], 3);
	assert_int_equal(o.quirks, BGP_OPEN_Q_UNKNOWN_OVERFLOW);

	n = 0;
	caps[n++] = BGP_CAPA_GRACEFUL;
	caps[n++] = (uint8_t)(2 + 4 * (BGP_MAX_AFISAFI + 1));
	caps[n++] = 0;
	caps[n++] = 90;
	for (unsigned i = 0; i < BGP_MAX_AFISAFI + 1; i++) {
		caps[n++] = 0;
		caps[n++] = 1;
		caps[n++] = (uint8_t)(i + 1);
		caps[n++] = 0;
	}
	assert_int_equal(decode_caps(caps, n, &o), 0);
	assert_int_equal(o.caps.n_gr, BGP_MAX_AFISAFI);
	assert_int_equal(o.caps.gr_flags_time, 90);
	assert_int_equal(o.quirks, BGP_OPEN_Q_GR_OVERFLOW);
}

/* Every strict prefix of a valid OPEN is refused and read within bounds: as
 * delivered (header longer than the bytes) and with a header made to agree. */
static void test_decode_truncation(void **state)
{
	uint8_t full[512];
	size_t len = mk_open_caps(full, full_caps, sizeof(full_caps));
	struct bgp_open o;
	struct bgp_err e;

	(void)state;
	for (size_t n = 0; n < len; n++) {
		uint8_t *p = malloc(n ? n : 1);

		assert_non_null(p);
		memcpy(p, full, n);
		assert_int_equal(bgp_open_decode(p, n, &o, &e), -1);
		assert_int_not_equal(e.code, 0);
		if (n >= BGP_HEADER_LEN) {
			p[16] = (uint8_t)(n >> 8);
			p[17] = (uint8_t)n;
			assert_int_equal(bgp_open_decode(p, n, &o, &e), -1);
			if (n < BGP_OPEN_MIN_LEN) {
				assert_int_equal(e.code, BGP_ERR_HEADER);
				assert_int_equal(e.subcode, BGP_ERR_HDR_LEN);
			} else {
				assert_int_equal(e.code, BGP_ERR_OPEN);
				assert_int_equal(e.subcode, 0);
			}
		}
		free(p);
	}
}

/* Any single-octet change of a valid OPEN decodes or fails cleanly. */
static void test_decode_mutations(void **state)
{
	uint8_t full[512];
	size_t len = mk_open_caps(full, full_caps, sizeof(full_caps));
	struct bgp_open o;
	struct bgp_err e;

	(void)state;
	for (size_t i = BGP_MARKER_LEN; i < len; i++) {
		for (unsigned v = 0; v < 256; v += 17) {
			uint8_t *p = malloc(len);

			assert_non_null(p);
			memcpy(p, full, len);
			p[i] = (uint8_t)v;
			if (bgp_open_decode(p, len, &o, &e) < 0)
				assert_int_not_equal(e.code, 0);
			free(p);
		}
	}
}

/* ---- encoding ---- */

static void full_open(struct bgp_open *o)
{
	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->my_as = MY_AS;
	o->hold_time = HOLD;
	o->bgp_id = ID;
	o->caps.n_mp = 2;
	o->caps.mp[0] = (struct bgp_afisafi){ BGP_AFI_IPV4, BGP_SAFI_UNICAST };
	o->caps.mp[1] = (struct bgp_afisafi){ BGP_AFI_IPV6, BGP_SAFI_UNICAST };
	o->caps.route_refresh = true;
	o->caps.ext_msg = true;
	o->caps.graceful_restart = true;
	o->caps.gr_flags_time = BGP_GR_FLAG_RESTART | 120;
	o->caps.n_gr = 2;
	o->caps.gr[0].af = o->caps.mp[0];
	o->caps.gr[0].flags = BGP_GR_AF_FORWARDING;
	o->caps.gr[1].af = o->caps.mp[1];
	o->caps.as4 = true;
	o->caps.as4_number = 200000;
	o->caps.enhanced_rr = true;
	o->caps.n_unknown = 2;
	o->caps.unknown[0].code = BGP_CAPA_LLGR;
	o->caps.unknown[1].code = BGP_CAPA_FQDN;
	o->caps.unknown[1].len = 3;
	memcpy(o->caps.unknown[1].data, "a\0\0", 3);
}

/* Encoding gives exactly the hand-built bytes, and back. */
static void test_encode_exact(void **state)
{
	uint8_t want[512], buf[512];
	size_t wlen = mk_open_caps(want, full_caps, sizeof(full_caps));
	struct bgp_open in, out;
	struct bgp_err e;
	int n;

	(void)state;
	full_open(&in);
	n = bgp_open_encode(&in, buf, sizeof(buf));
	assert_int_equal(n, (int)wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(bgp_open_decode(buf, (size_t)n, &out, &e), 0);
	assert_open_equal(&in, &out);
	/* Not enough room, at every size. */
	for (size_t cap = 0; cap < wlen; cap++)
		assert_int_equal(bgp_open_encode(&in, buf, cap), -1);
}

static void test_encode_no_caps(void **state)
{
	uint8_t want[64], buf[64];
	size_t wlen = mk_open(want, NULL, 0);
	struct bgp_open in, out;
	struct bgp_err e;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.version = BGP_VERSION;
	in.my_as = MY_AS;
	in.hold_time = HOLD;
	in.bgp_id = ID;
	assert_int_equal(bgp_open_encode(&in, buf, sizeof(buf)), (int)wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(bgp_open_decode(buf, wlen, &out, &e), 0);
	assert_open_equal(&in, &out);
}

/* Capabilities over 253 octets: RFC 9072 format, and back. */
static void test_encode_extended(void **state)
{
	static uint8_t buf[BGP_MAX_LEN];
	struct bgp_open in, out;
	struct bgp_err e;
	int n;

	(void)state;
	full_open(&in);
	in.caps.n_unknown = BGP_MAX_UNKNOWN_CAPA;
	for (unsigned i = 2; i < BGP_MAX_UNKNOWN_CAPA; i++) {
		in.caps.unknown[i].code = (uint8_t)(200 + i);
		in.caps.unknown[i].len = 200;
		memset(in.caps.unknown[i].data, (int)i, 200);
	}
	n = bgp_open_encode(&in, buf, sizeof(buf));
	assert_true(n > 255 + BGP_OPEN_MIN_LEN);
	assert_int_equal(buf[28], BGP_OPT_PARAM_MAX);   /* Non-Ext OP Len */
	assert_int_equal(buf[29], BGP_OPT_PARAM_EXT);   /* Non-Ext OP Type */
	assert_int_equal(buf[30] << 8 | buf[31], n - 32);
	assert_int_equal(bgp_open_decode(buf, (size_t)n, &out, &e), 0);
	assert_int_equal(out.quirks, BGP_OPEN_Q_EXT_PARAMS);
	out.quirks = 0;
	assert_open_equal(&in, &out);
}

/* An OPEN that cannot be within 4096 octets (RFC 8654 §4) is not encoded. */
static void test_encode_too_long(void **state)
{
	static uint8_t buf[2 * BGP_MAX_LEN];
	struct bgp_open in;

	(void)state;
	full_open(&in);
	in.caps.n_unknown = BGP_MAX_UNKNOWN_CAPA;
	for (unsigned i = 0; i < BGP_MAX_UNKNOWN_CAPA; i++) {
		in.caps.unknown[i].code = (uint8_t)(200 + i);
		in.caps.unknown[i].len = 255;
	}
	assert_int_equal(bgp_open_encode(&in, buf, sizeof(buf)), -1);
	in.caps.n_mp = BGP_MAX_AFISAFI + 1;
	assert_int_equal(bgp_open_encode(&in, buf, sizeof(buf)), -1);
}

/* Decode → encode gives the same bytes for a canonical OPEN. */
static void test_decode_encode_bytes(void **state)
{
	static const uint8_t caps[] = {
		BGP_CAPA_MP, 4, 0, 1, 0, 1, BGP_CAPA_ROUTE_REFRESH, 0,
		BGP_CAPA_AS4, 4, 0, 0, 0xfd, 0xe9, 99, 2, 1, 2,
	};
	uint8_t in[128], out[128];
	size_t n = mk_open_caps(in, caps, sizeof(caps));
	struct bgp_open o;
	struct bgp_err e;

	(void)state;
	assert_int_equal(bgp_open_decode(in, n, &o, &e), 0);
	assert_int_equal(bgp_open_encode(&o, out, sizeof(out)), (int)n);
	assert_memory_equal(in, out, n);
}

static void test_set_as(void **state)
{
	struct bgp_open o;

	(void)state;
	memset(&o, 0, sizeof(o));
	bgp_open_set_as(&o, 65001);
	assert_int_equal(o.my_as, 65001);
	assert_true(o.caps.as4);
	assert_int_equal(o.caps.as4_number, 65001);
	bgp_open_set_as(&o, 4200000000u);
	assert_int_equal(o.my_as, BGP_AS_TRANS);
	assert_int_equal(o.caps.as4_number, 4200000000u);
	assert_int_equal(bgp_open_peer_as(&o), 4200000000u);
}

static void test_names(void **state)
{
	(void)state;
	for (uint32_t q = 1; q <= BGP_OPEN_Q_CAPA_PARAMS; q <<= 1)
		assert_non_null(bgp_open_quirk_name(q));
	assert_null(bgp_open_quirk_name(0));
	assert_null(bgp_open_quirk_name(BGP_OPEN_Q_CAPA_PARAMS << 1));
	assert_string_equal(bgp_capa_name(BGP_CAPA_AS4), "as4");
	assert_string_equal(bgp_capa_name(BGP_CAPA_MP), "multiprotocol");
	assert_null(bgp_capa_name(250));
}

/* ---- validation ---- */

static void good_open(struct bgp_open *o)
{
	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	bgp_open_set_as(o, 65002);
	o->hold_time = HOLD;
	o->bgp_id = 0x0a000002;
	o->caps.n_mp = 2;
	o->caps.mp[0] = (struct bgp_afisafi){ BGP_AFI_IPV4, BGP_SAFI_UNICAST };
	o->caps.mp[1] = (struct bgp_afisafi){ BGP_AFI_IPV6, BGP_SAFI_UNICAST };
	o->caps.route_refresh = true;
}

static void good_policy(struct bgp_open_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->peer_as = 65002;
	p->local_as = 65001;
	p->local_id = ID;
	p->min_hold_time = 3;
	p->n_families = 1;
	p->families[0] = (struct bgp_afisafi){ BGP_AFI_IPV4, BGP_SAFI_UNICAST };
}

static void assert_invalid(const struct bgp_open *o, const struct bgp_open_policy *p,
                           uint8_t sub, const uint8_t *data, size_t len)
{
	struct bgp_err e;

	assert_int_equal(bgp_open_validate(o, p, &e), -1);
	assert_int_equal(e.code, BGP_ERR_OPEN);
	assert_int_equal(e.subcode, sub);
	assert_int_equal(e.data_len, len);
	if (len)
		assert_memory_equal(e.data, data, len);
}

static void assert_valid(const struct bgp_open *o, const struct bgp_open_policy *p)
{
	struct bgp_err e;

	assert_int_equal(bgp_open_validate(o, p, &e), 0);
	assert_int_equal(e.code, 0);
}

static void test_validate_ok(void **state)
{
	struct bgp_open o;
	struct bgp_open_policy p;

	(void)state;
	good_open(&o);
	good_policy(&p);
	assert_valid(&o, &p);
	p.peer_as = 0;                  /* any AS */
	assert_valid(&o, &p);
}

/* RFC 4271 §6.2: data is the 2-octet version we support. */
static void test_validate_version(void **state)
{
	static const uint8_t four[2] = { 0, 4 };
	struct bgp_open o;
	struct bgp_open_policy p;

	(void)state;
	good_policy(&p);
	for (unsigned v = 0; v < 256; v++) {
		good_open(&o);
		o.version = (uint8_t)v;
		if (v == BGP_VERSION)
			assert_valid(&o, &p);
		else
			assert_invalid(&o, &p, BGP_ERR_OPEN_VERSION, four, 2);
	}
}

static void test_validate_peer_as(void **state)
{
	struct bgp_open o;
	struct bgp_open_policy p;

	(void)state;
	good_policy(&p);
	/* Not the AS configured. */
	good_open(&o);
	bgp_open_set_as(&o, 65003);
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	/* Two-octet speaker (no AS4): My AS counts. */
	good_open(&o);
	o.caps.as4 = false;
	assert_valid(&o, &p);
	o.my_as = 65003;
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	/* RFC 6793: AS_TRANS without the capability names no real AS. */
	p.peer_as = 0;
	o.my_as = BGP_AS_TRANS;
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	/* RFC 7607: AS 0. */
	o.my_as = 0;
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	good_open(&o);
	bgp_open_set_as(&o, 0);
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	/* RFC 6793 §4.1: a four-octet AS in the capability, AS_TRANS in My AS. */
	p.peer_as = 4200000000u;
	good_open(&o);
	bgp_open_set_as(&o, 4200000000u);
	assert_valid(&o, &p);
	/* ... the capability governs even if My AS is not AS_TRANS (tolerated). */
	o.my_as = 65002;
	assert_valid(&o, &p);
	/* AS4 = AS_TRANS is no AS. */
	p.peer_as = 0;
	good_open(&o);
	o.caps.as4_number = BGP_AS_TRANS;
	o.my_as = BGP_AS_TRANS;
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	/* A mappable AS4 must equal My AS (RFC 6793 §3). */
	good_open(&o);
	o.my_as = BGP_AS_TRANS;
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	o.my_as = 65009;
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
	/* Two AS4 capabilities disagreeing: refused. */
	good_open(&o);
	o.quirks = BGP_OPEN_Q_AS4_CONFLICT;
	assert_invalid(&o, &p, BGP_ERR_OPEN_AS, NULL, 0);
}

/* RFC 6286 §2.2. */
static void test_validate_bgp_id(void **state)
{
	struct bgp_open o;
	struct bgp_open_policy p;

	(void)state;
	good_policy(&p);
	good_open(&o);
	o.bgp_id = 0;
	assert_invalid(&o, &p, BGP_ERR_OPEN_BGPID, NULL, 0);
	/* Ours, from an external peer: allowed. */
	o.bgp_id = ID;
	assert_valid(&o, &p);
	/* Ours, from an internal peer: refused — by flag or by AS. */
	p.ibgp = true;
	assert_invalid(&o, &p, BGP_ERR_OPEN_BGPID, NULL, 0);
	p.ibgp = false;
	p.peer_as = 65001;
	bgp_open_set_as(&o, 65001);
	assert_invalid(&o, &p, BGP_ERR_OPEN_BGPID, NULL, 0);
	o.bgp_id = 0x0a000003;
	assert_valid(&o, &p);
}

/* RFC 4271 §6.2: 1 and 2 refused; 0 accepted; a configured minimum. */
static void test_validate_hold(void **state)
{
	struct bgp_open o;
	struct bgp_open_policy p;

	(void)state;
	good_policy(&p);
	good_open(&o);
	p.min_hold_time = 0;
	for (unsigned h = 0; h < 10; h++) {
		o.hold_time = (uint16_t)h;
		if (h == 1 || h == 2)
			assert_invalid(&o, &p, BGP_ERR_OPEN_HOLD, NULL, 0);
		else
			assert_valid(&o, &p);
	}
	p.min_hold_time = 30;
	o.hold_time = 29;
	assert_invalid(&o, &p, BGP_ERR_OPEN_HOLD, NULL, 0);
	o.hold_time = 30;
	assert_valid(&o, &p);
	o.hold_time = 0;
	assert_valid(&o, &p);
	o.hold_time = 65535;
	assert_valid(&o, &p);
}

/* RFC 5492 §5: data lists the missing capabilities as encoded in an OPEN. */
static void test_validate_caps(void **state)
{
	static const uint8_t missing_v6[] = { BGP_CAPA_MP, 4, 0, 2, 0, 1 };
	static const uint8_t missing_all[] = {
		BGP_CAPA_MP, 4, 0, 2, 0, 1,
		BGP_CAPA_MP, 4, 0, 1, 0, 2,
		BGP_CAPA_AS4, 4, 0x00, 0x03, 0x0d, 0x40,
		BGP_CAPA_ROUTE_REFRESH, 0,
		BGP_CAPA_ENHANCED_RR, 0,
		BGP_CAPA_EXT_MSG, 0,
	};
	static const uint8_t missing_as4[] = { BGP_CAPA_AS4, 4, 0, 0, 0xfd, 0xe9 };
	struct bgp_open o;
	struct bgp_open_policy p;

	(void)state;
	good_policy(&p);
	good_open(&o);
	p.n_families = 2;
	p.families[1] = (struct bgp_afisafi){ BGP_AFI_IPV6, BGP_SAFI_UNICAST };
	assert_valid(&o, &p);
	o.caps.n_mp = 1;
	assert_invalid(&o, &p, BGP_ERR_OPEN_CAPA, missing_v6, sizeof(missing_v6));
	/* Everything missing, with a four-octet local AS: AS4 is required. */
	memset(&o.caps, 0, sizeof(o.caps));
	o.caps.n_mp = 1;
	o.caps.mp[0] = (struct bgp_afisafi){ BGP_AFI_IPV4, BGP_SAFI_UNICAST };
	o.my_as = 65002;
	p.n_families = 3;
	p.families[2] = (struct bgp_afisafi){ BGP_AFI_IPV4, 2 };
	p.local_as = 200000;
	p.require_route_refresh = true;
	p.require_enhanced_rr = true;
	p.require_ext_msg = true;
	assert_invalid(&o, &p, BGP_ERR_OPEN_CAPA, missing_all, sizeof(missing_all));
	/* require_as4 with a two-octet local AS. */
	good_policy(&p);
	p.require_as4 = true;
	good_open(&o);
	o.caps.as4 = false;
	assert_invalid(&o, &p, BGP_ERR_OPEN_CAPA, missing_as4, sizeof(missing_as4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_full),
		cmocka_unit_test(test_decode_no_params),
		cmocka_unit_test(test_decode_split_params),
		cmocka_unit_test(test_decode_empty_capa_param),
		cmocka_unit_test(test_decode_ext_params),
		cmocka_unit_test(test_decode_param_lengths),
		cmocka_unit_test(test_decode_unsupported_param),
		cmocka_unit_test(test_decode_malformed_caps),
		cmocka_unit_test(test_decode_header_errors),
		cmocka_unit_test(test_decode_duplicates),
		cmocka_unit_test(test_decode_as4_conflict),
		cmocka_unit_test(test_decode_gr_last_wins),
		cmocka_unit_test(test_decode_old_route_refresh),
		cmocka_unit_test(test_decode_overflow),
		cmocka_unit_test(test_decode_truncation),
		cmocka_unit_test(test_decode_mutations),
		cmocka_unit_test(test_encode_exact),
		cmocka_unit_test(test_encode_no_caps),
		cmocka_unit_test(test_encode_extended),
		cmocka_unit_test(test_encode_too_long),
		cmocka_unit_test(test_decode_encode_bytes),
		cmocka_unit_test(test_set_as),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_version),
		cmocka_unit_test(test_validate_peer_as),
		cmocka_unit_test(test_validate_bgp_id),
		cmocka_unit_test(test_validate_hold),
		cmocka_unit_test(test_validate_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
