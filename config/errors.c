/* config/errors.c — the error list (see errors.h). */
#include <stdlib.h>
#include <string.h>

#include "config/errors.h"
#include "config/mem.h"

void config_errors_vadd(struct config_errors *errs, const char *file, unsigned line,
			unsigned column, const char *fmt, va_list ap)
{
	struct config_error *e;

	if (errs->n >= CONFIG_MAX_ERRORS) {
		errs->truncated = true;
		return;
	}
	cfg_grow(&errs->v, &errs->cap, errs->n, sizeof(*errs->v));
	e = &errs->v[errs->n++];
	e->file = cfg_strdup(file ? file : "<config>");
	e->line = line;
	e->column = column;
	e->message = cfg_vasprintf(fmt, ap);
	if (line)
		e->text = cfg_asprintf("%s:%u:%u: %s", e->file, line, column, e->message);
	else
		e->text = cfg_asprintf("%s: %s", e->file, e->message);
}

bool config_errors_full(struct config_errors *errs)
{
	if (errs->n < CONFIG_MAX_ERRORS)
		return false;
	errs->truncated = true;
	return true;
}

void config_errors_add(struct config_errors *errs, const char *file, unsigned line,
		       unsigned column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	config_errors_vadd(errs, file, line, column, fmt, ap);
	va_end(ap);
}

/* Insertion sort: stable, and the list is short and nearly sorted already. */
void config_errors_finish(struct config_errors *errs, const char *file)
{
	for (size_t i = 1; i < errs->n; i++) {
		struct config_error e = errs->v[i];
		size_t j = i;
		while (j > 0 && (errs->v[j - 1].line > e.line ||
				 (errs->v[j - 1].line == e.line &&
				  errs->v[j - 1].column > e.column))) {
			errs->v[j] = errs->v[j - 1];
			j--;
		}
		errs->v[j] = e;
	}
	if (errs->truncated) {
		/* room for one more: the cap stops additions, not this note */
		cfg_grow(&errs->v, &errs->cap, errs->n, sizeof(*errs->v));
		struct config_error *e = &errs->v[errs->n++];
		e->file = cfg_strdup(file ? file : "<config>");
		e->line = e->column = 0;
		e->message = cfg_asprintf("too many errors; only the first %d are listed",
					  CONFIG_MAX_ERRORS);
		e->text = cfg_asprintf("%s: %s", e->file, e->message);
		errs->truncated = false;
	}
}

void config_errors_free(struct config_errors *errs)
{
	if (!errs)
		return;
	for (size_t i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].message);
		free(errs->v[i].text);
	}
	free(errs->v);
	memset(errs, 0, sizeof(*errs));
}
