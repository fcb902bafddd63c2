/*
 * bgpd/rib.h — the Adj-RIBs-In (per peer, before and after import policy) and
 * the Loc-RIB (RFC 4271 §3.2), in one structure: for each prefix, an entry
 * holding one path per peer that sent it, the best first.
 *
 * Pure: no clock, no I/O. The glue (bgpd/rib_glue.c) decodes UPDATEs, runs
 * import policy, interns attribute sets (bgpd/attrset.h) and calls
 * rib_update/rib_withdraw; the RIB runs the decision process (bgpd/decide.h)
 * for the prefix touched and, when its best path changed, puts the prefix on a
 * change queue the glue drains (rib_next_change) to update the Adj-RIBs-Out.
 * The queue is intrusive (a link in each entry), so queueing never allocates,
 * and a prefix that flaps many times before the glue runs is on it once.
 *
 * Layout, for a million prefixes with a few paths each:
 *   - entries (32 octets) and paths (48 octets) live in rib_pool slabs, no
 *     malloc per route; links between them are 32-bit indices where they are
 *     private;
 *   - prefix → entry is an open-addressing hash (rib_pfxhash.h, ~11 octets a
 *     prefix), for the per-UPDATE lookups;
 *   - the prefix order that rib_walk needs (show routes, route refresh,
 *     resumable from any prefix) is an array of entry indices sorted lazily,
 *     at walk time (rib_order.h, 4 octets a prefix): a search tree kept
 *     ordered on every new prefix cost two thirds of an insert;
 *   - an entry left with no path stays (its prefix may well come back) and
 *     empty entries are reclaimed in one pass once they are as many as the
 *     others, so rib_order never holds a stale index;
 *   - each peer's paths are on a doubly-linked list, so flushing a session's
 *     routes visits only that peer's, in budgeted slices (rib_peer_flush).
 *
 * Path order within an entry. MED is compared only between paths from the same
 * neighbouring AS (RFC 4271 §9.1.2.2 c), which makes "better than" not
 * transitive: comparing the paths one after the other could pick a best that
 * depends on the order they arrived in. So the paths are kept sorted by
 * (eligible first, neighbour AS, then decide_cmp), where decide_cmp is a total
 * order inside one neighbour AS; the first path of each neighbour AS is that
 * AS's winner, and the best is the best of the winners (between which MED is
 * never compared, so that comparison is a plain total order). Same inputs,
 * same best, whatever the history — what is called "deterministic MED"
 * elsewhere. That best is then moved to the front: rib_paths gives the best
 * first, then the others in that order.
 */
#ifndef BGPD_RIB_H
#define BGPD_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/attrset.h"
#include "bgpd/prefix.h"

#define RIB_PEER_LOCAL 0u           /* the pseudo-peer of our own networks/announcements */

enum rib_peer_kind { RIB_PEER_EBGP, RIB_PEER_IBGP, RIB_PEER_LOCAL_KIND };

struct rib_peer_info {
	uint8_t kind;               /* enum rib_peer_kind */
	bool rr_client;             /* RFC 4456 client of ours */
	uint32_t remote_as;
	uint32_t bgp_id;            /* peer's BGP Identifier, host order (0 until Established) */
	struct bgp_prefix addr;     /* the peer's address as a host prefix (/32 or /128) */
};

struct rib_path {               /* one route for one prefix from one peer */
	struct rib_path *next;      /* the entry's next path (rib_paths order) */
	uint32_t peer;              /* rib peer id */
	uint32_t flags;             /* RIB_PATH_* */
	const struct attrset *in;   /* as received (Adj-RIB-In pre-policy), never NULL */
	const struct attrset *eff;  /* after import policy; NULL = rejected by policy */
	/* private: */
	uint32_t self;              /* its own pool index */
	uint32_t entry;             /* its entry's pool index */
	uint32_t peer_next, peer_prev;  /* the peer's list of paths */
};

#define RIB_PATH_NH_UNREACH 0x1u    /* next hop not reachable: not eligible (RFC 4271 §9.1.2) */
#define RIB_PATH_FLAGS      RIB_PATH_NH_UNREACH     /* every flag the caller may set */

struct rib_entry;               /* one prefix: its paths and its best */
struct rib;

struct rib_cfg {
	uint32_t local_as, router_id;
	uint32_t cluster_id;        /* RFC 4456 §7; 0: the router id */
};

struct rib *rib_new(const struct rib_cfg *cfg, struct attrset_table *attrs);
/* Frees everything, dropping the references the paths hold. */
void rib_free(struct rib *r);
const struct rib_cfg *rib_get_cfg(const struct rib *r);
/* Later decisions use the new values; nothing is re-evaluated now (a change of
 * AS or router id resets every session, which empties the RIB anyway). */
void rib_set_cfg(struct rib *r, const struct rib_cfg *cfg);

/* Peers: ids are small integers (the lowest free one; reused after remove); id
 * 0 is RIB_PEER_LOCAL, always there. */
uint32_t rib_peer_add(struct rib *r, const struct rib_peer_info *info); /* UINT32_MAX on ENOMEM */
/* If the peer holds paths and its kind, BGP Identifier or address changed,
 * each of its prefixes is decided again (O(its paths)): call it before routes
 * arrive (at Established) and it costs nothing. */
void rib_peer_set_info(struct rib *r, uint32_t peer, const struct rib_peer_info *info);
const struct rib_peer_info *rib_peer_get(const struct rib *r, uint32_t peer); /* NULL: none */
/* Meant for once it holds no path; if it still holds some they are flushed
 * first (in one go). RIB_PEER_LOCAL cannot be removed. */
void rib_peer_remove(struct rib *r, uint32_t peer);

/* Adj-RIB-In changes. rib_update takes its own references on in/eff (the
 * caller keeps its own). Replaces the peer's previous path for p. Returns 0,
 * -1 on ENOMEM (errno EINVAL: no such peer, in NULL, or p not a valid IPv4 /
 * IPv6 prefix). */
int rib_update(struct rib *r, uint32_t peer, const struct bgp_prefix *p,
               const struct attrset *in, const struct attrset *eff, uint32_t flags);
/* 1 if the peer had a path for p (now gone), 0 if not. */
int rib_withdraw(struct rib *r, uint32_t peer, const struct bgp_prefix *p);
/* The same for the n prefixes of one UPDATE (which share their attributes):
 * faster, as the memory each needs is fetched while earlier ones are handled
 * — on a loaded machine most of an update is waiting for memory. Return how
 * many were applied (n, or fewer on error, errno set as for rib_update) and
 * how many paths were withdrawn. */
size_t rib_update_many(struct rib *r, uint32_t peer, const struct bgp_prefix *p, size_t n,
                       const struct attrset *in, const struct attrset *eff, uint32_t flags);
size_t rib_withdraw_many(struct rib *r, uint32_t peer, const struct bgp_prefix *p, size_t n);
/* Session down: drop up to budget of the peer's paths; returns how many are
 * left (call again from the event loop until 0, so a 1M-route flush never
 * blocks the loop). */
size_t rib_peer_flush(struct rib *r, uint32_t peer, size_t budget);
size_t rib_peer_count(const struct rib *r, uint32_t peer);      /* paths held from the peer */
size_t rib_peer_accepted(const struct rib *r, uint32_t peer);   /* of those, eff != NULL */

/* Loc-RIB changes: every prefix whose best path changed (new best, gone, or
 * same path with new eff) goes on a change queue, each prefix at most once
 * until taken, oldest first. The glue takes them: */
bool rib_next_change(struct rib *r, struct bgp_prefix *p);      /* false when empty */
size_t rib_changes_pending(const struct rib *r);

/* Lookups and walks. An entry pointer is valid until the RIB next changes. */
const struct rib_entry *rib_lookup(const struct rib *r, const struct bgp_prefix *p); /* NULL: no path */
const struct rib_path *rib_best(const struct rib_entry *e);     /* NULL: no eligible path */
const struct rib_path *rib_paths(const struct rib_entry *e);    /* all, best first */
static inline const struct rib_path *rib_path_next(const struct rib_path *p)
{
	return p->next;
}
const struct bgp_prefix *rib_entry_prefix(const struct rib_entry *e);
/* Whether a path may be selected: accepted by policy, next hop reachable. */
bool rib_path_eligible(const struct rib_path *p);

/* Every prefix holding a path, in prefix order (bgp_prefix_cmp) from *from
 * (inclusive; NULL: the start); fn returns non-zero to stop, and the walk
 * returns that value (0 when it went to the end; -1 on ENOMEM before the
 * first). fn must not change the RIB. The first walk after many new prefixes
 * sorts them (O(k log k) for k new ones).
 * To walk in slices: have fn stop at the first entry it does not handle (the
 * budget is spent), keep that entry's prefix, and walk again from it later.
 * Used by `show routes` and by route refresh. */
typedef int (*rib_walk_fn)(const struct rib_entry *e, void *arg);
int rib_walk(const struct rib *r, const struct bgp_prefix *from, rib_walk_fn fn, void *arg);

/* Re-evaluate paths when next-hop reachability changes: set the flags
 * (RIB_PATH_*) of one path (no-op when the peer has none for p); the best is
 * recomputed and queued as a change when it moves. */
void rib_path_set_flags(struct rib *r, uint32_t peer, const struct bgp_prefix *p, uint32_t flags);

struct rib_stats {
	size_t prefixes[2];         /* [0] IPv4 [1] IPv6, with a best */
	size_t paths;
	size_t bytes;               /* memory the RIB holds, not counting attribute sets */
};
void rib_stats(const struct rib *r, struct rib_stats *out);

#endif /* BGPD_RIB_H */
