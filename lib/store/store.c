/* SPDX-License-Identifier: MIT */
#include "store.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "store_impl.h"

/*
 * The public functions: check the arguments once for every backend, take
 * the store's lock for the call, dispatch through the table of functions.
 */

static bool blank(const char *s)
{
	return !s || !*s;
}

static bool terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

/* Resets a page's output and checks its input; a NULL page is allowed. */
static int page_start(struct nc_page *pg)
{
	if (!pg)
		return 0;
	pg->next_cursor[0] = '\0';
	return terminated(pg->cursor, sizeof(pg->cursor)) ? 0 : NC_ERR_INVAL;
}

/* Clears an array out-parameter pair and tells whether both are there. */
#define ARRAY_OUT(out, n) ((out) && (n) && ((*(out) = NULL), (*(n) = 0), true))

int nc_store_tenant_insert(struct nc_store *st, const struct nc_tenant *t)
{
	int ret = store_enter(st, t && !blank(t->id));

	if (ret == 0)
		ret = store_leave(st, st->ops->tenant_insert(st, t));
	return ret;
}

int nc_store_tenant_get(struct nc_store *st, const char *id, struct nc_tenant *out)
{
	int ret = store_enter(st, id && out);

	if (ret == 0)
		ret = store_leave(st, st->ops->tenant_get(st, id, out));
	return ret;
}

int nc_store_tenant_list(struct nc_store *st, struct nc_tenant **out, size_t *n)
{
	int ret = store_enter(st, ARRAY_OUT(out, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->tenant_list(st, out, n));
	return ret;
}

int nc_store_token_insert(struct nc_store *st, const struct nc_token *t)
{
	int ret = store_enter(st, t && !blank(t->id) && !blank(t->hash));

	if (ret == 0)
		ret = store_leave(st, st->ops->token_insert(st, t));
	return ret;
}

int nc_store_token_get(struct nc_store *st, const char *id, struct nc_token *out)
{
	int ret = store_enter(st, id && out);

	if (ret == 0)
		ret = store_leave(st, st->ops->token_get(st, id, out));
	return ret;
}

int nc_store_token_get_by_hash(struct nc_store *st, const char *hash, struct nc_token *out)
{
	int ret = store_enter(st, hash && out);

	if (ret == 0)
		ret = store_leave(st, st->ops->token_get_by_hash(st, hash, out));
	return ret;
}

int nc_store_token_list(struct nc_store *st, const char *tenant, struct nc_token **out, size_t *n)
{
	int ret = store_enter(st, ARRAY_OUT(out, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->token_list(st, tenant, out, n));
	return ret;
}

int nc_store_token_revoke(struct nc_store *st, const char *id)
{
	int ret = store_enter(st, id != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->token_revoke(st, id));
	return ret;
}

int nc_store_token_count(struct nc_store *st, size_t *n)
{
	int ret = store_enter(st, n != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->token_count(st, n));
	return ret;
}

int nc_store_device_lookup(struct nc_store *st, const char *tenant, const char *serial,
			   enum nc_device_type *type, char tenant_out[NC_ID_MAX])
{
	int ret = store_enter(st, serial != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->device_lookup(st, tenant, serial, type, tenant_out));
	return ret;
}

int nc_store_device_touch(struct nc_store *st, const char *serial, const char *public_key,
			  int64_t last_seen)
{
	int ret = store_enter(st, serial != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->device_touch(st, serial, public_key, last_seen));
	return ret;
}

int nc_store_device_hold_key(struct nc_store *st, const char *serial, const char *key)
{
	int ret = store_enter(st, serial != NULL && key != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->device_hold_key(st, serial, key));
	return ret;
}

int nc_store_edge_insert(struct nc_store *st, const struct nc_edge *e)
{
	int ret = store_enter(st, e && !blank(e->serial) && !blank(e->tenant));

	if (ret == 0)
		ret = store_leave(st, st->ops->edge_insert(st, e));
	return ret;
}

int nc_store_edge_update(struct nc_store *st, const struct nc_edge *e)
{
	int ret = store_enter(st, e && !blank(e->serial));

	if (ret == 0)
		ret = store_leave(st, st->ops->edge_update(st, e));
	return ret;
}

int nc_store_edge_get(struct nc_store *st, const char *tenant, const char *serial,
		      struct nc_edge *out)
{
	int ret = store_enter(st, serial && out);

	if (ret == 0)
		ret = store_leave(st, st->ops->edge_get(st, tenant, serial, out));
	return ret;
}

int nc_store_edge_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	int ret = store_enter(st, serial != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->edge_delete(st, tenant, serial));
	return ret;
}

int nc_store_edge_list(struct nc_store *st, const struct nc_edge_filter *f, struct nc_page *pg,
		       struct nc_edge **out, size_t *n)
{
	int ret = store_enter(st, ARRAY_OUT(out, n) && page_start(pg) == 0);

	if (ret == 0)
		ret = store_leave(st, st->ops->edge_list(st, f, pg, out, n));
	return ret;
}

int nc_store_connector_insert(struct nc_store *st, const struct nc_connector *c)
{
	int ret = store_enter(st, c && !blank(c->serial) && !blank(c->tenant));

	if (ret == 0)
		ret = store_leave(st, st->ops->connector_insert(st, c));
	return ret;
}

int nc_store_connector_update(struct nc_store *st, const struct nc_connector *c)
{
	int ret = store_enter(st, c && !blank(c->serial));

	if (ret == 0)
		ret = store_leave(st, st->ops->connector_update(st, c));
	return ret;
}

int nc_store_connector_set_status(struct nc_store *st, const char *serial, enum nc_status s)
{
	int ret = store_enter(st, serial && (int)s >= 0 && s <= NC_STATUS_DECOMMISSIONED);

	if (ret == 0)
		ret = store_leave(st, st->ops->connector_set_status(st, serial, s));
	return ret;
}

int nc_store_connector_get(struct nc_store *st, const char *tenant, const char *serial,
			   struct nc_connector *out)
{
	int ret = store_enter(st, serial && out);

	if (ret == 0)
		ret = store_leave(st, st->ops->connector_get(st, tenant, serial, out));
	return ret;
}

int nc_store_connector_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	int ret = store_enter(st, serial != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->connector_delete(st, tenant, serial));
	return ret;
}

int nc_store_connector_list(struct nc_store *st, const struct nc_connector_filter *f,
			    struct nc_page *pg, struct nc_connector **out, size_t *n)
{
	int ret = store_enter(st, ARRAY_OUT(out, n) && page_start(pg) == 0);

	if (ret == 0)
		ret = store_leave(st, st->ops->connector_list(st, f, pg, out, n));
	return ret;
}

int nc_store_connector_count(struct nc_store *st, const char *tenant, size_t counts[6])
{
	int ret = store_enter(st, counts != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->connector_count(st, tenant, counts));
	return ret;
}

int nc_store_peering_insert(struct nc_store *st, const struct nc_peering *p)
{
	int ret = store_enter(st, p && !blank(p->tenant) && !blank(p->name));

	if (ret == 0)
		ret = store_leave(st, st->ops->peering_insert(st, p));
	return ret;
}

int nc_store_peering_update(struct nc_store *st, const struct nc_peering *p)
{
	int ret = store_enter(st, p && !blank(p->tenant) && !blank(p->name));

	if (ret == 0)
		ret = store_leave(st, st->ops->peering_update(st, p));
	return ret;
}

int nc_store_peering_get(struct nc_store *st, const char *tenant, const char *name,
			 struct nc_peering *out)
{
	int ret = store_enter(st, name && out);

	if (ret == 0)
		ret = store_leave(st, st->ops->peering_get(st, tenant, name, out));
	return ret;
}

int nc_store_peering_delete(struct nc_store *st, const char *tenant, const char *name)
{
	int ret = store_enter(st, !blank(tenant) && name);

	if (ret == 0)
		ret = store_leave(st, st->ops->peering_delete(st, tenant, name));
	return ret;
}

int nc_store_peering_list(struct nc_store *st, const char *tenant, struct nc_peering **out,
			  size_t *n)
{
	int ret = store_enter(st, ARRAY_OUT(out, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->peering_list(st, tenant, out, n));
	return ret;
}

int nc_store_member_insert(struct nc_store *st, const struct nc_member *m)
{
	int ret =
		store_enter(st, m && !blank(m->tenant) && !blank(m->peering) && !blank(m->serial));

	if (ret == 0)
		ret = store_leave(st, st->ops->member_insert(st, m));
	return ret;
}

int nc_store_member_delete(struct nc_store *st, const char *tenant, const char *peering,
			   const char *serial)
{
	int ret = store_enter(st, !blank(tenant) && peering && serial);

	if (ret == 0)
		ret = store_leave(st, st->ops->member_delete(st, tenant, peering, serial));
	return ret;
}

int nc_store_member_list(struct nc_store *st, const char *tenant, const char *peering,
			 struct nc_member **out, size_t *n)
{
	int ret = store_enter(st, peering && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->member_list(st, tenant, peering, out, n));
	return ret;
}

int nc_store_member_list_by_device(struct nc_store *st, const char *serial, struct nc_member **out,
				   size_t *n)
{
	int ret = store_enter(st, serial && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->member_list_by_device(st, serial, out, n));
	return ret;
}

int nc_store_link_insert(struct nc_store *st, const struct nc_link *l)
{
	int ret = store_enter(st, l && !blank(l->tenant) && !blank(l->peering) && !blank(l->a) &&
					  !blank(l->b) && strcmp(l->a, l->b) < 0 &&
					  (l->tunnel_index == 0 || l->tunnel_index == 1));

	if (ret == 0)
		ret = store_leave(st, st->ops->link_insert(st, l));
	return ret;
}

int nc_store_link_delete(struct nc_store *st, const char *tenant, const char *peering,
			 const char *a, const char *b)
{
	int ret = store_enter(st, !blank(tenant) && peering && a && b);

	if (ret == 0)
		ret = store_leave(st, st->ops->link_delete(st, tenant, peering, a, b));
	return ret;
}

int nc_store_link_list(struct nc_store *st, const char *tenant, const char *peering,
		       struct nc_link **out, size_t *n)
{
	int ret = store_enter(st, peering && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->link_list(st, tenant, peering, out, n));
	return ret;
}

int nc_store_link_list_by_device(struct nc_store *st, const char *serial, struct nc_link **out,
				 size_t *n)
{
	int ret = store_enter(st, serial && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->link_list_by_device(st, serial, out, n));
	return ret;
}

int nc_store_link_set_status(struct nc_store *st, const char *tenant, const char *peering,
			     const char *a, const char *b, int tunnel_index,
			     enum nc_link_status status)
{
	int ret = store_enter(st, !blank(tenant) && peering && a && b && (int)status >= 0 &&
					  status <= NC_LINK_DOWN);

	if (ret == 0)
		ret = store_leave(st, st->ops->link_set_status(st, tenant, peering, a, b,
							       tunnel_index, status));
	return ret;
}

int nc_store_spi_used(struct nc_store *st, const char *tenant, uint32_t spi, int *used)
{
	int ret = store_enter(st, used != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->spi_used(st, tenant, spi, used));
	return ret;
}

int nc_store_device_seen(struct nc_store *st, const char *serial, bool *seen)
{
	int ret = store_enter(st, !blank(serial) && seen);

	if (ret == 0)
		ret = store_leave(st, st->ops->device_seen(st, serial, seen));
	return ret;
}

int nc_store_lan_each(struct nc_store *st, const char *tenant, const char *except,
		      int (*fn)(void *arg, const char *serial, const struct nc_strlist *lans),
		      void *arg)
{
	int ret = store_enter(st, !blank(tenant) && fn);

	if (ret == 0)
		ret = store_leave(st, st->ops->lan_each(st, tenant, except, fn, arg));
	return ret;
}

int nc_store_sync_put(struct nc_store *st, const struct nc_sync *s)
{
	int ret = store_enter(st, s && !blank(s->serial) && !blank(s->tenant));

	if (ret == 0)
		ret = store_leave(st, st->ops->sync_put(st, s));
	return ret;
}

int nc_store_sync_get(struct nc_store *st, const char *serial, const char *tenant,
		      struct nc_sync *out)
{
	int ret = store_enter(st, serial && out);

	if (ret == 0)
		ret = store_leave(st, st->ops->sync_get(st, serial, tenant, out));
	return ret;
}

int nc_store_sync_list(struct nc_store *st, const struct nc_sync_filter *f, struct nc_page *pg,
		       struct nc_sync **out, size_t *n)
{
	int ret = store_enter(st, ARRAY_OUT(out, n) && page_start(pg) == 0);

	if (ret == 0)
		ret = store_leave(st, st->ops->sync_list(st, f, pg, out, n));
	return ret;
}

int nc_store_sync_count(struct nc_store *st, const char *tenant, size_t counts[4])
{
	int ret = store_enter(st, counts != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->sync_count(st, tenant, counts));
	return ret;
}

int nc_store_addr_alloc(struct nc_store *st, const char *tenant, const char *pool,
			const char *owner, uint32_t lo, uint32_t hi, uint32_t *index)
{
	int ret = store_enter(st,
			      !blank(tenant) && !blank(pool) && !blank(owner) && index && lo <= hi);

	if (ret == 0)
		ret = store_leave(st, st->ops->addr_alloc(st, tenant, pool, owner, lo, hi, index));
	return ret;
}

int nc_store_addr_release(struct nc_store *st, const char *tenant, const char *pool,
			  const char *owner)
{
	int ret = store_enter(st, !blank(tenant) && !blank(pool));

	if (ret == 0)
		ret = store_leave(st, st->ops->addr_release(st, tenant, pool, owner));
	return ret;
}

int nc_store_meta_get(struct nc_store *st, const char *name, int64_t *value)
{
	int ret = store_enter(st, !blank(name) && value);

	if (ret == 0)
		ret = store_leave(st, st->ops->meta_get(st, name, value));
	return ret;
}

int nc_store_meta_put(struct nc_store *st, const char *name, int64_t value)
{
	int ret = store_enter(st, !blank(name));

	if (ret == 0)
		ret = store_leave(st, st->ops->meta_put(st, name, value));
	return ret;
}
