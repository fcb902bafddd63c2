/*
 * config/yaml.c — build the node tree from libyaml's parser events.
 *
 * libyaml marks are 0-based (line, column in characters); the tree stores them
 * 1-based, which is what every message shows.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/mem.h"
#include "config/yaml.h"

struct ybuild {
	const char *file;
	const char *buf;
	size_t len;
	struct config_errors *errs;
	struct ynode *root;
	struct ynode *stack[YNODE_MAX_DEPTH];
	size_t depth;
	size_t documents;
	bool fatal;
};

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	if (n->kind == YNODE_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			ynode_free(n->items[i]);
	} else if (n->kind == YNODE_MAP) {
		for (size_t i = 0; i < n->n; i++) {
			ynode_free(n->pairs[i].key);
			ynode_free(n->pairs[i].value);
		}
	}
	free(n->items);
	free(n->pairs);
	free(n->text);
	free(n);
}

static struct ynode *ynode_new(enum ynode_kind kind, yaml_mark_t mark)
{
	struct ynode *n = cfg_calloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (unsigned)mark.line + 1;
	n->column = (unsigned)mark.column + 1;
	return n;
}

static struct ynode *null_scalar(yaml_mark_t mark)
{
	struct ynode *n = ynode_new(YNODE_SCALAR, mark);
	n->text = cfg_strdup("");
	n->is_null = true;
	return n;
}

static bool scalar_is_null(const yaml_event_t *ev)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp((const char *)ev->data.scalar.value, nulls[i]) == 0)
			return true;
	return false;
}

/* Hang a finished or just-opened node on the innermost open container. */
static void attach(struct ybuild *b, struct ynode *n)
{
	struct ynode *top;

	if (b->depth == 0) {
		if (b->root)
			ynode_free(b->root);    /* cannot happen with one document */
		b->root = n;
		return;
	}
	top = b->stack[b->depth - 1];
	if (top->kind == YNODE_SEQ) {
		cfg_grow(&top->items, &top->cap, top->n, sizeof(*top->items));
		top->items[top->n++] = n;
		return;
	}
	/* a mapping: keys and values alternate; a pair is open while value is NULL */
	if (top->n > 0 && top->pairs[top->n - 1].value == NULL) {
		top->pairs[top->n - 1].value = n;
		return;
	}
	cfg_grow(&top->pairs, &top->cap, top->n, sizeof(*top->pairs));
	top->pairs[top->n].key = n;
	top->pairs[top->n].value = NULL;
	top->n++;
}

static int key_cmp(const void *a, const void *b)
{
	const struct ypair *const *x = a, *const *y = b;
	int c = strcmp((*x)->key->text, (*y)->key->text);
	if (c)
		return c;
	return (*x < *y) ? -1 : (*x > *y);
}

/* Report later duplicates of a scalar key and drop them; O(n log n). */
static void dedupe_keys(struct ybuild *b, struct ynode *map)
{
	struct ypair **idx;
	size_t n = 0, kept = 0;
	bool *drop;

	if (map->n < 2)
		return;
	idx = cfg_calloc(map->n, sizeof(*idx));
	drop = cfg_calloc(map->n, sizeof(*drop));
	for (size_t i = 0; i < map->n; i++)
		if (map->pairs[i].key->kind == YNODE_SCALAR)
			idx[n++] = &map->pairs[i];
	qsort(idx, n, sizeof(*idx), key_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(idx[i]->key->text, idx[first]->key->text) != 0) {
			first = i;
			continue;
		}
		config_errors_add(b->errs, b->file, idx[i]->key->line, idx[i]->key->column,
				  "duplicate key '%s'; first defined at line %u, column %u",
				  idx[i]->key->text, idx[first]->key->line,
				  idx[first]->key->column);
		drop[idx[i] - map->pairs] = true;
	}
	for (size_t i = 0; i < map->n; i++) {
		if (drop[i]) {
			ynode_free(map->pairs[i].key);
			ynode_free(map->pairs[i].value);
		} else {
			map->pairs[kept++] = map->pairs[i];
		}
	}
	map->n = kept;
	free(idx);
	free(drop);
}

static void error_at_mark(struct ybuild *b, yaml_mark_t m, const char *fmt, const char *arg)
{
	config_errors_add(b->errs, b->file, (unsigned)m.line + 1, (unsigned)m.column + 1,
			  fmt, arg);
}

static void on_scalar(struct ybuild *b, const yaml_event_t *ev)
{
	struct ynode *n = ynode_new(YNODE_SCALAR, ev->start_mark);
	size_t len = ev->data.scalar.length;

	n->text = cfg_strndup((const char *)ev->data.scalar.value, len);
	n->is_null = scalar_is_null(ev);
	/* a "\0" escape would silently cut the text short in every C parser below */
	if (strlen(n->text) != len)
		error_at_mark(b, ev->start_mark, "%s", "a NUL character is not allowed here");
	attach(b, n);
}

static void on_start(struct ybuild *b, const yaml_event_t *ev, enum ynode_kind kind)
{
	struct ynode *n;

	if (b->depth >= YNODE_MAX_DEPTH) {
		config_errors_add(b->errs, b->file, (unsigned)ev->start_mark.line + 1,
				  (unsigned)ev->start_mark.column + 1,
				  "nesting deeper than %d levels", YNODE_MAX_DEPTH);
		b->fatal = true;
		return;
	}
	n = ynode_new(kind, ev->start_mark);
	attach(b, n);
	b->stack[b->depth++] = n;
}

static void on_end(struct ybuild *b)
{
	struct ynode *n = b->stack[--b->depth];
	if (n->kind != YNODE_MAP)
		return;
	/* libyaml always sends a value, but never trust a half-open pair */
	if (n->n > 0 && n->pairs[n->n - 1].value == NULL) {
		yaml_mark_t m = { .line = n->pairs[n->n - 1].key->line - 1,
				  .column = n->pairs[n->n - 1].key->column - 1 };
		n->pairs[n->n - 1].value = null_scalar(m);
	}
	dedupe_keys(b, n);
}

/* 1-based line and column of a byte offset, for reader (encoding) errors. */
static void offset_position(const char *buf, size_t len, size_t off,
			    unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
			(*col)++;       /* count characters, not UTF-8 continuation bytes */
		}
	}
}

static void syntax_error(struct ybuild *b, const yaml_parser_t *p)
{
	unsigned line, col;
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->error == YAML_READER_ERROR) {
		offset_position(b->buf, b->len, p->problem_offset, &line, &col);
		config_errors_add(b->errs, b->file, line, col, "YAML syntax error: %s", problem);
	} else if (p->context) {
		config_errors_add(b->errs, b->file, (unsigned)p->problem_mark.line + 1,
				  (unsigned)p->problem_mark.column + 1,
				  "YAML syntax error: %s (%s at line %u, column %u)", problem,
				  p->context, (unsigned)p->context_mark.line + 1,
				  (unsigned)p->context_mark.column + 1);
	} else {
		config_errors_add(b->errs, b->file, (unsigned)p->problem_mark.line + 1,
				  (unsigned)p->problem_mark.column + 1,
				  "YAML syntax error: %s", problem);
	}
	b->fatal = true;
}

/* One event; returns false when the stream is over or parsing must stop. */
static bool on_event(struct ybuild *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return false;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1) {
			error_at_mark(b, ev->start_mark, "%s",
				      "only one YAML document is allowed in a config file");
			b->fatal = true;
			return false;
		}
		return true;
	case YAML_ALIAS_EVENT:
		/* keep the tree shape: a null in its place, and say why */
		error_at_mark(b, ev->start_mark, "%s",
			      "YAML aliases are not supported; use peer-groups to share settings");
		attach(b, null_scalar(ev->start_mark));
		return true;
	case YAML_SCALAR_EVENT:
		on_scalar(b, ev);
		return true;
	case YAML_SEQUENCE_START_EVENT:
		on_start(b, ev, YNODE_SEQ);
		return !b->fatal;
	case YAML_MAPPING_START_EVENT:
		on_start(b, ev, YNODE_MAP);
		return !b->fatal;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_end(b);
		return true;
	default:
		return true;
	}
}

struct ynode *yaml_load(const char *file, const char *buf, size_t len,
			struct config_errors *errs, bool *fatal)
{
	struct ybuild b = { .file = file, .buf = buf, .len = len, .errs = errs };
	yaml_parser_t parser;
	yaml_event_t ev;
	bool more = true;

	*fatal = false;
	if (!yaml_parser_initialize(&parser))
		abort();        /* allocation failure, see mem.h */
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (more) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&b, &parser);
			break;
		}
		more = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (b.fatal) {
		/* open containers are reachable from the root: one free covers all */
		ynode_free(b.root);
		*fatal = true;
		return NULL;
	}
	return b.root;
}
