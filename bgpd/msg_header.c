/*
 * bgpd/msg_header.c — the 19-octet BGP message header: framing a receive buffer
 * into messages (RFC 4271 §4.1, §6.1; RFC 8654 §4), writing headers, KEEPALIVE,
 * and the bgp_err helper every decoder uses.
 */
#include <string.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"

void bgp_err_set(struct bgp_err *e, uint8_t code, uint8_t subcode, const void *data, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->subcode = subcode;
	if (len > BGP_ERR_DATA_MAX)
		len = BGP_ERR_DATA_MAX;
	if (data && len) {
		memcpy(e->data, data, len);
		e->data_len = (uint16_t)len;
	}
}

/* RFC 4271 §6.1: Bad Message Length carries the erroneous Length field. */
static int err_bad_length(struct bgp_err *err, uint16_t len)
{
	uint8_t d[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, d, sizeof(d));
	return BGP_FRAME_ERROR;
}

/* The smallest and largest length RFC 4271 §6.1 allows for each type, given the
 * negotiated maximum; false for a type we do not know. */
static bool type_length_bounds(uint8_t type, size_t max_len, size_t *min, size_t *max)
{
	*max = max_len;
	switch (type) {
	case BGP_MSG_OPEN:
		*min = BGP_OPEN_MIN_LEN;
		*max = BGP_MAX_LEN;     /* RFC 8654 §4: never extended */
		return true;
	case BGP_MSG_UPDATE:
		*min = BGP_UPDATE_MIN_LEN;
		return true;
	case BGP_MSG_NOTIFICATION:
		*min = BGP_NOTIF_MIN_LEN;
		return true;
	case BGP_MSG_KEEPALIVE:
		*min = *max = BGP_KEEPALIVE_LEN;
		return true;
	case BGP_MSG_ROUTE_REFRESH:
		/* RFC 7313 §5 has its own error for a wrong length, data = the whole
		 * message: bgp_route_refresh_decode checks it once the message is in. */
		*min = BGP_HEADER_LEN;
		return true;
	default:
		return false;
	}
}

int bgp_frame_check(const uint8_t *buf, size_t avail, size_t max_len, struct bgp_frame *f,
                    struct bgp_err *err)
{
	struct bgp_rd r = bgp_rd_init(buf, avail);
	size_t i, n = avail < BGP_MARKER_LEN ? avail : BGP_MARKER_LEN;
	size_t min, max;
	uint16_t len;
	uint8_t type;

	/* RFC 4271 §6.1: a marker that is not all ones means we lost sync; say so
	 * as soon as the bad byte is here rather than waiting for a full header. */
	for (i = 0; i < n; i++) {
		if (buf[i] != 0xff) {
			bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0);
			return BGP_FRAME_ERROR;
		}
	}
	if (bgp_rd_skip(&r, BGP_MARKER_LEN) < 0 || bgp_rd_u16(&r, &len) < 0 ||
	    bgp_rd_u8(&r, &type) < 0)
		return BGP_FRAME_NEED_MORE;

	if (max_len > BGP_EXT_MAX_LEN)
		max_len = BGP_EXT_MAX_LEN;
	/* RFC 4271 §6.1: never below 19, never above the maximum. */
	if (len < BGP_HEADER_LEN || len > max_len)
		return err_bad_length(err, len);
	if (!type_length_bounds(type, max_len, &min, &max)) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &type, 1);
		return BGP_FRAME_ERROR;
	}
	if (len < min || len > max)
		return err_bad_length(err, len);
	if (avail < len)
		return BGP_FRAME_NEED_MORE;
	f->len = len;
	f->type = type;
	return BGP_FRAME_OK;
}

int bgp_msg_body(const uint8_t *msg, size_t len, uint8_t type, struct bgp_rd *body,
                 struct bgp_err *err)
{
	struct bgp_frame f;
	int st = bgp_frame_check(msg, len, BGP_EXT_MAX_LEN, &f, err);

	if (st == BGP_FRAME_ERROR)
		return -1;
	if (st == BGP_FRAME_NEED_MORE) {
		/* Fewer bytes than the header claims: the Length field is wrong for
		 * what was delivered. Without even a header there is no Length field
		 * to quote, so quote what we have. */
		uint16_t claimed = len >= BGP_HEADER_LEN
		                   ? (uint16_t)(msg[BGP_MARKER_LEN] << 8 | msg[BGP_MARKER_LEN + 1])
		                   : (uint16_t)len;
		err_bad_length(err, claimed);
		return -1;
	}
	if (f.len != len) {
		/* RFC 4271 §4.1: no padding after a message. */
		err_bad_length(err, f.len);
		return -1;
	}
	if (f.type != type) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &f.type, 1);
		return -1;
	}
	*body = bgp_rd_init(msg + BGP_HEADER_LEN, len - BGP_HEADER_LEN);
	return 0;
}

size_t bgp_msg_begin(struct bgp_wr *w, uint8_t type)
{
	static const uint8_t marker[BGP_MARKER_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	size_t start = w->len;

	bgp_wr_bytes(w, marker, sizeof(marker));    /* RFC 4271 §4.1: all ones */
	bgp_wr_reserve(w, sizeof(uint16_t));
	bgp_wr_u8(w, type);
	return start;
}

int bgp_msg_end(struct bgp_wr *w, size_t start, size_t max_len)
{
	size_t len = w->len - start;

	if (w->err || len < BGP_HEADER_LEN || len > max_len || len > BGP_EXT_MAX_LEN)
		return -1;
	bgp_wr_patch_u16(w, start + BGP_MARKER_LEN, (uint16_t)len);
	return (int)len;
}

int bgp_keepalive_encode(uint8_t *buf, size_t cap)
{
	struct bgp_wr w = bgp_wr_init(buf, cap);
	size_t start = bgp_msg_begin(&w, BGP_MSG_KEEPALIVE);

	return bgp_msg_end(&w, start, BGP_KEEPALIVE_LEN);   /* RFC 4271 §4.4 */
}
