/*
 * tcp/listen.c — passive opens: listeners, the bounded SYN (half-open) queue and
 * accept queue, and SYN cookies for when the SYN queue overflows (RFC 4987 §3.6).
 *
 * A SYN that fits creates a half-open child in SYN-RECEIVED. When the SYN queue
 * is full the listener answers statelessly with a cookie ISN that encodes the
 * peer's MSS (3 bits) and a 64-second time slot (the counter's low 5 bits)
 * under a keyed hash of the 4-tuple, the peer's ISN and the whole slot counter;
 * the completing ACK rebuilds the connection from it. If the SYN carried
 * timestamps, our TSval's low 5 bits carry the peer's window scale and SACK-
 * permitted, so cookie connections keep scaling, SACK and timestamps; without
 * them the SYN,ACK offers neither scaling nor SACK, which it could not recall.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/internal.h"
#include "tcp/md5.h"

#define COOKIE_SLOT        TCP_SEC(64)
#define COOKIE_SLOT_SHIFT  27           /* ISN bits 27-31: the slot counter's low bits */
#define COOKIE_SLOT_MASK   0x1fu
#define COOKIE_MSS_SHIFT   24           /* ISN bits 24-26: the MSS class */
#define COOKIE_MSS_MASK    0x7u
#define COOKIE_HASH_MASK   0x00ffffffu
#define COOKIE_MAX_AGE     1            /* slots: a cookie lives 64 to 128 s */
#define COOKIE_TS_MASK     0x1fu        /* TSval bits carrying the SYN's options: */
#define COOKIE_TS_WSCALE   0x0fu        /*   its window scale, */
#define COOKIE_NO_WSCALE   0x0fu        /*   or none, */
#define COOKIE_TS_SACK     0x10u        /*   and SACK-permitted */

static const uint16_t cookie_mss[8] = { 536, 1220, 1300, 1360, 1400, 1440, 1460, 8960 };

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

static uint8_t rcv_wscale_for(uint32_t rcvbuf)
{
	uint8_t ws = 0;
	while (ws < TCP_MAX_WSCALE && (rcvbuf >> ws) > 65535)
		ws++;
	return ws;
}

struct tcp_listener *stack_find_listener(struct tcp_stack *s, const struct tcp_endpoint *local)
{
	struct tcp_listener *l, *any = NULL;
	TAILQ_FOREACH(l, &s->listeners, link) {
		if (l->local.port != local->port || l->local.ip.af != local->ip.af)
			continue;
		if (tcp_ip_eq(&l->local.ip, &local->ip))
			return l;
		if (tcp_ip_is_any(&l->local.ip))
			any = l;
	}
	return any;
}

struct tcp_listener *tcp_listen(struct tcp_stack *s, const struct tcp_endpoint *local,
				unsigned backlog, const struct tcp_sock_opts *opts,
				tcp_accept_cb cb, void *arg, int *err)
{
	struct tcp_listener *l;
	if (local->port == 0 || (local->ip.af != TCP_AF_INET && local->ip.af != TCP_AF_INET6)) {
		*err = EINVAL;
		return NULL;
	}
	TAILQ_FOREACH(l, &s->listeners, link) {
		if (tcp_ep_eq(&l->local, local)) {
			*err = EADDRINUSE;
			return NULL;
		}
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		*err = ENOMEM;
		return NULL;
	}
	l->stack = s;
	l->local = *local;
	l->backlog = backlog ? backlog : 1;
	if (opts)
		l->opts = *opts;
	l->cb = cb;
	l->cb_arg = arg;
	TAILQ_INIT(&l->synq);
	TAILQ_INIT(&l->acceptq);
	TAILQ_INSERT_TAIL(&s->listeners, l, link);
	port_ref(s, local->port, +1);
	return l;
}

void tcp_listener_set_opts(struct tcp_listener *l, const struct tcp_sock_opts *opts)
{
	/* New connections take the new options (a rolled password); children
	 * already born keep the key they were born with. */
	l->opts = *opts;
}

void tcp_listener_set_policy(struct tcp_listener *l, tcp_peer_policy_fn fn, void *arg)
{
	l->policy = fn;
	l->policy_arg = arg;
}

/* The options for a connection from `remote`: the policy's, or the listener's.
 * -1: the policy refuses this peer. */
static int peer_opts(const struct tcp_listener *l, const struct tcp_ip *remote,
		     struct tcp_sock_opts *out)
{
	*out = l->opts;
	if (!l->policy)
		return 0;
	return l->policy(l->policy_arg, remote, out);
}

const struct tcp_endpoint *tcp_listener_endpoint(const struct tcp_listener *l)
{
	return &l->local;
}

void listen_event(struct tcp_listener *l)
{
	if (!l->on_pending) {
		l->on_pending = true;
		TAILQ_INSERT_TAIL(&l->stack->lpending, l, plink);
	}
}

void listen_unlink(struct tcp_conn *c)
{
	struct tcp_listener *l = c->listener;
	if (!l)
		return;
	if (c->queue == Q_SYN) {
		TAILQ_REMOVE(&l->synq, c, qlink);
		l->n_syn--;
	} else if (c->queue == Q_ACCEPT) {
		TAILQ_REMOVE(&l->acceptq, c, qlink);
		l->n_accept--;
	}
	c->queue = Q_NONE;
	c->listener = NULL;
}

void listen_child_established(struct tcp_conn *c)
{
	struct tcp_listener *l = c->listener;
	TAILQ_REMOVE(&l->synq, c, qlink);
	l->n_syn--;
	TAILQ_INSERT_TAIL(&l->acceptq, c, qlink);
	l->n_accept++;
	c->queue = Q_ACCEPT;
	listen_event(l);
}

struct tcp_conn *tcp_accept(struct tcp_listener *l)
{
	struct tcp_conn *c = TAILQ_FIRST(&l->acceptq);
	if (!c)
		return NULL;
	listen_unlink(c);
	c->released = false;
	return c;
}

void tcp_listener_close(struct tcp_listener *l, tcp_time_t now)
{
	struct tcp_stack *s = l->stack;
	stack_enter(s, now);
	struct tcp_conn *c;
	while ((c = TAILQ_FIRST(&l->synq)) || (c = TAILQ_FIRST(&l->acceptq))) {
		send_rst_conn(c);
		listen_unlink(c);
		c->released = true;
		conn_close_with(c, TCP_ERR_ABORTED);
	}
	if (l->on_pending)
		TAILQ_REMOVE(&s->lpending, l, plink);
	TAILQ_REMOVE(&s->listeners, l, link);
	port_ref(s, l->local.port, -1);
	free(l);
	stack_leave(s);
}

/* The 64-second slot counter. Only its low bits travel in the ISN, but the
 * hash covers all of it: a cookie does not come back to life when those bits
 * come round again (every 32 slots, about 34 minutes). */
static uint32_t cookie_count(tcp_time_t now)
{
	return (uint32_t)(now / COOKIE_SLOT);
}

static uint32_t cookie_hash(const struct tcp_stack *s, const struct tcp_endpoint *local,
			    const struct tcp_endpoint *remote, uint32_t peer_isn, uint32_t count,
			    unsigned mss_idx)
{
	uint8_t m[16 + 16 + 4 + 4 + 4 + 1];
	size_t al = tcp_ip_len(&local->ip), n = 0;
	memcpy(m + n, local->ip.a, al);
	n += al;
	memcpy(m + n, remote->ip.a, al);
	n += al;
	m[n++] = (uint8_t)(local->port >> 8);
	m[n++] = (uint8_t)local->port;
	m[n++] = (uint8_t)(remote->port >> 8);
	m[n++] = (uint8_t)remote->port;
	memcpy(m + n, &peer_isn, 4);
	n += 4;
	memcpy(m + n, &count, 4);
	n += 4;
	m[n++] = (uint8_t)mss_idx;
	return (uint32_t)siphash24(s->key_cookie, m, n) & COOKIE_HASH_MASK;
}

/* A child control block for a SYN that passed the listener's checks. */
static struct tcp_conn *child_new(struct tcp_listener *l, const struct tcp_seg *seg,
				  const struct tcp_sock_opts *opts)
{
	struct tcp_stack *s = l->stack;
	struct tcp_conn *c = conn_new(s, &seg->dst, &seg->src, opts);
	if (!c)
		return NULL;
	c->released = true;                     /* the stack's until accepted */
	c->listener = l;
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->rcv_wscale = s->cfg.window_scaling ? rcv_wscale_for(c->rcvbuf) : 0;
	conn_apply_syn_options(c, seg);
	c->snd_wnd = seg->wnd;                  /* unscaled in a SYN, RFC 7323 §2.2 */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	return c;
}

static void set_iss(struct tcp_conn *c, uint32_t iss)
{
	c->iss = iss;
	c->snd_una = c->snd_nxt = c->snd_max = iss;
	c->snd_buf_seq = iss + 1;
	c->snd_wl2 = iss;
	c->recover = iss;
}

static void send_cookie(struct tcp_listener *l, const struct tcp_seg *seg,
			const struct tcp_sock_opts *opts)
{
	struct tcp_stack *s = l->stack;
	unsigned idx = 0;
	uint16_t peer = seg->opt.has_mss ? seg->opt.mss : TCP_MSS_DEFAULT_V4;
	for (unsigned i = 0; i < 8; i++)
		if (cookie_mss[i] <= peer)
			idx = i;
	uint32_t count = cookie_count(s->now);
	uint32_t iss = (count & COOKIE_SLOT_MASK) << COOKIE_SLOT_SHIFT |
		       (uint32_t)idx << COOKIE_MSS_SHIFT |
		       cookie_hash(s, &seg->dst, &seg->src, seg->seq, count, idx);
	/* A throwaway block on the stack: the SYN-ACK is built like any other,
	 * nothing is kept. */
	struct tcp_conn tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.stack = s;
	tmp.state = TCP_SYN_RECEIVED;
	tmp.local = seg->dst;
	tmp.remote = seg->src;
	tmp.rcvbuf = opts->rcvbuf ? opts->rcvbuf : s->cfg.rcvbuf;
	tmp.gtsm_hops = opts->gtsm_hops;
	tmp.mss_adv = stack_mss_for(s, seg->dst.ip.af);
	tmp.ts_offset = (uint32_t)tcp_tuple_hash(s->key_isn, &tmp.local, &tmp.remote, 0x7473u);
	conn_set_md5(&tmp, opts->md5);
	tmp.irs = seg->seq;
	tmp.rcv_nxt = seg->seq + 1;
	tmp.rcv_wscale = s->cfg.window_scaling ? rcv_wscale_for(tmp.rcvbuf) : 0;
	conn_apply_syn_options(&tmp, seg);
	if (tmp.ts_ok) {
		uint32_t opts_bits = (tmp.wscale_ok ? tmp.snd_wscale : COOKIE_NO_WSCALE) |
				     (tmp.sack_ok ? COOKIE_TS_SACK : 0);
		/* TSval = ((now + offset) & ~31) | options, minus the offset that
		 * conn_ts_now() adds: the echo tells the ACK what the SYN offered. */
		uint32_t tsnow = conn_ts_now(&tmp);
		/* Below now, so the connection's later TSvals never go backwards
		 * (the peer's PAWS would drop them). */
		uint32_t enc = ((tsnow - 2 * (COOKIE_TS_MASK + 1)) & ~COOKIE_TS_MASK) | opts_bits;
		tmp.ts_offset -= tsnow - enc;
	} else {
		/* Nowhere to keep the window scale or SACK-permitted: offer
		 * neither (RFC 7323 §2.2, RFC 2018 §2: each is used only when
		 * both SYNs carry it), or the peer would scale its windows and
		 * read ours scaled while we would not. */
		tmp.wscale_ok = false;
		tmp.snd_wscale = tmp.rcv_wscale = 0;
		tmp.sack_ok = false;
	}
	set_iss(&tmp, iss);
	send_syn(&tmp);
	s->st.syncookies_sent++;
}

/* The ACK completing a cookie handshake: rebuild the connection or refuse. */
static struct tcp_conn *cookie_accept(struct tcp_listener *l, const struct tcp_seg *seg,
				      const struct tcp_sock_opts *opts)
{
	struct tcp_stack *s = l->stack;
	uint32_t iss = seg->ack - 1;
	unsigned idx = (iss >> COOKIE_MSS_SHIFT) & COOKIE_MSS_MASK;
	uint32_t now_count = cookie_count(s->now);
	uint32_t age = (now_count - (iss >> COOKIE_SLOT_SHIFT)) & COOKIE_SLOT_MASK;
	if (age > COOKIE_MAX_AGE)
		return NULL;                    /* older than two slots (64-128 s) */
	/* The hash is over the full counter, so a cookie 32 slots old (same
	 * low bits) fails here. */
	if ((iss & COOKIE_HASH_MASK) !=
	    cookie_hash(s, &seg->dst, &seg->src, seg->seq - 1, now_count - age, idx))
		return NULL;
	struct tcp_seg syn = *seg;              /* what the SYN told us, rebuilt */
	memset(&syn.opt, 0, sizeof(syn.opt));
	syn.seq = seg->seq - 1;
	syn.opt.has_mss = true;
	syn.opt.mss = cookie_mss[idx];
	if (seg->opt.has_ts && s->cfg.timestamps) {
		unsigned ws = seg->opt.tsecr & COOKIE_TS_WSCALE;
		syn.opt.has_ts = true;
		syn.opt.tsval = seg->opt.tsval;
		if (ws != COOKIE_NO_WSCALE) {
			syn.opt.has_wscale = true;
			syn.opt.wscale = (uint8_t)ws;
		}
		syn.opt.sack_ok = (seg->opt.tsecr & COOKIE_TS_SACK) != 0;
	}
	struct tcp_conn *c = child_new(l, &syn, opts);
	if (!c)
		return NULL;
	if (!syn.opt.has_wscale)
		c->rcv_wscale = 0;
	set_iss(c, iss);
	c->snd_nxt = c->snd_max = iss + 1;
	c->syn_acked = true;
	c->snd_una = iss + 1;
	c->snd_wnd = (uint32_t)seg->wnd << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	/* What our SYN-ACK offered: its window is never scaled. */
	c->rcv_adv = c->rcv_nxt + min32(c->rcvbuf, 65535);
	if (conn_alloc_buffers(c) < 0) {
		conn_close_with(c, TCP_ERR_NOMEM);
		return NULL;
	}
	conn_set_state(c, TCP_ESTABLISHED);
	cc_init(c);
	c->queue = Q_ACCEPT;
	TAILQ_INSERT_TAIL(&l->acceptq, c, qlink);
	l->n_accept++;
	listen_event(l);
	s->st.syncookies_ok++;
	return c;
}

/* RFC 9293 §3.10.7.2 LISTEN. */
void listen_input(struct tcp_listener *l, const struct tcp_seg *seg)
{
	struct tcp_stack *s = l->stack;
	uint8_t f = seg->flags;
	enum tcp_drop why;

	if (f & TH_RST) {
		stack_drop(s, TCP_DROP_LISTEN_BAD);     /* first: an RST is ignored */
		return;
	}
	struct tcp_sock_opts opts;
	if (peer_opts(l, &seg->src.ip, &opts) < 0) {
		stack_drop(s, TCP_DROP_NO_SOCKET);     /* a peer we do not serve */
		send_rst_for(s, seg, NULL, NULL);
		return;
	}
	/* RFC 5082 §3 and RFC 2385 §3.0 before anything else. */
	if (opts.gtsm_hops && seg->ttl < 256 - opts.gtsm_hops) {
		stack_drop(s, TCP_DROP_TTL);
		return;
	}
	const struct tcp_md5_key *k = tcp_md5_keys_lookup(opts.md5, &seg->src.ip);
	if (tcp_md5_verify(seg, k ? k->key : NULL, k ? k->keylen : 0, &why) < 0) {
		stack_drop(s, why);
		return;
	}
	if (f & TH_ACK) {
		/* Second: an ACK. Only a valid cookie makes it acceptable. */
		if (!(f & TH_SYN) && s->cfg.syncookies) {
			if (l->n_accept >= l->backlog) {
				stack_drop(s, TCP_DROP_LISTEN_OVERFLOW);
				return;
			}
			struct tcp_conn *c = cookie_accept(l, seg, &opts);
			if (c) {
				if (seg->len || (f & TH_FIN))
					conn_input(c, seg);
				return;
			}
			stack_drop(s, TCP_DROP_COOKIE_BAD);
		} else {
			stack_drop(s, TCP_DROP_LISTEN_BAD);
		}
		send_rst_for(s, seg, NULL, &opts);
		return;
	}
	if (!(f & TH_SYN)) {
		stack_drop(s, TCP_DROP_LISTEN_BAD);     /* fourth: anything else */
		return;
	}
	/* Third: a SYN. */
	if (l->n_accept >= l->backlog) {
		stack_drop(s, TCP_DROP_LISTEN_OVERFLOW);
		return;
	}
	if (l->n_syn >= s->cfg.syn_backlog) {
		if (s->cfg.syncookies)
			send_cookie(l, seg, &opts);
		else
			stack_drop(s, TCP_DROP_SYN_QUEUE_FULL);
		return;
	}
	struct tcp_conn *c = child_new(l, seg, &opts);
	if (!c) {
		stack_drop(s, TCP_DROP_NOMEM);
		return;
	}
	c->queue = Q_SYN;
	TAILQ_INSERT_TAIL(&l->synq, c, qlink);
	l->n_syn++;
	set_iss(c, tcp_isn(s->key_isn, &c->local, &c->remote, s->now));
	conn_set_state(c, TCP_SYN_RECEIVED);
	/* Text on a SYN is not queued; the peer sends it again once established. */
	send_syn(c);
	conn_rexmt_start(c);
}
