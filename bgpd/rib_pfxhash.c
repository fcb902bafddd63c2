/*
 * bgpd/rib_pfxhash.c — see rib_pfxhash.h.
 */
#include "bgpd/rib_pfxhash.h"

#include <stdbool.h>
#include <string.h>

#include "bgpd/rib_mem.h"

#define PFXHASH_MIN_SLOTS   64u
#define PFXHASH_LOAD_NUM    3u      /* grow past 3/4 full */
#define PFXHASH_LOAD_DEN    4u

/* Multipliers with well-spread bits (2^64/phi and two of the murmur3 ones). */
#define MIX1 UINT64_C(0x9e3779b97f4a7c15)
#define MIX2 UINT64_C(0xff51afd7ed558ccd)
#define MIX3 UINT64_C(0xc4ceb9fe1a85ec53)
#define ADDR_WORD 8                 /* the address hashed as two 64-bit words */

uint64_t rib_pfx_hash(const struct bgp_prefix *p)
{
	uint64_t w0, w1, h;

	memcpy(&w0, p->addr, ADDR_WORD);
	memcpy(&w1, p->addr + ADDR_WORD, ADDR_WORD);
	h = (w0 ^ ((uint64_t)p->len << 8 | p->af)) * MIX1;
	h ^= w1 * MIX3;
	h ^= h >> 33;
	h *= MIX2;
	h ^= h >> 33;
	return h;
}

static const struct bgp_prefix *key_of(const struct rib_pool *pool, uint32_t idx)
{
	return rib_pool_at(pool, idx);
}

void rib_pfxhash_init(struct rib_pfxhash *h)
{
	memset(h, 0, sizeof(*h));
}

void rib_pfxhash_fini(struct rib_pfxhash *h)
{
	rib_mem_free(h->slot, rib_pfxhash_bytes(h));
	memset(h, 0, sizeof(*h));
}

uint32_t rib_pfxhash_find(const struct rib_pfxhash *h, const struct rib_pool *pool,
                          const struct bgp_prefix *p)
{
	uint32_t hv, i;

	if (!h->slot)
		return RIB_NIL;
	hv = (uint32_t)rib_pfx_hash(p);
	for (i = hv & h->mask;; i = (i + 1) & h->mask) {
		const struct rib_pfxslot *s = &h->slot[i];

		if (s->idx == RIB_NIL)
			return RIB_NIL;
		if (s->hash == hv && bgp_prefix_eq(key_of(pool, s->idx), p))
			return s->idx;
	}
}

void rib_pfxhash_prefetch(const struct rib_pfxhash *h, const struct bgp_prefix *p)
{
	if (h->slot)
		__builtin_prefetch(&h->slot[(uint32_t)rib_pfx_hash(p) & h->mask]);
}

uint32_t rib_pfxhash_peek(const struct rib_pfxhash *h, const struct bgp_prefix *p)
{
	uint32_t hv, i;

	if (!h->slot)
		return RIB_NIL;
	hv = (uint32_t)rib_pfx_hash(p);
	for (i = hv & h->mask; h->slot[i].idx != RIB_NIL; i = (i + 1) & h->mask)
		if (h->slot[i].hash == hv)
			return h->slot[i].idx;
	return RIB_NIL;
}

static void put(struct rib_pfxslot *slot, uint32_t mask, uint32_t idx, uint32_t hv)
{
	uint32_t i = hv & mask;

	while (slot[i].idx != RIB_NIL)
		i = (i + 1) & mask;
	slot[i].idx = idx;
	slot[i].hash = hv;
}

static int resize(struct rib_pfxhash *h, size_t n)
{
	struct rib_pfxslot *s;

	if (n > (size_t)UINT32_MAX + 1)
		return -1;
	s = rib_mem_alloc(n * sizeof(*s));
	if (!s)
		return -1;
	for (size_t i = 0; i < rib_pfxhash_slots(h); i++)
		if (h->slot[i].idx != RIB_NIL)
			put(s, (uint32_t)(n - 1), h->slot[i].idx, h->slot[i].hash);
	rib_mem_free(h->slot, rib_pfxhash_bytes(h));
	h->slot = s;
	h->mask = (uint32_t)(n - 1);
	return 0;
}

int rib_pfxhash_add(struct rib_pfxhash *h, const struct rib_pool *pool, uint32_t idx)
{
	size_t slots = rib_pfxhash_slots(h);

	if ((size_t)(h->count + 1) * PFXHASH_LOAD_DEN > slots * PFXHASH_LOAD_NUM &&
	    resize(h, slots ? slots * 2 : PFXHASH_MIN_SLOTS) < 0)
		return -1;
	put(h->slot, h->mask, idx, (uint32_t)rib_pfx_hash(key_of(pool, idx)));
	h->count++;
	return 0;
}

/* Whether home slot k lies cyclically in (i, j]: then the entry at j may stay. */
static bool reachable(uint32_t i, uint32_t j, uint32_t k)
{
	return i <= j ? (i < k && k <= j) : (i < k || k <= j);
}

void rib_pfxhash_del(struct rib_pfxhash *h, const struct rib_pool *pool, uint32_t idx)
{
	uint32_t hv, i, j;

	if (!h->slot)
		return;
	hv = (uint32_t)rib_pfx_hash(key_of(pool, idx));
	for (i = hv & h->mask; h->slot[i].idx != idx; i = (i + 1) & h->mask)
		if (h->slot[i].idx == RIB_NIL)
			return;             /* not there: nothing to do */
	/* Backward shift: move up every later entry of the run that would no
	 * longer be found past the hole. */
	for (j = i;;) {
		j = (j + 1) & h->mask;
		if (h->slot[j].idx == RIB_NIL)
			break;
		if (reachable(i, j, h->slot[j].hash & h->mask))
			continue;
		h->slot[i] = h->slot[j];
		i = j;
	}
	h->slot[i].idx = RIB_NIL;
	h->slot[i].hash = 0;
	h->count--;
}

size_t rib_pfxhash_bytes(const struct rib_pfxhash *h)
{
	return rib_pfxhash_slots(h) * sizeof(struct rib_pfxslot);
}
