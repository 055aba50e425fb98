/* SPDX-License-Identifier: MIT */
#ifndef NC_STORE_STORE_IMPL_H
#define NC_STORE_STORE_IMPL_H

/*
 * What a store backend implements. store.c owns the lock and the
 * transaction depth: it checks arguments against the contracts in store.h
 * (NULL pointers, empty keys, a < b, peering-scoped writes without a
 * tenant), clears out-parameters and next_cursor, then calls the backend
 * with the lock held. A backend never locks, and may call the public
 * nc_store_begin/commit/rollback on its own store for multi-row changes
 * (the lock is recursive).
 *
 * Each operation of store_ops.def has the signature and the contract of the
 * nc_store_* function of the same name; besides them:
 *   begin(st, level)     opens level `level` (1 = outermost transaction,
 *                        more = a savepoint inside it);
 *   commit(st, level)    commits level `level`; on failure it rolls that
 *                        level back before returning the error;
 *   rollback(st, level)  undoes level `level`;
 *   close(st)            frees everything, including the struct, after
 *                        nc_store_base_fini(); the store has no open level;
 *   open_reader(st, out, ei)  as nc_store_open_reader, st's lock held.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "store.h"

struct nc_store_ops {
	const char *name;
	void (*close)(struct nc_store *st);
	int (*schema_version)(struct nc_store *st, int *out);
	int (*open_reader)(struct nc_store *st, struct nc_store **out, struct nc_errinfo *ei);

	int (*begin)(struct nc_store *st, int level);
	int (*commit)(struct nc_store *st, int level);
	void (*rollback)(struct nc_store *st, int level);

#define NC_STORE_OP(name, params, args, check) int(*name) params;
#include "store_ops.def"
};

/* The generic part of a store, first member of every backend's struct. */
struct nc_store {
	const struct nc_store_ops *ops;
	pthread_mutex_t lock; /* recursive; held from begin to commit/rollback */
	int depth;	      /* open transaction levels; guarded by lock */
};

/*
 * The frame of every nc_store_* call: store_enter gives NC_ERR_INVAL for a
 * bad argument, else returns 0 with st->lock held; store_leave releases it
 * and passes ret through.
 */
static inline int store_enter(struct nc_store *st, bool args_ok)
{
	if (!st || !args_ok)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&st->lock);
	return 0;
}

static inline int store_leave(struct nc_store *st, int ret)
{
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* Sets up the generic part; NC_ERR_INTERNAL if the mutex cannot be made. */
int nc_store_base_init(struct nc_store *st, const struct nc_store_ops *ops);
/* Releases what nc_store_base_init() made (not the struct itself). */
void nc_store_base_fini(struct nc_store *st);

/* Rows a page may return: pg->limit, 0 = NC_PAGE_DEFAULT, capped at NC_PAGE_MAX. */
size_t nc_store_page_limit(const struct nc_page *pg);
/* Splits a sync cursor "SERIAL:TENANT" ("" = start: both ""); NC_ERR_INVAL
 * without ':' or when a part does not fit. */
int nc_store_sync_cursor_split(const char *cursor, char serial[NC_SERIAL_MAX],
			       char tenant[NC_ID_MAX]);

/*
 * The JSON texts that list fields are stored as, shared by backends: the
 * REST API's encoding of the lists (codec.h), in store_json.c.
 * *_to_json: *out is a compact JSON array, heap, owned by the caller (free());
 * NC_ERR_INVAL for a string that is not UTF-8 or a dport outside 0-65535.
 * *_from_json: replace the destination's contents (on success only);
 * NC_ERR_STORE, logged, when the stored text is not what *_to_json writes
 * (an ACL rule without dport, as the API accepts it, reads as dport 0).
 */
int nc_store_strlist_to_json(const struct nc_strlist *l, char **out);
int nc_store_strlist_from_json(const char *text, struct nc_strlist *out);
int nc_store_acl_to_json(const struct nc_acl_rule *v, size_t n, char **out);
int nc_store_acl_from_json(const char *text, struct nc_acl_rule **v, size_t *n);
int nc_store_routes_to_json(const struct nc_route *v, size_t n, char **out);
int nc_store_routes_from_json(const char *text, struct nc_route **v, size_t *n);

#endif
