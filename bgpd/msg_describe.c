/*
 * bgpd/msg_describe.c — one human line for a NOTIFICATION, safe to log.
 *
 * The data field comes from the peer. Where an RFC gives it a form (a length, a
 * type, a capability list, an RFC 9003 Shutdown Communication, RFC 4486 §4's
 * prefix limit) it is shown decoded; otherwise, or when it does not have that
 * form, as hex. Text is shown only when it is well-formed UTF-8 (RFC 9003 §2,
 * §4), and even then control characters, quotes, backslashes and the code points
 * that reorder or break lines (UTR #36) are escaped, so a peer cannot forge log
 * lines (RFC 9003 §6).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"
#include "bgpd/msg_utf8.h"

#define HEX_SHOW_MAX 64     /* data octets shown as hex before "..." */

/* Appends to a caller's buffer, counting what would have been written. */
struct line {
	char *buf;
	size_t cap;
	size_t n;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct line *l, const char *fmt, ...)
{
	size_t room = l->n < l->cap ? l->cap - l->n : 0;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(room ? l->buf + l->n : NULL, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n += (size_t)k;
}

static void put_hex(struct line *l, const uint8_t *d, size_t n)
{
	size_t show = n < HEX_SHOW_MAX ? n : HEX_SHOW_MAX;

	put(l, "data");
	for (size_t i = 0; i < show; i++)
		put(l, " %02x", d[i]);
	if (show < n)
		put(l, " ... (%zu octets)", n);
}

/* Code points that must not reach a log as themselves: C0/C1 controls and DEL
 * (line breaks, terminal escapes), and Unicode's line/paragraph separators and
 * bidirectional controls (UTR #36 §2: text that displays other than it reads). */
static bool must_escape(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Quoted text: well-formed UTF-8 passes through except as above; a byte that
 * is not part of a well-formed sequence is shown as \xNN. */
static void put_text(struct line *l, const uint8_t *s, size_t n)
{
	put(l, "\"");
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = bgp_utf8_seq(s + i, n - i, &cp);

		if (len == 0) {
			put(l, "\\x%02x", s[i]);
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			put(l, "\\%c", (char)cp);
		else if (cp < 0x80 && must_escape(cp))
			put(l, "\\x%02x", (unsigned)cp);
		else if (must_escape(cp))
			put(l, "\\u%04x", (unsigned)cp);
		else
			put(l, "%.*s", (int)len, (const char *)s + i);
		i += len;
	}
	put(l, "\"");
}

/* RFC 5492 §5: the data lists capabilities as encoded in an OPEN. */
static bool put_capa_list(struct line *l, const uint8_t *d, size_t n)
{
	struct bgp_rd r = bgp_rd_init(d, n), v = { NULL, 0 };
	const char *sep = "";

	/* Check the whole list first, so nothing is printed for a bad one. */
	while (bgp_rd_left(&r) > 0) {
		uint8_t code, len;

		if (bgp_rd_u8(&r, &code) < 0 || bgp_rd_u8(&r, &len) < 0 ||
		    bgp_rd_skip(&r, len) < 0)
			return false;
	}
	r = bgp_rd_init(d, n);
	while (bgp_rd_left(&r) > 0) {
		uint8_t code = 0, len = 0, res = 0, safi = 0;
		uint16_t afi = 0;
		uint32_t as = 0;
		const char *name;

		if (bgp_rd_u8(&r, &code) < 0 || bgp_rd_u8(&r, &len) < 0 ||
		    bgp_rd_sub(&r, len, &v) < 0)
			break;      /* cannot happen: checked above */
		name = bgp_capa_name(code);
		if (name)
			put(l, "%s%s", sep, name);
		else
			put(l, "%scapability %u", sep, code);
		if (code == BGP_CAPA_MP && bgp_rd_left(&v) == BGP_CAPA_MP_LEN &&
		    bgp_rd_u16(&v, &afi) == 0 && bgp_rd_u8(&v, &res) == 0 &&
		    bgp_rd_u8(&v, &safi) == 0)
			put(l, " afi %u safi %u", afi, safi);
		else if (code == BGP_CAPA_AS4 && bgp_rd_left(&v) == BGP_CAPA_AS4_LEN &&
		         bgp_rd_u32(&v, &as) == 0)
			put(l, " %u", as);
		sep = ", ";
	}
	return true;
}

/* RFC 4486 §4 Figure 1: AFI, SAFI, prefix upper bound. */
static bool put_max_prefix(struct line *l, const uint8_t *d, size_t n)
{
	struct bgp_rd r = bgp_rd_init(d, n);
	uint16_t afi = 0;
	uint8_t safi = 0;
	uint32_t limit = 0;

	if (n != BGP_CEASE_MAXPFX_LEN || bgp_rd_u16(&r, &afi) < 0 || bgp_rd_u8(&r, &safi) < 0 ||
	    bgp_rd_u32(&r, &limit) < 0)
		return false;
	put(l, "afi %u safi %u limit %u", afi, safi, limit);
	return true;
}

/* The data in the form its code gives it; false to fall back to hex. */
static bool put_data_decoded(struct line *l, const struct bgp_notification *n)
{
	const uint8_t *d = n->data;
	size_t len = n->data_len;

	switch (n->code) {
	case BGP_ERR_HEADER:
		if (n->subcode == BGP_ERR_HDR_LEN && len == sizeof(uint16_t)) {
			put(l, "length %u", (unsigned)(d[0] << 8 | d[1]));   /* RFC 4271 §6.1 */
			return true;
		}
		if (n->subcode == BGP_ERR_HDR_TYPE && len == 1) {
			put(l, "type %u", d[0]);                            /* RFC 4271 §6.1 */
			return true;
		}
		return false;
	case BGP_ERR_OPEN:
		if (n->subcode == BGP_ERR_OPEN_VERSION && len == sizeof(uint16_t)) {
			put(l, "version %u supported", (unsigned)(d[0] << 8 | d[1])); /* §6.2 */
			return true;
		}
		if (n->subcode == BGP_ERR_OPEN_CAPA)
			return put_capa_list(l, d, len);                    /* RFC 5492 §5 */
		return false;
	case BGP_ERR_FSM:
		/* RFC 6608 §4: the type of the unexpected message. */
		if (n->subcode != BGP_ERR_FSM_UNSPEC && len == 1) {
			put(l, "unexpected %s (type %u)", bgp_msg_type_name(d[0]), d[0]);
			return true;
		}
		return false;
	case BGP_ERR_CEASE:
		if (n->subcode == BGP_CEASE_MAX_PREFIX)
			return put_max_prefix(l, d, len);
		return false;
	default:
		return false;
	}
}

static void put_data(struct line *l, const struct bgp_notification *n)
{
	const uint8_t *text;
	size_t tlen;
	int st = bgp_notification_shutdown_msg(n, &text, &tlen);

	if (st > 0) {
		put(l, ": ");
		put_text(l, text, tlen);
		return;
	}
	if (st < 0) {
		/* RFC 9003 §4: say it is malformed; a hexdump MAY be logged. */
		put(l, ": malformed shutdown communication (");
		put_hex(l, n->data, n->data_len);
		put(l, ")");
		return;
	}
	if (n->code == BGP_ERR_CEASE && (n->subcode == BGP_CEASE_ADMIN_SHUTDOWN ||
	                                 n->subcode == BGP_CEASE_ADMIN_RESET))
		return;     /* no communication (absent, or zero length) */
	if (n->data_len == 0)
		return;
	put(l, ": ");
	if (!put_data_decoded(l, n))
		put_hex(l, n->data, n->data_len);
}

int bgp_notification_describe(const struct bgp_notification *n, char *buf, size_t len)
{
	struct line l = { buf, len, 0 };
	const char *code = bgp_err_code_name(n->code);
	const char *sub = bgp_err_subcode_name(n->code, n->subcode);
	bool known_code = strcmp(code, "unknown") != 0;

	if (len > 0)
		buf[0] = '\0';
	if (known_code)
		put(&l, "%s", code);
	else
		put(&l, "code %u", n->code);
	/* Hold Timer Expired has no subcodes (RFC 4271 §6.5): no "/Unspecific". */
	if (!(n->code == BGP_ERR_HOLD && n->subcode == 0)) {
		if (known_code && strcmp(sub, "unknown") != 0)
			put(&l, "/%s", sub);
		else
			put(&l, "/subcode %u", n->subcode);
	}
	if (n->data_len > 0 && n->data)
		put_data(&l, n);
	return l.n > INT32_MAX ? INT32_MAX : (int)l.n;
}
