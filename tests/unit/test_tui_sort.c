/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's sort order (tui/sort.c): by a column up and down, ties in
 * the model's order, kept from one model version to the next and right
 * after one row or every row changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/util/xmalloc.h"
#include "../../tui/tui.h"

#define N 500

/* A model of N connectors CN-0000..., named in the opposite order. */
static void fill(struct tui_model *m)
{
	struct tui_conn *v = nc_xcalloc(N, sizeof(*v));

	for (size_t i = 0; i < N; i++) {
		snprintf(v[i].serial, sizeof(v[i].serial), "CN-%04zu", i);
		snprintf(v[i].name, sizeof(v[i].name), "Branch-%04zu", N - 1 - i);
		snprintf(v[i].status, sizeof(v[i].status), "%s", i % 3 ? "active" : "offline");
		v[i].last_seen = (int64_t)(1000 + i % 7);
	}
	tui_model_set_conns(m, v, N);
}

/* Whether o sorts the connectors by column col as a whole sort would. */
static void assert_sorted(const struct tui_model *m, const size_t *o, int col, bool desc)
{
	for (size_t k = 1; k < N; k++) {
		const struct tui_conn *a = &m->conns[o[k - 1]], *b = &m->conns[o[k]];
		int c = col == 0   ? strcasecmp(a->name, b->name)
			: col == 4 ? strcmp(a->status, b->status)
				   : (b->last_seen > a->last_seen) - (b->last_seen < a->last_seen);

		c = desc ? -c : c;
		assert_true(c < 0 || (c == 0 && o[k - 1] < o[k]));
	}
}

/* A model filled by fill() and an order, for one test. */
struct sortfx {
	struct tui_model m;
	struct tui_order so;
};

static struct sortfx *sortfx_new(void)
{
	struct sortfx *f = nc_xcalloc(1, sizeof(*f));

	tui_model_init(&f->m);
	fill(&f->m);
	return f;
}

static void sortfx_free(struct sortfx *f)
{
	free(f->so.v);
	tui_model_clear(&f->m);
	free(f);
}

static void test_columns_and_directions(void **state)
{
	struct sortfx *f = sortfx_new();
	const struct tui_model *m = &f->m;
	const size_t *o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 0, false);

	assert_non_null(o);
	assert_sorted(m, o, 0, false);
	assert_string_equal(m->conns[o[0]].name, "Branch-0000");
	o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 0, true);
	assert_sorted(m, o, 0, true);
	o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 4, false);
	assert_sorted(m, o, 4, false); /* ties by serial */
	o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 5, false);
	assert_sorted(m, o, 5, false); /* the most recent first */
	assert_int_equal(m->conns[o[0]].last_seen, 1006);
	/* No column, a column out of range, a panel that keeps its order. */
	assert_null(tui_sort_order(&f->so, m, TUI_CONNECTORS, -1, false));
	assert_null(tui_sort_order(&f->so, m, TUI_CONNECTORS, 99, false));
	assert_null(tui_sort_order(&f->so, m, TUI_EVENTS, 0, false));
	sortfx_free(f);
}

static void test_kept_between_versions(void **state)
{
	struct sortfx *f = sortfx_new();
	struct tui_model *m = &f->m;
	const size_t *o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 4, false);

	/* One row changes: it moves to its place. */
	snprintf(m->conns[1].status, sizeof(m->conns[1].status), "offline");
	o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 4, false);
	assert_sorted(m, o, 4, false);
	/* Every row changes: the order is right all the same. */
	for (size_t i = 0; i < N; i++)
		snprintf(m->conns[i].status, sizeof(m->conns[i].status), "%s",
			 i % 2 ? "offline" : "active");
	o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 4, false);
	assert_sorted(m, o, 4, false);
	/* New lists of another length: sorted whole. */
	fill(m);
	m->nconns = N - 10;
	o = tui_sort_order(&f->so, m, TUI_CONNECTORS, 0, false);
	for (size_t k = 0; k < N - 10; k++)
		assert_true(o[k] < N - 10);
	m->nconns = N;
	sortfx_free(f);
}

FX_MAIN("tui_sort", test_columns_and_directions, test_kept_between_versions)
