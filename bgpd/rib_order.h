/*
 * bgpd/rib_order.h — the records of a rib_pool in prefix order
 * (bgp_prefix_cmp), maintained lazily, for walks.
 *
 * Why lazily: a walk (show routes, route refresh, a new session's table dump)
 * is rare next to UPDATEs, and on a loaded machine every dependent cache miss
 * costs 200-400 ns. Keeping a search tree ordered on each new prefix costs one
 * miss per tree level (about 20 for a million prefixes: measured at ~2 us a
 * prefix, two thirds of an insert); appending the record's index to an array
 * costs nothing. So the order is:
 *   - ord[]: indices sorted as of the last compaction;
 *   - add[]: indices of records made since, the first add_sorted of them
 *     sorted, the rest in arrival order.
 * A walk sorts the tail of add[] (keys copied out first, so the sort touches
 * no record) and merges it into the sorted head, then merges ord[] and add[]
 * as it goes; when add[] has grown large next to ord[] it is cheaper to fold
 * it in for good (rib_order_compact). Binary search finds where to resume.
 *
 * The owner must not free a record held here except through
 * rib_order_compact, which drops the records its live() callback refuses
 * (calling drop() for each, after which they may be freed) — so indices here
 * never go stale. Memory: 4 octets a record (8 while being merged).
 */
#ifndef BGPD_RIB_ORDER_H
#define BGPD_RIB_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/prefix.h"
#include "bgpd/rib_pool.h"

struct rib_order {
	uint32_t *ord;
	size_t n_ord, cap_ord;
	uint32_t *add;
	size_t n_add, cap_add, add_sorted;
};

void rib_order_init(struct rib_order *o);
void rib_order_fini(struct rib_order *o);
/* Record idx (of a pool whose records begin with their struct bgp_prefix)
 * is new. -1 on ENOMEM. */
int rib_order_add(struct rib_order *o, uint32_t idx);
size_t rib_order_count(const struct rib_order *o);      /* records held, live or not */
/* Whether folding add[] into ord[] is due (add[] large next to ord[]). */
bool rib_order_compact_due(const struct rib_order *o);
/* One sorted ord[] of every record live() accepts; each refused one is handed
 * to drop() once (and is no longer held). -1 on ENOMEM: nothing changed. */
int rib_order_compact(struct rib_order *o, const struct rib_pool *pool,
                      bool (*live)(const void *rec, void *arg),
                      void (*drop)(uint32_t idx, void *arg), void *arg);
/* Sort the tail of add[] into its head (before iterating). -1 on ENOMEM. */
int rib_order_sort(struct rib_order *o, const struct rib_pool *pool);
size_t rib_order_bytes(const struct rib_order *o);

/* Iteration, in prefix order, after rib_order_sort and with no change to o
 * until done. */
struct rib_order_iter {
	size_t i, j;                /* next in ord[], in add[] */
};
/* Position on the first record whose prefix is >= *from (NULL: the first). */
void rib_order_iter_from(struct rib_order_iter *it, const struct rib_order *o,
                         const struct rib_pool *pool, const struct bgp_prefix *from);
/* The next record's index, RIB_NIL at the end. */
uint32_t rib_order_next(struct rib_order_iter *it, const struct rib_order *o,
                        const struct rib_pool *pool);
/* A record the iteration will come to about k records from now (RIB_NIL
 * near the end): something to prefetch, not an exact answer. */
static inline uint32_t rib_order_ahead(const struct rib_order_iter *it,
                                       const struct rib_order *o, size_t k)
{
	if (it->i + k < o->n_ord)
		return o->ord[it->i + k];
	return it->j + k < o->add_sorted ? o->add[it->j + k] : RIB_NIL;
}

#endif /* BGPD_RIB_ORDER_H */
