/* SPDX-License-Identifier: MIT */
/* Whether a device was ever heard from, for Sync Now's "never seen". */
#include "store.h"

#include "../util/err.h"
#include "sqlite_impl.h"

int nc_sqlite_device_seen(struct nc_store *st, const char *serial, bool *seen)
{
	struct nc_sqlite_q q;
	int64_t yes = 0;
	int row, ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT d.last_seen != 0 OR d.public_key != '' OR d.pending_key != ''"
			  " OR EXISTS (SELECT 1 FROM sync s WHERE s.serial = d.serial"
			  " AND (s.confirmed_seq > 0 OR s.last_confirm IS NOT NULL))"
			  " FROM devices d WHERE d.serial = ?",
			  &q);
	nc_sqlite_q_text(&q, serial);
	row = nc_sqlite_q_step(&q);
	if (row == 1)
		yes = nc_sqlite_col_int(&q);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && row == 0)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		*seen = yes != 0;
	return ret;
}
