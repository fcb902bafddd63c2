/*
 * config/yaml.h — libyaml's event stream as a small tree with positions.
 *
 * Only what a config needs: scalars, sequences, mappings. Aliases are refused
 * (they buy nothing that peer-groups do not, and expanding them is the "billion
 * laughs" hazard); tags and anchors are ignored; one document only. Duplicate
 * keys in a mapping are reported here and the later one dropped.
 */
#ifndef CONFIG_YAML_H
#define CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "config/errors.h"

/* Deeper nesting than any config needs; stops libyaml's stacks growing on
 * input like "[[[[[[...". */
#define YNODE_MAX_DEPTH 64

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode;

struct ypair {
	struct ynode *key, *value;
};

struct ynode {
	enum ynode_kind kind;
	unsigned line, column;  /* 1-based start of the node */
	bool is_null;           /* plain "", "~" or "null": a key with no value */
	char *text;             /* scalar text, NUL-terminated */
	size_t n;               /* items (SEQ) or pairs (MAP) */
	size_t cap;
	struct ynode **items;
	struct ypair *pairs;
};

/*
 * Parse one document. Returns the root (NULL for an empty document) and appends
 * any problem to errs; *fatal is set when the input could not be parsed at all
 * (syntax error, nesting too deep), in which case NULL is returned.
 */
struct ynode *yaml_load(const char *file, const char *buf, size_t len,
			struct config_errors *errs, bool *fatal);
void ynode_free(struct ynode *n);

#endif
