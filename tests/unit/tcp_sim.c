/* tests/unit/tcp_sim.c — see tcp_sim.h. */
#include "tests/unit/tcp_sim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp/internal.h"
#include "tcp/md5.h"

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
	o.sack_perm = sp->sack_perm;
	o.nsack = sp->nsack;
	memcpy(o.sack, sp->sack, sizeof(o.sack));
	if (!sp->md5_key)
		return tcp_build(buf, cap, &o, NULL);
	uint16_t off = 0;
	o.md5 = true;
	size_t n = tcp_build(buf, cap, &o, &off);
	if (n)
		tcp_md5_sign(buf, n, off, sp->md5_key, sp->md5_keylen);
	return n;
}

void ep_set(struct tcp_endpoint *ep, const char *ip, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	tcp_ip_parse(ip, &ep->ip);
	ep->port = port;
}

/* ---- Crafted-segment helpers ---- */

void evlog_cb(struct tcp_conn *c, unsigned ev, void *arg)
{
	struct evlog *e = arg;
	e->mask |= ev;
	e->calls++;
	e->n_connected += !!(ev & TCP_EV_CONNECTED);
	e->n_readable += !!(ev & TCP_EV_READABLE);
	e->n_eof += !!(ev & TCP_EV_EOF);
	e->n_writable += !!(ev & TCP_EV_WRITABLE);
	e->n_fin_acked += !!(ev & TCP_EV_FIN_ACKED);
	if (ev & TCP_EV_CLOSED) {
		e->n_closed++;
		e->err = tcp_conn_error(c);
		e->state_at_closed = tcp_conn_state(c);
	}
}

void peer_init(struct peer *p, struct cap *c, int af)
{
	memset(p, 0, sizeof(*p));
	p->cap = c;
	ep_set(&p->us, af == 6 ? "2001:db8::1" : "192.0.2.1", 179);
	ep_set(&p->them, af == 6 ? "2001:db8::2" : "192.0.2.2", 40000);
	p->wnd = 65535;
	p->ttl = 64;
	p->mss = 1460;
	p->wscale = -1;
	p->tsval = 1000;
}

void peer_raw(struct peer *p, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
	      uint32_t len)
{
	static uint8_t buf[70000];
	struct seg_spec sp;
	seg_spec_init(&sp, &p->them, &p->us);
	sp.seq = seq;
	sp.ack = (flags & TH_ACK) ? ack : 0;
	sp.flags = flags;
	sp.wnd = p->wnd;
	sp.ttl = p->ttl;
	if (flags & TH_SYN) {
		sp.mss = p->mss;
		sp.wscale = p->wscale;
		sp.sack_perm = p->sack_perm;
	}
	if (p->ts) {
		sp.ts = true;
		sp.tsval = p->tsval++;
		sp.tsecr = (flags & TH_ACK) ? p->tsecr : 0;
	}
	sp.data = data;
	sp.len = len;
	sp.md5_key = p->md5_key;
	sp.md5_keylen = p->md5_keylen;
	size_t n = seg_make(buf, sizeof(buf), &sp);
	assert_true(n > 0);
	cap_input(p->cap, buf, n);
}

void peer_send(struct peer *p, uint8_t flags, const void *data, uint32_t len)
{
	peer_raw(p, p->seq, p->ack, flags, data, len);
	p->seq += len + !!(flags & TH_SYN) + !!(flags & TH_FIN);
}

void peer_sync(struct peer *p, bool take_ack)
{
	struct tcp_seg seg;
	if (!cap_seg(p->cap, -1, &seg))
		return;
	if (seg.opt.has_ts)
		p->tsecr = seg.opt.tsval;
	if (take_ack)
		p->ack = seg.seq + tcp_seg_seqlen(&seg);
}

struct tcp_conn *peer_active_open(struct peer *p, uint32_t irs, uint64_t rtt)
{
	struct cap *c = p->cap;
	int err = 0;
	unsigned n0 = c->n;
	p->conn = tcp_connect(c->st, &p->us, &p->them, p->opts, evlog_cb, &p->ev, c->now, &err);
	assert_non_null(p->conn);
	assert_int_equal(c->n, n0 + 1);
	struct tcp_seg seg;
	assert_true(cap_seg(c, -1, &seg));
	assert_int_equal(seg.flags, TH_SYN);
	p->iss = seg.seq;
	p->ack = seg.seq + 1;
	if (seg.opt.has_ts)
		p->tsecr = seg.opt.tsval;
	cap_advance(c, rtt);
	p->irs = irs;
	p->seq = irs;
	peer_send(p, TH_SYN | TH_ACK, NULL, 0);
	assert_int_equal(tcp_conn_state(p->conn), TCP_ESTABLISHED);
	assert_true(p->ev.mask & TCP_EV_CONNECTED);
	peer_sync(p, false);
	return p->conn;
}

struct tcp_conn *peer_passive_open(struct peer *p, uint32_t irs, uint64_t rtt)
{
	struct cap *c = p->cap;
	int err = 0;
	if (!p->lst) {
		p->lst = tcp_listen(c->st, &p->us, 8, p->opts, NULL, NULL, &err);
		assert_non_null(p->lst);
	}
	unsigned n0 = c->n;
	p->irs = irs;
	p->seq = irs;
	p->ack = 0;
	peer_send(p, TH_SYN, NULL, 0);
	assert_int_equal(c->n, n0 + 1);
	struct tcp_seg seg;
	assert_true(cap_seg(c, -1, &seg));
	assert_int_equal(seg.flags, TH_SYN | TH_ACK);
	assert_int_equal(seg.ack, irs + 1);
	p->iss = seg.seq;
	p->ack = seg.seq + 1;
	if (seg.opt.has_ts)
		p->tsecr = seg.opt.tsval;
	cap_advance(c, rtt);
	peer_send(p, TH_ACK, NULL, 0);
	p->conn = tcp_accept(p->lst);
	assert_non_null(p->conn);
	tcp_conn_set_cb(p->conn, evlog_cb, &p->ev);
	assert_int_equal(tcp_conn_state(p->conn), TCP_ESTABLISHED);
	return p->conn;
}

uint64_t cap_time_for_isn(struct cap *c, const struct tcp_endpoint *local,
			  const struct tcp_endpoint *remote, uint32_t want, uint64_t not_before)
{
	uint32_t h = (uint32_t)tcp_tuple_hash(c->st->key_isn, local, remote, 0);
	uint64_t t = (uint64_t)(uint32_t)(want - h) * 4;
	while (t < not_before)
		t += (uint64_t)1 << 34;    /* now/4 wraps every 2^34 µs */
	assert_int_equal(tcp_isn(c->st->key_isn, local, remote, t), want);
	return t;
}

unsigned cap_count(struct cap *c, unsigned from, uint8_t flags, uint8_t without)
{
	unsigned n = 0;
	for (unsigned i = from; i < c->n; i++) {
		struct tcp_seg seg;
		if (cap_seg(c, (int)i, &seg) && (seg.flags & flags) == flags && !(seg.flags & without))
			n++;
	}
	return n;
}

uint64_t cap_payload(struct cap *c, unsigned from)
{
	uint64_t n = 0;
	for (unsigned i = from; i < c->n; i++) {
		struct tcp_seg seg;
		if (cap_seg(c, (int)i, &seg))
			n += seg.len;
	}
	return n;
}

void cap_init_secret(struct cap *c, const struct tcp_config *cfg, const uint8_t secret[32])
{
	struct tcp_config def;
	memset(c, 0, sizeof(*c));
	if (!cfg) {
		tcp_config_default(&def);
		cfg = &def;
	}
	c->now = 1000000;
	struct tcp_stack_ops ops = { cap_output, NULL, c };
	c->st = tcp_stack_new(cfg, &ops, secret, c->now);
}

void cap_advance_to(struct cap *c, uint64_t t)
{
	assert_true(t >= c->now);
	cap_advance(c, t - c->now);
}

uint64_t cap_drops(const struct cap *c, enum tcp_drop why)
{
	struct tcp_stack_stats st;
	tcp_stack_stats(c->st, &st);
	return st.drops[why];
}

void cap_expect(struct cap *c, int i, uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct tcp_seg seg;
	if (!cap_seg(c, i, &seg))
		fail_msg("no captured segment %d (have %u)", i, c->n);
	uint8_t got = seg.flags & (uint8_t)~TH_PSH;
	if (got != flags || seg.seq != seq || ((flags & TH_ACK) && seg.ack != ack))
		fail_msg("segment %d: flags %#x seq %u ack %u; want flags %#x seq %u ack %u", i, got,
			 seg.seq, seg.ack, flags, seq, ack);
}

void peer_send_bytes(struct peer *p, uint8_t flags, uint32_t len)
{
	static uint8_t pat[65536];
	assert_true(len <= sizeof(pat));
	for (uint32_t i = 0; i < len; i++)
		pat[i] = (uint8_t)(p->seq + i);
	peer_send(p, flags, pat, len);
}
