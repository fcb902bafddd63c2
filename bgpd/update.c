/*
 * bgpd/update.c — UPDATE messages whole (RFC 4271 §4.3): the field layout, the
 * IPv4 Withdrawn Routes and NLRI fields, MP_REACH_NLRI / MP_UNREACH_NLRI
 * (RFC 4760 §3, §4) for IPv4 and IPv6 unicast, End-of-RIB (RFC 4724 §2), and the
 * RFC 7606 outcome of the whole message (§3.b, §3.d, §3.i, §3.j, §5). The
 * attributes themselves are bgpd/attr.c's.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bgpd/update.h"

#define UPD_LEN_FIELD       2   /* Withdrawn Routes Length, Total Path Attribute Length */
#define MP_UNREACH_MIN_LEN  3   /* AFI, SAFI: RFC 7606 §5.3 */
#define MP_REACH_MIN_LEN    5   /* AFI, SAFI, next hop length, reserved: RFC 7606 §5.3 */
#define MP_AF_LEN           3   /* AFI (2), SAFI (1) */
#define MP_NH_V4_LEN        4   /* RFC 4760 §3 with an IPv4 next hop */
#define MP_NH_V6_LEN        16  /* RFC 2545 §3: global */
#define MP_NH_V6_LL_LEN     32  /* RFC 2545 §3: global + link-local */
#define ATTR_LEN_AT         2   /* the length field's offset in an attribute header */

/* ---- the session ---- */

static bool af_coded(uint16_t afi, uint8_t safi)
{
	return (afi == BGP_AFI_IPV4 || afi == BGP_AFI_IPV6) && safi == BGP_SAFI_UNICAST;
}

bool bgp_update_ctx_has(const struct bgp_update_ctx *ctx, uint16_t afi, uint8_t safi)
{
	for (unsigned i = 0; i < ctx->n_families; i++)
		if (ctx->families[i].afi == afi && ctx->families[i].safi == safi)
			return true;
	return false;
}

/* A family we can parse and the session carries. */
static bool af_usable(const struct bgp_update_ctx *ctx, uint16_t afi, uint8_t safi)
{
	return af_coded(afi, safi) && bgp_update_ctx_has(ctx, afi, safi);
}

static const struct bgp_afisafi ipv4_unicast = { BGP_AFI_IPV4, BGP_SAFI_UNICAST };

void bgp_update_ctx_init(struct bgp_update_ctx *ctx, const struct bgp_caps *local,
                         const struct bgp_caps *peer, enum bgp_peer_kind kind,
                         uint32_t first_as)
{
	/* RFC 4760 §8: no MP capability at all means IPv4 unicast only. */
	const struct bgp_afisafi *lm = local->n_mp ? local->mp : &ipv4_unicast;
	const struct bgp_afisafi *pm = peer->n_mp ? peer->mp : &ipv4_unicast;
	unsigned ln = local->n_mp ? local->n_mp : 1, pn = peer->n_mp ? peer->n_mp : 1;

	memset(ctx, 0, sizeof(*ctx));
	ctx->attr.as4 = local->as4 && peer->as4;        /* RFC 6793 §4.1 */
	ctx->attr.peer = (uint8_t)kind;
	ctx->attr.first_as = kind == BGP_PEER_EBGP ? first_as : 0;
	ctx->ext_msg = local->ext_msg && peer->ext_msg; /* RFC 8654 §3 */
	for (unsigned i = 0; i < ln && ctx->n_families < BGP_MAX_AFISAFI; i++) {
		bool both = false;

		for (unsigned j = 0; j < pn; j++)
			both |= pm[j].afi == lm[i].afi && pm[j].safi == lm[i].safi;
		if (both && !bgp_update_ctx_has(ctx, lm[i].afi, lm[i].safi))
			ctx->families[ctx->n_families++] = lm[i];
	}
}

/* ---- decoding ---- */

static void add_run(struct bgp_nlri *runs, unsigned *n, uint16_t afi, uint8_t safi,
                    const uint8_t *p, size_t len, uint32_t count)
{
	struct bgp_nlri *r;

	if (count == 0)
		return;
	r = &runs[(*n)++];
	r->af.afi = afi;
	r->af.safi = safi;
	r->count = count;
	r->data = p;
	r->len = len;
}

/* RFC 4760 §7, RFC 7606 §7.11, §7.12: an MP attribute that cannot be trusted
 * resets the session with Optional Attribute Error and the attribute. */
static int mp_reset(struct bgp_update *u, const struct bgp_attr_raw *raw, const char *why)
{
	bgp_outcome_raise(&u->out, BGP_UPD_RESET, why, BGP_ERR_UPD_OPTATTR, raw->attr, raw->attr_len);
	return -1;
}

/* Check one NLRI run of family afi; -1 when it is syntactically incorrect. */
static int check_run(struct bgp_update *u, uint16_t afi, const uint8_t *p, size_t len,
                     uint32_t *count)
{
	bool host = false;

	if (bgp_nlri_check(p, len, (uint8_t)afi, count, &host) < 0)
		return -1;
	if (host)
		u->out.quirks |= BGP_UPD_Q_HOSTBITS;
	return 0;
}

static int mp_unreach(const struct bgp_update_ctx *ctx, struct bgp_update *u,
                      const struct bgp_attr_raw *raw)
{
	struct bgp_rd r = bgp_rd_init(raw->val, raw->len);
	uint16_t afi;
	uint8_t safi;
	uint32_t n;

	if (raw->len < MP_UNREACH_MIN_LEN)
		return mp_reset(u, raw, "MP_UNREACH_NLRI: shorter than 3 octets");
	bgp_rd_u16(&r, &afi);
	bgp_rd_u8(&r, &safi);
	if (!af_usable(ctx, afi, safi)) {
		/* An empty one is an End-of-RIB: nothing to discard. */
		if (bgp_rd_left(&r) > 0)
			bgp_outcome_discard(&u->out, BGP_ATTR_MP_UNREACH_NLRI,
			                    "AFI/SAFI not negotiated or not supported");
		return 0;
	}
	if (check_run(u, afi, bgp_rd_ptr(&r), bgp_rd_left(&r), &n) < 0)
		return mp_reset(u, raw, "MP_UNREACH_NLRI: malformed NLRI");
	add_run(u->unreach, &u->n_unreach, afi, safi, bgp_rd_ptr(&r), bgp_rd_left(&r), n);
	return 0;
}

/* RFC 7606 §7.11: the next hop length "that which was expected" for the family. */
static bool nh_len_ok(uint16_t afi, uint8_t len)
{
	if (afi == BGP_AFI_IPV4)
		return len == MP_NH_V4_LEN;
	return len == MP_NH_V6_LEN || len == MP_NH_V6_LL_LEN;
}

static const uint8_t v6_unspecified[MP_NH_V6_LEN];

/* The next hop is an address a router could have (see update.h). */
static bool nh_ok(uint16_t afi, const uint8_t *nh, uint8_t len)
{
	if (afi == BGP_AFI_IPV4)
		return bgp_addr4_is_host(bgp_get_u32be(nh));
	if (bgp_addr6_is_host(nh))
		return true;
	/* "::" then a link-local: a speaker with no global address on the link. */
	return len == MP_NH_V6_LL_LEN && memcmp(nh, v6_unspecified, MP_NH_V6_LEN) == 0 &&
	       bgp_addr6_is_link_local(nh + MP_NH_V6_LEN);
}

static int mp_reach(const struct bgp_update_ctx *ctx, struct bgp_update *u,
                    const struct bgp_attr_raw *raw)
{
	struct bgp_rd r = bgp_rd_init(raw->val, raw->len), nh;
	uint16_t afi;
	uint8_t safi, nh_len, reserved;
	uint32_t n;

	if (raw->len < MP_REACH_MIN_LEN)
		return mp_reset(u, raw, "MP_REACH_NLRI: shorter than 5 octets");
	bgp_rd_u16(&r, &afi);
	bgp_rd_u8(&r, &safi);
	bgp_rd_u8(&r, &nh_len);
	if (!af_usable(ctx, afi, safi)) {
		bgp_outcome_discard(&u->out, BGP_ATTR_MP_REACH_NLRI,
		                    "AFI/SAFI not negotiated or not supported");
		return 0;
	}
	if (!nh_len_ok(afi, nh_len))
		return mp_reset(u, raw, "MP_REACH_NLRI: next hop length wrong for the AFI");
	/* The reserved octet "SHOULD be ignored upon receipt" (RFC 4760 §3). */
	if (bgp_rd_sub(&r, nh_len, &nh) < 0 || bgp_rd_u8(&r, &reserved) < 0)
		return mp_reset(u, raw, "MP_REACH_NLRI: next hop overruns the attribute");
	if (check_run(u, afi, bgp_rd_ptr(&r), bgp_rd_left(&r), &n) < 0)
		return mp_reset(u, raw, "MP_REACH_NLRI: malformed NLRI");
	memcpy(u->attrs.mp_nh, bgp_rd_ptr(&nh), nh_len);
	u->attrs.mp_nh_len = nh_len;
	if (!nh_ok(afi, bgp_rd_ptr(&nh), nh_len))
		bgp_outcome_raise(&u->out, BGP_UPD_WITHDRAW,
		                  "MP_REACH_NLRI: next hop is not a unicast address",
		                  BGP_ERR_UPD_OPTATTR, raw->attr, raw->attr_len);
	add_run(u->reach, &u->n_reach, afi, safi, bgp_rd_ptr(&r), bgp_rd_left(&r), n);
	return 0;
}

static int reset(struct bgp_update *u, uint8_t code, uint8_t subcode, const char *why,
                 const void *data, size_t len)
{
	u->out.action = BGP_UPD_RESET;
	u->out.reason = why;
	bgp_err_set(&u->out.err, code, subcode, data, len);
	return -1;
}

/* RFC 4724 §2. */
static void find_eor(struct bgp_update *u, size_t wlen, size_t alen, size_t nlri_len,
                     unsigned n_attrs, const struct bgp_attr_mp *mp)
{
	struct bgp_rd r;

	if (wlen != 0 || nlri_len != 0)
		return;
	if (alen == 0) {
		u->eor = true;
		u->eor_af = ipv4_unicast;
		return;
	}
	if (n_attrs != 1 || !mp->has_unreach || mp->unreach.len != MP_AF_LEN)
		return;
	r = bgp_rd_init(mp->unreach.val, mp->unreach.len);
	bgp_rd_u16(&r, &u->eor_af.afi);
	bgp_rd_u8(&r, &u->eor_af.safi);
	u->eor = true;
}

static uint32_t reach_count(const struct bgp_update *u)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < u->n_reach; i++)
		n += u->reach[i].count;
	return n;
}

/* The UPDATE's own findings, after the fields are in: RFC 4760 §3 (NEXT_HOP in
 * an MP-only UPDATE), RFC 7606 §3.d (missing attributes), §5.2 (an error with
 * no reachable NLRI) and treat-as-withdraw itself. */
static int conclude(const struct bgp_update_ctx *ctx, struct bgp_update *u, bool v4_nlri,
                    const struct bgp_attr_mp *mp)
{
	if (mp->has_reach && !v4_nlri && bgp_attr_has(&u->attrs, BGP_ATTR_NEXT_HOP)) {
		u->attrs.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
		u->attrs.next_hop = 0;
		u->out.quirks |= BGP_UPD_Q_NEXTHOP_IGNORED;
	}
	if (reach_count(u) > 0)
		bgp_attrs_check_mandatory(&ctx->attr, &u->attrs, v4_nlri, &u->out);
	if (u->out.action != BGP_UPD_WITHDRAW)
		return 0;
	if (reach_count(u) == 0) {
		/* RFC 7606 §5.2: without reachable NLRI we cannot be sure the NLRI
		 * were all found; u->out.err already holds the RFC 4271 answer. */
		u->out.action = BGP_UPD_RESET;
		u->out.quirks |= BGP_UPD_Q_ESCALATED;
		return -1;
	}
	/* RFC 7606 §2: as though every route had been listed as withdrawn. */
	for (unsigned i = 0; i < u->n_reach; i++)
		u->unreach[u->n_unreach++] = u->reach[i];
	u->n_reach = 0;
	return 0;
}

int bgp_update_decode(const struct bgp_update_ctx *ctx, const uint8_t *msg, size_t len,
                      struct bgp_update *u)
{
	struct bgp_rd body, wd, at;
	struct bgp_attr_mp mp;
	uint16_t wlen, alen;
	uint32_t n_w = 0, n_n = 0;
	unsigned n_attrs;
	bool v4_nlri = false;

	memset(u, 0, offsetof(struct bgp_update, scratch));
	if (bgp_msg_body(msg, len, BGP_MSG_UPDATE, &body, &u->out.err) < 0) {
		u->out.action = BGP_UPD_RESET;
		u->out.reason = "bad message header";
		return -1;
	}
	if (!ctx->ext_msg && len > BGP_MAX_LEN) {
		/* RFC 8654 §4: longer than 4096 only once negotiated. */
		uint8_t d[UPD_LEN_FIELD] = { (uint8_t)(len >> 8), (uint8_t)len };

		return reset(u, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, "longer than 4096 octets without "
		             "extended messages", d, sizeof(d));
	}
	/* RFC 4271 §6.3, RFC 7606 §3.b: the two lengths must fit the message. */
	if (bgp_rd_u16(&body, &wlen) < 0 || bgp_rd_sub(&body, wlen, &wd) < 0 ||
	    bgp_rd_u16(&body, &alen) < 0 || bgp_rd_sub(&body, alen, &at) < 0)
		return reset(u, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST,
		             "Withdrawn Routes Length or Total Path Attribute Length too large",
		             NULL, 0);
	/* RFC 4271 §6.3: "Error checking of an UPDATE message begins by examining
	 * the path attributes." */
	bgp_attrs_decode(&ctx->attr, bgp_rd_ptr(&at), bgp_rd_left(&at), &u->scratch, &u->attrs,
	                 &mp, &n_attrs, &u->out);
	if (u->out.action == BGP_UPD_RESET)
		return -1;
	/* RFC 7606 §3.i, §3.j, §5.3: both IPv4 fields must parse, or nothing can
	 * be treated as withdrawn. */
	if (check_run(u, BGP_AFI_IPV4, bgp_rd_ptr(&wd), bgp_rd_left(&wd), &n_w) < 0)
		return reset(u, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK,
		             "Withdrawn Routes field is malformed", NULL, 0);
	if (check_run(u, BGP_AFI_IPV4, bgp_rd_ptr(&body), bgp_rd_left(&body), &n_n) < 0)
		return reset(u, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, "NLRI field is malformed",
		             NULL, 0);
	if (mp.has_unreach && mp_unreach(ctx, u, &mp.unreach) < 0)
		return -1;
	if (mp.has_reach && mp_reach(ctx, u, &mp.reach) < 0)
		return -1;
	if (n_w + n_n > 0) {
		if (!bgp_update_ctx_has(ctx, BGP_AFI_IPV4, BGP_SAFI_UNICAST)) {
			u->out.quirks |= BGP_UPD_Q_AF_IGNORED;
		} else {
			add_run(u->unreach, &u->n_unreach, BGP_AFI_IPV4, BGP_SAFI_UNICAST,
			        bgp_rd_ptr(&wd), bgp_rd_left(&wd), n_w);
			add_run(u->reach, &u->n_reach, BGP_AFI_IPV4, BGP_SAFI_UNICAST,
			        bgp_rd_ptr(&body), bgp_rd_left(&body), n_n);
			v4_nlri = n_n > 0;
		}
	}
	find_eor(u, wlen, alen, bgp_rd_left(&body), n_attrs, &mp);
	return conclude(ctx, u, v4_nlri, &mp);
}

/* ---- the log line ---- */

struct line {
	char *buf;
	size_t cap;
	size_t pos;                 /* length of the whole line so far */
};

static void put(struct line *l, const char *s)
{
	size_t n = strlen(s);

	if (l->pos < l->cap) {
		size_t room = l->cap - l->pos - 1, k = n < room ? n : room;

		memcpy(l->buf + l->pos, s, k);
		l->buf[l->pos + k] = '\0';
	}
	l->pos += n;
}

/* "NAME: why", unless why already starts with "NAME:". */
static void put_discard(struct line *l, const struct bgp_upd_discard *d)
{
	const char *name = bgp_attr_name(d->type);
	char num[sizeof("attribute 255")];

	if (!name) {
		snprintf(num, sizeof(num), "attribute %u", d->type);
		name = num;
	}
	if (!(strncmp(d->why, name, strlen(name)) == 0 && d->why[strlen(name)] == ':')) {
		put(l, name);
		put(l, ": ");
	}
	put(l, d->why);
}

int bgp_upd_outcome_describe(const struct bgp_upd_outcome *o, char *buf, size_t len)
{
	struct line l = { buf, len, 0 };
	unsigned shown = o->n_discard < BGP_UPD_MAX_DISCARD ? o->n_discard : BGP_UPD_MAX_DISCARD;
	const char *sep = "; quirks: ";

	if (len > 0)
		buf[0] = '\0';
	put(&l, bgp_upd_action_name(o->action));
	if (o->reason && o->action > BGP_UPD_DISCARD) {
		put(&l, ": ");
		put(&l, o->reason);
	}
	for (unsigned i = 0; i < shown; i++) {
		put(&l, i == 0 ? (o->action > BGP_UPD_DISCARD ? "; discarded: " : ": ") : ", ");
		put_discard(&l, &o->discard[i]);
	}
	if (o->n_discard > shown) {
		char more[32];

		snprintf(more, sizeof(more), " (and %u more)", o->n_discard - shown);
		put(&l, more);
	}
	for (uint32_t q = 1; q != 0; q <<= 1) {
		const char *name = bgp_upd_quirk_name(q);

		if (!(o->quirks & q) || !name)
			continue;
		put(&l, sep);
		put(&l, name);
		sep = ", ";
	}
	return (int)l.pos;
}

/* ---- encoding ---- */

/* Open an MP_* attribute with a two-octet length to patch (its size is not
 * known until the prefixes are in); returns where its header starts. */
static size_t mp_open(struct bgp_wr *w, uint8_t type, const struct bgp_afisafi *af)
{
	size_t at = w->len;

	bgp_wr_u8(w, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_EXTLEN);
	bgp_wr_u8(w, type);
	bgp_wr_reserve(w, sizeof(uint16_t));
	bgp_wr_u16(w, af->afi);
	bgp_wr_u8(w, af->safi);
	return at;
}

/* Close it: the length, in one octet when it fits (the canonical form: the
 * value moves back one octet and Extended Length goes). */
static void mp_close(struct bgp_wr *w, size_t at)
{
	size_t vlen;

	if (w->err)
		return;
	vlen = w->len - at - BGP_ATTR_HDR_EXT_LEN;
	if (vlen > BGP_ATTR_LEN_MAX) {
		w->err = 1;
	} else if (vlen <= BGP_ATTR_SHORT_MAX) {
		memmove(w->p + at + BGP_ATTR_HDR_LEN, w->p + at + BGP_ATTR_HDR_EXT_LEN, vlen);
		w->p[at] &= (uint8_t)~BGP_ATTR_F_EXTLEN;
		w->p[at + ATTR_LEN_AT] = (uint8_t)vlen;
		w->len--;
	} else {
		bgp_wr_patch_u16(w, at + ATTR_LEN_AT, (uint16_t)vlen);
	}
}

/* Append prefixes while the message stays within limit; how many went in, or
 * SIZE_MAX for one of the wrong family. */
static size_t put_prefixes(struct bgp_wr *w, const struct bgp_prefix *p, size_t n,
                           uint8_t af, size_t limit)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i].af != af || p[i].len > bgp_prefix_af_bits(af))
			return SIZE_MAX;
		if (w->len + bgp_prefix_wire_len(&p[i]) > limit)
			break;
		bgp_prefix_encode(w, &p[i]);
	}
	return i;
}

static int pack_withdraw(const struct bgp_update_spec *s, uint8_t *buf, size_t max, size_t *done)
{
	struct bgp_wr w = bgp_wr_init(buf, max);
	size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE), len_at, n;
	uint8_t af = (uint8_t)s->af.afi;

	if (af == BGP_AFI_IPV4) {
		len_at = bgp_wr_reserve(&w, UPD_LEN_FIELD);
		/* leave room for the Total Path Attribute Length after them */
		n = put_prefixes(&w, s->withdrawn, s->n_withdrawn, af, max - UPD_LEN_FIELD);
		bgp_wr_patch_u16(&w, len_at, (uint16_t)(w.len - len_at - UPD_LEN_FIELD));
		bgp_wr_u16(&w, 0);
	} else {
		size_t mp;

		bgp_wr_u16(&w, 0);
		len_at = bgp_wr_reserve(&w, UPD_LEN_FIELD);
		mp = mp_open(&w, BGP_ATTR_MP_UNREACH_NLRI, &s->af);
		n = put_prefixes(&w, s->withdrawn, s->n_withdrawn, af, max);
		mp_close(&w, mp);
		bgp_wr_patch_u16(&w, len_at, (uint16_t)(w.len - len_at - UPD_LEN_FIELD));
	}
	if (n == 0 || n == SIZE_MAX)
		return -1;
	*done = n;
	return bgp_msg_end(&w, start, max);
}

/* IPv6: MP_REACH_NLRI first (RFC 7606 §5.1), the other attributes after it. Their
 * size decides how many prefixes fit, so they are written first, parked at the
 * end of the buffer while the prefixes go in, then moved into place. */
static int pack_reach_mp(const struct bgp_update_ctx *ctx, const struct bgp_update_spec *s,
                         struct bgp_wr *w, size_t max, size_t *done)
{
	const struct bgp_attrs *a = s->attrs;
	size_t attrs_at = w->len, alen, limit, mp, n;

	bgp_attrs_encode(a, &ctx->attr, BGP_ATTR_ENC_NO_NEXT_HOP, w);
	if (w->err)
		return -1;
	alen = w->len - attrs_at;
	limit = max - alen;
	memmove(w->p + limit, w->p + attrs_at, alen);
	w->len = attrs_at;
	if (attrs_at + BGP_ATTR_HDR_EXT_LEN + MP_REACH_MIN_LEN + a->mp_nh_len > limit)
		return -1;
	mp = mp_open(w, BGP_ATTR_MP_REACH_NLRI, &s->af);
	bgp_wr_u8(w, a->mp_nh_len);
	bgp_wr_bytes(w, a->mp_nh, a->mp_nh_len);
	bgp_wr_u8(w, 0);        /* Reserved: "MUST be set to 0" (RFC 4760 §3) */
	n = put_prefixes(w, s->nlri, s->n_nlri, (uint8_t)s->af.afi, limit);
	if (n == 0 || n == SIZE_MAX)
		return -1;
	mp_close(w, mp);
	memmove(w->p + w->len, w->p + limit, alen);
	w->len += alen;
	*done = n;
	return 0;
}

static int pack_reach(const struct bgp_update_ctx *ctx, const struct bgp_update_spec *s,
                      uint8_t *buf, size_t max, size_t *done)
{
	const struct bgp_attrs *a = s->attrs;
	struct bgp_wr w = bgp_wr_init(buf, max);
	size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE), len_at, n;
	bool v4 = s->af.afi == BGP_AFI_IPV4;

	/* RFC 4271 §5 and RFC 4760 §3: what every announcement carries. */
	if (!a || !bgp_attr_has(a, BGP_ATTR_ORIGIN) || !bgp_attr_has(a, BGP_ATTR_AS_PATH))
		return -1;
	if (v4 ? !bgp_attr_has(a, BGP_ATTR_NEXT_HOP) : !nh_len_ok(s->af.afi, a->mp_nh_len))
		return -1;
	bgp_wr_u16(&w, 0);
	len_at = bgp_wr_reserve(&w, UPD_LEN_FIELD);
	if (v4) {
		bgp_attrs_encode(a, &ctx->attr, 0, &w);
		if (w.err)
			return -1;
		bgp_wr_patch_u16(&w, len_at, (uint16_t)(w.len - len_at - UPD_LEN_FIELD));
		n = put_prefixes(&w, s->nlri, s->n_nlri, BGP_AFI_IPV4, max);
		if (n == 0 || n == SIZE_MAX)
			return -1;
	} else {
		if (pack_reach_mp(ctx, s, &w, max, &n) < 0)
			return -1;
		bgp_wr_patch_u16(&w, len_at, (uint16_t)(w.len - len_at - UPD_LEN_FIELD));
	}
	*done = n;
	return bgp_msg_end(&w, start, max);
}

int bgp_update_pack(const struct bgp_update_ctx *ctx, const struct bgp_update_spec *s,
                    uint8_t *buf, size_t cap, size_t *n_withdrawn, size_t *n_nlri)
{
	size_t max = ctx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;

	*n_withdrawn = 0;
	*n_nlri = 0;
	if (cap < max)
		max = cap;
	if (!af_coded(s->af.afi, s->af.safi) || max < BGP_UPDATE_MIN_LEN)
		return -1;
	if (s->n_withdrawn > 0)
		return pack_withdraw(s, buf, max, n_withdrawn);
	if (s->n_nlri > 0)
		return pack_reach(ctx, s, buf, max, n_nlri);
	return -1;
}

int bgp_update_eor(uint16_t afi, uint8_t safi, uint8_t *buf, size_t cap)
{
	struct bgp_wr w = bgp_wr_init(buf, cap);
	size_t start = bgp_msg_begin(&w, BGP_MSG_UPDATE);

	bgp_wr_u16(&w, 0);                      /* no withdrawn routes */
	if (afi == BGP_AFI_IPV4 && safi == BGP_SAFI_UNICAST) {
		bgp_wr_u16(&w, 0);              /* RFC 4724 §2: the minimum UPDATE */
	} else {
		bgp_wr_u16(&w, BGP_ATTR_HDR_LEN + MP_AF_LEN);
		bgp_attr_put_hdr(&w, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MP_UNREACH_NLRI, MP_AF_LEN);
		bgp_wr_u16(&w, afi);
		bgp_wr_u8(&w, safi);
	}
	return bgp_msg_end(&w, start, BGP_MAX_LEN);
}
