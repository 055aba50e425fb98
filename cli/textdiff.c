/* SPDX-License-Identifier: MIT */
#include "textdiff.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/util/xmalloc.h"

struct lines {
	const char **s;
	size_t *len;
	size_t n;
};

static void split(const char *t, struct lines *l)
{
	size_t cap = 0;

	l->s = NULL;
	l->len = NULL;
	l->n = 0;
	while (t && *t) {
		size_t len = strcspn(t, "\n");

		if (l->n == cap) {
			cap = cap ? cap * 2 : 32;
			l->s = nc_xrealloc(l->s, cap * sizeof(*l->s));
			l->len = nc_xrealloc(l->len, cap * sizeof(*l->len));
		}
		l->s[l->n] = t;
		l->len[l->n++] = len;
		t += len + (t[len] == '\n');
	}
}

static int same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

size_t cli_textdiff(const char *a, const char *b, cli_diff_fn fn, void *arg)
{
	struct lines la, lb;
	size_t *t, w, i = 0, j = 0, changed = 0;

	split(a, &la);
	split(b, &lb);
	/* t[i][j]: length of the LCS of la[i..] and lb[j..]. */
	w = lb.n + 1;
	t = nc_xcalloc((la.n + 1) * w, sizeof(size_t));
	for (size_t x = la.n; x-- > 0;) {
		for (size_t y = lb.n; y-- > 0;) {
			if (same(&la, x, &lb, y))
				t[x * w + y] = t[(x + 1) * w + y + 1] + 1;
			else
				t[x * w + y] = t[(x + 1) * w + y] > t[x * w + y + 1]
						       ? t[(x + 1) * w + y]
						       : t[x * w + y + 1];
		}
	}
	while (i < la.n || j < lb.n) {
		if (i < la.n && j < lb.n && same(&la, i, &lb, j)) {
			fn(arg, ' ', la.s[i], la.len[i]);
			i++;
			j++;
		} else if (i < la.n && (j == lb.n || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			fn(arg, '-', la.s[i], la.len[i]);
			i++;
			changed++;
		} else {
			fn(arg, '+', lb.s[j], lb.len[j]);
			j++;
			changed++;
		}
	}
	free(t);
	free(la.s);
	free(la.len);
	free(lb.s);
	free(lb.len);
	return changed;
}
