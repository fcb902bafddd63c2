/* config/mem.c — see mem.h for why allocation failure aborts. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/mem.h"

static void cfg_oom(void)
{
	abort();
}

void *cfg_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		cfg_oom();
	return p;
}

void cfg_grow(void *vp, size_t *cap, size_t n, size_t size)
{
	void **v = vp;
	size_t ncap;
	void *p;

	if (n < *cap)
		return;
	ncap = *cap ? *cap : 4;
	while (ncap <= n) {
		if (ncap > SIZE_MAX / 2)
			cfg_oom();
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		cfg_oom();
	p = realloc(*v, ncap * size);
	if (!p)
		cfg_oom();
	memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
	*v = p;
	*cap = ncap;
}

char *cfg_strndup(const char *s, size_t n)
{
	char *p = cfg_calloc(n + 1, 1);
	memcpy(p, s, n);
	return p;
}

char *cfg_strdup(const char *s)
{
	return cfg_strndup(s, strlen(s));
}

char *cfg_vasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		cfg_oom();
	return s;
}

char *cfg_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = cfg_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}
