/* config/walk.c — typed getters over the node tree (see walk.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/mem.h"
#include "config/suggest.h"
#include "config/value.h"
#include "config/walk.h"

const char *const walk_family_names[2] = { "ipv4-unicast", "ipv6-unicast" };
const char *const walk_trace_names[7] = { "fsm", "open", "update", "keepalive",
					  "notification", "route-refresh", "policy" };

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void walk_error_pos(struct walk *w, struct config_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	config_errors_vadd(w->errs, w->file, pos.line, pos.column, fmt, ap);
	va_end(ap);
}

void walk_error(struct walk *w, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	config_errors_vadd(w->errs, w->file, at->line, at->column, fmt, ap);
	va_end(ap);
}

struct config_pos walk_pos(const struct ynode *n)
{
	struct config_pos p = { n->line, n->column };
	return p;
}

/* Quote a value back safely: printable ASCII as is, the rest as \xNN. */
void walk_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0, i;

	buf[o++] = '\'';
	for (i = 0; s[i] && i < WALK_QUOTE_MAX && o + 6 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02X", c);
	}
	if (s[i] && o + 5 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
}

const char *walk_describe(const struct ynode *n, char *buf, size_t len)
{
	if (n->kind == YNODE_SEQ)
		snprintf(buf, len, "a list");
	else if (n->kind == YNODE_MAP)
		snprintf(buf, len, "a mapping");
	else if (n->is_null)
		snprintf(buf, len, "nothing");
	else
		walk_quote(n->text, buf, len);
	return buf;
}

int walk_key(struct walk *w, const struct ypair *pair, const char *const *keys, size_t n,
	     const char *where)
{
	const struct ynode *k = pair->key;
	char desc[WALK_DESCRIBE_LEN];
	const char *near;

	if (k->kind != YNODE_SCALAR) {
		walk_error(w, k, "keys in %s must be plain names, got %s", where,
			   walk_describe(k, desc, sizeof(desc)));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (keys[i] && strcmp(keys[i], k->text) == 0)
			return (int)i;
	if (config_errors_full(w->errs))
		return -1;
	near = suggest_nearest(k->text, keys, n);
	if (near)
		walk_error(w, k, "unknown key %s in %s; did you mean '%s'?",
			   walk_describe(k, desc, sizeof(desc)), where, near);
	else
		walk_error(w, k, "unknown key %s in %s", walk_describe(k, desc, sizeof(desc)),
			   where);
	return -1;
}

bool walk_is_map(struct walk *w, const char *what, const struct ynode *n)
{
	char desc[WALK_DESCRIBE_LEN];

	if (n->kind == YNODE_MAP)
		return true;
	walk_error(w, n, "%s: expected a mapping, got %s", what,
		   walk_describe(n, desc, sizeof(desc)));
	return false;
}

bool walk_fields(struct walk *w, const struct ynode *map, const char *where,
		 const char *const *keys, size_t n, const struct ynode **vals)
{
	for (size_t i = 0; i < n; i++)
		vals[i] = NULL;
	if (!walk_is_map(w, where, map))
		return false;
	for (size_t i = 0; i < map->n; i++) {
		int k = walk_key(w, &map->pairs[i], keys, n, where);
		if (k >= 0)
			vals[k] = map->pairs[i].value;   /* yaml.c dropped duplicates */
	}
	return true;
}

void walk_missing(struct walk *w, const struct ynode *map, const char *where, const char *key)
{
	walk_error(w, map, "%s: missing required key '%s'", where, key);
}

bool walk_list(struct walk *w, const char *what, const struct ynode *n, bool scalar_ok,
	       struct walk_list *out)
{
	char desc[WALK_DESCRIBE_LEN];

	if (n->kind == YNODE_SEQ) {
		out->v = (const struct ynode *const *)n->items;
		out->n = n->n;
		return true;
	}
	if (scalar_ok && n->kind == YNODE_SCALAR && !n->is_null) {
		out->one = n;
		out->v = &out->one;
		out->n = 1;
		return true;
	}
	walk_error(w, n, "%s: expected a list, got %s", what, walk_describe(n, desc, sizeof(desc)));
	return false;
}

bool walk_scalar(struct walk *w, const char *what, const struct ynode *n, const char *expected)
{
	char desc[WALK_DESCRIBE_LEN];

	if (n->kind == YNODE_SCALAR && !n->is_null)
		return true;
	walk_error(w, n, "%s: expected %s, got %s", what, expected,
		   walk_describe(n, desc, sizeof(desc)));
	return false;
}

bool walk_u32(struct walk *w, const char *what, const struct ynode *n, uint32_t min,
	      uint32_t max, uint32_t *out)
{
	char desc[WALK_DESCRIBE_LEN];

	if (!walk_scalar(w, what, n, "an integer"))
		return false;
	switch (value_u32_range(n->text, min, max, out)) {
	case VALUE_OK:
		return true;
	case VALUE_RANGE:
		walk_error(w, n, "%s: expected an integer in %u..%u, got %s", what, min, max,
			   walk_describe(n, desc, sizeof(desc)));
		return false;
	default:
		walk_error(w, n, "%s: expected an integer, got %s", what,
			   walk_describe(n, desc, sizeof(desc)));
		return false;
	}
}

bool walk_u16(struct walk *w, const char *what, const struct ynode *n, uint16_t min,
	      uint16_t max, uint16_t *out)
{
	uint32_t v;
	if (!walk_u32(w, what, n, min, max, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool walk_u8(struct walk *w, const char *what, const struct ynode *n, uint8_t min,
	     uint8_t max, uint8_t *out)
{
	uint32_t v;
	if (!walk_u32(w, what, n, min, max, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

bool walk_bool(struct walk *w, const char *what, const struct ynode *n, bool *out)
{
	char desc[WALK_DESCRIBE_LEN];

	if (!walk_scalar(w, what, n, "true or false"))
		return false;
	if (value_bool(n->text, out))
		return true;
	walk_error(w, n, "%s: expected true or false, got %s", what,
		   walk_describe(n, desc, sizeof(desc)));
	return false;
}

bool walk_string(struct walk *w, const char *what, const struct ynode *n, size_t max,
		 char **out)
{
	if (!walk_scalar(w, what, n, "a string"))
		return false;
	if (strlen(n->text) > max) {
		walk_error(w, n, "%s: longer than %zu bytes", what, max);
		return false;
	}
	free(*out);
	*out = cfg_strdup(n->text);
	return true;
}

bool walk_secret(struct walk *w, const char *what, const struct ynode *n, size_t max,
		 char **out)
{
	if (n->kind != YNODE_SCALAR || n->is_null) {
		/* only the node's kind is described, never scalar text */
		walk_error(w, n, "%s: expected a string, got %s", what,
			   n->kind == YNODE_SEQ ? "a list" :
			   n->kind == YNODE_MAP ? "a mapping" : "nothing");
		return false;
	}
	if (n->text[0] == '\0') {
		walk_error(w, n, "%s: must not be empty", what);
		return false;
	}
	if (strlen(n->text) > max) {
		walk_error(w, n, "%s: longer than %zu bytes", what, max);
		return false;
	}
	free(*out);
	*out = cfg_strdup(n->text);
	return true;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

bool walk_name_text(struct walk *w, const char *what, const struct ynode *at, const char *s)
{
	char desc[WALK_DESCRIBE_LEN];
	size_t len = strlen(s);
	bool ok = len > 0;

	for (size_t i = 0; ok && i < len; i++)
		ok = name_char(s[i]);
	if (!ok) {
		walk_quote(s, desc, sizeof(desc));
		walk_error(w, at, "%s: expected a name of letters, digits, '-', '_' and '.', got %s",
			   what, desc);
		return false;
	}
	if (len > CONFIG_NAME_MAX) {
		walk_error(w, at, "%s: name longer than %d characters", what, CONFIG_NAME_MAX);
		return false;
	}
	return true;
}

bool walk_name(struct walk *w, const char *what, const struct ynode *n, char **out)
{
	if (!walk_scalar(w, what, n, "a name") || !walk_name_text(w, what, n, n->text))
		return false;
	free(*out);
	*out = cfg_strdup(n->text);
	return true;
}

bool walk_asn(struct walk *w, const char *what, const struct ynode *n, uint32_t *out)
{
	char desc[WALK_DESCRIBE_LEN];

	if (!walk_scalar(w, what, n, "an AS number"))
		return false;
	switch (value_asn(n->text, out)) {
	case VALUE_OK:
		return true;
	case VALUE_RANGE:
		walk_error(w, n, "%s: AS number out of range 1..4294967295 (asdot 0.1..65535.65535), got %s",
			   what, walk_describe(n, desc, sizeof(desc)));
		return false;
	default:
		walk_error(w, n, "%s: expected an AS number, got %s", what,
			   walk_describe(n, desc, sizeof(desc)));
		return false;
	}
}

static const char *af_expectation(int af)
{
	if (af == CONFIG_AF_INET)
		return "an IPv4 address";
	if (af == CONFIG_AF_INET6)
		return "an IPv6 address";
	return "an IPv4 or IPv6 address";
}

bool walk_addr(struct walk *w, const char *what, const struct ynode *n, int af,
	       struct config_addr *out)
{
	char desc[WALK_DESCRIBE_LEN];

	if (n->kind == YNODE_MAP && af != CONFIG_AF_INET) {
		/* "- ::" or "- 2001:db8::1" unquoted reads as a mapping key */
		walk_error(w, n, "%s: expected %s, got a mapping; quote IPv6 addresses, as in \"::\"",
			   what, af_expectation(af));
		return false;
	}
	if (!walk_scalar(w, what, n, af_expectation(af)))
		return false;
	if (value_addr(n->text, af, out))
		return true;
	walk_error(w, n, "%s: expected %s, got %s", what, af_expectation(af),
		   walk_describe(n, desc, sizeof(desc)));
	return false;
}

bool walk_prefix(struct walk *w, const char *what, const struct ynode *n,
		 struct config_prefix *out)
{
	char desc[WALK_DESCRIBE_LEN], want[CONFIG_PREFIX_STRLEN];
	struct config_prefix masked;

	if (!walk_scalar(w, what, n, "a prefix"))
		return false;
	switch (value_prefix(n->text, out, &masked)) {
	case VALUE_OK:
		return true;
	case VALUE_HOST_BITS:
		walk_error(w, n, "%s: host bits set in %s; did you mean %s?", what,
			   walk_describe(n, desc, sizeof(desc)),
			   config_prefix_format(&masked, want, sizeof(want)));
		return false;
	case VALUE_RANGE:
		walk_error(w, n, "%s: prefix length out of range in %s (IPv4 0..32, IPv6 0..128)",
			   what, walk_describe(n, desc, sizeof(desc)));
		return false;
	default:
		walk_error(w, n, "%s: expected an IPv4 or IPv6 prefix such as 203.0.113.0/24, got %s",
			   what, walk_describe(n, desc, sizeof(desc)));
		return false;
	}
}

bool walk_community(struct walk *w, const char *what, const struct ynode *n, uint32_t *out)
{
	char desc[WALK_DESCRIBE_LEN];
	const char *near;

	if (!walk_scalar(w, what, n, "a community"))
		return false;
	switch (value_community(n->text, out)) {
	case VALUE_OK:
		return true;
	case VALUE_RANGE:
		walk_error(w, n, "%s: community out of range (each half 0..65535), got %s", what,
			   walk_describe(n, desc, sizeof(desc)));
		return false;
	default:
		if (config_errors_full(w->errs))
			return false;
		near = suggest_nearest(n->text, value_community_names, VALUE_COMMUNITY_NAMES);
		walk_error(w, n, "%s: expected a community such as 65000:100 or no-export, got %s%s%s%s",
			   what, walk_describe(n, desc, sizeof(desc)), near ? "; did you mean '" : "",
			   near ? near : "", near ? "'?" : "");
		return false;
	}
}

bool walk_large(struct walk *w, const char *what, const struct ynode *n,
		struct config_large_community *out)
{
	char desc[WALK_DESCRIBE_LEN];

	if (!walk_scalar(w, what, n, "a large community"))
		return false;
	switch (value_large(n->text, out)) {
	case VALUE_OK:
		return true;
	case VALUE_RANGE:
		walk_error(w, n, "%s: large community out of range (each part 0..4294967295), got %s",
			   what, walk_describe(n, desc, sizeof(desc)));
		return false;
	default:
		walk_error(w, n, "%s: expected a large community such as 65000:1:2, got %s", what,
			   walk_describe(n, desc, sizeof(desc)));
		return false;
	}
}

bool walk_enum(struct walk *w, const char *what, const struct ynode *n,
	       const char *const *names, size_t count, int *out)
{
	char desc[WALK_DESCRIBE_LEN], list[256];
	size_t o = 0;
	const char *near;

	if (n->kind == YNODE_SCALAR && !n->is_null) {
		for (size_t i = 0; i < count; i++) {
			if (strcmp(n->text, names[i]) == 0) {
				*out = (int)i;
				return true;
			}
		}
	}
	if (config_errors_full(w->errs))
		return false;
	list[0] = '\0';
	for (size_t i = 0; i < count && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", names[i]);
	near = n->kind == YNODE_SCALAR ? suggest_nearest(n->text, names, count) : NULL;
	if (near)
		walk_error(w, n, "%s: expected one of %s, got %s; did you mean '%s'?", what, list,
			   walk_describe(n, desc, sizeof(desc)), near);
	else
		walk_error(w, n, "%s: expected one of %s, got %s", what, list,
			   walk_describe(n, desc, sizeof(desc)));
	return false;
}

bool walk_u32_list(struct walk *w, const char *what, const struct ynode *n,
		   bool (*one)(struct walk *, const char *, const struct ynode *, uint32_t *),
		   struct config_u32_list *out)
{
	struct walk_list l;
	bool ok = true;

	if (!walk_list(w, what, n, true, &l))
		return false;
	free(out->v);
	out->v = cfg_calloc(l.n, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (one(w, what, l.v[i], &out->v[out->n]))
			out->n++;
		else
			ok = false;
	}
	return ok;
}

bool walk_asn_list(struct walk *w, const char *what, const struct ynode *n,
		   struct config_u32_list *out)
{
	return walk_u32_list(w, what, n, walk_asn, out);
}

bool walk_community_list(struct walk *w, const char *what, const struct ynode *n,
			 struct config_u32_list *out)
{
	return walk_u32_list(w, what, n, walk_community, out);
}

bool walk_large_list(struct walk *w, const char *what, const struct ynode *n,
		     struct config_large_list *out)
{
	struct walk_list l;
	bool ok = true;

	if (!walk_list(w, what, n, true, &l))
		return false;
	free(out->v);
	out->v = cfg_calloc(l.n, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (walk_large(w, what, l.v[i], &out->v[out->n]))
			out->n++;
		else
			ok = false;
	}
	return ok;
}

bool walk_addr_list(struct walk *w, const char *what, const struct ynode *n,
		    struct config_addr_list *out)
{
	struct walk_list l;
	bool ok = true;

	if (!walk_list(w, what, n, true, &l))
		return false;
	free(out->v);
	out->v = cfg_calloc(l.n, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (walk_addr(w, what, l.v[i], 0, &out->v[out->n]))
			out->n++;
		else
			ok = false;
	}
	return ok;
}

bool walk_families(struct walk *w, const char *what, const struct ynode *n, bool scalar_ok,
		   uint32_t *out)
{
	struct walk_list l;
	uint32_t bits = 0;
	bool ok = true;
	int idx;

	if (!walk_list(w, what, n, scalar_ok, &l))
		return false;
	if (l.n == 0) {
		walk_error(w, n, "%s: expected at least one address family", what);
		return false;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (!walk_enum(w, what, l.v[i], walk_family_names, ARRAY_LEN(walk_family_names),
			       &idx)) {
			ok = false;
		} else if (bits & (1u << idx)) {
			walk_error(w, l.v[i], "%s: %s is listed twice", what, walk_family_names[idx]);
			ok = false;
		} else {
			bits |= 1u << idx;
		}
	}
	if (ok)
		*out = bits;
	return ok;
}

bool walk_trace(struct walk *w, const char *what, const struct ynode *n, uint32_t *out)
{
	static const char *const names[] = { "fsm", "open", "update", "keepalive",
					     "notification", "route-refresh", "policy", "all" };
	struct walk_list l;
	uint32_t bits = 0;
	bool ok = true;
	int idx;

	if (!walk_list(w, what, n, true, &l))
		return false;
	for (size_t i = 0; i < l.n; i++) {
		if (!walk_enum(w, what, l.v[i], names, ARRAY_LEN(names), &idx))
			ok = false;
		else if (idx == (int)ARRAY_LEN(names) - 1)
			bits |= CONFIG_TRACE_ALL;
		else
			bits |= 1u << idx;
	}
	if (ok)
		*out = bits;
	return ok;
}

struct dup_sort {
	const char *base;
	size_t size;
	int (*cmp)(const void *, const void *);
};

static int dup_index_cmp(const void *a, const void *b, void *arg)
{
	const struct dup_sort *d = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = d->cmp(d->base + x * d->size, d->base + y * d->size);
	if (c)
		return c;
	return (x > y) - (x < y);
}

void walk_duplicates(const void *base, size_t n, size_t size,
		     int (*cmp)(const void *, const void *),
		     void (*report)(void *ctx, size_t dup, size_t first), void *ctx)
{
	struct dup_sort d = { base, size, cmp };
	size_t *idx;

	if (n < 2)
		return;
	idx = cfg_calloc(n, sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), dup_index_cmp, &d);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (cmp(d.base + idx[i] * size, d.base + idx[first] * size) != 0)
			first = i;
		else
			report(ctx, idx[i], idx[first]);
	}
	free(idx);
}
