/*
 * tests/unit/test_export.c — bgpd/export.c: the protocol's own export rules.
 * The route reflection matrix (RFC 4456 §6) and what reflecting adds (§8) and
 * leaves alone (§10); the well-known communities (RFC 1997); what changes at
 * the AS edge (RFC 4271 §5.1: AS_PATH, NEXT_HOP, MED, LOCAL_PREF; RFC 2545 §3
 * IPv6 next hops; RFC 4360 §6 non-transitive extended communities); local
 * routes; refusals; and export rules chained with an export policy through one
 * scratch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/attr.h"
#include "bgpd/export.h"
#include "bgpd/policy.h"
#include "config/config.h"

#define LOCAL_AS   65001u
#define ROUTER_ID  0x0a000001u
#define CLUSTER_ID 0x0a0000ffu
#define SRC_ID     0x0a000007u

static const struct export_cfg cfg = { LOCAL_AS, ROUTER_ID, CLUSTER_ID };
static const uint8_t self4[4] = { 192, 0, 2, 1 };
static const uint8_t self6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ll6[16] = { 0xfe, 0x80, [15] = 1 };
static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t peer_ll6[16] = { 0xfe, 0x80, [15] = 2 };

/* A selected route's attributes and the storage they view. */
struct fix {
	struct bgp_attrs a;
	uint8_t path[256];
	uint8_t comm[64];
	uint8_t cl[64];
	uint8_t ext[64];
};

static void put32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

/* An IPv4 route learned with path, next hop 10.0.0.2, LOCAL_PREF 200 and MED 5
 * (a learned route in the Loc-RIB after import). */
static void fix_init(struct fix *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(bgp_aspath_parse(path, f->path, sizeof(f->path), &f->a.aspath), 0);
	f->a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	               BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) |
	               BGP_ATTR_BIT(BGP_ATTR_MED);
	f->a.origin = BGP_ORIGIN_EGP;
	f->a.next_hop = 0x0a000002;
	f->a.local_pref = 200;
	f->a.med = 5;
}

/* The same for IPv6: global + link-local next hop, as learned on a shared link. */
static void fix_init6(struct fix *f, const char *path)
{
	fix_init(f, path);
	f->a.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	f->a.next_hop = 0;
	memcpy(f->a.mp_nh, peer6, 16);
	memcpy(f->a.mp_nh + 16, peer_ll6, 16);
	f->a.mp_nh_len = 32;
}

static void fix_comm(struct fix *f, size_t n, const uint32_t *v)
{
	for (size_t i = 0; i < n; i++)
		put32(f->comm + 4 * i, v[i]);
	f->a.communities.data = f->comm;
	f->a.communities.len = 4 * n;
	f->a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
}

/* A route reflected to us already: ORIGINATOR_ID and CLUSTER_LIST. */
static void fix_reflected(struct fix *f, uint32_t originator, size_t n, const uint32_t *cl)
{
	f->a.originator_id = originator;
	for (size_t i = 0; i < n; i++)
		put32(f->cl + 4 * i, cl[i]);
	f->a.cluster_list.data = f->cl;
	f->a.cluster_list.len = 4 * n;
	f->a.present |= BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID) | BGP_ATTR_BIT(BGP_ATTR_CLUSTER_LIST);
}

static struct export_target ebgp(uint32_t remote_as)
{
	struct export_target t = { .kind = EXPORT_KIND_EBGP, .remote_as = remote_as,
	                           .self_nh = self4, .self_nh_len = 4 };
	return t;
}

static struct export_target ibgp(bool client)
{
	struct export_target t = { .kind = EXPORT_KIND_IBGP, .rr_client = client,
	                           .remote_as = LOCAL_AS, .self_nh = self4, .self_nh_len = 4 };
	return t;
}

static struct export_source from(uint8_t kind, bool client)
{
	struct export_source s = { .kind = kind, .rr_client = client, .bgp_id = SRC_ID };
	return s;
}

static void assert_path(const struct bgp_attrs *a, const char *want)
{
	char buf[512];

	assert_true(bgp_attr_has(a, BGP_ATTR_AS_PATH));
	bgp_aspath_format(&a->aspath, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void assert_cluster_list(const struct bgp_attrs *a, size_t n, const uint32_t *want)
{
	assert_true(bgp_attr_has(a, BGP_ATTR_CLUSTER_LIST));
	assert_int_equal(a->cluster_list.len, 4 * n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bgp_get_u32be(a->cluster_list.data + 4 * i), want[i]);
}

/* ---- route reflection, RFC 4456 ---- */

static void test_reflection_matrix(void **state)
{
	struct policy_scratch *s = *state;
	static const struct {
		uint8_t src_kind;
		bool src_client, dst_client, sent, reflected;
	} cases[] = {
		/* §6 (1): from a non-client, to clients only */
		{ EXPORT_KIND_IBGP, false, false, false, false },
		{ EXPORT_KIND_IBGP, false, true, true, true },
		/* §6 (2): from a client, to clients and non-clients */
		{ EXPORT_KIND_IBGP, true, false, true, true },
		{ EXPORT_KIND_IBGP, true, true, true, true },
		/* eBGP-learned and local routes go to every iBGP peer, not reflected */
		{ EXPORT_KIND_EBGP, false, false, true, false },
		{ EXPORT_KIND_EBGP, false, true, true, false },
		{ EXPORT_KIND_LOCAL, false, false, true, false },
		{ EXPORT_KIND_LOCAL, false, true, true, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct export_source src = from(cases[i].src_kind, cases[i].src_client);
		struct export_target t = ibgp(cases[i].dst_client);
		struct fix f;
		struct bgp_attrs out;
		const char *why = NULL;
		int rc;

		fix_init(&f, cases[i].src_kind == EXPORT_KIND_LOCAL ? "" : "65010");
		rc = export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why);
		if (rc != (cases[i].sent ? 0 : -1))
			fail_msg("case %zu: expected %s", i, cases[i].sent ? "sent" : "refused");
		if (!cases[i].sent) {
			assert_non_null(strstr(why, "RFC 4456"));
			continue;
		}
		assert_null(why);
		assert_int_equal(bgp_attr_has(&out, BGP_ATTR_ORIGINATOR_ID), cases[i].reflected);
		assert_int_equal(bgp_attr_has(&out, BGP_ATTR_CLUSTER_LIST), cases[i].reflected);
	}
}

static void test_reflect_attributes(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_IBGP, true);
	struct export_target t = ibgp(false);
	struct fix f;
	struct bgp_attrs out;
	const char *why;
	static const uint32_t first[] = { CLUSTER_ID };
	static const uint32_t old[] = { 0x01010101, 0x02020202 };
	static const uint32_t grown[] = { CLUSTER_ID, 0x01010101, 0x02020202 };

	/* §8: ORIGINATOR_ID = the source's BGP id; a new CLUSTER_LIST of ours.
	 * §10: NEXT_HOP, AS_PATH, LOCAL_PREF, MED untouched — next-hop-self too. */
	t.next_hop_self = true;
	fix_init(&f, "65010 65011");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_int_equal(out.originator_id, SRC_ID);
	assert_false(out.partial & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID));
	assert_cluster_list(&out, 1, first);
	assert_int_equal(out.next_hop, 0x0a000002);
	assert_ptr_equal(out.aspath.data, f.a.aspath.data);
	assert_int_equal(out.aspath.len, f.a.aspath.len);
	assert_int_equal(out.local_pref, 200);
	assert_true(bgp_attr_has(&out, BGP_ATTR_MED));
	assert_int_equal(out.med, 5);
	assert_int_equal(out.origin, BGP_ORIGIN_EGP);

	/* reflected before: ORIGINATOR_ID kept ("SHOULD NOT create ... if one
	 * already exists"), our cluster id in front of the list */
	fix_reflected(&f, 0x0a0000aa, 2, old);
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_int_equal(out.originator_id, 0x0a0000aa);
	assert_cluster_list(&out, 3, grown);
	assert_int_equal(bgp_get_u32be(f.cl), old[0]);             /* input untouched */
	assert_int_equal(f.a.cluster_list.len, 8);
}

/* A reflected IPv6 next hop keeps its global address; the link-local one it was
 * learned with means nothing to other peers (RFC 2545 §3). */
static void test_reflect_ipv6_next_hop(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_IBGP, true);
	struct export_target t = ibgp(true);
	struct fix f;
	struct bgp_attrs out;
	const char *why;

	fix_init6(&f, "65010");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV6, &t, &out, s, &why), 0);
	assert_int_equal(out.mp_nh_len, 16);
	assert_memory_equal(out.mp_nh, peer6, 16);
	assert_false(bgp_attr_has(&out, BGP_ATTR_NEXT_HOP));
}

static void test_cluster_list_bound(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_IBGP, true);
	struct export_target t = ibgp(true);
	struct fix f;
	struct bgp_attrs out;
	const char *why;
	uint8_t *big = calloc(1, POLICY_ATTR_MAX);

	assert_non_null(big);
	fix_init(&f, "65010");
	f.a.present |= BGP_ATTR_BIT(BGP_ATTR_CLUSTER_LIST);
	f.a.cluster_list.data = big;
	f.a.cluster_list.len = 65532;                               /* 16383 ids: full */
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), -1);
	assert_non_null(strstr(why, "CLUSTER_LIST"));
	f.a.cluster_list.len = 65528;                               /* one more fits */
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_int_equal(out.cluster_list.len, 65532);
	free(big);
}

/* ---- RFC 1997 ---- */

static void test_well_known_communities(void **state)
{
	struct policy_scratch *s = *state;
	static const struct {
		uint32_t comm;
		bool to_ebgp, to_ibgp;
	} cases[] = {
		{ BGP_COMM_NO_ADVERTISE, false, false },
		{ BGP_COMM_NO_EXPORT, false, true },
		{ BGP_COMM_NO_EXPORT_SUBCONFED, false, true },
		{ BGP_COMM_NO_PEER, true, true },           /* advisory (RFC 3765) */
		{ 0xfde80064, true, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t comm[2] = { 0x00010002, cases[i].comm };
		struct export_source src = from(EXPORT_KIND_EBGP, false);
		struct export_target te = ebgp(65002), ti = ibgp(false);
		struct fix f;
		struct bgp_attrs out;
		const char *why = NULL;

		fix_init(&f, "65010");
		fix_comm(&f, 2, comm);
		assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &te, &out, s, &why),
		                 cases[i].to_ebgp ? 0 : -1);
		if (!cases[i].to_ebgp)
			assert_non_null(strstr(why, "RFC 1997"));
		assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &ti, &out, s, &why),
		                 cases[i].to_ibgp ? 0 : -1);
		/* a local route is bound by them just the same */
		src = from(EXPORT_KIND_LOCAL, false);
		assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &te, &out, s, &why),
		                 cases[i].to_ebgp ? 0 : -1);
	}
}

/* ---- to eBGP, RFC 4271 §5.1 ---- */

static void test_ebgp_rules(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_IBGP, false);
	struct export_target t = ebgp(65002);
	struct fix f;
	struct bgp_attrs out, before;
	const char *why;
	static const uint32_t cl[] = { 0x01010101 };

	fix_init(&f, "65010 65011");
	fix_reflected(&f, 0x0a0000aa, 1, cl);
	before = f.a;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_path(&out, "65001 65010 65011");                    /* §5.1.2 b 1 */
	assert_true(bgp_attr_has(&out, BGP_ATTR_NEXT_HOP));
	assert_int_equal(out.next_hop, 0xc0000201);                /* §5.1.3: self */
	assert_false(bgp_attr_has(&out, BGP_ATTR_LOCAL_PREF));     /* §5.1.5 */
	assert_false(bgp_attr_has(&out, BGP_ATTR_MED));            /* §5.1.4 */
	assert_false(bgp_attr_has(&out, BGP_ATTR_ORIGINATOR_ID));  /* RFC 4456 §8 */
	assert_false(bgp_attr_has(&out, BGP_ATTR_CLUSTER_LIST));
	assert_int_equal(out.origin, BGP_ORIGIN_EGP);              /* §5.1.1 */
	assert_memory_equal(&before, &f.a, sizeof(before));         /* input untouched */
	assert_int_equal(bgp_get_u32be(f.path + 2), 65010);

	/* learned from eBGP: the MED of the other AS stops here too */
	src = from(EXPORT_KIND_EBGP, false);
	fix_init(&f, "{65010,65011}");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_path(&out, "65001 {65010,65011}");                  /* §5.1.2 b 2 */
	assert_false(bgp_attr_has(&out, BGP_ATTR_MED));

	/* local: our own MED may go; the empty path becomes just our AS */
	src = from(EXPORT_KIND_LOCAL, false);
	fix_init(&f, "");
	f.a.present &= ~(BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF));
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_path(&out, "65001");                                /* §5.1.2 b 3 */
	assert_true(bgp_attr_has(&out, BGP_ATTR_MED));
	assert_int_equal(out.med, 5);
	assert_int_equal(out.next_hop, 0xc0000201);
}

static void test_ebgp_peer_as_in_path(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_EBGP, false);
	struct export_target t = ebgp(65011);
	struct fix f;
	struct bgp_attrs out;
	const char *why;

	fix_init(&f, "65010 {65011,65012}");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), -1);
	assert_non_null(strstr(why, "AS_PATH"));
	t.remote_as = 65013;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
}

static void test_ebgp_ipv6_next_hop(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_EBGP, false);
	struct export_target t = ebgp(65002);
	struct fix f;
	struct bgp_attrs out;
	const char *why;

	/* RFC 2545 §3: our global address, then our link-local on the shared link */
	t.self_nh = self6;
	t.self_nh_len = 16;
	t.self_ll = ll6;
	fix_init6(&f, "65010");
	f.a.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);             /* both families' */
	f.a.next_hop = 0x0a000002;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV6, &t, &out, s, &why), 0);
	assert_int_equal(out.mp_nh_len, 32);
	assert_memory_equal(out.mp_nh, self6, 16);
	assert_memory_equal(out.mp_nh + 16, ll6, 16);
	assert_false(bgp_attr_has(&out, BGP_ATTR_NEXT_HOP));       /* not an IPv4 one */

	/* multihop, no shared link: the global address alone */
	t.self_ll = NULL;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV6, &t, &out, s, &why), 0);
	assert_int_equal(out.mp_nh_len, 16);
	assert_memory_equal(out.mp_nh, self6, 16);

	/* an IPv4 session has no IPv6 next hop of ours to give */
	t.self_nh = self4;
	t.self_nh_len = 4;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV6, &t, &out, s, &why), -1);
	assert_non_null(strstr(why, "IPv6"));
	/* and the reverse */
	t.self_nh = self6;
	t.self_nh_len = 16;
	fix_init(&f, "65010");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), -1);
	assert_non_null(strstr(why, "IPv4"));
	/* an IPv4 route leaves any MP next hop behind */
	t = ebgp(65002);
	f.a.mp_nh_len = 16;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_int_equal(out.mp_nh_len, 0);
}

/* RFC 4360 §6: non-transitive extended communities stay in the AS. */
static void test_ebgp_ext_communities(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_EBGP, false);
	struct export_target te = ebgp(65002), ti = ibgp(false);
	struct fix f;
	struct bgp_attrs out;
	const char *why;
	static const uint8_t ext[4][8] = {
		{ 0x00, 0x02, 0xfd, 0xe9, 0, 0, 0, 1 },     /* route target: transitive */
		{ 0x40, 0x04, 0, 0, 0, 0, 0, 9 },           /* non-transitive */
		{ 0x43, 0x00, 0, 0, 0, 0, 0, 1 },           /* non-transitive */
		{ 0x03, 0x0c, 0, 0, 0, 0, 0, 8 },           /* transitive opaque */
	};

	fix_init(&f, "65010");
	memcpy(f.ext, ext, sizeof(ext));
	f.a.ext_communities.data = f.ext;
	f.a.ext_communities.len = sizeof(ext);
	f.a.present |= BGP_ATTR_BIT(BGP_ATTR_EXT_COMMUNITIES);
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &te, &out, s, &why), 0);
	assert_int_equal(bgp_ext_community_count(&out), 2);
	assert_memory_equal(out.ext_communities.data, ext[0], 8);
	assert_memory_equal(out.ext_communities.data + 8, ext[3], 8);
	/* inside the AS all of them */
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &ti, &out, s, &why), 0);
	assert_int_equal(bgp_ext_community_count(&out), 4);
	assert_ptr_equal(out.ext_communities.data, f.ext);
	/* only non-transitive ones: the attribute goes */
	f.a.ext_communities.data = f.ext + 8;
	f.a.ext_communities.len = 16;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &te, &out, s, &why), 0);
	assert_false(bgp_attr_has(&out, BGP_ATTR_EXT_COMMUNITIES));
	assert_int_equal(out.ext_communities.len, 0);
}

/* ---- to iBGP ---- */

static void test_ibgp_rules(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_EBGP, false);
	struct export_target t = ibgp(false);
	struct fix f;
	struct bgp_attrs out;
	const char *why;

	/* §5.1.3 (1): next hop kept; §5.1.2 a: path as it is; LOCAL_PREF as set by
	 * import; MED from the neighbouring AS may go over iBGP (§5.1.4) */
	fix_init(&f, "65010 65011");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_int_equal(out.next_hop, 0x0a000002);
	assert_ptr_equal(out.aspath.data, f.a.aspath.data);
	assert_int_equal(out.local_pref, 200);
	assert_int_equal(out.med, 5);
	assert_false(bgp_attr_has(&out, BGP_ATTR_ORIGINATOR_ID));

	/* §5.1.5: LOCAL_PREF is mandatory on iBGP: 100 when there is none */
	f.a.present &= ~BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_true(bgp_attr_has(&out, BGP_ATTR_LOCAL_PREF));
	assert_int_equal(out.local_pref, EXPORT_DEFAULT_LOCAL_PREF);

	/* configured to announce our own address */
	t.next_hop_self = true;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_int_equal(out.next_hop, 0xc0000201);
}

static void test_ibgp_ipv6_next_hop(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_EBGP, false);
	struct export_target t = ibgp(false);
	struct fix f;
	struct bgp_attrs out;
	const char *why;

	/* the eBGP peer's link-local stays on its link */
	fix_init6(&f, "65010");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV6, &t, &out, s, &why), 0);
	assert_int_equal(out.mp_nh_len, 16);
	assert_memory_equal(out.mp_nh, peer6, 16);
	assert_int_equal(f.a.mp_nh_len, 32);

	t.next_hop_self = true;
	t.self_nh = self6;
	t.self_nh_len = 16;
	t.self_ll = ll6;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV6, &t, &out, s, &why), 0);
	assert_int_equal(out.mp_nh_len, 32);
	assert_memory_equal(out.mp_nh, self6, 16);
	assert_memory_equal(out.mp_nh + 16, ll6, 16);
}

static void test_local_routes(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_LOCAL, false);
	struct export_target ti = ibgp(false), te = ebgp(65002);
	struct fix f;
	struct bgp_attrs out;
	const char *why;

	/* §5.1.2 (originating) b: empty AS_PATH to internal peers; §5.1.3 (1): our
	 * address as next hop */
	fix_init(&f, "");
	f.a.present &= ~(BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) |
	                 BGP_ATTR_BIT(BGP_ATTR_MED));
	f.a.origin = BGP_ORIGIN_INCOMPLETE;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &ti, &out, s, &why), 0);
	assert_path(&out, "");
	assert_int_equal(out.aspath.len, 0);
	assert_true(bgp_attr_has(&out, BGP_ATTR_NEXT_HOP));
	assert_int_equal(out.next_hop, 0xc0000201);
	assert_int_equal(out.local_pref, EXPORT_DEFAULT_LOCAL_PREF);
	assert_int_equal(out.origin, BGP_ORIGIN_INCOMPLETE);       /* as configured */
	assert_false(bgp_attr_has(&out, BGP_ATTR_MED));

	/* a network with a configured local-pref keeps it */
	f.a.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	f.a.local_pref = 120;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &ti, &out, s, &why), 0);
	assert_int_equal(out.local_pref, 120);

	/* a network with a configured next-hop keeps it, for every peer */
	f.a.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	f.a.next_hop = 0xcb007101;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &ti, &out, s, &why), 0);
	assert_int_equal(out.next_hop, 0xcb007101);
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &te, &out, s, &why), 0);
	assert_int_equal(out.next_hop, 0xcb007101);
	assert_path(&out, "65001");
	assert_false(bgp_attr_has(&out, BGP_ATTR_LOCAL_PREF));

	/* an AS_PATH attribute the caller left out is the empty one */
	f.a.present &= ~BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	memset(&f.a.aspath, 0, sizeof(f.a.aspath));
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &ti, &out, s, &why), 0);
	assert_path(&out, "");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &te, &out, s, &why), 0);
	assert_path(&out, "65001");
}

static void test_refusals(void **state)
{
	struct policy_scratch *s = *state;
	struct export_source src = from(EXPORT_KIND_EBGP, false);
	struct export_target t = ebgp(65002);
	struct fix f;
	struct bgp_attrs out;
	const char *why;

	fix_init(&f, "65010");
	assert_int_equal(export_build(&cfg, &src, &f.a, 3, &t, &out, s, &why), -1);
	assert_non_null(why);
	t.kind = EXPORT_KIND_LOCAL;
	why = NULL;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), -1);
	assert_non_null(why);
	t = ebgp(65002);
	src.kind = 9;
	why = NULL;
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), -1);
	assert_non_null(why);
	/* no address of ours on the session */
	src = from(EXPORT_KIND_LOCAL, false);
	t = ibgp(false);
	t.self_nh = NULL;
	t.self_nh_len = 0;
	f.a.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), -1);
	assert_non_null(strstr(why, "NEXT_HOP"));
}

/* ---- with an export policy ---- */

static void test_finish(void **state)
{
	struct export_target te = ebgp(65002), ti = ibgp(false);
	struct fix f;
	(void)state;

	fix_init(&f, "65010");
	export_finish(&te, &f.a);
	assert_false(bgp_attr_has(&f.a, BGP_ATTR_LOCAL_PREF));
	assert_true(bgp_attr_has(&f.a, BGP_ATTR_MED));              /* a policy may set it */
	export_finish(&ti, &f.a);
	assert_true(bgp_attr_has(&f.a, BGP_ATTR_LOCAL_PREF));
	assert_int_equal(f.a.local_pref, EXPORT_DEFAULT_LOCAL_PREF);
	f.a.local_pref = 7;
	export_finish(&ti, &f.a);
	assert_int_equal(f.a.local_pref, 7);
}

/* export_build, then the export policy, through one scratch. */
static void test_chain_with_policy(void **state)
{
	struct policy_scratch *s = *state;
	static const char text[] =
		"router-id: 10.0.0.1\nlocal-as: 65001\npolicies:\n"
		"  out:\n"
		"    terms:\n"
		"      - then: {prepend: 2, add-community: \"65001:10\", set-local-pref: 500}\n"
		"      - then: {action: accept, prepend: {as: 64999}, set-med: 20}\n";
	struct config_errors errs = { 0 };
	struct bgpd_config *c;
	struct export_source src = from(EXPORT_KIND_EBGP, false);
	struct export_target t = ebgp(65002);
	struct fix f;
	struct bgp_attrs out;
	struct policy_route r = { .afi = BGP_AFI_IPV4, .local_as = LOCAL_AS, .self_nh = self4,
	                          .self_nh_len = 4 };
	struct bgp_prefix pfx;
	const char *why;

	assert_int_equal(config_load_buffer("t", text, sizeof(text) - 1, NULL, &c, &errs), 0);
	assert_int_equal(bgp_prefix_parse("192.0.2.0/24", &pfx), 0);
	r.prefix = &pfx;
	fix_init(&f, "65010");
	assert_int_equal(export_build(&cfg, &src, &f.a, BGP_AFI_IPV4, &t, &out, s, &why), 0);
	assert_int_equal(policy_apply(config_find_policy(c, "out"), &r, &out, s), POLICY_ACCEPT);
	export_finish(&t, &out);
	assert_path(&out, "64999 65001 65001 65001 65010");
	assert_int_equal(bgp_community_count(&out), 1);
	assert_int_equal(out.med, 20);
	assert_false(bgp_attr_has(&out, BGP_ATTR_LOCAL_PREF));     /* §5.1.5 has the last word */
	assert_path(&f.a, "65010");
	config_free(c);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct policy_scratch));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reflection_matrix),
		cmocka_unit_test(test_reflect_attributes),
		cmocka_unit_test(test_reflect_ipv6_next_hop),
		cmocka_unit_test(test_cluster_list_bound),
		cmocka_unit_test(test_well_known_communities),
		cmocka_unit_test(test_ebgp_rules),
		cmocka_unit_test(test_ebgp_peer_as_in_path),
		cmocka_unit_test(test_ebgp_ipv6_next_hop),
		cmocka_unit_test(test_ebgp_ext_communities),
		cmocka_unit_test(test_ibgp_rules),
		cmocka_unit_test(test_ibgp_ipv6_next_hop),
		cmocka_unit_test(test_local_routes),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_chain_with_policy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
