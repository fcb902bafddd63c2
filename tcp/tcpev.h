/*
 * tcp/tcpev.h — the stack on a libevent loop: a link driver's descriptors and the
 * stack's timers live on the caller's event_base.
 *
 * The binding owns the clock (CLOCK_MONOTONIC) and the I/O; the core stays pure.
 * Output is batched: datagrams the core emits while handling one wake-up go out
 * together (send_batch, e.g. sendmmsg) when it ends. User calls go through the
 * tcpev_* wrappers, which pass `now` and flush/re-arm afterwards.
 */
#ifndef TCP_TCPEV_H
#define TCP_TCPEV_H

#include <stddef.h>

#include "tcp/link.h"
#include "tcp/tcp.h"

struct event_base;
struct tcpev;

/* Takes ownership of link (closed by tcpev_free). NULL with a message in err. */
struct tcpev *tcpev_new(struct event_base *base, struct tcp_link *link,
			const struct tcp_config *cfg, char *err, size_t errlen);
void tcpev_free(struct tcpev *ev);
struct tcp_stack *tcpev_stack(struct tcpev *ev);
struct tcp_link *tcpev_link(struct tcpev *ev);
tcp_time_t tcpev_now(void);
/* Send what is batched and re-arm the timer (the wrappers do this). */
void tcpev_flush(struct tcpev *ev);

struct tcp_listener *tcpev_listen(struct tcpev *ev, const struct tcp_endpoint *local,
				  unsigned backlog, const struct tcp_sock_opts *opts,
				  tcp_accept_cb cb, void *arg, int *err);
void tcpev_listener_close(struct tcpev *ev, struct tcp_listener *l);
struct tcp_conn *tcpev_connect(struct tcpev *ev, const struct tcp_endpoint *local,
			       const struct tcp_endpoint *remote, const struct tcp_sock_opts *opts,
			       tcp_conn_cb cb, void *arg, int *err);
size_t tcpev_send(struct tcpev *ev, struct tcp_conn *c, const void *buf, size_t len);
size_t tcpev_recv(struct tcpev *ev, struct tcp_conn *c, void *buf, size_t len);
void tcpev_consume(struct tcpev *ev, struct tcp_conn *c, size_t n);
void tcpev_shutdown(struct tcpev *ev, struct tcp_conn *c);
void tcpev_close(struct tcpev *ev, struct tcp_conn *c);
void tcpev_abort(struct tcpev *ev, struct tcp_conn *c);

#endif /* TCP_TCPEV_H */
