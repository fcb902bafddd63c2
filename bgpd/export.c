/*
 * bgpd/export.c — the protocol's own export rules (bgpd/export.h): which
 * routes may go to a peer, and how their attributes change on the way.
 */
#include <string.h>

#include "bgpd/export.h"

/* Extended community Type high octet: the T bit, 1 = non-transitive across
 * ASes (RFC 4360 §2). */
#define EXT_COMM_NON_TRANSITIVE 0x40

static void attr_clear(struct bgp_attrs *a, uint8_t type)
{
	a->present &= ~BGP_ATTR_BIT(type);
	a->partial &= ~BGP_ATTR_BIT(type);
}

/* An attribute we create: present, no Partial bit (RFC 4271 §5). */
static void attr_add(struct bgp_attrs *a, uint8_t type)
{
	a->present |= BGP_ATTR_BIT(type);
	a->partial &= ~BGP_ATTR_BIT(type);
}

static int refuse(const char **why, const char *text)
{
	*why = text;
	return -1;
}

/* RFC 1997: the well-known communities that limit where a route goes. */
static const char *community_refusal(const struct bgp_attrs *in, const struct export_target *t)
{
	if (bgp_attrs_has_community(in, BGP_COMM_NO_ADVERTISE))
		return "NO_ADVERTISE community (RFC 1997)";
	if (t->kind != EXPORT_KIND_EBGP)
		return NULL;
	/* a stand-alone AS is its own confederation (RFC 1997): its edge is ours */
	if (bgp_attrs_has_community(in, BGP_COMM_NO_EXPORT))
		return "NO_EXPORT community to an external peer (RFC 1997)";
	if (bgp_attrs_has_community(in, BGP_COMM_NO_EXPORT_SUBCONFED))
		return "NO_EXPORT_SUBCONFED community to an external peer (RFC 1997)";
	return NULL;
}

/* RFC 4456 §6: an iBGP-learned route goes to another iBGP peer only when we
 * reflect it — from a client to everyone, from a non-client to clients. */
static bool may_reflect(const struct export_source *src, const struct export_target *t)
{
	return src->rr_client || t->rr_client;
}

/* RFC 4456 §8: ORIGINATOR_ID (kept if there is one: "SHOULD NOT create an
 * ORIGINATOR_ID attribute if one already exists") and our CLUSTER_ID in front
 * of CLUSTER_LIST ("If the CLUSTER_LIST is empty, it MUST create a new one"). */
static int reflect(const struct export_cfg *cfg, const struct export_source *src,
                   struct bgp_attrs *out, struct policy_scratch *s, const char **why)
{
	struct bgp_view old = { NULL, 0 };
	uint8_t *buf;

	if (bgp_attr_has(out, BGP_ATTR_CLUSTER_LIST))
		old = out->cluster_list;
	if (old.len > POLICY_ATTR_MAX - BGP_CLUSTER_ID_LEN)
		return refuse(why, "CLUSTER_LIST would exceed 65535 octets");
	if (!bgp_attr_has(out, BGP_ATTR_ORIGINATOR_ID)) {
		out->originator_id = src->bgp_id;
		attr_add(out, BGP_ATTR_ORIGINATOR_ID);
	}
	buf = policy_scratch_buf(s, POLICY_SLOT_CLUSTER, old.data);
	buf[0] = (uint8_t)(cfg->cluster_id >> 24);
	buf[1] = (uint8_t)(cfg->cluster_id >> 16);
	buf[2] = (uint8_t)(cfg->cluster_id >> 8);
	buf[3] = (uint8_t)cfg->cluster_id;
	if (old.len)
		memcpy(buf + BGP_CLUSTER_ID_LEN, old.data, old.len);
	out->cluster_list.data = buf;
	out->cluster_list.len = old.len + BGP_CLUSTER_ID_LEN;
	if (!bgp_attr_has(out, BGP_ATTR_CLUSTER_LIST))
		attr_add(out, BGP_ATTR_CLUSTER_LIST);
	return 0;
}

/* ORIGINATOR_ID and CLUSTER_LIST travel only inside the AS, by reflection
 * (RFC 4456 §8). */
static void drop_reflection(struct bgp_attrs *out)
{
	attr_clear(out, BGP_ATTR_ORIGINATOR_ID);
	out->originator_id = 0;
	attr_clear(out, BGP_ATTR_CLUSTER_LIST);
	out->cluster_list.data = NULL;
	out->cluster_list.len = 0;
}

/* Our address on the session as the route's next hop: IPv4 NEXT_HOP, or the
 * IPv6 global address followed by the link-local one when we have one on the
 * shared link (RFC 2545 §3). */
static int next_hop_self(uint16_t afi, const struct export_target *t, struct bgp_attrs *out,
                         const char **why)
{
	if (afi == BGP_AFI_IPV4) {
		if (!t->self_nh || t->self_nh_len != BGP_PREFIX_V4_BITS / 8)
			return refuse(why, "no IPv4 address of ours on the session for NEXT_HOP");
		out->next_hop = bgp_get_u32be(t->self_nh);
		attr_add(out, BGP_ATTR_NEXT_HOP);
		return 0;
	}
	if (!t->self_nh || t->self_nh_len != BGP_PREFIX_ADDR_MAX)
		return refuse(why, "no IPv6 address of ours on the session for the next hop");
	memcpy(out->mp_nh, t->self_nh, BGP_PREFIX_ADDR_MAX);
	out->mp_nh_len = BGP_PREFIX_ADDR_MAX;
	if (t->self_ll) {
		memcpy(out->mp_nh + BGP_PREFIX_ADDR_MAX, t->self_ll, BGP_PREFIX_ADDR_MAX);
		out->mp_nh_len = BGP_MP_NH_MAX;
	}
	return 0;
}

/* Whether the route carries a next hop of its family (for a local route: a
 * configured one). */
static bool has_next_hop(uint16_t afi, const struct bgp_attrs *a)
{
	if (afi == BGP_AFI_IPV4)
		return bgp_attr_has(a, BGP_ATTR_NEXT_HOP);
	return a->mp_nh_len >= BGP_PREFIX_ADDR_MAX;
}

/* A next hop passed on unchanged: an IPv6 link-local address means something
 * only on the link it was learned over (RFC 2545 §3), so the global one goes. */
static void keep_next_hop(uint16_t afi, struct bgp_attrs *out)
{
	if (afi == BGP_AFI_IPV6 && out->mp_nh_len == BGP_MP_NH_MAX) {
		memset(out->mp_nh + BGP_PREFIX_ADDR_MAX, 0, BGP_PREFIX_ADDR_MAX);
		out->mp_nh_len = BGP_PREFIX_ADDR_MAX;
	}
}

/* Only the next hop of the route's own family goes with it: the other one
 * (from an UPDATE that carried both) would make equal routes look different. */
static void other_family_next_hop(uint16_t afi, struct bgp_attrs *out)
{
	if (afi == BGP_AFI_IPV4) {
		memset(out->mp_nh, 0, sizeof(out->mp_nh));
		out->mp_nh_len = 0;
	} else {
		attr_clear(out, BGP_ATTR_NEXT_HOP);
		out->next_hop = 0;
	}
}

/* RFC 4360 §6: "If a route has a non-transitivity extended community, then
 * before advertising the route across the Autonomous System boundary the
 * community SHOULD be removed from the route." */
static void drop_non_transitive_ext(struct bgp_attrs *out, struct policy_scratch *s)
{
	size_t n = bgp_ext_community_count(out), k = 0;
	const uint8_t *v = out->ext_communities.data;
	uint8_t *buf;
	bool any = false;

	for (size_t i = 0; i < n && !any; i++)
		any = (v[i * BGP_EXT_COMMUNITY_LEN] & EXT_COMM_NON_TRANSITIVE) != 0;
	if (!any)
		return;
	buf = policy_scratch_buf(s, POLICY_SLOT_EXT, v);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *c = v + i * BGP_EXT_COMMUNITY_LEN;

		if (c[0] & EXT_COMM_NON_TRANSITIVE)
			continue;
		memcpy(buf + k * BGP_EXT_COMMUNITY_LEN, c, BGP_EXT_COMMUNITY_LEN);
		k++;
	}
	out->ext_communities.len = k * BGP_EXT_COMMUNITY_LEN;
	out->ext_communities.data = k ? buf : NULL;
	if (k == 0)
		attr_clear(out, BGP_ATTR_EXT_COMMUNITIES);
}

/* RFC 4271 §5.1.2 b: our AS in front, into the leading AS_SEQUENCE or a new one. */
static int prepend_local_as(const struct export_cfg *cfg, struct bgp_attrs *out,
                            struct policy_scratch *s, const char **why)
{
	struct bgp_aspath in = out->aspath, res;
	uint8_t *buf;

	if (!bgp_attr_has(out, BGP_ATTR_AS_PATH) || in.len == 0)
		in = bgp_aspath_view(NULL, 0, BGP_AS4_SIZE);
	buf = policy_scratch_buf(s, POLICY_SLOT_ASPATH, in.data);
	if (bgp_aspath_prepend(&in, BGP_AS_SEQUENCE, cfg->local_as, 1, buf, POLICY_ATTR_MAX,
	                       &res) < 0)
		return refuse(why, "AS_PATH would exceed 65535 octets");
	out->aspath = res;
	attr_add(out, BGP_ATTR_AS_PATH);
	return 0;
}

static int to_ebgp(const struct export_cfg *cfg, const struct export_source *src, uint16_t afi,
                   const struct export_target *t, struct bgp_attrs *out,
                   struct policy_scratch *s, const char **why)
{
	/* RFC 4271 §9.1.2: the peer would find its own AS and drop the route */
	if (t->remote_as && bgp_aspath_contains(&out->aspath, t->remote_as))
		return refuse(why, "the peer's AS is in AS_PATH (it would drop the route as a loop)");
	if (prepend_local_as(cfg, out, s, why) < 0)
		return -1;
	/* §5.1.3 (2), (3): by default the address we use on the session with the
	 * peer; a local route's configured next hop is a "third party" one */
	if (!(src->kind == EXPORT_KIND_LOCAL && has_next_hop(afi, out)) &&
	    next_hop_self(afi, t, out, why) < 0)
		return -1;
	/* §5.1.5: "MUST NOT include this attribute in UPDATE messages it sends to
	 * external peers" */
	attr_clear(out, BGP_ATTR_LOCAL_PREF);
	out->local_pref = 0;
	/* §5.1.4: a MED received from a neighbouring AS "MUST NOT be propagated to
	 * other neighboring ASes"; ours (a local route's) may go */
	if (src->kind != EXPORT_KIND_LOCAL) {
		attr_clear(out, BGP_ATTR_MED);
		out->med = 0;
	}
	drop_reflection(out);
	drop_non_transitive_ext(out, s);
	return 0;
}

static int to_ibgp(const struct export_cfg *cfg, const struct export_source *src, uint16_t afi,
                   const struct export_target *t, struct bgp_attrs *out,
                   struct policy_scratch *s, const char **why)
{
	bool reflected = src->kind == EXPORT_KIND_IBGP;

	if (reflected) {
		/* RFC 4456 §6; without clients this is plain iBGP split horizon
		 * (RFC 4271 §9.2: no iBGP-learned route to an internal peer) */
		if (!may_reflect(src, t))
			return refuse(why, "iBGP route to an iBGP peer (not reflected: RFC 4456 §6)");
		if (reflect(cfg, src, out, s, why) < 0)
			return -1;
		/* RFC 4456 §10: a reflector "SHOULD NOT modify ... NEXT_HOP" */
		keep_next_hop(afi, out);
	} else {
		drop_reflection(out);
		/* RFC 4271 §5.1.3 (1): ours for local routes, the learned one otherwise
		 * unless configured to announce our own */
		if ((src->kind == EXPORT_KIND_LOCAL && !has_next_hop(afi, out)) || t->next_hop_self) {
			if (next_hop_self(afi, t, out, why) < 0)
				return -1;
		} else {
			keep_next_hop(afi, out);
		}
	}
	/* §5.1.5: "SHALL be included in all UPDATE messages ... sent to other
	 * internal peers" */
	if (!bgp_attr_has(out, BGP_ATTR_LOCAL_PREF)) {
		out->local_pref = EXPORT_DEFAULT_LOCAL_PREF;
		attr_add(out, BGP_ATTR_LOCAL_PREF);
	}
	/* §5.1.2 a: AS_PATH unchanged; b: a local route's is empty */
	if (!bgp_attr_has(out, BGP_ATTR_AS_PATH)) {
		out->aspath = bgp_aspath_view(NULL, 0, BGP_AS4_SIZE);
		attr_add(out, BGP_ATTR_AS_PATH);
	}
	return 0;
}

int export_build(const struct export_cfg *cfg, const struct export_source *src,
                 const struct bgp_attrs *in, uint16_t afi, const struct export_target *t,
                 struct bgp_attrs *out, struct policy_scratch *s, const char **why)
{
	const char *no;

	*why = NULL;
	if (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6)
		return refuse(why, "address family not supported");
	if (t->kind != EXPORT_KIND_EBGP && t->kind != EXPORT_KIND_IBGP)
		return refuse(why, "target is not a BGP peer");
	if (src->kind > EXPORT_KIND_LOCAL)
		return refuse(why, "unknown source kind");
	no = community_refusal(in, t);
	if (no)
		return refuse(why, no);
	*out = *in;
	other_family_next_hop(afi, out);
	if (t->kind == EXPORT_KIND_EBGP)
		return to_ebgp(cfg, src, afi, t, out, s, why);
	return to_ibgp(cfg, src, afi, t, out, s, why);
}

void export_finish(const struct export_target *t, struct bgp_attrs *a)
{
	if (t->kind == EXPORT_KIND_EBGP) {
		/* RFC 4271 §5.1.5; RFC 4456 §8 (a policy cannot set these two, but
		 * this is the last word on what leaves the AS) */
		attr_clear(a, BGP_ATTR_LOCAL_PREF);
		a->local_pref = 0;
		drop_reflection(a);
		return;
	}
	if (!bgp_attr_has(a, BGP_ATTR_LOCAL_PREF)) {
		a->local_pref = EXPORT_DEFAULT_LOCAL_PREF;
		attr_add(a, BGP_ATTR_LOCAL_PREF);
	}
}
