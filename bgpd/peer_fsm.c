/*
 * bgpd/peer_fsm.c — two connection FSMs per peering and §6.8 between them (see
 * peer_fsm.h).
 */
#include <string.h>

#include "bgpd/collision.h"
#include "bgpd/peer_fsm.h"

static int other(int slot)
{
	return PEER_SLOTS - 1 - slot;
}

static bool slot_ok(const struct peer_fsm *p, int slot)
{
	return slot >= 0 && slot < PEER_SLOTS && p->used[slot];
}

/* Tag one FSM's actions with its slot. */
static void append(struct peer_actions *out, int slot, const struct fsm_actions *acts)
{
	if (acts->overflow)
		out->overflow = true;
	for (unsigned i = 0; i < acts->n; i++) {
		if (out->n >= PEER_ACTIONS_MAX) {
			out->overflow = true;
			return;
		}
		out->a[out->n].slot = slot;
		out->a[out->n].act = acts->a[i];
		out->n++;
	}
}

static void deliver(struct peer_fsm *p, int slot, enum fsm_event ev,
                    const struct fsm_ev_data *data, uint64_t now, struct peer_actions *out)
{
	struct fsm_actions acts;

	acts.n = 0;
	acts.overflow = false;
	fsm_event(&p->conn[slot], ev, data, now, &acts);
	append(out, slot, &acts);
}

static void release(struct peer_fsm *p, int slot, struct peer_actions *out)
{
	struct fsm_actions acts;

	acts.n = 0;
	acts.overflow = false;
	fsm_release(&p->conn[slot], &acts);
	append(out, slot, &acts);
}

/* Dispose of a useless secondary; promote a secondary that carries the peering
 * now (see peer_fsm.h). */
static void tidy(struct peer_fsm *p, struct peer_actions *out)
{
	int pr = p->primary, se = other(pr);
	struct fsm *P = &p->conn[pr], *S = &p->conn[se];

	if (!p->used[se])
		return;
	if (!fsm_has_connection(S)) {
		/* §8.2.1.2: "the FSM for the connection that is closed SHOULD be
		 * disposed". */
		release(p, se, out);
		p->used[se] = false;
		return;
	}
	if (P->state == FSM_IDLE ||
	    (S->state == FSM_ESTABLISHED && (P->state == FSM_CONNECT || P->state == FSM_ACTIVE))) {
		if (P->state != FSM_IDLE)
			release(p, pr, out);
		fsm_inherit(S, P);
		p->used[pr] = false;
		p->primary = se;
	}
}

/* §6.8 for an OPEN arriving on `slot`: returns true if the OPEN is still to be
 * delivered to it, false if that connection was dumped instead. */
static bool resolve_collision(struct peer_fsm *p, int slot, const struct fsm_ev_data *d,
                              uint64_t now, struct peer_actions *out)
{
	int o = other(slot);
	struct fsm *nw = &p->conn[slot], *ex = &p->conn[o];
	struct collision_conn cc;
	enum collision_keep keep;
	bool keep_new;

	if (!d || !d->open || (d->err && d->err->code) || !p->used[o])
		return true;
	/* Only an OPEN this connection is waiting for starts a collision check. */
	if (nw->state != FSM_OPENSENT && nw->state != FSM_CONNECT && nw->state != FSM_ACTIVE)
		return true;
	cc.state = ex->state;
	cc.peer_id_known = true;
	if (fsm_peer_open(ex))
		cc.peer_id = fsm_peer_open(ex)->bgp_id;
	else if (p->cfg.remote_id)
		cc.peer_id = p->cfg.remote_id;  /* known "by means outside of the protocol" */
	else
		cc.peer_id_known = false;

	switch (collision_applies(&cc, d->open->bgp_id, p->cfg.collision_detect_established)) {
	case COLLISION_NONE:
		return true;
	case COLLISION_CLOSE_NEW:
		keep_new = false;
		break;
	case COLLISION_RESOLVE:
	default:
		keep = collision_resolve(p->cfg.local_id, d->open->bgp_id, p->cfg.local_as,
		                         bgp_open_peer_as(d->open));
		/* Two connections the same way round are no collision of §6.8's kind;
		 * keep the one we had. */
		if (nw->outgoing == ex->outgoing)
			keep_new = false;
		else
			keep_new = nw->outgoing == (keep == COLLISION_KEEP_OUTGOING);
		break;
	}
	deliver(p, keep_new ? o : slot, FSM_EV_OPEN_COLLISION_DUMP, NULL, now, out);
	return keep_new;
}

static void admin(struct peer_fsm *p, enum fsm_event ev, const struct fsm_ev_data *data,
                  uint64_t now, struct peer_actions *out)
{
	bool stop = ev == FSM_EV_MANUAL_STOP || ev == FSM_EV_AUTO_STOP;

	deliver(p, p->primary, ev, data, now, out);
	if (stop && p->used[other(p->primary)])
		deliver(p, other(p->primary), ev, data, now, out);
}

int peer_fsm_init(struct peer_fsm *p, const struct fsm_config *cfg, uint64_t seed)
{
	struct fsm_rng rng;

	fsm_rng_seed(&rng, seed);
	memset(p, 0, sizeof(*p));
	if (fsm_init(&p->conn[0], cfg, fsm_rng_u32(&rng)) < 0)
		return -1;
	p->used[0] = true;
	p->primary = 0;
	p->cfg = *cfg;
	p->rng = rng;
	return 0;
}

void peer_fsm_event(struct peer_fsm *p, int slot, enum fsm_event ev,
                    const struct fsm_ev_data *data, uint64_t now_ms, struct peer_actions *out)
{
	if (ev >= FSM_EV_MANUAL_START && ev <= FSM_EV_AUTO_STOP) {
		admin(p, ev, data, now_ms, out);
	} else {
		if (!slot_ok(p, slot))
			return;
		if ((ev == FSM_EV_BGP_OPEN || ev == FSM_EV_BGP_OPEN_DELAYED) &&
		    !resolve_collision(p, slot, data, now_ms, out)) {
			tidy(p, out);
			return;
		}
		deliver(p, slot, ev, data, now_ms, out);
	}
	tidy(p, out);
}

int peer_fsm_accept(struct peer_fsm *p, uint64_t now_ms, struct peer_actions *out)
{
	struct fsm *pr = &p->conn[p->primary];
	struct fsm_config cfg;
	int se = other(p->primary);

	if (pr->state == FSM_IDLE)
		return PEER_SLOT_NONE;
	if (pr->state == FSM_ACTIVE && !fsm_has_connection(pr)) {
		deliver(p, p->primary, FSM_EV_TCP_CONFIRMED, NULL, now_ms, out);
		tidy(p, out);
		return p->primary;
	}
	if (p->used[se])
		return PEER_SLOT_NONE;
	/* A passive FSM that never restarts: it lives for this connection only. */
	cfg = p->cfg;
	cfg.passive = true;
	cfg.allow_auto_start = false;
	if (fsm_init(&p->conn[se], &cfg, fsm_rng_u32(&p->rng)) < 0)
		return PEER_SLOT_NONE;
	p->used[se] = true;
	deliver(p, se, FSM_EV_MANUAL_START_PASSIVE, NULL, now_ms, out);
	deliver(p, se, FSM_EV_TCP_CONFIRMED, NULL, now_ms, out);
	tidy(p, out);
	return p->used[se] ? se : PEER_SLOT_NONE;
}

uint64_t peer_fsm_next_deadline(const struct peer_fsm *p)
{
	uint64_t best = FSM_TIMER_OFF;

	for (int s = 0; s < PEER_SLOTS; s++) {
		if (p->used[s]) {
			uint64_t d = fsm_next_deadline(&p->conn[s]);

			if (d < best)
				best = d;
		}
	}
	return best;
}

void peer_fsm_timers(struct peer_fsm *p, uint64_t now_ms, struct peer_actions *out)
{
	for (int s = 0; s < PEER_SLOTS; s++) {
		struct fsm_actions acts;

		if (!p->used[s])
			continue;
		acts.n = 0;
		acts.overflow = false;
		fsm_timers(&p->conn[s], now_ms, &acts);
		append(out, s, &acts);
	}
	tidy(p, out);
}

void peer_fsm_update_sent(struct peer_fsm *p, int slot, uint64_t now_ms)
{
	if (slot_ok(p, slot))
		fsm_update_sent(&p->conn[slot], now_ms);
}

struct fsm *peer_fsm_conn(struct peer_fsm *p, int slot)
{
	return slot_ok(p, slot) ? &p->conn[slot] : NULL;
}

enum fsm_state peer_fsm_state(const struct peer_fsm *p)
{
	enum fsm_state st = p->conn[p->primary].state;
	int se = other(p->primary);

	if (p->used[se] && p->conn[se].state > st)
		st = p->conn[se].state;
	return st;
}

int peer_fsm_established(const struct peer_fsm *p)
{
	for (int s = 0; s < PEER_SLOTS; s++)
		if (p->used[s] && p->conn[s].state == FSM_ESTABLISHED)
			return s;
	return PEER_SLOT_NONE;
}
