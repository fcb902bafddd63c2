/*
 * bgpd/prefix.c — IPv4/IPv6 prefixes: text, order, and the NLRI wire form
 * (RFC 4271 §4.3, RFC 4760 §5). See prefix.h for the host-bits rule.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/prefix.h"

#define BITS_PER_OCTET 8

unsigned bgp_prefix_af_bits(uint8_t af)
{
	switch (af) {
	case BGP_AFI_IPV4:
		return BGP_PREFIX_V4_BITS;
	case BGP_AFI_IPV6:
		return BGP_PREFIX_V6_BITS;
	default:
		return 0;
	}
}

/* Clear every bit of addr past len (addr holds nbytes = ceil(len/8) octets plus
 * zeros). Returns whether any was set. */
static bool clear_host_bits(uint8_t *addr, unsigned len)
{
	unsigned rem = len % BITS_PER_OCTET;
	uint8_t mask, last;

	if (rem == 0)
		return false;
	mask = (uint8_t)(0xff << (BITS_PER_OCTET - rem));
	last = addr[len / BITS_PER_OCTET];
	addr[len / BITS_PER_OCTET] = last & mask;
	return (last & ~mask) != 0;
}

int bgp_prefix_set(struct bgp_prefix *p, uint8_t af, const void *addr, unsigned len)
{
	unsigned bits = bgp_prefix_af_bits(af);
	size_t nbytes = ((size_t)len + 7) / BITS_PER_OCTET;
	const uint8_t *a = addr;
	bool host = false;

	if (bits == 0 || len > bits)
		return -1;
	memset(p, 0, sizeof(*p));
	p->af = af;
	p->len = (uint8_t)len;
	memcpy(p->addr, a, nbytes);
	for (size_t i = nbytes; i < bits / BITS_PER_OCTET; i++)
		host |= a[i] != 0;
	host |= clear_host_bits(p->addr, len);
	return host ? 1 : 0;
}

int bgp_prefix_parse(const char *s, struct bgp_prefix *p)
{
	char abuf[BGP_PREFIX_STRLEN];
	uint8_t addr[BGP_PREFIX_ADDR_MAX] = { 0 };
	const char *slash = strchr(s, '/');
	size_t alen;
	uint8_t af;
	char *end;
	long len;

	if (!slash)
		return -1;
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(abuf))
		return -1;
	memcpy(abuf, s, alen);
	abuf[alen] = '\0';
	if (inet_pton(AF_INET, abuf, addr) == 1)
		af = BGP_AFI_IPV4;
	else if (inet_pton(AF_INET6, abuf, addr) == 1)
		af = BGP_AFI_IPV6;
	else
		return -1;
	/* Only plain decimal digits: strtol alone would take " +7" or "0x10". */
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	len = strtol(slash + 1, &end, 10);
	if (*end != '\0' || len < 0 || len > (long)bgp_prefix_af_bits(af))
		return -1;
	return bgp_prefix_set(p, af, addr, (unsigned)len);
}

int bgp_prefix_format(const struct bgp_prefix *p, char *buf, size_t len)
{
	char a[BGP_PREFIX_STRLEN];
	int fam = p->af == BGP_AFI_IPV4 ? AF_INET : AF_INET6;

	if (bgp_prefix_af_bits(p->af) == 0 || !inet_ntop(fam, p->addr, a, sizeof(a)))
		return snprintf(buf, len, "?/%u", p->len);
	return snprintf(buf, len, "%s/%u", a, p->len);
}

int bgp_prefix_cmp(const struct bgp_prefix *a, const struct bgp_prefix *b)
{
	int c;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c < 0 ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

bool bgp_prefix_eq(const struct bgp_prefix *a, const struct bgp_prefix *b)
{
	return a->af == b->af && a->len == b->len && memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

bool bgp_prefix_covers(const struct bgp_prefix *outer, const struct bgp_prefix *inner)
{
	unsigned full = outer->len / BITS_PER_OCTET, rem = outer->len % BITS_PER_OCTET;

	if (outer->af != inner->af || outer->len > inner->len)
		return false;
	if (memcmp(outer->addr, inner->addr, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (BITS_PER_OCTET - rem));

		return (outer->addr[full] & mask) == (inner->addr[full] & mask);
	}
	return true;
}

#define V4_THIS_NET     0       /* 0/8, RFC 1122 §3.2.1.3 */
#define V4_LOOPBACK     127     /* 127/8 */
#define V4_MULTICAST    224     /* 224/4 multicast, then 240/4 reserved */
#define V6_MULTICAST    0xff    /* ff00::/8 */
#define V6_LL_0         0xfe    /* fe80::/10 */
#define V6_LL_1         0x80
#define V6_LL_MASK_1    0xc0

bool bgp_addr4_is_host(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	return top != V4_THIS_NET && top != V4_LOOPBACK && top < V4_MULTICAST;
}

bool bgp_addr6_is_host(const uint8_t a[BGP_PREFIX_ADDR_MAX])
{
	static const uint8_t zero[BGP_PREFIX_ADDR_MAX - 1];

	if (a[0] == V6_MULTICAST)
		return false;
	/* :: and ::1: fifteen zero octets, then 0 or 1 */
	return !(memcmp(a, zero, sizeof(zero)) == 0 && a[BGP_PREFIX_ADDR_MAX - 1] <= 1);
}

bool bgp_addr6_is_link_local(const uint8_t a[BGP_PREFIX_ADDR_MAX])
{
	return a[0] == V6_LL_0 && (a[1] & V6_LL_MASK_1) == V6_LL_1;
}

int bgp_prefix_decode(struct bgp_rd *r, uint8_t af, struct bgp_prefix *p)
{
	const uint8_t *q = bgp_rd_ptr(r);
	unsigned bits = bgp_prefix_af_bits(af);
	size_t nbytes;
	uint8_t len;

	if (bgp_rd_left(r) < 1 || bits == 0)
		return -1;
	len = q[0];
	/* RFC 7606 §5.3: longer than the family's address, or running past the
	 * field, makes the field syntactically incorrect. */
	if (len > bits)
		return -1;
	nbytes = ((size_t)len + 7) / BITS_PER_OCTET;
	if (bgp_rd_left(r) < 1 + nbytes)
		return -1;
	p->af = af;
	p->len = len;
	memset(p->addr, 0, sizeof(p->addr));
	memcpy(p->addr, q + 1, nbytes);
	bgp_rd_skip(r, 1 + nbytes);
	/* RFC 4271 §4.3: the trailing bits are irrelevant — accept, canonicalise. */
	return clear_host_bits(p->addr, len) ? 1 : 0;
}

void bgp_prefix_encode(struct bgp_wr *w, const struct bgp_prefix *p)
{
	/* p's host bits are zero by construction, so these are the "minimum
	 * number of trailing bits" RFC 4271 §4.3 asks for, all zero. */
	bgp_wr_u8(w, p->len);
	bgp_wr_bytes(w, p->addr, ((size_t)p->len + 7) / BITS_PER_OCTET);
}

int bgp_nlri_check(const uint8_t *p, size_t len, uint8_t af, uint32_t *count, bool *hostbits)
{
	struct bgp_rd r = bgp_rd_init(p, len);
	unsigned bits = bgp_prefix_af_bits(af);
	uint32_t n = 0;
	bool host = false;

	if (bits == 0)
		return -1;
	/* The same rules as bgp_prefix_decode, without building each prefix:
	 * this pass only has to say whether the field parses (RFC 7606 §5.3). */
	while (bgp_rd_left(&r) > 0) {
		struct bgp_rd v;
		uint8_t plen;

		if (bgp_rd_u8(&r, &plen) < 0 || plen > bits ||
		    bgp_rd_sub(&r, ((size_t)plen + 7) / BITS_PER_OCTET, &v) < 0)
			return -1;
		if (plen % BITS_PER_OCTET) {
			uint8_t keep = (uint8_t)(0xff << (BITS_PER_OCTET - plen % BITS_PER_OCTET));

			host |= (bgp_rd_ptr(&v)[plen / BITS_PER_OCTET] & (uint8_t)~keep) != 0;
		}
		n++;
	}
	*count = n;
	*hostbits = host;
	return 0;
}

bool bgp_nlri_next(struct bgp_nlri_iter *it, struct bgp_prefix *p)
{
	return bgp_rd_left(&it->rd) > 0 && bgp_prefix_decode(&it->rd, it->af, p) >= 0;
}
