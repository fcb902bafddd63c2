/*
 * tcp/user.c — the user calls of RFC 9293 §3.10 (OPEN, SEND, RECEIVE, CLOSE,
 * ABORT, STATUS) as a callback API with backpressure.
 */
#include <errno.h>
#include <string.h>

#include "tcp/internal.h"

static uint8_t rcv_wscale_for(uint32_t rcvbuf)
{
	uint8_t ws = 0;
	while (ws < TCP_MAX_WSCALE && (rcvbuf >> ws) > 65535)
		ws++;
	return ws;
}

static int pick_port(struct tcp_stack *s, struct tcp_endpoint *local,
		     const struct tcp_endpoint *remote)
{
	uint32_t range = (uint32_t)s->cfg.port_hi - s->cfg.port_lo + 1;
	for (uint32_t i = 0; i < range; i++) {
		local->port = (uint16_t)(s->cfg.port_lo + (s->next_port++ % range));
		/* Free ports first, so a port is never shared with a listener. */
		if (s->port_refs[local->port] == 0)
			return 0;
	}
	for (uint32_t i = 0; i < range; i++) {
		local->port = (uint16_t)(s->cfg.port_lo + (s->next_port++ % range));
		if (!stack_lookup(s, local, remote))
			return 0;
	}
	return -1;
}

struct tcp_conn *tcp_connect(struct tcp_stack *s, const struct tcp_endpoint *local,
			     const struct tcp_endpoint *remote, const struct tcp_sock_opts *opts,
			     tcp_conn_cb cb, void *arg, tcp_time_t now, int *err)
{
	struct tcp_endpoint lo = *local;
	struct tcp_conn *c = NULL;
	stack_enter(s, now);
	if (lo.ip.af != remote->ip.af || remote->port == 0 || tcp_ip_is_any(&lo.ip) ||
	    tcp_ip_is_any(&remote->ip)) {
		*err = EINVAL;
		goto out;
	}
	if (lo.port == 0 && pick_port(s, &lo, remote) < 0) {
		*err = EADDRNOTAVAIL;
		goto out;
	}
	if (stack_lookup(s, &lo, remote)) {
		*err = EADDRINUSE;
		goto out;
	}
	c = conn_new(s, &lo, remote, opts);
	if (!c || conn_alloc_buffers(c) < 0) {
		if (c) {
			c->released = true;
			conn_close_with(c, TCP_ERR_NOMEM);
		}
		c = NULL;
		*err = ENOMEM;
		goto out;
	}
	c->cb = cb;
	c->cb_arg = arg;
	uint32_t iss = tcp_isn(s->key_isn, &c->local, &c->remote, s->now);
	c->iss = iss;
	c->snd_una = c->snd_nxt = c->snd_max = iss;
	c->snd_buf_seq = iss + 1;
	c->recover = iss;
	c->rcv_wscale = s->cfg.window_scaling ? rcv_wscale_for(c->rcvbuf) : 0;
	conn_set_state(c, TCP_SYN_SENT);
	send_syn(c);
	conn_rexmt_start(c);
out:
	stack_leave(s);
	return c;
}

void tcp_conn_set_cb(struct tcp_conn *c, tcp_conn_cb cb, void *arg)
{
	c->cb = cb;
	c->cb_arg = arg;
	/* What happened before the user was listening (an accepted connection may
	 * already hold data, a FIN, or be closed) is reported now. */
	unsigned ev = 0;
	if (c->rcv.len)
		ev |= TCP_EV_READABLE;
	if (c->fin_rcvd)
		ev |= TCP_EV_EOF;
	if (c->state == TCP_CLOSED)
		ev |= TCP_EV_CLOSED;
	if (!ev)
		return;
	/* Delivered before returning (or, from inside a callback, when the
	 * stack's current call ends): queued alone, they would wait for the
	 * next unrelated input or timer, and a connection accepted with its
	 * data already buffered could stall. */
	stack_enter(c->stack, c->stack->now);
	conn_event(c, ev);
	stack_leave(c->stack);
}

size_t tcp_send(struct tcp_conn *c, const void *buf, size_t len, tcp_time_t now)
{
	if (c->released || c->fin_queued)
		return 0;
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		break;
	default:
		return 0;
	}
	stack_enter(c->stack, now);
	uint32_t want = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	uint32_t n = ring_append(&c->snd, buf, want);
	/* Full (whether or not the caller offered more): WRITABLE follows. */
	if (n < len || ring_space(&c->snd) == 0)
		c->want_writable = true;
	if (n && c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED)
		tcp_output(c);
	stack_leave(c->stack);
	return n;
}

/* After the application read, tell the peer about a window that grew enough
 * to matter: at least doubled and by at least an MSS (RFC 9293 §3.8.6.2.2). */
static void window_update(struct tcp_conn *c)
{
	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 && c->state != TCP_FIN_WAIT_2)
		return;
	uint32_t old = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t now = conn_rcv_window(c);
	if (now > old && now - old >= c->mss_adv && now >= 2 * old)
		send_ack(c);
}

size_t tcp_recv(struct tcp_conn *c, void *buf, size_t len, tcp_time_t now)
{
	if (!c->rcv.buf || c->rcv.len == 0)
		return 0;
	stack_enter(c->stack, now);
	uint32_t want = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	uint32_t n = ring_take(&c->rcv, buf, want);
	if (c->n_ooo == 0 && c->rcv.len == 0)
		c->rcv.head = 0;
	window_update(c);
	stack_leave(c->stack);
	return n;
}

size_t tcp_recv_peek(const struct tcp_conn *c, const uint8_t **p1, size_t *l1,
		     const uint8_t **p2, size_t *l2)
{
	uint32_t a = 0, b = 0;
	*p1 = *p2 = NULL;
	if (c->rcv.buf)
		ring_view(&c->rcv, 0, c->rcv.len, p1, &a, p2, &b);
	*l1 = a;
	*l2 = b;
	return (size_t)a + b;
}

void tcp_recv_consume(struct tcp_conn *c, size_t n, tcp_time_t now)
{
	if (!c->rcv.buf)
		return;
	stack_enter(c->stack, now);
	if (n > c->rcv.len)
		n = c->rcv.len;
	ring_drop(&c->rcv, (uint32_t)n);
	if (c->n_ooo == 0 && c->rcv.len == 0)
		c->rcv.head = 0;        /* keeps the next reads contiguous */
	window_update(c);
	stack_leave(c->stack);
}

void tcp_shutdown(struct tcp_conn *c, tcp_time_t now)
{
	if (c->fin_queued)
		return;
	stack_enter(c->stack, now);
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
		c->fin_queued = true;   /* sent once established (RFC 9293 §3.10.4) */
		break;
	case TCP_ESTABLISHED:
		c->fin_queued = true;
		conn_set_state(c, TCP_FIN_WAIT_1);
		tcp_output(c);
		break;
	case TCP_CLOSE_WAIT:
		c->fin_queued = true;
		conn_set_state(c, TCP_LAST_ACK);
		tcp_output(c);
		break;
	default:
		break;
	}
	stack_leave(c->stack);
}

static void release(struct tcp_conn *c)
{
	c->released = true;
	c->cb = NULL;
	c->want_writable = false;
	if (c->on_pending) {
		TAILQ_REMOVE(&c->stack->pending, c, plink);
		c->on_pending = false;
	}
}

void tcp_abort(struct tcp_conn *c, tcp_time_t now)
{
	if (c->released)
		return;
	stack_enter(c->stack, now);
	release(c);
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		send_rst_conn(c);
		break;
	default:
		break;
	}
	if (c->state == TCP_CLOSED)
		conn_maybe_free(c);
	else
		conn_close_with(c, TCP_ERR_ABORTED);
	stack_leave(c->stack);
}

void tcp_close(struct tcp_conn *c, tcp_time_t now)
{
	if (c->released)
		return;
	/* RFC 2525 §2.17: closing with unread data loses it; say so with RST. */
	if (c->rcv.len && c->state != TCP_CLOSED) {
		tcp_abort(c, now);
		return;
	}
	stack_enter(c->stack, now);
	release(c);
	switch (c->state) {
	case TCP_CLOSED:
		conn_maybe_free(c);
		break;
	case TCP_SYN_SENT:
		conn_close_with(c, TCP_ERR_ABORTED);    /* RFC 9293: delete the TCB */
		break;
	case TCP_FIN_WAIT_2:
		c->t_2msl = conn_now(c) + 2 * c->stack->cfg.msl;
		conn_timers_update(c);
		break;
	default:
		break;
	}
	if (c->state != TCP_CLOSED) {
		stack_leave(c->stack);
		tcp_shutdown(c, now);
		return;
	}
	stack_leave(c->stack);
}

void tcp_conn_set_nodelay(struct tcp_conn *c, bool on)
{
	c->nodelay = on;
}

enum tcp_state tcp_conn_state(const struct tcp_conn *c) { return c->state; }
enum tcp_error tcp_conn_error(const struct tcp_conn *c) { return c->error; }
size_t tcp_conn_sendq(const struct tcp_conn *c) { return c->snd.len; }
size_t tcp_conn_recvq(const struct tcp_conn *c) { return c->rcv.len; }
bool tcp_conn_eof(const struct tcp_conn *c) { return c->fin_rcvd; }
const struct tcp_endpoint *tcp_conn_local(const struct tcp_conn *c) { return &c->local; }
const struct tcp_endpoint *tcp_conn_remote(const struct tcp_conn *c) { return &c->remote; }

size_t tcp_conn_sendspace(const struct tcp_conn *c)
{
	if (!c->snd.buf || c->fin_queued)
		return 0;
	return ring_space(&c->snd);
}

void tcp_conn_stats(const struct tcp_conn *c, struct tcp_conn_stats *out)
{
	*out = c->st;
	out->state = c->state;
	out->error = c->error;
	out->local = c->local;
	out->remote = c->remote;
	out->mss = c->mss;
	out->snd_wscale = c->wscale_ok ? (int8_t)c->snd_wscale : -1;
	out->rcv_wscale = c->wscale_ok ? (int8_t)c->rcv_wscale : -1;
	out->timestamps = c->ts_ok;
	out->sack = c->sack_ok;
	out->md5 = c->has_md5;
	out->srtt = c->srtt;
	out->rttvar = c->rttvar;
	out->rto = c->rto;
	out->cwnd = c->cwnd;
	out->ssthresh = c->ssthresh;
	out->snd_wnd = c->snd_wnd;
	out->rcv_wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	out->flight = c->snd_max - c->snd_una;
	out->sendq = c->snd.len;
	out->recvq = c->rcv.len;
}
