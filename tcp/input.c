/*
 * tcp/input.c — a segment arrives at a connection: RFC 9293 §3.10.7.3 (SYN-SENT)
 * and §3.10.7.4 (every other state), with the RFC 5961 defences (exact-match RST,
 * challenge ACKs, ACK validation) and RFC 7323 (PAWS, timestamps, scaling).
 *
 * The order of the checks is the RFC's: sequence number, RST, SYN, ACK, text,
 * FIN. Each step either drops the segment with a counted reason or goes on.
 */
#include "tcp/internal.h"

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Options of a SYN or SYN-ACK (RFC 9293 §3.7.1, RFC 7323 §2.2/§3.2). */
void conn_apply_syn_options(struct tcp_conn *c, const struct tcp_seg *seg)
{
	const struct tcp_config *cfg = &c->stack->cfg;
	if (seg->opt.has_mss) {
		/* A tiny MSS turns every byte into a segment; floor it as Linux does. */
		c->peer_mss = seg->opt.mss < 64 ? 64 : seg->opt.mss;
	}
	if (cfg->window_scaling && seg->opt.has_wscale) {
		c->wscale_ok = true;
		/* RFC 7323 §2.3: a shift above 14 is used as 14. */
		c->snd_wscale = seg->opt.wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : seg->opt.wscale;
	} else {
		c->wscale_ok = false;
		c->snd_wscale = c->rcv_wscale = 0;
	}
	c->sack_ok = cfg->sack && seg->opt.sack_ok;
	/* With TCP-MD5 there is no room for both timestamps and SACK blocks in a
	 * segment: like Linux, keep SACK (TCP-PITFALLS.md). */
	if (cfg->timestamps && seg->opt.has_ts && !(c->has_md5 && c->sack_ok)) {
		c->ts_ok = true;
		c->ts_recent = seg->opt.tsval;
		c->ts_recent_age = conn_now(c);
	} else {
		c->ts_ok = false;
	}
	/* RFC 6691: the MSS excludes options; take off those every segment carries. */
	uint32_t mss = min32(c->peer_mss, c->mss_adv);
	uint32_t opts = (c->ts_ok ? 2 + TCPOLEN_TS : 0) + (c->has_md5 ? 2 + TCPOLEN_MD5 : 0);
	c->mss = (uint16_t)(mss > opts + 32 ? mss - opts : 32);
}

static void conn_established(struct tcp_conn *c)
{
	conn_set_state(c, TCP_ESTABLISHED);
	/* RFC 6298 §5.7: if the SYN was retransmitted and no RTT was measured, data
	 * starts with a 3 s RTO. */
	if (c->srtt == 0 && c->backoff)
		c->rto = TCP_SEC(3) < c->stack->cfg.rto_max ? TCP_SEC(3) : c->stack->cfg.rto_max;
	c->retries = 0;
	c->backoff = 0;
	cc_init(c);
	if (c->fin_queued)
		conn_set_state(c, TCP_FIN_WAIT_1);
}

/* RFC 9293 §3.10.7.3 SYN-SENT. */
static void syn_sent_input(struct tcp_conn *c, const struct tcp_seg *seg)
{
	uint8_t f = seg->flags;
	if (f & TH_ACK) {
		if (seq_leq(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_max)) {
			if (!(f & TH_RST))
				send_rst_for(c->stack, seg, c, NULL);
			conn_drop(c, TCP_DROP_BAD_ACK);
			return;
		}
	}
	if (f & TH_RST) {
		/* Only an RST that acknowledges our SYN refuses the connection. */
		if (f & TH_ACK)
			conn_close_with(c, TCP_ERR_REFUSED);
		else
			conn_drop(c, TCP_DROP_RST_OOW);
		return;
	}
	if (!(f & TH_SYN)) {
		conn_drop(c, TCP_DROP_STATE);
		return;
	}
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	conn_apply_syn_options(c, seg);
	/* RFC 7323 §2.2: the window of a SYN segment is never scaled. */
	c->snd_wnd = seg->wnd;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	if (f & TH_ACK) {
		c->snd_una = seg->ack;
		c->syn_acked = true;
		if (c->rtt_timing && seq_gt(seg->ack, c->rtt_seq)) {
			rtt_sample(c, conn_now(c) - c->rtt_start);
			c->rtt_timing = false;
		}
		conn_rexmt_stop(c);
		conn_established(c);
		c->ack_now = true;
		conn_event(c, TCP_EV_CONNECTED);
		/* Data on a SYN-ACK is not queued: its sender retransmits it. */
		tcp_output(c);
		return;
	}
	/* Simultaneous open (RFC 9293 §3.5, figure 8). */
	conn_set_state(c, TCP_SYN_RECEIVED);
	send_syn(c);
	conn_rexmt_start(c);
}

/* RFC 6191 / RFC 9293 §3.10.7.4 note: a new SYN may take over a TIME-WAIT
 * 4-tuple when it cannot be mistaken for the old incarnation. */
static bool time_wait_reopen(struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (c->ts_ok && seg->opt.has_ts)
		return seq_gt(seg->opt.tsval, c->ts_recent);
	return seq_gt(seg->seq, c->rcv_nxt);
}

static void reset_by_peer(struct tcp_conn *c)
{
	switch (c->state) {
	case TCP_SYN_RECEIVED:
		/* Passive: back to LISTEN, i.e. the half-open child goes away. */
		conn_close_with(c, c->queue == Q_SYN ? TCP_ERR_RESET : TCP_ERR_REFUSED);
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		c->rcv.len = 0;         /* RFC 9293: queues are flushed */
		c->n_ooo = 0;
		conn_close_with(c, TCP_ERR_RESET);
		break;
	default:                        /* CLOSING, LAST-ACK, TIME-WAIT */
		conn_close_with(c, TCP_ERR_NONE);
		break;
	}
}

static bool is_dupack(const struct tcp_conn *c, const struct tcp_seg *seg)
{
	/* RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": (a)-(e). A zero window is not
	 * one: the peer refuses data for lack of buffer (the answer to each
	 * zero-window probe, RFC 9293 §3.8.6.1), which is no sign of loss, and
	 * a fast retransmit would send into the closed window. */
	return c->snd_max != c->snd_una && seg->len == 0 && seg->wnd != 0 &&
	       !(seg->flags & (TH_SYN | TH_FIN)) && seg->ack == c->snd_una &&
	       ((uint32_t)seg->wnd << c->snd_wscale) == c->snd_wnd;
}

static bool fin_acked(const struct tcp_conn *c)
{
	return c->fin_sent && c->snd.len == 0 && c->snd_una == c->snd_buf_seq + 1;
}

/* The RTT a timestamp echo measures (RFC 7323 §4.1), or 0 when there is none
 * or it is not believable (an echo of a value we never sent). The timestamp
 * clock ticks in milliseconds; a shorter RTT counts as one tick, the clock
 * granularity G of RFC 6298 §4. */
static tcp_time_t ts_rtt(const struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (!c->ts_ok || !seg->opt.has_ts || !seg->opt.tsecr)
		return 0;
	uint32_t ticks = conn_ts_now(c) - seg->opt.tsecr;
	tcp_time_t r = (tcp_time_t)ticks * TCP_TS_HZ_DIV;
	if (r > c->stack->cfg.rto_max)
		return 0;
	return r ? r : TCP_TS_HZ_DIV;
}

static void new_ack(struct tcp_conn *c, uint32_t ack, const struct tcp_seg *seg)
{
	uint32_t acked = ack - c->snd_una;
	uint32_t data_end = c->snd_buf_seq + c->snd.len;
	uint32_t upto = seq_lt(ack, data_end) ? ack : data_end;
	if (!c->syn_acked && seq_gt(ack, c->iss))
		c->syn_acked = true;
	if (seq_gt(upto, c->snd_buf_seq)) {
		uint32_t n = upto - c->snd_buf_seq;
		ring_drop(&c->snd, n);
		c->snd_buf_seq = upto;
		c->st.bytes_acked += n;
	}
	/* Karn's rule: rtt_timing is cleared whenever the timed segment is resent. */
	if (c->rtt_timing && seq_gt(ack, c->rtt_seq)) {
		rtt_sample(c, conn_now(c) - c->rtt_start);
		c->rtt_timing = false;
	} else if (c->backoff) {
		/* After a timeout the timed segment was resent: no sample by
		 * Karn's rule, but a timestamp echo is unambiguous (RFC 6298 §3)
		 * and collapses the backed-off RTO at once. */
		tcp_time_t r = ts_rtt(c, seg);
		if (r)
			rtt_sample(c, r);
	}
	c->snd_una = ack;
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	sack_trim(c);
	/* A new ACK ends the run of expiries (the retry bound counts afresh), but
	 * not the backed-off RTO: RFC 6298 §5 "collapses" it only once a new RTT
	 * measurement is obtained (rtt_sample above, or later), because the ACK of
	 * a retransmission says nothing of the RTT (Karn, §3). */
	c->retries = 0;
	c->backoff = 0;
	c->tlp_out = false;
	cc_on_ack(c, acked);
	/* RFC 6298 §5.2/§5.3. */
	if (c->snd_una == c->snd_max)
		conn_rexmt_stop(c);
	else if (!c->persisting)
		conn_rexmt_start(c);
	conn_tlp_arm(c);
	/* Low-water mark: wake the writer when a quarter of the buffer is free,
	 * not for every acknowledged segment. */
	if (c->want_writable && (ring_space(&c->snd) >= c->sndbuf / 4 || c->snd.len == 0)) {
		c->want_writable = false;
		conn_event(c, TCP_EV_WRITABLE);
	}
}

/* RFC 9293 §3.10.7.4 fifth (ACK field), RFC 5961 §5.2. false: dropped.
 * syn_wnd: the window field is a SYN's, never scaled (RFC 7323 §2.2). */
static bool ack_process(struct tcp_conn *c, const struct tcp_seg *seg, bool syn_wnd)
{
	uint32_t ack = seg->ack;
	if (seq_gt(ack, c->snd_max)) {
		/* Acknowledges something not yet sent. */
		send_ack(c);
		conn_drop(c, TCP_DROP_BAD_ACK);
		return false;
	}
	if (seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
		/* RFC 5961 §5.2: older than any window we ever had: a blind injection. */
		send_challenge_ack(c);
		conn_drop(c, TCP_DROP_BAD_ACK);
		return false;
	}
	uint32_t sacked_before = c->sack_ok ? sack_bytes(c) : 0;
	if (c->sack_ok && seg->opt.nsack)
		sack_update(c, seg);
	/* RFC 6675 §2: with SACK, an ACK that reports new SACKed data counts as a
	 * duplicate even when it carries data or a new window. */
	bool sack_news = c->sack_ok && sack_bytes(c) > sacked_before;
	if (sack_news)
		sack_detect_lost_rtx(c);
	if (seq_gt(ack, c->snd_una))
		new_ack(c, ack, seg);
	else if (ack == c->snd_una && (is_dupack(c, seg) || sack_news))
		cc_on_dupack(c);
	/* Window update (RFC 9293 §3.10.7.4 fifth): only from an ACK in
	 * [SND.UNA, SND.NXT] — SND.WND is an offset from SND.UNA, so an older
	 * ACK's window would be read against the wrong edge — and guarded by
	 * SND.WL1/WL2 against old segments. */
	if (seq_geq(ack, c->snd_una) &&
	    (seq_lt(c->snd_wl1, seg->seq) || (c->snd_wl1 == seg->seq && seq_leq(c->snd_wl2, ack)))) {
		uint32_t w = (uint32_t)seg->wnd << (syn_wnd ? 0 : c->snd_wscale);
		c->snd_wnd = w;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		if (w > c->max_snd_wnd)
			c->max_snd_wnd = w;
		if (w > 0 && c->persisting) {
			c->persisting = false;
			c->persist_shift = 0;
			c->t_persist = 0;
			/* The window opened without the probe byte being taken
			 * (ACK = SND.UNA): it was refused, so it goes again first,
			 * rather than leaving a hole for loss recovery to find. */
			c->snd_nxt = c->snd_una;
			conn_timers_update(c);
		}
	}
	return true;
}

static void ooo_insert(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	unsigned i = 0;
	while (i < c->n_ooo && seq_lt(c->ooo[i].start, start))
		i++;
	/* Merge with the previous range if they touch. */
	if (i > 0 && seq_geq(c->ooo[i - 1].end, start)) {
		i--;
		if (seq_gt(end, c->ooo[i].end))
			c->ooo[i].end = end;
	} else {
		if (c->n_ooo == TCP_OOO_MAX) {
			conn_drop(c, TCP_DROP_OOO_FULL);
			return;
		}
		for (unsigned j = c->n_ooo; j > i; j--)
			c->ooo[j] = c->ooo[j - 1];
		c->ooo[i].start = start;
		c->ooo[i].end = end;
		c->n_ooo++;
	}
	/* Swallow following ranges now covered. */
	while (i + 1 < c->n_ooo && seq_geq(c->ooo[i].end, c->ooo[i + 1].start)) {
		if (seq_gt(c->ooo[i + 1].end, c->ooo[i].end))
			c->ooo[i].end = c->ooo[i + 1].end;
		for (unsigned j = i + 1; j + 1 < c->n_ooo; j++)
			c->ooo[j] = c->ooo[j + 1];
		c->n_ooo--;
	}
}

/* Segment text (RFC 9293 §3.10.7.4 seventh). Returns false if the tail was
 * cut (so a FIN on it cannot be processed). */
static bool receive_data(struct tcp_conn *c, const struct tcp_seg *seg)
{
	uint32_t seq = seg->seq;
	const uint8_t *d = seg->data;
	uint32_t n = seg->len;
	bool whole = true;

	if (seq_lt(seq, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - seq;
		if (skip >= n)
			return true;
		d += skip;
		n -= skip;
		seq = c->rcv_nxt;
	}
	uint32_t off = seq - c->rcv_nxt;
	uint32_t room = ring_space(&c->rcv);
	if (off >= room) {
		conn_drop(c, TCP_DROP_RCV_FULL);
		c->ack_now = true;
		return false;
	}
	if (n > room - off) {
		n = room - off;
		whole = false;
	}
	if (off > 0) {
		/* Out of order: placed at its offset, tracked as a range, and a
		 * duplicate ACK goes out at once (RFC 5681 §4.2). */
		ring_put_at(&c->rcv, c->rcv.len + off, d, n);
		ooo_insert(c, seq, seq + n);
		c->ooo_last = seq;
		c->st.ooo_segs++;
		c->ack_now = true;
		return whole;
	}
	ring_append(&c->rcv, d, n);
	c->rcv_nxt += n;
	c->st.bytes_received += n;
	bool filled = false;
	while (c->n_ooo && seq_leq(c->ooo[0].start, c->rcv_nxt)) {
		if (seq_gt(c->ooo[0].end, c->rcv_nxt)) {
			uint32_t extra = c->ooo[0].end - c->rcv_nxt;
			c->rcv.len += extra;
			c->rcv_nxt += extra;
			c->st.bytes_received += extra;
		}
		for (unsigned j = 0; j + 1 < c->n_ooo; j++)
			c->ooo[j] = c->ooo[j + 1];
		c->n_ooo--;
		filled = true;
	}
	conn_event(c, TCP_EV_READABLE);
	/* RFC 5681 §4.2: ACK at least every second full-sized segment, and at
	 * once when a segment fills a hole; otherwise delay (RFC 9293 §3.8.6.3). */
	if (filled || c->n_ooo || ++c->ack_pending >= 2)
		c->ack_now = true;
	return whole;
}

static void fin_received(struct tcp_conn *c)
{
	c->rcv_nxt++;
	c->fin_rcvd = true;
	c->ack_now = true;
	conn_event(c, TCP_EV_EOF);
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		conn_set_state(c, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1:
		if (fin_acked(c))
			conn_enter_time_wait(c);
		else
			conn_set_state(c, TCP_CLOSING);    /* simultaneous close */
		break;
	case TCP_FIN_WAIT_2:
		conn_enter_time_wait(c);
		break;
	case TCP_TIME_WAIT:
		conn_enter_time_wait(c);               /* restart 2 MSL */
		break;
	default:                                       /* CLOSE-WAIT, CLOSING, LAST-ACK */
		break;
	}
}

/* Step 1: is the segment acceptable? (RFC 9293 §3.10.7.4 first, the table). */
static bool seq_acceptable(const struct tcp_conn *c, uint32_t seq, uint32_t slen, uint32_t wnd)
{
	uint32_t lo = c->rcv_nxt, hi = c->rcv_nxt + wnd;
	if (slen == 0)
		return wnd == 0 ? seq == lo : seq_in(seq, lo, hi);
	if (wnd == 0)
		return false;
	return seq_in(seq, lo, hi) || seq_in(seq + slen - 1, lo, hi);
}

static void sync_input(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_stack *s = c->stack;
	uint8_t f = seg->flags;
	struct tcp_seg trimmed;
	bool syn_wnd = false;

	/* Simultaneous open (RFC 9293 §3.5 figure 8, line 6): in SYN-RECEIVED
	 * reached from SYN-SENT, the peer's SYN,ACK answers our SYN. Its SYN is
	 * the one already taken (SEG.SEQ = IRS), left of the window: trim it off
	 * as §3.10.7.4 says ("trimming off any portions that lie outside the
	 * window (including SYN and FIN)") and go on with the ACK, rather than
	 * drop the segment and wait for a retransmission. */
	if (c->state == TCP_SYN_RECEIVED && c->queue == Q_NONE && (f & TH_SYN) && (f & TH_ACK) &&
	    seg->seq == c->irs) {
		trimmed = *seg;
		trimmed.seq++;
		trimmed.flags &= (uint8_t)~TH_SYN;
		seg = &trimmed;
		f = seg->flags;
		syn_wnd = true;         /* RFC 7323 §2.2: a SYN's window is not scaled */
	}

	if (c->state == TCP_TIME_WAIT && c->released && (f & TH_SYN) && !(f & (TH_ACK | TH_RST)) &&
	    time_wait_reopen(c, seg)) {
		struct tcp_listener *l = stack_find_listener(s, &c->local);
		if (l) {
			c->released = true;
			conn_close_with(c, TCP_ERR_NONE);
			listen_input(l, seg);
			return;
		}
	}
	/* A retransmitted SYN while half-open: repeat the SYN-ACK. */
	if (c->state == TCP_SYN_RECEIVED && (f & TH_SYN) && !(f & TH_ACK) && seg->seq == c->irs) {
		send_syn(c);
		return;
	}
	/* RFC 7323 §5.3 PAWS: an older timestamp marks an old duplicate. */
	if (c->ts_ok && seg->opt.has_ts && !(f & TH_RST) && seq_lt(seg->opt.tsval, c->ts_recent) &&
	    conn_now(c) - c->ts_recent_age < TCP_PAWS_IDLE) {
		conn_drop(c, TCP_DROP_PAWS);
		send_ack(c);
		return;
	}

	uint32_t wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t slen = tcp_seg_seqlen(seg);
	bool ack_only = false;
	if (!seq_acceptable(c, seg->seq, slen, wnd)) {
		/* Zero window: still take the ACK of a probe at the edge (RFC 9293
		 * "special allowance ... to accept valid ACKs, URGs, and RSTs"). */
		if (wnd == 0 && seg->seq == c->rcv_nxt && !(f & TH_RST)) {
			ack_only = true;
			conn_drop(c, TCP_DROP_RCV_FULL);
		} else {
			if (f & TH_RST) {
				conn_drop(c, TCP_DROP_RST_OOW);
				return;
			}
			if (f & TH_SYN) {
				/* RFC 5961 §4.2: a SYN in a synchronized state gets a
				 * challenge ACK "irrespective of the sequence number",
				 * under the same per-connection limit (§7) — an
				 * unthrottled ACK would let spoofed SYNs flood the peer. */
				conn_drop(c, TCP_DROP_SYN_CHALLENGE);
				send_challenge_ack(c);
				return;
			}
			conn_drop(c, TCP_DROP_OUT_OF_WINDOW);
			if (c->state == TCP_TIME_WAIT && (f & TH_FIN))
				conn_enter_time_wait(c);   /* a retransmitted FIN: restart 2 MSL */
			send_ack(c);
			return;
		}
	}

	/* Step 2: RST. RFC 5961 §3.2: reset only on an exact match of RCV.NXT; any
	 * other in-window RST gets a challenge ACK, so a blind attacker must guess
	 * the exact number. */
	if (f & TH_RST) {
		if (seg->seq == c->rcv_nxt) {
			reset_by_peer(c);
		} else {
			conn_drop(c, TCP_DROP_RST_CHALLENGE);
			send_challenge_ack(c);
		}
		return;
	}

	/* Step 4: SYN. RFC 5961 §4: whatever its sequence number, a challenge ACK. */
	if (f & TH_SYN) {
		if (c->state == TCP_SYN_RECEIVED && c->queue == Q_SYN) {
			/* RFC 9293: a passive half-open connection returns to LISTEN. */
			conn_drop(c, TCP_DROP_STATE);
			conn_close_with(c, TCP_ERR_RESET);
			return;
		}
		conn_drop(c, TCP_DROP_SYN_CHALLENGE);
		send_challenge_ack(c);
		return;
	}

	/* Step 5: ACK. */
	if (!(f & TH_ACK)) {
		conn_drop(c, TCP_DROP_NO_ACK);
		return;
	}
	if (c->state == TCP_SYN_RECEIVED) {
		if (!(seq_gt(seg->ack, c->snd_una) && seq_leq(seg->ack, c->snd_max))) {
			send_rst_for(s, seg, c, NULL);
			conn_drop(c, TCP_DROP_BAD_ACK);
			return;
		}
		if (c->queue == Q_SYN && c->listener->n_accept >= c->listener->backlog) {
			/* Accept queue full: stay half-open; our SYN-ACK retransmission
			 * gives the peer another go later (as Linux does). */
			conn_drop(c, TCP_DROP_LISTEN_OVERFLOW);
			return;
		}
		if (conn_alloc_buffers(c) < 0) {
			conn_drop(c, TCP_DROP_NOMEM);
			send_rst_conn(c);
			conn_close_with(c, TCP_ERR_NOMEM);
			return;
		}
		c->snd_wnd = (uint32_t)seg->wnd << (syn_wnd ? 0 : c->snd_wscale);
		c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		conn_established(c);
		if (c->queue == Q_SYN)
			listen_child_established(c);
		else
			conn_event(c, TCP_EV_CONNECTED);
	}
	/* Timestamps: remember the peer's clock (RFC 7323 §4.3). */
	if (c->ts_ok && seg->opt.has_ts && seq_geq(seg->opt.tsval, c->ts_recent) &&
	    seq_leq(seg->seq, c->last_ack_sent)) {
		c->ts_recent = seg->opt.tsval;
		c->ts_recent_age = conn_now(c);
	}
	bool fin_was_acked = fin_acked(c);
	if (!ack_process(c, seg, syn_wnd))
		return;
	if (!fin_was_acked && fin_acked(c))
		conn_event(c, TCP_EV_FIN_ACKED);
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		if (fin_acked(c)) {
			conn_set_state(c, TCP_FIN_WAIT_2);
			if (c->released)   /* nobody will read: bound FIN-WAIT-2 */
				c->t_2msl = conn_now(c) + 2 * s->cfg.msl;
			conn_timers_update(c);
		}
		break;
	case TCP_CLOSING:
		if (fin_acked(c))
			conn_enter_time_wait(c);
		tcp_output(c);
		return;
	case TCP_LAST_ACK:
		if (fin_acked(c)) {
			conn_close_with(c, TCP_ERR_NONE);
			return;
		}
		tcp_output(c);
		return;
	default:
		break;
	}
	if (ack_only) {
		c->ack_now = true;
		tcp_output(c);
		return;
	}

	/* Step 7: text. URG is not supported: urgent data is read inline
	 * (RFC 6093 §6 recommends applications avoid it). */
	bool whole = true;
	if (seg->len) {
		if (c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
		    c->state == TCP_FIN_WAIT_2)
			whole = receive_data(c, seg);
		else
			conn_drop(c, TCP_DROP_STATE);   /* after the peer's FIN */
	}
	/* Step 8: FIN, only when everything before it has arrived. */
	if ((f & TH_FIN) && whole && !c->fin_rcvd && seg->seq + seg->len == c->rcv_nxt)
		fin_received(c);
	if (c->state != TCP_CLOSED)
		tcp_output(c);
}

void conn_input(struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (!conn_check_security(c, seg))
		return;
	c->st.segs_in++;
	if (c->state == TCP_SYN_SENT)
		syn_sent_input(c, seg);
	else
		sync_input(c, seg);
}
