/* SPDX-License-Identifier: MIT */
/* Whether a device was ever heard from, for Sync Now's "never seen". */
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
