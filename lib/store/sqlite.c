/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend: opening a store file, the statement cache, the
 * helpers that bind, step and read, transactions, and the table of
 * functions. The schema lives in sqlite_schema.c, the objects in
 * sqlite_accounts.c, sqlite_devices.c, sqlite_connectors.c, sqlite_peerings.c, sqlite_sync.c.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/err.h"
#include "../util/log.h"
#include "../util/xmalloc.h"
#include "sqlite_impl.h"

#define BUSY_TIMEOUT_MS 5000
#define CACHE_INITIAL	128

struct nc_sqlite_cached {
	char *sql; /* owned; NULL = free slot */
	uint64_t hash;
	sqlite3_stmt *stmt; /* prepared with SQLITE_PREPARE_PERSISTENT */
};

/* Maps a failed SQLite call to an NC_ERR_*; failures of the store itself are logged. */
static int fail(struct nc_sqlite *s, int rc)
{
	int ret = NC_ERR_STORE;

	switch (rc) {
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		ret = NC_ERR_EXISTS;
		break;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		ret = NC_ERR_NOTFOUND;
		break;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		ret = NC_ERR_INVAL;
		break;
	default:
		/* SQLite's messages name tables and columns, never bound values. */
		nc_err("store `%s': %s", s->path, sqlite3_errmsg(s->db));
		break;
	}
	return ret;
}

/* FNV-1a */
static uint64_t hash_sql(const char *sql)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)sql; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static struct nc_sqlite_cached *cache_find(struct nc_sqlite_cached *cache, size_t size,
					   const char *sql, uint64_t h)
{
	size_t mask = size - 1;
	size_t i = (size_t)h & mask;

	while (cache[i].sql && (cache[i].hash != h || strcmp(cache[i].sql, sql) != 0))
		i = (i + 1) & mask;
	return &cache[i];
}

static void cache_grow(struct nc_sqlite *s)
{
	size_t size = s->cache_size * 2;
	struct nc_sqlite_cached *cache = nc_xcalloc(size, sizeof(*cache));
	struct nc_sqlite_cached *slot;

	for (size_t i = 0; i < s->cache_size; i++) {
		if (!s->cache[i].sql)
			continue;
		slot = cache_find(cache, size, s->cache[i].sql, s->cache[i].hash);
		*slot = s->cache[i];
	}
	free(s->cache);
	s->cache = cache;
	s->cache_size = size;
}

/* The cached statement for sql, prepared on first use; borrowed. */
static int cached_stmt(struct nc_sqlite *s, const char *sql, sqlite3_stmt **out)
{
	uint64_t h = hash_sql(sql);
	struct nc_sqlite_cached *slot = cache_find(s->cache, s->cache_size, sql, h);
	sqlite3_stmt *stmt = NULL;
	int rc, ret = 0;

	if (slot->sql) {
		*out = slot->stmt;
		goto out;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (rc != SQLITE_OK) {
		ret = fail(s, rc);
		goto out;
	}
	if ((s->cache_used + 1) * 4 > s->cache_size * 3) {
		cache_grow(s);
		slot = cache_find(s->cache, s->cache_size, sql, h);
	}
	slot->sql = nc_xstrdup(sql);
	slot->hash = h;
	slot->stmt = stmt;
	s->cache_used++;
	*out = stmt;
out:
	return ret;
}

void nc_sqlite_q_start(struct nc_sqlite *s, const char *sql, struct nc_sqlite_q *q)
{
	memset(q, 0, sizeof(*q));
	q->s = s;
	q->param = 1;
	/* After an I/O error or a full disk SQLite may have rolled the whole
	 * transaction back: statements would then commit one by one. */
	if (s->base.depth > 0 && sqlite3_get_autocommit(s->db)) {
		nc_err("store `%s': the transaction was rolled back after an error; "
		       "refusing to go on outside it",
		       s->path);
		q->err = NC_ERR_STORE;
		return;
	}
	q->err = cached_stmt(s, sql, &q->stmt);
}

static void bound(struct nc_sqlite_q *q, int rc)
{
	q->param++;
	if (rc != SQLITE_OK)
		q->err = fail(q->s, rc);
}

void nc_sqlite_q_text(struct nc_sqlite_q *q, const char *v)
{
	if (q->err)
		return;
	if (v)
		bound(q, sqlite3_bind_text(q->stmt, q->param, v, -1, SQLITE_TRANSIENT));
	else
		bound(q, sqlite3_bind_null(q->stmt, q->param));
}

void nc_sqlite_q_text_or_null(struct nc_sqlite_q *q, const char *v)
{
	nc_sqlite_q_text(q, v && *v ? v : NULL);
}

void nc_sqlite_q_int(struct nc_sqlite_q *q, int64_t v)
{
	if (q->err)
		return;
	bound(q, sqlite3_bind_int64(q->stmt, q->param, v));
}

int nc_sqlite_q_step(struct nc_sqlite_q *q)
{
	int rc;

	if (q->err)
		return q->err;
	q->col = 0;
	rc = sqlite3_step(q->stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	q->err = fail(q->s, rc);
	return q->err;
}

int nc_sqlite_q_run(struct nc_sqlite_q *q, int64_t *changes)
{
	if (nc_sqlite_q_step(q) >= 0 && changes)
		*changes = sqlite3_changes64(q->s->db);
	return nc_sqlite_q_end(q);
}

int nc_sqlite_q_end(struct nc_sqlite_q *q)
{
	if (q->stmt) {
		sqlite3_reset(q->stmt);
		sqlite3_clear_bindings(q->stmt);
		q->stmt = NULL;
	}
	return q->err;
}

void nc_sqlite_col_bad(struct nc_sqlite_q *q, const char *column)
{
	if (q->err)
		return;
	nc_err("store `%s': column %s holds a value this netctl cannot read", q->s->path, column);
	q->err = NC_ERR_STORE;
}

int nc_sqlite_col_enum(struct nc_sqlite_q *q, int (*index)(const char *name), const char *column)
{
	int v = index(nc_sqlite_col_peek(q));

	if (v < 0) {
		nc_sqlite_col_bad(q, column);
		v = 0;
	}
	return v;
}

void nc_sqlite_col_text(struct nc_sqlite_q *q, char *buf, size_t size)
{
	const char *v = nc_sqlite_col_peek(q);
	size_t len = strlen(v);

	if (len < size)
		memcpy(buf, v, len + 1);
	else
		nc_sqlite_col_bad(q, sqlite3_column_name(q->stmt, q->col - 1));
}

const char *nc_sqlite_col_peek(struct nc_sqlite_q *q)
{
	const char *v = NULL;

	if (!q->err)
		v = (const char *)sqlite3_column_text(q->stmt, q->col);
	q->col++;
	return v ? v : "";
}

char *nc_sqlite_col_dup(struct nc_sqlite_q *q)
{
	char *v = NULL;

	if (!q->err && sqlite3_column_type(q->stmt, q->col) != SQLITE_NULL)
		v = nc_xstrdup((const char *)sqlite3_column_text(q->stmt, q->col));
	q->col++;
	return v;
}

int64_t nc_sqlite_col_int(struct nc_sqlite_q *q)
{
	int64_t v = 0;

	if (!q->err)
		v = sqlite3_column_int64(q->stmt, q->col);
	q->col++;
	return v;
}

/* q->key: the first cols columns of the current row, joined by ':'. */
static void row_key(struct nc_sqlite_q *q, int cols)
{
	size_t len = 0;
	const char *v;

	for (int i = 0; i < cols && !q->err && len < sizeof(q->key); i++) {
		v = (const char *)sqlite3_column_text(q->stmt, i);
		len += (size_t)snprintf(q->key + len, sizeof(q->key) - len, "%s%s", i ? ":" : "",
					v ? v : "");
	}
}

int nc_sqlite_rows(struct nc_sqlite_q *q, const struct nc_sqlite_rows *how, size_t max, void **out,
		   size_t *n, bool *more)
{
	char *v = NULL;
	size_t count = 0, cap = 0;
	bool beyond = false;
	int ret;

	while (nc_sqlite_q_step(q) == 1) {
		if (count == max) {
			beyond = true;
			break;
		}
		v = nc_sqlite_grow(v, count, &cap, how->elem);
		nc_sqlite_read_row(q, how, v + count * how->elem);
		row_key(q, how->key_cols);
		count++;
	}
	ret = nc_sqlite_q_end(q);
	if (ret) {
		for (size_t i = 0; how->clear && i < count; i++)
			how->clear(v + i * how->elem);
		free(v);
		goto out;
	}
	*out = count ? v : NULL;
	*n = count;
	if (!count)
		free(v);
	if (more)
		*more = beyond;
out:
	return ret;
}

void *nc_sqlite_grow(void *v, size_t n, size_t *cap, size_t elem)
{
	size_t want;

	if (n < *cap)
		return v;
	want = *cap ? *cap * 2 : 16;
	v = nc_xrealloc(v, want * elem);
	memset((char *)v + *cap * elem, 0, (want - *cap) * elem);
	*cap = want;
	return v;
}

size_t nc_sqlite_page_rows(const struct nc_page *pg)
{
	return pg ? nc_store_page_limit(pg) : SIZE_MAX;
}

int64_t nc_sqlite_page_sql_limit(const struct nc_page *pg)
{
	return pg ? (int64_t)nc_store_page_limit(pg) + 1 : -1;
}

int64_t nc_sqlite_time_or_now(int64_t v)
{
	return v ? v : (int64_t)time(NULL);
}

/* Transactions: level 1 is BEGIN IMMEDIATE (takes the write lock at once, so
 * a later statement never fails with SQLITE_BUSY halfway), deeper levels are
 * savepoints, all named nc: RELEASE and ROLLBACK TO act on the innermost. */

static int run_sql(struct nc_sqlite *s, const char *sql)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(s, sql, &q);
	return nc_sqlite_q_run(&q, NULL);
}

static int sqlite_begin(struct nc_store *st, int level)
{
	struct nc_sqlite *s = nc_sqlite_of(st);

	/* A writer takes the write lock at once, so that a transaction never
	 * fails half-way on it; a reader's transaction is a read snapshot. */
	return run_sql(s, level > 1 ? "SAVEPOINT nc" : s->reader ? "BEGIN" : "BEGIN IMMEDIATE");
}

static void sqlite_rollback(struct nc_store *st, int level)
{
	struct nc_sqlite *s = nc_sqlite_of(st);

	nc_sqlite_addr_hints_clear(s); /* they may count what is undone now */
	if (sqlite3_get_autocommit(s->db))
		return; /* SQLite already rolled everything back */
	if (level == 1)
		run_sql(s, "ROLLBACK");
	else if (run_sql(s, "ROLLBACK TO nc") == 0)
		run_sql(s, "RELEASE nc");
	else
		run_sql(s, "ROLLBACK"); /* the outer levels then fail: safer than keeping it */
}

static int sqlite_commit(struct nc_store *st, int level)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	int ret = NC_ERR_STORE;

	if (sqlite3_get_autocommit(s->db)) {
		nc_err("store `%s': commit of a transaction that SQLite rolled back", s->path);
		nc_sqlite_addr_hints_clear(s);
		goto out;
	}
	ret = run_sql(s, level == 1 ? "COMMIT" : "RELEASE nc");
	if (ret)
		sqlite_rollback(st, level);
out:
	return ret;
}

static void sqlite_close(struct nc_store *st)
{
	struct nc_sqlite *s = nc_sqlite_of(st);

	for (size_t i = 0; i < s->cache_size; i++) {
		sqlite3_finalize(s->cache[i].stmt);
		free(s->cache[i].sql);
	}
	free(s->cache);
	nc_sqlite_addr_hints_clear(s);
	if (sqlite3_close(s->db) != SQLITE_OK)
		nc_err("store `%s': close: %s", s->path, sqlite3_errmsg(s->db));
	nc_store_base_fini(&s->base);
	explicit_bzero(s->seal_key, sizeof(s->seal_key));
	free(s->path);
	free(s);
}

static int sqlite_open_reader(struct nc_store *st, struct nc_store **out, struct nc_errinfo *ei);

static const struct nc_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite_close,
	.open_reader = sqlite_open_reader,
	.schema_version = nc_sqlite_schema_version,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
#define NC_STORE_OP(name, params, args, check) .name = nc_sqlite_##name,
#include "store_ops.def"
};

/* A connection to the file of st (its schema checked and migrated when st
 * opened), reading only: PRAGMA query_only refuses every write. */
static int sqlite_open_reader(struct nc_store *st, struct nc_store **out, struct nc_errinfo *ei)
{
	struct nc_sqlite *of = nc_sqlite_of(st), *s = nc_xcalloc(1, sizeof(*s));
	int rc, ret = nc_store_base_init(&s->base, &sqlite_ops);

	if (ret) {
		free(s);
		return nc_fail(ei, ret, NULL, "cannot set up the store's lock");
	}
	s->path = nc_xstrdup(of->path);
	s->cache_size = CACHE_INITIAL;
	s->cache = nc_xcalloc(s->cache_size, sizeof(*s->cache));
	s->reader = true;
	s->sealing = of->sealing;
	memcpy(s->seal_key, of->seal_key, sizeof(s->seal_key));
	memcpy(s->lan_lens, of->lan_lens, sizeof(s->lan_lens));
	rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(s->db, 1);
		sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
		rc = sqlite3_exec(s->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		ret = nc_fail(ei, NC_ERR_STORE, NULL, "cannot open `%s' again to read: %s", s->path,
			      s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		sqlite_close(&s->base);
		return ret;
	}
	*out = &s->base;
	return 0;
}

/* The directory part of path, heap. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return nc_xstrdup(".");
	if (slash == path)
		return nc_xstrdup("/");
	return nc_xstrndup(path, (size_t)(slash - path));
}

/*
 * Creates path (mode 0600) when absent, and never its directory; otherwise
 * checks that it is a regular file we can read and write in a directory
 * where SQLite can create the -wal and -shm files. *created tells whether
 * this call made the file (for the caller to remove it on failure).
 */
static int prepare_file(const char *path, bool *created, struct nc_errinfo *ei)
{
	struct stat sb;
	char *dir = NULL;
	int fd, ret = 0;

	*created = false;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*created = true;
		if (fchmod(fd, 0600) != 0)
			ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot set the mode of `%s': %s", path,
				      strerror(errno));
		close(fd);
		goto out;
	}
	if (errno != EEXIST) {
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot create `%s': %s", path, strerror(errno));
		goto out;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot open `%s': %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		ret = nc_fail(ei, NC_ERR_IO, NULL, "`%s' is not a regular file", path);
	close(fd);
	if (ret)
		goto out;
	dir = dir_of(path);
	if (access(dir, W_OK | X_OK) != 0)
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot write in `%s': %s", dir,
			      strerror(errno));
out:
	free(dir);
	return ret;
}

int nc_store_open_sqlite(const char *path, struct nc_store **out, struct nc_errinfo *ei)
{
	struct nc_sqlite *s = NULL;
	bool created = false;
	int rc, ret;

	if (!path || !*path || !out)
		return nc_fail(ei, NC_ERR_INVAL, NULL, "no path for the store");
	*out = NULL;
	ret = prepare_file(path, &created, ei);
	if (ret)
		goto out;
	s = nc_xcalloc(1, sizeof(*s));
	ret = nc_store_base_init(&s->base, &sqlite_ops);
	if (ret) {
		free(s);
		s = NULL;
		nc_fail(ei, ret, NULL, "cannot set up the store's lock");
		goto out;
	}
	s->path = nc_xstrdup(path);
	s->cache_size = CACHE_INITIAL;
	s->cache = nc_xcalloc(s->cache_size, sizeof(*s->cache));
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		ret = nc_fail(ei, NC_ERR_STORE, NULL, "cannot open `%s': %s", path,
			      s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* Nothing above wrote to the file; the checks only read it. */
	ret = nc_sqlite_check_identity(s, ei);
	if (ret)
		goto out;
	ret = nc_sqlite_migrate(s, ei);
	if (ret == 0)
		ret = nc_sqlite_lan_lens_read(s, ei);
	if (ret)
		goto out;
	*out = &s->base;
	s = NULL;
out:
	if (s)
		sqlite_close(&s->base);
	if (ret && created)
		unlink(path);
	return ret;
}
