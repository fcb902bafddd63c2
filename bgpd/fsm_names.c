/*
 * bgpd/fsm_names.c — printable names of FSM states, events and actions, for logs
 * and the CLI. Events use RFC 4271 §8.1's own names.
 */
#include "bgpd/fsm.h"

const char *fsm_state_name(enum fsm_state s)
{
	static const char *const names[FSM_STATE_N] = {
		[FSM_IDLE] = "Idle",
		[FSM_CONNECT] = "Connect",
		[FSM_ACTIVE] = "Active",
		[FSM_OPENSENT] = "OpenSent",
		[FSM_OPENCONFIRM] = "OpenConfirm",
		[FSM_ESTABLISHED] = "Established",
	};
	return (unsigned)s < FSM_STATE_N ? names[s] : "?";
}

const char *fsm_event_name(enum fsm_event ev)
{
	static const char *const names[FSM_EV_N] = {
		[FSM_EV_NONE] = "None",
		[FSM_EV_MANUAL_START] = "ManualStart",
		[FSM_EV_MANUAL_STOP] = "ManualStop",
		[FSM_EV_AUTO_START] = "AutomaticStart",
		[FSM_EV_MANUAL_START_PASSIVE] = "ManualStart_with_PassiveTcpEstablishment",
		[FSM_EV_AUTO_START_PASSIVE] = "AutomaticStart_with_PassiveTcpEstablishment",
		[FSM_EV_AUTO_START_DAMP] = "AutomaticStart_with_DampPeerOscillations",
		[FSM_EV_AUTO_START_DAMP_PASSIVE] =
			"AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment",
		[FSM_EV_AUTO_STOP] = "AutomaticStop",
		[FSM_EV_CONNECT_RETRY_EXPIRES] = "ConnectRetryTimer_Expires",
		[FSM_EV_HOLD_EXPIRES] = "HoldTimer_Expires",
		[FSM_EV_KEEPALIVE_EXPIRES] = "KeepaliveTimer_Expires",
		[FSM_EV_DELAY_OPEN_EXPIRES] = "DelayOpenTimer_Expires",
		[FSM_EV_IDLE_HOLD_EXPIRES] = "IdleHoldTimer_Expires",
		[FSM_EV_TCP_CR_VALID] = "TcpConnection_Valid",
		[FSM_EV_TCP_CR_INVALID] = "Tcp_CR_Invalid",
		[FSM_EV_TCP_CR_ACKED] = "Tcp_CR_Acked",
		[FSM_EV_TCP_CONFIRMED] = "TcpConnectionConfirmed",
		[FSM_EV_TCP_FAILS] = "TcpConnectionFails",
		[FSM_EV_BGP_OPEN] = "BGPOpen",
		[FSM_EV_BGP_OPEN_DELAYED] = "BGPOpen_with_DelayOpenTimer_running",
		[FSM_EV_HEADER_ERR] = "BGPHeaderErr",
		[FSM_EV_OPEN_MSG_ERR] = "BGPOpenMsgErr",
		[FSM_EV_OPEN_COLLISION_DUMP] = "OpenCollisionDump",
		[FSM_EV_NOTIF_VER_ERR] = "NotifMsgVerErr",
		[FSM_EV_NOTIF_MSG] = "NotifMsg",
		[FSM_EV_KEEPALIVE_MSG] = "KeepAliveMsg",
		[FSM_EV_UPDATE_MSG] = "UpdateMsg",
		[FSM_EV_UPDATE_MSG_ERR] = "UpdateMsgErr",
		[FSM_EV_RREFRESH_MSG] = "RouteRefreshMsg",
	};
	return (unsigned)ev < FSM_EV_N ? names[ev] : "?";
}

const char *fsm_action_name(enum fsm_action_type t)
{
	static const char *const names[FSM_ACT_N] = {
		[FSM_ACT_TCP_CONNECT] = "tcp-connect",
		[FSM_ACT_TCP_DISCONNECT] = "tcp-disconnect",
		[FSM_ACT_TCP_REJECT] = "tcp-reject",
		[FSM_ACT_SEND_OPEN] = "send-open",
		[FSM_ACT_SEND_KEEPALIVE] = "send-keepalive",
		[FSM_ACT_SEND_NOTIFICATION] = "send-notification",
		[FSM_ACT_PROCESS_UPDATE] = "process-update",
		[FSM_ACT_PROCESS_RREFRESH] = "process-route-refresh",
		[FSM_ACT_ESTABLISHED] = "established",
		[FSM_ACT_SESSION_DOWN] = "session-down",
		[FSM_ACT_STATE_CHANGE] = "state-change",
	};
	return (unsigned)t < FSM_ACT_N ? names[t] : "?";
}
