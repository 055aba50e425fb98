/* SPDX-License-Identifier: MIT */
/* Tenants and tokens in the SQLite backend. */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../util/err.h"
#include "sqlite_impl.h"

#define TENANT_COLS "id, name, created_at"

int nc_sqlite_tenant_insert(struct nc_store *st, const struct nc_tenant *t)
{
	return nc_sqlite_exec(nc_sqlite_of(st),
			      "INSERT INTO tenants (" TENANT_COLS ") VALUES (?, ?, ?)", NULL, "ttI",
			      t->id, t->name, nc_sqlite_time_or_now(t->created_at));
}

int nc_sqlite_tenant_get(struct nc_store *st, const char *id, struct nc_tenant *out)
{
	return nc_sqlite_get(nc_sqlite_of(st), "SELECT " TENANT_COLS " FROM tenants WHERE id = ?",
			     &nc_sqlite_tenant_rows, out, NULL, "t", id);
}

int nc_sqlite_tenant_list(struct nc_store *st, struct nc_tenant **out, size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st), "SELECT " TENANT_COLS " FROM tenants ORDER BY id",
				&nc_sqlite_tenant_rows, out, n, "");
}

/* tenant NULL in the table is the global "" of the struct. */
#define TOKEN_COLS "id, name, role, tenant, hash, created_at, expires_at, revoked"

int nc_sqlite_token_insert(struct nc_store *st, const struct nc_token *t)
{
	return nc_sqlite_exec(nc_sqlite_of(st),
			      "INSERT INTO tokens (" TOKEN_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			      NULL, "tttntIIi", t->id, t->name, nc_role_name(t->role), t->tenant,
			      t->hash, nc_sqlite_time_or_now(t->created_at), t->expires_at,
			      (int)t->revoked);
}

int nc_sqlite_token_get(struct nc_store *st, const char *id, struct nc_token *out)
{
	return nc_sqlite_get(nc_sqlite_of(st), "SELECT " TOKEN_COLS " FROM tokens WHERE id = ?",
			     &nc_sqlite_token_rows, out, NULL, "t", id);
}

int nc_sqlite_token_get_by_hash(struct nc_store *st, const char *hash, struct nc_token *out)
{
	return nc_sqlite_get(nc_sqlite_of(st), "SELECT " TOKEN_COLS " FROM tokens WHERE hash = ?",
			     &nc_sqlite_token_rows, out, NULL, "t", hash);
}

/* tenant NULL: every token; "": the global ones (NULL in the table). */
int nc_sqlite_token_list(struct nc_store *st, const char *tenant, struct nc_token **out, size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " TOKEN_COLS " FROM tokens WHERE ?1 IS NULL"
				" OR (?1 = '' AND tenant IS NULL) OR tenant = ?1 ORDER BY id",
				&nc_sqlite_token_rows, out, n, "t", tenant);
}

int nc_sqlite_token_revoke(struct nc_store *st, const char *id)
{
	return nc_sqlite_exec_one(nc_sqlite_of(st), "UPDATE tokens SET revoked = 1 WHERE id = ?",
				  "t", id);
}

int nc_sqlite_token_count(struct nc_store *st, size_t *n)
{
	int64_t count = 0;
	int ret = nc_sqlite_scalar(nc_sqlite_of(st), "SELECT count(*) FROM tokens", &count, "");

	if (ret >= 0)
		*n = (size_t)count;
	return ret < 0 ? ret : 0;
}
