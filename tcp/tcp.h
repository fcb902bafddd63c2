/*
 * tcp/tcp.h — the userspace TCP stack: public API of the pure core.
 *
 * DOC: The core is a set of control blocks driven by four kinds of input — a
 * datagram (tcp_stack_input), a user call (tcp_connect, tcp_send, ...), a timer
 * (tcp_stack_timers) and the time `now`, which every entry point receives from
 * its caller. It returns datagrams to send through the output hook given at
 * creation, and events for the user through per-connection callbacks. It never
 * reads a clock, opens a socket or touches an event loop: drivers do (tcpev.c for
 * libevent, a simulation loop in tests), so the same code runs in unit tests, in
 * deterministic simulations over a lossy in-memory link and in production.
 *
 * Lifetime, like sockets: a connection handle belongs to the user from
 * tcp_connect()/tcp_accept() until tcp_close() or tcp_abort(); after that the
 * stack finishes the close on its own (FIN handshake, TIME-WAIT) and frees the
 * block. Events are delivered after the stack has finished processing an input,
 * so a callback may call any API function, including close/abort.
 */
#ifndef TCP_TCP_H
#define TCP_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/addr.h"
#include "tcp/drop.h"

typedef uint64_t tcp_time_t;        /* microseconds on a monotonic clock */
#define TCP_USEC(x) ((tcp_time_t)(x))
#define TCP_MSEC(x) ((tcp_time_t)(x) * 1000u)
#define TCP_SEC(x)  ((tcp_time_t)(x) * 1000000u)

struct tcp_stack;
struct tcp_conn;
struct tcp_listener;
struct tcp_md5_keys;

enum tcp_state {                    /* RFC 9293 §3.3.2 */
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};
const char *tcp_state_name(enum tcp_state s);

/* Why a connection ended. */
enum tcp_error {
	TCP_ERR_NONE,           /* closed cleanly */
	TCP_ERR_REFUSED,        /* RST answered our SYN */
	TCP_ERR_RESET,          /* RST in a synchronized state */
	TCP_ERR_TIMEOUT,        /* retransmissions exhausted */
	TCP_ERR_ABORTED,        /* tcp_abort(), or the listener went away */
	TCP_ERR_NOMEM,
};
const char *tcp_error_str(enum tcp_error e);

/* Events, delivered as a bit mask to the connection's callback. */
#define TCP_EV_CONNECTED 0x01   /* handshake done (active open) */
#define TCP_EV_READABLE  0x02   /* data waits in the receive buffer */
#define TCP_EV_EOF       0x04   /* the peer sent FIN: after what is buffered, no more */
#define TCP_EV_WRITABLE  0x08   /* the send buffer, once full, is a quarter free again */
#define TCP_EV_CLOSED    0x10   /* the connection is over; tcp_conn_error() says why */
#define TCP_EV_FIN_ACKED 0x20   /* all we sent, FIN included, is acknowledged */

typedef void (*tcp_conn_cb)(struct tcp_conn *c, unsigned events, void *arg);
/* A connection waits in the listener's accept queue. */
typedef void (*tcp_accept_cb)(struct tcp_listener *l, void *arg);

/* Stack-wide settings. tcp_config_default() gives values fit for BGP on a LAN or
 * the Internet; each is a knob because tests and operators need them. */
struct tcp_config {
	uint32_t sndbuf, rcvbuf;        /* per-connection buffer sizes, bytes */
	uint32_t mtu;                   /* link MTU: MSS = MTU - 40 (IPv4) / 60 (IPv6) */
	tcp_time_t msl;                 /* TIME-WAIT lasts 2 × MSL (RFC 9293 §3.4.2) */
	tcp_time_t rto_initial, rto_min, rto_max;   /* RFC 6298 §2 */
	tcp_time_t delack;              /* delayed-ACK timeout (RFC 9293 §3.8.6.3: < 0.5 s) */
	unsigned syn_retries;           /* SYN / SYN-ACK retransmissions before giving up */
	unsigned data_retries;          /* data retransmissions before aborting */
	unsigned syn_backlog;           /* half-open connections per listener */
	bool syncookies;                /* answer with SYN cookies when the queue is full */
	bool timestamps, window_scaling;/* RFC 7323 */
	bool sack;                      /* RFC 2018 selective acknowledgment */
	uint16_t port_lo, port_hi;      /* ephemeral ports for active opens */
	bool shared_host;               /* the host's kernel owns the same addresses: never
	                                   answer segments for ports we do not use */
	uint8_t ttl;                    /* default TTL / hop limit */
	unsigned challenge_ack_limit;   /* per connection per second (RFC 5961 §7) */
};
void tcp_config_default(struct tcp_config *cfg);

/* The output hook: one complete IP datagram to send. The port hook (optional)
 * says when a local port comes into use by a listener or a connection and when
 * its last user is gone, so a driver sharing the host's addresses can keep the
 * kernel away from exactly the ports the stack uses, for as long as it does. */
struct tcp_stack_ops {
	void (*output)(void *ctx, const uint8_t *pkt, size_t len);
	void (*port)(void *ctx, uint16_t port, bool in_use);
	void *ctx;
};

/* secret: 32 random bytes (RFC 6528 ISNs, SYN cookies, timestamp offsets); the
 * driver supplies them, tests a fixed value. */
struct tcp_stack *tcp_stack_new(const struct tcp_config *cfg, const struct tcp_stack_ops *ops,
				const uint8_t secret[32], tcp_time_t now);
void tcp_stack_free(struct tcp_stack *s);

/* A datagram arrived. */
void tcp_stack_input(struct tcp_stack *s, const uint8_t *pkt, size_t len, tcp_time_t now);
/* Fire every timer due at or before now. */
void tcp_stack_timers(struct tcp_stack *s, tcp_time_t now);
/* The earliest pending timer, or 0 when none is pending. */
tcp_time_t tcp_stack_next_timer(const struct tcp_stack *s);

/* Per-connection options (also given to a listener, inherited by its connections). */
struct tcp_sock_opts {
	uint32_t sndbuf, rcvbuf;        /* 0: the stack's default */
	bool nodelay;                   /* disable Nagle (RFC 9293 §3.7.4) */
	uint8_t gtsm_hops;              /* RFC 5082: 0 off; N: send TTL 255, accept >= 256-N */
	const struct tcp_md5_keys *md5; /* RFC 2385 keys (tcp/md5.h); NULL: none */
};

/* A listener's per-peer policy, asked for each SYN (and SYN-cookie ACK) before
 * anything else: fill *opts with the options for a connection from `remote`
 * (its TCP-MD5 keys, GTSM hops, buffers) and return 0, or return -1 to refuse
 * the peer (the segment is dropped, counted as no-socket, and answered with RST
 * as a closed port would be). Lets one listener serve many peers that each have
 * their own password and TTL security, as a BGP daemon's port 179 does. */
typedef int (*tcp_peer_policy_fn)(void *arg, const struct tcp_ip *remote,
				  struct tcp_sock_opts *opts);

/* Passive open. local->ip may be the unspecified address of a family (any).
 * backlog bounds the accept queue. NULL (and *err = errno-style) on failure. */
struct tcp_listener *tcp_listen(struct tcp_stack *s, const struct tcp_endpoint *local,
				unsigned backlog, const struct tcp_sock_opts *opts,
				tcp_accept_cb cb, void *arg, int *err);
/* Take the oldest established connection from the accept queue (NULL if none). */
struct tcp_conn *tcp_accept(struct tcp_listener *l);
/* Stop listening; queued and half-open connections are reset. */
void tcp_listener_close(struct tcp_listener *l, tcp_time_t now);
void tcp_listener_set_opts(struct tcp_listener *l, const struct tcp_sock_opts *opts);
void tcp_listener_set_policy(struct tcp_listener *l, tcp_peer_policy_fn fn, void *arg);
const struct tcp_endpoint *tcp_listener_endpoint(const struct tcp_listener *l);

/* Active open: local->port 0 picks an ephemeral port. */
struct tcp_conn *tcp_connect(struct tcp_stack *s, const struct tcp_endpoint *local,
			     const struct tcp_endpoint *remote, const struct tcp_sock_opts *opts,
			     tcp_conn_cb cb, void *arg, tcp_time_t now, int *err);
void tcp_conn_set_cb(struct tcp_conn *c, tcp_conn_cb cb, void *arg);

/* Queue data; returns how much was taken (less than len when the send buffer is
 * full: TCP_EV_WRITABLE follows when room appears). */
size_t tcp_send(struct tcp_conn *c, const void *buf, size_t len, tcp_time_t now);
/* Copy out received data; returns bytes copied (0: nothing buffered). */
size_t tcp_recv(struct tcp_conn *c, void *buf, size_t len, tcp_time_t now);
/* Zero-copy read: up to two pieces of the receive buffer, then consume n bytes. */
size_t tcp_recv_peek(const struct tcp_conn *c, const uint8_t **p1, size_t *l1,
		     const uint8_t **p2, size_t *l2);
void tcp_recv_consume(struct tcp_conn *c, size_t n, tcp_time_t now);
/* Send FIN once queued data is out; receiving goes on (half-close). */
void tcp_shutdown(struct tcp_conn *c, tcp_time_t now);
/* Shutdown and release the handle; the stack completes the close. Unread data
 * makes it an abort (RST), as RFC 2525 §2.17 recommends. */
void tcp_close(struct tcp_conn *c, tcp_time_t now);
/* Send RST and release the handle. */
void tcp_abort(struct tcp_conn *c, tcp_time_t now);

enum tcp_state tcp_conn_state(const struct tcp_conn *c);
enum tcp_error tcp_conn_error(const struct tcp_conn *c);
size_t tcp_conn_sendq(const struct tcp_conn *c);      /* bytes queued, not yet acked */
size_t tcp_conn_sendspace(const struct tcp_conn *c);  /* room in the send buffer */
size_t tcp_conn_recvq(const struct tcp_conn *c);      /* bytes waiting to be read */
bool tcp_conn_eof(const struct tcp_conn *c);          /* FIN received */
const struct tcp_endpoint *tcp_conn_local(const struct tcp_conn *c);
const struct tcp_endpoint *tcp_conn_remote(const struct tcp_conn *c);
void tcp_conn_set_nodelay(struct tcp_conn *c, bool on);

/* What `ss -ti` shows for a kernel socket. */
struct tcp_conn_stats {
	enum tcp_state state;
	enum tcp_error error;
	struct tcp_endpoint local, remote;
	uint32_t mss;                   /* effective send MSS */
	int8_t snd_wscale, rcv_wscale;  /* -1: not negotiated */
	bool timestamps, sack, md5;
	tcp_time_t srtt, rttvar, rto;   /* microseconds */
	uint32_t cwnd, ssthresh;        /* bytes */
	uint32_t snd_wnd, rcv_wnd;      /* bytes */
	uint32_t flight;                /* bytes in flight */
	uint32_t sendq, recvq;
	uint64_t bytes_sent, bytes_retrans, bytes_acked, bytes_received;
	uint64_t segs_in, segs_out;
	uint64_t retransmits, rto_expiries, fast_retransmits, dup_acks_in;
	uint64_t zero_window_probes, challenge_acks, ooo_segs, tail_loss_probes, lost_rtx;
	uint64_t drops[TCP_DROP__COUNT];
};
void tcp_conn_stats(const struct tcp_conn *c, struct tcp_conn_stats *out);

/* Stack-wide counters. */
struct tcp_stack_stats {
	uint64_t segs_in, segs_out;
	uint64_t drops[TCP_DROP__COUNT];
	uint64_t rst_sent, syncookies_sent, syncookies_ok, conns_opened, conns_freed;
	uint32_t conns_live;            /* control blocks allocated (TIME-WAIT included) */
	uint32_t conns_time_wait;
	uint32_t listeners;
};
void tcp_stack_stats(const struct tcp_stack *s, struct tcp_stack_stats *out);

/* Walk every connection (for `show tcp`). */
typedef void (*tcp_conn_visit_fn)(const struct tcp_conn *c, void *arg);
void tcp_stack_foreach(const struct tcp_stack *s, tcp_conn_visit_fn fn, void *arg);

#endif /* TCP_TCP_H */
