/*
 * tests/unit/test_bgp_fsm.c — the BGP FSM of RFC 4271 §8.2.2 (bgpd/fsm.h).
 *
 * First a table with one row per state x event cell of §8.2.2 (plus the variants
 * that depend on DelayOpen, SendNOTIFICATIONwithoutOPEN, PassiveTcpEstablishment,
 * AllowAutomaticStart/Stop and a running IdleHoldTimer): for each, the next
 * state, the actions in order, the NOTIFICATION sent, the timers running after,
 * and what happened to the ConnectRetryCounter. Then scenarios driven by a fake
 * clock. Jitter is seeded, so runs are identical; assertions use the ranges
 * RFC 4271 §10 allows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/fsm.h"

#define T0 1000000ULL           /* the fake clock's start, ms */
#define SEED 42
#define LOCAL_AS 65001
#define PEER_AS 65002
#define LOCAL_ID 0x01010101u
#define PEER_ID 0x02020202u

/* ---- fixtures ---- */

static struct fsm_config base_cfg(void)
{
	struct fsm_config c;

	fsm_config_default(&c);
	c.local_as = LOCAL_AS;
	c.local_id = LOCAL_ID;
	return c;
}

static struct bgp_open mk_open(uint16_t hold, uint32_t id, uint16_t as)
{
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = as;
	o.hold_time = hold;
	o.bgp_id = id;
	return o;
}

static void run(struct fsm *f, enum fsm_event ev, const struct fsm_ev_data *d, uint64_t now,
                struct fsm_actions *a)
{
	memset(a, 0, sizeof(*a));
	fsm_event(f, ev, d, now, a);
	assert_false(a->overflow);
}

static unsigned timer_mask(const struct fsm *f)
{
	unsigned m = 0;

	for (unsigned t = 0; t < FSM_T_N; t++)
		if (fsm_timer_running(&f->timers, (enum fsm_timer)t))
			m |= 1u << t;
	return m;
}

static const struct fsm_action *find(const struct fsm_actions *a, enum fsm_action_type t)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->a[i].type == t)
			return &a->a[i];
	return NULL;
}

/* Event data the table uses for each event number. */
static struct bgp_open g_open;
static struct bgp_err g_hdr_err, g_open_err, g_upd_err;
static struct bgp_notification g_notif_ver, g_notif_reset;

static void fixtures(void)
{
	g_open = mk_open(180, PEER_ID, PEER_AS);
	memset(&g_hdr_err, 0, sizeof(g_hdr_err));
	g_hdr_err.code = BGP_ERR_HEADER;
	g_hdr_err.subcode = BGP_ERR_HDR_LEN;
	g_hdr_err.data_len = 2;
	g_hdr_err.data[0] = 0x00;
	g_hdr_err.data[1] = 0x05;
	memset(&g_open_err, 0, sizeof(g_open_err));
	g_open_err.code = BGP_ERR_OPEN;
	g_open_err.subcode = BGP_ERR_OPEN_AS;
	memset(&g_upd_err, 0, sizeof(g_upd_err));
	g_upd_err.code = BGP_ERR_UPDATE;
	g_upd_err.subcode = BGP_ERR_UPD_ATTRLIST;
	g_notif_ver = (struct bgp_notification){ BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, NULL, 0 };
	g_notif_reset = (struct bgp_notification){ BGP_ERR_CEASE, BGP_CEASE_ADMIN_RESET, NULL, 0 };
}

static struct fsm_ev_data data_for(enum fsm_event ev)
{
	struct fsm_ev_data d = { 0 };

	switch (ev) {
	case FSM_EV_BGP_OPEN:
	case FSM_EV_BGP_OPEN_DELAYED:
		d.open = &g_open;
		break;
	case FSM_EV_HEADER_ERR:
		d.err = &g_hdr_err;
		break;
	case FSM_EV_OPEN_MSG_ERR:
		d.open = &g_open;
		d.err = &g_open_err;
		break;
	case FSM_EV_UPDATE_MSG_ERR:
		d.err = &g_upd_err;
		break;
	case FSM_EV_NOTIF_VER_ERR:
		d.notif = &g_notif_ver;
		break;
	case FSM_EV_NOTIF_MSG:
		d.notif = &g_notif_reset;
		break;
	default:
		break;
	}
	return d;
}

/* ---- the table ---- */

enum variant {
	V_PLAIN,        /* defaults: damping, automatic start/stop allowed */
	V_DELAY,        /* DelayOpen, DelayOpenTimer running (Connect/Active) */
	V_DELAY_SNWO,   /* ... and SendNOTIFICATIONwithoutOPEN */
	V_PASSIVE,      /* PassiveTcpEstablishment */
	V_IDLE_HOLD,    /* Idle with the IdleHoldTimer running */
	V_NO_AUTO,      /* AllowAutomaticStart and AllowAutomaticStop FALSE */
};

enum { SAME, INC, ZERO };       /* ConnectRetryCounter: unchanged, +1, zeroed */

#define CR (1u << FSM_T_CONNECT_RETRY)
#define HO (1u << FSM_T_HOLD)
#define KA (1u << FSM_T_KEEPALIVE)
#define DO (1u << FSM_T_DELAY_OPEN)
#define IH (1u << FSM_T_IDLE_HOLD)

#define END FSM_ACT_N
#define A_CONN FSM_ACT_TCP_CONNECT
#define A_DISC FSM_ACT_TCP_DISCONNECT
#define A_REJ FSM_ACT_TCP_REJECT
#define A_OPEN FSM_ACT_SEND_OPEN
#define A_KEEP FSM_ACT_SEND_KEEPALIVE
#define A_NOTIF FSM_ACT_SEND_NOTIFICATION
#define A_UPD FSM_ACT_PROCESS_UPDATE
#define A_RR FSM_ACT_PROCESS_RREFRESH
#define A_EST FSM_ACT_ESTABLISHED
#define A_DOWN FSM_ACT_SESSION_DOWN
#define A_CHG FSM_ACT_STATE_CHANGE

#define I FSM_IDLE
#define C FSM_CONNECT
#define A FSM_ACTIVE
#define S FSM_OPENSENT
#define O FSM_OPENCONFIRM
#define E FSM_ESTABLISHED

struct cell {
	enum fsm_state st;
	enum variant v;
	int ev;
	enum fsm_state to;
	int cnt;
	unsigned timers;
	enum fsm_action_type acts[6];
	uint8_t ncode, nsub;        /* the NOTIFICATION, if acts has one */
	int ndata;                  /* its first data octet (RFC 6608 type), -1: no data */
};

/* Row without / with a NOTIFICATION. */
#define R(st, v, ev, to, cnt, tm, ...) { st, v, ev, to, cnt, tm, { __VA_ARGS__, END }, 0, 0, -1 }
#define N(st, v, ev, to, cnt, tm, code, sub, data, ...) \
	{ st, v, ev, to, cnt, tm, { __VA_ARGS__, END }, code, sub, data }

/* The FSM-error and "to Idle" shapes that repeat. */
#define IDLE_UP A_DISC, A_CHG
#define IDLE_DOWN A_DISC, A_CHG, A_DOWN
#define FSMERR(st, ev, sub, data) N(st, V_PLAIN, ev, I, INC, IH, BGP_ERR_FSM, sub, data, A_NOTIF, IDLE_UP)
#define FSMERR_E(ev, sub, data) N(E, V_PLAIN, ev, I, INC, IH, BGP_ERR_FSM, sub, data, A_NOTIF, IDLE_DOWN)

static const struct cell table[] = {
	/* ---- Idle ---- */
	R(I, V_PLAIN, 1, C, ZERO, CR, A_CONN, A_CHG),
	R(I, V_PLAIN, 2, I, SAME, 0, END),
	R(I, V_PLAIN, 3, C, ZERO, CR, A_CONN, A_CHG),
	R(I, V_PLAIN, 4, A, ZERO, CR, A_CHG),
	R(I, V_PLAIN, 5, A, ZERO, CR, A_CHG),
	R(I, V_PLAIN, 6, C, SAME, CR, A_CONN, A_CHG),
	R(I, V_PLAIN, 7, A, SAME, CR, A_CHG),
	R(I, V_PLAIN, 8, I, SAME, 0, END),
	R(I, V_PLAIN, 9, I, SAME, 0, END),
	R(I, V_PLAIN, 10, I, SAME, 0, END),
	R(I, V_PLAIN, 11, I, SAME, 0, END),
	R(I, V_PLAIN, 12, I, SAME, 0, END),
	R(I, V_PLAIN, 13, C, SAME, CR, A_CONN, A_CHG),
	R(I, V_PLAIN, 14, I, SAME, 0, END),
	R(I, V_PLAIN, 15, I, SAME, 0, END),
	R(I, V_PLAIN, 16, I, SAME, 0, END),
	R(I, V_PLAIN, 17, I, SAME, 0, END),
	R(I, V_PLAIN, 18, I, SAME, 0, END),
	R(I, V_PLAIN, 19, I, SAME, 0, END),
	R(I, V_PLAIN, 20, I, SAME, 0, END),
	R(I, V_PLAIN, 21, I, SAME, 0, END),
	R(I, V_PLAIN, 22, I, SAME, 0, END),
	R(I, V_PLAIN, 23, I, SAME, 0, END),
	R(I, V_PLAIN, 24, I, SAME, 0, END),
	R(I, V_PLAIN, 25, I, SAME, 0, END),
	R(I, V_PLAIN, 26, I, SAME, 0, END),
	R(I, V_PLAIN, 27, I, SAME, 0, END),
	R(I, V_PLAIN, 28, I, SAME, 0, END),
	R(I, V_PLAIN, 29, I, SAME, 0, END),
	/* damping: Events 6/7 wait for the IdleHoldTimer; ManualStop cancels it */
	R(I, V_IDLE_HOLD, 1, C, ZERO, CR, A_CONN, A_CHG),
	R(I, V_IDLE_HOLD, 2, I, SAME, 0, END),
	R(I, V_IDLE_HOLD, 3, C, ZERO, CR, A_CONN, A_CHG),
	R(I, V_IDLE_HOLD, 6, I, SAME, IH, END),
	R(I, V_IDLE_HOLD, 7, I, SAME, IH, END),
	R(I, V_IDLE_HOLD, 13, C, SAME, CR, A_CONN, A_CHG),
	R(I, V_IDLE_HOLD, 9, I, SAME, IH, END),
	/* without AllowAutomaticStart the automatic events do nothing */
	R(I, V_NO_AUTO, 1, C, ZERO, CR, A_CONN, A_CHG),
	R(I, V_NO_AUTO, 3, I, SAME, 0, END),
	R(I, V_NO_AUTO, 5, I, SAME, 0, END),
	R(I, V_NO_AUTO, 6, I, SAME, 0, END),
	R(I, V_NO_AUTO, 7, I, SAME, 0, END),
	R(I, V_NO_AUTO, 13, I, SAME, 0, END),
	/* PassiveTcpEstablishment: the automatic restart only listens */
	R(I, V_PASSIVE, 13, A, SAME, CR, A_CHG),

	/* ---- Connect ---- */
	R(C, V_PLAIN, 1, C, SAME, CR, END),
	R(C, V_PLAIN, 2, I, ZERO, 0, IDLE_UP),
	R(C, V_PLAIN, 3, C, SAME, CR, END),
	R(C, V_PLAIN, 4, C, SAME, CR, END),
	R(C, V_PLAIN, 5, C, SAME, CR, END),
	R(C, V_PLAIN, 6, C, SAME, CR, END),
	R(C, V_PLAIN, 7, C, SAME, CR, END),
	R(C, V_PLAIN, 8, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 9, C, SAME, CR, A_DISC, A_CONN),
	R(C, V_PLAIN, 10, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 11, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 12, S, SAME, HO, A_OPEN, A_CHG),
	R(C, V_PLAIN, 13, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 14, C, SAME, CR, END),
	R(C, V_PLAIN, 15, C, SAME, CR, A_REJ),
	R(C, V_PLAIN, 16, S, SAME, HO, A_OPEN, A_CHG),
	R(C, V_PLAIN, 17, S, SAME, HO, A_OPEN, A_CHG),
	R(C, V_PLAIN, 18, I, SAME, IH, IDLE_UP),
	R(C, V_PLAIN, 19, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 20, O, SAME, KA | HO, A_OPEN, A_KEEP, A_CHG),
	R(C, V_PLAIN, 21, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 22, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 23, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 24, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 25, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 26, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 27, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 28, I, INC, IH, IDLE_UP),
	R(C, V_PLAIN, 29, I, INC, IH, IDLE_UP),
	/* Connect, TCP up, DelayOpenTimer running */
	R(C, V_DELAY, 2, I, ZERO, 0, IDLE_UP),
	R(C, V_DELAY, 9, C, SAME, CR, A_DISC, A_CONN),
	R(C, V_DELAY, 12, S, SAME, HO, A_OPEN, A_CHG),
	R(C, V_DELAY, 18, A, SAME, CR, A_DISC, A_CHG),
	R(C, V_DELAY, 19, O, SAME, KA | HO, A_OPEN, A_KEEP, A_CHG),    /* classified as 20 */
	R(C, V_DELAY, 20, O, SAME, KA | HO, A_OPEN, A_KEEP, A_CHG),
	R(C, V_DELAY, 21, I, INC, IH, IDLE_UP),
	R(C, V_DELAY, 22, I, INC, IH, IDLE_UP),
	R(C, V_DELAY, 24, I, SAME, IH, IDLE_UP),
	R(C, V_DELAY, 25, I, INC, IH, IDLE_UP),
	R(C, V_DELAY_SNWO, 2, I, ZERO, 0, IDLE_UP),
	N(C, V_DELAY_SNWO, 21, I, INC, IH, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, 0x00, A_NOTIF, IDLE_UP),
	N(C, V_DELAY_SNWO, 22, I, INC, IH, BGP_ERR_OPEN, BGP_ERR_OPEN_AS, -1, A_NOTIF, IDLE_UP),
	/* AllowAutomaticStop FALSE: AutomaticStop ignored */
	R(C, V_NO_AUTO, 8, C, SAME, CR, END),
	R(C, V_NO_AUTO, 18, I, SAME, 0, IDLE_UP),

	/* ---- Active ---- */
	R(A, V_PLAIN, 1, A, SAME, CR, END),
	R(A, V_PLAIN, 2, I, ZERO, 0, IDLE_UP),
	R(A, V_PLAIN, 3, A, SAME, CR, END),
	R(A, V_PLAIN, 4, A, SAME, CR, END),
	R(A, V_PLAIN, 5, A, SAME, CR, END),
	R(A, V_PLAIN, 6, A, SAME, CR, END),
	R(A, V_PLAIN, 7, A, SAME, CR, END),
	R(A, V_PLAIN, 8, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 9, C, SAME, CR, A_CONN, A_CHG),
	R(A, V_PLAIN, 10, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 11, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 12, S, SAME, HO, A_OPEN, A_CHG),
	R(A, V_PLAIN, 13, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 14, A, SAME, CR, END),
	R(A, V_PLAIN, 15, A, SAME, CR, A_REJ),
	R(A, V_PLAIN, 16, S, SAME, HO, A_OPEN, A_CHG),
	R(A, V_PLAIN, 17, S, SAME, HO, A_OPEN, A_CHG),
	R(A, V_PLAIN, 18, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 19, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 20, O, SAME, KA | HO, A_OPEN, A_KEEP, A_CHG),
	R(A, V_PLAIN, 21, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 22, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 23, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 24, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 25, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 26, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 27, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 28, I, INC, IH, IDLE_UP),
	R(A, V_PLAIN, 29, I, INC, IH, IDLE_UP),
	/* PassiveTcpEstablishment never connects out */
	R(A, V_PASSIVE, 9, A, SAME, CR, END),
	/* Active, TCP up, DelayOpenTimer running */
	R(A, V_DELAY, 2, I, ZERO, 0, IDLE_UP),
	R(A, V_DELAY, 12, S, SAME, HO, A_OPEN, A_CHG),
	R(A, V_DELAY, 18, I, INC, IH, IDLE_UP),
	R(A, V_DELAY, 19, O, SAME, KA | HO, A_OPEN, A_KEEP, A_CHG),    /* classified as 20 */
	R(A, V_DELAY, 20, O, SAME, KA | HO, A_OPEN, A_KEEP, A_CHG),
	R(A, V_DELAY, 21, I, INC, IH, IDLE_UP),
	R(A, V_DELAY, 24, I, SAME, IH, IDLE_UP),
	N(A, V_DELAY_SNWO, 2, I, ZERO, 0, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, -1, A_NOTIF, IDLE_UP),
	N(A, V_DELAY_SNWO, 21, I, INC, IH, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, 0x00, A_NOTIF, IDLE_UP),
	N(A, V_DELAY_SNWO, 22, I, INC, IH, BGP_ERR_OPEN, BGP_ERR_OPEN_AS, -1, A_NOTIF, IDLE_UP),
	R(A, V_NO_AUTO, 8, A, SAME, CR, END),

	/* ---- OpenSent ---- */
	R(S, V_PLAIN, 1, S, SAME, HO, END),
	N(S, V_PLAIN, 2, I, ZERO, 0, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, -1, A_NOTIF, IDLE_UP),
	R(S, V_PLAIN, 3, S, SAME, HO, END),
	R(S, V_PLAIN, 4, S, SAME, HO, END),
	R(S, V_PLAIN, 5, S, SAME, HO, END),
	R(S, V_PLAIN, 6, S, SAME, HO, END),
	R(S, V_PLAIN, 7, S, SAME, HO, END),
	N(S, V_PLAIN, 8, I, INC, IH, BGP_ERR_CEASE, 0, -1, A_NOTIF, IDLE_UP),
	FSMERR(S, 9, BGP_ERR_FSM_UNSPEC, -1),
	N(S, V_PLAIN, 10, I, INC, IH, BGP_ERR_HOLD, 0, -1, A_NOTIF, IDLE_UP),
	FSMERR(S, 11, BGP_ERR_FSM_UNSPEC, -1),
	FSMERR(S, 12, BGP_ERR_FSM_UNSPEC, -1),
	FSMERR(S, 13, BGP_ERR_FSM_UNSPEC, -1),
	R(S, V_PLAIN, 14, S, SAME, HO, END),
	R(S, V_PLAIN, 15, S, SAME, HO, END),
	R(S, V_PLAIN, 16, S, SAME, HO, END),
	R(S, V_PLAIN, 17, S, SAME, HO, END),
	R(S, V_PLAIN, 18, A, SAME, CR, A_DISC, A_CHG),
	R(S, V_PLAIN, 19, O, SAME, KA | HO, A_KEEP, A_CHG),
	FSMERR(S, 20, BGP_ERR_FSM_OPENSENT, BGP_MSG_OPEN),
	N(S, V_PLAIN, 21, I, INC, IH, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, 0x00, A_NOTIF, IDLE_UP),
	N(S, V_PLAIN, 22, I, INC, IH, BGP_ERR_OPEN, BGP_ERR_OPEN_AS, -1, A_NOTIF, IDLE_UP),
	N(S, V_PLAIN, 23, I, INC, IH, BGP_ERR_CEASE, BGP_CEASE_COLLISION, -1, A_NOTIF, IDLE_UP),
	R(S, V_PLAIN, 24, I, SAME, IH, IDLE_UP),
	R(S, V_PLAIN, 25, I, INC, IH, IDLE_UP),    /* no NOTIFICATION back, see fsm.h */
	FSMERR(S, 26, BGP_ERR_FSM_OPENSENT, BGP_MSG_KEEPALIVE),
	FSMERR(S, 27, BGP_ERR_FSM_OPENSENT, BGP_MSG_UPDATE),
	FSMERR(S, 28, BGP_ERR_FSM_OPENSENT, BGP_MSG_UPDATE),
	FSMERR(S, 29, BGP_ERR_FSM_OPENSENT, BGP_MSG_ROUTE_REFRESH),
	R(S, V_NO_AUTO, 8, S, SAME, HO, END),
	N(S, V_NO_AUTO, 10, I, INC, 0, BGP_ERR_HOLD, 0, -1, A_NOTIF, IDLE_UP),

	/* ---- OpenConfirm ---- */
	R(O, V_PLAIN, 1, O, SAME, KA | HO, END),
	N(O, V_PLAIN, 2, I, ZERO, 0, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, -1, A_NOTIF, IDLE_UP),
	R(O, V_PLAIN, 3, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 4, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 5, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 6, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 7, O, SAME, KA | HO, END),
	N(O, V_PLAIN, 8, I, INC, IH, BGP_ERR_CEASE, 0, -1, A_NOTIF, IDLE_UP),
	FSMERR(O, 9, BGP_ERR_FSM_UNSPEC, -1),
	N(O, V_PLAIN, 10, I, INC, IH, BGP_ERR_HOLD, 0, -1, A_NOTIF, IDLE_UP),
	R(O, V_PLAIN, 11, O, SAME, KA | HO, A_KEEP),
	FSMERR(O, 12, BGP_ERR_FSM_UNSPEC, -1),
	FSMERR(O, 13, BGP_ERR_FSM_UNSPEC, -1),
	R(O, V_PLAIN, 14, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 15, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 16, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 17, O, SAME, KA | HO, END),
	R(O, V_PLAIN, 18, I, INC, IH, IDLE_UP),
	FSMERR(O, 19, BGP_ERR_FSM_OPENCONFIRM, BGP_MSG_OPEN),  /* RFC 6608; §6.8 in peer_fsm */
	FSMERR(O, 20, BGP_ERR_FSM_OPENCONFIRM, BGP_MSG_OPEN),
	N(O, V_PLAIN, 21, I, INC, IH, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, 0x00, A_NOTIF, IDLE_UP),
	N(O, V_PLAIN, 22, I, INC, IH, BGP_ERR_OPEN, BGP_ERR_OPEN_AS, -1, A_NOTIF, IDLE_UP),
	N(O, V_PLAIN, 23, I, INC, IH, BGP_ERR_CEASE, BGP_CEASE_COLLISION, -1, A_NOTIF, IDLE_UP),
	R(O, V_PLAIN, 24, I, SAME, IH, IDLE_UP),
	R(O, V_PLAIN, 25, I, INC, IH, IDLE_UP),
	R(O, V_PLAIN, 26, E, SAME, KA | HO, A_CHG, A_EST),
	FSMERR(O, 27, BGP_ERR_FSM_OPENCONFIRM, BGP_MSG_UPDATE),
	FSMERR(O, 28, BGP_ERR_FSM_OPENCONFIRM, BGP_MSG_UPDATE),
	FSMERR(O, 29, BGP_ERR_FSM_OPENCONFIRM, BGP_MSG_ROUTE_REFRESH),
	R(O, V_NO_AUTO, 8, O, SAME, KA | HO, END),

	/* ---- Established ---- */
	R(E, V_PLAIN, 1, E, SAME, KA | HO, END),
	N(E, V_PLAIN, 2, I, ZERO, 0, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, -1, A_NOTIF, IDLE_DOWN),
	R(E, V_PLAIN, 3, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 4, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 5, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 6, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 7, E, SAME, KA | HO, END),
	N(E, V_PLAIN, 8, I, INC, IH, BGP_ERR_CEASE, 0, -1, A_NOTIF, IDLE_DOWN),
	FSMERR_E(9, BGP_ERR_FSM_UNSPEC, -1),
	N(E, V_PLAIN, 10, I, INC, IH, BGP_ERR_HOLD, 0, -1, A_NOTIF, IDLE_DOWN),
	R(E, V_PLAIN, 11, E, SAME, KA | HO, A_KEEP),
	FSMERR_E(12, BGP_ERR_FSM_UNSPEC, -1),
	FSMERR_E(13, BGP_ERR_FSM_UNSPEC, -1),
	R(E, V_PLAIN, 14, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 15, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 16, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 17, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 18, I, INC, IH, IDLE_DOWN),
	FSMERR_E(19, BGP_ERR_FSM_ESTABLISHED, BGP_MSG_OPEN),    /* RFC 6608 */
	FSMERR_E(20, BGP_ERR_FSM_ESTABLISHED, BGP_MSG_OPEN),
	N(E, V_PLAIN, 21, I, INC, IH, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, 0x00, A_NOTIF, IDLE_DOWN), /* §6.1 */
	FSMERR_E(22, BGP_ERR_FSM_ESTABLISHED, BGP_MSG_OPEN),
	N(E, V_PLAIN, 23, I, INC, IH, BGP_ERR_CEASE, BGP_CEASE_COLLISION, -1, A_NOTIF, IDLE_DOWN),
	R(E, V_PLAIN, 24, I, INC, IH, IDLE_DOWN),
	R(E, V_PLAIN, 25, I, INC, IH, IDLE_DOWN),
	R(E, V_PLAIN, 26, E, SAME, KA | HO, END),
	R(E, V_PLAIN, 27, E, SAME, KA | HO, A_UPD),
	N(E, V_PLAIN, 28, I, INC, IH, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, -1, A_NOTIF, IDLE_DOWN),
	R(E, V_PLAIN, 29, E, SAME, KA | HO, A_RR),
	R(E, V_NO_AUTO, 8, E, SAME, KA | HO, END),
	R(E, V_NO_AUTO, 18, I, INC, 0, IDLE_DOWN),
};

static void reach(struct fsm *f, enum fsm_state st, enum variant v)
{
	struct fsm_config cfg = base_cfg();
	struct fsm_actions a;
	struct fsm_ev_data od = { .open = &g_open };
	bool delay = v == V_DELAY || v == V_DELAY_SNWO;

	cfg.delay_open = delay;
	cfg.send_notification_without_open = v == V_DELAY_SNWO;
	cfg.passive = v == V_PASSIVE;
	if (v == V_NO_AUTO) {
		cfg.allow_auto_start = false;
		cfg.allow_auto_stop = false;
	}
	assert_int_equal(fsm_init(f, &cfg, SEED), 0);
	switch (st) {
	case FSM_IDLE:
		if (v == V_IDLE_HOLD) {
			run(f, FSM_EV_MANUAL_START, NULL, T0, &a);
			run(f, FSM_EV_TCP_FAILS, NULL, T0, &a);
			assert_true(fsm_timer_running(&f->timers, FSM_T_IDLE_HOLD));
		}
		break;
	case FSM_CONNECT:
		run(f, FSM_EV_MANUAL_START, NULL, T0, &a);
		if (delay)
			run(f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
		break;
	case FSM_ACTIVE:
		run(f, FSM_EV_MANUAL_START_PASSIVE, NULL, T0, &a);
		if (delay)
			run(f, FSM_EV_TCP_CONFIRMED, NULL, T0, &a);
		break;
	case FSM_OPENSENT:
	case FSM_OPENCONFIRM:
	case FSM_ESTABLISHED:
		run(f, FSM_EV_MANUAL_START, NULL, T0, &a);
		run(f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
		if (st >= FSM_OPENCONFIRM)
			run(f, FSM_EV_BGP_OPEN, &od, T0, &a);
		if (st >= FSM_ESTABLISHED)
			run(f, FSM_EV_KEEPALIVE_MSG, NULL, T0, &a);
		break;
	default:
		fail();
	}
	assert_int_equal(fsm_state(f), st);
	assert_int_equal(fsm_timer_running(&f->timers, FSM_T_DELAY_OPEN), delay);
	f->connect_retry_counter = 5;
}

/* On a mismatch, say which cell before failing. */
#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			print_error("row %u: %s + Event %d (%s), variant %d: %s\n", row,  \
			            fsm_state_name(c->st), c->ev,                          \
			            fsm_event_name((enum fsm_event)c->ev), c->v, #cond);   \
			fail();                                                            \
		}                                                                          \
	} while (0)

static void check_cell(const struct cell *c, unsigned row)
{
	struct fsm f;
	struct fsm_actions a;
	struct fsm_ev_data d = data_for((enum fsm_event)c->ev);
	unsigned n = 0;

	reach(&f, c->st, c->v);
	run(&f, (enum fsm_event)c->ev, &d, T0 + 10, &a);

	CHECK(fsm_state(&f) == c->to);
	while (n < 6 && c->acts[n] != END)
		n++;
	CHECK(a.n == n);
	for (unsigned i = 0; i < n; i++) {
		const struct bgp_err *e = &a.a[i].u.notif;

		CHECK(a.a[i].type == c->acts[i]);
		if (a.a[i].type == FSM_ACT_SEND_NOTIFICATION) {
			CHECK(e->code == c->ncode);
			CHECK(e->subcode == c->nsub);
			if (c->ndata < 0)
				CHECK(e->data_len == 0);
			else
				CHECK(e->data_len >= 1 && e->data[0] == c->ndata);
		}
		if (a.a[i].type == FSM_ACT_STATE_CHANGE) {
			CHECK(a.a[i].u.change.from == c->st);
			CHECK(a.a[i].u.change.to == c->to);
		}
	}
	CHECK(timer_mask(&f) == c->timers);
	switch (c->cnt) {
	case SAME:
		CHECK(f.connect_retry_counter == 5);
		break;
	case INC:
		CHECK(f.connect_retry_counter == 6);
		break;
	case ZERO:
		CHECK(f.connect_retry_counter == 0);
		break;
	}
}

static void test_table(void **state)
{
	(void)state;
	fixtures();
	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		check_cell(&table[i], i);
}

/* The table has a plain row for every state x event (1..28 of §8.1, plus 29). */
static void test_table_is_complete(void **state)
{
	(void)state;
	for (int st = 0; st < FSM_STATE_N; st++) {
		for (int ev = FSM_EV_MANUAL_START; ev < FSM_EV_N; ev++) {
			bool found = false;

			for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++)
				if (table[i].st == (enum fsm_state)st && table[i].ev == ev && table[i].v == V_PLAIN)
					found = true;
			if (!found)
				print_error("missing %s x %s\n", fsm_state_name((enum fsm_state)st),
				            fsm_event_name((enum fsm_event)ev));
			assert_true(found);
		}
	}
}

/* ---- scenarios ---- */

/* Drive to Established actively; returns the time reached. */
static uint64_t establish(struct fsm *f, const struct fsm_config *cfg, const struct bgp_open *o,
                          uint64_t now)
{
	struct fsm_actions a;
	struct fsm_ev_data od = { .open = o };

	assert_int_equal(fsm_init(f, cfg, SEED), 0);
	run(f, FSM_EV_MANUAL_START, NULL, now, &a);
	run(f, FSM_EV_TCP_CR_ACKED, NULL, now, &a);
	run(f, FSM_EV_BGP_OPEN, &od, now, &a);
	run(f, FSM_EV_KEEPALIVE_MSG, NULL, now, &a);
	assert_int_equal(fsm_state(f), FSM_ESTABLISHED);
	return now;
}

static void test_active_establishment(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(180, PEER_ID, LOCAL_AS);   /* iBGP, longer hold */
	struct fsm_ev_data od = { .open = &o };
	const struct fsm_action *x;
	uint64_t now = T0;

	(void)state;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
	assert_int_equal(fsm_next_deadline(&f), FSM_TIMER_OFF);
	assert_false(fsm_has_connection(&f));

	run(&f, FSM_EV_MANUAL_START, NULL, now, &a);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.a[0].type, FSM_ACT_TCP_CONNECT);
	assert_int_equal(a.a[1].u.change.ev, FSM_EV_MANUAL_START);
	/* ConnectRetryTimer: 120 s less up to 25 % jitter (RFC 4271 §10) */
	assert_in_range(fsm_next_deadline(&f), now + 90000, now + 120000);
	assert_true(fsm_has_connection(&f));

	now += 50;
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, now, &a);
	assert_int_equal(fsm_state(&f), FSM_OPENSENT);
	assert_true(f.outgoing);
	assert_int_equal(a.a[0].type, FSM_ACT_SEND_OPEN);
	/* the large hold timer of §8.2.2 (4 minutes), not jittered */
	assert_int_equal(f.timers.deadline[FSM_T_HOLD], now + 240000);
	assert_false(fsm_timer_running(&f.timers, FSM_T_CONNECT_RETRY));
	assert_null(fsm_peer_open(&f));

	now += 50;
	run(&f, FSM_EV_BGP_OPEN, &od, now, &a);
	assert_int_equal(fsm_state(&f), FSM_OPENCONFIRM);
	assert_int_equal(a.a[0].type, FSM_ACT_SEND_KEEPALIVE);
	assert_int_equal(f.hold_time, 90);          /* min(90, 180), §4.2 */
	assert_int_equal(f.keepalive_ms, 30000);
	assert_int_equal(f.timers.deadline[FSM_T_HOLD], now + 90000);
	assert_in_range(f.timers.deadline[FSM_T_KEEPALIVE], now + 22500, now + 30000);
	assert_non_null(fsm_peer_open(&f));
	assert_int_equal(fsm_peer_open(&f)->bgp_id, PEER_ID);
	assert_true(f.ibgp);

	now += 50;
	run(&f, FSM_EV_KEEPALIVE_MSG, NULL, now, &a);
	assert_int_equal(fsm_state(&f), FSM_ESTABLISHED);
	x = find(&a, FSM_ACT_ESTABLISHED);
	assert_non_null(x);
	assert_int_equal(x->u.est.hold_time, 90);
	assert_int_equal(x->u.est.keepalive_ms, 30000);
	assert_true(x->u.est.ibgp);
	assert_int_equal(f.timers.deadline[FSM_T_HOLD], now + 90000);

	/* UPDATE: processed, hold timer restarted */
	now += 1000;
	run(&f, FSM_EV_UPDATE_MSG, NULL, now, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.a[0].type, FSM_ACT_PROCESS_UPDATE);
	assert_int_equal(f.timers.deadline[FSM_T_HOLD], now + 90000);
	/* the capabilities stay available */
	assert_int_equal(fsm_peer_open(&f)->hold_time, 180);
}

static void test_passive_establishment(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct fsm_ev_data od = { .open = &g_open };

	(void)state;
	fixtures();
	cfg.passive = true;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_AUTO_START_PASSIVE, NULL, T0, &a);
	assert_int_equal(fsm_state(&f), FSM_ACTIVE);
	assert_null(find(&a, FSM_ACT_TCP_CONNECT));
	assert_false(fsm_has_connection(&f));

	/* ConnectRetryTimer expiring while passive: keep listening, never connect */
	assert_int_equal(fsm_timers(&f, fsm_next_deadline(&f), &a), 1);
	assert_int_equal(fsm_state(&f), FSM_ACTIVE);
	assert_null(find(&a, FSM_ACT_TCP_CONNECT));

	run(&f, FSM_EV_TCP_CONFIRMED, NULL, T0 + 200000, &a);
	assert_int_equal(fsm_state(&f), FSM_OPENSENT);
	assert_false(f.outgoing);
	run(&f, FSM_EV_BGP_OPEN, &od, T0 + 200001, &a);
	run(&f, FSM_EV_KEEPALIVE_MSG, NULL, T0 + 200002, &a);
	assert_int_equal(fsm_state(&f), FSM_ESTABLISHED);
	assert_false(f.ibgp);
}

static void test_delay_open_timer_expires(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;

	(void)state;
	cfg.delay_open = true;
	cfg.delay_open_time = 7;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0 + 10, &a);
	assert_int_equal(fsm_state(&f), FSM_CONNECT);
	assert_int_equal(a.n, 0);               /* no OPEN yet */
	assert_int_equal(fsm_next_deadline(&f), T0 + 10 + 7000);
	assert_int_equal(timer_mask(&f), DO);

	/* nothing before the deadline */
	assert_int_equal(fsm_timers(&f, T0 + 7009, &a), 0);
	memset(&a, 0, sizeof(a));
	assert_int_equal(fsm_timers(&f, T0 + 7010, &a), 1);
	assert_int_equal(fsm_state(&f), FSM_OPENSENT);
	assert_int_equal(a.a[0].type, FSM_ACT_SEND_OPEN);
	assert_int_equal(a.a[1].u.change.ev, FSM_EV_DELAY_OPEN_EXPIRES);
}

static void test_delay_open_peer_opens_first(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(0, PEER_ID, PEER_AS);    /* peer wants no keepalives */
	struct fsm_ev_data od = { .open = &o };

	(void)state;
	cfg.delay_open = true;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START_PASSIVE, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CONFIRMED, NULL, T0, &a);
	assert_int_equal(fsm_state(&f), FSM_ACTIVE);
	assert_true(fsm_has_connection(&f));
	/* the driver just says BGPOpen; the FSM knows its DelayOpenTimer runs */
	run(&f, FSM_EV_BGP_OPEN, &od, T0 + 5, &a);
	assert_int_equal(f.last_event, FSM_EV_BGP_OPEN_DELAYED);
	assert_int_equal(fsm_state(&f), FSM_OPENCONFIRM);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.a[0].type, FSM_ACT_SEND_OPEN);
	assert_int_equal(a.a[1].type, FSM_ACT_SEND_KEEPALIVE);
	/* hold 0: "resets the KeepaliveTimer ... resets the HoldTimer value to zero" */
	assert_int_equal(timer_mask(&f), 0);
}

static void test_delay_open_tcp_fails_in_connect(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;

	(void)state;
	cfg.delay_open = true;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	f.connect_retry_counter = 3;
	run(&f, FSM_EV_TCP_FAILS, NULL, T0 + 100, &a);
	assert_int_equal(fsm_state(&f), FSM_ACTIVE);
	assert_int_equal(timer_mask(&f), CR);
	assert_in_range(f.timers.deadline[FSM_T_CONNECT_RETRY], T0 + 100 + 90000, T0 + 100 + 120000);
	assert_int_equal(f.connect_retry_counter, 3);

	/* ... whereas without a DelayOpenTimer it is Idle */
	cfg.delay_open = false;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_FAILS, NULL, T0 + 100, &a);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
}

static void test_hold_timer_expiry(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(9, PEER_ID, PEER_AS);
	const struct fsm_action *x;
	uint64_t now;

	(void)state;
	now = establish(&f, &cfg, &o, T0);
	assert_int_equal(f.hold_time, 9);
	assert_int_equal(f.keepalive_ms, 3000);
	/* keepalives we send do not keep the session up; only the peer's do */
	memset(&a, 0, sizeof(a));
	while (fsm_state(&f) == FSM_ESTABLISHED) {
		now = fsm_next_deadline(&f);
		memset(&a, 0, sizeof(a));
		fsm_timers(&f, now, &a);
		assert_false(a.overflow);
	}
	assert_int_equal(now, T0 + 9000);
	x = find(&a, FSM_ACT_SEND_NOTIFICATION);
	assert_non_null(x);
	assert_int_equal(x->u.notif.code, BGP_ERR_HOLD);
	assert_int_equal(x->u.notif.subcode, 0);
	x = find(&a, FSM_ACT_SESSION_DOWN);
	assert_non_null(x);
	assert_int_equal(x->u.down.ev, FSM_EV_HOLD_EXPIRES);
	assert_true(x->u.down.notif_sent);
	assert_int_equal(x->u.down.code, BGP_ERR_HOLD);
	assert_int_equal(f.last_down.code, BGP_ERR_HOLD);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
}

static void test_hold_timer_in_opensent(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;

	(void)state;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	memset(&a, 0, sizeof(a));
	assert_int_equal(fsm_timers(&f, T0 + 239999, &a), 0);
	assert_int_equal(fsm_timers(&f, T0 + 240000, &a), 1);
	assert_int_equal(a.a[0].type, FSM_ACT_SEND_NOTIFICATION);
	assert_int_equal(a.a[0].u.notif.code, BGP_ERR_HOLD);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
}

static void test_keepalive_cadence(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f, g;
	struct fsm_actions a;
	struct bgp_open o = mk_open(90, PEER_ID, PEER_AS);
	uint64_t now, last, end;
	unsigned sent = 0;

	(void)state;
	now = establish(&f, &cfg, &o, T0);
	last = now;
	end = now + 3600 * 1000;    /* an hour, the peer keeping us alive every 20 s */
	while (now < end) {
		uint64_t next = fsm_next_deadline(&f), peer = now + 20000 - now % 20000;

		assert_int_equal(fsm_state(&f), FSM_ESTABLISHED);
		if (peer < next) {
			now = peer;
			run(&f, FSM_EV_KEEPALIVE_MSG, NULL, now, &a);
			assert_int_equal(f.timers.deadline[FSM_T_HOLD], now + 90000);
			continue;
		}
		now = next;
		memset(&a, 0, sizeof(a));
		assert_int_equal(fsm_timers(&f, now, &a), 1);
		assert_int_equal(a.n, 1);
		assert_int_equal(a.a[0].type, FSM_ACT_SEND_KEEPALIVE);
		/* each interval is 30 s less 0-25 % jitter */
		assert_in_range(now - last, 22500, 30000);
		last = now;
		sent++;
	}
	assert_in_range(sent, 3600 / 30, 3600 * 4 / 90 + 1);

	/* Sending an UPDATE restarts the KeepaliveTimer. */
	fsm_update_sent(&f, now + 5);
	assert_in_range(f.timers.deadline[FSM_T_KEEPALIVE], now + 5 + 22500, now + 5 + 30000);

	/* Same seed, same deadlines: jitter is deterministic. */
	establish(&g, &cfg, &o, T0);
	establish(&f, &cfg, &o, T0);
	assert_int_equal(f.timers.deadline[FSM_T_KEEPALIVE], g.timers.deadline[FSM_T_KEEPALIVE]);

	/* A configured KeepaliveTime below hold/3 wins. */
	cfg.keepalive_time = 10;
	establish(&f, &cfg, &o, T0);
	assert_int_equal(f.keepalive_ms, 10000);
}

static void test_hold_time_zero(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(0, PEER_ID, PEER_AS);
	const struct fsm_action *x;
	struct fsm_ev_data od = { .open = &o };

	(void)state;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	run(&f, FSM_EV_BGP_OPEN, &od, T0, &a);
	/* "If the negotiated hold time value is zero, then the HoldTimer and
	 * KeepaliveTimer are not started." */
	assert_int_equal(timer_mask(&f), 0);
	assert_int_equal(fsm_next_deadline(&f), FSM_TIMER_OFF);
	run(&f, FSM_EV_KEEPALIVE_MSG, NULL, T0, &a);
	x = find(&a, FSM_ACT_ESTABLISHED);
	assert_non_null(x);
	assert_int_equal(x->u.est.hold_time, 0);
	assert_int_equal(x->u.est.keepalive_ms, 0);
	assert_int_equal(timer_mask(&f), 0);
	/* a year passes: nothing fires */
	assert_int_equal(fsm_timers(&f, T0 + 365ULL * 86400 * 1000, &a), 0);
	run(&f, FSM_EV_UPDATE_MSG, NULL, T0 + 1, &a);
	fsm_update_sent(&f, T0 + 2);
	assert_int_equal(timer_mask(&f), 0);
	assert_int_equal(fsm_state(&f), FSM_ESTABLISHED);

	/* our side configured with 0 gives 0 whatever the peer says */
	cfg.hold_time = 0;
	o.hold_time = 30;
	establish(&f, &cfg, &o, T0);
	assert_int_equal(f.hold_time, 0);
	assert_int_equal(timer_mask(&f), 0);
}

static void test_open_validation(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(2, PEER_ID, PEER_AS);
	struct bgp_err verdict;
	struct fsm_ev_data od = { .open = &o };

	(void)state;
	/* Hold Time 1 or 2: Unacceptable Hold Time (RFC 4271 §6.2) */
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	run(&f, FSM_EV_BGP_OPEN, &od, T0, &a);
	assert_int_equal(f.last_event, FSM_EV_OPEN_MSG_ERR);
	assert_int_equal(a.a[0].type, FSM_ACT_SEND_NOTIFICATION);
	assert_int_equal(a.a[0].u.notif.code, BGP_ERR_OPEN);
	assert_int_equal(a.a[0].u.notif.subcode, BGP_ERR_OPEN_HOLD);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
	assert_null(fsm_peer_open(&f));

	/* the validator's verdict is what gets sent, data included */
	memset(&verdict, 0, sizeof(verdict));
	verdict.code = BGP_ERR_OPEN;
	verdict.subcode = BGP_ERR_OPEN_VERSION;
	verdict.data_len = 2;
	verdict.data[0] = 0;
	verdict.data[1] = 4;
	o.hold_time = 90;
	od.err = &verdict;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	run(&f, FSM_EV_BGP_OPEN, &od, T0, &a);
	assert_int_equal(a.a[0].u.notif.subcode, BGP_ERR_OPEN_VERSION);
	assert_int_equal(a.a[0].u.notif.data_len, 2);
	assert_int_equal(a.a[0].u.notif.data[1], 4);
	assert_int_equal(f.connect_retry_counter, 1);

	/* a verdict of "no error" is a valid OPEN */
	memset(&verdict, 0, sizeof(verdict));
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	run(&f, FSM_EV_BGP_OPEN, &od, T0, &a);
	assert_int_equal(fsm_state(&f), FSM_OPENCONFIRM);

	/* a BGPOpen without an OPEN is an OPEN error, not a crash */
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	run(&f, FSM_EV_BGP_OPEN, NULL, T0, &a);
	assert_int_equal(a.a[0].u.notif.code, BGP_ERR_OPEN);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
}

static void test_notification_classified(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_notification n = { BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, NULL, 0 };
	struct fsm_ev_data nd = { .notif = &n };

	(void)state;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_CR_ACKED, NULL, T0, &a);
	f.connect_retry_counter = 2;
	run(&f, FSM_EV_NOTIF_MSG, &nd, T0, &a);
	assert_int_equal(f.last_event, FSM_EV_NOTIF_VER_ERR);
	assert_int_equal(f.connect_retry_counter, 2);   /* Event 24: no increment */
	assert_true(f.last_down.notif_rcvd);
	assert_int_equal(f.last_down.code, BGP_ERR_OPEN);
	assert_null(find(&a, FSM_ACT_SEND_NOTIFICATION));
}

static void test_manual_stop_shutdown_message(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(90, PEER_ID, PEER_AS);
	struct bgp_err cease;
	struct fsm_ev_data sd = { .err = &cease };
	const char *msg = "[TICKET-1-1438367390] software upgrade; back in 2 hours";
	const struct fsm_action *x;

	(void)state;
	assert_int_equal(fsm_cease(&cease, BGP_CEASE_ADMIN_SHUTDOWN, msg), 0);
	establish(&f, &cfg, &o, T0);
	run(&f, FSM_EV_MANUAL_STOP, &sd, T0 + 1, &a);
	assert_int_equal(a.n, 4);
	x = &a.a[0];
	assert_int_equal(x->type, FSM_ACT_SEND_NOTIFICATION);
	assert_int_equal(x->u.notif.code, BGP_ERR_CEASE);
	assert_int_equal(x->u.notif.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	/* RFC 9003 §2: length octet then the UTF-8 text, no NUL */
	assert_int_equal(x->u.notif.data_len, 1 + strlen(msg));
	assert_int_equal(x->u.notif.data[0], strlen(msg));
	assert_memory_equal(x->u.notif.data + 1, msg, strlen(msg));
	assert_int_equal(a.a[1].type, FSM_ACT_TCP_DISCONNECT);
	assert_int_equal(a.a[2].type, FSM_ACT_STATE_CHANGE);
	assert_int_equal(a.a[3].type, FSM_ACT_SESSION_DOWN);
	assert_true(a.a[3].u.down.notif_sent);
	assert_int_equal(a.a[3].u.down.ev, FSM_EV_MANUAL_STOP);
	/* stopped by an operator: no automatic restart */
	assert_int_equal(fsm_next_deadline(&f), FSM_TIMER_OFF);
	assert_int_equal(f.connect_retry_counter, 0);

	/* the code is Cease whatever the driver passes */
	cease.code = BGP_ERR_UPDATE;
	establish(&f, &cfg, &o, T0);
	run(&f, FSM_EV_MANUAL_STOP, &sd, T0 + 1, &a);
	assert_int_equal(a.a[0].u.notif.code, BGP_ERR_CEASE);
	assert_int_equal(a.a[0].u.notif.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
}

static void test_cease_builders(void **state)
{
	struct bgp_err e;
	char longmsg[300];

	(void)state;
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_RESET, NULL), 0);
	assert_int_equal(e.code, BGP_ERR_CEASE);
	assert_int_equal(e.subcode, BGP_CEASE_ADMIN_RESET);
	assert_int_equal(e.data_len, 0);
	/* only subcodes 2 and 4 carry a Shutdown Communication */
	assert_int_equal(fsm_cease(&e, BGP_CEASE_PEER_DECONF, "bye"), -1);
	assert_int_equal(e.data_len, 0);
	/* invalid UTF-8: overlong, surrogate, stray continuation, truncated */
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_SHUTDOWN, "\xc0\xaf"), -1);
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_SHUTDOWN, "\xed\xa0\x80"), -1);
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_SHUTDOWN, "a\x80"), -1);
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_SHUTDOWN, "\xe2\x82"), -1);
	assert_int_equal(e.data_len, 0);
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_SHUTDOWN, "caf\xc3\xa9 \xf0\x9f\x98\x80"), 0);
	assert_int_equal(e.data[0], 10);
	/* cut to 128 octets, never inside a character: 127 ASCII + a 2-octet é */
	memset(longmsg, 'x', 127);
	longmsg[127] = (char)0xc3;
	longmsg[128] = (char)0xa9;
	longmsg[129] = 0;
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_SHUTDOWN, longmsg), 0);
	assert_int_equal(e.data[0], 127);
	assert_int_equal(e.data_len, 128);
	memset(longmsg, 'y', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = 0;
	assert_int_equal(fsm_cease(&e, BGP_CEASE_ADMIN_SHUTDOWN, longmsg), 0);
	assert_int_equal(e.data[0], FSM_SHUTDOWN_MSG_SAFE);

	fsm_cease_max_prefix(&e, BGP_AFI_IPV6, BGP_SAFI_UNICAST, 100000);
	assert_int_equal(e.code, BGP_ERR_CEASE);
	assert_int_equal(e.subcode, BGP_CEASE_MAX_PREFIX);
	assert_int_equal(e.data_len, 7);
	{
		const uint8_t want[7] = { 0, 2, 1, 0, 0x01, 0x86, 0xa0 };

		assert_memory_equal(e.data, want, 7);
	}
}

static void test_auto_stop_max_prefix(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(90, PEER_ID, PEER_AS);
	struct bgp_err cease;
	struct fsm_ev_data sd = { .err = &cease };

	(void)state;
	fsm_cease_max_prefix(&cease, BGP_AFI_IPV4, BGP_SAFI_UNICAST, 1000);
	establish(&f, &cfg, &o, T0);
	run(&f, FSM_EV_AUTO_STOP, &sd, T0 + 5, &a);
	assert_int_equal(a.a[0].u.notif.subcode, BGP_CEASE_MAX_PREFIX);
	assert_int_equal(a.a[0].u.notif.data_len, 7);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
	assert_int_equal(f.connect_retry_counter, 1);
	/* an automatic stop: restarts after the IdleHoldTimer */
	assert_true(fsm_timer_running(&f.timers, FSM_T_IDLE_HOLD));
}

/* A peer that comes up and drops again and again. */
static uint64_t flap(struct fsm *f, uint64_t now, uint64_t up_for, uint64_t *idle_wait)
{
	struct fsm_actions a;
	struct fsm_ev_data od = { .open = &g_open };

	memset(&a, 0, sizeof(a));
	assert_int_equal(fsm_state(f), FSM_IDLE);
	now = fsm_next_deadline(f);
	assert_int_equal(fsm_timers(f, now, &a), 1);       /* IdleHoldTimer: restart */
	assert_int_equal(fsm_state(f), FSM_CONNECT);
	run(f, FSM_EV_TCP_CR_ACKED, NULL, now, &a);
	run(f, FSM_EV_BGP_OPEN, &od, now, &a);
	run(f, FSM_EV_KEEPALIVE_MSG, NULL, now, &a);
	assert_int_equal(fsm_state(f), FSM_ESTABLISHED);
	now += up_for;
	run(f, FSM_EV_TCP_FAILS, NULL, now, &a);
	assert_int_equal(fsm_state(f), FSM_IDLE);
	*idle_wait = fsm_next_deadline(f) - now;
	return now;
}

static void test_idle_hold_backoff(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	uint64_t now, wait, expect = 5000;

	(void)state;
	fixtures();
	now = establish(&f, &cfg, &g_open, T0);
	run(&f, FSM_EV_TCP_FAILS, NULL, now + 1000, &a);
	now += 1000;
	wait = fsm_next_deadline(&f) - now;
	assert_in_range(wait, expect * 3 / 4, expect);
	/* each short-lived session doubles the hold, up to 300 s */
	for (int i = 0; i < 10; i++) {
		expect = expect * 2 > 300000 ? 300000 : expect * 2;
		now = flap(&f, now, 10000, &wait);
		assert_in_range(wait, expect * 3 / 4, expect);
	}
	assert_int_equal(expect, 300000);
	/* a session that stays up idle_hold_stable (300 s) resets it */
	now = flap(&f, now, 300000, &wait);
	assert_in_range(wait, 3750, 5000);
	now = flap(&f, now, 1000, &wait);
	assert_in_range(wait, 7500, 10000);

	/* without DampPeerOscillations the hold stays at its base */
	cfg.damp_peer_oscillations = false;
	now = establish(&f, &cfg, &g_open, T0);
	run(&f, FSM_EV_TCP_FAILS, NULL, now, &a);
	for (int i = 0; i < 4; i++) {
		now = flap(&f, now, 1000, &wait);
		assert_in_range(wait, 3750, 5000);
	}
	/* ... except after Cease / Administrative Shutdown (RFC 4486 §4) */
	{
		struct bgp_notification n = { BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, NULL, 0 };
		struct fsm_ev_data nd = { .notif = &n };

		now = establish(&f, &cfg, &g_open, T0);
		run(&f, FSM_EV_NOTIF_MSG, &nd, now + 10, &a);
		assert_in_range(fsm_next_deadline(&f) - (now + 10), 3750, 5000);
		assert_int_equal(f.idle_hold_ms, 10000);
	}

	/* a ManualStart resets the damping */
	cfg.damp_peer_oscillations = true;
	now = establish(&f, &cfg, &g_open, T0);
	run(&f, FSM_EV_TCP_FAILS, NULL, now, &a);
	now = flap(&f, now, 1000, &wait);
	now = flap(&f, now, 1000, &wait);
	assert_in_range(wait, 15000, 20000);
	run(&f, FSM_EV_MANUAL_STOP, NULL, now, &a);
	assert_int_equal(fsm_next_deadline(&f), FSM_TIMER_OFF);     /* restart cancelled */
	run(&f, FSM_EV_MANUAL_START, NULL, now, &a);
	run(&f, FSM_EV_TCP_FAILS, NULL, now, &a);
	assert_in_range(fsm_next_deadline(&f) - now, 3750, 5000);
}

static void test_auto_restart_limit(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	unsigned restarts = 0;
	uint64_t now = T0;

	(void)state;
	cfg.auto_restart_limit = 3;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, now, &a);
	/* the peer refuses every connection */
	for (;;) {
		run(&f, FSM_EV_TCP_FAILS, NULL, now, &a);
		assert_int_equal(fsm_state(&f), FSM_IDLE);
		if (fsm_next_deadline(&f) == FSM_TIMER_OFF)
			break;
		now = fsm_next_deadline(&f);
		memset(&a, 0, sizeof(a));
		assert_int_equal(fsm_timers(&f, now, &a), 1);
		assert_int_equal(fsm_state(&f), FSM_CONNECT);
		restarts++;
		assert_true(restarts <= 3);
	}
	assert_int_equal(restarts, 3);
}

static void test_damped_start_waits(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	uint64_t due;

	(void)state;
	cfg.passive = false;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	run(&f, FSM_EV_TCP_FAILS, NULL, T0, &a);
	due = fsm_next_deadline(&f);
	/* Event 7 while held down: remembered, honoured when the hold ends */
	run(&f, FSM_EV_AUTO_START_DAMP_PASSIVE, NULL, T0 + 1, &a);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
	memset(&a, 0, sizeof(a));
	assert_int_equal(fsm_timers(&f, due, &a), 1);
	assert_int_equal(fsm_state(&f), FSM_ACTIVE);
	assert_null(find(&a, FSM_ACT_TCP_CONNECT));
}

static void test_connect_retry(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	uint64_t now = T0;

	(void)state;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, now, &a);
	/* SYNs unanswered: every ConnectRetryTime, drop and reconnect */
	for (int i = 0; i < 5; i++) {
		uint64_t due = fsm_next_deadline(&f);

		assert_in_range(due - now, 90000, 120000);
		now = due;
		memset(&a, 0, sizeof(a));
		assert_int_equal(fsm_timers(&f, now, &a), 1);
		assert_int_equal(a.n, 2);
		assert_int_equal(a.a[0].type, FSM_ACT_TCP_DISCONNECT);
		assert_int_equal(a.a[1].type, FSM_ACT_TCP_CONNECT);
		assert_int_equal(fsm_state(&f), FSM_CONNECT);
	}
}

static void test_route_refresh_and_update_error(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;
	struct bgp_open o = mk_open(90, PEER_ID, PEER_AS);
	struct fsm_ev_data none = { 0 };

	(void)state;
	establish(&f, &cfg, &o, T0);
	run(&f, FSM_EV_RREFRESH_MSG, NULL, T0 + 100, &a);
	assert_int_equal(a.a[0].type, FSM_ACT_PROCESS_RREFRESH);
	assert_int_equal(f.timers.deadline[FSM_T_HOLD], T0 + 100 + 90000);
	/* an UpdateMsgErr without the error detail still sends an UPDATE error */
	run(&f, FSM_EV_UPDATE_MSG_ERR, &none, T0 + 200, &a);
	assert_int_equal(a.a[0].u.notif.code, BGP_ERR_UPDATE);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
}

static void test_release_and_inherit(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f, g;
	struct fsm_actions a;

	(void)state;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, FSM_EV_MANUAL_START, NULL, T0, &a);
	f.connect_retry_counter = 7;
	f.idle_hold_ms = 40000;
	memset(&a, 0, sizeof(a));
	fsm_release(&f, &a);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.a[0].type, FSM_ACT_TCP_DISCONNECT);
	assert_int_equal(a.a[1].type, FSM_ACT_STATE_CHANGE);
	assert_int_equal(fsm_next_deadline(&f), FSM_TIMER_OFF);
	assert_int_equal(f.connect_retry_counter, 7);

	cfg.hold_time = 30;
	assert_int_equal(fsm_init(&g, &cfg, SEED + 1), 0);
	fsm_inherit(&g, &f);
	assert_int_equal(g.connect_retry_counter, 7);
	assert_int_equal(g.idle_hold_ms, 40000);
	assert_int_equal(g.cfg.hold_time, 90);
}

static void test_config(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	const char *why = NULL;

	(void)state;
	assert_int_equal(fsm_config_check(&cfg, &why), 0);
	assert_null(why);
	cfg.hold_time = 2;
	assert_int_equal(fsm_config_check(&cfg, &why), -1);
	assert_non_null(why);
	assert_int_equal(fsm_init(&f, &cfg, SEED), -1);
	cfg = base_cfg();
	cfg.connect_retry_time = 0;
	assert_int_equal(fsm_config_check(&cfg, NULL), -1);
	cfg = base_cfg();
	cfg.delay_open = true;
	cfg.delay_open_time = 0;
	assert_int_equal(fsm_config_check(&cfg, NULL), -1);
	cfg = base_cfg();
	cfg.idle_hold_max = 1;
	assert_int_equal(fsm_config_check(&cfg, NULL), -1);
	cfg = base_cfg();
	cfg.hold_time = 0;
	assert_int_equal(fsm_config_check(&cfg, NULL), 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fsm_state_name(FSM_IDLE), "Idle");
	assert_string_equal(fsm_state_name(FSM_CONNECT), "Connect");
	assert_string_equal(fsm_state_name(FSM_ACTIVE), "Active");
	assert_string_equal(fsm_state_name(FSM_OPENSENT), "OpenSent");
	assert_string_equal(fsm_state_name(FSM_OPENCONFIRM), "OpenConfirm");
	assert_string_equal(fsm_state_name(FSM_ESTABLISHED), "Established");
	assert_string_equal(fsm_state_name((enum fsm_state)99), "?");
	assert_string_equal(fsm_event_name(FSM_EV_TCP_CR_ACKED), "Tcp_CR_Acked");
	assert_string_equal(fsm_event_name(FSM_EV_OPEN_COLLISION_DUMP), "OpenCollisionDump");
	for (int ev = 0; ev < FSM_EV_N; ev++)
		assert_non_null(fsm_event_name((enum fsm_event)ev));
	for (int t = 0; t < FSM_ACT_N; t++)
		assert_string_not_equal(fsm_action_name((enum fsm_action_type)t), "?");
	for (int t = 0; t < FSM_T_N; t++)
		assert_string_not_equal(fsm_timer_name((enum fsm_timer)t), "?");
}

static void test_bad_input(void **state)
{
	struct fsm_config cfg = base_cfg();
	struct fsm f;
	struct fsm_actions a;

	(void)state;
	assert_int_equal(fsm_init(&f, &cfg, SEED), 0);
	run(&f, (enum fsm_event)0, NULL, T0, &a);
	run(&f, (enum fsm_event)200, NULL, T0, &a);
	run(&f, (enum fsm_event)-3, NULL, T0, &a);
	assert_int_equal(a.n, 0);
	assert_int_equal(fsm_state(&f), FSM_IDLE);
	/* every event in every state with no data at all: no crash, valid state */
	for (int st = 0; st < FSM_STATE_N; st++) {
		for (int ev = 1; ev < FSM_EV_N; ev++) {
			reach(&f, (enum fsm_state)st, V_PLAIN);
			run(&f, (enum fsm_event)ev, NULL, T0 + 1, &a);
			assert_true(fsm_state(&f) < FSM_STATE_N);
		}
	}
}

static void test_jitter(void **state)
{
	struct fsm_rng r1, r2;
	uint64_t min = UINT64_MAX, max = 0;

	(void)state;
	fsm_rng_seed(&r1, 7);
	fsm_rng_seed(&r2, 7);
	for (int i = 0; i < 10000; i++) {
		uint64_t j = fsm_jitter(&r1, 120000);

		assert_int_equal(j, fsm_jitter(&r2, 120000));
		assert_in_range(j, 90000, 120000);
		if (j < min)
			min = j;
		if (j > max)
			max = j;
	}
	/* it spreads over the range rather than sticking to one end */
	assert_true(min < 91000);
	assert_true(max > 119000);
	assert_int_equal(fsm_jitter(&r1, 0), 0);
	assert_in_range(fsm_jitter(&r1, UINT64_MAX / 2), UINT64_MAX / 2 / 4 * 3, UINT64_MAX / 2);
}

/* Invariants that hold whatever the event sequence: a seeded random walk over
 * every event, with valid, invalid and missing data, and the clock running. */
static void check_invariants(const struct fsm *f, enum fsm_state before, const struct fsm_actions *a)
{
	unsigned m = timer_mask(f);
	enum fsm_state cur = before;

	assert_false(a->overflow);
	assert_true(f->state < FSM_STATE_N);
	for (unsigned i = 0; i < a->n; i++) {
		const struct fsm_action *x = &a->a[i];

		assert_true(x->type < FSM_ACT_N);
		if (x->type == FSM_ACT_STATE_CHANGE) {
			assert_int_equal(x->u.change.from, cur);
			assert_int_not_equal(x->u.change.to, cur);
			cur = x->u.change.to;
		}
		/* routes are released exactly when a session leaves Established */
		if (x->type == FSM_ACT_SESSION_DOWN)
			assert_true(i > 0 && a->a[i - 1].type == FSM_ACT_STATE_CHANGE &&
			            a->a[i - 1].u.change.from == FSM_ESTABLISHED);
		if (x->type == FSM_ACT_ESTABLISHED)
			assert_int_equal(cur, FSM_ESTABLISHED);
	}
	assert_int_equal(cur, f->state);
	switch (f->state) {
	case FSM_IDLE:
		assert_int_equal(m & ~IH, 0);
		break;
	case FSM_CONNECT:
	case FSM_ACTIVE:
		assert_int_equal(m & (HO | KA | IH), 0);
		assert_true((m & CR) || (m & DO) || f->cfg.passive);
		break;
	case FSM_OPENSENT:
		assert_int_equal(m, HO);
		break;
	case FSM_OPENCONFIRM:
	case FSM_ESTABLISHED:
		assert_int_equal(m & (CR | DO | IH), 0);
		assert_int_equal(m, f->hold_time ? (HO | KA) : 0u);
		assert_non_null(fsm_peer_open(f));
		break;
	default:
		fail();
	}
}

static void test_random_walk(void **state)
{
	struct fsm_rng r;
	struct bgp_open o0 = mk_open(0, PEER_ID, PEER_AS), o1 = mk_open(1, PEER_ID, PEER_AS);
	struct bgp_notification ncease = { BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, NULL, 0 };
	uint64_t now = T0;
	struct fsm f;

	(void)state;
	fixtures();
	fsm_rng_seed(&r, 2024);
	for (int run_no = 0; run_no < 40; run_no++) {
		struct fsm_config cfg = base_cfg();
		uint32_t flags = fsm_rng_u32(&r);

		cfg.delay_open = flags & 1;
		cfg.passive = flags & 2;
		cfg.send_notification_without_open = flags & 4;
		cfg.allow_auto_start = !(flags & 8);
		cfg.allow_auto_stop = !(flags & 16);
		cfg.damp_peer_oscillations = !(flags & 32);
		cfg.hold_time = (flags & 64) ? 0 : 9;
		assert_int_equal(fsm_init(&f, &cfg, flags), 0);
		for (int step = 0; step < 2500; step++) {
			struct fsm_actions a;
			struct fsm_ev_data d;
			enum fsm_state before = f.state;
			uint32_t x = fsm_rng_u32(&r);

			memset(&a, 0, sizeof(a));
			if (x % 4 == 0) {
				now += x % 20000;
				fsm_timers(&f, now, &a);
				/* fsm_timers may fire several events: check the chain */
			} else {
				/* half the time the event that moves the session along, so
				 * every state is visited often */
				static const enum fsm_event progress[FSM_STATE_N] = {
					FSM_EV_MANUAL_START, FSM_EV_TCP_CR_ACKED, FSM_EV_TCP_CONFIRMED,
					FSM_EV_BGP_OPEN, FSM_EV_KEEPALIVE_MSG, FSM_EV_UPDATE_MSG,
				};
				enum fsm_event e = (enum fsm_event)(1 + (x >> 8) % (FSM_EV_N - 1));

				if ((x >> 24) & 1)
					e = progress[f.state];

				d = data_for(e);
				switch ((x >> 16) % 6) {
				case 0:
					d.open = NULL;
					d.err = NULL;
					d.notif = NULL;
					break;
				case 1:
					d.open = &o0;
					break;
				case 2:
					d.open = &o1;
					break;
				case 3:
					d.notif = &ncease;
					break;
				default:
					break;
				}
				fsm_event(&f, e, &d, now, &a);
			}
			check_invariants(&f, before, &a);
			assert_true(fsm_next_deadline(&f) == FSM_TIMER_OFF || fsm_next_deadline(&f) >= now ||
			            x % 4 != 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_is_complete),
		cmocka_unit_test(test_active_establishment),
		cmocka_unit_test(test_passive_establishment),
		cmocka_unit_test(test_delay_open_timer_expires),
		cmocka_unit_test(test_delay_open_peer_opens_first),
		cmocka_unit_test(test_delay_open_tcp_fails_in_connect),
		cmocka_unit_test(test_hold_timer_expiry),
		cmocka_unit_test(test_hold_timer_in_opensent),
		cmocka_unit_test(test_keepalive_cadence),
		cmocka_unit_test(test_hold_time_zero),
		cmocka_unit_test(test_open_validation),
		cmocka_unit_test(test_notification_classified),
		cmocka_unit_test(test_manual_stop_shutdown_message),
		cmocka_unit_test(test_cease_builders),
		cmocka_unit_test(test_auto_stop_max_prefix),
		cmocka_unit_test(test_idle_hold_backoff),
		cmocka_unit_test(test_auto_restart_limit),
		cmocka_unit_test(test_damped_start_waits),
		cmocka_unit_test(test_connect_retry),
		cmocka_unit_test(test_route_refresh_and_update_error),
		cmocka_unit_test(test_release_and_inherit),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_random_walk),
	};

	fixtures();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
