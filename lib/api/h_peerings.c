/* SPDX-License-Identifier: MIT */
/* /v1/peerings, their members and links. */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "../core/peering.h"
#include "../model/codec.h"
#include "../store/store.h"
#include "../sync/engine.h"
#include "../util/json.h"
#include "handlers.h"
#include "internal.h"

int h_peering_list(struct api_req *r)
{
	struct nc_peering *v = NULL;
	size_t n = 0;
	json_t *items;
	int ret = nc_store_peering_list(r->core->store, r->tenant, &v, &n);

	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list peerings");
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, nc_peering_to_json(&v[i]));
	free(v);
	return api_reply_list(r, items, NULL);
}

int h_peering_get(struct api_req *r)
{
	json_t *o = NULL;
	int ret = nc_core_peering_show(r->core, r->tenant, r->params[0], &o, &r->ei);

	return ret < 0 ? ret : api_reply(r, MHD_HTTP_OK, o);
}

/* Replies with the group as `show` presents it. */
static int reply_show(struct api_req *r, unsigned status, const char *tenant, const char *name)
{
	json_t *o = NULL;
	int ret = nc_core_peering_show(r->core, tenant, name, &o, &r->ei);

	return ret < 0 ? ret : api_reply(r, status, o);
}

int h_peering_create(struct api_req *r)
{
	struct nc_peering p = {0};
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_peering_from_json(body, &p, NC_DECODE_CREATE, &r->ei);
	if (ret == 0)
		ret = api_create_tenant(r, body, p.tenant);
	if (ret == 0)
		ret = nc_core_peering_create(r->core, &r->actor, r->tenant, &p, &r->ei);
	return ret < 0 ? ret : reply_show(r, MHD_HTTP_CREATED, p.tenant, p.name);
}

int h_peering_update(struct api_req *r)
{
	struct nc_peering p = {0};
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_core_peering_update(r->core, &r->actor, r->tenant, r->params[0], body, &p,
					     &r->ei);
	return ret < 0 ? ret : reply_show(r, MHD_HTTP_OK, p.tenant, p.name);
}

int h_peering_delete(struct api_req *r)
{
	int ret = nc_core_peering_delete(r->core, &r->actor, r->tenant, r->params[0], &r->ei);

	return ret < 0 ? ret : api_reply(r, MHD_HTTP_NO_CONTENT, NULL);
}

/*
 * The query member name as a boolean: true or 1, false or 0; absent, dflt.
 * Checked before anything is written: NC_ERR_INVAL for another value.
 */
static int bool_param(struct api_req *r, const char *name, bool dflt, bool *out)
{
	const char *v = api_query(r, name);

	*out = dflt;
	if (!v)
		return 0;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return nc_fail(&r->ei, NC_ERR_INVAL, name, "%s must be true or false, not `%.32s'",
			       name, v);
	return 0;
}

/* The new member and its links; with ?full=1 the whole group, as GET shows it. */
int h_member_add(struct api_req *r)
{
	static const char *const allowed[] = {"serial", NULL};
	char serial[NC_SERIAL_MAX];
	json_t *body, *o = NULL;
	bool full = false;
	int ret = bool_param(r, "full", false, &full);

	if (ret == 0)
		ret = api_body_only(r, allowed, &body);
	if (ret == 0)
		ret = nc_json_str(body, "serial", serial, sizeof(serial), true, NULL, &r->ei);
	if (ret >= 0)
		ret = nc_core_member_add(r->core, &r->actor, r->tenant, r->params[0], serial,
					 &r->ei);
	if (ret < 0)
		return ret;
	if (full)
		return reply_show(r, MHD_HTTP_CREATED, r->tenant, r->params[0]);
	ret = nc_core_member_show(r->core, r->tenant, r->params[0], serial, &o, &r->ei);
	return ret < 0 ? ret : api_reply(r, MHD_HTTP_CREATED, o);
}

int h_member_remove(struct api_req *r)
{
	int ret = nc_core_member_remove(r->core, &r->actor, r->tenant, r->params[0], r->params[1],
					&r->ei);

	return ret < 0 ? ret : api_reply(r, MHD_HTTP_NO_CONTENT, NULL);
}

int h_link_list(struct api_req *r)
{
	json_t *o = NULL, *links;
	int ret = nc_core_peering_show(r->core, r->tenant, r->params[0], &o, &r->ei);

	if (ret < 0)
		return ret;
	links = json_incref(json_object_get(o, "links"));
	json_decref(o);
	return api_reply_list(r, links, NULL);
}

/*
 * Sets "pushed" on reply (borrowed) to the items of a Sync Now of a and b
 * in tenant (as POST /v1/sync gives them), empty when not push, and
 * "deferred" to !push. The change is committed already: a push that cannot
 * be made is reported in the items, never as a failure of the request. A
 * dry run sends nothing (its write is open, and rolled back): both ends
 * are "would_send".
 */
static void push_ends(struct api_req *r, json_t *reply, bool push, const char *tenant,
		      const char *a, const char *b)
{
	const char *serials[3] = {a, b, NULL};
	struct nc_sync_selection sel = {.tenant = tenant, .serials = serials, .state = -1};
	struct nc_errinfo ei = {0};
	json_t *res = NULL, *items = NULL;

	if (push && !r->dry_run && nc_sync_now(api_sync(r), &sel, &res, &ei) == 0)
		items = json_incref(json_object_get(res, "items"));
	if (!items) {
		items = json_array();
		for (size_t i = 0; push && i < 2; i++) {
			json_t *it =
				json_pack("{s:s,s:s,s:s}", "serial", serials[i], "tenant", tenant,
					  "state", r->dry_run ? "would_send" : "skipped");

			if (!r->dry_run)
				json_object_set_new(it, "error",
						    json_string(ei.msg[0] ? ei.msg : "not sent"));
			json_array_append_new(items, it);
		}
	}
	json_decref(res);
	json_object_set_new(reply, "pushed", items);
	json_object_set_new(reply, "deferred", json_boolean(!push));
}

int h_link_add(struct api_req *r)
{
	static const char *const allowed[] = {"a", "b", NULL};
	char a[NC_SERIAL_MAX], b[NC_SERIAL_MAX];
	json_t *body, *o = NULL, *links, *l, *out, *idx;
	char tenant[NC_ID_MAX];
	bool push = true;
	size_t i;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = bool_param(r, "sync", true, &push);
	if (ret == 0)
		ret = nc_json_only(body, allowed, NULL, &r->ei);
	if (ret == 0)
		ret = nc_json_str(body, "a", a, sizeof(a), true, NULL, &r->ei);
	if (ret >= 0)
		ret = nc_json_str(body, "b", b, sizeof(b), true, NULL, &r->ei);
	if (ret >= 0)
		ret = nc_core_link_add(r->core, &r->actor, r->tenant, r->params[0], a, b, &r->ei);
	if (ret >= 0)
		ret = nc_core_peering_show(r->core, r->tenant, r->params[0], &o, &r->ei);
	if (ret < 0)
		return ret;
	/* The reply is the link's primary tunnel, as DESIGN.md shapes a link,
	 * with the indexes of all its tunnels (two with dual tunnel). */
	links = json_object_get(o, "links");
	snprintf(tenant, sizeof(tenant), "%s",
		 json_is_string(json_object_get(o, "tenant"))
			 ? json_string_value(json_object_get(o, "tenant"))
			 : "");
	out = NULL;
	idx = json_array();
	json_array_foreach(links, i, l) {
		const char *la = json_string_value(json_object_get(l, "a"));
		const char *lb = json_string_value(json_object_get(l, "b"));

		if ((strcmp(la, a) != 0 || strcmp(lb, b) != 0) &&
		    (strcmp(la, b) != 0 || strcmp(lb, a) != 0))
			continue;
		json_array_append(idx, json_object_get(l, "tunnel_index"));
		if (!out)
			out = json_deep_copy(l);
	}
	json_decref(o);
	if (!out) {
		json_decref(idx);
		return nc_fail(&r->ei, NC_ERR_INTERNAL, NULL, "the new link is not in the group");
	}
	json_object_set_new(out, "tunnel_indexes", idx);
	push_ends(r, out, push, tenant, a, b);
	return api_reply(r, MHD_HTTP_CREATED, out);
}

int h_link_remove(struct api_req *r)
{
	struct nc_peering p = {0};
	bool push = true;
	json_t *out;
	int ret = bool_param(r, "sync", true, &push);

	if (ret == 0)
		ret = nc_store_peering_get(r->core->store, r->tenant, r->params[0], &p);
	/* Not found or ambiguous: the remove below says so in its words. */
	if (ret == NC_ERR_NOTFOUND || ret == NC_ERR_CONFLICT)
		ret = 0;
	else if (ret < 0 && !r->ei.msg[0])
		nc_fail(&r->ei, ret, NULL, "cannot read peering `%s': %s", r->params[0],
			nc_strerror(ret));
	if (ret == 0)
		ret = nc_core_link_remove(r->core, &r->actor, r->tenant, r->params[0], r->params[1],
					  r->params[2], &r->ei);
	if (ret < 0)
		return ret;
	out = json_pack("{s:s,s:s,s:s}", "peering", r->params[0], "a", r->params[1], "b",
			r->params[2]);
	push_ends(r, out, push, p.tenant, r->params[1], r->params[2]);
	return api_reply(r, MHD_HTTP_OK, out);
}
