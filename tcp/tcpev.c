/* tcp/tcpev.c — the libevent binding (see tcpev.h). */
#include "tcp/tcpev.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define BATCH_MAX     64    /* datagrams per send_batch call */
#define RX_BUDGET     256   /* datagrams per wake-up before yielding to others */
#define RX_CHUNK      64

struct tcpev {
	struct event_base *base;
	struct tcp_link *link;
	struct tcp_stack *stack;
	struct event *rx[TCP_LINK_MAX_FDS];
	int nrx;
	struct event *timer;
	tcp_time_t armed;           /* deadline the timer is set for, 0 = none */
	tcp_time_t now;             /* cached during one wake-up */
	/* the output batch */
	unsigned nbatch;
	size_t slot;
	uint8_t *slots;
	const uint8_t *pkts[BATCH_MAX];
	size_t lens[BATCH_MAX];
	int flushing;
	uint16_t port_lo, port_hi;
};

tcp_time_t tcpev_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (tcp_time_t)ts.tv_sec * 1000000u + (tcp_time_t)ts.tv_nsec / 1000u;
}

static void send_batch(struct tcpev *ev)
{
	if (!ev->nbatch)
		return;
	struct tcp_link *l = ev->link;
	if (l->ops->send_batch) {
		l->ops->send_batch(l, ev->pkts, ev->lens, ev->nbatch);
	} else {
		for (unsigned i = 0; i < ev->nbatch; i++)
			l->ops->send(l, ev->pkts[i], ev->lens[i]);
	}
	ev->nbatch = 0;
}

static void on_output(void *ctx, const uint8_t *pkt, size_t len)
{
	struct tcpev *ev = ctx;
	if (len > ev->slot) {
		send_batch(ev);
		ev->link->ops->send(ev->link, pkt, len);
		return;
	}
	if (ev->nbatch == BATCH_MAX)
		send_batch(ev);
	uint8_t *dst = ev->slots + (size_t)ev->nbatch * ev->slot;
	memcpy(dst, pkt, len);
	ev->pkts[ev->nbatch] = dst;
	ev->lens[ev->nbatch] = len;
	ev->nbatch++;
}

/* The stack starts or stops using a local port. Ephemeral ports are covered by
 * the link as a range; others (listeners', and their connections' after the
 * listener is gone) are claimed one by one for as long as they are used. */
static void on_port(void *ctx, uint16_t port, bool in_use)
{
	struct tcpev *ev = ctx;
	struct tcp_link *l = ev->link;
	if (port >= ev->port_lo && port <= ev->port_hi)
		return;
	if (in_use && l->ops->claim_port)
		l->ops->claim_port(l, port);
	else if (!in_use && l->ops->release_port)
		l->ops->release_port(l, port);
}

static void rearm(struct tcpev *ev)
{
	tcp_time_t next = tcp_stack_next_timer(ev->stack);
	if (next == ev->armed)
		return;
	ev->armed = next;
	if (!next) {
		evtimer_del(ev->timer);
		return;
	}
	tcp_time_t now = tcpev_now();
	tcp_time_t d = next > now ? next - now : 0;
	struct timeval tv = { (time_t)(d / 1000000u), (suseconds_t)(d % 1000000u) };
	evtimer_add(ev->timer, &tv);
}

void tcpev_flush(struct tcpev *ev)
{
	if (ev->flushing)
		return;
	ev->flushing = 1;
	send_batch(ev);
	rearm(ev);
	ev->flushing = 0;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct tcpev *ev = arg;
	ev->armed = 0;
	tcp_stack_timers(ev->stack, tcpev_now());
	tcpev_flush(ev);
}

static void deliver(void *ctx, const uint8_t *pkt, size_t len)
{
	struct tcpev *ev = ctx;
	tcp_stack_input(ev->stack, pkt, len, ev->now);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct tcpev *ev = arg;
	int total = 0;
	while (total < RX_BUDGET) {
		ev->now = tcpev_now();
		int n = ev->link->ops->poll_rx(ev->link, fd, deliver, ev, RX_CHUNK);
		if (n <= 0)
			break;
		total += n;
		if (n < RX_CHUNK)
			break;
	}
	tcpev_flush(ev);
}

struct tcpev *tcpev_new(struct event_base *base, struct tcp_link *link,
			const struct tcp_config *cfg, char *err, size_t errlen)
{
	struct tcpev *ev = calloc(1, sizeof(*ev));
	uint8_t secret[32];
	if (!ev) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ev->base = base;
	ev->link = link;
	unsigned mtu = link->ops->mtu ? link->ops->mtu(link) : 1500;
	ev->slot = (size_t)mtu + 128;
	ev->slots = malloc(ev->slot * BATCH_MAX);
	if (!ev->slots) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* The keys of RFC 6528 ISNs and SYN cookies must be unpredictable. */
	if (getrandom(secret, sizeof(secret), 0) != sizeof(secret)) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		goto fail;
	}
	struct tcp_config c = *cfg;
	c.mtu = mtu;
	ev->port_lo = c.port_lo;
	ev->port_hi = c.port_hi;
	struct tcp_stack_ops ops = { on_output, on_port, ev };
	ev->stack = tcp_stack_new(&c, &ops, secret, tcpev_now());
	explicit_bzero(secret, sizeof(secret));
	ev->timer = evtimer_new(base, on_timer, ev);
	if (!ev->stack || !ev->timer) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	int fds[TCP_LINK_MAX_FDS];
	int n = link->ops->fds(link, fds, TCP_LINK_MAX_FDS);
	for (int i = 0; i < n; i++) {
		ev->rx[i] = event_new(base, fds[i], EV_READ | EV_PERSIST, on_readable, ev);
		if (!ev->rx[i] || event_add(ev->rx[i], NULL) < 0) {
			snprintf(err, errlen, "cannot watch link descriptor");
			goto fail;
		}
		ev->nrx++;
	}
	return ev;
fail:
	if (ev) {
		ev->link = NULL;        /* the caller still owns it on failure */
		tcpev_free(ev);
	}
	return NULL;
}

void tcpev_free(struct tcpev *ev)
{
	if (!ev)
		return;
	for (int i = 0; i < ev->nrx; i++)
		event_free(ev->rx[i]);
	if (ev->timer)
		event_free(ev->timer);
	if (ev->stack && ev->link)
		send_batch(ev);
	tcp_stack_free(ev->stack);
	tcp_link_close(ev->link);
	free(ev->slots);
	free(ev);
}

struct tcp_stack *tcpev_stack(struct tcpev *ev) { return ev->stack; }
struct tcp_link *tcpev_link(struct tcpev *ev) { return ev->link; }

struct tcp_listener *tcpev_listen(struct tcpev *ev, const struct tcp_endpoint *local,
				  unsigned backlog, const struct tcp_sock_opts *opts,
				  tcp_accept_cb cb, void *arg, int *err)
{
	/* A claim of our own around tcp_listen() surfaces a link error (no
	 * privilege for the guard) to the caller; the stack's port hook then
	 * holds the port for as long as anything uses it. */
	struct tcp_link *l = ev->link;
	if (l->ops->claim_port) {
		int r = l->ops->claim_port(l, local->port);
		if (r < 0) {
			*err = -r;
			return NULL;
		}
	}
	struct tcp_listener *tl = tcp_listen(ev->stack, local, backlog, opts, cb, arg, err);
	if (l->ops->release_port)
		l->ops->release_port(l, local->port);
	return tl;
}

void tcpev_listener_close(struct tcpev *ev, struct tcp_listener *l)
{
	tcp_listener_close(l, tcpev_now());
	tcpev_flush(ev);
}

struct tcp_conn *tcpev_connect(struct tcpev *ev, const struct tcp_endpoint *local,
			       const struct tcp_endpoint *remote, const struct tcp_sock_opts *opts,
			       tcp_conn_cb cb, void *arg, int *err)
{
	struct tcp_conn *c = tcp_connect(ev->stack, local, remote, opts, cb, arg, tcpev_now(), err);
	tcpev_flush(ev);
	return c;
}

size_t tcpev_send(struct tcpev *ev, struct tcp_conn *c, const void *buf, size_t len)
{
	size_t n = tcp_send(c, buf, len, tcpev_now());
	tcpev_flush(ev);
	return n;
}

size_t tcpev_recv(struct tcpev *ev, struct tcp_conn *c, void *buf, size_t len)
{
	size_t n = tcp_recv(c, buf, len, tcpev_now());
	tcpev_flush(ev);
	return n;
}

void tcpev_consume(struct tcpev *ev, struct tcp_conn *c, size_t n)
{
	tcp_recv_consume(c, n, tcpev_now());
	tcpev_flush(ev);
}

void tcpev_shutdown(struct tcpev *ev, struct tcp_conn *c)
{
	tcp_shutdown(c, tcpev_now());
	tcpev_flush(ev);
}

void tcpev_close(struct tcpev *ev, struct tcp_conn *c)
{
	tcp_close(c, tcpev_now());
	tcpev_flush(ev);
}

void tcpev_abort(struct tcpev *ev, struct tcp_conn *c)
{
	tcp_abort(c, tcpev_now());
	tcpev_flush(ev);
}
