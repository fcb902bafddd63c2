/*
 * bgpd/daemon_ctl.h — what the daemon's control-command files share, and
 * bgpd_control_reopen for reload.c (start-up calls bgpd_control_init, declared
 * in bgpd/daemon.h).
 *
 *   daemon_ctl.c           the socket (open, group, re-create on reload), the
 *                          command table, argument helpers, reload and the
 *                          route commands handed to rib_glue
 *   daemon_ctl_show.c      show summary / neighbors / neighbor / tcp
 *   daemon_ctl_neighbor.c  neighbor shutdown / enable / reset
 *
 * Every handler has the control_handler signature (bgpd/control.h) with the
 * daemon (struct bgpd *) as its arg, and answers as doc/control.md defines.
 */
#ifndef BGPD_DAEMON_CTL_H
#define BGPD_DAEMON_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct bgpd;
struct bgpd_config;
struct peer;

/* After a reload that changed control-socket (path, mode or group; d->cfg is the
 * new configuration, old the previous one): re-create the socket as d->cfg says.
 * A new path is opened before the old socket closes, so a failure leaves it
 * serving; at the same path the old file goes first, and if the new mode or
 * group fails, old's are restored. -1 with err when the new socket could not be
 * made. Safe from a control handler (reload). */
int bgpd_control_reopen(struct bgpd *d, const struct bgpd_config *old, char *err, size_t errlen);

/* ---- helpers (daemon_ctl.c) ---- */

/* 0 if every member of args is named in allowed (NULL-terminated); else
 * CONTROL_ERR_BAD_ARGS naming the first stranger: a misspelt argument must not
 * run a command without it. */
int daemon_ctl_args_only(const json_t *args, const char *const *allowed, char *err,
			 size_t errlen);

/* The configured neighbour args["address"] names. NULL with *rc set:
 * CONTROL_ERR_BAD_ARGS (missing, not a string, not an address) or
 * CONTROL_ERR_NOT_FOUND (not configured). */
struct peer *daemon_ctl_peer_arg(struct bgpd *d, const json_t *args, int *rc, char *err,
				 size_t errlen);

/* o[key] = v, v taken over. A NULL v or a failed insertion (out of memory)
 * clears *ok, so a builder checks once at the end. */
void daemon_ctl_put(json_t *o, const char *key, json_t *v, bool *ok);

/* A JSON string of s, which should be UTF-8; bytes that are not (a message cut
 * in the middle of a character) become '?'. NULL only when out of memory. */
json_t *daemon_ctl_text(const char *s);

/* ---- handlers ---- */

/* daemon_ctl_show.c */
int daemon_ctl_show_summary(const json_t *args, json_t **result, char *err, size_t errlen,
			    void *arg);
int daemon_ctl_show_neighbors(const json_t *args, json_t **result, char *err, size_t errlen,
			      void *arg);
int daemon_ctl_show_neighbor(const json_t *args, json_t **result, char *err, size_t errlen,
			     void *arg);
int daemon_ctl_show_tcp(const json_t *args, json_t **result, char *err, size_t errlen,
			void *arg);

/* daemon_ctl_neighbor.c */
int daemon_ctl_neighbor_shutdown(const json_t *args, json_t **result, char *err, size_t errlen,
				 void *arg);
int daemon_ctl_neighbor_enable(const json_t *args, json_t **result, char *err, size_t errlen,
			       void *arg);
int daemon_ctl_neighbor_reset(const json_t *args, json_t **result, char *err, size_t errlen,
			      void *arg);

#endif /* BGPD_DAEMON_CTL_H */
