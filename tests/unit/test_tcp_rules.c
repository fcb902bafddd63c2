/*
 * tests/unit/test_tcp_rules.c — the rules a TCP applies to each arriving
 * segment, in every state: RST generation for segments without a connection
 * (RFC 9293 §3.10.7.1) and RST acceptance (§3.10.7.3, §3.10.7.4 second); the
 * RFC 5961 defences — exact-match RST, challenge ACKs for in-window RSTs and
 * for SYNs in synchronized states, ACK validation, the per-connection
 * challenge-ACK limit; PAWS (RFC 7323 §5); and malformed datagrams aimed at a
 * live connection, each dropped and counted under its reason (tcp/drop.h).
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

#define IRS 70000u
#define RTT TCP_MSEC(10)
#define FAR 0x40000000u          /* a sequence offset far outside any window */

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

static struct tcp_stack_stats stats(void)
{
	struct tcp_stack_stats st;
	tcp_stack_stats(cap.st, &st);
	return st;
}

static uint64_t conn_drops(const struct tcp_conn *c, enum tcp_drop why)
{
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	return cs.drops[why];
}

static void finish(void)
{
	if (peer.lst) {
		tcp_listener_close(peer.lst, cap.now);
		peer.lst = NULL;
	}
	struct tcp_stack_stats st = stats();
	assert_int_equal(st.conns_live, 0);
	cap_free(&cap);
}

static void release(struct tcp_conn *c)
{
	tcp_abort(c, cap.now);
}

/* ---- RST for a segment without a connection (RFC 9293 §3.10.7.1) ---- */

static void test_rst_for_closed_port(void **state)
{
	setup(4);
	/* SYN, ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; the SYN counts. */
	peer_raw(&peer, 1000, 0, TH_SYN, NULL, 0);
	assert_int_equal(cap.n, 1);
	cap_expect(&cap, -1, TH_RST | TH_ACK, 0, 1001);
	/* FIN with data, ACK off: SEG.LEN is data + FIN. */
	peer_raw(&peer, 2000, 0, TH_FIN, "abcd", 4);
	assert_int_equal(cap.n, 2);
	cap_expect(&cap, -1, TH_RST | TH_ACK, 0, 2005);
	/* ACK on: <SEQ=SEG.ACK><CTL=RST>. */
	peer_raw(&peer, 3000, 123456, TH_ACK, "xy", 2);
	assert_int_equal(cap.n, 3);
	cap_expect(&cap, -1, TH_RST, 123456, 0);
	peer_raw(&peer, 3000, 0xfffffff0u, TH_FIN | TH_ACK, NULL, 0);
	cap_expect(&cap, -1, TH_RST, 0xfffffff0u, 0);
	/* An RST is never answered, with or without ACK. */
	unsigned n0 = cap.n;
	peer_raw(&peer, 4000, 0, TH_RST, NULL, 0);
	peer_raw(&peer, 4000, 77, TH_RST | TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0);
	struct tcp_stack_stats st = stats();
	assert_int_equal(st.drops[TCP_DROP_NO_SOCKET], 6);
	assert_int_equal(st.rst_sent, 4);
	assert_int_equal(st.conns_live, 0);
	/* IPv6 alike. */
	cap_free(&cap);
	setup(6);
	peer_raw(&peer, 99, 0, TH_SYN, NULL, 0);
	cap_expect(&cap, -1, TH_RST | TH_ACK, 0, 100);
	finish();
}

/* Sharing the host's addresses, the stack leaves ports it does not use to the
 * kernel: no RST, counted as not-ours. */
static void test_shared_host_silent(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.shared_host = true;
	setup_cfg(4, &cfg);
	peer_raw(&peer, 1000, 0, TH_SYN, NULL, 0);
	peer_raw(&peer, 1000, 5, TH_ACK, NULL, 0);
	assert_int_equal(cap.n, 0);
	assert_int_equal(cap_drops(&cap, TCP_DROP_NOT_OURS), 2);
	/* A port it does use (a connection) is still answered for: a stray
	 * segment to the same port from another peer port gets its RST. */
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	unsigned n0 = cap.n;
	peer.them.port++;
	peer_raw(&peer, 1000, 5, TH_ACK, NULL, 0);
	peer.them.port--;
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_RST, 5, 0);
	release(c);
	finish();
}

/* ---- SYN-SENT (RFC 9293 §3.10.7.3, RFC 5961 §3.2) ---- */

static uint32_t connect_only(struct tcp_conn **cp)
{
	int err = 0;
	*cp = tcp_connect(cap.st, &peer.us, &peer.them, NULL, evlog_cb, &peer.ev, cap.now, &err);
	assert_non_null(*cp);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	peer.iss = s.seq;
	return s.seq;
}

static void test_syn_sent_rules(void **state)
{
	setup(4);
	struct tcp_conn *c;
	uint32_t iss = connect_only(&c);
	unsigned n0 = cap.n;
	/* RST without ACK: cannot be tied to our SYN, dropped. */
	peer_raw(&peer, 1, 0, TH_RST, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	/* RST whose ACK is not acceptable: dropped, never answered. */
	peer_raw(&peer, 1, iss + 2, TH_RST | TH_ACK, NULL, 0);
	peer_raw(&peer, 1, iss, TH_RST | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	assert_int_equal(cap.n, n0);
	/* An unacceptable ACK (SEG.ACK =< ISS or > SND.NXT): <SEQ=SEG.ACK><CTL=RST>. */
	peer_raw(&peer, 1, iss + 100, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_RST, iss + 100, 0);
	peer_raw(&peer, 1, iss, TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 2);
	cap_expect(&cap, -1, TH_RST, iss, 0);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	assert_int_equal(conn_drops(c, TCP_DROP_BAD_ACK), 4);
	assert_int_equal(conn_drops(c, TCP_DROP_RST_OOW), 1);
	/* A bare ACK that is acceptable but no SYN: dropped (fifth). */
	peer_raw(&peer, 1, iss + 1, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_SYN_SENT);
	assert_int_equal(cap.n, n0 + 2);
	assert_int_equal(peer.ev.calls, 0);
	/* RST acknowledging the SYN: "connection refused". */
	peer_raw(&peer, 0, iss + 1, TH_RST | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	assert_int_equal(peer.ev.n_closed, 1);
	assert_int_equal(peer.ev.err, TCP_ERR_REFUSED);
	assert_string_equal(tcp_error_str(tcp_conn_error(c)), "connection refused");
	assert_int_equal(cap.n, n0 + 2);
	tcp_close(c, cap.now);
	finish();
}

/* ---- the synchronized states ---- */

struct sync_case {
	enum tcp_state st;
	uint32_t snd_max;       /* relative to ISS: what our ACKs carry as SEQ */
	enum tcp_error on_rst;  /* why it ends on an acceptable RST */
};

static const struct sync_case sync_cases[] = {
	{ TCP_SYN_RECEIVED, 1, TCP_ERR_REFUSED },   /* from SYN-SENT */
	{ TCP_ESTABLISHED, 1, TCP_ERR_RESET },
	{ TCP_FIN_WAIT_1, 2, TCP_ERR_RESET },
	{ TCP_FIN_WAIT_2, 2, TCP_ERR_RESET },
	{ TCP_CLOSE_WAIT, 1, TCP_ERR_RESET },
	{ TCP_CLOSING, 2, TCP_ERR_NONE },
	{ TCP_LAST_ACK, 2, TCP_ERR_NONE },
	{ TCP_TIME_WAIT, 2, TCP_ERR_NONE },
};

/* A fresh connection in state st, held by the user (tcp_shutdown, never
 * tcp_close). peer.seq is then our RCV.NXT. */
static struct tcp_conn *reach(enum tcp_state st)
{
	struct tcp_conn *c;
	if (st == TCP_SYN_RECEIVED) {
		connect_only(&c);
		peer.seq = IRS;
		peer.ack = peer.iss + 1;
		peer_send(&peer, TH_SYN, NULL, 0);
		assert_int_equal(tcp_conn_state(c), TCP_SYN_RECEIVED);
		return c;
	}
	c = peer_active_open(&peer, IRS, RTT);
	uint32_t iss = peer.iss;
	switch (st) {
	case TCP_FIN_WAIT_1:
		tcp_shutdown(c, cap.now);
		break;
	case TCP_FIN_WAIT_2:
		tcp_shutdown(c, cap.now);
		peer.ack = iss + 2;
		peer_send(&peer, TH_ACK, NULL, 0);
		break;
	case TCP_CLOSE_WAIT:
		peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
		break;
	case TCP_CLOSING:
		tcp_shutdown(c, cap.now);
		peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
		break;
	case TCP_LAST_ACK:
		peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
		tcp_shutdown(c, cap.now);
		break;
	case TCP_TIME_WAIT:
		tcp_shutdown(c, cap.now);
		peer.ack = iss + 2;
		peer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
		break;
	default:
		break;
	}
	assert_int_equal(tcp_conn_state(c), st);
	return c;
}

/* RFC 5961 §3.2 in every synchronized state: an RST outside the window is
 * dropped silently, one inside but not at RCV.NXT gets a challenge ACK
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, only the exact one resets (RFC 9293
 * §3.10.7.4 second: the error depends on the state). */
static void test_rst_in_every_state(void **state)
{
	for (unsigned i = 0; i < sizeof(sync_cases) / sizeof(sync_cases[0]); i++) {
		const struct sync_case *k = &sync_cases[i];
		for (int with_ack = 0; with_ack < 2; with_ack++) {
			setup(4);
			struct tcp_conn *c = reach(k->st);
			uint32_t rcv_nxt = peer.seq, snd_max = peer.iss + k->snd_max;
			uint8_t rst = TH_RST | (with_ack ? TH_ACK : 0);
			unsigned n0 = cap.n;

			peer_raw(&peer, rcv_nxt + FAR, snd_max, rst, NULL, 0);
			peer_raw(&peer, rcv_nxt - 1, snd_max, rst, NULL, 0);
			assert_int_equal(cap.n, n0);
			assert_int_equal(tcp_conn_state(c), k->st);
			assert_int_equal(conn_drops(c, TCP_DROP_RST_OOW), 2);

			peer_raw(&peer, rcv_nxt + 1, snd_max, rst, NULL, 0);
			if (tcp_conn_state(c) != k->st)
				fail_msg("%s: in-window RST accepted", tcp_state_name(k->st));
			assert_int_equal(cap.n, n0 + 1);
			cap_expect(&cap, -1, TH_ACK, snd_max, rcv_nxt);
			assert_int_equal(conn_drops(c, TCP_DROP_RST_CHALLENGE), 1);
			assert_int_equal(peer.ev.n_closed, 0);

			peer_raw(&peer, rcv_nxt, snd_max, rst, NULL, 0);
			if (tcp_conn_state(c) != TCP_CLOSED)
				fail_msg("%s: exact RST ignored", tcp_state_name(k->st));
			assert_int_equal(cap.n, n0 + 1);       /* an RST is not answered */
			assert_int_equal(peer.ev.n_closed, 1);  /* the user (holding it) hears */
			assert_int_equal(tcp_conn_error(c), k->on_rst);
			tcp_close(c, cap.now);
			assert_int_equal(stats().conns_live, 0);
			finish();
		}
	}
}

/* RST in a released connection's last states (nobody holds it): the block is
 * freed at once, not left to its timers (connections leaked or stuck when
 * RSTs were ignored is a bug other stacks shipped). */
static void test_rst_frees_orphans(void **state)
{
	static const enum tcp_state sts[] = { TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSING,
					      TCP_LAST_ACK, TCP_TIME_WAIT };
	for (unsigned i = 0; i < sizeof(sts) / sizeof(sts[0]); i++) {
		setup(4);
		struct tcp_conn *c = reach(sts[i]);
		tcp_close(c, cap.now);
		assert_int_equal(stats().conns_live, 1);
		peer_raw(&peer, peer.seq, 0, TH_RST, NULL, 0);
		assert_int_equal(stats().conns_live, 0);
		assert_int_equal(stats().conns_time_wait, 0);
		assert_int_equal(tcp_stack_next_timer(cap.st), 0);
		finish();
	}
}

/* A passive half-open connection reset by its peer goes back to LISTEN
 * (RFC 9293 §3.10.7.4 second, SYN-RECEIVED): the child vanishes silently and
 * the listener serves the next SYN. */
static void test_rst_passive_syn_received(void **state)
{
	setup(4);
	int err;
	peer.lst = tcp_listen(cap.st, &peer.us, 4, NULL, NULL, NULL, &err);
	peer.seq = IRS;
	peer_send(&peer, TH_SYN, NULL, 0);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	uint32_t iss = s.seq;
	assert_int_equal(stats().conns_live, 1);
	/* Inexact: challenge ACK (SEQ = ISS+1: our SYN is SND.NXT-1). */
	unsigned n0 = cap.n;
	peer_raw(&peer, IRS + 2, 0, TH_RST, NULL, 0);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 1);
	assert_int_equal(stats().conns_live, 1);
	peer_raw(&peer, IRS + 1, 0, TH_RST, NULL, 0);
	assert_int_equal(stats().conns_live, 0);
	assert_int_equal(cap.n, n0 + 1);
	assert_null(tcp_accept(peer.lst));
	/* The listener still works. */
	peer.them.port++;
	struct tcp_conn *c = peer_passive_open(&peer, IRS, RTT);
	tcp_abort(c, cap.now);
	finish();
}

/* RFC 5961 §4.2: a SYN in any synchronized state, whatever its sequence
 * number, gets a challenge ACK and changes nothing. */
static void test_syn_in_every_state(void **state)
{
	for (unsigned i = 1; i < sizeof(sync_cases) / sizeof(sync_cases[0]); i++) {
		const struct sync_case *k = &sync_cases[i];
		setup(4);
		struct tcp_conn *c = reach(k->st);
		uint32_t rcv_nxt = peer.seq, snd_max = peer.iss + k->snd_max;
		static const uint32_t offs[] = { 0, 10, FAR, (uint32_t)-5 };
		for (unsigned j = 0; j < 4; j++) {
			unsigned n0 = cap.n;
			peer_raw(&peer, rcv_nxt + offs[j], 0, TH_SYN, NULL, 0);
			if (tcp_conn_state(c) != k->st)
				fail_msg("%s: SYN changed the state", tcp_state_name(k->st));
			if (cap.n != n0 + 1)
				fail_msg("%s: SYN at +%d: %u answers", tcp_state_name(k->st),
					 (int)offs[j], cap.n - n0);
			cap_expect(&cap, -1, TH_ACK, snd_max, rcv_nxt);
		}
		assert_int_equal(conn_drops(c, TCP_DROP_SYN_CHALLENGE), 4);
		struct tcp_conn_stats cs;
		tcp_conn_stats(c, &cs);
		assert_int_equal(cs.challenge_acks, 4);
		assert_int_equal(peer.ev.n_closed, 0);
		release(c);
		finish();
	}
}

/* The handshake's SYN,ACK retransmitted into ESTABLISHED: acknowledged again
 * (our ACK may have been lost), nothing else. */
static void test_duplicate_synack_acked(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	unsigned n0 = cap.n;
	peer_raw(&peer, IRS, peer.iss + 1, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, peer.iss + 1, IRS + 1);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	release(c);
	finish();
}

/* ---- ACK validation (RFC 5961 §5.2, RFC 9293 §3.10.7.4 fifth) ---- */

static void test_ack_validation(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	uint32_t iss = peer.iss;
	tcp_conn_set_nodelay(c, true);
	/* Send 3000 bytes; the peer acknowledges them all (window 65535). */
	static uint8_t data[3000];
	assert_int_equal(tcp_send(c, data, sizeof(data), cap.now), sizeof(data));
	peer.ack = iss + 1 + 3000;
	peer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_sendq(c), 0);
	uint32_t una = iss + 3001;

	/* Acknowledges what was never sent: ACK back, segment dropped (its data
	 * not taken). */
	unsigned n0 = cap.n;
	peer_raw(&peer, peer.seq, una + 1, TH_ACK, "evil", 4);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, una, peer.seq);
	assert_int_equal(tcp_conn_recvq(c), 0);
	/* Older than SND.UNA - MAX.SND.WND: a blind injection; dropped, ACK. */
	peer_raw(&peer, peer.seq, una - 65535 - 1, TH_ACK, "evil", 4);
	assert_int_equal(cap.n, n0 + 2);
	cap_expect(&cap, -1, TH_ACK, una, peer.seq);
	assert_int_equal(tcp_conn_recvq(c), 0);
	assert_int_equal(conn_drops(c, TCP_DROP_BAD_ACK), 2);

	/* Old but within MAX.SND.WND: acceptable (a reordered segment); the data
	 * is taken, but the window is not updated from an ACK below SND.UNA. */
	peer.wnd = 0;
	peer_raw(&peer, peer.seq, una - 65535, TH_ACK, "good", 4);
	peer.seq += 4;
	assert_int_equal(tcp_conn_recvq(c), 4);
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.snd_wnd, 65535);
	peer_raw(&peer, peer.seq, iss + 1, TH_ACK, "more", 4);
	peer.seq += 4;
	assert_int_equal(tcp_conn_recvq(c), 8);
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.snd_wnd, 65535);
	assert_int_equal(conn_drops(c, TCP_DROP_BAD_ACK), 2);
	/* The current ACK updates it. */
	peer_raw(&peer, peer.seq, una, TH_ACK, NULL, 0);
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.snd_wnd, 0);
	release(c);
	finish();
}

/* ---- the challenge-ACK limit (RFC 5961 §7) ---- */

static void test_challenge_ack_limit(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.challenge_ack_limit = 3;
	setup_cfg(4, &cfg);
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	struct peer p2;
	memcpy(&p2, &peer, sizeof(p2));
	memset(&p2.ev, 0, sizeof(p2.ev));
	p2.them.port = 40001;
	struct tcp_conn *c2 = peer_active_open(&p2, IRS + 999, RTT);

	unsigned n0 = cap.n;
	for (int i = 0; i < 10; i++)
		peer_raw(&peer, peer.seq + 1 + (uint32_t)i, 0, TH_RST, NULL, 0);
	for (int i = 0; i < 10; i++)
		peer_raw(&peer, peer.seq + 5, 0, TH_SYN, NULL, 0);
	assert_int_equal(cap.n, n0 + 3);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.challenge_acks, 3);
	/* Per connection, not global (CVE-2016-5696): the other still answers. */
	peer_raw(&p2, p2.seq + 1, 0, TH_RST, NULL, 0);
	assert_int_equal(cap.n, n0 + 4);
	cap_expect(&cap, -1, TH_ACK, p2.iss + 1, p2.seq);
	/* The limit never swallows the ACKs of data (a bug other stacks
	 * shipped): two full segments are acknowledged at once. */
	peer_send_bytes(&peer, TH_ACK, 1460);
	peer_send_bytes(&peer, TH_ACK, 1460);
	assert_int_equal(cap.n, n0 + 5);
	cap_expect(&cap, -1, TH_ACK, peer.iss + 1, peer.seq);
	/* A second later, the budget is back. */
	cap_advance(&cap, TCP_SEC(1));
	n0 = cap.n;
	for (int i = 0; i < 5; i++)
		peer_raw(&peer, peer.seq + 1, 0, TH_RST, NULL, 0);
	assert_int_equal(cap.n, n0 + 3);
	release(c);
	release(c2);
	finish();
}

/* After our abort the peer, not believing an inexact RST, sends a challenge
 * ACK; we have no connection and answer it with <SEQ=SEG.ACK><CTL=RST>, the
 * exact match it needs (RFC 5961 §3.2). Nothing answers that RST: no
 * RST/challenge-ACK ping-pong. */
static void test_rst_challenge_no_ping_pong(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	uint32_t iss = peer.iss;
	unsigned n0 = cap.n;
	tcp_abort(c, cap.now);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_RST | TH_ACK, iss + 1, IRS + 1);
	peer_raw(&peer, IRS + 1, iss + 1, TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 2);
	cap_expect(&cap, -1, TH_RST, iss + 1, 0);
	peer_raw(&peer, iss + 1, 0, TH_RST, NULL, 0);
	assert_int_equal(cap.n, n0 + 2);
	finish();
}

/* ABORT after a retransmission timeout rewound SND.NXT: the RST still carries
 * the highest sequence number sent (RFC 9293's SND.NXT, never rewound), which
 * is what a peer that got everything expects as RCV.NXT. */
static void test_abort_after_rto_uses_snd_max(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	uint32_t iss = peer.iss;
	tcp_conn_set_nodelay(c, true);
	static uint8_t data[3000];
	assert_int_equal(tcp_send(c, data, sizeof(data), cap.now), sizeof(data));
	/* A tail probe at 2 SRTT, the timeout one RTO later: one segment is
	 * resent from SND.UNA, the rest waits. */
	cap_advance(&cap, TCP_MSEC(300));
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.rto_expiries, 1);
	assert_true(seq_lt(c->snd_nxt, c->snd_max));
	tcp_abort(c, cap.now);
	cap_expect(&cap, -1, TH_RST | TH_ACK, iss + 3001, IRS + 1);
	finish();
}

/* Unacceptable segments (RFC 9293 §3.10.7.4 first) are answered with an ACK
 * and dropped: an old duplicate, one beyond the window. A duplicate ACK with
 * nothing outstanding is not answered at all (no ACK storms). */
static void test_unacceptable_segments(void **state)
{
	struct tcp_sock_opts o = { .rcvbuf = 8192 };
	setup(4);
	peer.opts = &o;
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	uint32_t iss = peer.iss;
	peer_send_bytes(&peer, TH_ACK, 100);
	cap_advance(&cap, TCP_MSEC(200));       /* delayed ACK out */
	unsigned n0 = cap.n;
	peer_raw(&peer, IRS + 1, iss + 1, TH_ACK, "old", 3);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 101);
	peer_raw(&peer, peer.seq + 8192 + 10, iss + 1, TH_ACK, "far", 3);
	assert_int_equal(cap.n, n0 + 2);
	cap_expect(&cap, -1, TH_ACK, iss + 1, IRS + 101);
	assert_int_equal(tcp_conn_recvq(c), 100);
	assert_int_equal(conn_drops(c, TCP_DROP_OUT_OF_WINDOW), 2);
	/* Duplicate pure ACKs, nothing in flight: silence. */
	for (int i = 0; i < 5; i++)
		peer_raw(&peer, peer.seq, iss + 1, TH_ACK, NULL, 0);
	assert_int_equal(cap.n, n0 + 2);
	/* An RST out of window: silence too. */
	peer_raw(&peer, peer.seq + FAR, 0, TH_RST, NULL, 0);
	assert_int_equal(cap.n, n0 + 2);
	release(c);
	finish();
}

/* Segments with no ACK bit in a synchronized state are dropped (RFC 9293
 * §3.10.7.4 fifth), their data not taken. */
static void test_no_ack_flag_dropped(void **state)
{
	setup(4);
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	unsigned n0 = cap.n;
	peer_raw(&peer, peer.seq, 0, TH_FIN, "data", 4);
	assert_int_equal(tcp_conn_recvq(c), 0);
	assert_false(tcp_conn_eof(c));
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_int_equal(cap.n, n0);
	assert_int_equal(conn_drops(c, TCP_DROP_NO_ACK), 1);
	release(c);
	finish();
}

/* ---- PAWS (RFC 7323 §5) ---- */

static void test_paws(void **state)
{
	setup(4);
	peer.ts = true;
	peer.tsval = 0xfffffff0u;               /* the peer's clock wraps during the test */
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	uint32_t iss = peer.iss;
	/* Segments across the wrap of the peer's clock are in order. */
	for (int i = 0; i < 40; i++)
		peer_send_bytes(&peer, TH_ACK, 10);
	assert_int_equal(tcp_conn_recvq(c), 400);
	assert_true(peer.tsval < 0x100);
	/* An older timestamp: an old duplicate. Dropped with an ACK, data not
	 * taken, even though its sequence number is fine. */
	uint32_t keep = peer.tsval;
	peer.tsval = keep - 20;
	unsigned n0 = cap.n;
	peer_raw(&peer, peer.seq, iss + 1, TH_ACK, "dup", 3);
	assert_int_equal(tcp_conn_recvq(c), 400);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, iss + 1, peer.seq);
	assert_int_equal(conn_drops(c, TCP_DROP_PAWS), 1);
	/* The echo in our ACK is still the latest timestamp seen. */
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	assert_true(s.opt.has_ts);
	/* RFC 7323 §4.3: TS.Recent comes from the segment at Last.ACK.sent, the
	 * 39th of 40 here (every second one is acknowledged at once). */
	assert_int_equal(s.opt.tsecr, keep - 2);
	/* A current timestamp goes through. */
	peer.tsval = keep;
	peer_send(&peer, TH_ACK, "new", 3);
	assert_int_equal(tcp_conn_recvq(c), 403);
	/* TS.Recent older than 24 days is not trusted (RFC 7323 §5.5): an old
	 * timestamp is then accepted. */
	uint8_t buf[512];
	assert_int_equal(tcp_recv(c, buf, sizeof(buf), cap.now), 403);
	cap_advance(&cap, TCP_SEC(25 * 24 * 3600));
	peer.tsval = keep - 1000;
	peer_send(&peer, TH_ACK, "late", 4);
	assert_int_equal(tcp_conn_recvq(c), 4);
	release(c);
	finish();
}

/* An RST is acceptable whatever its timestamp (RFC 7323 §5.3 R1). */
static void test_paws_spares_rst(void **state)
{
	setup(4);
	peer.ts = true;
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	peer_send_bytes(&peer, TH_ACK, 10);
	peer.tsval -= 100;
	peer_raw(&peer, peer.seq, 0, TH_RST, NULL, 0);
	assert_int_equal(tcp_conn_state(c), TCP_CLOSED);
	assert_int_equal(tcp_conn_error(c), TCP_ERR_RESET);
	tcp_close(c, cap.now);
	finish();
}

/* ---- malformed datagrams at a live connection ---- */

static void fix_ip4(uint8_t *b)
{
	size_t ihl = (size_t)(b[0] & 15) * 4;
	b[10] = b[11] = 0;
	uint16_t cs = (uint16_t)~csum_fold(csum_add(0, b, ihl));
	memcpy(b + 10, &cs, 2);
}

struct mangle {
	const char *what;
	enum tcp_drop why;
	void (*fn)(uint8_t *b, size_t *len);
};

/* The datagram: IPv4 20 bytes, TCP 20 + 12 (NOP NOP TS) bytes, 8 bytes data. */
#define M_TCP 20
#define M_OPT (M_TCP + 20)
#define M_DATA (M_TCP + 32)

static void m_csum(uint8_t *b, size_t *len) { b[*len - 1] ^= 0x20; }
static void m_doff4(uint8_t *b, size_t *len)
{
	b[M_TCP + 12] = 0x40;
	tcp_finish_csum(b, *len);
}
static void m_doff_past(uint8_t *b, size_t *len)
{
	b[M_TCP + 12] = 0xf0;           /* 60 bytes, the segment has 40 */
	tcp_finish_csum(b, *len);
}
static void m_opt_overrun(uint8_t *b, size_t *len)
{
	b[M_OPT + 3] = 14;              /* the TS option claims 14 bytes, 10 remain */
	tcp_finish_csum(b, *len);
}
static void m_opt_zero(uint8_t *b, size_t *len)
{
	b[M_OPT] = TCPOPT_TS;           /* NOP NOP TS -> TS with a length of 0 */
	b[M_OPT + 1] = 0;
	tcp_finish_csum(b, *len);
}
static void m_frag_mf(uint8_t *b, size_t *len)
{
	b[6] = 0x20;                    /* more fragments */
	fix_ip4(b);
}
static void m_frag_off(uint8_t *b, size_t *len)
{
	b[6] = 0x00;
	b[7] = 0x10;                    /* offset 128 bytes */
	fix_ip4(b);
}
static void m_ihl4(uint8_t *b, size_t *len)
{
	b[0] = 0x44;
	fix_ip4(b);
}
static void m_ihl_past(uint8_t *b, size_t *len)
{
	b[0] = 0x4f;                    /* 60 bytes of IP header */
	*len = 56;
}
static void m_ip_len_long(uint8_t *b, size_t *len) { *len -= 1; }
static void m_ip_len_short(uint8_t *b, size_t *len)
{
	b[2] = 0;
	b[3] = 19;
	fix_ip4(b);
}
static void m_ip_csum(uint8_t *b, size_t *len) { b[8] ^= 1; }
static void m_flags(uint8_t *b, size_t *len)
{
	b[M_TCP + 13] = TH_SYN | TH_RST | TH_ACK;
	tcp_finish_csum(b, *len);
}
static void m_tcp_short(uint8_t *b, size_t *len)
{
	*len = 20 + 19;
	b[2] = 0;
	b[3] = 39;
	fix_ip4(b);
}

/* RFC 9293 §3.1 / RFC 791: a datagram that cannot be read exactly is dropped
 * with its reason counted, never half-parsed: the connection does not see it
 * (no ACK, no data, no state change). Fragments are never reassembled. */
static void test_malformed_at_connection(void **state)
{
	static const struct mangle ms[] = {
		{ "TCP checksum", TCP_DROP_TCP_CSUM, m_csum },
		{ "data offset 4", TCP_DROP_TCP_DOFF, m_doff4 },
		{ "data offset past the end", TCP_DROP_TCP_DOFF, m_doff_past },
		{ "option overrunning the header", TCP_DROP_TCP_OPT, m_opt_overrun },
		{ "option of length 0", TCP_DROP_TCP_OPT, m_opt_zero },
		{ "fragment (MF)", TCP_DROP_IP_FRAG, m_frag_mf },
		{ "fragment (offset)", TCP_DROP_IP_FRAG, m_frag_off },
		{ "IHL 4", TCP_DROP_IP_HDRLEN, m_ihl4 },
		{ "IHL past the datagram", TCP_DROP_IP_HDRLEN, m_ihl_past },
		{ "total length past the datagram", TCP_DROP_IP_LEN, m_ip_len_long },
		{ "total length below IHL", TCP_DROP_IP_LEN, m_ip_len_short },
		{ "IPv4 header checksum", TCP_DROP_IP_CSUM, m_ip_csum },
		{ "SYN+RST", TCP_DROP_TCP_FLAGS, m_flags },
		{ "TCP header cut short", TCP_DROP_TCP_SHORT, m_tcp_short },
	};
	setup(4);
	peer.ts = true;
	struct tcp_conn *c = peer_active_open(&peer, IRS, RTT);
	struct tcp_conn_stats before;
	tcp_conn_stats(c, &before);
	struct seg_spec sp;
	seg_spec_init(&sp, &peer.them, &peer.us);
	sp.seq = peer.seq;
	sp.ack = peer.iss + 1;
	sp.flags = TH_ACK | TH_PSH;
	sp.ts = true;
	sp.tsval = peer.tsval;
	sp.tsecr = peer.tsecr;
	sp.data = "payload!";
	sp.len = 8;
	uint8_t good[128];
	size_t glen = seg_make(good, sizeof(good), &sp);
	assert_int_equal(glen, M_DATA + 8);
	unsigned n0 = cap.n;
	uint64_t want[TCP_DROP__COUNT] = { 0 };
	for (unsigned i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		uint8_t b[128];
		size_t len = glen;
		memcpy(b, good, glen);
		ms[i].fn(b, &len);
		cap_input(&cap, b, len);
		want[ms[i].why]++;
		if (cap_drops(&cap, ms[i].why) != want[ms[i].why])
			fail_msg("%s: not counted as %s", ms[i].what, tcp_drop_name(ms[i].why));
		if (cap.n != n0 || tcp_conn_recvq(c) != 0)
			fail_msg("%s: reached the connection", ms[i].what);
	}
	struct tcp_conn_stats after;
	tcp_conn_stats(c, &after);
	assert_int_equal(after.segs_in, before.segs_in);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	/* The intact datagram is delivered. */
	cap_input(&cap, good, glen);
	assert_int_equal(tcp_conn_recvq(c), 8);
	release(c);
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rst_for_closed_port),
		cmocka_unit_test(test_shared_host_silent),
		cmocka_unit_test(test_syn_sent_rules),
		cmocka_unit_test(test_rst_in_every_state),
		cmocka_unit_test(test_rst_frees_orphans),
		cmocka_unit_test(test_rst_passive_syn_received),
		cmocka_unit_test(test_syn_in_every_state),
		cmocka_unit_test(test_duplicate_synack_acked),
		cmocka_unit_test(test_ack_validation),
		cmocka_unit_test(test_challenge_ack_limit),
		cmocka_unit_test(test_rst_challenge_no_ping_pong),
		cmocka_unit_test(test_abort_after_rto_uses_snd_max),
		cmocka_unit_test(test_unacceptable_segments),
		cmocka_unit_test(test_no_ack_flag_dropped),
		cmocka_unit_test(test_paws),
		cmocka_unit_test(test_paws_spares_rst),
		cmocka_unit_test(test_malformed_at_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
