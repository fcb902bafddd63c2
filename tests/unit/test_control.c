/*
 * tests/unit/test_control.c — the control socket server (bgpd/control.c) driven
 * by real UNIX-socket clients in this process on a real event_base, and bgpcli's
 * grammar, response parsing and tables (bgpd/control_cli*.c).
 *
 * The loop is pumped with EVLOOP_NONBLOCK until what a test waits for happens,
 * for a bounded number of turns (never a wall-clock threshold): client and server
 * share the kernel's socket buffers, so a few turns suffice when the server works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/control.h"
#include "bgpd/control_cli.h"
#include "bgpd/log.h"

/* Loop turns a test waits for something before failing. */
#define PUMP_TURNS 2000
#define BIG_RESPONSE (1024 * 1024)

struct fx {
	struct event_base *base;
	struct control *c;
	char dir[64];
	char path[100];        /* fits sun_path */
	int counter;            /* the "count" handler's */
};

/* ---- handlers ----------------------------------------------------------- */

static int h_echo(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	*result = json_deep_copy(args);
	return 0;
}

static int h_count(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	struct fx *f = arg;
	*result = json_integer(++f->counter);
	return 0;
}

static int h_fail(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	snprintf(err, errlen, "boom: it failed");
	*result = json_string("released, not sent");    /* must not leak */
	return CONTROL_ERR;
}

static int h_missing(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	snprintf(err, errlen, "neighbor 192.0.2.9 is not configured");
	return CONTROL_ERR_NOT_FOUND;
}

static int h_badargs(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	snprintf(err, errlen, "\"address\" is missing");
	return CONTROL_ERR_BAD_ARGS;
}

static int h_multiline(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	snprintf(err, errlen, "a.yaml:1:2: first\na.yaml:3:4: second\n");
	return CONTROL_ERR;
}

static int h_noresult(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	return 0;
}

static int h_weird(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	return 42;
}

/* A string of args.size bytes. */
static int h_big(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	size_t n = (size_t)json_integer_value(json_object_get(args, "size"));
	char *s = malloc(n + 1);
	if (!s)
		return CONTROL_ERR_INTERNAL;
	memset(s, 'x', n);
	s[n] = '\0';
	*result = json_stringn_nocheck(s, n);
	free(s);
	return 0;
}

/* Re-creating the socket from a handler, as reload does. */
static int h_close(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	struct fx *f = arg;
	control_close(f->c);
	f->c = NULL;
	*result = json_pack("{s:b}", "closed", 1);
	return 0;
}

/* Reload's case: the socket re-created at the same path from within a handler. */
static int h_recreate(const json_t *args, json_t **result, char *err, size_t errlen, void *arg)
{
	struct fx *f = arg;
	control_close(f->c);
	f->c = control_open(f->base, f->path, 0600, (gid_t)-1, err, errlen);
	if (!f->c)
		return CONTROL_ERR;
	if (control_register(f->c, "count", h_count, f) < 0)
		return CONTROL_ERR_INTERNAL;
	*result = json_pack("{s:b}", "recreated", 1);
	return 0;
}

static void register_all(struct fx *f)
{
	assert_int_equal(control_register(f->c, "echo", h_echo, f), 0);
	assert_int_equal(control_register(f->c, "count", h_count, f), 0);
	assert_int_equal(control_register(f->c, "fail", h_fail, f), 0);
	assert_int_equal(control_register(f->c, "show missing", h_missing, f), 0);
	assert_int_equal(control_register(f->c, "bad args", h_badargs, f), 0);
	assert_int_equal(control_register(f->c, "multiline", h_multiline, f), 0);
	assert_int_equal(control_register(f->c, "noresult", h_noresult, f), 0);
	assert_int_equal(control_register(f->c, "weird", h_weird, f), 0);
	assert_int_equal(control_register(f->c, "big", h_big, f), 0);
	assert_int_equal(control_register(f->c, "close", h_close, f), 0);
	assert_int_equal(control_register(f->c, "recreate", h_recreate, f), 0);
}

/* ---- fixture ------------------------------------------------------------ */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256] = "";
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_control.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/ctl.sock", f->dir);
	f->base = event_base_new();
	f->c = control_open(f->base, f->path, 0660, (gid_t)-1, err, sizeof(err));
	if (!f->c) {
		fprintf(stderr, "control_open: %s\n", err);
		return -1;
	}
	register_all(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	control_close(f->c);
	event_base_free(f->base);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void pump(struct fx *f)
{
	event_base_loop(f->base, EVLOOP_NONBLOCK);
}

/* ---- test clients ------------------------------------------------------- */

struct tc {
	int fd;
	char *buf;              /* received, not yet taken as lines */
	size_t n, cap;
	bool eof;
};

static int raw_connect(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static struct tc *tc_new(struct fx *f)
{
	struct tc *t = calloc(1, sizeof(*t));
	t->fd = raw_connect(f->path);
	assert_true(t->fd >= 0);
	return t;
}

static void tc_free(struct tc *t)
{
	if (t->fd >= 0)
		close(t->fd);
	free(t->buf);
	free(t);
}

/* Writes all of p, letting the server run while the socket is full. */
static void tc_write(struct fx *f, struct tc *t, const void *p, size_t n)
{
	const char *s = p;
	for (int turns = 0; n > 0; turns++) {
		assert_true(turns < PUMP_TURNS * 10);
		ssize_t w = send(t->fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return;         /* the server closed: what it answered is still readable */
		if (w < 0) {
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
			pump(f);
			continue;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void tc_puts(struct fx *f, struct tc *t, const char *s)
{
	tc_write(f, t, s, strlen(s));
}

/* Takes in what the socket holds now. */
static void tc_recv(struct tc *t)
{
	for (;;) {
		if (t->cap - t->n < 65536) {
			t->cap = t->cap ? t->cap * 2 : 65536;
			t->buf = realloc(t->buf, t->cap);
		}
		ssize_t r = recv(t->fd, t->buf + t->n, t->cap - t->n, 0);
		if (r > 0) {
			t->n += (size_t)r;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			t->eof = true;
		return;
	}
}

/* The next complete line, if one has arrived (pumping the loop meanwhile). */
static char *tc_try_line(struct tc *t)
{
	char *eol = t->n ? memchr(t->buf, '\n', t->n) : NULL;
	if (!eol)
		return NULL;
	size_t len = (size_t)(eol - t->buf);
	char *line = malloc(len + 1);
	memcpy(line, t->buf, len);
	line[len] = '\0';
	memmove(t->buf, eol + 1, t->n - len - 1);
	t->n -= len + 1;
	return line;
}

static char *tc_line(struct fx *f, struct tc *t)
{
	for (int i = 0; i < PUMP_TURNS; i++) {
		char *line = tc_try_line(t);
		if (line)
			return line;
		pump(f);
		tc_recv(t);
	}
	fail_msg("no response line");
	return NULL;
}

/* The next response, parsed; also checks it is one line of a JSON object. */
static json_t *tc_response(struct fx *f, struct tc *t)
{
	char *line = tc_line(f, t);
	json_error_t je;
	json_t *j = json_loads(line, 0, &je);
	if (!j)
		fail_msg("response is not JSON: %s (%s)", je.text, line);
	free(line);
	assert_true(json_is_object(j));
	assert_true(json_is_boolean(json_object_get(j, "ok")));
	return j;
}

static json_t *request(struct fx *f, struct tc *t, const char *line)
{
	tc_puts(f, t, line);
	return tc_response(f, t);
}

static void assert_error(json_t *r, const char *code)
{
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_non_null(json_string_value(json_object_get(r, "error")));
	assert_string_equal(json_string_value(json_object_get(r, "code")), code);
	json_decref(r);
}

static void assert_ok_int(json_t *r, json_int_t v)
{
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_integer_value(json_object_get(r, "result")), v);
	json_decref(r);
}

/* Pumps until the server has closed t (EOF after any pending output). */
static void tc_wait_eof(struct fx *f, struct tc *t)
{
	for (int i = 0; i < PUMP_TURNS && !t->eof; i++) {
		pump(f);
		tc_recv(t);
	}
	assert_true(t->eof);
}

static void wait_clients(struct fx *f, unsigned n)
{
	for (int i = 0; i < PUMP_TURNS && control_client_count(f->c) != n; i++)
		pump(f);
	assert_int_equal(control_client_count(f->c), n);
}

/* ---- the server --------------------------------------------------------- */

static void test_request_response(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	json_t *r = request(f, t, "{\"command\": \"echo\", \"args\": {\"a\": [1, \"two\"]}}\n");
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_t *want = json_pack("{s:[i,s]}", "a", 1, "two");
	assert_true(json_equal(json_object_get(r, "result"), want));
	json_decref(want);
	json_decref(r);

	/* No args: the handler gets an empty object. CRLF is accepted. */
	r = request(f, t, "{\"command\":\"echo\"}\r\n");
	assert_true(json_is_object(json_object_get(r, "result")));
	assert_int_equal(json_object_size(json_object_get(r, "result")), 0);
	json_decref(r);
	r = request(f, t, "{\"command\":\"echo\",\"args\":null}\n");
	assert_int_equal(json_object_size(json_object_get(r, "result")), 0);
	json_decref(r);

	/* Many requests on one connection, answered in order. */
	for (int i = 1; i <= 5; i++)
		assert_ok_int(request(f, t, "{\"command\":\"count\"}\n"), i);
	assert_int_equal(control_client_count(f->c), 1);
	tc_free(t);
	wait_clients(f, 0);
}

static void test_pipelined(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	/* Several in one write, blank lines between them ignored. */
	tc_puts(f, t, "{\"command\":\"count\"}\n\n  \n{\"command\":\"count\"}\n{\"command\":\"count\"}\n");
	for (int i = 1; i <= 3; i++)
		assert_ok_int(tc_response(f, t), i);

	/* More than one loop turn's worth: all answered, in order. */
	char *many = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&many, &len);
	for (int i = 0; i < 100; i++)
		fputs("{\"command\":\"count\"}\n", m);
	fclose(m);
	tc_write(f, t, many, len);
	free(many);
	for (int i = 4; i <= 103; i++)
		assert_ok_int(tc_response(f, t), i);
	tc_free(t);
}

static void test_split_request(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	const char *req = "{\"command\": \"count\"}\n";
	size_t half = strlen(req) / 2;
	tc_write(f, t, req, half);
	for (int i = 0; i < 50; i++) {
		pump(f);
		tc_recv(t);
	}
	/* A half-sent request waits, the loop is not blocked, nothing is answered. */
	assert_int_equal(t->n, 0);
	assert_false(t->eof);
	tc_puts(f, t, req + half);
	assert_ok_int(tc_response(f, t), 1);

	/* One byte at a time. */
	for (const char *p = req; *p; p++) {
		tc_write(f, t, p, 1);
		pump(f);
	}
	assert_ok_int(tc_response(f, t), 2);
	tc_free(t);
}

static void test_many_clients(void **state)
{
	struct fx *f = *state;
	enum { N = 50 };
	struct tc *t[N];
	char line[128];
	for (int i = 0; i < N; i++)
		t[i] = tc_new(f);
	for (int i = 0; i < N; i++) {
		snprintf(line, sizeof(line), "{\"command\":\"echo\",\"args\":{\"i\":%d}}\n", i);
		tc_puts(f, t[i], line);
	}
	wait_clients(f, N);
	/* Answered in reverse order of asking: each gets its own answer. */
	for (int i = N - 1; i >= 0; i--) {
		json_t *r = tc_response(f, t[i]);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "result"), "i")), i);
		json_decref(r);
	}
	for (int i = 0; i < N; i++)
		tc_free(t[i]);
	wait_clients(f, 0);
}

static void test_bad_requests(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	static const char *const bad[] = {
		"hello\n",
		"[1, 2]\n",
		"\"just a string\"\n",
		"42\n",
		"{}\n",
		"{\"command\": 5}\n",
		"{\"command\": null}\n",
		"{\"command\": \"echo\", \"args\": [1]}\n",
		"{\"command\": \"echo\", \"args\": \"x\"}\n",
		"{\"command\": \"echo\", \"arg\": {}}\n",           /* misspelt member */
		"{\"command\": \"echo\", \"command\": \"echo\"}\n", /* duplicate member */
		"{\"command\": \"echo\"} trailing\n",
		"{\"command\": \"ec\xff\xfeho\"}\n",                 /* not UTF-8 */
		"{\"command\": \"echo\\u0000\"}\n",                 /* NUL */
		"{\"command\": \"echo\",\n",                        /* cut by its newline */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_error(request(f, t, bad[i]), "bad-request");
		/* The connection keeps serving. */
		assert_ok_int(request(f, t, "{\"command\":\"count\"}\n"), (json_int_t)i + 1);
	}

	/* Nested far deeper than jansson parses. */
	char *deep = malloc(20002);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\n';
	deep[20001] = '\0';
	assert_error(request(f, t, deep), "bad-request");
	free(deep);

	/* A terminal escape sent as the command does not come back raw. */
	json_t *r = request(f, t, "{\"command\": \"\\u001b[2Jshow\"}\n");
	const char *msg = json_string_value(json_object_get(r, "error"));
	assert_non_null(msg);
	assert_null(strchr(msg, 0x1b));
	assert_error(r, "unknown-command");
	assert_int_equal(control_client_count(f->c), 1);
	tc_free(t);
}

static void test_unknown_command(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	json_t *r = request(f, t, "{\"command\": \"show secrets\"}\n");
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "show secrets"));
	assert_error(r, "unknown-command");
	/* Commands are matched exactly: prefixes are bgpcli's business. */
	assert_error(request(f, t, "{\"command\": \"ech\"}\n"), "unknown-command");
	assert_error(request(f, t, "{\"command\": \"echo \"}\n"), "unknown-command");
	assert_error(request(f, t, "{\"command\": \"\"}\n"), "unknown-command");

	/* A long name is quoted only in part. */
	char *line = malloc(20000);
	int n = snprintf(line, 20000, "{\"command\": \"");
	memset(line + n, 'z', 10000);
	snprintf(line + n + 10000, 20000 - (size_t)n - 10000, "\"}\n");
	r = request(f, t, line);
	free(line);
	assert_true(strlen(json_string_value(json_object_get(r, "error"))) < 200);
	assert_error(r, "unknown-command");
	tc_free(t);
}

static void test_handler_errors(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	json_t *r = request(f, t, "{\"command\":\"fail\"}\n");
	assert_string_equal(json_string_value(json_object_get(r, "error")), "boom: it failed");
	assert_null(json_object_get(r, "result"));
	assert_error(r, "failed");
	r = request(f, t, "{\"command\":\"show missing\",\"args\":{\"address\":\"192.0.2.9\"}}\n");
	assert_string_equal(json_string_value(json_object_get(r, "error")),
			    "neighbor 192.0.2.9 is not configured");
	assert_error(r, "not-found");
	assert_error(request(f, t, "{\"command\":\"bad args\"}\n"), "bad-arguments");
	assert_error(request(f, t, "{\"command\":\"noresult\"}\n"), "internal");
	assert_error(request(f, t, "{\"command\":\"weird\"}\n"), "internal");
	/* Several problems: one per line of "error", still one line on the wire. */
	r = request(f, t, "{\"command\":\"multiline\"}\n");
	assert_string_equal(json_string_value(json_object_get(r, "error")),
			    "a.yaml:1:2: first\na.yaml:3:4: second");
	assert_error(r, "failed");
	assert_ok_int(request(f, t, "{\"command\":\"count\"}\n"), 1);
	tc_free(t);
}

static void test_register(void **state)
{
	struct fx *f = *state;
	assert_int_equal(control_register(f->c, "echo", h_echo, f), -1);        /* taken */
	assert_int_equal(control_register(f->c, "Show x", h_echo, f), -1);
	assert_int_equal(control_register(f->c, "show  x", h_echo, f), -1);
	assert_int_equal(control_register(f->c, " show", h_echo, f), -1);
	assert_int_equal(control_register(f->c, "show ", h_echo, f), -1);
	assert_int_equal(control_register(f->c, "", h_echo, f), -1);
	assert_int_equal(control_register(f->c, "show\tx", h_echo, f), -1);
	assert_int_equal(control_register(f->c, "show x", NULL, f), -1);
	assert_int_equal(control_register(f->c, "neighbor soft-reset 2", h_echo, f), 0);
}

/* A line of exactly n bytes (without "\n") that is a valid echo request. */
static char *request_of_size(size_t n)
{
	static const char head[] = "{\"command\":\"echo\",\"args\":{\"pad\":\"";
	static const char tail[] = "\"}}";
	char *s = malloc(n + 2);
	size_t h = strlen(head), tl = strlen(tail);
	memcpy(s, head, h);
	memset(s + h, 'p', n - h - tl);
	memcpy(s + n - tl, tail, tl);
	s[n] = '\n';
	s[n + 1] = '\0';
	return s;
}

static void test_too_large(void **state)
{
	struct fx *f = *state;
	struct tc *other = tc_new(f);

	/* The largest request is served. */
	struct tc *t = tc_new(f);
	char *s = request_of_size(CONTROL_REQUEST_MAX);
	json_t *r = request(f, t, s);
	free(s);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);

	/* One byte more: too-large, and the connection is closed. */
	s = request_of_size(CONTROL_REQUEST_MAX + 1);
	r = request(f, t, s);
	free(s);
	assert_error(r, "too-large");
	tc_wait_eof(f, t);
	tc_free(t);

	/* No newline at all. */
	t = tc_new(f);
	s = malloc(3 * CONTROL_REQUEST_MAX);
	memset(s, ' ', 3 * CONTROL_REQUEST_MAX);
	tc_write(f, t, s, 3 * CONTROL_REQUEST_MAX);
	free(s);
	assert_error(tc_response(f, t), "too-large");
	tc_wait_eof(f, t);
	tc_free(t);

	/* The other client was served all along. */
	assert_ok_int(request(f, other, "{\"command\":\"count\"}\n"), 1);
	tc_free(other);
	wait_clients(f, 0);
}

static void test_response_too_large(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	char line[128];
	/* Larger than any response may be: an error instead, connection kept. */
	snprintf(line, sizeof(line), "{\"command\":\"big\",\"args\":{\"size\":%u}}\n", CONTROL_OUTPUT_MAX);
	assert_error(request(f, t, line), "too-large");
	snprintf(line, sizeof(line), "{\"command\":\"big\",\"args\":{\"size\":%d}}\n", BIG_RESPONSE);
	json_t *r = request(f, t, line);
	assert_int_equal(json_string_length(json_object_get(r, "result")), BIG_RESPONSE);
	json_decref(r);
	tc_free(t);
}

static void test_client_not_reading(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	struct tc *other = tc_new(f);
	char line[128];
	snprintf(line, sizeof(line), "{\"command\":\"big\",\"args\":{\"size\":%d}}\n", BIG_RESPONSE);
	/* Asks for far more than CONTROL_OUTPUT_MAX and reads none of it. */
	int asks = (int)(CONTROL_OUTPUT_MAX / BIG_RESPONSE) + 8;
	for (int i = 0; i < asks; i++)
		tc_puts(f, t, line);
	wait_clients(f, 1);
	/* Dropped; the other client is still served. */
	assert_ok_int(request(f, other, "{\"command\":\"count\"}\n"), 1);
	tc_wait_eof(f, t);
	tc_free(t);
	tc_free(other);
}

static void test_client_disconnects(void **state)
{
	struct fx *f = *state;
	char line[128];
	snprintf(line, sizeof(line), "{\"command\":\"big\",\"args\":{\"size\":%d}}\n", 4 * BIG_RESPONSE);

	/* Gone before the answer. */
	struct tc *t = tc_new(f);
	tc_puts(f, t, line);
	tc_free(t);
	wait_clients(f, 0);

	/* Gone in the middle of it. */
	t = tc_new(f);
	tc_puts(f, t, line);
	for (int i = 0; i < PUMP_TURNS && t->n == 0; i++) {
		pump(f);
		tc_recv(t);
	}
	assert_true(t->n > 0);
	assert_null(memchr(t->buf, '\n', t->n));
	tc_free(t);
	wait_clients(f, 0);

	/* Half-closed after the request: answered, then closed. */
	t = tc_new(f);
	tc_puts(f, t, "{\"command\":\"count\"}\n{\"command\":\"count\"}\n{\"command\":\"cou");
	shutdown(t->fd, SHUT_WR);
	assert_ok_int(tc_response(f, t), 1);
	assert_ok_int(tc_response(f, t), 2);
	tc_wait_eof(f, t);
	assert_int_equal(t->n, 0);      /* the partial request got no answer */
	tc_free(t);
	wait_clients(f, 0);
}

static void test_idle_timeout(void **state)
{
	struct fx *f = *state;
	control_set_idle_timeout_ms(f->c, 20);
	struct tc *t = tc_new(f);
	assert_ok_int(request(f, t, "{\"command\":\"count\"}\n"), 1);
	/* Nothing more: the idle timer is the only event left, so each blocking
	 * turn ends with it or with the accept. */
	for (int i = 0; i < 10 && control_client_count(f->c) > 0; i++)
		event_base_loop(f->base, EVLOOP_ONCE);
	assert_int_equal(control_client_count(f->c), 0);
	tc_wait_eof(f, t);
	tc_free(t);
}

static void test_busy(void **state)
{
	struct fx *f = *state;
	struct tc *t[CONTROL_MAX_CLIENTS];
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		t[i] = tc_new(f);
		if (i % 8 == 7)
			pump(f);        /* the listen backlog is short */
	}
	wait_clients(f, CONTROL_MAX_CLIENTS);
	struct tc *extra = tc_new(f);
	assert_error(tc_response(f, extra), "busy");
	tc_wait_eof(f, extra);
	tc_free(extra);
	assert_ok_int(request(f, t[0], "{\"command\":\"count\"}\n"), 1);
	tc_free(t[0]);
	wait_clients(f, CONTROL_MAX_CLIENTS - 1);
	extra = tc_new(f);
	assert_ok_int(request(f, extra, "{\"command\":\"count\"}\n"), 2);
	tc_free(extra);
	for (unsigned i = 1; i < CONTROL_MAX_CLIENTS; i++)
		tc_free(t[i]);
	wait_clients(f, 0);
}

static void test_close_from_handler(void **state)
{
	struct fx *f = *state;
	struct tc *t = tc_new(f);
	struct tc *other = tc_new(f);
	wait_clients(f, 2);
	json_t *r = request(f, t, "{\"command\":\"close\"}\n");
	assert_true(json_is_true(json_object_get(json_object_get(r, "result"), "closed")));
	json_decref(r);
	assert_null(f->c);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), -1);
	tc_wait_eof(f, t);
	tc_wait_eof(f, other);
	tc_free(t);
	tc_free(other);
}

static void test_recreate_from_handler(void **state)
{
	struct fx *f = *state;
	struct control *old = f->c;
	struct tc *t = tc_new(f);
	json_t *r = request(f, t, "{\"command\":\"recreate\"}\n");
	assert_true(json_is_true(json_object_get(json_object_get(r, "result"), "recreated")));
	json_decref(r);
	assert_non_null(f->c);
	assert_ptr_not_equal(f->c, old);
	/* The old connection ends; a new one reaches the new socket. */
	tc_wait_eof(f, t);
	tc_free(t);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	t = tc_new(f);
	assert_ok_int(request(f, t, "{\"command\":\"count\"}\n"), 1);
	tc_free(t);
}

static void test_close_with_clients(void **state)
{
	struct fx *f = *state;
	struct tc *a = tc_new(f), *b = tc_new(f);
	tc_puts(f, b, "{\"command\":");         /* half a request pending */
	wait_clients(f, 2);
	control_close(f->c);
	f->c = NULL;
	tc_recv(a);
	tc_recv(b);
	assert_true(a->eof);
	assert_true(b->eof);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), -1);
	assert_int_equal(raw_connect(f->path), -1);
	tc_free(a);
	tc_free(b);
}

/* ---- the socket file ---------------------------------------------------- */

static void test_in_use(void **state)
{
	struct fx *f = *state;
	char err[256], want[256];
	struct control *c2 = control_open(f->base, f->path, 0660, (gid_t)-1, err, sizeof(err));
	assert_null(c2);
	snprintf(want, sizeof(want), "control socket %s is in use", f->path);
	assert_string_equal(err, want);
	/* The refused attempt left the live socket alone. */
	struct tc *t = tc_new(f);
	assert_ok_int(request(f, t, "{\"command\":\"count\"}\n"), 1);
	tc_free(t);
}

static void test_stale_replaced(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	control_close(f->c);
	f->c = NULL;
	/* A socket file nobody listens on, as a crashed daemon leaves it. */
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	f->c = control_open(f->base, f->path, 0660, (gid_t)-1, err, sizeof(err));
	assert_non_null(f->c);
	register_all(f);
	struct tc *t = tc_new(f);
	assert_ok_int(request(f, t, "{\"command\":\"count\"}\n"), 1);
	tc_free(t);
}

static void test_not_a_socket(void **state)
{
	struct fx *f = *state;
	char err[256], want[256], path[160];
	snprintf(path, sizeof(path), "%s/file", f->dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_null(control_open(f->base, path, 0660, (gid_t)-1, err, sizeof(err)));
	snprintf(want, sizeof(want), "control socket %s exists and is not a socket", path);
	assert_string_equal(err, want);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);       /* not removed */
	unlink(path);

	assert_null(control_open(f->base, "/nonexistent-bgpd-test-dir/bgpd.sock", 0660, (gid_t)-1,
				 err, sizeof(err)));
	assert_string_equal(err, "cannot create control socket /nonexistent-bgpd-test-dir/bgpd.sock: "
				 "No such file or directory");

	char longpath[200];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_null(control_open(f->base, longpath, 0660, (gid_t)-1, err, sizeof(err)));
	assert_non_null(strstr(err, "too long"));
}

static void test_close_keeps_foreign_file(void **state)
{
	struct fx *f = *state;
	/* Someone replaced the socket file: close must not remove theirs. */
	unlink(f->path);
	int fd = open(f->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	control_close(f->c);
	f->c = NULL;
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(f->path);
}

static void check_mode(struct fx *f, mode_t umask_value, mode_t mode, gid_t gid)
{
	char err[256] = "";
	control_close(f->c);
	mode_t old = umask(umask_value);
	f->c = control_open(f->base, f->path, mode, gid, err, sizeof(err));
	umask(old);
	assert_non_null(f->c);
	struct stat st;
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	if (gid != (gid_t)-1)
		assert_int_equal(st.st_gid, gid);
	else
		assert_int_equal(st.st_gid, getegid());
}

static void test_mode_and_group(void **state)
{
	struct fx *f = *state;
	/* Whatever the umask, the file gets exactly the mode asked for. */
	check_mode(f, 0, 0660, (gid_t)-1);
	check_mode(f, 0077, 0660, (gid_t)-1);
	check_mode(f, 0777, 0600, (gid_t)-1);
	check_mode(f, 0, 0600, (gid_t)-1);
	if (geteuid() == 0) {
		check_mode(f, 0022, 0660, (gid_t)4242);
		check_mode(f, 0022, 0640, (gid_t)4243);
	} else {
		/* Our own group works for anyone. */
		check_mode(f, 0022, 0660, getegid());
	}
	char err[256];
	assert_null(control_open(f->base, "/tmp/x.sock", 01777, (gid_t)-1, err, sizeof(err)));
}

/* ---- bgpcli: grammar ---------------------------------------------------- */

/* Parses the words of cmd (split at spaces; "_" inside a word stands for a
 * space, so that a test can pass a quoted argument). */
static int parse_words(const char *cmd, struct cli_request *req, char *err, size_t errlen)
{
	char *copy = strdup(cmd), *argv[64];
	int argc = 0;
	for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
		for (char *p = w; *p; p++)
			if (*p == '_')
				*p = ' ';
		argv[argc++] = w;
	}
	int rc = cli_parse(argc, argv, req, err, errlen);
	free(copy);
	return rc;
}

static void assert_maps(const char *cmd, const char *command, const char *args_json)
{
	struct cli_request req;
	char err[512] = "";
	if (parse_words(cmd, &req, err, sizeof(err)) < 0)
		fail_msg("\"%s\": %s", cmd, err);
	assert_string_equal(req.command, command);
	json_t *want = json_loads(args_json, 0, NULL);
	assert_non_null(want);
	if (!json_equal(req.args, want)) {
		char *got = json_dumps(req.args, JSON_COMPACT);
		fail_msg("\"%s\": args %s, want %s", cmd, got, args_json);
	}
	json_decref(want);
	cli_request_free(&req);
}

static void assert_refused(const char *cmd, const char *msg_part)
{
	struct cli_request req;
	char err[512] = "";
	assert_int_equal(parse_words(cmd, &req, err, sizeof(err)), -1);
	if (!strstr(err, msg_part))
		fail_msg("\"%s\": error \"%s\" lacks \"%s\"", cmd, err, msg_part);
	assert_null(req.args);
}

static void test_cli_mapping(void **state)
{
	assert_maps("show summary", "show summary", "{}");
	assert_maps("sh su", "show summary", "{}");
	assert_maps("sh nei", "show neighbors", "{}");
	assert_maps("show neighbors", "show neighbors", "{}");
	assert_maps("show neighbor 10.0.0.2", "show neighbor", "{\"address\":\"10.0.0.2\"}");
	assert_maps("s n 2001:DB8:0:0::1", "show neighbor", "{\"address\":\"2001:db8::1\"}");
	assert_maps("show tcp", "show tcp", "{}");
	assert_maps("show routes", "show routes", "{}");
	assert_maps("sh ro 10.0.0.0/8", "show routes", "{\"prefix\":\"10.0.0.0/8\"}");
	assert_maps("sh ro --fam ipv6", "show routes", "{\"family\":\"ipv6\"}");
	assert_maps("show routes 2001:db8::/32 --neighbor 10.0.0.2 out --family ipv6", "show routes",
		    "{\"prefix\":\"2001:db8::/32\",\"neighbor\":\"10.0.0.2\",\"direction\":\"out\","
		    "\"family\":\"ipv6\"}");
	/* The direction defaults to what the neighbour sent us. */
	assert_maps("show routes --neighbor 10.0.0.2", "show routes",
		    "{\"neighbor\":\"10.0.0.2\",\"direction\":\"in\"}");
	assert_maps("show routes --neighbor 10.0.0.2 --family ipv4", "show routes",
		    "{\"neighbor\":\"10.0.0.2\",\"direction\":\"in\",\"family\":\"ipv4\"}");
	assert_maps("neighbor 10.0.0.2 shutdown", "neighbor shutdown", "{\"address\":\"10.0.0.2\"}");
	assert_maps("n 10.0.0.2 sh going down for maintenance", "neighbor shutdown",
		    "{\"address\":\"10.0.0.2\",\"message\":\"going down for maintenance\"}");
	assert_maps("neighbor 10.0.0.2 enable", "neighbor enable", "{\"address\":\"10.0.0.2\"}");
	assert_maps("neighbor 10.0.0.2 reset", "neighbor reset", "{\"address\":\"10.0.0.2\"}");
	assert_maps("neighbor 10.0.0.2 reset soft in", "neighbor reset",
		    "{\"address\":\"10.0.0.2\",\"soft\":\"in\"}");
	assert_maps("ne ::1 r s o", "neighbor reset", "{\"address\":\"::1\",\"soft\":\"out\"}");
	assert_maps("announce 192.0.2.0/24", "announce", "{\"prefix\":\"192.0.2.0/24\"}");
	assert_maps("announce 192.0.2.0/24 next-hop 10.0.0.1 community 65000:1 community no-export "
		    "large-community 65000:1:2 med 10 local-pref 200 as-path 65001_65002 origin igp",
		    "announce",
		    "{\"prefix\":\"192.0.2.0/24\",\"next_hop\":\"10.0.0.1\","
		    "\"communities\":[\"65000:1\",\"65535:65281\"],\"large_communities\":[\"65000:1:2\"],"
		    "\"med\":10,\"local_pref\":200,\"as_path\":[65001,65002],\"origin\":\"igp\"}");
	/* An unquoted AS path takes the numbers that follow. */
	assert_maps("ann 10.0.0.0/8 as 1 2 4294967295 o inc", "announce",
		    "{\"prefix\":\"10.0.0.0/8\",\"as_path\":[1,2,4294967295],\"origin\":\"incomplete\"}");
	assert_maps("announce 10.0.0.0/8 as-path _", "announce", "{\"prefix\":\"10.0.0.0/8\",\"as_path\":[]}");
	assert_maps("withdraw 2001:db8::/48", "withdraw", "{\"prefix\":\"2001:db8::/48\"}");
	assert_maps("reload", "reload", "{}");
	assert_maps("rel", "reload", "{}");
}

static void test_cli_errors(void **state)
{
	assert_refused("", "no command");
	assert_refused("frobnicate", "unknown command \"frobnicate\"");
	assert_refused("show", "incomplete command \"show\"; expected summary, neighbors, routes or tcp");
	/* Ambiguous prefixes name every candidate. */
	assert_refused("announce 10.0.0.0/8 l 5", "ambiguous \"l\": large-community, local-pref");
	assert_refused("show routes --", "ambiguous \"--\": --neighbor, --family");
	assert_refused("show neighbor 10.0.0.300", "bad address");
	assert_refused("show neighbor 10.0.0.2 extra", "unexpected \"extra\" after \"show neighbor 10.0.0.2\"");
	assert_refused("neighbor 10.0.0.2", "incomplete command");
	assert_refused("neighbor 10.0.0.2 reset soft", "expected in or out");
	assert_refused("neighbor 10.0.0.2 reset hard", "unexpected \"hard\"");
	assert_refused("announce 10.0.0.0/33", "bad prefix");
	assert_refused("announce 10.0.0.0", "bad prefix");
	assert_refused("announce ::/129", "bad prefix");
	assert_refused("announce 10.0.0.0/8 med 4294967296", "bad number");
	assert_refused("announce 10.0.0.0/8 med -1", "bad number");
	assert_refused("announce 10.0.0.0/8 med 1 med 2", "med given twice");
	assert_refused("announce 10.0.0.0/8 local-pref 1 local-pref 2", "local-pref given twice");
	assert_refused("announce 10.0.0.0/8 community 65536:1", "bad community");
	assert_refused("announce 10.0.0.0/8 community 1:2:3", "bad community");
	assert_refused("announce 10.0.0.0/8 large-community 1:2", "bad large community");
	assert_refused("announce 10.0.0.0/8 as-path 1_x", "bad AS path");
	assert_refused("announce 10.0.0.0/8 origin bgp", "unexpected \"bgp\"");
	assert_refused("announce 10.0.0.0/8 next-hop", "incomplete command");
	assert_refused("show routes 10.0.0.0/8 10.1.0.0/16", "prefix given twice");

	char bad_utf8[] = "neighbor 10.0.0.2 shutdown caf\xc3";
	assert_refused(bad_utf8, "not UTF-8");
}

static void test_cli_request_line(void **state)
{
	struct cli_request req;
	char err[256];
	assert_int_equal(parse_words("neighbor 10.0.0.2 shutdown say_\"hi\"\\", &req, err, sizeof(err)), 0);
	char *line = cli_request_line(&req);
	size_t n = strlen(line);
	assert_true(n > 0 && line[n - 1] == '\n');
	assert_null(memchr(line, '\n', n - 1));         /* one line */
	json_t *j = json_loads(line, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "command")), "neighbor shutdown");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "args"), "message")),
			    "say \"hi\"\\");
	json_decref(j);
	free(line);
	cli_request_free(&req);
}

/* bgpcli's request through the real server and back through its parser. */
static void test_cli_end_to_end(void **state)
{
	struct fx *f = *state;
	assert_int_equal(control_register(f->c, "announce", h_echo, f), 0);
	struct cli_request req;
	char err[256];
	assert_int_equal(parse_words("ann 10.0.0.0/8 community 1:2 med 5", &req, err, sizeof(err)), 0);
	char *line = cli_request_line(&req);
	struct tc *t = tc_new(f);
	tc_puts(f, t, line);
	free(line);
	char *resp_line = tc_line(f, t);
	struct cli_response resp;
	assert_int_equal(cli_response_parse(resp_line, strlen(resp_line), &resp, err, sizeof(err)), 0);
	assert_true(resp.ok);
	assert_true(json_equal(resp.result, req.args));
	char *out = NULL;
	size_t outlen = 0;
	FILE *m = open_memstream(&out, &outlen);
	assert_int_equal(cli_format(&req, resp.result, m, err, sizeof(err)), 0);
	fclose(m);
	assert_non_null(strstr(out, "announced 10.0.0.0/8\n"));
	free(out);
	cli_response_free(&resp);
	free(resp_line);
	cli_request_free(&req);
	tc_free(t);
}

/* ---- bgpcli: responses and output --------------------------------------- */

static void test_cli_response_parse(void **state)
{
	struct cli_response r;
	char err[256];
	const char *ok = "{\"ok\":true,\"result\":{\"x\":1}}";
	assert_int_equal(cli_response_parse(ok, strlen(ok), &r, err, sizeof(err)), 0);
	assert_true(r.ok);
	assert_int_equal(json_integer_value(json_object_get(r.result, "x")), 1);
	cli_response_free(&r);
	const char *okn = "{\"ok\":true,\"result\":null}";
	assert_int_equal(cli_response_parse(okn, strlen(okn), &r, err, sizeof(err)), 0);
	cli_response_free(&r);
	const char *e = "{\"ok\":false,\"error\":\"no such neighbor\",\"code\":\"not-found\"}";
	assert_int_equal(cli_response_parse(e, strlen(e), &r, err, sizeof(err)), 0);
	assert_false(r.ok);
	assert_string_equal(r.error, "no such neighbor");
	assert_string_equal(r.code, "not-found");
	cli_response_free(&r);

	static const char *const bad[] = {
		"", "nonsense", "[true]", "{\"ok\":1,\"result\":2}", "{\"result\":2}",
		"{\"ok\":true}", "{\"ok\":false}", "{\"ok\":false,\"error\":3}",
		"{\"ok\":true,\"ok\":true,\"result\":1}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cli_response_parse(bad[i], strlen(bad[i]), &r, err, sizeof(err)), -1);
		assert_null(r.root);
	}
}

static void test_cli_duration_printable(void **state)
{
	char b[32];
	cli_format_duration(0, b, sizeof(b));
	assert_string_equal(b, "00:00:00");
	cli_format_duration(754, b, sizeof(b));
	assert_string_equal(b, "00:12:34");
	cli_format_duration(86399, b, sizeof(b));
	assert_string_equal(b, "23:59:59");
	cli_format_duration(86400, b, sizeof(b));
	assert_string_equal(b, "1d00h00m");
	cli_format_duration(93780, b, sizeof(b));
	assert_string_equal(b, "1d02h03m");
	cli_format_duration(400 * 86400 + 59, b, sizeof(b));
	assert_string_equal(b, "400d00h00m");

	char *p = cli_printable("a\x1b[31mb\tc\x7f");
	assert_string_equal(p, "a\\x1b[31mb\\x09c\\x7f");
	free(p);
	p = cli_printable("caf\xc3\xa9 \xe2\x80\xae evil \xc2\x9b \xff\xc3");
	assert_string_equal(p, "caf\xc3\xa9 \\u{202E} evil \\u{009B} \\xff\\xc3");
	free(p);
}

static char *format(const char *command, const char *args_json, const char *result_json, int *rc)
{
	struct cli_request req;
	memset(&req, 0, sizeof(req));
	snprintf(req.command, sizeof(req.command), "%s", command);
	req.args = json_loads(args_json, 0, NULL);
	json_t *res = json_loads(result_json, JSON_DECODE_ANY, NULL);
	assert_non_null(req.args);
	assert_non_null(res);
	char *out = NULL, err[256] = "";
	size_t n = 0;
	FILE *m = open_memstream(&out, &n);
	*rc = cli_format(&req, res, m, err, sizeof(err));
	fclose(m);
	json_decref(res);
	cli_request_free(&req);
	return out;
}

static void assert_format(const char *command, const char *args, const char *result, const char *want)
{
	int rc;
	char *out = format(command, args, result, &rc);
	assert_int_equal(rc, 0);
	if (strcmp(out, want) != 0)
		fail_msg("%s output:\n%s\nwant:\n%s", command, out, want);
	free(out);
}

static void test_cli_format_neighbors(void **state)
{
	assert_format("show neighbors", "{}",
		"{\"neighbors\":["
		"{\"address\":\"10.0.0.2\",\"remote_as\":65002,\"state\":\"Established\",\"uptime_s\":754,"
		"\"hold_time\":90,\"messages\":{\"in\":{\"total\":9},\"out\":{\"total\":12}},"
		"\"last_error\":null,\"prefixes_received\":10,\"prefixes_advertised\":2},"
		"{\"address\":\"2001:db8::2\",\"remote_as\":4200000000,\"state\":\"Idle\",\"uptime_s\":93780,"
		"\"hold_time\":180,\"messages\":{\"in\":{\"total\":0},\"out\":{\"total\":0}},"
		"\"last_error\":\"Cease/Administrative Shutdown: \\\"maintenance\\u001b\\\"\","
		"\"prefixes_received\":0,\"prefixes_advertised\":0},"
		"{\"address\":\"10.0.0.9\"}"
		"]}",
		"Neighbor             AS  State        Up/Down   Hold  MsgRcvd  MsgSent  PfxRcvd  PfxSent  Last error\n"
		"10.0.0.2          65002  Established  00:12:34    90        9       12       10        2  -\n"
		"2001:db8::2  4200000000  Idle         1d02h03m   180        0        0        0        0  Cease/Administrative Shutdown: \"maintenance\\x1b\"\n"
		"10.0.0.9              -  -            -            -        -        -        -        -  -\n");
	assert_format("show neighbors", "{}", "{\"neighbors\":[]}", "no neighbors\n");
	/* A result without its list is a protocol error, not an empty table. */
	int rc;
	free(format("show neighbors", "{}", "{\"peers\":[]}", &rc));
	assert_int_equal(rc, -1);
	free(format("show neighbors", "{}", "{\"neighbors\":[1]}", &rc));
	assert_int_equal(rc, -1);
	free(format("show neighbors", "{}", "[]", &rc));
	assert_int_equal(rc, -1);
}

static void test_cli_format_others(void **state)
{
	assert_format("show summary", "{}",
		"{\"router_id\":\"10.0.0.1\",\"local_as\":65001,\"neighbors_total\":3,"
		"\"neighbors_established\":2,\"routes\":{\"ipv4\":{\"loc_rib\":10,\"adj_rib_in\":12},"
		"\"ipv6\":{\"loc_rib\":0,\"adj_rib_in\":0}},\"rib_memory_bytes\":1572864,"
		"\"attribute_sets\":42,\"uptime_s\":61}",
		"Router ID       10.0.0.1\n"
		"Local AS        65001\n"
		"Uptime          00:01:01\n"
		"Neighbors       3 (2 established)\n"
		"RIB memory      1.5 MiB\n"
		"Attribute sets  42\n"
		"\n"
		"Family  Loc-RIB  Adj-RIB-In\n"
		"ipv4         10          12\n"
		"ipv6          0           0\n");
	assert_format("show routes", "{}",
		"{\"routes\":[{\"prefix\":\"10.0.0.0/8\",\"best\":true,\"from\":\"10.0.0.2\","
		"\"next_hop\":\"10.0.0.2\",\"as_path\":\"65002 65003\",\"origin\":\"igp\","
		"\"local_pref\":100,\"med\":null,\"communities\":[\"65002:1\"],"
		"\"large_communities\":[\"65002:1:2\"]},"
		"{\"prefix\":\"10.0.0.0/8\",\"best\":false,\"from\":\"10.0.0.3\",\"next_hop\":\"10.0.0.3\","
		"\"as_path\":\"\",\"origin\":\"incomplete\",\"local_pref\":100,\"med\":5,"
		"\"communities\":[],\"large_communities\":[]}]}",
		"   Prefix      Next hop  From      LocPref  MED  Origin      AS path      Communities\n"
		"*  10.0.0.0/8  10.0.0.2  10.0.0.2      100    -  igp         65002 65003  65002:1 65002:1:2\n"
		"   10.0.0.0/8  10.0.0.3  10.0.0.3      100    5  incomplete  (empty)      -\n");
	assert_format("show routes", "{}", "{\"routes\":[]}", "no routes\n");
	assert_format("reload", "{}", "{\"changed\":[],\"added\":[],\"removed\":[]}",
		      "configuration reloaded, nothing changed\n");
	assert_format("reload", "{}",
		      "{\"changed\":[\"neighbor 10.0.0.2\"],\"added\":[\"neighbor 10.0.0.4\",\"neighbor 10.0.0.5\"],"
		      "\"removed\":[]}",
		      "configuration reloaded\n"
		      "  changed  neighbor 10.0.0.2\n"
		      "  added    neighbor 10.0.0.4, neighbor 10.0.0.5\n");
	assert_format("neighbor shutdown", "{\"address\":\"10.0.0.2\"}", "{}",
		      "neighbor 10.0.0.2: shut down\n");
	assert_format("neighbor reset", "{\"address\":\"10.0.0.2\",\"soft\":\"in\"}", "{\"ok\":true}",
		      "neighbor 10.0.0.2: soft reset in\n");
	assert_format("withdraw", "{\"prefix\":\"10.0.0.0/8\"}", "{\"routes_withdrawn\":3}",
		      "withdrew 10.0.0.0/8\n"
		      "  routes_withdrawn:  3\n");
	assert_format("show tcp", "{}",
		"{\"connections\":[{\"state\":\"ESTABLISHED\",\"local\":\"10.0.0.1:179\","
		"\"remote\":\"10.0.0.2:40001\",\"sendq\":0,\"recvq\":0,\"srtt_us\":1500,\"rttvar_us\":250,"
		"\"rto_us\":200000,\"cwnd\":14600,\"ssthresh\":65535,\"mss\":1460,\"retransmits\":1,"
		"\"md5\":true,\"drops\":{\"bad_md5\":2}}],\"stack\":{\"segments_in\":10}}",
		"State        Local         Remote          SendQ  RecvQ  SRTT(ms)  RTTVar(ms)  RTO(ms)   Cwnd  Ssthresh   MSS  Retrans  MD5  Drops\n"
		"ESTABLISHED  10.0.0.1:179  10.0.0.2:40001      0      0       1.5         0.2    200.0  14600     65535  1460        1  yes  bad_md5=2\n"
		"\n"
		"Stack counters\n"
		"  segments_in  10\n");

	int rc;
	char *out = format("show neighbor", "{\"address\":\"10.0.0.2\"}",
		"{\"address\":\"10.0.0.2\",\"remote_as\":65002,\"state\":\"Established\","
		"\"description\":\"upstream\",\"peer_capabilities\":[\"route-refresh\",\"4-octet-as\"],"
		"\"messages\":{\"in\":{\"open\":1,\"update\":3,\"notification\":0,\"keepalive\":5,"
		"\"route_refresh\":0,\"total\":9},\"out\":{\"open\":1,\"total\":1}},"
		"\"connections\":[{\"state\":\"ESTABLISHED\",\"local\":\"10.0.0.1:179\","
		"\"remote\":\"10.0.0.2:40001\",\"srtt_us\":1000,\"rto_us\":200000,\"cwnd\":14600,"
		"\"retransmits\":0,\"md5\":false}]}", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Neighbor 10.0.0.2, remote AS 65002: Established\n"));
	assert_non_null(strstr(out, "  Description          upstream\n"));
	assert_non_null(strstr(out, "  Capabilities         route-refresh, 4-octet-as\n"));
	assert_non_null(strstr(out, "  route-refresh     0     -\n"));
	assert_non_null(strstr(out, "  ESTABLISHED  10.0.0.1:179  10.0.0.2:40001       1.0"));
	free(out);
}

int main(void)
{
	/* The server sends with MSG_NOSIGNAL; the tests' own sends do too. Quiet logs. */
	log_init("test_control", LOG_TO_STDERR, LOG_CRIT, 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipelined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handler_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_not_reading, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_disconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_from_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recreate_from_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_with_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_keeps_foreign_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_and_group, setup, teardown),
		cmocka_unit_test(test_cli_mapping),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_cli_request_line),
		cmocka_unit_test_setup_teardown(test_cli_end_to_end, setup, teardown),
		cmocka_unit_test(test_cli_response_parse),
		cmocka_unit_test(test_cli_duration_printable),
		cmocka_unit_test(test_cli_format_neighbors),
		cmocka_unit_test(test_cli_format_others),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
