/* SPDX-License-Identifier: MIT */
#include "xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "netctl: out of memory allocating %zu bytes\n", n);
	abort();
}

void *nc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *nc_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(nmemb * size);
	return p;
}

void *nc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

void *nc_xgrow(void *p, size_t *cap, size_t need, size_t first)
{
	size_t c = *cap ? *cap : first;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	*cap = c;
	return nc_xrealloc(p, c);
}

char *nc_xstrdup(const char *s)
{
	return s ? nc_xstrndup(s, strlen(s)) : NULL;
}

char *nc_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom(n);
	return p;
}

char *nc_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	return s;
}
