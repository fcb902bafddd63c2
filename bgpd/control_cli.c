/*
 * bgpd/control_cli.c — bgpcli's grammar: command words into a control request,
 * and a response line into its parts (see control_cli.h).
 *
 * DOC: the grammar is a graph of const token tables, as in bgpctl's parser.c. At
 * each table the next word is matched against the table's tokens:
 *
 *   1. keywords, by prefix ("sh nei"): one candidate, or an exact match among
 *      several, is taken; more than one is an "ambiguous" error naming them all;
 *   2. else typed tokens (address, prefix, number, ...), in table order; a table
 *      with a single typed token reports why the word is not one ("bad prefix");
 *   3. else an absent optional part (TOK_SKIP) is passed over without a word.
 *
 * When the words run out the table must allow the end (TOK_END), or have an
 * optional part to pass over. A token may set the request's command (its canonical
 * words) and store a value in args under its key: once (a second time is an
 * error) or appended to a list (communities).
 */
#include "bgpd/control_cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What error messages quote of a word. */
#define CLI_QUOTE_MAX 64

enum cli_tok_type {
	TOK_NONE = 0,           /* ends a table */
	TOK_END,                /* the words may end here */
	TOK_SKIP,               /* an optional part that is absent: go on without a word */
	TOK_KEYWORD,
	TOK_ADDRESS,            /* IPv4 or IPv6 address */
	TOK_PREFIX,             /* ADDRESS/LENGTH */
	TOK_U32,
	TOK_COMMUNITY,          /* RFC 1997: ASN:VALUE, or a well-known name */
	TOK_LARGE_COMMUNITY,    /* RFC 8092: ASN:VALUE:VALUE */
	TOK_ASPATH,             /* "A B C", or A B C as separate words */
	TOK_REST,               /* every remaining word, joined by single spaces */
};

enum cli_store {
	ST_NONE = 0,
	ST_SET,                 /* args[key] = value; given twice is an error */
	ST_APPEND,              /* args[key] += [value] */
};

struct cli_token {
	enum cli_tok_type type;
	const char *word;       /* a keyword, or how a typed token is named in messages */
	const char *command;    /* the request's command from here on, if set */
	const char *key;        /* where the value goes in args */
	enum cli_store store;
	const char *value;      /* a keyword's (or TOK_SKIP's) value; default: the keyword */
	const struct cli_token *next;
};

/* Tables refer to each other (options loop back), so all are declared first;
 * their sizes come with their definitions below. */
static const struct cli_token t_main[], t_show[], t_show_neighbor[], t_end[], t_routes[],
	t_routes_neighbor[], t_routes_dir[], t_routes_family[], t_neighbor[], t_neighbor_action[],
	t_shutdown[], t_reset[], t_reset_soft[], t_announce_prefix[], t_announce[], t_next_hop[],
	t_community[], t_large_community[], t_med[], t_local_pref[], t_as_path[], t_origin[],
	t_withdraw[];

static const struct cli_token t_main[] = {
	{ TOK_KEYWORD, "show", .next = t_show },
	{ TOK_KEYWORD, "neighbor", .next = t_neighbor },
	{ TOK_KEYWORD, "announce", .command = "announce", .next = t_announce_prefix },
	{ TOK_KEYWORD, "withdraw", .command = "withdraw", .next = t_withdraw },
	{ TOK_KEYWORD, "reload", .command = "reload", .next = t_end },
	{ .type = TOK_NONE },
};

static const struct cli_token t_end[] = {
	{ .type = TOK_END },
	{ .type = TOK_NONE },
};

static const struct cli_token t_show[] = {
	{ TOK_KEYWORD, "summary", .command = "show summary", .next = t_end },
	/* "neighbors" also covers "neighbor" (a prefix of it): without an address it
	 * lists them all, with one it shows that one. */
	{ TOK_KEYWORD, "neighbors", .command = "show neighbors", .next = t_show_neighbor },
	{ TOK_KEYWORD, "routes", .command = "show routes", .next = t_routes },
	{ TOK_KEYWORD, "tcp", .command = "show tcp", .next = t_end },
	{ .type = TOK_NONE },
};

static const struct cli_token t_show_neighbor[] = {
	{ TOK_ADDRESS, "ADDRESS", "show neighbor", "address", ST_SET, .next = t_end },
	{ .type = TOK_END },
	{ .type = TOK_NONE },
};

static const struct cli_token t_routes[] = {
	{ TOK_KEYWORD, "--neighbor", .next = t_routes_neighbor },
	{ TOK_KEYWORD, "--family", .next = t_routes_family },
	{ TOK_PREFIX, "PREFIX", .key = "prefix", .store = ST_SET, .next = t_routes },
	{ .type = TOK_END },
	{ .type = TOK_NONE },
};

static const struct cli_token t_routes_neighbor[] = {
	{ TOK_ADDRESS, "ADDRESS", .key = "neighbor", .store = ST_SET, .next = t_routes_dir },
	{ .type = TOK_NONE },
};

static const struct cli_token t_routes_dir[] = {
	{ TOK_KEYWORD, "in", .key = "direction", .store = ST_SET, .next = t_routes },
	{ TOK_KEYWORD, "out", .key = "direction", .store = ST_SET, .next = t_routes },
	/* The routes received from the neighbour unless told otherwise. */
	{ TOK_SKIP, .key = "direction", .store = ST_SET, .value = "in", .next = t_routes },
	{ .type = TOK_NONE },
};

static const struct cli_token t_routes_family[] = {
	{ TOK_KEYWORD, "ipv4", .key = "family", .store = ST_SET, .next = t_routes },
	{ TOK_KEYWORD, "ipv6", .key = "family", .store = ST_SET, .next = t_routes },
	{ .type = TOK_NONE },
};

static const struct cli_token t_neighbor[] = {
	{ TOK_ADDRESS, "ADDRESS", .key = "address", .store = ST_SET, .next = t_neighbor_action },
	{ .type = TOK_NONE },
};

static const struct cli_token t_neighbor_action[] = {
	{ TOK_KEYWORD, "shutdown", .command = "neighbor shutdown", .next = t_shutdown },
	{ TOK_KEYWORD, "enable", .command = "neighbor enable", .next = t_end },
	{ TOK_KEYWORD, "reset", .command = "neighbor reset", .next = t_reset },
	{ .type = TOK_NONE },
};

static const struct cli_token t_shutdown[] = {
	/* The Shutdown Communication, RFC 9003. */
	{ TOK_REST, "MESSAGE", .key = "message", .store = ST_SET, .next = t_end },
	{ .type = TOK_END },
	{ .type = TOK_NONE },
};

static const struct cli_token t_reset[] = {
	{ TOK_KEYWORD, "soft", .next = t_reset_soft },
	{ .type = TOK_END },
	{ .type = TOK_NONE },
};

static const struct cli_token t_reset_soft[] = {
	/* in: ROUTE-REFRESH (RFC 2918) or the kept Adj-RIB-In; out: re-advertise. */
	{ TOK_KEYWORD, "in", .key = "soft", .store = ST_SET, .next = t_end },
	{ TOK_KEYWORD, "out", .key = "soft", .store = ST_SET, .next = t_end },
	{ .type = TOK_NONE },
};

static const struct cli_token t_announce_prefix[] = {
	{ TOK_PREFIX, "PREFIX", .key = "prefix", .store = ST_SET, .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_announce[] = {
	{ TOK_KEYWORD, "next-hop", .next = t_next_hop },
	{ TOK_KEYWORD, "community", .next = t_community },
	{ TOK_KEYWORD, "large-community", .next = t_large_community },
	{ TOK_KEYWORD, "med", .next = t_med },
	{ TOK_KEYWORD, "local-pref", .next = t_local_pref },
	{ TOK_KEYWORD, "as-path", .next = t_as_path },
	{ TOK_KEYWORD, "origin", .next = t_origin },
	{ .type = TOK_END },
	{ .type = TOK_NONE },
};

static const struct cli_token t_next_hop[] = {
	{ TOK_ADDRESS, "ADDRESS", .key = "next_hop", .store = ST_SET, .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_community[] = {
	{ TOK_COMMUNITY, "COMMUNITY", .key = "communities", .store = ST_APPEND, .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_large_community[] = {
	{ TOK_LARGE_COMMUNITY, "LARGE-COMMUNITY", .key = "large_communities", .store = ST_APPEND,
	  .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_med[] = {
	{ TOK_U32, "NUMBER", .key = "med", .store = ST_SET, .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_local_pref[] = {
	{ TOK_U32, "NUMBER", .key = "local_pref", .store = ST_SET, .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_as_path[] = {
	{ TOK_ASPATH, "\"ASN ...\"", .key = "as_path", .store = ST_SET, .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_origin[] = {
	{ TOK_KEYWORD, "igp", .key = "origin", .store = ST_SET, .next = t_announce },
	{ TOK_KEYWORD, "egp", .key = "origin", .store = ST_SET, .next = t_announce },
	{ TOK_KEYWORD, "incomplete", .key = "origin", .store = ST_SET, .next = t_announce },
	{ .type = TOK_NONE },
};

static const struct cli_token t_withdraw[] = {
	{ TOK_PREFIX, "PREFIX", .key = "prefix", .store = ST_SET, .next = t_end },
	{ .type = TOK_NONE },
};

const char cli_grammar_help[] =
	"show summary\n"
	"show neighbors\n"
	"show neighbor ADDRESS\n"
	"show routes [PREFIX] [--neighbor ADDRESS [in|out]] [--family ipv4|ipv6]\n"
	"show tcp\n"
	"neighbor ADDRESS shutdown [MESSAGE...]\n"
	"neighbor ADDRESS enable\n"
	"neighbor ADDRESS reset [soft in|soft out]\n"
	"announce PREFIX [next-hop ADDRESS] [community C]... [large-community LC]...\n"
	"         [med N] [local-pref N] [as-path \"ASN ...\"] [origin igp|egp|incomplete]\n"
	"withdraw PREFIX\n"
	"reload\n";

/* ---- typed tokens ------------------------------------------------------- */

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A decimal number of at most max, digits only (no sign, no spaces). */
static bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* An address, in its canonical text form (inet_ntop's). */
static json_t *parse_address(const char *w)
{
	unsigned char a[sizeof(struct in6_addr)];
	char txt[INET6_ADDRSTRLEN];
	int af = strchr(w, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, w, a) != 1 || !inet_ntop(af, a, txt, sizeof(txt)))
		return NULL;
	return json_string(txt);
}

static json_t *parse_prefix(const char *w)
{
	const char *slash = strchr(w, '/');
	char addr[INET6_ADDRSTRLEN];
	if (!slash || (size_t)(slash - w) >= sizeof(addr))
		return NULL;
	memcpy(addr, w, (size_t)(slash - w));
	addr[slash - w] = '\0';
	unsigned char a[sizeof(struct in6_addr)];
	int af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	uint64_t len;
	char txt[INET6_ADDRSTRLEN];
	if (inet_pton(af, addr, a) != 1 ||
	    !parse_uint(slash + 1, strlen(slash + 1), af == AF_INET ? 32 : 128, &len) ||
	    !inet_ntop(af, a, txt, sizeof(txt)))
		return NULL;
	return json_sprintf("%s/%u", txt, (unsigned)len);
}

static json_t *parse_u32(const char *w)
{
	uint64_t v;
	if (!parse_uint(w, strlen(w), UINT32_MAX, &v))
		return NULL;
	return json_integer((json_int_t)v);
}

/* Well-known communities by name, sent as their values (RFC 1997, 3765, 7999, 8326). */
static const struct {
	const char *name;
	unsigned asn, value;
} well_known[] = {
	{ "graceful-shutdown", 65535, 0 },          /* RFC 8326 */
	{ "blackhole", 65535, 666 },                /* RFC 7999 */
	{ "no-export", 65535, 65281 },              /* RFC 1997 */
	{ "no-advertise", 65535, 65282 },           /* RFC 1997 */
	{ "no-export-subconfed", 65535, 65283 },    /* RFC 1997 */
	{ "no-peer", 65535, 65284 },                /* RFC 3765 */
};

/* "A:B" or "A:B:C" with each part at most max; parts holds n_parts values. */
static bool parse_parts(const char *w, unsigned n_parts, uint64_t max, uint64_t *parts)
{
	for (unsigned i = 0; i < n_parts; i++) {
		const char *end = i + 1 < n_parts ? strchr(w, ':') : w + strlen(w);
		if (!end || !parse_uint(w, (size_t)(end - w), max, &parts[i]))
			return false;
		w = end + 1;
	}
	return true;
}

static json_t *parse_community(const char *w)
{
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
		if (strcasecmp(w, well_known[i].name) == 0)
			return json_sprintf("%u:%u", well_known[i].asn, well_known[i].value);
	uint64_t p[2];
	if (!parse_parts(w, 2, UINT16_MAX, p))
		return NULL;
	return json_sprintf("%u:%u", (unsigned)p[0], (unsigned)p[1]);
}

static json_t *parse_large_community(const char *w)
{
	uint64_t p[3];
	if (!parse_parts(w, 3, UINT32_MAX, p))
		return NULL;
	return json_sprintf("%u:%u:%u", (unsigned)p[0], (unsigned)p[1], (unsigned)p[2]);
}

/* AS numbers separated by spaces, appended to path. */
static bool aspath_add(json_t *path, const char *w)
{
	while (*w) {
		while (*w == ' ' || *w == '\t')
			w++;
		size_t n = strcspn(w, " \t");
		if (n == 0)
			break;
		uint64_t asn;
		if (!parse_uint(w, n, UINT32_MAX, &asn) ||
		    json_array_append_new(path, json_integer((json_int_t)asn)) < 0)
			return false;
		w += n;
	}
	return true;
}

/*
 * The value of typed token t at words w[0..n), with how many words it takes; NULL
 * when the first word is not one.
 */
static json_t *parse_typed(const struct cli_token *t, int n, char *const w[], int *used)
{
	*used = 1;
	switch (t->type) {
	case TOK_ADDRESS: return parse_address(w[0]);
	case TOK_PREFIX: return parse_prefix(w[0]);
	case TOK_U32: return parse_u32(w[0]);
	case TOK_COMMUNITY: return parse_community(w[0]);
	case TOK_LARGE_COMMUNITY: return parse_large_community(w[0]);
	case TOK_ASPATH: {
		/* as-path "65001 65002", or unquoted: as-path 65001 65002 — nothing else
		 * after an as-path is a bare number, so the numbers that follow belong. */
		json_t *path = json_array();
		if (!path || !aspath_add(path, w[0])) {
			json_decref(path);
			return NULL;
		}
		while (*used < n && all_digits(w[*used]) && aspath_add(path, w[*used]))
			(*used)++;
		return path;
	}
	case TOK_REST: {
		size_t len = 0;
		for (int i = 0; i < n; i++)
			len += strlen(w[i]) + 1;
		char *s = malloc(len + 1);
		if (!s)
			return NULL;
		s[0] = '\0';
		char *p = s;
		for (int i = 0; i < n; i++)
			p += sprintf(p, "%s%s", i ? " " : "", w[i]);
		json_t *v = json_string(s);     /* NULL if not UTF-8 */
		free(s);
		*used = n;
		return v;
	}
	default:
		return NULL;
	}
}

static const char *typed_problem(const struct cli_token *t)
{
	switch (t->type) {
	case TOK_ADDRESS: return "bad address";
	case TOK_PREFIX: return "bad prefix (ADDRESS/LENGTH)";
	case TOK_U32: return "bad number (0..4294967295)";
	case TOK_COMMUNITY: return "bad community (ASN:VALUE, 0..65535 each, or a well-known name)";
	case TOK_LARGE_COMMUNITY: return "bad large community (ASN:VALUE:VALUE, 0..4294967295 each)";
	case TOK_ASPATH: return "bad AS path (AS numbers separated by spaces)";
	case TOK_REST: return "not UTF-8 text";
	default: return "unexpected";
	}
}

/* ---- the matcher -------------------------------------------------------- */

static void quote(char *dst, size_t dstlen, const char *w)
{
	snprintf(dst, dstlen, "%.*s%s", CLI_QUOTE_MAX, w, strlen(w) > CLI_QUOTE_MAX ? "..." : "");
}

/* "a, b or c": what table t accepts, for messages. */
static void expected(const struct cli_token *t, char *buf, size_t len)
{
	size_t n = 0, total = 0;
	for (const struct cli_token *x = t; x->type != TOK_NONE; x++)
		if (x->type != TOK_SKIP)
			total++;
	buf[0] = '\0';
	for (const struct cli_token *x = t; x->type != TOK_NONE; x++) {
		if (x->type == TOK_SKIP)
			continue;
		const char *what = x->type == TOK_END ? "nothing more" : x->word;
		size_t at = strlen(buf);
		snprintf(buf + at, len - at, "%s%s", n == 0 ? "" : n + 1 == total ? " or " : ", ", what);
		n++;
	}
}

static const struct cli_token *find_type(const struct cli_token *t, enum cli_tok_type type)
{
	for (; t->type != TOK_NONE; t++)
		if (t->type == type)
			return t;
	return NULL;
}

/* The keyword token w selects in t: NULL if none; ambiguous sets err. */
static const struct cli_token *match_keyword(const struct cli_token *t, const char *w, bool *ambiguous,
					     char *err, size_t errlen)
{
	const struct cli_token *found = NULL;
	size_t n = strlen(w), count = 0;
	*ambiguous = false;
	if (n == 0)
		return NULL;
	for (const struct cli_token *x = t; x->type != TOK_NONE; x++) {
		if (x->type != TOK_KEYWORD || strncmp(x->word, w, n) != 0)
			continue;
		if (x->word[n] == '\0')
			return x;               /* exact beats any longer candidate */
		found = x;
		count++;
	}
	if (count <= 1)
		return found;
	char q[CLI_QUOTE_MAX + 4], list[512] = "";
	quote(q, sizeof(q), w);
	for (const struct cli_token *x = t; x->type != TOK_NONE; x++) {
		if (x->type == TOK_KEYWORD && strncmp(x->word, w, n) == 0) {
			size_t at = strlen(list);
			snprintf(list + at, sizeof(list) - at, "%s%s", at ? ", " : "", x->word);
		}
	}
	fail(err, errlen, "ambiguous \"%s\": %s", q, list);
	*ambiguous = true;
	return NULL;
}

/* Stores v (consumed) as token t says. */
static int store(struct cli_request *req, const struct cli_token *t, json_t *v, char *err, size_t errlen)
{
	if (!t->key || t->store == ST_NONE) {
		json_decref(v);
		return 0;
	}
	if (!v) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	json_t *have = json_object_get(req->args, t->key);
	if (t->store == ST_APPEND) {
		if (!have) {
			have = json_array();
			if (json_object_set_new(req->args, t->key, have) < 0) {
				json_decref(v);
				fail(err, errlen, "out of memory");
				return -1;
			}
		}
		if (json_array_append_new(have, v) < 0) {
			fail(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	if (have) {
		json_decref(v);
		char name[CONTROL_COMMAND_MAX];
		snprintf(name, sizeof(name), "%s", t->key);
		for (char *p = name; *p; p++)
			if (*p == '_')
				*p = '-';
		fail(err, errlen, "%s given twice", name);
		return -1;
	}
	if (json_object_set_new(req->args, t->key, v) < 0) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void context(char *buf, size_t len, int argc, char *const argv[])
{
	buf[0] = '\0';
	for (int i = 0; i < argc; i++) {
		size_t at = strlen(buf);
		char q[CLI_QUOTE_MAX + 4];
		quote(q, sizeof(q), argv[i]);
		snprintf(buf + at, len - at, "%s%s", i ? " " : "", q);
	}
}

int cli_parse(int argc, char *const argv[], struct cli_request *req, char *err, size_t errlen)
{
	memset(req, 0, sizeof(*req));
	req->args = json_object();
	if (!req->args) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	const struct cli_token *table = t_main;
	int i = 0;
	char exp[512], ctx[512], q[CLI_QUOTE_MAX + 4];
	for (;;) {
		const struct cli_token *t;
		json_t *v = NULL;
		int used = 0;
		if (i == argc) {
			if (find_type(table, TOK_END)) {
				if (!req->command[0]) {
					fail(err, errlen, "no command");
					goto fail;
				}
				return 0;
			}
			if ((t = find_type(table, TOK_SKIP)) != NULL) {
				if (!json_object_get(req->args, t->key) &&
				    store(req, t, json_string(t->value), err, errlen) < 0)
					goto fail;
				table = t->next;
				continue;
			}
			expected(table, exp, sizeof(exp));
			if (argc == 0) {
				fail(err, errlen, "no command; expected %s", exp);
			} else {
				context(ctx, sizeof(ctx), argc, argv);
				fail(err, errlen, "incomplete command \"%s\"; expected %s", ctx, exp);
			}
			goto fail;
		}

		bool ambiguous;
		t = match_keyword(table, argv[i], &ambiguous, err, errlen);
		if (ambiguous)
			goto fail;
		if (t) {
			used = 1;
			if (t->key)
				v = json_string(t->value ? t->value : t->word);
		} else {
			const struct cli_token *typed = NULL;
			size_t n_typed = 0;
			for (const struct cli_token *x = table; x->type != TOK_NONE; x++) {
				if (x->type <= TOK_KEYWORD)
					continue;
				n_typed++;
				typed = x;
				if ((v = parse_typed(x, argc - i, argv + i, &used)) != NULL) {
					t = x;
					break;
				}
			}
			if (!t && (t = find_type(table, TOK_SKIP)) != NULL) {
				if (!json_object_get(req->args, t->key) &&
				    store(req, t, json_string(t->value), err, errlen) < 0)
					goto fail;
				table = t->next;
				continue;
			}
			if (!t) {
				quote(q, sizeof(q), argv[i]);
				if (n_typed == 1 && !find_type(table, TOK_KEYWORD)) {
					fail(err, errlen, "%s: \"%s\"", typed_problem(typed), q);
				} else {
					expected(table, exp, sizeof(exp));
					if (i == 0) {
						fail(err, errlen, "unknown command \"%s\"; expected %s", q, exp);
					} else {
						context(ctx, sizeof(ctx), i, argv);
						fail(err, errlen, "unexpected \"%s\" after \"%s\"; expected %s",
						     q, ctx, exp);
					}
				}
				goto fail;
			}
		}
		if (t->command)
			snprintf(req->command, sizeof(req->command), "%s", t->command);
		if (store(req, t, v, err, errlen) < 0)
			goto fail;
		i += used;
		table = t->next;
	}
fail:
	cli_request_free(req);
	return -1;
}

void cli_request_free(struct cli_request *req)
{
	json_decref(req->args);
	req->args = NULL;
}

char *cli_request_line(const struct cli_request *req)
{
	json_t *r = json_pack("{s:s, s:O}", CONTROL_KEY_COMMAND, req->command, CONTROL_KEY_ARGS,
			      req->args);
	if (!r)
		return NULL;
	char *s = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

/* ---- responses ---------------------------------------------------------- */

int cli_response_parse(const char *line, size_t len, struct cli_response *resp, char *err, size_t errlen)
{
	json_error_t je;
	memset(resp, 0, sizeof(*resp));
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fail(err, errlen, "response is not JSON (column %d: %s)", je.column, je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		fail(err, errlen, "response is not a JSON object");
		goto bad;
	}
	json_t *ok = json_object_get(root, CONTROL_KEY_OK);
	if (!json_is_boolean(ok)) {
		fail(err, errlen, "response has no boolean \"ok\"");
		goto bad;
	}
	resp->ok = json_is_true(ok);
	if (resp->ok) {
		resp->result = json_object_get(root, CONTROL_KEY_RESULT);
		if (!resp->result) {
			fail(err, errlen, "response has no \"result\"");
			goto bad;
		}
	} else {
		resp->error = json_string_value(json_object_get(root, CONTROL_KEY_ERROR));
		if (!resp->error) {
			fail(err, errlen, "error response has no string \"error\"");
			goto bad;
		}
		resp->code = json_string_value(json_object_get(root, CONTROL_KEY_CODE));
		if (!resp->code)
			resp->code = "";
	}
	resp->root = root;
	return 0;
bad:
	json_decref(root);
	memset(resp, 0, sizeof(*resp));
	return -1;
}

void cli_response_free(struct cli_response *resp)
{
	json_decref(resp->root);
	memset(resp, 0, sizeof(*resp));
}
