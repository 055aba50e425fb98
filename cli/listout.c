/* SPDX-License-Identifier: MIT */
/*
 * Tables and lists, printed page by page: a list of many pages is written
 * as its pages arrive and never held whole (cli_out_list_begin).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/util/timefmt.h"
#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "cmd.h"
#include "output.h"
#include "output_impl.h"
#include "select.h"

/* A table being printed: the visible columns and their widths so far. */
struct cli_table {
	const struct cli_col **vis;
	size_t nvis;
	size_t *w;    /* widths of the rows printed so far; 0 before the header */
	size_t *minw; /* the least each column may be fitted to */
	bool started; /* the header is printed */
};

static void table_init(const struct cli_ctx *ctx, struct cli_table *t, const struct cli_col *cols,
		       size_t ncols)
{
	t->vis = nc_xcalloc(ncols + 1, sizeof(*t->vis));
	t->nvis = 0;
	for (size_t j = 0; j < ncols; j++) {
		if (!(cols[j].flags & NC_COL_WIDE) || ctx->output == NC_OUT_WIDE)
			t->vis[t->nvis++] = &cols[j];
	}
	t->w = nc_xcalloc(t->nvis + 1, sizeof(size_t));
	t->minw = nc_xcalloc(t->nvis + 1, sizeof(size_t));
	t->started = false;
}

static void table_free(struct cli_table *t)
{
	free(t->vis);
	free(t->w);
	free(t->minw);
}

static void table_line(struct cli_ctx *ctx, const struct cli_table *t, char *const *cells,
		       bool header)
{
	char cut[CELL_MAX];

	for (size_t j = 0; j < t->nvis; j++) {
		const char *seq = NULL;

		if (header && ctx->color)
			seq = BOLD;
		else if (!header && ctx->color && (t->vis[j]->flags & NC_COL_STATE))
			seq = cli_out_state_color(cells[j]);
		cli_out_truncate(cells[j], ctx->tty ? t->w[j] : 0, cut, sizeof(cut));
		cli_out_pad(ctx->out, cut, t->w[j], t->vis[j]->flags & NC_COL_NUM, seq,
			    j + 1 == t->nvis);
		fputs(j + 1 == t->nvis ? "\n" : "  ", ctx->out);
	}
}

/*
 * Prints the rows of items (an array), and the header before the first
 * page. Columns are as wide as the widest cell seen so far, fitted to a
 * terminal's width (cells cut with "…" there): a later page with wider
 * cells widens its columns from that page on.
 */
static void table_page(struct cli_ctx *ctx, struct cli_table *t, const json_t *items)
{
	size_t nrows = json_array_size(items), nvis = t->nvis;
	size_t *want = nc_xcalloc(nvis + 1, sizeof(size_t));
	char **cells = nc_xcalloc(nrows * nvis + 1, sizeof(char *));
	const char **head = nc_xcalloc(nvis + 1, sizeof(char *));
	bool first = !t->started;
	int64_t now = nc_time_now();

	for (size_t j = 0; j < nvis; j++) {
		head[j] = t->vis[j]->header;
		want[j] = first ? cli_out_width(head[j]) : t->w[j];
		if (first)
			t->minw[j] = want[j];
	}
	for (size_t i = 0; i < nrows; i++) {
		for (size_t j = 0; j < nvis; j++) {
			char buf[CELL_MAX];
			size_t cw;

			cli_out_cell(json_array_get(items, i), t->vis[j], now, buf, sizeof(buf));
			cells[i * nvis + j] = nc_xstrdup(buf);
			cw = cli_out_width(buf);
			if (cw > want[j])
				want[j] = cw;
		}
	}
	/* A state is short and the point of the row: it is never cut. */
	for (size_t j = 0; j < nvis; j++) {
		if ((t->vis[j]->flags & NC_COL_STATE) && want[j] > t->minw[j])
			t->minw[j] = want[j];
	}
	if (ctx->tty)
		cli_out_fit(want, t->minw, nvis, (size_t)(ctx->width > 0 ? ctx->width : 80), GAP,
			    t->w);
	else
		memcpy(t->w, want, nvis * sizeof(size_t));
	if (first)
		table_line(ctx, t, (char *const *)head, true);
	t->started = true;
	for (size_t i = 0; i < nrows; i++)
		table_line(ctx, t, &cells[i * nvis], false);
	for (size_t i = 0; i < nrows * nvis; i++)
		free(cells[i]);
	free(cells);
	free((void *)head);
	free(want);
}

void cli_out_table(struct cli_ctx *ctx, const json_t *items, const struct cli_col *cols,
		   size_t ncols)
{
	struct cli_table t;

	if (ctx->output == NC_OUT_JSON)
		return;
	table_init(ctx, &t, cols, ncols);
	table_page(ctx, &t, items);
	table_free(&t);
}

struct cli_list_out {
	struct cli_ctx *ctx;
	const char *keys;
	struct cli_table table;
	size_t items;		/* printed so far */
	struct cli_select *sel; /* --field-selector, or NULL */
};

struct cli_list_out *cli_out_list_begin(struct cli_ctx *ctx, const struct cli_col *cols,
					size_t ncols, const char *keys)
{
	struct cli_list_out *lo = nc_xcalloc(1, sizeof(*lo));

	lo->ctx = ctx;
	lo->keys = keys;
	table_init(ctx, &lo->table, cols, ncols);
	/* Checked by the dispatcher already: it parses. */
	if (ctx->field_selector)
		cli_select_parse(ctx->field_selector, &lo->sel, &(struct nc_errinfo){0});
	return lo;
}

/* Writes s with every newline followed by indent more spaces. */
static void put_indented(FILE *f, const char *s, int indent)
{
	for (; *s; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fprintf(f, "%*s", indent, "");
	}
}

/*
 * One item of {"items":[...],...} exactly as json_dumpf would write it
 * inside the whole list: compact, or indented by 2 at depth 2 on a terminal.
 */
static void json_item(struct cli_list_out *lo, const json_t *item)
{
	FILE *f = lo->ctx->out;
	bool tty = lo->ctx->tty;
	/* Rendered whole, then written at once: json_dumpf writes each token
	 * with its own locked fwrite, a tenth of a long list's time. */
	char *s = json_dumps(item, JSON_ENCODE_ANY | (tty ? JSON_INDENT(2) : JSON_COMPACT));

	if (lo->items == 0)
		fputs(tty ? "{\n  \"items\": [\n    " : "{\"items\":[", f);
	else
		fputs(tty ? ",\n    " : ",", f);
	if (tty)
		put_indented(f, s ? s : "null", 4);
	else
		fputs(s ? s : "null", f);
	free(s);
}

/* The items that pass lo's selector, a new array. */
static json_t *selected(struct cli_list_out *lo, const json_t *items)
{
	json_t *out = json_array(), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		if (cli_select_match(lo->sel, it))
			json_array_append(out, it);
	}
	return out;
}

int cli_out_list_page(const json_t *all, void *arg)
{
	struct cli_list_out *lo = arg;
	struct cli_ctx *ctx = lo->ctx;
	json_t *items = selected(lo, all);
	const json_t *it;
	size_t i;

	if (ctx->quiet) {
		json_array_foreach(items, i, it)
			cli_out_keys(ctx, it, lo->keys);
	} else if (ctx->output == NC_OUT_JSON) {
		json_array_foreach(items, i, it) {
			json_item(lo, it);
			lo->items++;
		}
	} else {
		table_page(ctx, &lo->table, items);
	}
	fflush(ctx->out);
	json_decref(items);
	return 0;
}

void cli_out_list_end(struct cli_list_out *lo, const char *next_cursor)
{
	struct cli_ctx *ctx = lo->ctx;
	bool tty = ctx->tty;

	if (!ctx->quiet && ctx->output == NC_OUT_JSON) {
		json_t *next = next_cursor ? json_string(next_cursor) : json_null();

		if (lo->items == 0)
			fputs(tty ? "{\n  \"items\": []" : "{\"items\":[]", ctx->out);
		else
			fputs(tty ? "\n  ]" : "]", ctx->out);
		fputs(tty ? ",\n  \"next_cursor\": " : ",\"next_cursor\":", ctx->out);
		json_dumpf(next, ctx->out, JSON_ENCODE_ANY);
		fputs(tty ? "\n}\n" : "}\n", ctx->out);
		json_decref(next);
	}
	cli_out_list_free(lo);
}

void cli_out_list_free(struct cli_list_out *lo)
{
	const char *unseen;

	if (!lo)
		return;
	fflush(lo->ctx->out);
	unseen = cli_select_unseen(lo->sel);
	if (unseen)
		cli_out_warn(lo->ctx, "--field-selector: no item has a member `%s'", unseen);
	cli_select_free(lo->sel);
	table_free(&lo->table);
	free(lo);
}

/* An item and the value it is sorted by. */
struct keyed {
	const json_t *item, *key; /* key NULL when the item has none (or null) */
	size_t index;
};

/* Type ranks for keys of different types: numbers, text, booleans, the rest. */
static int rank(const json_t *v)
{
	return json_is_number(v) ? 0 : json_is_string(v) ? 1 : json_is_boolean(v) ? 2 : 3;
}

static int by_key(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = 0;

	if (!a->key || !b->key)
		c = !a->key - !b->key;
	else if (rank(a->key) != rank(b->key))
		c = rank(a->key) - rank(b->key);
	else if (json_is_number(a->key))
		c = (json_number_value(a->key) > json_number_value(b->key)) -
		    (json_number_value(a->key) < json_number_value(b->key));
	else if (json_is_string(a->key))
		c = strcmp(json_string_value(a->key), json_string_value(b->key));
	else if (json_is_boolean(a->key))
		c = json_is_true(a->key) - json_is_true(b->key);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* items in the order of ctx->sort_by, a new array; NULL after reporting a field that no item has.
 */
static json_t *sorted(struct cli_ctx *ctx, const json_t *items)
{
	const char *path = ctx->sort_by + (ctx->sort_by[0] == '.');
	size_t n = json_array_size(items), found = 0, len = 0;
	struct keyed *k = nc_xcalloc(n + 1, sizeof(*k));
	json_t *out = NULL;
	const char *name;
	char fields[256];
	json_t *v;

	for (size_t i = 0; i < n; i++) {
		k[i].item = json_array_get(items, i);
		k[i].key = cli_out_lookup(k[i].item, path);
		if (json_is_null(k[i].key))
			k[i].key = NULL;
		k[i].index = i;
		found += k[i].key != NULL;
	}
	if (n > 0 && found == 0) {
		fields[0] = '\0';
		json_object_foreach((json_t *)k[0].item, name, v)
			len += (size_t)snprintf(fields + len,
						len < sizeof(fields) ? sizeof(fields) - len : 0,
						"%s%s", len ? ", " : "", name);
		cli_error(ctx, NC_ERR_USAGE, "--sort-by: no item has a field `%s'; they have: %s",
			  ctx->sort_by, fields);
		goto out;
	}
	qsort(k, n, sizeof(*k), by_key);
	out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(out, (json_t *)k[i].item);
out:
	free(k);
	return out;
}

int cli_out_list(struct cli_ctx *ctx, const json_t *list, const struct cli_col *cols, size_t ncols,
		 const char *keys)
{
	struct cli_list_out *lo = cli_out_list_begin(ctx, cols, ncols, keys);
	json_t *items = selected(lo, json_object_get(list, "items")), *copy, *order;
	int ret = 0;

	if (ctx->sort_by) {
		order = sorted(ctx, items);
		ret = order ? 0 : NC_ERR_USAGE;
		if (order) {
			json_decref(items);
			items = order;
		}
	}
	if (!ctx->quiet && ctx->output == NC_OUT_JSON) {
		/* Whole, with any member beside the items. */
		copy = json_copy((json_t *)list);
		json_object_set(copy, "items", items);
		cli_out_json(ctx, copy);
		json_decref(copy);
		cli_out_list_free(lo);
	} else {
		cli_out_list_page(items, lo);
		cli_out_list_end(lo, NULL);
	}
	json_decref(items);
	return ret;
}
