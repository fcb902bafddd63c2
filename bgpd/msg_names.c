/*
 * bgpd/msg_names.c — names of message types, NOTIFICATION codes and subcodes,
 * capabilities and OPEN quirks, as the IANA BGP registries and the defining RFCs
 * spell them (RFC 4271 §4.5, RFC 4486 §3, RFC 5492 §5, RFC 6608 §4, RFC 7313 §5,
 * RFC 8538, RFC 9234 §4.2, RFC 9687).
 */
#include <stddef.h>

#include "bgpd/msg.h"

#define UNKNOWN "unknown"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const char *const *tab, size_t n, unsigned i)
{
	return i < n && tab[i] ? tab[i] : UNKNOWN;
}

const char *bgp_msg_type_name(uint8_t type)
{
	static const char *const names[] = {
		[BGP_MSG_OPEN] = "OPEN",
		[BGP_MSG_UPDATE] = "UPDATE",
		[BGP_MSG_NOTIFICATION] = "NOTIFICATION",
		[BGP_MSG_KEEPALIVE] = "KEEPALIVE",
		[BGP_MSG_ROUTE_REFRESH] = "ROUTE-REFRESH",
	};
	return lookup(names, NELEM(names), type);
}

const char *bgp_err_code_name(uint8_t code)
{
	static const char *const names[] = {
		[BGP_ERR_HEADER] = "Message Header Error",
		[BGP_ERR_OPEN] = "OPEN Message Error",
		[BGP_ERR_UPDATE] = "UPDATE Message Error",
		[BGP_ERR_HOLD] = "Hold Timer Expired",
		[BGP_ERR_FSM] = "Finite State Machine Error",
		[BGP_ERR_CEASE] = "Cease",
		[BGP_ERR_RREFRESH] = "ROUTE-REFRESH Message Error",
	};
	return lookup(names, NELEM(names), code);
}

static const char *const header_sub[] = {
	[0] = "Unspecific",
	[BGP_ERR_HDR_SYNC] = "Connection Not Synchronized",
	[BGP_ERR_HDR_LEN] = "Bad Message Length",
	[BGP_ERR_HDR_TYPE] = "Bad Message Type",
};

static const char *const open_sub[] = {
	[0] = "Unspecific",
	[BGP_ERR_OPEN_VERSION] = "Unsupported Version Number",
	[BGP_ERR_OPEN_AS] = "Bad Peer AS",
	[BGP_ERR_OPEN_BGPID] = "Bad BGP Identifier",
	[BGP_ERR_OPEN_OPT] = "Unsupported Optional Parameter",
	[BGP_ERR_OPEN_AUTH] = "Authentication Failure (deprecated)",
	[BGP_ERR_OPEN_HOLD] = "Unacceptable Hold Time",
	[BGP_ERR_OPEN_CAPA] = "Unsupported Capability",
	[BGP_ERR_OPEN_ROLE] = "Role Mismatch",
};

static const char *const update_sub[] = {
	[0] = "Unspecific",
	[BGP_ERR_UPD_ATTRLIST] = "Malformed Attribute List",
	[BGP_ERR_UPD_UNKNWN_WK] = "Unrecognized Well-known Attribute",
	[BGP_ERR_UPD_MISSING_WK] = "Missing Well-known Attribute",
	[BGP_ERR_UPD_FLAGS] = "Attribute Flags Error",
	[BGP_ERR_UPD_LENGTH] = "Attribute Length Error",
	[BGP_ERR_UPD_ORIGIN] = "Invalid ORIGIN Attribute",
	[BGP_ERR_UPD_LOOP] = "AS Routing Loop (deprecated)",
	[BGP_ERR_UPD_NEXTHOP] = "Invalid NEXT_HOP Attribute",
	[BGP_ERR_UPD_OPTATTR] = "Optional Attribute Error",
	[BGP_ERR_UPD_NETWORK] = "Invalid Network Field",
	[BGP_ERR_UPD_ASPATH] = "Malformed AS_PATH",
};

static const char *const hold_sub[] = {
	[0] = "Unspecific",
};

static const char *const fsm_sub[] = {
	[BGP_ERR_FSM_UNSPEC] = "Unspecified Error",
	[BGP_ERR_FSM_OPENSENT] = "Receive Unexpected Message in OpenSent State",
	[BGP_ERR_FSM_OPENCONFIRM] = "Receive Unexpected Message in OpenConfirm State",
	[BGP_ERR_FSM_ESTABLISHED] = "Receive Unexpected Message in Established State",
};

static const char *const cease_sub[] = {
	[0] = "Unspecific",
	[BGP_CEASE_MAX_PREFIX] = "Maximum Number of Prefixes Reached",
	[BGP_CEASE_ADMIN_SHUTDOWN] = "Administrative Shutdown",
	[BGP_CEASE_PEER_DECONF] = "Peer De-configured",
	[BGP_CEASE_ADMIN_RESET] = "Administrative Reset",
	[BGP_CEASE_CONN_REJECTED] = "Connection Rejected",
	[BGP_CEASE_CONFIG_CHANGE] = "Other Configuration Change",
	[BGP_CEASE_COLLISION] = "Connection Collision Resolution",
	[BGP_CEASE_RESOURCES] = "Out of Resources",
	[BGP_CEASE_HARD_RESET] = "Hard Reset",
	[BGP_CEASE_SEND_HOLD] = "BGP Failure to Send (Send Hold Timer Expired)",
};

static const char *const rrefresh_sub[] = {
	[0] = "Reserved",
	[BGP_ERR_RR_LEN] = "Invalid Message Length",
};

const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode)
{
	switch (code) {
	case BGP_ERR_HEADER:
		return lookup(header_sub, NELEM(header_sub), subcode);
	case BGP_ERR_OPEN:
		return lookup(open_sub, NELEM(open_sub), subcode);
	case BGP_ERR_UPDATE:
		return lookup(update_sub, NELEM(update_sub), subcode);
	case BGP_ERR_HOLD:
		return lookup(hold_sub, NELEM(hold_sub), subcode);
	case BGP_ERR_FSM:
		return lookup(fsm_sub, NELEM(fsm_sub), subcode);
	case BGP_ERR_CEASE:
		return lookup(cease_sub, NELEM(cease_sub), subcode);
	case BGP_ERR_RREFRESH:
		return lookup(rrefresh_sub, NELEM(rrefresh_sub), subcode);
	default:
		return UNKNOWN;
	}
}

const char *bgp_capa_name(uint8_t code)
{
	switch (code) {
	case BGP_CAPA_MP: return "multiprotocol";
	case BGP_CAPA_ROUTE_REFRESH: return "route-refresh";
	case BGP_CAPA_EXT_NEXTHOP: return "extended-nexthop";
	case BGP_CAPA_EXT_MSG: return "extended-message";
	case BGP_CAPA_ROLE: return "role";
	case BGP_CAPA_GRACEFUL: return "graceful-restart";
	case BGP_CAPA_AS4: return "as4";
	case BGP_CAPA_ADDPATH: return "add-path";
	case BGP_CAPA_ENHANCED_RR: return "enhanced-route-refresh";
	case BGP_CAPA_LLGR: return "long-lived-graceful-restart";
	case BGP_CAPA_FQDN: return "fqdn";
	case BGP_CAPA_ROUTE_REFRESH_OLD: return "route-refresh-old";
	default: return NULL;
	}
}

const char *bgp_open_quirk_name(uint32_t quirk)
{
	switch (quirk) {
	case BGP_OPEN_Q_MP_OVERFLOW: return "too many multiprotocol families, extra ignored";
	case BGP_OPEN_Q_GR_OVERFLOW: return "too many graceful-restart families, extra ignored";
	case BGP_OPEN_Q_UNKNOWN_OVERFLOW: return "too many other capabilities, extra ignored";
	case BGP_OPEN_Q_AS4_CONFLICT: return "several as4 capabilities with different ASes";
	case BGP_OPEN_Q_GR_REPEATED: return "several graceful-restart capabilities, last used";
	case BGP_OPEN_Q_OLD_RR: return "route refresh only under the pre-standard code 128";
	case BGP_OPEN_Q_EXT_PARAMS: return "extended optional parameters length (RFC 9072)";
	case BGP_OPEN_Q_CAPA_PARAMS: return "capabilities split over several parameters";
	default: return NULL;
	}
}
