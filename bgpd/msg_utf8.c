/*
 * bgpd/msg_utf8.c — strict UTF-8 decoding (RFC 3629 §4) for text carried in BGP
 * messages, which comes from a peer and so is checked, never trusted.
 */
#include "bgpd/msg_utf8.h"

#define UTF8_CONT_MASK  0xc0
#define UTF8_CONT       0x80    /* 10xxxxxx */
#define UTF8_CONT_LO    0x80
#define UTF8_CONT_HI    0xbf

size_t bgp_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint8_t b, lo = UTF8_CONT_LO, hi = UTF8_CONT_HI;
	size_t len;
	uint32_t c;

	if (n == 0)
		return 0;
	b = s[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	/* RFC 3629 §4: the lead byte fixes the length; C0, C1 and F5..FF never
	 * appear (overlong, or beyond U+10FFFF). */
	if (b >= 0xc2 && b <= 0xdf) {
		len = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		len = 3;
		c = b & 0x0f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		len = 4;
		c = b & 0x07;
	} else {
		return 0;
	}
	/* The second byte's range excludes overlong forms, surrogates and code
	 * points above U+10FFFF (RFC 3629 §4's table). */
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & UTF8_CONT_MASK) != UTF8_CONT)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

bool bgp_utf8_valid(const uint8_t *s, size_t n)
{
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t len = bgp_utf8_seq(s + i, n - i, &cp);

		if (len == 0)
			return false;
		i += len;
	}
	return true;
}
