/*
 * bgpd/rib.c — see rib.h for the layout and the path order.
 *
 * Every change to an entry's paths goes the same way: note the best before,
 * put the path list back in order (take out the best that sits in front and
 * re-insert it in its sorted place, then insert, move or remove the path
 * that changed), pick the best among the first paths of each neighbour AS,
 * move it to the front, and queue the prefix if the best — or the attributes
 * it is used with — moved. Each step is one pass over the entry's few paths.
 */
#include "bgpd/rib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/decide.h"
#include "bgpd/rib_pfxhash.h"
#include "bgpd/rib_order.h"
#include "bgpd/rib_pool.h"

#define RIB_ENTRY_SHIFT     12u     /* 4096 entries (128 KiB) per pool chunk */
#define RIB_PATH_SHIFT      12u     /* 4096 paths (192 KiB) per pool chunk */
#define RIB_PEERS_MIN       16u
#define RIB_PEER_NONE       UINT32_MAX
#define RIB_EMPTY_MIN       4096u   /* empty entries kept before reclaiming */
#define RIB_AHEAD           4u      /* prefixes between two prefetch stages */
#define RIB_STAGES          4u      /* slot, entry, first path, its attributes */

#define ENTRY_QUEUED        0x01u   /* on the change queue */
#define ENTRY_EMPTY         0x02u   /* no path, not queued: reclaimed in bulk */

#define AF_SLOT_V4          0
#define AF_SLOT_V6          1

struct rib_entry {
	struct bgp_prefix prefix;   /* first: the key rib_pfxhash and rib_order read */
	uint8_t flags;              /* ENTRY_* */
	uint8_t spare;
	uint32_t qnext;             /* next on the change queue */
	struct rib_path *paths;     /* best first, see rib.h */
};

struct rib_peer {
	struct rib_peer_info info;
	bool used;
	uint32_t head;              /* its paths, through peer_next */
	size_t count, accepted;
};

struct rib {
	struct rib_cfg cfg;
	struct attrset_table *attrs;
	struct rib_pool entries, paths;
	struct rib_pfxhash index;   /* prefix → entry */
	struct rib_order order;     /* entries in prefix order, for walks */
	size_t n_empty;             /* entries with ENTRY_EMPTY */
	struct rib_peer *peer;
	uint32_t n_peer;            /* slots in peer[] */
	uint32_t qhead, qtail;      /* change queue (entry indices) */
	size_t qlen;
	size_t n_best[2];           /* entries with a best, per family */
};

/* ---- small helpers ---- */

static struct rib_entry *entry_at(const struct rib *r, uint32_t idx)
{
	return rib_pool_at(&r->entries, idx);
}

static struct rib_path *path_at(const struct rib *r, uint32_t idx)
{
	return rib_pool_at(&r->paths, idx);
}

static int af_slot(uint8_t af)
{
	return af == BGP_AFI_IPV6 ? AF_SLOT_V6 : AF_SLOT_V4;
}

static bool prefix_ok(const struct bgp_prefix *p)
{
	unsigned bits = bgp_prefix_af_bits(p->af);

	return bits != 0 && p->len <= bits;
}

static struct rib_peer *peer_of(const struct rib *r, uint32_t id)
{
	return id < r->n_peer && r->peer[id].used ? &r->peer[id] : NULL;
}

bool rib_path_eligible(const struct rib_path *p)
{
	/* RFC 4271 §9.1.1: rejected by policy; §9.1.2: unresolvable NEXT_HOP */
	return p->eff != NULL && !(p->flags & RIB_PATH_NH_UNREACH);
}

/* ---- entries ---- */

static uint32_t entry_find(const struct rib *r, const struct bgp_prefix *p)
{
	return rib_pfxhash_find(&r->index, &r->entries, p);
}

static uint32_t entry_make(struct rib *r, const struct bgp_prefix *p)
{
	uint32_t idx = entry_find(r, p);

	if (idx != RIB_NIL)
		return idx;
	idx = rib_pool_alloc(&r->entries);
	if (idx == RIB_NIL)
		return RIB_NIL;
	entry_at(r, idx)->prefix = *p;
	if (rib_pfxhash_add(&r->index, &r->entries, idx) < 0) {
		rib_pool_free(&r->entries, idx);
		return RIB_NIL;
	}
	if (rib_order_add(&r->order, idx) < 0) {
		rib_pfxhash_del(&r->index, &r->entries, idx);
		rib_pool_free(&r->entries, idx);
		return RIB_NIL;
	}
	/* empty until its first path, which the caller adds next */
	entry_at(r, idx)->flags = ENTRY_EMPTY;
	r->n_empty++;
	return idx;
}

static bool entry_live(const void *rec, void *arg)
{
	const struct rib_entry *e = rec;

	(void)arg;
	return e->paths || (e->flags & ENTRY_QUEUED);
}

static void entry_drop(uint32_t idx, void *arg)
{
	struct rib *r = arg;

	rib_pfxhash_del(&r->index, &r->entries, idx);
	rib_pool_free(&r->entries, idx);
	r->n_empty--;
}

/* Free every empty entry at once (see rib_order.h). On ENOMEM they stay,
 * harmless, until next time. */
static void reclaim(struct rib *r)
{
	rib_order_compact(&r->order, &r->entries, entry_live, entry_drop, r);
}

/* Note whether an entry is empty (no path, not queued). An empty entry
 * stays where it is — found by the hash, so a prefix that comes back reuses
 * it, and kept by the walk order, which holds its index — until there are
 * as many empty entries as others; then they all go in one pass. (An entry
 * that is queued with no path is the glue's to learn about first.) */
static void entry_note(struct rib *r, uint32_t idx)
{
	struct rib_entry *e = entry_at(r, idx);
	bool empty = !entry_live(e, NULL);

	if (empty == !!(e->flags & ENTRY_EMPTY))
		return;
	e->flags ^= ENTRY_EMPTY;
	if (!empty) {
		r->n_empty--;
		return;
	}
	r->n_empty++;
	if (r->n_empty > RIB_EMPTY_MIN && r->n_empty * 2 > r->entries.live)
		reclaim(r);
}

static void entry_queue(struct rib *r, uint32_t idx, struct rib_entry *e)
{
	if (e->flags & ENTRY_QUEUED)
		return;                 /* once until taken, however often it moves */
	e->flags |= ENTRY_QUEUED;
	e->qnext = RIB_NIL;
	if (r->qtail != RIB_NIL)
		entry_at(r, r->qtail)->qnext = idx;
	else
		r->qhead = idx;
	r->qtail = idx;
	r->qlen++;
}

static struct rib_path *find_path(const struct rib_entry *e, uint32_t peer)
{
	struct rib_path *p;

	for (p = e->paths; p; p = p->next)
		if (p->peer == peer)
			return p;
	return NULL;
}

/* ---- path order (see rib.h) ---- */

/* The order the list is kept in, apart from the best in front. A total
 * order: within one neighbour AS decide_cmp compares every step. */
static int order_cmp(const struct rib *r, const struct rib_path *a, const struct rib_path *b)
{
	bool ea = rib_path_eligible(a), eb = rib_path_eligible(b);
	uint32_t na, nb;

	if (ea != eb)
		return ea ? -1 : 1;
	if (!ea)
		return a->peer < b->peer ? -1 : a->peer > b->peer ? 1 : 0;
	na = decide_neighbor_as(r, a);
	nb = decide_neighbor_as(r, b);
	if (na != nb)
		return na < nb ? -1 : 1;
	return decide_cmp(r, a, b);
}

static void list_unlink(struct rib_entry *e, struct rib_path *p)
{
	struct rib_path **pp;

	for (pp = &e->paths; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			p->next = NULL;
			return;
		}
	}
}

static void list_insert_sorted(const struct rib *r, struct rib_entry *e, struct rib_path *p)
{
	struct rib_path **pp = &e->paths;

	while (*pp && order_cmp(r, *pp, p) < 0)
		pp = &(*pp)->next;
	p->next = *pp;
	*pp = p;
}

/* Put the best that sits in front back in its sorted place: the whole list
 * is then in order_cmp order. */
static void list_normalize(const struct rib *r, struct rib_entry *e)
{
	struct rib_path *head = e->paths;

	if (!head || !head->next)
		return;
	e->paths = head->next;
	list_insert_sorted(r, e, head);
}

/* RFC 4271 §9.1.2: among the eligible paths (sorted first), each neighbour
 * AS's first path is its winner; the best of those goes to the front. */
static void list_select(const struct rib *r, struct rib_entry *e)
{
	struct rib_path *p, *prev = NULL, *best = NULL, *best_prev = NULL;
	uint32_t prev_as = 0;

	for (p = e->paths; p && rib_path_eligible(p); prev = p, p = p->next) {
		uint32_t as = decide_neighbor_as(r, p);

		if (prev && as == prev_as)
			continue;       /* not its AS's winner */
		prev_as = as;
		if (!best || decide_cmp(r, p, best) < 0) {
			best = p;
			best_prev = prev;
		}
	}
	if (best && best_prev) {
		best_prev->next = best->next;
		best->next = e->paths;
		e->paths = best;
	}
}

static const struct rib_path *best_of(const struct rib_entry *e)
{
	return e->paths && rib_path_eligible(e->paths) ? e->paths : NULL;
}

/* What an entry's Loc-RIB route was before a change. */
struct before {
	const struct rib_path *best;
	const struct attrset *eff;
};

static struct before note_best(const struct rib_entry *e)
{
	struct before b = { best_of(e), NULL };

	if (b.best)
		b.eff = b.best->eff;
	return b;
}

/* After a change to entry idx's (normalized, sorted) list: select, count,
 * queue when the best or its attributes moved, note whether it is empty. */
static void settle(struct rib *r, uint32_t idx, const struct before *was)
{
	struct rib_entry *e = entry_at(r, idx);
	const struct rib_path *now;

	list_select(r, e);
	now = best_of(e);
	if (!was->best != !now) {
		if (now)
			r->n_best[af_slot(e->prefix.af)]++;
		else
			r->n_best[af_slot(e->prefix.af)]--;
	}
	if (now != was->best || (now && now->eff != was->eff))
		entry_queue(r, idx, e);
	entry_note(r, idx);
}

/* Decide again for a path whose attributes, flags or peer changed. */
static void path_moved(struct rib *r, struct rib_path *p, const struct before *was)
{
	struct rib_entry *e = entry_at(r, p->entry);

	list_unlink(e, p);
	list_normalize(r, e);
	list_insert_sorted(r, e, p);
	settle(r, p->entry, was);
}

/* ---- a peer's list of paths ---- */

static void peer_link(struct rib *r, struct rib_peer *pr, struct rib_path *p)
{
	p->peer_prev = RIB_NIL;
	p->peer_next = pr->head;
	if (pr->head != RIB_NIL)
		path_at(r, pr->head)->peer_prev = p->self;
	pr->head = p->self;
	pr->count++;
	if (p->eff)
		pr->accepted++;
}

static void peer_unlink(struct rib *r, struct rib_peer *pr, struct rib_path *p)
{
	if (p->peer_prev != RIB_NIL)
		path_at(r, p->peer_prev)->peer_next = p->peer_next;
	else
		pr->head = p->peer_next;
	if (p->peer_next != RIB_NIL)
		path_at(r, p->peer_next)->peer_prev = p->peer_prev;
	pr->count--;
	if (p->eff)
		pr->accepted--;
}

static void path_remove(struct rib *r, struct rib_peer *pr, struct rib_path *p)
{
	uint32_t idx = p->entry;
	struct rib_entry *e = entry_at(r, idx);
	struct before was = note_best(e);

	list_unlink(e, p);
	peer_unlink(r, pr, p);
	attrset_unref(r->attrs, p->in);
	attrset_unref(r->attrs, p->eff);
	rib_pool_free(&r->paths, p->self);
	list_normalize(r, e);
	settle(r, idx, &was);
}

/* ---- the table ---- */

struct rib *rib_new(const struct rib_cfg *cfg, struct attrset_table *attrs)
{
	struct rib *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->peer = calloc(RIB_PEERS_MIN, sizeof(*r->peer));
	if (!r->peer) {
		free(r);
		return NULL;
	}
	r->n_peer = RIB_PEERS_MIN;
	r->cfg = *cfg;
	r->attrs = attrs;
	rib_pool_init(&r->entries, sizeof(struct rib_entry), RIB_ENTRY_SHIFT);
	rib_pool_init(&r->paths, sizeof(struct rib_path), RIB_PATH_SHIFT);
	rib_pfxhash_init(&r->index);
	rib_order_init(&r->order);
	r->peer[RIB_PEER_LOCAL].used = true;
	r->peer[RIB_PEER_LOCAL].head = RIB_NIL;
	r->peer[RIB_PEER_LOCAL].info.kind = RIB_PEER_LOCAL_KIND;
	r->peer[RIB_PEER_LOCAL].info.remote_as = cfg->local_as;
	r->peer[RIB_PEER_LOCAL].info.bgp_id = cfg->router_id;
	return r;
}

void rib_free(struct rib *r)
{
	if (!r)
		return;
	for (uint32_t id = 0; id < r->n_peer; id++) {
		uint32_t i;

		if (!r->peer[id].used)
			continue;
		for (i = r->peer[id].head; i != RIB_NIL; i = path_at(r, i)->peer_next) {
			attrset_unref(r->attrs, path_at(r, i)->in);
			attrset_unref(r->attrs, path_at(r, i)->eff);
		}
	}
	rib_order_fini(&r->order);
	rib_pfxhash_fini(&r->index);
	rib_pool_fini(&r->paths);
	rib_pool_fini(&r->entries);
	free(r->peer);
	free(r);
}

const struct rib_cfg *rib_get_cfg(const struct rib *r)
{
	return &r->cfg;
}

void rib_set_cfg(struct rib *r, const struct rib_cfg *cfg)
{
	r->cfg = *cfg;
}

/* ---- peers ---- */

uint32_t rib_peer_add(struct rib *r, const struct rib_peer_info *info)
{
	uint32_t id;

	for (id = RIB_PEER_LOCAL + 1; id < r->n_peer; id++)
		if (!r->peer[id].used)
			break;
	if (id == r->n_peer) {
		uint32_t n = r->n_peer * 2;
		struct rib_peer *np;

		if (n <= r->n_peer || n == RIB_PEER_NONE)
			return RIB_PEER_NONE;
		np = realloc(r->peer, (size_t)n * sizeof(*np));
		if (!np)
			return RIB_PEER_NONE;
		memset(np + r->n_peer, 0, (size_t)(n - r->n_peer) * sizeof(*np));
		r->peer = np;
		r->n_peer = n;
	}
	memset(&r->peer[id], 0, sizeof(r->peer[id]));
	r->peer[id].info = *info;
	r->peer[id].used = true;
	r->peer[id].head = RIB_NIL;
	return id;
}

/* Whether the decision process reads something that changed. */
static bool info_decides(const struct rib_peer_info *a, const struct rib_peer_info *b)
{
	return a->kind != b->kind || a->bgp_id != b->bgp_id || a->remote_as != b->remote_as ||
	       !bgp_prefix_eq(&a->addr, &b->addr);
}

void rib_peer_set_info(struct rib *r, uint32_t peer, const struct rib_peer_info *info)
{
	struct rib_peer *pr = peer_of(r, peer);
	bool redo;

	if (!pr)
		return;
	redo = pr->count > 0 && info_decides(&pr->info, info);
	pr->info = *info;
	if (!redo)
		return;
	for (uint32_t i = pr->head; i != RIB_NIL; i = path_at(r, i)->peer_next) {
		struct rib_path *p = path_at(r, i);
		struct before was = note_best(entry_at(r, p->entry));

		path_moved(r, p, &was);
	}
}

const struct rib_peer_info *rib_peer_get(const struct rib *r, uint32_t peer)
{
	const struct rib_peer *pr = peer_of(r, peer);

	return pr ? &pr->info : NULL;
}

void rib_peer_remove(struct rib *r, uint32_t peer)
{
	struct rib_peer *pr = peer_of(r, peer);

	if (!pr || peer == RIB_PEER_LOCAL)
		return;
	rib_peer_flush(r, peer, SIZE_MAX);
	pr->used = false;
}

size_t rib_peer_flush(struct rib *r, uint32_t peer, size_t budget)
{
	struct rib_peer *pr = peer_of(r, peer);

	if (!pr)
		return 0;
	for (; budget > 0 && pr->head != RIB_NIL; budget--)
		path_remove(r, pr, path_at(r, pr->head));
	return pr->count;
}

size_t rib_peer_count(const struct rib *r, uint32_t peer)
{
	const struct rib_peer *pr = peer_of(r, peer);

	return pr ? pr->count : 0;
}

size_t rib_peer_accepted(const struct rib *r, uint32_t peer)
{
	const struct rib_peer *pr = peer_of(r, peer);

	return pr ? pr->accepted : 0;
}

/* ---- Adj-RIB-In changes ---- */

/* Give path p new contents (references already counted by the caller). */
static void path_set(struct rib_peer *pr, struct rib_path *p, const struct attrset *in,
                     const struct attrset *eff, uint32_t flags)
{
	if (!p->eff != !eff) {
		if (eff)
			pr->accepted++;
		else
			pr->accepted--;
	}
	p->in = in;
	p->eff = eff;
	p->flags = flags;
}

static int path_add(struct rib *r, struct rib_peer *pr, uint32_t peer, uint32_t eidx,
                    const struct attrset *in, const struct attrset *eff, uint32_t flags)
{
	struct rib_entry *e = entry_at(r, eidx);
	struct before was = note_best(e);
	uint32_t pidx = rib_pool_alloc(&r->paths);
	struct rib_path *p;

	if (pidx == RIB_NIL) {
		entry_note(r, eidx);
		errno = ENOMEM;
		return -1;
	}
	p = path_at(r, pidx);
	p->self = pidx;
	p->entry = eidx;
	p->peer = peer;
	p->in = attrset_ref(in);
	p->eff = eff ? attrset_ref(eff) : NULL;
	p->flags = flags;
	peer_link(r, pr, p);
	list_normalize(r, e);
	list_insert_sorted(r, e, p);
	settle(r, eidx, &was);
	return 0;
}

int rib_update(struct rib *r, uint32_t peer, const struct bgp_prefix *p,
               const struct attrset *in, const struct attrset *eff, uint32_t flags)
{
	struct rib_peer *pr = peer_of(r, peer);
	const struct attrset *old_in, *old_eff;
	struct rib_path *path;
	struct before was;
	uint32_t eidx;

	if (!pr || !in || !prefix_ok(p)) {
		errno = EINVAL;
		return -1;
	}
	flags &= RIB_PATH_FLAGS;
	eidx = entry_make(r, p);
	if (eidx == RIB_NIL) {
		errno = ENOMEM;
		return -1;
	}
	path = find_path(entry_at(r, eidx), peer);
	if (!path)
		return path_add(r, pr, peer, eidx, in, eff, flags);
	if (path->in == in && path->eff == eff && path->flags == flags)
		return 0;               /* the same route again */
	was = note_best(entry_at(r, eidx));
	old_in = path->in;
	old_eff = path->eff;
	path_set(pr, path, attrset_ref(in), eff ? attrset_ref(eff) : NULL, flags);
	attrset_unref(r->attrs, old_in);
	attrset_unref(r->attrs, old_eff);
	path_moved(r, path, &was);
	return 0;
}

/* ---- many prefixes at once: the misses of one overlap the work on others ---- */

/* What the decision process (and a reference) reads of a set: the fixed
 * attributes at its start, the derived values and count at its end. */
static void prefetch_attrset(const struct attrset *s)
{
	__builtin_prefetch(s);
	__builtin_prefetch(&s->as_path_len);
}

/* Stage k of the prefetch pipeline for p; each reads only what the one before
 * brought in, RIB_AHEAD prefixes earlier. */
static void prefetch_stage(const struct rib *r, const struct bgp_prefix *p, unsigned stage)
{
	const struct rib_entry *e;
	uint32_t idx;

	if (stage == 0) {
		rib_pfxhash_prefetch(&r->index, p);
		return;
	}
	idx = rib_pfxhash_peek(&r->index, p);
	if (idx == RIB_NIL)
		return;
	e = entry_at(r, idx);
	if (stage == 1)
		__builtin_prefetch(e);
	else if (stage == 2 && e->paths)
		__builtin_prefetch(e->paths);
	else if (stage == 3 && e->paths && e->paths->eff)
		prefetch_attrset(e->paths->eff);
}

/* Before handling p[k - (RIB_STAGES - 1) * RIB_AHEAD]: each stage for the
 * prefix it is due on. */
static void prefetch_ahead(const struct rib *r, const struct bgp_prefix *p, size_t n, size_t k)
{
	for (unsigned s = 0; s < RIB_STAGES; s++) {
		size_t back = (size_t)s * RIB_AHEAD;

		if (k >= back && k - back < n)
			prefetch_stage(r, &p[k - back], s);
	}
}

size_t rib_update_many(struct rib *r, uint32_t peer, const struct bgp_prefix *p, size_t n,
                       const struct attrset *in, const struct attrset *eff, uint32_t flags)
{
	size_t lag = (size_t)(RIB_STAGES - 1) * RIB_AHEAD;

	for (size_t k = 0; k < n + lag; k++) {
		prefetch_ahead(r, p, n, k);
		if (k >= lag && rib_update(r, peer, &p[k - lag], in, eff, flags) < 0)
			return k - lag;
	}
	return n;
}

size_t rib_withdraw_many(struct rib *r, uint32_t peer, const struct bgp_prefix *p, size_t n)
{
	size_t lag = (size_t)(RIB_STAGES - 1) * RIB_AHEAD, gone = 0;

	for (size_t k = 0; k < n + lag; k++) {
		prefetch_ahead(r, p, n, k);
		if (k >= lag)
			gone += (size_t)rib_withdraw(r, peer, &p[k - lag]);
	}
	return gone;
}

int rib_withdraw(struct rib *r, uint32_t peer, const struct bgp_prefix *p)
{
	struct rib_peer *pr = peer_of(r, peer);
	struct rib_path *path;
	uint32_t eidx;

	if (!pr)
		return 0;
	eidx = entry_find(r, p);
	if (eidx == RIB_NIL || !(path = find_path(entry_at(r, eidx), peer)))
		return 0;
	path_remove(r, pr, path);
	return 1;
}

void rib_path_set_flags(struct rib *r, uint32_t peer, const struct bgp_prefix *p, uint32_t flags)
{
	struct rib_path *path;
	struct before was;
	uint32_t eidx;

	if (!peer_of(r, peer))
		return;
	eidx = entry_find(r, p);
	if (eidx == RIB_NIL || !(path = find_path(entry_at(r, eidx), peer)))
		return;
	flags &= RIB_PATH_FLAGS;
	if (path->flags == flags)
		return;
	was = note_best(entry_at(r, eidx));
	path->flags = flags;
	path_moved(r, path, &was);
}

/* ---- Loc-RIB changes ---- */

bool rib_next_change(struct rib *r, struct bgp_prefix *p)
{
	uint32_t idx = r->qhead;
	struct rib_entry *e;

	if (idx == RIB_NIL)
		return false;
	e = entry_at(r, idx);
	r->qhead = e->qnext;
	if (r->qhead == RIB_NIL)
		r->qtail = RIB_NIL;
	r->qlen--;
	e->flags &= (uint8_t)~ENTRY_QUEUED;
	e->qnext = RIB_NIL;
	*p = e->prefix;
	entry_note(r, idx);      /* its route went: nothing keeps it now */
	return true;
}

size_t rib_changes_pending(const struct rib *r)
{
	return r->qlen;
}

/* ---- lookups and walks ---- */

const struct rib_entry *rib_lookup(const struct rib *r, const struct bgp_prefix *p)
{
	uint32_t idx = entry_find(r, p);

	if (idx == RIB_NIL || !entry_at(r, idx)->paths)
		return NULL;
	return entry_at(r, idx);
}

const struct rib_path *rib_best(const struct rib_entry *e)
{
	return best_of(e);
}

const struct rib_path *rib_paths(const struct rib_entry *e)
{
	return e->paths;
}

const struct bgp_prefix *rib_entry_prefix(const struct rib_entry *e)
{
	return &e->prefix;
}

/* Entries are walked in prefix order but lie in the order they came: fetch
 * ahead the entry, then its best path, then that path's attributes (what a
 * walker reads), one stage a few entries before the next. */
static void walk_prefetch(const struct rib *r, const struct rib_order_iter *it)
{
	uint32_t idx;

	if ((idx = rib_order_ahead(it, &r->order, 3 * RIB_AHEAD)) != RIB_NIL)
		__builtin_prefetch(entry_at(r, idx));
	if ((idx = rib_order_ahead(it, &r->order, 2 * RIB_AHEAD)) != RIB_NIL &&
	    entry_at(r, idx)->paths)
		__builtin_prefetch(entry_at(r, idx)->paths);
	if ((idx = rib_order_ahead(it, &r->order, RIB_AHEAD)) != RIB_NIL &&
	    entry_at(r, idx)->paths && entry_at(r, idx)->paths->eff)
		prefetch_attrset(entry_at(r, idx)->paths->eff);
}

int rib_walk(const struct rib *r, const struct bgp_prefix *from, rib_walk_fn fn, void *arg)
{
	/* The order index is brought up to date here, which changes no route:
	 * the walk is a reader as far as the caller can tell. */
	struct rib *w = (struct rib *)r;
	struct rib_order_iter it;
	uint32_t idx;

	if (rib_order_compact_due(&w->order))
		reclaim(w);
	if (rib_order_sort(&w->order, &w->entries) < 0) {
		errno = ENOMEM;
		return -1;
	}
	rib_order_iter_from(&it, &r->order, &r->entries, from);
	while ((idx = rib_order_next(&it, &r->order, &r->entries)) != RIB_NIL) {
		const struct rib_entry *e = entry_at(r, idx);
		int rc;

		walk_prefetch(r, &it);

		if (!e->paths)
			continue;           /* empty, or gone and waiting on the change queue */
		if ((rc = fn(e, arg)) != 0)
			return rc;
	}
	return 0;
}

void rib_stats(const struct rib *r, struct rib_stats *out)
{
	out->prefixes[AF_SLOT_V4] = r->n_best[AF_SLOT_V4];
	out->prefixes[AF_SLOT_V6] = r->n_best[AF_SLOT_V6];
	out->paths = r->paths.live;
	out->bytes = sizeof(*r) + (size_t)r->n_peer * sizeof(*r->peer) +
	             rib_pool_bytes(&r->entries) + rib_pool_bytes(&r->paths) +
	             rib_pfxhash_bytes(&r->index) + rib_order_bytes(&r->order);
}
