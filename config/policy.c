/*
 * config/policy.c — named route policies: an ordered list of terms, each with
 * conditions (match) and actions (then), and a default for routes no term
 * accepted or rejected.
 */
#include <stdlib.h>
#include <string.h>

#include "config/mem.h"
#include "config/schema.h"
#include "config/value.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PREPEND_MAX 16          /* longer prepends only hurt; bgpd never sends more */
#define PATH_LEN_MAX 255        /* an AS_PATH segment count fits in a byte per segment */

static const char *const action_names[] = { "accept", "reject" };

static bool read_action(struct walk *w, const char *what, const struct ynode *n,
			enum config_action *out)
{
	int idx;
	if (!walk_enum(w, what, n, action_names, ARRAY_LEN(action_names), &idx))
		return false;
	*out = idx == 0 ? CONFIG_ACTION_ACCEPT : CONFIG_ACTION_REJECT;
	return true;
}

/* One prefix-list entry: "10.0.0.0/8" or {prefix: 10.0.0.0/8, ge: 16, le: 24} */
static bool read_prefix_match(struct walk *w, const struct ynode *n, struct config_prefix_match *pm)
{
	static const char *const keys[] = { "prefix", "ge", "le" };
	const struct ynode *v[3];
	unsigned max;
	bool ok = true;

	if (n->kind == YNODE_SCALAR) {
		if (!walk_prefix(w, "prefixes", n, &pm->prefix))
			return false;
		pm->ge = pm->le = pm->prefix.len;
		return true;
	}
	if (!walk_fields(w, n, "prefixes", keys, 3, v))
		return false;
	if (!v[0]) {
		walk_missing(w, n, "prefixes", "prefix");
		return false;
	}
	if (!walk_prefix(w, "prefix", v[0], &pm->prefix))
		return false;
	max = value_af_bits(pm->prefix.af);
	/* ge alone means "ge..max"; le alone "len..le"; neither an exact match */
	pm->ge = pm->prefix.len;
	pm->le = v[1] ? (uint8_t)max : pm->prefix.len;
	if (v[1])
		ok &= walk_u8(w, "ge", v[1], pm->prefix.len, (uint8_t)max, &pm->ge);
	if (v[2])
		ok &= walk_u8(w, "le", v[2], pm->prefix.len, (uint8_t)max, &pm->le);
	if (ok && pm->ge > pm->le) {
		walk_error(w, n, "prefixes: ge %u is greater than le %u", pm->ge, pm->le);
		ok = false;
	}
	return ok;
}

static bool read_prefixes(struct walk *w, const struct ynode *n, struct config_match *m)
{
	struct walk_list l;
	bool ok = true;

	if (!walk_list(w, "prefixes", n, true, &l))
		return false;
	m->prefixes = cfg_calloc(l.n, sizeof(*m->prefixes));
	for (size_t i = 0; i < l.n; i++) {
		if (read_prefix_match(w, l.v[i], &m->prefixes[m->n_prefixes]))
			m->n_prefixes++;
		else
			ok = false;
	}
	return ok;
}

/* length: {eq: N} or {ge: N, le: N} — the number of ASes in AS_PATH */
static bool read_path_length(struct walk *w, const struct ynode *n, struct config_match *m)
{
	static const char *const keys[] = { "eq", "ge", "le" };
	const struct ynode *v[3];
	uint32_t eq, ge = 0, le = PATH_LEN_MAX;
	bool ok = true;

	if (!walk_fields(w, n, "length", keys, 3, v))
		return false;
	if (!v[0] && !v[1] && !v[2]) {
		walk_error(w, n, "length: expected at least one of eq, ge, le");
		return false;
	}
	if (v[0] && (v[1] || v[2])) {
		walk_error(w, v[0], "length: eq cannot be combined with ge or le");
		return false;
	}
	if (v[0]) {
		if (!walk_u32(w, "eq", v[0], 0, PATH_LEN_MAX, &eq))
			return false;
		ge = le = eq;
	}
	if (v[1])
		ok &= walk_u32(w, "ge", v[1], 0, PATH_LEN_MAX, &ge);
	if (v[2])
		ok &= walk_u32(w, "le", v[2], 0, PATH_LEN_MAX, &le);
	if (ok && ge > le) {
		walk_error(w, n, "length: ge %u is greater than le %u", ge, le);
		ok = false;
	}
	if (ok) {
		m->has_path_len = true;
		m->path_len_min = ge;
		m->path_len_max = le;
	}
	return ok;
}

static void read_as_path(struct walk *w, const struct ynode *n, struct config_match *m)
{
	static const char *const keys[] = { "contains-as", "origin-as", "length" };
	const struct ynode *v[3];

	if (!walk_fields(w, n, "as-path", keys, 3, v))
		return;
	if (v[0])
		walk_asn_list(w, "contains-as", v[0], &m->contains_as);
	if (v[1])
		walk_asn_list(w, "origin-as", v[1], &m->origin_as);
	if (v[2])
		read_path_length(w, v[2], m);
}

static void read_match(struct walk *w, const struct ynode *n, struct config_match *m)
{
	enum { M_PREFIXES, M_AS_PATH, M_COMMUNITY, M_LARGE, M_NEIGHBOR, M_FAMILY, M_COUNT };
	static const char *const keys[M_COUNT] = {
		[M_PREFIXES] = "prefixes", [M_AS_PATH] = "as-path",
		[M_COMMUNITY] = "community", [M_LARGE] = "large-community",
		[M_NEIGHBOR] = "neighbor", [M_FAMILY] = "family",
	};
	const struct ynode *v[M_COUNT];

	if (!walk_fields(w, n, "match", keys, M_COUNT, v))
		return;
	if (v[M_PREFIXES])
		read_prefixes(w, v[M_PREFIXES], m);
	if (v[M_AS_PATH])
		read_as_path(w, v[M_AS_PATH], m);
	if (v[M_COMMUNITY])
		walk_community_list(w, "community", v[M_COMMUNITY], &m->communities);
	if (v[M_LARGE])
		walk_large_list(w, "large-community", v[M_LARGE], &m->large_communities);
	if (v[M_NEIGHBOR])
		walk_addr_list(w, "neighbor", v[M_NEIGHBOR], &m->neighbors);
	if (v[M_FAMILY])
		walk_families(w, "family", v[M_FAMILY], true, &m->families);
}

/* prepend: 3 (the local AS three times) or {as: 65001, count: 3} */
static void read_prepend(struct walk *w, const struct ynode *n, struct config_then *t)
{
	static const char *const keys[] = { "as", "count" };
	const struct ynode *v[2];
	uint32_t as = 0;
	uint8_t count = 1;

	if (n->kind == YNODE_SCALAR) {
		walk_u8(w, "prepend", n, 1, PREPEND_MAX, &t->prepend_count);
		return;
	}
	if (!walk_fields(w, n, "prepend", keys, 2, v))
		return;
	if (v[0] && !walk_asn(w, "as", v[0], &as))
		return;
	if (v[1] && !walk_u8(w, "count", v[1], 1, PREPEND_MAX, &count))
		return;
	t->prepend_as = as;
	t->prepend_count = count;
}

static void read_next_hop(struct walk *w, const struct ynode *n, struct config_then *t)
{
	if (!walk_scalar(w, "set-next-hop", n, "self or an address"))
		return;
	if (strcmp(n->text, "self") == 0) {
		t->next_hop_kind = CONFIG_NH_SELF;
		return;
	}
	if (walk_addr(w, "set-next-hop", n, 0, &t->next_hop))
		t->next_hop_kind = CONFIG_NH_ADDRESS;
}

/* then: accept | reject | {action: ..., set-local-pref: ..., ...} */
static void read_then(struct walk *w, const struct ynode *n, struct config_then *t)
{
	enum { T_ACTION, T_LOCAL_PREF, T_MED, T_ADD_COMM, T_DEL_COMM, T_ADD_LARGE,
	       T_DEL_LARGE, T_PREPEND, T_NEXT_HOP, T_COUNT };
	static const char *const keys[T_COUNT] = {
		[T_ACTION] = "action", [T_LOCAL_PREF] = "set-local-pref", [T_MED] = "set-med",
		[T_ADD_COMM] = "add-community", [T_DEL_COMM] = "remove-community",
		[T_ADD_LARGE] = "add-large-community",
		[T_DEL_LARGE] = "remove-large-community",
		[T_PREPEND] = "prepend", [T_NEXT_HOP] = "set-next-hop",
	};
	const struct ynode *v[T_COUNT];

	if (n->kind == YNODE_SCALAR) {
		read_action(w, "then", n, &t->action);
		return;
	}
	if (!walk_fields(w, n, "then", keys, T_COUNT, v))
		return;
	if (v[T_ACTION])
		read_action(w, "action", v[T_ACTION], &t->action);
	if (v[T_LOCAL_PREF])
		t->set_local_pref = walk_u32(w, "set-local-pref", v[T_LOCAL_PREF], 0, UINT32_MAX,
					     &t->local_pref);
	if (v[T_MED])
		t->set_med = walk_u32(w, "set-med", v[T_MED], 0, UINT32_MAX, &t->med);
	if (v[T_ADD_COMM])
		walk_community_list(w, "add-community", v[T_ADD_COMM], &t->add_communities);
	if (v[T_DEL_COMM])
		walk_community_list(w, "remove-community", v[T_DEL_COMM], &t->remove_communities);
	if (v[T_ADD_LARGE])
		walk_large_list(w, "add-large-community", v[T_ADD_LARGE],
				&t->add_large_communities);
	if (v[T_DEL_LARGE])
		walk_large_list(w, "remove-large-community", v[T_DEL_LARGE],
				&t->remove_large_communities);
	if (v[T_PREPEND])
		read_prepend(w, v[T_PREPEND], t);
	if (v[T_NEXT_HOP])
		read_next_hop(w, v[T_NEXT_HOP], t);
}

static void read_term(struct walk *w, const struct ynode *n, struct config_term *t)
{
	static const char *const keys[] = { "name", "match", "then" };
	const struct ynode *v[3];

	t->pos = walk_pos(n);
	if (!walk_fields(w, n, "term", keys, 3, v))
		return;
	if (v[0])
		walk_name(w, "name", v[0], &t->name);
	if (v[1])
		read_match(w, v[1], &t->match);
	if (v[2])
		read_then(w, v[2], &t->then);
	else
		walk_missing(w, n, "term", "then");
}

static int term_cmp(const void *a, const void *b)
{
	const struct config_term *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);
	if (c)
		return c;
	return (*x < *y) ? -1 : (*x > *y);
}

/* Sorted, so a hostile file with many terms costs n log n, not n squared. */
static void check_term_names(struct walk *w, const struct config_policy *p)
{
	const struct config_term **idx = cfg_calloc(p->n_terms, sizeof(*idx));
	size_t n = 0;

	for (size_t i = 0; i < p->n_terms; i++)
		if (p->terms[i].name)
			idx[n++] = &p->terms[i];
	qsort(idx, n, sizeof(*idx), term_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(idx[i]->name, idx[first]->name) != 0) {
			first = i;
			continue;
		}
		walk_error_pos(w, idx[i]->pos,
			       "duplicate term '%s' in policy '%s'; first defined at line %u, column %u",
			       idx[i]->name, p->name, idx[first]->pos.line, idx[first]->pos.column);
	}
	free(idx);
}

static void read_policy(struct walk *w, const struct ynode *n, struct config_policy *p)
{
	static const char *const keys[] = { "default", "terms" };
	const struct ynode *v[2];
	struct walk_list l;
	char *where = cfg_asprintf("policy '%s'", p->name);

	p->default_action = CONFIG_ACTION_REJECT;
	if (!walk_fields(w, n, where, keys, 2, v))
		goto out;
	if (v[0])
		read_action(w, "default", v[0], &p->default_action);
	if (!v[1] || !walk_list(w, "terms", v[1], false, &l))
		goto out;
	p->terms = cfg_calloc(l.n, sizeof(*p->terms));
	for (size_t i = 0; i < l.n; i++)
		read_term(w, l.v[i], &p->terms[p->n_terms++]);
	check_term_names(w, p);
out:
	free(where);
}

void policy_read_all(struct walk *w, const struct ynode *map)
{
	struct bgpd_config *cfg = w->cfg;

	if (!walk_is_map(w, "policies", map))
		return;
	cfg->policies = cfg_calloc(map->n, sizeof(*cfg->policies));
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *key = map->pairs[i].key;
		struct config_policy *p = &cfg->policies[cfg->n_policies];

		if (!walk_scalar(w, "policies", key, "a policy name") ||
		    !walk_name_text(w, "policies", key, key->text))
			continue;
		/* kept even when its body has errors: no "unknown policy" echoes */
		p->name = cfg_strdup(key->text);
		p->pos = walk_pos(key);
		read_policy(w, map->pairs[i].value, p);
		cfg->n_policies++;
	}
}

static bool u32s_equal(const struct config_u32_list *a, const struct config_u32_list *b)
{
	return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof(*a->v)) == 0);
}

static bool larges_equal(const struct config_large_list *a, const struct config_large_list *b)
{
	return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof(*a->v)) == 0);
}

static bool addrs_equal(const struct config_addr_list *a, const struct config_addr_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!config_addr_equal(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static bool match_equal(const struct config_match *a, const struct config_match *b)
{
	if (a->n_prefixes != b->n_prefixes || a->has_path_len != b->has_path_len ||
	    a->families != b->families)
		return false;
	for (size_t i = 0; i < a->n_prefixes; i++)
		if (!config_prefix_equal(&a->prefixes[i].prefix, &b->prefixes[i].prefix) ||
		    a->prefixes[i].ge != b->prefixes[i].ge || a->prefixes[i].le != b->prefixes[i].le)
			return false;
	if (a->has_path_len && (a->path_len_min != b->path_len_min ||
				a->path_len_max != b->path_len_max))
		return false;
	return u32s_equal(&a->contains_as, &b->contains_as) &&
	       u32s_equal(&a->origin_as, &b->origin_as) &&
	       u32s_equal(&a->communities, &b->communities) &&
	       larges_equal(&a->large_communities, &b->large_communities) &&
	       addrs_equal(&a->neighbors, &b->neighbors);
}

static bool then_equal(const struct config_then *a, const struct config_then *b)
{
	if (a->action != b->action || a->set_local_pref != b->set_local_pref ||
	    a->set_med != b->set_med || a->prepend_as != b->prepend_as ||
	    a->prepend_count != b->prepend_count || a->next_hop_kind != b->next_hop_kind)
		return false;
	if ((a->set_local_pref && a->local_pref != b->local_pref) ||
	    (a->set_med && a->med != b->med))
		return false;
	if (a->next_hop_kind == CONFIG_NH_ADDRESS && !config_addr_equal(&a->next_hop, &b->next_hop))
		return false;
	return u32s_equal(&a->add_communities, &b->add_communities) &&
	       u32s_equal(&a->remove_communities, &b->remove_communities) &&
	       larges_equal(&a->add_large_communities, &b->add_large_communities) &&
	       larges_equal(&a->remove_large_communities, &b->remove_large_communities);
}

bool policy_equal(const struct config_policy *a, const struct config_policy *b)
{
	if (!a || !b)
		return a == b;
	if (a->default_action != b->default_action || a->n_terms != b->n_terms)
		return false;
	for (size_t i = 0; i < a->n_terms; i++)
		if (!match_equal(&a->terms[i].match, &b->terms[i].match) ||
		    !then_equal(&a->terms[i].then, &b->terms[i].then))
			return false;
	return true;
}

static void match_clear(struct config_match *m)
{
	free(m->prefixes);
	free(m->contains_as.v);
	free(m->origin_as.v);
	free(m->communities.v);
	free(m->large_communities.v);
	free(m->neighbors.v);
}

static void then_clear(struct config_then *t)
{
	free(t->add_communities.v);
	free(t->remove_communities.v);
	free(t->add_large_communities.v);
	free(t->remove_large_communities.v);
}

void policy_clear(struct config_policy *p)
{
	for (size_t i = 0; i < p->n_terms; i++) {
		free(p->terms[i].name);
		match_clear(&p->terms[i].match);
		then_clear(&p->terms[i].then);
	}
	free(p->terms);
	free(p->name);
	memset(p, 0, sizeof(*p));
}
