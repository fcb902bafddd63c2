/*
 * bgpd/prefix.h — an IPv4 or IPv6 prefix, its text form, and its wire form as
 * NLRI (RFC 4271 §4.3, RFC 4760 §5): <length (1 octet), prefix (ceil(length/8)
 * octets)>.
 *
 * Host bits. RFC 4271 §4.3 and RFC 4760 §5 say the bits after the prefix length
 * in the last octet are "irrelevant", and RFC 7606 §5.3 does not count them among
 * the things that make an NLRI field syntactically incorrect. So a decoder
 * accepts them and clears them: a bgp_prefix always has every bit past len zero,
 * which makes it a canonical key (10.0.0.1/24 on the wire is the route
 * 10.0.0.0/24), and the decoders report that it happened (return 1) so a caller
 * can log it. The encoder always sends them as zero, so re-encoding such a
 * prefix is the one place encode(decode(bytes)) != bytes for NLRI.
 *
 * Nothing here allocates; decoding one prefix is a bounded copy of at most 16
 * octets.
 */
#ifndef BGPD_PREFIX_H
#define BGPD_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"

#define BGP_PREFIX_V4_BITS   32
#define BGP_PREFIX_V6_BITS   128
#define BGP_PREFIX_ADDR_MAX  16     /* octets of the longest address (IPv6) */
#define BGP_PREFIX_WIRE_MAX  (1 + BGP_PREFIX_ADDR_MAX)
/* "2001:db8:...:ffff/128" with room to spare: INET6_ADDRSTRLEN + "/128". */
#define BGP_PREFIX_STRLEN    52

/* af is the AFI (BGP_AFI_IPV4 or BGP_AFI_IPV6, RFC 4760); addr is in network
 * order, its first af-length octets meaningful, every bit past len zero and the
 * octets past the address length zero too, so whole structs compare with memcmp. */
struct bgp_prefix {
	uint8_t af;
	uint8_t len;
	uint8_t addr[BGP_PREFIX_ADDR_MAX];
};

/* Bits in an address of the family (32, 128), or 0 for a family we do not know. */
unsigned bgp_prefix_af_bits(uint8_t af);

/* Set p from an address (af-length octets, network order) and a length; bits past
 * len are cleared. Returns 1 if some were set, 0 if not, -1 if af or len is bad. */
int bgp_prefix_set(struct bgp_prefix *p, uint8_t af, const void *addr, unsigned len);

/* Text: "203.0.113.0/24", "2001:db8::/32". Strict: an address inet_pton takes,
 * '/', a decimal length within the family, nothing after. Returns 0; 1 when the
 * text had host bits set (p holds the prefix with them cleared, the caller
 * decides whether that is an error); -1 when it is not a prefix. */
int bgp_prefix_parse(const char *s, struct bgp_prefix *p);
/* Write the text form; returns its length as snprintf does (NUL-terminates
 * whenever len > 0). */
int bgp_prefix_format(const struct bgp_prefix *p, char *buf, size_t len);

/* Total order: family, then address (as an unsigned big-endian number), then
 * length — so a covering prefix sorts just before what it covers. */
int bgp_prefix_cmp(const struct bgp_prefix *a, const struct bgp_prefix *b);
bool bgp_prefix_eq(const struct bgp_prefix *a, const struct bgp_prefix *b);
/* Whether outer covers inner (same family, outer->len <= inner->len, and the
 * first outer->len bits agree). A prefix covers itself. */
bool bgp_prefix_covers(const struct bgp_prefix *outer, const struct bgp_prefix *inner);

/* Whether an address could be a router's: for IPv4 (host order) not in 0/8
 * ("this network"), 127/8 (loopback) or 224/3 (multicast, reserved,
 * broadcast); for IPv6 (16 octets) not ::, ::1 or ff00::/8. What RFC 4271 §6.3
 * calls a "valid IP host address" for NEXT_HOP. */
bool bgp_addr4_is_host(uint32_t a);
bool bgp_addr6_is_host(const uint8_t a[BGP_PREFIX_ADDR_MAX]);
/* Whether a 16-octet IPv6 address is link-local unicast (fe80::/10). */
bool bgp_addr6_is_link_local(const uint8_t a[BGP_PREFIX_ADDR_MAX]);

/* ---- NLRI wire form, RFC 4271 §4.3, RFC 4760 §5 ---- */

/* Octets one prefix takes as NLRI: 1 + ceil(len/8). */
static inline size_t bgp_prefix_wire_len(const struct bgp_prefix *p)
{
	return 1 + ((size_t)p->len + 7) / 8;
}

/* Read one NLRI of family af from r. 0 and p filled; 1 when host bits had to be
 * cleared; -1 when the length octet exceeds the family's bits or the prefix
 * octets run past r (RFC 7606 §5.3) — and then nothing is consumed. */
int bgp_prefix_decode(struct bgp_rd *r, uint8_t af, struct bgp_prefix *p);
/* Append p as NLRI (host bits zero). Overflow sets w->err. */
void bgp_prefix_encode(struct bgp_wr *w, const struct bgp_prefix *p);

/* A run of NLRI of one family, already checked for syntax: a view into the
 * message (valid while the message is) plus what the check found. */
struct bgp_nlri {
	struct bgp_afisafi af;
	uint32_t count;             /* prefixes in the run */
	const uint8_t *data;
	size_t len;
};

/* Check a whole NLRI (or Withdrawn Routes) field of family af for syntactic
 * correctness, RFC 7606 §5.3: 0 with *count prefixes, and *hostbits set when
 * any prefix had host bits set; -1 when a length exceeds the family's bits or
 * the last prefix overruns the field. */
int bgp_nlri_check(const uint8_t *p, size_t len, uint8_t af, uint32_t *count,
                   bool *hostbits);

/* Walk a checked run: each call to bgp_nlri_next gives the next prefix, false
 * at the end. Allocation-free; one bounded copy per prefix. */
struct bgp_nlri_iter {
	struct bgp_rd rd;
	uint8_t af;
};

static inline void bgp_nlri_iter_init(struct bgp_nlri_iter *it, const struct bgp_nlri *n)
{
	it->rd = bgp_rd_init(n->data, n->len);
	it->af = (uint8_t)n->af.afi;
}

bool bgp_nlri_next(struct bgp_nlri_iter *it, struct bgp_prefix *p);

#endif /* BGPD_PREFIX_H */
