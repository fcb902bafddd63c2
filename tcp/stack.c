/*
 * tcp/stack.c — the stack: connection table, listeners' lookup, local ports,
 * event delivery and the freeing of control blocks.
 *
 * Every entry point brackets its work with stack_enter()/stack_leave(). Events
 * raised while processing are queued on the connection; the outermost
 * stack_leave() delivers them, then frees blocks that died, so a callback can
 * call any API function (close, abort) on any connection safely.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/internal.h"
#include "tcp/md5.h"

#define HASH_INITIAL 256

static const char *const state_names[] = {
	[TCP_CLOSED] = "CLOSED",
	[TCP_LISTEN] = "LISTEN",
	[TCP_SYN_SENT] = "SYN-SENT",
	[TCP_SYN_RECEIVED] = "SYN-RECEIVED",
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_FIN_WAIT_1] = "FIN-WAIT-1",
	[TCP_FIN_WAIT_2] = "FIN-WAIT-2",
	[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCP_CLOSING] = "CLOSING",
	[TCP_LAST_ACK] = "LAST-ACK",
	[TCP_TIME_WAIT] = "TIME-WAIT",
};

const char *tcp_state_name(enum tcp_state st)
{
	if ((unsigned)st < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[st];
	return "?";
}

const char *tcp_error_str(enum tcp_error e)
{
	switch (e) {
	case TCP_ERR_NONE: return "closed";
	case TCP_ERR_REFUSED: return "connection refused";
	case TCP_ERR_RESET: return "connection reset by peer";
	case TCP_ERR_TIMEOUT: return "connection timed out";
	case TCP_ERR_ABORTED: return "connection aborted";
	case TCP_ERR_NOMEM: return "out of memory";
	}
	return "?";
}

const char *tcp_drop_name(enum tcp_drop d)
{
	static const char *const names[] = {
#define TCP_DROP_STR(name, str) str,
		TCP_DROP_REASONS(TCP_DROP_STR)
#undef TCP_DROP_STR
	};
	if ((unsigned)d < TCP_DROP__COUNT)
		return names[d];
	return "?";
}

void tcp_config_default(struct tcp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sndbuf = 1u << 20;
	cfg->rcvbuf = 1u << 20;
	cfg->mtu = 1500;
	cfg->msl = TCP_SEC(30);         /* TIME-WAIT 60 s, as Linux (RFC 9293 says 2 min MSL) */
	cfg->rto_initial = TCP_SEC(1);  /* RFC 6298 §2.1 */
	/* RFC 6298 §2.4 asks for a 1 s floor; like Linux we use 200 ms, which on
	 * sub-millisecond links keeps a lost retransmission from stalling a
	 * transfer for a second while staying far above any measured RTT. */
	cfg->rto_min = TCP_MSEC(200);
	cfg->rto_max = TCP_SEC(60);     /* RFC 6298 §2.5 */
	cfg->delack = TCP_MSEC(40);
	cfg->syn_retries = 6;
	cfg->data_retries = 15;
	cfg->syn_backlog = 256;
	cfg->syncookies = true;
	cfg->timestamps = true;
	cfg->window_scaling = true;
	cfg->sack = true;
	/* Outside Linux's ip_local_port_range default (32768-60999), so a stack that
	 * shares the host's addresses never picks a port the kernel hands out. */
	cfg->port_lo = 61000;
	cfg->port_hi = 65535;
	cfg->shared_host = false;
	cfg->ttl = 64;
	cfg->challenge_ack_limit = 100;
}

static uint32_t hash_tuple(const struct tcp_stack *s, const struct tcp_endpoint *local,
			   const struct tcp_endpoint *remote)
{
	/* Keyed, so a peer cannot aim many connections at one chain. */
	return (uint32_t)tcp_tuple_hash(s->key_cookie, local, remote, 0x68617368u);
}

static void hash_insert(struct tcp_stack *s, struct tcp_conn *c);

static void hash_grow(struct tcp_stack *s)
{
	uint32_t nsize = s->hash_size * 2;
	struct tcp_conn **nh = calloc(nsize, sizeof(*nh));
	if (!nh)
		return;         /* keep the old table: longer chains, still correct */
	struct tcp_conn **old = s->hash;
	uint32_t osize = s->hash_size;
	s->hash = nh;
	s->hash_size = nsize;
	s->hash_count = 0;
	for (uint32_t i = 0; i < osize; i++) {
		struct tcp_conn *c = old[i], *next;
		for (; c; c = next) {
			next = c->hnext;
			hash_insert(s, c);
		}
	}
	free(old);
}

static void hash_insert(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t b = hash_tuple(s, &c->local, &c->remote) & (s->hash_size - 1);
	c->hnext = s->hash[b];
	s->hash[b] = c;
	s->hash_count++;
}

static void hash_remove(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t b = hash_tuple(s, &c->local, &c->remote) & (s->hash_size - 1);
	for (struct tcp_conn **pp = &s->hash[b]; *pp; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			c->hnext = NULL;
			s->hash_count--;
			return;
		}
	}
}

struct tcp_conn *stack_lookup(struct tcp_stack *s, const struct tcp_endpoint *local,
			      const struct tcp_endpoint *remote)
{
	uint32_t b = hash_tuple(s, local, remote) & (s->hash_size - 1);
	for (struct tcp_conn *c = s->hash[b]; c; c = c->hnext)
		if (tcp_ep_eq(&c->local, local) && tcp_ep_eq(&c->remote, remote))
			return c;
	return NULL;
}

void port_ref(struct tcp_stack *s, uint16_t port, int delta)
{
	uint16_t before = s->port_refs[port];
	s->port_refs[port] = (uint16_t)(before + delta);
	if (s->ops.port && (before == 0) != (s->port_refs[port] == 0))
		s->ops.port(s->ops.ctx, port, s->port_refs[port] != 0);
}

struct tcp_stack *tcp_stack_new(const struct tcp_config *cfg, const struct tcp_stack_ops *ops,
				const uint8_t secret[32], tcp_time_t now)
{
	struct tcp_stack *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->ops = *ops;
	memcpy(s->key_isn, secret, 16);
	memcpy(s->key_cookie, secret + 16, 16);
	s->now = now;
	s->hash_size = HASH_INITIAL;
	s->hash = calloc(s->hash_size, sizeof(*s->hash));
	s->port_refs = calloc(65536, sizeof(*s->port_refs));
	if (!s->hash || !s->port_refs) {
		free(s->hash);
		free(s->port_refs);
		free(s);
		return NULL;
	}
	TAILQ_INIT(&s->all);
	TAILQ_INIT(&s->pending);
	TAILQ_INIT(&s->dead);
	TAILQ_INIT(&s->listeners);
	TAILQ_INIT(&s->lpending);
	timerq_init(&s->timers);
	if (s->cfg.port_hi < s->cfg.port_lo || s->cfg.port_lo == 0) {
		s->cfg.port_lo = 61000;
		s->cfg.port_hi = 65535;
	}
	s->next_port = (uint32_t)siphash24(s->key_isn, "port", 4);
	return s;
}

static void conn_destroy(struct tcp_conn *c)
{
	explicit_bzero(c->md5_key, sizeof(c->md5_key));
	ring_free(&c->snd);
	ring_free(&c->rcv);
	c->stack->st.conns_freed++;
	c->stack->st.conns_live--;
	free(c);
}

void tcp_stack_free(struct tcp_stack *s)
{
	if (!s)
		return;
	struct tcp_conn *c;
	while ((c = TAILQ_FIRST(&s->all))) {
		TAILQ_REMOVE(&s->all, c, all);
		if (c->state == TCP_TIME_WAIT)
			s->st.conns_time_wait--;
		conn_destroy(c);
	}
	while ((c = TAILQ_FIRST(&s->dead))) {
		TAILQ_REMOVE(&s->dead, c, qlink);
		conn_destroy(c);
	}
	struct tcp_listener *l;
	while ((l = TAILQ_FIRST(&s->listeners))) {
		TAILQ_REMOVE(&s->listeners, l, link);
		free(l);
	}
	timerq_free(&s->timers);
	free(s->hash);
	free(s->port_refs);
	free(s);
}

uint16_t stack_mss_for(const struct tcp_stack *s, uint8_t af)
{
	uint32_t hdr = af == TCP_AF_INET6 ? IPV6_HDR_LEN + TCP_HDR_LEN : IPV4_HDR_LEN + TCP_HDR_LEN;
	uint32_t mtu = s->cfg.mtu > hdr + 64 ? s->cfg.mtu : 576;
	uint32_t mss = mtu - hdr;
	return (uint16_t)(mss > 65495 ? 65495 : mss);
}

struct tcp_conn *conn_new(struct tcp_stack *s, const struct tcp_endpoint *local,
			  const struct tcp_endpoint *remote, const struct tcp_sock_opts *opts)
{
	struct tcp_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->stack = s;
	c->state = TCP_CLOSED;
	c->local = *local;
	c->remote = *remote;
	c->sndbuf = opts && opts->sndbuf ? opts->sndbuf : s->cfg.sndbuf;
	c->rcvbuf = opts && opts->rcvbuf ? opts->rcvbuf : s->cfg.rcvbuf;
	if (c->sndbuf < 4096)
		c->sndbuf = 4096;
	if (c->rcvbuf < 4096)
		c->rcvbuf = 4096;
	c->nodelay = opts && opts->nodelay;
	c->gtsm_hops = opts ? opts->gtsm_hops : 0;
	conn_set_md5(c, opts ? opts->md5 : NULL);
	c->mss_adv = stack_mss_for(s, local->ip.af);
	c->peer_mss = local->ip.af == TCP_AF_INET6 ? TCP_MSS_DEFAULT_V6 : TCP_MSS_DEFAULT_V4;
	c->rto = s->cfg.rto_initial;
	c->ts_offset = (uint32_t)tcp_tuple_hash(s->key_isn, local, remote, 0x7473u);
	cc_init(c);
	if (s->hash_count >= s->hash_size)
		hash_grow(s);
	hash_insert(s, c);
	TAILQ_INSERT_TAIL(&s->all, c, all);
	port_ref(s, local->port, +1);
	s->st.conns_opened++;
	s->st.conns_live++;
	return c;
}

int conn_alloc_buffers(struct tcp_conn *c)
{
	if (!c->snd.buf && ring_init(&c->snd, c->sndbuf) < 0)
		return -1;
	if (!c->rcv.buf && ring_init(&c->rcv, c->rcvbuf) < 0)
		return -1;
	return 0;
}

void conn_set_state(struct tcp_conn *c, enum tcp_state st)
{
	struct tcp_stack *s = c->stack;
	if (c->state == TCP_TIME_WAIT)
		s->st.conns_time_wait--;
	if (st == TCP_TIME_WAIT)
		s->st.conns_time_wait++;
	c->state = st;
	if (st == TCP_CLOSED) {
		/* Gone from the table at once: a new incarnation of the 4-tuple may
		 * start, and stray segments are answered as for a closed port. */
		hash_remove(s, c);
		port_ref(s, c->local.port, -1);
		c->t_rexmt = c->t_persist = c->t_delack = c->t_2msl = c->t_tlp = 0;
		conn_timers_update(c);
		ring_free(&c->snd);
	}
}

void conn_event(struct tcp_conn *c, unsigned ev)
{
	if (c->released || c->dead)
		return;
	c->ev_pending |= ev;
	if (!c->on_pending) {
		c->on_pending = true;
		TAILQ_INSERT_TAIL(&c->stack->pending, c, plink);
	}
}

void conn_close_with(struct tcp_conn *c, enum tcp_error e)
{
	if (c->state == TCP_CLOSED)
		return;
	c->error = e;
	conn_set_state(c, TCP_CLOSED);
	conn_event(c, TCP_EV_CLOSED);
	conn_maybe_free(c);
}

/* A block dies once it is CLOSED and nobody holds it: the user released it, or it
 * was a half-open/queued child the user never accepted. */
void conn_maybe_free(struct tcp_conn *c)
{
	struct tcp_stack *s = c->stack;
	if (c->dead || c->state != TCP_CLOSED || !c->released)
		return;
	if (c->queue != Q_NONE)
		listen_unlink(c);
	if (c->on_pending) {
		TAILQ_REMOVE(&s->pending, c, plink);
		c->on_pending = false;
	}
	TAILQ_REMOVE(&s->all, c, all);
	c->dead = true;
	TAILQ_INSERT_TAIL(&s->dead, c, qlink);
}

void stack_drop(struct tcp_stack *s, enum tcp_drop why)
{
	s->st.drops[why]++;
}

void conn_drop(struct tcp_conn *c, enum tcp_drop why)
{
	c->stack->st.drops[why]++;
	c->st.drops[why]++;
}

void stack_enter(struct tcp_stack *s, tcp_time_t now)
{
	if (now > s->now)
		s->now = now;
	s->depth++;
}

static void dispatch(struct tcp_stack *s)
{
	for (;;) {
		struct tcp_conn *c = TAILQ_FIRST(&s->pending);
		struct tcp_listener *l = TAILQ_FIRST(&s->lpending);
		if (c) {
			TAILQ_REMOVE(&s->pending, c, plink);
			c->on_pending = false;
			unsigned ev = c->ev_pending;
			c->ev_pending = 0;
			if (ev && c->cb && !c->released && !c->dead)
				c->cb(c, ev, c->cb_arg);
		} else if (l) {
			TAILQ_REMOVE(&s->lpending, l, plink);
			l->on_pending = false;
			if (l->cb && l->n_accept)
				l->cb(l, l->cb_arg);
		} else {
			break;
		}
	}
}

void stack_leave(struct tcp_stack *s)
{
	if (s->depth > 1) {
		s->depth--;
		return;
	}
	/* Outermost: deliver events (callbacks run at depth 1, so calls they make
	 * do not recurse into delivery), then free what died. */
	dispatch(s);
	struct tcp_conn *c;
	while ((c = TAILQ_FIRST(&s->dead))) {
		TAILQ_REMOVE(&s->dead, c, qlink);
		conn_destroy(c);
	}
	s->depth = 0;
}

/* GTSM and TCP-MD5 come before any state change (RFC 5082 §3, RFC 2385 §3). */
bool conn_check_security(struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (c->gtsm_hops && seg->ttl < 256 - c->gtsm_hops) {
		conn_drop(c, TCP_DROP_TTL);
		return false;
	}
	enum tcp_drop why;
	if (tcp_md5_verify_conn(c, seg, &why) < 0) {
		conn_drop(c, why);
		return false;
	}
	return true;
}

void tcp_stack_input(struct tcp_stack *s, const uint8_t *pkt, size_t len, tcp_time_t now)
{
	struct tcp_seg seg;
	enum tcp_drop why;
	stack_enter(s, now);
	if (tcp_parse(pkt, len, &seg, &why) < 0) {
		stack_drop(s, why);
		goto out;
	}
	s->st.segs_in++;
	struct tcp_conn *c = stack_lookup(s, &seg.dst, &seg.src);
	if (c) {
		conn_input(c, &seg);
		goto out;
	}
	struct tcp_listener *l = stack_find_listener(s, &seg.dst);
	if (l) {
		listen_input(l, &seg);
		goto out;
	}
	if (s->cfg.shared_host && s->port_refs[seg.dst.port] == 0) {
		/* The host's kernel owns this port; not ours to answer. */
		stack_drop(s, TCP_DROP_NOT_OURS);
		goto out;
	}
	stack_drop(s, TCP_DROP_NO_SOCKET);
	send_rst_for(s, &seg, NULL, NULL);         /* RFC 9293 §3.10.7.1 */
out:
	stack_leave(s);
}

void tcp_stack_timers(struct tcp_stack *s, tcp_time_t now)
{
	stack_enter(s, now);
	struct tcp_tnode *t;
	while ((t = timerq_min(&s->timers)) && t->when <= s->now) {
		struct tcp_conn *c = (struct tcp_conn *)((char *)t - offsetof(struct tcp_conn, tnode));
		conn_timers_fire(c, s->now);
	}
	stack_leave(s);
}

tcp_time_t tcp_stack_next_timer(const struct tcp_stack *s)
{
	struct tcp_tnode *t = timerq_min(&s->timers);
	return t ? t->when : 0;
}

void tcp_stack_stats(const struct tcp_stack *s, struct tcp_stack_stats *out)
{
	*out = s->st;
	unsigned n = 0;
	const struct tcp_listener *l;
	TAILQ_FOREACH(l, &s->listeners, link)
		n++;
	out->listeners = n;
}

void tcp_stack_foreach(const struct tcp_stack *s, tcp_conn_visit_fn fn, void *arg)
{
	const struct tcp_conn *c;
	TAILQ_FOREACH(c, &s->all, all)
		fn(c, arg);
}
