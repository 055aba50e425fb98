/* SPDX-License-Identifier: MIT */
/*
 * The order of a panel's rows: the Connectors and Edges panels sort by any
 * of their columns, up or down. Every row of the panel (indexes into the
 * model's arrays) is kept in order from one model version to the next: a
 * new version costs a pass over the rows that are still in order, a new
 * column or direction a sort, a filter nothing (tui_rows_update takes the
 * rows in this order). Never per frame. No I/O, no curses.
 */
#include "tui.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/util/xmalloc.h"

/* What a comparison needs: the model's rows and the column. */
struct order {
	const struct tui_model *m;
	enum tui_panel panel;
	const struct tui_col *col;
	bool desc;
};

/* Column c of rows a and b (the model's structs). Last Seen: the most
 * recent first when ascending, as "just now" comes before "5m ago", and
 * "never" last. */
static int cmp_col(const struct tui_col *c, const char *a, const char *b)
{
	int64_t ta, tb;

	switch (c->sort) {
	case TUI_SORT_NOCASE:
		return strcasecmp(a + c->off, b + c->off);
	case TUI_SORT_TIME:
		memcpy(&ta, a + c->off, sizeof(ta));
		memcpy(&tb, b + c->off, sizeof(tb));
		return (tb > ta) - (tb < ta);
	case TUI_SORT_TEXT:
		return strcmp(a + c->off, b + c->off);
	default:
		return 0;
	}
}

/* qsort_r's comparison of two row indexes; ties keep the model's order (by serial). */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct order *o = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c;

	if (o->panel == TUI_CONNECTORS)
		c = cmp_col(o->col, (const char *)&o->m->conns[a], (const char *)&o->m->conns[b]);
	else
		c = cmp_col(o->col, (const char *)&o->m->edges[a], (const char *)&o->m->edges[b]);
	if (o->desc)
		c = -c;
	return c ? c : (a > b) - (a < b);
}

bool tui_sort_can(enum tui_panel p)
{
	size_t n;
	const struct tui_col *cols = tui_rows_cols(p, &n);

	return n > 0 && cols[0].sort != TUI_SORT_NONE;
}

/* Sorts v[n] in place from the order it has: each row moves down past
 * those it sorts before. Linear when the order holds but for a few rows;
 * false after budget moves, v then a permutation still. */
static bool insertion(size_t *v, size_t n, const struct order *o, size_t budget)
{
	for (size_t i = 1; i < n; i++) {
		size_t x = v[i], j = i;

		while (j > 0 && cmp_rows(&v[j - 1], &x, (void *)o) > 0) {
			v[j] = v[j - 1];
			j--;
			if (--budget == 0) {
				v[j] = x;
				return false;
			}
		}
		v[j] = x;
	}
	return true;
}

const size_t *tui_sort_order(struct tui_order *so, const struct tui_model *m, enum tui_panel p,
			     int col, bool desc)
{
	struct order o = {.m = m, .panel = p, .desc = desc};
	size_t ncols, total = tui_rows_count(m, p);
	const struct tui_col *cols = tui_rows_cols(p, &ncols);
	bool again =
		so->valid && so->panel == p && so->col == col && so->desc == desc && so->n == total;

	if (!tui_sort_can(p) || col < 0 || (size_t)col >= ncols) {
		so->valid = false;
		return NULL;
	}
	o.col = &cols[col];
	if (!again) {
		so->v = nc_xgrow(so->v, &so->cap, (total + 1) * sizeof(*so->v), 1024);
		for (size_t i = 0; i < total; i++)
			so->v[i] = i;
	}
	/* The last order re-sorted costs a comparison a row while the rows
	 * keep their places (an event changes one or two); a new one, or one
	 * with many rows moved, is sorted whole. */
	if (total > 1 && (!again || !insertion(so->v, total, &o, 4 * total + 64)))
		qsort_r(so->v, total, sizeof(*so->v), cmp_rows, &o);
	so->n = total;
	so->panel = p;
	so->col = col;
	so->desc = desc;
	so->valid = true;
	return so->v;
}
