/* SPDX-License-Identifier: MIT */
/*
 * The row descriptors of sqlite_rows.def, and what they need beyond a
 * column table: the clear functions of elements that own memory and the
 * readers of the connector's acl and routes columns.
 */
#include "store.h"

#include <stddef.h>

#include "../util/err.h"
#include "sqlite_impl.h"

static void clear_edge(void *item)
{
	nc_edge_clear(item);
}

static void clear_connector(void *item)
{
	nc_connector_clear(item);
}

static void clear_sync(void *item)
{
	nc_sync_clear(item);
}

/* The acl and routes columns: JSON lists of their own shapes. */
static void read_acl(struct nc_sqlite_q *q, void *item)
{
	struct nc_connector *c = item;
	const char *text = nc_sqlite_col_peek(q);

	if (!q->err && nc_store_acl_from_json(text, &c->acl, &c->n_acl) != 0)
		q->err = NC_ERR_STORE;
}

static void read_routes(struct nc_sqlite_q *q, void *item)
{
	struct nc_connector *c = item;
	const char *text = nc_sqlite_col_peek(q);

	if (!q->err && nc_store_routes_from_json(text, &c->routes, &c->n_routes) != 0)
		q->err = NC_ERR_STORE;
}

/* One line a macro: the table's braces open in ROW and close in END. */
/* clang-format off */
#define ROW(name, T, clear, key_cols) static const struct nc_sqlite_col name##_cols[] = {
#define COL(T, kind, member) NC_SQLITE_COL(kind, struct nc_##T, member),
#define ENUM(T, member, index, column) NC_SQLITE_COL_ENUM(struct nc_##T, member, index, column),
#define READ(fn) NC_SQLITE_COL_READ(fn),
#define END };
/* clang-format on */
#include "sqlite_rows.def"

#define ROW(name, T, clear, key_cols)                                                              \
	const struct nc_sqlite_rows nc_sqlite_##name##_rows =                                      \
		NC_SQLITE_ROWS(struct nc_##T, name##_cols, clear, key_cols);
#define COL(T, kind, member)
#define ENUM(T, member, index, column)
#define READ(fn)
#define END
#include "sqlite_rows.def"
