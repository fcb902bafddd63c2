/*
 * bgpd/update.h — the UPDATE message (RFC 4271 §4.3) whole: decoding with the
 * revised error handling of RFC 7606, multiprotocol NLRI (RFC 4760) for IPv4
 * and IPv6 unicast, End-of-RIB (RFC 4724 §2), and the encoder that packs as
 * many prefixes as fit.
 *
 * Decoding allocates nothing and copies no prefix: the result holds views into
 * the message (NLRI runs to walk with bgp_nlri_next, attribute views) and into
 * the bgp_update's own scratch. The caller keeps the message and the bgp_update
 * alive while it uses them, and reuses one bgp_update for every message (it is
 * large because of the scratch, which only 2-octet-AS peers and unknown
 * attributes touch).
 *
 * What the caller does with a decoded UPDATE (u->out.action):
 *   BGP_UPD_OK / BGP_UPD_DISCARD: withdraw every prefix of u->unreach[], then
 *       announce every prefix of u->reach[] with u->attrs (in that order: a
 *       prefix in both is announced, RFC 4271 §4.3); log u->out.discard[].
 *   BGP_UPD_WITHDRAW (treat-as-withdraw, RFC 7606 §2): the same — the decoder
 *       has already moved every reachable run into u->unreach[], so n_reach is
 *       0; log u->out.reason (and, RFC 7606 §6, the prefixes and the message).
 *   BGP_UPD_RESET: send u->out.err as a NOTIFICATION and close; runs and attrs
 *       are not to be used. bgp_update_decode returns -1 for this one only.
 *
 * Choices where the RFCs leave one:
 *   - AFI/SAFI disable (RFC 7606 §2, RFC 4760 §7) is not done: a malformed
 *     MP_REACH_NLRI / MP_UNREACH_NLRI resets the session (RFC 7606 §7.11
 *     allows either), with UPDATE Message Error / Optional Attribute Error as
 *     RFC 4760 §7 asks (Attribute Flags Error when it is the flags).
 *   - MP_* of a family not negotiated (or not IPv4/IPv6 unicast) is discarded
 *     (its NLRI cannot be trusted to parse), IPv4 NLRI fields on a session
 *     without IPv4 unicast ignored (BGP_UPD_Q_AF_IGNORED).
 *   - An MP_REACH_NLRI next hop that is not a unicast address (IPv4 as for
 *     NEXT_HOP; IPv6 ::, ::1, ff00::/8 unless a link-local follows ::) is
 *     treat-as-withdraw, like NEXT_HOP's (RFC 7606 §7.3).
 *   - A field ending inside an attribute (RFC 7606 §4) is treat-as-withdraw
 *     with Malformed Attribute List kept as the would-be NOTIFICATION.
 *   - LOCAL_PREF missing from an internal peer's announcement is treated like a
 *     missing well-known attribute (RFC 4271 §5.1.5 makes it required there).
 *   - IPv4 NLRI in MP_REACH_NLRI need a 4-octet next hop: RFC 8950 (IPv6 next
 *     hops for IPv4) is not negotiated by this codec yet.
 *
 * Round trips. decode(pack(x)) == x, with the same context, for any set and
 * prefixes pack accepts, except that an IPv4 announcement carries no mp_nh and
 * an IPv6 one no NEXT_HOP (RFC 4760 §3), and that an external peer's decoder
 * drops LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST (not sending them is policy's
 * job). pack(decode(bytes)) == bytes for canonical input: attributes in ascending
 * type order after MP_*, Extended Length only above 255 octets, no unused flag
 * bits, host bits zero, withdrawals and announcements in separate UPDATEs
 * (RFC 7606 §5.1). It cannot be otherwise for: unknown transitive attributes
 * (Partial is set when passing them on, RFC 4271 §5); repeated, discarded or
 * ignored attributes (gone); a non-zero MP_REACH_NLRI reserved octet (sent 0);
 * and, from a 2-octet peer, AS4_PATH / AS4_AGGREGATOR, which come back only when
 * needed and rebuilt from the merged path (RFC 6793 §4.2.2 — a confederation
 * segment that is neither leading nor next to the leading part does not survive
 * that trip, as RFC 6793 §4.2.3 defines the merge).
 */
#ifndef BGPD_UPDATE_H
#define BGPD_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/attr.h"
#include "bgpd/msg.h"
#include "bgpd/prefix.h"

/* What decoding and encoding need to know of the session. */
struct bgp_update_ctx {
	struct bgp_attr_ctx attr;   /* 4-octet AS, peer kind, first-AS check */
	bool ext_msg;               /* RFC 8654 Extended Messages negotiated */
	unsigned n_families;        /* (AFI, SAFI) both sides advertised */
	struct bgp_afisafi families[BGP_MAX_AFISAFI];
};

/* Fill ctx from the capabilities each side sent: 4-octet AS and extended
 * messages when both did; families both listed, a side without any MP
 * capability counting as IPv4 unicast only (RFC 4760 §8). */
void bgp_update_ctx_init(struct bgp_update_ctx *ctx, const struct bgp_caps *local,
                         const struct bgp_caps *peer, enum bgp_peer_kind kind,
                         uint32_t first_as);
bool bgp_update_ctx_has(const struct bgp_update_ctx *ctx, uint16_t afi, uint8_t safi);

/* Most runs one UPDATE can hold: the IPv4 NLRI field and MP_REACH_NLRI; the
 * Withdrawn Routes field and MP_UNREACH_NLRI — and under treat-as-withdraw all
 * four are withdrawals. */
#define BGP_UPD_MAX_REACH   2
#define BGP_UPD_MAX_UNREACH 4

struct bgp_update {
	struct bgp_upd_outcome out;
	bool eor;                   /* End-of-RIB marker (RFC 4724 §2) for eor_af */
	struct bgp_afisafi eor_af;
	unsigned n_reach, n_unreach;    /* runs with at least one prefix */
	struct bgp_nlri reach[BGP_UPD_MAX_REACH];
	struct bgp_nlri unreach[BGP_UPD_MAX_UNREACH];
	struct bgp_attrs attrs;
	struct bgp_attr_scratch scratch;    /* last: never cleared whole */
};

/* Decode one whole UPDATE (header included, len exactly its Length). Returns 0,
 * or -1 when the session must be reset (u->out.err is the NOTIFICATION). */
int bgp_update_decode(const struct bgp_update_ctx *ctx, const uint8_t *msg, size_t len,
                      struct bgp_update *u);

/* One log line for an outcome: "treat-as-withdraw: ORIGIN: undefined value;
 * discarded: LOCAL_PREF: from an external peer (...); quirks: ...", or "ok".
 * Returns the length of the whole line as snprintf does; NUL-terminates when
 * len > 0. (RFC 7606 §6 also wants the NLRI and the message logged: the caller
 * has both.) */
int bgp_upd_outcome_describe(const struct bgp_upd_outcome *o, char *buf, size_t len);

/* ---- encoding ---- */

/* What to send for one family. Withdrawals and announcements never share an
 * UPDATE (RFC 7606 §5.1): bgp_update_pack puts withdrawals first, in as many
 * messages as needed, then announcements. Prefixes must be of af's family. */
struct bgp_update_spec {
	struct bgp_afisafi af;      /* IPv4 or IPv6 unicast */
	const struct bgp_prefix *withdrawn;
	size_t n_withdrawn;
	const struct bgp_attrs *attrs;  /* needed with nlri: ORIGIN, AS_PATH and the
	                                 * next hop (NEXT_HOP for IPv4, mp_nh else) */
	const struct bgp_prefix *nlri;
	size_t n_nlri;
};

/* Write one UPDATE into buf (cap octets) no longer than the session allows
 * (4096, or 65535 with extended messages) or than cap: as many of the
 * withdrawals as fit if any are left, else as many of the announcements as fit
 * after the attributes. IPv4 uses the Withdrawn Routes and NLRI fields, IPv6
 * MP_UNREACH_NLRI / MP_REACH_NLRI (first of the attributes, RFC 7606 §5.1).
 * *n_withdrawn and *n_nlri say how many were taken from each list; advance the
 * lists and call again until both are used up. Returns the message length, or
 * -1: nothing to send, a family or prefix we do not encode, missing mandatory
 * attributes, or attributes that leave no room for a single prefix. */
int bgp_update_pack(const struct bgp_update_ctx *ctx, const struct bgp_update_spec *s,
                    uint8_t *buf, size_t cap, size_t *n_withdrawn, size_t *n_nlri);

/* The End-of-RIB marker for a family (RFC 4724 §2): the empty UPDATE for IPv4
 * unicast, else one holding only an empty MP_UNREACH_NLRI. */
int bgp_update_eor(uint16_t afi, uint8_t safi, uint8_t *buf, size_t cap);

#endif /* BGPD_UPDATE_H */
