/*
 * bgpd/decide.h — the BGP decision process, RFC 4271 §9.1: comparing two
 * eligible paths to one destination (Phase 2, §9.1.2 and its tie breaks
 * §9.1.2.2, with the route reflection changes of RFC 4456 §9), and the loop
 * checks that make a route ineligible on import (RFC 4271 §9.1.2, RFC 4456 §8).
 *
 * Pure functions of their arguments; the RIB (bgpd/rib.c) applies decide_cmp
 * so that the result does not depend on the order paths arrived in (see the
 * note on MED in rib.h).
 */
#ifndef BGPD_DECIDE_H
#define BGPD_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd/attr.h"
#include "bgpd/rib.h"

/* LOCAL_PREF of a path without one (RFC 4271 §9.1.1 leaves the degree of
 * preference to local policy; 100 is the common default). */
#define DECIDE_DEFAULT_LOCAL_PREF 100u

/* < 0 when a is better than b, > 0 when b is better, never 0 for different
 * peers (0 only for a path compared with itself or another of the same peer).
 * For eligible paths (eff != NULL, no NH_UNREACH). In order:
 *   1. RIB_PEER_LOCAL first (our own announcements);
 *   2. highest LOCAL_PREF (of eff; absent = DECIDE_DEFAULT_LOCAL_PREF), the
 *      degree of preference of §9.1.1;
 *   3. shortest AS_PATH (AS_SET counts 1, confederation segments 0:
 *      §9.1.2.2 a, RFC 5065 §5.3);
 *   4. lowest ORIGIN (§9.1.2.2 b);
 *   5. lowest MED, only between paths from the same neighbouring AS (absent
 *      MED = 0, §9.1.2.2 c);
 *   6. eBGP over iBGP (§9.1.2.2 d);
 *      (§9.1.2.2 e, interior cost, is skipped: no IGP metric is known, which
 *      the RFC equates with equal costs);
 *   7. lowest BGP Identifier, ORIGINATOR_ID instead when present (§9.1.2.2 f,
 *      RFC 4456 §9);
 *   8. shortest CLUSTER_LIST (RFC 4456 §9);
 *   9. lowest peer address (§9.1.2.2 g);
 *  10. lowest peer id (two sessions with one address: only for determinism). */
int decide_cmp(const struct rib *r, const struct rib_path *a, const struct rib_path *b);

/* The neighbouring AS of §9.1.2.2 c, whose paths' MEDs are comparable: the
 * first AS of the AS_PATH past confederation segments; for a path with no
 * such AS (empty, or beginning with an AS_SET) the peer's AS for an external
 * peer, else our own AS (a route originated inside our AS). */
uint32_t decide_neighbor_as(const struct rib *r, const struct rib_path *p);

/* Import loop checks (RFC 4271 §9.1.2, RFC 4456 §8): our AS in the AS_PATH
 * (any segment, so also a member-AS loop, RFC 5065 §4); and from internal
 * peers, our router id as ORIGINATOR_ID or our cluster id in the CLUSTER_LIST.
 * Returns NULL, or the reason (static text). */
const char *decide_loop(const struct rib_cfg *cfg, const struct bgp_attrs *a, bool ibgp);

#endif /* BGPD_DECIDE_H */
