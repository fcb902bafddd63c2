/*
 * tests/unit/test_bgp_msg.c — message framing (RFC 4271 §4.1, §6.1; RFC 8654 §4),
 * KEEPALIVE, ROUTE-REFRESH (RFC 2918, RFC 7313) and the name tables.
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

/* A message of the given type with the given length field and zero body. */
static size_t mk_msg(uint8_t *buf, uint16_t len_field, uint8_t type, size_t body_len)
{
	memset(buf, 0xff, BGP_MARKER_LEN);
	buf[16] = (uint8_t)(len_field >> 8);
	buf[17] = (uint8_t)len_field;
	buf[18] = type;
	memset(buf + BGP_HEADER_LEN, 0, body_len);
	return BGP_HEADER_LEN + body_len;
}

static void assert_err(const struct bgp_err *e, uint8_t code, uint8_t sub,
                       const uint8_t *data, size_t len)
{
	assert_int_equal(e->code, code);
	assert_int_equal(e->subcode, sub);
	assert_int_equal(e->data_len, len);
	if (len)
		assert_memory_equal(e->data, data, len);
}

static void assert_bad_length(uint16_t len, uint8_t type, size_t max_len)
{
	static uint8_t buf[BGP_EXT_MAX_LEN];
	struct bgp_frame f;
	struct bgp_err e;
	uint8_t d[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	mk_msg(buf, len, type, 0);
	assert_int_equal(bgp_frame_check(buf, sizeof(buf), max_len, &f, &e), BGP_FRAME_ERROR);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, d, 2);
}

static void assert_frames(uint16_t len, uint8_t type, size_t max_len)
{
	static uint8_t buf[BGP_EXT_MAX_LEN];
	struct bgp_frame f;
	struct bgp_err e;

	mk_msg(buf, len, type, len - BGP_HEADER_LEN);
	assert_int_equal(bgp_frame_check(buf, len, max_len, &f, &e), BGP_FRAME_OK);
	assert_int_equal(f.len, len);
	assert_int_equal(f.type, type);
	/* One byte short: not an error, just not there yet. */
	assert_int_equal(bgp_frame_check(buf, len - 1u, max_len, &f, &e), BGP_FRAME_NEED_MORE);
}

static void test_frame_need_more(void **state)
{
	uint8_t buf[64];
	struct bgp_frame f;
	struct bgp_err e;

	(void)state;
	mk_msg(buf, BGP_KEEPALIVE_LEN, BGP_MSG_KEEPALIVE, 0);
	for (size_t n = 0; n < BGP_HEADER_LEN; n++)
		assert_int_equal(bgp_frame_check(buf, n, BGP_MAX_LEN, &f, &e), BGP_FRAME_NEED_MORE);
	assert_int_equal(bgp_frame_check(buf, BGP_HEADER_LEN, BGP_MAX_LEN, &f, &e), BGP_FRAME_OK);
	assert_int_equal(f.len, BGP_KEEPALIVE_LEN);
	assert_int_equal(f.type, BGP_MSG_KEEPALIVE);
}

static void test_frame_first_of_several(void **state)
{
	uint8_t buf[64];
	struct bgp_frame f;
	struct bgp_err e;
	size_t n;

	(void)state;
	n = mk_msg(buf, BGP_KEEPALIVE_LEN, BGP_MSG_KEEPALIVE, 0);
	n += mk_msg(buf + n, 23, BGP_MSG_UPDATE, 4);
	assert_int_equal(bgp_frame_check(buf, n, BGP_MAX_LEN, &f, &e), BGP_FRAME_OK);
	assert_int_equal(f.len, BGP_KEEPALIVE_LEN);
	assert_int_equal(bgp_frame_check(buf + f.len, n - f.len, BGP_MAX_LEN, &f, &e), BGP_FRAME_OK);
	assert_int_equal(f.len, 23);
	assert_int_equal(f.type, BGP_MSG_UPDATE);
}

/* RFC 4271 §6.1: a marker not all ones is Connection Not Synchronized, reported
 * as soon as the bad octet has arrived. */
static void test_frame_marker(void **state)
{
	uint8_t buf[64];
	struct bgp_frame f;
	struct bgp_err e;

	(void)state;
	for (size_t i = 0; i < BGP_MARKER_LEN; i++) {
		mk_msg(buf, BGP_KEEPALIVE_LEN, BGP_MSG_KEEPALIVE, 0);
		buf[i] = 0xfe;
		assert_int_equal(bgp_frame_check(buf, i + 1, BGP_MAX_LEN, &f, &e), BGP_FRAME_ERROR);
		assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0);
		assert_int_equal(bgp_frame_check(buf, BGP_HEADER_LEN, BGP_MAX_LEN, &f, &e),
		                 BGP_FRAME_ERROR);
		assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0);
		if (i > 0) /* before the bad octet arrives, nothing is wrong yet */
			assert_int_equal(bgp_frame_check(buf, i, BGP_MAX_LEN, &f, &e),
			                 BGP_FRAME_NEED_MORE);
	}
}

/* RFC 4271 §6.1 Bad Message Length, with the Length field as data. */
static void test_frame_lengths(void **state)
{
	(void)state;
	/* Outside 19..max whatever the type. */
	assert_bad_length(0, BGP_MSG_UPDATE, BGP_MAX_LEN);
	assert_bad_length(18, BGP_MSG_KEEPALIVE, BGP_MAX_LEN);
	assert_bad_length(BGP_MAX_LEN + 1, BGP_MSG_UPDATE, BGP_MAX_LEN);
	assert_bad_length(0xffff, BGP_MSG_UPDATE, BGP_MAX_LEN);
	/* Per-type minima. */
	assert_bad_length(BGP_OPEN_MIN_LEN - 1, BGP_MSG_OPEN, BGP_MAX_LEN);
	assert_bad_length(BGP_UPDATE_MIN_LEN - 1, BGP_MSG_UPDATE, BGP_MAX_LEN);
	assert_bad_length(BGP_NOTIF_MIN_LEN - 1, BGP_MSG_NOTIFICATION, BGP_MAX_LEN);
	assert_bad_length(BGP_KEEPALIVE_LEN + 1, BGP_MSG_KEEPALIVE, BGP_MAX_LEN);
	assert_bad_length(BGP_MAX_LEN, BGP_MSG_KEEPALIVE, BGP_EXT_MAX_LEN);
	/* RFC 8654 §4: OPEN and KEEPALIVE stay within 4096 even when extended. */
	assert_bad_length(BGP_MAX_LEN + 1, BGP_MSG_OPEN, BGP_EXT_MAX_LEN);
	/* Accepted at the bounds. */
	assert_frames(BGP_OPEN_MIN_LEN, BGP_MSG_OPEN, BGP_MAX_LEN);
	assert_frames(BGP_MAX_LEN, BGP_MSG_OPEN, BGP_EXT_MAX_LEN);
	assert_frames(BGP_UPDATE_MIN_LEN, BGP_MSG_UPDATE, BGP_MAX_LEN);
	assert_frames(BGP_MAX_LEN, BGP_MSG_UPDATE, BGP_MAX_LEN);
	assert_frames(BGP_NOTIF_MIN_LEN, BGP_MSG_NOTIFICATION, BGP_MAX_LEN);
	assert_frames(BGP_RREFRESH_LEN, BGP_MSG_ROUTE_REFRESH, BGP_MAX_LEN);
	/* RFC 8654: extended UPDATE / NOTIFICATION / ROUTE-REFRESH. */
	assert_frames(BGP_EXT_MAX_LEN, BGP_MSG_UPDATE, BGP_EXT_MAX_LEN);
	assert_frames(5000, BGP_MSG_NOTIFICATION, BGP_EXT_MAX_LEN);
	assert_bad_length(5000, BGP_MSG_NOTIFICATION, BGP_MAX_LEN);
	/* ROUTE-REFRESH length errors are RFC 7313's, given by its decoder. */
	assert_frames(BGP_HEADER_LEN, BGP_MSG_ROUTE_REFRESH, BGP_MAX_LEN);
	assert_frames(24, BGP_MSG_ROUTE_REFRESH, BGP_MAX_LEN);
}

/* RFC 4271 §6.1 Bad Message Type, with the Type field as data. */
static void test_frame_type(void **state)
{
	static const uint8_t bad[] = { 0, 6, 7, 128, 255 };
	uint8_t buf[64];
	struct bgp_frame f;
	struct bgp_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad); i++) {
		mk_msg(buf, BGP_HEADER_LEN + 4, bad[i], 4);
		assert_int_equal(bgp_frame_check(buf, 19, BGP_MAX_LEN, &f, &e), BGP_FRAME_ERROR);
		assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &bad[i], 1);
	}
}

static void test_msg_body(void **state)
{
	uint8_t buf[64];
	struct bgp_rd body;
	struct bgp_err e;
	uint8_t len23[2] = { 0, 23 }, type4 = BGP_MSG_KEEPALIVE;
	size_t n;

	(void)state;
	n = mk_msg(buf, 23, BGP_MSG_UPDATE, 4);
	assert_int_equal(bgp_msg_body(buf, n, BGP_MSG_UPDATE, &body, &e), 0);
	assert_ptr_equal(bgp_rd_ptr(&body), buf + BGP_HEADER_LEN);
	assert_int_equal(bgp_rd_left(&body), 4);
	/* Fewer bytes than the header says. */
	assert_int_equal(bgp_msg_body(buf, n - 1, BGP_MSG_UPDATE, &body, &e), -1);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, len23, 2);
	/* Trailing bytes: RFC 4271 §4.1 allows no padding. */
	assert_int_equal(bgp_msg_body(buf, n + 1, BGP_MSG_UPDATE, &body, &e), -1);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, len23, 2);
	/* Not the expected type. */
	n = mk_msg(buf, 19, BGP_MSG_KEEPALIVE, 0);
	assert_int_equal(bgp_msg_body(buf, n, BGP_MSG_UPDATE, &body, &e), -1);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &type4, 1);
	/* Less than a header. */
	assert_int_equal(bgp_msg_body(buf, 10, BGP_MSG_KEEPALIVE, &body, &e), -1);
	assert_int_equal(e.subcode, BGP_ERR_HDR_LEN);
}

static void test_keepalive_encode(void **state)
{
	uint8_t buf[BGP_KEEPALIVE_LEN + 4], want[BGP_KEEPALIVE_LEN];
	struct bgp_frame f;
	struct bgp_err e;

	(void)state;
	mk_msg(want, BGP_KEEPALIVE_LEN, BGP_MSG_KEEPALIVE, 0);
	assert_int_equal(bgp_keepalive_encode(buf, sizeof(buf)), BGP_KEEPALIVE_LEN);
	assert_memory_equal(buf, want, BGP_KEEPALIVE_LEN);
	assert_int_equal(bgp_frame_check(buf, BGP_KEEPALIVE_LEN, BGP_MAX_LEN, &f, &e), BGP_FRAME_OK);
	assert_int_equal(bgp_keepalive_encode(buf, BGP_KEEPALIVE_LEN - 1), -1);
	assert_int_equal(bgp_keepalive_encode(buf, 0), -1);
}

static void test_msg_begin_end(void **state)
{
	uint8_t buf[64];
	struct bgp_wr w = bgp_wr_init(buf, sizeof(buf));
	size_t start;

	(void)state;
	bgp_wr_u8(&w, 0xaa);            /* messages can follow others in one buffer */
	start = bgp_msg_begin(&w, BGP_MSG_UPDATE);
	assert_int_equal(start, 1);
	bgp_wr_u32(&w, 0);
	assert_int_equal(bgp_msg_end(&w, start, BGP_MAX_LEN), 23);
	assert_int_equal(buf[1 + 16], 0);
	assert_int_equal(buf[1 + 17], 23);
	assert_int_equal(buf[1 + 18], BGP_MSG_UPDATE);
	/* Above the limit given. */
	w = bgp_wr_init(buf, sizeof(buf));
	start = bgp_msg_begin(&w, BGP_MSG_UPDATE);
	bgp_wr_u32(&w, 0);
	assert_int_equal(bgp_msg_end(&w, start, 22), -1);
	/* Overflow of the buffer. */
	w = bgp_wr_init(buf, 20);
	start = bgp_msg_begin(&w, BGP_MSG_UPDATE);
	bgp_wr_u32(&w, 0);
	assert_int_equal(bgp_msg_end(&w, start, BGP_MAX_LEN), -1);
}

static void test_err_set(void **state)
{
	static uint8_t big[BGP_ERR_DATA_MAX + 100];
	struct bgp_err e;

	(void)state;
	memset(big, 0x5a, sizeof(big));
	memset(&e, 0x77, sizeof(e));
	bgp_err_set(&e, BGP_ERR_CEASE, BGP_CEASE_PEER_DECONF, NULL, 0);
	assert_err(&e, BGP_ERR_CEASE, BGP_CEASE_PEER_DECONF, NULL, 0);
	assert_int_equal(e.data[0], 0);
	bgp_err_set(&e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, big, sizeof(big));
	assert_int_equal(e.data_len, BGP_ERR_DATA_MAX);
	assert_memory_equal(e.data, big, BGP_ERR_DATA_MAX);
}

/* ---- ROUTE-REFRESH ---- */

static size_t mk_rr(uint8_t *buf, uint16_t afi, uint8_t sub, uint8_t safi)
{
	mk_msg(buf, BGP_RREFRESH_LEN, BGP_MSG_ROUTE_REFRESH, 4);
	buf[19] = (uint8_t)(afi >> 8);
	buf[20] = (uint8_t)afi;
	buf[21] = sub;
	buf[22] = safi;
	return BGP_RREFRESH_LEN;
}

static void test_rr_decode(void **state)
{
	uint8_t buf[64];
	struct bgp_route_refresh rr;
	struct bgp_err e;
	size_t n;

	(void)state;
	n = mk_rr(buf, BGP_AFI_IPV6, BGP_RR_NORMAL, BGP_SAFI_UNICAST);
	assert_int_equal(bgp_route_refresh_decode(buf, n, &rr, &e), 0);
	assert_int_equal(rr.afi, BGP_AFI_IPV6);
	assert_int_equal(rr.subtype, BGP_RR_NORMAL);
	assert_int_equal(rr.safi, BGP_SAFI_UNICAST);
	n = mk_rr(buf, BGP_AFI_IPV4, BGP_RR_BORR, 128);
	assert_int_equal(bgp_route_refresh_decode(buf, n, &rr, &e), 0);
	assert_int_equal(rr.afi, BGP_AFI_IPV4);
	assert_int_equal(rr.subtype, BGP_RR_BORR);
	assert_int_equal(rr.safi, 128);
	n = mk_rr(buf, BGP_AFI_IPV4, BGP_RR_EORR, 1);
	assert_int_equal(bgp_route_refresh_decode(buf, n, &rr, &e), 0);
	assert_int_equal(rr.subtype, BGP_RR_EORR);
	/* RFC 7313 §5: other subtypes are ignored, not errors. */
	n = mk_rr(buf, BGP_AFI_IPV4, 3, 1);
	assert_int_equal(bgp_route_refresh_decode(buf, n, &rr, &e), BGP_RR_IGNORE);
	assert_int_equal(rr.subtype, 3);
	n = mk_rr(buf, BGP_AFI_IPV4, 255, 1);
	assert_int_equal(bgp_route_refresh_decode(buf, n, &rr, &e), BGP_RR_IGNORE);
}

/* RFC 7313 §5: wrong length → ROUTE-REFRESH Message Error / Invalid Message
 * Length, data = the complete message. */
static void test_rr_bad_length(void **state)
{
	uint8_t buf[64];
	struct bgp_route_refresh rr;
	struct bgp_err e;
	size_t n;

	(void)state;
	for (size_t body = 0; body <= 8; body++) {
		if (body == BGP_RR_BODY_LEN)
			continue;
		n = mk_msg(buf, (uint16_t)(BGP_HEADER_LEN + body), BGP_MSG_ROUTE_REFRESH, body);
		if (body > 2)
			buf[21] = BGP_RR_BORR;
		assert_int_equal(bgp_route_refresh_decode(buf, n, &rr, &e), -1);
		assert_err(&e, BGP_ERR_RREFRESH, BGP_ERR_RR_LEN, buf, n);
	}
}

static void test_rr_encode(void **state)
{
	uint8_t buf[64], want[64];
	struct bgp_route_refresh in = { BGP_AFI_IPV6, BGP_RR_EORR, BGP_SAFI_UNICAST }, out;
	struct bgp_err e;
	int n;

	(void)state;
	mk_rr(want, BGP_AFI_IPV6, BGP_RR_EORR, BGP_SAFI_UNICAST);
	n = bgp_route_refresh_encode(&in, buf, sizeof(buf));
	assert_int_equal(n, BGP_RREFRESH_LEN);
	assert_memory_equal(buf, want, BGP_RREFRESH_LEN);
	assert_int_equal(bgp_route_refresh_decode(buf, (size_t)n, &out, &e), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	assert_int_equal(bgp_route_refresh_encode(&in, buf, BGP_RREFRESH_LEN - 1), -1);
}

/* Every strict prefix of a valid message is an error, read within bounds (each
 * prefix is a heap block of exactly that size, for ASan). */
static void test_rr_truncation(void **state)
{
	uint8_t full[BGP_RREFRESH_LEN];
	struct bgp_route_refresh rr;
	struct bgp_err e;

	(void)state;
	mk_rr(full, BGP_AFI_IPV4, BGP_RR_NORMAL, 1);
	for (size_t n = 0; n < sizeof(full); n++) {
		uint8_t *p = malloc(n ? n : 1);

		assert_non_null(p);
		memcpy(p, full, n);
		assert_int_equal(bgp_route_refresh_decode(p, n, &rr, &e), -1);
		assert_int_not_equal(e.code, 0);
		/* And with a header that agrees with the truncated length. */
		if (n >= BGP_HEADER_LEN) {
			p[16] = 0;
			p[17] = (uint8_t)n;
			assert_int_equal(bgp_route_refresh_decode(p, n, &rr, &e), -1);
			assert_err(&e, BGP_ERR_RREFRESH, BGP_ERR_RR_LEN, p, n);
		}
		free(p);
	}
}

/* ---- names ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(bgp_msg_type_name(BGP_MSG_OPEN), "OPEN");
	assert_string_equal(bgp_msg_type_name(BGP_MSG_UPDATE), "UPDATE");
	assert_string_equal(bgp_msg_type_name(BGP_MSG_NOTIFICATION), "NOTIFICATION");
	assert_string_equal(bgp_msg_type_name(BGP_MSG_KEEPALIVE), "KEEPALIVE");
	assert_string_equal(bgp_msg_type_name(BGP_MSG_ROUTE_REFRESH), "ROUTE-REFRESH");
	assert_string_equal(bgp_msg_type_name(0), "unknown");
	assert_string_equal(bgp_msg_type_name(200), "unknown");

	assert_string_equal(bgp_err_code_name(BGP_ERR_HEADER), "Message Header Error");
	assert_string_equal(bgp_err_code_name(BGP_ERR_OPEN), "OPEN Message Error");
	assert_string_equal(bgp_err_code_name(BGP_ERR_UPDATE), "UPDATE Message Error");
	assert_string_equal(bgp_err_code_name(BGP_ERR_HOLD), "Hold Timer Expired");
	assert_string_equal(bgp_err_code_name(BGP_ERR_FSM), "Finite State Machine Error");
	assert_string_equal(bgp_err_code_name(BGP_ERR_CEASE), "Cease");
	assert_string_equal(bgp_err_code_name(BGP_ERR_RREFRESH), "ROUTE-REFRESH Message Error");
	assert_string_equal(bgp_err_code_name(0), "unknown");
	assert_string_equal(bgp_err_code_name(8), "unknown");

	assert_string_equal(bgp_err_subcode_name(BGP_ERR_HEADER, BGP_ERR_HDR_SYNC),
	                    "Connection Not Synchronized");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_HEADER, BGP_ERR_HDR_LEN),
	                    "Bad Message Length");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_HEADER, BGP_ERR_HDR_TYPE),
	                    "Bad Message Type");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_OPEN, BGP_ERR_OPEN_CAPA),
	                    "Unsupported Capability");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_OPEN, BGP_ERR_OPEN_ROLE), "Role Mismatch");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_OPEN, 8), "unknown");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_UPDATE, BGP_ERR_UPD_ASPATH),
	                    "Malformed AS_PATH");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_FSM, BGP_ERR_FSM_OPENCONFIRM),
	                    "Receive Unexpected Message in OpenConfirm State");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX),
	                    "Maximum Number of Prefixes Reached");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_CEASE, BGP_CEASE_COLLISION),
	                    "Connection Collision Resolution");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_CEASE, BGP_CEASE_HARD_RESET), "Hard Reset");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_CEASE, 11), "unknown");
	assert_string_equal(bgp_err_subcode_name(BGP_ERR_RREFRESH, BGP_ERR_RR_LEN),
	                    "Invalid Message Length");
	assert_string_equal(bgp_err_subcode_name(99, 1), "unknown");
	/* Every defined subcode of every code has a name. */
	for (unsigned s = 1; s <= BGP_ERR_UPD_ASPATH; s++)
		assert_string_not_equal(bgp_err_subcode_name(BGP_ERR_UPDATE, (uint8_t)s), "unknown");
	for (unsigned s = 1; s <= BGP_CEASE_SEND_HOLD; s++)
		assert_string_not_equal(bgp_err_subcode_name(BGP_ERR_CEASE, (uint8_t)s), "unknown");
	for (unsigned s = 0; s <= BGP_ERR_OPEN_CAPA; s++)
		assert_string_not_equal(bgp_err_subcode_name(BGP_ERR_OPEN, (uint8_t)s), "unknown");
	for (unsigned s = 0; s <= BGP_ERR_FSM_ESTABLISHED; s++)
		assert_string_not_equal(bgp_err_subcode_name(BGP_ERR_FSM, (uint8_t)s), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_need_more),
		cmocka_unit_test(test_frame_first_of_several),
		cmocka_unit_test(test_frame_marker),
		cmocka_unit_test(test_frame_lengths),
		cmocka_unit_test(test_frame_type),
		cmocka_unit_test(test_msg_body),
		cmocka_unit_test(test_keepalive_encode),
		cmocka_unit_test(test_msg_begin_end),
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_rr_decode),
		cmocka_unit_test(test_rr_bad_length),
		cmocka_unit_test(test_rr_encode),
		cmocka_unit_test(test_rr_truncation),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
