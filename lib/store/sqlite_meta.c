/* SPDX-License-Identifier: MIT */
/* Meta, the server's named integers (store.h: nc_store_meta_*), on SQLite. */
#include "sqlite_impl.h"

#include "../util/err.h"

int nc_sqlite_meta_get(struct nc_store *st, const char *name, int64_t *value)
{
	int ret = nc_sqlite_scalar(nc_sqlite_of(st), "SELECT value FROM meta WHERE name = ?", value,
				   "t", name);

	return ret == 0 ? NC_ERR_NOTFOUND : ret < 0 ? ret : 0;
}

int nc_sqlite_meta_put(struct nc_store *st, const char *name, int64_t value)
{
	return nc_sqlite_exec(nc_sqlite_of(st),
			      "INSERT INTO meta (name, value) VALUES (?, ?)"
			      " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
			      NULL, "tI", name, value);
}
