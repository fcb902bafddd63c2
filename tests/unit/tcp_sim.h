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
};
void seg_spec_init(struct seg_spec *sp, const struct tcp_endpoint *src, const struct tcp_endpoint *dst);
size_t seg_make(uint8_t *buf, size_t cap, const struct seg_spec *sp);

void ep_set(struct tcp_endpoint *ep, const char *ip, uint16_t port);

#endif
