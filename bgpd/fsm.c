/*
 * bgpd/fsm.c — the BGP FSM of RFC 4271 §8.2.2 (see fsm.h for how it is driven and
 * which readings of the RFC it makes).
 *
 * Shape: fsm_event() classifies the event, then switches on the state, and each
 * state's function switches on the event. Every way into Idle goes through
 * go_idle() ("releases all BGP resources, drops the TCP connection"), every state
 * change through change_state(), which logs it and runs the entry/exit actions of
 * Established. Unexpected events reach the default branch: FSM Error.
 */
#include <string.h>

#include "bgpd/fsm.h"

#define MS_PER_S 1000u

/* One event in flight: what the helpers need, instead of file-scope statics. */
struct fsm_ctx {
	struct fsm *f;
	uint64_t now;
	enum fsm_event ev;
	const struct fsm_ev_data *d;
	const struct bgp_err *err;      /* the NOTIFICATION an error event asks for */
	struct bgp_err err_buf;         /* ... when classification made it up */
	struct fsm_actions *out;
	struct fsm_reason reason;       /* for SESSION_DOWN and last_down */
	bool force_damp;                /* RFC 4486 §4 */
	struct fsm_action sink;         /* where an action goes if out is full */
};

/* go_idle() flags: what §8.2.2 lists for the transition. */
enum {
	IDLE_COUNT = 1 << 0,        /* increments the ConnectRetryCounter by 1 */
	IDLE_ZERO = 1 << 1,         /* sets the ConnectRetryCounter to zero */
	IDLE_DAMP = 1 << 2,         /* performs peer oscillation damping */
	IDLE_NO_RESTART = 1 << 3,   /* ManualStop: stay down until started */
};

static struct fsm_action *emit(struct fsm_ctx *c, enum fsm_action_type t)
{
	struct fsm_action *a = &c->sink;

	if (c->out->n < FSM_ACTIONS_MAX)
		a = &c->out->a[c->out->n++];
	else
		c->out->overflow = true;
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

static void start_jittered(struct fsm_ctx *c, enum fsm_timer t, uint64_t ms)
{
	fsm_timer_start(&c->f->timers, t, c->now, fsm_jitter(&c->f->rng, ms));
}

static void start_plain(struct fsm_ctx *c, enum fsm_timer t, uint64_t ms)
{
	fsm_timer_start(&c->f->timers, t, c->now, ms);
}

static void stop(struct fsm_ctx *c, enum fsm_timer t)
{
	fsm_timer_stop(&c->f->timers, t);
}

static bool running(const struct fsm_ctx *c, enum fsm_timer t)
{
	return fsm_timer_running(&c->f->timers, t);
}

/* RFC 4271 §10: ConnectRetryTimer is jittered. */
static void restart_connect_retry(struct fsm_ctx *c)
{
	start_jittered(c, FSM_T_CONNECT_RETRY, (uint64_t)c->f->cfg.connect_retry_time * MS_PER_S);
}

/* ---- NOTIFICATIONs ---- */

static void send_notification(struct fsm_ctx *c, uint8_t code, uint8_t subcode,
                              const uint8_t *data, size_t len)
{
	struct fsm_action *a = emit(c, FSM_ACT_SEND_NOTIFICATION);

	if (len > BGP_ERR_DATA_MAX)
		len = BGP_ERR_DATA_MAX;
	a->u.notif.code = code;
	a->u.notif.subcode = subcode;
	a->u.notif.data_len = (uint16_t)len;
	if (len)
		memcpy(a->u.notif.data, data, len);
	c->reason.notif_sent = true;
	c->reason.code = code;
	c->reason.subcode = subcode;
}

/* The error the event carries, or (code, subcode 0) if the driver gave none. */
static void send_err(struct fsm_ctx *c, uint8_t default_code)
{
	const struct bgp_err *e = c->err;

	if (e && e->code)
		send_notification(c, e->code, e->subcode, e->data, e->data_len);
	else
		send_notification(c, default_code, 0, NULL, 0);
}

/* ManualStop / AutomaticStop / OpenCollisionDump: "sends the NOTIFICATION with a
 * Cease" (§8.2.2). The driver may choose the subcode and data (RFC 4486, RFC 9003);
 * the code is Cease whatever it passed. */
static void send_cease(struct fsm_ctx *c, uint8_t default_subcode)
{
	const struct bgp_err *e = c->err;

	if (e && e->code == BGP_ERR_CEASE)
		send_notification(c, BGP_ERR_CEASE, e->subcode, e->data, e->data_len);
	else
		send_notification(c, BGP_ERR_CEASE, default_subcode, NULL, 0);
}

/* The message type an event reports, for RFC 6608's data field; 0 if none. */
static uint8_t event_msg_type(enum fsm_event ev)
{
	switch (ev) {
	case FSM_EV_BGP_OPEN:
	case FSM_EV_BGP_OPEN_DELAYED:
	case FSM_EV_OPEN_MSG_ERR:
		return BGP_MSG_OPEN;
	case FSM_EV_UPDATE_MSG:
	case FSM_EV_UPDATE_MSG_ERR:
		return BGP_MSG_UPDATE;
	case FSM_EV_NOTIF_VER_ERR:
	case FSM_EV_NOTIF_MSG:
		return BGP_MSG_NOTIFICATION;
	case FSM_EV_KEEPALIVE_MSG:
		return BGP_MSG_KEEPALIVE;
	case FSM_EV_RREFRESH_MSG:
		return BGP_MSG_ROUTE_REFRESH;
	default:
		return 0;
	}
}

/* "sends the NOTIFICATION with the Error Code Finite State Machine Error". RFC
 * 6608 §3: an unexpected message gets the per-state subcode and its type as data;
 * anything else (a timer that cannot be running) is Unspecified Error. */
static void send_fsm_error(struct fsm_ctx *c)
{
	uint8_t type = event_msg_type(c->ev);
	uint8_t sub = BGP_ERR_FSM_UNSPEC;

	if (type) {
		switch (c->f->state) {
		case FSM_OPENSENT:
			sub = BGP_ERR_FSM_OPENSENT;
			break;
		case FSM_OPENCONFIRM:
			sub = BGP_ERR_FSM_OPENCONFIRM;
			break;
		case FSM_ESTABLISHED:
			sub = BGP_ERR_FSM_ESTABLISHED;
			break;
		default:
			break;
		}
	}
	send_notification(c, BGP_ERR_FSM, sub, &type, sub == BGP_ERR_FSM_UNSPEC ? 0 : 1);
}

/* ---- state changes ---- */

static void change_state(struct fsm_ctx *c, enum fsm_state to)
{
	struct fsm *f = c->f;
	enum fsm_state from = f->state;
	struct fsm_action *a;

	if (from == to)
		return;
	f->state = to;
	a = emit(c, FSM_ACT_STATE_CHANGE);
	a->u.change.from = from;
	a->u.change.to = to;
	a->u.change.ev = c->ev;

	/* §8.2.2 Established exits: "deletes all routes associated with this connection". */
	if (from == FSM_ESTABLISHED) {
		a = emit(c, FSM_ACT_SESSION_DOWN);
		a->u.down = c->reason;
	}
	if (to == FSM_ESTABLISHED) {
		f->established_at = c->now;
		f->auto_restarts = 0;
		a = emit(c, FSM_ACT_ESTABLISHED);
		a->u.est.hold_time = f->hold_time;
		a->u.est.keepalive_ms = f->keepalive_ms;
		a->u.est.ibgp = f->ibgp;
	}
}

/* After a stop that allows it, arm the IdleHoldTimer whose expiry restarts the
 * FSM (§8.1.1 Group 1, Event 13). The damping method is ours (§8.2.2 leaves it to
 * the implementation): see struct fsm_config. */
static void arm_idle_hold(struct fsm_ctx *c, unsigned flags, bool was_established)
{
	struct fsm *f = c->f;
	const struct fsm_config *cfg = &f->cfg;
	uint32_t wait, max = (uint32_t)cfg->idle_hold_max * MS_PER_S;

	if ((flags & IDLE_NO_RESTART) || !cfg->allow_auto_start)
		return;
	/* RFC 4486 §4: "SHOULD impose an upper bound on the number of consecutive
	 * automatic retries". */
	if (cfg->auto_restart_limit && f->auto_restarts >= cfg->auto_restart_limit)
		return;
	if (was_established && c->now >= f->established_at &&
	    c->now - f->established_at >= (uint64_t)cfg->idle_hold_stable * MS_PER_S)
		f->idle_hold_ms = (uint32_t)cfg->idle_hold_time * MS_PER_S;
	wait = f->idle_hold_ms;
	if ((flags & IDLE_DAMP) && (cfg->damp_peer_oscillations || c->force_damp))
		f->idle_hold_ms = f->idle_hold_ms > max / 2 ? max : f->idle_hold_ms * 2;
	start_jittered(c, FSM_T_IDLE_HOLD, wait);
}

/* Every transition to Idle: "sets the ConnectRetryTimer to zero, releases all BGP
 * resources, drops the TCP connection" plus what flags add (§8.2.2). */
static void go_idle(struct fsm_ctx *c, unsigned flags)
{
	struct fsm *f = c->f;
	bool was_established = f->state == FSM_ESTABLISHED;

	if (flags & IDLE_COUNT)
		f->connect_retry_counter++;
	if (flags & IDLE_ZERO)
		f->connect_retry_counter = 0;
	fsm_timerset_clear(&f->timers);
	f->start_pending = false;
	emit(c, FSM_ACT_TCP_DISCONNECT);
	f->hold_time = 0;
	f->keepalive_ms = 0;
	f->last_down = c->reason;
	change_state(c, FSM_IDLE);
	arm_idle_hold(c, flags, was_established);
}

/* Idle, Events 1/3-7/13: "initializes all BGP resources ... starts the
 * ConnectRetryTimer ... initiates a TCP connection" (or only listens). */
static void start(struct fsm_ctx *c, bool passive, bool zero_counter)
{
	struct fsm *f = c->f;

	if (zero_counter)
		f->connect_retry_counter = 0;
	stop(c, FSM_T_IDLE_HOLD);
	f->start_pending = false;
	f->have_peer_open = false;
	f->hold_time = 0;
	f->keepalive_ms = 0;
	f->ibgp = false;
	f->outgoing = false;
	restart_connect_retry(c);
	if (passive) {
		change_state(c, FSM_ACTIVE);
	} else {
		emit(c, FSM_ACT_TCP_CONNECT);
		change_state(c, FSM_CONNECT);
	}
}

/* "sends an OPEN message to its peer, sets the HoldTimer to a large value, and
 * changes its state to OpenSent" (§8.2.2; 4 minutes suggested, §10). */
static void open_sent(struct fsm_ctx *c)
{
	stop(c, FSM_T_CONNECT_RETRY);
	stop(c, FSM_T_DELAY_OPEN);
	emit(c, FSM_ACT_SEND_OPEN);
	start_plain(c, FSM_T_HOLD, (uint64_t)c->f->cfg.open_hold_time * MS_PER_S);
	change_state(c, FSM_OPENSENT);
}

/* Connect/Active, Events 16/17: the TCP connection is up. */
static void tcp_up(struct fsm_ctx *c)
{
	c->f->outgoing = c->ev == FSM_EV_TCP_CR_ACKED;
	stop(c, FSM_T_CONNECT_RETRY);
	if (c->f->cfg.delay_open)
		start_plain(c, FSM_T_DELAY_OPEN, (uint64_t)c->f->cfg.delay_open_time * MS_PER_S);
	else
		open_sent(c);
}

/* RFC 4271 §4.2: the Hold Time is the smaller of ours and the peer's; zero means
 * no KEEPALIVEs and no HoldTimer. KeepaliveTime is a third of it (§10) unless
 * configured lower. Keep the peer's OPEN for the driver (capabilities). */
static void accept_open(struct fsm_ctx *c)
{
	struct fsm *f = c->f;
	const struct bgp_open *o = c->d->open;
	uint16_t hold = o->hold_time < f->cfg.hold_time ? o->hold_time : f->cfg.hold_time;
	uint32_t ka = (uint32_t)hold * MS_PER_S / 3;

	if (f->cfg.keepalive_time && (uint32_t)f->cfg.keepalive_time * MS_PER_S < ka)
		ka = (uint32_t)f->cfg.keepalive_time * MS_PER_S;
	f->peer_open = *o;
	f->have_peer_open = true;
	f->hold_time = hold;
	f->keepalive_ms = hold ? ka : 0;
	/* §8.2.2: "If the value of the autonomous system field is the same as the
	 * local Autonomous System number, set the connection status to an internal
	 * connection". */
	f->ibgp = f->cfg.local_as != 0 && bgp_open_peer_as(o) == f->cfg.local_as;
}

/* "if the HoldTimer initial value is non-zero, starts the KeepaliveTimer ... and
 * resets the HoldTimer to the negotiated value, else ... resets [both]". */
static void session_timers(struct fsm_ctx *c)
{
	struct fsm *f = c->f;

	if (f->hold_time) {
		start_jittered(c, FSM_T_KEEPALIVE, f->keepalive_ms);
		start_plain(c, FSM_T_HOLD, (uint64_t)f->hold_time * MS_PER_S);
	} else {
		stop(c, FSM_T_KEEPALIVE);
		stop(c, FSM_T_HOLD);
	}
}

static void restart_hold(struct fsm_ctx *c)
{
	if (c->f->hold_time)
		start_plain(c, FSM_T_HOLD, (uint64_t)c->f->hold_time * MS_PER_S);
}

/* KeepaliveTimer_Expires in OpenConfirm/Established: send one, restart the timer
 * unless the negotiated Hold Time is zero. */
static void keepalive_tick(struct fsm_ctx *c)
{
	emit(c, FSM_ACT_SEND_KEEPALIVE);
	if (c->f->hold_time)
		start_jittered(c, FSM_T_KEEPALIVE, c->f->keepalive_ms);
}

/* Connect/Active, Event 20: OPEN received while delaying ours. */
static void open_while_delayed(struct fsm_ctx *c)
{
	stop(c, FSM_T_CONNECT_RETRY);
	stop(c, FSM_T_DELAY_OPEN);
	accept_open(c);
	emit(c, FSM_ACT_SEND_OPEN);
	emit(c, FSM_ACT_SEND_KEEPALIVE);
	session_timers(c);
	change_state(c, FSM_OPENCONFIRM);
}

/* ---- the states, RFC 4271 §8.2.2 ---- */

static bool is_start(enum fsm_event ev)
{
	return ev == FSM_EV_MANUAL_START || (ev >= FSM_EV_AUTO_START && ev <= FSM_EV_AUTO_START_DAMP_PASSIVE);
}

static void reset_damping(struct fsm *f)
{
	f->idle_hold_ms = (uint32_t)f->cfg.idle_hold_time * MS_PER_S;
	f->auto_restarts = 0;
}

static void st_idle(struct fsm_ctx *c)
{
	struct fsm *f = c->f;
	bool autostart = f->cfg.allow_auto_start;
	bool passive;

	switch (c->ev) {
	case FSM_EV_MANUAL_START:
	case FSM_EV_MANUAL_START_PASSIVE:
		/* An operator's start overrides any damping in force. */
		reset_damping(f);
		start(c, c->ev == FSM_EV_MANUAL_START_PASSIVE, true);
		break;
	case FSM_EV_AUTO_START:
	case FSM_EV_AUTO_START_PASSIVE:
		if (autostart)
			start(c, c->ev == FSM_EV_AUTO_START_PASSIVE, true);
		break;
	case FSM_EV_AUTO_START_DAMP:
	case FSM_EV_AUTO_START_DAMP_PASSIVE:
		/* §8.2.2 leaves Events 6/7 to the damping method: while the IdleHoldTimer
		 * holds the peer down, wait for it; otherwise start now. */
		if (!autostart)
			break;
		passive = c->ev == FSM_EV_AUTO_START_DAMP_PASSIVE;
		if (running(c, FSM_T_IDLE_HOLD)) {
			f->start_pending = true;
			f->start_pending_passive = passive;
		} else {
			start(c, passive, false);
		}
		break;
	case FSM_EV_IDLE_HOLD_EXPIRES:
		if (!autostart)
			break;
		passive = f->start_pending ? f->start_pending_passive : f->cfg.passive;
		f->auto_restarts++;
		start(c, passive, false);
		break;
	case FSM_EV_MANUAL_STOP:
		/* Ignored in Idle (no state change), but an operator's stop must also
		 * cancel a pending automatic restart. */
		stop(c, FSM_T_IDLE_HOLD);
		f->start_pending = false;
		break;
	default:
		/* "Any other event (Events 9-12, 15-28) received in the Idle state does
		 * not cause change in the state of the local system"; Events 8 and 14 are
		 * ignored too. The driver refuses connections while Idle. */
		break;
	}
}

static void st_connect(struct fsm_ctx *c)
{
	struct fsm *f = c->f;

	if (is_start(c->ev))
		return;         /* "The start events (Events 1, 3-7) are ignored" */
	switch (c->ev) {
	case FSM_EV_MANUAL_STOP:
		go_idle(c, IDLE_ZERO | IDLE_NO_RESTART);
		break;
	case FSM_EV_CONNECT_RETRY_EXPIRES:
		emit(c, FSM_ACT_TCP_DISCONNECT);
		restart_connect_retry(c);
		stop(c, FSM_T_DELAY_OPEN);
		emit(c, FSM_ACT_TCP_CONNECT);
		break;
	case FSM_EV_DELAY_OPEN_EXPIRES:
		open_sent(c);
		break;
	case FSM_EV_TCP_CR_VALID:
		break;
	case FSM_EV_TCP_CR_INVALID:
		emit(c, FSM_ACT_TCP_REJECT);
		break;
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONFIRMED:
		tcp_up(c);
		break;
	case FSM_EV_TCP_FAILS:
		if (running(c, FSM_T_DELAY_OPEN)) {
			restart_connect_retry(c);
			stop(c, FSM_T_DELAY_OPEN);
			emit(c, FSM_ACT_TCP_DISCONNECT);
			change_state(c, FSM_ACTIVE);
		} else {
			/* No counter increment, no damping: a refused SYN. */
			go_idle(c, 0);
		}
		break;
	case FSM_EV_BGP_OPEN_DELAYED:
		open_while_delayed(c);
		break;
	case FSM_EV_HEADER_ERR:
	case FSM_EV_OPEN_MSG_ERR:
		if (f->cfg.send_notification_without_open)
			send_err(c, c->ev == FSM_EV_HEADER_ERR ? BGP_ERR_HEADER : BGP_ERR_OPEN);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_NOTIF_VER_ERR:
		go_idle(c, running(c, FSM_T_DELAY_OPEN) ? 0 : IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_AUTO_STOP:
		if (!f->cfg.allow_auto_stop)
			break;
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	default:
		/* "any other events (Events 8, 10-11, 13, 19, 23, 25-28)" */
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	}
}

static void st_active(struct fsm_ctx *c)
{
	struct fsm *f = c->f;

	if (is_start(c->ev))
		return;         /* "The start events (Events 1, 3-7) are ignored" */
	switch (c->ev) {
	case FSM_EV_MANUAL_STOP:
		if (running(c, FSM_T_DELAY_OPEN) && f->cfg.send_notification_without_open)
			send_cease(c, BGP_CEASE_ADMIN_SHUTDOWN);
		go_idle(c, IDLE_ZERO | IDLE_NO_RESTART);
		break;
	case FSM_EV_CONNECT_RETRY_EXPIRES:
		restart_connect_retry(c);
		/* PassiveTcpEstablishment: keep waiting for the peer (see fsm.h). */
		if (f->cfg.passive)
			break;
		emit(c, FSM_ACT_TCP_CONNECT);
		change_state(c, FSM_CONNECT);
		break;
	case FSM_EV_DELAY_OPEN_EXPIRES:
		open_sent(c);
		break;
	case FSM_EV_TCP_CR_VALID:
		break;
	case FSM_EV_TCP_CR_INVALID:
		emit(c, FSM_ACT_TCP_REJECT);
		break;
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONFIRMED:
		tcp_up(c);
		break;
	case FSM_EV_TCP_FAILS:
		/* §8.2.2 also "restarts the ConnectRetryTimer", which has no effect in
		 * Idle (Event 9 is ignored there); go_idle stops it. */
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_BGP_OPEN_DELAYED:
		open_while_delayed(c);
		break;
	case FSM_EV_HEADER_ERR:
	case FSM_EV_OPEN_MSG_ERR:
		if (f->cfg.send_notification_without_open)
			send_err(c, c->ev == FSM_EV_HEADER_ERR ? BGP_ERR_HEADER : BGP_ERR_OPEN);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_NOTIF_VER_ERR:
		go_idle(c, running(c, FSM_T_DELAY_OPEN) ? 0 : IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_AUTO_STOP:
		if (!f->cfg.allow_auto_stop)
			break;
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	default:
		/* "any other event (Events 8, 10-11, 13, 19, 23, 25-28)" */
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	}
}

static void st_opensent(struct fsm_ctx *c)
{
	struct fsm *f = c->f;

	if (is_start(c->ev))
		return;
	switch (c->ev) {
	case FSM_EV_MANUAL_STOP:
		send_cease(c, BGP_CEASE_ADMIN_SHUTDOWN);
		go_idle(c, IDLE_ZERO | IDLE_NO_RESTART);
		break;
	case FSM_EV_AUTO_STOP:
		if (!f->cfg.allow_auto_stop)
			break;
		send_cease(c, 0);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_HOLD_EXPIRES:
		send_notification(c, BGP_ERR_HOLD, 0, NULL, 0);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_TCP_CR_VALID:
	case FSM_EV_TCP_CR_INVALID:
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONFIRMED:
		/* A second connection: tracked by the per-peer layer (§6.8). */
		break;
	case FSM_EV_TCP_FAILS:
		emit(c, FSM_ACT_TCP_DISCONNECT);
		stop(c, FSM_T_HOLD);
		restart_connect_retry(c);
		change_state(c, FSM_ACTIVE);
		break;
	case FSM_EV_BGP_OPEN:
		stop(c, FSM_T_DELAY_OPEN);
		stop(c, FSM_T_CONNECT_RETRY);
		accept_open(c);
		emit(c, FSM_ACT_SEND_KEEPALIVE);
		session_timers(c);
		change_state(c, FSM_OPENCONFIRM);
		break;
	case FSM_EV_HEADER_ERR:
	case FSM_EV_OPEN_MSG_ERR:
		send_err(c, c->ev == FSM_EV_HEADER_ERR ? BGP_ERR_HEADER : BGP_ERR_OPEN);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_OPEN_COLLISION_DUMP:
		/* RFC 4486 §4: Cease / Connection Collision Resolution. Damping is
		 * optional here and a collision is no flap: none. */
		send_cease(c, BGP_CEASE_COLLISION);
		go_idle(c, IDLE_COUNT);
		break;
	case FSM_EV_NOTIF_VER_ERR:
		go_idle(c, 0);
		break;
	case FSM_EV_NOTIF_MSG:
		/* §8.2.2 lists Event 25 with the FSM-error events, but the peer closes
		 * the connection right after its NOTIFICATION (§4.5), a NOTIFICATION is
		 * never answered with one (§6.4), and RFC 6608 §3 does not count it as
		 * unexpected in OpenSent: close without one. */
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	default:
		/* "any other event (Events 9, 11-13, 20, 25-28)" */
		send_fsm_error(c);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	}
}

static void st_openconfirm(struct fsm_ctx *c)
{
	struct fsm *f = c->f;

	if (is_start(c->ev))
		return;
	switch (c->ev) {
	case FSM_EV_MANUAL_STOP:
		send_cease(c, BGP_CEASE_ADMIN_SHUTDOWN);
		go_idle(c, IDLE_ZERO | IDLE_NO_RESTART);
		break;
	case FSM_EV_AUTO_STOP:
		if (!f->cfg.allow_auto_stop)
			break;
		send_cease(c, 0);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_HOLD_EXPIRES:
		send_notification(c, BGP_ERR_HOLD, 0, NULL, 0);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_KEEPALIVE_EXPIRES:
		keepalive_tick(c);
		break;
	case FSM_EV_TCP_CR_VALID:
	case FSM_EV_TCP_CR_INVALID:
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONFIRMED:
		break;
	case FSM_EV_TCP_FAILS:
	case FSM_EV_NOTIF_MSG:
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_NOTIF_VER_ERR:
		go_idle(c, 0);
		break;
	case FSM_EV_HEADER_ERR:
	case FSM_EV_OPEN_MSG_ERR:
		send_err(c, c->ev == FSM_EV_HEADER_ERR ? BGP_ERR_HEADER : BGP_ERR_OPEN);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_OPEN_COLLISION_DUMP:
		send_cease(c, BGP_CEASE_COLLISION);
		go_idle(c, IDLE_COUNT);
		break;
	case FSM_EV_KEEPALIVE_MSG:
		restart_hold(c);
		change_state(c, FSM_ESTABLISHED);
		break;
	default:
		/* "any other event (Events 9, 12-13, 20, 27-28)". Event 19 lands here
		 * too: the collision check §8.2.2 describes for it is the per-peer
		 * layer's, which dumps this FSM with Event 23 if it loses; an OPEN on
		 * this very connection is unexpected (RFC 6608 §3). */
		send_fsm_error(c);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	}
}

static void st_established(struct fsm_ctx *c)
{
	struct fsm *f = c->f;

	if (is_start(c->ev))
		return;
	switch (c->ev) {
	case FSM_EV_MANUAL_STOP:
		send_cease(c, BGP_CEASE_ADMIN_SHUTDOWN);
		go_idle(c, IDLE_ZERO | IDLE_NO_RESTART);
		break;
	case FSM_EV_AUTO_STOP:
		if (!f->cfg.allow_auto_stop)
			break;
		send_cease(c, 0);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_HOLD_EXPIRES:
		send_notification(c, BGP_ERR_HOLD, 0, NULL, 0);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_KEEPALIVE_EXPIRES:
		keepalive_tick(c);
		break;
	case FSM_EV_TCP_CR_VALID:
	case FSM_EV_TCP_CR_INVALID:
	case FSM_EV_TCP_CR_ACKED:
	case FSM_EV_TCP_CONFIRMED:
		break;
	case FSM_EV_OPEN_COLLISION_DUMP:
		/* Sent by the per-peer layer only with CollisionDetectEstablishedState. */
		send_cease(c, BGP_CEASE_COLLISION);
		go_idle(c, IDLE_COUNT);
		break;
	case FSM_EV_TCP_FAILS:
	case FSM_EV_NOTIF_VER_ERR:
	case FSM_EV_NOTIF_MSG:
		/* §8.2.2 names no damping here; a session that drops soon after coming
		 * up is exactly the oscillation §8.1.1 describes, so we damp (a stable
		 * session resets the backoff first, see arm_idle_hold). */
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_KEEPALIVE_MSG:
		restart_hold(c);
		break;
	case FSM_EV_UPDATE_MSG:
		emit(c, FSM_ACT_PROCESS_UPDATE);
		restart_hold(c);
		break;
	case FSM_EV_RREFRESH_MSG:
		emit(c, FSM_ACT_PROCESS_RREFRESH);
		restart_hold(c);
		break;
	case FSM_EV_UPDATE_MSG_ERR:
		send_err(c, BGP_ERR_UPDATE);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	case FSM_EV_HEADER_ERR:
		/* §8.2.2 groups Event 21 with the FSM errors, but §6.1 says header
		 * errors MUST be answered with Message Header Error. */
		send_err(c, BGP_ERR_HEADER);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	default:
		/* "any other event (Events 9, 12-13, 20-22)", and an OPEN (19) on this
		 * connection (RFC 6608 §3; collisions are the per-peer layer's). */
		send_fsm_error(c);
		go_idle(c, IDLE_COUNT | IDLE_DAMP);
		break;
	}
}

/* ---- entry points ---- */

/* Decide what an event really is from what it carries (see fsm.h). */
static void classify(struct fsm_ctx *c)
{
	const struct fsm_ev_data *d = c->d;

	if (c->ev == FSM_EV_BGP_OPEN || c->ev == FSM_EV_BGP_OPEN_DELAYED) {
		memset(&c->err_buf, 0, sizeof(c->err_buf));
		c->err_buf.code = BGP_ERR_OPEN;
		if (!d->open) {
			c->ev = FSM_EV_OPEN_MSG_ERR;
			c->err = &c->err_buf;
		} else if (d->err && d->err->code) {
			c->ev = FSM_EV_OPEN_MSG_ERR;
		} else if (d->open->hold_time > 0 && d->open->hold_time < FSM_HOLD_MIN) {
			/* RFC 4271 §6.2: "MUST reject Hold Time values of one or two". */
			c->err_buf.subcode = BGP_ERR_OPEN_HOLD;
			c->ev = FSM_EV_OPEN_MSG_ERR;
			c->err = &c->err_buf;
		} else if (c->ev == FSM_EV_BGP_OPEN && running(c, FSM_T_DELAY_OPEN)) {
			c->ev = FSM_EV_BGP_OPEN_DELAYED;
		}
	}
	if ((c->ev == FSM_EV_NOTIF_MSG || c->ev == FSM_EV_NOTIF_VER_ERR) && d->notif) {
		const struct bgp_notification *n = d->notif;

		c->reason.notif_rcvd = true;
		c->reason.code = n->code;
		c->reason.subcode = n->subcode;
		if (n->code == BGP_ERR_OPEN && n->subcode == BGP_ERR_OPEN_VERSION)
			c->ev = FSM_EV_NOTIF_VER_ERR;
		/* RFC 4486 §4: damp retries after these Cease subcodes as though
		 * DampPeerOscillations were true. */
		if (n->code == BGP_ERR_CEASE &&
		    (n->subcode == BGP_CEASE_ADMIN_SHUTDOWN || n->subcode == BGP_CEASE_PEER_DECONF ||
		     n->subcode == BGP_CEASE_CONN_REJECTED || n->subcode == BGP_CEASE_RESOURCES))
			c->force_damp = true;
	}
}

void fsm_event(struct fsm *fsm, enum fsm_event ev, const struct fsm_ev_data *data,
               uint64_t now_ms, struct fsm_actions *out)
{
	static const struct fsm_ev_data none;
	struct fsm_ctx c;

	if (ev <= FSM_EV_NONE || ev >= FSM_EV_N)
		return;
	memset(&c, 0, sizeof(c));
	c.f = fsm;
	c.now = now_ms;
	c.ev = ev;
	c.d = data ? data : &none;
	c.err = c.d->err;
	c.out = out;
	classify(&c);
	c.reason.ev = c.ev;
	fsm->last_event = c.ev;

	switch (fsm->state) {
	case FSM_IDLE:
		st_idle(&c);
		break;
	case FSM_CONNECT:
		st_connect(&c);
		break;
	case FSM_ACTIVE:
		st_active(&c);
		break;
	case FSM_OPENSENT:
		st_opensent(&c);
		break;
	case FSM_OPENCONFIRM:
		st_openconfirm(&c);
		break;
	case FSM_ESTABLISHED:
		st_established(&c);
		break;
	default:
		/* Corrupted state: the safest answer is to stop. */
		go_idle(&c, IDLE_NO_RESTART);
		break;
	}
}

static const enum fsm_event timer_event[FSM_T_N] = {
	[FSM_T_CONNECT_RETRY] = FSM_EV_CONNECT_RETRY_EXPIRES,
	[FSM_T_HOLD] = FSM_EV_HOLD_EXPIRES,
	[FSM_T_KEEPALIVE] = FSM_EV_KEEPALIVE_EXPIRES,
	[FSM_T_DELAY_OPEN] = FSM_EV_DELAY_OPEN_EXPIRES,
	[FSM_T_IDLE_HOLD] = FSM_EV_IDLE_HOLD_EXPIRES,
};

uint64_t fsm_next_deadline(const struct fsm *fsm)
{
	return fsm_timerset_earliest(&fsm->timers, NULL);
}

unsigned fsm_timers(struct fsm *fsm, uint64_t now_ms, struct fsm_actions *out)
{
	unsigned fired = 0;

	/* Each firing re-arms only at now + a positive interval, so this ends; the
	 * bound is a second guard. Stop early rather than lose actions: the timer
	 * stays due and the driver's next call fires it. */
	for (unsigned guard = 0; guard < 2 * FSM_T_N; guard++) {
		enum fsm_timer t;
		uint64_t due = fsm_timerset_earliest(&fsm->timers, &t);

		if (due == FSM_TIMER_OFF || due > now_ms)
			break;
		if (FSM_ACTIONS_MAX - out->n < FSM_EVENT_ACTIONS_MAX)
			break;
		fsm_timer_stop(&fsm->timers, t);
		fsm_event(fsm, timer_event[t], NULL, now_ms, out);
		fired++;
	}
	return fired;
}

void fsm_update_sent(struct fsm *fsm, uint64_t now_ms)
{
	/* §8.2.2 Established: "Each time the local system sends a KEEPALIVE or UPDATE
	 * message, it restarts its KeepaliveTimer, unless the negotiated HoldTime
	 * value is zero." */
	if ((fsm->state == FSM_ESTABLISHED || fsm->state == FSM_OPENCONFIRM) && fsm->hold_time)
		fsm_timer_start(&fsm->timers, FSM_T_KEEPALIVE, now_ms,
		                fsm_jitter(&fsm->rng, fsm->keepalive_ms));
}

void fsm_release(struct fsm *fsm, struct fsm_actions *out)
{
	struct fsm_ctx c;

	memset(&c, 0, sizeof(c));
	c.f = fsm;
	c.ev = FSM_EV_NONE;
	c.out = out;
	c.reason.ev = FSM_EV_NONE;
	if (fsm->state == FSM_IDLE) {
		fsm_timerset_clear(&fsm->timers);
		fsm->start_pending = false;
		return;
	}
	go_idle(&c, IDLE_NO_RESTART);
}

void fsm_inherit(struct fsm *heir, const struct fsm *from)
{
	heir->cfg = from->cfg;
	heir->connect_retry_counter = from->connect_retry_counter;
	heir->idle_hold_ms = from->idle_hold_ms;
	heir->auto_restarts = from->auto_restarts;
}

const struct bgp_open *fsm_peer_open(const struct fsm *fsm)
{
	return fsm->have_peer_open ? &fsm->peer_open : NULL;
}

bool fsm_has_connection(const struct fsm *fsm)
{
	switch (fsm->state) {
	case FSM_IDLE:
		return false;
	case FSM_ACTIVE:
		/* Listening only, unless a connection is up and its OPEN delayed. */
		return fsm_timer_running(&fsm->timers, FSM_T_DELAY_OPEN);
	default:
		return true;
	}
}

int fsm_init(struct fsm *fsm, const struct fsm_config *cfg, uint64_t seed)
{
	if (fsm_config_check(cfg, NULL) < 0)
		return -1;
	memset(fsm, 0, sizeof(*fsm));
	fsm->cfg = *cfg;
	fsm->state = FSM_IDLE;
	fsm_timerset_clear(&fsm->timers);
	fsm_rng_seed(&fsm->rng, seed);
	reset_damping(fsm);
	return 0;
}
