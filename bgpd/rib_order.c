/*
 * bgpd/rib_order.c — see rib_order.h.
 */
#include "bgpd/rib_order.h"

#include <stdlib.h>
#include <string.h>

#define ORDER_ADD_MIN   4096u   /* below this, add[] is merged on the fly */
#define ORDER_CAP_MIN   1024u
#define KEY_W0_BYTES    7       /* address octets in the first key word */
#define KEY_W1_BYTES    8       /* ... in the second; the last one goes in k2 */
#define OCTET_BITS      8

/* A prefix as three integers comparing like bgp_prefix_cmp (family, address
 * octets, length), so a sort compares keys without touching the records. */
struct okey {
	uint64_t k0, k1;
	uint32_t k2;
	uint32_t idx;
};

static const struct bgp_prefix *rec_key(const struct rib_pool *pool, uint32_t idx)
{
	return rib_pool_at(pool, idx);
}

static struct okey key_of(const struct bgp_prefix *p, uint32_t idx)
{
	struct okey k = { (uint64_t)p->af, 0, 0, idx };
	unsigned i;

	for (i = 0; i < KEY_W0_BYTES; i++)
		k.k0 = k.k0 << OCTET_BITS | p->addr[i];
	for (; i < KEY_W0_BYTES + KEY_W1_BYTES; i++)
		k.k1 = k.k1 << OCTET_BITS | p->addr[i];
	k.k2 = (uint32_t)p->addr[i] << OCTET_BITS | p->len;
	return k;
}

static int okey_cmp(const void *va, const void *vb)
{
	const struct okey *a = va, *b = vb;

	if (a->k0 != b->k0)
		return a->k0 < b->k0 ? -1 : 1;
	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	if (a->k2 != b->k2)
		return a->k2 < b->k2 ? -1 : 1;
	return 0;
}

static int idx_cmp(const struct rib_pool *pool, uint32_t a, uint32_t b)
{
	return bgp_prefix_cmp(rec_key(pool, a), rec_key(pool, b));
}

void rib_order_init(struct rib_order *o)
{
	memset(o, 0, sizeof(*o));
}

void rib_order_fini(struct rib_order *o)
{
	free(o->ord);
	free(o->add);
	memset(o, 0, sizeof(*o));
}

int rib_order_add(struct rib_order *o, uint32_t idx)
{
	if (o->n_add == o->cap_add) {
		size_t cap = o->cap_add ? o->cap_add * 2 : ORDER_CAP_MIN;
		uint32_t *n = realloc(o->add, cap * sizeof(*n));

		if (!n)
			return -1;
		o->add = n;
		o->cap_add = cap;
	}
	o->add[o->n_add++] = idx;
	return 0;
}

size_t rib_order_count(const struct rib_order *o)
{
	return o->n_ord + o->n_add;
}

bool rib_order_compact_due(const struct rib_order *o)
{
	return o->n_add > ORDER_ADD_MIN && o->n_add * 2 > o->n_ord;
}

int rib_order_sort(struct rib_order *o, const struct rib_pool *pool)
{
	size_t head = o->add_sorted, tail = o->n_add - head, i, j, k;
	struct okey *keys;
	uint32_t *merged;

	if (tail == 0)
		return 0;
	keys = malloc(tail * sizeof(*keys));
	merged = malloc(o->cap_add * sizeof(*merged));
	if (!keys || !merged) {
		free(keys);
		free(merged);
		return -1;
	}
	for (i = 0; i < tail; i++)
		keys[i] = key_of(rec_key(pool, o->add[head + i]), o->add[head + i]);
	qsort(keys, tail, sizeof(*keys), okey_cmp);
	/* merge the sorted head with the newly sorted tail */
	for (i = 0, j = 0, k = 0; i < head || j < tail; k++) {
		if (j == tail || (i < head && idx_cmp(pool, o->add[i], keys[j].idx) < 0))
			merged[k] = o->add[i++];
		else
			merged[k] = keys[j++].idx;
	}
	free(keys);
	free(o->add);
	o->add = merged;
	o->add_sorted = o->n_add;
	return 0;
}

int rib_order_compact(struct rib_order *o, const struct rib_pool *pool,
                      bool (*live)(const void *rec, void *arg),
                      void (*drop)(uint32_t idx, void *arg), void *arg)
{
	size_t n = o->n_ord + o->n_add, i = 0, j = 0, k = 0;
	uint32_t *out;

	if (rib_order_sort(o, pool) < 0)
		return -1;
	out = malloc((n ? n : 1) * sizeof(*out));
	if (!out)
		return -1;
	while (i < o->n_ord || j < o->n_add) {
		uint32_t idx;

		if (j == o->n_add || (i < o->n_ord && idx_cmp(pool, o->ord[i], o->add[j]) < 0))
			idx = o->ord[i++];
		else
			idx = o->add[j++];
		if (live(rib_pool_at(pool, idx), arg))
			out[k++] = idx;
		else
			drop(idx, arg);     /* may free it: not looked at again */
	}
	free(o->ord);
	o->ord = out;
	o->n_ord = k;
	o->cap_ord = n ? n : 1;
	o->n_add = o->add_sorted = 0;
	return 0;
}

size_t rib_order_bytes(const struct rib_order *o)
{
	return (o->cap_ord + o->cap_add) * sizeof(uint32_t);
}

/* The first position in v[0..n) whose prefix is >= *p. */
static size_t lower_bound(const uint32_t *v, size_t n, const struct rib_pool *pool,
                          const struct bgp_prefix *p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bgp_prefix_cmp(rec_key(pool, v[mid]), p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void rib_order_iter_from(struct rib_order_iter *it, const struct rib_order *o,
                         const struct rib_pool *pool, const struct bgp_prefix *from)
{
	it->i = from ? lower_bound(o->ord, o->n_ord, pool, from) : 0;
	it->j = from ? lower_bound(o->add, o->add_sorted, pool, from) : 0;
}

uint32_t rib_order_next(struct rib_order_iter *it, const struct rib_order *o,
                        const struct rib_pool *pool)
{
	bool has_i = it->i < o->n_ord, has_j = it->j < o->add_sorted;

	if (has_i && (!has_j || idx_cmp(pool, o->ord[it->i], o->add[it->j]) < 0))
		return o->ord[it->i++];
	if (has_j)
		return o->add[it->j++];
	return RIB_NIL;
}
