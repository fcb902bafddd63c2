/*
 * bgpd/control_cli.h — the client side of the control protocol, as pure functions
 * bgpcli (cli/bgpcli.c) is built from and the unit tests can call:
 *
 *   control_cli.c      the command grammar: words (argv) into a request, through
 *                      const token tables with prefix matching (as bgpctl's
 *                      parser.c), and a response line into its parts
 *   control_cli_fmt.c  a result as the human table of its command
 *
 * Arguments are checked only for their syntax (an address parses, a number fits);
 * the daemon validates their meaning.
 */
#ifndef BGPD_CONTROL_CLI_H
#define BGPD_CONTROL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "bgpd/control_proto.h"

/* A request: the canonical command words and its arguments. */
struct cli_request {
	char command[CONTROL_COMMAND_MAX + 1];
	json_t *args;                   /* an object; owned */
};

/* Parses the command words. 0 with req filled (free it with cli_request_free), or
 * -1 with a one-line usage error in err, e.g. `ambiguous "l": local-pref,
 * large-community`. */
int cli_parse(int argc, char *const argv[], struct cli_request *req, char *err, size_t errlen);
void cli_request_free(struct cli_request *req);

/* The request line to send, "\n" included; NULL when out of memory. Free it. */
char *cli_request_line(const struct cli_request *req);

/* The command grammar, for usage messages: one form per line. */
extern const char cli_grammar_help[];

/* A response, as parsed from one line. */
struct cli_response {
	bool ok;
	json_t *result;                 /* ok: the result (borrowed from root) */
	const char *error;              /* !ok: the message (borrowed from root) */
	const char *code;               /* !ok: the code, "" if the daemon gave none */
	json_t *root;                   /* owned */
};

/* Parses one response line (without its "\n"). -1 with err when it is not a
 * response the protocol allows: not JSON, not an object, no boolean "ok", ok
 * without "result", an error without a string "error". */
int cli_response_parse(const char *line, size_t len, struct cli_response *resp, char *err,
		       size_t errlen);
void cli_response_free(struct cli_response *resp);

/* Writes result as the human output of req's command. -1 with err when the result
 * does not have the shape doc/control.md gives for the command (a protocol error);
 * members that are missing or null print as "-". */
int cli_format(const struct cli_request *req, const json_t *result, FILE *out, char *err,
	       size_t errlen);

/* Up/Down time as routers print it: "00:12:34" under a day, "1d02h03m" from one
 * day on. */
void cli_format_duration(uint64_t secs, char *buf, size_t len);

/* s made safe for a terminal: C0 and C1 controls, DEL and the bidirectional
 * overrides (which make text display other than it reads) become \xNN or \u{NNNN};
 * bytes that are not UTF-8 become \xNN. Free the result; NULL on no memory. */
char *cli_printable(const char *s);

#endif /* BGPD_CONTROL_CLI_H */
