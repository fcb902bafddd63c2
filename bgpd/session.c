/*
 * bgpd/session.c — one TCP connection of a peer carrying BGP messages.
 *
 * Receiving: whole messages are cut from the TCP receive buffer in place
 * (tcp_recv_peek) and handed to the decoders; one that straddles the ring's wrap
 * is copied once into msgbuf. Each becomes an FSM event of the owning peer.
 *
 * Sending: messages go straight into the TCP send buffer; what does not fit
 * waits in outq until TCP_EV_WRITABLE.
 *
 * Closing: a session the FSM drops is detached from its peer at once, sends what
 * it has queued (a NOTIFICATION, typically) and a FIN, and lingers, discarding
 * input, until the peer closes too or SESSION_LINGER passes. Closing with
 * unread input would make our stack answer with RST (RFC 2525 §2.17), which may
 * destroy the NOTIFICATION at the peer before it is read.
 */
#include "bgpd/session.h"

#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/daemon.h"
#include "bgpd/log.h"
#include "bgpd/msg.h"
#include "bgpd/peer.h"
#include "bgpd/rib_glue.h"
#include "tcp/tcpev.h"

#define SESSION_LINGER_S 5

struct session_priv {
	struct session s;
	struct bgpd *d;
	struct event *linger;
	bool closing;
	struct session_priv *next, *prev;       /* every session of the daemon */
};

static struct session_priv *priv(struct session *s) { return (struct session_priv *)s; }

static void process(struct session *s);

static void session_destroy(struct session *s)
{
	struct session_priv *sp = priv(s);
	if (sp->prev)
		sp->prev->next = sp->next;
	else if (sp->d->sessions == sp)
		sp->d->sessions = sp->next;
	if (sp->next)
		sp->next->prev = sp->prev;
	if (s->work)
		event_free(s->work);
	if (sp->linger)
		event_free(sp->linger);
	free(s->msgbuf);
	free(s->outq);
	free(sp);
}

/* Mark dead and free on the next loop turn: callers up the stack may still
 * hold the pointer. */
static void kill_later(struct session *s)
{
	if (s->dead)
		return;
	s->dead = true;
	if (s->p) {
		peer_session_gone(s->p, s);
		s->p = NULL;
	}
	event_active(s->work, EV_TIMEOUT, 0);
}

static void release_conn(struct session *s, bool abort)
{
	struct session_priv *sp = priv(s);
	if (!s->c)
		return;
	if (abort)
		tcpev_abort(sp->d->tcp, s->c);
	else
		tcpev_close(sp->d->tcp, s->c);
	s->c = NULL;
}

static void on_work(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	if (s->dead) {
		release_conn(s, false);
		session_destroy(s);
		return;
	}
	process(s);
}

static void on_linger(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	release_conn(s, true);
	kill_later(s);
}

static void flush_outq(struct session *s)
{
	struct session_priv *sp = priv(s);
	while (s->outq_len && s->c) {
		size_t n = tcpev_send(sp->d->tcp, s->c, s->outq + s->outq_off, s->outq_len);
		if (n == 0)
			break;
		s->outq_off += n;
		s->outq_len -= n;
	}
	if (s->outq_len == 0)
		s->outq_off = 0;
	if (sp->closing && s->outq_len == 0 && !s->fin_sent && s->c) {
		s->fin_sent = true;
		tcpev_shutdown(sp->d->tcp, s->c);
	}
}

static void fail(struct session *s, const char *why)
{
	struct peer *p = s->p;
	if (!p)
		return;
	if (why)
		log_peer(LOG_INFO, p->name, "connection %s", why);
	peer_event(p, s->slot, FSM_EV_TCP_FAILS, NULL);
}

static void on_tcp(struct tcp_conn *c, unsigned ev, void *arg)
{
	struct session *s = arg;
	struct session_priv *sp = priv(s);
	if (s->dead)
		return;
	if (sp->closing) {
		/* Lingering: take nothing more, wait for the peer's FIN. */
		const uint8_t *p1, *p2;
		size_t l1, l2;
		size_t n = tcp_recv_peek(c, &p1, &l1, &p2, &l2);
		if (n)
			tcpev_consume(sp->d->tcp, c, n);
		if (ev & TCP_EV_WRITABLE)
			flush_outq(s);
		if (ev & (TCP_EV_EOF | TCP_EV_CLOSED)) {
			release_conn(s, false);
			kill_later(s);
		}
		return;
	}
	if (ev & TCP_EV_CONNECTED) {
		s->connected = true;
		if (s->p)
			peer_event(s->p, s->slot, FSM_EV_TCP_CR_ACKED, NULL);   /* RFC 4271 Event 16 */
		if (s->dead || sp->closing)
			return;
	}
	if (ev & TCP_EV_READABLE)
		process(s);
	if (s->dead || sp->closing)
		return;
	if (ev & TCP_EV_WRITABLE) {
		flush_outq(s);
		/* Everything queued is with TCP: routes waiting may follow. */
		if (s->outq_len == 0 && s->p)
			rib_glue_writable(s->p, s->slot);
	}
	if (ev & TCP_EV_CLOSED) {
		enum tcp_error e = tcp_conn_error(c);
		fail(s, e == TCP_ERR_NONE ? "closed" : tcp_error_str(e));
	} else if ((ev & TCP_EV_EOF) && tcp_conn_recvq(c) < BGP_HEADER_LEN) {
		/* The peer closed its side; nothing whole is left to read. */
		fail(s, "closed by the peer");
	}
}

static struct session *session_new(struct peer *p, int slot)
{
	struct session_priv *sp = calloc(1, sizeof(*sp));
	if (!sp)
		return NULL;
	struct session *s = &sp->s;
	sp->d = p->d;
	s->p = p;
	s->slot = slot;
	s->max_len = BGP_MAX_LEN;
	s->work = event_new(p->d->base, -1, 0, on_work, s);
	sp->linger = evtimer_new(p->d->base, on_linger, s);
	sp->next = p->d->sessions;
	if (sp->next)
		sp->next->prev = sp;
	p->d->sessions = sp;
	if (!s->work || !sp->linger) {
		session_destroy(s);
		return NULL;
	}
	return s;
}

/* The source address the kernel's routing table would pick (no packet sent). */
static int route_source(const struct tcp_endpoint *dst, struct tcp_ip *src)
{
	struct sockaddr_storage ss, ls;
	socklen_t sl = (socklen_t)tcp_ep_to_sockaddr(dst, &ss, sizeof(ss));
	int fd = socket(dst->ip.af == TCP_AF_INET6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	socklen_t ll = sizeof(ls);
	int r = connect(fd, (struct sockaddr *)&ss, sl);
	if (r == 0)
		r = getsockname(fd, (struct sockaddr *)&ls, &ll);
	close(fd);
	struct tcp_endpoint ep;
	if (r < 0 || tcp_ep_from_sockaddr((struct sockaddr *)&ls, &ep) < 0)
		return -1;
	*src = ep.ip;
	return 0;
}

struct session *session_connect(struct peer *p, int slot)
{
	struct tcp_endpoint local = { 0 }, remote = { 0 };
	remote.ip = p->addr;
	remote.port = p->nb->s.port;
	if (p->nb->s.local_address.af) {
		memcpy(&local.ip, &p->nb->s.local_address, sizeof(local.ip));
	} else if (route_source(&remote, &local.ip) < 0) {
		log_peer(LOG_WARNING, p->name, "no route to the neighbor, cannot connect");
		return NULL;
	}
	struct session *s = session_new(p, slot);
	if (!s)
		return NULL;
	s->outgoing = true;
	int err = 0;
	s->c = tcpev_connect(p->d->tcp, &local, &remote, &p->so, on_tcp, s, &err);
	if (!s->c) {
		log_peer(LOG_WARNING, p->name, "connect: %s", strerror(err));
		session_destroy(s);
		return NULL;
	}
	return s;
}

struct session *session_accept(struct peer *p, int slot, struct tcp_conn *c)
{
	struct session *s = session_new(p, slot);
	if (!s)
		return NULL;
	s->c = c;
	s->connected = true;
	tcp_conn_set_nodelay(c, true);
	tcp_conn_set_cb(c, on_tcp, s);
	return s;
}

void session_set_max_len(struct session *s, uint32_t max_len) { s->max_len = max_len; }

int session_send(struct session *s, const uint8_t *msg, size_t len)
{
	struct session_priv *sp = priv(s);
	if (s->dead || sp->closing || !s->c)
		return -1;
	if (s->p && len >= BGP_HEADER_LEN && msg[18] < PEER_MSG_TYPES)
		s->p->msgs_out[msg[18]]++;
	size_t n = 0;
	if (s->outq_len == 0)
		n = tcpev_send(sp->d->tcp, s->c, msg, len);
	if (n == len)
		return 0;
	size_t rest = len - n;
	if (s->outq_len + rest > SESSION_OUTQ_MAX) {
		if (s->p)
			log_peer(LOG_ERR, s->p->name, "output queue over %u bytes: the peer does not read",
				 SESSION_OUTQ_MAX);
		session_abort(s);
		return -1;
	}
	if (s->outq_off && s->outq_off + s->outq_len + rest > s->outq_cap) {
		memmove(s->outq, s->outq + s->outq_off, s->outq_len);
		s->outq_off = 0;
	}
	if (s->outq_off + s->outq_len + rest > s->outq_cap) {
		size_t ncap = s->outq_cap ? s->outq_cap : 65536;
		while (ncap < s->outq_off + s->outq_len + rest)
			ncap *= 2;
		uint8_t *nq = realloc(s->outq, ncap);
		if (!nq) {
			session_abort(s);
			return -1;
		}
		s->outq = nq;
		s->outq_cap = ncap;
	}
	memcpy(s->outq + s->outq_off + s->outq_len, msg + n, rest);
	s->outq_len += rest;
	return 0;
}

void session_close(struct session *s)
{
	struct session_priv *sp = priv(s);
	if (s->dead || sp->closing)
		return;
	sp->closing = true;
	if (s->p) {
		peer_session_gone(s->p, s);
		s->p = NULL;
	}
	if (!s->c || !s->connected) {
		/* Never connected: nothing to say, nothing to wait for. */
		release_conn(s, false);
		kill_later(s);
		return;
	}
	flush_outq(s);
	struct timeval tv = { SESSION_LINGER_S, 0 };
	evtimer_add(sp->linger, &tv);
	/* Discard what is already buffered; more arrives through on_tcp. */
	const uint8_t *p1, *p2;
	size_t l1, l2;
	size_t n = tcp_recv_peek(s->c, &p1, &l1, &p2, &l2);
	if (n)
		tcpev_consume(sp->d->tcp, s->c, n);
	if (tcp_conn_eof(s->c) || tcp_conn_state(s->c) == TCP_CLOSED) {
		release_conn(s, false);
		kill_later(s);
	}
}

void session_abort(struct session *s)
{
	if (s->dead)
		return;
	release_conn(s, true);
	kill_later(s);
}

/* ---- receiving ---- */

static void dispatch(struct session *s, uint8_t type, const uint8_t *msg, size_t len)
{
	struct peer *p = s->p;
	struct bgp_err err;
	memset(&err, 0, sizeof(err));
	if (type < PEER_MSG_TYPES)
		p->msgs_in[type]++;
	switch (type) {
	case BGP_MSG_OPEN: {
		struct bgp_open o;
		if (bgp_open_decode(msg, len, &o, &err) < 0) {
			peer_event(p, s->slot, FSM_EV_OPEN_MSG_ERR, &(struct fsm_ev_data){ .err = &err });
			return;
		}
		struct bgp_open_policy pol;
		struct bgp_err verr;
		memset(&verr, 0, sizeof(verr));
		peer_open_policy(p, &pol);
		bgp_open_validate(&o, &pol, &verr);
		/* RFC 8654 §4: larger messages once both sides advertised it. */
		if (verr.code == 0 && o.caps.ext_msg)
			s->max_len = BGP_EXT_MAX_LEN;
		peer_event(p, s->slot, FSM_EV_BGP_OPEN, &(struct fsm_ev_data){ .open = &o, .err = &verr });
		return;
	}
	case BGP_MSG_UPDATE:
		peer_event(p, s->slot, FSM_EV_UPDATE_MSG, NULL);
		return;
	case BGP_MSG_NOTIFICATION: {
		struct bgp_notification n;
		if (bgp_notification_decode(msg, len, &n, &err) < 0) {
			/* RFC 4271 §6.4: a malformed NOTIFICATION is not answered; the
			 * connection ends all the same. */
			memset(&n, 0, sizeof(n));
		}
		char text[256];
		bgp_notification_describe(&n, text, sizeof(text));
		snprintf(p->last_error, sizeof(p->last_error), "received %s", text);
		log_peer(LOG_WARNING, p->name, "NOTIFICATION received: %s", text);
		peer_event(p, s->slot, FSM_EV_NOTIF_MSG, &(struct fsm_ev_data){ .notif = &n });
		return;
	}
	case BGP_MSG_KEEPALIVE:
		peer_event(p, s->slot, FSM_EV_KEEPALIVE_MSG, NULL);
		return;
	case BGP_MSG_ROUTE_REFRESH: {
		struct bgp_route_refresh rr;
		int r = bgp_route_refresh_decode(msg, len, &rr, &err);
		if (r < 0)
			peer_event(p, s->slot, FSM_EV_UPDATE_MSG_ERR, &(struct fsm_ev_data){ .err = &err });
		else if (r == 0)
			peer_event(p, s->slot, FSM_EV_RREFRESH_MSG, NULL);
		return;
	}
	default:
		/* bgp_frame_check() has refused unknown types already. */
		return;
	}
}

static void process(struct session *s)
{
	struct session_priv *sp = priv(s);
	unsigned done = 0;
	while (!s->dead && !sp->closing && s->c && s->p) {
		const uint8_t *p1, *p2;
		size_t l1, l2;
		size_t avail = tcp_recv_peek(s->c, &p1, &l1, &p2, &l2);
		if (avail < BGP_HEADER_LEN)
			break;
		if (done == SESSION_MSG_BUDGET) {
			event_active(s->work, EV_TIMEOUT, 0);  /* the rest next turn */
			return;
		}
		uint8_t hdr[BGP_HEADER_LEN];
		const uint8_t *h = p1;
		if (l1 < BGP_HEADER_LEN) {
			memcpy(hdr, p1, l1);
			memcpy(hdr + l1, p2, BGP_HEADER_LEN - l1);
			h = hdr;
		}
		struct bgp_frame f;
		struct bgp_err err;
		memset(&err, 0, sizeof(err));
		int r = bgp_frame_check(h, avail, s->max_len, &f, &err);
		if (r == BGP_FRAME_NEED_MORE)
			break;
		if (r == BGP_FRAME_ERROR) {
			/* RFC 4271 §6.1: Message Header Error, then the session ends. */
			peer_event(s->p, s->slot, FSM_EV_HEADER_ERR, &(struct fsm_ev_data){ .err = &err });
			return;
		}
		const uint8_t *msg = p1;
		if (f.len > l1) {
			if (!s->msgbuf && !(s->msgbuf = malloc(BGP_EXT_MAX_LEN))) {
				session_abort(s);
				return;
			}
			memcpy(s->msgbuf, p1, l1);
			memcpy(s->msgbuf + l1, p2, f.len - l1);
			msg = s->msgbuf;
		}
		s->cur_msg = msg;
		s->cur_len = f.len;
		dispatch(s, f.type, msg, f.len);
		s->cur_msg = NULL;
		s->cur_len = 0;
		if (s->c && !s->dead && !sp->closing)
			tcpev_consume(sp->d->tcp, s->c, f.len);
		done++;
	}
	/* A FIN that arrived behind the messages: now everything is read. */
	if (!s->dead && !sp->closing && s->c && s->p && tcp_conn_eof(s->c) &&
	    tcp_conn_recvq(s->c) < BGP_HEADER_LEN)
		fail(s, "closed by the peer");
}

void session_destroy_all(struct bgpd *d)
{
	while (d->sessions) {
		struct session *s = &d->sessions->s;
		release_conn(s, true);
		if (s->p)
			peer_session_gone(s->p, s);
		session_destroy(s);
	}
}
