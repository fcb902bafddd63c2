/*
 * bgpd/aspath.h — AS_PATH (RFC 4271 §4.3 b, §5.1.2), with the confederation
 * segment types of RFC 5065 §3, in 2- or 4-octet form (RFC 6793), and the
 * RFC 6793 §4.2.3 reconstruction of the path and aggregator from AS4_PATH and
 * AS4_AGGREGATOR.
 *
 * A path is kept in its wire form: segments of <type (1), count (1), count ASNs
 * (as_size octets each, big-endian)>. A bgp_aspath is a view of such bytes; the
 * functions here read it in place, so looking at a path never copies or
 * allocates. The decoded attribute set always holds the 4-octet form (the
 * canonical one: same path, same bytes), converting from a 2-octet peer's path
 * once per UPDATE.
 */
#ifndef BGPD_ASPATH_H
#define BGPD_ASPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/buf.h"

/* Segment types: RFC 4271 §4.3 b, RFC 5065 §3. */
enum bgp_as_seg_type {
	BGP_AS_SET = 1,
	BGP_AS_SEQUENCE = 2,
	BGP_AS_CONFED_SEQUENCE = 3,
	BGP_AS_CONFED_SET = 4,
};

#define BGP_AS_SEG_HDR_LEN  2       /* type, count */
#define BGP_AS_SEG_MAX      255     /* ASNs in one segment: a one-octet count */
#define BGP_AS2_SIZE        2       /* octets per ASN, RFC 4271 */
#define BGP_AS4_SIZE        4       /* octets per ASN, RFC 6793 */
#define BGP_AS2_MAX         0xffffu /* the largest "mappable" ASN, RFC 6793 §2 */

struct bgp_aspath {
	const uint8_t *data;
	size_t len;
	uint8_t as_size;            /* BGP_AS2_SIZE or BGP_AS4_SIZE */
};

static inline struct bgp_aspath bgp_aspath_view(const void *data, size_t len, uint8_t as_size)
{
	struct bgp_aspath p = { (const uint8_t *)data, len, as_size };
	return p;
}

/* One segment, as the iterator gives it: ASN i is bgp_as_seg_asn(&s, i). */
struct bgp_as_seg {
	uint8_t type;
	uint8_t count;
	uint8_t as_size;
	const uint8_t *asns;
};

static inline uint32_t bgp_as_seg_asn(const struct bgp_as_seg *s, unsigned i)
{
	const uint8_t *q = s->asns + (size_t)i * s->as_size;

	if (s->as_size == BGP_AS2_SIZE)
		return (uint32_t)q[0] << 8 | q[1];
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

struct bgp_aspath_iter {
	struct bgp_rd rd;
	uint8_t as_size;
};

void bgp_aspath_iter_init(struct bgp_aspath_iter *it, const struct bgp_aspath *p);
/* The next segment; false at the end, or at a malformed tail (a path that passed
 * bgp_aspath_check has none). */
bool bgp_aspath_next(struct bgp_aspath_iter *it, struct bgp_as_seg *s);

/* Why bgp_aspath_check refused a path (each makes it malformed, RFC 7606 §7.2,
 * RFC 6793 §6, RFC 7607 §2). */
enum bgp_aspath_fault {
	BGP_ASPATH_OK = 0,
	BGP_ASPATH_BAD_TYPE,        /* a segment type that is not 1..4 */
	BGP_ASPATH_OVERRUN,         /* a segment runs past the attribute */
	BGP_ASPATH_UNDERRUN,        /* a lone octet after the last segment */
	BGP_ASPATH_EMPTY_SEG,       /* a segment with count 0 */
	BGP_ASPATH_AS0,             /* AS 0 (RFC 7607 §2) */
};

/* Check the syntax of a wire path. */
enum bgp_aspath_fault bgp_aspath_check(const struct bgp_aspath *p);
/* Short text for a fault ("segment overruns the attribute", ...). */
const char *bgp_aspath_fault_name(enum bgp_aspath_fault f);

/* ---- reading ---- */

/* Length for route selection, RFC 4271 §9.1.2.2 a: each AS_SEQUENCE ASN counts
 * 1, an AS_SET counts 1 whatever its size, and confederation segments count 0
 * (RFC 5065 §5.3 rule 3). */
unsigned bgp_aspath_length(const struct bgp_aspath *p);
/* Whether as occurs in an AS_SEQUENCE or AS_SET (loop detection, RFC 4271
 * §9.1.2); confederation segments are not looked at. */
bool bgp_aspath_contains(const struct bgp_aspath *p, uint32_t as);
/* Whether as occurs in an AS_CONFED_SEQUENCE or AS_CONFED_SET (a member-AS loop,
 * RFC 5065 §4). */
bool bgp_aspath_confed_contains(const struct bgp_aspath *p, uint32_t as);
/* Whether any confederation segment is present. */
bool bgp_aspath_has_confed(const struct bgp_aspath *p);
/* The origin AS: the last ASN of a path whose last segment is an AS_SEQUENCE;
 * 0 when the path is empty or ends in a set (no single origin). */
uint32_t bgp_aspath_origin(const struct bgp_aspath *p);
/* The neighbour AS for MED comparison: the first ASN of the first segment that is
 * not a confederation segment, if that segment is an AS_SEQUENCE (RFC 4271
 * §9.1.2.2 c, RFC 5065 §5.2); 0 otherwise. */
uint32_t bgp_aspath_neighbor(const struct bgp_aspath *p);
/* The leftmost ASN of the path if it starts with an AS_SEQUENCE, else 0: what
 * RFC 4271 §6.3 lets us compare with an external peer's AS. */
uint32_t bgp_aspath_first(const struct bgp_aspath *p);
/* Same path, same width, same bytes. */
bool bgp_aspath_eq(const struct bgp_aspath *a, const struct bgp_aspath *b);

/* Text: "65001 65002 {65003,65004}"; confederation segments as
 * "(65010 65011)" (AS_CONFED_SEQUENCE) and "[65012,65013]" (AS_CONFED_SET).
 * Returns the length of the whole text, as snprintf does; NUL-terminates when
 * len > 0. The empty path is "". */
int bgp_aspath_format(const struct bgp_aspath *p, char *buf, size_t len);
/* The inverse, into out as a 4-octet path: 0 and *res set, or -1 for bad text
 * (unknown character, ASN over 4294967295, an empty or unclosed set) or no room.
 * Runs of more than 255 ASNs become several segments. */
int bgp_aspath_parse(const char *s, uint8_t *out, size_t cap, struct bgp_aspath *res);

/* ---- building (4-octet paths in, 4-octet paths out) ---- */

/* Prepend as, times times, as RFC 4271 §5.1.2 (seg_type BGP_AS_SEQUENCE) or
 * RFC 5065 §4.1 b (BGP_AS_CONFED_SEQUENCE) say: into the leading segment when it
 * is of that type and has room, else in new segments of at most 255. out must not
 * overlap in. Returns 0 with *res viewing out, -1 when out is too small. */
int bgp_aspath_prepend(const struct bgp_aspath *in, uint8_t seg_type, uint32_t as,
                       unsigned times, uint8_t *out, size_t cap, struct bgp_aspath *res);
/* Octets out needs for that: never more than this. */
#define BGP_ASPATH_PREPEND_SIZE(len, times) \
	((len) + (size_t)(times) * BGP_AS4_SIZE + ((size_t)(times) / BGP_AS_SEG_MAX + 1) * BGP_AS_SEG_HDR_LEN)

/* Remove the confederation segments (RFC 5065 §4.1 c 1, before advertising
 * outside the confederation). out needs at most in->len octets. */
int bgp_aspath_strip_confed(const struct bgp_aspath *in, uint8_t *out, size_t cap,
                            struct bgp_aspath *res);

/* ---- encoding for a peer ---- */

/* Octets p takes written with as_size-octet ASNs, optionally without its
 * confederation segments. */
size_t bgp_aspath_wire_len(const struct bgp_aspath *p, uint8_t as_size, bool skip_confed);
/* Write p's segments with as_size-octet ASNs; a 4-octet ASN that does not fit in
 * two octets becomes AS_TRANS (RFC 6793 §4.2.2). Overflow sets w->err. */
void bgp_aspath_write(struct bgp_wr *w, const struct bgp_aspath *p, uint8_t as_size,
                      bool skip_confed);
/* Whether sending p to a 2-octet peer needs AS4_PATH: some ASN outside the
 * confederation segments is not mappable (RFC 6793 §4.2.2). */
bool bgp_aspath_needs_as4(const struct bgp_aspath *p);

/* ---- RFC 6793 §4.2.3: what an OLD (2-octet) speaker sent, made whole ---- */

struct bgp_aggregator {
	uint32_t as;
	uint32_t id;                /* BGP Identifier, host byte order */
};

/* bgp_as4_merge result bits, for the log. */
#define BGP_AS4_PATH_IGNORED    0x01u   /* AS4_PATH present but not used */
#define BGP_AS4_AGG_IGNORED     0x02u   /* AS4_AGGREGATOR present but not used */
#define BGP_AS4_CONFED_DROPPED  0x04u   /* confed segments of AS4_PATH skipped (§6) */

/* as_path: the AS_PATH received (2-octet, checked); as4_path: AS4_PATH (4-octet,
 * checked) or NULL; agg / as4_agg: AGGREGATOR / AS4_AGGREGATOR or NULL. Writes the
 * AS path information into out (a 4-octet path, *path views it) and, when agg is
 * given, the aggregator to believe into *agg_out:
 *   - AGGREGATOR's AS is not AS_TRANS while AS4_AGGREGATOR is present: both
 *     AS4 attributes are ignored, AGGREGATOR and AS_PATH are the information;
 *   - otherwise AS4_AGGREGATOR (if any) replaces AGGREGATOR, and the path is
 *     AS_PATH if it has fewer ASNs than AS4_PATH (counted as for route
 *     selection), else the leading ASNs of AS_PATH — with any confederation
 *     segments leading or adjacent to them — then AS4_PATH (without its
 *     confederation segments, §6), joined into one segment where two
 *     AS_SEQUENCEs meet and fit.
 * out needs at most 2 * as_path->len + as4_path->len + 2 octets. Returns the
 * BGP_AS4_* bits, or -1 when out is too small. */
int bgp_as4_merge(const struct bgp_aspath *as_path, const struct bgp_aspath *as4_path,
                  const struct bgp_aggregator *agg, const struct bgp_aggregator *as4_agg,
                  uint8_t *out, size_t cap, struct bgp_aspath *path,
                  struct bgp_aggregator *agg_out);

#endif /* BGPD_ASPATH_H */
