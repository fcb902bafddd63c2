/*
 * bgpd/fsm_timers.c — deadlines and jitter for the BGP FSM (see fsm_timers.h).
 */
#include "bgpd/fsm_timers.h"

/* RFC 4271 §10: "a random factor, which is uniformly distributed in the range from
 * 0.75 to 1.0": we take off base * r / 2^34 with r a 32-bit draw, i.e. [0, 25 %). */
#define JITTER_SHIFT 34

void fsm_timerset_clear(struct fsm_timerset *ts)
{
	for (unsigned i = 0; i < FSM_T_N; i++)
		ts->deadline[i] = FSM_TIMER_OFF;
}

void fsm_timer_start(struct fsm_timerset *ts, enum fsm_timer t, uint64_t now_ms, uint64_t after_ms)
{
	if ((unsigned)t >= FSM_T_N)
		return;
	/* Saturate below FSM_TIMER_OFF so a far deadline never reads as "stopped". */
	if (after_ms >= FSM_TIMER_OFF - 1 - now_ms || now_ms >= FSM_TIMER_OFF - 1)
		ts->deadline[t] = FSM_TIMER_OFF - 1;
	else
		ts->deadline[t] = now_ms + after_ms;
}

void fsm_timer_stop(struct fsm_timerset *ts, enum fsm_timer t)
{
	if ((unsigned)t < FSM_T_N)
		ts->deadline[t] = FSM_TIMER_OFF;
}

bool fsm_timer_running(const struct fsm_timerset *ts, enum fsm_timer t)
{
	return (unsigned)t < FSM_T_N && ts->deadline[t] != FSM_TIMER_OFF;
}

uint64_t fsm_timerset_earliest(const struct fsm_timerset *ts, enum fsm_timer *which)
{
	uint64_t best = FSM_TIMER_OFF;
	enum fsm_timer w = FSM_T_N;

	for (unsigned i = 0; i < FSM_T_N; i++) {
		if (ts->deadline[i] < best) {
			best = ts->deadline[i];
			w = (enum fsm_timer)i;
		}
	}
	if (which)
		*which = w;
	return best;
}

const char *fsm_timer_name(enum fsm_timer t)
{
	static const char *const names[FSM_T_N] = {
		[FSM_T_CONNECT_RETRY] = "ConnectRetryTimer",
		[FSM_T_HOLD] = "HoldTimer",
		[FSM_T_KEEPALIVE] = "KeepaliveTimer",
		[FSM_T_DELAY_OPEN] = "DelayOpenTimer",
		[FSM_T_IDLE_HOLD] = "IdleHoldTimer",
	};
	return (unsigned)t < FSM_T_N ? names[t] : "?";
}

void fsm_rng_seed(struct fsm_rng *rng, uint64_t seed)
{
	rng->state = seed;
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, full-period, good enough to spread
 * timers; not for anything secret. */
uint32_t fsm_rng_u32(struct fsm_rng *rng)
{
	uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (uint32_t)(z >> 32);
}

uint64_t fsm_jitter(struct fsm_rng *rng, uint64_t base_ms)
{
	unsigned __int128 prod = (unsigned __int128)base_ms * fsm_rng_u32(rng);

	return base_ms - (uint64_t)(prod >> JITTER_SHIFT);
}
