/* tests/unit/tcp_sim.c — see tcp_sim.h. */
#include "tests/unit/tcp_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t secret_a[32] = "sim-secret-side-a-0123456789abcd";
static const uint8_t secret_b[32] = "sim-secret-side-b-0123456789abcd";

struct side_ctx {
	struct sim *s;
	int side;
};
static struct side_ctx ctxs[16][2];
static unsigned nctx;

static void sim_output(void *ctx, const uint8_t *pkt, size_t len)
{
	struct side_ctx *sc = ctx;
	mem_link_set_time(sc->s->link, sc->s->now);
	tcp_link_send(mem_link_side(sc->s->link, sc->side), pkt, len);
}

static void trace_seg(uint64_t now, int side, const uint8_t *pkt, size_t len)
{
	struct tcp_seg seg;
	enum tcp_drop why;
	if (tcp_parse(pkt, len, &seg, &why) < 0)
		return;
	fprintf(stderr, "%10.6f ->%d %c%c%c%c seq=%u ack=%u len=%u wnd=%u\n", now / 1e6, side,
		seg.flags & TH_SYN ? 'S' : '.', seg.flags & TH_FIN ? 'F' : '.',
		seg.flags & TH_RST ? 'R' : '.', seg.flags & TH_ACK ? 'A' : '.', seg.seq, seg.ack,
		seg.len, seg.wnd);
}

static void sim_deliver(void *ctx, const uint8_t *pkt, size_t len)
{
	struct side_ctx *sc = ctx;
	if (getenv("TCPSIM_TRACE"))
		trace_seg(sc->s->now, sc->side, pkt, len);
	tcp_stack_input(sc->s->st[sc->side], pkt, len, sc->s->now);
}

void sim_init(struct sim *s, const struct mem_link_opts *lo, const struct tcp_config *cfg, int af)
{
	struct tcp_config def;
	memset(s, 0, sizeof(*s));
	if (!cfg) {
		tcp_config_default(&def);
		cfg = &def;
	}
	s->now = 1000000;
	s->link = mem_link_new(lo);
	struct side_ctx *sc = ctxs[nctx++ % 16];
	for (int i = 0; i < 2; i++) {
		sc[i].s = s;
		sc[i].side = i;
		struct tcp_stack_ops ops = { sim_output, NULL, &sc[i] };
		s->st[i] = tcp_stack_new(cfg, &ops, i ? secret_b : secret_a, s->now);
		mem_link_attach(s->link, i, sim_deliver, &sc[i]);
	}
	tcp_ip_parse(af == 6 ? "2001:db8::1" : "192.0.2.1", &s->ip[0]);
	tcp_ip_parse(af == 6 ? "2001:db8::2" : "192.0.2.2", &s->ip[1]);
}

void sim_free(struct sim *s)
{
	tcp_stack_free(s->st[0]);
	tcp_stack_free(s->st[1]);
	mem_link_free(s->link);
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

bool sim_step(struct sim *s, uint64_t limit)
{
	uint64_t t = earliest(mem_link_next(s->link),
			      earliest(tcp_stack_next_timer(s->st[0]), tcp_stack_next_timer(s->st[1])));
	if (!t || t > limit)
		return false;
	if (t > s->now)
		s->now = t;
	mem_link_advance(s->link, s->now);
	tcp_stack_timers(s->st[0], s->now);
	tcp_stack_timers(s->st[1], s->now);
	return true;
}

bool sim_run(struct sim *s, bool (*done)(void *), void *arg, uint64_t limit)
{
	while (!done(arg)) {
		if (!sim_step(s, limit))
			return done(arg);
	}
	return true;
}

void sim_run_for(struct sim *s, uint64_t dt)
{
	uint64_t end = s->now + dt;
	while (sim_step(s, end))
		;
	s->now = end;
}

static void cap_output(void *ctx, const uint8_t *pkt, size_t len)
{
	struct cap *c = ctx;
	if (c->n >= CAP_MAX)
		return;
	c->pkt[c->n] = malloc(len);
	memcpy(c->pkt[c->n], pkt, len);
	c->len[c->n++] = len;
}

void cap_init(struct cap *c, const struct tcp_config *cfg)
{
	struct tcp_config def;
	memset(c, 0, sizeof(*c));
	if (!cfg) {
		tcp_config_default(&def);
		cfg = &def;
	}
	c->now = 1000000;
	struct tcp_stack_ops ops = { cap_output, NULL, c };
	c->st = tcp_stack_new(cfg, &ops, secret_a, c->now);
}

void cap_clear(struct cap *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->pkt[i]);
	c->n = 0;
}

void cap_free(struct cap *c)
{
	cap_clear(c);
	tcp_stack_free(c->st);
}

bool cap_seg(struct cap *c, int i, struct tcp_seg *seg)
{
	if (i < 0)
		i += (int)c->n;
	if (i < 0 || (unsigned)i >= c->n)
		return false;
	enum tcp_drop why;
	return tcp_parse(c->pkt[i], c->len[i], seg, &why) == 0;
}

void cap_input(struct cap *c, const uint8_t *pkt, size_t len)
{
	tcp_stack_input(c->st, pkt, len, c->now);
}

void cap_advance(struct cap *c, uint64_t dt)
{
	uint64_t end = c->now + dt;
	for (;;) {
		uint64_t t = tcp_stack_next_timer(c->st);
		if (!t || t > end)
			break;
		if (t > c->now)
			c->now = t;
		tcp_stack_timers(c->st, c->now);
	}
	c->now = end;
}

void seg_spec_init(struct seg_spec *sp, const struct tcp_endpoint *src, const struct tcp_endpoint *dst)
{
	memset(sp, 0, sizeof(*sp));
	sp->src = src;
	sp->dst = dst;
	sp->wnd = 65535;
	sp->wscale = -1;
	sp->ttl = 64;
}

size_t seg_make(uint8_t *buf, size_t cap, const struct seg_spec *sp)
{
	struct tcp_out o;
	memset(&o, 0, sizeof(o));
	o.src = sp->src;
	o.dst = sp->dst;
	o.ttl = sp->ttl;
	o.seq = sp->seq;
	o.ack = sp->ack;
	o.flags = sp->flags;
	o.wnd = sp->wnd;
	o.mss = sp->mss;
	o.wscale = sp->wscale;
	o.ts = sp->ts;
	o.tsval = sp->tsval;
	o.tsecr = sp->tsecr;
	o.data[0] = sp->data;
	o.dlen[0] = sp->len;
	return tcp_build(buf, cap, &o, NULL);
}

void ep_set(struct tcp_endpoint *ep, const char *ip, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	tcp_ip_parse(ip, &ep->ip);
	ep->port = port;
}
