/*
 * tests/unit/test_tcp_states.c — every RFC 9293 state and transition of the TCP
 * core, driven with crafted segments from a fake peer on a virtual clock:
 * active and passive open, simultaneous open (SYN-SENT -> SYN-RECEIVED),
 * active close through FIN-WAIT-1/2, simultaneous close through CLOSING,
 * passive close through CLOSE-WAIT and LAST-ACK, half-close in both
 * directions, TIME-WAIT for exactly 2 x MSL and its takeover by a new SYN
 * (RFC 6191), and the user calls that end a connection early.
 *
 * Every test ends by checking that no control block is left behind.
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

#define IRS      5000u           /* the peer's ISN unless a test says otherwise */
#define RTT      TCP_MSEC(10)
#define MSL_TEST TCP_SEC(5)

static struct cap cap;
static struct peer peer;

static void setup_cfg(int af, const struct tcp_config *cfg)
{
	cap_init(&cap, cfg);
	peer_init(&peer, &cap, af);
}

static void setup(int af)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.msl = MSL_TEST;
	setup_cfg(af, &cfg);
}

static struct tcp_stack_stats stats(void)
{
	struct tcp_stack_stats st;
	tcp_stack_stats(cap.st, &st);
	return st;
}

/* Nothing left: every control block freed, no timer pending. */
static void teardown_check(void)
{
	if (peer.lst) {
		tcp_listener_close(peer.lst, cap.now);
		peer.lst = NULL;
	}
	struct tcp_stack_stats st = stats();
	assert_int_equal(st.conns_live, 0);
	assert_int_equal(st.conns_time_wait, 0);
	assert_int_equal(tcp_stack_next_timer(cap.st), 0);
	cap_free(&cap);
}

struct one_state {
	unsigned n;
	enum tcp_state state;
};

static void visit_state(const struct tcp_conn *c, void *arg)
{
	struct one_state *o = arg;
	o->n++;
	o->state = tcp_conn_state(c);
}

/* The state of the only control block (e.g. a child not yet accepted). */
static enum tcp_state only_state(void)
{
	struct one_state o = { 0, TCP_CLOSED };
	tcp_stack_foreach(cap.st, visit_state, &o);
	assert_int_equal(o.n, 1);
	return o.state;
}

/* ---- opening ---- */

static void active_open(int af)
{
	setup(af);
	int err = 0;
	struct tcp_conn *c = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev,
					 cap.now, &err);
	assert_non_null(c);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	/* RFC 9293 §3.10.1: <SEQ=ISS><CTL=SYN>, with our options (MSS from the
	 * MTU, RFC 7323 scaling and timestamps, RFC 2018 SACK-permitted). */
	assert_int_equal(cap.n, 1);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	assert_int_equal(s.flags, TH_SYN);
	assert_true(s.opt.has_mss);
	assert_int_equal(s.opt.mss, af == 6 ? 1500 - 60 : 1500 - 40);
	assert_true(s.opt.has_wscale);
	assert_true(s.opt.sack_ok);
	assert_true(s.opt.has_ts);
	assert_int_equal(s.opt.tsecr, 0);
	uint32_t iss = s.seq;
	assert_int_equal(peer.ev.calls, 0);

	/* The SYN-ACK: ESTABLISHED, one CONNECTED event, <SEQ=ISS+1><ACK=IRS+1>. */
	cap_advance(&cap, RTT);
	peer.seq = IRS;
	peer.ack = iss + 1;
	peer_send(&peer, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_int_equal(peer.ev.n_connected, 1);
	assert_int_equal(cap.n, 2);
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 1);

	/* A retransmitted SYN-ACK (our ACK was lost) is answered with an ACK again
	 * and changes nothing (RFC 9293 §3.10.7.4 first: unacceptable). */
	peer_raw(&peer, IRS, iss + 1, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_int_equal(cap.n, 3);
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 1);
	assert_int_equal(peer.ev.n_connected, 1);

	tcp_abort(c, cap.now);
	teardown_check();
}

static void test_active_open_v4(void **state) { active_open(4); }
static void test_active_open_v6(void **state) { active_open(6); }

static unsigned accepts;

static void on_accept(struct tcp_listener *l, void *arg)
{
	accepts++;
}

static void passive_open(int af)
{
	setup(af);
	int err = 0;
	accepts = 0;
	peer.lst = tcp_listen(cap.st, &peer.us, 4, NULL, on_accept, NULL, &err);
	assert_non_null(peer.lst);
	/* RFC 9293 §3.10.7.2: a SYN makes a SYN-RECEIVED child and gets
	 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>; nothing is accepted yet. */
	peer.seq = IRS;
	peer_send(&peer, TH_SYN, NULL, 0);
	assert_int_equal(cap.n, 1);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.ack, IRS + 1);
	uint32_t iss = s.seq;
	assert_int_equal(only_state(), TCP_SYN_RECEIVED);
	assert_null(tcp_accept(peer.lst));
	assert_int_equal(accepts, 0);

	/* The handshake's ACK, carrying data: ESTABLISHED, in the accept queue,
	 * the data kept for the user. */
	cap_advance(&cap, RTT);
	peer.ack = iss + 1;
	peer_send(&peer, TH_ACK, "hello", 5);
	assert_int_equal(accepts, 1);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	assert_null(tcp_accept(peer.lst));
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	tcp_conn_set_cb(c, evlog_cb, &peer.ev);
	assert_true(peer.ev.mask & TCP_EV_READABLE);
	uint8_t buf[16];
	assert_int_equal(tcp_recv(c, buf, sizeof(buf), cap.now), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(tcp_conn_local(c)->port, peer.us.port);
	assert_true(tcp_ep_eq(tcp_conn_remote(c), &peer.them));
	tcp_abort(c, cap.now);
	teardown_check();
}

static void test_passive_open_v4(void **state) { passive_open(4); }
static void test_passive_open_v6(void **state) { passive_open(6); }

/* RFC 9293 §3.5 figure 8: both ends send a SYN. SYN-SENT -> SYN-RECEIVED on
 * the peer's SYN (we answer SYN,ACK with our own ISS), then ESTABLISHED on the
 * peer's SYN,ACK — at once, not after a retransmission. */
static void test_simultaneous_open_synack(void **state)
{
	setup(4);
	int err = 0;
	struct tcp_conn *c = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev,
					 cap.now, &err);
	assert_non_null(c);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	uint32_t iss = s.seq;
	peer.seq = IRS;
	peer.wscale = 7;
	peer_send(&peer, TH_SYN, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_RECEIVED);
	assert_int_equal(cap.n, 2);
	cap_expect(&cap, -1, TH_SYN | TH_ACK, iss, IRS + 1);
	assert_int_equal(peer.ev.n_connected, 0);

	/* The peer's SYN,ACK (its answer to our SYN) completes the handshake;
	 * its window, a SYN's, is not scaled (RFC 7323 §2.2). */
	peer.wnd = 1000;
	peer_raw(&peer, IRS, iss + 1, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_int_equal(peer.ev.n_connected, 1);
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.snd_wnd, 1000);
	assert_int_equal(cs.snd_wscale, 7);
	peer.wnd = 100;

	/* Both sequence spaces are right: data flows each way. */
	peer.ack = iss + 1;
	peer_send(&peer, TH_ACK, "abc", 3);
	assert_int_equal(tcp_conn_recvq(c), 3);
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.snd_wnd, 100 << 7);
	cap_advance(&cap, TCP_MSEC(40));        /* the delayed ACK */
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 4);
	unsigned n0 = cap.n;
	assert_int_equal(tcp_send(c, "xyz", 3, cap.now), 3);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 4);
	tcp_abort(c, cap.now);
	teardown_check();
}

/* Same, with the peer completing by a bare ACK (RFC 9293 §3.10.7.4 fifth:
 * SYN-RECEIVED and SND.UNA < SEG.ACK =< SND.NXT). */
static void test_simultaneous_open_ack(void **state)
{
	setup(6);
	int err = 0;
	struct tcp_conn *c = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev,
					 cap.now, &err);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	uint32_t iss = s.seq;
	peer.seq = IRS;
	peer_send(&peer, TH_SYN, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_RECEIVED);
	/* An ACK that does not acknowledge our SYN is answered by RST
	 * <SEQ=SEG.ACK> and does not move the state. */
	unsigned n0 = cap.n;
	peer_raw(&peer, IRS + 1, iss + 7, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_RECEIVED);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_RST, iss + 7, 0);
	peer.ack = iss + 1;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_int_equal(peer.ev.n_connected, 1);
	tcp_abort(c, cap.now);
	teardown_check();
}

/* Simultaneous open where our SYN,ACK is lost: the SYN,ACK is retransmitted
 * on the SYN timer from SYN-RECEIVED. */
static void test_simultaneous_open_synack_retransmitted(void **state)
{
	setup(4);
	int err = 0;
	struct tcp_conn *c = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev,
					 cap.now, &err);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	uint32_t iss = s.seq;
	peer.seq = IRS;
	peer_send(&peer, TH_SYN, NULL, 0);
	unsigned n0 = cap.n;
	cap_advance(&cap, TCP_SEC(1));
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_SYN | TH_ACK, iss, IRS + 1);
	tcp_abort(c, cap.now);
	teardown_check();
}

/* ---- closing ---- */

/* An active open, ESTABLISHED, peer state synchronised. */
static struct tcp_conn *open_active(uint32_t irs)
{
	return peer_active_open(&peer, irs, RTT);
}

/* Our FIN was sent: check it is <SEQ=una><CTL=FIN,ACK>. */
static void expect_fin(uint32_t seq, uint32_t ack)
{
	cap_expect(&cap, -1, TH_FIN | TH_ACK, seq, ack);
}

/* Active close: ESTABLISHED -> FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT, which
 * lasts exactly 2 x MSL (RFC 9293 §3.4.2, §3.10.7.4 eighth), then CLOSED. */
static void active_close(tcp_time_t msl)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.msl = msl;
	setup_cfg(4, &cfg);
	struct tcp_conn *c = open_active(IRS);
	uint32_t iss = peer.iss;

	tcp_shutdown(c, cap.now);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
	expect_fin(iss + 1, IRS + 1);
	assert_int_equal(tcp_conn_sendspace(c), 0);
	assert_int_equal(tcp_send(c, "x", 1, cap.now), 0);     /* no SEND after CLOSE */

	cap_advance(&cap, RTT);
	peer.ack = iss + 2;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_2);
	assert_int_equal(peer.ev.n_fin_acked, 1);
	/* FIN-WAIT-2 held by the user: no timer (the user may wait for the peer). */
	assert_int_equal(tcp_stack_next_timer(cap.st), 0);

	unsigned n0 = cap.n;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(peer.ev.n_eof, 1);
	assert_true(tcp_conn_eof(c));
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, iss + 2, IRS + 2);
	assert_int_equal(stats().conns_time_wait, 1);

	tcp_time_t t0 = cap.now;
	assert_int_equal(tcp_stack_next_timer(cap.st), t0 + 2 * msl);
	cap_advance(&cap, 2 * msl - 1);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(peer.ev.n_closed, 0);
	cap_advance(&cap, 1);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	assert_int_equal(peer.ev.n_closed, 1);
	assert_int_equal(peer.ev.err, TCP_ERR_NONE);
	assert_int_equal(stats().conns_time_wait, 0);
	assert_int_equal(cap.n, n0 + 1);                       /* silent */
	tcp_close(c, cap.now);
	teardown_check();
}

static void test_active_close_time_wait_2msl(void **state)
{
	active_close(MSL_TEST);
	active_close(TCP_MSEC(250));
	active_close(TCP_SEC(120));                             /* RFC 9293's MSL */
}

/* The FIN and the ACK of our FIN in one segment: FIN-WAIT-1 -> TIME-WAIT. */
static void test_fin_wait_1_to_time_wait(void **state)
{
	setup(4);
	struct tcp_conn *c = open_active(IRS);
	tcp_shutdown(c, cap.now);
	peer.ack = peer.iss + 2;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(peer.ev.n_fin_acked, 1);
	cap_expect(&cap, -1, TH_ACK, peer.iss + 2, IRS + 2);
	tcp_close(c, cap.now);                  /* released in TIME-WAIT: freed at 2 MSL */
	assert_int_equal(stats().conns_time_wait, 1);
	cap_advance(&cap, 2 * MSL_TEST);
	teardown_check();
}

/* Simultaneous close (RFC 9293 §3.6 figure 13): FIN-WAIT-1 -> CLOSING on the
 * peer's FIN, the FIN is retransmitted from CLOSING while unacknowledged
 * (a bug other stacks shipped), then TIME-WAIT on its ACK. */
static void test_simultaneous_close(void **state)
{
	setup(4);
	struct tcp_conn *c = open_active(IRS);
	uint32_t iss = peer.iss;
	tcp_shutdown(c, cap.now);
	expect_fin(iss + 1, IRS + 1);
	/* The peer's FIN crosses ours: it acknowledges only our SYN. */
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSING);
	assert_int_equal(peer.ev.n_eof, 1);
	cap_expect(&cap, -1, TH_ACK, iss + 2, IRS + 2);

	/* Our FIN is lost: the retransmission timer sends it again. */
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	unsigned n0 = cap.n;
	cap_advance(&cap, cs.rto);
	assert_int_equal(cap.n, n0 + 1);
	expect_fin(iss + 1, IRS + 2);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSING);

	peer.ack = iss + 2;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	assert_int_equal(peer.ev.n_fin_acked, 1);
	cap_advance(&cap, 2 * MSL_TEST);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	tcp_close(c, cap.now);
	teardown_check();
}

/* Passive close: ESTABLISHED -> CLOSE-WAIT (data still flows our way: half-
 * close) -> LAST-ACK, whose FIN is retransmitted until acknowledged -> CLOSED. */
static void test_passive_close_last_ack(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_passive_open(&peer, IRS, RTT);
	uint32_t iss = peer.iss;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSE_WAIT);
	assert_true(peer.ev.mask & TCP_EV_EOF);
	assert_true(tcp_conn_eof(c));
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 2);

	/* CLOSE-WAIT: we may still send (RFC 9293 §3.10.2). */
	unsigned n0 = cap.n;
	assert_int_equal(tcp_send(c, "late data", 9, cap.now), 9);
	assert_int_equal(cap.n, n0 + 1);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.len, 9);
	assert_memory_equal(s.data, "late data", 9);
	peer.ack = iss + 10;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_sendq(c), 0);

	tcp_close(c, cap.now);
	/* The handle is gone; watch the block through the stack. */
	assert_int_equal(only_state(), TCP_LAST_ACK);
	expect_fin(iss + 10, IRS + 2);
	n0 = cap.n;
	cap_advance(&cap, TCP_SEC(1));
	assert_true(cap.n > n0);
	expect_fin(iss + 10, IRS + 2);
	peer.ack = iss + 11;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(stats().conns_live, 0);           /* CLOSED, TCB deleted */
	teardown_check();
}

/* Half-close the other way: after our FIN is acknowledged (FIN-WAIT-2) the
 * peer's data keeps arriving, is acknowledged and read; in FIN-WAIT-1 too. */
static void test_half_close_fin_wait(void **state)
{
	setup(4);
	struct tcp_conn *c = open_active(IRS);
	uint32_t iss = peer.iss;
	tcp_shutdown(c, cap.now);
	/* FIN-WAIT-1: data that does not yet acknowledge our FIN. */
	peer_send_bytes(&peer, TH_ACK, 1000);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
	assert_int_equal(tcp_conn_recvq(c), 1000);
	/* FIN-WAIT-2 after the ACK of the FIN; then two full segments. */
	peer.ack = iss + 2;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_2);
	unsigned n0 = cap.n;
	peer_send_bytes(&peer, TH_ACK, 1460);
	peer_send_bytes(&peer, TH_ACK, 1460);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_2);
	assert_int_equal(tcp_conn_recvq(c), 1000 + 2920);
	assert_true(cap.n > n0);
	cap_advance(&cap, TCP_MSEC(40));        /* the delayed ACK of the last one */
	cap_expect(&cap, -1, TH_ACK, iss + 2, IRS + 1 + 1000 + 2920);
	uint8_t buf[4000];
	assert_int_equal(tcp_recv(c, buf, sizeof(buf), cap.now), 3920);
	for (unsigned i = 0; i < 3920; i++)
		assert_int_equal(buf[i], (uint8_t)(IRS + 1 + i));
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	tcp_close(c, cap.now);
	cap_advance(&cap, 2 * MSL_TEST);
	teardown_check();
}

/* In TIME-WAIT a retransmitted FIN is acknowledged and restarts the 2 MSL
 * timeout (RFC 9293 §3.10.7.4 fifth and eighth). */
static void test_time_wait_fin_restarts_timer(void **state)
{
	setup(4);
	struct tcp_conn *c = open_active(IRS);
	uint32_t iss = peer.iss;
	tcp_shutdown(c, cap.now);
	peer.ack = iss + 2;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	cap_advance(&cap, MSL_TEST);
	unsigned n0 = cap.n;
	peer_raw(&peer, IRS + 1, iss + 2, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, iss + 2, IRS + 2);
	tcp_time_t t1 = cap.now;
	cap_advance(&cap, MSL_TEST);            /* the first 2 MSL are over */
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	cap_advance_to(&cap, t1 + 2 * MSL_TEST);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	tcp_close(c, cap.now);
	teardown_check();
}

/* A released connection in FIN-WAIT-2 whose peer never sends FIN does not
 * linger forever: it is bounded by 2 MSL. */
static void test_orphan_fin_wait_2_bounded(void **state)
{
	setup(4);
	struct tcp_conn *c = open_active(IRS);
	tcp_close(c, cap.now);
	expect_fin(peer.iss + 1, IRS + 1);
	peer.ack = peer.iss + 2;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(only_state(), TCP_FIN_WAIT_2);
	cap_advance(&cap, 2 * MSL_TEST - 1);
	assert_int_equal(only_state(), TCP_FIN_WAIT_2);
	cap_advance(&cap, 1);
	teardown_check();
}

/* Passive side closes first and reaches TIME-WAIT: the 4-tuple may be taken
 * over by a new SYN only when it cannot belong to the old incarnation
 * (RFC 6191 §2 with timestamps; RFC 1122 §4.2.2.13 by sequence number). */
static uint32_t server_time_wait(bool ts)
{
	peer.ts = ts;
	struct tcp_conn *c = peer_passive_open(&peer, IRS, RTT);
	peer_sync(&peer, false);
	tcp_close(c, cap.now);
	expect_fin(peer.iss + 1, IRS + 1);
	peer_sync(&peer, false);
	peer.ack = peer.iss + 2;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(only_state(), TCP_TIME_WAIT);
	assert_int_equal(stats().conns_time_wait, 1);
	return peer.seq;                        /* RCV.NXT of the old incarnation */
}

/* A new SYN that takes the 4-tuple over gets a SYN,ACK for its own ISN, and
 * completes into a new connection. */
static void expect_takeover(uint32_t new_isn)
{
	assert_int_equal(stats().conns_time_wait, 0);
	assert_int_equal(only_state(), TCP_SYN_RECEIVED);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.ack, new_isn + 1);
	peer_sync(&peer, false);
	peer.seq = new_isn + 1;
	peer.ack = s.seq + 1;
	peer_send(&peer, TH_ACK, NULL, 0);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	tcp_abort(c, cap.now);
}

/* The SYN does not take over: TIME-WAIT stays, the SYN is answered by an ACK
 * of the old incarnation (RFC 5961 §4 / RFC 7323 §5.3), no SYN,ACK. */
static void expect_no_takeover(uint32_t old_rcv_nxt)
{
	assert_int_equal(stats().conns_time_wait, 1);
	assert_int_equal(only_state(), TCP_TIME_WAIT);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	assert_int_equal(s.flags & (TH_SYN | TH_RST | TH_ACK), TH_ACK);
	assert_int_equal(s.ack, old_rcv_nxt);
}

static void test_time_wait_takeover_by_seq(void **state)
{
	setup(4);
	uint32_t rcv_nxt = server_time_wait(false);
	/* Lower than RCV.NXT: might be an old duplicate. */
	unsigned n0 = cap.n;
	peer_raw(&peer, rcv_nxt - 10, 0, TH_SYN, NULL, 0);
	assert_int_equal(cap.n, n0 + 1);
	expect_no_takeover(rcv_nxt);
	/* Equal to RCV.NXT: not higher either. */
	peer_raw(&peer, rcv_nxt, 0, TH_SYN, NULL, 0);
	expect_no_takeover(rcv_nxt);
	/* Higher: a new incarnation. */
	uint32_t isn = rcv_nxt + 100000;
	peer_raw(&peer, isn, 0, TH_SYN, NULL, 0);
	expect_takeover(isn);
	teardown_check();
}

static void test_time_wait_takeover_by_timestamp(void **state)
{
	setup(4);
	uint32_t rcv_nxt = server_time_wait(true);
	/* Higher ISN but an older timestamp: refused (RFC 6191 §2: with
	 * timestamps, the timestamp decides). */
	uint32_t ts_recent = peer.tsval - 1;
	peer.tsval = ts_recent - 100;
	unsigned n0 = cap.n;
	peer_raw(&peer, rcv_nxt + 100000, 0, TH_SYN, NULL, 0);
	assert_int_equal(cap.n, n0 + 1);
	expect_no_takeover(rcv_nxt);
	/* The same timestamp: not newer either. */
	peer.tsval = ts_recent;
	peer_raw(&peer, rcv_nxt + 100000, 0, TH_SYN, NULL, 0);
	expect_no_takeover(rcv_nxt);
	/* Newer timestamp, even with a lower ISN: accepted. */
	peer.tsval = ts_recent + 5;
	uint32_t isn = rcv_nxt - 50000;
	peer_raw(&peer, isn, 0, TH_SYN, NULL, 0);
	expect_takeover(isn);
	teardown_check();
}

/* The TIME-WAIT of a connection the user still holds is not taken over. */
static void test_time_wait_held_not_taken_over(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_passive_open(&peer, IRS, RTT);
	tcp_shutdown(c, cap.now);
	peer.ack = peer.iss + 2;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	peer_raw(&peer, peer.seq + 100000, 0, TH_SYN, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	assert_int_equal(s.flags & (TH_SYN | TH_RST), 0);
	tcp_close(c, cap.now);
	cap_advance(&cap, 2 * MSL_TEST);
	teardown_check();
}

/* ---- user calls that end a connection early (RFC 9293 §3.10.4, §3.10.5) ---- */

/* CLOSE in SYN-SENT deletes the TCB without a word to the peer. */
static void test_close_in_syn_sent(void **state)
{
	setup(4);
	int err = 0;
	struct tcp_conn *c = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev,
					 cap.now, &err);
	assert_non_null(c);
	tcp_close(c, cap.now);
	assert_int_equal(cap.n, 1);             /* only the SYN */
	assert_int_equal(stats().conns_live, 0);
	assert_int_equal(peer.ev.calls, 0);     /* released: no events */
	teardown_check();
}

/* A shutdown queued in SYN-SENT sends the FIN once the handshake completes
 * (RFC 9293 §3.10.4: "queue for processing after entering ESTABLISHED"). */
static void test_shutdown_in_syn_sent(void **state)
{
	setup(4);
	int err = 0;
	struct tcp_conn *c = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev,
					 cap.now, &err);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, 0, &s));
	uint32_t iss = s.seq;
	tcp_shutdown(c, cap.now);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	assert_int_equal(cap.n, 1);
	peer.seq = IRS;
	peer.ack = iss + 1;
	peer_send(&peer, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_FIN_WAIT_1);
	expect_fin(iss + 1, IRS + 1);
	tcp_abort(c, cap.now);
	teardown_check();
}

/* CLOSE with unread data is an abort (RFC 2525 §2.17): <SEQ=SND.NXT><CTL=RST>
 * (RFC 9293 §3.10.5). ABORT in TIME-WAIT sends nothing and frees the block. */
static void test_abort_and_close_with_unread_data(void **state)
{
	setup(4);
	struct tcp_conn *c = open_active(IRS);
	peer_send_bytes(&peer, TH_ACK, 100);
	unsigned n0 = cap.n;
	tcp_close(c, cap.now);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_RST | TH_ACK, peer.iss + 1, IRS + 101);
	assert_int_equal(stats().conns_live, 0);
	cap_free(&cap);

	/* TIME-WAIT: abort is silent and frees at once. */
	setup(4);
	c = open_active(IRS);
	tcp_shutdown(c, cap.now);
	peer.ack = peer.iss + 2;
	peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_TIME_WAIT);
	n0 = cap.n;
	tcp_abort(c, cap.now);
	assert_int_equal(cap.n, n0);
	teardown_check();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_active_open_v4),
		cmocka_unit_test(test_active_open_v6),
		cmocka_unit_test(test_passive_open_v4),
		cmocka_unit_test(test_passive_open_v6),
		cmocka_unit_test(test_simultaneous_open_synack),
		cmocka_unit_test(test_simultaneous_open_ack),
		cmocka_unit_test(test_simultaneous_open_synack_retransmitted),
		cmocka_unit_test(test_active_close_time_wait_2msl),
		cmocka_unit_test(test_fin_wait_1_to_time_wait),
		cmocka_unit_test(test_simultaneous_close),
		cmocka_unit_test(test_passive_close_last_ack),
		cmocka_unit_test(test_half_close_fin_wait),
		cmocka_unit_test(test_time_wait_fin_restarts_timer),
		cmocka_unit_test(test_orphan_fin_wait_2_bounded),
		cmocka_unit_test(test_time_wait_takeover_by_seq),
		cmocka_unit_test(test_time_wait_takeover_by_timestamp),
		cmocka_unit_test(test_time_wait_held_not_taken_over),
		cmocka_unit_test(test_close_in_syn_sent),
		cmocka_unit_test(test_shutdown_in_syn_sent),
		cmocka_unit_test(test_abort_and_close_with_unread_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
