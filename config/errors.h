/*
 * config/errors.h — the list of problems one load found.
 *
 * Every stage of the loader appends here and goes on, so a single run reports
 * every mistake in a file, each as "file:line:column: message" with 1-based
 * positions. Messages never contain secrets.
 */
#ifndef CONFIG_ERRORS_H
#define CONFIG_ERRORS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A hostile file can have an error per line; past this many we stop listing. */
#define CONFIG_MAX_ERRORS 100

struct config_error {
	char *file;
	unsigned line, column;  /* 1-based; 0 when the error is about the whole file */
	char *message;          /* what was expected, without the position */
	char *text;             /* "file:line:column: message" (or "file: message") */
};

struct config_errors {
	struct config_error *v;
	size_t n, cap;
	bool truncated;         /* more than CONFIG_MAX_ERRORS were found */
};

void config_errors_free(struct config_errors *errs);

/* For the loader's own use. */
void config_errors_add(struct config_errors *errs, const char *file, unsigned line,
		       unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void config_errors_vadd(struct config_errors *errs, const char *file, unsigned line,
			unsigned column, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* True (and the list marked truncated) once no more errors will be kept:
 * callers skip costly work such as suggestions for messages nobody will see. */
bool config_errors_full(struct config_errors *errs);
/* Order by position (stable), then note truncation at the end. */
void config_errors_finish(struct config_errors *errs, const char *file);

#endif
