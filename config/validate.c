/*
 * config/validate.c — checks that need the whole file, after every key has
 * been read: peer-group references and inheritance, effective neighbour
 * settings, policy references, duplicate neighbours and networks.
 *
 * Inheritance: a neighbour takes every field its group sets and it does not;
 * then the global timers; then the built-in defaults. password and
 * password-file are one setting, so a neighbour giving either overrides a
 * group giving either.
 */
#include <stdlib.h>
#include <string.h>

#include "config/mem.h"
#include "config/schema.h"
#include "config/suggest.h"

#define SECRET_BITS (CONFIG_PF_BIT(CONFIG_PF_PASSWORD) | CONFIG_PF_BIT(CONFIG_PF_PASSWORD_FILE))

/* Names sorted for lookup: n log n on any input, not a scan per neighbour. */
struct name_index {
	const char **names;     /* sorted */
	size_t *items;          /* index into the config's array */
	const char **order;     /* file order, for suggestions */
	size_t n;
};

static int name_cmp(const void *a, const void *b, void *arg)
{
	const char *const *names = arg;
	return strcmp(names[*(const size_t *)a], names[*(const size_t *)b]);
}

static void index_build(struct name_index *ix, const char **names, size_t n)
{
	ix->n = n;
	ix->order = names;
	ix->items = cfg_calloc(n, sizeof(*ix->items));
	ix->names = cfg_calloc(n, sizeof(*ix->names));
	for (size_t i = 0; i < n; i++)
		ix->items[i] = i;
	qsort_r(ix->items, n, sizeof(*ix->items), name_cmp, names);
	for (size_t i = 0; i < n; i++)
		ix->names[i] = names[ix->items[i]];
}

/* Index into the config's array, or -1. */
static long index_find(const struct name_index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, ix->names[mid]);
		if (c == 0)
			return (long)ix->items[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static void index_free(struct name_index *ix)
{
	free(ix->items);
	free(ix->names);
	free(ix->order);
}

struct ctx {
	struct walk *w;
	struct name_index groups, policies;
};

static void unknown_name(struct ctx *c, const struct name_index *ix, struct config_pos pos,
			 const char *key, const char *kind, const char *name)
{
	const char *near;

	/* a suggestion scans every name: skip it for messages nobody will see */
	if (config_errors_full(c->w->errs))
		return;
	near = suggest_nearest(name, ix->order, ix->n);
	if (near)
		walk_error_pos(c->w, pos, "%s: unknown %s '%s'; did you mean '%s'?", key, kind, name,
			       near);
	else
		walk_error_pos(c->w, pos, "%s: unknown %s '%s'", key, kind, name);
}

/* Report the import/export names a level sets itself; returns nothing. */
static void check_policy_refs(struct ctx *c, const struct config_peer *s)
{
	static const enum config_peer_field fields[] = { CONFIG_PF_IMPORT, CONFIG_PF_EXPORT };

	for (size_t i = 0; i < 2; i++) {
		enum config_peer_field f = fields[i];
		const char *name = f == CONFIG_PF_IMPORT ? s->import_policy : s->export_policy;
		if ((s->set & CONFIG_PF_BIT(f)) && name && index_find(&c->policies, name) < 0)
			unknown_name(c, &c->policies, s->pos[f], config_peer_field_name(f), "policy",
				     name);
	}
}

static void inherit(struct config_peer *s, const struct config_peer *g)
{
	bool own_secret = (s->set & SECRET_BITS) != 0;

	for (int f = CONFIG_PF_REMOTE_AS; f < CONFIG_PF_COUNT; f++) {
		if (CONFIG_PF_BIT(f) & SECRET_BITS)
			continue;
		if (!(s->set & CONFIG_PF_BIT(f)) && (g->set & CONFIG_PF_BIT(f)))
			peer_copy_field(s, g, (enum config_peer_field)f);
	}
	/* the key travels with the file it came from, if any */
	if (!own_secret && (g->set & SECRET_BITS)) {
		peer_copy_field(s, g, CONFIG_PF_PASSWORD);
		peer_copy_field(s, g, CONFIG_PF_PASSWORD_FILE);
	}
}

/* Fill what neither the neighbour nor its group set; `given` is their union. */
static void apply_defaults(const struct bgpd_config *cfg, struct config_neighbor *nb,
			   uint32_t given)
{
	struct config_peer *s = &nb->s;

#define UNSET(f) (!(given & CONFIG_PF_BIT(f)))
	if (UNSET(CONFIG_PF_PORT))
		s->port = CONFIG_DEFAULT_PORT;
	if (UNSET(CONFIG_PF_HOLD_TIME))
		s->hold_time = cfg->hold_time;
	/* the global keepalive only where it fits under this neighbour's hold time */
	if (UNSET(CONFIG_PF_KEEPALIVE))
		s->keepalive = cfg->keepalive && cfg->keepalive < s->hold_time ? cfg->keepalive
									       : s->hold_time / 3;
	if (UNSET(CONFIG_PF_CONNECT_RETRY))
		s->connect_retry = cfg->connect_retry;
	if (UNSET(CONFIG_PF_IDLE_HOLD))
		s->idle_hold = cfg->idle_hold;
	if (UNSET(CONFIG_PF_IDLE_HOLD_MAX))
		s->idle_hold_max = cfg->idle_hold_max;
	if (UNSET(CONFIG_PF_DELAY_OPEN))
		s->delay_open = cfg->delay_open;
	if (UNSET(CONFIG_PF_FAMILIES))
		s->families = nb->address.af == CONFIG_AF_INET6 ? CONFIG_FAM_IPV6_UNICAST
							       : CONFIG_FAM_IPV4_UNICAST;
#undef UNSET
	s->trace |= cfg->log_trace;
}

/* Checks on the effective settings, reported at the neighbour. */
static void check_neighbor(struct ctx *c, const struct config_neighbor *nb, uint32_t given)
{
	const struct bgpd_config *cfg = c->w->cfg;
	const struct config_peer *s = &nb->s;
	char a[CONFIG_ADDR_STRLEN];
	uint32_t idle_bits = CONFIG_PF_BIT(CONFIG_PF_IDLE_HOLD) | CONFIG_PF_BIT(CONFIG_PF_IDLE_HOLD_MAX);

	config_addr_format(&nb->address, a, sizeof(a));
	if (!(given & CONFIG_PF_BIT(CONFIG_PF_REMOTE_AS)))
		walk_error_pos(c->w, nb->pos, "neighbor %s: missing required key 'remote-as'", a);
	if (s->local_address.af && s->local_address.af != nb->address.af)
		walk_error_pos(c->w, nb->pos,
			       "neighbor %s: local-address is not of the neighbor's address family", a);
	if (s->ttl_security && s->multihop)
		walk_error_pos(c->w, nb->pos,
			       "neighbor %s: ttl-security and multihop cannot both be set", a);
	if (s->rr_client && s->remote_as && cfg->local_as && s->remote_as != cfg->local_as)
		walk_error_pos(c->w, nb->pos,
			       "neighbor %s: route-reflector-client needs an iBGP neighbor (remote-as %u is not local-as %u)",
			       a, s->remote_as, cfg->local_as);
	/* the global timers were checked on their own; only complain about ours */
	if ((given & CONFIG_PF_BIT(CONFIG_PF_KEEPALIVE)) && s->hold_time &&
	    (s->keepalive == 0 || s->keepalive >= s->hold_time))
		walk_error_pos(c->w, nb->pos,
			       "neighbor %s: keepalive %u must be 1..%u, less than hold-time %u",
			       a, s->keepalive, s->hold_time - 1u, s->hold_time);
	if ((given & idle_bits) && s->idle_hold_max < s->idle_hold)
		walk_error_pos(c->w, nb->pos, "neighbor %s: idle-hold-max %u is less than idle-hold %u",
			       a, s->idle_hold_max, s->idle_hold);
}

static const struct config_policy *resolve_policy(struct ctx *c, const char *name)
{
	long i = name ? index_find(&c->policies, name) : -1;
	return i < 0 ? NULL : &c->w->cfg->policies[i];
}

static void resolve_neighbor(struct ctx *c, struct config_neighbor *nb)
{
	struct bgpd_config *cfg = c->w->cfg;
	const struct config_peer_group *g = NULL;
	uint32_t given = nb->s.set;
	bool group_unknown = false;

	check_policy_refs(c, &nb->s);
	if (nb->peer_group) {
		long i = index_find(&c->groups, nb->peer_group);
		if (i < 0) {
			unknown_name(c, &c->groups, nb->s.pos[CONFIG_PF_PEER_GROUP], "peer-group",
				     "peer group", nb->peer_group);
			group_unknown = true;
		} else {
			g = &cfg->peer_groups[i];
		}
	}
	if (g) {
		inherit(&nb->s, &g->s);
		given |= g->s.set;
	}
	apply_defaults(cfg, nb, given);
	/* without its group we cannot know its settings: no guesses, no cascade */
	if (!group_unknown)
		check_neighbor(c, nb, given);
	nb->import = resolve_policy(c, nb->s.import_policy);
	nb->export = resolve_policy(c, nb->s.export_policy);
}

static int neighbor_cmp(const void *a, const void *b)
{
	const struct config_neighbor *x = a, *y = b;
	if (x->address.af != y->address.af)
		return x->address.af < y->address.af ? -1 : 1;
	return memcmp(x->address.a, y->address.a, sizeof(x->address.a));
}

static void report_neighbor_dup(void *ctx, size_t dup, size_t first)
{
	struct walk *w = ctx;
	const struct config_neighbor *d = &w->cfg->neighbors[dup], *f = &w->cfg->neighbors[first];
	char a[CONFIG_ADDR_STRLEN];

	walk_error_pos(w, d->s.pos[CONFIG_PF_ADDRESS],
		       "duplicate neighbor %s; first defined at line %u, column %u",
		       config_addr_format(&d->address, a, sizeof(a)),
		       f->s.pos[CONFIG_PF_ADDRESS].line, f->s.pos[CONFIG_PF_ADDRESS].column);
}

static int network_cmp(const void *a, const void *b)
{
	const struct config_network *x = a, *y = b;
	if (x->prefix.af != y->prefix.af)
		return x->prefix.af < y->prefix.af ? -1 : 1;
	if (x->prefix.len != y->prefix.len)
		return x->prefix.len < y->prefix.len ? -1 : 1;
	return memcmp(x->prefix.a, y->prefix.a, sizeof(x->prefix.a));
}

static void report_network_dup(void *ctx, size_t dup, size_t first)
{
	struct walk *w = ctx;
	const struct config_network *d = &w->cfg->networks[dup], *f = &w->cfg->networks[first];
	char p[CONFIG_PREFIX_STRLEN];

	walk_error_pos(w, d->pos, "duplicate network %s; first defined at line %u, column %u",
		       config_prefix_format(&d->prefix, p, sizeof(p)), f->pos.line, f->pos.column);
}

void validate_config(struct walk *w)
{
	struct bgpd_config *cfg = w->cfg;
	struct ctx c = { .w = w };
	const char **names;

	if (!cfg->cluster_id_set)
		cfg->cluster_id = cfg->router_id;

	names = cfg_calloc(cfg->n_peer_groups, sizeof(*names));
	for (size_t i = 0; i < cfg->n_peer_groups; i++)
		names[i] = cfg->peer_groups[i].name;
	index_build(&c.groups, names, cfg->n_peer_groups);
	names = cfg_calloc(cfg->n_policies, sizeof(*names));
	for (size_t i = 0; i < cfg->n_policies; i++)
		names[i] = cfg->policies[i].name;
	index_build(&c.policies, names, cfg->n_policies);

	for (size_t i = 0; i < cfg->n_peer_groups; i++)
		check_policy_refs(&c, &cfg->peer_groups[i].s);
	for (size_t i = 0; i < cfg->n_neighbors; i++)
		resolve_neighbor(&c, &cfg->neighbors[i]);
	walk_duplicates(cfg->neighbors, cfg->n_neighbors, sizeof(*cfg->neighbors), neighbor_cmp,
			report_neighbor_dup, w);
	walk_duplicates(cfg->networks, cfg->n_networks, sizeof(*cfg->networks), network_cmp,
			report_network_dup, w);
	index_free(&c.groups);
	index_free(&c.policies);
}
