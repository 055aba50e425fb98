/* SPDX-License-Identifier: MIT */
#ifndef NC_STORE_SQLITE_IMPL_H
#define NC_STORE_SQLITE_IMPL_H

/*
 * Inside the SQLite backend: shared by sqlite.c (open, schema, statement
 * cache, transactions, the table of functions) and sqlite_<objects>.c.
 * Every function here runs with the store's lock held (see store_impl.h).
 */

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/count.h"
#include "store_impl.h"

struct nc_sqlite_cached;

struct nc_sqlite {
	struct nc_store base; /* first: a struct nc_store * converts back */
	sqlite3 *db;
	char *path;
	struct nc_sqlite_cached *cache; /* open addressing, keyed by SQL text */
	size_t cache_size;		/* slots, a power of two */
	size_t cache_used;
	bool reader;  /* nc_store_open_reader's: reads only, never locks to write */
	bool sealing; /* seal_key is set: secrets are sealed */
	unsigned char seal_key[32];
	struct nc_sqlite_addr_hint *addr_hints; /* sqlite_addr.c */
	/* sqlite_lan.c: every prefix length a LAN row may have, per family
	 * (IPv4, IPv6): a superset, read at open and grown by every write. */
	uint64_t lan_lens[2][3];
};

/* Makes the `lans' rows of device serial those of lans (sqlite_lan.c);
 * every write of a device's lan_subnets calls it, in its transaction.
 * fill: for every device, once, when the table is new. */
int nc_sqlite_lans_put(struct nc_sqlite *s, const char *serial, const struct nc_strlist *lans);
int nc_sqlite_lans_fill(struct nc_sqlite *s);
/* Reads the prefix lengths of the stored LANs into s->lan_lens, at open,
 * outside any transaction (a length read inside one might be undone). */
int nc_sqlite_lan_lens_read(struct nc_sqlite *s, struct nc_errinfo *ei);
/* Forgets what sqlite_addr.c knows of its pools: on rollback and close. */
void nc_sqlite_addr_hints_clear(struct nc_sqlite *s);

static inline struct nc_sqlite *nc_sqlite_of(struct nc_store *st)
{
	return (struct nc_sqlite *)st;
}

/*
 * One use of a cached statement: nc_sqlite_q_start(), bind the parameters
 * in order, step, read each row's columns in order, nc_sqlite_q_end().
 * The first failure sticks in err; every later call is then a no-op.
 * Text read from a row is borrowed until the next step or the end.
 */
struct nc_sqlite_q {
	struct nc_sqlite *s;
	sqlite3_stmt *stmt;
	int param;     /* index of the next parameter to bind */
	int col;       /* index of the next column to read */
	int err;       /* 0 or the first NC_ERR_* */
	char key[160]; /* nc_sqlite_rows(): the key of the last row read */
};

/* Borrows the statement for sql from the cache, preparing it on first use. */
void nc_sqlite_q_start(struct nc_sqlite *s, const char *sql, struct nc_sqlite_q *q);
void nc_sqlite_q_text(struct nc_sqlite_q *q, const char *v);	     /* NULL binds NULL */
void nc_sqlite_q_text_or_null(struct nc_sqlite_q *q, const char *v); /* "" binds NULL */
void nc_sqlite_q_int(struct nc_sqlite_q *q, int64_t v);
/* 1 with a row, 0 when done, a negative NC_ERR_* (then sticky). Constraint
 * failures map to NC_ERR_EXISTS (primary key, unique), NC_ERR_NOTFOUND
 * (foreign key), NC_ERR_INVAL (check, not null); the rest is logged and
 * NC_ERR_STORE. */
int nc_sqlite_q_step(struct nc_sqlite_q *q);
/* Steps a statement that returns no rows; *changes (may be NULL) gets the
 * rows it changed itself (not those changed by cascades). Ends q. */
int nc_sqlite_q_run(struct nc_sqlite_q *q, int64_t *changes);
/* Resets the statement for its next use; returns q->err. */
int nc_sqlite_q_end(struct nc_sqlite_q *q);

/* Columns of the current row. NULL reads as "" or 0; text longer than
 * size - 1 sets NC_ERR_STORE. */
void nc_sqlite_col_text(struct nc_sqlite_q *q, char *buf, size_t size);
const char *nc_sqlite_col_peek(struct nc_sqlite_q *q); /* borrowed, never NULL */
char *nc_sqlite_col_dup(struct nc_sqlite_q *q);	       /* heap, owned; NULL for NULL */
int64_t nc_sqlite_col_int(struct nc_sqlite_q *q);
/* Records that the column just read held a value the schema forbids. */
void nc_sqlite_col_bad(struct nc_sqlite_q *q, const char *column);
/* An enum column, by index (an nc_<enum>_index of model.h); a name of no
 * value is a bad value of column (then 0). */
int nc_sqlite_col_enum(struct nc_sqlite_q *q, int (*index)(const char *name), const char *column);

/* How one column is read into a member of an element (struct nc_sqlite_col). */
enum nc_sqlite_kind {
	NC_SQLITE_TEXT,	      /* char[size]; longer text is a bad value */
	NC_SQLITE_SECRET,     /* char[size], opened as by nc_sqlite_col_secret() */
	NC_SQLITE_DUP,	      /* char *, heap, owned by the element; NULL for NULL */
	NC_SQLITE_SECRET_DUP, /* char *, heap, opened; NULL for NULL */
	NC_SQLITE_INT,	      /* an integer of size 8 or 4 bytes (int, uint32_t, int64_t) */
	NC_SQLITE_BOOL,	      /* bool: the column is not 0 */
	NC_SQLITE_ENUM,	      /* an enum (int-sized), by index(); name in errors: column */
	NC_SQLITE_STRLIST,    /* struct nc_strlist, from a JSON list */
	NC_SQLITE_READ,	      /* read() reads the column into the element itself */
};

/* One column of a row, in the order of the SELECT: its kind and member. */
struct nc_sqlite_col {
	enum nc_sqlite_kind kind;
	size_t off;					 /* of the member in the element */
	size_t size;					 /* of the member */
	int (*index)(const char *name);			 /* NC_SQLITE_ENUM */
	const char *column;				 /* NC_SQLITE_ENUM */
	void (*read)(struct nc_sqlite_q *q, void *item); /* NC_SQLITE_READ: item, not the member */
};

/* Member m of struct T read as NC_SQLITE_<k>; an enum with its index and column name. */
#define NC_SQLITE_COL(k, T, m)                                                                     \
	{                                                                                          \
		.kind = NC_SQLITE_##k, .off = offsetof(T, m), .size = sizeof(((T *)0)->m)          \
	}
#define NC_SQLITE_COL_ENUM(T, m, index_, column_)                                                  \
	{                                                                                          \
		.kind = NC_SQLITE_ENUM, .off = offsetof(T, m), .size = sizeof(((T *)0)->m),        \
		.index = index_, .column = column_                                                 \
	}
#define NC_SQLITE_COL_READ(fn)                                                                     \
	{                                                                                          \
		.kind = NC_SQLITE_READ, .read = fn                                                 \
	}

/* What a row is: how nc_sqlite_rows() turns rows into an array of elements. */
struct nc_sqlite_rows {
	size_t elem;					 /* element size */
	const struct nc_sqlite_col *cols;		 /* the row's columns, in order */
	size_t n_cols;					 /* 0: read() reads the row instead */
	void (*read)(struct nc_sqlite_q *q, void *item); /* reads one row into item */
	void (*clear)(void *item); /* frees what an item owns; NULL: nothing */
	/* For nc_sqlite_page(): the first key_cols columns are the row's key,
	 * and joined by ':' its page cursor (store.h). */
	int key_cols;
};

/* A row descriptor of elements of type T read by the table cols; clear
 * (may be NULL) frees what an element owns, key_cols as above. */
#define NC_SQLITE_ROWS(T, cols_, clear_, key_cols_)                                                \
	{                                                                                          \
		.elem = sizeof(T), .cols = cols_, .n_cols = NC_COUNT(cols_), .clear = clear_,      \
		.key_cols = key_cols_                                                              \
	}

/* The rows of sqlite_rows.def, defined in sqlite_rows.c: nc_sqlite_<name>_rows. */
#define ROW(name, T, clear, key_cols) extern const struct nc_sqlite_rows nc_sqlite_##name##_rows;
#define COL(T, kind, member)
#define ENUM(T, member, index, column)
#define READ(fn)
#define END
#include "sqlite_rows.def"

/* Reads the current row of q into item as how describes it. */
void nc_sqlite_read_row(struct nc_sqlite_q *q, const struct nc_sqlite_rows *how, void *item);

/*
 * Steps q to its end, or until one row beyond max (SIZE_MAX: all), reading
 * each kept row into a heap array (*out, owned by the caller; NULL when *n
 * is 0), and the key (how->key_cols) of the last one into q->key. *more
 * (may be NULL) tells whether a row beyond max exists. Ends q;
 * on failure nothing is returned and *out, *n are left alone.
 */
int nc_sqlite_rows(struct nc_sqlite_q *q, const struct nc_sqlite_rows *how, size_t max, void **out,
		   size_t *n, bool *more);

/* Grows *v so that index n is usable (zeroed); elem is the element size. */
void *nc_sqlite_grow(void *v, size_t n, size_t *cap, size_t elem);
/* The rows to keep for a page (SIZE_MAX without one), and the LIMIT that
 * fetches one more to tell whether there is a next page (-1: none). */
size_t nc_sqlite_page_rows(const struct nc_page *pg);
int64_t nc_sqlite_page_sql_limit(const struct nc_page *pg);
/* Now, in Unix seconds; v when v is not 0. */
int64_t nc_sqlite_time_or_now(int64_t v);

/*
 * A statement in one call (sqlite_query.c). fmt lists the parameters to
 * bind, one letter each, in order:
 *   t  const char *  text; NULL binds NULL
 *   n  const char *  text; "" and NULL bind NULL
 *   k  const char *  a secret, sealed as by nc_sqlite_q_secret()
 *   i  int           (int, bool and enum values)
 *   u  unsigned int  (uint32_t values)
 *   I  int64_t
 */
void nc_sqlite_q_bind(struct nc_sqlite_q *q, const char *fmt, ...);
/* Runs sql, which returns no rows; *changes (may be NULL) as nc_sqlite_q_run(). */
int nc_sqlite_exec(struct nc_sqlite *s, const char *sql, int64_t *changes, const char *fmt, ...);
/* As nc_sqlite_exec(), but NC_ERR_NOTFOUND when the statement changed no row. */
int nc_sqlite_vexec(struct nc_sqlite *s, const char *sql, int64_t *changes, const char *fmt,
		    va_list ap);
int nc_sqlite_exec_one(struct nc_sqlite *s, const char *sql, const char *fmt, ...);
/* The first column of sql's first row: 1 with *v set, 0 without a row (*v
 * left alone), or a negative NC_ERR_*. */
int nc_sqlite_scalar(struct nc_sqlite *s, const char *sql, int64_t *v, const char *fmt, ...);
/*
 * Every row of sql, as nc_sqlite_rows() without *more. out is the address
 * of the caller's array pointer (a T ** for how's elements of type T), set
 * on success only.
 */
int nc_sqlite_select(struct nc_sqlite *s, const char *sql, const struct nc_sqlite_rows *how,
		     void *out, size_t *n, const char *fmt, ...);
/* The first row of sql into *item (how->elem bytes, then owned by the caller):
 * NC_ERR_NOTFOUND without one; *more (may be NULL) tells whether there is a
 * second. item is left alone on failure. */
int nc_sqlite_get(struct nc_sqlite *s, const char *sql, const struct nc_sqlite_rows *how,
		  void *item, bool *more, const char *fmt, ...);
/* Steps q, whose rows are (name, count), to counts[index(name)] for the n
 * (at most NC_SQLITE_COUNTS_MAX) names; a name index() does not know (-1)
 * is a bad value of column. Ends q; counts is written on success only. */
#define NC_SQLITE_COUNTS_MAX 8
int nc_sqlite_count_by(struct nc_sqlite_q *q, int (*index)(const char *name), size_t *counts,
		       size_t n, const char *column);

/* A SQL text built from fragments for the list filters, with the
 * parameters they bind (text borrowed until the query runs). */
struct nc_sqlite_arg {
	char type; /* a letter of nc_sqlite_q_bind() */
	const char *text;
	int64_t i;
};
struct nc_sqlite_sql {
	char text[1024];
	size_t len;
	int err;
	struct nc_sqlite_arg args[8];
	size_t n_args;
};
void nc_sqlite_sql_add(struct nc_sqlite_sql *b, const char *fragment);
/* Appends fragment, which has one text parameter: v. */
void nc_sqlite_sql_text(struct nc_sqlite_sql *b, const char *fragment, const char *v);
/* A list filter: as nc_sqlite_sql_text() when v is not NULL, nothing when it is. */
void nc_sqlite_sql_filter(struct nc_sqlite_sql *b, const char *fragment, const char *v);
/*
 * Runs b with " LIMIT ?" appended for one page of pg (every row when pg is
 * NULL), as nc_sqlite_rows() with out as nc_sqlite_select() takes it;
 * when there are more rows, pg->next_cursor is the key of the last row kept
 * (how->key_cols).
 */
int nc_sqlite_page(struct nc_sqlite *s, struct nc_sqlite_sql *b, const struct nc_sqlite_rows *how,
		   struct nc_page *pg, void *out, size_t *n);

/* Schema checks and migrations at open (sqlite_schema.c). */
int nc_sqlite_check_identity(struct nc_sqlite *s, struct nc_errinfo *ei);
int nc_sqlite_migrate(struct nc_sqlite *s, struct nc_errinfo *ei);
int nc_sqlite_schema_version(struct nc_store *st, int *out);

/* Shared by sqlite_devices.c and sqlite_connectors.c. */
/* The devices row of a new edge or connector. */
struct nc_sqlite_device {
	const char *serial;
	const char *tenant;
	enum nc_device_type type;
	const char *public_key;
	int64_t last_seen;
};
/* Inserts d, then runs sql (the edges or connectors row) with the
 * parameters of fmt, in one transaction. */
int nc_sqlite_device_insert(struct nc_store *st, const struct nc_sqlite_device *d, const char *sql,
			    const char *fmt, ...);
/* Deletes the device of that type (and, by cascade, everything hanging off it). */
int nc_sqlite_device_delete(struct nc_sqlite *s, const char *tenant, const char *serial,
			    enum nc_device_type type);
/* Ends a transaction opened with nc_store_begin(): commit after success; returns ret or the
 * commit's error. */
int nc_sqlite_finish(struct nc_store *st, int ret);
/* Reads a JSON list column with decode(text, dst); a failure sticks in q->err. */
void nc_sqlite_col_json(struct nc_sqlite_q *q, int (*decode)(const char *, struct nc_strlist *),
			struct nc_strlist *dst);

/* The operations (store_ops.def), in sqlite_<objects>.c: nc_sqlite_<name>. */
#define NC_STORE_OP(name, params, args, check) int nc_sqlite_##name params;
#include "store_ops.def"

/* Sealed secrets (sqlite_seal.c). */
/* Binds v sealed with the store's key (as it is while there is none). */
void nc_sqlite_q_secret(struct nc_sqlite_q *q, const char *v);
/* Reads a column that may be sealed: opened with the store's key. */
void nc_sqlite_col_secret(struct nc_sqlite_q *q, char *buf, size_t size);
char *nc_sqlite_col_secret_dup(struct nc_sqlite_q *q); /* heap; NULL for NULL */

#endif
