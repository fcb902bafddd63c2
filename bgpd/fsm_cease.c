/*
 * bgpd/fsm_cease.c — building the Cease NOTIFICATIONs a driver hands to the FSM
 * with ManualStop / AutomaticStop: RFC 4486 subcodes, RFC 9003 Shutdown
 * Communication, RFC 4486 §4 maximum-prefix data.
 */
#include <string.h>

#include "bgpd/buf.h"
#include "bgpd/fsm.h"

/* Length in octets of the well-formed, shortest-form UTF-8 sequence at s[0..n),
 * 0 if it is not one (RFC 3629 §4; RFC 9003 §2 requires "Shortest Form"). */
static size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	uint8_t b = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		len = 2;
	else if (b >= 0xe0 && b <= 0xef)
		len = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		len = 4;
	else
		return 0;           /* continuation byte, overlong lead, or > U+10FFFF */
	if (b == 0xe0)
		lo = 0xa0;          /* overlong */
	else if (b == 0xed)
		hi = 0x9f;          /* surrogates */
	else if (b == 0xf0)
		lo = 0x90;          /* overlong */
	else if (b == 0xf4)
		hi = 0x8f;          /* > U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

int fsm_cease(struct bgp_err *err, uint8_t subcode, const char *msg)
{
	const uint8_t *s = (const uint8_t *)msg;
	size_t n = msg ? strlen(msg) : 0, cut = 0;

	memset(err, 0, sizeof(*err));
	err->code = BGP_ERR_CEASE;
	err->subcode = subcode;
	if (n == 0)
		return 0;
	/* RFC 9003 §2: only Administrative Shutdown and Reset carry a message. */
	if (subcode != BGP_CEASE_ADMIN_SHUTDOWN && subcode != BGP_CEASE_ADMIN_RESET)
		return -1;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(s + i, n - i);

		if (len == 0)
			return -1;
		i += len;
		/* RFC 9003 §3: no longer than 128 octets unless the peer is known to
		 * support 255; never cut a character in two. */
		if (i <= FSM_SHUTDOWN_MSG_SAFE)
			cut = i;
	}
	err->data[0] = (uint8_t)cut;
	memcpy(err->data + 1, s, cut);
	err->data_len = (uint16_t)(1 + cut);
	return 0;
}

void fsm_cease_max_prefix(struct bgp_err *err, uint16_t afi, uint8_t safi, uint32_t limit)
{
	struct bgp_wr w;

	memset(err, 0, sizeof(*err));
	err->code = BGP_ERR_CEASE;
	err->subcode = BGP_CEASE_MAX_PREFIX;
	w = bgp_wr_init(err->data, sizeof(err->data));
	/* RFC 4486 §4 Figure 1: AFI (2), SAFI (1), prefix upper bound (4). */
	bgp_wr_u16(&w, afi);
	bgp_wr_u8(&w, safi);
	bgp_wr_u32(&w, limit);
	err->data_len = (uint16_t)w.len;
}
