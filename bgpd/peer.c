/*
 * bgpd/peer.c — a configured neighbour: drives its peer_fsm (RFC 4271 §8 with
 * §6.8 collisions), carries out the actions it returns on the sessions, keeps
 * the FSM's timers on the event loop and the counters for the CLI.
 */
#include "bgpd/peer.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/daemon.h"
#include "bgpd/rib_glue.h"
#include "bgpd/session.h"
#include "tcp/isn.h"

#define PEER_MSG_MAX BGP_MAX_LEN

static void run_actions(struct peer *p, struct peer_actions *acts);

static void rearm(struct peer *p)
{
	uint64_t next = peer_fsm_next_deadline(&p->pf);
	if (next == FSM_TIMER_OFF) {
		evtimer_del(p->timer);
		return;
	}
	uint64_t now = bgpd_now_ms();
	uint64_t d = next > now ? next - now : 0;
	struct timeval tv = { (time_t)(d / 1000), (suseconds_t)(d % 1000) * 1000 };
	evtimer_add(p->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	struct peer_actions acts;
	acts.n = 0;
	acts.overflow = false;
	peer_fsm_timers(&p->pf, bgpd_now_ms(), &acts);
	run_actions(p, &acts);
	rearm(p);
}

static void fsm_config_from(const struct bgpd_config *cfg, const struct config_neighbor *nb,
			    struct fsm_config *fc)
{
	fsm_config_default(fc);
	fc->local_as = cfg->local_as;
	fc->local_id = cfg->router_id;
	fc->hold_time = nb->s.hold_time;
	fc->keepalive_time = nb->s.keepalive;
	fc->connect_retry_time = nb->s.connect_retry;
	fc->delay_open = nb->s.delay_open > 0;
	if (nb->s.delay_open)
		fc->delay_open_time = nb->s.delay_open;
	if (nb->s.idle_hold)
		fc->idle_hold_time = nb->s.idle_hold;
	if (nb->s.idle_hold_max)
		fc->idle_hold_max = nb->s.idle_hold_max;
	fc->passive = nb->s.passive;
}

struct peer *peer_new(struct bgpd *d, const struct config_neighbor *nb)
{
	struct peer *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->d = d;
	p->nb = nb;
	p->addr.af = nb->address.af;
	memcpy(p->addr.a, nb->address.a, sizeof(p->addr.a));
	tcp_ip_str(&p->addr, p->name, sizeof(p->name));
	if (nb->s.password) {
		p->md5 = tcp_md5_keys_new();
		size_t kl = strlen(nb->s.password);
		if (!p->md5 || tcp_md5_keys_add(p->md5, &p->addr, (unsigned)tcp_ip_len(&p->addr) * 8,
						nb->s.password, kl) < 0) {
			peer_free(p);
			return NULL;
		}
	}
	p->so.md5 = p->md5;
	p->so.gtsm_hops = nb->s.ttl_security;
	p->so.nodelay = true;           /* a BGP message is whole: send it now */
	struct fsm_config fc;
	fsm_config_from(d->cfg, nb, &fc);
	uint64_t seed = d->seed ^ ((uint64_t)tcp_tuple_hash((const uint8_t *)"bgpd-peer-seed!!",
							     &(struct tcp_endpoint){ .ip = p->addr }, &(struct tcp_endpoint){ 0 }, 0));
	if (peer_fsm_init(&p->pf, &fc, seed) < 0) {
		log_peer(LOG_ERR, p->name, "unusable session settings");
		peer_free(p);
		return NULL;
	}
	p->timer = evtimer_new(d->base, on_timer, p);
	if (!p->timer) {
		peer_free(p);
		return NULL;
	}
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(20, 2);
	p->rl = rl;
	p->last_change_ms = bgpd_now_ms();
	return p;
}

void peer_free(struct peer *p)
{
	if (!p)
		return;
	for (int i = 0; i < PEER_SLOTS; i++)
		if (p->sess[i])
			session_abort(p->sess[i]);
	if (p->timer)
		event_free(p->timer);
	if (p->restart_timer)
		event_free(p->restart_timer);
	rib_glue_peer_gone(p);
	tcp_md5_keys_free(p->md5);
	free(p);
}

void peer_session_gone(struct peer *p, struct session *s)
{
	for (int i = 0; i < PEER_SLOTS; i++)
		if (p->sess[i] == s)
			p->sess[i] = NULL;
}

bool peer_has_sessions(const struct peer *p)
{
	return p->sess[0] || p->sess[1];
}

enum fsm_state peer_state(const struct peer *p)
{
	return peer_fsm_state(&p->pf);
}

const struct bgp_open *peer_open_received(const struct peer *p)
{
	int slot = peer_fsm_established(&p->pf);
	if (slot == PEER_SLOT_NONE)
		return NULL;
	return fsm_peer_open(&((struct peer *)p)->pf.conn[slot]);
}

void peer_open_policy(const struct peer *p, struct bgp_open_policy *pol)
{
	const struct bgpd_config *cfg = p->d->cfg;
	memset(pol, 0, sizeof(*pol));
	pol->peer_as = p->nb->s.remote_as;
	pol->local_as = cfg->local_as;
	pol->local_id = cfg->router_id;
	pol->ibgp = p->nb->s.remote_as == cfg->local_as;
	pol->min_hold_time = FSM_HOLD_MIN;
	pol->require_as4 = cfg->local_as > UINT16_MAX;   /* RFC 6793 §4.2.1 */
}

/* RFC 4271 §4.2 with RFC 5492 capabilities. Graceful Restart is not
 * advertised: we keep no forwarding state across restarts, and do not retain a
 * restarting peer's routes, so saying anything else would not be honest. */
void peer_local_open(const struct peer *p, struct bgp_open *out)
{
	const struct bgpd_config *cfg = p->d->cfg;
	struct bgp_open o;
	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	bgp_open_set_as(&o, cfg->local_as);
	o.hold_time = p->nb->s.hold_time;
	o.bgp_id = cfg->router_id;
	if (p->nb->s.families & CONFIG_FAM_IPV4_UNICAST)
		o.caps.mp[o.caps.n_mp++] = (struct bgp_afisafi){ BGP_AFI_IPV4, BGP_SAFI_UNICAST };
	if (p->nb->s.families & CONFIG_FAM_IPV6_UNICAST)
		o.caps.mp[o.caps.n_mp++] = (struct bgp_afisafi){ BGP_AFI_IPV6, BGP_SAFI_UNICAST };
	o.caps.route_refresh = true;    /* RFC 2918 */
	o.caps.enhanced_rr = true;      /* RFC 7313 */
	o.caps.ext_msg = true;          /* RFC 8654 */
	*out = o;
}

static int build_open(const struct peer *p, uint8_t *buf, size_t cap)
{
	struct bgp_open o;
	peer_local_open(p, &o);
	return bgp_open_encode(&o, buf, cap);
}

static void send_msg(struct peer *p, int slot, const uint8_t *msg, int len)
{
	struct session *s = p->sess[slot];
	if (len > 0 && s)
		session_send(s, msg, (size_t)len);
}

static void note_notification_sent(struct peer *p, const struct bgp_err *e)
{
	struct bgp_notification n;
	char text[256];
	bgp_err_notification(e, &n);
	bgp_notification_describe(&n, text, sizeof(text));
	snprintf(p->last_error, sizeof(p->last_error), "sent %s", text);
	log_peer(LOG_WARNING, p->name, "NOTIFICATION sent: %s", text);
}

static void log_down(struct peer *p, const struct fsm_reason *r)
{
	if (r->notif_sent || r->notif_rcvd)
		log_peer(LOG_WARNING, p->name, "session down (%s, NOTIFICATION %s %s/%s)",
			 fsm_event_name(r->ev), r->notif_sent ? "sent" : "received",
			 bgp_err_code_name(r->code), bgp_err_subcode_name(r->code, r->subcode));
	else
		log_peer(LOG_WARNING, p->name, "session down (%s)", fsm_event_name(r->ev));
}

static void run_actions(struct peer *p, struct peer_actions *acts)
{
	uint8_t buf[PEER_MSG_MAX];
	bool failed[PEER_SLOTS] = { false };
	if (acts->overflow)
		log_peer(LOG_ERR, p->name, "internal: FSM action list overflowed");
	for (unsigned i = 0; i < acts->n; i++) {
		const struct peer_action *pa = &acts->a[i];
		int slot = pa->slot;
		if (slot < 0 || slot >= PEER_SLOTS)
			continue;
		const struct fsm_action *a = &pa->act;
		struct session *s = p->sess[slot];
		switch (a->type) {
		case FSM_ACT_TCP_CONNECT:
			if (s)
				session_abort(s);
			p->sess[slot] = session_connect(p, slot);
			if (!p->sess[slot])
				failed[slot] = true;
			break;
		case FSM_ACT_TCP_DISCONNECT:
		case FSM_ACT_TCP_REJECT:
			if (s)
				session_close(s);
			break;
		case FSM_ACT_SEND_OPEN:
			send_msg(p, slot, buf, build_open(p, buf, sizeof(buf)));
			break;
		case FSM_ACT_SEND_KEEPALIVE:
			send_msg(p, slot, buf, bgp_keepalive_encode(buf, sizeof(buf)));
			break;
		case FSM_ACT_SEND_NOTIFICATION:
			note_notification_sent(p, &a->u.notif);
			send_msg(p, slot, buf, bgp_notification_encode_err(&a->u.notif, buf, sizeof(buf)));
			break;
		case FSM_ACT_PROCESS_UPDATE:
			if (s && s->cur_msg)
				rib_glue_update(p, slot, s->cur_msg, s->cur_len);
			break;
		case FSM_ACT_PROCESS_RREFRESH:
			if (s && s->cur_msg)
				rib_glue_refresh(p, s->cur_msg, s->cur_len);
			break;
		case FSM_ACT_ESTABLISHED:
			p->established_ms = bgpd_now_ms();
			p->hold_time = a->u.est.hold_time;
			log_peer(LOG_NOTICE, p->name, "session established (AS %u, hold time %u s%s)",
				 p->nb->s.remote_as, a->u.est.hold_time, a->u.est.ibgp ? ", iBGP" : "");
			rib_glue_established(p, slot);
			break;
		case FSM_ACT_SESSION_DOWN:
			p->established_ms = 0;
			p->flaps++;
			log_down(p, &a->u.down);
			rib_glue_down(p);
			break;
		case FSM_ACT_STATE_CHANGE:
			p->last_change_ms = bgpd_now_ms();
			log_peer(LOG_INFO, p->name, "%s -> %s (%s)", fsm_state_name(a->u.change.from),
				 fsm_state_name(a->u.change.to), fsm_event_name(a->u.change.ev));
			break;
		default:
			break;
		}
	}
	/* Consequences of the actions come after them, never inside the loop. */
	for (int slot = 0; slot < PEER_SLOTS; slot++)
		if (failed[slot])
			peer_event(p, slot, FSM_EV_TCP_FAILS, NULL);
}

void peer_event(struct peer *p, int slot, enum fsm_event ev, const struct fsm_ev_data *data)
{
	struct peer_actions acts;
	acts.n = 0;
	acts.overflow = false;
	peer_fsm_event(&p->pf, slot, ev, data, bgpd_now_ms(), &acts);
	run_actions(p, &acts);
	rearm(p);
}

void peer_start(struct peer *p)
{
	if (p->nb->s.shutdown) {
		p->admin_down = true;
		log_peer(LOG_NOTICE, p->name, "administratively down (configuration)");
		return;
	}
	p->admin_down = false;
	peer_event(p, 0, p->nb->s.passive ? FSM_EV_MANUAL_START_PASSIVE : FSM_EV_MANUAL_START, NULL);
}

static void restart_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	if (!p->admin_down || p->d->shutting_down)
		return;
	log_peer(LOG_NOTICE, p->name, "restarting after the maximum-prefix stop");
	peer_start(p);
}

void peer_stop_max_prefix(struct peer *p, uint16_t afi, uint8_t safi, uint32_t limit,
                          uint32_t restart_s)
{
	struct bgp_err e;
	fsm_cease_max_prefix(&e, afi, safi, limit);
	snprintf(p->last_error, sizeof(p->last_error),
	         "sent Cease/Maximum Number of Prefixes Reached (limit %u)", limit);
	peer_event(p, 0, FSM_EV_MANUAL_STOP, &(struct fsm_ev_data){ .err = &e });
	p->admin_down = true;
	if (!restart_s)
		return;
	if (!p->restart_timer)
		p->restart_timer = evtimer_new(p->d->base, restart_cb, p);
	if (p->restart_timer) {
		struct timeval tv = { (time_t)restart_s, 0 };
		evtimer_add(p->restart_timer, &tv);
	}
}

void peer_stop(struct peer *p, uint8_t subcode, const char *message)
{
	struct bgp_err e;
	if (fsm_cease(&e, subcode, message) < 0)
		fsm_cease(&e, subcode, NULL);
	peer_event(p, 0, FSM_EV_MANUAL_STOP, &(struct fsm_ev_data){ .err = &e });
}

void peer_accept(struct peer *p, struct tcp_conn *c)
{
	struct peer_actions acts;
	acts.n = 0;
	acts.overflow = false;
	int slot = peer_fsm_accept(&p->pf, bgpd_now_ms(), &acts);
	if (slot == PEER_SLOT_NONE) {
		/* RFC 4271 §8.2.2 Idle refuses connections; a second collision
		 * candidate is refused too. */
		log_peer(LOG_INFO, p->name, "incoming connection refused (%s)",
			 fsm_state_name(peer_state(p)));
		tcpev_close(p->d->tcp, c);
		run_actions(p, &acts);
		rearm(p);
		return;
	}
	if (p->sess[slot])
		session_abort(p->sess[slot]);
	p->sess[slot] = session_accept(p, slot, c);
	if (!p->sess[slot]) {
		tcpev_abort(p->d->tcp, c);
		acts.n = 0;
		peer_event(p, slot, FSM_EV_TCP_FAILS, NULL);
		return;
	}
	run_actions(p, &acts);
	rearm(p);
}
