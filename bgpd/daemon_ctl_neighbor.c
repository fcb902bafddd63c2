/*
 * bgpd/daemon_ctl_neighbor.c — the control socket's neighbour actions:
 * shutdown (stays down until enable), enable, and reset (hard, or soft in/out).
 *
 * They drive the peer through its public API only: peer_stop() is the FSM's
 * ManualStop (RFC 4271 §8.1.2 Event 2) with a Cease NOTIFICATION, and a start is
 * ManualStart (Event 1, or Event 4 for a passive neighbour).
 */
#include "bgpd/daemon_ctl.h"

#include <stdio.h>
#include <string.h>

#include "bgpd/control.h"
#include "bgpd/daemon.h"
#include "bgpd/peer.h"
#include "bgpd/rib_glue.h"

/* Nothing changes while the daemon says goodbye to its peers. */
static int refuse_if_stopping(const struct bgpd *d, char *err, size_t errlen)
{
	if (!d->shutting_down)
		return 0;
	snprintf(err, errlen, "bgpd is shutting down");
	return CONTROL_ERR;
}

/* ManualStart, RFC 4271 §8.1.2: Event 4 for a neighbour we only listen for. */
static void manual_start(struct peer *p)
{
	peer_event(p, 0, p->nb->s.passive ? FSM_EV_MANUAL_START_PASSIVE : FSM_EV_MANUAL_START, NULL);
}

static int done(json_t **result, char *err, size_t errlen)
{
	*result = json_object();
	if (*result)
		return 0;
	snprintf(err, errlen, "out of memory");
	return CONTROL_ERR_INTERNAL;
}

/* The optional Shutdown Communication: NULL when absent or null; -1 when it is
 * not a string RFC 9003 §2 allows (at most 255 octets of UTF-8; jansson has
 * checked the UTF-8). */
static int shutdown_message(const json_t *args, const char **msg, char *err, size_t errlen)
{
	const json_t *m = json_object_get(args, "message");
	*msg = NULL;
	if (!m || json_is_null(m))
		return 0;
	if (!json_is_string(m) || strlen(json_string_value(m)) != json_string_length(m)) {
		snprintf(err, errlen, "\"message\" is not a string");
		return -1;
	}
	if (json_string_length(m) > BGP_SHUTDOWN_MSG_MAX) {
		snprintf(err, errlen, "\"message\" is %zu bytes; RFC 9003 allows at most %u",
			 json_string_length(m), BGP_SHUTDOWN_MSG_MAX);
		return -1;
	}
	*msg = json_string_value(m);
	return 0;
}

int daemon_ctl_neighbor_shutdown(const json_t *args, json_t **result, char *err, size_t errlen,
				 void *arg)
{
	static const char *const allowed[] = { "address", "message", NULL };
	struct bgpd *d = arg;
	const char *msg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	struct peer *p = daemon_ctl_peer_arg(d, args, &rc, err, errlen);
	if (!p)
		return rc;
	if (shutdown_message(args, &msg, err, errlen) < 0)
		return CONTROL_ERR_BAD_ARGS;
	if ((rc = refuse_if_stopping(d, err, errlen)) != 0)
		return rc;
	char shown[BGP_SHUTDOWN_MSG_MAX + 1] = "";
	if (msg) {
		/* The client's text, one log line: controls become '?'. */
		snprintf(shown, sizeof(shown), "%s", msg);
		for (char *c = shown; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
	}
	log_peer(LOG_NOTICE, p->name, "administrative shutdown (control socket)%s%s%s",
		 msg ? ": \"" : "", shown, msg ? "\"" : "");
	/* RFC 4486 §4 Administrative Shutdown with the RFC 9003 message; the FSM then
	 * stays Idle, refusing connections (RFC 4271 §8.2.2), until a ManualStart. */
	p->admin_down = true;
	peer_stop(p, BGP_CEASE_ADMIN_SHUTDOWN, msg);
	return done(result, err, errlen);
}

int daemon_ctl_neighbor_enable(const json_t *args, json_t **result, char *err, size_t errlen,
			       void *arg)
{
	static const char *const allowed[] = { "address", NULL };
	struct bgpd *d = arg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	struct peer *p = daemon_ctl_peer_arg(d, args, &rc, err, errlen);
	if (!p)
		return rc;
	if ((rc = refuse_if_stopping(d, err, errlen)) != 0)
		return rc;
	if (p->admin_down)
		log_peer(LOG_NOTICE, p->name, "enabled (control socket)");
	p->admin_down = false;
	/* A running FSM ignores ManualStart (RFC 4271 §8.2.2): only Idle starts. */
	if (peer_state(p) == FSM_IDLE)
		manual_start(p);
	return done(result, err, errlen);
}

int daemon_ctl_neighbor_reset(const json_t *args, json_t **result, char *err, size_t errlen,
			      void *arg)
{
	static const char *const allowed[] = { "address", "soft", NULL };
	struct bgpd *d = arg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	struct peer *p = daemon_ctl_peer_arg(d, args, &rc, err, errlen);
	if (!p)
		return rc;
	const json_t *soft = json_object_get(args, "soft");
	const char *dir = json_string_value(soft);
	if (soft && (!dir || (strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0))) {
		snprintf(err, errlen, "\"soft\" must be \"in\" or \"out\"");
		return CONTROL_ERR_BAD_ARGS;
	}
	if ((rc = refuse_if_stopping(d, err, errlen)) != 0)
		return rc;
	if (p->admin_down) {
		snprintf(err, errlen, "neighbor %s is shut down; use neighbor enable", p->name);
		return CONTROL_ERR;
	}
	if (dir) {
		/* Soft: the session stays; in asks the peer for its routes again
		 * (ROUTE-REFRESH, RFC 2918 §3), out advertises ours again. */
		if (peer_state(p) != FSM_ESTABLISHED) {
			snprintf(err, errlen, "neighbor %s is not established", p->name);
			return CONTROL_ERR;
		}
		log_peer(LOG_NOTICE, p->name, "soft reset %s (control socket)", dir);
		rib_glue_policy_changed(p, dir[0] == 'i', dir[0] == 'o');
		return done(result, err, errlen);
	}
	/* Hard: Cease/Administrative Reset (RFC 4486 §4), then a new session. */
	log_peer(LOG_NOTICE, p->name, "reset (control socket)");
	peer_stop(p, BGP_CEASE_ADMIN_RESET, NULL);
	manual_start(p);
	return done(result, err, errlen);
}
