/*
 * tcp/internal.h — the control blocks and the functions the core's files share.
 * Nothing outside tcp/ (and its unit tests) includes this.
 *
 *   stack.c   stack, demultiplexing, ports, event delivery, freeing
 *   listen.c  listeners, the SYN and accept queues, SYN cookies
 *   input.c   a segment arriving at a connection (RFC 9293 §3.10.7)
 *   output.c  what to send and building it (data, ACK, FIN, RST, probes)
 *   timer.c   retransmission, persist, delayed-ACK and 2MSL timers
 *   cc.c      RTT estimation (RFC 6298) and congestion control (RFC 5681/6582)
 *   user.c    the user calls (connect, send, recv, close, ...)
 */
#ifndef TCP_INTERNAL_H
#define TCP_INTERNAL_H

#include <sys/queue.h>

#include "tcp/isn.h"
#include "tcp/ring.h"
#include "tcp/seq.h"
#include "tcp/tcp.h"
#include "tcp/timerq.h"
#include "tcp/wire.h"

#define TCP_OOO_MAX        32   /* holes tracked in the receive buffer */
#define TCP_SB_MAX         32   /* SACKed ranges the sender tracks */
#define TCP_DUPACK_THRESH  3    /* RFC 5681 §3.2 */
#define TCP_MSS_DEFAULT_V4 536  /* RFC 9293 §3.7.1: without an MSS option */
#define TCP_MSS_DEFAULT_V6 1220 /* RFC 8200 §5: 1280 - 60 */
#define TCP_PERSIST_MIN    TCP_MSEC(200)
#define TCP_PERSIST_MAX    TCP_SEC(60)
#define TCP_TS_HZ_DIV      1000 /* timestamp clock: 1 ms (RFC 7323 §5.4) */
#define TCP_PAWS_IDLE      TCP_SEC(24 * 24 * 3600) /* RFC 7323 §5.5: 24 days */

enum conn_queue { Q_NONE, Q_SYN, Q_ACCEPT };

struct tcp_ooo {
	uint32_t start, end;    /* [start, end) in sequence space, beyond RCV.NXT */
};

struct tcp_conn {
	struct tcp_stack *stack;
	enum tcp_state state;
	enum tcp_error error;
	struct tcp_endpoint local, remote;

	/* where the stack keeps it */
	struct tcp_conn *hnext;                 /* hash chain */
	TAILQ_ENTRY(tcp_conn) all;              /* every block, for foreach */
	TAILQ_ENTRY(tcp_conn) qlink;            /* listener queue or dead list */
	TAILQ_ENTRY(tcp_conn) plink;            /* pending-events list */
	struct tcp_listener *listener;          /* while queued at a listener */
	enum conn_queue queue;
	bool dead, on_pending;
	struct tcp_tnode tnode;                 /* earliest of the timers below */

	/* the user's side */
	tcp_conn_cb cb;
	void *cb_arg;
	unsigned ev_pending;
	bool released;                          /* close/abort called: no more events */
	bool want_writable;
	bool fin_queued;                        /* send FIN after the data */
	bool nodelay;
	uint8_t gtsm_hops;
	const struct tcp_md5_keys *md5;         /* the keys it was opened with */
	uint8_t md5_key[80];                    /* its key for life (RFC 2385) */
	uint8_t md5_keylen;
	bool has_md5;

	/* send sequence space, RFC 9293 §3.3.1 */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;
	uint32_t snd_buf_seq;                   /* sequence number of the send ring's head */
	/* receive sequence space */
	uint32_t irs, rcv_nxt, rcv_adv, last_ack_sent;
	uint8_t snd_wscale, rcv_wscale;
	bool wscale_ok, ts_ok, fin_rcvd, fin_sent, syn_acked;
	uint32_t ts_recent, ts_offset;
	tcp_time_t ts_recent_age;
	uint16_t mss;                           /* payload bytes per segment we send */
	uint16_t mss_adv;                       /* what we advertised */
	uint16_t peer_mss;

	struct tcp_ring snd, rcv;
	uint32_t sndbuf, rcvbuf;
	struct tcp_ooo ooo[TCP_OOO_MAX];
	unsigned n_ooo;
	uint32_t ooo_last;                      /* seq of the latest out-of-order arrival */
	/* SACK, RFC 2018 / RFC 6675 */
	bool sack_ok;
	struct tcp_ooo sb[TCP_SB_MAX];          /* scoreboard: ranges the peer SACKed */
	unsigned n_sb;
	uint32_t rtx_high;                      /* holes below were resent in this recovery */
	uint32_t rtx_snd_max;                   /* SND.MAX when a hole was last resent */
	/* tail loss probe, RFC 8985 §7 */
	bool tlp_out;                           /* a probe is out, unanswered */

	/* acknowledgement scheduling */
	bool ack_now;
	unsigned ack_pending;                   /* full segments received, not yet acked */

	/* RTT, RFC 6298 */
	tcp_time_t srtt, rttvar, rto;
	bool rtt_timing;
	uint32_t rtt_seq;
	tcp_time_t rtt_start;
	unsigned backoff;                       /* consecutive RTO expiries */
	/* congestion control, RFC 5681 / 6582 */
	uint32_t cwnd, ssthresh, bytes_acked_ca, recover;
	unsigned dupacks;
	bool in_recovery;
	/* persist (zero-window probing), RFC 9293 §3.8.6.1 */
	bool persisting;
	unsigned persist_shift;

	/* timers: absolute deadlines, 0 = stopped */
	tcp_time_t t_rexmt, t_persist, t_delack, t_2msl, t_tlp;
	unsigned retries;                       /* retransmissions of the oldest segment */

	/* RFC 5961 §7: challenge ACKs per connection per second */
	tcp_time_t chack_window;
	unsigned chack_count;

	struct tcp_conn_stats st;               /* counters (state fields filled on read) */
};

struct tcp_listener {
	struct tcp_stack *stack;
	struct tcp_endpoint local;
	unsigned backlog;
	struct tcp_sock_opts opts;
	tcp_accept_cb cb;
	void *cb_arg;
	tcp_peer_policy_fn policy;
	void *policy_arg;
	TAILQ_HEAD(, tcp_conn) synq, acceptq;
	unsigned n_syn, n_accept;
	TAILQ_ENTRY(tcp_listener) link, plink;
	bool on_pending;
};

TAILQ_HEAD(tcp_conn_list, tcp_conn);

struct tcp_stack {
	struct tcp_config cfg;
	struct tcp_stack_ops ops;
	uint8_t key_isn[16], key_cookie[16];
	tcp_time_t now;

	struct tcp_conn **hash;
	uint32_t hash_size, hash_count;
	struct tcp_conn_list all, pending, dead;
	TAILQ_HEAD(, tcp_listener) listeners, lpending;
	struct tcp_timerq timers;
	uint16_t *port_refs;                    /* uses of each local port */
	uint32_t next_port;
	unsigned depth;                         /* nesting of entry points */

	struct tcp_stack_stats st;
	uint8_t obuf[65536 + 128];              /* one datagram being built */
};

/* stack.c */
struct tcp_conn *conn_new(struct tcp_stack *s, const struct tcp_endpoint *local,
			  const struct tcp_endpoint *remote, const struct tcp_sock_opts *opts);
void conn_set_state(struct tcp_conn *c, enum tcp_state st);
void conn_close_with(struct tcp_conn *c, enum tcp_error e);
void conn_maybe_free(struct tcp_conn *c);
void conn_event(struct tcp_conn *c, unsigned ev);
void conn_drop(struct tcp_conn *c, enum tcp_drop why);
void stack_drop(struct tcp_stack *s, enum tcp_drop why);
struct tcp_conn *stack_lookup(struct tcp_stack *s, const struct tcp_endpoint *local,
			      const struct tcp_endpoint *remote);
void stack_enter(struct tcp_stack *s, tcp_time_t now);
void stack_leave(struct tcp_stack *s);
void port_ref(struct tcp_stack *s, uint16_t port, int delta);
uint16_t stack_mss_for(const struct tcp_stack *s, uint8_t af);
int conn_alloc_buffers(struct tcp_conn *c);
bool conn_check_security(struct tcp_conn *c, const struct tcp_seg *seg);
void conn_set_md5(struct tcp_conn *c, const struct tcp_md5_keys *keys);

/* listen.c */
void listen_input(struct tcp_listener *l, const struct tcp_seg *seg);
struct tcp_listener *stack_find_listener(struct tcp_stack *s, const struct tcp_endpoint *local);
void listen_child_established(struct tcp_conn *c);
void listen_unlink(struct tcp_conn *c);
void listen_event(struct tcp_listener *l);

/* input.c */
void conn_input(struct tcp_conn *c, const struct tcp_seg *seg);
void conn_apply_syn_options(struct tcp_conn *c, const struct tcp_seg *seg);

/* output.c */
void tcp_output(struct tcp_conn *c);
void send_syn(struct tcp_conn *c);
void send_ack(struct tcp_conn *c);
void send_challenge_ack(struct tcp_conn *c);
void send_rst_for(struct tcp_stack *s, const struct tcp_seg *seg, const struct tcp_conn *c,
		  const struct tcp_sock_opts *lo);
void send_rst_conn(struct tcp_conn *c);
void retransmit_una(struct tcp_conn *c);
void send_tail_probe(struct tcp_conn *c);
uint32_t conn_rcv_window(const struct tcp_conn *c);
uint32_t conn_ts_now(const struct tcp_conn *c);

/* timer.c */
void conn_timers_update(struct tcp_conn *c);
void conn_timers_fire(struct tcp_conn *c, tcp_time_t now);
void conn_rexmt_start(struct tcp_conn *c);
void conn_rexmt_stop(struct tcp_conn *c);
void conn_enter_time_wait(struct tcp_conn *c);
void conn_tlp_arm(struct tcp_conn *c);

/* sack.c */
void sack_trim(struct tcp_conn *c);
void sack_update(struct tcp_conn *c, const struct tcp_seg *seg);
uint32_t sack_bytes(const struct tcp_conn *c);
uint32_t sack_high(const struct tcp_conn *c);
uint32_t sack_pipe(const struct tcp_conn *c);
bool sack_una_lost(const struct tcp_conn *c);
void sack_detect_lost_rtx(struct tcp_conn *c);
bool sack_next_hole(const struct tcp_conn *c, uint32_t from, uint32_t *start, uint32_t *end);
uint32_t sack_skip(const struct tcp_conn *c, uint32_t seq, uint32_t *next_start);
unsigned sack_fill(const struct tcp_conn *c, uint32_t blocks[][2], unsigned max);

/* cc.c */
void cc_init(struct tcp_conn *c);
void rtt_sample(struct tcp_conn *c, tcp_time_t rtt);
void cc_on_ack(struct tcp_conn *c, uint32_t acked);
bool cc_on_dupack(struct tcp_conn *c);
void cc_on_rto(struct tcp_conn *c);
uint32_t conn_flight(const struct tcp_conn *c);

static inline tcp_time_t conn_now(const struct tcp_conn *c) { return c->stack->now; }

#endif /* TCP_INTERNAL_H */
