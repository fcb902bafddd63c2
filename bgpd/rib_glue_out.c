/*
 * bgpd/rib_glue_out.c — from the Loc-RIB to the wire: for each Established
 * peer, what to advertise for a prefix (export rules of RFC 4271 §9.1.3 and
 * RFC 4456, then the export policy), into its Adj-RIB-Out; whole-table dumps
 * (initial advertisement, route refresh, soft reset out) as a resumable walk;
 * and UPDATEs packed by bgpd/adjout.c onto the session while its send queue
 * takes them, with MRAI and End-of-RIB.
 */
#include <event2/event.h>
#include <string.h>

#include "bgpd/daemon.h"
#include "bgpd/log.h"
#include "bgpd/peer.h"
#include "bgpd/rib_glue.h"
#include "bgpd/rib_glue_int.h"
#include "bgpd/session.h"

/* The attribute set to advertise to gp for best (NULL: withdraw / nothing),
 * with a reference. */
static const struct attrset *export_attrs(struct rib_glue *g, struct rg_peer *gp,
                                          const struct bgp_prefix *pfx,
                                          const struct rib_path *best)
{
	if (!best || !best->eff)
		return NULL;
	/* Never back to where it came from: the peer has it, and an external
	 * peer would see its own AS (RFC 4271 §9.1.2) anyway. */
	if (best->peer == gp->id)
		return NULL;
	const struct rib_peer_info *si = rib_peer_get(g->rib, best->peer);
	if (!si)
		return NULL;
	int ai = rg_af_index(pfx->af);
	struct export_source src = { .kind = si->kind, .rr_client = si->rr_client,
	                             .bgp_id = si->bgp_id };
	struct export_target t = {
		.kind = gp->ibgp ? RIB_PEER_IBGP : RIB_PEER_EBGP,
		.rr_client = gp->p->nb->s.rr_client,
		.next_hop_self = gp->p->nb->s.next_hop_self,
		.remote_as = gp->p->nb->s.remote_as,
		.self_nh = ai ? gp->self6 : gp->self4,
		.self_nh_len = ai ? 16 : 4,
		.self_ll = NULL,
	};
	struct bgp_attrs out;
	const char *why = NULL;
	if (export_build(&g->ecfg, &src, &best->eff->a, pfx->af, &t, &out, &g->ps_exp, &why) < 0)
		return NULL;
	/* Export policy; RFC 8212: nothing to an external peer without one. */
	const struct config_policy *pol = gp->p->nb->export;
	if (!pol && !gp->ibgp)
		return NULL;
	if (pol) {
		struct config_addr nb = { .af = gp->p->addr.af };
		memcpy(nb.a, gp->p->addr.a, sizeof(nb.a));
		struct policy_route r = {
			.prefix = pfx, .neighbor = &nb, .afi = pfx->af,
			.local_as = g->rcfg.local_as,
			.self_nh = t.self_nh, .self_nh_len = t.self_nh_len,
		};
		if (policy_apply(pol, &r, &out, &g->ps_pol) != POLICY_ACCEPT)
			return NULL;
		export_finish(&t, &out);
	}
	return attrset_intern(g->attrs, &out);
}

void rg_export_to(struct rib_glue *g, struct rg_peer *gp, const struct rib_entry *e)
{
	const struct bgp_prefix *pfx = rib_entry_prefix(e);
	int ai = rg_af_index(pfx->af);
	if (!gp->can_export[ai])
		return;
	const struct attrset *a = export_attrs(g, gp, pfx, rib_best(e));
	if (adjout_set(gp->out, pfx, a) < 0)
		log_peer(LOG_ERR, gp->p->name, "out of memory: advertisement dropped");
	attrset_unref(g->attrs, a);
}

void rg_export_prefix(struct rib_glue *g, const struct bgp_prefix *pfx)
{
	const struct rib_entry *e = rib_lookup(g->rib, pfx);
	for (struct rg_peer *gp = g->up; gp; gp = gp->next) {
		if (!gp->can_export[rg_af_index(pfx->af)])
			continue;
		if (e) {
			rg_export_to(g, gp, e);
		} else if (adjout_set(gp->out, pfx, NULL) < 0) {
			log_peer(LOG_ERR, gp->p->name, "out of memory: withdrawal dropped");
		}
	}
}

void rg_start_dump(struct rib_glue *g, struct rg_peer *gp, bool eor, bool eorr, int only_af)
{
	gp->dumping = true;
	gp->dump_started = false;
	for (int i = 0; i < RG_AF_N; i++) {
		if (only_af >= 0 && i != only_af)
			continue;
		if (eor && gp->af[i])
			gp->eor_due[i] = true;
		if (eorr)
			gp->eorr[i] = true;
	}
}

struct dump_walk {
	struct rib_glue *g;
	struct rg_peer *gp;
	size_t left;
};

static int dump_one(const struct rib_entry *e, void *arg)
{
	struct dump_walk *w = arg;
	const struct bgp_prefix *pfx = rib_entry_prefix(e);
	if (w->gp->dump_started && bgp_prefix_eq(pfx, &w->gp->dump_from))
		return 0;       /* done in the previous step */
	rg_export_to(w->g, w->gp, e);
	w->gp->dump_from = *pfx;
	w->gp->dump_started = true;
	return --w->left == 0;
}

bool rg_dump_step(struct rib_glue *g, struct rg_peer *gp, size_t budget)
{
	/* Do not run ahead of the session: a dump produces at most what the
	 * Adj-RIB-Out can hold pending while the peer reads. */
	if (adjout_pending(gp->out) > 4 * RG_WORK_BUDGET)
		return false;
	struct dump_walk w = { g, gp, budget };
	int stopped = rib_walk(g->rib, gp->dump_started ? &gp->dump_from : NULL, dump_one, &w);
	if (!stopped) {
		gp->dumping = false;
		gp->dump_started = false;
	}
	return gp->dumping;
}

static void mrai_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rg_peer *gp = arg;
	gp->mrai_until_ms = 0;
	rg_kick(gp->p->d->rg);
}

static void send_eor(struct rib_glue *g, struct rg_peer *gp, struct session *s, int i)
{
	int n;
	if (gp->eorr[i]) {
		/* RFC 7313 §4: the refreshed table ends with EoRR. */
		struct bgp_route_refresh e = { rg_af_afi(i), BGP_RR_EORR, BGP_SAFI_UNICAST };
		n = bgp_route_refresh_encode(&e, g->msgbuf, sizeof(g->msgbuf));
	} else {
		n = bgp_update_eor(rg_af_afi(i), BGP_SAFI_UNICAST, g->msgbuf, sizeof(g->msgbuf));
	}
	if (n > 0)
		session_send(s, g->msgbuf, (size_t)n);
	gp->eor_due[i] = false;
	gp->eorr[i] = false;
}

bool rg_send(struct rib_glue *g, struct rg_peer *gp)
{
	struct peer *p = gp->p;
	struct session *s = p->sess[gp->slot];
	if (!s || s->dead || !gp->out)
		return false;
	uint64_t now = bgpd_now_ms();
	if (gp->mrai_until_ms && now < gp->mrai_until_ms)
		return false;   /* mrai_cb kicks us */
	gp->mrai_until_ms = 0;
	unsigned msgs = 0;
	bool more = false;
	for (int i = 0; i < RG_AF_N; i++) {
		while (s->outq_len == 0 && !s->dead) {
			if (msgs == RG_MSGS_PER_TURN) {
				more = true;
				break;
			}
			int n = adjout_build(gp->out, &gp->uctx, rg_af_afi(i), g->msgbuf,
			                     sizeof(g->msgbuf));
			if (n == 0)
				break;
			if (n < 0)
				continue;       /* counted by adjout; the next one */
			session_send(s, g->msgbuf, (size_t)n);
			peer_fsm_update_sent(&p->pf, gp->slot, now);
			msgs++;
		}
	}
	p->prefixes_advertised = adjout_count(gp->out);
	if (!gp->dumping && adjout_pending(gp->out) == 0 && s->outq_len == 0)
		for (int i = 0; i < RG_AF_N; i++)
			if (gp->eor_due[i])
				send_eor(g, gp, s, i);
	/* RFC 4271 §9.2.1.1: no new advertisements to the peer for MRAI after a
	 * batch (a per-peer timer, as most implementations keep). */
	unsigned mrai = p->nb->s.advertisement_interval;
	if (msgs && mrai && !gp->dumping) {
		if (!gp->mrai_timer)
			gp->mrai_timer = evtimer_new(g->d->base, mrai_cb, gp);
		if (gp->mrai_timer) {
			struct timeval tv = { mrai, 0 };
			gp->mrai_until_ms = now + (uint64_t)mrai * 1000u;
			evtimer_add(gp->mrai_timer, &tv);
			return false;
		}
	}
	return more;
}
