/* SPDX-License-Identifier: MIT */
/* What the sync engine asks of a device: ever heard from (Sync Now's "never
 * seen"), and its brief for each message it sends. */
#include "store.h"

#include "../util/err.h"
#include "sqlite_impl.h"

int nc_sqlite_device_seen(struct nc_store *st, const char *serial, bool *seen)
{
	int64_t yes = 0;
	int ret = nc_sqlite_scalar(
		nc_sqlite_of(st),
		"SELECT d.last_seen != 0 OR d.public_key != '' OR d.pending_key != ''"
		" OR EXISTS (SELECT 1 FROM sync s WHERE s.serial = d.serial"
		" AND (s.confirmed_seq > 0 OR s.last_confirm IS NOT NULL))"
		" FROM devices d WHERE d.serial = ?",
		&yes, "t", serial);

	if (ret == 1)
		*seen = yes != 0;
	return ret == 0 ? NC_ERR_NOTFOUND : ret < 0 ? ret : 0;
}

static const struct nc_sqlite_col brief_cols[] = {
	NC_SQLITE_COL_ENUM(struct nc_device_brief, type, nc_device_type_index, "devices.type"),
	NC_SQLITE_COL(TEXT, struct nc_device_brief, tenant),
	NC_SQLITE_COL_ENUM(struct nc_device_brief, status, nc_status_index, "connectors.status"),
	NC_SQLITE_COL(TEXT, struct nc_device_brief, public_key),
	NC_SQLITE_COL(TEXT, struct nc_device_brief, pending_key),
	NC_SQLITE_COL(INT, struct nc_device_brief, batch_max),
};

static const struct nc_sqlite_rows brief_rows =
	NC_SQLITE_ROWS(struct nc_device_brief, brief_cols, NULL, 0);

int nc_sqlite_device_brief(struct nc_store *st, const char *serial, struct nc_device_brief *out)
{
	return nc_sqlite_get(nc_sqlite_of(st),
			     "SELECT d.type, d.tenant, COALESCE(c.status, 'active'), d.public_key,"
			     " d.pending_key, d.batch_max FROM devices d LEFT JOIN connectors c"
			     " ON c.serial = d.serial WHERE d.serial = ?1",
			     &brief_rows, out, NULL, "t", serial);
}
