/*
 * config/mem.h — allocation for the loader.
 *
 * Input is capped at CONFIG_MAX_INPUT, so the memory a load needs is bounded by
 * the input; running out is a broken host, not a bad file, and aborts like the
 * rest of the daemon's fatal errors. Sizes are still overflow-checked.
 */
#ifndef CONFIG_MEM_H
#define CONFIG_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *cfg_calloc(size_t n, size_t size);
/* Grow *v (elements of `size`) so that index n is valid; doubles *cap. */
void cfg_grow(void *v, size_t *cap, size_t n, size_t size);
char *cfg_strdup(const char *s);
char *cfg_strndup(const char *s, size_t n);
char *cfg_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
char *cfg_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
