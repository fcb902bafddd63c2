/*
 * bgpd/policy_comm.c — rebuilding community lists for a policy: COMMUNITIES
 * (RFC 1997, 4-octet values) and LARGE_COMMUNITY (RFC 8092, 12-octet values),
 * and the scratch buffers rebuilt values go into.
 *
 * Both lists are handled as arrays of fixed-size items in wire form, compared
 * as big-endian words — a large community by global administrator, then local
 * data 1, then local data 2 — so one sort-and-dedup serves both. Nothing is
 * copied unless the edit changes something, and nothing is allocated.
 */
#include <stdint.h>
#include <string.h>

#include "bgpd/policy.h"

/* A list of items taken from the config (host byte order) or from the wire. */
struct items {
	size_t isz;                 /* BGP_COMMUNITY_LEN or BGP_LARGE_COMMUNITY_LEN */
	size_t n;
	const uint32_t *comm;       /* isz 4: config communities */
	const struct config_large_community *large;  /* isz 12 */
};

static void put_be32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

/* Item i of a config list in wire form. */
static void item_wire(const struct items *l, size_t i, uint8_t out[BGP_LARGE_COMMUNITY_LEN])
{
	if (l->isz == BGP_COMMUNITY_LEN) {
		put_be32(out, l->comm[i]);
		return;
	}
	put_be32(out, l->large[i].global);
	put_be32(out + 4, l->large[i].local1);
	put_be32(out + 8, l->large[i].local2);
}

/* Order two items as numbers: word by word (a community is one big-endian
 * word, a large community three). */
static int item_cmp(const uint8_t *x, const uint8_t *y, size_t isz)
{
	for (size_t k = 0; k < isz; k += 4) {
		uint32_t a = bgp_get_u32be(x + k), b = bgp_get_u32be(y + k);

		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

static bool in_config(const struct items *l, const uint8_t *item)
{
	uint8_t w[BGP_LARGE_COMMUNITY_LEN];

	if (l->isz == BGP_COMMUNITY_LEN) {
		uint32_t c = bgp_get_u32be(item);

		for (size_t i = 0; i < l->n; i++)
			if (l->comm[i] == c)
				return true;
		return false;
	}
	for (size_t i = 0; i < l->n; i++) {
		item_wire(l, i, w);
		if (item_cmp(w, item, l->isz) == 0)
			return true;
	}
	return false;
}

static bool in_wire(const uint8_t *v, size_t n, size_t isz, const uint8_t *item)
{
	for (size_t i = 0; i < n; i++)
		if (item_cmp(v + i * isz, item, isz) == 0)
			return true;
	return false;
}

static void item_swap(uint8_t *x, uint8_t *y, size_t isz)
{
	uint8_t t[BGP_LARGE_COMMUNITY_LEN];

	memcpy(t, x, isz);
	memcpy(x, y, isz);
	memcpy(y, t, isz);
}

/* Heap sort: in place, n log n whatever the input, and no allocation (qsort
 * may allocate for a large array). */
static void sift_down(uint8_t *v, size_t root, size_t n, size_t isz)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && item_cmp(v + child * isz, v + (child + 1) * isz, isz) < 0)
			child++;
		if (item_cmp(v + root * isz, v + child * isz, isz) >= 0)
			return;
		item_swap(v + root * isz, v + child * isz, isz);
		root = child;
	}
}

#define INSERTION_SORT_MAX 16   /* below this, insertion sort is faster */

static void sort_items(uint8_t *v, size_t n, size_t isz)
{
	if (n <= INSERTION_SORT_MAX) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && item_cmp(v + (j - 1) * isz, v + j * isz, isz) > 0;
			     j--)
				item_swap(v + (j - 1) * isz, v + j * isz, isz);
		return;
	}
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n, isz);
	for (size_t end = n - 1; end > 0; end--) {
		item_swap(v, v + end * isz, isz);
		sift_down(v, 0, end, isz);
	}
}

/* Sort v[0..n) and squeeze out repeats; returns the new count. */
static size_t sort_unique(uint8_t *v, size_t n, size_t isz)
{
	size_t k = 0;

	if (n < 2)
		return n;
	sort_items(v, n, isz);
	for (size_t i = 1; i < n; i++)
		if (item_cmp(v + k * isz, v + i * isz, isz) != 0) {
			k++;
			if (k != i)
				memcpy(v + k * isz, v + i * isz, isz);
		}
	return k + 1;
}

/* Binary search in the sorted v[0..n). */
static bool in_sorted(const uint8_t *v, size_t n, size_t isz, const uint8_t *item)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = item_cmp(v + mid * isz, item, isz);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Whether the edit changes anything: something to drop is there, or something
 * to add is not. */
static bool edit_changes(const uint8_t *v, size_t n, size_t isz, const struct items *del,
                         const struct items *add)
{
	uint8_t w[BGP_LARGE_COMMUNITY_LEN];

	if (del->n)
		for (size_t i = 0; i < n; i++)
			if (in_config(del, v + i * isz))
				return true;
	for (size_t i = 0; i < add->n; i++) {
		item_wire(add, i, w);
		if (!in_wire(v, n, isz, w))
			return true;
	}
	return false;
}

static int edit(const struct bgp_view *in, const struct items *del, const struct items *add,
                uint8_t *out, size_t cap, struct bgp_view *res)
{
	const size_t isz = del->isz;
	const size_t n_in = in->len / isz, max = cap / isz;
	uint8_t w[BGP_LARGE_COMMUNITY_LEN];
	size_t n = 0, sorted;

	if (!edit_changes(in->data, n_in, isz, del, add))
		return 1;
	/* RFC 1997 / RFC 8092: what is left of the route's own values, first */
	for (size_t i = 0; i < n_in; i++) {
		const uint8_t *item = in->data + i * isz;

		if (del->n && in_config(del, item))
			continue;
		if (n == max)
			return -1;
		memcpy(out + n * isz, item, isz);
		n++;
	}
	n = sorted = sort_unique(out, n, isz);
	/* Then the additions not already there. When the room runs out, squeeze the
	 * tail in with the rest before giving up: the config may repeat itself. */
	for (size_t i = 0; i < add->n; i++) {
		item_wire(add, i, w);
		if (in_sorted(out, sorted, isz, w))
			continue;
		if (n == max) {
			n = sorted = sort_unique(out, n, isz);
			if (in_sorted(out, sorted, isz, w))
				continue;
			if (n == max)
				return -1;
		}
		memcpy(out + n * isz, w, isz);
		n++;
	}
	n = sort_unique(out, n, isz);
	res->data = n ? out : NULL;
	res->len = n * isz;
	return 0;
}

int policy_comm_edit(const struct bgp_view *in, const struct config_u32_list *del,
                     const struct config_u32_list *add, uint8_t *out, size_t cap,
                     struct bgp_view *res)
{
	struct items d = { BGP_COMMUNITY_LEN, del ? del->n : 0, del ? del->v : NULL, NULL };
	struct items a = { BGP_COMMUNITY_LEN, add ? add->n : 0, add ? add->v : NULL, NULL };

	return edit(in, &d, &a, out, cap, res);
}

int policy_large_edit(const struct bgp_view *in, const struct config_large_list *del,
                      const struct config_large_list *add, uint8_t *out, size_t cap,
                      struct bgp_view *res)
{
	struct items d = { BGP_LARGE_COMMUNITY_LEN, del ? del->n : 0, NULL, del ? del->v : NULL };
	struct items a = { BGP_LARGE_COMMUNITY_LEN, add ? add->n : 0, NULL, add ? add->v : NULL };

	return edit(in, &d, &a, out, cap, res);
}

uint8_t *policy_scratch_buf(struct policy_scratch *s, enum policy_slot k, const void *busy)
{
	uint8_t *first = s->buf[k][0];
	uintptr_t b = (uintptr_t)busy, lo = (uintptr_t)first;

	/* addresses compared as integers: busy may point anywhere (a message, a
	 * RIB copy), and only the pointer into buffer 0 needs telling apart */
	return b >= lo && b < lo + sizeof(s->buf[k][0]) ? s->buf[k][1] : first;
}
