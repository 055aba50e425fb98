/* SPDX-License-Identifier: MIT */
/*
 * Writes of many connectors in one request and one transaction:
 * POST /v1/connectors:bulk-create {"items":[connector, ...]} and
 * POST /v1/connectors:bulk-approve {"serials":["CN-1", ...]}. Each item is
 * decoded and checked as its single request would be; the first refused
 * one refuses the request, named by its place ("items[37].lan_subnets[0]").
 */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "../core/inventory.h"
#include "../model/codec.h"
#include "../util/xmalloc.h"
#include "handlers.h"
#include "internal.h"

/* Items of one request at most: a transaction holds the store this long. */
#define BULK_MAX 10000

/* The array body[member] of 1 to BULK_MAX elements into *arr (borrowed),
 * its only member. */
static int items_of(struct api_req *r, const char *member, json_t **arr)
{
	const char *const allowed[] = {member, NULL};
	json_t *body;
	int ret = api_body_only(r, allowed, &body);

	if (ret < 0)
		return ret;
	*arr = json_object_get(body, member);
	if (!json_is_array(*arr))
		return nc_fail(&r->ei, NC_ERR_INVAL, member, "%s: give an array of 1 to %d items",
			       member, BULK_MAX);
	if (json_array_size(*arr) == 0 || json_array_size(*arr) > BULK_MAX)
		return nc_fail(&r->ei, NC_ERR_INVAL, member,
			       "%s: %zu items; a request takes 1 to %d (split it)", member,
			       json_array_size(*arr), BULK_MAX);
	return 0;
}

/* ret for item i of member: ei placed inside "member[i]". */
static int item_error(struct api_req *r, const char *member, size_t i, int ret)
{
	char where[48];

	snprintf(where, sizeof(where), "%s[%zu]", member, i);
	r->ei.code = ret;
	nc_fail_within(&r->ei, where);
	return ret;
}

/* Replies status with {"count": n, "items": v[0..n) as the API shows them}. */
static int reply_many(struct api_req *r, unsigned status, const struct nc_connector *v, size_t n)
{
	json_t *items = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, api_connector_json(r, &v[i]));
	return api_reply(r, status, json_pack("{s:I,s:o}", "count", (json_int_t)n, "items", items));
}

/* Decodes item (borrowed) into ((struct nc_connector *)v)[i] and picks its
 * tenant, as a single create does. */
static int decode_connector(struct api_req *r, const json_t *item, size_t i, void *v)
{
	struct nc_connector *c = (struct nc_connector *)v + i;
	int ret;

	if (!json_is_object(item))
		ret = nc_fail(&r->ei, NC_ERR_INVAL, NULL, "a connector is a JSON object");
	else
		ret = nc_connector_from_json(item, c, NC_DECODE_CREATE, &r->ei);
	if (ret == 0)
		ret = api_create_tenant(r, item, c->tenant);
	return ret;
}

/* The serial item into ((const char **)v)[i], borrowed from the body. */
static int decode_serial(struct api_req *r, const json_t *item, size_t i, void *v)
{
	const char *s = json_string_value(item);

	((const char **)v)[i] = s;
	if (!s || !s[0] || strlen(s) >= NC_SERIAL_MAX)
		return nc_fail(&r->ei, NC_ERR_INVAL, NULL,
			       "a serial is a string of 1 to %d characters", NC_SERIAL_MAX - 1);
	return 0;
}

/*
 * The items of body[member] (items_of) decoded by decode into *v, *n of
 * them of size bytes each (owned by the caller, also after a failure: a
 * refused item is named in r->ei).
 */
static int decode_all(struct api_req *r, const char *member, size_t size,
		      int (*decode)(struct api_req *r, const json_t *item, size_t i, void *v),
		      void **v, size_t *n)
{
	json_t *arr;
	int ret = items_of(r, member, &arr);

	*v = NULL;
	*n = 0;
	if (ret < 0)
		goto out;
	*n = json_array_size(arr);
	*v = nc_xcalloc(*n, size);
	for (size_t i = 0; ret == 0 && i < *n; i++) {
		ret = decode(r, json_array_get(arr, i), i, *v);
		if (ret < 0)
			item_error(r, member, i, ret);
	}
out:
	return ret;
}

int h_connector_bulk_create(struct api_req *r)
{
	size_t n, failed = 0;
	void *buf;
	int ret = decode_all(r, "items", sizeof(struct nc_connector), decode_connector, &buf, &n);
	struct nc_connector *v = buf;

	if (ret == 0) {
		ret = nc_core_connector_create_many(r->core, &r->actor, r->tenant, v, n, &failed,
						    &r->ei);
		if (ret < 0 && failed < n)
			item_error(r, "items", failed, ret);
	}
	if (ret == 0)
		ret = reply_many(r, MHD_HTTP_CREATED, v, n);
	nc_connector_array_free(v, n);
	return ret;
}

int h_connector_bulk_approve(struct api_req *r)
{
	struct nc_connector *v = NULL;
	size_t n, failed = 0;
	void *buf;
	int ret = decode_all(r, "serials", sizeof(const char *), decode_serial, &buf, &n);
	const char **serials = buf;

	if (ret == 0) {
		v = nc_xcalloc(n, sizeof(*v));
		ret = nc_core_connector_transition_many(r->core, &r->actor, r->tenant, serials, n,
							NC_STATUS_APPROVED, v, &failed, &r->ei);
		if (ret < 0 && failed < n)
			item_error(r, "serials", failed, ret);
	}
	if (ret == 0)
		ret = reply_many(r, MHD_HTTP_OK, v, n);
	nc_connector_array_free(v, n);
	free(serials);
	return ret;
}
