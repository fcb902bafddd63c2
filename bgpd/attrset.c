/*
 * bgpd/attrset.c — see attrset.h. A chained hash table: a set is one
 * allocation (the struct with its views' bytes after it) and carries its own
 * chain link, so the table itself is only an array of bucket heads.
 */
#include "bgpd/attrset.h"

#include <stdlib.h>
#include <string.h>

#include "bgpd/aspath.h"

#define ATTRSET_BUCKETS_MIN 1024u   /* a small daemon never resizes */
#define ATTRSET_LOAD_MAX    1u      /* sets per bucket before the table doubles */

struct attrset_table {
	struct attrset **bucket;
	size_t n_bucket;            /* a power of two */
	size_t count;
	size_t bytes;               /* of the sets themselves */
};

struct attrset_table *attrset_table_new(void)
{
	struct attrset_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->bucket = calloc(ATTRSET_BUCKETS_MIN, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		return NULL;
	}
	t->n_bucket = ATTRSET_BUCKETS_MIN;
	return t;
}

void attrset_table_free(struct attrset_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_bucket; i++) {
		struct attrset *s = t->bucket[i], *next;

		for (; s; s = next) {
			next = s->chain;
			free(s);
		}
	}
	free(t->bucket);
	free(t);
}

static size_t slot_of(const struct attrset_table *t, uint64_t hash)
{
	return (size_t)hash & (t->n_bucket - 1);
}

/* Double the bucket array. On allocation failure the table just stays more
 * loaded: still correct, only slower. */
static void grow(struct attrset_table *t)
{
	size_t n = t->n_bucket * 2;
	struct attrset **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < t->n_bucket; i++) {
		struct attrset *s = t->bucket[i], *next;

		for (; s; s = next) {
			size_t j = (size_t)s->hash & (n - 1);

			next = s->chain;
			s->chain = b[j];
			b[j] = s;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->n_bucket = n;
}

static uint32_t cluster_len_of(const struct bgp_attrs *a)
{
	return (uint32_t)(a->cluster_list.len / BGP_CLUSTER_ID_LEN);
}

static struct attrset *make(const struct bgp_attrs *a, uint64_t hash)
{
	size_t store = bgp_attrs_store_size(a);
	struct attrset *s = malloc(sizeof(*s) + store);

	if (!s)
		return NULL;
	bgp_attrs_copy(&s->a, a, s->store);
	s->hash = hash;
	s->refcnt = 1;
	s->as_path_len = bgp_aspath_length(&s->a.aspath);
	s->neighbor_as = bgp_aspath_neighbor(&s->a.aspath);
	s->cluster_len = cluster_len_of(&s->a);
	s->chain = NULL;
	s->store_len = store;
	return s;
}

const struct attrset *attrset_intern(struct attrset_table *t, const struct bgp_attrs *a)
{
	uint64_t hash = bgp_attrs_hash(a);
	struct attrset *s;
	size_t i = slot_of(t, hash);

	for (s = t->bucket[i]; s; s = s->chain)
		if (s->hash == hash && bgp_attrs_equal(&s->a, a))
			return attrset_ref(s);
	s = make(a, hash);
	if (!s)
		return NULL;
	s->chain = t->bucket[i];
	t->bucket[i] = s;
	t->count++;
	t->bytes += sizeof(*s) + s->store_len;
	if (t->count > t->n_bucket * ATTRSET_LOAD_MAX)
		grow(t);
	return s;
}

const struct attrset *attrset_ref(const struct attrset *s)
{
	/* Immutable for its users; the count is the one field the table owns. */
	((struct attrset *)s)->refcnt++;
	return s;
}

void attrset_unref(struct attrset_table *t, const struct attrset *s)
{
	struct attrset **pp;

	if (!s || --((struct attrset *)s)->refcnt > 0)
		return;
	for (pp = &t->bucket[slot_of(t, s->hash)]; *pp; pp = &(*pp)->chain) {
		if (*pp == s) {
			*pp = s->chain;
			break;
		}
	}
	t->count--;
	t->bytes -= sizeof(*s) + s->store_len;
	free((struct attrset *)s);
}

size_t attrset_count(const struct attrset_table *t)
{
	return t->count;
}

size_t attrset_bytes(const struct attrset_table *t)
{
	return sizeof(*t) + t->n_bucket * sizeof(*t->bucket) + t->bytes;
}
