/*
 * tests/unit/test_tcp_listen.c — passive opens (RFC 9293 §3.10.7.2): the
 * bounded SYN (half-open) queue, SYN cookies past it (RFC 4987 §3.6) — a
 * connection completes from a cookie with the options it encodes, a forged,
 * foreign or stale cookie is refused —, the accept queue bound (backlog), the
 * SYN,ACK retry bound, and what a listener does with segments that are not a
 * SYN.
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

#define IRS         123456u
#define COOKIE_SLOT TCP_SEC(64)

static struct cap cap;
static struct peer peer;
static unsigned accepts;

static void on_accept(struct tcp_listener *l, void *arg)
{
	accepts++;
}

static void setup_cfg(const struct tcp_config *cfg, unsigned backlog)
{
	cap_init(&cap, cfg);
	peer_init(&peer, &cap, 4);
	int err = 0;
	accepts = 0;
	peer.lst = tcp_listen(cap.st, &peer.us, backlog, NULL, on_accept, NULL, &err);
	assert_non_null(peer.lst);
}

/* Every SYN answered by a cookie (no half-open queue at all). */
static void setup_cookies(void)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.syn_backlog = 0;
	setup_cfg(&cfg, 8);
}

static struct tcp_stack_stats stats(void)
{
	struct tcp_stack_stats st;
	tcp_stack_stats(cap.st, &st);
	return st;
}

static void finish(void)
{
	struct tcp_conn *c;
	while ((c = tcp_accept(peer.lst)))
		tcp_abort(c, cap.now);
	tcp_listener_close(peer.lst, cap.now);
	assert_int_equal(stats().conns_live, 0);
	assert_int_equal(stats().listeners, 0);
	cap_free(&cap);
}

/* The peer at port `port` sends a SYN with ISN irs; returns our SYN,ACK. */
static struct tcp_seg syn_from(uint16_t port, uint32_t irs)
{
	peer.them.port = port;
	unsigned n0 = cap.n;
	peer_raw(&peer, irs, 0, TH_SYN, NULL, 0);
	struct tcp_seg s;
	memset(&s, 0, sizeof(s));
	if (cap.n > n0) {
		assert_int_equal(cap.n, n0 + 1);
		assert_true(cap_seg(&cap, -1, &s));
		assert_int_equal(s.flags, TH_SYN | TH_ACK);
		assert_int_equal(s.ack, irs + 1);
	}
	return s;
}

/* The peer at `port` completes the handshake its SYN (irs) began. */
static void ack_from(uint16_t port, uint32_t irs, uint32_t iss, const void *data, uint32_t len)
{
	peer.them.port = port;
	peer_raw(&peer, irs + 1, iss + 1, TH_ACK, data, len);
}

/* ---- the SYN queue and cookies ---- */

static void test_syn_queue_bound_then_cookies(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.syn_backlog = 4;
	setup_cfg(&cfg, 8);
	for (uint16_t i = 0; i < 4; i++)
		syn_from(40000 + i, IRS + i);
	assert_int_equal(stats().conns_live, 4);
	assert_int_equal(stats().syncookies_sent, 0);
	/* The fifth: answered statelessly. */
	struct tcp_seg ck = syn_from(40004, IRS + 4);
	assert_int_equal(ck.flags, TH_SYN | TH_ACK);
	assert_int_equal(stats().conns_live, 4);
	assert_int_equal(stats().syncookies_sent, 1);
	/* Its ACK (with data) rebuilds the connection straight into the
	 * accept queue. */
	ack_from(40004, IRS + 4, ck.seq, "cookie!", 7);
	assert_int_equal(stats().syncookies_ok, 1);
	assert_int_equal(accepts, 1);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_int_equal(tcp_conn_remote(c)->port, 40004);
	uint8_t buf[16];
	assert_int_equal(tcp_recv(c, buf, sizeof(buf), cap.now), 7);
	assert_memory_equal(buf, "cookie!", 7);
	/* It works both ways. */
	unsigned n0 = cap.n;
	tcp_conn_set_nodelay(c, true);
	assert_int_equal(tcp_send(c, "reply", 5, cap.now), 5);
	assert_int_equal(cap.n, n0 + 1);
	cap_expect(&cap, -1, TH_ACK, ck.seq + 1, IRS + 4 + 1 + 7);
	tcp_abort(c, cap.now);
	/* The four half-open ones complete normally. */
	for (uint16_t i = 0; i < 4; i++) {
		struct tcp_seg s;
		assert_true(cap_seg(&cap, i, &s));
		ack_from(40000 + i, IRS + i, s.seq, NULL, 0);
	}
	assert_int_equal(accepts, 5);
	finish();
}

static void test_syn_queue_full_without_cookies(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.syn_backlog = 2;
	cfg.syncookies = false;
	setup_cfg(&cfg, 8);
	syn_from(40000, IRS);
	syn_from(40001, IRS);
	unsigned n0 = cap.n;
	struct tcp_seg s = syn_from(40002, IRS);
	assert_int_equal(s.flags, 0);                   /* no answer */
	assert_int_equal(cap.n, n0);
	assert_int_equal(cap_drops(&cap, TCP_DROP_SYN_QUEUE_FULL), 1);
	assert_int_equal(stats().conns_live, 2);
	/* A bare ACK is then just unexpected: RST (RFC 9293 §3.10.7.2). */
	peer_raw(&peer, IRS + 1, 777, TH_ACK, NULL, 0);
	cap_expect(&cap, -1, TH_RST, 777, 0);
	assert_int_equal(cap_drops(&cap, TCP_DROP_LISTEN_BAD), 1);
	finish();
}

/* A cookie keeps what the SYN offered: the MSS (as one of eight classes) in
 * the ISN; with timestamps, the window scale and SACK-permitted in our TSval,
 * which the ACK echoes. */
static void test_cookie_options_with_timestamps(void **state)
{
	setup_cookies();
	peer.mss = 1400;
	peer.wscale = 6;
	peer.sack_perm = true;
	peer.ts = true;
	struct tcp_seg ck = syn_from(40000, IRS);
	assert_int_equal(stats().conns_live, 0);
	assert_true(ck.opt.has_mss);
	assert_true(ck.opt.has_wscale);
	assert_true(ck.opt.sack_ok);
	assert_true(ck.opt.has_ts);
	peer.tsecr = ck.opt.tsval;
	ack_from(40000, IRS, ck.seq, NULL, 0);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.mss, 1400 - 12);
	assert_int_equal(cs.snd_wscale, 6);
	assert_int_equal(cs.rcv_wscale, ck.opt.wscale);
	assert_true(cs.timestamps);
	assert_true(cs.sack);
	/* The peer's windows are scaled from the first ACK on. */
	assert_int_equal(cs.snd_wnd, 65535u << 6);
	/* Our TSvals go on from the cookie's, never backwards (the peer's PAWS). */
	cap_advance(&cap, TCP_MSEC(5));
	tcp_conn_set_nodelay(c, true);
	tcp_send(c, "x", 1, cap.now);
	struct tcp_seg s;
	assert_true(cap_seg(&cap, -1, &s));
	assert_true(s.opt.has_ts);
	assert_true(seq_gt(s.opt.tsval, ck.opt.tsval));
	assert_int_equal(s.opt.tsecr, peer.tsval - 1);
	tcp_abort(c, cap.now);
	/* The eight MSS classes: the largest not above the peer's. */
	static const struct { uint16_t offer, got; } cls[] = {
		{ 0, 536 }, { 536, 536 }, { 1219, 536 }, { 1220, 1220 }, { 1459, 1440 },
		{ 1460, 1460 }, { 9000, 1460 },         /* capped by ours */
	};
	peer.ts = false;
	peer.wscale = -1;
	for (unsigned i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
		peer.mss = cls[i].offer;
		ck = syn_from((uint16_t)(41000 + i), IRS);
		ack_from((uint16_t)(41000 + i), IRS, ck.seq, NULL, 0);
		c = tcp_accept(peer.lst);
		assert_non_null(c);
		tcp_conn_stats(c, &cs);
		if (cs.mss != cls[i].got)
			fail_msg("MSS %u: got %u, want %u", cls[i].offer, cs.mss, cls[i].got);
		tcp_abort(c, cap.now);
	}
	finish();
}

/* Without timestamps a cookie cannot remember window scaling or SACK: the
 * SYN,ACK must not offer them, or the two ends would disagree on every
 * window (the peer scaling, we not). */
static void test_cookie_without_timestamps_offers_no_scaling(void **state)
{
	setup_cookies();
	peer.wscale = 7;
	peer.sack_perm = true;
	struct tcp_seg ck = syn_from(40000, IRS);
	assert_false(ck.opt.has_ts);
	assert_false(ck.opt.has_wscale);
	assert_false(ck.opt.sack_ok);
	assert_true(ck.wnd <= 65535);
	peer.wnd = 1000;
	ack_from(40000, IRS, ck.seq, NULL, 0);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	struct tcp_conn_stats cs;
	tcp_conn_stats(c, &cs);
	assert_int_equal(cs.snd_wscale, -1);
	assert_int_equal(cs.snd_wnd, 1000);
	assert_false(cs.sack);
	assert_false(cs.timestamps);
	tcp_abort(c, cap.now);
	finish();
}

/* Refused cookies: answered with <SEQ=SEG.ACK><CTL=RST>, counted, and no
 * connection is made. */
static void expect_refused(uint32_t ack, uint64_t bad_before)
{
	cap_expect(&cap, -1, TH_RST, ack, 0);
	assert_int_equal(cap_drops(&cap, TCP_DROP_COOKIE_BAD), bad_before + 1);
	assert_null(tcp_accept(peer.lst));
	assert_int_equal(stats().conns_live, 0);
}

static void test_cookie_forged_or_foreign(void **state)
{
	setup_cookies();
	struct tcp_seg ck = syn_from(40000, IRS);
	/* Any bit of the hash wrong. */
	for (unsigned bit = 0; bit < 24; bit += 5) {
		uint64_t bad = cap_drops(&cap, TCP_DROP_COOKIE_BAD);
		ack_from(40000, IRS, ck.seq ^ (1u << bit), NULL, 0);
		expect_refused((ck.seq ^ (1u << bit)) + 1, bad);
	}
	/* The MSS class changed (a bigger MSS than the SYN offered). */
	uint64_t bad = cap_drops(&cap, TCP_DROP_COOKIE_BAD);
	ack_from(40000, IRS, ck.seq ^ (7u << 24), NULL, 0);
	expect_refused((ck.seq ^ (7u << 24)) + 1, bad);
	/* Another 4-tuple, or another peer ISN. */
	bad = cap_drops(&cap, TCP_DROP_COOKIE_BAD);
	ack_from(40001, IRS, ck.seq, NULL, 0);
	expect_refused(ck.seq + 1, bad);
	bad = cap_drops(&cap, TCP_DROP_COOKIE_BAD);
	ack_from(40000, IRS + 1, ck.seq, NULL, 0);
	expect_refused(ck.seq + 1, bad);
	/* A cookie minted by a stack with another secret. */
	static struct cap other;
	static const uint8_t secret[32] = "another-secret-0123456789abcdef";
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.syn_backlog = 0;
	cap_init_secret(&other, &cfg, secret);
	cap_advance_to(&other, cap.now);
	int err;
	struct tcp_listener *ol = tcp_listen(other.st, &peer.us, 8, NULL, NULL, NULL, &err);
	assert_non_null(ol);
	struct peer op;
	peer_init(&op, &other, 4);
	peer_raw(&op, IRS, 0, TH_SYN, NULL, 0);
	struct tcp_seg ock;
	assert_true(cap_seg(&other, -1, &ock));
	assert_int_equal(ock.flags, TH_SYN | TH_ACK);
	tcp_listener_close(ol, other.now);
	cap_free(&other);
	bad = cap_drops(&cap, TCP_DROP_COOKIE_BAD);
	ack_from(40000, IRS, ock.seq, NULL, 0);
	expect_refused(ock.seq + 1, bad);
	/* The real one still works. */
	ack_from(40000, IRS, ck.seq, NULL, 0);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	tcp_abort(c, cap.now);
	finish();
}

/* A cookie lives one or two 64-second slots, never longer — not even when the
 * 5-bit slot number in the ISN comes round again (32 slots later). */
static void test_cookie_lifetime(void **state)
{
	static const struct { tcp_time_t after; bool ok; } ages[] = {
		{ 0, true },
		{ COOKIE_SLOT - 1, true },
		{ COOKIE_SLOT, true },                  /* the next slot */
		{ 2 * COOKIE_SLOT - 1, true },
		{ 2 * COOKIE_SLOT, false },             /* two slots on */
		{ 31 * COOKIE_SLOT, false },
		{ 32 * COOKIE_SLOT, false },            /* the slot number wrapped */
		{ 33 * COOKIE_SLOT, false },
		{ 64 * COOKIE_SLOT + 5, false },
	};
	for (unsigned i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
		setup_cookies();
		/* Start at the beginning of a slot. */
		cap_advance_to(&cap, (cap.now / COOKIE_SLOT + 1) * COOKIE_SLOT);
		struct tcp_seg ck = syn_from(40000, IRS);
		cap_advance(&cap, ages[i].after);
		uint64_t bad = cap_drops(&cap, TCP_DROP_COOKIE_BAD);
		ack_from(40000, IRS, ck.seq, NULL, 0);
		if (ages[i].ok) {
			struct tcp_conn *c = tcp_accept(peer.lst);
			if (!c)
				fail_msg("cookie refused after %llu s",
					 (unsigned long long)(ages[i].after / TCP_SEC(1)));
			tcp_abort(c, cap.now);
		} else {
			if (cap_drops(&cap, TCP_DROP_COOKIE_BAD) != bad + 1)
				fail_msg("cookie accepted after %llu s",
					 (unsigned long long)(ages[i].after / TCP_SEC(1)));
			expect_refused(ck.seq + 1, bad);
		}
		finish();
	}
}

/* ---- the accept queue ---- */

/* backlog bounds the connections waiting for tcp_accept(). A handshake that
 * would overflow it stays half-open (its ACK dropped); new SYNs are dropped
 * while it is full; once the user accepts, the half-open one completes on
 * its SYN,ACK retransmission. */
static void test_accept_queue_bound(void **state)
{
	setup_cfg(NULL, 2);
	struct tcp_seg s[4];
	for (int i = 0; i < 3; i++)
		s[i] = syn_from((uint16_t)(40000 + i), IRS);
	ack_from(40000, IRS, s[0].seq, NULL, 0);
	ack_from(40001, IRS, s[1].seq, NULL, 0);
	assert_int_equal(accepts, 2);
	assert_int_equal(stats().conns_live, 3);
	unsigned n0 = cap.n;
	ack_from(40002, IRS, s[2].seq, NULL, 0);
	assert_int_equal(cap.n, n0);                    /* dropped silently */
	assert_int_equal(cap_drops(&cap, TCP_DROP_LISTEN_OVERFLOW), 1);
	s[3] = syn_from(40003, IRS);
	assert_int_equal(s[3].flags, 0);
	assert_int_equal(cap.n, n0);
	assert_int_equal(cap_drops(&cap, TCP_DROP_LISTEN_OVERFLOW), 2);
	assert_int_equal(stats().conns_live, 3);
	/* The user takes one: the waiting handshake completes. */
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	tcp_abort(c, cap.now);
	n0 = cap.n;
	cap_advance(&cap, TCP_SEC(1));                  /* SYN,ACK timer */
	assert_true(cap.n > n0);
	cap_expect(&cap, -1, TH_SYN | TH_ACK, s[2].seq, IRS + 1);
	ack_from(40002, IRS, s[2].seq, NULL, 0);
	assert_int_equal(accepts, 3);
	/* With cookies, an ACK for a full accept queue is dropped as well. */
	finish();
	setup_cookies();
	tcp_listener_close(peer.lst, cap.now);
	int err;
	peer.lst = tcp_listen(cap.st, &peer.us, 1, NULL, on_accept, NULL, &err);
	s[0] = syn_from(40000, IRS);
	s[1] = syn_from(40001, IRS);
	ack_from(40000, IRS, s[0].seq, NULL, 0);
	n0 = cap.n;
	ack_from(40001, IRS, s[1].seq, NULL, 0);
	assert_int_equal(cap.n, n0);
	assert_int_equal(cap_drops(&cap, TCP_DROP_LISTEN_OVERFLOW), 1);
	assert_int_equal(stats().syncookies_ok, 1);
	finish();
}

/* ---- SYN-RECEIVED children ---- */

/* The SYN,ACK is retransmitted with backoff, syn_retries times, then the
 * half-open child is dropped (silently: the peer may be gone or spoofed). */
static void test_synack_retry_bound(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.syn_retries = 2;
	setup_cfg(&cfg, 8);
	tcp_time_t t0 = cap.now;
	struct tcp_seg s = syn_from(40000, IRS);
	cap_advance_to(&cap, t0 + TCP_SEC(1));
	cap_expect(&cap, -1, TH_SYN | TH_ACK, s.seq, IRS + 1);
	assert_int_equal(cap.n, 2);
	cap_advance_to(&cap, t0 + TCP_SEC(3));
	assert_int_equal(cap.n, 3);
	cap_advance_to(&cap, t0 + TCP_SEC(7) - 1);
	assert_int_equal(stats().conns_live, 1);
	cap_advance_to(&cap, t0 + TCP_SEC(7));
	assert_int_equal(stats().conns_live, 0);
	assert_int_equal(cap.n, 3);
	assert_int_equal(accepts, 0);
	finish();
}

/* A retransmitted SYN gets the same SYN,ACK again (same ISS), no second child;
 * data on a SYN is not taken (RFC 9293 §3.10.7.2: queued or dropped, here
 * dropped: the peer resends it once established). */
static void test_retransmitted_syn(void **state)
{
	setup_cfg(NULL, 8);
	peer.them.port = 40000;
	peer_raw(&peer, IRS, 0, TH_SYN, "early", 5);
	struct tcp_seg s1, s2;
	assert_true(cap_seg(&cap, -1, &s1));
	assert_int_equal(s1.ack, IRS + 1);
	peer_raw(&peer, IRS, 0, TH_SYN, NULL, 0);
	assert_int_equal(cap.n, 2);
	assert_true(cap_seg(&cap, -1, &s2));
	assert_int_equal(s2.flags, TH_SYN | TH_ACK);
	assert_int_equal(s2.seq, s1.seq);
	assert_int_equal(stats().conns_live, 1);
	ack_from(40000, IRS, s1.seq, NULL, 0);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	assert_int_equal(tcp_conn_recvq(c), 0);
	tcp_abort(c, cap.now);
	finish();
}

/* RFC 9293 §3.10.7.2: an RST is ignored, an ACK (without a valid cookie)
 * answered by <SEQ=SEG.ACK><CTL=RST>, anything else dropped. */
static void test_listener_non_syn(void **state)
{
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.syncookies = false;
	setup_cfg(&cfg, 8);
	peer_raw(&peer, 1, 0, TH_RST, NULL, 0);
	peer_raw(&peer, 1, 5, TH_RST | TH_ACK, NULL, 0);
	assert_int_equal(cap.n, 0);
	peer_raw(&peer, 1, 1000, TH_ACK, "data", 4);
	assert_int_equal(cap.n, 1);
	cap_expect(&cap, -1, TH_RST, 1000, 0);
	peer_raw(&peer, 1, 2000, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(cap.n, 2);
	cap_expect(&cap, -1, TH_RST, 2000, 0);
	peer_raw(&peer, 1, 0, TH_FIN, NULL, 0);
	assert_int_equal(cap.n, 2);
	assert_int_equal(cap_drops(&cap, TCP_DROP_LISTEN_BAD), 5);
	assert_int_equal(stats().conns_live, 0);
	finish();
}

/* Closing the listener resets its half-open and unaccepted connections. */
static void test_listener_close_resets_children(void **state)
{
	setup_cfg(NULL, 8);
	struct tcp_seg a = syn_from(40000, IRS);
	syn_from(40001, IRS + 50);
	ack_from(40000, IRS, a.seq, NULL, 0);
	assert_int_equal(stats().conns_live, 2);
	unsigned n0 = cap.n;
	tcp_listener_close(peer.lst, cap.now);
	peer.lst = NULL;
	assert_int_equal(cap_count(&cap, n0, TH_RST, 0), 2);
	assert_int_equal(stats().conns_live, 0);
	/* The port is closed now: a SYN gets RST,ACK. */
	peer_raw(&peer, 9, 0, TH_SYN, NULL, 0);
	cap_expect(&cap, -1, TH_RST | TH_ACK, 0, 10);
	assert_int_equal(tcp_stack_next_timer(cap.st), 0);
	cap_free(&cap);
}

/* The per-peer policy is asked first: a refused peer gets the closed-port
 * answer; an accepted one gets its own options (here a small buffer). */
static int policy(void *arg, const struct tcp_ip *remote, struct tcp_sock_opts *opts)
{
	if (remote->a[3] == 66)
		return -1;
	opts->rcvbuf = 8192;
	return 0;
}

static void test_listener_policy(void **state)
{
	setup_cfg(NULL, 8);
	tcp_listener_set_policy(peer.lst, policy, NULL);
	struct tcp_endpoint keep = peer.them;
	ep_set(&peer.them, "192.0.2.66", 40000);
	peer_raw(&peer, IRS, 0, TH_SYN, NULL, 0);
	cap_expect(&cap, -1, TH_RST | TH_ACK, 0, IRS + 1);
	assert_int_equal(cap_drops(&cap, TCP_DROP_NO_SOCKET), 1);
	peer.them = keep;
	struct tcp_seg s = syn_from(40000, IRS);
	assert_int_equal(s.wnd, 8192);
	ack_from(40000, IRS, s.seq, NULL, 0);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	tcp_abort(c, cap.now);
	finish();
}

/* A listener on the unspecified address serves every local address. */
static void test_listener_any_address(void **state)
{
	cap_init(&cap, NULL);
	peer_init(&peer, &cap, 4);
	struct tcp_endpoint any;
	ep_set(&any, "0.0.0.0", 179);
	int err;
	peer.lst = tcp_listen(cap.st, &any, 8, NULL, on_accept, NULL, &err);
	assert_non_null(peer.lst);
	/* A second listener on the same endpoint is refused. */
	assert_null(tcp_listen(cap.st, &any, 8, NULL, NULL, NULL, &err));
	ep_set(&peer.us, "192.0.2.77", 179);
	struct tcp_seg s = syn_from(40000, IRS);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	ack_from(40000, IRS, s.seq, NULL, 0);
	struct tcp_conn *c = tcp_accept(peer.lst);
	assert_non_null(c);
	assert_true(tcp_ep_eq(tcp_conn_local(c), &peer.us));
	tcp_abort(c, cap.now);
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_queue_bound_then_cookies),
		cmocka_unit_test(test_syn_queue_full_without_cookies),
		cmocka_unit_test(test_cookie_options_with_timestamps),
		cmocka_unit_test(test_cookie_without_timestamps_offers_no_scaling),
		cmocka_unit_test(test_cookie_forged_or_foreign),
		cmocka_unit_test(test_cookie_lifetime),
		cmocka_unit_test(test_accept_queue_bound),
		cmocka_unit_test(test_synack_retry_bound),
		cmocka_unit_test(test_retransmitted_syn),
		cmocka_unit_test(test_listener_non_syn),
		cmocka_unit_test(test_listener_close_resets_children),
		cmocka_unit_test(test_listener_policy),
		cmocka_unit_test(test_listener_any_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
