/*
 * bgpd/collision.h — BGP connection collision detection and resolution, RFC 4271
 * §6.8 (with RFC 6286 §2.3 for equal identifiers). Pure functions.
 *
 * A collision is two connections between the same pair of speakers, one opened by
 * each side. When an OPEN arrives on one connection, the other ("existing") one is
 * examined if collision_applies(); if it does, collision_resolve() says which of
 * the two to keep, and the other is closed with Cease / Connection Collision
 * Resolution (RFC 4486 §4) — in FSM terms it gets OpenCollisionDump (Event 23).
 */
#ifndef BGPD_COLLISION_H
#define BGPD_COLLISION_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd/fsm.h"

/* What the existing connection, as far as §6.8 can see it, looks like. */
struct collision_conn {
	enum fsm_state state;
	bool peer_id_known;         /* its peer's BGP Identifier is known: from the
	                             * OPEN it received, or configured */
	uint32_t peer_id;
};

enum collision_check {
	COLLISION_NONE,             /* no collision to resolve: carry on */
	COLLISION_RESOLVE,          /* run collision_resolve() */
	COLLISION_CLOSE_NEW,        /* existing is Established: close the new one */
};

/* Given an OPEN carrying open_id, whether it collides with `existing`:
 *   - OpenConfirm: always examined;
 *   - OpenSent: only if the peer's identifier is known by other means;
 *   - Established: resolved only with CollisionDetectEstablishedState, otherwise
 *     "causes closing of the newly created connection";
 *   - Idle, Connect, Active: "a connection collision cannot be detected".
 * The existing connection's peer must have the OPEN's identifier. */
enum collision_check collision_applies(const struct collision_conn *existing, uint32_t open_id,
                                       bool detect_established);

enum collision_keep {
	COLLISION_KEEP_OUTGOING,    /* keep the connection we initiated */
	COLLISION_KEEP_INCOMING,    /* keep the connection the peer initiated */
};

/* §6.8: keep the connection initiated by the speaker with the higher BGP
 * Identifier (compared as host-order unsigned integers); RFC 6286 §2.3: if the
 * identifiers are equal, the one initiated by the speaker with the larger AS. If
 * AS numbers are equal too (an invalid setup), keep the outgoing one. */
enum collision_keep collision_resolve(uint32_t local_id, uint32_t remote_id,
                                      uint32_t local_as, uint32_t remote_as);

#endif /* BGPD_COLLISION_H */
