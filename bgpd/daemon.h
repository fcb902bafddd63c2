/*
 * bgpd/daemon.h — the running daemon: one libevent loop carrying our TCP stack,
 * the listeners on port 179, every configured peer and the control socket.
 *
 *   main.c      command line, start-up, signals, shut-down
 *   daemon.c    building the running state from a config; listeners; reload
 *   peer.c      one neighbour: its FSM (peer_fsm), timers, OPEN, counters
 *   session.c   one TCP connection of a peer: framing, decoding, sending
 *   daemon_ctl.c the control-socket commands
 */
#ifndef BGPD_DAEMON_H
#define BGPD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "tcp/tcpev.h"

struct event_base;
struct event;
struct control;
struct peer;
struct session_priv;
struct rib_glue;

#define BGPD_MAX_LISTENERS 16

struct bgpd {
	struct event_base *base;
	struct bgpd_config *cfg;
	const char *config_path;
	struct tcpev *tcp;
	struct tcp_listener *listeners[BGPD_MAX_LISTENERS];
	unsigned n_listeners;
	struct peer **peers;
	size_t n_peers;
	struct control *ctl;
	uint64_t start_ms;
	bool shutting_down;
	uint64_t seed;                  /* for FSM jitter */
	char shutdown_msg[256];
	struct session_priv *sessions;  /* every session, lingering ones too */
	struct rib_glue *rg;            /* the routing tables (bgpd/rib_glue.c) */
};

static inline uint64_t bgpd_now_ms(void) { return tcpev_now() / 1000u; }

/* daemon.c */
int bgpd_start(struct bgpd *d, struct bgpd_config *cfg, char *err, size_t errlen);
void bgpd_stop_peers(struct bgpd *d, const char *message);
bool bgpd_all_closed(const struct bgpd *d);
void bgpd_free(struct bgpd *d);
struct peer *bgpd_find_peer(const struct bgpd *d, const struct tcp_ip *addr);
int bgpd_relisten(struct bgpd *d, char *err, size_t errlen);
/* reload.c */
int bgpd_reload(struct bgpd *d, char *err, size_t errlen, char **summary);

/* daemon_ctl.c */
int bgpd_control_init(struct bgpd *d, char *err, size_t errlen);

#endif /* BGPD_DAEMON_H */
