/*
 * bgpd/daemon_ctl.c — the daemon's control socket: opened with the configured
 * path, mode and group, every command of doc/control.md registered on it, and
 * re-created when a reload changes those settings.
 *
 * The show commands are in daemon_ctl_show.c, the neighbour actions in
 * daemon_ctl_neighbor.c; this file keeps the socket, the command table, the
 * argument helpers they share, reload, and the route commands, which the
 * routing side answers (rib_glue_ctl_*).
 */
#include "bgpd/daemon_ctl.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/control.h"
#include "bgpd/daemon.h"
#include "bgpd/log.h"
#include "bgpd/rib_glue.h"

/* getgrnam_r's buffer when sysconf gives no hint, and the most we try. */
#define GROUP_BUF_DEFAULT 1024u
#define GROUP_BUF_MAX     (1u << 20)

/* The reload summary's words for a neighbour (bgpd/reload.c sum_add), sorted
 * into the lists of the reload result (doc/control.md "reload"). */
static const struct {
	const char *word;
	const char *list;
} reload_words[] = {
	{ "updated", "changed" },       /* LIVE: applied to the running session */
	{ "policy", "changed" },        /* POLICY: soft refresh */
	{ "reset", "changed" },         /* RESET: a new session */
	{ "added", "added" },
	{ "removed", "removed" },
};

/* ---- helpers shared by the handlers ------------------------------------ */

void daemon_ctl_put(json_t *o, const char *key, json_t *v, bool *ok)
{
	/* json_object_set_new() releases v itself when it fails. */
	if (!v || json_object_set_new(o, key, v) < 0)
		*ok = false;
}

json_t *daemon_ctl_text(const char *s)
{
	json_t *v = json_string(s);
	if (v)
		return v;
	char *c = strdup(s);
	if (!c)
		return NULL;
	/* Not UTF-8: keep the ASCII, which is all a NOTIFICATION's words are. */
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(c);
	free(c);
	return v;
}

int daemon_ctl_args_only(const json_t *args, const char *const *allowed, char *err,
			 size_t errlen)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)args, key, v) {
		bool known = false;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(key, *a) == 0;
		if (!known) {
			/* The client's bytes, cut; the server makes the message one
			 * printable line of UTF-8 (control.c error_text). */
			snprintf(err, errlen, "unknown argument \"%.64s\"", key);
			return CONTROL_ERR_BAD_ARGS;
		}
	}
	return 0;
}

struct peer *daemon_ctl_peer_arg(struct bgpd *d, const json_t *args, int *rc, char *err,
				 size_t errlen)
{
	const json_t *a = json_object_get(args, "address");
	struct tcp_ip ip;
	if (!a) {
		snprintf(err, errlen, "missing argument \"address\"");
		*rc = CONTROL_ERR_BAD_ARGS;
		return NULL;
	}
	/* A string holding a NUL would parse as its first part: refused. */
	if (!json_is_string(a) || strlen(json_string_value(a)) != json_string_length(a) ||
	    tcp_ip_parse(json_string_value(a), &ip) < 0) {
		snprintf(err, errlen, "\"address\" is not an IPv4 or IPv6 address");
		*rc = CONTROL_ERR_BAD_ARGS;
		return NULL;
	}
	struct peer *p = bgpd_find_peer(d, &ip);
	if (!p) {
		char txt[TCP_ADDRSTRLEN];
		snprintf(err, errlen, "neighbor %s is not configured", tcp_ip_str(&ip, txt, sizeof(txt)));
		*rc = CONTROL_ERR_NOT_FOUND;
	}
	return p;
}

/* ---- reload -------------------------------------------------------------- */

/* reload.c's summary ("10.0.0.2 reset, 10.0.0.4 added") into the result's
 * three lists of "neighbor ADDRESS". */
static int reload_result(const char *summary, json_t **result)
{
	json_t *r = json_object();
	bool ok = r != NULL;
	for (size_t i = 0; i < sizeof(reload_words) / sizeof(reload_words[0]) && ok; i++)
		if (!json_object_get(r, reload_words[i].list))
			daemon_ctl_put(r, reload_words[i].list, json_array(), &ok);
	for (const char *s = summary ? summary : ""; *s && ok;) {
		size_t n = strcspn(s, ",");
		const char *sp = memrchr(s, ' ', n);
		size_t alen = sp ? (size_t)(sp - s) : 0;
		for (size_t i = 0; sp && i < sizeof(reload_words) / sizeof(reload_words[0]); i++) {
			size_t wl = strlen(reload_words[i].word);
			if (n - alen - 1 != wl || memcmp(sp + 1, reload_words[i].word, wl) != 0)
				continue;
			json_t *item = json_sprintf("neighbor %.*s", (int)alen, s);
			if (!item || json_array_append_new(json_object_get(r, reload_words[i].list), item) < 0)
				ok = false;
			break;
		}
		s += n;
		while (*s == ',' || *s == ' ')
			s++;
	}
	if (!ok) {
		json_decref(r);
		return -1;
	}
	*result = r;
	return 0;
}

static int ctl_reload(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	static const char *const allowed[] = { NULL };
	struct bgpd *d = arg;
	int rc = daemon_ctl_args_only(args, allowed, err, errlen);
	if (rc)
		return rc;
	if (d->shutting_down) {
		snprintf(err, errlen, "bgpd is shutting down");
		return CONTROL_ERR;
	}
	char *summary = NULL;
	/* On errors nothing changed; err holds one FILE:LINE:COLUMN line each. */
	if (bgpd_reload(d, err, errlen, &summary) < 0) {
		log_msg(LOG_ERR, "reload (control socket) failed, the running configuration is kept");
		return CONTROL_ERR;
	}
	log_msg(LOG_NOTICE, "configuration reloaded (control socket)%s%s", summary ? ": " : "",
		summary ? summary : "");
	rc = reload_result(summary, result);
	free(summary);
	if (rc < 0) {
		snprintf(err, errlen, "reloaded, but out of memory for the answer");
		return CONTROL_ERR_INTERNAL;
	}
	return 0;
}

/* ---- routes: the routing side answers ----------------------------------- */

static int ctl_routes(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	return rib_glue_ctl_routes(arg, args, result, err, errlen);
}

static int ctl_announce(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	return rib_glue_ctl_announce(arg, args, result, err, errlen);
}

static int ctl_withdraw(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	return rib_glue_ctl_withdraw(arg, args, result, err, errlen);
}

/* ---- the socket ----------------------------------------------------------- */

static const struct {
	const char *name;
	control_handler fn;
} commands[] = {
	{ "show summary", daemon_ctl_show_summary },
	{ "show neighbors", daemon_ctl_show_neighbors },
	{ "show neighbor", daemon_ctl_show_neighbor },
	{ "show tcp", daemon_ctl_show_tcp },
	{ "show routes", ctl_routes },
	{ "announce", ctl_announce },
	{ "withdraw", ctl_withdraw },
	{ "neighbor shutdown", daemon_ctl_neighbor_shutdown },
	{ "neighbor enable", daemon_ctl_neighbor_enable },
	{ "neighbor reset", daemon_ctl_neighbor_reset },
	{ "reload", ctl_reload },
};

/* The group's id; (gid_t)-1 for none (the file keeps the daemon's group). A
 * group that does not exist is an error naming it. */
static int resolve_group(const char *name, gid_t *gid, char *err, size_t errlen)
{
	*gid = (gid_t)-1;
	if (!name)
		return 0;
	long hint = sysconf(_SC_GETGR_R_SIZE_MAX);
	size_t cap = hint > 0 ? (size_t)hint : GROUP_BUF_DEFAULT;
	for (;;) {
		char *buf = malloc(cap);
		if (!buf) {
			snprintf(err, errlen, "control socket group '%s': out of memory", name);
			return -1;
		}
		struct group gr, *found = NULL;
		int e = getgrnam_r(name, &gr, buf, cap, &found);
		if (e == 0 && found)
			*gid = found->gr_gid;
		free(buf);
		if (e == ERANGE && cap < GROUP_BUF_MAX) {
			cap *= 2;
			continue;
		}
		if (e == 0 && !found) {
			snprintf(err, errlen, "control socket group '%s' does not exist", name);
			return -1;
		}
		if (e != 0) {
			snprintf(err, errlen, "control socket group '%s': %s", name, strerror(e));
			return -1;
		}
		return 0;
	}
}

/* A control socket at path with every command. NULL with err. */
static struct control *open_socket(struct bgpd *d, const char *path, mode_t mode,
				   const char *group, char *err, size_t errlen)
{
	gid_t gid;
	if (resolve_group(group, &gid, err, errlen) < 0)
		return NULL;
	struct control *c = control_open(d->base, path, mode, gid, err, errlen);
	if (!c)
		return NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (control_register(c, commands[i].name, commands[i].fn, d) < 0) {
			snprintf(err, errlen, "control socket %s: cannot register \"%s\"", path,
				 commands[i].name);
			control_close(c);
			return NULL;
		}
	}
	log_msg(LOG_INFO, "control socket %s (mode %04o%s%s)", path, (unsigned)mode,
		group ? ", group " : "", group ? group : "");
	return c;
}

int bgpd_control_init(struct bgpd *d, char *err, size_t errlen)
{
	const struct bgpd_config *cfg = d->cfg;
	d->ctl = open_socket(d, cfg->control_socket, cfg->control_socket_mode,
			     cfg->control_socket_group, err, errlen);
	return d->ctl ? 0 : -1;
}

int bgpd_control_reopen(struct bgpd *d, const struct bgpd_config *old, char *err, size_t errlen)
{
	const struct bgpd_config *cfg = d->cfg;
	struct control *c;
	/* The socket's own path, not old's: a reopen that failed left it elsewhere. */
	if (!d->ctl || strcmp(control_path(d->ctl), cfg->control_socket) != 0) {
		/* A new path: the old socket serves until the new one works. */
		c = open_socket(d, cfg->control_socket, cfg->control_socket_mode,
				cfg->control_socket_group, err, errlen);
		if (!c)
			return -1;
		control_close(d->ctl);
		d->ctl = c;
		return 0;
	}
	/* The same path with another mode or group: the file must go first. */
	control_close(d->ctl);
	d->ctl = open_socket(d, cfg->control_socket, cfg->control_socket_mode,
			     cfg->control_socket_group, err, errlen);
	if (d->ctl)
		return 0;
	char again[256];
	d->ctl = open_socket(d, cfg->control_socket, old->control_socket_mode,
			     old->control_socket_group, again, sizeof(again));
	if (!d->ctl)
		log_msg(LOG_ERR, "control socket lost: %s", again);
	return -1;
}
