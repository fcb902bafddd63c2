/*
 * bgpd/rib_glue_local.c — routes we originate: the configured `networks` and
 * the ones announced at run time with `bgpcli announce`. Both are paths of the
 * RIB's local pseudo-peer; a runtime announcement of a configured prefix
 * overrides it until withdrawn, when the configured one comes back.
 */
#include <stdlib.h>
#include <string.h>

#include "bgpd/daemon.h"
#include "bgpd/rib_glue_int.h"

static struct rg_local *find(struct rib_glue *g, const struct bgp_prefix *p)
{
	for (size_t i = 0; i < g->n_local; i++)
		if (bgp_prefix_eq(&g->local[i].prefix, p))
			return &g->local[i];
	return NULL;
}

/* Put the entry's effective set (the runtime one wins) into the RIB. */
static int sync_rib(struct rib_glue *g, struct rg_local *l)
{
	const struct attrset *a = l->cli ? l->cli : l->cfg;
	int rc = 0;
	if (a)
		rc = rib_update(g->rib, RIB_PEER_LOCAL, &l->prefix, a, a, 0);
	else
		rib_withdraw(g->rib, RIB_PEER_LOCAL, &l->prefix);
	if (!a) {
		size_t i = (size_t)(l - g->local);
		g->local[i] = g->local[--g->n_local];
	}
	rg_kick(g);
	return rc;
}

int rg_local_set(struct rib_glue *g, const struct bgp_prefix *p, const struct bgp_attrs *a,
                 bool cli)
{
	struct rg_local *l = find(g, p);
	if (!l) {
		if (g->n_local == g->cap_local) {
			size_t ncap = g->cap_local ? 2 * g->cap_local : 16;
			struct rg_local *n = realloc(g->local, ncap * sizeof(*n));
			if (!n)
				return -1;
			g->local = n;
			g->cap_local = ncap;
		}
		l = &g->local[g->n_local++];
		memset(l, 0, sizeof(*l));
		l->prefix = *p;
	}
	const struct attrset *s = attrset_intern(g->attrs, a);
	if (!s)
		return -1;
	const struct attrset **slot = cli ? &l->cli : &l->cfg;
	attrset_unref(g->attrs, *slot);
	*slot = s;
	return sync_rib(g, l);
}

int rg_local_unset(struct rib_glue *g, const struct bgp_prefix *p, bool cli)
{
	struct rg_local *l = find(g, p);
	if (!l || !(cli ? l->cli : l->cfg))
		return -1;
	const struct attrset **slot = cli ? &l->cli : &l->cfg;
	attrset_unref(g->attrs, *slot);
	*slot = NULL;
	return sync_rib(g, l);
}

void rg_local_free(struct rib_glue *g)
{
	for (size_t i = 0; i < g->n_local; i++) {
		rib_withdraw(g->rib, RIB_PEER_LOCAL, &g->local[i].prefix);
		attrset_unref(g->attrs, g->local[i].cfg);
		attrset_unref(g->attrs, g->local[i].cli);
	}
	free(g->local);
	g->local = NULL;
	g->n_local = g->cap_local = 0;
}

static void put_u32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

/* An originated route: ORIGIN IGP, an empty AS_PATH (RFC 4271 §5.1.2: we
 * prepend ourselves when sending to an external peer), the next hop given or
 * none (then export makes it ours), and the configured extras. */
int rg_local_from_network(const struct config_network *n, struct bgp_prefix *p,
                          struct bgp_attrs *a, uint8_t *store, size_t cap)
{
	uint8_t af = n->prefix.af == CONFIG_AF_INET ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
	if (bgp_prefix_set(p, af, n->prefix.a, n->prefix.len) < 0)
		return -1;
	size_t need = n->communities.n * BGP_COMMUNITY_LEN +
	              n->large_communities.n * BGP_LARGE_COMMUNITY_LEN;
	if (need > cap || need > BGP_ATTR_LEN_MAX)
		return -1;
	memset(a, 0, sizeof(*a));
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	a->origin = BGP_ORIGIN_IGP;
	a->aspath = bgp_aspath_view(NULL, 0, BGP_AS4_SIZE);
	if (n->next_hop.af == CONFIG_AF_INET && af == BGP_AFI_IPV4) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
		a->next_hop = bgp_get_u32be(n->next_hop.a);
	} else if (n->next_hop.af) {
		a->mp_nh_len = n->next_hop.af == CONFIG_AF_INET ? 4 : 16;
		memcpy(a->mp_nh, n->next_hop.a, a->mp_nh_len);
	}
	if (n->has_med) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_MED);
		a->med = n->med;
	}
	if (n->has_local_pref) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		a->local_pref = n->local_pref;
	}
	uint8_t *q = store;
	if (n->communities.n) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
		a->communities.data = q;
		for (size_t i = 0; i < n->communities.n; i++, q += BGP_COMMUNITY_LEN)
			put_u32(q, n->communities.v[i]);
		a->communities.len = (size_t)(q - a->communities.data);
	}
	if (n->large_communities.n) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITY);
		a->large_communities.data = q;
		for (size_t i = 0; i < n->large_communities.n; i++, q += BGP_LARGE_COMMUNITY_LEN) {
			put_u32(q, n->large_communities.v[i].global);
			put_u32(q + 4, n->large_communities.v[i].local1);
			put_u32(q + 8, n->large_communities.v[i].local2);
		}
		a->large_communities.len = (size_t)(q - a->large_communities.data);
	}
	return 0;
}
