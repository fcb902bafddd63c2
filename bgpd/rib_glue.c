/*
 * bgpd/rib_glue.c — where sessions meet the routing tables (see rib_glue.h and
 * rib_glue_int.h): UPDATEs in through RFC 7606 handling, loop checks, next-hop
 * resolution and import policy into the RIB; sessions up and down; route
 * refresh; max-prefix; reload; and the one event that moves work along in
 * bounded steps.
 */
#include "bgpd/rib_glue.h"

#include <event2/event.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/daemon.h"
#include "bgpd/decide.h"
#include "bgpd/fsm.h"
#include "bgpd/log.h"
#include "bgpd/peer.h"
#include "bgpd/rib_glue_int.h"
#include "bgpd/session.h"
#include "config/diff.h"

static void work_cb(evutil_socket_t fd, short what, void *arg);

struct rib_glue *rg_of(struct bgpd *d)
{
	return d->rg;
}

void rg_kick(struct rib_glue *g)
{
	if (g && g->work && !event_pending(g->work, EV_TIMEOUT, NULL))
		event_active(g->work, EV_TIMEOUT, 0);
}

static void rcfg_from(struct rib_glue *g, const struct bgpd_config *cfg)
{
	g->rcfg.local_as = cfg->local_as;
	g->rcfg.router_id = cfg->router_id;
	g->rcfg.cluster_id = cfg->cluster_id;
	g->ecfg.local_as = cfg->local_as;
	g->ecfg.router_id = cfg->router_id;
	g->ecfg.cluster_id = cfg->cluster_id;
}

static void networks_apply(struct rib_glue *g, const struct config_network *const *nets,
                           size_t n, bool announce)
{
	uint8_t store[4096];
	for (size_t i = 0; i < n; i++) {
		struct bgp_prefix p;
		struct bgp_attrs a;
		if (rg_local_from_network(nets[i], &p, &a, store, sizeof(store)) < 0) {
			char buf[BGP_PREFIX_STRLEN];
			config_prefix_format(&nets[i]->prefix, buf, sizeof(buf));
			log_msg(LOG_ERR, "network %s: too many communities to announce", buf);
			continue;
		}
		if (announce)
			rg_local_set(g, &p, &a, false);
		else
			rg_local_unset(g, &p, false);
	}
}

int rib_glue_init(struct bgpd *d, char *err, size_t errlen)
{
	struct rib_glue *g = calloc(1, sizeof(*g));
	if (!g)
		goto nomem;
	g->d = d;
	rcfg_from(g, d->cfg);
	g->attrs = attrset_table_new();
	if (!g->attrs)
		goto nomem;
	g->rib = rib_new(&g->rcfg, g->attrs);
	if (!g->rib)
		goto nomem;
	g->work = event_new(d->base, -1, 0, work_cb, g);
	if (!g->work)
		goto nomem;
	d->rg = g;
	const struct bgpd_config *cfg = d->cfg;
	for (size_t i = 0; i < cfg->n_networks; i++) {
		const struct config_network *n = &cfg->networks[i];
		networks_apply(g, &n, 1, true);
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory setting up the routing table");
	if (g) {
		d->rg = g;
		rib_glue_free(d);
	}
	return -1;
}

static void gp_free(struct rib_glue *g, struct rg_peer *gp)
{
	if (gp->out)
		adjout_free(gp->out);
	if (gp->mrai_timer)
		event_free(gp->mrai_timer);
	free(gp);
}

void rib_glue_free(struct bgpd *d)
{
	struct rib_glue *g = d->rg;
	if (!g)
		return;
	for (size_t i = 0; i < d->n_peers; i++) {
		struct peer *p = d->peers[i];
		if (p && p->rg) {
			gp_free(g, p->rg);
			p->rg = NULL;
		}
	}
	g->up = NULL;
	rg_local_free(g);
	if (g->rib)
		rib_free(g->rib);
	if (g->attrs)
		attrset_table_free(g->attrs);
	if (g->work)
		event_free(g->work);
	free(g->flushing);
	free(g);
	d->rg = NULL;
}

/* ---- sessions up and down ---- */

/* An address of ours in family af to give as next hop where the session's own
 * address is of the other family: the local-address of a neighbour, else a
 * listen address. */
static bool config_self(const struct bgpd_config *cfg, uint8_t af, uint8_t *out)
{
	for (size_t i = 0; i < cfg->n_neighbors; i++) {
		const struct config_addr *a = &cfg->neighbors[i].s.local_address;
		if (a->af == af) {
			memcpy(out, a->a, af == CONFIG_AF_INET ? 4 : 16);
			return true;
		}
	}
	for (size_t i = 0; i < cfg->listen.n; i++) {
		const struct config_addr *a = &cfg->listen.v[i];
		static const uint8_t zero[16];
		if (a->af == af && memcmp(a->a, zero, 16) != 0) {
			memcpy(out, a->a, af == CONFIG_AF_INET ? 4 : 16);
			return true;
		}
	}
	return false;
}

/* The session runs over one family; routes of the other need a next hop of
 * ours in that family: a global address on the interface that holds the
 * session's local address (RFC 4760 §3: the next hop is an address of the
 * family of the NLRI), found with getifaddrs — this is the driver, it may. */
static bool iface_self(const struct tcp_ip *local, uint8_t want_af, uint8_t *out)
{
	struct ifaddrs *ifs, *i;
	if (getifaddrs(&ifs) < 0)
		return false;
	const char *name = NULL;
	for (i = ifs; i && !name; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (local->af == TCP_AF_INET && i->ifa_addr->sa_family == AF_INET &&
		    memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, local->a, 4) == 0)
			name = i->ifa_name;
		if (local->af == TCP_AF_INET6 && i->ifa_addr->sa_family == AF_INET6 &&
		    memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, local->a, 16) == 0)
			name = i->ifa_name;
	}
	bool found = false;
	for (i = ifs; i && name && !found; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, name) != 0)
			continue;
		if (want_af == TCP_AF_INET && i->ifa_addr->sa_family == AF_INET) {
			memcpy(out, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
			found = true;
		} else if (want_af == TCP_AF_INET6 && i->ifa_addr->sa_family == AF_INET6) {
			const uint8_t *a = ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr;
			if (bgp_addr6_is_host(a) && !bgp_addr6_is_link_local(a)) {
				memcpy(out, a, 16);
				found = true;
			}
		}
	}
	freeifaddrs(ifs);
	return found;
}

static void set_self(struct rib_glue *g, struct rg_peer *gp, const struct session *s)
{
	const struct tcp_endpoint *l = s && s->c ? tcp_conn_local(s->c) : NULL;
	gp->has_self4 = gp->has_self6 = false;
	if (l && l->ip.af == TCP_AF_INET) {
		memcpy(gp->self4, l->ip.a, 4);
		gp->has_self4 = true;
	} else if (l && l->ip.af == TCP_AF_INET6) {
		memcpy(gp->self6, l->ip.a, 16);
		gp->has_self6 = true;
	}
	if (l && !gp->has_self4)
		gp->has_self4 = iface_self(&l->ip, TCP_AF_INET, gp->self4);
	if (l && !gp->has_self6)
		gp->has_self6 = iface_self(&l->ip, TCP_AF_INET6, gp->self6);
	const struct bgpd_config *cfg = g->d->cfg;
	if (!gp->has_self4)
		gp->has_self4 = config_self(cfg, CONFIG_AF_INET, gp->self4);
	if (!gp->has_self6)
		gp->has_self6 = config_self(cfg, CONFIG_AF_INET6, gp->self6);
}

static struct rg_peer *gp_get(struct peer *p)
{
	if (!p->rg) {
		p->rg = calloc(1, sizeof(*p->rg));
		if (!p->rg)
			return NULL;
		p->rg->p = p;
		p->rg->id = RG_NO_ID;
	}
	return p->rg;
}

static void flush_add(struct rib_glue *g, uint32_t id)
{
	if (g->n_flushing == g->cap_flushing) {
		size_t ncap = g->cap_flushing ? 2 * g->cap_flushing : 8;
		uint32_t *n = realloc(g->flushing, ncap * sizeof(*n));
		if (!n) {
			/* Cannot queue it: empty it now, whatever the cost. */
			while (rib_peer_flush(g->rib, id, SIZE_MAX) > 0)
				;
			rib_peer_remove(g->rib, id);
			return;
		}
		g->flushing = n;
		g->cap_flushing = ncap;
	}
	g->flushing[g->n_flushing++] = id;
}

static void unlink_up(struct rib_glue *g, struct rg_peer *gp)
{
	for (struct rg_peer **pp = &g->up; *pp; pp = &(*pp)->next)
		if (*pp == gp) {
			*pp = gp->next;
			break;
		}
	gp->next = NULL;
}

void rib_glue_established(struct peer *p, int slot)
{
	struct rib_glue *g = p->d->rg;
	struct fsm *f = peer_fsm_conn(&p->pf, slot);
	if (!g || !f)
		return;
	struct rg_peer *gp = gp_get(p);
	if (!gp) {
		log_peer(LOG_ERR, p->name, "out of memory: routes not exchanged");
		return;
	}
	if (gp->id != RG_NO_ID)
		rib_glue_down(p);
	const struct bgp_open *po = fsm_peer_open(f);
	struct bgp_open lo;
	peer_local_open(p, &lo);
	gp->ibgp = f->ibgp;
	gp->slot = slot;
	bgp_update_ctx_init(&gp->uctx, &lo.caps, &po->caps,
	                    gp->ibgp ? BGP_PEER_IBGP : BGP_PEER_EBGP,
	                    gp->ibgp ? 0 : p->nb->s.remote_as);
	gp->peer_rr = po->caps.route_refresh;
	gp->peer_err = po->caps.enhanced_rr && lo.caps.enhanced_rr;
	struct rib_peer_info info = {
		.kind = gp->ibgp ? RIB_PEER_IBGP : RIB_PEER_EBGP,
		.rr_client = p->nb->s.rr_client,
		.remote_as = p->nb->s.remote_as,
		.bgp_id = po->bgp_id,
	};
	bgp_prefix_set(&info.addr, p->addr.af == TCP_AF_INET ? BGP_AFI_IPV4 : BGP_AFI_IPV6,
	               p->addr.a, p->addr.af == TCP_AF_INET ? 32 : 128);
	gp->id = rib_peer_add(g->rib, &info);
	gp->out = adjout_new(g->attrs);
	if (gp->id == RG_NO_ID || !gp->out) {
		log_peer(LOG_ERR, p->name, "out of memory: routes not exchanged");
		if (gp->id != RG_NO_ID)
			rib_peer_remove(g->rib, gp->id);
		gp->id = RG_NO_ID;
		if (gp->out)
			adjout_free(gp->out);
		gp->out = NULL;
		return;
	}
	set_self(g, gp, p->sess[slot]);
	for (int i = 0; i < RG_AF_N; i++) {
		gp->af[i] = bgp_update_ctx_has(&gp->uctx, rg_af_afi(i), BGP_SAFI_UNICAST);
		gp->can_export[i] = gp->af[i] && (i == 0 ? gp->has_self4 : gp->has_self6);
		if (gp->af[i] && !gp->can_export[i])
			log_peer(LOG_WARNING, p->name,
			         "no %s address of ours to give as next hop: %s routes are not advertised",
			         i ? "IPv6" : "IPv4", i ? "IPv6" : "IPv4");
	}
	gp->max_warned = false;
	gp->mrai_until_ms = 0;
	gp->next = g->up;
	g->up = gp;
	p->prefixes_received = 0;
	p->prefixes_advertised = 0;
	/* The initial table, then End-of-RIB for every family (RFC 4724 §2). */
	rg_start_dump(g, gp, true, false, -1);
	rg_kick(g);
}

void rib_glue_down(struct peer *p)
{
	struct rib_glue *g = p->d->rg;
	struct rg_peer *gp = p->rg;
	p->prefixes_received = 0;
	p->prefixes_advertised = 0;
	if (!g || !gp || gp->id == RG_NO_ID)
		return;
	unlink_up(g, gp);
	for (int i = 0; i < RG_AF_N; i++) {
		g->adj_in[i] -= gp->adj_in[i];
		gp->adj_in[i] = 0;
	}
	/* Every route learned from it goes (RFC 4271 §9: a closed session's
	 * routes are withdrawn), in steps from the work event. */
	flush_add(g, gp->id);
	gp->id = RG_NO_ID;
	adjout_free(gp->out);
	gp->out = NULL;
	gp->dumping = false;
	if (gp->mrai_timer)
		event_del(gp->mrai_timer);
	rg_kick(g);
}

void rib_glue_peer_gone(struct peer *p)
{
	struct rib_glue *g = p->d->rg;
	if (!p->rg)
		return;
	rib_glue_down(p);
	gp_free(g, p->rg);
	p->rg = NULL;
}

/* ---- UPDATE in ---- */

/* Import policy (RFC 8212: an external peer without one gets nothing in; an
 * internal one, everything). Returns the effective set with a reference, or
 * NULL for rejected. */
static const struct attrset *import(struct rib_glue *g, struct rg_peer *gp,
                                    const struct bgp_prefix *pfx, const struct attrset *in)
{
	const struct config_policy *pol = gp->p->nb->import;
	if (!pol)
		return gp->ibgp ? attrset_ref(in) : NULL;
	struct bgp_attrs a = in->a;
	struct config_addr nb = { .af = gp->p->addr.af };
	memcpy(nb.a, gp->p->addr.a, sizeof(nb.a));
	struct policy_route r = {
		.prefix = pfx, .neighbor = &nb, .afi = pfx->af, .local_as = g->rcfg.local_as,
		.self_nh = pfx->af == BGP_AFI_IPV4 ? gp->self4 : gp->self6,
		.self_nh_len = pfx->af == BGP_AFI_IPV4 ? 4 : 16,
	};
	if (policy_apply(pol, &r, &a, &g->ps_in) != POLICY_ACCEPT)
		return NULL;
	if (bgp_attrs_equal(&a, &in->a))
		return attrset_ref(in);
	return attrset_intern(g->attrs, &a);
}

/* Adj-RIB-In sizes by family for `show summary` (the RIB counts paths per
 * peer, not per family). */
static void adj_in_add(struct rib_glue *g, struct rg_peer *gp, uint8_t af, int d)
{
	int i = rg_af_index(af);
	gp->adj_in[i] += (size_t)d;
	g->adj_in[i] += (size_t)d;
}

static bool nh_ok(struct rib_glue *g, const struct bgp_attrs *a, uint16_t afi)
{
	uint64_t now = bgpd_now_ms();
	if (afi == BGP_AFI_IPV4 && a->mp_nh_len == 0) {
		uint8_t nh[4] = { a->next_hop >> 24, a->next_hop >> 16, a->next_hop >> 8, a->next_hop };
		return nexthop_reachable(&g->nh, 4, nh, now);
	}
	if (a->mp_nh_len == 4)
		return nexthop_reachable(&g->nh, 4, a->mp_nh, now);
	if (a->mp_nh_len == 16 || a->mp_nh_len == 32) {
		static const uint8_t zero[16];
		if (memcmp(a->mp_nh, zero, 16) == 0 && a->mp_nh_len == 32)
			return nexthop_reachable(&g->nh, 6, a->mp_nh + 16, now);
		return nexthop_reachable(&g->nh, 6, a->mp_nh, now);
	}
	return false;
}

static void max_prefix_check(struct rib_glue *g, struct rg_peer *gp, uint16_t afi)
{
	struct peer *p = gp->p;
	const struct config_max_prefix *mp = &p->nb->s.max_prefix;
	if (mp->limit == 0 || rib_peer_accepted(g->rib, gp->id) <= mp->limit)
		return;
	if (mp->action == CONFIG_MAXPFX_WARN) {
		if (!gp->max_warned)
			log_peer(LOG_WARNING, p->name, "more than %u prefixes accepted (limit, warn only)",
			         mp->limit);
		gp->max_warned = true;
		return;
	}
	/* RFC 4486 §4: Cease / Maximum Number of Prefixes Reached, with AFI, SAFI
	 * and the limit as data. */
	log_peer(LOG_ERR, p->name, "more than %u prefixes accepted: closing the session%s",
	         mp->limit, mp->restart ? "" : " until `neighbor enable`");
	peer_stop_max_prefix(p, afi, BGP_SAFI_UNICAST, mp->limit, mp->restart);
}

static void log_outcome(struct peer *p, const struct bgp_update *u, const uint8_t *msg,
                        size_t len)
{
	char line[512];
	bgp_upd_outcome_describe(&u->out, line, sizeof(line));
	int level = u->out.action >= BGP_UPD_WITHDRAW ? LOG_WARNING : LOG_NOTICE;
	/* RFC 7606 §6: log the error, and for treat-as-withdraw the prefixes it
	 * withdrew (the first few); a peer repeating it must not flood the log. */
	char pfxs[256] = "";
	if (u->out.action == BGP_UPD_WITHDRAW) {
		size_t off = 0, n = 0, total = 0;
		for (unsigned i = 0; i < u->n_unreach; i++) {
			struct bgp_nlri_iter it;
			struct bgp_prefix pfx;
			bgp_nlri_iter_init(&it, &u->unreach[i]);
			while (bgp_nlri_next(&it, &pfx)) {
				total++;
				char buf[BGP_PREFIX_STRLEN];
				bgp_prefix_format(&pfx, buf, sizeof(buf));
				if (n < 8 && off + strlen(buf) + 2 < sizeof(pfxs)) {
					off += (size_t)snprintf(pfxs + off, sizeof(pfxs) - off, "%s%s",
					                        n ? " " : "; withdrawn: ", buf);
					n++;
				}
			}
		}
		if (total > n && off < sizeof(pfxs))
			snprintf(pfxs + off, sizeof(pfxs) - off, " and %zu more", total - n);
	}
	log_peer_rl(&p->rl, bgpd_now_ms(), level, p->name, "UPDATE (%zu octets): %s%s", len, line,
	            pfxs);
}

/* Consecutive prefixes of one UPDATE that end up with the same sets go to the
 * RIB in one call (rib_update_many: the memory waits of a batch overlap). in
 * NULL means withdraw. */
static void batch_flush(struct rib_glue *g, struct rg_peer *gp)
{
	if (!g->batch_n)
		return;
	size_t before = rib_peer_count(g->rib, gp->id);
	if (!g->batch_in) {
		rib_withdraw_many(g->rib, gp->id, g->batch, g->batch_n);
	} else if (rib_update_many(g->rib, gp->id, g->batch, g->batch_n, g->batch_in,
	                           g->batch_eff, g->batch_flags) < g->batch_n) {
		log_peer(LOG_ERR, gp->p->name, "out of memory: routes dropped");
	}
	size_t after = rib_peer_count(g->rib, gp->id);
	adj_in_add(g, gp, g->batch[0].af, (int)((long)after - (long)before));
	g->batch_n = 0;
	attrset_unref(g->attrs, g->batch_eff);
	g->batch_eff = NULL;
}

static void batch_add(struct rib_glue *g, struct rg_peer *gp, const struct bgp_prefix *pfx,
                      const struct attrset *in, const struct attrset *eff, uint32_t flags)
{
	if (g->batch_n && (g->batch_in != in || g->batch_eff != eff || g->batch_flags != flags ||
	                   g->batch_n == RG_BATCH || g->batch[0].af != pfx->af))
		batch_flush(g, gp);
	if (!g->batch_n) {
		g->batch_in = in;
		g->batch_eff = eff ? attrset_ref(eff) : NULL;
		g->batch_flags = flags;
	}
	g->batch[g->batch_n++] = *pfx;
}

void rib_glue_update(struct peer *p, int slot, const uint8_t *msg, size_t len)
{
	struct rib_glue *g = p->d->rg;
	struct rg_peer *gp = p->rg;
	if (!g || !gp || gp->id == RG_NO_ID || slot != gp->slot)
		return;
	struct bgp_update *u = &g->u;
	if (bgp_update_decode(&gp->uctx, msg, len, u) < 0) {
		/* RFC 7606 §2 session reset: the NOTIFICATION the decoder chose. */
		log_outcome(p, u, msg, len);
		g->update_errors++;
		peer_event(p, slot, FSM_EV_UPDATE_MSG_ERR, &(struct fsm_ev_data){ .err = &u->out.err });
		return;
	}
	if (u->out.action != BGP_UPD_OK || u->out.quirks) {
		if (u->out.action != BGP_UPD_OK)
			g->update_errors++;
		log_outcome(p, u, msg, len);
	}
	if (u->eor) {
		log_peer(LOG_INFO, p->name, "End-of-RIB received for %s",
		         u->eor_af.afi == BGP_AFI_IPV6 ? "IPv6 unicast" : "IPv4 unicast");
		return;
	}
	struct bgp_prefix pfx;
	struct bgp_nlri_iter it;
	for (unsigned i = 0; i < u->n_unreach; i++) {
		bgp_nlri_iter_init(&it, &u->unreach[i]);
		while (bgp_nlri_next(&it, &pfx))
			batch_add(g, gp, &pfx, NULL, NULL, 0);
		batch_flush(g, gp);
	}
	if (u->n_reach) {
		/* RFC 4271 §9.1.2 / RFC 4456 §8: a route that loops is not used;
		 * as it replaces what the peer sent before, that is withdrawn. */
		const char *loop = decide_loop(&g->rcfg, &u->attrs, gp->ibgp);
		const struct attrset *in = loop ? NULL : attrset_intern(g->attrs, &u->attrs);
		if (loop)
			log_peer_rl(&p->rl, bgpd_now_ms(), LOG_INFO, p->name, "routes ignored: %s", loop);
		for (unsigned i = 0; i < u->n_reach; i++) {
			const struct bgp_nlri *run = &u->reach[i];
			uint32_t flags = 0;
			if (in && !nh_ok(g, &in->a, run->af.afi))
				flags |= RIB_PATH_NH_UNREACH;
			bgp_nlri_iter_init(&it, run);
			while (bgp_nlri_next(&it, &pfx)) {
				const struct attrset *eff = in ? import(g, gp, &pfx, in) : NULL;
				batch_add(g, gp, &pfx, in, eff, flags);
				attrset_unref(g->attrs, eff);
			}
			batch_flush(g, gp);
			max_prefix_check(g, gp, run->af.afi);
			if (gp->id == RG_NO_ID)
				break;          /* torn down by max-prefix */
		}
		attrset_unref(g->attrs, in);
	}
	if (gp->id != RG_NO_ID)
		p->prefixes_received = rib_peer_count(g->rib, gp->id);
	rg_kick(g);
}

/* ---- ROUTE-REFRESH in: send the family's table again ---- */

void rib_glue_refresh(struct peer *p, const uint8_t *msg, size_t len)
{
	struct rib_glue *g = p->d->rg;
	struct rg_peer *gp = p->rg;
	if (!g || !gp || gp->id == RG_NO_ID)
		return;
	struct bgp_route_refresh rr;
	struct bgp_err e;
	int rc = bgp_route_refresh_decode(msg, len, &rr, &e);
	if (rc < 0) {
		peer_event(p, gp->slot, FSM_EV_UPDATE_MSG_ERR, &(struct fsm_ev_data){ .err = &e });
		return;
	}
	if (rc == BGP_RR_IGNORE) {
		log_peer(LOG_NOTICE, p->name, "ROUTE-REFRESH of unknown subtype %u ignored "
		         "(RFC 7313 §5)", rr.subtype);
		return;
	}
	if (rr.subtype != BGP_RR_NORMAL)
		return;         /* BoRR/EoRR from the peer: we keep no stale marks */
	if (rr.safi != BGP_SAFI_UNICAST || (rr.afi != BGP_AFI_IPV4 && rr.afi != BGP_AFI_IPV6) ||
	    !gp->af[rg_af_index(rr.afi)]) {
		/* RFC 2918 §4: a family not advertised is ignored. */
		log_peer(LOG_NOTICE, p->name, "ROUTE-REFRESH for AFI %u SAFI %u not negotiated: ignored",
		         rr.afi, rr.safi);
		return;
	}
	log_peer(LOG_INFO, p->name, "ROUTE-REFRESH for %s: sending the table again",
	         rr.afi == BGP_AFI_IPV6 ? "IPv6 unicast" : "IPv4 unicast");
	int ai = rg_af_index(rr.afi);
	/* RFC 2918 §4: everything advertised goes again (both families: the
	 * Adj-RIB-Out keeps no per-family mark, and resending is harmless). */
	if (adjout_refresh(gp->out) < 0)
		log_peer(LOG_ERR, p->name, "out of memory: route refresh incomplete");
	if (gp->peer_err) {
		/* RFC 7313 §4: BoRR, the table, EoRR. */
		struct bgp_route_refresh b = { rr.afi, BGP_RR_BORR, BGP_SAFI_UNICAST };
		int n = bgp_route_refresh_encode(&b, g->msgbuf, sizeof(g->msgbuf));
		struct session *s = p->sess[gp->slot];
		if (n > 0 && s)
			session_send(s, g->msgbuf, (size_t)n);
		gp->eorr[ai] = true;
	}
	gp->eor_due[ai] = true;
	rg_kick(g);
}

/* ---- reload and soft resets ---- */

struct reimport {
	struct rg_peer *gp;
	bool skip_first;                /* a resumed walk starts at the last one seen */
	struct bgp_prefix last;
	size_t n;
	struct { struct bgp_prefix p; const struct attrset *in; uint32_t flags; } v[1024];
};

static int reimport_collect(const struct rib_entry *e, void *arg)
{
	struct reimport *ri = arg;
	const struct bgp_prefix *pfx = rib_entry_prefix(e);
	if (ri->skip_first) {
		ri->skip_first = false;
		if (bgp_prefix_eq(pfx, &ri->last))
			return 0;
	}
	ri->last = *pfx;
	for (const struct rib_path *rp = rib_paths(e); rp; rp = rp->next) {
		if (rp->peer != ri->gp->id)
			continue;
		ri->v[ri->n].p = *pfx;
		ri->v[ri->n].in = attrset_ref(rp->in);
		ri->v[ri->n].flags = rp->flags;
		ri->n++;
		break;
	}
	return ri->n == sizeof(ri->v) / sizeof(ri->v[0]);
}

/* Import policy changed: run it again over what the peer sent (kept as
 * received in the Adj-RIB-In), no ROUTE-REFRESH needed. Batches are collected
 * first and applied outside the walk, which must not see the table change. */
static void reimport_all(struct rib_glue *g, struct rg_peer *gp)
{
	struct reimport *ri = malloc(sizeof(*ri));
	if (!ri) {
		log_peer(LOG_ERR, gp->p->name, "out of memory: import policy not re-applied");
		return;
	}
	ri->gp = gp;
	bool resumed = false;
	for (;;) {
		ri->n = 0;
		ri->skip_first = resumed;
		int stopped = rib_walk(g->rib, resumed ? &ri->last : NULL, reimport_collect, ri);
		for (size_t i = 0; i < ri->n; i++) {
			const struct attrset *eff = import(g, gp, &ri->v[i].p, ri->v[i].in);
			rib_update(g->rib, gp->id, &ri->v[i].p, ri->v[i].in, eff, ri->v[i].flags);
			attrset_unref(g->attrs, eff);
			attrset_unref(g->attrs, ri->v[i].in);
		}
		if (!stopped)
			break;
		resumed = true;
	}
	free(ri);
	gp->p->prefixes_received = rib_peer_count(g->rib, gp->id);
}

void rib_glue_policy_changed(struct peer *p, bool in, bool out)
{
	struct rib_glue *g = p->d->rg;
	struct rg_peer *gp = p->rg;
	if (!g || !gp || gp->id == RG_NO_ID)
		return;
	if (in) {
		log_peer(LOG_INFO, p->name, "import policy re-applied (soft reset in)");
		reimport_all(g, gp);
	}
	if (out) {
		log_peer(LOG_INFO, p->name, "export re-evaluated (soft reset out)");
		rg_start_dump(g, gp, false, false, -1);
	}
	rg_kick(g);
}

void rib_glue_config_changed(struct bgpd *d, const struct config_diff *diff)
{
	struct rib_glue *g = d->rg;
	if (!g)
		return;
	rcfg_from(g, d->cfg);
	networks_apply(g, diff->withdraw, diff->n_withdraw, false);
	networks_apply(g, diff->announce, diff->n_announce, true);
	/* Neighbours whose settings changed live keep their session: refresh the
	 * rib's view of them (route-reflector client, next-hop self). */
	for (struct rg_peer *gp = g->up; gp; gp = gp->next) {
		const struct rib_peer_info *old = rib_peer_get(g->rib, gp->id);
		if (!old)
			continue;
		struct rib_peer_info info = *old;
		if (info.rr_client != gp->p->nb->s.rr_client) {
			info.rr_client = gp->p->nb->s.rr_client;
			rib_peer_set_info(g->rib, gp->id, &info);
			rg_start_dump(g, gp, false, false, -1);
		}
	}
	rg_kick(g);
}

/* ---- the work event ---- */

void rib_glue_writable(struct peer *p, int slot)
{
	struct rg_peer *gp = p->rg;
	if (gp && gp->id != RG_NO_ID && gp->slot == slot &&
	    (adjout_pending(gp->out) || gp->dumping || gp->eor_due[0] || gp->eor_due[1]))
		rg_kick(p->d->rg);
}

static void work_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rib_glue *g = arg;
	bool more = false;
	/* 1. Empty the tables of peers gone down, a bounded step at a time. */
	size_t budget = RG_WORK_BUDGET;
	while (g->n_flushing && budget) {
		uint32_t id = g->flushing[0];
		size_t left = rib_peer_flush(g->rib, id, budget);
		if (left) {
			budget = 0;
			more = true;
			break;
		}
		rib_peer_remove(g->rib, id);
		memmove(g->flushing, g->flushing + 1, --g->n_flushing * sizeof(*g->flushing));
		budget /= 2;
	}
	/* 2. Best paths that changed: into every peer's Adj-RIB-Out. */
	struct bgp_prefix pfx;
	size_t n = 0;
	while (n < RG_WORK_BUDGET && rib_next_change(g->rib, &pfx)) {
		rg_export_prefix(g, &pfx);
		n++;
	}
	if (rib_changes_pending(g->rib))
		more = true;
	/* 3. Table dumps, then 4. UPDATEs onto the sessions. */
	for (struct rg_peer *gp = g->up; gp; gp = gp->next) {
		if (gp->dumping && rg_dump_step(g, gp, RG_WORK_BUDGET))
			more = true;
		if (rg_send(g, gp))
			more = true;
	}
	if (more)
		rg_kick(g);
}
