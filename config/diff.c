/* config/diff.c — reload differences (see diff.h for the classes). */
#include <stdlib.h>
#include <string.h>

#include "config/diff.h"
#include "config/mem.h"
#include "config/schema.h"

/* What a change of each neighbour key alone calls for; doc/bgpd.yaml.md. */
static const enum config_change field_class[CONFIG_PF_COUNT] = {
	[CONFIG_PF_ADDRESS] = CONFIG_CHANGE_UNCHANGED,  /* the key itself */
	[CONFIG_PF_PEER_GROUP] = CONFIG_CHANGE_LIVE,    /* only its effect counts */
	[CONFIG_PF_REMOTE_AS] = CONFIG_CHANGE_RESET,
	[CONFIG_PF_LOCAL_ADDRESS] = CONFIG_CHANGE_RESET,
	[CONFIG_PF_PORT] = CONFIG_CHANGE_RESET,
	[CONFIG_PF_DESCRIPTION] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_PASSWORD] = CONFIG_CHANGE_RESET,     /* the key itself, however given */
	[CONFIG_PF_PASSWORD_FILE] = CONFIG_CHANGE_LIVE, /* a new path, same key */
	[CONFIG_PF_HOLD_TIME] = CONFIG_CHANGE_RESET,    /* negotiated in OPEN */
	[CONFIG_PF_KEEPALIVE] = CONFIG_CHANGE_RESET,    /* follows the hold time */
	[CONFIG_PF_CONNECT_RETRY] = CONFIG_CHANGE_LIVE, /* used only while connecting */
	[CONFIG_PF_IDLE_HOLD] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_IDLE_HOLD_MAX] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_DELAY_OPEN] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_PASSIVE] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_TTL_SECURITY] = CONFIG_CHANGE_RESET, /* socket TTL options */
	[CONFIG_PF_MULTIHOP] = CONFIG_CHANGE_RESET,
	[CONFIG_PF_NEXT_HOP_SELF] = CONFIG_CHANGE_POLICY,       /* outbound refresh */
	[CONFIG_PF_RR_CLIENT] = CONFIG_CHANGE_RESET,    /* RFC 4456 reflection rules */
	[CONFIG_PF_FAMILIES] = CONFIG_CHANGE_RESET,     /* capabilities in OPEN */
	[CONFIG_PF_MAX_PREFIX] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_IMPORT] = CONFIG_CHANGE_POLICY,
	[CONFIG_PF_EXPORT] = CONFIG_CHANGE_POLICY,
	[CONFIG_PF_SHUTDOWN] = CONFIG_CHANGE_RESET,     /* stop, or start, the session */
	[CONFIG_PF_SHUTDOWN_MESSAGE] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_TRACE] = CONFIG_CHANGE_LIVE,
	[CONFIG_PF_ADVERTISEMENT_INTERVAL] = CONFIG_CHANGE_LIVE,  /* read at each batch */
};

enum config_change config_field_change_class(enum config_peer_field f)
{
	return (unsigned)f < CONFIG_PF_COUNT ? field_class[f] : CONFIG_CHANGE_RESET;
}

const char *config_change_name(enum config_change c)
{
	switch (c) {
	case CONFIG_CHANGE_UNCHANGED: return "unchanged";
	case CONFIG_CHANGE_LIVE: return "live";
	case CONFIG_CHANGE_POLICY: return "policy-only";
	case CONFIG_CHANGE_RESET: return "reset";
	case CONFIG_CHANGE_ADDED: return "added";
	case CONFIG_CHANGE_REMOVED: return "removed";
	}
	return "?";
}

static bool str_eq(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static bool field_differs(const struct config_neighbor *a, const struct config_neighbor *b,
			  enum config_peer_field f)
{
	switch (f) {
	case CONFIG_PF_ADDRESS:
		return false;
	case CONFIG_PF_PEER_GROUP:
		return !str_eq(a->peer_group, b->peer_group);
	case CONFIG_PF_IMPORT:
		/* the policy's effect, not its name: a rename to an equal body is no change */
		return !policy_equal(a->import, b->import);
	case CONFIG_PF_EXPORT:
		return !policy_equal(a->export, b->export);
	default:
		return !peer_field_equal(&a->s, &b->s, f);
	}
}

static void compare_neighbor(struct config_neighbor_diff *d, bool reset_all)
{
	enum config_change c = CONFIG_CHANGE_UNCHANGED;

	for (int f = 0; f < CONFIG_PF_COUNT; f++) {
		if (!field_differs(d->old_nb, d->new_nb, (enum config_peer_field)f))
			continue;
		d->fields |= CONFIG_PF_BIT(f);
		if (field_class[f] > c)
			c = field_class[f];
	}
	d->refresh_in = (d->fields & CONFIG_PF_BIT(CONFIG_PF_IMPORT)) != 0;
	d->refresh_out = (d->fields & (CONFIG_PF_BIT(CONFIG_PF_EXPORT) |
				       CONFIG_PF_BIT(CONFIG_PF_NEXT_HOP_SELF))) != 0;
	d->change = reset_all ? CONFIG_CHANGE_RESET : c;
}

static int nb_ptr_cmp(const void *a, const void *b)
{
	const struct config_neighbor *const *x = a, *const *y = b;
	if ((*x)->address.af != (*y)->address.af)
		return (*x)->address.af < (*y)->address.af ? -1 : 1;
	return memcmp((*x)->address.a, (*y)->address.a, sizeof((*x)->address.a));
}

static int net_ptr_cmp(const void *a, const void *b)
{
	const struct config_network *const *x = a, *const *y = b;
	const struct config_prefix *p = &(*x)->prefix, *q = &(*y)->prefix;
	if (p->af != q->af)
		return p->af < q->af ? -1 : 1;
	if (p->len != q->len)
		return p->len < q->len ? -1 : 1;
	return memcmp(p->a, q->a, sizeof(p->a));
}

/* Pointers to each element, sorted by cmp, for bsearch. */
static const void **sorted_ptrs(const void *base, size_t n, size_t size,
				int (*cmp)(const void *, const void *))
{
	const void **v = cfg_calloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (const char *)base + i * size;
	qsort(v, n, sizeof(*v), cmp);
	return v;
}

static const void *find_ptr(const void **sorted, size_t n, const void *key,
			    int (*cmp)(const void *, const void *))
{
	const void *const *hit = bsearch(&key, sorted, n, sizeof(*sorted), cmp);
	return hit ? *hit : NULL;
}

static void diff_neighbors(const struct bgpd_config *o, const struct bgpd_config *n,
			   struct config_diff *d)
{
	const void **olds = sorted_ptrs(o->neighbors, o->n_neighbors, sizeof(*o->neighbors),
					nb_ptr_cmp);
	const void **news = sorted_ptrs(n->neighbors, n->n_neighbors, sizeof(*n->neighbors),
					nb_ptr_cmp);

	d->neighbors = cfg_calloc(o->n_neighbors + n->n_neighbors, sizeof(*d->neighbors));
	for (size_t i = 0; i < n->n_neighbors; i++) {
		struct config_neighbor_diff *nd = &d->neighbors[d->n_neighbors++];
		nd->new_nb = &n->neighbors[i];
		nd->address = nd->new_nb->address;
		nd->old_nb = find_ptr(olds, o->n_neighbors, nd->new_nb, nb_ptr_cmp);
		if (nd->old_nb)
			compare_neighbor(nd, d->reset_all);
		else
			nd->change = CONFIG_CHANGE_ADDED;
	}
	for (size_t i = 0; i < o->n_neighbors; i++) {
		const struct config_neighbor *old_nb = &o->neighbors[i];
		if (find_ptr(news, n->n_neighbors, old_nb, nb_ptr_cmp))
			continue;
		struct config_neighbor_diff *nd = &d->neighbors[d->n_neighbors++];
		nd->old_nb = old_nb;
		nd->address = old_nb->address;
		nd->change = CONFIG_CHANGE_REMOVED;
	}
	free(olds);
	free(news);
}

static bool u32s_eq(const struct config_u32_list *a, const struct config_u32_list *b)
{
	return a->n == b->n && (!a->n || memcmp(a->v, b->v, a->n * sizeof(*a->v)) == 0);
}

static bool larges_eq(const struct config_large_list *a, const struct config_large_list *b)
{
	return a->n == b->n && (!a->n || memcmp(a->v, b->v, a->n * sizeof(*a->v)) == 0);
}

static bool network_attrs_equal(const struct config_network *a, const struct config_network *b)
{
	return u32s_eq(&a->communities, &b->communities) &&
	       larges_eq(&a->large_communities, &b->large_communities) &&
	       a->has_med == b->has_med && (!a->has_med || a->med == b->med) &&
	       a->has_local_pref == b->has_local_pref &&
	       (!a->has_local_pref || a->local_pref == b->local_pref) &&
	       config_addr_equal(&a->next_hop, &b->next_hop);
}

static void diff_networks(const struct bgpd_config *o, const struct bgpd_config *n,
			  struct config_diff *d)
{
	const void **olds = sorted_ptrs(o->networks, o->n_networks, sizeof(*o->networks),
					net_ptr_cmp);
	const void **news = sorted_ptrs(n->networks, n->n_networks, sizeof(*n->networks),
					net_ptr_cmp);

	d->announce = cfg_calloc(n->n_networks, sizeof(*d->announce));
	d->withdraw = cfg_calloc(o->n_networks, sizeof(*d->withdraw));
	for (size_t i = 0; i < n->n_networks; i++) {
		const struct config_network *old_net =
			find_ptr(olds, o->n_networks, &n->networks[i], net_ptr_cmp);
		if (!old_net || !network_attrs_equal(old_net, &n->networks[i]))
			d->announce[d->n_announce++] = &n->networks[i];
	}
	for (size_t i = 0; i < o->n_networks; i++)
		if (!find_ptr(news, n->n_networks, &o->networks[i], net_ptr_cmp))
			d->withdraw[d->n_withdraw++] = &o->networks[i];
	free(olds);
	free(news);
}

static bool addr_lists_equal(const struct config_addr_list *a, const struct config_addr_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!config_addr_equal(&a->v[i], &b->v[i]))
			return false;
	return true;
}

void config_diff(const struct bgpd_config *o, const struct bgpd_config *n,
		 struct config_diff *d)
{
	memset(d, 0, sizeof(*d));
	d->router_id = o->router_id != n->router_id;
	d->local_as = o->local_as != n->local_as;
	d->cluster_id = o->cluster_id != n->cluster_id;
	d->reset_all = d->router_id || d->local_as || d->cluster_id;
	d->listen = o->listen_port != n->listen_port || !addr_lists_equal(&o->listen, &n->listen);
	d->control_socket = !str_eq(o->control_socket, n->control_socket) ||
			    o->control_socket_mode != n->control_socket_mode ||
			    !str_eq(o->control_socket_group, n->control_socket_group);
	d->logging = o->log_dest != n->log_dest || o->log_level != n->log_level ||
		     o->log_facility != n->log_facility || o->log_trace != n->log_trace;
	diff_neighbors(o, n, d);
	diff_networks(o, n, d);
}

void config_diff_free(struct config_diff *d)
{
	if (!d)
		return;
	free(d->neighbors);
	free(d->announce);
	free(d->withdraw);
	memset(d, 0, sizeof(*d));
}
