/*
 * bgpd/session.h — one TCP connection of a peer, carrying BGP messages:
 * framing incoming bytes into messages (RFC 4271 §4.1), decoding them into FSM
 * events, and sending what the FSM asks for with backpressure.
 *
 * Work per wake-up is bounded (SESSION_MSG_BUDGET messages), the rest continues
 * on the next loop turn, so one peer's full table cannot starve another's
 * keepalives.
 */
#ifndef BGPD_SESSION_H
#define BGPD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/tcp.h"

struct peer;
struct event;

#define SESSION_MSG_BUDGET 64
#define SESSION_OUTQ_MAX   (64u << 20)  /* bytes queued beyond the TCP send buffer */

struct session {
	struct peer *p;
	int slot;
	struct tcp_conn *c;
	bool outgoing;
	bool connected;
	bool dead;                  /* closed; freed on the next loop turn */
	bool fin_sent;
	uint32_t max_len;           /* BGP_MAX_LEN, or BGP_EXT_MAX_LEN (RFC 8654) */
	uint8_t *msgbuf;            /* one message, when it wraps the receive ring */
	struct event *work;         /* continues parsing, frees when dead */
	/* bytes the TCP send buffer did not take yet */
	uint8_t *outq;
	size_t outq_len, outq_off, outq_cap;
	/* the message being processed, for FSM_ACT_PROCESS_UPDATE */
	const uint8_t *cur_msg;
	size_t cur_len;
};

/* Active open towards the peer. NULL on immediate failure (logged). */
struct session *session_connect(struct peer *p, int slot);
/* Take an accepted connection. */
struct session *session_accept(struct peer *p, int slot, struct tcp_conn *c);
/* Queue one whole message. -1 if the queue bound is exceeded (the session is
 * then aborted). */
int session_send(struct session *s, const uint8_t *msg, size_t len);
/* Send what is queued, then FIN; the session dies once the stack has it. */
void session_close(struct session *s);
void session_abort(struct session *s);
/* At exit: abort and free every session, lingering ones included. */
struct bgpd;
void session_destroy_all(struct bgpd *d);
/* Apply what the OPEN exchange negotiated (extended messages). */
void session_set_max_len(struct session *s, uint32_t max_len);

#endif /* BGPD_SESSION_H */
