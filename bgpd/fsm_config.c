/*
 * bgpd/fsm_config.c — the FSM's session attributes: defaults (RFC 4271 §10's
 * suggested values where it suggests any) and the checks that keep the machine
 * from spinning or negotiating what §4.2 forbids.
 */
#include <string.h>

#include "bgpd/fsm.h"

void fsm_config_default(struct fsm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hold_time = 90;            /* RFC 4271 §10 */
	cfg->open_hold_time = 240;      /* §8.2.2 / §10: 4 minutes */
	cfg->connect_retry_time = 120;  /* §10 */
	cfg->delay_open_time = 5;
	cfg->idle_hold_time = 5;
	cfg->idle_hold_max = 300;
	cfg->idle_hold_stable = 300;
	cfg->allow_auto_start = true;   /* §8.1.2 Events 6/7: SHOULD be TRUE */
	cfg->allow_auto_stop = true;
	cfg->damp_peer_oscillations = true;
}

int fsm_config_check(const struct fsm_config *cfg, const char **why)
{
	const char *msg = NULL;

	if (cfg->hold_time > 0 && cfg->hold_time < FSM_HOLD_MIN)
		msg = "hold time must be 0 or at least 3 seconds (RFC 4271 §4.2)";
	else if (cfg->open_hold_time < FSM_HOLD_MIN)
		msg = "OpenSent hold time must be at least 3 seconds";
	else if (cfg->connect_retry_time == 0)
		msg = "connect retry time must be at least 1 second";
	else if (cfg->delay_open && cfg->delay_open_time == 0)
		msg = "delay-open time must be at least 1 second";
	else if (cfg->idle_hold_max < cfg->idle_hold_time)
		msg = "idle hold maximum is below the idle hold time";
	if (why)
		*why = msg;
	return msg ? -1 : 0;
}
