/*
 * bgpd/fsm.h — the BGP finite-state machine of RFC 4271 §8, one per TCP connection,
 * as a pure machine.
 *
 * The driver feeds it events and the time, and acts on what it returns:
 *
 *     struct fsm_actions acts = { 0 };
 *     fsm_event(&fsm, FSM_EV_BGP_OPEN, &(struct fsm_ev_data){ .open = &o, .err = &verr },
 *               now_ms, &acts);
 *     for (i = 0; i < acts.n; i++) switch (acts.a[i].type) { ... }
 *     ...
 *     wake up at fsm_next_deadline(&fsm), then fsm_timers(&fsm, now_ms, &acts).
 *
 * It reads no clock, touches no socket, prints nothing. Timers are deadlines in
 * milliseconds on the driver's monotonic clock (fsm_timers.h). RFC 4271 §10
 * jitter (x 0.75..1.0, seeded PRNG) applies to the ConnectRetryTimer, the
 * KeepaliveTimer and the IdleHoldTimer (so restarts of many peers spread out);
 * not to the HoldTimer, the deadline agreed with the peer, nor DelayOpenTimer.
 *
 * What the machine classifies itself, so the driver need not know its state:
 *   - a BGPOpen (19) while the DelayOpenTimer runs becomes Event 20;
 *   - a BGPOpen whose validation failed (ev_data.err->code != 0), or whose Hold Time
 *     is 1 or 2 s (RFC 4271 §4.2, §6.2), becomes BGPOpenMsgErr (22);
 *   - a NotifMsg (25) carrying OPEN Message Error / Unsupported Version Number
 *     becomes NotifMsgVerErr (24).
 *
 * Deliberate readings of §8.2.2, each commented where it is coded:
 *   - Collision detection (§6.8) is done by the per-peer layer (bgpd/peer_fsm.h),
 *     which owns both connections' FSMs and turns a lost collision into
 *     OpenCollisionDump (23). An OPEN that reaches an FSM in OpenConfirm or
 *     Established is therefore a second OPEN on the same connection: FSM Error with
 *     the RFC 6608 subcode, as RFC 6608 §3 says for an unexpected OPEN.
 *   - A NOTIFICATION received in OpenSent is not answered by an FSM-error
 *     NOTIFICATION: its sender has already closed (RFC 4271 §4.5, §6.4).
 *   - A header error in Established is answered with Message Header Error
 *     (RFC 4271 §6.1 "MUST") rather than FSM Error.
 *   - PassiveTcpEstablishment never initiates a connection, even when the
 *     ConnectRetryTimer expires in Active (operators' meaning of "passive").
 *   - After any stop other than ManualStop, with AllowAutomaticStart, the FSM
 *     restarts itself when the IdleHoldTimer expires; DampPeerOscillations makes
 *     that hold grow (see struct fsm_config).
 *   - ROUTE-REFRESH (RFC 2918) is event FSM_EV_RREFRESH_MSG, a local addition:
 *     processed and restarting the HoldTimer in Established, an unexpected message
 *     (RFC 6608) in OpenSent/OpenConfirm, "any other event" in Connect/Active.
 *   - Established drops on TcpConnectionFails / NOTIFICATION are damped too (a
 *     session that flaps is what §8.1.1's damping is for); a collision dump is not.
 *   - The RFC's "AllowAutomaticStop SHOULD be TRUE" for Event 8 is enforced: with
 *     it FALSE, AutomaticStop is ignored; likewise AllowAutomaticStart for Events
 *     3, 5, 6, 7 and 13. A ManualStop in Idle cancels a pending automatic restart.
 *   - Every action list is in the order the driver must carry it out: a
 *     NOTIFICATION before the TCP_DISCONNECT, STATE_CHANGE then SESSION_DOWN or
 *     ESTABLISHED.
 */
#ifndef BGPD_FSM_H
#define BGPD_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd/fsm_timers.h"
#include "bgpd/msg.h"

/* RFC 4271 §8.2.2. */
enum fsm_state {
	FSM_IDLE,
	FSM_CONNECT,
	FSM_ACTIVE,
	FSM_OPENSENT,
	FSM_OPENCONFIRM,
	FSM_ESTABLISHED,
	FSM_STATE_N
};

/* RFC 4271 §8.1, numbered as §8.2.1.4 numbers them. */
enum fsm_event {
	FSM_EV_NONE = 0,
	FSM_EV_MANUAL_START = 1,
	FSM_EV_MANUAL_STOP = 2,
	FSM_EV_AUTO_START = 3,
	FSM_EV_MANUAL_START_PASSIVE = 4,
	FSM_EV_AUTO_START_PASSIVE = 5,
	FSM_EV_AUTO_START_DAMP = 6,
	FSM_EV_AUTO_START_DAMP_PASSIVE = 7,
	FSM_EV_AUTO_STOP = 8,
	FSM_EV_CONNECT_RETRY_EXPIRES = 9,
	FSM_EV_HOLD_EXPIRES = 10,
	FSM_EV_KEEPALIVE_EXPIRES = 11,
	FSM_EV_DELAY_OPEN_EXPIRES = 12,
	FSM_EV_IDLE_HOLD_EXPIRES = 13,
	FSM_EV_TCP_CR_VALID = 14,
	FSM_EV_TCP_CR_INVALID = 15,
	FSM_EV_TCP_CR_ACKED = 16,
	FSM_EV_TCP_CONFIRMED = 17,
	FSM_EV_TCP_FAILS = 18,
	FSM_EV_BGP_OPEN = 19,
	FSM_EV_BGP_OPEN_DELAYED = 20,
	FSM_EV_HEADER_ERR = 21,
	FSM_EV_OPEN_MSG_ERR = 22,
	FSM_EV_OPEN_COLLISION_DUMP = 23,
	FSM_EV_NOTIF_VER_ERR = 24,
	FSM_EV_NOTIF_MSG = 25,
	FSM_EV_KEEPALIVE_MSG = 26,
	FSM_EV_UPDATE_MSG = 27,
	FSM_EV_UPDATE_MSG_ERR = 28,
	FSM_EV_RREFRESH_MSG = 29,       /* local: ROUTE-REFRESH received, RFC 2918 */
	FSM_EV_N
};

/* Session attributes (RFC 4271 §8, §8.1.1) and timer values. Times in seconds,
 * as configured; fsm_config_default() gives the values in brackets. */
struct fsm_config {
	uint32_t local_as;              /* for internal/external (§8.2.2) [0] */
	uint32_t local_id;              /* our BGP Identifier, §6.8 [0] */
	uint32_t remote_id;             /* peer's BGP Identifier if known by means
	                                 * outside the protocol, §6.8; 0: unknown [0] */
	uint16_t hold_time;             /* HoldTime, §10; 0 or >= 3 [90] */
	uint16_t keepalive_time;        /* KeepaliveTime; 0: negotiated hold / 3 [0] */
	uint16_t open_hold_time;        /* the "large value" of §8.2.2 in OpenSent [240] */
	uint16_t connect_retry_time;    /* ConnectRetryTime, §10 [120] */
	uint16_t delay_open_time;       /* DelayOpenTime [5] */
	/* IdleHoldTimer: after an automatic stop the FSM waits idle_hold_time, then
	 * restarts. With DampPeerOscillations each damped stop doubles the wait up to
	 * idle_hold_max; a session that had stayed Established idle_hold_stable seconds
	 * resets it. Defaults 5 s / 300 s / 300 s: a flapping peer is retried after 5,
	 * 10, 20, 40, 80, 160, 300, 300 ... s. */
	uint16_t idle_hold_time;        /* [5] */
	uint16_t idle_hold_max;         /* [300] */
	uint16_t idle_hold_stable;      /* [300] */
	/* RFC 4486 §4: bound on consecutive automatic restarts that never reach
	 * Established; once hit the FSM stays Idle until a ManualStart. 0: no bound [0] */
	uint16_t auto_restart_limit;
	bool allow_auto_start;          /* AllowAutomaticStart [true] */
	bool allow_auto_stop;           /* AllowAutomaticStop [true] */
	bool damp_peer_oscillations;    /* DampPeerOscillations [true] */
	bool passive;                   /* PassiveTcpEstablishment [false] */
	bool delay_open;                /* DelayOpen [false] */
	bool collision_detect_established; /* CollisionDetectEstablishedState [false] */
	bool send_notification_without_open; /* SendNOTIFICATIONwithoutOPEN [false] */
};

/* What an event carries; every member optional. */
struct fsm_ev_data {
	const struct bgp_open *open;            /* 19/20: the decoded OPEN */
	const struct bgp_err *err;              /* 19/20: bgp_open_validate's verdict
	                                         * (code 0: valid); 21/22/28: the
	                                         * NOTIFICATION to send; 2/8: Cease
	                                         * subcode and data (code is forced to
	                                         * Cease) */
	const struct bgp_notification *notif;   /* 24/25: what the peer sent */
};

enum fsm_action_type {
	FSM_ACT_TCP_CONNECT,        /* initiate a TCP connection to the peer */
	FSM_ACT_TCP_DISCONNECT,     /* drop this FSM's TCP connection, if it has one */
	FSM_ACT_TCP_REJECT,         /* refuse the connection request of Event 15 */
	FSM_ACT_SEND_OPEN,          /* build the OPEN from configuration and send it */
	FSM_ACT_SEND_KEEPALIVE,
	FSM_ACT_SEND_NOTIFICATION,  /* .u.notif */
	FSM_ACT_PROCESS_UPDATE,     /* hand the UPDATE just received to the RIB */
	FSM_ACT_PROCESS_RREFRESH,   /* re-advertise per the ROUTE-REFRESH received */
	FSM_ACT_ESTABLISHED,        /* .u.est: the session is up */
	FSM_ACT_SESSION_DOWN,       /* .u.down: release the peer's routes */
	FSM_ACT_STATE_CHANGE,       /* .u.change: log it */
	FSM_ACT_N
};

/* Why a session ended: the event, and the NOTIFICATION sent or received if any. */
struct fsm_reason {
	enum fsm_event ev;
	bool notif_sent;
	bool notif_rcvd;
	uint8_t code;
	uint8_t subcode;
};

struct fsm_action {
	enum fsm_action_type type;
	union {
		struct bgp_err notif;
		struct {
			uint16_t hold_time;     /* negotiated, s; 0: no hold timer */
			uint32_t keepalive_ms;  /* 0: no keepalives */
			bool ibgp;
		} est;
		struct fsm_reason down;
		struct {
			enum fsm_state from, to;
			enum fsm_event ev;
		} change;
	} u;
};

/* Enough for the events fsm_timers() may fire back to back. */
#define FSM_EVENT_ACTIONS_MAX 6     /* most one event emits (4 today) */
#define FSM_ACTIONS_MAX 16
struct fsm_actions {
	unsigned n;
	bool overflow;              /* set if an action was lost: a bug, never expected */
	struct fsm_action a[FSM_ACTIONS_MAX];
};

struct fsm {
	struct fsm_config cfg;
	enum fsm_state state;
	struct fsm_timerset timers;
	struct fsm_rng rng;
	uint32_t connect_retry_counter;     /* ConnectRetryCounter, RFC 4271 §8 */
	bool outgoing;                      /* our TCP connection was initiated by us */
	bool start_pending;                 /* Event 6/7 waiting for the IdleHoldTimer */
	bool start_pending_passive;
	/* Negotiated at BGPOpen (RFC 4271 §4.2). */
	uint16_t hold_time;
	uint32_t keepalive_ms;
	bool ibgp;
	bool have_peer_open;
	struct bgp_open peer_open;
	/* Oscillation damping. */
	uint32_t idle_hold_ms;              /* the next IdleHoldTime */
	uint32_t auto_restarts;             /* consecutive, since last Established */
	uint64_t established_at;
	/* Diagnostics for logs and the CLI. */
	enum fsm_event last_event;
	struct fsm_reason last_down;
};

#define FSM_HOLD_MIN 3              /* RFC 4271 §4.2: zero or at least three seconds */

void fsm_config_default(struct fsm_config *cfg);
/* 0 if usable; else -1 and *why says what is wrong. */
int fsm_config_check(const struct fsm_config *cfg, const char **why);
/* Idle, all timers stopped. -1 (and fsm untouched) if the config is unusable. */
int fsm_init(struct fsm *fsm, const struct fsm_config *cfg, uint64_t seed);

/* The one entry point: RFC 4271 §8.2.2. Appends to out (not cleared). */
void fsm_event(struct fsm *fsm, enum fsm_event ev, const struct fsm_ev_data *data,
               uint64_t now_ms, struct fsm_actions *out);
/* The earliest running timer's deadline, FSM_TIMER_OFF if none. */
uint64_t fsm_next_deadline(const struct fsm *fsm);
/* Fire every timer due at now_ms, earliest first; returns how many fired. */
unsigned fsm_timers(struct fsm *fsm, uint64_t now_ms, struct fsm_actions *out);
/* The driver sent an UPDATE: RFC 4271 §8.2.2 restarts the KeepaliveTimer. */
void fsm_update_sent(struct fsm *fsm, uint64_t now_ms);
/* Abandon this FSM without protocol side effects (the per-peer layer disposing of
 * a superseded connection, §8.2.1.2): TCP_DISCONNECT, then Idle, no restart. */
void fsm_release(struct fsm *fsm, struct fsm_actions *out);
/* Take over the per-peer history (ConnectRetryCounter, damping) of `from`, and
 * its configuration, when `heir` becomes the configured peering's FSM. */
void fsm_inherit(struct fsm *heir, const struct fsm *from);

static inline enum fsm_state fsm_state(const struct fsm *fsm) { return fsm->state; }
/* The peer's OPEN, once accepted (OpenConfirm onwards; kept after the session
 * ends until the next start), else NULL. */
const struct bgp_open *fsm_peer_open(const struct fsm *fsm);
/* The FSM holds (or is establishing) a TCP connection of its own. */
bool fsm_has_connection(const struct fsm *fsm);

const char *fsm_state_name(enum fsm_state s);
const char *fsm_event_name(enum fsm_event ev);
const char *fsm_action_name(enum fsm_action_type t);

/* Cease NOTIFICATIONs (RFC 4486), to pass in fsm_ev_data.err for Events 2 and 8. */
#define FSM_SHUTDOWN_MSG_SAFE 128   /* RFC 9003 §3: longest safe without knowing the peer */
/* Cease with subcode; for Administrative Shutdown/Reset an optional RFC 9003
 * Shutdown Communication, cut to FSM_SHUTDOWN_MSG_SAFE octets on a character
 * boundary. -1 if msg is not valid UTF-8 or the subcode takes no message. */
int fsm_cease(struct bgp_err *err, uint8_t subcode, const char *msg);
/* Cease / Maximum Number of Prefixes Reached with AFI, SAFI, bound (RFC 4486 §4). */
void fsm_cease_max_prefix(struct bgp_err *err, uint16_t afi, uint8_t safi, uint32_t limit);

#endif /* BGPD_FSM_H */
