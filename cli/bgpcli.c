/*
 * bgpcli — talks to bgpd over its control socket (doc/control.md, bgpcli(8)).
 *
 *   bgpcli [-s SOCKET] [-j] COMMAND...
 *
 * One request, one response, then exit with a code scripts can rely on. The
 * grammar and the output tables are in bgpd/control_cli*.c (so that the unit
 * tests reach them); this file is the command line and the socket.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/control_cli.h"
#include "config/config.h"      /* CONFIG_DEFAULT_SOCKET_PATH: one default for both */

/* Exit codes (bgpcli(8)). */
#define EXIT_OK          0      /* the daemon did it */
#define EXIT_REFUSED     1      /* the daemon answered with an error */
#define EXIT_USAGE       2      /* bad command line */
#define EXIT_UNREACHABLE 3      /* no socket, nobody listening, no permission, no answer */
#define EXIT_PROTOCOL    4      /* the answer is not a valid response */

#define ENV_SOCKET       "BGPCLI_SOCKET"
/* How long to wait for the daemon: a reload or a full table takes a while, a
 * daemon stuck this long is as good as unreachable. */
#define CLI_TIMEOUT_MS   (120 * 1000)
#define READ_CHUNK       (64 * 1024)

static const char *progname = "bgpcli";

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-s SOCKET] [-j] COMMAND...\n"
		   "  -s, --socket SOCKET  the control socket (default $%s, else %s)\n"
		   "  -j, --json           print the result as JSON\n"
		   "commands (words may be shortened while unambiguous: \"sh nei\"):\n",
		progname, ENV_SOCKET, CONFIG_DEFAULT_SOCKET_PATH);
	const char *p = cli_grammar_help;
	while (*p) {
		size_t n = strcspn(p, "\n");
		fprintf(f, "  %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

/* One line per line of msg on stderr, escaped for the terminal. */
static void complain(const char *msg)
{
	char *s = strdup(msg);
	if (!s) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return;
	}
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = cli_printable(line);
		fprintf(stderr, "%s: %s\n", progname, p ? p : "?");
		free(p);
	}
	free(s);
}

static int connect_daemon(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (!*path) {
		/* An empty sun_path would name an abstract socket, not a file. */
		fprintf(stderr, "%s: empty socket path\n", progname);
		return -EXIT_USAGE;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path %s is too long (at most %zu bytes)\n", progname, path,
			sizeof(sa.sun_path) - 1);
		return -EXIT_USAGE;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", progname, strerror(errno));
		return -EXIT_UNREACHABLE;
	}
	/* A UNIX connect blocks while the daemon's backlog is full: bounded too. */
	struct timeval tv = { CLI_TIMEOUT_MS / 1000, 0 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	int e = errno;
	const char *hint = "";
	switch (e) {
	case ENOENT: hint = " (is bgpd running? see -s)"; break;
	case ECONNREFUSED: hint = " (nobody listens: bgpd is not running)"; break;
	case EACCES:
	case EPERM: hint = " (the socket's mode and group decide who may use it)"; break;
	case EAGAIN: hint = " (bgpd is not accepting connections)"; break;
	default: break;
	}
	fprintf(stderr, "%s: cannot connect to %s: %s%s\n", progname, path, strerror(e), hint);
	close(fd);
	return -EXIT_UNREACHABLE;
}

/* Sends the request. A daemon that hangs up at once may still have answered
 * ("busy"), so a failure here is not final: the caller reads anyway. */
static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Reads the response line into *line (without "\n"). Returns an exit code. */
static int read_line(int fd, char **line, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;
	for (;;) {
		if (cap - n < READ_CHUNK) {
			cap = cap ? cap * 2 : READ_CHUNK;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fprintf(stderr, "%s: out of memory\n", progname);
				return EXIT_PROTOCOL;
			}
			buf = b;
		}
		struct pollfd pfd = { fd, POLLIN, 0 };
		int pr = poll(&pfd, 1, CLI_TIMEOUT_MS);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			fprintf(stderr, "%s: bgpd did not answer within %d s\n", progname,
				CLI_TIMEOUT_MS / 1000);
			free(buf);
			return EXIT_UNREACHABLE;
		}
		ssize_t r = recv(fd, buf + n, cap - n, 0);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "%s: reading from bgpd: %s\n", progname, strerror(errno));
			free(buf);
			return EXIT_UNREACHABLE;
		}
		if (r == 0) {
			fprintf(stderr, "%s: bgpd closed the connection without %s response\n", progname,
				n ? "a complete" : "a");
			free(buf);
			return EXIT_PROTOCOL;
		}
		char *eol = memchr(buf + n, '\n', (size_t)r);
		n += (size_t)r;
		if (eol) {
			*eol = '\0';
			*line = buf;
			*len = (size_t)(eol - buf);
			return EXIT_OK;
		}
		if (n > CONTROL_OUTPUT_MAX) {
			fprintf(stderr, "%s: response longer than %u bytes\n", progname, CONTROL_OUTPUT_MAX);
			free(buf);
			return EXIT_PROTOCOL;
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv(ENV_SOCKET);
	bool json = false;
	int opt;
	if (!path || !*path)
		path = CONFIG_DEFAULT_SOCKET_PATH;
	/* "+": options end at the first command word, so "show routes --family ipv6"
	 * keeps its options for the grammar. */
	while ((opt = getopt_long(argc, argv, "+s:jh", lopts, NULL)) != -1) {
		switch (opt) {
		case 's': path = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}

	struct cli_request req;
	char err[1024];
	if (cli_parse(argc - optind, argv + optind, &req, err, sizeof(err)) < 0) {
		complain(err);
		fprintf(stderr, "%s: try %s -h\n", progname, progname);
		return EXIT_USAGE;
	}
	char *line = cli_request_line(&req);
	if (!line) {
		fprintf(stderr, "%s: out of memory\n", progname);
		cli_request_free(&req);
		return EXIT_USAGE;
	}
	size_t line_len = strlen(line);
	if (line_len - 1 > CONTROL_REQUEST_MAX) {
		fprintf(stderr, "%s: the request is longer than %u bytes\n", progname, CONTROL_REQUEST_MAX);
		free(line);
		cli_request_free(&req);
		return EXIT_USAGE;
	}

	int rc;
	int fd = connect_daemon(path);
	if (fd < 0) {
		free(line);
		cli_request_free(&req);
		return -fd;
	}
	bool sent = send_all(fd, line, line_len);
	int send_errno = errno;
	free(line);
	char *resp_line = NULL;
	size_t resp_len = 0;
	rc = read_line(fd, &resp_line, &resp_len);
	close(fd);
	if (rc != EXIT_OK) {
		if (!sent)
			fprintf(stderr, "%s: sending to bgpd: %s\n", progname, strerror(send_errno));
		cli_request_free(&req);
		return rc;
	}

	struct cli_response resp;
	if (cli_response_parse(resp_line, resp_len, &resp, err, sizeof(err)) < 0) {
		/* err quotes the daemon's bytes: through complain() and its escaping. */
		char msg[sizeof(err) + 64];
		snprintf(msg, sizeof(msg), "bad response from bgpd: %s", err);
		complain(msg);
		rc = EXIT_PROTOCOL;
	} else if (!resp.ok) {
		complain(resp.error);
		rc = EXIT_REFUSED;
	} else if (json) {
		/* The result as the daemon sent it (jansson keeps the members' order). */
		if (json_dumpf(resp.result, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY) < 0) {
			fprintf(stderr, "%s: cannot print the result\n", progname);
			rc = EXIT_PROTOCOL;
		} else {
			fputc('\n', stdout);
		}
	} else if (cli_format(&req, resp.result, stdout, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: bad response from bgpd to \"%s\": %s\n", progname, req.command, err);
		rc = EXIT_PROTOCOL;
	}
	cli_response_free(&resp);
	free(resp_line);
	cli_request_free(&req);
	return rc;
}
