/*
 * bgpd/rib_pool.c — see rib_pool.h.
 */
#include "bgpd/rib_pool.h"

#include <stdlib.h>
#include <string.h>

#include "bgpd/rib_mem.h"

#define RIB_POOL_CHUNKS_MIN 16u
#define RIB_POOL_MAX_INDEX  UINT32_MAX

void rib_pool_init(struct rib_pool *p, size_t obj_size, unsigned shift)
{
	memset(p, 0, sizeof(*p));
	p->obj_size = (uint32_t)(obj_size < sizeof(uint32_t) ? sizeof(uint32_t) : obj_size);
	p->shift = shift;
	p->fresh = 1;               /* index 0 is RIB_NIL */
}

void rib_pool_fini(struct rib_pool *p)
{
	for (uint32_t i = 0; i < p->n_chunk; i++)
		rib_mem_free(p->chunk[i], (size_t)p->obj_size << p->shift);
	free(p->chunk);
	memset(p, 0, sizeof(*p));
}

/* Make sure the chunk holding index idx exists. */
static int ensure_chunk(struct rib_pool *p, uint32_t idx)
{
	uint32_t c = idx >> p->shift;

	if (c < p->n_chunk)
		return 0;
	if (p->n_chunk == p->cap_chunk) {
		uint32_t cap = p->cap_chunk ? p->cap_chunk * 2 : RIB_POOL_CHUNKS_MIN;
		uint8_t **n = realloc(p->chunk, (size_t)cap * sizeof(*n));

		if (!n)
			return -1;
		p->chunk = n;
		p->cap_chunk = cap;
	}
	p->chunk[p->n_chunk] = rib_mem_alloc((size_t)p->obj_size << p->shift);
	if (!p->chunk[p->n_chunk])
		return -1;
	p->n_chunk++;
	return 0;
}

uint32_t rib_pool_alloc(struct rib_pool *p)
{
	uint32_t idx;
	void *o;

	if (p->free_head != RIB_NIL) {
		idx = p->free_head;
		o = rib_pool_at(p, idx);
		memcpy(&p->free_head, o, sizeof(p->free_head));
	} else {
		if (p->fresh == RIB_POOL_MAX_INDEX || ensure_chunk(p, p->fresh) < 0)
			return RIB_NIL;
		idx = p->fresh++;
		o = rib_pool_at(p, idx);
	}
	memset(o, 0, p->obj_size);
	p->live++;
	return idx;
}

void rib_pool_free(struct rib_pool *p, uint32_t idx)
{
	if (idx == RIB_NIL)
		return;
	memcpy(rib_pool_at(p, idx), &p->free_head, sizeof(p->free_head));
	p->free_head = idx;
	p->live--;
}

void rib_pool_trim(struct rib_pool *p)
{
	uint32_t obj_size = p->obj_size, shift = p->shift;

	if (p->live > 0 || p->n_chunk == 0)
		return;
	rib_pool_fini(p);
	rib_pool_init(p, obj_size, shift);
}

size_t rib_pool_bytes(const struct rib_pool *p)
{
	return (size_t)p->n_chunk * ((size_t)p->obj_size << p->shift) +
	       (size_t)p->cap_chunk * sizeof(*p->chunk);
}
