/*
 * bgpd/control_proto.h — the control protocol's wire constants, shared by the
 * server (bgpd/control.c) and its client (bgpcli, bgpd/control_cli*.c).
 *
 * The protocol (doc/control.md): over a UNIX stream socket the client sends
 * requests and the server answers each with exactly one response, in order.
 * Each is one JSON object on one line ending in "\n":
 *
 *   request   {"command": "show neighbors", "args": {...}}
 *   response  {"ok": true, "result": ...}
 *          or {"ok": false, "error": "one line for a human", "code": "machine-word"}
 */
#ifndef BGPD_CONTROL_PROTO_H
#define BGPD_CONTROL_PROTO_H

/* Longest request line, without its "\n". Redis bounds an inline request the same
 * way (PROTO_INLINE_MAX_SIZE): a client cannot make the daemon buffer without end.
 * The largest real request (an announce with many communities) is a few KiB. */
#define CONTROL_REQUEST_MAX     (64u * 1024u)

/* Most output buffered for one client that is slow to read: past it the client is
 * dropped. One response larger than this is replaced by a "too-large" error, so it
 * is also the longest response line a client must be ready to read. */
#define CONTROL_OUTPUT_MAX      (16u * 1024u * 1024u)

/* The longest command name ("neighbor shutdown"); longer ones are unknown. */
#define CONTROL_COMMAND_MAX     64u

/* The request and response members. */
#define CONTROL_KEY_COMMAND     "command"
#define CONTROL_KEY_ARGS        "args"
#define CONTROL_KEY_OK          "ok"
#define CONTROL_KEY_RESULT      "result"
#define CONTROL_KEY_ERROR       "error"
#define CONTROL_KEY_CODE        "code"

/* Machine-readable error codes ("code" of a failed response). */
#define CONTROL_CODE_BAD_REQUEST     "bad-request"     /* not JSON, not an object, no command */
#define CONTROL_CODE_TOO_LARGE       "too-large"       /* request or response over its bound */
#define CONTROL_CODE_UNKNOWN_COMMAND "unknown-command"
#define CONTROL_CODE_BAD_ARGUMENTS   "bad-arguments"   /* the handler rejected args */
#define CONTROL_CODE_NOT_FOUND       "not-found"       /* e.g. no such neighbour */
#define CONTROL_CODE_FAILED          "failed"          /* the command ran and failed */
#define CONTROL_CODE_INTERNAL        "internal"        /* a bug in the daemon */
#define CONTROL_CODE_BUSY            "busy"            /* too many clients at once */

#endif /* BGPD_CONTROL_PROTO_H */
