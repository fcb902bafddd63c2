/*
 * config/walk.h — reading typed values out of the node tree, with messages.
 *
 * Each getter checks one value, reports "key: expected X, got Y" at the
 * value's position when it is wrong, and returns false; the caller then just
 * leaves the field unset and goes on, so every error in a file is found.
 */
#ifndef CONFIG_WALK_H
#define CONFIG_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "config/yaml.h"

struct walk {
	const char *file;
	struct config_errors *errs;
	struct bgpd_config *cfg;
	unsigned flags;                 /* CONFIG_LOAD_* */
	const char *base_dir;           /* for relative password-file paths */
};

/* Longest piece of a bad value quoted back in a message. */
#define WALK_QUOTE_MAX 48

void walk_error(struct walk *w, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void walk_error_pos(struct walk *w, struct config_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct config_pos walk_pos(const struct ynode *n);
/* "a list", "a mapping", "nothing" or the quoted, escaped, truncated text. */
const char *walk_describe(const struct ynode *n, char *buf, size_t len);
#define WALK_DESCRIBE_LEN (WALK_QUOTE_MAX * 4 + 8)

/*
 * Index of the pair's key in keys[0..n) (NULL entries are holes), or -1 after
 * reporting "unknown key 'x' in <where>; did you mean 'y'?".
 */
int walk_key(struct walk *w, const struct ypair *pair, const char *const *keys, size_t n,
	     const char *where);
bool walk_is_map(struct walk *w, const char *what, const struct ynode *n);

/*
 * Sort a mapping's values into vals[0..n) by key (NULL when absent), reporting
 * unknown keys; then the caller reads them in an order of its choosing.
 * False when map is not a mapping.
 */
bool walk_fields(struct walk *w, const struct ynode *map, const char *where,
		 const char *const *keys, size_t n, const struct ynode **vals);
/* "<where>: missing required key '<key>'" at the mapping. */
void walk_missing(struct walk *w, const struct ynode *map, const char *where, const char *key);
/* Quote untrusted text for a message ('...', escaped, truncated). */
void walk_quote(const char *s, char *buf, size_t len);

/* A list, or (scalar_ok) one scalar standing for a list of one. */
struct walk_list {
	const struct ynode *const *v;
	size_t n;
	const struct ynode *one;
};
bool walk_list(struct walk *w, const char *what, const struct ynode *n, bool scalar_ok,
	       struct walk_list *out);

/* A non-null scalar; expected names the kind in the message. */
bool walk_scalar(struct walk *w, const char *what, const struct ynode *n, const char *expected);
bool walk_u32(struct walk *w, const char *what, const struct ynode *n, uint32_t min,
	      uint32_t max, uint32_t *out);
bool walk_u16(struct walk *w, const char *what, const struct ynode *n, uint16_t min,
	      uint16_t max, uint16_t *out);
bool walk_u8(struct walk *w, const char *what, const struct ynode *n, uint8_t min,
	     uint8_t max, uint8_t *out);
bool walk_bool(struct walk *w, const char *what, const struct ynode *n, bool *out);
/* Free text up to max bytes; *out replaced (old value freed). */
bool walk_string(struct walk *w, const char *what, const struct ynode *n, size_t max,
		 char **out);
/* Like walk_string but never quotes the value back. */
bool walk_secret(struct walk *w, const char *what, const struct ynode *n, size_t max,
		 char **out);
/* A peer-group or policy name: letters, digits, '-', '_', '.'. */
bool walk_name(struct walk *w, const char *what, const struct ynode *n, char **out);
bool walk_name_text(struct walk *w, const char *what, const struct ynode *at, const char *s);
bool walk_asn(struct walk *w, const char *what, const struct ynode *n, uint32_t *out);
/* af 0 = either family. */
bool walk_addr(struct walk *w, const char *what, const struct ynode *n, int af,
	       struct config_addr *out);
bool walk_prefix(struct walk *w, const char *what, const struct ynode *n,
		 struct config_prefix *out);
bool walk_community(struct walk *w, const char *what, const struct ynode *n, uint32_t *out);
bool walk_large(struct walk *w, const char *what, const struct ynode *n,
		struct config_large_community *out);
/* One of names[0..count); "expected one of a, b, c, got 'x'; did you mean 'b'?" */
bool walk_enum(struct walk *w, const char *what, const struct ynode *n,
	       const char *const *names, size_t count, int *out);

/* Lists of the above, one scalar allowed for a list of one. */
bool walk_u32_list(struct walk *w, const char *what, const struct ynode *n,
		   bool (*one)(struct walk *, const char *, const struct ynode *, uint32_t *),
		   struct config_u32_list *out);
bool walk_asn_list(struct walk *w, const char *what, const struct ynode *n,
		   struct config_u32_list *out);
bool walk_community_list(struct walk *w, const char *what, const struct ynode *n,
			 struct config_u32_list *out);
bool walk_large_list(struct walk *w, const char *what, const struct ynode *n,
		     struct config_large_list *out);
bool walk_addr_list(struct walk *w, const char *what, const struct ynode *n,
		    struct config_addr_list *out);
/* address-families: [ipv4-unicast, ipv6-unicast] as CONFIG_FAM_* bits. */
bool walk_families(struct walk *w, const char *what, const struct ynode *n, bool scalar_ok,
		   uint32_t *out);
/* trace: [fsm, update, ...] or "all" as CONFIG_TRACE_* bits. */
bool walk_trace(struct walk *w, const char *what, const struct ynode *n, uint32_t *out);

/*
 * Call report(ctx, dup, first) for every item equal (by cmp) to an earlier one,
 * first being the earliest equal item. Sorts indices: n log n on any input.
 */
void walk_duplicates(const void *base, size_t n, size_t size,
		     int (*cmp)(const void *, const void *),
		     void (*report)(void *ctx, size_t dup, size_t first), void *ctx);

/* Names shared by dump.c. */
extern const char *const walk_family_names[2];
extern const char *const walk_trace_names[7];

#endif
