/*
 * bgpd/msg_rrefresh.c — ROUTE-REFRESH messages: one <AFI, subtype, SAFI>
 * (RFC 2918 §3; the reserved octet became the subtype in RFC 7313 §3.2).
 */
#include <string.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"

int bgp_route_refresh_decode(const uint8_t *msg, size_t len, struct bgp_route_refresh *rr,
                             struct bgp_err *err)
{
	struct bgp_rd r;

	memset(rr, 0, sizeof(*rr));
	if (bgp_msg_body(msg, len, BGP_MSG_ROUTE_REFRESH, &r, err) < 0)
		return -1;
	/* RFC 7313 §5: a body of other than 4 octets is ROUTE-REFRESH Message
	 * Error / Invalid Message Length, with the complete message as data. The
	 * RFC states it for BoRR/EoRR; a normal request (subtype 0) that is not 4
	 * octets would carry ORF entries (RFC 5291), which we never negotiate, so it
	 * gets the same answer — the only length error defined for this message. */
	if (bgp_rd_left(&r) != BGP_RR_BODY_LEN) {
		bgp_err_set(err, BGP_ERR_RREFRESH, BGP_ERR_RR_LEN, msg, len);
		return -1;
	}
	bgp_rd_u16(&r, &rr->afi);
	bgp_rd_u8(&r, &rr->subtype);
	bgp_rd_u8(&r, &rr->safi);
	/* RFC 7313 §5: an unknown subtype is ignored (and logged), not an error. */
	if (rr->subtype != BGP_RR_NORMAL && rr->subtype != BGP_RR_BORR &&
	    rr->subtype != BGP_RR_EORR)
		return BGP_RR_IGNORE;
	return 0;
}

int bgp_route_refresh_encode(const struct bgp_route_refresh *rr, uint8_t *buf, size_t cap)
{
	struct bgp_wr w = bgp_wr_init(buf, cap);
	size_t start = bgp_msg_begin(&w, BGP_MSG_ROUTE_REFRESH);

	bgp_wr_u16(&w, rr->afi);
	bgp_wr_u8(&w, rr->subtype);
	bgp_wr_u8(&w, rr->safi);
	return bgp_msg_end(&w, start, BGP_RREFRESH_LEN);
}
