/*
 * bgpd/control.h — the daemon's control socket: a UNIX stream socket speaking
 * newline-delimited JSON (bgpd/control_proto.h, doc/control.md), served on the
 * daemon's libevent loop without ever blocking it.
 *
 * The daemon opens it, registers one handler per command ("show neighbors",
 * "neighbor shutdown", ...) and closes it at exit. Every byte a client sends is
 * treated as hostile: requests are bounded (CONTROL_REQUEST_MAX), a bad request
 * gets an error response and the connection stays usable, a client that floods,
 * stops reading (CONTROL_OUTPUT_MAX) or idles (CONTROL_IDLE_TIMEOUT_S) is dropped,
 * never the daemon.
 *
 * Access control is the socket file's mode and group: connect(2) on a UNIX socket
 * needs write permission on the file, which the kernel checks with the caller's
 * supplementary groups too. The peer's credentials (SO_PEERCRED) are logged.
 */
#ifndef BGPD_CONTROL_H
#define BGPD_CONTROL_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "bgpd/control_proto.h"

struct event_base;
struct control;

/* A client that sends nothing and reads nothing for this long is dropped. */
#define CONTROL_IDLE_TIMEOUT_S  300u

/* Clients served at once; one more is told "busy" and closed. */
#define CONTROL_MAX_CLIENTS     128u

/* The err buffer a handler gets: room for reload's list of problems. */
#define CONTROL_HANDLER_ERR_MAX 8192u

/*
 * What a handler returns besides 0 (success). The message in err (one line for a
 * human; several lines only when listing several problems, as reload does) goes
 * back as "error", the return value picks the "code".
 */
#define CONTROL_ERR             (-1)    /* the command failed: "failed" */
#define CONTROL_ERR_BAD_ARGS    (-2)    /* "bad-arguments" */
#define CONTROL_ERR_NOT_FOUND   (-3)    /* "not-found" */
#define CONTROL_ERR_INTERNAL    (-4)    /* "internal" */

/*
 * A command's handler. args is always a JSON object (empty when the request had
 * none); it belongs to the caller and lives only during the call. On success the
 * handler returns 0 with *result set to any JSON value, whose reference the
 * control socket takes over (it json_decref()s it). On failure it returns one of
 * the CONTROL_ERR* values with a message in err (errlen = CONTROL_HANDLER_ERR_MAX);
 * a *result set anyway is released. A handler may call control_close() on its own
 * control socket (reload re-creating it): the answer to the running request is
 * still sent, as far as the socket takes it at once.
 */
typedef int (*control_handler)(const json_t *args, json_t **result, char *err, size_t errlen,
			       void *arg);

/*
 * Creates the socket at path and serves it on base. Refuses ("control socket PATH
 * is in use") when something is listening there; replaces a stale socket file; never
 * removes a file that is not a socket. The socket file gets exactly mode (the
 * process umask does not matter) and, unless gid is (gid_t)-1, group gid. Returns
 * NULL with a one-line message in err, e.g. "cannot create control socket
 * /run/bgpd/bgpd.sock: No such file or directory". The directory is the caller's.
 */
struct control *control_open(struct event_base *base, const char *path, mode_t mode, gid_t gid,
			     char *err, size_t errlen);

/* Adds command (lowercase words [a-z0-9-] joined by single spaces, at most
 * CONTROL_COMMAND_MAX bytes). -1 if the name is malformed or already taken. */
int control_register(struct control *c, const char *command, control_handler fn, void *arg);

/* Drops every client, closes the socket and removes its file (only if the file
 * is still the one this control created). NULL is a no-op. */
void control_close(struct control *c);

/* Clients connected now (for tests and metrics). */
unsigned control_client_count(const struct control *c);

/* The idle timeout, CONTROL_IDLE_TIMEOUT_S by default; a client's next read or
 * write starts its new countdown. Tests shorten it. */
void control_set_idle_timeout_ms(struct control *c, unsigned ms);

/* The path the socket was created at. */
const char *control_path(const struct control *c);

#endif /* BGPD_CONTROL_H */
