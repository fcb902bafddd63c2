/*
 * bgpd/attrset.h — interned, reference-counted path attribute sets.
 *
 * A full table holds a million routes but only some tens of thousands of
 * distinct attribute sets, so routes never own their attributes: each points
 * at one shared, immutable set (OpenBGPD's rde_aspath / BIRD's rta do the
 * same). attrset_intern finds the set equal to a decoded bgp_attrs
 * (bgp_attrs_equal: same content, wherever its views point) or makes one,
 * copying every view into the set's own storage, so a set outlives the message
 * it came from. Equal sets are one object: comparing two interned sets is
 * comparing two pointers, which is what the Adj-RIB-Out groups and the change
 * detection rely on.
 *
 * Sets live in a chained hash table keyed by bgp_attrs_hash that doubles when
 * it gets full; a set is freed when its last reference goes.
 *
 * A few values the decision process reads for every comparison (AS_PATH length,
 * neighbour AS, CLUSTER_LIST length) are computed once here, not per
 * comparison.
 */
#ifndef BGPD_ATTRSET_H
#define BGPD_ATTRSET_H

#include <stddef.h>
#include <stdint.h>

#include "bgpd/attr.h"

struct attrset {                /* immutable once interned */
	struct bgp_attrs a;         /* views point into this object's own storage */
	uint64_t hash;              /* bgp_attrs_hash(&a) */
	uint32_t refcnt;
	/* Derived once, for the decision process (bgpd/decide.c): */
	uint32_t as_path_len;       /* bgp_aspath_length: RFC 4271 §9.1.2.2 a */
	uint32_t neighbor_as;       /* bgp_aspath_neighbor (0: none), §9.1.2.2 c */
	uint32_t cluster_len;       /* CLUSTER_LIST entries, RFC 4456 §9 */
	/* private: */
	struct attrset *chain;      /* next in the hash bucket */
	size_t store_len;           /* octets of store[] */
	uint8_t store[];            /* what the views of a point at */
};

struct attrset_table;

struct attrset_table *attrset_table_new(void);
/* Every set must be unreferenced by then (sets still held are freed too, but
 * whoever held them now holds dangling pointers). */
void attrset_table_free(struct attrset_table *t);
/* Find or create the set equal to a (bgp_attrs_equal); returns it with one
 * reference taken for the caller; NULL on allocation failure. a's views may
 * point anywhere. */
const struct attrset *attrset_intern(struct attrset_table *t, const struct bgp_attrs *a);
const struct attrset *attrset_ref(const struct attrset *s);     /* +1, returns s */
void attrset_unref(struct attrset_table *t, const struct attrset *s); /* NULL ok; frees at 0 */
size_t attrset_count(const struct attrset_table *t);
size_t attrset_bytes(const struct attrset_table *t);            /* memory held */

#endif /* BGPD_ATTRSET_H */
