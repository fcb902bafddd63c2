/*
 * tests/unit/test_bgp_notify.c — NOTIFICATION decode/encode (RFC 4271 §4.5), the
 * RFC 9003 Shutdown Communication, and bgp_notification_describe.
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

static size_t mk_notif(uint8_t *buf, uint8_t code, uint8_t sub, const void *data, size_t n)
{
	size_t len = BGP_NOTIF_MIN_LEN + n;

	memset(buf, 0xff, BGP_MARKER_LEN);
	buf[16] = (uint8_t)(len >> 8);
	buf[17] = (uint8_t)len;
	buf[18] = BGP_MSG_NOTIFICATION;
	buf[19] = code;
	buf[20] = sub;
	if (n)
		memcpy(buf + BGP_NOTIF_MIN_LEN, data, n);
	return len;
}

static struct bgp_notification notif(uint8_t code, uint8_t sub, const void *data, size_t n)
{
	struct bgp_notification x = { code, sub, data, n };
	return x;
}

static void test_decode(void **state)
{
	static const uint8_t data[] = { 0, 1, 2, 3, 0xff };
	uint8_t buf[64];
	struct bgp_notification n;
	struct bgp_err e;
	size_t len;

	(void)state;
	len = mk_notif(buf, BGP_ERR_UPDATE, BGP_ERR_UPD_ASPATH, data, sizeof(data));
	assert_int_equal(bgp_notification_decode(buf, len, &n, &e), 0);
	assert_int_equal(n.code, BGP_ERR_UPDATE);
	assert_int_equal(n.subcode, BGP_ERR_UPD_ASPATH);
	assert_int_equal(n.data_len, sizeof(data));
	assert_ptr_equal(n.data, buf + BGP_NOTIF_MIN_LEN);
	len = mk_notif(buf, BGP_ERR_HOLD, 0, NULL, 0);
	assert_int_equal(bgp_notification_decode(buf, len, &n, &e), 0);
	assert_int_equal(n.code, BGP_ERR_HOLD);
	assert_int_equal(n.data_len, 0);
	/* Unknown codes decode: judging them is not the codec's job. */
	len = mk_notif(buf, 99, 42, data, 1);
	assert_int_equal(bgp_notification_decode(buf, len, &n, &e), 0);
	assert_int_equal(n.code, 99);
	assert_int_equal(n.subcode, 42);
}

static void test_decode_errors(void **state)
{
	uint8_t buf[64];
	uint8_t len20[2] = { 0, 20 };
	struct bgp_notification n;
	struct bgp_err e;
	size_t len = mk_notif(buf, BGP_ERR_CEASE, 2, NULL, 0);

	(void)state;
	/* RFC 4271 §6.1: shorter than 21 is Bad Message Length. */
	buf[17] = 20;
	assert_int_equal(bgp_notification_decode(buf, 20, &n, &e), -1);
	assert_int_equal(e.code, BGP_ERR_HEADER);
	assert_int_equal(e.subcode, BGP_ERR_HDR_LEN);
	assert_memory_equal(e.data, len20, 2);
	buf[17] = (uint8_t)len;
	buf[18] = BGP_MSG_KEEPALIVE;
	assert_int_equal(bgp_notification_decode(buf, len, &n, &e), -1);
	assert_int_equal(e.code, BGP_ERR_HEADER);
}

/* Every strict prefix is refused; with an agreeing header, prefixes of at least
 * 21 octets are shorter valid NOTIFICATIONs. Heap blocks of exact size. */
static void test_decode_truncation(void **state)
{
	static const char msg[] = "\x10" "0123456789abcdef";
	uint8_t full[64];
	size_t len = mk_notif(full, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, msg, 17);
	struct bgp_notification n;
	struct bgp_err e;

	(void)state;
	for (size_t k = 0; k < len; k++) {
		uint8_t *p = malloc(k ? k : 1);

		assert_non_null(p);
		memcpy(p, full, k);
		assert_int_equal(bgp_notification_decode(p, k, &n, &e), -1);
		if (k >= BGP_HEADER_LEN) {
			p[17] = (uint8_t)k;
			if (k < BGP_NOTIF_MIN_LEN) {
				assert_int_equal(bgp_notification_decode(p, k, &n, &e), -1);
			} else {
				const uint8_t *t;
				size_t tl;

				assert_int_equal(bgp_notification_decode(p, k, &n, &e), 0);
				assert_int_equal(n.data_len, k - BGP_NOTIF_MIN_LEN);
				/* A cut Shutdown Communication is malformed, not read past. */
				assert_int_equal(bgp_notification_shutdown_msg(&n, &t, &tl),
				                 k == BGP_NOTIF_MIN_LEN ? 0 : -1);
			}
		}
		free(p);
	}
}

static void test_encode(void **state)
{
	static const uint8_t data[] = { 0xde, 0xad };
	uint8_t want[64], buf[64];
	size_t wlen = mk_notif(want, BGP_ERR_OPEN, BGP_ERR_OPEN_AS, data, sizeof(data));
	struct bgp_notification in = notif(BGP_ERR_OPEN, BGP_ERR_OPEN_AS, data, sizeof(data)), out;
	struct bgp_err e;
	int n;

	(void)state;
	n = bgp_notification_encode(&in, buf, sizeof(buf));
	assert_int_equal(n, (int)wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(bgp_notification_decode(buf, (size_t)n, &out, &e), 0);
	assert_int_equal(out.code, in.code);
	assert_int_equal(out.subcode, in.subcode);
	assert_int_equal(out.data_len, in.data_len);
	assert_memory_equal(out.data, data, sizeof(data));
	for (size_t cap = 0; cap < wlen; cap++)
		assert_int_equal(bgp_notification_encode(&in, buf, cap), -1);
	/* Without data. */
	in = notif(BGP_ERR_HOLD, 0, NULL, 0);
	assert_int_equal(bgp_notification_encode(&in, buf, sizeof(buf)), BGP_NOTIF_MIN_LEN);
}

/* RFC 8654 §5: data cut so the message stays within 4096 octets. */
static void test_encode_cut(void **state)
{
	static uint8_t data[6000], buf[8000];
	struct bgp_notification in = notif(BGP_ERR_UPDATE, 1, data, sizeof(data)), out;
	struct bgp_err e;
	int n;

	(void)state;
	n = bgp_notification_encode(&in, buf, sizeof(buf));
	assert_int_equal(n, BGP_MAX_LEN);
	assert_int_equal(bgp_notification_decode(buf, (size_t)n, &out, &e), 0);
	assert_int_equal(out.data_len, BGP_MAX_LEN - BGP_NOTIF_MIN_LEN);
}

static void test_encode_err(void **state)
{
	static const uint8_t bad_len[2] = { 0x13, 0x88 };
	uint8_t want[64], buf[64];
	size_t wlen = mk_notif(want, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, bad_len, 2);
	struct bgp_err e;

	(void)state;
	bgp_err_set(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, bad_len, 2);
	assert_int_equal(bgp_notification_encode_err(&e, buf, sizeof(buf)), (int)wlen);
	assert_memory_equal(buf, want, wlen);
}

/* ---- RFC 9003 ---- */

static void assert_shutdown_err(const struct bgp_err *e, uint8_t sub, const char *text)
{
	size_t n = strlen(text);

	assert_int_equal(e->code, BGP_ERR_CEASE);
	assert_int_equal(e->subcode, sub);
	assert_int_equal(e->data_len, n + 1);
	assert_int_equal(e->data[0], n);
	assert_memory_equal(e->data + 1, text, n);
}

static void test_err_shutdown(void **state)
{
	char s[400];
	struct bgp_err e;

	(void)state;
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance window",
	                                  BGP_SHUTDOWN_MSG_MAX), 0);
	assert_shutdown_err(&e, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance window");
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_RESET, "x", 255), 0);
	assert_shutdown_err(&e, BGP_CEASE_ADMIN_RESET, "x");
	/* No message: a plain Cease. */
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, NULL, 255), 0);
	assert_int_equal(e.code, BGP_ERR_CEASE);
	assert_int_equal(e.data_len, 0);
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, "", 255), 0);
	assert_int_equal(e.data_len, 0);
	/* RFC 9003 §2: only subcodes 2 and 4 carry one. */
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_PEER_DECONF, "bye", 255), -1);
	assert_int_equal(e.code, BGP_ERR_CEASE);
	assert_int_equal(e.subcode, BGP_CEASE_PEER_DECONF);
	assert_int_equal(e.data_len, 0);
	/* Too long: cut to 255 (or what is asked). */
	memset(s, 'a', 300);
	s[300] = '\0';
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, s, 999), 0);
	assert_int_equal(e.data[0], 255);
	assert_int_equal(e.data_len, 256);
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, s, 128), 0);
	assert_int_equal(e.data[0], 128);
	/* The cut never splits a character: 254 'a' then a 2-octet é → 254. */
	memset(s, 'a', 254);
	memcpy(s + 254, "\xc3\xa9", 3);
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, s, 255), 0);
	assert_int_equal(e.data[0], 254);
	/* 252 'a' then a 4-octet character → 252. */
	memset(s, 'a', 252);
	memcpy(s + 252, "\xf0\x9f\x98\x80", 5);
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, s, 255), 0);
	assert_int_equal(e.data[0], 252);
	/* 251 'a' + 4 octets fits exactly. */
	memset(s, 'a', 251);
	memcpy(s + 251, "\xf0\x9f\x98\x80", 5);
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, s, 255), 0);
	assert_int_equal(e.data[0], 255);
	/* Invalid UTF-8 is refused, wherever it is. */
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, "ok\xff", 255), -1);
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, "\xc0\xaf", 255), -1);
	memset(s, 'a', 300);
	memcpy(s + 298, "\xed\xa0\x80", 4);                 /* surrogate past the cut */
	assert_int_equal(bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, s, 255), -1);
}

static void test_shutdown_encode(void **state)
{
	static const char text[] = "maintenance window";
	uint8_t want[64], buf[64], data[64];
	size_t wlen;

	(void)state;
	data[0] = sizeof(text) - 1;
	memcpy(data + 1, text, sizeof(text) - 1);
	wlen = mk_notif(want, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, data, sizeof(text));
	assert_int_equal(bgp_shutdown_encode(text, buf, sizeof(buf)), (int)wlen);
	assert_memory_equal(buf, want, wlen);
	assert_int_equal(bgp_shutdown_encode("\x80", buf, sizeof(buf)), -1);
	assert_int_equal(bgp_shutdown_encode(text, buf, wlen - 1), -1);
}

static int shutdown_msg(uint8_t code, uint8_t sub, const void *data, size_t n,
                        const uint8_t **t, size_t *tl)
{
	struct bgp_notification x = notif(code, sub, data, n);

	return bgp_notification_shutdown_msg(&x, t, tl);
}

static void test_shutdown_msg(void **state)
{
	const uint8_t *t;
	size_t tl;

	(void)state;
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x03" "abc", 4, &t, &tl), 1);
	assert_int_equal(tl, 3);
	assert_memory_equal(t, "abc", 3);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 4, "\x02" "\xc3\xa9", 3, &t, &tl), 1);
	/* None. */
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, NULL, 0, &t, &tl), 0);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x00", 1, &t, &tl), 0);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 3, "\x03" "abc", 4, &t, &tl), 0);
	assert_int_equal(shutdown_msg(BGP_ERR_OPEN, 2, "\x03" "abc", 4, &t, &tl), 0);
	/* Length octet disagreeing with the data. */
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x04" "abc", 4, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\xff" "abc", 4, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x02" "abc", 4, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x00" "a", 2, &t, &tl), -1);
	/* Not shortest-form / not UTF-8 (RFC 9003 §2). */
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x02" "\xc0\xaf", 3, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x03" "\xe0\x80\xaf", 4, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x03" "\xed\xa0\x80", 4, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x04" "\xf4\x90\x80\x80", 5, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x01" "\xc3", 2, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x01" "\x80", 2, &t, &tl), -1);
	assert_int_equal(shutdown_msg(BGP_ERR_CEASE, 2, "\x01" "\xfe", 2, &t, &tl), -1);
}

/* ---- describe ---- */

static void assert_describe(uint8_t code, uint8_t sub, const void *data, size_t n,
                            const char *want)
{
	struct bgp_notification x = notif(code, sub, data, n);
	char buf[1024];
	int len = bgp_notification_describe(&x, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
}

static void test_describe_shutdown(void **state)
{
	(void)state;
	assert_describe(BGP_ERR_CEASE, 2, "\x12" "maintenance window", 19,
	                "Cease/Administrative Shutdown: \"maintenance window\"");
	assert_describe(BGP_ERR_CEASE, 4, "\x05" "reset", 6,
	                "Cease/Administrative Reset: \"reset\"");
	assert_describe(BGP_ERR_CEASE, 2, NULL, 0, "Cease/Administrative Shutdown");
	assert_describe(BGP_ERR_CEASE, 2, "\x00", 1, "Cease/Administrative Shutdown");
	/* UTF-8 passes; controls, quotes, backslashes, bidi and separators do not. */
	assert_describe(BGP_ERR_CEASE, 2, "\x06" "caf\xc3\xa9!", 7,
	                "Cease/Administrative Shutdown: \"caf\xc3\xa9!\"");
	assert_describe(BGP_ERR_CEASE, 2, "\x0b" "a\nb\r\x1b[1m\x7f\x00\x1f", 12,
	                "Cease/Administrative Shutdown: \"a\\x0ab\\x0d\\x1b[1m\\x7f\\x00\\x1f\"");
	assert_describe(BGP_ERR_CEASE, 2, "\x04" "\"\\\"x", 5,
	                "Cease/Administrative Shutdown: \"\\\"\\\\\\\"x\"");
	assert_describe(BGP_ERR_CEASE, 2, "\x07" "a\xe2\x80\xae" "b\xc2\x85", 8,
	                "Cease/Administrative Shutdown: \"a\\u202eb\\u0085\"");
	assert_describe(BGP_ERR_CEASE, 2, "\x03" "\xe2\x80\xa8", 4,
	                "Cease/Administrative Shutdown: \"\\u2028\"");
	/* Malformed: said so, shown as hex (RFC 9003 §4). */
	assert_describe(BGP_ERR_CEASE, 2, "\x09" "abc", 4,
	                "Cease/Administrative Shutdown: malformed shutdown communication "
	                "(data 09 61 62 63)");
	assert_describe(BGP_ERR_CEASE, 2, "\x02" "\n\xff", 3,
	                "Cease/Administrative Shutdown: malformed shutdown communication "
	                "(data 02 0a ff)");
}

static void test_describe_decoded(void **state)
{
	static const uint8_t capa[] = {
		BGP_CAPA_MP, 4, 0, 2, 0, 1, BGP_CAPA_AS4, 4, 0, 3, 0x0d, 0x40,
		BGP_CAPA_ROUTE_REFRESH, 0, 222, 1, 7,
	};
	static const uint8_t maxpfx[] = { 0, 1, 1, 0, 0, 0x03, 0xe8 };

	(void)state;
	assert_describe(BGP_ERR_HEADER, BGP_ERR_HDR_LEN, "\x13\x88", 2,
	                "Message Header Error/Bad Message Length: length 5000");
	assert_describe(BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, "\x09", 1,
	                "Message Header Error/Bad Message Type: type 9");
	assert_describe(BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0,
	                "Message Header Error/Connection Not Synchronized");
	assert_describe(BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, "\x00\x04", 2,
	                "OPEN Message Error/Unsupported Version Number: version 4 supported");
	assert_describe(BGP_ERR_OPEN, BGP_ERR_OPEN_CAPA, capa, sizeof(capa),
	                "OPEN Message Error/Unsupported Capability: multiprotocol afi 2 safi 1, "
	                "as4 200000, route-refresh, capability 222");
	assert_describe(BGP_ERR_OPEN, BGP_ERR_OPEN_CAPA, capa, 3,
	                "OPEN Message Error/Unsupported Capability: data 01 04 00");
	assert_describe(BGP_ERR_FSM, BGP_ERR_FSM_OPENSENT, "\x02", 1,
	                "Finite State Machine Error/Receive Unexpected Message in OpenSent "
	                "State: unexpected UPDATE (type 2)");
	assert_describe(BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, maxpfx, sizeof(maxpfx),
	                "Cease/Maximum Number of Prefixes Reached: afi 1 safi 1 limit 1000");
	assert_describe(BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, maxpfx, 3,
	                "Cease/Maximum Number of Prefixes Reached: data 00 01 01");
	assert_describe(BGP_ERR_HOLD, 0, NULL, 0, "Hold Timer Expired");
	assert_describe(BGP_ERR_HOLD, 1, NULL, 0, "Hold Timer Expired/subcode 1");
	assert_describe(BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, "\x40\x01", 2,
	                "UPDATE Message Error/Malformed Attribute List: data 40 01");
	assert_describe(BGP_ERR_RREFRESH, BGP_ERR_RR_LEN, NULL, 0,
	                "ROUTE-REFRESH Message Error/Invalid Message Length");
	assert_describe(99, 7, "\x0a", 1, "code 99/subcode 7: data 0a");
	assert_describe(BGP_ERR_CEASE, 77, NULL, 0, "Cease/subcode 77");
}

static void test_describe_limits(void **state)
{
	static uint8_t big[100];
	struct bgp_notification x = notif(BGP_ERR_UPDATE, 1, big, sizeof(big));
	char buf[512], small[8];
	int n;

	(void)state;
	memset(big, 0xab, sizeof(big));
	n = bgp_notification_describe(&x, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, " ab ... (100 octets)"));
	/* Truncated to the buffer, still terminated; the return says how long. */
	memset(small, 'X', sizeof(small));
	assert_int_equal(bgp_notification_describe(&x, small, sizeof(small)), n);
	assert_int_equal(small[7], '\0');
	assert_memory_equal(small, "UPDATE ", 7);
	assert_int_equal(bgp_notification_describe(&x, NULL, 0), n);
	/* Every buffer size, with the Shutdown path too. */
	x = notif(BGP_ERR_CEASE, 2, "\x05" "a\n\xc3\xa9z", 6);
	n = bgp_notification_describe(&x, buf, sizeof(buf));
	for (size_t len = 1; len <= (size_t)n + 1; len++) {
		char *p = malloc(len);

		assert_non_null(p);
		assert_int_equal(bgp_notification_describe(&x, p, len), n);
		assert_int_equal(strlen(p), len - 1 < (size_t)n ? len - 1 : (size_t)n);
		assert_memory_equal(p, buf, strlen(p));
		free(p);
	}
}

static void test_err_notification(void **state)
{
	struct bgp_err e;
	struct bgp_notification n;
	char buf[128];

	(void)state;
	bgp_err_shutdown(&e, BGP_CEASE_ADMIN_RESET, "bye", 255);
	bgp_err_notification(&e, &n);
	assert_int_equal(n.code, BGP_ERR_CEASE);
	assert_int_equal(n.data_len, 4);
	bgp_notification_describe(&n, buf, sizeof(buf));
	assert_string_equal(buf, "Cease/Administrative Reset: \"bye\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_decode_truncation),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_encode_cut),
		cmocka_unit_test(test_encode_err),
		cmocka_unit_test(test_err_shutdown),
		cmocka_unit_test(test_shutdown_encode),
		cmocka_unit_test(test_shutdown_msg),
		cmocka_unit_test(test_describe_shutdown),
		cmocka_unit_test(test_describe_decoded),
		cmocka_unit_test(test_describe_limits),
		cmocka_unit_test(test_err_notification),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
