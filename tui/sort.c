/* SPDX-License-Identifier: MIT */
/*
 * The order of a panel's rows: the Connectors and Edges panels sort by any
 * of their columns, up or down. The rows shown (indexes into the model's
 * arrays) are sorted once when the model, the filter or the order changes
 * (tui_rows_update), never per frame. No I/O, no curses.
 */
#include "tui.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

void tui_sort_rows(const struct tui_model *m, enum tui_panel p, int col, bool desc, size_t *vis,
		   size_t n)
{
	struct order o = {.m = m, .panel = p, .desc = desc};
	size_t ncols;
	const struct tui_col *cols = tui_rows_cols(p, &ncols);

	if (!tui_sort_can(p) || col < 0 || (size_t)col >= ncols || n < 2)
		return;
	o.col = &cols[col];
	qsort_r(vis, n, sizeof(*vis), cmp_rows, &o);
}
