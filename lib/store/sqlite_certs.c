/* SPDX-License-Identifier: MIT */
/* Device certificates (store.h: nc_store_cert_*) on SQLite. */
#include "sqlite_impl.h"

#include "../util/err.h"

int nc_sqlite_cert_insert(struct nc_store *st, const struct nc_cert *c)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO certs (serial_no, device, tenant, not_after, created_at,"
			  " revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
			  &q);
	nc_sqlite_q_text(&q, c->serial_no);
	nc_sqlite_q_text(&q, c->device);
	nc_sqlite_q_text(&q, c->tenant);
	nc_sqlite_q_int(&q, c->not_after);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(c->created_at));
	nc_sqlite_q_int(&q, c->revoked_at);
	return nc_sqlite_q_run(&q, NULL);
}

int nc_sqlite_cert_revoke_device(struct nc_store *st, const char *device, int64_t when, size_t *n)
{
	struct nc_sqlite_q q;
	int64_t changes = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "UPDATE certs SET revoked_at = ? WHERE device = ? AND revoked_at = 0",
			  &q);
	nc_sqlite_q_int(&q, when);
	nc_sqlite_q_text(&q, device);
	ret = nc_sqlite_q_run(&q, &changes);
	if (ret == 0 && n)
		*n = (size_t)changes;
	return ret;
}

static void read_cert(struct nc_sqlite_q *q, void *item)
{
	struct nc_cert *c = item;

	nc_sqlite_col_text(q, c->serial_no, sizeof(c->serial_no));
	nc_sqlite_col_text(q, c->device, sizeof(c->device));
	nc_sqlite_col_text(q, c->tenant, sizeof(c->tenant));
	c->not_after = nc_sqlite_col_int(q);
	c->created_at = nc_sqlite_col_int(q);
	c->revoked_at = nc_sqlite_col_int(q);
}

static const struct nc_sqlite_rows cert_rows = {
	.elem = sizeof(struct nc_cert),
	.read = read_cert,
	.max = SIZE_MAX,
};

int nc_sqlite_cert_list(struct nc_store *st, const char *device, bool revoked_only,
			struct nc_cert **out, size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT serial_no, device, tenant, not_after, created_at, revoked_at"
			  " FROM certs WHERE (?1 IS NULL OR device = ?1)"
			  " AND (?2 = 0 OR revoked_at > 0) ORDER BY serial_no",
			  &q);
	nc_sqlite_q_text(&q, device);
	nc_sqlite_q_int(&q, revoked_only ? 1 : 0);
	ret = nc_sqlite_rows(&q, &cert_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}
