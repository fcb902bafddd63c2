/*
 * bgpd/adjout.h — the Adj-RIB-Out of one peer (RFC 4271 §3.2, §9.2): what we
 * advertised to it, what is still to be sent, and packing that into UPDATEs.
 *
 * For each prefix: the attribute set the peer has from us (NULL: none), and
 * if that is to change, one pending change (the set we now want it to have,
 * NULL for a withdrawal). Pending changes are grouped by attribute set, in the
 * order the sets first became pending, so adjout_build fills each UPDATE with
 * as many prefixes sharing one set as fit — few, full messages (one UPDATE
 * carries any number of prefixes with one set of attributes, RFC 4271 §4.3).
 * A change that undoes itself before it is sent disappears: a prefix announced
 * and withdrawn again before the peer heard of it costs nothing, and a route
 * the peer has that is withdrawn goes out as a withdrawal only.
 *
 * Memory, per prefix advertised: a 32-octet record in a rib_pool slab and an
 * 8-octet hash slot (rib_pfxhash.h); a pending change adds a 24-octet record
 * until it is sent. Sets are shared (attrset.h): one reference per record.
 *
 * Pure: adjout_build writes a message into a caller's buffer; the caller
 * sends it (and calls again while adjout_pending says there is more).
 */
#ifndef BGPD_ADJOUT_H
#define BGPD_ADJOUT_H

#include <stddef.h>
#include <stdint.h>

#include "bgpd/attrset.h"
#include "bgpd/prefix.h"
#include "bgpd/update.h"

struct adjout;

struct adjout *adjout_new(struct attrset_table *attrs);
void adjout_free(struct adjout *o);     /* drops every reference it holds */
/* The attributes we now want the peer to have for p (already through export
 * rules and export policy and interned); NULL = withdraw. If it differs from
 * what was last sent, p is pending (once). Takes its own reference. -1 on
 * ENOMEM (errno EINVAL: p not a valid IPv4 / IPv6 prefix). */
int adjout_set(struct adjout *o, const struct bgp_prefix *p, const struct attrset *a);
size_t adjout_pending(const struct adjout *o);
size_t adjout_pending_af(const struct adjout *o, uint16_t afi);
/* Pack pending changes of family afi (BGP_AFI_IPV4/IPV6, unicast) into ONE
 * UPDATE in buf (cap octets; give at least BGP_MAX_LEN, or BGP_EXT_MAX_LEN
 * with extended messages) with bgp_update_pack: withdrawals first, then
 * announcements, each UPDATE carrying as many prefixes sharing one attrset as
 * fit. What was packed counts as sent. Returns the message length, 0 when
 * nothing of afi is pending, -1 on a prefix/attr set that cannot be encoded:
 * it is dropped from pending and counted in adjout_errors (and a prefix the
 * peer had under older attributes gets a pending withdrawal instead, so the
 * peer does not keep a route we no longer have). Calling again until 0 always
 * terminates. */
int adjout_build(struct adjout *o, const struct bgp_update_ctx *ctx, uint16_t afi,
                 uint8_t *buf, size_t cap);
size_t adjout_errors(const struct adjout *o);
size_t adjout_count(const struct adjout *o);     /* prefixes currently advertised */
/* What the peer has or is about to get: sent, or pending-announce (NULL for
 * a pending withdrawal or nothing). */
const struct attrset *adjout_get(const struct adjout *o, const struct bgp_prefix *p);
/* Every prefix adjout_get gives a set for, in no particular order; fn returns
 * non-zero to stop (returned). fn must not change o. */
int adjout_walk(const struct adjout *o,
                int (*fn)(const struct bgp_prefix *p, const struct attrset *a, void *arg),
                void *arg);
/* ROUTE-REFRESH from the peer (RFC 2918 §4, RFC 7313): everything advertised
 * is to be sent again; each such prefix not already pending becomes a pending
 * announcement of the set it has (adjout_set with that same set keeps it so).
 * -1 on ENOMEM (what was marked stays marked). */
int adjout_refresh(struct adjout *o);
void adjout_clear(struct adjout *o);             /* session down: forget everything */
size_t adjout_bytes(const struct adjout *o);     /* memory held (sets not counted) */

#endif /* BGPD_ADJOUT_H */
