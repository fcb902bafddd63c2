/*
 * bgpd/fsm_timers.h — the BGP FSM's timers as data, and the jitter that RFC 4271 §10
 * asks for.
 *
 * A timer is an absolute deadline in milliseconds on the driver's monotonic clock,
 * or FSM_TIMER_OFF when stopped ("sets the timer to zero" in RFC 4271 §8.2.2).
 * Nothing here reads a clock: every function that starts a timer is handed `now`.
 *
 * Jitter comes from a small PRNG (splitmix64) seeded by the driver, so a test that
 * fixes the seed sees the same deadlines every run.
 */
#ifndef BGPD_FSM_TIMERS_H
#define BGPD_FSM_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

/* The five FSM timers: RFC 4271 §8 (mandatory) and §8.1.1 (optional). */
enum fsm_timer {
	FSM_T_CONNECT_RETRY,    /* ConnectRetryTimer */
	FSM_T_HOLD,             /* HoldTimer */
	FSM_T_KEEPALIVE,        /* KeepaliveTimer */
	FSM_T_DELAY_OPEN,       /* DelayOpenTimer */
	FSM_T_IDLE_HOLD,        /* IdleHoldTimer */
	FSM_T_N
};

#define FSM_TIMER_OFF UINT64_MAX    /* a stopped timer; also "no deadline" */

struct fsm_timerset {
	uint64_t deadline[FSM_T_N];
};

struct fsm_rng {
	uint64_t state;
};

void fsm_timerset_clear(struct fsm_timerset *ts);
void fsm_timer_start(struct fsm_timerset *ts, enum fsm_timer t, uint64_t now_ms, uint64_t after_ms);
void fsm_timer_stop(struct fsm_timerset *ts, enum fsm_timer t);
bool fsm_timer_running(const struct fsm_timerset *ts, enum fsm_timer t);
/* The earliest running deadline (FSM_TIMER_OFF if none); *which gets its timer. */
uint64_t fsm_timerset_earliest(const struct fsm_timerset *ts, enum fsm_timer *which);
const char *fsm_timer_name(enum fsm_timer t);

void fsm_rng_seed(struct fsm_rng *rng, uint64_t seed);
uint32_t fsm_rng_u32(struct fsm_rng *rng);
/* RFC 4271 §10: base multiplied by a factor uniform in [0.75, 1.0]. */
uint64_t fsm_jitter(struct fsm_rng *rng, uint64_t base_ms);

#endif /* BGPD_FSM_TIMERS_H */
