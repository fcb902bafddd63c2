/*
 * tests/unit/test_tcp_flow.c — moving data: sequence numbers across 2^32, the
 * retransmission timer (RFC 6298: first sample, Karn, backoff, the retry
 * bound), zero-window probing (RFC 9293 §3.8.6.1), silly-window avoidance on
 * both sides (§3.8.6.2), Nagle (§3.7.4), delayed ACKs (§3.8.6.3, RFC 5681
 * §4.2), and what the SYNs negotiate: window scaling and timestamps (RFC
 * 7323), the MSS and its defaults (RFC 9293 §3.7.1, RFC 8200 §5).
 *
 * The stack under test faces a crafted peer on a virtual clock; time moves
 * only when a test says so, so every expectation is exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp/internal.h"
#include "tests/unit/tcp_sim.h"

#define IRS 900000u

static struct cap cap;
static struct peer peer;

static void setup_cfg(int af, const struct tcp_config *cfg)
{
	cap_init(&cap, cfg);
	peer_init(&peer, &cap, af);
}

static void setup(int af)
{
	setup_cfg(af, NULL);
}

static void finish(struct tcp_conn *c)
{
	if (c)
		tcp_abort(c, cap.now);
	if (peer.lst) {
		tcp_listener_close(peer.lst, cap.now);
		peer.lst = NULL;
	}
	struct tcp_stack_stats st;
	tcp_stack_stats(cap.st, &st);
	assert_int_equal(st.conns_live, 0);
	cap_free(&cap);
}

static struct tcp_conn_stats cstats(const struct tcp_conn *c)
{
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	return cs;
}

/* Fire timers one deadline at a time until the stack sends something. */
static uint64_t wait_output(void)
{
	unsigned n0 = cap.n;
	for (int i = 0; i < 1000 && cap.n == n0; i++) {
		uint64_t t = tcp_stack_next_timer(cap.st);
		if (!t)
			fail_msg("nothing pending, nothing sent");
		cap_advance_to(&cap, t);
	}
	assert_true(cap.n > n0);
	return cap.now;
}

static struct tcp_seg last(void)
{
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	return s;
}

static uint8_t pattern(uint32_t i) { return (uint8_t)((i * 7u) ^ (i >> 8)); }

/* ---- sequence numbers across 2^32 (RFC 9293 §3.4) ---- */

/* Send `total` bytes from the stack; the peer takes each segment in order and
 * acknowledges each batch. Returns what arrived, checked byte for byte. */
static void stack_to_peer(struct tcp_conn *c, uint32_t total)
{
	static uint8_t src[1 << 17], got[1 << 17];
	assert_true(total <= sizeof(src));
	for (uint32_t i = 0; i < total; i++)
		src[i] = pattern(i);
	uint32_t base = peer.ack;
	cap_clear(&cap);
	assert_int_equal(tcp_send(c, src, total, cap.now), total);
	uint32_t rcvd = 0;
	for (int iter = 0; iter < 10000 && rcvd < total; iter++) {
		if (cap.n == 0) {
			wait_output();
			continue;
		}
		for (unsigned i = 0; i < cap.n; i++) {
			struct tcp_seg s;
			assert_true(cap_seg(&cap, (int)i, &s));
			if (!s.len)
				continue;
			uint32_t off = s.seq - base;       /* modulo 2^32 */
			assert_true(off <= rcvd);          /* nothing lost: in order */
			assert_true(off + s.len <= total);
			memcpy(got + off, s.data, s.len);
			if (off + s.len > rcvd)
				rcvd = off + s.len;
		}
		cap_clear(&cap);
		peer.ack = base + rcvd;
		peer_send(&peer, TH_ACK, NULL, 0);
	}
	assert_int_equal(rcvd, total);
	assert_memory_equal(got, src, total);
	assert_int_equal(tcp_conn_sendq(c), 0);
}

/* The peer sends `total` bytes in full segments; the stack's user reads them. */
static void peer_to_stack(struct tcp_conn *c, uint32_t total)
{
	static uint8_t src[1 << 17], got[1 << 17];
	for (uint32_t i = 0; i < total; i++)
		src[i] = pattern(i + 3);
	uint32_t n = 0;
	for (uint32_t off = 0; off < total; off += 1460) {
		uint32_t len = total - off < 1460 ? total - off : 1460;
		peer_send(&peer, TH_ACK, src + off, len);
		n += (uint32_t)tcp_recv(c, got + n, sizeof(got) - n, cap.now);
	}
	assert_int_equal(n, total);
	assert_memory_equal(got, src, total);
	cap_advance(&cap, TCP_MSEC(200));
	struct tcp_seg s = last();
	assert_int_equal(s.ack, peer.seq);
}

static void wrap_transfer(int af, bool passive, uint32_t want, uint32_t irs)
{
	setup(af);
	cap_advance_to(&cap, cap_time_for_isn(&cap, &peer.us, &peer.them, want, cap.now));
	struct tcp_conn *c = passive ? peer_passive_open(&peer, irs, TCP_MSEC(1))
				     : peer_active_open(&peer, irs, TCP_MSEC(1));
	assert_int_equal(peer.iss, want);
	tcp_conn_set_nodelay(c, true);
	stack_to_peer(c, 65536);
	peer_to_stack(c, 65536);
	/* Both sequence spaces crossed the boundary. */
	assert_int_equal(peer.ack, want + 1 + 65536);
	assert_true((peer.ack ^ want) & 0x80000000u);
	assert_int_equal(peer.seq, irs + 1 + 65536);
	assert_true((peer.seq ^ irs) & 0x80000000u);
	/* And the close works across it. */
	tcp_shutdown(c, cap.now);
	struct tcp_seg s = last();
	assert_true(s.flags & TH_FIN);
	assert_int_equal(s.seq, want + 1 + 65536);
	peer.ack = s.seq + 1;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	finish(c);
}

static void test_wrap_active_v4(void **state) { wrap_transfer(4, false, 0xffffff00u, 0xffffff80u); }
static void test_wrap_passive_v6(void **state) { wrap_transfer(6, true, 0xffffff00u, 0xffffff80u); }
/* Across 2^31, where a signed comparison without modular arithmetic breaks. */
static void test_wrap_2_31(void **state) { wrap_transfer(4, true, 0x7fffff00u, 0x7fffff80u); }

/* ---- RFC 6298 ---- */

/* (2.2) the first sample R: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G,
 * 4 RTTVAR); (2.3) the next: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|, SRTT =
 * 7/8 SRTT + 1/8 R'. */
static void test_rtt_samples(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.srtt, TCP_MSEC(100));
	assert_int_equal(cs.rttvar, TCP_MSEC(50));
	assert_int_equal(cs.rto, TCP_MSEC(300));
	assert_int_equal(tcp_send(c, "0123456789", 10, cap.now), 10);
	cap_advance(&cap, TCP_MSEC(200));
	peer.ack = peer.iss + 11;
	peer_send(&peer, TH_ACK, NULL, 0);
	cs = cstats(c);
	assert_int_equal(cs.rttvar, TCP_USEC(62500));
	assert_int_equal(cs.srtt, TCP_USEC(112500));
	assert_int_equal(cs.rto, TCP_USEC(362500));
	/* A duplicate ACK is no sample. */
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(cstats(c).srtt, TCP_USEC(112500));
	/* (2.4) the floor: a tiny RTT gives RTO = rto_min. */
	finish(c);
	setup(4);
	c = peer_active_open(&peer, IRS, TCP_USEC(300));
	cs = cstats(c);
	assert_int_equal(cs.srtt, TCP_USEC(300));
	assert_int_equal(cs.rto, TCP_MSEC(200));
	finish(c);
}

/* Karn (RFC 6298 §3): the ACK of a retransmitted segment is no sample. The
 * backed-off RTO stays (§5.5) until a new measurement collapses it (§5). */
static void test_karn_and_backoff(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
	uint32_t iss = peer.iss;
	tcp_time_t t0 = cap.now;
	assert_int_equal(tcp_send(c, "0123456789", 10, cap.now), 10);
	assert_int_equal(wait_output(), t0 + TCP_MSEC(300));
	assert_int_equal(last().seq, iss + 1);
	assert_int_equal(last().len, 10);
	assert_int_equal(cstats(c).rto, TCP_MSEC(600));
	assert_int_equal(wait_output(), t0 + TCP_MSEC(900));
	assert_int_equal(cstats(c).rto, TCP_MSEC(1200));
	cap_advance(&cap, TCP_MSEC(50));
	peer.ack = iss + 11;
	peer_send(&peer, TH_ACK, NULL, 0);
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.srtt, TCP_MSEC(100));      /* no sample */
	assert_int_equal(cs.rttvar, TCP_MSEC(50));
	assert_int_equal(cs.rto, TCP_MSEC(1200));      /* still backed off */
	assert_int_equal(cs.rto_expiries, 2);
	/* New data, timed, acknowledged after 100 ms: RTO collapses. */
	assert_int_equal(tcp_send(c, "abcdefghij", 10, cap.now), 10);
	cap_advance(&cap, TCP_MSEC(100));
	peer.ack = iss + 21;
	peer_send(&peer, TH_ACK, NULL, 0);
	cs = cstats(c);
	assert_int_equal(cs.srtt, TCP_MSEC(100));
	assert_int_equal(cs.rttvar, TCP_USEC(37500));
	assert_int_equal(cs.rto, TCP_MSEC(250));
	finish(c);
}

/* With timestamps the ACK of a retransmission is a sample after all: its echo
 * says which transmission it answers (RFC 6298 §3, RFC 7323 §4), and the
 * backed-off RTO collapses at once. */
static void test_timestamp_sample_after_timeout(void **state)
{
	setup(4);
	peer.ts = true;
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
	uint32_t iss = peer.iss;
	tcp_time_t t0 = cap.now;
	assert_int_equal(tcp_send(c, "0123456789", 10, cap.now), 10);
	assert_int_equal(wait_output(), t0 + TCP_MSEC(300));
	assert_int_equal(wait_output(), t0 + TCP_MSEC(900));
	assert_int_equal(cstats(c).rto, TCP_MSEC(1200));
	peer_sync(&peer, false);                /* echo the retransmission */
	cap_advance(&cap, TCP_MSEC(50));
	peer.ack = iss + 11;
	peer_send(&peer, TH_ACK, NULL, 0);
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.rttvar, TCP_MSEC(50));     /* 3/4 50 + 1/4 |100 - 50| */
	assert_int_equal(cs.srtt, TCP_USEC(93750));    /* 7/8 100 + 1/8 50 */
	assert_int_equal(cs.rto, TCP_USEC(293750));
	finish(c);
}

/* Tail loss probes (RFC 8985 §7): with SACK, the last segment is resent after
 * 2 SRTT instead of waiting for the RTO; never without SACK (the probe's ACK
 * could not say what was lost) and never in RTO recovery. */
static void test_tail_loss_probe_rules(void **state)
{
	static uint8_t data[3000];
	for (int sack = 0; sack < 2; sack++) {
		setup(4);
		peer.sack_perm = sack;
		struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
		tcp_conn_set_nodelay(c, true);
		tcp_time_t t0 = cap.now;
		tcp_send(c, data, sizeof(data), cap.now);
		if (sack) {
			assert_int_equal(wait_output(), t0 + TCP_MSEC(200));
			struct tcp_seg s = last();     /* the tail, up to an MSS */
			assert_int_equal(s.seq + s.len, peer.iss + 1 + 3000);
			assert_int_equal(cstats(c).tail_loss_probes, 1);
			/* The RTO restarts at the probe. */
			assert_int_equal(wait_output(), t0 + TCP_MSEC(500));
		} else {
			assert_int_equal(wait_output(), t0 + TCP_MSEC(300));
			assert_int_equal(cstats(c).tail_loss_probes, 0);
		}
		assert_int_equal(last().seq, peer.iss + 1);
		assert_int_equal(cstats(c).rto_expiries, 1);
		finish(c);
	}
	/* A lone segment: its probe would come after the RTO (2 SRTT + the
	 * delayed-ACK allowance), so none; after the timeout, none either. */
	setup(4);
	peer.sack_perm = true;
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
	tcp_time_t t0 = cap.now;
	tcp_send(c, "x", 1, cap.now);
	assert_int_equal(wait_output(), t0 + TCP_MSEC(300));
	assert_int_equal(wait_output(), t0 + TCP_MSEC(900));
	assert_int_equal(cstats(c).tail_loss_probes, 0);
	finish(c);
}

/* (5.5) RTO doubles on each expiry up to rto_max (2.5); the retry bound
 * (RFC 9293 §3.8.3 R2) aborts with the reason "connection timed out". */
static void test_backoff_and_retry_bound(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.data_retries = 6;
	cfg.rto_max = TCP_SEC(2);
	setup_cfg(4, &cfg);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
	tcp_time_t t = cap.now;
	assert_int_equal(tcp_send(c, "0123456789", 10, cap.now), 10);
	static const unsigned gaps_ms[] = { 300, 600, 1200, 2000, 2000, 2000 };
	for (unsigned i = 0; i < 6; i++) {
		t += TCP_MSEC(gaps_ms[i]);
		assert_int_equal(wait_output(), t);
		assert_int_equal(last().seq, peer.iss + 1);
		assert_int_equal(last().len, 10);
		assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	}
	assert_int_equal(peer.ev.n_closed, 0);
	/* The seventh expiry gives up. */
	t += TCP_SEC(2);
	unsigned n0 = cap.n;
	cap_advance_to(&cap, t - 1);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	cap_advance_to(&cap, t);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	assert_int_equal(cap.n, n0);
	assert_int_equal(peer.ev.n_closed, 1);
	assert_int_equal(peer.ev.err, TCP_ERR_TIMEOUT);
	assert_string_equal(tcp_error_str(tcp_conn_error(c)), "connection timed out");
	assert_int_equal(cstats(c).rto_expiries, 6);
	tcp_close(c, cap.now);
	finish(NULL);
}

/* The retry counter belongs to the oldest segment: an ACK of new data resets
 * it, so a connection that makes progress is never aborted. */
static void test_retries_reset_by_progress(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.data_retries = 2;
	setup_cfg(4, &cfg);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
	for (int round = 0; round < 5; round++) {
		assert_int_equal(tcp_send(c, "x", 1, cap.now), 1);
		wait_output();                          /* the first retransmission */
		wait_output();                          /* the second */
		peer.ack = last().seq + 1;
		peer_send(&peer, TH_ACK, NULL, 0);
	}
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	finish(c);
}

/* The SYN's retry bound, and its backoff from rto_initial. */
static void test_syn_retry_bound(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.syn_retries = 3;
	setup_cfg(6, &cfg);
	int err;
	struct tcp_conn *c = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev,
					 cap.now, &err);
	tcp_time_t t0 = cap.now;
	uint32_t iss = last().seq;
	assert_int_equal(wait_output(), t0 + TCP_SEC(1));
	cap_expect(&cap, -1, TH_SYN, iss, 0);
	assert_int_equal(wait_output(), t0 + TCP_SEC(3));
	assert_int_equal(wait_output(), t0 + TCP_SEC(7));
	assert_int_equal(cap.n, 4);
	cap_advance_to(&cap, t0 + TCP_SEC(15));
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	assert_int_equal(peer.ev.err, TCP_ERR_TIMEOUT);
	assert_int_equal(cap.n, 4);
	tcp_close(c, cap.now);
	finish(NULL);
}

/* (5.7) The SYN was retransmitted and gave no sample (Karn): data starts
 * with RTO = 3 s. */
static void test_rto_3s_after_syn_timeout(void **state)
{
	setup(4);
	int err;
	peer.conn = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev, cap.now,
				&err);
	struct tcp_conn *c = peer.conn;
	uint32_t iss = last().seq;
	wait_output();                          /* the SYN again, at 1 s */
	cap_advance(&cap, TCP_MSEC(500));
	peer.seq = IRS;
	peer.ack = iss + 1;
	peer_send(&peer, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.srtt, 0);
	assert_int_equal(cs.rto, TCP_SEC(3));
	tcp_time_t t = cap.now;
	tcp_send(c, "x", 1, cap.now);
	assert_int_equal(wait_output(), t + TCP_SEC(3));
	finish(c);
}

/* (5.3) An ACK of new data restarts the timer for what is left, from the
 * ACK's time, not from the first transmission. */
static void test_rto_restarted_by_ack(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(100));
	tcp_conn_set_nodelay(c, true);
	uint32_t iss = peer.iss;
	tcp_send(c, "aaaa", 4, cap.now);
	tcp_send(c, "bbbb", 4, cap.now);
	assert_int_equal(last().seq, iss + 5);
	cap_advance(&cap, TCP_MSEC(150));
	peer.ack = iss + 5;
	peer_send(&peer, TH_ACK, NULL, 0);
	tcp_time_t t_ack = cap.now;
	tcp_time_t rto = cstats(c).rto;
	unsigned n0 = cap.n;
	cap_advance_to(&cap, t_ack + rto - 1);
	assert_int_equal(cap.n, n0);             /* not at first-send + RTO */
	assert_int_equal(wait_output(), t_ack + rto);
	assert_int_equal(last().seq, iss + 5);
	assert_int_equal(last().len, 4);
	finish(c);
}

/* ---- zero window (RFC 9293 §3.8.6.1) ---- */

/* Collect the data the stack sends from `from` on into buf at its offset
 * from `base`; returns the highest end reached. */
static uint32_t collect(unsigned from, uint32_t base, uint8_t *buf, uint32_t cap_bytes)
{
	uint32_t hi = 0;
	for (unsigned i = from; i < cap.n; i++) {
		struct tcp_seg s;
		assert_true(cap_seg(&cap, (int)i, &s));
		if (!s.len)
			continue;
		uint32_t off = s.seq - base;
		assert_true(off + s.len <= cap_bytes);
		memcpy(buf + off, s.data, s.len);
		if (off + s.len > hi)
			hi = off + s.len;
	}
	return hi;
}

static void test_zero_window_probe(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	uint32_t iss = peer.iss;
	peer.wnd = 0;
	peer_send(&peer, TH_ACK, NULL, 0);
	static uint8_t data[1000], got[1000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = pattern(i);
	unsigned n0 = cap.n;
	tcp_time_t t = cap.now;
	assert_int_equal(tcp_send(c, data, sizeof(data), cap.now), sizeof(data));
	assert_int_equal(cap.n, n0);            /* the window is shut */
	/* Probes: one byte of new data at SND.UNA (never an empty segment), the
	 * first after one RTO, then backing off exponentially. The peer refuses
	 * each: ACK of SND.UNA, window still 0. */
	tcp_time_t rto = cstats(c).rto;
	for (unsigned i = 0; i < 6; i++) {
		t += rto << i;
		assert_int_equal(wait_output(), t);
		assert_int_equal(cap.n, n0 + i + 1);
		struct tcp_seg s = last();
		assert_int_equal(s.seq, iss + 1);
		assert_int_equal(s.len, 1);
		assert_int_equal(s.data[0], data[0]);
		peer_send(&peer, TH_ACK, NULL, 0);
		assert_int_equal(cap.n, n0 + i + 1);    /* no answer to the answer */
	}
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.zero_window_probes, 6);
	/* The refusals are no loss signal: no fast retransmit into the window. */
	assert_int_equal(cs.fast_retransmits, 0);
	assert_int_equal(cs.retransmits, 0);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	/* The window opens: everything goes, from SND.UNA — the refused probe
	 * byte is sent again, no hole is left. */
	n0 = cap.n;
	peer.wnd = 65535;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_true(cap.n > n0);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, (int)n0, &s));
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(collect(n0, iss + 1, got, sizeof(got)), 1000);
	assert_memory_equal(got, data, sizeof(data));
	peer.ack = iss + 1001;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_sendq(c), 0);
	assert_int_equal(tcp_stack_next_timer(cap.st), 0);
	finish(c);
}

/* The window update is lost; the next probe is accepted and its ACK carries
 * the open window: no deadlock (a bug other stacks shipped). */
static void test_zero_window_lost_update(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	uint32_t iss = peer.iss;
	tcp_conn_set_nodelay(c, true);
	peer.wnd = 0;
	peer_send(&peer, TH_ACK, NULL, 0);
	static uint8_t data[3000], got[3000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = pattern(i);
	tcp_send(c, data, sizeof(data), cap.now);
	wait_output();
	/* (the peer opened its window; that update never arrived) */
	wait_output();
	struct tcp_seg s = last();
	assert_int_equal(s.len, 1);
	got[0] = s.data[0];
	unsigned n0 = cap.n;
	peer.wnd = 65535;
	peer.ack = iss + 2;                     /* the probe byte taken */
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(collect(n0, iss + 1, got, sizeof(got)), 3000);
	assert_memory_equal(got, data, sizeof(data));
	finish(c);
}

/* Probes back off up to a bound, and go on as long as they are answered
 * (RFC 9293 §3.8.6.1: MUST NOT abort while the peer ACKs the probes). */
static void test_zero_window_probe_cap(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	peer.wnd = 0;
	peer_send(&peer, TH_ACK, NULL, 0);
	tcp_send(c, "z", 1, cap.now);
	tcp_time_t prev = cap.now, gap = 0;
	for (int i = 0; i < 40; i++) {
		tcp_time_t t = wait_output();
		assert_true(t - prev >= gap);        /* never shrinking */
		gap = t - prev;
		prev = t;
		peer_send(&peer, TH_ACK, NULL, 0);
	}
	assert_int_equal(gap, TCP_SEC(60));
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	finish(c);
}

/* Receiver side: our window closes as the buffer fills; the application's
 * reads reopen it with a window update once it grew by at least an MSS
 * (RFC 9293 §3.8.6.2.2) — not one ACK per small read. */
static void test_receiver_window_and_sws(void **state)
{
	struct tcp_sock_opts o = { .rcvbuf = 4096 };
	setup(4);
	peer.opts = &o;
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	peer_send_bytes(&peer, TH_ACK, 1460);
	peer_send_bytes(&peer, TH_ACK, 1460);
	struct tcp_seg s = last();
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(s.wnd, 4096 - 2920);
	peer_send_bytes(&peer, TH_ACK, 1176);
	cap_advance(&cap, TCP_MSEC(100));
	s = last();
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(s.wnd, 0);
	/* A probe into the closed window: refused, answered, window 0. */
	unsigned n0 = cap.n;
	peer_raw(&peer, peer.seq, peer.iss + 1, TH_ACK, "p", 1);
	assert_int_equal(cap.n, n0 + 1);
	s = last();
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(s.wnd, 0);
	assert_int_equal(tcp_conn_recvq(c), 4096);
	/* Small reads: no window updates until an MSS is free. */
	n0 = cap.n;
	uint8_t b[4096];
	for (int i = 0; i < 1459; i++)
		assert_int_equal(tcp_recv(c, b, 1, cap.now), 1);
	assert_int_equal(cap.n, n0);
	assert_int_equal(tcp_recv(c, b, 1, cap.now), 1);
	assert_int_equal(cap.n, n0 + 1);
	s = last();
	assert_int_equal(s.wnd, 1460);
	/* The rest, byte by byte: a handful of updates, not thousands. */
	for (int i = 0; i < 4096 - 1460; i++)
		assert_int_equal(tcp_recv(c, b, 1, cap.now), 1);
	assert_true(cap.n - n0 <= 3);
	/* The peer's data resumes into the advertised window. */
	peer_send_bytes(&peer, TH_ACK, 1460);
	assert_int_equal(tcp_conn_recvq(c), 1460);
	finish(c);
}

/* Sender side (RFC 9293 §3.8.6.2.1): with a usable window far below both the
 * MSS and half the largest window seen, nothing goes until the override
 * timeout; then what fits goes. A window of half the maximum goes at once. */
static void test_sender_sws(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	uint32_t iss = peer.iss;
	tcp_conn_set_nodelay(c, true);
	peer.wnd = 1;
	peer_send(&peer, TH_ACK, NULL, 0);
	static uint8_t data[40000];
	unsigned n0 = cap.n;
	tcp_time_t t = cap.now;
	tcp_send(c, data, 1000, cap.now);
	assert_int_equal(cap.n, n0);
	assert_int_equal(wait_output(), t + cstats(c).rto);
	struct tcp_seg s = last();
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.len, 1);
	/* The peer takes it, offers 500: still silly (< MSS, < 65535/2). */
	peer.ack = iss + 2;
	peer.wnd = 500;
	n0 = cap.n;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0);
	wait_output();
	assert_int_equal(last().len, 500);
	/* Half the largest window seen: sent at once. */
	peer.ack = iss + 502;
	peer.wnd = 40000;
	n0 = cap.n;
	tcp_send(c, data, sizeof(data) - 1000, cap.now);
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_true(cap.n > n0);
	finish(c);
}

/* Nagle (RFC 9293 §3.7.4): a small segment waits while data is unacknowledged,
 * unless TCP_NODELAY; full segments always go. */
static void test_nagle(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	uint32_t iss = peer.iss;
	unsigned n0 = cap.n;
	tcp_send(c, "aaaa", 4, cap.now);                /* idle: goes */
	assert_int_equal(cap.n, n0 + 1);
	tcp_send(c, "bbbb", 4, cap.now);                /* held */
	tcp_send(c, "cccc", 4, cap.now);
	assert_int_equal(cap.n, n0 + 1);
	peer.ack = iss + 5;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 2);
	struct tcp_seg s = last();
	assert_int_equal(s.seq, iss + 5);
	assert_int_equal(s.len, 8);                     /* coalesced */
	assert_memory_equal(s.data, "bbbbcccc", 8);
	/* Full segments go with data outstanding; the small tail waits. */
	static uint8_t big[1460 * 2 + 100];
	n0 = cap.n;
	tcp_send(c, big, sizeof(big), cap.now);
	assert_int_equal(cap.n, n0 + 2);
	assert_int_equal(last().len, 1460);
	peer.ack = iss + 13 + 2920;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 3);
	assert_int_equal(last().len, 100);
	/* TCP_NODELAY: each small write goes. */
	peer.ack = iss + 13 + 3020;
	peer_send(&peer, TH_ACK, NULL, 0);
	tcp_conn_set_nodelay(c, true);
	n0 = cap.n;
	tcp_send(c, "dddd", 4, cap.now);
	tcp_send(c, "eeee", 4, cap.now);
	tcp_send(c, "ffff", 4, cap.now);
	assert_int_equal(cap.n, n0 + 3);
	finish(c);
}

/* Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): an ACK at least for every
 * second full segment, otherwise within the delayed-ACK timeout; at once for
 * out-of-order data, for data filling a hole, and for a FIN. */
static void test_delayed_ack(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	unsigned n0 = cap.n;
	tcp_time_t t = cap.now;
	peer_send_bytes(&peer, TH_ACK, 1460);
	assert_int_equal(cap.n, n0);
	assert_int_equal(tcp_stack_next_timer(cap.st), t + TCP_MSEC(40));
	cap_advance(&cap, TCP_MSEC(40) - 1);
	assert_int_equal(cap.n, n0);
	cap_advance(&cap, 1);
	assert_int_equal(cap.n, n0 + 1);
	assert_int_equal(last().ack, peer.seq);
	/* Two full segments: the second is acknowledged at once. */
	n0 = cap.n;
	peer_send_bytes(&peer, TH_ACK, 1460);
	assert_int_equal(cap.n, n0);
	peer_send_bytes(&peer, TH_ACK, 1460);
	assert_int_equal(cap.n, n0 + 1);
	assert_int_equal(last().ack, peer.seq);
	assert_int_equal(tcp_stack_next_timer(cap.st), 0);
	/* Out of order: a duplicate ACK at once; the hole filled: ACK at once. */
	uint32_t hole = peer.seq;
	n0 = cap.n;
	peer_raw(&peer, hole + 100, peer.iss + 1, TH_ACK, "later", 5);
	assert_int_equal(cap.n, n0 + 1);
	assert_int_equal(last().ack, hole);
	peer_send_bytes(&peer, TH_ACK, 100);
	assert_int_equal(cap.n, n0 + 2);
	assert_int_equal(last().ack, hole + 105);
	peer.seq = hole + 105;
	/* A FIN: at once. */
	n0 = cap.n;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 1);
	assert_int_equal(last().ack, peer.seq);
	assert_int_equal(tcp_conn_recvq(c), 3 * 1460 + 105);
	finish(c);
}

/* A flood of duplicate ACKs: one fast retransmit, the counter saturates
 * without overflow (a bug other stacks shipped). */
static void test_dupack_flood(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(10));
	tcp_conn_set_nodelay(c, true);
	static uint8_t data[20000];
	tcp_send(c, data, sizeof(data), cap.now);
	for (int i = 0; i < 600; i++) {
		peer_send(&peer, TH_ACK, NULL, 0);
		cap_clear(&cap);
	}
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.fast_retransmits, 1);
	assert_int_equal(cs.dup_acks_in, 600);
	assert_true(c->dupacks <= 255 && c->dupacks >= 3);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	finish(c);
}

/* ---- what the SYNs negotiate ---- */

/* RFC 7323 §2: both offer scaling. Our shift covers the buffer (1 MiB: 5),
 * the peer's is applied to every window but a SYN's. */
static void test_wscale_both(void **state)
{
	setup(4);
	peer.wscale = 7;
	peer.wnd = 1000;
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(1));
	struct tcp_seg syn;
	assert_true(cap_seg(&cap, 0, &syn));
	assert_true(syn.opt.has_wscale);
	assert_int_equal(syn.opt.wscale, 5);
	assert_true(syn.wnd <= 65535);
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.snd_wscale, 7);
	assert_int_equal(cs.rcv_wscale, 5);
	assert_int_equal(cs.snd_wnd, 1000);              /* the SYN,ACK's: unscaled */
	peer.wnd = 100;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(cstats(c).snd_wnd, 100 << 7);
	/* Our ACKs carry the buffer >> 5. */
	peer_send_bytes(&peer, TH_ACK, 1460);
	peer_send_bytes(&peer, TH_ACK, 1460);
	struct tcp_seg s = last();
	/* The buffer's free space, to within one unit of scale. */
	assert_in_range((uint32_t)s.wnd << 5, (1u << 20) - 2920 - 31, (1u << 20) - 2920 + 31);
	finish(c);
}

/* The peer does not offer scaling: neither side scales (RFC 7323 §1.3: both
 * must send the option); our windows stay within 16 bits. */
static void test_wscale_peer_declines(void **state)
{
	setup(4);
	peer.wnd = 1000;
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(1));
	struct tcp_conn_stats cs = cstats(c);
	assert_int_equal(cs.snd_wscale, -1);
	assert_int_equal(cs.rcv_wscale, -1);
	peer.wnd = 100;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(cstats(c).snd_wnd, 100);
	peer_send_bytes(&peer, TH_ACK, 1460);
	peer_send_bytes(&peer, TH_ACK, 1460);
	assert_int_equal(last().wnd, 65535);
	assert_int_equal(cstats(c).rcv_wnd, 65535);
	finish(c);
}

/* Passive: the SYN,ACK carries the option only if the SYN did (RFC 7323
 * §2.2); a shift above 14 is taken as 14 (§2.3). */
static void test_wscale_passive(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_passive_open(&peer, IRS, TCP_MSEC(1));
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	assert_false(s.opt.has_wscale);
	assert_int_equal(cstats(c).rcv_wscale, -1);
	tcp_abort(c, cap.now);
	cap_clear(&cap);
	peer.them.port++;
	peer.wscale = 15;
	c = peer_passive_open(&peer, IRS, TCP_MSEC(1));
	assert_true(cap_seg(&cap, 0, &s));
	assert_true(s.opt.has_wscale);
	assert_int_equal(s.opt.wscale, 5);
	assert_int_equal(cstats(c).snd_wscale, 14);
	finish(c);
}

/* Scaling switched off in the configuration: not offered. */
static void test_wscale_disabled(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.window_scaling = false;
	setup_cfg(4, &cfg);
	peer.wscale = 3;
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(1));
	struct tcp_seg syn;
	assert_true(cap_seg(&cap, 0, &syn));
	assert_false(syn.opt.has_wscale);
	assert_int_equal(cstats(c).snd_wscale, -1);
	peer.wnd = 100;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(cstats(c).snd_wnd, 100);
	finish(c);
}

/* Timestamps (RFC 7323 §3.2): used only when both SYNs carry them; then every
 * segment does, echoing the peer's latest. Our clock ticks in milliseconds. */
static void test_timestamps(void **state)
{
	setup(4);
	peer.ts = true;
	peer.tsval = 777;
	struct tcp_conn *c = peer_active_open(&peer, IRS, TCP_MSEC(1));
	assert_true(cstats(c).timestamps);
	struct tcp_seg syn, s;
	assert_true(cap_seg(&cap, 0, &syn));
	s = last();
	assert_true(s.opt.has_ts);
	assert_int_equal(s.opt.tsecr, 777);
	assert_int_equal(s.opt.tsval - syn.opt.tsval, 1);
	cap_advance(&cap, TCP_MSEC(250));
	tcp_send(c, "x", 1, cap.now);
	s = last();
	assert_int_equal(s.opt.tsval - syn.opt.tsval, 251);
	assert_int_equal(s.opt.tsecr, 777);
	finish(c);

	/* The peer does not answer with timestamps: none from us either. */
	setup(4);
	c = peer_active_open(&peer, IRS, TCP_MSEC(1));
	assert_false(cstats(c).timestamps);
	assert_false(last().opt.has_ts);
	tcp_send(c, "x", 1, cap.now);
	assert_false(last().opt.has_ts);
	finish(c);

	/* Passive: a SYN without them gets a SYN,ACK without them. */
	setup(6);
	c = peer_passive_open(&peer, IRS, TCP_MSEC(1));
	assert_true(cap_seg(&cap, 0, &s));
	assert_false(s.opt.has_ts);
	assert_false(cstats(c).timestamps);
	finish(c);
}

/* MSS (RFC 9293 §3.7.1): without the option, 536 for IPv4 and 1220 for IPv6
 * (RFC 8200 §5); timestamps take their 12 bytes from every segment (RFC
 * 6691); our SYN offers MTU - 40 / MTU - 60. */
static uint32_t mss_case(int af, uint16_t peer_mss, bool ts)
{
	setup(af);
	peer.mss = peer_mss;
	peer.ts = ts;
	struct tcp_conn *c = peer_passive_open(&peer, IRS, TCP_MSEC(1));
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	assert_int_equal(s.opt.mss, af == 6 ? 1440 : 1460);
	uint32_t mss = cstats(c).mss;
	/* Data goes out in segments of exactly that size. */
	tcp_conn_set_nodelay(c, true);
	static uint8_t data[5000];
	unsigned n0 = cap.n;
	tcp_send(c, data, sizeof(data), cap.now);
	assert_true(cap.n > n0);
	for (unsigned i = n0; i < cap.n; i++) {
		assert_true(cap_seg(&cap, (int)i, &s));
		assert_true(s.len <= mss);
		if (i == n0)
			assert_int_equal(s.len, mss);
	}
	finish(c);
	return mss;
}

static void test_mss(void **state)
{
	assert_int_equal(mss_case(4, 0, false), 536);
	assert_int_equal(mss_case(6, 0, false), 1220);
	assert_int_equal(mss_case(4, 1460, false), 1460);
	assert_int_equal(mss_case(4, 9000, false), 1460);      /* ours is smaller */
	assert_int_equal(mss_case(6, 1440, true), 1440 - 12);
	assert_int_equal(mss_case(4, 0, true), 536 - 12);
	assert_int_equal(mss_case(4, 10, false), 64);          /* floored */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_active_v4),
		cmocka_unit_test(test_wrap_passive_v6),
		cmocka_unit_test(test_wrap_2_31),
		cmocka_unit_test(test_rtt_samples),
		cmocka_unit_test(test_karn_and_backoff),
		cmocka_unit_test(test_timestamp_sample_after_timeout),
		cmocka_unit_test(test_tail_loss_probe_rules),
		cmocka_unit_test(test_backoff_and_retry_bound),
		cmocka_unit_test(test_retries_reset_by_progress),
		cmocka_unit_test(test_syn_retry_bound),
		cmocka_unit_test(test_rto_3s_after_syn_timeout),
		cmocka_unit_test(test_rto_restarted_by_ack),
		cmocka_unit_test(test_zero_window_probe),
		cmocka_unit_test(test_zero_window_lost_update),
		cmocka_unit_test(test_zero_window_probe_cap),
		cmocka_unit_test(test_receiver_window_and_sws),
		cmocka_unit_test(test_sender_sws),
		cmocka_unit_test(test_nagle),
		cmocka_unit_test(test_delayed_ack),
		cmocka_unit_test(test_dupack_flood),
		cmocka_unit_test(test_wscale_both),
		cmocka_unit_test(test_wscale_peer_declines),
		cmocka_unit_test(test_wscale_passive),
		cmocka_unit_test(test_wscale_disabled),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_mss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
