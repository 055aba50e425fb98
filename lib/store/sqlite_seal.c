/* SPDX-License-Identifier: MIT */
/*
 * Secrets sealed at rest (store.h: nc_store_set_seal_key) on SQLite: IPSec SA
 * keys and the last batch of each device, which carries them. "" and NULL
 * stay as they are (no secret); every other value is written sealed once the
 * key is set, and a value read is opened when sealed, taken as it is when
 * not (a store from before the key, until set_seal_key has sealed it).
 */
#include "sqlite_impl.h"

#include <stdlib.h>
#include <string.h>

#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/xmalloc.h"

/* The columns that hold secrets, and the SQL that seals those still in clear. */
static const char *const seal_sql[] = {
	"UPDATE links SET key_ab = nc_seal(key_ab) WHERE key_ab <> ''"
	" AND substr(key_ab, 1, 12) <> 'nc-sealed-1:'",
	"UPDATE links SET key_ba = nc_seal(key_ba) WHERE key_ba <> ''"
	" AND substr(key_ba, 1, 12) <> 'nc-sealed-1:'",
	"UPDATE sync SET last_batch = nc_seal(last_batch) WHERE last_batch IS NOT NULL"
	" AND last_batch <> '' AND substr(last_batch, 1, 12) <> 'nc-sealed-1:'",
};

_Static_assert(sizeof(NC_CRYPTO_SEAL_PREFIX) - 1 == 12, "seal_sql compares 12 characters");

void nc_sqlite_q_secret(struct nc_sqlite_q *q, const char *v)
{
	char *sealed = NULL;

	if (q->err)
		return;
	if (!q->s->sealing || !v || !*v) {
		nc_sqlite_q_text(q, v);
		return;
	}
	if (nc_crypto_seal(q->s->seal_key, v, &sealed) < 0) {
		nc_err("store `%s': cannot seal a secret", q->s->path);
		q->err = NC_ERR_STORE;
		return;
	}
	nc_sqlite_q_text(q, sealed);
	free(sealed);
}

/* The value of the next column, opened when sealed: heap, or NULL for NULL. */
static char *col_open(struct nc_sqlite_q *q)
{
	char *v = nc_sqlite_col_dup(q), *plain = NULL;

	if (!v || !nc_crypto_is_sealed(v))
		return v;
	if (!q->s->sealing || nc_crypto_open(q->s->seal_key, v, &plain) < 0) {
		nc_sqlite_col_bad(q, sqlite3_column_name(q->stmt, q->col - 1));
		plain = NULL;
	}
	free(v);
	return plain;
}

void nc_sqlite_col_secret(struct nc_sqlite_q *q, char *buf, size_t size)
{
	char *v = col_open(q);
	size_t len = v ? strlen(v) : 0;

	if (len < size) {
		memcpy(buf, v ? v : "", len);
		buf[len] = '\0';
	} else {
		nc_sqlite_col_bad(q, sqlite3_column_name(q->stmt, q->col - 1));
	}
	if (v) {
		explicit_bzero(v, len);
		free(v);
	}
}

char *nc_sqlite_col_secret_dup(struct nc_sqlite_q *q)
{
	return col_open(q);
}

/* SQL function nc_seal(text): the text sealed with the store's key. */
static void sql_seal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct nc_sqlite *s = sqlite3_user_data(ctx);
	const char *v = (const char *)sqlite3_value_text(argv[0]);
	char *sealed = NULL;

	if (!v || nc_crypto_seal(s->seal_key, v, &sealed) < 0) {
		sqlite3_result_error(ctx, "cannot seal a secret", -1);
		return;
	}
	sqlite3_result_text(ctx, sealed, -1, free);
}

/* Runs sql on the connection; logs and returns NC_ERR_STORE on failure. */
static int run(struct nc_sqlite *s, const char *sql)
{
	char *msg = NULL;
	int ret = 0;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		nc_err("store `%s': cannot seal the secrets in clear: %s", s->path,
		       msg ? msg : sqlite3_errmsg(s->db));
		ret = NC_ERR_STORE;
	}
	sqlite3_free(msg);
	return ret;
}

/*
 * Seals the values still in clear, in one transaction. When there were any,
 * the file is rewritten (VACUUM) and the log emptied, so that no page of
 * netctl.db or its WAL keeps an old clear copy (freed pages included).
 */
static int seal_clear(struct nc_store *st)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	int64_t before = sqlite3_total_changes64(s->db);
	int ret = nc_store_begin(st);

	for (size_t i = 0; ret == 0 && i < sizeof(seal_sql) / sizeof(seal_sql[0]); i++)
		ret = run(s, seal_sql[i]);
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
	if (ret == 0 && sqlite3_total_changes64(s->db) > before) {
		nc_info("store `%s': sealed the secrets kept in clear", s->path);
		ret = run(s, "VACUUM");
		if (ret == 0)
			ret = run(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	}
	return ret;
}

int nc_sqlite_set_seal_key(struct nc_store *st, const unsigned char key[32])
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	int ret;

	memcpy(s->seal_key, key, sizeof(s->seal_key));
	s->sealing = true;
	if (sqlite3_create_function_v2(s->db, "nc_seal", 1, SQLITE_UTF8, s, sql_seal, NULL, NULL,
				       NULL) != SQLITE_OK) {
		nc_err("store `%s': cannot set up sealing: %s", s->path, sqlite3_errmsg(s->db));
		return NC_ERR_STORE;
	}
	/* What the sealing frees is zeroed: no clear key lingers in a freed cell. */
	ret = run(s, "PRAGMA secure_delete = ON");
	if (ret == 0)
		ret = seal_clear(st);
	if (ret == 0)
		ret = run(s, "PRAGMA secure_delete = OFF");
	return ret;
}
