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
	int col;
	bool desc;
};

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Column col of connectors a and b, as the Connectors panel shows them. */
static int cmp_conn(const struct tui_conn *a, const struct tui_conn *b, int col)
{
	switch (col) {
	case 0:
		return strcasecmp(a->name, b->name);
	case 1:
		return strcmp(a->serial, b->serial);
	case 2:
		return strcasecmp(a->region, b->region);
	case 3:
		return strcmp(a->hub, b->hub);
	case 4:
		return strcmp(a->status, b->status);
	case 5:
		/* Last Seen: the most recent first when ascending, as "just now" < "5m ago". */
		return cmp_i64(b->last_seen, a->last_seen);
	case 6:
		return strcmp(a->sync, b->sync);
	default:
		return strcmp(a->dirty, b->dirty);
	}
}

static int cmp_edge(const struct tui_edge *a, const struct tui_edge *b, int col)
{
	switch (col) {
	case 0:
		return strcasecmp(a->name, b->name);
	case 1:
		return strcmp(a->serial, b->serial);
	case 2:
		return strcmp(a->kind, b->kind);
	case 3:
		return strcasecmp(a->region, b->region);
	case 4:
		return strcmp(a->endpoint, b->endpoint);
	case 5:
		return cmp_i64(b->last_seen, a->last_seen);
	default:
		return strcmp(a->sync, b->sync);
	}
}

/* qsort_r's comparison of two row indexes; ties keep the model's order (by serial). */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct order *o = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c;

	if (o->panel == TUI_CONNECTORS)
		c = cmp_conn(&o->m->conns[a], &o->m->conns[b], o->col);
	else
		c = cmp_edge(&o->m->edges[a], &o->m->edges[b], o->col);
	if (o->desc)
		c = -c;
	return c ? c : (a > b) - (a < b);
}

bool tui_sort_can(enum tui_panel p)
{
	return p == TUI_CONNECTORS || p == TUI_EDGES;
}

void tui_sort_rows(const struct tui_model *m, enum tui_panel p, int col, bool desc, size_t *vis,
		   size_t n)
{
	struct order o = {.m = m, .panel = p, .col = col, .desc = desc};
	size_t ncols;

	tui_rows_cols(p, &ncols);
	if (!tui_sort_can(p) || col < 0 || (size_t)col >= ncols || n < 2)
		return;
	qsort_r(vis, n, sizeof(*vis), cmp_rows, &o);
}
