/*
 * bgpd/export.h — the protocol's own export rules: what a route's attributes
 * become when sent to a peer, before (and after) the peer's export policy.
 *
 * DOC: which routes may go where (RFC 1997 well-known communities, iBGP split
 * horizon, route reflection RFC 4456 §6, §8) and how their attributes change at
 * an AS boundary (RFC 4271 §5.1: AS_PATH, NEXT_HOP, MED, LOCAL_PREF). Pure: the
 * caller says who the route came from and where it goes; rebuilt values go into
 * a policy_scratch (bgpd/policy.h), no allocation.
 *
 * Order in the daemon: export_build, then the export policy (policy_apply), then
 * export_finish, which puts back what a policy must not change on the wire.
 */
#ifndef BGPD_EXPORT_H
#define BGPD_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd/attr.h"
#include "bgpd/policy.h"

/* Kinds of peer a route comes from or goes to. The values are those of enum
 * rib_peer_kind (bgpd/rib.h): RIB_PEER_EBGP, RIB_PEER_IBGP, RIB_PEER_LOCAL_KIND. */
#define EXPORT_KIND_EBGP  0
#define EXPORT_KIND_IBGP  1
#define EXPORT_KIND_LOCAL 2     /* originated here (a configured network) */

/* LOCAL_PREF given to iBGP peers when a route has none (RFC 4271 §5.1.5 makes
 * it mandatory there, but sets no value): the customary default. */
#define EXPORT_DEFAULT_LOCAL_PREF 100

struct export_target {
	uint8_t kind;            /* EXPORT_KIND_EBGP / EXPORT_KIND_IBGP */
	bool rr_client;
	bool next_hop_self;
	uint32_t remote_as;
	const uint8_t *self_nh;  /* our address on the session, */
	uint8_t self_nh_len;     /* 4 or 16 octets */
	const uint8_t *self_ll;  /* our IPv6 link-local on the session or NULL */
};

struct export_source {
	uint8_t kind;            /* EXPORT_KIND_EBGP / EXPORT_KIND_IBGP / EXPORT_KIND_LOCAL */
	bool rr_client;
	uint32_t bgp_id;         /* the source peer's BGP Identifier (the
	                          * ORIGINATOR_ID when reflecting) */
};

struct export_cfg { uint32_t local_as, router_id, cluster_id; };

/*
 * Build the attributes to send for a route (in: src's attrs as selected) of
 * family afi to t; out receives a copy with views into in's storage or into s.
 * Returns 0 to send, or -1 with *why (static text) not to send. Rules:
 * - NO_ADVERTISE: never sent; NO_EXPORT, NO_EXPORT_SUBCONFED: not to eBGP
 *   (RFC 1997; no confederations here, so the AS is the boundary).
 * - iBGP-learned routes go to iBGP peers only by reflection (RFC 4456 §6): from
 *   a client to all clients and non-clients, from a non-client to clients only.
 *   Reflecting sets ORIGINATOR_ID (if absent) to the source's BGP id, prepends
 *   our cluster id to CLUSTER_LIST (RFC 4456 §8) and changes nothing else:
 *   NEXT_HOP, AS_PATH, LOCAL_PREF and MED stay (§10) — next_hop_self included.
 * - To eBGP: never to an AS already in AS_PATH (the peer would drop it as a
 *   loop, RFC 4271 §9.1.2); prepend local_as to AS_PATH (§5.1.2); NEXT_HOP =
 *   self (§5.1.3: IPv4 NEXT_HOP, or for IPv6 our global address plus the
 *   link-local when t->self_ll, RFC 2545 §3); drop LOCAL_PREF (§5.1.5); drop
 *   MED of learned routes (§5.1.4), keep it on local ones; drop ORIGINATOR_ID,
 *   CLUSTER_LIST (RFC 4456 §8) and non-transitive extended communities (RFC
 *   4360 §6).
 * - To iBGP: NEXT_HOP kept unless next_hop_self or the route is local (then
 *   self); a kept IPv6 next hop loses its link-local part (RFC 2545 §3: only
 *   meaningful on the link it came over); LOCAL_PREF 100 when absent (§5.1.5);
 *   AS_PATH unchanged (empty for local routes, §5.1.2); ORIGINATOR_ID and
 *   CLUSTER_LIST of a route not reflected dropped.
 * - Local routes (EXPORT_KIND_LOCAL): ORIGIN as configured, AS_PATH as given
 *   (empty, so eBGP peers get just local_as). Their next hop is self unless
 *   their attributes carry one (a network's configured `next-hop`,
 *   doc/bgpd.yaml.md), which is kept for every peer.
 * Refused also: a family other than IPv4/IPv6, no address of the route's family
 * of ours on the session when the next hop must be self, an AS_PATH or
 * CLUSTER_LIST that would pass 65535 octets.
 */
int export_build(const struct export_cfg *cfg, const struct export_source *src,
                 const struct bgp_attrs *in, uint16_t afi, const struct export_target *t,
                 struct bgp_attrs *out, struct policy_scratch *s, const char **why);

/* After the export policy: take out again what the policy may have set but
 * the wire must not carry — LOCAL_PREF to eBGP (RFC 4271 §5.1.5) — and give
 * iBGP peers a LOCAL_PREF if there is none. */
void export_finish(const struct export_target *t, struct bgp_attrs *a);

#endif /* BGPD_EXPORT_H */
