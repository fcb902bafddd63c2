/*
 * bgpd/decide.c — see decide.h. Each step is a small function returning <0, 0
 * or >0 ("a better", "tied", "b better"), applied in the RFC's order until one
 * is not a tie.
 */
#include "bgpd/decide.h"

#include <stddef.h>

#include "bgpd/aspath.h"

/* -1 when the lower value wins and a has it, ... */
static int lower_wins(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static uint32_t local_pref(const struct bgp_attrs *a)
{
	return bgp_attr_has(a, BGP_ATTR_LOCAL_PREF) ? a->local_pref : DECIDE_DEFAULT_LOCAL_PREF;
}

/* §9.1.2.2 c: "Routes that do not have the MULTI_EXIT_DISC attribute are
 * considered to have the lowest possible MULTI_EXIT_DISC value." */
static uint32_t med(const struct bgp_attrs *a)
{
	return bgp_attr_has(a, BGP_ATTR_MED) ? a->med : 0;
}

/* RFC 4456 §9: ORIGINATOR_ID "SHOULD be treated as the BGP Identifier of the
 * BGP speaker that has advertised the route". */
static uint32_t advertiser_id(const struct bgp_attrs *a, const struct rib_peer_info *pi)
{
	return bgp_attr_has(a, BGP_ATTR_ORIGINATOR_ID) ? a->originator_id : pi->bgp_id;
}

uint32_t decide_neighbor_as(const struct rib *r, const struct rib_path *p)
{
	const struct rib_peer_info *pi;

	if (p->eff && p->eff->neighbor_as != 0)
		return p->eff->neighbor_as;
	pi = rib_peer_get(r, p->peer);
	if (pi && pi->kind == RIB_PEER_EBGP)
		return pi->remote_as;
	return rib_get_cfg(r)->local_as;    /* originated (or aggregated) in our AS */
}

/* Steps 1-5: what the attributes alone decide. */
static int cmp_attrs(const struct rib *r, const struct rib_path *pa, const struct rib_path *pb)
{
	const struct attrset *a = pa->eff, *b = pb->eff;
	int c;

	/* 1: our own announcements before anything learned */
	if ((pa->peer == RIB_PEER_LOCAL) != (pb->peer == RIB_PEER_LOCAL))
		return pa->peer == RIB_PEER_LOCAL ? -1 : 1;
	/* 2: RFC 4271 §9.1.2 a: the highest degree of preference */
	if ((c = -lower_wins(local_pref(&a->a), local_pref(&b->a))) != 0)
		return c;
	/* 3: RFC 4271 §9.1.2.2 a */
	if ((c = lower_wins(a->as_path_len, b->as_path_len)) != 0)
		return c;
	/* 4: RFC 4271 §9.1.2.2 b */
	if ((c = lower_wins(a->a.origin, b->a.origin)) != 0)
		return c;
	/* 5: RFC 4271 §9.1.2.2 c, only within one neighbouring AS */
	if (decide_neighbor_as(r, pa) == decide_neighbor_as(r, pb) &&
	    (c = lower_wins(med(&a->a), med(&b->a))) != 0)
		return c;
	return 0;
}

/* Steps 6-10: who told us. */
static int cmp_source(const struct rib *r, const struct rib_path *pa, const struct rib_path *pb)
{
	const struct rib_peer_info *ia = rib_peer_get(r, pa->peer), *ib = rib_peer_get(r, pb->peer);
	int c;

	if (!ia || !ib)
		return lower_wins(pa->peer, pb->peer);
	/* 6: RFC 4271 §9.1.2.2 d */
	if ((ia->kind == RIB_PEER_EBGP) != (ib->kind == RIB_PEER_EBGP))
		return ia->kind == RIB_PEER_EBGP ? -1 : 1;
	/* 7: RFC 4271 §9.1.2.2 f, RFC 4456 §9 */
	if ((c = lower_wins(advertiser_id(&pa->eff->a, ia), advertiser_id(&pb->eff->a, ib))) != 0)
		return c;
	/* 8: RFC 4456 §9, between steps f and g */
	if ((c = lower_wins(pa->eff->cluster_len, pb->eff->cluster_len)) != 0)
		return c;
	/* 9: RFC 4271 §9.1.2.2 g */
	if ((c = bgp_prefix_cmp(&ia->addr, &ib->addr)) != 0)
		return c;
	/* 10 */
	return lower_wins(pa->peer, pb->peer);
}

int decide_cmp(const struct rib *r, const struct rib_path *a, const struct rib_path *b)
{
	int c;

	if (a->peer == b->peer)
		return 0;
	/* Not for ineligible paths; if given one anyway, it loses. */
	if (!a->eff || !b->eff)
		return a->eff ? -1 : b->eff ? 1 : lower_wins(a->peer, b->peer);
	if ((c = cmp_attrs(r, a, b)) != 0)
		return c;
	return cmp_source(r, a, b);
}

static bool cluster_list_has(const struct bgp_attrs *a, uint32_t id)
{
	for (size_t i = 0; i + BGP_CLUSTER_ID_LEN <= a->cluster_list.len; i += BGP_CLUSTER_ID_LEN)
		if (bgp_get_u32be(a->cluster_list.data + i) == id)
			return true;
	return false;
}

const char *decide_loop(const struct rib_cfg *cfg, const struct bgp_attrs *a, bool ibgp)
{
	/* RFC 4456 §7: the CLUSTER_ID is by default the RR's BGP Identifier */
	uint32_t cluster = cfg->cluster_id ? cfg->cluster_id : cfg->router_id;

	/* RFC 4271 §9.1.2: "checking that the autonomous system number of the
	 * local system does not appear in the AS path"; RFC 5065 §4 for the
	 * confederation segments */
	if (bgp_attr_has(a, BGP_ATTR_AS_PATH) &&
	    (bgp_aspath_contains(&a->aspath, cfg->local_as) ||
	     bgp_aspath_confed_contains(&a->aspath, cfg->local_as)))
		return "AS path loop: our AS in AS_PATH (RFC 4271 §9.1.2)";
	if (!ibgp)
		return NULL;
	/* RFC 4456 §8: "SHOULD ignore a route received with its BGP Identifier
	 * as the ORIGINATOR_ID" */
	if (bgp_attr_has(a, BGP_ATTR_ORIGINATOR_ID) && a->originator_id == cfg->router_id)
		return "reflection loop: our router id as ORIGINATOR_ID (RFC 4456 §8)";
	/* RFC 4456 §8: "If the local CLUSTER_ID is found in the CLUSTER_LIST,
	 * the advertisement received SHOULD be ignored." */
	if (bgp_attr_has(a, BGP_ATTR_CLUSTER_LIST) && cluster_list_has(a, cluster))
		return "reflection loop: our cluster id in CLUSTER_LIST (RFC 4456 §8)";
	return NULL;
}
