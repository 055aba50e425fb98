/* SPDX-License-Identifier: MIT */
/* What handlers share to read a request and set its reply (internal.h). */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "../store/store.h"
#include "../util/json.h"
#include "internal.h"

int api_reply(struct api_req *r, unsigned status, json_t *body)
{
	json_decref(r->resp);
	r->status = status;
	r->resp = body;
	return 0;
}

int api_reply_list(struct api_req *r, json_t *items, const char *next_cursor)
{
	return api_reply(
		r, MHD_HTTP_OK,
		json_pack("{s:o,s:o}", "items", items, "next_cursor",
			  next_cursor && *next_cursor ? json_string(next_cursor) : json_null()));
}

const char *api_query(struct api_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int api_page(struct api_req *r, struct nc_page *pg)
{
	const char *limit = api_query(r, "limit"), *cursor = api_query(r, "cursor");
	char *end;
	long v;

	memset(pg, 0, sizeof(*pg));
	if (limit) {
		v = strtol(limit, &end, 10);
		if (*limit == '\0' || *end != '\0' || v < 1 || v > NC_PAGE_MAX)
			return nc_fail(&r->ei, NC_ERR_INVAL, "limit",
				       "limit `%s' is not a number from 1 to %d", limit,
				       NC_PAGE_MAX);
		pg->limit = (size_t)v;
	}
	if (cursor) {
		if (strlen(cursor) >= sizeof(pg->cursor))
			return nc_fail(&r->ei, NC_ERR_INVAL, "cursor", "cursor is too long");
		snprintf(pg->cursor, sizeof(pg->cursor), "%s", cursor);
	}
	return 0;
}

int api_body(struct api_req *r, json_t **out)
{
	if (!r->body)
		return nc_fail(&r->ei, NC_ERR_PARSE, NULL, "a JSON object body is required");
	if (!json_is_object(r->body))
		return nc_fail(&r->ei, NC_ERR_PARSE, NULL, "the body must be a JSON object");
	*out = r->body;
	return 0;
}

int api_body_only(struct api_req *r, const char *const *allowed, json_t **out)
{
	int ret = api_body(r, out);

	if (ret == 0)
		ret = nc_json_only(*out, allowed, NULL, &r->ei);
	return ret;
}

int api_create_tenant(struct api_req *r, const json_t *body, char *buf)
{
	const char *t = json_string_value(json_object_get(body, "tenant"));

	if (r->tenant) {
		if (t && strcmp(t, r->tenant) != 0)
			return nc_fail(&r->ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
				       t);
		snprintf(buf, NC_ID_MAX, "%s", r->tenant);
		return 0;
	}
	if (!t)
		return nc_fail(&r->ei, NC_ERR_INVAL, "tenant",
			       "tenant is required: an admin token acts in no tenant of its own "
			       "(pass ?tenant= or a \"tenant\" field)");
	if (strlen(t) >= NC_ID_MAX)
		return nc_fail(&r->ei, NC_ERR_INVAL, "tenant", "tenant is too long");
	snprintf(buf, NC_ID_MAX, "%s", t);
	return 0;
}

int api_enum(struct api_req *r, const char *field, const char *s, int (*index)(const char *s),
	     int *out, const char *must)
{
	int v = s ? index(s) : 0;

	if (v < 0)
		return nc_fail(&r->ei, NC_ERR_INVAL, field, "%s", must);
	if (s)
		*out = v;
	return 0;
}
