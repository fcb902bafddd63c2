/*
 * bgpd/daemon_ctl_show.c — the show commands of the control socket: the daemon's
 * state as the JSON of doc/control.md, exactly its member names. Read-only; a
 * password never leaves the daemon (no member carries one).
 */
#include "bgpd/daemon_ctl.h"

#include <stdint.h>
#include <stdio.h>

#include "bgpd/control.h"
#include "bgpd/daemon.h"
#include "bgpd/peer.h"
#include "bgpd/rib_glue.h"
#include "bgpd/session.h"

#define MS_PER_S 1000u

/* The message counters' names, by BGP message type (RFC 4271 §4.1, RFC 2918). */
static const char *const msg_names[PEER_MSG_TYPES] = {
	[BGP_MSG_OPEN] = "open",
	[BGP_MSG_UPDATE] = "update",
	[BGP_MSG_NOTIFICATION] = "notification",
	[BGP_MSG_KEEPALIVE] = "keepalive",
	[BGP_MSG_ROUTE_REFRESH] = "route_refresh",
};

/* A counter as a JSON integer (json_int_t is signed 64-bit: clamped). */
static json_t *uint_json(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static uint64_t secs_since(uint64_t now_ms, uint64_t then_ms)
{
	return now_ms > then_ms ? (now_ms - then_ms) / MS_PER_S : 0;
}

static json_t *router_id_json(uint32_t id)
{
	return json_sprintf("%u.%u.%u.%u", id >> 24, (id >> 16) & 0xffu, (id >> 8) & 0xffu, id & 0xffu);
}

static json_t *ip_json(const struct tcp_ip *ip)
{
	char txt[TCP_ADDRSTRLEN];
	return json_string(tcp_ip_str(ip, txt, sizeof(txt)));
}

static json_t *ep_json(const struct tcp_endpoint *ep)
{
	char txt[TCP_ADDRSTRLEN];
	return json_string(tcp_ep_str(ep, txt, sizeof(txt)));
}

/* ---- show summary ------------------------------------------------------ */

int daemon_ctl_show_summary(const json_t *args, json_t **result, char *err, size_t errlen,
			    void *arg)
{
	static const char *const allowed[] = { NULL };
	struct bgpd *d = arg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	size_t up = 0;
	for (size_t i = 0; i < d->n_peers; i++)
		if (peer_state(d->peers[i]) == FSM_ESTABLISHED)
			up++;
	json_t *o = json_object();
	bool ok = o != NULL;
	daemon_ctl_put(o, "router_id", router_id_json(d->cfg->router_id), &ok);
	daemon_ctl_put(o, "local_as", uint_json(d->cfg->local_as), &ok);
	daemon_ctl_put(o, "neighbors_total", uint_json(d->n_peers), &ok);
	daemon_ctl_put(o, "neighbors_established", uint_json(up), &ok);
	if (ok)
		rib_glue_ctl_summary(d, o);     /* routes, rib_memory_bytes, attribute_sets */
	daemon_ctl_put(o, "uptime_s", uint_json(secs_since(bgpd_now_ms(), d->start_ms)), &ok);
	if (!ok) {
		json_decref(o);
		snprintf(err, errlen, "out of memory");
		return CONTROL_ERR_INTERNAL;
	}
	*result = o;
	return 0;
}

/* ---- neighbours ---------------------------------------------------------- */

static json_t *messages_json(const uint64_t counts[PEER_MSG_TYPES])
{
	json_t *o = json_object();
	bool ok = o != NULL;
	uint64_t total = 0;
	for (int t = BGP_MSG_OPEN; t < PEER_MSG_TYPES; t++) {
		daemon_ctl_put(o, msg_names[t], uint_json(counts[t]), &ok);
		total += counts[t];
	}
	daemon_ctl_put(o, "total", uint_json(total), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Seconds since the session came up, or went down; null if it never came up.
 * The time it went down is the FSM's last state change since then (Idle, or the
 * next attempt's Connect/Active). */
static json_t *uptime_json(const struct peer *p, uint64_t now)
{
	if (p->established_ms)
		return uint_json(secs_since(now, p->established_ms));
	if (p->flaps == 0)
		return json_null();
	return uint_json(secs_since(now, p->last_change_ms));
}

/* The member set of `show neighbors` (doc/control.md), into o. */
static void neighbor_basic(const struct peer *p, uint64_t now, json_t *o, bool *ok)
{
	bool est = peer_state(p) == FSM_ESTABLISHED;
	json_t *msgs = json_object();
	daemon_ctl_put(msgs, "in", messages_json(p->msgs_in), ok);
	daemon_ctl_put(msgs, "out", messages_json(p->msgs_out), ok);
	daemon_ctl_put(o, "address", json_string(p->name), ok);
	daemon_ctl_put(o, "remote_as", uint_json(p->nb->s.remote_as), ok);
	daemon_ctl_put(o, "state", json_string(fsm_state_name(peer_state(p))), ok);
	daemon_ctl_put(o, "uptime_s", uptime_json(p, now), ok);
	/* RFC 4271 §4.2: the smaller of the two OPENs' hold times, once agreed. */
	daemon_ctl_put(o, "hold_time", uint_json(est ? p->hold_time : p->nb->s.hold_time), ok);
	daemon_ctl_put(o, "messages", msgs, ok);
	daemon_ctl_put(o, "last_error", p->last_error[0] ? daemon_ctl_text(p->last_error) : json_null(), ok);
	daemon_ctl_put(o, "prefixes_received", uint_json(p->prefixes_received), ok);
	daemon_ctl_put(o, "prefixes_advertised", uint_json(p->prefixes_advertised), ok);
}

/* The peer's OPEN: the Established session's, else one accepted on a connection
 * still in OpenConfirm (its router ID is known from then on). */
static const struct bgp_open *peer_open(struct peer *p)
{
	const struct bgp_open *o = peer_open_received(p);
	for (int slot = 0; !o && slot < PEER_SLOTS; slot++) {
		struct fsm *f = peer_fsm_conn(&p->pf, slot);
		if (f && fsm_state(f) == FSM_OPENCONFIRM)
			o = fsm_peer_open(f);
	}
	return o;
}

static void add_str(json_t *list, json_t *s, bool *ok)
{
	if (!s || json_array_append_new(list, s) < 0)
		*ok = false;
}

/* The capabilities the peer advertised (RFC 5492), by name. */
static json_t *capabilities_json(const struct bgp_open *o)
{
	json_t *l = json_array();
	bool ok = l != NULL;
	if (!o)
		return l;
	const struct bgp_caps *c = &o->caps;
	for (unsigned i = 0; i < c->n_mp && i < BGP_MAX_AFISAFI; i++) {
		const struct bgp_afisafi *a = &c->mp[i];
		const char *afi = a->afi == BGP_AFI_IPV4 ? "ipv4" : a->afi == BGP_AFI_IPV6 ? "ipv6" : NULL;
		if (afi && a->safi == BGP_SAFI_UNICAST)
			add_str(l, json_sprintf("mp-%s-unicast", afi), &ok);       /* RFC 4760 */
		else
			add_str(l, json_sprintf("mp-afi%u-safi%u", a->afi, a->safi), &ok);
	}
	if (c->route_refresh)
		add_str(l, json_string("route-refresh"), &ok);                  /* RFC 2918 */
	if (c->enhanced_rr)
		add_str(l, json_string("enhanced-route-refresh"), &ok);         /* RFC 7313 */
	if (c->as4)
		add_str(l, json_string("4-octet-as"), &ok);                     /* RFC 6793 */
	if (c->ext_msg)
		add_str(l, json_string("extended-message"), &ok);               /* RFC 8654 */
	if (c->graceful_restart)
		add_str(l, json_string("graceful-restart"), &ok);               /* RFC 4724 */
	/* The others by the name of their code, or its number. */
	for (unsigned i = 0; i < c->n_unknown && i < BGP_MAX_UNKNOWN_CAPA; i++) {
		const char *name = bgp_capa_name(c->unknown[i].code);
		add_str(l, name ? json_string(name) : json_sprintf("capability-%u", c->unknown[i].code), &ok);
	}
	if (!ok) {
		json_decref(l);
		return NULL;
	}
	return l;
}

/* One connection as `show neighbor` lists it. */
static json_t *peer_conn_json(const struct tcp_conn *c)
{
	struct tcp_conn_stats st;
	tcp_conn_stats(c, &st);
	json_t *o = json_object();
	bool ok = o != NULL;
	daemon_ctl_put(o, "state", json_string(tcp_state_name(st.state)), &ok);
	daemon_ctl_put(o, "local", ep_json(&st.local), &ok);
	daemon_ctl_put(o, "remote", ep_json(&st.remote), &ok);
	daemon_ctl_put(o, "srtt_us", uint_json(st.srtt), &ok);
	daemon_ctl_put(o, "rto_us", uint_json(st.rto), &ok);
	daemon_ctl_put(o, "cwnd", uint_json(st.cwnd), &ok);
	daemon_ctl_put(o, "retransmits", uint_json(st.retransmits), &ok);
	daemon_ctl_put(o, "md5", json_boolean(st.md5), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The members `show neighbor` adds. */
static void neighbor_detail(struct bgpd *d, struct peer *p, uint64_t now, json_t *o, bool *ok)
{
	const struct bgp_open *open = peer_open(p);
	const struct tcp_conn *local = NULL;
	json_t *conns = json_array();
	/* Up to two during a collision, RFC 4271 §6.8. */
	for (int slot = 0; slot < PEER_SLOTS; slot++) {
		const struct session *s = p->sess[slot];
		if (!s || !s->c)
			continue;
		if (!local || s->slot == peer_fsm_established(&p->pf))
			local = s->c;
		add_str(conns, peer_conn_json(s->c), ok);
	}
	const char *desc = p->nb->s.description;
	const struct fsm *primary = peer_fsm_conn(&p->pf, peer_fsm_primary(&p->pf));
	daemon_ctl_put(o, "description", desc ? daemon_ctl_text(desc) : json_null(), ok);
	daemon_ctl_put(o, "local_address", local ? ip_json(&tcp_conn_local(local)->ip) : json_null(), ok);
	daemon_ctl_put(o, "local_as", uint_json(d->cfg->local_as), ok);
	daemon_ctl_put(o, "router_id", open ? router_id_json(open->bgp_id) : json_null(), ok);
	daemon_ctl_put(o, "peer_capabilities", capabilities_json(open), ok);
	daemon_ctl_put(o, "connections", conns, ok);
	daemon_ctl_put(o, "flaps", uint_json(p->flaps), ok);
	/* RFC 4271 §8.1.1 DampPeerOscillations: the wait before the next restart. */
	daemon_ctl_put(o, "idle_hold_s", uint_json(primary ? primary->idle_hold_ms / MS_PER_S : 0), ok);
	daemon_ctl_put(o, "last_state_change_s", uint_json(secs_since(now, p->last_change_ms)), ok);
}

int daemon_ctl_show_neighbors(const json_t *args, json_t **result, char *err, size_t errlen,
			      void *arg)
{
	static const char *const allowed[] = { NULL };
	struct bgpd *d = arg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	uint64_t now = bgpd_now_ms();
	json_t *list = json_array();
	bool ok = list != NULL;
	for (size_t i = 0; i < d->n_peers && ok; i++) {
		json_t *n = json_object();
		neighbor_basic(d->peers[i], now, n, &ok);
		add_str(list, n, &ok);
	}
	json_t *o = json_object();
	daemon_ctl_put(o, "neighbors", list, &ok);
	if (!ok) {
		json_decref(o);
		snprintf(err, errlen, "out of memory");
		return CONTROL_ERR_INTERNAL;
	}
	*result = o;
	return 0;
}

int daemon_ctl_show_neighbor(const json_t *args, json_t **result, char *err, size_t errlen,
			     void *arg)
{
	static const char *const allowed[] = { "address", NULL };
	struct bgpd *d = arg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	struct peer *p = daemon_ctl_peer_arg(d, args, &rc, err, errlen);
	if (!p)
		return rc;
	uint64_t now = bgpd_now_ms();
	json_t *o = json_object();
	bool ok = o != NULL;
	neighbor_basic(p, now, o, &ok);
	neighbor_detail(d, p, now, o, &ok);
	if (!ok) {
		json_decref(o);
		snprintf(err, errlen, "out of memory");
		return CONTROL_ERR_INTERNAL;
	}
	*result = o;
	return 0;
}

/* ---- show tcp -------------------------------------------------------------- */

/* Non-zero drop counters by reason name (tcp/drop.h). */
static json_t *drops_json(const uint64_t drops[TCP_DROP__COUNT])
{
	json_t *o = json_object();
	bool ok = o != NULL;
	for (int i = 0; i < TCP_DROP__COUNT; i++)
		if (drops[i])
			daemon_ctl_put(o, tcp_drop_name((enum tcp_drop)i), uint_json(drops[i]), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

struct tcp_visit {
	json_t *list;
	bool ok;
};

static void visit_conn(const struct tcp_conn *c, void *arg)
{
	struct tcp_visit *v = arg;
	struct tcp_conn_stats st;
	if (!v->ok)
		return;
	tcp_conn_stats(c, &st);
	json_t *o = json_object();
	bool *ok = &v->ok;
	daemon_ctl_put(o, "state", json_string(tcp_state_name(st.state)), ok);
	daemon_ctl_put(o, "local", ep_json(&st.local), ok);
	daemon_ctl_put(o, "remote", ep_json(&st.remote), ok);
	daemon_ctl_put(o, "sendq", uint_json(st.sendq), ok);
	daemon_ctl_put(o, "recvq", uint_json(st.recvq), ok);
	daemon_ctl_put(o, "srtt_us", uint_json(st.srtt), ok);
	daemon_ctl_put(o, "rttvar_us", uint_json(st.rttvar), ok);
	daemon_ctl_put(o, "rto_us", uint_json(st.rto), ok);
	daemon_ctl_put(o, "cwnd", uint_json(st.cwnd), ok);
	daemon_ctl_put(o, "ssthresh", uint_json(st.ssthresh), ok);
	daemon_ctl_put(o, "mss", uint_json(st.mss), ok);
	daemon_ctl_put(o, "retransmits", uint_json(st.retransmits), ok);
	daemon_ctl_put(o, "md5", json_boolean(st.md5), ok);
	daemon_ctl_put(o, "drops", drops_json(st.drops), ok);
	add_str(v->list, o, ok);
}

/* The stack's counters, by name. */
static json_t *stack_json(struct tcp_stack *s)
{
	struct tcp_stack_stats st;
	tcp_stack_stats(s, &st);
	json_t *o = json_object();
	bool ok = o != NULL;
	daemon_ctl_put(o, "segments_in", uint_json(st.segs_in), &ok);
	daemon_ctl_put(o, "segments_out", uint_json(st.segs_out), &ok);
	daemon_ctl_put(o, "rst_sent", uint_json(st.rst_sent), &ok);
	daemon_ctl_put(o, "syncookies_sent", uint_json(st.syncookies_sent), &ok);
	daemon_ctl_put(o, "syncookies_ok", uint_json(st.syncookies_ok), &ok);
	daemon_ctl_put(o, "connections_opened", uint_json(st.conns_opened), &ok);
	daemon_ctl_put(o, "connections_freed", uint_json(st.conns_freed), &ok);
	daemon_ctl_put(o, "connections_live", uint_json(st.conns_live), &ok);
	daemon_ctl_put(o, "connections_time_wait", uint_json(st.conns_time_wait), &ok);
	daemon_ctl_put(o, "listeners", uint_json(st.listeners), &ok);
	/* Segments dropped before they could be matched to a connection too. */
	daemon_ctl_put(o, "drops", drops_json(st.drops), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int daemon_ctl_show_tcp(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	static const char *const allowed[] = { NULL };
	struct bgpd *d = arg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	struct tcp_visit v = { json_array(), true };
	v.ok = v.list != NULL;
	tcp_stack_foreach(tcpev_stack(d->tcp), visit_conn, &v);
	json_t *o = json_object();
	daemon_ctl_put(o, "connections", v.list, &v.ok);
	daemon_ctl_put(o, "stack", stack_json(tcpev_stack(d->tcp)), &v.ok);
	if (!v.ok) {
		json_decref(o);
		snprintf(err, errlen, "out of memory");
		return CONTROL_ERR_INTERNAL;
	}
	*result = o;
	return 0;
}
