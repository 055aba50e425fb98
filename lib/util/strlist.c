/* SPDX-License-Identifier: MIT */
#include "strlist.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void nc_strlist_clear(struct nc_strlist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void nc_strlist_add(struct nc_strlist *l, const char *s)
{
	l->v = nc_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = nc_xstrdup(s);
}

bool nc_strlist_has(const struct nc_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0)
			return true;
	}
	return false;
}

bool nc_strlist_equal(const struct nc_strlist *a, const struct nc_strlist *b)
{
	bool eq = a->n == b->n;

	for (size_t i = 0; eq && i < a->n; i++)
		eq = strcmp(a->v[i], b->v[i]) == 0;
	return eq;
}

void nc_strlist_copy(struct nc_strlist *dst, const struct nc_strlist *src)
{
	nc_strlist_clear(dst);
	for (size_t i = 0; i < src->n; i++)
		nc_strlist_add(dst, src->v[i]);
}

bool nc_strlist_csv_has(const char *csv, const char *s)
{
	size_t n = strlen(s);

	for (const char *p = csv; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, s, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}
