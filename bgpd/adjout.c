/*
 * bgpd/adjout.c — see adjout.h.
 *
 * Records (one per prefix the peer has or is to get) are found by prefix
 * through a rib_pfxhash. A pending change is a separate small record on the
 * FIFO list of its group: the (attribute set, family) it announces, or the
 * family's withdrawals. Groups are found by set through a small chained hash,
 * and the non-empty announcement groups of a family wait on a FIFO of their
 * own, oldest first, so no set waits behind a stream of newer ones.
 */
#include "bgpd/adjout.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/rib_pfxhash.h"
#include "bgpd/rib_pool.h"

#define ADJOUT_REC_SHIFT    12u     /* 4096 records (128 KiB) per chunk */
#define ADJOUT_PEND_SHIFT   10u
#define ADJOUT_GROUP_SHIFT  8u
#define ADJOUT_GBUCKETS_MIN 64u
#define ADJOUT_SCRATCH_MIN  1024u   /* prefixes gathered for one UPDATE */
#define ADJOUT_N_AF         2       /* IPv4, IPv6 unicast */
#define GROUP_HASH_MUL      UINT64_C(0x9e3779b97f4a7c15)

#define REC_FORCE           0x01u   /* resend even what the peer has (refresh) */

struct adjout_rec {
	struct bgp_prefix prefix;   /* first: the rib_pfxhash key */
	uint8_t flags;              /* REC_* */
	uint8_t spare;
	uint32_t pend;              /* its pending change, RIB_NIL if none */
	const struct attrset *sent; /* what the peer has from us; NULL: nothing */
};

struct adjout_pend {
	uint32_t rec;
	uint32_t group;
	uint32_t next, prev;        /* the group's FIFO */
	const struct attrset *want; /* a reference; NULL: withdraw */
};

struct adjout_group {
	const struct attrset *a;    /* NULL: the withdrawals (each pend holds a reference) */
	uint32_t head, tail;        /* pending changes, oldest first */
	uint32_t count;
	uint32_t fnext, fprev;      /* the family's FIFO of announcement groups */
	uint32_t hnext;             /* group hash chain */
	uint8_t af;                 /* af_slot */
};

struct adjout {
	struct attrset_table *attrs;
	struct rib_pool recs, pends, groups;
	struct rib_pfxhash index;
	uint32_t *gbucket;          /* group hash: heads of hnext chains */
	uint32_t gmask;
	uint32_t n_groups;
	uint32_t withdraw[ADJOUT_N_AF];             /* withdrawal group, or RIB_NIL */
	uint32_t fhead[ADJOUT_N_AF], ftail[ADJOUT_N_AF];
	size_t pending[ADJOUT_N_AF];
	size_t advertised;
	size_t errors;
	struct bgp_prefix *scratch; /* prefixes handed to bgp_update_pack */
	size_t scratch_cap;
};

static int af_slot(uint8_t af)
{
	return af == BGP_AFI_IPV6 ? 1 : 0;
}

static struct adjout_rec *rec_at(const struct adjout *o, uint32_t i)
{
	return rib_pool_at(&o->recs, i);
}

static struct adjout_pend *pend_at(const struct adjout *o, uint32_t i)
{
	return rib_pool_at(&o->pends, i);
}

static struct adjout_group *group_at(const struct adjout *o, uint32_t i)
{
	return rib_pool_at(&o->groups, i);
}

/* ---- setup ---- */

static void init_tables(struct adjout *o)
{
	rib_pool_init(&o->recs, sizeof(struct adjout_rec), ADJOUT_REC_SHIFT);
	rib_pool_init(&o->pends, sizeof(struct adjout_pend), ADJOUT_PEND_SHIFT);
	rib_pool_init(&o->groups, sizeof(struct adjout_group), ADJOUT_GROUP_SHIFT);
	rib_pfxhash_init(&o->index);
	for (int i = 0; i < ADJOUT_N_AF; i++) {
		o->withdraw[i] = RIB_NIL;
		o->fhead[i] = o->ftail[i] = RIB_NIL;
		o->pending[i] = 0;
	}
	memset(o->gbucket, 0, ((size_t)o->gmask + 1) * sizeof(*o->gbucket));
	o->n_groups = 0;
	o->advertised = 0;
}

struct adjout *adjout_new(struct attrset_table *attrs)
{
	struct adjout *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->attrs = attrs;
	o->gbucket = calloc(ADJOUT_GBUCKETS_MIN, sizeof(*o->gbucket));
	o->scratch = malloc(ADJOUT_SCRATCH_MIN * sizeof(*o->scratch));
	if (!o->gbucket || !o->scratch) {
		free(o->gbucket);
		free(o->scratch);
		free(o);
		return NULL;
	}
	o->gmask = ADJOUT_GBUCKETS_MIN - 1;
	o->scratch_cap = ADJOUT_SCRATCH_MIN;
	init_tables(o);
	return o;
}

/* Drop every reference and free every record. */
static void drop_all(struct adjout *o)
{
	for (size_t i = 0; i < rib_pfxhash_slots(&o->index); i++) {
		const struct adjout_rec *r;

		if (o->index.slot[i].idx == RIB_NIL)
			continue;
		r = rec_at(o, o->index.slot[i].idx);
		attrset_unref(o->attrs, r->sent);
		if (r->pend != RIB_NIL)
			attrset_unref(o->attrs, pend_at(o, r->pend)->want);
	}
	rib_pfxhash_fini(&o->index);
	rib_pool_fini(&o->groups);
	rib_pool_fini(&o->pends);
	rib_pool_fini(&o->recs);
}

void adjout_free(struct adjout *o)
{
	if (!o)
		return;
	drop_all(o);
	free(o->gbucket);
	free(o->scratch);
	free(o);
}

void adjout_clear(struct adjout *o)
{
	drop_all(o);
	init_tables(o);
}

/* ---- groups ---- */

static uint32_t group_hash(const struct attrset *a, int af)
{
	return (uint32_t)((((uint64_t)(uintptr_t)a ^ (uint64_t)af) * GROUP_HASH_MUL) >> 32);
}

static uint32_t *bucket_of(const struct adjout *o, const struct attrset *a, int af)
{
	return &o->gbucket[group_hash(a, af) & o->gmask];
}

/* Double the group hash; on failure it stays as it is (longer chains). */
static void group_rehash(struct adjout *o)
{
	uint32_t n = (o->gmask + 1) * 2, *b = calloc(n, sizeof(*b));

	if (!b || n == 0) {
		free(b);
		return;
	}
	for (uint32_t i = 0; i <= o->gmask; i++) {
		uint32_t g = o->gbucket[i], next;

		for (; g != RIB_NIL; g = next) {
			struct adjout_group *gr = group_at(o, g);
			uint32_t j = group_hash(gr->a, gr->af) & (n - 1);

			next = gr->hnext;
			gr->hnext = b[j];
			b[j] = g;
		}
	}
	free(o->gbucket);
	o->gbucket = b;
	o->gmask = n - 1;
}

/* The group of (a, af), made if needed; RIB_NIL on ENOMEM. */
static uint32_t group_get(struct adjout *o, const struct attrset *a, int af)
{
	struct adjout_group *gr;
	uint32_t g;

	if (!a && o->withdraw[af] != RIB_NIL)
		return o->withdraw[af];
	if (a) {
		for (g = *bucket_of(o, a, af); g != RIB_NIL; g = group_at(o, g)->hnext)
			if (group_at(o, g)->a == a && group_at(o, g)->af == af)
				return g;
	}
	g = rib_pool_alloc(&o->groups);
	if (g == RIB_NIL)
		return RIB_NIL;
	gr = group_at(o, g);
	gr->a = a;
	gr->af = (uint8_t)af;
	gr->head = gr->tail = RIB_NIL;
	if (!a) {
		o->withdraw[af] = g;
		return g;
	}
	gr->hnext = *bucket_of(o, a, af);
	*bucket_of(o, a, af) = g;
	gr->fprev = o->ftail[af];
	gr->fnext = RIB_NIL;
	if (o->ftail[af] != RIB_NIL)
		group_at(o, o->ftail[af])->fnext = g;
	else
		o->fhead[af] = g;
	o->ftail[af] = g;
	if (++o->n_groups > o->gmask + 1)
		group_rehash(o);
	return g;
}

/* Free group g if nothing is pending in it any more. */
static void group_put(struct adjout *o, uint32_t g)
{
	struct adjout_group *gr = group_at(o, g);
	uint32_t *pp;

	if (gr->count > 0)
		return;
	if (!gr->a) {
		o->withdraw[gr->af] = RIB_NIL;
	} else {
		for (pp = bucket_of(o, gr->a, gr->af); *pp != g; pp = &group_at(o, *pp)->hnext)
			;
		*pp = gr->hnext;
		if (gr->fprev != RIB_NIL)
			group_at(o, gr->fprev)->fnext = gr->fnext;
		else
			o->fhead[gr->af] = gr->fnext;
		if (gr->fnext != RIB_NIL)
			group_at(o, gr->fnext)->fprev = gr->fprev;
		else
			o->ftail[gr->af] = gr->fprev;
		o->n_groups--;
	}
	rib_pool_free(&o->groups, g);
}

static void group_append(struct adjout *o, uint32_t g, uint32_t pi)
{
	struct adjout_group *gr = group_at(o, g);
	struct adjout_pend *pd = pend_at(o, pi);

	pd->group = g;
	pd->next = RIB_NIL;
	pd->prev = gr->tail;
	if (gr->tail != RIB_NIL)
		pend_at(o, gr->tail)->next = pi;
	else
		gr->head = pi;
	gr->tail = pi;
	gr->count++;
}

/* Take pending change pi off its group's list (and free the group if empty). */
static void group_detach(struct adjout *o, uint32_t pi)
{
	struct adjout_pend *pd = pend_at(o, pi);
	struct adjout_group *gr = group_at(o, pd->group);

	if (pd->prev != RIB_NIL)
		pend_at(o, pd->prev)->next = pd->next;
	else
		gr->head = pd->next;
	if (pd->next != RIB_NIL)
		pend_at(o, pd->next)->prev = pd->prev;
	else
		gr->tail = pd->prev;
	gr->count--;
	group_put(o, pd->group);
	pd->group = RIB_NIL;
}

/* ---- records ---- */

/* Forget record ri when the peer has nothing from it and nothing is pending. */
static void rec_release(struct adjout *o, uint32_t ri)
{
	struct adjout_rec *r = rec_at(o, ri);

	if (r->sent || r->pend != RIB_NIL)
		return;
	rib_pfxhash_del(&o->index, &o->recs, ri);
	rib_pool_free(&o->recs, ri);
}

/* Cancel record ri's pending change. */
static void pend_drop(struct adjout *o, uint32_t ri)
{
	struct adjout_rec *r = rec_at(o, ri);
	uint32_t pi = r->pend;

	group_detach(o, pi);
	attrset_unref(o->attrs, pend_at(o, pi)->want);
	rib_pool_free(&o->pends, pi);
	r->pend = RIB_NIL;
	r->flags &= (uint8_t)~REC_FORCE;
	o->pending[af_slot(r->prefix.af)]--;
	rec_release(o, ri);
}

/* Record ri now wants a (NULL: withdraw): move its pending change to a's
 * group, making the change if there was none. -1 on ENOMEM, nothing changed. */
static int pend_to(struct adjout *o, uint32_t ri, const struct attrset *a)
{
	struct adjout_rec *r = rec_at(o, ri);
	int af = af_slot(r->prefix.af);
	uint32_t g = group_get(o, a, af), pi = r->pend;
	struct adjout_pend *pd;

	if (g == RIB_NIL)
		return -1;
	if (pi == RIB_NIL) {
		pi = rib_pool_alloc(&o->pends);
		if (pi == RIB_NIL) {
			group_put(o, g);
			return -1;
		}
		pend_at(o, pi)->rec = ri;
		r->pend = pi;
		o->pending[af]++;
	} else {
		group_detach(o, pi);
		attrset_unref(o->attrs, pend_at(o, pi)->want);
	}
	pd = pend_at(o, pi);
	pd->want = a ? attrset_ref(a) : NULL;
	group_append(o, g, pi);
	return 0;
}

static bool prefix_ok(const struct bgp_prefix *p)
{
	unsigned bits = bgp_prefix_af_bits(p->af);

	return bits != 0 && p->len <= bits;
}

int adjout_set(struct adjout *o, const struct bgp_prefix *p, const struct attrset *a)
{
	struct adjout_rec *r;
	uint32_t ri;

	if (!prefix_ok(p)) {
		errno = EINVAL;
		return -1;
	}
	ri = rib_pfxhash_find(&o->index, &o->recs, p);
	if (ri == RIB_NIL) {
		if (!a)
			return 0;           /* never sent, nothing pending: nothing to say */
		ri = rib_pool_alloc(&o->recs);
		if (ri == RIB_NIL)
			goto nomem;
		rec_at(o, ri)->prefix = *p;
		rec_at(o, ri)->pend = RIB_NIL;
		if (rib_pfxhash_add(&o->index, &o->recs, ri) < 0) {
			rib_pool_free(&o->recs, ri);
			goto nomem;
		}
	}
	r = rec_at(o, ri);
	if (r->pend != RIB_NIL && pend_at(o, r->pend)->want == a)
		return 0;               /* already on its way */
	if (a == r->sent && !(r->flags & REC_FORCE)) {
		/* what the peer has already: a pending change undoes itself */
		if (r->pend != RIB_NIL)
			pend_drop(o, ri);
		return 0;
	}
	if (pend_to(o, ri, a) == 0)
		return 0;
	rec_release(o, ri);
nomem:
	errno = ENOMEM;
	return -1;
}

size_t adjout_pending(const struct adjout *o)
{
	return o->pending[0] + o->pending[1];
}

size_t adjout_pending_af(const struct adjout *o, uint16_t afi)
{
	if (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6)
		return 0;
	return o->pending[af_slot((uint8_t)afi)];
}

/* ---- packing ---- */

/* The change at the head of group g was sent: the peer now has what it
 * wanted. */
static void commit_head(struct adjout *o, uint32_t g)
{
	uint32_t pi = group_at(o, g)->head;
	struct adjout_pend *pd = pend_at(o, pi);
	uint32_t ri = pd->rec;
	struct adjout_rec *r = rec_at(o, ri);
	const struct attrset *want = pd->want;

	if (!r->sent && want)
		o->advertised++;
	else if (r->sent && !want)
		o->advertised--;
	attrset_unref(o->attrs, r->sent);
	r->sent = want;             /* the pending change's reference moves over */
	pd->want = NULL;
	pend_drop(o, ri);
}

/* Copy the prefixes at the head of group g into scratch while they could fit
 * in one message of max octets; how many. */
static size_t gather(struct adjout *o, uint32_t g, size_t max)
{
	size_t room = max - BGP_UPDATE_MIN_LEN, n = 0;

	for (uint32_t pi = group_at(o, g)->head; pi != RIB_NIL; pi = pend_at(o, pi)->next) {
		const struct bgp_prefix *p = &rec_at(o, pend_at(o, pi)->rec)->prefix;
		size_t wl = bgp_prefix_wire_len(p);

		if (wl > room)
			break;
		if (n == o->scratch_cap) {
			struct bgp_prefix *s = realloc(o->scratch, 2 * n * sizeof(*s));

			if (!s)
				break;
			o->scratch = s;
			o->scratch_cap = 2 * n;
		}
		o->scratch[n++] = *p;
		room -= wl;
	}
	return n;
}

/* Group g's set cannot be encoded: drop its announcements. A prefix the peer
 * has under older attributes is withdrawn instead (else it would keep a
 * route we no longer have). */
static void drop_group(struct adjout *o, uint32_t g)
{
	uint32_t count = group_at(o, g)->count;

	for (uint32_t i = 0; i < count; i++) {
		uint32_t ri = pend_at(o, group_at(o, g)->head)->rec;

		o->errors++;
		if (rec_at(o, ri)->sent && pend_to(o, ri, NULL) == 0)
			continue;
		pend_drop(o, ri);
	}
}

static int build_group(struct adjout *o, const struct bgp_update_ctx *ctx, uint16_t afi,
                       uint32_t g, uint8_t *buf, size_t cap)
{
	const struct attrset *a = group_at(o, g)->a;
	size_t max = ctx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN, n, n_wd = 0, n_nlri = 0;
	struct bgp_update_spec spec;
	int len;

	if (cap < max)
		max = cap;
	n = max > BGP_UPDATE_MIN_LEN ? gather(o, g, max) : 0;
	memset(&spec, 0, sizeof(spec));
	spec.af.afi = afi;
	spec.af.safi = BGP_SAFI_UNICAST;
	if (a) {
		spec.attrs = &a->a;
		spec.nlri = o->scratch;
		spec.n_nlri = n;
	} else {
		spec.withdrawn = o->scratch;
		spec.n_withdrawn = n;
	}
	len = n ? bgp_update_pack(ctx, &spec, buf, cap, &n_wd, &n_nlri) : -1;
	if (len < 0) {
		if (a) {
			drop_group(o, g);
		} else {
			/* a valid prefix always fits a BGP_MAX_LEN message: the buffer
			 * is too small; drop one so that calling again ends */
			o->errors++;
			pend_drop(o, pend_at(o, group_at(o, g)->head)->rec);
		}
		return -1;
	}
	for (size_t i = 0; i < (a ? n_nlri : n_wd); i++)
		commit_head(o, g);
	if (adjout_pending(o) == 0) {
		/* a table dump is over: its pending records' memory goes back */
		rib_pool_trim(&o->pends);
		rib_pool_trim(&o->groups);
	}
	return len;
}

int adjout_build(struct adjout *o, const struct bgp_update_ctx *ctx, uint16_t afi,
                 uint8_t *buf, size_t cap)
{
	int af;

	if (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6)
		return 0;
	af = af_slot((uint8_t)afi);
	/* withdrawals first: they free the peer's memory and never share an
	 * UPDATE with announcements here (RFC 7606 §5.1) */
	if (o->withdraw[af] != RIB_NIL)
		return build_group(o, ctx, afi, o->withdraw[af], buf, cap);
	if (o->fhead[af] != RIB_NIL)
		return build_group(o, ctx, afi, o->fhead[af], buf, cap);
	return 0;
}

size_t adjout_errors(const struct adjout *o)
{
	return o->errors;
}

size_t adjout_count(const struct adjout *o)
{
	return o->advertised;
}

/* ---- looking at it ---- */

static const struct attrset *target(const struct adjout *o, const struct adjout_rec *r)
{
	return r->pend != RIB_NIL ? pend_at(o, r->pend)->want : r->sent;
}

const struct attrset *adjout_get(const struct adjout *o, const struct bgp_prefix *p)
{
	uint32_t ri = rib_pfxhash_find(&o->index, &o->recs, p);

	return ri == RIB_NIL ? NULL : target(o, rec_at(o, ri));
}

int adjout_walk(const struct adjout *o,
                int (*fn)(const struct bgp_prefix *p, const struct attrset *a, void *arg),
                void *arg)
{
	for (size_t i = 0; i < rib_pfxhash_slots(&o->index); i++) {
		const struct adjout_rec *r;
		const struct attrset *a;
		int rc;

		if (o->index.slot[i].idx == RIB_NIL)
			continue;
		r = rec_at(o, o->index.slot[i].idx);
		a = target(o, r);
		if (a && (rc = fn(&r->prefix, a, arg)) != 0)
			return rc;
	}
	return 0;
}

int adjout_refresh(struct adjout *o)
{
	for (size_t i = 0; i < rib_pfxhash_slots(&o->index); i++) {
		uint32_t ri = o->index.slot[i].idx;
		struct adjout_rec *r;

		if (ri == RIB_NIL)
			continue;
		r = rec_at(o, ri);
		if (!r->sent || r->pend != RIB_NIL)
			continue;
		if (pend_to(o, ri, r->sent) < 0) {
			errno = ENOMEM;
			return -1;
		}
		r->flags |= REC_FORCE;
	}
	return 0;
}

size_t adjout_bytes(const struct adjout *o)
{
	return sizeof(*o) + rib_pool_bytes(&o->recs) + rib_pool_bytes(&o->pends) +
	       rib_pool_bytes(&o->groups) + rib_pfxhash_bytes(&o->index) +
	       ((size_t)o->gmask + 1) * sizeof(*o->gbucket) + o->scratch_cap * sizeof(*o->scratch);
}
