/* SPDX-License-Identifier: MIT */
/* LAN subnets of a tenant's devices, for the overlap check of lib/core/lan.c. */
#include "store.h"

#include <stddef.h>
#include <stdlib.h>

#include "../util/err.h"
#include "sqlite_impl.h"
#include "store_impl.h"

int nc_sqlite_lan_each(struct nc_store *st, const char *tenant, const char *except,
		       int (*fn)(void *arg, const char *serial, const struct nc_strlist *lans),
		       void *arg)
{
	struct nc_sqlite_q q;
	int ret = 0, row, end;

	/* Two columns only: no ACL or routes decoded for a check on every write. */
	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT serial, lan_subnets FROM edges"
			  " WHERE tenant = ?1 AND serial != ?2 AND lan_subnets != '[]'"
			  " UNION ALL SELECT serial, lan_subnets FROM connectors"
			  " WHERE tenant = ?1 AND serial != ?2 AND lan_subnets != '[]'"
			  " AND status != 'decommissioned'",
			  &q);
	nc_sqlite_q_bind(&q, "tt", tenant, except ? except : "");
	while (ret == 0 && (row = nc_sqlite_q_step(&q)) == 1) {
		struct nc_strlist lans = {0};
		char *serial = nc_sqlite_col_dup(&q);

		ret = nc_store_strlist_from_json(nc_sqlite_col_peek(&q), &lans);
		if (ret == 0 && serial)
			ret = fn(arg, serial, &lans);
		nc_strlist_clear(&lans);
		free(serial);
	}
	end = nc_sqlite_q_end(&q);
	return ret != 0 ? ret : end;
}
