/*
 * tests/unit/test_bgp_collision.c — connection collision detection (RFC 4271 §6.8,
 * RFC 6286 §2.3): the pure rules in bgpd/collision.h, and the per-peer layer in
 * bgpd/peer_fsm.h that owns two connection FSMs and applies them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/collision.h"
#include "bgpd/peer_fsm.h"

#define T0 5000000ULL
#define LOCAL_AS 65001
#define PEER_AS 65002
#define ID_LOW 0x0a000001u      /* 10.0.0.1 */
#define ID_HIGH 0x0a000002u     /* 10.0.0.2 */

/* ---- the pure rules ---- */

static void test_resolve_by_identifier(void **state)
{
	(void)state;
	/* "retain only the connection initiated by the BGP speaker with the
	 * higher-valued BGP Identifier" */
	assert_int_equal(collision_resolve(ID_HIGH, ID_LOW, LOCAL_AS, PEER_AS), COLLISION_KEEP_OUTGOING);
	assert_int_equal(collision_resolve(ID_LOW, ID_HIGH, LOCAL_AS, PEER_AS), COLLISION_KEEP_INCOMING);
	/* compared as unsigned host-order integers: 128.0.0.0 > 127.255.255.255 */
	assert_int_equal(collision_resolve(0x80000000u, 0x7fffffffu, 1, 2), COLLISION_KEEP_OUTGOING);
	assert_int_equal(collision_resolve(0x7fffffffu, 0x80000000u, 2, 1), COLLISION_KEEP_INCOMING);
	/* RFC 6286 §2.3: equal identifiers, the larger AS's connection wins */
	assert_int_equal(collision_resolve(ID_LOW, ID_LOW, 65001, 65002), COLLISION_KEEP_INCOMING);
	assert_int_equal(collision_resolve(ID_LOW, ID_LOW, 4200000000u, 65002), COLLISION_KEEP_OUTGOING);
	assert_int_equal(collision_resolve(ID_LOW, ID_LOW, 65001, 65001), COLLISION_KEEP_OUTGOING);
}

static void test_when_it_applies(void **state)
{
	struct collision_conn c = { FSM_OPENCONFIRM, true, ID_LOW };

	(void)state;
	assert_int_equal(collision_applies(&c, ID_LOW, false), COLLISION_RESOLVE);
	/* a different speaker: no collision */
	assert_int_equal(collision_applies(&c, ID_HIGH, false), COLLISION_NONE);
	/* OpenSent only when the identifier is known by other means */
	c.state = FSM_OPENSENT;
	assert_int_equal(collision_applies(&c, ID_LOW, false), COLLISION_RESOLVE);
	c.peer_id_known = false;
	assert_int_equal(collision_applies(&c, ID_LOW, false), COLLISION_NONE);
	c.peer_id_known = true;
	/* Established: close the new one unless CollisionDetectEstablishedState */
	c.state = FSM_ESTABLISHED;
	assert_int_equal(collision_applies(&c, ID_LOW, false), COLLISION_CLOSE_NEW);
	assert_int_equal(collision_applies(&c, ID_LOW, true), COLLISION_RESOLVE);
	/* "cannot be detected with connections that are in Idle, Connect, or Active" */
	c.state = FSM_IDLE;
	assert_int_equal(collision_applies(&c, ID_LOW, true), COLLISION_NONE);
	c.state = FSM_CONNECT;
	assert_int_equal(collision_applies(&c, ID_LOW, true), COLLISION_NONE);
	c.state = FSM_ACTIVE;
	assert_int_equal(collision_applies(&c, ID_LOW, true), COLLISION_NONE);
}

/* ---- the per-peer layer ---- */

static struct fsm_config peer_cfg(uint32_t local_id)
{
	struct fsm_config c;

	fsm_config_default(&c);
	c.local_as = LOCAL_AS;
	c.local_id = local_id;
	return c;
}

static struct bgp_open mk_open(uint32_t id)
{
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = PEER_AS;
	o.hold_time = 90;
	o.bgp_id = id;
	return o;
}

static void ev(struct peer_fsm *p, int slot, enum fsm_event e, const struct fsm_ev_data *d,
               struct peer_actions *out)
{
	memset(out, 0, sizeof(*out));
	peer_fsm_event(p, slot, e, d, T0, out);
	assert_false(out->overflow);
}

static int accept_conn(struct peer_fsm *p, struct peer_actions *out)
{
	int s;

	memset(out, 0, sizeof(*out));
	s = peer_fsm_accept(p, T0, out);
	assert_false(out->overflow);
	return s;
}

static const struct fsm_action *find(const struct peer_actions *a, int slot,
                                     enum fsm_action_type t)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->a[i].slot == slot && a->a[i].act.type == t)
			return &a->a[i].act;
	return NULL;
}

static enum fsm_state st(struct peer_fsm *p, int slot)
{
	struct fsm *f = peer_fsm_conn(p, slot);

	return f ? fsm_state(f) : FSM_IDLE;
}

/* Our outgoing connection in OpenConfirm (the peer's OPEN received on it) and the
 * peer's incoming connection in OpenSent. */
static void two_connections(struct peer_fsm *p, uint32_t local_id, uint32_t peer_id,
                            int *out_slot, int *in_slot)
{
	struct fsm_config cfg = peer_cfg(local_id);
	struct bgp_open o = mk_open(peer_id);
	struct fsm_ev_data od = { .open = &o };
	struct peer_actions a;

	assert_int_equal(peer_fsm_init(p, &cfg, 1), 0);
	*out_slot = peer_fsm_primary(p);
	ev(p, PEER_SLOT_NONE, FSM_EV_MANUAL_START, NULL, &a);
	assert_non_null(find(&a, *out_slot, FSM_ACT_TCP_CONNECT));
	ev(p, *out_slot, FSM_EV_TCP_CR_ACKED, NULL, &a);
	assert_int_equal(st(p, *out_slot), FSM_OPENSENT);

	*in_slot = accept_conn(p, &a);
	assert_int_not_equal(*in_slot, PEER_SLOT_NONE);
	assert_int_not_equal(*in_slot, *out_slot);
	assert_non_null(find(&a, *in_slot, FSM_ACT_SEND_OPEN));
	assert_int_equal(st(p, *in_slot), FSM_OPENSENT);

	/* OPEN on ours first: the other is in OpenSent with an unknown peer id */
	ev(p, *out_slot, FSM_EV_BGP_OPEN, &od, &a);
	assert_null(find(&a, *in_slot, FSM_ACT_SEND_NOTIFICATION));
	assert_int_equal(st(p, *out_slot), FSM_OPENCONFIRM);
	assert_int_equal(peer_fsm_state(p), FSM_OPENCONFIRM);
}

static void assert_collision_cease(const struct peer_actions *a, int slot)
{
	const struct fsm_action *x = find(a, slot, FSM_ACT_SEND_NOTIFICATION);

	assert_non_null(x);
	assert_int_equal(x->u.notif.code, BGP_ERR_CEASE);
	assert_int_equal(x->u.notif.subcode, BGP_CEASE_COLLISION);
	assert_non_null(find(a, slot, FSM_ACT_TCP_DISCONNECT));
}

static void test_local_higher_keeps_outgoing(void **state)
{
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_open o = mk_open(ID_LOW);
	struct fsm_ev_data od = { .open = &o };
	int out, in;

	(void)state;
	two_connections(&p, ID_HIGH, ID_LOW, &out, &in);
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	/* the peer's connection is closed, ours carries on */
	assert_collision_cease(&a, in);
	assert_null(find(&a, out, FSM_ACT_SEND_NOTIFICATION));
	assert_null(peer_fsm_conn(&p, in));             /* disposed, §8.2.1.2 */
	assert_int_equal(peer_fsm_primary(&p), out);
	assert_int_equal(st(&p, out), FSM_OPENCONFIRM);
	ev(&p, out, FSM_EV_KEEPALIVE_MSG, NULL, &a);
	assert_int_equal(peer_fsm_established(&p), out);
	assert_true(peer_fsm_conn(&p, out)->outgoing);
}

static void test_local_lower_keeps_incoming(void **state)
{
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_open o = mk_open(ID_HIGH);
	struct fsm_ev_data od = { .open = &o };
	const struct fsm_action *x;
	int out, in;

	(void)state;
	two_connections(&p, ID_LOW, ID_HIGH, &out, &in);
	peer_fsm_conn(&p, out)->idle_hold_ms = 80000;   /* history to inherit */
	peer_fsm_conn(&p, out)->connect_retry_counter = 4;
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	/* ours (OpenConfirm) is closed first, then the OPEN is processed */
	assert_collision_cease(&a, out);
	assert_int_equal(a.a[0].slot, out);
	x = find(&a, in, FSM_ACT_SEND_KEEPALIVE);
	assert_non_null(x);
	assert_int_equal(st(&p, in), FSM_OPENCONFIRM);
	/* the surviving connection is now the peering's FSM */
	assert_int_equal(peer_fsm_primary(&p), in);
	assert_null(peer_fsm_conn(&p, out));
	assert_int_equal(peer_fsm_conn(&p, in)->idle_hold_ms, 80000);
	assert_int_equal(peer_fsm_conn(&p, in)->connect_retry_counter, 5);  /* +1: the dump */
	assert_true(peer_fsm_conn(&p, in)->cfg.allow_auto_start);
	assert_false(peer_fsm_conn(&p, in)->cfg.passive);
	ev(&p, in, FSM_EV_KEEPALIVE_MSG, NULL, &a);
	assert_int_equal(peer_fsm_established(&p), in);
	assert_non_null(find(&a, in, FSM_ACT_ESTABLISHED));

	/* when this session fails, the peering restarts itself (inherited config) */
	ev(&p, in, FSM_EV_TCP_FAILS, NULL, &a);
	assert_non_null(find(&a, in, FSM_ACT_SESSION_DOWN));
	assert_true(fsm_timer_running(&peer_fsm_conn(&p, in)->timers, FSM_T_IDLE_HOLD));
	memset(&a, 0, sizeof(a));
	peer_fsm_timers(&p, peer_fsm_next_deadline(&p), &a);
	assert_non_null(find(&a, in, FSM_ACT_TCP_CONNECT));
	assert_int_equal(st(&p, in), FSM_CONNECT);
}

static void establish_outgoing(struct peer_fsm *p, const struct fsm_config *cfg, uint32_t peer_id)
{
	struct bgp_open o = mk_open(peer_id);
	struct fsm_ev_data od = { .open = &o };
	struct peer_actions a;
	int s;

	assert_int_equal(peer_fsm_init(p, cfg, 2), 0);
	s = peer_fsm_primary(p);
	ev(p, PEER_SLOT_NONE, FSM_EV_MANUAL_START, NULL, &a);
	ev(p, s, FSM_EV_TCP_CR_ACKED, NULL, &a);
	ev(p, s, FSM_EV_BGP_OPEN, &od, &a);
	ev(p, s, FSM_EV_KEEPALIVE_MSG, NULL, &a);
	assert_int_equal(peer_fsm_established(p), s);
}

static void test_established_closes_new(void **state)
{
	struct fsm_config cfg = peer_cfg(ID_LOW);
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_open o = mk_open(ID_HIGH);
	struct fsm_ev_data od = { .open = &o };
	int est, in;

	(void)state;
	establish_outgoing(&p, &cfg, ID_HIGH);
	est = peer_fsm_primary(&p);
	in = accept_conn(&p, &a);
	assert_int_not_equal(in, PEER_SLOT_NONE);
	/* ID_HIGH would win by identifier, but an Established session is kept
	 * "unless allowed via configuration" */
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	assert_collision_cease(&a, in);
	assert_null(find(&a, est, FSM_ACT_SESSION_DOWN));
	assert_int_equal(peer_fsm_established(&p), est);
	assert_null(peer_fsm_conn(&p, in));
}

static void test_established_detect_enabled(void **state)
{
	struct fsm_config cfg = peer_cfg(ID_LOW);
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_open o = mk_open(ID_HIGH);
	struct fsm_ev_data od = { .open = &o };
	int est, in;

	(void)state;
	cfg.collision_detect_established = true;
	establish_outgoing(&p, &cfg, ID_HIGH);
	est = peer_fsm_primary(&p);
	in = accept_conn(&p, &a);
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	/* the peer has the higher id: its connection wins, ours goes down */
	assert_collision_cease(&a, est);
	assert_non_null(find(&a, est, FSM_ACT_SESSION_DOWN));
	assert_int_equal(st(&p, in), FSM_OPENCONFIRM);
	assert_int_equal(peer_fsm_primary(&p), in);

	/* with the higher id ourselves, the Established session stays */
	cfg.local_id = 0x0b000000u;
	establish_outgoing(&p, &cfg, ID_HIGH);
	est = peer_fsm_primary(&p);
	in = accept_conn(&p, &a);
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	assert_collision_cease(&a, in);
	assert_int_equal(peer_fsm_established(&p), est);
}

static void test_opensent_with_known_id(void **state)
{
	struct fsm_config cfg = peer_cfg(ID_HIGH);
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_open o = mk_open(ID_LOW);
	struct fsm_ev_data od = { .open = &o };
	int out, in;

	(void)state;
	cfg.remote_id = ID_LOW;         /* "known by means outside of the protocol" */
	assert_int_equal(peer_fsm_init(&p, &cfg, 3), 0);
	out = peer_fsm_primary(&p);
	ev(&p, PEER_SLOT_NONE, FSM_EV_MANUAL_START, NULL, &a);
	ev(&p, out, FSM_EV_TCP_CR_ACKED, NULL, &a);
	in = accept_conn(&p, &a);
	/* both OpenSent; the OPEN on the incoming one resolves at once */
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	assert_collision_cease(&a, in);
	assert_int_equal(st(&p, out), FSM_OPENSENT);

	/* a different identifier in the OPEN is not this collision */
	o.bgp_id = 0x0c000000u;
	in = accept_conn(&p, &a);
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	assert_null(find(&a, in, FSM_ACT_SEND_NOTIFICATION));
	assert_int_equal(st(&p, in), FSM_OPENCONFIRM);
}

static void test_accept_rules(void **state)
{
	struct fsm_config cfg = peer_cfg(ID_LOW);
	struct peer_fsm p;
	struct peer_actions a;
	int pr, s;

	(void)state;
	cfg.passive = true;
	assert_int_equal(peer_fsm_init(&p, &cfg, 4), 0);
	pr = peer_fsm_primary(&p);
	/* Idle "refuses all incoming BGP connections" */
	assert_int_equal(accept_conn(&p, &a), PEER_SLOT_NONE);
	assert_int_equal(a.n, 0);
	ev(&p, PEER_SLOT_NONE, FSM_EV_AUTO_START_PASSIVE, NULL, &a);
	assert_int_equal(peer_fsm_state(&p), FSM_ACTIVE);
	/* listening: the primary takes it */
	s = accept_conn(&p, &a);
	assert_int_equal(s, pr);
	assert_int_equal(st(&p, pr), FSM_OPENSENT);
	assert_false(peer_fsm_conn(&p, pr)->outgoing);
	/* busy: a second FSM */
	s = accept_conn(&p, &a);
	assert_int_not_equal(s, pr);
	assert_int_not_equal(s, PEER_SLOT_NONE);
	/* both busy: refused */
	assert_int_equal(accept_conn(&p, &a), PEER_SLOT_NONE);
	/* the secondary's connection fails: it is disposed, no restart of its own */
	ev(&p, s, FSM_EV_TCP_FAILS, NULL, &a);
	assert_null(peer_fsm_conn(&p, s));
	assert_int_equal(peer_fsm_primary(&p), pr);
	assert_int_equal(st(&p, pr), FSM_OPENSENT);
	/* events for an empty slot or a bad slot are dropped */
	ev(&p, s, FSM_EV_KEEPALIVE_MSG, NULL, &a);
	ev(&p, 7, FSM_EV_KEEPALIVE_MSG, NULL, &a);
	ev(&p, -5, FSM_EV_KEEPALIVE_MSG, NULL, &a);
	assert_int_equal(a.n, 0);
	assert_int_equal(st(&p, pr), FSM_OPENSENT);
}

static void test_incoming_wins_while_connecting(void **state)
{
	struct fsm_config cfg = peer_cfg(ID_LOW);
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_open o = mk_open(ID_HIGH);
	struct fsm_ev_data od = { .open = &o };
	int out, in;

	(void)state;
	assert_int_equal(peer_fsm_init(&p, &cfg, 5), 0);
	out = peer_fsm_primary(&p);
	ev(&p, PEER_SLOT_NONE, FSM_EV_MANUAL_START, NULL, &a);
	/* our SYN is unanswered; the peer connects to us meanwhile */
	in = accept_conn(&p, &a);
	assert_int_equal(peer_fsm_state(&p), FSM_OPENSENT);
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	ev(&p, in, FSM_EV_KEEPALIVE_MSG, NULL, &a);
	/* established on the incoming one: our attempt is abandoned */
	assert_non_null(find(&a, in, FSM_ACT_ESTABLISHED));
	assert_non_null(find(&a, out, FSM_ACT_TCP_DISCONNECT));
	assert_null(find(&a, out, FSM_ACT_SEND_NOTIFICATION));
	assert_int_equal(peer_fsm_primary(&p), in);
	assert_null(peer_fsm_conn(&p, out));
	assert_int_equal(peer_fsm_state(&p), FSM_ESTABLISHED);
}

static void test_manual_stop_stops_both(void **state)
{
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_err cease;
	struct fsm_ev_data sd = { .err = &cease };
	int out, in;

	(void)state;
	two_connections(&p, ID_HIGH, ID_LOW, &out, &in);
	assert_int_equal(fsm_cease(&cease, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance"), 0);
	ev(&p, PEER_SLOT_NONE, FSM_EV_MANUAL_STOP, &sd, &a);
	assert_non_null(find(&a, out, FSM_ACT_SEND_NOTIFICATION));
	assert_non_null(find(&a, in, FSM_ACT_SEND_NOTIFICATION));
	assert_int_equal(find(&a, in, FSM_ACT_SEND_NOTIFICATION)->u.notif.data[0], 11);
	assert_int_equal(peer_fsm_state(&p), FSM_IDLE);
	assert_null(peer_fsm_conn(&p, in));
	assert_int_equal(peer_fsm_next_deadline(&p), FSM_TIMER_OFF);
	/* stopped: incoming connections are refused */
	assert_int_equal(accept_conn(&p, &a), PEER_SLOT_NONE);
}

static void test_invalid_open_no_collision(void **state)
{
	struct peer_fsm p;
	struct peer_actions a;
	struct bgp_open o = mk_open(ID_HIGH);
	struct bgp_err bad;
	struct fsm_ev_data od = { .open = &o, .err = &bad };
	const struct fsm_action *x;
	int out, in;

	(void)state;
	two_connections(&p, ID_LOW, ID_HIGH, &out, &in);
	memset(&bad, 0, sizeof(bad));
	bad.code = BGP_ERR_OPEN;
	bad.subcode = BGP_ERR_OPEN_AS;
	/* an invalid OPEN is an OPEN error on its own connection, nothing more */
	ev(&p, in, FSM_EV_BGP_OPEN, &od, &a);
	x = find(&a, in, FSM_ACT_SEND_NOTIFICATION);
	assert_non_null(x);
	assert_int_equal(x->u.notif.code, BGP_ERR_OPEN);
	assert_null(find(&a, out, FSM_ACT_SEND_NOTIFICATION));
	assert_int_equal(st(&p, out), FSM_OPENCONFIRM);
	assert_null(peer_fsm_conn(&p, in));
}

static void test_peer_timers(void **state)
{
	struct peer_fsm p;
	struct peer_actions a;
	int out, in;
	uint64_t due;

	(void)state;
	two_connections(&p, ID_HIGH, ID_LOW, &out, &in);
	/* the incoming connection never sends its OPEN: the 4-minute hold ends it */
	due = peer_fsm_next_deadline(&p);
	assert_true(due <= T0 + 240000);
	for (int i = 0; i < 100 && peer_fsm_conn(&p, in); i++) {
		uint64_t now = peer_fsm_next_deadline(&p);

		memset(&a, 0, sizeof(a));
		peer_fsm_timers(&p, now, &a);
		assert_false(a.overflow);
		/* the peer keeps our connection alive, so only the other times out */
		if (st(&p, out) == FSM_OPENCONFIRM || st(&p, out) == FSM_ESTABLISHED) {
			struct peer_actions b;

			memset(&b, 0, sizeof(b));
			peer_fsm_event(&p, out, FSM_EV_KEEPALIVE_MSG, NULL, now, &b);
		}
	}
	assert_null(peer_fsm_conn(&p, in));
	assert_int_equal(peer_fsm_established(&p), out);
	peer_fsm_update_sent(&p, out, T0 + 300000);
	assert_true(peer_fsm_next_deadline(&p) > T0 + 300000);
}

/* Invariants of the two-slot layer under a seeded random walk: accepts, events
 * on either slot (OPENs from the same peer), timers. */
static void test_random_walk(void **state)
{
	struct fsm_rng r;
	struct bgp_open o = mk_open(ID_HIGH);
	struct peer_fsm p;
	uint64_t now = T0;
	unsigned both_up = 0, promotions = 0;

	(void)state;
	fsm_rng_seed(&r, 99);
	for (int run_no = 0; run_no < 30; run_no++) {
		struct fsm_config cfg = peer_cfg((run_no & 1) ? ID_LOW : 0x0b000000u);

		cfg.delay_open = run_no & 2;
		cfg.collision_detect_established = run_no & 4;
		cfg.remote_id = (run_no & 8) ? ID_HIGH : 0;
		cfg.hold_time = 9;
		assert_int_equal(peer_fsm_init(&p, &cfg, (uint64_t)run_no), 0);
		for (int step = 0; step < 3000; step++) {
			static const enum fsm_event evs[] = {
				FSM_EV_MANUAL_START, FSM_EV_MANUAL_STOP, FSM_EV_AUTO_START,
				FSM_EV_AUTO_STOP, FSM_EV_TCP_CR_ACKED, FSM_EV_TCP_CONFIRMED,
				FSM_EV_TCP_FAILS, FSM_EV_BGP_OPEN, FSM_EV_BGP_OPEN, FSM_EV_BGP_OPEN,
				FSM_EV_KEEPALIVE_MSG, FSM_EV_KEEPALIVE_MSG, FSM_EV_UPDATE_MSG,
				FSM_EV_NOTIF_MSG,
			};
			struct peer_actions a;
			struct fsm_ev_data d = { .open = &o };
			uint32_t x = fsm_rng_u32(&r);
			int pr = peer_fsm_primary(&p), slot = (int)((x >> 4) & 1);

			memset(&a, 0, sizeof(a));
			switch (x % 5) {
			case 0:
				now += (x >> 8) % 15000;
				peer_fsm_timers(&p, now, &a);
				break;
			case 1:
				peer_fsm_accept(&p, now, &a);
				break;
			default:
				peer_fsm_event(&p, slot, evs[(x >> 8) % (sizeof(evs) / sizeof(evs[0]))], &d, now, &a);
				break;
			}
			assert_false(a.overflow);
			for (unsigned i = 0; i < a.n; i++)
				assert_true(a.a[i].slot >= 0 && a.a[i].slot < PEER_SLOTS);
			promotions += peer_fsm_primary(&p) != pr;
			pr = peer_fsm_primary(&p);
			assert_non_null(peer_fsm_conn(&p, pr));
			if (peer_fsm_conn(&p, 1 - pr)) {
				struct fsm *sec = peer_fsm_conn(&p, 1 - pr);

				/* a secondary lives only beside a busy primary, with a
				 * connection of its own */
				assert_int_not_equal(fsm_state(peer_fsm_conn(&p, pr)), FSM_IDLE);
				assert_true(fsm_has_connection(sec));
				/* §6.8: never two sessions past OpenSent with one peer */
				if (fsm_state(sec) >= FSM_OPENCONFIRM &&
				    fsm_state(peer_fsm_conn(&p, pr)) >= FSM_OPENCONFIRM)
					both_up++;
			}
		}
	}
	assert_int_equal(both_up, 0);
	assert_true(promotions > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_by_identifier),
		cmocka_unit_test(test_when_it_applies),
		cmocka_unit_test(test_local_higher_keeps_outgoing),
		cmocka_unit_test(test_local_lower_keeps_incoming),
		cmocka_unit_test(test_established_closes_new),
		cmocka_unit_test(test_established_detect_enabled),
		cmocka_unit_test(test_opensent_with_known_id),
		cmocka_unit_test(test_accept_rules),
		cmocka_unit_test(test_incoming_wins_while_connecting),
		cmocka_unit_test(test_manual_stop_stops_both),
		cmocka_unit_test(test_invalid_open_no_collision),
		cmocka_unit_test(test_peer_timers),
		cmocka_unit_test(test_random_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
