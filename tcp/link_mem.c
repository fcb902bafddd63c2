/* tcp/link_mem.c — the in-memory link (see link_mem.h). */
#include "tcp/link_mem.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct mem_pkt {
	uint64_t when;
	uint64_t order;             /* ties broken by send order: deterministic */
	int to;
	size_t len;
	uint8_t *data;
};

struct mem_side {
	struct tcp_link link;       /* first: the driver's handle */
	struct mem_link *m;
	int side;
	tcp_link_deliver_fn fn;
	void *ctx;
};

struct mem_link {
	struct mem_link_opts o;
	struct mem_side sides[2];
	struct mem_pkt *heap;       /* min-heap on (when, order) */
	size_t n, cap;
	uint64_t now, order, rng, trace;
	size_t queued[2];
	struct mem_link_counts counts;
};

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t rnd(struct mem_link *m)
{
	uint64_t x = m->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	m->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static bool chance(struct mem_link *m, unsigned permille)
{
	return permille && rnd(m) % 1000 < permille;
}

static bool pkt_before(const struct mem_pkt *a, const struct mem_pkt *b)
{
	return a->when < b->when || (a->when == b->when && a->order < b->order);
}

static void heap_up(struct mem_link *m, size_t i)
{
	while (i) {
		size_t p = (i - 1) / 2;
		if (!pkt_before(&m->heap[i], &m->heap[p]))
			break;
		struct mem_pkt t = m->heap[i];
		m->heap[i] = m->heap[p];
		m->heap[p] = t;
		i = p;
	}
}

static void heap_down(struct mem_link *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < m->n && pkt_before(&m->heap[l], &m->heap[s]))
			s = l;
		if (r < m->n && pkt_before(&m->heap[r], &m->heap[s]))
			s = r;
		if (s == i)
			return;
		struct mem_pkt t = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = t;
		i = s;
	}
}

static int enqueue(struct mem_link *m, int to, const uint8_t *pkt, size_t len, uint64_t when)
{
	unsigned maxq = m->o.max_queue ? m->o.max_queue : 100000;
	if (m->queued[to] >= maxq)
		return -ENOBUFS;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256;
		struct mem_pkt *nh = realloc(m->heap, ncap * sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		m->heap = nh;
		m->cap = ncap;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, pkt, len);
	m->heap[m->n] = (struct mem_pkt){ when, m->order++, to, len, copy };
	heap_up(m, m->n++);
	m->queued[to]++;
	return 0;
}

static int mem_send(struct tcp_link *l, const uint8_t *pkt, size_t len)
{
	struct mem_side *s = (struct mem_side *)l;
	struct mem_link *m = s->m;
	int to = 1 - s->side;
	unsigned mtu = m->o.mtu ? m->o.mtu : 1500;
	m->counts.sent++;
	l->stats.tx_packets++;
	l->stats.tx_bytes += len;
	if (len > mtu) {
		l->stats.tx_errors++;
		return -EMSGSIZE;
	}
	if (chance(m, m->o.loss_permille)) {
		m->counts.lost++;
		return 0;
	}
	uint64_t when = m->now + m->o.delay_us;
	if (chance(m, m->o.reorder_permille) && m->o.reorder_delay_us) {
		when += 1 + rnd(m) % m->o.reorder_delay_us;
		m->counts.reordered++;
	}
	int r = enqueue(m, to, pkt, len, when);
	if (r == 0 && chance(m, m->o.dup_permille)) {
		m->counts.duplicated++;
		enqueue(m, to, pkt, len, when + 1 + (m->o.reorder_delay_us ? rnd(m) % m->o.reorder_delay_us : 0));
	}
	if (r < 0)
		l->stats.tx_errors++;
	return r;
}

static int mem_send_batch(struct tcp_link *l, const uint8_t *const *pkts, const size_t *lens,
			  unsigned n)
{
	unsigned ok = 0;
	for (unsigned i = 0; i < n; i++)
		if (mem_send(l, pkts[i], lens[i]) == 0)
			ok++;
	return (int)ok;
}

static int mem_poll_rx(struct tcp_link *l, int fd, tcp_link_deliver_fn fn, void *ctx, unsigned max)
{
	return 0;   /* driven by mem_link_advance(), not by descriptors */
}

static int mem_fds(struct tcp_link *l, int *fds, int max) { return 0; }
static int mem_claim(struct tcp_link *l, uint16_t port) { return 0; }
static void mem_release(struct tcp_link *l, uint16_t port) {}
static unsigned mem_mtu(struct tcp_link *l)
{
	struct mem_side *s = (struct mem_side *)l;
	return s->m->o.mtu ? s->m->o.mtu : 1500;
}
static void mem_close(struct tcp_link *l) {}

static const struct tcp_link_ops mem_ops = {
	.name = "mem",
	.send = mem_send,
	.send_batch = mem_send_batch,
	.poll_rx = mem_poll_rx,
	.fds = mem_fds,
	.claim_port = mem_claim,
	.release_port = mem_release,
	.mtu = mem_mtu,
	.close = mem_close,
};

struct mem_link *mem_link_new(const struct mem_link_opts *o)
{
	struct mem_link *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->o = *o;
	m->rng = o->seed ? o->seed : 0x9E3779B97F4A7C15ull;
	m->trace = 1469598103934665603ull;
	for (int i = 0; i < 2; i++) {
		m->sides[i].link.ops = &mem_ops;
		m->sides[i].m = m;
		m->sides[i].side = i;
	}
	return m;
}

void mem_link_free(struct mem_link *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->heap[i].data);
	free(m->heap);
	free(m);
}

struct tcp_link *mem_link_side(struct mem_link *m, int side) { return &m->sides[side & 1].link; }

void mem_link_set(struct mem_link *m, const struct mem_link_opts *o)
{
	uint64_t rng = m->rng;
	m->o = *o;
	m->rng = rng;
}

void mem_link_set_time(struct mem_link *m, uint64_t now_us) { m->now = now_us; }

uint64_t mem_link_next(const struct mem_link *m) { return m->n ? m->heap[0].when : 0; }

void mem_link_attach(struct mem_link *m, int side, tcp_link_deliver_fn fn, void *ctx)
{
	m->sides[side & 1].fn = fn;
	m->sides[side & 1].ctx = ctx;
}

/* FNV-1a over the delivery: enough to tell two traces apart. */
static void trace_add(struct mem_link *m, const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++) {
		m->trace ^= b[i];
		m->trace *= 1099511628211ull;
	}
}

unsigned mem_link_advance(struct mem_link *m, uint64_t now_us)
{
	unsigned n = 0;
	if (now_us > m->now)
		m->now = now_us;
	while (m->n && m->heap[0].when <= now_us) {
		struct mem_pkt p = m->heap[0];
		m->heap[0] = m->heap[--m->n];
		if (m->n)
			heap_down(m, 0);
		m->queued[p.to]--;
		m->now = p.when > m->now ? p.when : m->now;
		trace_add(m, &p.when, sizeof(p.when));
		trace_add(m, &p.to, sizeof(p.to));
		trace_add(m, p.data, p.len);
		struct mem_side *s = &m->sides[p.to];
		s->link.stats.rx_packets++;
		s->link.stats.rx_bytes += p.len;
		m->counts.delivered++;
		if (s->fn)
			s->fn(s->ctx, p.data, p.len);
		free(p.data);
		n++;
	}
	m->now = now_us;
	return n;
}

uint64_t mem_link_trace(const struct mem_link *m) { return m->trace; }

void mem_link_counts(const struct mem_link *m, struct mem_link_counts *out) { *out = m->counts; }
