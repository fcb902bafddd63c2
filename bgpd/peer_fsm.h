/*
 * bgpd/peer_fsm.h — one configured peering: up to two connection FSMs and the
 * collision rules between them (RFC 4271 §6.8, §8.2.1, §8.2.1.2). Pure, like the
 * FSM: events and `now` in, tagged actions out.
 *
 * RFC 4271 §8.2.1: "A BGP implementation will have, at most, one FSM for each
 * configured peering, plus one FSM for each incoming TCP connection for which the
 * peer has not yet been identified. Each FSM corresponds to exactly one TCP
 * connection." So a peer_fsm holds two slots:
 *
 *   - the primary FSM is the configured peering's: it takes the administrative
 *     events, connects out, retries, damps, and restarts itself;
 *   - the secondary FSM exists only for an incoming connection that arrives while
 *     the primary already has a connection of its own (Connect, a delayed OPEN,
 *     OpenSent, OpenConfirm, Established). It is passive and never restarts.
 *
 * An incoming connection while the primary is Active (listening, no connection)
 * goes to the primary; while it is Idle it is refused (§8.2.2 Idle "refuses all
 * incoming BGP connections"); while a secondary already exists it is refused.
 *
 * When an OPEN arrives on one slot, the other slot is examined (collision.h); the
 * loser gets OpenCollisionDump (Event 23, Cease / Connection Collision
 * Resolution). After every call:
 *   - a secondary left without a connection is disposed of (§8.2.1.2);
 *   - if the primary ended up Idle while the secondary lives, or the secondary
 *     became Established while the primary was still connecting, the secondary is
 *     promoted: it becomes the primary and inherits the peering's history
 *     (ConnectRetryCounter, damping) and configuration; the old one is released.
 *
 * The driver keeps one TCP connection per slot; every action names its slot.
 */
#ifndef BGPD_PEER_FSM_H
#define BGPD_PEER_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd/fsm.h"

#define PEER_SLOTS 2
#define PEER_SLOT_NONE (-1)

struct peer_action {
	int slot;                   /* the connection the action is for */
	struct fsm_action act;
};

#define PEER_ACTIONS_MAX (PEER_SLOTS * FSM_ACTIONS_MAX + 8)
struct peer_actions {
	unsigned n;
	bool overflow;              /* set if an action was lost: a bug, never expected */
	struct peer_action a[PEER_ACTIONS_MAX];
};

struct peer_fsm {
	struct fsm conn[PEER_SLOTS];
	bool used[PEER_SLOTS];
	int primary;
	struct fsm_config cfg;      /* the configured peering's attributes */
	struct fsm_rng rng;         /* seeds for secondary FSMs */
};

/* Primary in Idle, no secondary. -1 if the configuration is unusable. */
int peer_fsm_init(struct peer_fsm *p, const struct fsm_config *cfg, uint64_t seed);

/* Events 1-8 (administrative) go to the peering: starts to the primary, stops to
 * every connection; `slot` is ignored. Every other event is for the connection
 * in `slot`; a BGPOpen is checked for a collision first. */
void peer_fsm_event(struct peer_fsm *p, int slot, enum fsm_event ev,
                    const struct fsm_ev_data *data, uint64_t now_ms, struct peer_actions *out);

/* A TCP connection from the peer has been accepted (TcpConnectionConfirmed):
 * returns the slot now owning it, or PEER_SLOT_NONE if refused (the driver closes
 * it, sending Cease / Connection Rejected first if it sends NOTIFICATIONs
 * without OPEN, RFC 4486 §4). */
int peer_fsm_accept(struct peer_fsm *p, uint64_t now_ms, struct peer_actions *out);

uint64_t peer_fsm_next_deadline(const struct peer_fsm *p);
void peer_fsm_timers(struct peer_fsm *p, uint64_t now_ms, struct peer_actions *out);
void peer_fsm_update_sent(struct peer_fsm *p, int slot, uint64_t now_ms);

/* The FSM in slot, NULL if the slot is empty or out of range. */
struct fsm *peer_fsm_conn(struct peer_fsm *p, int slot);
static inline int peer_fsm_primary(const struct peer_fsm *p) { return p->primary; }
/* The peering's state for display: the furthest along of its connections. */
enum fsm_state peer_fsm_state(const struct peer_fsm *p);
/* The slot whose FSM is Established, or PEER_SLOT_NONE. */
int peer_fsm_established(const struct peer_fsm *p);

#endif /* BGPD_PEER_FSM_H */
