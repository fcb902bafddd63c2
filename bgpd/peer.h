/*
 * bgpd/peer.h — one configured neighbour at run time: the per-peer FSM layer
 * (up to two connections, RFC 4271 §6.8), its timers on the event loop, the
 * OPEN we send and the one we accept, and the counters `show neighbors` shows.
 */
#ifndef BGPD_PEER_H
#define BGPD_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd/log.h"
#include "bgpd/msg.h"
#include "bgpd/peer_fsm.h"
#include "config/config.h"
#include "tcp/md5.h"
#include "tcp/tcp.h"

struct bgpd;
struct session;
struct event;
struct rg_peer;
struct bgp_open;

#define PEER_MSG_TYPES 6        /* index = BGP message type 1..5; 0 unused */

struct peer {
	struct bgpd *d;
	const struct config_neighbor *nb;       /* in d->cfg; replaced on reload */
	struct tcp_ip addr;
	char name[TCP_ADDRSTRLEN];              /* the address, for logs */
	struct peer_fsm pf;
	struct session *sess[PEER_SLOTS];
	struct event *timer;
	struct tcp_md5_keys *md5;               /* the neighbour's key, if any */
	struct tcp_sock_opts so;
	bool admin_down;

	/* what `show neighbors` reports */
	uint64_t msgs_in[PEER_MSG_TYPES], msgs_out[PEER_MSG_TYPES];
	char last_error[300];                   /* last NOTIFICATION, in words */
	uint64_t established_ms;                /* 0 when not Established */
	uint64_t last_change_ms;
	uint16_t hold_time;                     /* negotiated */
	uint32_t flaps;
	uint64_t prefixes_received, prefixes_advertised;
	struct log_ratelimit rl;
	struct rg_peer *rg;                     /* routing side (bgpd/rib_glue.c) */
	struct event *restart_timer;            /* max-prefix restart */
};

struct peer *peer_new(struct bgpd *d, const struct config_neighbor *nb);
void peer_free(struct peer *p);
/* ManualStart, unless configured down. */
void peer_start(struct peer *p);
/* The OPEN we send (what we advertise). */
void peer_local_open(const struct peer *p, struct bgp_open *o);
/* Too many prefixes: Cease / Maximum Number of Prefixes Reached (RFC 4486 §4)
 * and down; started again after restart_s seconds, or by `neighbor enable` when
 * 0. */
void peer_stop_max_prefix(struct peer *p, uint16_t afi, uint8_t safi, uint32_t limit,
                          uint32_t restart_s);
/* ManualStop with Cease/Administrative Shutdown and an RFC 9003 message. */
void peer_stop(struct peer *p, uint8_t subcode, const char *message);
/* An FSM event for the connection in slot. */
void peer_event(struct peer *p, int slot, enum fsm_event ev, const struct fsm_ev_data *data);
/* A TCP connection from this peer's address was accepted. */
void peer_accept(struct peer *p, struct tcp_conn *c);
/* The OPEN policy (what we demand of the peer's OPEN). */
void peer_open_policy(const struct peer *p, struct bgp_open_policy *pol);
enum fsm_state peer_state(const struct peer *p);
/* The FSM's negotiated session, if Established: the peer's OPEN. */
const struct bgp_open *peer_open_received(const struct peer *p);
bool peer_has_sessions(const struct peer *p);

/* session.c calls back: */
void peer_session_gone(struct peer *p, struct session *s);

#endif /* BGPD_PEER_H */
