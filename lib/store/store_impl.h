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
 * Each operation has the signature and the contract of the nc_store_*
 * function of the same name, except:
 *   begin(st, level)     opens level `level` (1 = outermost transaction,
 *                        more = a savepoint inside it);
 *   commit(st, level)    commits level `level`; on failure it rolls that
 *                        level back before returning the error;
 *   rollback(st, level)  undoes level `level`;
 *   close(st)            frees everything, including the struct, after
 *                        nc_store_base_fini(); the store has no open level.
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

	int (*begin)(struct nc_store *st, int level);
	int (*commit)(struct nc_store *st, int level);
	void (*rollback)(struct nc_store *st, int level);

	int (*tenant_insert)(struct nc_store *st, const struct nc_tenant *t);
	int (*tenant_get)(struct nc_store *st, const char *id, struct nc_tenant *out);
	int (*tenant_list)(struct nc_store *st, struct nc_tenant **out, size_t *n);

	int (*token_insert)(struct nc_store *st, const struct nc_token *t);
	int (*token_get)(struct nc_store *st, const char *id, struct nc_token *out);
	int (*token_get_by_hash)(struct nc_store *st, const char *hash, struct nc_token *out);
	int (*token_list)(struct nc_store *st, const char *tenant, struct nc_token **out,
			  size_t *n);
	int (*token_revoke)(struct nc_store *st, const char *id);
	int (*token_count)(struct nc_store *st, size_t *n);

	int (*device_lookup)(struct nc_store *st, const char *tenant, const char *serial,
			     enum nc_device_type *type, char tenant_out[NC_ID_MAX]);
	int (*device_touch)(struct nc_store *st, const char *serial, const char *public_key,
			    int64_t last_seen);
	int (*device_hold_key)(struct nc_store *st, const char *serial, const char *key);

	int (*edge_insert)(struct nc_store *st, const struct nc_edge *e);
	int (*edge_update)(struct nc_store *st, const struct nc_edge *e);
	int (*edge_get)(struct nc_store *st, const char *tenant, const char *serial,
			struct nc_edge *out);
	int (*edge_delete)(struct nc_store *st, const char *tenant, const char *serial);
	int (*edge_list)(struct nc_store *st, const struct nc_edge_filter *f, struct nc_page *pg,
			 struct nc_edge **out, size_t *n);

	int (*connector_insert)(struct nc_store *st, const struct nc_connector *c);
	int (*connector_update)(struct nc_store *st, const struct nc_connector *c);
	int (*connector_set_status)(struct nc_store *st, const char *serial, enum nc_status s);
	int (*connector_get)(struct nc_store *st, const char *tenant, const char *serial,
			     struct nc_connector *out);
	int (*connector_delete)(struct nc_store *st, const char *tenant, const char *serial);
	int (*connector_list)(struct nc_store *st, const struct nc_connector_filter *f,
			      struct nc_page *pg, struct nc_connector **out, size_t *n);
	int (*connector_count)(struct nc_store *st, const char *tenant, size_t counts[6]);

	int (*peering_insert)(struct nc_store *st, const struct nc_peering *p);
	int (*peering_update)(struct nc_store *st, const struct nc_peering *p);
	int (*peering_get)(struct nc_store *st, const char *tenant, const char *name,
			   struct nc_peering *out);
	int (*peering_delete)(struct nc_store *st, const char *tenant, const char *name);
	int (*peering_list)(struct nc_store *st, const char *tenant, struct nc_peering **out,
			    size_t *n);

	int (*member_insert)(struct nc_store *st, const struct nc_member *m);
	int (*member_delete)(struct nc_store *st, const char *tenant, const char *peering,
			     const char *serial);
	int (*member_list)(struct nc_store *st, const char *tenant, const char *peering,
			   struct nc_member **out, size_t *n);
	int (*member_list_by_device)(struct nc_store *st, const char *serial,
				     struct nc_member **out, size_t *n);

	int (*link_insert)(struct nc_store *st, const struct nc_link *l);
	int (*link_delete)(struct nc_store *st, const char *tenant, const char *peering,
			   const char *a, const char *b);
	int (*link_list)(struct nc_store *st, const char *tenant, const char *peering,
			 struct nc_link **out, size_t *n);
	int (*link_list_by_device)(struct nc_store *st, const char *serial, struct nc_link **out,
				   size_t *n);
	int (*link_set_status)(struct nc_store *st, const char *tenant, const char *peering,
			       const char *a, const char *b, int tunnel_index,
			       enum nc_link_status status);
	int (*spi_used)(struct nc_store *st, const char *tenant, uint32_t spi, int *used);
	int (*device_seen)(struct nc_store *st, const char *serial, bool *seen);
	int (*lan_each)(struct nc_store *st, const char *tenant, const char *except,
			int (*fn)(void *arg, const char *serial, const struct nc_strlist *lans),
			void *arg);

	int (*sync_put)(struct nc_store *st, const struct nc_sync *s);
	int (*sync_get)(struct nc_store *st, const char *serial, const char *tenant,
			struct nc_sync *out);
	int (*sync_list)(struct nc_store *st, const struct nc_sync_filter *f, struct nc_page *pg,
			 struct nc_sync **out, size_t *n);
	int (*sync_count)(struct nc_store *st, const char *tenant, size_t counts[4]);
	int (*addr_alloc)(struct nc_store *st, const char *tenant, const char *pool,
			  const char *owner, uint32_t lo, uint32_t hi, uint32_t *index);
	int (*addr_release)(struct nc_store *st, const char *tenant, const char *pool,
			    const char *owner);
	int (*meta_get)(struct nc_store *st, const char *name, int64_t *value);
	int (*meta_put)(struct nc_store *st, const char *name, int64_t value);
	int (*tunnel_replace)(struct nc_store *st, const char *serial,
			      const struct nc_tunnel_state *v, size_t n);
	int (*tunnel_list)(struct nc_store *st, const char *serial, struct nc_tunnel_state **out,
			   size_t *n);
	int (*cert_insert)(struct nc_store *st, const struct nc_cert *c);
	int (*cert_revoke_device)(struct nc_store *st, const char *device, int64_t when, size_t *n);
	int (*cert_list)(struct nc_store *st, const char *device, bool revoked_only,
			 struct nc_cert **out, size_t *n);
	int (*set_seal_key)(struct nc_store *st, const unsigned char key[32]);
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
