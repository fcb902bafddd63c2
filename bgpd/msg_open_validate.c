/*
 * bgpd/msg_open_validate.c — judging a decoded OPEN against what we accept
 * from this peer (RFC 4271 §6.2 and its updates). The decoder only checks form;
 * this checks meaning, and yields the OPEN Message Error to send.
 *
 * Order of checks: version (nothing else can be trusted under an unknown
 * version), peer AS, BGP Identifier, Hold Time, required capabilities.
 */
#include <string.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"

#define BGP_HOLD_MIN 3      /* RFC 4271 §4.2: zero or at least three seconds */
#define AS2_MAX 65535u      /* largest two-octet AS, RFC 6793 §3 */

static int open_err(struct bgp_err *err, uint8_t subcode)
{
	bgp_err_set(err, BGP_ERR_OPEN, subcode, NULL, 0);
	return -1;
}

/* RFC 4271 §6.2: the data is the largest locally supported version below the
 * peer's bid, or our smallest if all are above it. We speak only 4, so it is 4
 * either way. */
static int check_version(const struct bgp_open *o, struct bgp_err *err)
{
	uint8_t d[2] = { 0, BGP_VERSION };

	if (o->version == BGP_VERSION)
		return 0;
	bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, d, sizeof(d));
	return -1;
}

/* The AS the OPEN speaks for is well-formed (RFC 6793) and the one expected. */
static int check_as(const struct bgp_open *o, const struct bgp_open_policy *p,
                    struct bgp_err *err)
{
	uint32_t as = bgp_open_peer_as(o);

	if (o->caps.as4) {
		/* RFC 6793 §4.1: the capability's AS replaces My Autonomous System.
		 * AS_TRANS only stands in for a four-octet AS in the two-octet field;
		 * as the speaker's own AS it would say nothing (§3, §9). */
		if (o->caps.as4_number == BGP_AS_TRANS)
			return open_err(err, BGP_ERR_OPEN_AS);
		/* §3: My AS holds the real AS when it fits in two octets, AS_TRANS only
		 * when it does not; a mappable AS4 with another My AS is inconsistent. */
		if (o->caps.as4_number <= AS2_MAX && o->my_as != o->caps.as4_number)
			return open_err(err, BGP_ERR_OPEN_AS);
		/* Two AS4 capabilities naming different ASes (see msg_open.c): we
		 * cannot tell which AS the peer is. */
		if (o->quirks & BGP_OPEN_Q_AS4_CONFLICT)
			return open_err(err, BGP_ERR_OPEN_AS);
	} else if (o->my_as == BGP_AS_TRANS) {
		/* AS_TRANS without the capability: a four-octet speaker that hid its
		 * capability, or a reserved AS (RFC 6793 §9); no real AS to check. */
		return open_err(err, BGP_ERR_OPEN_AS);
	}
	/* RFC 7607 §2: AS 0 in an OPEN is answered with Bad Peer AS. */
	if (as == 0)
		return open_err(err, BGP_ERR_OPEN_AS);
	if (p->peer_as != 0 && as != p->peer_as)
		return open_err(err, BGP_ERR_OPEN_AS);
	return 0;
}

/* RFC 6286 §2.2: zero is never valid; equal to ours is refused from an internal
 * peer only (between ASes collisions are resolved by AS, RFC 6286 §2.3). */
static int check_bgp_id(const struct bgp_open *o, const struct bgp_open_policy *p,
                        struct bgp_err *err)
{
	bool ibgp = p->ibgp || (p->local_as != 0 && bgp_open_peer_as(o) == p->local_as);

	if (o->bgp_id == 0 || (ibgp && o->bgp_id == p->local_id))
		return open_err(err, BGP_ERR_OPEN_BGPID);
	return 0;
}

/* RFC 4271 §6.2: 1 and 2 MUST be refused; others MAY be. Zero (no keepalives)
 * is accepted whatever the minimum. */
static int check_hold(const struct bgp_open *o, const struct bgp_open_policy *p,
                      struct bgp_err *err)
{
	uint16_t min = p->min_hold_time > BGP_HOLD_MIN ? p->min_hold_time : BGP_HOLD_MIN;

	if (o->hold_time != 0 && o->hold_time < min)
		return open_err(err, BGP_ERR_OPEN_HOLD);
	return 0;
}

static bool has_family(const struct bgp_caps *c, struct bgp_afisafi af)
{
	for (unsigned i = 0; i < c->n_mp; i++)
		if (c->mp[i].afi == af.afi && c->mp[i].safi == af.safi)
			return true;
	return false;
}

/* RFC 5492 §5: the data lists each missing capability encoded as in an OPEN —
 * as we would advertise it. */
static int check_caps(const struct bgp_open *o, const struct bgp_open_policy *p,
                      struct bgp_err *err)
{
	const struct bgp_caps *c = &o->caps;
	uint8_t data[BGP_ERR_DATA_MAX];
	struct bgp_wr w = bgp_wr_init(data, sizeof(data));
	unsigned n = p->n_families < BGP_MAX_AFISAFI ? p->n_families : BGP_MAX_AFISAFI;

	for (unsigned i = 0; i < n; i++) {
		if (has_family(c, p->families[i]))
			continue;
		bgp_wr_u8(&w, BGP_CAPA_MP);
		bgp_wr_u8(&w, BGP_CAPA_MP_LEN);
		bgp_wr_u16(&w, p->families[i].afi);
		bgp_wr_u8(&w, 0);
		bgp_wr_u8(&w, p->families[i].safi);
	}
	/* RFC 6793 §4.2.1: without a two-octet AS we cannot peer with an OLD
	 * speaker, so AS4 is required then whatever the policy says. */
	if ((p->require_as4 || p->local_as > AS2_MAX) && !c->as4) {
		bgp_wr_u8(&w, BGP_CAPA_AS4);
		bgp_wr_u8(&w, BGP_CAPA_AS4_LEN);
		bgp_wr_u32(&w, p->local_as);
	}
	if (p->require_route_refresh && !c->route_refresh) {
		bgp_wr_u8(&w, BGP_CAPA_ROUTE_REFRESH);
		bgp_wr_u8(&w, 0);
	}
	if (p->require_enhanced_rr && !c->enhanced_rr) {
		bgp_wr_u8(&w, BGP_CAPA_ENHANCED_RR);
		bgp_wr_u8(&w, 0);
	}
	if (p->require_ext_msg && !c->ext_msg) {
		bgp_wr_u8(&w, BGP_CAPA_EXT_MSG);
		bgp_wr_u8(&w, 0);
	}
	if (w.len == 0)
		return 0;
	bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_CAPA, data, w.len);
	return -1;
}

int bgp_open_validate(const struct bgp_open *o, const struct bgp_open_policy *p,
                      struct bgp_err *err)
{
	memset(err, 0, sizeof(*err));
	if (check_version(o, err) < 0 || check_as(o, p, err) < 0 ||
	    check_bgp_id(o, p, err) < 0 || check_hold(o, p, err) < 0 ||
	    check_caps(o, p, err) < 0)
		return -1;
	return 0;
}
