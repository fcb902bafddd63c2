/*
 * bgpd/msg_open.c — OPEN messages (RFC 4271 §4.2) and the capabilities they
 * carry (RFC 5492), with RFC 9072's extended optional parameters length.
 *
 * Error answers, all OPEN Message Error (RFC 4271 §6.2):
 *   - an optional parameter other than Capabilities: Unsupported Optional
 *     Parameter (RFC 4271 §6.2, RFC 5492 §3);
 *   - the Capabilities parameter is recognized, so anything malformed in it — a
 *     TLV overrunning its parameter, a known capability whose value has not the
 *     length its RFC gives — is "recognized but malformed": subcode 0,
 *     Unspecific (RFC 4271 §6.2). So is an Opt Parm Len that disagrees with the
 *     message length;
 *   - a capability we do not know is never an error (RFC 5492 §3): it is kept
 *     raw in caps.unknown for logging or later use.
 *
 * Repeated capabilities (RFC 5492 §4 leaves their meaning to each capability's
 * RFC): identical repeats are harmless and merged. MP (RFC 4760) lists one family
 * per instance. GR keeps the last instance (RFC 4724 §3). RFC 6793 says nothing of
 * two AS4 capabilities with different ASes, so it is not made fatal here: the
 * first is kept and BGP_OPEN_Q_AS4_CONFLICT set, and bgp_open_validate refuses
 * the ambiguous AS as Bad Peer AS.
 */
#include <string.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"

static int open_err(struct bgp_err *err, uint8_t subcode)
{
	bgp_err_set(err, BGP_ERR_OPEN, subcode, NULL, 0);
	return -1;
}

/* RFC 4271 §6.2: a recognized optional parameter that is malformed. */
#define OPEN_ERR_UNSPECIFIC 0

static bool afisafi_eq(struct bgp_afisafi a, struct bgp_afisafi b)
{
	return a.afi == b.afi && a.safi == b.safi;
}

/* RFC 4760 §8: <AFI (2), Reserved (1), SAFI (1)>, one family per instance. */
static int capa_mp(struct bgp_caps *c, struct bgp_rd *v, uint32_t *quirks)
{
	struct bgp_afisafi af = { 0, 0 };
	uint8_t reserved;       /* "ignored by the receiver", RFC 4760 §8 */

	if (bgp_rd_left(v) != BGP_CAPA_MP_LEN || bgp_rd_u16(v, &af.afi) < 0 ||
	    bgp_rd_u8(v, &reserved) < 0 || bgp_rd_u8(v, &af.safi) < 0)
		return -1;
	for (unsigned i = 0; i < c->n_mp; i++)
		if (afisafi_eq(c->mp[i], af))
			return 0;       /* RFC 5492 §4: identical repeat */
	if (c->n_mp == BGP_MAX_AFISAFI) {
		*quirks |= BGP_OPEN_Q_MP_OVERFLOW;
		return 0;
	}
	c->mp[c->n_mp++] = af;
	return 0;
}

/* RFC 6793 §3: the speaker's AS, four octets. */
static int capa_as4(struct bgp_caps *c, struct bgp_rd *v, uint32_t *quirks)
{
	uint32_t as = 0;

	if (bgp_rd_left(v) != BGP_CAPA_AS4_LEN || bgp_rd_u32(v, &as) < 0)
		return -1;
	if (!c->as4) {
		c->as4 = true;
		c->as4_number = as;
	} else if (c->as4_number != as) {
		*quirks |= BGP_OPEN_Q_AS4_CONFLICT;
	}
	return 0;
}

/* RFC 4724 §3: restart flags and time, then <AFI, SAFI, flags> tuples. Of
 * several instances "the receiver ... MUST ignore all but the last". */
static int capa_gr(struct bgp_caps *c, struct bgp_rd *v, uint32_t *quirks)
{
	size_t n = bgp_rd_left(v);

	uint16_t flags_time = 0;

	if (n < BGP_CAPA_GR_HDR_LEN || (n - BGP_CAPA_GR_HDR_LEN) % BGP_CAPA_GR_AF_LEN != 0 ||
	    bgp_rd_u16(v, &flags_time) < 0)
		return -1;
	if (c->graceful_restart)
		*quirks |= BGP_OPEN_Q_GR_REPEATED;
	c->graceful_restart = true;
	c->gr_flags_time = flags_time;
	c->n_gr = 0;
	while (bgp_rd_left(v) > 0) {
		struct bgp_afisafi af = { 0, 0 };
		uint8_t flags = 0;

		if (bgp_rd_u16(v, &af.afi) < 0 || bgp_rd_u8(v, &af.safi) < 0 ||
		    bgp_rd_u8(v, &flags) < 0)
			return -1;
		if (c->n_gr == BGP_MAX_AFISAFI) {
			*quirks |= BGP_OPEN_Q_GR_OVERFLOW;
			continue;
		}
		c->gr[c->n_gr].af = af;
		c->gr[c->n_gr].flags = flags;
		c->n_gr++;
	}
	return 0;
}

static void capa_unknown(struct bgp_caps *c, uint8_t code, struct bgp_rd *v, uint32_t *quirks)
{
	struct bgp_capa_raw *raw;

	if (c->n_unknown == BGP_MAX_UNKNOWN_CAPA) {
		*quirks |= BGP_OPEN_Q_UNKNOWN_OVERFLOW;
		return;
	}
	raw = &c->unknown[c->n_unknown++];
	raw->code = code;
	/* v is bounded by a one-octet length, so it fits raw->data. */
	raw->len = (uint8_t)bgp_rd_left(v);
	if (bgp_rd_bytes(v, raw->data, raw->len) < 0)
		raw->len = 0;
}

/* One capability's value; -1 if its length is not what its RFC gives. */
static int capa_one(struct bgp_open *o, uint8_t code, struct bgp_rd *v)
{
	struct bgp_caps *c = &o->caps;

	switch (code) {
	case BGP_CAPA_MP:
		return capa_mp(c, v, &o->quirks);
	case BGP_CAPA_ROUTE_REFRESH:            /* RFC 2918 §2: length 0 */
		c->route_refresh = true;
		o->quirks &= ~BGP_OPEN_Q_OLD_RR;
		return bgp_rd_left(v) == 0 ? 0 : -1;
	case BGP_CAPA_ROUTE_REFRESH_OLD:        /* same meaning, pre-standard code */
		if (!c->route_refresh)
			o->quirks |= BGP_OPEN_Q_OLD_RR;
		c->route_refresh = true;
		return bgp_rd_left(v) == 0 ? 0 : -1;
	case BGP_CAPA_EXT_MSG:                  /* RFC 8654 §3: length 0 */
		c->ext_msg = true;
		return bgp_rd_left(v) == 0 ? 0 : -1;
	case BGP_CAPA_ENHANCED_RR:              /* RFC 7313 §3.1: length 0 */
		c->enhanced_rr = true;
		return bgp_rd_left(v) == 0 ? 0 : -1;
	case BGP_CAPA_AS4:
		return capa_as4(c, v, &o->quirks);
	case BGP_CAPA_GRACEFUL:
		return capa_gr(c, v, &o->quirks);
	default:                                /* RFC 5492 §3: ignore, never refuse */
		capa_unknown(c, code, v, &o->quirks);
		return 0;
	}
}

/* The value of a Capabilities parameter: one or more <code, length, value>
 * triples (RFC 5492 §4). An empty parameter carries nothing and is let pass. */
static int capa_list(struct bgp_open *o, struct bgp_rd *p, struct bgp_err *err)
{
	while (bgp_rd_left(p) > 0) {
		struct bgp_rd v;
		uint8_t code, len;

		if (bgp_rd_u8(p, &code) < 0 || bgp_rd_u8(p, &len) < 0 ||
		    bgp_rd_sub(p, len, &v) < 0)
			return open_err(err, OPEN_ERR_UNSPECIFIC);
		if (capa_one(o, code, &v) < 0)
			return open_err(err, OPEN_ERR_UNSPECIFIC);
	}
	return 0;
}

/* The optional parameters, exactly filling r. ext: RFC 9072 format, where each
 * Parameter Length is two octets. */
static int opt_params(struct bgp_open *o, struct bgp_rd *r, bool ext, struct bgp_err *err)
{
	unsigned n_capa_params = 0;

	while (bgp_rd_left(r) > 0) {
		struct bgp_rd p;
		uint8_t type, len8;
		uint16_t len;

		if (bgp_rd_u8(r, &type) < 0)
			return open_err(err, OPEN_ERR_UNSPECIFIC);
		if (ext) {
			if (bgp_rd_u16(r, &len) < 0)
				return open_err(err, OPEN_ERR_UNSPECIFIC);
		} else {
			if (bgp_rd_u8(r, &len8) < 0)
				return open_err(err, OPEN_ERR_UNSPECIFIC);
			len = len8;
		}
		if (bgp_rd_sub(r, len, &p) < 0)
			return open_err(err, OPEN_ERR_UNSPECIFIC);
		/* RFC 4271 §6.2: a parameter we do not recognize. Capabilities
		 * (RFC 5492 §4) is the only one left in use. */
		if (type != BGP_OPT_PARAM_CAPA)
			return open_err(err, BGP_ERR_OPEN_OPT);
		/* RFC 5492 §4: several Capabilities parameters MUST be accepted. */
		if (++n_capa_params > 1)
			o->quirks |= BGP_OPEN_Q_CAPA_PARAMS;
		if (capa_list(o, &p, err) < 0)
			return -1;
	}
	return 0;
}

int bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o, struct bgp_err *err)
{
	struct bgp_rd r, params;
	uint8_t opt_len, first;
	uint16_t ext_len;
	bool ext = false;
	size_t plen;

	memset(o, 0, sizeof(*o));
	if (bgp_msg_body(msg, len, BGP_MSG_OPEN, &r, err) < 0)
		return -1;
	/* The header check guarantees the fixed part (BGP_OPEN_MIN_LEN). */
	if (bgp_rd_u8(&r, &o->version) < 0 || bgp_rd_u16(&r, &o->my_as) < 0 ||
	    bgp_rd_u16(&r, &o->hold_time) < 0 || bgp_rd_u32(&r, &o->bgp_id) < 0 ||
	    bgp_rd_u8(&r, &opt_len) < 0)
		return open_err(err, OPEN_ERR_UNSPECIFIC);
	plen = opt_len;
	/* RFC 9072 §2: with a non-zero Non-Ext OP Len, a first parameter type of
	 * 255 announces the extended format: a two-octet total length follows and
	 * every parameter has a two-octet length. Non-Ext OP Len is then only a
	 * signal, not a length. */
	if (opt_len != 0 && bgp_rd_left(&r) > 0 && bgp_rd_ptr(&r)[0] == BGP_OPT_PARAM_EXT) {
		bgp_rd_u8(&r, &first);
		if (bgp_rd_u16(&r, &ext_len) < 0)
			return open_err(err, OPEN_ERR_UNSPECIFIC);
		ext = true;
		plen = ext_len;
		o->quirks |= BGP_OPEN_Q_EXT_PARAMS;
	}
	/* The parameters must fill the message exactly (RFC 4271 §4.1: no padding;
	 * a length that disagrees is a malformed parameter field, §6.2). */
	if (plen != bgp_rd_left(&r) || bgp_rd_sub(&r, plen, &params) < 0)
		return open_err(err, OPEN_ERR_UNSPECIFIC);
	return opt_params(o, &params, ext, err);
}

/* ---- encoding ---- */

#define CAPA_HDR_LEN 2      /* code, length: RFC 5492 §4 */

/* Octets the capability TLVs of c take. */
static size_t caps_len(const struct bgp_caps *c)
{
	size_t n = c->n_mp * (CAPA_HDR_LEN + BGP_CAPA_MP_LEN);

	if (c->route_refresh)
		n += CAPA_HDR_LEN;
	if (c->ext_msg)
		n += CAPA_HDR_LEN;
	if (c->graceful_restart)
		n += CAPA_HDR_LEN + BGP_CAPA_GR_HDR_LEN + c->n_gr * BGP_CAPA_GR_AF_LEN;
	if (c->as4)
		n += CAPA_HDR_LEN + BGP_CAPA_AS4_LEN;
	if (c->enhanced_rr)
		n += CAPA_HDR_LEN;
	for (unsigned i = 0; i < c->n_unknown; i++)
		n += CAPA_HDR_LEN + c->unknown[i].len;
	return n;
}

static void put_capa_hdr(struct bgp_wr *w, uint8_t code, uint8_t len)
{
	bgp_wr_u8(w, code);
	bgp_wr_u8(w, len);
}

static void put_caps(struct bgp_wr *w, const struct bgp_caps *c)
{
	for (unsigned i = 0; i < c->n_mp; i++) {
		put_capa_hdr(w, BGP_CAPA_MP, BGP_CAPA_MP_LEN);
		bgp_wr_u16(w, c->mp[i].afi);
		bgp_wr_u8(w, 0);                /* reserved, RFC 4760 §8 */
		bgp_wr_u8(w, c->mp[i].safi);
	}
	if (c->route_refresh)
		put_capa_hdr(w, BGP_CAPA_ROUTE_REFRESH, 0);
	if (c->ext_msg)
		put_capa_hdr(w, BGP_CAPA_EXT_MSG, 0);
	if (c->graceful_restart) {
		put_capa_hdr(w, BGP_CAPA_GRACEFUL,
		             (uint8_t)(BGP_CAPA_GR_HDR_LEN + c->n_gr * BGP_CAPA_GR_AF_LEN));
		bgp_wr_u16(w, c->gr_flags_time);
		for (unsigned i = 0; i < c->n_gr; i++) {
			bgp_wr_u16(w, c->gr[i].af.afi);
			bgp_wr_u8(w, c->gr[i].af.safi);
			bgp_wr_u8(w, c->gr[i].flags);
		}
	}
	if (c->as4) {
		put_capa_hdr(w, BGP_CAPA_AS4, BGP_CAPA_AS4_LEN);
		bgp_wr_u32(w, c->as4_number);
	}
	if (c->enhanced_rr)
		put_capa_hdr(w, BGP_CAPA_ENHANCED_RR, 0);
	for (unsigned i = 0; i < c->n_unknown; i++) {
		put_capa_hdr(w, c->unknown[i].code, c->unknown[i].len);
		bgp_wr_bytes(w, c->unknown[i].data, c->unknown[i].len);
	}
}

int bgp_open_encode(const struct bgp_open *o, uint8_t *buf, size_t cap)
{
	const struct bgp_caps *c = &o->caps;
	struct bgp_wr w = bgp_wr_init(buf, cap);
	size_t clen, start;

	if (c->n_mp > BGP_MAX_AFISAFI || c->n_gr > BGP_MAX_AFISAFI ||
	    c->n_unknown > BGP_MAX_UNKNOWN_CAPA)
		return -1;
	clen = caps_len(c);
	start = bgp_msg_begin(&w, BGP_MSG_OPEN);
	bgp_wr_u8(&w, o->version);
	bgp_wr_u16(&w, o->my_as);
	bgp_wr_u16(&w, o->hold_time);
	bgp_wr_u32(&w, o->bgp_id);
	if (clen == 0) {
		bgp_wr_u8(&w, 0);
	} else if (CAPA_HDR_LEN + clen <= BGP_OPT_PARAM_MAX) {
		/* RFC 4271 §4.2, RFC 5492 §4: one Capabilities parameter. */
		bgp_wr_u8(&w, (uint8_t)(CAPA_HDR_LEN + clen));
		bgp_wr_u8(&w, BGP_OPT_PARAM_CAPA);
		bgp_wr_u8(&w, (uint8_t)clen);
		put_caps(&w, c);
	} else {
		/* RFC 9072 §2: Non-Ext OP Len and Type 255, two-octet lengths. The
		 * message limit (4096, RFC 8654 §4) is enforced by bgp_msg_end. */
		size_t plen = 1 + sizeof(uint16_t) + clen;

		if (plen > UINT16_MAX)
			return -1;
		bgp_wr_u8(&w, BGP_OPT_PARAM_MAX);
		bgp_wr_u8(&w, BGP_OPT_PARAM_EXT);
		bgp_wr_u16(&w, (uint16_t)plen);
		bgp_wr_u8(&w, BGP_OPT_PARAM_CAPA);
		bgp_wr_u16(&w, (uint16_t)clen);
		put_caps(&w, c);
	}
	return bgp_msg_end(&w, start, BGP_MAX_LEN);
}

void bgp_open_set_as(struct bgp_open *o, uint32_t as)
{
	/* RFC 6793 §3: AS_TRANS in My Autonomous System iff the speaker has no
	 * two-octet AS; the real one always in the capability (§4.1). */
	o->my_as = as <= UINT16_MAX ? (uint16_t)as : BGP_AS_TRANS;
	o->caps.as4 = true;
	o->caps.as4_number = as;
}
