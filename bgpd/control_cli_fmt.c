/*
 * bgpd/control_cli_fmt.c — bgpcli's human output: each command's result (the
 * schemas of doc/control.md) as aligned tables and "label value" lists.
 *
 * The result comes from the daemon, and its strings carry text peers chose (a
 * description, an RFC 9003 shutdown message), so every string reaches the terminal
 * through cli_printable(). A member missing or null prints as "-"; a result without
 * the list or object its command promises is a protocol error (cli_format -1), as
 * printing an empty table would hide it.
 */
#include "bgpd/control_cli.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SECS_PER_DAY  86400u
#define SECS_PER_HOUR 3600u
#define SECS_PER_MIN  60u
#define US_PER_MS     1000.0
#define COL_GAP       "  "      /* between table columns */
#define INDENT        "  "      /* the lines under a heading */
#define MISSING       "-"

/* ---- text --------------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();        /* a command-line tool out of memory has nothing better to do */
	return d;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

/* The code point of the UTF-8 sequence at s (n bytes available) and its length;
 * 0 if it is not well-formed (overlong, surrogate, past U+10FFFF, truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Bidirectional embeddings, overrides and isolates (Unicode UAX #9). */
static bool bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

char *cli_printable(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);
	/* Worst case: every byte becomes \xNN. */
	char *out = malloc(4 * n + 1), *p = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || cp < 0x20 || cp == 0x7f) {
			p += sprintf(p, "\\x%02x", s[i]);
			i++;
		} else if ((cp >= 0x80 && cp <= 0x9f) || bidi_control(cp)) {
			p += sprintf(p, "\\u{%04" PRIX32 "}", cp);
			i += len;
		} else {
			memcpy(p, s + i, len);
			p += len;
			i += len;
		}
	}
	*p = '\0';
	return out;
}

/* Columns a printable string takes: its code points. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void cli_format_duration(uint64_t secs, char *buf, size_t len)
{
	if (secs < SECS_PER_DAY)
		snprintf(buf, len, "%02u:%02u:%02u", (unsigned)(secs / SECS_PER_HOUR),
			 (unsigned)(secs % SECS_PER_HOUR / SECS_PER_MIN), (unsigned)(secs % SECS_PER_MIN));
	else
		snprintf(buf, len, "%" PRIu64 "d%02uh%02um", secs / SECS_PER_DAY,
			 (unsigned)(secs % SECS_PER_DAY / SECS_PER_HOUR),
			 (unsigned)(secs % SECS_PER_HOUR / SECS_PER_MIN));
}

/* ---- values ------------------------------------------------------------- */

static const json_t *get(const json_t *o, const char *key)
{
	return json_is_object(o) ? json_object_get(o, key) : NULL;
}

static const json_t *get2(const json_t *o, const char *k1, const char *k2)
{
	return get(get(o, k1), k2);
}

/* A string from the daemon (an object's key), printable. */
static char *text(const char *s)
{
	char *p = cli_printable(s);
	if (!p)
		abort();
	return p;
}

/* Any value as one printable cell: strings escaped, lists of scalars joined by
 * spaces, objects as compact JSON. */
static char *cell(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: return text(json_string_value(v));
	case JSON_INTEGER: return xprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL: return xprintf("%g", json_real_value(v));
	case JSON_TRUE: return xstrdup("yes");
	case JSON_FALSE: return xstrdup("no");
	case JSON_ARRAY: {
		char *acc = xstrdup("");
		size_t i;
		const json_t *x;
		json_array_foreach(v, i, x) {
			char *c = cell(x), *n = xprintf("%s%s%s", acc, i ? " " : "", c);
			free(c);
			free(acc);
			acc = n;
		}
		return acc;
	}
	case JSON_OBJECT: {
		char *d = json_dumps(v, JSON_COMPACT);
		if (!d)
			abort();
		char *s = text(d);
		free(d);
		return s;
	}
	default:
		return xstrdup(MISSING);
	}
}

/* A cell for o[key]; "-" when missing or null. */
static char *field(const json_t *o, const char *key)
{
	const json_t *v = get(o, key);
	return v ? cell(v) : xstrdup(MISSING);
}

static char *field_duration(const json_t *v, const char *if_null)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		char b[32];
		cli_format_duration((uint64_t)json_integer_value(v), b, sizeof(b));
		return xstrdup(b);
	}
	return xstrdup(json_is_null(v) && if_null ? if_null : MISSING);
}

/* Microseconds as milliseconds, one decimal. */
static char *field_us(const json_t *o, const char *key)
{
	const json_t *v = get(o, key);
	if (!json_is_integer(v))
		return xstrdup(MISSING);
	return xprintf("%.1f", (double)json_integer_value(v) / US_PER_MS);
}

static char *field_bytes(const json_t *v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return xstrdup(MISSING);
	double x = (double)json_integer_value(v);
	size_t u = 0;
	while (x >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		x /= 1024.0;
		u++;
	}
	return u == 0 ? xprintf("%" JSON_INTEGER_FORMAT " B", json_integer_value(v))
		      : xprintf("%.1f %s", x, unit[u]);
}

/* ---- tables ------------------------------------------------------------- */

struct table {
	size_t ncols;
	const char *const *head;        /* NULL: no heading line */
	const char *align;              /* per column: 'l' or 'r' */
	const char *indent;
	char **cells;                   /* row-major, owned */
	size_t nrows;
};

static void table_init(struct table *t, size_t ncols, const char *const *head, const char *align,
		       const char *indent)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->head = head;
	t->align = align;
	t->indent = indent;
}

/* Adds a row of ncols cells, taking them over. */
static void table_row(struct table *t, char **row)
{
	char **c = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*c));
	if (!c)
		abort();
	t->cells = c;
	memcpy(c + t->nrows * t->ncols, row, t->ncols * sizeof(*c));
	t->nrows++;
}

static void put_padded(FILE *out, const char *s, size_t w, char align, bool last)
{
	size_t pad = w - width(s);
	if (align == 'r')
		fprintf(out, "%*s%s", (int)pad, "", s);
	else if (last)
		fputs(s, out);          /* no trailing blanks */
	else
		fprintf(out, "%s%*s", s, (int)pad, "");
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

static void table_print(struct table *t, FILE *out)
{
	size_t *w = calloc(t->ncols, sizeof(*w));
	if (!w)
		abort();
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->head)
			w[c] = width(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t x = width(t->cells[r * t->ncols + c]);
			if (x > w[c])
				w[c] = x;
		}
	}
	for (size_t r = t->head ? 0 : 1; r <= t->nrows; r++) {
		fputs(t->indent, out);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->head[c] : t->cells[(r - 1) * t->ncols + c];
			if (c)
				fputs(COL_GAP, out);
			put_padded(out, s, w[c], r == 0 && t->align[c] != 'r' ? 'l' : t->align[c],
				   c + 1 == t->ncols);
		}
		fputc('\n', out);
	}
	free(w);
	table_free(t);
}

/* "label  value" lines, labels aligned. */
static void kv(struct table *t, const char *label, char *value)
{
	char *row[2] = { xstrdup(label), value };
	table_row(t, row);
}

static int shape(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "unexpected result: %s", what);
	return -1;
}

/* ---- commands ----------------------------------------------------------- */

static const char *const msg_types[] = { "open", "update", "notification", "keepalive",
					 "route_refresh", "total" };

/* A list's elements joined by sep; "-" when it is missing, null or empty. */
static char *join(const json_t *list, const char *sep)
{
	if (!json_is_array(list))
		return list ? cell(list) : xstrdup(MISSING);
	if (json_array_size(list) == 0)
		return xstrdup(MISSING);
	char *acc = xstrdup("");
	size_t i;
	const json_t *x;
	json_array_foreach(list, i, x) {
		char *c = cell(x), *n = xprintf("%s%s%s", acc, i ? sep : "", c);
		free(c);
		free(acc);
		acc = n;
	}
	return acc;
}

/* A list of objects (or missing: an empty list when optional). */
static bool list_of_objects(const json_t *list)
{
	size_t i;
	const json_t *x;
	if (!json_is_array(list))
		return false;
	json_array_foreach(list, i, x)
		if (!json_is_object(x))
			return false;
	return true;
}

static int fmt_neighbors(const struct cli_request *req, const json_t *res, FILE *out, char *err,
			 size_t errlen)
{
	static const char *const head[] = { "Neighbor", "AS", "State", "Up/Down", "Hold", "MsgRcvd",
					     "MsgSent", "PfxRcvd", "PfxSent", "Last error" };
	const json_t *list = get(res, "neighbors");
	if (!list_of_objects(list))
		return shape(err, errlen, "no \"neighbors\" list of objects");
	if (json_array_size(list) == 0) {
		fputs("no neighbors\n", out);
		return 0;
	}
	struct table t;
	table_init(&t, 10, head, "lrllrrrrrl", "");
	size_t i;
	const json_t *n;
	json_array_foreach(list, i, n) {
		char *row[] = {
			field(n, "address"), field(n, "remote_as"), field(n, "state"),
			field_duration(get(n, "uptime_s"), "never"), field(n, "hold_time"),
			field(get2(n, "messages", "in"), "total"),
			field(get2(n, "messages", "out"), "total"),
			field(n, "prefixes_received"), field(n, "prefixes_advertised"),
			field(n, "last_error"),
		};
		table_row(&t, row);
	}
	table_print(&t, out);
	return 0;
}

static void print_connections(const json_t *list, FILE *out, const char *indent)
{
	static const char *const head[] = { "State", "Local", "Remote", "SRTT(ms)", "RTO(ms)", "Cwnd",
					     "Retrans", "MD5" };
	struct table t;
	table_init(&t, 8, head, "lllrrrrl", indent);
	size_t i;
	const json_t *c;
	json_array_foreach(list, i, c) {
		char *row[] = { field(c, "state"), field(c, "local"), field(c, "remote"),
				field_us(c, "srtt_us"), field_us(c, "rto_us"), field(c, "cwnd"),
				field(c, "retransmits"), field(c, "md5") };
		table_row(&t, row);
	}
	table_print(&t, out);
}

static int fmt_neighbor(const struct cli_request *req, const json_t *res, FILE *out, char *err,
			size_t errlen)
{
	if (!json_is_object(res))
		return shape(err, errlen, "not an object");
	const json_t *conns = get(res, "connections");
	if (conns && !json_is_null(conns) && !list_of_objects(conns))
		return shape(err, errlen, "\"connections\" is not a list of objects");

	char *addr = field(res, "address"), *as = field(res, "remote_as"), *state = field(res, "state");
	fprintf(out, "Neighbor %s, remote AS %s: %s\n", addr, as, state);
	free(addr);
	free(as);
	free(state);

	struct table t;
	table_init(&t, 2, NULL, "ll", INDENT);
	kv(&t, "Description", field(res, "description"));
	kv(&t, "Local address", field(res, "local_address"));
	kv(&t, "Local AS", field(res, "local_as"));
	kv(&t, "Router ID", field(res, "router_id"));
	kv(&t, "Up/Down", field_duration(get(res, "uptime_s"), "never"));
	kv(&t, "Last state change", field_duration(get(res, "last_state_change_s"), NULL));
	kv(&t, "Hold time", field(res, "hold_time"));
	kv(&t, "Idle hold", field(res, "idle_hold_s"));
	kv(&t, "Flaps", field(res, "flaps"));
	kv(&t, "Prefixes received", field(res, "prefixes_received"));
	kv(&t, "Prefixes advertised", field(res, "prefixes_advertised"));
	kv(&t, "Capabilities", join(get(res, "peer_capabilities"), ", "));
	kv(&t, "Last error", field(res, "last_error"));
	table_print(&t, out);

	static const char *const mhead[] = { "Message", "Rcvd", "Sent" };
	fputc('\n', out);
	table_init(&t, 3, mhead, "lrr", INDENT);
	for (size_t i = 0; i < sizeof(msg_types) / sizeof(msg_types[0]); i++) {
		char *label = xstrdup(msg_types[i]);
		for (char *p = label; *p; p++)
			if (*p == '_')
				*p = '-';
		char *row[] = { label, field(get2(res, "messages", "in"), msg_types[i]),
				field(get2(res, "messages", "out"), msg_types[i]) };
		table_row(&t, row);
	}
	table_print(&t, out);

	if (json_array_size(conns) > 0) {
		fputs("\n" INDENT "Connections\n", out);
		print_connections(conns, out, INDENT);
	}
	return 0;
}

static int fmt_summary(const struct cli_request *req, const json_t *res, FILE *out, char *err,
		       size_t errlen)
{
	if (!json_is_object(res))
		return shape(err, errlen, "not an object");
	struct table t;
	table_init(&t, 2, NULL, "ll", "");
	kv(&t, "Router ID", field(res, "router_id"));
	kv(&t, "Local AS", field(res, "local_as"));
	kv(&t, "Uptime", field_duration(get(res, "uptime_s"), NULL));
	char *total = field(res, "neighbors_total"), *up = field(res, "neighbors_established");
	kv(&t, "Neighbors", xprintf("%s (%s established)", total, up));
	free(total);
	free(up);
	kv(&t, "RIB memory", field_bytes(get(res, "rib_memory_bytes")));
	kv(&t, "Attribute sets", field(res, "attribute_sets"));
	table_print(&t, out);

	const json_t *routes = get(res, "routes");
	if (json_is_object(routes) && json_object_size(routes) > 0) {
		static const char *const head[] = { "Family", "Loc-RIB", "Adj-RIB-In" };
		const char *fam;
		const json_t *v;
		fputc('\n', out);
		table_init(&t, 3, head, "lrr", "");
		json_object_foreach((json_t *)routes, fam, v) {
			char *row[] = { text(fam), field(v, "loc_rib"), field(v, "adj_rib_in") };
			table_row(&t, row);
		}
		table_print(&t, out);
	}
	return 0;
}

/* "reason=n reason=n"; "-" when there are none. */
static char *counters(const json_t *o)
{
	if (!json_is_object(o) || json_object_size(o) == 0)
		return xstrdup(MISSING);
	char *acc = xstrdup("");
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		char *kt = text(k), *vt = cell(v), *n = xprintf("%s%s%s=%s", acc, *acc ? " " : "", kt, vt);
		free(kt);
		free(vt);
		free(acc);
		acc = n;
	}
	return acc;
}

static int fmt_tcp(const struct cli_request *req, const json_t *res, FILE *out, char *err,
		   size_t errlen)
{
	static const char *const head[] = { "State", "Local", "Remote", "SendQ", "RecvQ", "SRTT(ms)",
					     "RTTVar(ms)", "RTO(ms)", "Cwnd", "Ssthresh", "MSS",
					     "Retrans", "MD5", "Drops" };
	const json_t *list = get(res, "connections");
	if (!list_of_objects(list))
		return shape(err, errlen, "no \"connections\" list of objects");
	if (json_array_size(list) == 0) {
		fputs("no connections\n", out);
	} else {
		struct table t;
		table_init(&t, 14, head, "lllrrrrrrrrrll", "");
		size_t i;
		const json_t *c;
		json_array_foreach(list, i, c) {
			char *row[] = { field(c, "state"), field(c, "local"), field(c, "remote"),
					field(c, "sendq"), field(c, "recvq"), field_us(c, "srtt_us"),
					field_us(c, "rttvar_us"), field_us(c, "rto_us"), field(c, "cwnd"),
					field(c, "ssthresh"), field(c, "mss"), field(c, "retransmits"),
					field(c, "md5"), counters(get(c, "drops")) };
			table_row(&t, row);
		}
		table_print(&t, out);
	}
	const json_t *stack = get(res, "stack");
	if (json_is_object(stack) && json_object_size(stack) > 0) {
		struct table t;
		const char *k;
		const json_t *v;
		fputs("\nStack counters\n", out);
		table_init(&t, 2, NULL, "lr", INDENT);
		json_object_foreach((json_t *)stack, k, v) {
			/* A group of counters (drops by reason) as "reason=n ...". */
			char *row[] = { text(k), json_is_object(v) ? counters(v) : cell(v) };
			table_row(&t, row);
		}
		table_print(&t, out);
	}
	return 0;
}

static int fmt_routes(const struct cli_request *req, const json_t *res, FILE *out, char *err,
		      size_t errlen)
{
	static const char *const head[] = { " ", "Prefix", "Next hop", "From", "LocPref", "MED",
					     "Origin", "AS path", "Communities" };
	const json_t *list = get(res, "routes");
	if (!list_of_objects(list))
		return shape(err, errlen, "no \"routes\" list of objects");
	if (json_array_size(list) == 0) {
		fputs("no routes\n", out);
		return 0;
	}
	struct table t;
	table_init(&t, 9, head, "llllrrlll", "");
	size_t i;
	const json_t *r;
	json_array_foreach(list, i, r) {
		/* Standard and large communities in one column: they cannot be confused
		 * (two numbers against three). */
		char *std = join(get(r, "communities"), " "), *large = join(get(r, "large_communities"), " ");
		char *comm;
		if (strcmp(large, MISSING) == 0)
			comm = xstrdup(std);
		else if (strcmp(std, MISSING) == 0)
			comm = xstrdup(large);
		else
			comm = xprintf("%s %s", std, large);
		free(std);
		free(large);
		const json_t *aspath = get(r, "as_path");
		char *row[] = { xstrdup(json_is_true(get(r, "best")) ? "*" : ""), field(r, "prefix"),
				field(r, "next_hop"), field(r, "from"), field(r, "local_pref"),
				field(r, "med"), field(r, "origin"),
				/* An empty AS_PATH (a route of our own AS) is shown as such. */
				aspath && json_is_string(aspath) && !json_string_length(aspath)
					? xstrdup("(empty)") : join(aspath, " "),
				comm };
		table_row(&t, row);
	}
	table_print(&t, out);
	return 0;
}

static int fmt_reload(const struct cli_request *req, const json_t *res, FILE *out, char *err,
		      size_t errlen)
{
	static const char *const lists[] = { "changed", "added", "removed" };
	if (!json_is_object(res))
		return shape(err, errlen, "not an object");
	size_t n = 0;
	for (size_t i = 0; i < 3; i++)
		n += json_array_size(get(res, lists[i]));
	if (n == 0) {
		fputs("configuration reloaded, nothing changed\n", out);
		return 0;
	}
	fputs("configuration reloaded\n", out);
	struct table t;
	table_init(&t, 2, NULL, "ll", INDENT);
	for (size_t i = 0; i < 3; i++)
		if (json_array_size(get(res, lists[i])) > 0)
			kv(&t, lists[i], join(get(res, lists[i]), ", "));
	table_print(&t, out);
	return 0;
}

/* The commands that change something: a line saying what was done, then any
 * members of the (small) result. */
static int fmt_done(const struct cli_request *req, const json_t *res, FILE *out, char *err,
		    size_t errlen)
{
	const char *cmd = req->command;
	char *addr = field(req->args, "address"), *prefix = field(req->args, "prefix");
	const char *soft = json_string_value(get(req->args, "soft"));
	if (strcmp(cmd, "neighbor shutdown") == 0)
		fprintf(out, "neighbor %s: shut down\n", addr);
	else if (strcmp(cmd, "neighbor enable") == 0)
		fprintf(out, "neighbor %s: enabled\n", addr);
	else if (strcmp(cmd, "neighbor reset") == 0 && soft)
		fprintf(out, "neighbor %s: soft reset %s\n", addr, soft);
	else if (strcmp(cmd, "neighbor reset") == 0)
		fprintf(out, "neighbor %s: reset\n", addr);
	else if (strcmp(cmd, "announce") == 0)
		fprintf(out, "announced %s\n", prefix);
	else if (strcmp(cmd, "withdraw") == 0)
		fprintf(out, "withdrew %s\n", prefix);
	free(addr);
	free(prefix);

	if (!json_is_object(res)) {
		if (!json_is_null(res)) {
			char *c = cell(res);
			fprintf(out, "%s\n", c);
			free(c);
		}
		return 0;
	}
	struct table t;
	const char *k;
	const json_t *v;
	table_init(&t, 2, NULL, "ll", INDENT);
	json_object_foreach((json_t *)res, k, v) {
		if (strcmp(k, "ok") == 0 && json_is_boolean(v))
			continue;       /* {"ok": true} says nothing the line above does not */
		char *row[] = { xprintf("%s:", k), cell(v) };
		char *kt = text(row[0]);
		free(row[0]);
		row[0] = kt;
		table_row(&t, row);
	}
	table_print(&t, out);
	return 0;
}

static const struct {
	const char *command;
	int (*fmt)(const struct cli_request *, const json_t *, FILE *, char *, size_t);
} formatters[] = {
	{ "show summary", fmt_summary },
	{ "show neighbors", fmt_neighbors },
	{ "show neighbor", fmt_neighbor },
	{ "show routes", fmt_routes },
	{ "show tcp", fmt_tcp },
	{ "reload", fmt_reload },
};

int cli_format(const struct cli_request *req, const json_t *result, FILE *out, char *err,
	       size_t errlen)
{
	for (size_t i = 0; i < sizeof(formatters) / sizeof(formatters[0]); i++)
		if (strcmp(req->command, formatters[i].command) == 0)
			return formatters[i].fmt(req, result, out, err, errlen);
	return fmt_done(req, result, out, err, errlen);
}
