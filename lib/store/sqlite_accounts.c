/* SPDX-License-Identifier: MIT */
/* Tenants and tokens in the SQLite backend. */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../util/err.h"
#include "sqlite_impl.h"

#define TENANT_COLS "id, name, created_at"

static void read_tenant(struct nc_sqlite_q *q, void *item)
{
	struct nc_tenant *t = item;

	nc_sqlite_col_text(q, t->id, sizeof(t->id));
	nc_sqlite_col_text(q, t->name, sizeof(t->name));
	t->created_at = nc_sqlite_col_int(q);
}

static const struct nc_sqlite_rows tenant_rows = {
	.elem = sizeof(struct nc_tenant),
	.read = read_tenant,
	.max = SIZE_MAX,
};

int nc_sqlite_tenant_insert(struct nc_store *st, const struct nc_tenant *t)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO tenants (" TENANT_COLS ") VALUES (?, ?, ?)", &q);
	nc_sqlite_q_text(&q, t->id);
	nc_sqlite_q_text(&q, t->name);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(t->created_at));
	return nc_sqlite_q_run(&q, NULL);
}

int nc_sqlite_tenant_get(struct nc_store *st, const char *id, struct nc_tenant *out)
{
	struct nc_sqlite_q q;
	struct nc_tenant t = {0};
	bool found;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st), "SELECT " TENANT_COLS " FROM tenants WHERE id = ?", &q);
	nc_sqlite_q_text(&q, id);
	found = nc_sqlite_q_step(&q) == 1;
	if (found)
		read_tenant(&q, &t);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && !found)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		*out = t;
	return ret;
}

int nc_sqlite_tenant_list(struct nc_store *st, struct nc_tenant **out, size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st), "SELECT " TENANT_COLS " FROM tenants ORDER BY id", &q);
	ret = nc_sqlite_rows(&q, &tenant_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}

/* tenant NULL in the table is the global "" of the struct. */
#define TOKEN_COLS "id, name, role, tenant, hash, created_at, expires_at, revoked"

static void read_token(struct nc_sqlite_q *q, void *item)
{
	struct nc_token *t = item;
	char role[16];

	nc_sqlite_col_text(q, t->id, sizeof(t->id));
	nc_sqlite_col_text(q, t->name, sizeof(t->name));
	nc_sqlite_col_text(q, role, sizeof(role));
	if (nc_role_parse(role, &t->role) != 0)
		nc_sqlite_col_bad(q, "tokens.role");
	nc_sqlite_col_text(q, t->tenant, sizeof(t->tenant));
	nc_sqlite_col_text(q, t->hash, sizeof(t->hash));
	t->created_at = nc_sqlite_col_int(q);
	t->expires_at = nc_sqlite_col_int(q);
	t->revoked = nc_sqlite_col_int(q) != 0;
}

static const struct nc_sqlite_rows token_rows = {
	.elem = sizeof(struct nc_token),
	.read = read_token,
	.max = SIZE_MAX,
};

int nc_sqlite_token_insert(struct nc_store *st, const struct nc_token *t)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO tokens (" TOKEN_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			  &q);
	nc_sqlite_q_text(&q, t->id);
	nc_sqlite_q_text(&q, t->name);
	nc_sqlite_q_text(&q, nc_role_name(t->role));
	nc_sqlite_q_text_or_null(&q, t->tenant);
	nc_sqlite_q_text(&q, t->hash);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(t->created_at));
	nc_sqlite_q_int(&q, t->expires_at);
	nc_sqlite_q_int(&q, t->revoked);
	return nc_sqlite_q_run(&q, NULL);
}

/* The token that sql, with value as its one parameter, selects. */
static int token_get_where(struct nc_store *st, const char *sql, const char *value,
			   struct nc_token *out)
{
	struct nc_sqlite_q q;
	struct nc_token t = {0};
	bool found;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st), sql, &q);
	nc_sqlite_q_text(&q, value);
	found = nc_sqlite_q_step(&q) == 1;
	if (found)
		read_token(&q, &t);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && !found)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		*out = t;
	return ret;
}

int nc_sqlite_token_get(struct nc_store *st, const char *id, struct nc_token *out)
{
	return token_get_where(st, "SELECT " TOKEN_COLS " FROM tokens WHERE id = ?", id, out);
}

int nc_sqlite_token_get_by_hash(struct nc_store *st, const char *hash, struct nc_token *out)
{
	return token_get_where(st, "SELECT " TOKEN_COLS " FROM tokens WHERE hash = ?", hash, out);
}

int nc_sqlite_token_list(struct nc_store *st, const char *tenant, struct nc_token **out, size_t *n)
{
	struct nc_sqlite_q q;
	const char *sql;
	void *v = NULL;
	int ret;

	if (!tenant)
		sql = "SELECT " TOKEN_COLS " FROM tokens ORDER BY id";
	else if (!*tenant)
		sql = "SELECT " TOKEN_COLS " FROM tokens WHERE tenant IS NULL ORDER BY id";
	else
		sql = "SELECT " TOKEN_COLS " FROM tokens WHERE tenant = ? ORDER BY id";
	nc_sqlite_q_start(nc_sqlite_of(st), sql, &q);
	if (tenant && *tenant)
		nc_sqlite_q_text(&q, tenant);
	ret = nc_sqlite_rows(&q, &token_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}

int nc_sqlite_token_revoke(struct nc_store *st, const char *id)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st), "UPDATE tokens SET revoked = 1 WHERE id = ?", &q);
	nc_sqlite_q_text(&q, id);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_token_count(struct nc_store *st, size_t *n)
{
	struct nc_sqlite_q q;
	int64_t count = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st), "SELECT count(*) FROM tokens", &q);
	if (nc_sqlite_q_step(&q) == 1)
		count = nc_sqlite_col_int(&q);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0)
		*n = (size_t)count;
	return ret;
}
