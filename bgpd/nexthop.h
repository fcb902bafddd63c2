/*
 * bgpd/nexthop.h — is a BGP next hop reachable? (RFC 4271 §9.1.2: a route
 * whose NEXT_HOP cannot be resolved is not eligible for the decision process.)
 *
 * Our TCP runs beside the host's, sharing its addresses and routing table, so
 * the kernel's table is the one that says where a next hop is: a connect() on
 * a UDP socket asks for a route without sending anything. An address that
 * routes to one of our own addresses (loopback) is not a usable next hop
 * either (RFC 4271 §6.3: a NEXT_HOP that is the receiver's own address).
 *
 * Answers are cached for NEXTHOP_TTL_MS; a route is judged when it arrives, so
 * a next hop that becomes reachable later is picked up by the next UPDATE or
 * refresh. This is the driver side: it makes syscalls; the RIB only sees the
 * RIB_PATH_NH_UNREACH flag it produces.
 */
#ifndef BGPD_NEXTHOP_H
#define BGPD_NEXTHOP_H

#include <stdbool.h>
#include <stdint.h>

#define NEXTHOP_CACHE_SIZE  1024    /* power of two */
#define NEXTHOP_TTL_MS      30000u

struct nexthop_entry {
	uint8_t af;                     /* 0 = empty; 4 or 6 */
	bool reachable;
	uint8_t addr[16];
	uint64_t expires_ms;
};

struct nexthop_cache {
	struct nexthop_entry e[NEXTHOP_CACHE_SIZE];
	uint64_t lookups, misses;
};

/* af is 4 or 6; addr holds 4 or 16 octets in network order. */
bool nexthop_reachable(struct nexthop_cache *c, uint8_t af, const uint8_t *addr,
                       uint64_t now_ms);

#endif /* BGPD_NEXTHOP_H */
