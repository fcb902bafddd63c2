/*
 * tcp/sack.c — selective acknowledgment (RFC 2018): the sender's scoreboard of
 * SACKed ranges above SND.UNA, and the quantities loss recovery (RFC 6675) needs
 * from it: which holes to resend first and how much is still in the network
 * ("pipe").
 *
 * Lost is taken as every hole below the highest SACKed byte (as FACK does): with
 * DupThresh = 3 the peer has reported at least three segments beyond it, which is
 * RFC 6675's IsLost() for all but the last holes, and cheaper to compute.
 */
#include "tcp/internal.h"

static void sb_remove(struct tcp_conn *c, unsigned i)
{
	for (unsigned j = i; j + 1 < c->n_sb; j++)
		c->sb[j] = c->sb[j + 1];
	c->n_sb--;
}

/* Forget what SND.UNA has passed. */
void sack_trim(struct tcp_conn *c)
{
	while (c->n_sb && seq_leq(c->sb[0].end, c->snd_una))
		sb_remove(c, 0);
	if (c->n_sb && seq_lt(c->sb[0].start, c->snd_una))
		c->sb[0].start = c->snd_una;
}

static void sb_insert(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	unsigned i = 0;
	while (i < c->n_sb && seq_lt(c->sb[i].start, start))
		i++;
	if (i > 0 && seq_geq(c->sb[i - 1].end, start)) {
		i--;
		if (seq_gt(end, c->sb[i].end))
			c->sb[i].end = end;
	} else {
		if (c->n_sb == TCP_SB_MAX)
			return;                 /* full: this block's news is lost, no harm */
		for (unsigned j = c->n_sb; j > i; j--)
			c->sb[j] = c->sb[j - 1];
		c->sb[i].start = start;
		c->sb[i].end = end;
		c->n_sb++;
	}
	while (i + 1 < c->n_sb && seq_geq(c->sb[i].end, c->sb[i + 1].start)) {
		if (seq_gt(c->sb[i + 1].end, c->sb[i].end))
			c->sb[i].end = c->sb[i + 1].end;
		sb_remove(c, i + 1);
	}
}

/* Take the blocks of an acceptable ACK. Blocks outside (SND.UNA, SND.MAX] are
 * ignored (RFC 2018 §4; a D-SACK below SND.UNA carries nothing for us). */
void sack_update(struct tcp_conn *c, const struct tcp_seg *seg)
{
	for (unsigned b = 0; b < seg->opt.nsack; b++) {
		uint32_t l = seg->opt.sack[b][0], r = seg->opt.sack[b][1];
		if (!seq_lt(l, r) || !seq_gt(r, c->snd_una) || seq_gt(r, c->snd_max))
			continue;
		if (seq_lt(l, c->snd_una))
			l = c->snd_una;
		sb_insert(c, l, r);
	}
}

uint32_t sack_bytes(const struct tcp_conn *c)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < c->n_sb; i++)
		n += c->sb[i].end - c->sb[i].start;
	return n;
}

uint32_t sack_high(const struct tcp_conn *c)
{
	return c->n_sb ? c->sb[c->n_sb - 1].end : c->snd_una;
}

/* Unsacked bytes in [SND.UNA, lim). */
static uint32_t holes_below(const struct tcp_conn *c, uint32_t lim)
{
	uint32_t n = 0, at = c->snd_una;
	for (unsigned i = 0; i < c->n_sb && seq_lt(at, lim); i++) {
		uint32_t s = seq_min(c->sb[i].start, lim);
		if (seq_gt(s, at))
			n += s - at;
		at = seq_max(at, c->sb[i].end);
	}
	if (seq_lt(at, lim))
		n += lim - at;
	return n;
}

/* RFC 6675 §4 "pipe": what is still believed to be in the network. */
uint32_t sack_pipe(const struct tcp_conn *c)
{
	uint32_t hi = sack_high(c);
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t sacked = sack_bytes(c);
	uint32_t lost = holes_below(c, hi);
	uint32_t retx = holes_below(c, seq_lt(c->rtx_high, hi) ? c->rtx_high : hi);
	uint32_t pipe = flight - sacked - lost + retx;
	return (int32_t)pipe < 0 ? 0 : pipe;
}

/* RFC 6675 §5 IsLost(SND.UNA): DupThresh segments' worth SACKed above it. */
bool sack_una_lost(const struct tcp_conn *c)
{
	return c->sack_ok && sack_bytes(c) >= (uint32_t)TCP_DUPACK_THRESH * c->mss;
}

/* The next hole to resend at or after `from`, below the highest SACK: its start
 * and how far it reaches. false when there is none. */
bool sack_next_hole(const struct tcp_conn *c, uint32_t from, uint32_t *start, uint32_t *end)
{
	uint32_t hi = sack_high(c);
	uint32_t at = seq_max(from, c->snd_una);
	for (unsigned i = 0; i < c->n_sb; i++) {
		if (seq_leq(c->sb[i].end, at))
			continue;
		if (seq_lt(at, c->sb[i].start)) {
			*start = at;
			*end = c->sb[i].start;
			return seq_lt(at, hi);
		}
		at = c->sb[i].end;
	}
	return false;
}

/* If seq lies in a SACKed range, where that range ends; else seq. And the start
 * of the next SACKed range above seq (or SND.MAX). */
uint32_t sack_skip(const struct tcp_conn *c, uint32_t seq, uint32_t *next_start)
{
	*next_start = c->snd_max;
	for (unsigned i = 0; i < c->n_sb; i++) {
		if (seq_geq(seq, c->sb[i].start) && seq_lt(seq, c->sb[i].end))
			seq = c->sb[i].end;
		else if (seq_lt(seq, c->sb[i].start)) {
			*next_start = c->sb[i].start;
			break;
		}
	}
	return seq;
}

/* Receiver: the SACK blocks for the next ACK (RFC 2018 §4): the range holding
 * the latest out-of-order segment first, then the others, highest first. */
unsigned sack_fill(const struct tcp_conn *c, uint32_t blocks[][2], unsigned max)
{
	unsigned n = 0;
	int first = -1;
	for (unsigned i = 0; i < c->n_ooo; i++)
		if (seq_geq(c->ooo_last, c->ooo[i].start) && seq_lt(c->ooo_last, c->ooo[i].end))
			first = (int)i;
	if (first >= 0 && n < max) {
		blocks[n][0] = c->ooo[first].start;
		blocks[n][1] = c->ooo[first].end;
		n++;
	}
	for (int i = (int)c->n_ooo - 1; i >= 0 && n < max; i--) {
		if (i == first)
			continue;
		blocks[n][0] = c->ooo[i].start;
		blocks[n][1] = c->ooo[i].end;
		n++;
	}
	return n;
}

/* A resent hole is lost again if data first sent after it has been SACKed
 * since: without reordering it would have arrived first (the idea of RACK,
 * RFC 8985 §6, at the scoreboard's granularity). Then the holes are resent
 * again rather than waiting for the retransmission timer. */
void sack_detect_lost_rtx(struct tcp_conn *c)
{
	if (!c->in_recovery || !seq_gt(c->rtx_high, c->snd_una))
		return;
	if (!seq_gt(sack_high(c), c->rtx_snd_max))
		return;
	uint32_t hs, he;
	if (!sack_next_hole(c, c->snd_una, &hs, &he) || !seq_lt(hs, c->rtx_high))
		return;
	c->st.lost_rtx++;
	c->rtx_high = c->snd_una;
}
