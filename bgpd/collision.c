/*
 * bgpd/collision.c — RFC 4271 §6.8 connection collision rules (see collision.h).
 */
#include "bgpd/collision.h"

enum collision_check collision_applies(const struct collision_conn *existing, uint32_t open_id,
                                       bool detect_established)
{
	/* "there is a connection to a remote BGP speaker whose BGP Identifier
	 * equals the one in the OPEN message" */
	if (!existing->peer_id_known || existing->peer_id != open_id)
		return COLLISION_NONE;
	switch (existing->state) {
	case FSM_OPENCONFIRM:
		/* "MUST examine all of its connections that are in the OpenConfirm
		 * state" */
		return COLLISION_RESOLVE;
	case FSM_OPENSENT:
		/* "MAY also examine connections in an OpenSent state if it knows the
		 * BGP Identifier of the peer by means outside of the protocol" — the
		 * caller says so through peer_id_known. */
		return COLLISION_RESOLVE;
	case FSM_ESTABLISHED:
		/* "Unless allowed via configuration, a connection collision with an
		 * existing BGP connection that is in the Established state causes
		 * closing of the newly created connection." */
		return detect_established ? COLLISION_RESOLVE : COLLISION_CLOSE_NEW;
	default:
		/* "a connection collision cannot be detected with connections that
		 * are in Idle, Connect, or Active states" */
		return COLLISION_NONE;
	}
}

enum collision_keep collision_resolve(uint32_t local_id, uint32_t remote_id,
                                      uint32_t local_as, uint32_t remote_as)
{
	if (local_id != remote_id)
		return local_id > remote_id ? COLLISION_KEEP_OUTGOING : COLLISION_KEEP_INCOMING;
	/* RFC 6286 §2.3 */
	if (local_as != remote_as)
		return local_as > remote_as ? COLLISION_KEEP_OUTGOING : COLLISION_KEEP_INCOMING;
	return COLLISION_KEEP_OUTGOING;
}
