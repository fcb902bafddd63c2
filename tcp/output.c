/*
 * tcp/output.c — deciding what to send and building it.
 *
 * tcp_output() sends as much new (or, after a timeout, resent) data as the
 * window min(SND.WND, cwnd) allows, segment by segment, subject to Nagle
 * (RFC 9293 §3.7.4) and sender-side silly-window avoidance (§3.8.6.2.1), then
 * the FIN, then a bare ACK if one is owed. Probes, RSTs and SYNs have their own
 * small builders; all go through send_segment().
 */
#include <string.h>

#include "tcp/internal.h"
#include "tcp/md5.h"

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

uint32_t conn_ts_now(const struct tcp_conn *c)
{
	return (uint32_t)(conn_now(c) / TCP_TS_HZ_DIV) + c->ts_offset;
}

/* The window to advertise, in bytes (RFC 9293 §3.8.6.2.2 receiver SWS
 * avoidance): the right edge never moves left, and moves right only by at
 * least min(buffer/2, MSS). */
uint32_t conn_rcv_window(const struct tcp_conn *c)
{
	uint32_t space = c->rcv.buf ? ring_space(&c->rcv) : c->rcvbuf;
	uint32_t maxw = (uint32_t)65535 << c->rcv_wscale;
	if (space > maxw)
		space = maxw;
	uint32_t cur = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (space <= cur)
		return cur;
	uint32_t thresh = min32(c->rcvbuf / 2, c->mss_adv);
	if (space - cur < thresh)
		return cur;
	return space;
}

/* SACK blocks that fit beside the options every segment carries (RFC 2018 §3:
 * 40 bytes in all; NOP NOP + kind + length take 4). */
static unsigned sack_room(const struct tcp_conn *c)
{
	int room = TCP_MAX_OPT_LEN - 4 - (c->ts_ok ? 2 + TCPOLEN_TS : 0) -
		   (c->has_md5 ? 2 + TCPOLEN_MD5 : 0);
	unsigned n = room > 0 ? (unsigned)room / TCPOLEN_SACK_BLOCK : 0;
	return n > TCP_SACK_MAX_BLOCKS ? TCP_SACK_MAX_BLOCKS : n;
}

static unsigned sack_blocks_now(const struct tcp_conn *c)
{
	if (!c->sack_ok || !c->n_ooo)
		return 0;
	unsigned room = sack_room(c);
	return c->n_ooo < room ? c->n_ooo : room;
}

/* Payload per segment now: the MSS less the SACK blocks we must carry, so a
 * full segment still fits the MTU (RFC 6691). */
static uint32_t payload_mss(const struct tcp_conn *c)
{
	unsigned nb = sack_blocks_now(c);
	uint32_t opt = nb ? 4 + TCPOLEN_SACK_BLOCK * nb : 0;
	return c->mss > opt + 32 ? c->mss - opt : 32;
}

static uint8_t out_ttl(const struct tcp_conn *c)
{
	/* RFC 5082 §3: a GTSM speaker sends with TTL 255. */
	return c->gtsm_hops ? 255 : c->stack->cfg.ttl;
}

static void emit(struct tcp_stack *s, struct tcp_out *o, const uint8_t *md5key, unsigned md5len)
{
	uint16_t md5off = 0;
	o->md5 = md5key != NULL;
	size_t n = tcp_build(s->obuf, sizeof(s->obuf), o, &md5off);
	if (n == 0) {
		stack_drop(s, TCP_DROP_NOMEM);
		return;
	}
	if (o->md5)
		tcp_md5_sign(s->obuf, n, md5off, md5key, md5len);
	s->st.segs_out++;
	s->ops.output(s->ops.ctx, s->obuf, n);
}

/* Send one segment of the connection: seq, flags, and dlen bytes of the send
 * ring from offset doff. */
static void send_segment(struct tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t doff,
			 uint32_t dlen)
{
	struct tcp_out o;
	memset(&o, 0, sizeof(o));
	o.src = &c->local;
	o.dst = &c->remote;
	o.ttl = out_ttl(c);
	o.seq = seq;
	o.flags = flags;
	o.wscale = -1;
	uint32_t win = conn_rcv_window(c);
	uint32_t field;
	if (flags & TH_SYN) {
		/* RFC 7323 §2.2: the window in a SYN is never scaled. */
		field = min32(win, 65535);
		o.mss = c->mss_adv;
		bool active = c->state == TCP_SYN_SENT;
		const struct tcp_config *cfg = &c->stack->cfg;
		if (active ? cfg->window_scaling : c->wscale_ok)
			o.wscale = c->rcv_wscale;
		o.sack_perm = active ? cfg->sack : c->sack_ok;
		/* With TCP-MD5, SACK wins the option space over timestamps. */
		o.ts = active ? cfg->timestamps && !(c->has_md5 && cfg->sack) : c->ts_ok;
	} else {
		uint32_t unit = (uint32_t)1 << c->rcv_wscale;
		uint32_t cur = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
		/* Round up when only keeping the old edge, so scaling never shrinks it. */
		field = win == cur ? (win + unit - 1) >> c->rcv_wscale : win >> c->rcv_wscale;
		if (field > 65535)
			field = 65535;
		o.ts = c->ts_ok;
	}
	o.wnd = (uint16_t)field;
	if (flags & TH_ACK)
		o.ack = c->rcv_nxt;
	if ((flags & (TH_ACK | TH_SYN | TH_RST)) == TH_ACK)
		o.nsack = (uint8_t)sack_fill(c, o.sack, sack_blocks_now(c));
	if (o.ts) {
		o.tsval = conn_ts_now(c);
		o.tsecr = (flags & TH_ACK) ? c->ts_recent : 0;
	}
	if (dlen) {
		const uint8_t *p1, *p2;
		uint32_t l1, l2;
		ring_view(&c->snd, doff, dlen, &p1, &l1, &p2, &l2);
		o.data[0] = p1;
		o.dlen[0] = l1;
		o.data[1] = p2;
		o.dlen[1] = l2;
	}
	emit(c->stack, &o, c->has_md5 ? c->md5_key : NULL, c->md5_keylen);
	c->st.segs_out++;
	if (flags & TH_ACK) {
		uint32_t edge = c->rcv_nxt + (field << ((flags & TH_SYN) ? 0 : c->rcv_wscale));
		if (seq_gt(edge, c->rcv_adv))
			c->rcv_adv = edge;
		c->last_ack_sent = c->rcv_nxt;
		c->ack_now = false;
		c->ack_pending = 0;
		if (c->t_delack) {
			c->t_delack = 0;
			conn_timers_update(c);
		}
	}
}

void send_syn(struct tcp_conn *c)
{
	uint8_t flags = TH_SYN | (c->state == TCP_SYN_RECEIVED ? TH_ACK : 0);
	bool resend = c->snd_max != c->iss;
	send_segment(c, c->iss, flags, 0, 0);
	if (resend) {
		c->st.retransmits++;
		c->rtt_timing = false;                 /* Karn */
	} else {
		c->rtt_timing = true;
		c->rtt_seq = c->iss;
		c->rtt_start = conn_now(c);
	}
	c->snd_nxt = c->iss + 1;
	if (seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
}

/* A bare ACK carries SND.MAX, not SND.NXT: after a retransmission timeout
 * SND.NXT is pulled back below what the peer already received, and an ACK
 * stamped with it would be an old segment to the peer — unacceptable, its ACK
 * field ignored, answered by another ACK: two stacks deadlock in an ACK
 * ping-pong (BSD's tcp_output makes the same choice). */
void send_ack(struct tcp_conn *c)
{
	send_segment(c, c->snd_max, TH_ACK, 0, 0);
}

/* RFC 5961 §7: challenge ACKs are rate-limited per connection, never globally
 * (a global limit was a side channel, CVE-2016-5696). */
void send_challenge_ack(struct tcp_conn *c)
{
	tcp_time_t now = conn_now(c);
	if (now - c->chack_window >= TCP_SEC(1)) {
		c->chack_window = now;
		c->chack_count = 0;
	}
	if (c->chack_count >= c->stack->cfg.challenge_ack_limit)
		return;
	c->chack_count++;
	c->st.challenge_acks++;
	send_ack(c);
}

/* RST for a segment that has no connection, or that a connection rejects
 * (RFC 9293 §3.10.7.1 and §3.5.2): never in answer to an RST. */
void send_rst_for(struct tcp_stack *s, const struct tcp_seg *seg, const struct tcp_conn *c,
		  const struct tcp_sock_opts *lo)
{
	if (seg->flags & TH_RST)
		return;
	struct tcp_out o;
	memset(&o, 0, sizeof(o));
	o.src = &seg->dst;
	o.dst = &seg->src;
	o.ttl = s->cfg.ttl;
	o.wscale = -1;
	if (seg->flags & TH_ACK) {
		o.seq = seg->ack;
		o.flags = TH_RST;
	} else {
		o.seq = 0;
		o.ack = seg->seq + tcp_seg_seqlen(seg);
		o.flags = TH_RST | TH_ACK;
	}
	/* Sign it when we hold a key for the peer, as Linux does (RFC 2385 §2). */
	const uint8_t *key = NULL;
	unsigned keylen = 0;
	if (c && c->has_md5) {
		key = c->md5_key;
		keylen = c->md5_keylen;
		if (c->gtsm_hops)
			o.ttl = 255;
	} else if (lo) {
		const struct tcp_md5_key *k = tcp_md5_keys_lookup(lo->md5, &seg->src.ip);
		if (k) {
			key = k->key;
			keylen = k->keylen;
		}
		if (lo->gtsm_hops)
			o.ttl = 255;
	}
	s->st.rst_sent++;
	emit(s, &o, key, keylen);
}

/* ABORT: <SEQ=SND.NXT><CTL=RST> (RFC 9293 §3.10.5), with the ACK as Linux sends
 * it. The RFC's SND.NXT never moves back; ours is pulled back by a timeout's
 * go-back, so the RFC's is our SND.MAX (as in send_ack): what a peer that got
 * everything holds as RCV.NXT, the exact match RFC 5961 §3.2 wants. */
void send_rst_conn(struct tcp_conn *c)
{
	c->stack->st.rst_sent++;
	send_segment(c, c->snd_max, TH_RST | TH_ACK, 0, 0);
}

/* Resend the oldest unacknowledged segment (fast retransmit, partial ACK). */
void retransmit_una(struct tcp_conn *c)
{
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED) {
		send_syn(c);
		return;
	}
	uint32_t data_end = c->snd_buf_seq + c->snd.len;
	uint32_t len = seq_lt(c->snd_una, data_end) ? min32(data_end - c->snd_una, payload_mss(c)) : 0;
	uint8_t flags = TH_ACK;
	if (c->fin_sent && c->snd_una + len == data_end && seq_gt(c->snd_max, data_end))
		flags |= TH_FIN;
	if (len == 0 && !(flags & TH_FIN))
		return;
	if (len && len == data_end - c->snd_una)
		flags |= TH_PSH;
	send_segment(c, c->snd_una, flags, c->snd_una - c->snd_buf_seq, len);
	c->st.retransmits++;
	c->st.bytes_retrans += len;
	c->rtt_timing = false;                         /* Karn */
}

/* RFC 8985 §7.3: the tail loss probe resends the last segment sent, so that
 * the ACK it draws shows what was lost (or that only the ACK was). */
void send_tail_probe(struct tcp_conn *c)
{
	uint32_t data_end = c->snd_buf_seq + c->snd.len;
	uint32_t top = seq_lt(c->snd_max, data_end) ? c->snd_max : data_end;
	uint32_t mss = payload_mss(c);
	uint32_t len = seq_gt(top, c->snd_una) ? top - c->snd_una : 0;
	if (len > mss)
		len = mss;
	uint32_t seq = top - len;
	uint8_t flags = TH_ACK;
	if (c->fin_sent && top == data_end && seq_gt(c->snd_max, data_end))
		flags |= TH_FIN;
	if (!len && !(flags & TH_FIN))
		return;
	send_segment(c, seq, flags, seq - c->snd_buf_seq, len);
	c->st.tail_loss_probes++;
	c->st.retransmits++;
	c->st.bytes_retrans += len;
	c->rtt_timing = false;
	c->tlp_out = true;
}

/* Zero-window probe: one byte beyond the window, never an empty segment (which
 * Linux does not answer: TCP-PITFALLS.md), RFC 9293 §3.8.6.1. */
static void send_probe(struct tcp_conn *c)
{
	uint32_t data_end = c->snd_buf_seq + c->snd.len;
	if (!seq_lt(c->snd_una, data_end)) {
		send_ack(c);
		return;
	}
	send_segment(c, c->snd_una, TH_ACK, c->snd_una - c->snd_buf_seq, 1);
	c->st.zero_window_probes++;
	if (seq_lt(c->snd_nxt, c->snd_una + 1))
		c->snd_nxt = c->snd_una + 1;
	if (seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
}

static bool can_send_data(enum tcp_state st)
{
	return st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT || st == TCP_FIN_WAIT_1 ||
	       st == TCP_CLOSING || st == TCP_LAST_ACK;
}

/* RFC 6675 §5 (C): while pipe leaves room, resend the lowest holes not yet
 * resent in this recovery. */
static bool resend_holes(struct tcp_conn *c, uint32_t mss)
{
	bool sent = false;
	uint32_t data_end = c->snd_buf_seq + c->snd.len;
	for (;;) {
		uint32_t pipe = sack_pipe(c);
		if (c->cwnd <= pipe || c->cwnd - pipe < mss)
			break;
		uint32_t hs, he;
		if (!sack_next_hole(c, c->rtx_high, &hs, &he) || !seq_lt(hs, data_end))
			break;
		uint32_t len = he - hs;
		if (len > mss)
			len = mss;
		if (len > data_end - hs)
			len = data_end - hs;
		send_segment(c, hs, TH_ACK, hs - c->snd_buf_seq, len);
		c->st.retransmits++;
		c->st.bytes_retrans += len;
		c->rtt_timing = false;                 /* Karn */
		c->rtx_high = hs + len;
		c->rtx_snd_max = c->snd_max;
		sent = true;
	}
	return sent;
}

/* How much more may go out now. In SACK recovery pipe governs (RFC 6675);
 * otherwise the flight against min(rwnd, cwnd), widened by up to two segments
 * on the first duplicate ACKs (limited transmit, RFC 3042). */
static uint32_t usable_window(const struct tcp_conn *c, uint32_t mss)
{
	uint32_t rwnd_left = seq_gt(c->snd_una + c->snd_wnd, c->snd_nxt) ?
			     c->snd_una + c->snd_wnd - c->snd_nxt : 0;
	if (c->in_recovery && c->sack_ok) {
		uint32_t pipe = sack_pipe(c);
		uint32_t u = c->cwnd > pipe ? c->cwnd - pipe : 0;
		return min32(u, rwnd_left);
	}
	uint32_t extra = c->in_recovery ? 0 : min32(c->dupacks, 2) * mss;
	uint32_t wnd = min32(c->snd_wnd, c->cwnd + extra);
	uint32_t inflight = c->snd_nxt - c->snd_una;
	return wnd > inflight ? wnd - inflight : 0;
}

/* RFC 9293 §3.8.6.3 / RFC 5681 §4.2: data received and not yet acknowledged
 * is acknowledged at the latest when the delayed-ACK timer fires. */
static void delack_arm(struct tcp_conn *c)
{
	if (c->ack_pending && !c->t_delack) {
		c->t_delack = conn_now(c) + c->stack->cfg.delack;
		conn_timers_update(c);
	}
}

static void output(struct tcp_conn *c, bool force)
{
	if (!can_send_data(c->state)) {
		/* FIN-WAIT-2 still receives (half-close): its lone segments need
		 * the delayed ACK like any other's. */
		if (c->ack_now && c->state != TCP_CLOSED && c->state != TCP_SYN_SENT)
			send_ack(c);
		else if (c->state != TCP_CLOSED)
			delack_arm(c);
		return;
	}
	bool fin_state = c->state == TCP_FIN_WAIT_1 || c->state == TCP_CLOSING ||
			 c->state == TCP_LAST_ACK;
	bool sent = false;
	uint32_t data_end, avail;
	uint32_t mss = payload_mss(c);
	if (c->in_recovery && c->sack_ok)
		sent = resend_holes(c, mss);
	for (;;) {
		data_end = c->snd_buf_seq + c->snd.len;
		/* Never resend what the peer has SACKed (after a timeout's go-back). */
		uint32_t sacked_next = c->snd_max;
		if (c->n_sb) {
			uint32_t skip = sack_skip(c, c->snd_nxt, &sacked_next);
			if (seq_gt(skip, c->snd_nxt) && seq_leq(skip, data_end))
				c->snd_nxt = skip;
		}
		avail = seq_lt(c->snd_nxt, data_end) ? data_end - c->snd_nxt : 0;
		uint32_t usable = usable_window(c, mss);
		uint32_t len = min32(min32(avail, usable), mss);
		if (c->n_sb && seq_gt(sacked_next, c->snd_nxt) && len > sacked_next - c->snd_nxt)
			len = sacked_next - c->snd_nxt;
		bool fin_now = fin_state && c->fin_queued && len == avail && seq_leq(c->snd_nxt, data_end) &&
			       (!c->fin_sent || seq_leq(c->snd_nxt + len, data_end));
		bool go = false;
		if (len == mss && len > 0) {
			go = true;
		} else if (len > 0 && seq_lt(c->snd_nxt, c->snd_max)) {
			go = true;                     /* resending: Nagle does not apply */
		} else if (len > 0) {
			bool idle = c->snd_nxt == c->snd_una;
			if (len == avail && (c->nodelay || idle || fin_now))
				go = true;                     /* Nagle allows it */
			else if (c->max_snd_wnd && len >= c->max_snd_wnd / 2)
				go = true;                     /* SWS: half the largest window */
			else if (force)
				go = true;
		}
		if (fin_now && len == avail)
			go = true;
		if (!go)
			break;
		uint8_t flags = TH_ACK;
		if (len && len == avail)
			flags |= TH_PSH;
		if (fin_now)
			flags |= TH_FIN;
		uint32_t doff = c->snd_nxt - c->snd_buf_seq;
		bool resend = seq_lt(c->snd_nxt, c->snd_max);
		send_segment(c, c->snd_nxt, flags, doff, len);
		if (resend) {
			c->st.retransmits++;
			c->st.bytes_retrans += len;
		} else {
			c->st.bytes_sent += len;
			if (len && !c->rtt_timing) {
				c->rtt_timing = true;
				c->rtt_seq = c->snd_nxt;
				c->rtt_start = conn_now(c);
			}
		}
		c->snd_nxt += len + (fin_now ? 1 : 0);
		if (fin_now)
			c->fin_sent = true;
		if (seq_gt(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		sent = true;
		force = false;
		if (fin_now || len == 0)
			break;
	}
	if (!sent && c->ack_now)
		send_ack(c);
	/* Something outstanding always has a retransmission timer. */
	if (c->snd_max != c->snd_una && !c->t_rexmt && !c->persisting)
		conn_rexmt_start(c);
	if (sent)
		conn_tlp_arm(c);
	/* Data waits, nothing is in flight, and the window (or SWS avoidance)
	 * holds it back: the persist timer probes or overrides (§3.8.6.1). */
	data_end = c->snd_buf_seq + c->snd.len;
	avail = seq_lt(c->snd_nxt, data_end) ? data_end - c->snd_nxt : 0;
	if (avail && c->snd_nxt == c->snd_una && !c->t_rexmt && !c->t_persist) {
		tcp_time_t base = c->rto << c->persist_shift;
		if (base < TCP_PERSIST_MIN)
			base = TCP_PERSIST_MIN;
		if (base > TCP_PERSIST_MAX)
			base = TCP_PERSIST_MAX;
		c->persisting = c->snd_wnd == 0;
		c->t_persist = conn_now(c) + base;
	}
	delack_arm(c);
	conn_timers_update(c);
}

void tcp_output(struct tcp_conn *c)
{
	output(c, false);
}

/* The persist timer fired (timer.c). */
void conn_persist_fire(struct tcp_conn *c);
void conn_persist_fire(struct tcp_conn *c)
{
	if (!can_send_data(c->state))
		return;
	if (c->snd_wnd == 0) {
		c->persisting = true;
		send_probe(c);
		if (c->persist_shift < 16)
			c->persist_shift++;
	} else {
		c->persisting = false;
		output(c, true);                       /* SWS override (§3.8.6.2.1) */
		return;
	}
	tcp_time_t base = c->rto << c->persist_shift;
	if (base < TCP_PERSIST_MIN)
		base = TCP_PERSIST_MIN;
	if (base > TCP_PERSIST_MAX)
		base = TCP_PERSIST_MAX;
	c->t_persist = conn_now(c) + base;
	conn_timers_update(c);
}
