/*
 * tests/unit/test_tcp_sim.c — two stacks over the in-memory link, on a virtual
 * clock: bulk transfers both ways, byte-exact, through loss, duplication and
 * reordering; determinism (one seed, one trace); no control block left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/tcp_sim.h"

struct app {
	struct tcp_conn *c;
	uint64_t total, sent, rcvd;
	uint8_t seed;
	bool shut, eof, closed, bad, released;
	enum tcp_error err;
	uint64_t now_ref;
	struct sim *sim;
};

static uint8_t pattern(uint64_t i, uint8_t seed)
{
	return (uint8_t)(((i ^ (i >> 8) ^ (i >> 16)) + seed) * 131u);
}

static void pump(struct app *a)
{
	uint8_t buf[16384];
	while (a->sent < a->total) {
		size_t chunk = a->total - a->sent < sizeof(buf) ? (size_t)(a->total - a->sent) : sizeof(buf);
		for (size_t i = 0; i < chunk; i++)
			buf[i] = pattern(a->sent + i, a->seed);
		size_t n = tcp_send(a->c, buf, chunk, a->sim->now);
		a->sent += n;
		if (n < chunk)
			return;
	}
	if (!a->shut) {
		a->shut = true;
		tcp_shutdown(a->c, a->sim->now);
	}
}

static void drain(struct app *a, uint8_t peer_seed)
{
	uint8_t buf[16384];
	size_t n;
	while ((n = tcp_recv(a->c, buf, sizeof(buf), a->sim->now)) > 0) {
		for (size_t i = 0; i < n; i++)
			if (buf[i] != pattern(a->rcvd + i, peer_seed))
				a->bad = true;
		a->rcvd += n;
	}
}

static void maybe_release(struct app *a)
{
	if (!a->released && a->shut && a->eof && a->rcvd == a->total) {
		a->released = true;
		tcp_close(a->c, a->sim->now);
	}
}

static void on_event(struct tcp_conn *c, unsigned ev, void *arg)
{
	struct app *a = arg;
	if (ev & TCP_EV_READABLE)
		drain(a, a->seed ^ 0xff);
	if (ev & TCP_EV_EOF) {
		drain(a, a->seed ^ 0xff);
		a->eof = true;
	}
	if (ev & (TCP_EV_CONNECTED | TCP_EV_WRITABLE))
		pump(a);
	if (ev & TCP_EV_CLOSED) {
		a->closed = true;
		a->err = tcp_conn_error(c);
	}
	if (!a->released && !a->closed)
		maybe_release(a);
}

static void on_accept(struct tcp_listener *l, void *arg)
{
	struct app *a = arg;
	a->c = tcp_accept(l);
	tcp_conn_set_cb(a->c, on_event, a);
	pump(a);
}

static bool both_done(void *arg)
{
	struct app *a = arg;
	return (a[0].released || a[0].closed) && (a[1].released || a[1].closed);
}

struct transfer_result {
	uint64_t trace;
	uint64_t virt_us;
	struct mem_link_counts counts;
	struct tcp_stack_stats st[2];
};

static void transfer(int af, const struct mem_link_opts *lo, uint64_t bytes, struct transfer_result *r)
{
	struct sim s;
	struct app a[2];
	sim_init(&s, lo, NULL, af);
	memset(a, 0, sizeof(a));
	for (int i = 0; i < 2; i++) {
		a[i].total = bytes;
		a[i].sim = &s;
	}
	a[0].seed = 0x11;
	a[1].seed = 0x11 ^ 0xff;
	struct tcp_endpoint srv = { .ip = s.ip[0], .port = 179 };
	struct tcp_endpoint cli = { .ip = s.ip[1], .port = 0 };
	int err = 0;
	struct tcp_listener *l = tcp_listen(s.st[0], &srv, 8, NULL, on_accept, &a[0], &err);
	assert_non_null(l);
	a[1].c = tcp_connect(s.st[1], &cli, &srv, NULL, on_event, &a[1], s.now, &err);
	assert_non_null(a[1].c);
	uint64_t start = s.now;
	assert_true(sim_run(&s, both_done, a, s.now + TCP_SEC(48 * 3600)));
	for (int i = 0; i < 2; i++) {
		if (a[i].rcvd != bytes || a[i].closed)
			print_message("side %d: closed=%d err=%s rcvd=%llu sent=%llu eof=%d virt=%llus\n", i,
				      a[i].closed, tcp_error_str(a[i].err), (unsigned long long)a[i].rcvd,
				      (unsigned long long)a[i].sent, a[i].eof,
				      (unsigned long long)((s.now - start) / 1000000));
	}
	for (int i = 0; i < 2; i++) {
		assert_false(a[i].bad);
		assert_int_equal(a[i].rcvd, bytes);
		assert_int_equal(a[i].sent, bytes);
		assert_true(a[i].eof);
	}
	r->virt_us = s.now - start;
	/* TIME-WAIT expires; nothing may be left. */
	sim_run_for(&s, TCP_SEC(300));
	tcp_listener_close(l, s.now);
	for (int i = 0; i < 2; i++) {
		tcp_stack_stats(s.st[i], &r->st[i]);
		assert_int_equal(r->st[i].conns_live, 0);
		assert_int_equal(r->st[i].conns_time_wait, 0);
	}
	r->trace = mem_link_trace(s.link);
	mem_link_counts(s.link, &r->counts);
	sim_free(&s);
}

static void test_clean_link(void **state)
{
	struct mem_link_opts lo = { .delay_us = 500, .seed = 1 };
	struct transfer_result r;
	transfer(4, &lo, 2u << 20, &r);
	assert_int_equal(r.counts.lost, 0);
}

/* The figure: 10 % loss, 5 % duplication and reordering, 20 MB each way. */
static void test_lossy_20mb_v4(void **state)
{
	struct mem_link_opts lo = { .loss_permille = 100, .dup_permille = 50, .reorder_permille = 50,
				    .delay_us = 1000, .reorder_delay_us = 3000, .seed = 42 };
	struct transfer_result r;
	transfer(4, &lo, 20u << 20, &r);
	print_message("20 MB each way: %.1f s virtual, %llu datagrams sent, %llu lost, %llu duplicated, "
		      "%llu reordered\n", r.virt_us / 1e6, (unsigned long long)r.counts.sent,
		      (unsigned long long)r.counts.lost, (unsigned long long)r.counts.duplicated,
		      (unsigned long long)r.counts.reordered);
	assert_true(r.counts.lost > 1000);
	assert_true(r.counts.duplicated > 500);
	assert_true(r.counts.reordered > 500);
}

static void test_lossy_v6(void **state)
{
	struct mem_link_opts lo = { .loss_permille = 100, .dup_permille = 50, .reorder_permille = 50,
				    .delay_us = 1000, .reorder_delay_us = 3000, .seed = 7 };
	struct transfer_result r;
	transfer(6, &lo, 4u << 20, &r);
}

static void test_same_seed_same_trace(void **state)
{
	struct mem_link_opts lo = { .loss_permille = 100, .dup_permille = 50, .reorder_permille = 50,
				    .delay_us = 1000, .reorder_delay_us = 3000, .seed = 99 };
	struct transfer_result r1, r2, r3;
	transfer(4, &lo, 1u << 20, &r1);
	transfer(4, &lo, 1u << 20, &r2);
	assert_true(r1.trace == r2.trace);
	assert_int_equal(r1.virt_us, r2.virt_us);
	lo.seed = 100;
	transfer(4, &lo, 1u << 20, &r3);
	assert_true(r1.trace != r3.trace);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_link),
		cmocka_unit_test(test_lossy_20mb_v4),
		cmocka_unit_test(test_lossy_v6),
		cmocka_unit_test(test_same_seed_same_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
