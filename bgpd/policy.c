/*
 * bgpd/policy.c — running a policy over one route: the terms in order, and the
 * changes a term's `then` makes (doc/bgpd.yaml.md "then").
 *
 * A term's changes are made in one fixed order: LOCAL_PREF, MED, communities
 * (removals, then additions, so a term can swap one for another), large
 * communities (the same), AS_PATH prepend, NEXT_HOP.
 */
#include <string.h>

#include "bgpd/policy.h"

/* The attribute set's empty AS_PATH when it has none: prepending needs a
 * 4-octet path to start from. */
static struct bgp_aspath path_or_empty(const struct bgp_attrs *a)
{
	if (!bgp_attr_has(a, BGP_ATTR_AS_PATH) || a->aspath.len == 0)
		return bgp_aspath_view(NULL, 0, BGP_AS4_SIZE);
	return a->aspath;
}

/* An attribute now held, set by us: present, and a fresh one has no Partial
 * bit; one we rewrote keeps it (RFC 4271 §5: never set back to 0). */
static void attr_set(struct bgp_attrs *a, uint8_t type)
{
	if (!bgp_attr_has(a, type))
		a->partial &= ~BGP_ATTR_BIT(type);
	a->present |= BGP_ATTR_BIT(type);
}

static void attr_clear(struct bgp_attrs *a, uint8_t type)
{
	a->present &= ~BGP_ATTR_BIT(type);
	a->partial &= ~BGP_ATTR_BIT(type);
}

/* A rebuilt list attribute: gone when nothing is left in it. */
static void list_set(struct bgp_attrs *a, uint8_t type, struct bgp_view *field,
                     const struct bgp_view *v)
{
	if (v->len == 0) {
		attr_clear(a, type);
		field->data = NULL;
		field->len = 0;
		return;
	}
	attr_set(a, type);
	*field = *v;
}

static int set_communities(const struct config_then *t, struct bgp_attrs *a,
                           struct policy_scratch *s)
{
	struct bgp_view v;
	uint8_t *out;
	int rc;

	if (!t->add_communities.n && !t->remove_communities.n)
		return 0;
	out = policy_scratch_buf(s, POLICY_SLOT_COMMUNITIES, a->communities.data);
	rc = policy_comm_edit(&a->communities, &t->remove_communities, &t->add_communities, out,
	                      POLICY_ATTR_MAX, &v);
	if (rc < 0) {
		s->why = "COMMUNITIES would exceed 65535 octets";
		return -1;
	}
	if (rc == 0)
		list_set(a, BGP_ATTR_COMMUNITIES, &a->communities, &v);
	return 0;
}

static int set_large(const struct config_then *t, struct bgp_attrs *a, struct policy_scratch *s)
{
	struct bgp_view v;
	uint8_t *out;
	int rc;

	if (!t->add_large_communities.n && !t->remove_large_communities.n)
		return 0;
	out = policy_scratch_buf(s, POLICY_SLOT_LARGE, a->large_communities.data);
	rc = policy_large_edit(&a->large_communities, &t->remove_large_communities,
	                       &t->add_large_communities, out, POLICY_ATTR_MAX, &v);
	if (rc < 0) {
		s->why = "LARGE_COMMUNITY would exceed 65535 octets";
		return -1;
	}
	if (rc == 0)
		list_set(a, BGP_ATTR_LARGE_COMMUNITY, &a->large_communities, &v);
	return 0;
}

/* RFC 4271 §5.1.2: "the local system MAY include/prepend more than one instance
 * of its own AS number" — or, by configuration, another AS. */
static int prepend(const struct config_then *t, const struct policy_route *r,
                   struct bgp_attrs *a, struct policy_scratch *s)
{
	uint32_t as = t->prepend_as ? t->prepend_as : r->local_as;
	struct bgp_aspath in = path_or_empty(a), res;
	uint8_t *out;

	if (t->prepend_count == 0)
		return 0;
	if (as == 0) {
		/* AS 0 makes a path malformed (RFC 7607 §2) */
		s->why = "prepend: no AS to prepend (local AS unknown)";
		return -1;
	}
	out = policy_scratch_buf(s, POLICY_SLOT_ASPATH, in.data);
	if (bgp_aspath_prepend(&in, BGP_AS_SEQUENCE, as, t->prepend_count, out, POLICY_ATTR_MAX,
	                       &res) < 0) {
		s->why = "AS_PATH would exceed 65535 octets";
		return -1;
	}
	a->aspath = res;
	attr_set(a, BGP_ATTR_AS_PATH);
	return 0;
}

/* An IPv4 route's NEXT_HOP, or an IPv6 route's MP_REACH_NLRI next hop (RFC
 * 4760 §3; RFC 2545 §3: the global address, then the link-local one if any). */
static void put_next_hop(struct bgp_attrs *a, uint16_t afi, const uint8_t *nh,
                         const uint8_t *ll)
{
	if (afi == BGP_AFI_IPV4) {
		a->next_hop = bgp_get_u32be(nh);
		attr_set(a, BGP_ATTR_NEXT_HOP);
		return;
	}
	memcpy(a->mp_nh, nh, BGP_PREFIX_ADDR_MAX);
	a->mp_nh_len = BGP_PREFIX_ADDR_MAX;
	if (ll) {
		memcpy(a->mp_nh + BGP_PREFIX_ADDR_MAX, ll, BGP_PREFIX_ADDR_MAX);
		a->mp_nh_len = BGP_MP_NH_MAX;
	}
}

/* Octets of an address of the AFI's family; 0 for a family we do not carry. */
static uint8_t afi_addr_len(uint16_t afi)
{
	if (afi == BGP_AFI_IPV4)
		return BGP_PREFIX_V4_BITS / 8;
	if (afi == BGP_AFI_IPV6)
		return BGP_PREFIX_V6_BITS / 8;
	return 0;
}

static int set_next_hop(const struct config_then *t, const struct policy_route *r,
                        struct bgp_attrs *a, struct policy_scratch *s)
{
	uint8_t len = afi_addr_len(r->afi);
	uint8_t want_af = r->afi == BGP_AFI_IPV4 ? CONFIG_AF_INET : CONFIG_AF_INET6;

	switch (t->next_hop_kind) {
	case CONFIG_NH_KEEP:
		return 0;
	case CONFIG_NH_SELF:
		if (len == 0 || !r->self_nh || r->self_nh_len != len) {
			s->why = "set-next-hop self: no address of the route's family on the session";
			return -1;
		}
		put_next_hop(a, r->afi, r->self_nh, r->self_ll);
		return 0;
	case CONFIG_NH_ADDRESS:
		/* an address of the other family: the term was written for that one */
		if (len && t->next_hop.af == want_af)
			put_next_hop(a, r->afi, t->next_hop.a, NULL);
		return 0;
	}
	return 0;
}

/* Apply a matching term's changes; -1 (s->why set) when one cannot be made. */
static int apply_then(const struct config_then *t, const struct policy_route *r,
                      struct bgp_attrs *a, struct policy_scratch *s)
{
	if (t->set_local_pref) {
		a->local_pref = t->local_pref;
		attr_set(a, BGP_ATTR_LOCAL_PREF);
	}
	if (t->set_med) {
		a->med = t->med;
		attr_set(a, BGP_ATTR_MED);
	}
	if (set_communities(t, a, s) < 0 || set_large(t, a, s) < 0 || prepend(t, r, a, s) < 0)
		return -1;
	return set_next_hop(t, r, a, s);
}

static enum policy_verdict decide(struct policy_scratch *s, size_t term, const char *why,
                                  enum policy_verdict v)
{
	s->term = term;
	s->why = why;
	return v;
}

enum policy_verdict policy_apply(const struct config_policy *pol, const struct policy_route *r,
                                 struct bgp_attrs *a, struct policy_scratch *s)
{
	/* RFC 8212 §3: no policy, no routes (eBGP; the caller knows the session) */
	if (!pol)
		return decide(s, POLICY_TERM_NONE, "no policy (RFC 8212)", POLICY_REJECT);
	for (size_t i = 0; i < pol->n_terms; i++) {
		const struct config_term *t = &pol->terms[i];

		if (!policy_match(&t->match, r, a))
			continue;
		/* a rejected route's changes would be thrown away: skip them */
		if (t->then.action == CONFIG_ACTION_REJECT)
			return decide(s, i, "rejected by a term", POLICY_REJECT);
		s->why = NULL;
		if (apply_then(&t->then, r, a, s) < 0)
			return decide(s, i, s->why, POLICY_REJECT);
		if (t->then.action == CONFIG_ACTION_ACCEPT)
			return decide(s, i, "accepted by a term", POLICY_ACCEPT);
	}
	if (pol->default_action == CONFIG_ACTION_ACCEPT)
		return decide(s, POLICY_TERM_DEFAULT, "accepted by default", POLICY_ACCEPT);
	return decide(s, POLICY_TERM_DEFAULT, "rejected by default", POLICY_REJECT);
}

const char *policy_verdict_name(enum policy_verdict v)
{
	return v == POLICY_ACCEPT ? "accept" : "reject";
}
