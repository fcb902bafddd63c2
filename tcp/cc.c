/*
 * tcp/cc.c — RTT estimation and retransmission timeout (RFC 6298), congestion
 * control (RFC 5681) with NewReno fast recovery (RFC 6582).
 */
#include "tcp/internal.h"

static uint32_t max32(uint32_t a, uint32_t b) { return a > b ? a : b; }
static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

#define CWND_MAX (1u << 30)

uint32_t conn_flight(const struct tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

/* RFC 5681 §3.1: the initial window, from the sender's MSS. */
void cc_init(struct tcp_conn *c)
{
	uint32_t mss = c->mss ? c->mss : TCP_MSS_DEFAULT_V4;
	if (mss > 2190)
		c->cwnd = 2 * mss;
	else if (mss > 1095)
		c->cwnd = 3 * mss;
	else
		c->cwnd = 4 * mss;
	c->ssthresh = CWND_MAX;                 /* "arbitrarily high" */
	c->bytes_acked_ca = 0;
	c->dupacks = 0;
	c->in_recovery = false;
	c->recover = c->snd_una;
}

/* RFC 6298 §2. A sample of 0 only recomputes RTO from SRTT (after backoff). */
void rtt_sample(struct tcp_conn *c, tcp_time_t r)
{
	const struct tcp_config *cfg = &c->stack->cfg;
	if (r) {
		if (c->srtt == 0) {
			c->srtt = r;                /* §2.2 */
			c->rttvar = r / 2;
		} else {                            /* §2.3, alpha 1/8, beta 1/4 */
			tcp_time_t d = c->srtt > r ? c->srtt - r : r - c->srtt;
			c->rttvar = (3 * c->rttvar + d) / 4;
			c->srtt = (7 * c->srtt + r) / 8;
		}
	}
	if (c->srtt == 0)
		return;
	tcp_time_t k = 4 * c->rttvar;
	tcp_time_t g = TCP_MSEC(1);                 /* clock granularity G */
	tcp_time_t rto = c->srtt + (k > g ? k : g);
	if (rto < cfg->rto_min)
		rto = cfg->rto_min;                 /* §2.4 */
	if (rto > cfg->rto_max)
		rto = cfg->rto_max;                 /* §2.5 */
	c->rto = rto;
}

void cc_on_ack(struct tcp_conn *c, uint32_t acked)
{
	uint32_t mss = c->mss;
	if (c->in_recovery) {
		if (seq_geq(c->snd_una, c->recover)) {
			/* RFC 6582 §3.2 step 3 / RFC 6675 §5: full acknowledgment ends
			 * recovery. */
			c->cwnd = min32(c->ssthresh, max32(conn_flight(c), mss) + mss);
			c->in_recovery = false;
			c->dupacks = 0;
		} else if (!c->sack_ok) {
			/* RFC 6582 step 3, partial acknowledgment: resend the next hole,
			 * deflate by what was acked, add back one MSS if at least one was.
			 * (With SACK, pipe decides what goes out: tcp_output.) */
			retransmit_una(c);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			if (acked >= mss)
				c->cwnd += mss;
			if (c->cwnd < mss)
				c->cwnd = mss;
		}
		return;
	}
	c->dupacks = 0;
	if (c->cwnd < c->ssthresh) {
		c->cwnd += min32(acked, mss);       /* slow start, RFC 5681 (2) */
	} else {
		/* Congestion avoidance by byte counting (RFC 5681 §3.1). */
		c->bytes_acked_ca += acked;
		if (c->bytes_acked_ca >= c->cwnd) {
			c->bytes_acked_ca -= c->cwnd;
			c->cwnd += mss;
		}
	}
	if (c->cwnd > CWND_MAX)
		c->cwnd = CWND_MAX;
}

/* A duplicate ACK; true when it started loss recovery. */
bool cc_on_dupack(struct tcp_conn *c)
{
	uint32_t mss = c->mss;
	c->st.dup_acks_in++;
	if (c->dupacks < 255)
		c->dupacks++;                       /* saturating: no overflow */
	if (c->in_recovery) {
		if (!c->sack_ok) {
			c->cwnd += mss;             /* RFC 5681 §3.2 step 4: inflate */
			if (c->cwnd > CWND_MAX)
				c->cwnd = CWND_MAX;
		}
		tcp_output(c);
		return false;
	}
	if (c->dupacks < TCP_DUPACK_THRESH && !sack_una_lost(c)) {
		tcp_output(c);                      /* limited transmit, RFC 3042 */
		return false;
	}
	/* RFC 6582 §3.2 step 2: not if these duplicates may stem from segments sent
	 * before a retransmission timeout (the ACK does not cover recover). */
	if (!seq_gt(c->snd_una, c->recover) && c->recover != c->snd_una)
		return false;
	c->ssthresh = max32(conn_flight(c) / 2, 2 * mss);      /* RFC 5681 (4) */
	c->recover = c->snd_max;
	c->in_recovery = true;
	c->t_tlp = 0;
	c->st.fast_retransmits++;
	if (c->sack_ok) {
		/* RFC 6675 §5: cwnd = ssthresh; holes go out as pipe allows. */
		c->cwnd = c->ssthresh;
		c->rtx_high = c->snd_una;
	} else {
		retransmit_una(c);
		c->cwnd = c->ssthresh + TCP_DUPACK_THRESH * mss;  /* RFC 6582 step 3 */
	}
	tcp_output(c);
	return true;
}

void cc_on_rto(struct tcp_conn *c)
{
	uint32_t mss = c->mss;
	/* RFC 5681 (4), once per loss: not again while backing off the same one. */
	if (c->backoff <= 1)
		c->ssthresh = max32(conn_flight(c) / 2, 2 * mss);
	c->cwnd = mss;                              /* loss window, RFC 5681 §3.1 */
	c->bytes_acked_ca = 0;
	c->dupacks = 0;
	c->in_recovery = false;
	c->recover = c->snd_max;                    /* RFC 6582 §3.2 step 1 note */
	/* RFC 2018 §8: a receiver may renege on what it SACKed. The scoreboard is
	 * kept through one timeout (so go-back-N skips SACKed data) but dropped on
	 * the second, so reneged data is resent rather than skipped forever. */
	if (c->backoff >= 2)
		c->n_sb = 0;
	c->rtx_high = c->snd_una;
	c->snd_nxt = c->snd_una;                    /* go back: resend from the hole */
	c->persisting = false;
	c->t_persist = 0;
}
