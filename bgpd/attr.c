/*
 * bgpd/attr.c — path attributes: the Path Attributes field taken apart with the
 * error handling of RFC 7606 (and RFC 6793 §6, RFC 8092 §6, RFC 9234 §5 for
 * the attributes they define), the attribute set written back, and the set's
 * hash, equality and copy for interning.
 *
 * Every attribute's rule is in its own small function, next to the RFC section
 * it comes from; the table `descs` gives, per known type, its name, the flags
 * the RFC fixes for it and what a conflict in those flags costs (RFC 7606 §3.c).
 */
#include <stddef.h>
#include <string.h>

#include "bgpd/attr.h"
#include "bgpd/prefix.h"

/* ---- outcome bookkeeping ---- */

void bgp_outcome_raise(struct bgp_upd_outcome *o, uint8_t action, const char *why,
                       uint8_t subcode, const void *data, size_t len)
{
	/* RFC 7606 §3.h: the strongest action wins; within it, the first cause is
	 * the one reported (and, for a reset, sent). */
	if (action <= o->action)
		return;
	o->action = action;
	o->reason = why;
	bgp_err_set(&o->err, BGP_ERR_UPDATE, subcode, data, len);
}

void bgp_outcome_discard(struct bgp_upd_outcome *o, uint8_t type, const char *why)
{
	if (o->n_discard < BGP_UPD_MAX_DISCARD) {
		o->discard[o->n_discard].type = type;
		o->discard[o->n_discard].why = why;
	}
	o->n_discard++;
	if (o->action < BGP_UPD_DISCARD) {
		o->action = BGP_UPD_DISCARD;
		o->reason = why;
	}
}

/* ---- decoding state ---- */

#define WORD_BITS 64
#define TYPE_WORDS (BGP_ATTR_TYPES / WORD_BITS)

struct dec {
	const struct bgp_attr_ctx *ctx;
	struct bgp_attrs *a;
	struct bgp_attr_scratch *s;
	struct bgp_attr_mp *mp;
	struct bgp_upd_outcome *o;
	uint8_t type;                       /* the attribute being looked at */
	uint64_t seen[TYPE_WORDS];          /* every type met, for RFC 7606 §3.g */
	uint64_t unknown[TYPE_WORDS];       /* unknown optional transitive types kept,
	                                     * each in s->unknown_at[type] */
	bool has_as_path, has_as4_path, has_agg, has_as4_agg;
	struct bgp_aspath as_path, as4_path;
	struct bgp_attr_raw as_path_raw;
	struct bgp_aggregator agg, as4_agg;
};

static bool bit_test(const uint64_t *set, uint8_t t)
{
	return (set[t / WORD_BITS] >> (t % WORD_BITS)) & 1;
}

static void bit_set(uint64_t *set, uint8_t t)
{
	set[t / WORD_BITS] |= UINT64_C(1) << (t % WORD_BITS);
}

/* An attribute found wanting: discard it, or raise the UPDATE to action, with
 * the whole attribute as NOTIFICATION data (RFC 4271 §6.3). Returns -1 so a
 * parser can `return reject(...)`. */
static int reject(struct dec *d, const struct bgp_attr_raw *r, uint8_t action, uint8_t subcode,
                  const char *why)
{
	if (action == BGP_UPD_DISCARD)
		bgp_outcome_discard(d->o, d->type, why);
	else
		bgp_outcome_raise(d->o, action, why, subcode, r->attr, r->attr_len);
	return -1;
}

static uint32_t val_u32(const struct bgp_attr_raw *r, size_t off)
{
	return bgp_get_u32be(r->val + off);
}

/* A list-valued attribute: a non-zero multiple of elem octets. */
static bool list_len_ok(const struct bgp_attr_raw *r, size_t elem)
{
	return r->len > 0 && r->len % elem == 0;
}

/* ---- one function per attribute ---- */

#define U32_LEN 4

/* RFC 7606 §7.1: length 1 and a defined value, else treat-as-withdraw. */
static int parse_origin(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != 1)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH, "ORIGIN: length is not 1");
	if (r->val[0] > BGP_ORIGIN_INCOMPLETE)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ORIGIN, "ORIGIN: undefined value");
	d->a->origin = r->val[0];
	return 0;
}

static const char *const as_path_why[] = {
	[BGP_ASPATH_OK] = "AS_PATH: ok",
	[BGP_ASPATH_BAD_TYPE] = "AS_PATH: unknown segment type",
	[BGP_ASPATH_OVERRUN] = "AS_PATH: segment overruns the attribute",
	[BGP_ASPATH_UNDERRUN] = "AS_PATH: one octet left after the last segment",
	[BGP_ASPATH_EMPTY_SEG] = "AS_PATH: segment of length zero",
	[BGP_ASPATH_AS0] = "AS_PATH: AS 0 in the path",
};

/* RFC 7606 §7.2 (and RFC 7607 §2 for AS 0): malformed is treat-as-withdraw. The
 * path is kept as found; bgp_attrs_decode's end makes it 4-octet and judges it
 * against the peer. */
static int parse_as_path(struct dec *d, const struct bgp_attr_raw *r)
{
	struct bgp_aspath p = bgp_aspath_view(r->val, r->len,
	                                      d->ctx->as4 ? BGP_AS4_SIZE : BGP_AS2_SIZE);
	enum bgp_aspath_fault f = bgp_aspath_check(&p);

	if (f != BGP_ASPATH_OK)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH, as_path_why[f]);
	d->has_as_path = true;
	d->as_path = p;
	d->as_path_raw = *r;
	return 0;
}

/* RFC 7606 §7.3: length 4, else treat-as-withdraw; an address that is no host
 * address (bgp_addr4_is_host) is RFC 4271 §6.3's Invalid NEXT_HOP, also treat-as-withdraw (§3.e).
 * The semantic checks of §6.3 (our own address, shared subnet) need the
 * session's addresses and are the caller's. */
static int parse_next_hop(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != U32_LEN)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH, "NEXT_HOP: length is not 4");
	if (!bgp_addr4_is_host(val_u32(r, 0)))
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_NEXTHOP,
		              "NEXT_HOP: not a unicast host address");
	d->a->next_hop = val_u32(r, 0);
	return 0;
}

/* RFC 7606 §7.4. */
static int parse_med(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != U32_LEN)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH,
		              "MULTI_EXIT_DISC: length is not 4");
	d->a->med = val_u32(r, 0);
	return 0;
}

/* RFC 7606 §7.5 (external peers never get this far: see decode_one). */
static int parse_local_pref(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != U32_LEN)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH, "LOCAL_PREF: length is not 4");
	d->a->local_pref = val_u32(r, 0);
	return 0;
}

/* RFC 7606 §7.6: length 0, else attribute discard. */
static int parse_atomic(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != 0)
		return reject(d, r, BGP_UPD_DISCARD, BGP_ERR_UPD_LENGTH,
		              "ATOMIC_AGGREGATE: length is not 0");
	return 0;
}

#define AGG2_LEN 6      /* 2-octet AS + BGP Identifier, RFC 4271 §4.3 g */
#define AGG4_LEN 8      /* 4-octet AS + BGP Identifier, RFC 6793 §3 */

/* RFC 7606 §7.7: 6 octets with a 2-octet peer, 8 with a 4-octet one, else
 * attribute discard; RFC 7607 §2: AS 0 is malformed too. */
static int parse_aggregator(struct dec *d, const struct bgp_attr_raw *r)
{
	size_t want = d->ctx->as4 ? AGG4_LEN : AGG2_LEN;
	struct bgp_aggregator g;

	if (r->len != want)
		return reject(d, r, BGP_UPD_DISCARD, BGP_ERR_UPD_LENGTH,
		              d->ctx->as4 ? "AGGREGATOR: length is not 8" : "AGGREGATOR: length is not 6");
	if (d->ctx->as4) {
		g.as = val_u32(r, 0);
		g.id = val_u32(r, U32_LEN);
	} else {
		g.as = (uint32_t)r->val[0] << 8 | r->val[1];
		g.id = val_u32(r, BGP_AS2_SIZE);
	}
	if (g.as == 0)
		return reject(d, r, BGP_UPD_DISCARD, BGP_ERR_UPD_OPTATTR, "AGGREGATOR: AS 0");
	d->has_agg = true;
	d->agg = g;
	return 0;
}

/* RFC 7606 §7.8. */
static int parse_communities(struct dec *d, const struct bgp_attr_raw *r)
{
	if (!list_len_ok(r, BGP_COMMUNITY_LEN))
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH,
		              "COMMUNITIES: length is not a non-zero multiple of 4");
	d->a->communities.data = r->val;
	d->a->communities.len = r->len;
	return 0;
}

/* RFC 7606 §7.9 (internal peers; external ones: decode_one discards). */
static int parse_originator(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != U32_LEN)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH,
		              "ORIGINATOR_ID: length is not 4");
	d->a->originator_id = val_u32(r, 0);
	return 0;
}

/* RFC 7606 §7.10 (internal peers; external ones: decode_one discards). */
static int parse_cluster_list(struct dec *d, const struct bgp_attr_raw *r)
{
	if (!list_len_ok(r, BGP_CLUSTER_ID_LEN))
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH,
		              "CLUSTER_LIST: length is not a non-zero multiple of 4");
	d->a->cluster_list.data = r->val;
	d->a->cluster_list.len = r->len;
	return 0;
}

/* RFC 4760: found here, taken apart by bgpd/update.c (it holds NLRI). A second
 * one is caught by the repeat check (RFC 7606 §3.g). */
static int parse_mp_reach(struct dec *d, const struct bgp_attr_raw *r)
{
	d->mp->has_reach = true;
	d->mp->reach = *r;
	return 0;
}

static int parse_mp_unreach(struct dec *d, const struct bgp_attr_raw *r)
{
	d->mp->has_unreach = true;
	d->mp->unreach = *r;
	return 0;
}

/* RFC 7606 §7.14. Unknown types and sub-types are no error. */
static int parse_ext_communities(struct dec *d, const struct bgp_attr_raw *r)
{
	if (!list_len_ok(r, BGP_EXT_COMMUNITY_LEN))
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH,
		              "EXTENDED_COMMUNITIES: length is not a non-zero multiple of 8");
	d->a->ext_communities.data = r->val;
	d->a->ext_communities.len = r->len;
	return 0;
}

#define AS4_PATH_MIN_LEN 6      /* one segment of one ASN, RFC 6793 §6 */

/* RFC 6793 §6: malformed (too short, bad segment, AS 0 per RFC 7607 §2) is
 * attribute discard. A 4-octet peer's never gets here (decode_one). */
static int parse_as4_path(struct dec *d, const struct bgp_attr_raw *r)
{
	struct bgp_aspath p = bgp_aspath_view(r->val, r->len, BGP_AS4_SIZE);
	enum bgp_aspath_fault f;

	if (r->len < AS4_PATH_MIN_LEN)
		return reject(d, r, BGP_UPD_DISCARD, BGP_ERR_UPD_LENGTH,
		              "AS4_PATH: too short to carry an AS");
	f = bgp_aspath_check(&p);
	if (f != BGP_ASPATH_OK)
		return reject(d, r, BGP_UPD_DISCARD, BGP_ERR_UPD_OPTATTR, bgp_aspath_fault_name(f));
	d->has_as4_path = true;
	d->as4_path = p;
	return 0;
}

/* RFC 6793 §6: length 8, else attribute discard; AS 0: RFC 7607 §2. */
static int parse_as4_aggregator(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != AGG4_LEN)
		return reject(d, r, BGP_UPD_DISCARD, BGP_ERR_UPD_LENGTH,
		              "AS4_AGGREGATOR: length is not 8");
	if (val_u32(r, 0) == 0)
		return reject(d, r, BGP_UPD_DISCARD, BGP_ERR_UPD_OPTATTR, "AS4_AGGREGATOR: AS 0");
	d->has_as4_agg = true;
	d->as4_agg.as = val_u32(r, 0);
	d->as4_agg.id = val_u32(r, U32_LEN);
	return 0;
}

/* RFC 8092 §6; repeated values are no error. */
static int parse_large_communities(struct dec *d, const struct bgp_attr_raw *r)
{
	if (!list_len_ok(r, BGP_LARGE_COMMUNITY_LEN))
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH,
		              "LARGE_COMMUNITY: length is not a non-zero multiple of 12");
	d->a->large_communities.data = r->val;
	d->a->large_communities.len = r->len;
	return 0;
}

/* RFC 9234 §5. What the value means for route leaks is policy's. */
static int parse_otc(struct dec *d, const struct bgp_attr_raw *r)
{
	if (r->len != U32_LEN)
		return reject(d, r, BGP_UPD_WITHDRAW, BGP_ERR_UPD_LENGTH, "OTC: length is not 4");
	d->a->otc = val_u32(r, 0);
	return 0;
}

/* ---- the table ---- */

#define WK      BGP_ATTR_F_TRANSITIVE                           /* well-known */
#define OPT     BGP_ATTR_F_OPTIONAL                             /* optional non-transitive */
#define OPT_T   (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)   /* optional transitive */

/* Who may not send it: decode_one discards it from them before anything else. */
#define NOT_EBGP 0x01u  /* external peers (RFC 7606 §7.5, §7.9, §7.10) */
#define NOT_AS4  0x02u  /* 4-octet-AS speakers (RFC 6793 §4.1, §6) */

struct attr_desc {
	const char *name;
	uint8_t flags;              /* Optional/Transitive as the RFC fixes them */
	uint8_t bad_flags;          /* action when they conflict, RFC 7606 §3.c */
	uint8_t not_from;           /* NOT_EBGP, NOT_AS4 */
	const char *bad_flags_why;
	int (*parse)(struct dec *d, const struct bgp_attr_raw *r);
};

#define W BGP_UPD_WITHDRAW
#define D BGP_UPD_DISCARD
#define R BGP_UPD_RESET

static const struct attr_desc descs[] = {
	[BGP_ATTR_ORIGIN] = { "ORIGIN", WK, W, 0,
		"ORIGIN: attribute flags conflict", parse_origin },
	[BGP_ATTR_AS_PATH] = { "AS_PATH", WK, W, 0,
		"AS_PATH: attribute flags conflict", parse_as_path },
	[BGP_ATTR_NEXT_HOP] = { "NEXT_HOP", WK, W, 0,
		"NEXT_HOP: attribute flags conflict", parse_next_hop },
	[BGP_ATTR_MED] = { "MULTI_EXIT_DISC", OPT, W, 0,
		"MULTI_EXIT_DISC: attribute flags conflict", parse_med },
	[BGP_ATTR_LOCAL_PREF] = { "LOCAL_PREF", WK, W, NOT_EBGP,
		"LOCAL_PREF: attribute flags conflict", parse_local_pref },
	/* RFC 7606 §3.f, §7.6, §7.7: these two are only ever discarded. */
	[BGP_ATTR_ATOMIC_AGGREGATE] = { "ATOMIC_AGGREGATE", WK, D, 0,
		"ATOMIC_AGGREGATE: attribute flags conflict", parse_atomic },
	[BGP_ATTR_AGGREGATOR] = { "AGGREGATOR", OPT_T, D, 0,
		"AGGREGATOR: attribute flags conflict", parse_aggregator },
	[BGP_ATTR_COMMUNITIES] = { "COMMUNITIES", OPT_T, W, 0,
		"COMMUNITIES: attribute flags conflict", parse_communities },
	[BGP_ATTR_ORIGINATOR_ID] = { "ORIGINATOR_ID", OPT, W, NOT_EBGP,
		"ORIGINATOR_ID: attribute flags conflict", parse_originator },
	[BGP_ATTR_CLUSTER_LIST] = { "CLUSTER_LIST", OPT, W, NOT_EBGP,
		"CLUSTER_LIST: attribute flags conflict", parse_cluster_list },
	/* RFC 7606 §5.3: MP_* with wrong flags cannot be trusted to delimit NLRI. */
	[BGP_ATTR_MP_REACH_NLRI] = { "MP_REACH_NLRI", OPT, R, 0,
		"MP_REACH_NLRI: attribute flags conflict", parse_mp_reach },
	[BGP_ATTR_MP_UNREACH_NLRI] = { "MP_UNREACH_NLRI", OPT, R, 0,
		"MP_UNREACH_NLRI: attribute flags conflict", parse_mp_unreach },
	[BGP_ATTR_EXT_COMMUNITIES] = { "EXTENDED_COMMUNITIES", OPT_T, W, 0,
		"EXTENDED_COMMUNITIES: attribute flags conflict", parse_ext_communities },
	/* RFC 6793 §6: malformed AS4_* is attribute discard. */
	[BGP_ATTR_AS4_PATH] = { "AS4_PATH", OPT_T, D, NOT_AS4,
		"AS4_PATH: attribute flags conflict", parse_as4_path },
	[BGP_ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR", OPT_T, D, NOT_AS4,
		"AS4_AGGREGATOR: attribute flags conflict", parse_as4_aggregator },
	[BGP_ATTR_LARGE_COMMUNITY] = { "LARGE_COMMUNITY", OPT_T, W, 0,
		"LARGE_COMMUNITY: attribute flags conflict", parse_large_communities },
	[BGP_ATTR_OTC] = { "OTC", OPT_T, W, 0,
		"OTC: attribute flags conflict", parse_otc },
};

#undef W
#undef D
#undef R

#define N_DESCS (sizeof(descs) / sizeof(descs[0]))

static const struct attr_desc *desc_of(uint8_t type)
{
	return type < N_DESCS && descs[type].name ? &descs[type] : NULL;
}

const char *bgp_attr_name(uint8_t type)
{
	const struct attr_desc *ds = desc_of(type);

	return ds ? ds->name : NULL;
}

/* ---- the attribute list ---- */

/* Keep an unknown optional transitive attribute for passing on (RFC 4271 §5). */
static void keep_unknown(struct dec *d, const struct bgp_attr_raw *r)
{
	struct bgp_attr_unknown_at *u = &d->s->unknown_at[d->type];

	bit_set(d->unknown, d->type);
	u->flags = r->flags;
	u->val = r->val;
	u->len = (uint16_t)r->len;
}

static void decode_one(struct dec *d, const struct bgp_attr_raw *r)
{
	const struct attr_desc *ds = desc_of(d->type);

	if (!ds) {
		if (!(r->flags & BGP_ATTR_F_OPTIONAL))
			/* RFC 4271 §6.3; RFC 7606 leaves this a session reset. */
			reject(d, r, BGP_UPD_RESET, BGP_ERR_UPD_UNKNWN_WK,
			       "unrecognized well-known attribute");
		else if (r->flags & BGP_ATTR_F_TRANSITIVE)
			keep_unknown(d, r);
		/* else: unknown optional non-transitive, "quietly ignored" (§5) */
		return;
	}
	if ((ds->not_from & NOT_EBGP) && d->ctx->peer == BGP_PEER_EBGP) {
		reject(d, r, BGP_UPD_DISCARD, 0, "from an external peer (RFC 7606 §7.5, §7.9, §7.10)");
		return;
	}
	if ((ds->not_from & NOT_AS4) && d->ctx->as4) {
		reject(d, r, BGP_UPD_DISCARD, 0, "from a 4-octet-AS speaker (RFC 6793 §4.1)");
		return;
	}
	/* RFC 7606 §3.c: only Optional and Transitive are checked; Partial and the
	 * unused bits are no reason to refuse anything. */
	if ((r->flags & BGP_ATTR_F_CATEGORY) != ds->flags) {
		reject(d, r, ds->bad_flags, BGP_ERR_UPD_FLAGS, ds->bad_flags_why);
		return;
	}
	if (ds->parse(d, r) == 0 && d->type != BGP_ATTR_MP_REACH_NLRI &&
	    d->type != BGP_ATTR_MP_UNREACH_NLRI) {
		d->a->present |= BGP_ATTR_BIT(d->type);
		if (ds->flags == OPT_T && (r->flags & BGP_ATTR_F_PARTIAL))
			d->a->partial |= BGP_ATTR_BIT(d->type);
	}
}

/* Read one attribute header and value; -1 when the field ends inside it. */
static int read_attr(struct bgp_rd *r, uint8_t *type, struct bgp_attr_raw *raw)
{
	struct bgp_rd save = *r, v;
	uint8_t flags, len8;
	uint16_t len;

	raw->attr = bgp_rd_ptr(r);
	if (bgp_rd_u8(r, &flags) < 0 || bgp_rd_u8(r, type) < 0)
		goto short_hdr;
	if (flags & BGP_ATTR_F_EXTLEN) {
		if (bgp_rd_u16(r, &len) < 0)
			goto short_hdr;
	} else {
		if (bgp_rd_u8(r, &len8) < 0)
			goto short_hdr;
		len = len8;
	}
	if (bgp_rd_sub(r, len, &v) < 0) {
		*r = save;
		return -2;
	}
	raw->flags = flags;
	raw->val = bgp_rd_ptr(&v);
	raw->len = len;
	raw->attr_len = (size_t)(raw->val + len - raw->attr);
	return 0;
short_hdr:
	*r = save;
	return -1;
}

/* RFC 6793 §4.2.3 (2-octet peers) and the AS_PATH checks that need the whole
 * path and the peer: RFC 5065 §5, RFC 4271 §6.3 / RFC 7606 §7.2. */
static void finish_as_path(struct dec *d)
{
	struct bgp_attrs *a = d->a;
	struct bgp_aggregator agg;
	struct bgp_aspath path = d->as_path;
	int m;

	if (d->ctx->as4) {
		if (d->has_agg)
			a->aggregator = d->agg;
	} else {
		struct bgp_aspath empty = bgp_aspath_view(NULL, 0, BGP_AS2_SIZE);

		m = bgp_as4_merge(d->has_as_path ? &d->as_path : &empty,
		                  d->has_as4_path ? &d->as4_path : NULL,
		                  d->has_agg ? &d->agg : NULL, d->has_as4_agg ? &d->as4_agg : NULL,
		                  d->s->path, sizeof(d->s->path), &path, &agg);
		if (m < 0) {
			/* Cannot happen: the scratch is sized for the largest message. */
			reject(d, &d->as_path_raw, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH,
			       "AS_PATH: too long to rebuild");
			a->present &= ~BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
			return;
		}
		if (m & (BGP_AS4_PATH_IGNORED | BGP_AS4_AGG_IGNORED))
			d->o->quirks |= BGP_UPD_Q_AS4_IGNORED;
		if (m & BGP_AS4_CONFED_DROPPED)
			d->o->quirks |= BGP_UPD_Q_AS4_CONFED;
		if (d->has_agg)
			a->aggregator = agg;
	}
	/* Folded in above (or, from a 4-octet speaker, never taken). */
	a->present &= ~(BGP_ATTR_BIT(BGP_ATTR_AS4_PATH) | BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR));
	a->partial &= ~(BGP_ATTR_BIT(BGP_ATTR_AS4_PATH) | BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR));
	if (!d->has_as_path)
		return;
	a->aspath = path;
	if (d->ctx->peer == BGP_PEER_EBGP && bgp_aspath_has_confed(&path))
		reject(d, &d->as_path_raw, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH,
		       "AS_PATH: confederation segment from an external peer (RFC 5065 §5)");
	else if (d->ctx->peer == BGP_PEER_EBGP && d->ctx->first_as &&
	         bgp_aspath_first(&path) != d->ctx->first_as)
		reject(d, &d->as_path_raw, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH,
		       "AS_PATH: leftmost AS is not the peer's (RFC 4271 §6.3)");
	else if (d->ctx->peer == BGP_PEER_CONFED) {
		struct bgp_aspath_iter it;
		struct bgp_as_seg s;

		bgp_aspath_iter_init(&it, &path);
		if (!bgp_aspath_next(&it, &s) || s.type != BGP_AS_CONFED_SEQUENCE)
			reject(d, &d->as_path_raw, BGP_UPD_WITHDRAW, BGP_ERR_UPD_ASPATH,
			       "AS_PATH: confederation peer's path does not start with "
			       "AS_CONFED_SEQUENCE (RFC 5065 §5)");
	}
}

/* Gather the unknown attributes kept, in type order, as <flags, type, len16, value>. */
static void finish_unknown(struct dec *d)
{
	struct bgp_wr w = bgp_wr_init(d->s->unknown, sizeof(d->s->unknown));

	for (unsigned t = 0; t < BGP_ATTR_TYPES; t++) {
		const struct bgp_attr_unknown_at *u = &d->s->unknown_at[t];

		if (!bit_test(d->unknown, (uint8_t)t))
			continue;
		bgp_wr_u8(&w, u->flags & (uint8_t)~(BGP_ATTR_F_EXTLEN | BGP_ATTR_F_UNUSED));
		bgp_wr_u8(&w, (uint8_t)t);
		bgp_wr_u16(&w, u->len);
		bgp_wr_bytes(&w, u->val, u->len);
	}
	if (w.len > 0 && !w.err) {
		d->a->unknown.data = d->s->unknown;
		d->a->unknown.len = w.len;
	}
}

void bgp_attrs_decode(const struct bgp_attr_ctx *ctx, const uint8_t *p, size_t len,
                      struct bgp_attr_scratch *s, struct bgp_attrs *a,
                      struct bgp_attr_mp *mp, unsigned *n_attrs,
                      struct bgp_upd_outcome *o)
{
	struct bgp_rd r = bgp_rd_init(p, len);
	struct dec d;
	bool any_unknown = false;

	memset(a, 0, sizeof(*a));
	memset(mp, 0, sizeof(*mp));
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.a = a;
	d.s = s;
	d.mp = mp;
	d.o = o;
	*n_attrs = 0;
	while (bgp_rd_left(&r) > 0) {
		struct bgp_attr_raw raw;
		int rc = read_attr(&r, &d.type, &raw);

		if (rc < 0) {
			/* RFC 7606 §4: the field ends inside an attribute. Treat-as-
			 * withdraw; the Total Path Attribute Length still locates the
			 * NLRI, so the rest of the message is sound. */
			bgp_outcome_raise(o, BGP_UPD_WITHDRAW, rc == -1
			                  ? "attribute list: fewer octets left than an attribute header"
			                  : "attribute list: attribute length overruns the field",
			                  BGP_ERR_UPD_ATTRLIST, NULL, 0);
			break;
		}
		(*n_attrs)++;
		if (bit_test(d.seen, d.type)) {
			/* RFC 7606 §3.g */
			if (d.type == BGP_ATTR_MP_REACH_NLRI || d.type == BGP_ATTR_MP_UNREACH_NLRI)
				bgp_outcome_raise(o, BGP_UPD_RESET, d.type == BGP_ATTR_MP_REACH_NLRI
				                  ? "MP_REACH_NLRI: appears more than once"
				                  : "MP_UNREACH_NLRI: appears more than once",
				                  BGP_ERR_UPD_ATTRLIST, NULL, 0);
			else
				bgp_outcome_discard(o, d.type, "repeated attribute (RFC 7606 §3.g)");
			continue;
		}
		bit_set(d.seen, d.type);
		decode_one(&d, &raw);
		any_unknown |= bit_test(d.unknown, d.type);
	}
	finish_as_path(&d);
	if (any_unknown)
		finish_unknown(&d);
}

void bgp_attrs_check_mandatory(const struct bgp_attr_ctx *ctx, const struct bgp_attrs *a,
                               bool v4_nlri, struct bgp_upd_outcome *o)
{
	static const struct {
		uint8_t type;
		const char *why;
	} need[] = {
		{ BGP_ATTR_ORIGIN, "missing well-known attribute ORIGIN" },
		{ BGP_ATTR_AS_PATH, "missing well-known attribute AS_PATH" },
		{ BGP_ATTR_NEXT_HOP, "missing well-known attribute NEXT_HOP" },
		{ BGP_ATTR_LOCAL_PREF, "missing LOCAL_PREF from an internal peer" },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		uint8_t t = need[i].type;

		/* RFC 4760 §3: NEXT_HOP only with NLRI in the IPv4 field; RFC 4271
		 * §5.1.5: LOCAL_PREF required on internal sessions. */
		if (t == BGP_ATTR_NEXT_HOP && !v4_nlri)
			continue;
		if (t == BGP_ATTR_LOCAL_PREF && ctx->peer != BGP_PEER_IBGP)
			continue;
		if (!bgp_attr_has(a, t)) {
			/* Present but malformed is already a withdraw of its own. */
			bgp_outcome_raise(o, BGP_UPD_WITHDRAW, need[i].why, BGP_ERR_UPD_MISSING_WK,
			                  &t, 1);
		}
	}
}

/* ---- encoding ---- */

void bgp_attr_put_hdr(struct bgp_wr *w, uint8_t flags, uint8_t type, size_t len)
{
	flags &= (uint8_t)~(BGP_ATTR_F_EXTLEN | BGP_ATTR_F_UNUSED);
	if (len > BGP_ATTR_LEN_MAX) {
		w->err = 1;
		return;
	}
	if (len > BGP_ATTR_SHORT_MAX) {
		bgp_wr_u8(w, flags | BGP_ATTR_F_EXTLEN);
		bgp_wr_u8(w, type);
		bgp_wr_u16(w, (uint16_t)len);
	} else {
		bgp_wr_u8(w, flags);
		bgp_wr_u8(w, type);
		bgp_wr_u8(w, (uint8_t)len);
	}
}

static uint8_t enc_flags(const struct bgp_attrs *a, uint8_t type)
{
	uint8_t f = descs[type].flags;

	if (f == OPT_T && (a->partial & BGP_ATTR_BIT(type)))
		f |= BGP_ATTR_F_PARTIAL;
	return f;
}

static void put_u32_attr(struct bgp_wr *w, const struct bgp_attrs *a, uint8_t type, uint32_t v)
{
	bgp_attr_put_hdr(w, enc_flags(a, type), type, U32_LEN);
	bgp_wr_u32(w, v);
}

static void put_view_attr(struct bgp_wr *w, const struct bgp_attrs *a, uint8_t type,
                          const struct bgp_view *v)
{
	bgp_attr_put_hdr(w, enc_flags(a, type), type, v->len);
	bgp_wr_bytes(w, v->data, v->len);
}

static void put_aggregators(struct bgp_wr *w, const struct bgp_attrs *a, bool as4)
{
	const struct bgp_aggregator *g = &a->aggregator;

	if (as4) {
		bgp_attr_put_hdr(w, enc_flags(a, BGP_ATTR_AGGREGATOR), BGP_ATTR_AGGREGATOR, AGG4_LEN);
		bgp_wr_u32(w, g->as);
	} else {
		/* RFC 6793 §4.2.2: AS_TRANS stands in for a non-mappable AS. */
		bgp_attr_put_hdr(w, enc_flags(a, BGP_ATTR_AGGREGATOR), BGP_ATTR_AGGREGATOR, AGG2_LEN);
		bgp_wr_u16(w, g->as > BGP_AS2_MAX ? BGP_AS_TRANS : (uint16_t)g->as);
	}
	bgp_wr_u32(w, g->id);
}

/* One known attribute of a, if present (for AS4_*: if a 2-octet peer needs it). */
static void put_known(struct bgp_wr *w, const struct bgp_attrs *a, const struct bgp_attr_ctx *ctx,
                      unsigned opts, uint8_t type)
{
	bool has = bgp_attr_has(a, type);

	switch (type) {
	case BGP_ATTR_ORIGIN:
		if (has) {
			bgp_attr_put_hdr(w, enc_flags(a, type), type, 1);
			bgp_wr_u8(w, a->origin);
		}
		break;
	case BGP_ATTR_AS_PATH:
		if (has) {
			uint8_t sz = ctx->as4 ? BGP_AS4_SIZE : BGP_AS2_SIZE;

			bgp_attr_put_hdr(w, enc_flags(a, type), type,
			                 bgp_aspath_wire_len(&a->aspath, sz, false));
			bgp_aspath_write(w, &a->aspath, sz, false);
		}
		break;
	case BGP_ATTR_NEXT_HOP:
		if (has && !(opts & BGP_ATTR_ENC_NO_NEXT_HOP))
			put_u32_attr(w, a, type, a->next_hop);
		break;
	case BGP_ATTR_MED:
		if (has)
			put_u32_attr(w, a, type, a->med);
		break;
	case BGP_ATTR_LOCAL_PREF:
		if (has)
			put_u32_attr(w, a, type, a->local_pref);
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		if (has)
			bgp_attr_put_hdr(w, enc_flags(a, type), type, 0);
		break;
	case BGP_ATTR_AGGREGATOR:
		if (has)
			put_aggregators(w, a, ctx->as4);
		break;
	case BGP_ATTR_COMMUNITIES:
		if (has)
			put_view_attr(w, a, type, &a->communities);
		break;
	case BGP_ATTR_ORIGINATOR_ID:
		if (has)
			put_u32_attr(w, a, type, a->originator_id);
		break;
	case BGP_ATTR_CLUSTER_LIST:
		if (has)
			put_view_attr(w, a, type, &a->cluster_list);
		break;
	case BGP_ATTR_EXT_COMMUNITIES:
		if (has)
			put_view_attr(w, a, type, &a->ext_communities);
		break;
	case BGP_ATTR_AS4_PATH:
		/* RFC 6793 §4.2.2: to a 2-octet peer, when some AS is not mappable;
		 * never with confederation segments. */
		if (!ctx->as4 && bgp_attr_has(a, BGP_ATTR_AS_PATH) && bgp_aspath_needs_as4(&a->aspath)) {
			bgp_attr_put_hdr(w, OPT_T, type, bgp_aspath_wire_len(&a->aspath, BGP_AS4_SIZE, true));
			bgp_aspath_write(w, &a->aspath, BGP_AS4_SIZE, true);
		}
		break;
	case BGP_ATTR_AS4_AGGREGATOR:
		if (!ctx->as4 && bgp_attr_has(a, BGP_ATTR_AGGREGATOR) && a->aggregator.as > BGP_AS2_MAX) {
			bgp_attr_put_hdr(w, OPT_T, type, AGG4_LEN);
			bgp_wr_u32(w, a->aggregator.as);
			bgp_wr_u32(w, a->aggregator.id);
		}
		break;
	case BGP_ATTR_LARGE_COMMUNITY:
		if (has)
			put_view_attr(w, a, type, &a->large_communities);
		break;
	case BGP_ATTR_OTC:
		if (has)
			put_u32_attr(w, a, type, a->otc);
		break;
	default:
		break;
	}
}

int bgp_attr_unknown_next(struct bgp_rd *r, uint8_t *flags, uint8_t *type, struct bgp_view *val)
{
	struct bgp_rd save = *r;
	uint16_t len;

	if (bgp_rd_u8(r, flags) < 0 || bgp_rd_u8(r, type) < 0 || bgp_rd_u16(r, &len) < 0 ||
	    bgp_rd_left(r) < len) {
		*r = save;
		return -1;
	}
	val->data = bgp_rd_ptr(r);
	val->len = len;
	bgp_rd_skip(r, len);
	return 0;
}

void bgp_attrs_encode(const struct bgp_attrs *a, const struct bgp_attr_ctx *ctx,
                      unsigned opts, struct bgp_wr *w)
{
	struct bgp_rd u = bgp_rd_init(a->unknown.data, a->unknown.len);
	uint8_t uflags = 0, utype = 0;
	struct bgp_view uval = { NULL, 0 };
	bool have_u = bgp_attr_unknown_next(&u, &uflags, &utype, &uval) == 0;

	/* RFC 4271 §5: "SHOULD order path attributes ... in ascending order of
	 * attribute type"; unknown ones slot in by their type. */
	for (unsigned t = 0; t < BGP_ATTR_TYPES; t++) {
		if (t < N_DESCS && descs[t].name && t != BGP_ATTR_MP_REACH_NLRI &&
		    t != BGP_ATTR_MP_UNREACH_NLRI)
			put_known(w, a, ctx, opts, (uint8_t)t);
		while (have_u && utype == t) {
			/* RFC 4271 §5: passed on with the Partial bit set. */
			bgp_attr_put_hdr(w, uflags | BGP_ATTR_F_PARTIAL, utype, uval.len);
			bgp_wr_bytes(w, uval.data, uval.len);
			have_u = bgp_attr_unknown_next(&u, &uflags, &utype, &uval) == 0;
		}
	}
}

/* ---- interning ---- */

bool bgp_attrs_has_community(const struct bgp_attrs *a, uint32_t community)
{
	size_t n = bgp_community_count(a);

	for (size_t i = 0; i < n; i++)
		if (bgp_community_at(a, i) == community)
			return true;
	return false;
}

/* The fixed-size part of a set as words, a field counting only when its
 * attribute is present: what equality and hashing look at (no struct padding,
 * no stale values of absent attributes). */
enum {
	FX_PRESENT_LO, FX_PRESENT_HI, FX_PARTIAL_LO, FX_PARTIAL_HI, FX_ORIGIN, FX_NEXT_HOP,
	FX_MED, FX_LOCAL_PREF, FX_ORIGINATOR, FX_OTC, FX_AGG_AS, FX_AGG_ID, FX_MP_NH_LEN,
	FX_MP_NH,                           /* then the next hop, 4 octets a word */
	N_FIXED = FX_MP_NH + BGP_MP_NH_MAX / 4,
};

static void fixed_of(const struct bgp_attrs *a, uint32_t f[N_FIXED])
{
	uint8_t nh_len = a->mp_nh_len <= BGP_MP_NH_MAX ? a->mp_nh_len : BGP_MP_NH_MAX;
	uint8_t nh[BGP_MP_NH_MAX] = { 0 };

	memset(f, 0, N_FIXED * sizeof(f[0]));
	f[FX_PRESENT_LO] = (uint32_t)a->present;
	f[FX_PRESENT_HI] = (uint32_t)(a->present >> 32);
	f[FX_PARTIAL_LO] = (uint32_t)a->partial;
	f[FX_PARTIAL_HI] = (uint32_t)(a->partial >> 32);
#define KEEP(type, i, v) do { if (bgp_attr_has(a, type)) f[i] = (v); } while (0)
	KEEP(BGP_ATTR_ORIGIN, FX_ORIGIN, a->origin);
	KEEP(BGP_ATTR_NEXT_HOP, FX_NEXT_HOP, a->next_hop);
	KEEP(BGP_ATTR_MED, FX_MED, a->med);
	KEEP(BGP_ATTR_LOCAL_PREF, FX_LOCAL_PREF, a->local_pref);
	KEEP(BGP_ATTR_ORIGINATOR_ID, FX_ORIGINATOR, a->originator_id);
	KEEP(BGP_ATTR_OTC, FX_OTC, a->otc);
	KEEP(BGP_ATTR_AGGREGATOR, FX_AGG_AS, a->aggregator.as);
	KEEP(BGP_ATTR_AGGREGATOR, FX_AGG_ID, a->aggregator.id);
#undef KEEP
	f[FX_MP_NH_LEN] = nh_len;
	memcpy(nh, a->mp_nh, nh_len);
	for (unsigned i = 0; i < BGP_MP_NH_MAX / 4; i++)
		f[FX_MP_NH + i] = bgp_get_u32be(nh + 4 * i);
}

#define N_VIEWS 6

/* The variable-length parts, in a fixed order. */
static void views_of(const struct bgp_attrs *a, struct bgp_view v[N_VIEWS])
{
	v[0].data = a->aspath.data;
	v[0].len = a->aspath.len;
	v[1] = a->communities;
	v[2] = a->cluster_list;
	v[3] = a->ext_communities;
	v[4] = a->large_communities;
	v[5] = a->unknown;
}

#define HASH_SEED   UINT64_C(0x6a09e667f3bcc908)   /* sqrt(2), fractional part */
#define HASH_MUL1   UINT64_C(0x9e3779b97f4a7c15)   /* 2^64 / golden ratio */
#define HASH_MUL2   UINT64_C(0xc2b2ae3d27d4eb4f)
#define HASH_ROT    29

static uint64_t hash_word(uint64_t h, uint64_t v)
{
	h ^= v * HASH_MUL1;
	h = (h << HASH_ROT | h >> (64 - HASH_ROT)) * HASH_MUL2;
	return h;
}

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	uint64_t v;

	h = hash_word(h, n);
	for (; n >= sizeof(v); p += sizeof(v), n -= sizeof(v)) {
		memcpy(&v, p, sizeof(v));
		h = hash_word(h, v);
	}
	if (n) {
		v = 0;
		memcpy(&v, p, n);
		h = hash_word(h, v);
	}
	return h;
}

uint64_t bgp_attrs_hash(const struct bgp_attrs *a)
{
	struct bgp_view v[N_VIEWS];
	uint32_t f[N_FIXED];
	uint64_t h = HASH_SEED;

	fixed_of(a, f);
	views_of(a, v);
	for (unsigned i = 0; i < N_FIXED; i += 2)
		h = hash_word(h, (uint64_t)f[i] << 32 | (i + 1 < N_FIXED ? f[i + 1] : 0));
	for (unsigned i = 0; i < N_VIEWS; i++)
		h = hash_bytes(h, v[i].data, v[i].len);
	/* final avalanche so the low bits (bucket index) depend on everything */
	h ^= h >> 32;
	h *= HASH_MUL1;
	h ^= h >> 29;
	return h;
}

bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	struct bgp_view va[N_VIEWS], vb[N_VIEWS];
	uint32_t fa[N_FIXED], fb[N_FIXED];

	fixed_of(a, fa);
	fixed_of(b, fb);
	if (memcmp(fa, fb, sizeof(fa)) != 0)
		return false;
	views_of(a, va);
	views_of(b, vb);
	for (unsigned i = 0; i < N_VIEWS; i++)
		if (va[i].len != vb[i].len ||
		    (va[i].len && memcmp(va[i].data, vb[i].data, va[i].len) != 0))
			return false;
	return true;
}

size_t bgp_attrs_store_size(const struct bgp_attrs *a)
{
	struct bgp_view v[N_VIEWS];
	size_t n = 0;

	views_of(a, v);
	for (unsigned i = 0; i < N_VIEWS; i++)
		n += v[i].len;
	return n;
}

/* Copy one view into store at *off; the copy views it there. */
static void move_view(const uint8_t **data, size_t len, uint8_t *store, size_t *off)
{
	if (len == 0) {
		*data = NULL;
		return;
	}
	memcpy(store + *off, *data, len);
	*data = store + *off;
	*off += len;
}

void bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src, void *store)
{
	size_t off = 0;

	*dst = *src;
	move_view(&dst->aspath.data, dst->aspath.len, store, &off);
	move_view(&dst->communities.data, dst->communities.len, store, &off);
	move_view(&dst->cluster_list.data, dst->cluster_list.len, store, &off);
	move_view(&dst->ext_communities.data, dst->ext_communities.len, store, &off);
	move_view(&dst->large_communities.data, dst->large_communities.len, store, &off);
	move_view(&dst->unknown.data, dst->unknown.len, store, &off);
}

/* ---- names ---- */

const char *bgp_origin_name(uint8_t origin)
{
	switch (origin) {
	case BGP_ORIGIN_IGP:
		return "IGP";
	case BGP_ORIGIN_EGP:
		return "EGP";
	case BGP_ORIGIN_INCOMPLETE:
		return "incomplete";
	default:
		return "?";
	}
}

const char *bgp_upd_action_name(uint8_t action)
{
	switch (action) {
	case BGP_UPD_OK:
		return "ok";
	case BGP_UPD_DISCARD:
		return "attribute-discard";
	case BGP_UPD_WITHDRAW:
		return "treat-as-withdraw";
	case BGP_UPD_RESET:
		return "session-reset";
	default:
		return "unknown";
	}
}

const char *bgp_upd_quirk_name(uint32_t quirk)
{
	switch (quirk) {
	case BGP_UPD_Q_HOSTBITS:
		return "NLRI with host bits set (cleared)";
	case BGP_UPD_Q_AF_IGNORED:
		return "IPv4 NLRI on a session without IPv4 unicast (ignored)";
	case BGP_UPD_Q_NEXTHOP_IGNORED:
		return "NEXT_HOP without IPv4 NLRI (ignored, RFC 4760 §3)";
	case BGP_UPD_Q_ESCALATED:
		return "error in an UPDATE without reachable NLRI (RFC 7606 §5.2)";
	case BGP_UPD_Q_AS4_IGNORED:
		return "AS4_PATH or AS4_AGGREGATOR not used (RFC 6793 §4.2.3)";
	case BGP_UPD_Q_AS4_CONFED:
		return "confederation segments dropped from AS4_PATH (RFC 6793 §6)";
	default:
		return NULL;
	}
}
