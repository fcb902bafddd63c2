/*
 * bgpd/control.c — the control socket server (see control.h, doc/control.md).
 *
 * DOC: one listening UNIX socket and a list of clients, all on the daemon's
 * libevent loop. Each client has an input and an output evbuffer and four events:
 *
 *   rev   EV_READ|EV_PERSIST, added while we want bytes: not when the input holds
 *         a full request's worth still to be handled, nor once the client has shut
 *         its side or is being closed;
 *   wev   EV_WRITE|EV_PERSIST, added only while output is pending (as OpenSMTPD's
 *         mproc_event_add does), so an idle client costs no wake-ups;
 *   idle  a timer re-armed by every byte read or written;
 *   work  activated by hand when a client's input holds more requests than one turn
 *         may handle (CONTROL_REQUESTS_PER_TURN), so one client that pipelines
 *         thousands of requests takes turns with the BGP sessions instead of
 *         starving their keepalives.
 *
 * Why plain events and not bufferevents: a bufferevent writes with writev(2),
 * which raises SIGPIPE when a client has gone; sendmsg(MSG_NOSIGNAL) does not, so
 * this file does not depend on the process ignoring SIGPIPE. Reading is sized by
 * hand so the input never holds more than one request line plus its "\n", and the
 * per-turn bound needs its own event anyway; bufferevents would hide none of it.
 *
 * Requests are handled synchronously in arrival order, so responses come back in
 * the order of the requests without numbering them.
 */
#include "bgpd/control.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/log.h"

/* Requests handled for one client before the loop gets its turn back. */
#define CONTROL_REQUESTS_PER_TURN 16u
/* Connections accepted per wake-up of the listening socket, for the same reason. */
#define CONTROL_ACCEPTS_PER_TURN  16u
/* Connections waiting to be accepted: as many as may be served at once, so a
 * burst of clients (a monitoring run) is not refused while the loop is busy. */
#define CONTROL_LISTEN_BACKLOG    ((int)CONTROL_MAX_CLIENTS)
/* Out of descriptors or memory, accept(2) fails at once while the connection
 * waits in the backlog: pause accepting instead of spinning on it. */
#define CONTROL_ACCEPT_BACKOFF_MS 1000u
/* Buffers of output gathered into one sendmsg(2). */
#define CONTROL_WRITE_IOVS        16
/* How much of an unknown command or member name an error message quotes. */
#define CONTROL_QUOTE_MAX         64

enum { CL_ALIVE, CL_GONE };

struct control_cmd {
	char *name;
	control_handler fn;
	void *arg;
};

struct control_client {
	LIST_ENTRY(control_client) entry;
	struct control *ctl;
	int fd;
	uint64_t id;                    /* for the log */
	long uid, pid;                  /* SO_PEERCRED; -1 if unknown */
	struct event *rev, *wev, *idle, *work;
	struct evbuffer *in, *out;
	size_t scanned;                 /* leading bytes of in known to hold no "\n" */
	bool eof;                       /* the client shut its side */
	bool closing;                   /* close once the output is flushed */
};

struct control {
	struct event_base *base;
	char *path;
	int fd;
	struct event *lev;              /* the listening socket */
	struct event *backoff;          /* accept paused after EMFILE and the like */
	dev_t dev;                      /* the socket file we created, so that */
	ino_t ino;                      /* close removes only that one */
	struct control_cmd *cmds;
	size_t n_cmds;
	LIST_HEAD(, control_client) clients;
	unsigned n_clients;
	uint64_t next_id;
	struct timeval idle_tv;
	bool in_handler;                /* a handler is running */
	bool closed;                    /* control_close() was called by that handler */
};

static void control_free(struct control *c);

/* ---- responses ---------------------------------------------------------- */

/*
 * A message for the "error" member: valid UTF-8 (jansson refuses anything else)
 * and no control characters but, when keep_newlines, "\n" (reload's list), so
 * that a client's own bytes quoted back cannot smuggle terminal escapes into
 * whatever displays the message.
 */
static json_t *error_text(const char *msg, bool keep_newlines)
{
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)msg[i];
		s[i] = (ch < 0x20 && !(keep_newlines && ch == '\n')) || ch == 0x7f ? '?' : (char)ch;
	}
	s[n] = '\0';
	json_t *j = json_stringn(s, n);
	if (!j) {
		/* Not UTF-8: keep the ASCII, mark the rest. */
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] >= 0x80)
				s[i] = '?';
		j = json_stringn(s, n);
	}
	free(s);
	return j;
}

static json_t *response_error(const char *code, bool keep_newlines, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static json_t *response_error(const char *code, bool keep_newlines, const char *fmt, ...)
{
	char msg[CONTROL_HANDLER_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *r = json_object();
	if (!r)
		return NULL;
	if (json_object_set_new(r, CONTROL_KEY_OK, json_false()) < 0 ||
	    json_object_set_new(r, CONTROL_KEY_ERROR, error_text(msg, keep_newlines)) < 0 ||
	    json_object_set_new(r, CONTROL_KEY_CODE, json_string(code)) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

static json_t *response_ok(json_t *result)
{
	json_t *r = json_object();
	if (!r || json_object_set_new(r, CONTROL_KEY_OK, json_true()) < 0 ||
	    json_object_set_new(r, CONTROL_KEY_RESULT, result) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

/* A quotable copy of at most CONTROL_QUOTE_MAX bytes of a name from a client. */
static void quote_name(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t max = dstlen - 4;
	if (n > max) {
		memcpy(dst, s, max);
		memcpy(dst + max, "...", 4);
	} else {
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
}

/* ---- commands ----------------------------------------------------------- */

/* Lowercase words of [a-z0-9-], single spaces between them. */
static bool command_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CONTROL_COMMAND_MAX || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == ' ') {
			if (s[i + 1] == ' ')
				return false;
		} else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
			return false;
		}
	}
	return true;
}

static const struct control_cmd *command_find(const struct control *c, const char *name, size_t n)
{
	for (size_t i = 0; i < c->n_cmds; i++)
		if (strlen(c->cmds[i].name) == n && memcmp(c->cmds[i].name, name, n) == 0)
			return &c->cmds[i];
	return NULL;
}

int control_register(struct control *c, const char *command, control_handler fn, void *arg)
{
	if (!c || !command || !fn || !command_name_ok(command) ||
	    command_find(c, command, strlen(command)))
		return -1;
	struct control_cmd *v = realloc(c->cmds, (c->n_cmds + 1) * sizeof(*v));
	if (!v)
		return -1;
	c->cmds = v;
	char *name = strdup(command);
	if (!name)
		return -1;
	c->cmds[c->n_cmds++] = (struct control_cmd){ name, fn, arg };
	return 0;
}

static const char *handler_code(int rc)
{
	switch (rc) {
	case CONTROL_ERR: return CONTROL_CODE_FAILED;
	case CONTROL_ERR_BAD_ARGS: return CONTROL_CODE_BAD_ARGUMENTS;
	case CONTROL_ERR_NOT_FOUND: return CONTROL_CODE_NOT_FOUND;
	default: return CONTROL_CODE_INTERNAL;
	}
}

/* Runs the handler of a well-formed request; always returns a response (or NULL
 * when out of memory). */
static json_t *run_handler(struct control *c, const struct control_cmd *cmd, const json_t *args)
{
	/* Copied: a handler may register commands, moving c->cmds. */
	control_handler fn = cmd->fn;
	void *arg = cmd->arg;
	char name[CONTROL_COMMAND_MAX + 1];
	snprintf(name, sizeof(name), "%s", cmd->name);

	char *err = calloc(1, CONTROL_HANDLER_ERR_MAX);
	if (!err)
		return NULL;
	json_t *result = NULL;
	c->in_handler = true;
	int rc = fn(args, &result, err, CONTROL_HANDLER_ERR_MAX, arg);
	c->in_handler = false;
	err[CONTROL_HANDLER_ERR_MAX - 1] = '\0';

	json_t *resp;
	if (rc == 0 && result) {
		resp = response_ok(result);
	} else if (rc == 0) {
		log_msg(LOG_ERR, "control: the handler of \"%s\" returned no result", name);
		resp = response_error(CONTROL_CODE_INTERNAL, false, "%s: no result", name);
	} else {
		json_decref(result);
		if (rc != CONTROL_ERR && rc != CONTROL_ERR_BAD_ARGS && rc != CONTROL_ERR_NOT_FOUND &&
		    rc != CONTROL_ERR_INTERNAL)
			log_msg(LOG_ERR, "control: the handler of \"%s\" returned %d", name, rc);
		resp = response_error(handler_code(rc), true, "%s", err[0] ? err : "command failed");
	}
	free(err);
	return resp;
}

/*
 * The response to one request line: req is what json_loadb made of it (NULL with
 * je when it was not JSON).
 */
static json_t *answer(struct control *c, const json_t *req, const json_error_t *je)
{
	char q[CONTROL_QUOTE_MAX + 4];

	if (!req)
		return response_error(CONTROL_CODE_BAD_REQUEST, false, "invalid JSON at column %d: %s",
				      je->column, je->text);
	if (!json_is_object(req))
		return response_error(CONTROL_CODE_BAD_REQUEST, false,
				      "a request is a JSON object, not %s",
				      json_is_array(req) ? "an array" : "a scalar");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)req, key, v) {
		if (strcmp(key, CONTROL_KEY_COMMAND) != 0 && strcmp(key, CONTROL_KEY_ARGS) != 0) {
			/* Refused rather than ignored: a misspelt "arg" would run the command
			 * without its arguments. */
			quote_name(q, sizeof(q), key, strlen(key));
			return response_error(CONTROL_CODE_BAD_REQUEST, false,
					      "unknown member \"%s\" in the request", q);
		}
	}
	const json_t *cmd = json_object_get(req, CONTROL_KEY_COMMAND);
	if (!cmd)
		return response_error(CONTROL_CODE_BAD_REQUEST, false, "the request has no \"command\"");
	if (!json_is_string(cmd))
		return response_error(CONTROL_CODE_BAD_REQUEST, false, "\"command\" must be a string");
	const json_t *args = json_object_get(req, CONTROL_KEY_ARGS);
	if (args && !json_is_null(args) && !json_is_object(args))
		return response_error(CONTROL_CODE_BAD_REQUEST, false, "\"args\" must be an object");

	const char *name = json_string_value(cmd);
	size_t n = json_string_length(cmd);
	const struct control_cmd *h = command_find(c, name, n);
	if (!h) {
		quote_name(q, sizeof(q), name, n);
		return response_error(CONTROL_CODE_UNKNOWN_COMMAND, false, "unknown command \"%s\"", q);
	}
	json_t *empty = NULL;
	if (!args || json_is_null(args))
		args = empty = json_object();
	if (!args)
		return NULL;
	json_t *resp = run_handler(c, h, args);
	json_decref(empty);
	return resp;
}

/* ---- clients ------------------------------------------------------------ */

static void client_free(struct control_client *cl, const char *why)
{
	struct control *c = cl->ctl;
	if (why)
		log_msg(LOG_INFO, "control: client %llu (uid %ld, pid %ld) dropped: %s",
			(unsigned long long)cl->id, cl->uid, cl->pid, why);
	else
		log_msg(LOG_DEBUG, "control: client %llu disconnected", (unsigned long long)cl->id);
	LIST_REMOVE(cl, entry);
	c->n_clients--;
	event_free(cl->rev);
	event_free(cl->wev);
	event_free(cl->idle);
	event_free(cl->work);
	evbuffer_free(cl->in);
	evbuffer_free(cl->out);
	close(cl->fd);
	free(cl);
}

static void client_touch(struct control_client *cl)
{
	evtimer_add(cl->idle, &cl->ctl->idle_tv);
}

/* Reading is wanted unless the input already holds a whole request's worth still
 * to be handled, or the client is done sending. */
static void client_update_read(struct control_client *cl)
{
	bool want = !cl->eof && !cl->closing && evbuffer_get_length(cl->in) <= CONTROL_REQUEST_MAX;
	bool have = event_pending(cl->rev, EV_READ, NULL) != 0;
	if (want && !have)
		event_add(cl->rev, NULL);
	else if (!want && have)
		event_del(cl->rev);
}

/* Sends what the socket takes now; write events stay asked for only while output
 * is pending. */
static int client_flush(struct control_client *cl)
{
	while (evbuffer_get_length(cl->out) > 0) {
		struct evbuffer_iovec v[CONTROL_WRITE_IOVS];
		struct iovec iov[CONTROL_WRITE_IOVS];
		int n = evbuffer_peek(cl->out, -1, NULL, v, CONTROL_WRITE_IOVS);
		if (n > CONTROL_WRITE_IOVS)
			n = CONTROL_WRITE_IOVS;
		for (int i = 0; i < n; i++) {
			iov[i].iov_base = v[i].iov_base;
			iov[i].iov_len = v[i].iov_len;
		}
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)n };
		ssize_t w = sendmsg(cl->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* EPIPE, ECONNRESET: the client went away mid-response. */
			client_free(cl, NULL);
			return CL_GONE;
		}
		evbuffer_drain(cl->out, (size_t)w);
		client_touch(cl);
	}
	if (evbuffer_get_length(cl->out) == 0) {
		event_del(cl->wev);
		if (cl->closing) {
			client_free(cl, NULL);
			return CL_GONE;
		}
	} else if (!event_pending(cl->wev, EV_WRITE, NULL)) {
		event_add(cl->wev, NULL);
	}
	return CL_ALIVE;
}

struct dump_ctx {
	struct evbuffer *b;
	size_t n;
	bool over;
};

static int dump_cb(const char *buf, size_t size, void *arg)
{
	struct dump_ctx *d = arg;
	/* Room is kept for the "\n". */
	if (size > CONTROL_OUTPUT_MAX - 1 - d->n) {
		d->over = true;
		return -1;
	}
	d->n += size;
	return evbuffer_add(d->b, buf, size);
}

/* Encodes one response as a line into a fresh buffer (NULL: out of memory). */
static struct evbuffer *encode(json_t *resp, bool *over)
{
	struct evbuffer *b = evbuffer_new();
	if (!b)
		return NULL;
	struct dump_ctx d = { b, 0, false };
	if (json_dump_callback(resp, dump_cb, &d, JSON_COMPACT) < 0 || evbuffer_add(b, "\n", 1) < 0) {
		*over = d.over;
		evbuffer_free(b);
		return NULL;
	}
	return b;
}

/* Queues resp (consumed) and sends what can be sent. A client whose unread output
 * would pass CONTROL_OUTPUT_MAX is dropped. */
static int client_send(struct control_client *cl, json_t *resp)
{
	bool over = false;
	struct evbuffer *line = resp ? encode(resp, &over) : NULL;
	json_decref(resp);
	if (!line) {
		json_t *e = over ? response_error(CONTROL_CODE_TOO_LARGE, false,
						  "the response is larger than %u bytes; narrow the query",
						  CONTROL_OUTPUT_MAX)
				 : response_error(CONTROL_CODE_INTERNAL, false,
						  "cannot encode the response");
		if (e)
			line = encode(e, &over);
		json_decref(e);
		if (!line) {
			client_free(cl, "out of memory");
			return CL_GONE;
		}
	}
	size_t pending = evbuffer_get_length(cl->out);
	if (evbuffer_get_length(line) > CONTROL_OUTPUT_MAX - pending) {
		evbuffer_free(line);
		client_free(cl, "it does not read its responses (output buffer full)");
		return CL_GONE;
	}
	evbuffer_add_buffer(cl->out, line);
	evbuffer_free(line);
	return client_flush(cl);
}

/* The one error that ends a connection: past a too-long line there is no telling
 * where the next request would begin. */
static int client_too_large(struct control_client *cl)
{
	cl->closing = true;
	evbuffer_drain(cl->in, evbuffer_get_length(cl->in));
	client_update_read(cl);
	log_msg(LOG_INFO, "control: client %llu sent a request longer than %u bytes",
		(unsigned long long)cl->id, CONTROL_REQUEST_MAX);
	return client_send(cl, response_error(CONTROL_CODE_TOO_LARGE, false,
					      "request longer than %u bytes", CONTROL_REQUEST_MAX));
}

/* Only spaces, tabs and a "\r" (a client ending lines in CRLF). */
static bool blank(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* Handles one complete line of n bytes at the front of the input, "\n" excluded. */
static int client_line(struct control_client *cl, size_t n)
{
	struct control *c = cl->ctl;
	const unsigned char *p = evbuffer_pullup(cl->in, (ev_ssize_t)n + 1);
	if (!p) {
		client_free(cl, "out of memory");
		return CL_GONE;
	}
	if (blank(p, n)) {
		evbuffer_drain(cl->in, n + 1);
		return CL_ALIVE;
	}
	json_error_t je;
	json_t *req = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &je);
	/* Consumed before the handler runs: it may close this client. */
	evbuffer_drain(cl->in, n + 1);
	if (req && json_is_object(req) && json_is_string(json_object_get(req, CONTROL_KEY_COMMAND)))
		log_msg(LOG_DEBUG, "control: client %llu: %s", (unsigned long long)cl->id,
			json_string_value(json_object_get(req, CONTROL_KEY_COMMAND)));
	json_t *resp = answer(c, req, &je);
	json_decref(req);
	if (c->closed) {
		/* The handler closed the control socket: this answer still goes out, as
		 * far as the socket takes it now, then everything is released. */
		cl->closing = true;
		if (resp)
			client_send(cl, resp);
		control_free(c);
		return CL_GONE;
	}
	return client_send(cl, resp);
}

/* Handles the complete requests in the input, at most CONTROL_REQUESTS_PER_TURN. */
static int client_process(struct control_client *cl)
{
	for (unsigned i = 0; i < CONTROL_REQUESTS_PER_TURN; i++) {
		if (cl->closing)
			return CL_ALIVE;
		size_t len = evbuffer_get_length(cl->in);
		struct evbuffer_ptr at;
		ev_ssize_t eol = -1;
		/* Search only bytes not searched before: a request dribbled one byte at
		 * a time must not cost a scan of the whole buffer per byte. */
		if (cl->scanned < len && evbuffer_ptr_set(cl->in, &at, cl->scanned, EVBUFFER_PTR_SET) == 0)
			eol = evbuffer_search(cl->in, "\n", 1, &at).pos;
		if (eol < 0) {
			cl->scanned = len;
			if (len > CONTROL_REQUEST_MAX)
				return client_too_large(cl);
			if (cl->eof) {
				/* A partial request at the end of input is never answered. */
				cl->closing = true;
				evbuffer_drain(cl->in, len);
				return client_flush(cl);
			}
			return CL_ALIVE;
		}
		cl->scanned = 0;
		if ((size_t)eol > CONTROL_REQUEST_MAX)
			return client_too_large(cl);
		if (client_line(cl, (size_t)eol) == CL_GONE)
			return CL_GONE;
	}
	/* More may be waiting: continue after the loop's other events. */
	event_active(cl->work, EV_TIMEOUT, 0);
	return CL_ALIVE;
}

static void on_client_read(evutil_socket_t fd, short what, void *arg)
{
	struct control_client *cl = arg;
	size_t have = evbuffer_get_length(cl->in);
	/* Never more than one request line and its "\n" in the buffer. */
	size_t room = have <= CONTROL_REQUEST_MAX ? CONTROL_REQUEST_MAX + 1 - have : 0;
	if (room == 0) {
		client_update_read(cl);
		return;
	}
	int n = evbuffer_read(cl->in, fd, (int)room);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		client_free(cl, NULL);
		return;
	}
	if (n == 0)
		cl->eof = true;
	else
		client_touch(cl);
	if (client_process(cl) == CL_GONE)
		return;
	client_update_read(cl);
}

static void on_client_write(evutil_socket_t fd, short what, void *arg)
{
	client_flush(arg);
}

static void on_client_work(evutil_socket_t fd, short what, void *arg)
{
	struct control_client *cl = arg;
	if (client_process(cl) == CL_GONE)
		return;
	client_update_read(cl);
}

static void on_client_idle(evutil_socket_t fd, short what, void *arg)
{
	client_free(arg, "idle too long");
}

static void client_new(struct control *c, int fd)
{
	struct control_client *cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->ctl = c;
	cl->fd = fd;
	cl->id = ++c->next_id;
	cl->uid = cl->pid = -1;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && len == sizeof(cred)) {
		cl->uid = (long)cred.uid;
		cl->pid = (long)cred.pid;
	}
	cl->rev = event_new(c->base, fd, EV_READ | EV_PERSIST, on_client_read, cl);
	cl->wev = event_new(c->base, fd, EV_WRITE | EV_PERSIST, on_client_write, cl);
	cl->idle = evtimer_new(c->base, on_client_idle, cl);
	cl->work = event_new(c->base, -1, 0, on_client_work, cl);
	cl->in = evbuffer_new();
	cl->out = evbuffer_new();
	LIST_INSERT_HEAD(&c->clients, cl, entry);
	c->n_clients++;
	if (!cl->rev || !cl->wev || !cl->idle || !cl->work || !cl->in || !cl->out) {
		client_free(cl, "out of memory");
		return;
	}
	log_msg(LOG_DEBUG, "control: client %llu connected (uid %ld, pid %ld)",
		(unsigned long long)cl->id, cl->uid, cl->pid);
	event_add(cl->rev, NULL);
	client_touch(cl);
}

/* One line, best effort, to a connection we will not serve. */
static void refuse_busy(int fd)
{
	bool over = false;
	json_t *e = response_error(CONTROL_CODE_BUSY, false, "too many control clients (%u)",
				   CONTROL_MAX_CLIENTS);
	struct evbuffer *line = e ? encode(e, &over) : NULL;
	json_decref(e);
	if (line) {
		size_t n = evbuffer_get_length(line);
		const void *p = evbuffer_pullup(line, -1);
		if (p && send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* Nothing to do: the connection is closed either way. */
		}
		evbuffer_free(line);
	}
	close(fd);
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct control *c = arg;
	for (unsigned i = 0; i < CONTROL_ACCEPTS_PER_TURN; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: at most one line a backoff. */
			log_msg(LOG_WARNING, "control: accept on %s: %s; pausing for %u ms", c->path,
				strerror(errno), CONTROL_ACCEPT_BACKOFF_MS);
			struct timeval tv = { CONTROL_ACCEPT_BACKOFF_MS / 1000u,
					      (CONTROL_ACCEPT_BACKOFF_MS % 1000u) * 1000 };
			event_del(c->lev);
			evtimer_add(c->backoff, &tv);
			return;
		}
		if (c->n_clients >= CONTROL_MAX_CLIENTS) {
			log_msg(LOG_WARNING, "control: %u clients already, refusing one more",
				CONTROL_MAX_CLIENTS);
			refuse_busy(fd);
			continue;
		}
		client_new(c, fd);
	}
}

static void on_backoff(evutil_socket_t fd, short what, void *arg)
{
	struct control *c = arg;
	event_add(c->lev, NULL);
}

/* ---- the socket --------------------------------------------------------- */

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * What is at path now: 0 nothing (or a stale socket, removed), -1 with err set
 * when it is live or not ours to remove. A live daemon is recognised by its
 * accepting a connection; refused means nobody listens, so the file is stale.
 */
static int clear_path(const char *path, const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		fail(err, errlen, "cannot create control socket %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		fail(err, errlen, "control socket %s exists and is not a socket", path);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(err, errlen, "cannot create control socket %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	int e = errno;
	close(fd);
	/* EAGAIN: a listener whose backlog is full is still a listener. */
	if (rc == 0 || e == EAGAIN || e == EINPROGRESS) {
		fail(err, errlen, "control socket %s is in use", path);
		return -1;
	}
	if (e == ENOENT)
		return 0;
	if (e != ECONNREFUSED) {
		fail(err, errlen, "cannot probe control socket %s: %s", path, strerror(e));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		fail(err, errlen, "cannot remove stale control socket %s: %s", path, strerror(errno));
		return -1;
	}
	log_msg(LOG_NOTICE, "control: removed stale socket %s", path);
	return 0;
}

struct control *control_open(struct event_base *base, const char *path, mode_t mode, gid_t gid,
			     char *err, size_t errlen)
{
	struct sockaddr_un sa;
	if (!base || !path || !path[0]) {
		fail(err, errlen, "control socket: no path");
		return NULL;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fail(err, errlen, "control socket path %s is too long (at most %zu bytes)", path,
		     sizeof(sa.sun_path) - 1);
		return NULL;
	}
	if (mode & ~(mode_t)0777) {
		fail(err, errlen, "control socket %s: mode %04o is not a permission mode", path,
		     (unsigned)mode);
		return NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);

	if (clear_path(path, &sa, err, errlen) < 0)
		return NULL;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(err, errlen, "cannot create control socket %s: %s", path, strerror(errno));
		return NULL;
	}
	/* bind(2) makes the file with 0777 & ~umask. Made owner-only, it is never more
	 * open than asked for between bind and chmod; nobody can connect before listen
	 * anyway. The daemon is single-threaded, so the process-wide umask is safe to
	 * flip. */
	mode_t old = umask(0177);
	int rc = bind(fd, (const struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	umask(old);
	if (rc < 0) {
		fail(err, errlen, "cannot create control socket %s: %s", path, strerror(e));
		close(fd);
		return NULL;
	}
	struct stat st;
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0) {
		fail(err, errlen, "cannot set the group of control socket %s to %u: %s", path,
		     (unsigned)gid, strerror(errno));
		goto fail_bound;
	}
	if (chmod(path, mode) < 0) {
		fail(err, errlen, "cannot set the mode of control socket %s: %s", path, strerror(errno));
		goto fail_bound;
	}
	if (lstat(path, &st) < 0) {
		fail(err, errlen, "cannot create control socket %s: %s", path, strerror(errno));
		goto fail_bound;
	}
	if (listen(fd, CONTROL_LISTEN_BACKLOG) < 0) {
		fail(err, errlen, "cannot listen on control socket %s: %s", path, strerror(errno));
		goto fail_bound;
	}

	struct control *c = calloc(1, sizeof(*c));
	if (!c) {
		fail(err, errlen, "control socket %s: out of memory", path);
		goto fail_bound;
	}
	c->base = base;
	c->fd = fd;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	LIST_INIT(&c->clients);
	c->idle_tv.tv_sec = CONTROL_IDLE_TIMEOUT_S;
	c->path = strdup(path);
	c->lev = event_new(base, fd, EV_READ | EV_PERSIST, on_accept, c);
	c->backoff = evtimer_new(base, on_backoff, c);
	if (!c->path || !c->lev || !c->backoff || event_add(c->lev, NULL) < 0) {
		fail(err, errlen, "control socket %s: out of memory", path);
		control_free(c);     /* closes fd, removes the file */
		return NULL;
	}
	if (mode & 0002)
		log_msg(LOG_WARNING, "control socket %s has mode %04o: every local user can control bgpd",
			path, (unsigned)mode);
	return c;

fail_bound:
	close(fd);
	unlink(path);
	return NULL;
}

/* Stops accepting and removes the socket file, if it is still ours: after a
 * second daemon was refused, or the path was re-created, it may not be. */
static void stop_listening(struct control *c)
{
	if (c->lev) {
		event_free(c->lev);
		c->lev = NULL;
	}
	if (c->backoff) {
		event_free(c->backoff);
		c->backoff = NULL;
	}
	if (c->fd >= 0) {
		struct stat st;
		if (c->path && lstat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
			unlink(c->path);
		close(c->fd);
		c->fd = -1;
	}
}

static void control_free(struct control *c)
{
	stop_listening(c);
	while (!LIST_EMPTY(&c->clients))
		client_free(LIST_FIRST(&c->clients), NULL);
	for (size_t i = 0; i < c->n_cmds; i++)
		free(c->cmds[i].name);
	free(c->cmds);
	free(c->path);
	free(c);
}

void control_close(struct control *c)
{
	if (!c)
		return;
	if (c->in_handler) {
		/* Called by a handler: the path is free at once (for a new control
		 * socket there); the rest goes when the handler returns. */
		c->closed = true;
		stop_listening(c);
		return;
	}
	control_free(c);
}

unsigned control_client_count(const struct control *c)
{
	return c ? c->n_clients : 0;
}

void control_set_idle_timeout_ms(struct control *c, unsigned ms)
{
	c->idle_tv.tv_sec = ms / 1000u;
	c->idle_tv.tv_usec = (suseconds_t)(ms % 1000u) * 1000;
}

const char *control_path(const struct control *c)
{
	return c->path;
}
