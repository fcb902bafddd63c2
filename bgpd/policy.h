/*
 * bgpd/policy.h — import and export policies (doc/bgpd.yaml.md "Policies") run
 * over one route: match its prefix and attributes against a policy's terms, apply
 * the deciding term's changes, accept or reject.
 *
 * DOC: a policy is the validated struct config_policy that config/ loads; it is
 * run as written, nothing is compiled. Terms are tried in order. A term whose
 * match holds applies its `then` changes to the route's attributes; if the term
 * has an action (accept/reject) that decides, else the route goes on to the next
 * term with its changes kept — so a later term sees (and may match on) what an
 * earlier one added. Routes no term decided get the policy's default. A route
 * with no policy at all is rejected (RFC 8212 §3; for iBGP sessions the caller
 * accepts instead, RFC 8212 only speaks of eBGP).
 *
 * Pure: no clock, no I/O, no allocation. What a change rebuilds (COMMUNITIES,
 * LARGE_COMMUNITY, AS_PATH) is written into a caller-owned policy_scratch and the
 * attribute set's views pointed at it; everything else a set views is left where
 * it was. An attribute value never grows past 65535 octets (the Extended Length
 * limit, RFC 4271 §4.3): a change that would make it larger rejects the route
 * with a reason rather than send something no peer can parse.
 */
#ifndef BGPD_POLICY_H
#define BGPD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/attr.h"
#include "bgpd/prefix.h"
#include "config/config.h"

/* The largest attribute value: a 2-octet Attribute Length (RFC 4271 §4.3). */
#define POLICY_ATTR_MAX BGP_ATTR_LEN_MAX

/* What can be rebuilt, each into its own pair of buffers. */
enum policy_slot {
	POLICY_SLOT_COMMUNITIES,    /* policy: add/remove-community */
	POLICY_SLOT_LARGE,          /* policy: add/remove-large-community */
	POLICY_SLOT_ASPATH,         /* policy: prepend; export: the local AS to eBGP */
	POLICY_SLOT_CLUSTER,        /* export: CLUSTER_LIST when reflecting */
	POLICY_SLOT_EXT,            /* export: non-transitive extended communities dropped */
	POLICY_SLOT_COUNT
};

/*
 * Room for what a policy (and bgpd/export.c) rewrites. Each slot has two buffers
 * of the largest attribute value: a rebuild reads the current view and writes
 * the buffer it is not in, so export rules followed by an export policy, or two
 * terms prepending in turn, chain through one scratch. Views into it stay valid
 * until the scratch is used for another route. About 640 KiB: one per thread,
 * reused for every route, never on a small stack.
 *
 * term and why say what decided the last policy_apply (for trace lines).
 */
#define POLICY_TERM_DEFAULT SIZE_MAX        /* decided by the policy's default */
#define POLICY_TERM_NONE    (SIZE_MAX - 1)  /* no policy (RFC 8212) */

struct policy_scratch {
	uint8_t buf[POLICY_SLOT_COUNT][2][POLICY_ATTR_MAX];
	size_t term;                /* index of the deciding term, or POLICY_TERM_* */
	const char *why;            /* static text: how the verdict came about */
};

/* The route a policy looks at, besides its attributes. */
struct policy_route {
	const struct bgp_prefix *prefix;
	const struct config_addr *neighbor; /* the peer the route comes from (import)
	                                     * or goes to (export) */
	uint16_t afi;                       /* BGP_AFI_IPV4 / BGP_AFI_IPV6 */
	uint32_t local_as;                  /* for prepend_as == 0 */
	const uint8_t *self_nh;             /* our address on that session, for */
	uint8_t self_nh_len;                /* next-hop self: 4 or 16 octets */
	const uint8_t *self_ll;             /* our IPv6 link-local on a shared link, or
	                                     * NULL (RFC 2545 §3: sent after self) */
};

enum policy_verdict { POLICY_REJECT = 0, POLICY_ACCEPT = 1 };

/*
 * Run pol's terms in order (see DOC above). *a is modified in place; its views
 * may afterwards point into s. On POLICY_REJECT *a may hold part of a term's
 * changes: discard it. Reasons to reject besides the policy's own: a change that
 * would take an attribute past POLICY_ATTR_MAX octets, and `set-next-hop: self`
 * with no address of the route's family on the session (a next hop we cannot
 * fill must not stay the old one). `set-next-hop` to an address of the other
 * family leaves the next hop alone: the term was written for the other family.
 * pol == NULL → POLICY_REJECT (RFC 8212: the caller handles iBGP, where no
 * policy means accept).
 */
enum policy_verdict policy_apply(const struct config_policy *pol, const struct policy_route *r,
                                 struct bgp_attrs *a, struct policy_scratch *s);

/* Whether every condition of m holds for the route (bgpd/policy_match.c).
 * An empty match holds for every route. */
bool policy_match(const struct config_match *m, const struct policy_route *r,
                  const struct bgp_attrs *a);

/* "accept" / "reject". */
const char *policy_verdict_name(enum policy_verdict v);

/* ---- building blocks, shared with bgpd/export.c (bgpd/policy_comm.c) ---- */

/* The buffer of slot k that does not hold busy (the view about to be rebuilt),
 * POLICY_ATTR_MAX octets. */
uint8_t *policy_scratch_buf(struct policy_scratch *s, enum policy_slot k, const void *busy);

/* Edit a COMMUNITIES value (n * 4 octets, RFC 1997): drop those in del, then add
 * those in add; the result is sorted ascending without duplicates, as routers
 * send it. Returns 1 when nothing would change (*res untouched, out unused), 0
 * with *res viewing out (len 0 when none are left), -1 when the result would not
 * fit in cap octets. in must not overlap out. */
int policy_comm_edit(const struct bgp_view *in, const struct config_u32_list *del,
                     const struct config_u32_list *add, uint8_t *out, size_t cap,
                     struct bgp_view *res);
/* The same for LARGE_COMMUNITY (n * 12 octets, RFC 8092 §3: duplicates MUST
 * NOT be sent), ordered by global administrator, then the two local parts. */
int policy_large_edit(const struct bgp_view *in, const struct config_large_list *del,
                      const struct config_large_list *add, uint8_t *out, size_t cap,
                      struct bgp_view *res);

#endif /* BGPD_POLICY_H */
