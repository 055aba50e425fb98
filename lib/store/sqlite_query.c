/* SPDX-License-Identifier: MIT */
/*
 * A statement in one call (sqlite_impl.h): bind parameters listed by a
 * format, then run it, read one value, one row, every row or one page.
 * The objects (sqlite_<objects>.c) use these instead of writing out the
 * start, bind, step and end of each statement.
 */
#include "store.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/log.h"
#include "sqlite_impl.h"

/* Binds one parameter of type letter t (see nc_sqlite_q_bind); text is
 * used by t, n and k, i by the integer letters. */
static void bind_one(struct nc_sqlite_q *q, char t, const char *text, int64_t i)
{
	switch (t) {
	case 't':
		nc_sqlite_q_text(q, text);
		break;
	case 'n':
		nc_sqlite_q_text_or_null(q, text);
		break;
	case 'k':
		nc_sqlite_q_secret(q, text);
		break;
	case 'i':
	case 'u':
	case 'I':
		nc_sqlite_q_int(q, i);
		break;
	default:
		nc_err("store: bad parameter type `%c'", t);
		if (!q->err)
			q->err = NC_ERR_INTERNAL;
		break;
	}
}

/* Checks that every parameter of the statement got a value. */
static void bound_all(struct nc_sqlite_q *q)
{
	if (q->err || q->param - 1 == sqlite3_bind_parameter_count(q->stmt))
		return;
	nc_err("store: %d parameters bound of %d in `%s'", q->param - 1,
	       sqlite3_bind_parameter_count(q->stmt), sqlite3_sql(q->stmt));
	q->err = NC_ERR_INTERNAL;
}

static void vbind(struct nc_sqlite_q *q, const char *fmt, va_list ap)
{
	for (const char *t = fmt; *t; t++) {
		if (*t == 'i')
			bind_one(q, *t, NULL, va_arg(ap, int));
		else if (*t == 'u')
			bind_one(q, *t, NULL, va_arg(ap, unsigned int));
		else if (*t == 'I')
			bind_one(q, *t, NULL, va_arg(ap, int64_t));
		else
			bind_one(q, *t, va_arg(ap, const char *), 0);
	}
	bound_all(q);
}

void nc_sqlite_q_bind(struct nc_sqlite_q *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbind(q, fmt, ap);
	va_end(ap);
}

int nc_sqlite_vexec(struct nc_sqlite *s, const char *sql, int64_t *changes, const char *fmt,
		    va_list ap)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(s, sql, &q);
	vbind(&q, fmt, ap);
	return nc_sqlite_q_run(&q, changes);
}

int nc_sqlite_exec(struct nc_sqlite *s, const char *sql, int64_t *changes, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nc_sqlite_vexec(s, sql, changes, fmt, ap);
	va_end(ap);
	return ret;
}

int nc_sqlite_exec_one(struct nc_sqlite *s, const char *sql, const char *fmt, ...)
{
	va_list ap;
	int64_t changed = 0;
	int ret;

	va_start(ap, fmt);
	ret = nc_sqlite_vexec(s, sql, &changed, fmt, ap);
	va_end(ap);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_scalar(struct nc_sqlite *s, const char *sql, int64_t *v, const char *fmt, ...)
{
	struct nc_sqlite_q q;
	va_list ap;
	int64_t got = 0;
	int row, ret;

	nc_sqlite_q_start(s, sql, &q);
	va_start(ap, fmt);
	vbind(&q, fmt, ap);
	va_end(ap);
	row = nc_sqlite_q_step(&q);
	if (row == 1)
		got = nc_sqlite_col_int(&q);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && row == 1)
		*v = got;
	return ret ? ret : row;
}

int nc_sqlite_select(struct nc_sqlite *s, const char *sql, const struct nc_sqlite_rows *how,
		     void *out, size_t *n, const char *fmt, ...)
{
	struct nc_sqlite_q q;
	va_list ap;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(s, sql, &q);
	va_start(ap, fmt);
	vbind(&q, fmt, ap);
	va_end(ap);
	ret = nc_sqlite_rows(&q, how, SIZE_MAX, &v, n, NULL);
	if (ret == 0)
		memcpy(out, &v, sizeof(v)); /* out is a T **: the same representation */
	return ret;
}

int nc_sqlite_get(struct nc_sqlite *s, const char *sql, const struct nc_sqlite_rows *how,
		  void *item, bool *more, const char *fmt, ...)
{
	struct nc_sqlite_q q;
	va_list ap;
	void *v = NULL;
	size_t n = 0;
	int ret;

	nc_sqlite_q_start(s, sql, &q);
	va_start(ap, fmt);
	vbind(&q, fmt, ap);
	va_end(ap);
	ret = nc_sqlite_rows(&q, how, 1, &v, &n, more);
	if (ret == 0 && n == 0)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		memcpy(item, v, how->elem);
	free(v);
	return ret;
}

/* Stores v in an integer member of size bytes (8, or 4 for int, enum and uint32_t). */
static void put_int(void *member, size_t size, int64_t v)
{
	uint32_t narrow = (uint32_t)v;

	if (size == sizeof(v))
		memcpy(member, &v, sizeof(v));
	else
		memcpy(member, &narrow, sizeof(narrow));
}

static void read_col(struct nc_sqlite_q *q, const struct nc_sqlite_col *c, char *item)
{
	void *m = item + c->off;
	bool yes;

	switch (c->kind) {
	case NC_SQLITE_TEXT:
		nc_sqlite_col_text(q, m, c->size);
		break;
	case NC_SQLITE_SECRET:
		nc_sqlite_col_secret(q, m, c->size);
		break;
	case NC_SQLITE_DUP:
		*(char **)m = nc_sqlite_col_dup(q);
		break;
	case NC_SQLITE_SECRET_DUP:
		*(char **)m = nc_sqlite_col_secret_dup(q);
		break;
	case NC_SQLITE_INT:
		put_int(m, c->size, nc_sqlite_col_int(q));
		break;
	case NC_SQLITE_BOOL:
		yes = nc_sqlite_col_int(q) != 0;
		memcpy(m, &yes, sizeof(yes));
		break;
	case NC_SQLITE_ENUM:
		put_int(m, c->size, nc_sqlite_col_enum(q, c->index, c->column));
		break;
	case NC_SQLITE_STRLIST:
		nc_sqlite_col_json(q, nc_store_strlist_from_json, m);
		break;
	case NC_SQLITE_READ:
		c->read(q, item);
		break;
	}
}

void nc_sqlite_read_row(struct nc_sqlite_q *q, const struct nc_sqlite_rows *how, void *item)
{
	if (!how->n_cols)
		how->read(q, item);
	for (size_t i = 0; i < how->n_cols; i++)
		read_col(q, &how->cols[i], item);
}

void nc_sqlite_sql_add(struct nc_sqlite_sql *b, const char *fragment)
{
	size_t len = strlen(fragment);

	if (b->err)
		return;
	if (b->len + len >= sizeof(b->text)) {
		nc_err("store: a query outgrew its buffer");
		b->err = NC_ERR_INTERNAL;
		return;
	}
	memcpy(b->text + b->len, fragment, len + 1);
	b->len += len;
}

/* Appends fragment and records its parameter of type letter t. */
static void sql_param(struct nc_sqlite_sql *b, const char *fragment, char t, const char *text,
		      int64_t i)
{
	struct nc_sqlite_arg *a;

	nc_sqlite_sql_add(b, fragment);
	if (b->err)
		return;
	if (b->n_args == sizeof(b->args) / sizeof(b->args[0])) {
		nc_err("store: a query has too many parameters");
		b->err = NC_ERR_INTERNAL;
		return;
	}
	a = &b->args[b->n_args++];
	a->type = t;
	a->text = text;
	a->i = i;
}

void nc_sqlite_sql_text(struct nc_sqlite_sql *b, const char *fragment, const char *v)
{
	sql_param(b, fragment, 't', v, 0);
}

void nc_sqlite_sql_filter(struct nc_sqlite_sql *b, const char *fragment, const char *v)
{
	if (v)
		sql_param(b, fragment, 't', v, 0);
}

int nc_sqlite_page(struct nc_sqlite *s, struct nc_sqlite_sql *b, const struct nc_sqlite_rows *how,
		   struct nc_page *pg, void *out, size_t *n)
{
	struct nc_sqlite_q q;
	bool more = false;
	void *v = NULL;
	int ret;

	sql_param(b, " LIMIT ?", 'I', NULL, nc_sqlite_page_sql_limit(pg));
	ret = b->err;
	if (ret)
		goto out;
	nc_sqlite_q_start(s, b->text, &q);
	for (size_t i = 0; i < b->n_args; i++)
		bind_one(&q, b->args[i].type, b->args[i].text, b->args[i].i);
	bound_all(&q);
	ret = nc_sqlite_rows(&q, how, nc_sqlite_page_rows(pg), &v, n, &more);
	if (ret == 0)
		memcpy(out, &v, sizeof(v)); /* as in nc_sqlite_select() */
	if (ret == 0 && more)
		snprintf(pg->next_cursor, sizeof(pg->next_cursor), "%s", q.key);
out:
	return ret;
}

int nc_sqlite_count_by(struct nc_sqlite_q *q, int (*index)(const char *name), size_t *counts,
		       size_t n, const char *column)
{
	size_t got[NC_SQLITE_COUNTS_MAX] = {0};
	char name[32];
	int64_t count;
	int i, ret;

	while (nc_sqlite_q_step(q) == 1) {
		nc_sqlite_col_text(q, name, sizeof(name));
		count = nc_sqlite_col_int(q);
		i = index(name);
		if (i < 0 || (size_t)i >= n)
			nc_sqlite_col_bad(q, column);
		else
			got[i] = (size_t)count;
	}
	ret = nc_sqlite_q_end(q);
	if (ret == 0)
		memcpy(counts, got, n * sizeof(got[0]));
	return ret;
}
