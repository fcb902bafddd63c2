/*
 * bgpd/msg_notify.c — NOTIFICATION messages (RFC 4271 §4.5) and the RFC 9003
 * Shutdown Communication a Cease / Administrative Shutdown or Reset may carry.
 */
#include <string.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"
#include "bgpd/msg_utf8.h"

int bgp_notification_decode(const uint8_t *msg, size_t len, struct bgp_notification *n,
                            struct bgp_err *err)
{
	struct bgp_rd r;

	memset(n, 0, sizeof(*n));
	if (bgp_msg_body(msg, len, BGP_MSG_NOTIFICATION, &r, err) < 0)
		return -1;
	/* RFC 4271 §4.5: code, subcode, then data to the end of the message. The
	 * header check guarantees the two octets (BGP_NOTIF_MIN_LEN). */
	if (bgp_rd_u8(&r, &n->code) < 0 || bgp_rd_u8(&r, &n->subcode) < 0)
		return -1;
	n->data = bgp_rd_ptr(&r);
	n->data_len = bgp_rd_left(&r);
	return 0;
}

int bgp_notification_encode(const struct bgp_notification *n, uint8_t *buf, size_t cap)
{
	struct bgp_wr w = bgp_wr_init(buf, cap);
	size_t start, dlen = n->data ? n->data_len : 0;

	/* RFC 8654 §5: never above 4096 octets to a peer that may not take more;
	 * better a NOTIFICATION with its data cut than none. */
	if (dlen > BGP_MAX_LEN - BGP_NOTIF_MIN_LEN)
		dlen = BGP_MAX_LEN - BGP_NOTIF_MIN_LEN;
	start = bgp_msg_begin(&w, BGP_MSG_NOTIFICATION);
	bgp_wr_u8(&w, n->code);
	bgp_wr_u8(&w, n->subcode);
	bgp_wr_bytes(&w, n->data, dlen);
	return bgp_msg_end(&w, start, BGP_MAX_LEN);
}

void bgp_err_notification(const struct bgp_err *e, struct bgp_notification *n)
{
	n->code = e->code;
	n->subcode = e->subcode;
	n->data = e->data;
	n->data_len = e->data_len <= BGP_ERR_DATA_MAX ? e->data_len : BGP_ERR_DATA_MAX;
}

int bgp_notification_encode_err(const struct bgp_err *e, uint8_t *buf, size_t cap)
{
	struct bgp_notification n;

	bgp_err_notification(e, &n);
	return bgp_notification_encode(&n, buf, cap);
}

static bool is_shutdown_subcode(uint8_t code, uint8_t subcode)
{
	/* RFC 9003 §2: only these two carry a Shutdown Communication. */
	return code == BGP_ERR_CEASE &&
	       (subcode == BGP_CEASE_ADMIN_SHUTDOWN || subcode == BGP_CEASE_ADMIN_RESET);
}

int bgp_err_shutdown(struct bgp_err *e, uint8_t subcode, const char *msg, size_t max_octets)
{
	const uint8_t *s = (const uint8_t *)msg;
	size_t n = msg ? strlen(msg) : 0, cut = 0;
	uint32_t cp;

	bgp_err_set(e, BGP_ERR_CEASE, subcode, NULL, 0);
	if (n == 0)
		return 0;
	if (!is_shutdown_subcode(BGP_ERR_CEASE, subcode))
		return -1;
	if (max_octets > BGP_SHUTDOWN_MSG_MAX)
		max_octets = BGP_SHUTDOWN_MSG_MAX;
	/* RFC 9003 §2: UTF-8, shortest form, at most 255 octets; cut between
	 * characters, never inside one. */
	for (size_t i = 0; i < n;) {
		size_t len = bgp_utf8_seq(s + i, n - i, &cp);

		if (len == 0)
			return -1;
		i += len;
		if (i <= max_octets)
			cut = i;
	}
	e->data[0] = (uint8_t)cut;
	memcpy(e->data + 1, s, cut);
	e->data_len = (uint16_t)(1 + cut);
	return 0;
}

int bgp_shutdown_encode(const char *msg, uint8_t *buf, size_t cap)
{
	struct bgp_err e;

	if (bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, msg, BGP_SHUTDOWN_MSG_MAX) < 0)
		return -1;
	return bgp_notification_encode_err(&e, buf, cap);
}

int bgp_notification_shutdown_msg(const struct bgp_notification *n, const uint8_t **text,
                                  size_t *len)
{
	size_t l;

	*text = NULL;
	*len = 0;
	if (!is_shutdown_subcode(n->code, n->subcode) || n->data_len == 0)
		return 0;
	/* RFC 9003 §2: a length octet, then exactly that many octets of UTF-8. A
	 * length that does not match the data is malformed either way: we would
	 * otherwise read past it, or drop what follows unexplained. */
	l = n->data[0];
	if (l != n->data_len - 1)
		return -1;
	if (l == 0)
		return 0;
	/* RFC 9003 §2: "MUST NOT interpret invalid UTF-8 sequences". */
	if (!bgp_utf8_valid(n->data + 1, l))
		return -1;
	*text = n->data + 1;
	*len = l;
	return 1;
}
