/*
 * bgpd/attr.h — BGP path attributes: type codes and flags (RFC 4271 §4.3, §5),
 * the decoded attribute set, per-attribute decoding with the RFC 7606 error
 * handling, encoding, and the hash/equality/copy the RIB interns sets with.
 *
 * Decoding copies nothing it does not have to: variable-length attributes are
 * views into the message (or into a bgp_attr_scratch the decoder is given, for
 * what must be rebuilt: a 2-octet AS_PATH made 4-octet, unknown attributes
 * gathered). Those views live as long as the message and the scratch; to keep
 * a set, copy it with bgp_attrs_copy into storage of bgp_attrs_store_size.
 *
 * MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760) carry NLRI, so the attribute
 * list decoder only finds them (bgp_attr_mp) and bgpd/update.c takes them
 * apart; the MP next hop ends up in the set (mp_nh), since routes sharing a set
 * share it.
 */
#ifndef BGPD_ATTR_H
#define BGPD_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/aspath.h"
#include "bgpd/buf.h"
#include "bgpd/msg.h"

/* Attribute Flags, RFC 4271 §4.3. */
#define BGP_ATTR_F_OPTIONAL     0x80
#define BGP_ATTR_F_TRANSITIVE   0x40
#define BGP_ATTR_F_PARTIAL      0x20
#define BGP_ATTR_F_EXTLEN       0x10
#define BGP_ATTR_F_UNUSED       0x0f    /* "MUST be ignored when received" */
#define BGP_ATTR_F_CATEGORY     (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)

#define BGP_ATTR_HDR_LEN        3       /* flags, type, 1-octet length */
#define BGP_ATTR_HDR_EXT_LEN    4       /* ... 2-octet length */
#define BGP_ATTR_SHORT_MAX      255     /* longest value without Extended Length */
#define BGP_ATTR_LEN_MAX        65535

/* Attribute Type Codes (IANA "BGP Path Attributes"). */
enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,            /* RFC 4271 */
	BGP_ATTR_AS_PATH = 2,           /* RFC 4271 */
	BGP_ATTR_NEXT_HOP = 3,          /* RFC 4271 */
	BGP_ATTR_MED = 4,               /* MULTI_EXIT_DISC, RFC 4271 */
	BGP_ATTR_LOCAL_PREF = 5,        /* RFC 4271 */
	BGP_ATTR_ATOMIC_AGGREGATE = 6,  /* RFC 4271 */
	BGP_ATTR_AGGREGATOR = 7,        /* RFC 4271, RFC 6793 */
	BGP_ATTR_COMMUNITIES = 8,       /* RFC 1997 */
	BGP_ATTR_ORIGINATOR_ID = 9,     /* RFC 4456 */
	BGP_ATTR_CLUSTER_LIST = 10,     /* RFC 4456 */
	BGP_ATTR_MP_REACH_NLRI = 14,    /* RFC 4760 */
	BGP_ATTR_MP_UNREACH_NLRI = 15,  /* RFC 4760 */
	BGP_ATTR_EXT_COMMUNITIES = 16,  /* RFC 4360 */
	BGP_ATTR_AS4_PATH = 17,         /* RFC 6793 */
	BGP_ATTR_AS4_AGGREGATOR = 18,   /* RFC 6793 */
	BGP_ATTR_LARGE_COMMUNITY = 32,  /* RFC 8092 */
	BGP_ATTR_OTC = 35,              /* Only to Customer, RFC 9234 */
};

/* ORIGIN values, RFC 4271 §4.3 a. */
enum bgp_origin {
	BGP_ORIGIN_IGP = 0,
	BGP_ORIGIN_EGP = 1,
	BGP_ORIGIN_INCOMPLETE = 2,
};

/* Well-known communities: RFC 1997 and (NO_PEER) RFC 3765. */
#define BGP_COMM_NO_EXPORT              0xffffff01u
#define BGP_COMM_NO_ADVERTISE           0xffffff02u
#define BGP_COMM_NO_EXPORT_SUBCONFED    0xffffff03u
#define BGP_COMM_NO_PEER                0xffffff04u

/* Sizes of one element of the list-valued attributes. */
#define BGP_COMMUNITY_LEN       4       /* RFC 1997 */
#define BGP_CLUSTER_ID_LEN      4       /* RFC 4456 §8 */
#define BGP_EXT_COMMUNITY_LEN   8       /* RFC 4360 §2 */
#define BGP_LARGE_COMMUNITY_LEN 12      /* RFC 8092 §3 */
#define BGP_MP_NH_MAX           32      /* IPv6 global + link-local, RFC 2545 §3 */

/* Membership in bgp_attrs.present / .partial: every type we decode is < 64. */
#define BGP_ATTR_BIT(type)      (UINT64_C(1) << (type))

/* A view of bytes (in a message, a scratch area or an interned copy). */
struct bgp_view {
	const uint8_t *data;
	size_t len;
};

/* A decoded attribute set. Fields of attributes not present are zero. The
 * AS4_PATH and AS4_AGGREGATOR of a 2-octet peer are folded into aspath and
 * aggregator (RFC 6793 §4.2.3) and never appear here; the encoder makes them
 * again for such a peer. */
struct bgp_attrs {
	uint64_t present;           /* BGP_ATTR_BIT(type) for each attribute held */
	uint64_t partial;           /* Partial bit as received, optional transitive
	                             * ones (RFC 4271 §5: never set back to 0) */
	uint8_t origin;             /* enum bgp_origin */
	uint8_t mp_nh_len;          /* MP_REACH_NLRI next hop: 0 (none), 4, 16, 32 */
	uint8_t mp_nh[BGP_MP_NH_MAX];
	uint32_t next_hop;          /* NEXT_HOP, host byte order */
	uint32_t med;
	uint32_t local_pref;
	uint32_t originator_id;     /* host byte order */
	uint32_t otc;
	struct bgp_aggregator aggregator;   /* always a 4-octet AS */
	struct bgp_aspath aspath;           /* always 4-octet (as_size 4) */
	struct bgp_view communities;        /* n * 4 octets, wire order */
	struct bgp_view cluster_list;       /* n * 4 */
	struct bgp_view ext_communities;    /* n * 8 */
	struct bgp_view large_communities;  /* n * 12 */
	/* Optional transitive attributes we do not know (RFC 4271 §5), kept to pass
	 * on: each as <flags, type, length (2 octets), value>, flags as received
	 * without Extended Length and the unused bits, sorted by type. */
	struct bgp_view unknown;
};

static inline bool bgp_attr_has(const struct bgp_attrs *a, uint8_t type)
{
	return type < 64 && (a->present & BGP_ATTR_BIT(type)) != 0;
}

static inline uint32_t bgp_get_u32be(const uint8_t *q)
{
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

static inline size_t bgp_community_count(const struct bgp_attrs *a)
{
	return a->communities.len / BGP_COMMUNITY_LEN;
}

static inline uint32_t bgp_community_at(const struct bgp_attrs *a, size_t i)
{
	return bgp_get_u32be(a->communities.data + i * BGP_COMMUNITY_LEN);
}

static inline size_t bgp_ext_community_count(const struct bgp_attrs *a)
{
	return a->ext_communities.len / BGP_EXT_COMMUNITY_LEN;
}

/* The 8 octets as one big-endian number (type, sub-type, value: RFC 4360 §2). */
static inline uint64_t bgp_ext_community_at(const struct bgp_attrs *a, size_t i)
{
	const uint8_t *q = a->ext_communities.data + i * BGP_EXT_COMMUNITY_LEN;

	return (uint64_t)bgp_get_u32be(q) << 32 | bgp_get_u32be(q + 4);
}

struct bgp_large_community {
	uint32_t global;            /* RFC 8092 §3: Global Administrator */
	uint32_t local1;
	uint32_t local2;
};

static inline size_t bgp_large_community_count(const struct bgp_attrs *a)
{
	return a->large_communities.len / BGP_LARGE_COMMUNITY_LEN;
}

static inline struct bgp_large_community bgp_large_community_at(const struct bgp_attrs *a,
                                                                 size_t i)
{
	const uint8_t *q = a->large_communities.data + i * BGP_LARGE_COMMUNITY_LEN;
	struct bgp_large_community c = { bgp_get_u32be(q), bgp_get_u32be(q + 4),
	                                 bgp_get_u32be(q + 8) };
	return c;
}

bool bgp_attrs_has_community(const struct bgp_attrs *a, uint32_t community);

/* Walk attrs.unknown: 0 and the next attribute, -1 at the end. */
int bgp_attr_unknown_next(struct bgp_rd *r, uint8_t *flags, uint8_t *type, struct bgp_view *val);

/* ---- the session context decoding and encoding depend on ---- */

enum bgp_peer_kind {
	BGP_PEER_EBGP = 0,
	BGP_PEER_IBGP = 1,          /* same AS (same member-AS in a confederation) */
	BGP_PEER_CONFED = 2,        /* another member-AS of our confederation, RFC 5065 */
};

struct bgp_attr_ctx {
	bool as4;                   /* both sides sent the 4-octet AS capability */
	uint8_t peer;               /* enum bgp_peer_kind */
	/* External peers: the AS the leftmost AS_PATH ASN must be (RFC 4271 §6.3
	 * MAY, RFC 7606 §7.2 treat-as-withdraw); 0 for no check (route servers,
	 * RFC 7947 §2.2.2.1, do not prepend themselves). */
	uint32_t first_as;
};

/* ---- RFC 7606 outcomes ---- */

/* Weakest to strongest (RFC 7606 §2): when several errors meet in one UPDATE
 * the strongest wins (§3.h). */
enum bgp_upd_action {
	BGP_UPD_OK = 0,
	BGP_UPD_DISCARD = 1,        /* attribute discard: the rest stands */
	BGP_UPD_WITHDRAW = 2,       /* treat-as-withdraw: every NLRI is withdrawn */
	BGP_UPD_RESET = 3,          /* session reset: send err, close */
};

struct bgp_upd_discard {
	uint8_t type;               /* attribute type code */
	const char *why;
};

#define BGP_UPD_MAX_DISCARD 16

/* bgp_upd_outcome.quirks: oddities accepted (no RFC makes them errors) that are
 * worth a log line. */
#define BGP_UPD_Q_HOSTBITS          0x01u /* NLRI with bits set past its length: cleared */
#define BGP_UPD_Q_AF_IGNORED        0x02u /* IPv4 fields on a session without IPv4
                                           * unicast: ignored */
#define BGP_UPD_Q_NEXTHOP_IGNORED   0x04u /* NEXT_HOP in an UPDATE whose only NLRI are in
                                           * MP_REACH_NLRI: ignored (RFC 4760 §3) */
#define BGP_UPD_Q_ESCALATED         0x08u /* treat-as-withdraw became a reset: no
                                           * reachable NLRI (RFC 7606 §5.2) */
#define BGP_UPD_Q_AS4_IGNORED       0x10u /* AS4_PATH or AS4_AGGREGATOR not used
                                           * (RFC 6793 §4.2.3) */
#define BGP_UPD_Q_AS4_CONFED        0x20u /* confed segments dropped from AS4_PATH
                                           * (RFC 6793 §6) */

/* Short text for one BGP_UPD_Q_* bit; NULL for anything else. */
const char *bgp_upd_quirk_name(uint32_t quirk);

/* What RFC 7606 made of an UPDATE. reason is for the log line. err is the
 * NOTIFICATION to send on BGP_UPD_RESET; on BGP_UPD_WITHDRAW it holds the one
 * RFC 4271 §6.3 would have sent, in case §5.2 turns the withdraw into a reset. */
struct bgp_upd_outcome {
	uint8_t action;             /* enum bgp_upd_action */
	const char *reason;         /* NULL when OK; static text */
	unsigned n_discard;         /* discards found (discard[] keeps the first ones) */
	struct bgp_upd_discard discard[BGP_UPD_MAX_DISCARD];
	uint32_t quirks;            /* BGP_UPD_Q_* (bgpd/update.h) */
	struct bgp_err err;
};

/* Record an error whose answer is action (> BGP_UPD_DISCARD), with the subcode
 * and data RFC 4271 §6.3 gives it. The first cause of the strongest action is
 * what reason and err keep. */
void bgp_outcome_raise(struct bgp_upd_outcome *o, uint8_t action, const char *why,
                       uint8_t subcode, const void *data, size_t len);
/* Record an attribute discarded (RFC 7606 §2 "attribute discard"). */
void bgp_outcome_discard(struct bgp_upd_outcome *o, uint8_t type, const char *why);

/* ---- decoding a Path Attributes field ---- */

/* Room for what decoding has to rebuild. A 2-octet AS_PATH of n octets takes at
 * most 2n as 4-octet, plus an AS4_PATH merged in; unknown attributes take one
 * octet more each than on the wire (a 2-octet length) — bounded by the largest
 * message. Large: keep one per decoding thread, not on a small stack. */
#define BGP_ATTR_TYPES              256     /* one-octet type codes */
#define BGP_ATTR_PATH_SCRATCH       (2 * BGP_EXT_MAX_LEN + BGP_AS_SEG_HDR_LEN)
#define BGP_ATTR_UNKNOWN_SCRATCH    (BGP_EXT_MAX_LEN + BGP_ATTR_TYPES)

/* Where an unknown attribute was met, by type (valid only for types kept). */
struct bgp_attr_unknown_at {
	const uint8_t *val;
	uint16_t len;
	uint8_t flags;
};

struct bgp_attr_scratch {
	uint8_t path[BGP_ATTR_PATH_SCRATCH];
	uint8_t unknown[BGP_ATTR_UNKNOWN_SCRATCH];
	struct bgp_attr_unknown_at unknown_at[BGP_ATTR_TYPES];
};

/* One attribute as found: the whole of it (for NOTIFICATION data) and its value. */
struct bgp_attr_raw {
	uint8_t flags;
	const uint8_t *attr;
	size_t attr_len;
	const uint8_t *val;
	size_t len;
};

/* MP_REACH_NLRI / MP_UNREACH_NLRI, found but not taken apart. */
struct bgp_attr_mp {
	bool has_reach, has_unreach;
	struct bgp_attr_raw reach, unreach;
};

/* Decode a Path Attributes field (RFC 4271 §4.3) into a, applying RFC 7606:
 * §4 (attribute lengths against the field), §3.c (flags), §3.g (repeats), §7
 * (each attribute), RFC 6793 §4.2.3 and §6 (AS4_*), RFC 5065 §5 (confed
 * segments from outside), RFC 7607 (AS 0). Unknown optional transitive
 * attributes are kept, unknown optional non-transitive ones quietly dropped
 * (RFC 4271 §5), an unrecognized well-known one resets the session (§6.3).
 * Findings go into o; *n_attrs counts the attributes met (End-of-RIB needs it).
 * Missing mandatory attributes are not judged here (that needs the NLRI):
 * bgp_attrs_check_mandatory. */
void bgp_attrs_decode(const struct bgp_attr_ctx *ctx, const uint8_t *p, size_t len,
                      struct bgp_attr_scratch *s, struct bgp_attrs *a,
                      struct bgp_attr_mp *mp, unsigned *n_attrs,
                      struct bgp_upd_outcome *o);

/* RFC 4271 §5, RFC 4760 §3, RFC 7606 §3.d: with reachable NLRI, ORIGIN and
 * AS_PATH must be there, NEXT_HOP when the IPv4 NLRI field is not empty, and
 * LOCAL_PREF from an internal peer; if not, treat-as-withdraw (err: Missing
 * Well-known Attribute, data the type code). */
void bgp_attrs_check_mandatory(const struct bgp_attr_ctx *ctx, const struct bgp_attrs *a,
                               bool v4_nlri, struct bgp_upd_outcome *o);

/* ---- encoding ---- */

#define BGP_ATTR_ENC_NO_NEXT_HOP 0x01u  /* leave NEXT_HOP out (MP-only UPDATE, RFC 4760 §3) */

/* Write every attribute of a except MP_*, in ascending type order (RFC 4271 §5),
 * with canonical flags (plus Partial where a->partial has it; always on unknown
 * ones, RFC 4271 §5) and Extended Length only for values over 255 octets. For a
 * 2-octet peer (!ctx->as4) AS_PATH and AGGREGATOR go 2-octet with AS_TRANS, and
 * AS4_PATH / AS4_AGGREGATOR are added when needed (RFC 6793 §4.2.2). The
 * encoder writes what it is given: leaving LOCAL_PREF out for an external peer
 * and the like is policy's job. Overflow sets w->err. */
void bgp_attrs_encode(const struct bgp_attrs *a, const struct bgp_attr_ctx *ctx,
                      unsigned opts, struct bgp_wr *w);
/* Write one attribute header (Extended Length when len > 255). */
void bgp_attr_put_hdr(struct bgp_wr *w, uint8_t flags, uint8_t type, size_t len);

/* ---- interning ---- */

/* Hash and equality over the content (not the addresses) of a set; equal sets
 * hash alike. A set decoded from different peers or widths compares equal when
 * it says the same thing. */
uint64_t bgp_attrs_hash(const struct bgp_attrs *a);
bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b);
/* Octets of variable-length data a views (what bgp_attrs_copy needs). */
size_t bgp_attrs_store_size(const struct bgp_attrs *a);
/* Copy src into dst with every view moved into store (bgp_attrs_store_size(src)
 * octets, caller-owned). */
void bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src, void *store);

/* ---- names ---- */

const char *bgp_attr_name(uint8_t type);            /* "AS_PATH"...; NULL if unknown */
const char *bgp_origin_name(uint8_t origin);        /* "IGP", "EGP", "incomplete", "?" */
const char *bgp_upd_action_name(uint8_t action);    /* "ok", "attribute-discard", ... */

#endif /* BGPD_ATTR_H */
