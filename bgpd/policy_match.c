/*
 * bgpd/policy_match.c — whether a policy term's `match` holds for a route
 * (doc/bgpd.yaml.md "match"): every condition given must hold; a condition
 * given a list holds when any item does. A list left empty was not given.
 */
#include <string.h>

#include "bgpd/policy.h"

/* The config's address family (CONFIG_AF_*) for an AFI (RFC 4760). */
static uint8_t config_af_of(uint8_t afi)
{
	if (afi == BGP_AFI_IPV4)
		return CONFIG_AF_INET;
	if (afi == BGP_AFI_IPV6)
		return CONFIG_AF_INET6;
	return 0;
}

static uint64_t get_u64be(const uint8_t *q)
{
	return (uint64_t)bgp_get_u32be(q) << 32 | bgp_get_u32be(q + 4);
}

/* Whether the leading len bits of two addresses agree: as whole words, since
 * this runs for every prefix-list entry a route is held against. */
static bool bits_equal4(const uint8_t *a, const uint8_t *b, unsigned len)
{
	uint32_t mask = len ? UINT32_MAX << (BGP_PREFIX_V4_BITS - len) : 0;

	return ((bgp_get_u32be(a) ^ bgp_get_u32be(b)) & mask) == 0;
}

static bool bits_equal6(const uint8_t *a, const uint8_t *b, unsigned len)
{
	const unsigned half = BGP_PREFIX_V6_BITS / 2;
	uint64_t hi = get_u64be(a) ^ get_u64be(b);

	if (len <= half)
		return len == 0 || (hi & (UINT64_MAX << (half - len))) == 0;
	return hi == 0 && ((get_u64be(a + 8) ^ get_u64be(b + 8)) &
	                   (UINT64_MAX << (BGP_PREFIX_V6_BITS - len))) == 0;
}

/* A prefix-list entry: p lies within the entry's prefix and its length is in
 * ge..le (both the entry's length for an exact match). */
static bool prefix_entry_holds(const struct config_prefix_match *e, const struct bgp_prefix *p)
{
	if (e->prefix.af != config_af_of(p->af) || p->len < e->ge || p->len > e->le ||
	    p->len < e->prefix.len)
		return false;
	if (p->af == BGP_AFI_IPV4)
		return bits_equal4(e->prefix.a, p->addr, e->prefix.len);
	return bits_equal6(e->prefix.a, p->addr, e->prefix.len);
}

static bool prefixes_hold(const struct config_match *m, const struct bgp_prefix *p)
{
	if (!p)
		return false;
	for (size_t i = 0; i < m->n_prefixes; i++)
		if (prefix_entry_holds(&m->prefixes[i], p))
			return true;
	return false;
}

static bool u32_listed(const struct config_u32_list *l, uint32_t v)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return true;
	return false;
}

/* Some AS of the list anywhere in AS_PATH (AS_SEQUENCE or AS_SET; bgpd has no
 * confederations, and their segments are not part of the path to outsiders,
 * RFC 5065 §5.3). One pass over the path. */
static bool path_contains_any(const struct bgp_aspath *path, const struct config_u32_list *l)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg seg;

	bgp_aspath_iter_init(&it, path);
	while (bgp_aspath_next(&it, &seg)) {
		if (seg.type != BGP_AS_SEQUENCE && seg.type != BGP_AS_SET)
			continue;
		for (unsigned i = 0; i < seg.count; i++)
			if (u32_listed(l, bgp_as_seg_asn(&seg, i)))
				return true;
	}
	return false;
}

static bool communities_hold(const struct config_u32_list *l, const struct bgp_attrs *a)
{
	size_t n = bgp_community_count(a);

	for (size_t i = 0; i < n; i++)
		if (u32_listed(l, bgp_community_at(a, i)))
			return true;
	return false;
}

static bool large_listed(const struct config_large_list *l, const struct bgp_large_community *c)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].global == c->global && l->v[i].local1 == c->local1 &&
		    l->v[i].local2 == c->local2)
			return true;
	return false;
}

static bool large_hold(const struct config_large_list *l, const struct bgp_attrs *a)
{
	size_t n = bgp_large_community_count(a);

	for (size_t i = 0; i < n; i++) {
		struct bgp_large_community c = bgp_large_community_at(a, i);

		if (large_listed(l, &c))
			return true;
	}
	return false;
}

static bool neighbors_hold(const struct config_addr_list *l, const struct config_addr *nb)
{
	size_t len;

	if (!nb)
		return false;
	/* only the family's octets: the rest of an IPv4 config_addr is zero */
	len = nb->af == CONFIG_AF_INET ? BGP_PREFIX_V4_BITS / 8 : BGP_PREFIX_ADDR_MAX;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].af == nb->af && memcmp(l->v[i].a, nb->a, len) == 0)
			return true;
	return false;
}

static uint32_t family_bit(uint16_t afi)
{
	if (afi == BGP_AFI_IPV4)
		return CONFIG_FAM_IPV4_UNICAST;
	if (afi == BGP_AFI_IPV6)
		return CONFIG_FAM_IPV6_UNICAST;
	return 0;
}

/* The conditions on AS_PATH: contains-as, origin-as, length. */
static bool aspath_holds(const struct config_match *m, const struct bgp_aspath *path)
{
	if (m->contains_as.n && !path_contains_any(path, &m->contains_as))
		return false;
	if (m->origin_as.n) {
		/* 0 when the path is empty or ends in an AS_SET: no single origin */
		uint32_t origin = bgp_aspath_origin(path);

		if (origin == 0 || !u32_listed(&m->origin_as, origin))
			return false;
	}
	if (m->has_path_len) {
		/* counted as for route selection, RFC 4271 §9.1.2.2 a */
		unsigned len = bgp_aspath_length(path);

		if (len < m->path_len_min || len > m->path_len_max)
			return false;
	}
	return true;
}

bool policy_match(const struct config_match *m, const struct policy_route *r,
                  const struct bgp_attrs *a)
{
	/* cheapest conditions first: a term most often fails on them */
	if (m->families && !(m->families & family_bit(r->afi)))
		return false;
	if (m->neighbors.n && !neighbors_hold(&m->neighbors, r->neighbor))
		return false;
	if (m->n_prefixes && !prefixes_hold(m, r->prefix))
		return false;
	if (m->communities.n && !communities_hold(&m->communities, a))
		return false;
	if (m->large_communities.n && !large_hold(&m->large_communities, a))
		return false;
	return aspath_holds(m, &a->aspath);
}
