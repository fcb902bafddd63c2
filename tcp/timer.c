/*
 * tcp/timer.c — a connection's timers. Each is an absolute deadline (0 = off);
 * the connection sits in the stack's heap under the earliest of them.
 *
 *   t_rexmt    retransmission (RFC 6298), also for SYN and SYN-ACK
 *   t_persist  zero-window probe / SWS override (RFC 9293 §3.8.6.1, §3.8.6.2.1)
 *   t_delack   delayed ACK (RFC 9293 §3.8.6.3)
 *   t_2msl     TIME-WAIT (RFC 9293 §3.4.2), and FIN-WAIT-2 once nobody reads
 */
#include "tcp/internal.h"

void conn_persist_fire(struct tcp_conn *c);

static tcp_time_t earliest(tcp_time_t a, tcp_time_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

void conn_timers_update(struct tcp_conn *c)
{
	tcp_time_t when = earliest(earliest(c->t_rexmt, c->t_persist), earliest(c->t_delack, c->t_2msl));
	when = earliest(when, c->t_tlp);
	if (c->dead)
		when = 0;
	if (timerq_set(&c->stack->timers, &c->tnode, when) < 0) {
		/* No memory for the heap: a connection without timers could hang
		 * forever, so it is aborted instead. */
		c->t_rexmt = c->t_persist = c->t_delack = c->t_2msl = 0;
		conn_drop(c, TCP_DROP_NOMEM);
		conn_close_with(c, TCP_ERR_NOMEM);
	}
}

void conn_rexmt_start(struct tcp_conn *c)
{
	c->t_rexmt = conn_now(c) + c->rto;
	conn_timers_update(c);
}

void conn_rexmt_stop(struct tcp_conn *c)
{
	c->t_rexmt = 0;
	conn_timers_update(c);
}

/* RFC 8985 §7.2: after sending new data or on an ACK that leaves data out,
 * probe in PTO = 2·SRTT (plus the peer's delayed-ACK allowance when a single
 * segment is out) unless recovery or a probe is already under way. A lost
 * tail, or a lost stretch ACK covering it, then costs about two round trips
 * instead of a retransmission timeout. */
void conn_tlp_arm(struct tcp_conn *c)
{
	/* RFC 8985 §7.2: not in fast or RTO recovery (SND.UNA below the
	 * recovery point a timeout set), and not without SACK — the probe's
	 * ACK must be able to say what was lost. */
	bool off = c->in_recovery || !c->sack_ok || seq_lt(c->snd_una, c->recover) ||
		   c->snd_max == c->snd_una;
	if (off || c->tlp_out || c->persisting || !c->srtt || c->state == TCP_SYN_SENT ||
	    c->state == TCP_SYN_RECEIVED) {
		if (c->t_tlp && off) {
			c->t_tlp = 0;
			conn_timers_update(c);
		}
		return;
	}
	tcp_time_t pto = 2 * c->srtt;
	if (c->snd_max - c->snd_una <= c->mss)
		pto += TCP_MSEC(200);               /* RFC 8985 §7.2 WCDelAckT */
	if (pto < TCP_MSEC(1))
		pto = TCP_MSEC(1);
	if (pto >= c->rto)
		return;                             /* the RTO comes first anyway */
	c->t_tlp = conn_now(c) + pto;
	conn_timers_update(c);
}

static void tlp_fire(struct tcp_conn *c)
{
	if (c->in_recovery || c->snd_max == c->snd_una)
		return;
	send_tail_probe(c);
	conn_rexmt_start(c);                        /* RFC 8985 §7.3: restart the RTO */
}

void conn_enter_time_wait(struct tcp_conn *c)
{
	conn_set_state(c, TCP_TIME_WAIT);
	c->t_rexmt = c->t_persist = c->t_delack = c->t_tlp = 0;
	c->persisting = false;
	c->t_2msl = conn_now(c) + 2 * c->stack->cfg.msl;
	ring_free(&c->snd);
	conn_timers_update(c);
}

static void rexmt_fire(struct tcp_conn *c)
{
	const struct tcp_config *cfg = &c->stack->cfg;
	bool handshake = c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED;
	unsigned limit = handshake ? cfg->syn_retries : cfg->data_retries;
	if (c->retries >= limit) {
		/* The retry bound (RFC 9293 §3.8.3 R2): give up with a reason. */
		conn_close_with(c, TCP_ERR_TIMEOUT);
		return;
	}
	c->retries++;
	c->backoff++;
	c->st.rto_expiries++;
	/* RFC 6298 §5.5: back off. */
	c->rto = c->rto * 2 > cfg->rto_max ? cfg->rto_max : c->rto * 2;
	if (handshake) {
		send_syn(c);
	} else {
		cc_on_rto(c);
		c->rtt_timing = false;
		tcp_output(c);
		if (c->snd_max == c->snd_una)
			return;
	}
	conn_rexmt_start(c);
}

void conn_timers_fire(struct tcp_conn *c, tcp_time_t now)
{
	if (c->t_delack && c->t_delack <= now) {
		c->t_delack = 0;
		c->ack_now = true;
		tcp_output(c);
	}
	if (c->state != TCP_CLOSED && c->t_tlp && c->t_tlp <= now) {
		c->t_tlp = 0;
		tlp_fire(c);
	}
	if (c->state != TCP_CLOSED && c->t_rexmt && c->t_rexmt <= now) {
		c->t_rexmt = 0;
		rexmt_fire(c);
	}
	if (c->state != TCP_CLOSED && c->t_persist && c->t_persist <= now) {
		c->t_persist = 0;
		conn_persist_fire(c);
	}
	if (c->state != TCP_CLOSED && c->t_2msl && c->t_2msl <= now) {
		c->t_2msl = 0;
		/* TIME-WAIT over, or FIN-WAIT-2 with nobody left to read. */
		conn_close_with(c, TCP_ERR_NONE);
	}
	/* Whatever happened, the node must leave the past (or the heap). */
	if (c->tnode.when && c->tnode.when <= now) {
		if (c->t_delack <= now)
			c->t_delack = 0;
		if (c->t_rexmt && c->t_rexmt <= now)
			c->t_rexmt = now + 1;
		if (c->t_persist && c->t_persist <= now)
			c->t_persist = now + 1;
		if (c->t_2msl && c->t_2msl <= now)
			c->t_2msl = now + 1;
		if (c->t_tlp && c->t_tlp <= now)
			c->t_tlp = 0;
	}
	conn_timers_update(c);
}
