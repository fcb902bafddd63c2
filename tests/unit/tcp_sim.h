/*
 * tests/unit/tcp_sim.h — test harness for the TCP core.
 *
 * sim: two stacks joined by the in-memory link, on a virtual clock; sim_step()
 * jumps to the next event (a delivery or a timer) — deterministic, no sleeping.
 *
 * cap: one stack whose output is captured, for crafted-segment tests: build a
 * segment with seg_make(), inject it with cap_input(), inspect what came out.
 */
#ifndef TESTS_TCP_SIM_H
#define TESTS_TCP_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/link_mem.h"
#include "tcp/tcp.h"
#include "tcp/wire.h"

struct sim {
	struct mem_link *link;
	struct tcp_stack *st[2];
	uint64_t now;
	struct tcp_ip ip[2];
};

void sim_init(struct sim *s, const struct mem_link_opts *lo, const struct tcp_config *cfg, int af);
void sim_free(struct sim *s);
/* Advance to the next event; false when nothing is pending or now > limit. */
bool sim_step(struct sim *s, uint64_t limit);
/* Step until done(arg) or the virtual time limit; returns done(arg). */
bool sim_run(struct sim *s, bool (*done)(void *), void *arg, uint64_t limit);
void sim_run_for(struct sim *s, uint64_t dt);

#define CAP_MAX 4096
struct cap {
	struct tcp_stack *st;
	uint64_t now;
	unsigned n;                 /* packets captured */
	uint8_t *pkt[CAP_MAX];
	size_t len[CAP_MAX];
};

void cap_init(struct cap *c, const struct tcp_config *cfg);
void cap_free(struct cap *c);
void cap_clear(struct cap *c);
/* Parse captured packet i (negative: from the end). */
bool cap_seg(struct cap *c, int i, struct tcp_seg *seg);
void cap_input(struct cap *c, const uint8_t *pkt, size_t len);
void cap_advance(struct cap *c, uint64_t dt);   /* move the clock, fire timers */

/* Build a datagram from src to dst into buf; returns its length. */
struct seg_spec {
	const struct tcp_endpoint *src, *dst;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;
	int wscale;                 /* -1: none (seg_spec_init sets it) */
	bool ts;
	uint32_t tsval, tsecr;
	const void *data;
	uint32_t len;
	uint8_t ttl;
	/* Added for the crafted-segment tests; zero (seg_spec_init) = absent. */
	bool sack_perm;
	uint8_t nsack;
	uint32_t sack[TCP_SACK_MAX_BLOCKS][2];
	const uint8_t *md5_key;     /* sign with this RFC 2385 key */
	size_t md5_keylen;
};
void seg_spec_init(struct seg_spec *sp, const struct tcp_endpoint *src, const struct tcp_endpoint *dst);
size_t seg_make(uint8_t *buf, size_t cap, const struct seg_spec *sp);

void ep_set(struct tcp_endpoint *ep, const char *ip, uint16_t port);

/* ---- Crafted-segment helpers (test_tcp_{states,rules,flow,listen}.c) ---- */

/* Records what a connection callback was told. */
struct evlog {
	unsigned mask;              /* every TCP_EV_* seen */
	unsigned calls;
	unsigned n_connected, n_readable, n_eof, n_writable, n_closed, n_fin_acked;
	enum tcp_error err;         /* tcp_conn_error() at TCP_EV_CLOSED */
	enum tcp_state state_at_closed;
};
void evlog_cb(struct tcp_conn *c, unsigned ev, void *arg);

/* A fake peer facing the captured stack: it builds segments from its own view
 * of the connection (seq = what it sends next, ack = what it acknowledges). */
struct peer {
	struct cap *cap;
	struct tcp_endpoint us;     /* the stack under test */
	struct tcp_endpoint them;   /* the crafted peer */
	struct tcp_conn *conn;
	struct tcp_listener *lst;
	struct evlog ev;
	uint32_t iss;               /* the stack's ISS (from its SYN / SYN-ACK) */
	uint32_t irs;               /* the peer's ISN */
	uint32_t seq, ack;          /* the peer's SND.NXT and RCV.NXT */
	uint16_t wnd;               /* window field the peer sends */
	uint8_t ttl;
	/* what the peer's SYN / SYN-ACK offers */
	uint16_t mss;               /* 0: no MSS option */
	int wscale;                 /* -1: no window scale option */
	bool sack_perm;
	bool ts;                    /* send timestamps (SYN and every segment) */
	uint32_t tsval;             /* the peer's clock; incremented per segment sent */
	uint32_t tsecr;             /* echo (updated by peer_sync from our segments) */
	const uint8_t *md5_key;
	size_t md5_keylen;
	const struct tcp_sock_opts *opts;   /* for tcp_connect / tcp_listen */
};

/* Stack at 192.0.2.1 (2001:db8::1), peer at 192.0.2.2 (2001:db8::2):40000. */
void peer_init(struct peer *p, struct cap *c, int af);
/* Build and inject one segment with the peer's options. */
void peer_raw(struct peer *p, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
	      uint32_t len);
/* Send from the peer's state (seq, ack), then advance seq by the segment length. */
void peer_send(struct peer *p, uint8_t flags, const void *data, uint32_t len);
/* Take tsecr (and, with take_ack, ack) from the stack's last captured segment. */
void peer_sync(struct peer *p, bool take_ack);
/* Active open by the stack: tcp_connect(), the peer answers the SYN with a
 * SYN-ACK (ISN irs) after rtt of virtual time, and ACKs nothing more. The
 * connection is ESTABLISHED on return (asserts). */
struct tcp_conn *peer_active_open(struct peer *p, uint32_t irs, uint64_t rtt);
/* Passive open: the stack listens on us (backlog 8), the peer sends SYN (ISN
 * irs), gets the SYN-ACK, ACKs it after rtt; the connection is accepted. */
struct tcp_conn *peer_passive_open(struct peer *p, uint32_t irs, uint64_t rtt);

/* The virtual time (>= not_before) at which tcp_isn() gives `want` for this
 * 4-tuple on the captured stack: lets a test put the ISN anywhere, e.g. just
 * below 2^32. */
uint64_t cap_time_for_isn(struct cap *c, const struct tcp_endpoint *local,
			  const struct tcp_endpoint *remote, uint32_t want, uint64_t not_before);
/* Captured segments from index `from` on with all of `flags` set (and, when
 * without != 0, none of `without`). */
unsigned cap_count(struct cap *c, unsigned from, uint8_t flags, uint8_t without);
/* Payload bytes captured from index `from` on. */
uint64_t cap_payload(struct cap *c, unsigned from);

/* cap_init with a chosen stack secret (two stacks, two SYN-cookie keys). */
void cap_init_secret(struct cap *c, const struct tcp_config *cfg, const uint8_t secret[32]);
/* Move the clock to the absolute time t (>= now), firing timers on the way. */
void cap_advance_to(struct cap *c, uint64_t t);
/* The stack-wide count of segments dropped for one reason. */
uint64_t cap_drops(const struct cap *c, enum tcp_drop why);
/* Assert that captured segment i (negative: from the end) exists and has
 * exactly these flags (PSH ignored), this seq and, when ACK is set, this ack. */
void cap_expect(struct cap *c, int i, uint8_t flags, uint32_t seq, uint32_t ack);
/* Feed the stack the connection's next segment from the peer with `len`
 * bytes of a fixed pattern (a helper for filling windows). */
void peer_send_bytes(struct peer *p, uint8_t flags, uint32_t len);

#endif
