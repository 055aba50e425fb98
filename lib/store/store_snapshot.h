/* SPDX-License-Identifier: MIT */
#ifndef NC_STORE_SNAPSHOT_H
#define NC_STORE_SNAPSHOT_H

/*
 * Reads a snapshot of a tenant's intent needs that the rest of store.h
 * has no call for. Runs inside the caller's transaction, if any.
 */

#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

struct nc_store;

/* One allocated address: an index in a pool of a tenant (lib/core/ipam.h names the pools). */
struct nc_addr_row {
	char pool[NC_NAME_MAX + 8];
	char owner[NC_NAME_MAX];
	uint32_t idx;
};

/*
 * Every allocated address of tenant, by (pool, owner), into *out (a new
 * array the caller frees with free(); NULL when *n is 0). Errors:
 * NC_ERR_INVAL for NULL arguments, store errors.
 */
int nc_store_addr_list(struct nc_store *st, const char *tenant, struct nc_addr_row **out,
		       size_t *n);

#endif
