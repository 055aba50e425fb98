/* SPDX-License-Identifier: MIT */
#include "store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/log.h"
#include "../util/xmalloc.h"
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

int nc_store_base_init(struct nc_store *st, const struct nc_store_ops *ops)
{
	pthread_mutexattr_t attr;
	int ret = NC_ERR_INTERNAL;

	st->ops = ops;
	st->depth = 0;
	if (pthread_mutexattr_init(&attr) != 0)
		return ret;
	if (pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0)
		goto out;
	if (pthread_mutex_init(&st->lock, &attr) != 0)
		goto out;
	ret = 0;
out:
	pthread_mutexattr_destroy(&attr);
	return ret;
}

void nc_store_base_fini(struct nc_store *st)
{
	pthread_mutex_destroy(&st->lock);
}

size_t nc_store_page_limit(const struct nc_page *pg)
{
	if (pg->limit == 0)
		return NC_PAGE_DEFAULT;
	return pg->limit > NC_PAGE_MAX ? NC_PAGE_MAX : pg->limit;
}

int nc_store_sync_cursor_split(const char *cursor, char serial[NC_SERIAL_MAX],
			       char tenant[NC_ID_MAX])
{
	const char *colon;
	size_t len;

	serial[0] = '\0';
	tenant[0] = '\0';
	if (!*cursor)
		return 0;
	colon = strchr(cursor, ':');
	if (!colon)
		return NC_ERR_INVAL;
	len = (size_t)(colon - cursor);
	if (len >= NC_SERIAL_MAX || strlen(colon + 1) >= NC_ID_MAX)
		return NC_ERR_INVAL;
	memcpy(serial, cursor, len);
	serial[len] = '\0';
	strcpy(tenant, colon + 1);
	return 0;
}

void nc_store_close(struct nc_store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	while (st->depth > 0) {
		nc_warn("store closed inside a transaction: rolled back");
		st->ops->rollback(st, st->depth);
		st->depth--;
		pthread_mutex_unlock(&st->lock);
	}
	pthread_mutex_unlock(&st->lock);
	st->ops->close(st);
}

int nc_store_schema_version(struct nc_store *st, int *out)
{
	int ret;

	if (!st || !out)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&st->lock);
	ret = st->ops->schema_version(st, out);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* On success the calling thread keeps the lock until the matching commit or rollback. */
int nc_store_begin(struct nc_store *st)
{
	int ret;

	if (!st)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&st->lock);
	ret = st->ops->begin(st, st->depth + 1);
	if (ret == 0)
		st->depth++;
	else
		pthread_mutex_unlock(&st->lock);
	return ret;
}

/*
 * Taking the lock first means that when depth > 0 this thread is the one
 * that began the transaction: any other would wait here until it is over.
 */
int nc_store_commit(struct nc_store *st)
{
	int ret;

	if (!st)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&st->lock);
	if (st->depth == 0) {
		nc_err("store: commit without a transaction");
		ret = NC_ERR_INTERNAL;
		goto out;
	}
	ret = st->ops->commit(st, st->depth);
	st->depth--;
	pthread_mutex_unlock(&st->lock);	/* the hold taken by nc_store_begin */
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

void nc_store_rollback(struct nc_store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	if (st->depth == 0) {
		nc_err("store: rollback without a transaction");
		goto out;
	}
	st->ops->rollback(st, st->depth);
	st->depth--;
	pthread_mutex_unlock(&st->lock);	/* the hold taken by nc_store_begin */
out:
	pthread_mutex_unlock(&st->lock);
}

/*
 * Every call below: INVAL for a bad argument, else the backend's answer
 * under the lock. `enter` returns with the lock held only when it returns 0.
 */
static int enter(struct nc_store *st, bool args_ok)
{
	if (!st || !args_ok)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&st->lock);
	return 0;
}

static int leave(struct nc_store *st, int ret)
{
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* Clears an array out-parameter pair and tells whether both are there. */
#define ARRAY_OUT(out, n) ((out) && (n) && ((*(out) = NULL), (*(n) = 0), true))

int nc_store_tenant_insert(struct nc_store *st, const struct nc_tenant *t)
{
	int ret = enter(st, t && !blank(t->id));

	if (ret == 0)
		ret = leave(st, st->ops->tenant_insert(st, t));
	return ret;
}

int nc_store_tenant_get(struct nc_store *st, const char *id, struct nc_tenant *out)
{
	int ret = enter(st, id && out);

	if (ret == 0)
		ret = leave(st, st->ops->tenant_get(st, id, out));
	return ret;
}

int nc_store_tenant_list(struct nc_store *st, struct nc_tenant **out, size_t *n)
{
	int ret = enter(st, ARRAY_OUT(out, n));

	if (ret == 0)
		ret = leave(st, st->ops->tenant_list(st, out, n));
	return ret;
}

int nc_store_token_insert(struct nc_store *st, const struct nc_token *t)
{
	int ret = enter(st, t && !blank(t->id) && !blank(t->hash));

	if (ret == 0)
		ret = leave(st, st->ops->token_insert(st, t));
	return ret;
}

int nc_store_token_get(struct nc_store *st, const char *id, struct nc_token *out)
{
	int ret = enter(st, id && out);

	if (ret == 0)
		ret = leave(st, st->ops->token_get(st, id, out));
	return ret;
}

int nc_store_token_get_by_hash(struct nc_store *st, const char *hash, struct nc_token *out)
{
	int ret = enter(st, hash && out);

	if (ret == 0)
		ret = leave(st, st->ops->token_get_by_hash(st, hash, out));
	return ret;
}

int nc_store_token_list(struct nc_store *st, const char *tenant, struct nc_token **out, size_t *n)
{
	int ret = enter(st, ARRAY_OUT(out, n));

	if (ret == 0)
		ret = leave(st, st->ops->token_list(st, tenant, out, n));
	return ret;
}

int nc_store_token_revoke(struct nc_store *st, const char *id)
{
	int ret = enter(st, id != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->token_revoke(st, id));
	return ret;
}

int nc_store_token_count(struct nc_store *st, size_t *n)
{
	int ret = enter(st, n != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->token_count(st, n));
	return ret;
}

int nc_store_device_lookup(struct nc_store *st, const char *tenant, const char *serial,
			   enum nc_device_type *type, char tenant_out[NC_ID_MAX])
{
	int ret = enter(st, serial != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->device_lookup(st, tenant, serial, type, tenant_out));
	return ret;
}

int nc_store_device_touch(struct nc_store *st, const char *serial, const char *public_key,
			  int64_t last_seen)
{
	int ret = enter(st, serial != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->device_touch(st, serial, public_key, last_seen));
	return ret;
}

int nc_store_edge_insert(struct nc_store *st, const struct nc_edge *e)
{
	int ret = enter(st, e && !blank(e->serial) && !blank(e->tenant));

	if (ret == 0)
		ret = leave(st, st->ops->edge_insert(st, e));
	return ret;
}

int nc_store_edge_update(struct nc_store *st, const struct nc_edge *e)
{
	int ret = enter(st, e && !blank(e->serial));

	if (ret == 0)
		ret = leave(st, st->ops->edge_update(st, e));
	return ret;
}

int nc_store_edge_get(struct nc_store *st, const char *tenant, const char *serial,
		      struct nc_edge *out)
{
	int ret = enter(st, serial && out);

	if (ret == 0)
		ret = leave(st, st->ops->edge_get(st, tenant, serial, out));
	return ret;
}

int nc_store_edge_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	int ret = enter(st, serial != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->edge_delete(st, tenant, serial));
	return ret;
}

int nc_store_edge_list(struct nc_store *st, const struct nc_edge_filter *f, struct nc_page *pg,
		       struct nc_edge **out, size_t *n)
{
	int ret = enter(st, ARRAY_OUT(out, n) && page_start(pg) == 0);

	if (ret == 0)
		ret = leave(st, st->ops->edge_list(st, f, pg, out, n));
	return ret;
}

int nc_store_connector_insert(struct nc_store *st, const struct nc_connector *c)
{
	int ret = enter(st, c && !blank(c->serial) && !blank(c->tenant));

	if (ret == 0)
		ret = leave(st, st->ops->connector_insert(st, c));
	return ret;
}

int nc_store_connector_update(struct nc_store *st, const struct nc_connector *c)
{
	int ret = enter(st, c && !blank(c->serial));

	if (ret == 0)
		ret = leave(st, st->ops->connector_update(st, c));
	return ret;
}

int nc_store_connector_set_status(struct nc_store *st, const char *serial, enum nc_status s)
{
	int ret = enter(st, serial && (int)s >= 0 && s <= NC_STATUS_DECOMMISSIONED);

	if (ret == 0)
		ret = leave(st, st->ops->connector_set_status(st, serial, s));
	return ret;
}

int nc_store_connector_get(struct nc_store *st, const char *tenant, const char *serial,
			   struct nc_connector *out)
{
	int ret = enter(st, serial && out);

	if (ret == 0)
		ret = leave(st, st->ops->connector_get(st, tenant, serial, out));
	return ret;
}

int nc_store_connector_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	int ret = enter(st, serial != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->connector_delete(st, tenant, serial));
	return ret;
}

int nc_store_connector_list(struct nc_store *st, const struct nc_connector_filter *f,
			    struct nc_page *pg, struct nc_connector **out, size_t *n)
{
	int ret = enter(st, ARRAY_OUT(out, n) && page_start(pg) == 0);

	if (ret == 0)
		ret = leave(st, st->ops->connector_list(st, f, pg, out, n));
	return ret;
}

int nc_store_connector_count(struct nc_store *st, const char *tenant, size_t counts[6])
{
	int ret = enter(st, counts != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->connector_count(st, tenant, counts));
	return ret;
}

int nc_store_peering_insert(struct nc_store *st, const struct nc_peering *p)
{
	int ret = enter(st, p && !blank(p->tenant) && !blank(p->name));

	if (ret == 0)
		ret = leave(st, st->ops->peering_insert(st, p));
	return ret;
}

int nc_store_peering_update(struct nc_store *st, const struct nc_peering *p)
{
	int ret = enter(st, p && !blank(p->tenant) && !blank(p->name));

	if (ret == 0)
		ret = leave(st, st->ops->peering_update(st, p));
	return ret;
}

int nc_store_peering_get(struct nc_store *st, const char *tenant, const char *name,
			 struct nc_peering *out)
{
	int ret = enter(st, name && out);

	if (ret == 0)
		ret = leave(st, st->ops->peering_get(st, tenant, name, out));
	return ret;
}

int nc_store_peering_delete(struct nc_store *st, const char *tenant, const char *name)
{
	int ret = enter(st, !blank(tenant) && name);

	if (ret == 0)
		ret = leave(st, st->ops->peering_delete(st, tenant, name));
	return ret;
}

int nc_store_peering_list(struct nc_store *st, const char *tenant, struct nc_peering **out,
			  size_t *n)
{
	int ret = enter(st, ARRAY_OUT(out, n));

	if (ret == 0)
		ret = leave(st, st->ops->peering_list(st, tenant, out, n));
	return ret;
}

int nc_store_member_insert(struct nc_store *st, const struct nc_member *m)
{
	int ret = enter(st, m && !blank(m->tenant) && !blank(m->peering) && !blank(m->serial));

	if (ret == 0)
		ret = leave(st, st->ops->member_insert(st, m));
	return ret;
}

int nc_store_member_delete(struct nc_store *st, const char *tenant, const char *peering,
			   const char *serial)
{
	int ret = enter(st, !blank(tenant) && peering && serial);

	if (ret == 0)
		ret = leave(st, st->ops->member_delete(st, tenant, peering, serial));
	return ret;
}

int nc_store_member_list(struct nc_store *st, const char *tenant, const char *peering,
			 struct nc_member **out, size_t *n)
{
	int ret = enter(st, peering && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = leave(st, st->ops->member_list(st, tenant, peering, out, n));
	return ret;
}

int nc_store_member_list_by_device(struct nc_store *st, const char *serial,
				   struct nc_member **out, size_t *n)
{
	int ret = enter(st, serial && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = leave(st, st->ops->member_list_by_device(st, serial, out, n));
	return ret;
}

int nc_store_link_insert(struct nc_store *st, const struct nc_link *l)
{
	int ret = enter(st, l && !blank(l->tenant) && !blank(l->peering) && !blank(l->a) &&
				    !blank(l->b) && strcmp(l->a, l->b) < 0 &&
				    (l->tunnel_index == 0 || l->tunnel_index == 1));

	if (ret == 0)
		ret = leave(st, st->ops->link_insert(st, l));
	return ret;
}

int nc_store_link_delete(struct nc_store *st, const char *tenant, const char *peering,
			 const char *a, const char *b)
{
	int ret = enter(st, !blank(tenant) && peering && a && b);

	if (ret == 0)
		ret = leave(st, st->ops->link_delete(st, tenant, peering, a, b));
	return ret;
}

int nc_store_link_list(struct nc_store *st, const char *tenant, const char *peering,
		       struct nc_link **out, size_t *n)
{
	int ret = enter(st, peering && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = leave(st, st->ops->link_list(st, tenant, peering, out, n));
	return ret;
}

int nc_store_link_list_by_device(struct nc_store *st, const char *serial, struct nc_link **out,
				 size_t *n)
{
	int ret = enter(st, serial && ARRAY_OUT(out, n));

	if (ret == 0)
		ret = leave(st, st->ops->link_list_by_device(st, serial, out, n));
	return ret;
}

int nc_store_link_set_status(struct nc_store *st, const char *tenant, const char *peering,
			     const char *a, const char *b, int tunnel_index,
			     enum nc_link_status status)
{
	int ret = enter(st, !blank(tenant) && peering && a && b && (int)status >= 0 &&
				    status <= NC_LINK_DOWN);

	if (ret == 0)
		ret = leave(st, st->ops->link_set_status(st, tenant, peering, a, b, tunnel_index,
							  status));
	return ret;
}

int nc_store_spi_used(struct nc_store *st, const char *tenant, uint32_t spi, int *used)
{
	int ret = enter(st, used != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->spi_used(st, tenant, spi, used));
	return ret;
}

int nc_store_sync_put(struct nc_store *st, const struct nc_sync *s)
{
	int ret = enter(st, s && !blank(s->serial) && !blank(s->tenant));

	if (ret == 0)
		ret = leave(st, st->ops->sync_put(st, s));
	return ret;
}

int nc_store_sync_get(struct nc_store *st, const char *serial, const char *tenant,
		      struct nc_sync *out)
{
	int ret = enter(st, serial && out);

	if (ret == 0)
		ret = leave(st, st->ops->sync_get(st, serial, tenant, out));
	return ret;
}

int nc_store_sync_list(struct nc_store *st, const struct nc_sync_filter *f, struct nc_page *pg,
		       struct nc_sync **out, size_t *n)
{
	int ret = enter(st, ARRAY_OUT(out, n) && page_start(pg) == 0);

	if (ret == 0)
		ret = leave(st, st->ops->sync_list(st, f, pg, out, n));
	return ret;
}

int nc_store_sync_count(struct nc_store *st, const char *tenant, size_t counts[4])
{
	int ret = enter(st, counts != NULL);

	if (ret == 0)
		ret = leave(st, st->ops->sync_count(st, tenant, counts));
	return ret;
}

/*
 * JSON list fields. Jansson: json_array_append_new() and json_object_set_new()
 * steal the reference to the value, also when they fail.
 */

static int dump(json_t *v, char **out)
{
	*out = json_dumps(v, JSON_COMPACT);
	return *out ? 0 : NC_ERR_NOMEM;
}

/* Appends a new string; NC_ERR_INVAL for a string that is not UTF-8. */
static int append_str(json_t *arr, const char *s)
{
	json_t *v = json_string(s);

	if (!v)
		return NC_ERR_INVAL;
	return json_array_append_new(arr, v) == 0 ? 0 : NC_ERR_NOMEM;
}

static int set_str(json_t *obj, const char *key, const char *s)
{
	json_t *v = json_string(s);

	if (!v)
		return NC_ERR_INVAL;
	return json_object_set_new(obj, key, v) == 0 ? 0 : NC_ERR_NOMEM;
}

int nc_store_strlist_to_json(const struct nc_strlist *l, char **out)
{
	json_t *arr = json_array();
	int ret = NC_ERR_NOMEM;

	*out = NULL;
	if (!arr)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		ret = append_str(arr, l->v[i]);
		if (ret)
			goto out;
	}
	ret = dump(arr, out);
out:
	json_decref(arr);
	return ret;
}

int nc_store_acl_to_json(const struct nc_acl_rule *v, size_t n, char **out)
{
	json_t *arr = json_array();
	json_t *obj;
	int ret = NC_ERR_NOMEM;

	*out = NULL;
	if (!arr)
		goto out;
	for (size_t i = 0; i < n; i++) {
		/* what would not read back is refused now rather than at every read */
		if (v[i].dport < 0 || v[i].dport > 65535) {
			ret = NC_ERR_INVAL;
			goto out;
		}
		obj = json_object();
		if (!obj || json_array_append_new(arr, obj) != 0)
			goto out;
		/* obj is borrowed from arr from here on */
		ret = set_str(obj, "action", v[i].action);
		if (ret == 0)
			ret = set_str(obj, "proto", v[i].proto);
		if (ret == 0)
			ret = set_str(obj, "src", v[i].src);
		if (ret == 0)
			ret = set_str(obj, "dst", v[i].dst);
		if (ret == 0 && json_object_set_new(obj, "dport", json_integer(v[i].dport)) != 0)
			ret = NC_ERR_NOMEM;
		if (ret)
			goto out;
		ret = NC_ERR_NOMEM;
	}
	ret = dump(arr, out);
out:
	json_decref(arr);
	return ret;
}

int nc_store_routes_to_json(const struct nc_route *v, size_t n, char **out)
{
	json_t *arr = json_array();
	json_t *obj;
	int ret = NC_ERR_NOMEM;

	*out = NULL;
	if (!arr)
		goto out;
	for (size_t i = 0; i < n; i++) {
		obj = json_object();
		if (!obj || json_array_append_new(arr, obj) != 0)
			goto out;
		ret = set_str(obj, "dst", v[i].dst);
		if (ret == 0)
			ret = set_str(obj, "via", v[i].via);
		if (ret)
			goto out;
		ret = NC_ERR_NOMEM;
	}
	ret = dump(arr, out);
out:
	json_decref(arr);
	return ret;
}

/* A stored list that does not parse back means the store was edited or damaged. */
static int malformed(const char *what)
{
	nc_err("store: a stored %s list is malformed", what);
	return NC_ERR_STORE;
}

/* Parses text as a JSON array; NULL when it is not one. New reference. */
static json_t *load_array(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text ? text : "", JSON_REJECT_DUPLICATES, &jerr);

	if (v && !json_is_array(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

/* Copies the string member key of obj into buf; false if absent or too long. */
static bool get_str(json_t *obj, const char *key, char *buf, size_t size)
{
	json_t *v = json_object_get(obj, key);	/* borrowed */
	size_t len;

	if (!json_is_string(v))
		return false;
	len = json_string_length(v);
	if (len >= size)
		return false;
	memcpy(buf, json_string_value(v), len + 1);
	return true;
}

int nc_store_strlist_from_json(const char *text, struct nc_strlist *out)
{
	struct nc_strlist l = { 0 };
	json_t *arr = load_array(text);
	json_t *v;
	size_t i;
	int ret = 0;

	if (!arr) {
		ret = malformed("string");
		goto out;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			ret = malformed("string");
			goto out;
		}
		nc_strlist_add(&l, json_string_value(v));
	}
	nc_strlist_clear(out);
	*out = l;
	l.v = NULL;
	l.n = 0;
out:
	nc_strlist_clear(&l);
	json_decref(arr);
	return ret;
}

int nc_store_acl_from_json(const char *text, struct nc_acl_rule **v, size_t *n)
{
	struct nc_acl_rule *rules = NULL;
	json_t *arr = load_array(text);
	json_t *obj, *dport;
	size_t i, count = 0;
	int ret = 0;

	if (!arr) {
		ret = malformed("acl");
		goto out;
	}
	count = json_array_size(arr);
	if (count)
		rules = nc_xcalloc(count, sizeof(*rules));
	json_array_foreach(arr, i, obj) {
		dport = json_object_get(obj, "dport");
		if (!get_str(obj, "action", rules[i].action, sizeof(rules[i].action)) ||
		    !get_str(obj, "proto", rules[i].proto, sizeof(rules[i].proto)) ||
		    !get_str(obj, "src", rules[i].src, sizeof(rules[i].src)) ||
		    !get_str(obj, "dst", rules[i].dst, sizeof(rules[i].dst)) ||
		    !json_is_integer(dport) || json_integer_value(dport) < 0 ||
		    json_integer_value(dport) > 65535) {
			ret = malformed("acl");
			goto out;
		}
		rules[i].dport = (int)json_integer_value(dport);
	}
	free(*v);
	*v = rules;
	*n = count;
	rules = NULL;
out:
	free(rules);
	json_decref(arr);
	return ret;
}

int nc_store_routes_from_json(const char *text, struct nc_route **v, size_t *n)
{
	struct nc_route *routes = NULL;
	json_t *arr = load_array(text);
	json_t *obj;
	size_t i, count = 0;
	int ret = 0;

	if (!arr) {
		ret = malformed("route");
		goto out;
	}
	count = json_array_size(arr);
	if (count)
		routes = nc_xcalloc(count, sizeof(*routes));
	json_array_foreach(arr, i, obj) {
		if (!get_str(obj, "dst", routes[i].dst, sizeof(routes[i].dst)) ||
		    !get_str(obj, "via", routes[i].via, sizeof(routes[i].via))) {
			ret = malformed("route");
			goto out;
		}
	}
	free(*v);
	*v = routes;
	*n = count;
	routes = NULL;
out:
	free(routes);
	json_decref(arr);
	return ret;
}

int nc_store_addr_alloc(struct nc_store *st, const char *tenant, const char *pool,
			const char *owner, uint32_t lo, uint32_t hi, uint32_t *index)
{
	int ret = enter(st, !blank(tenant) && !blank(pool) && !blank(owner) && index && lo <= hi);

	if (ret == 0)
		ret = leave(st, st->ops->addr_alloc(st, tenant, pool, owner, lo, hi, index));
	return ret;
}

int nc_store_addr_release(struct nc_store *st, const char *tenant, const char *pool,
			  const char *owner)
{
	int ret = enter(st, !blank(tenant) && !blank(pool));

	if (ret == 0)
		ret = leave(st, st->ops->addr_release(st, tenant, pool, owner));
	return ret;
}
