/* SPDX-License-Identifier: MIT */
/* Device certificates (store.h: nc_store_cert_*) on SQLite. */
#include "sqlite_impl.h"

#include "../util/err.h"

#define CERT_COLS "serial_no, device, tenant, not_after, created_at, revoked_at"

int nc_sqlite_cert_insert(struct nc_store *st, const struct nc_cert *c)
{
	return nc_sqlite_exec(nc_sqlite_of(st),
			      "INSERT INTO certs (" CERT_COLS ") VALUES (?, ?, ?, ?, ?, ?)", NULL,
			      "tttIII", c->serial_no, c->device, c->tenant, c->not_after,
			      nc_sqlite_time_or_now(c->created_at), c->revoked_at);
}

int nc_sqlite_cert_revoke_device(struct nc_store *st, const char *device, int64_t when, size_t *n)
{
	int64_t changes = 0;
	int ret = nc_sqlite_exec(
		nc_sqlite_of(st),
		"UPDATE certs SET revoked_at = ? WHERE device = ? AND revoked_at = 0", &changes,
		"It", when, device);

	if (ret == 0 && n)
		*n = (size_t)changes;
	return ret;
}

int nc_sqlite_cert_list(struct nc_store *st, const char *device, bool revoked_only,
			struct nc_cert **out, size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " CERT_COLS " FROM certs WHERE (?1 IS NULL OR device = ?1)"
				" AND (?2 = 0 OR revoked_at > 0) ORDER BY serial_no",
				&nc_sqlite_cert_rows, out, n, "ti", device, (int)revoked_only);
}
