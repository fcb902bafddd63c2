/*
 * bgpd/rib_pool.h — a pool of fixed-size objects named by 32-bit indices, for
 * the millions of small records the RIB and the Adj-RIBs-Out hold.
 *
 * Why not malloc per record: a million 32-octet mallocs cost a million calls
 * and 16 octets of allocator header each; and why indices: links between
 * records take 4 octets instead of 8. Objects live in chunks of 2^shift that
 * never move, so a pointer to an object stays valid until it is freed (the RIB
 * hands such pointers out). Freed objects go on a free list threaded through
 * their first four octets and are reused first. Index 0 is never handed out:
 * it is the "none" of every index link.
 */
#ifndef BGPD_RIB_POOL_H
#define BGPD_RIB_POOL_H

#include <stddef.h>
#include <stdint.h>

#define RIB_NIL 0u                  /* "no object" */

struct rib_pool {
	uint8_t **chunk;
	uint32_t n_chunk, cap_chunk;
	uint32_t obj_size;              /* >= 4 */
	uint32_t shift;                 /* objects per chunk: 1 << shift */
	uint32_t fresh;                 /* next never-used index */
	uint32_t free_head;             /* RIB_NIL when empty */
	size_t live;                    /* objects allocated */
};

void rib_pool_init(struct rib_pool *p, size_t obj_size, unsigned shift);
void rib_pool_fini(struct rib_pool *p);             /* frees every object at once */
/* A zeroed object's index, RIB_NIL on ENOMEM (or 2^32 objects). */
uint32_t rib_pool_alloc(struct rib_pool *p);
void rib_pool_free(struct rib_pool *p, uint32_t idx);
/* Give the memory back if no object is allocated (a burst is over). */
void rib_pool_trim(struct rib_pool *p);
size_t rib_pool_bytes(const struct rib_pool *p);    /* memory held, free or not */

static inline void *rib_pool_at(const struct rib_pool *p, uint32_t idx)
{
	return p->chunk[idx >> p->shift] + (size_t)(idx & ((1u << p->shift) - 1)) * p->obj_size;
}

#endif /* BGPD_RIB_POOL_H */
