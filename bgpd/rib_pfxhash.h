/*
 * bgpd/rib_pfxhash.h — prefix → record index, an open-addressing hash table.
 *
 * The records themselves live in a rib_pool and begin with their struct
 * bgp_prefix (the key: memcmp-able, see prefix.h); the table holds only
 * <index, 32 bits of hash> per slot, 8 octets, so probing compares hashes
 * without touching the records and a lookup costs about one record access.
 * Linear probing, at most 3/4 full, doubling; deletion shifts the following
 * entries back, so there are no tombstones to pile up under churn.
 */
#ifndef BGPD_RIB_PFXHASH_H
#define BGPD_RIB_PFXHASH_H

#include <stddef.h>
#include <stdint.h>

#include "bgpd/prefix.h"
#include "bgpd/rib_pool.h"

struct rib_pfxslot {
	uint32_t idx;               /* RIB_NIL: empty */
	uint32_t hash;              /* low 32 bits of rib_pfx_hash: its home slot too */
};

struct rib_pfxhash {
	struct rib_pfxslot *slot;
	uint32_t mask;              /* slots - 1; slot == NULL while empty */
	uint32_t count;
};

uint64_t rib_pfx_hash(const struct bgp_prefix *p);

void rib_pfxhash_init(struct rib_pfxhash *h);
void rib_pfxhash_fini(struct rib_pfxhash *h);
/* The index of the record holding p, or RIB_NIL. */
uint32_t rib_pfxhash_find(const struct rib_pfxhash *h, const struct rib_pool *pool,
                          const struct bgp_prefix *p);
/* Ask the CPU to fetch p's home slot (before a find some steps later). */
void rib_pfxhash_prefetch(const struct rib_pfxhash *h, const struct bgp_prefix *p);
/* The index in the first slot on p's probe path whose hash matches, without
 * looking at the record (so it may be another prefix's): what to prefetch. */
uint32_t rib_pfxhash_peek(const struct rib_pfxhash *h, const struct bgp_prefix *p);
/* Add record idx (its prefix must not be in the table yet). -1 on ENOMEM. */
int rib_pfxhash_add(struct rib_pfxhash *h, const struct rib_pool *pool, uint32_t idx);
/* Remove record idx (which must be in the table). */
void rib_pfxhash_del(struct rib_pfxhash *h, const struct rib_pool *pool, uint32_t idx);
size_t rib_pfxhash_bytes(const struct rib_pfxhash *h);
/* Slots to look at when walking every record: slot[0 .. rib_pfxhash_slots). */
static inline size_t rib_pfxhash_slots(const struct rib_pfxhash *h)
{
	return h->slot ? (size_t)h->mask + 1 : 0;
}

#endif /* BGPD_RIB_PFXHASH_H */
