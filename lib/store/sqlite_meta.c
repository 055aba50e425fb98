/* SPDX-License-Identifier: MIT */
/* Meta, the server's named integers (store.h: nc_store_meta_*), on SQLite. */
#include "sqlite_impl.h"

#include "../util/err.h"

int nc_sqlite_meta_get(struct nc_store *st, const char *name, int64_t *value)
{
	struct nc_sqlite_q q;
	int64_t v = 0;
	int ret, row;

	nc_sqlite_q_start(nc_sqlite_of(st), "SELECT value FROM meta WHERE name = ?", &q);
	nc_sqlite_q_text(&q, name);
	row = nc_sqlite_q_step(&q);
	if (row == 1)
		v = nc_sqlite_col_int(&q);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && row != 1)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		*value = v;
	return ret;
}

int nc_sqlite_meta_put(struct nc_store *st, const char *name, int64_t value)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO meta (name, value) VALUES (?, ?)"
			  " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
			  &q);
	nc_sqlite_q_text(&q, name);
	nc_sqlite_q_int(&q, value);
	return nc_sqlite_q_run(&q, NULL);
}
