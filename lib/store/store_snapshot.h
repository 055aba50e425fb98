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
 * The allocated addresses of tenant in pool (NULL: in every pool) of owner
 * (NULL: every owner; only with a pool), by (pool, owner), appended to
 * *out (an array the caller frees with free()) whose length is *n. Errors:
 * NC_ERR_INVAL for NULL arguments, store errors (*out and *n then as they
 * were).
 */
int nc_store_addr_list(struct nc_store *st, const char *tenant, const char *pool, const char *owner,
		       struct nc_addr_row **out, size_t *n);

#endif
