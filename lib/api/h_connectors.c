/* SPDX-License-Identifier: MIT */
/* /v1/connectors, with approve and decommission. */
#include <microhttpd.h>
#include <string.h>

#include "../core/inventory.h"
#include "../model/codec.h"
#include "../store/store.h"
#include "handlers.h"
#include "internal.h"

/*
 * A connector as the API shows it: its fields plus "sync": {state,
 * dirty_reason}, null while it gets no configuration (pending approval,
 * decommissioned: as GET /v1/sync leaves it out).
 */
static json_t *view(struct api_req *r, const struct nc_connector *c)
{
	json_t *o = nc_connector_to_json(c);
	struct nc_sync s = {0};
	bool configured =
		c->status != NC_STATUS_PENDING_APPROVAL && c->status != NC_STATUS_DECOMMISSIONED;

	if (configured && nc_store_sync_get(r->core->store, c->serial, c->tenant, &s) == 0)
		json_object_set_new(
			o, "sync",
			json_pack("{s:s,s:o}", "state", nc_sync_state_name(s.state), "dirty_reason",
				  s.dirty_reason[0] ? json_string(s.dirty_reason) : json_null()));
	else
		json_object_set_new(o, "sync", json_null());
	nc_sync_clear(&s);
	return o;
}

int h_connector_list(struct api_req *r)
{
	struct nc_connector_filter f = {.tenant = r->tenant, .status = -1};
	const char *status = api_query(r, "status"), *hub = api_query(r, "hub");
	struct nc_connector *v = NULL;
	struct nc_page pg;
	enum nc_status st;
	size_t n = 0;
	json_t *items;
	int ret = api_page(r, &pg);

	if (ret < 0)
		return ret;
	if (status) {
		if (nc_status_parse(status, &st) < 0)
			return nc_fail(&r->ei, NC_ERR_INVAL, "status",
				       "status must be one of pending_approval, approved, "
				       "provisioned, active, offline, decommissioned");
		f.status = (int)st;
	}
	f.region = api_query(r, "region");
	f.hub = hub && (strcmp(hub, "none") == 0 || strcmp(hub, "null") == 0) ? "" : hub;
	f.name_contains = api_query(r, "name");
	ret = nc_store_connector_list(r->core->store, &f, &pg, &v, &n);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list connectors");
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, view(r, &v[i]));
	nc_connector_array_free(v, n);
	return api_reply_list(r, items, pg.next_cursor);
}

int h_connector_get(struct api_req *r)
{
	struct nc_connector c = {0};
	int ret = nc_store_connector_get(r->core->store, r->tenant, r->params[0], &c);

	if (ret < 0)
		return nc_fail(&r->ei, ret, "serial", "connector `%s' not found", r->params[0]);
	ret = api_reply(r, MHD_HTTP_OK, view(r, &c));
	nc_connector_clear(&c);
	return ret;
}

int h_connector_create(struct api_req *r)
{
	struct nc_connector c = {0};
	char tenant[NC_ID_MAX];
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_connector_from_json(body, &c, NC_DECODE_CREATE, &r->ei);
	if (ret == 0)
		ret = api_create_tenant(r, body, tenant);
	if (ret == 0) {
		snprintf(c.tenant, sizeof(c.tenant), "%s", tenant);
		ret = nc_core_connector_create(r->core, &r->actor, r->tenant, &c, &r->ei);
	}
	if (ret == 0) {
		char serial[NC_SERIAL_MAX];

		snprintf(serial, sizeof(serial), "%s", c.serial);
		nc_connector_clear(&c);
		ret = nc_store_connector_get(r->core->store, tenant, serial, &c);
	}
	if (ret == 0)
		ret = api_reply(r, MHD_HTTP_CREATED, view(r, &c));
	nc_connector_clear(&c);
	return ret;
}

int h_connector_update(struct api_req *r)
{
	struct nc_connector c = {0};
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_core_connector_update(r->core, &r->actor, r->tenant, r->params[0], body,
					       &c, &r->ei);
	if (ret == 0)
		ret = api_reply(r, MHD_HTTP_OK, view(r, &c));
	nc_connector_clear(&c);
	return ret;
}

int h_connector_delete(struct api_req *r)
{
	int ret = nc_core_connector_delete(r->core, &r->actor, r->tenant, r->params[0], &r->ei);

	return ret < 0 ? ret : api_reply(r, MHD_HTTP_NO_CONTENT, NULL);
}

static int transition(struct api_req *r, enum nc_status to)
{
	struct nc_connector c = {0};
	int ret = nc_core_connector_transition(r->core, &r->actor, r->tenant, r->params[0], to, &c,
					       &r->ei);

	if (ret == 0)
		ret = api_reply(r, MHD_HTTP_OK, view(r, &c));
	nc_connector_clear(&c);
	return ret;
}

int h_connector_approve(struct api_req *r)
{
	return transition(r, NC_STATUS_APPROVED);
}

int h_connector_decommission(struct api_req *r)
{
	return transition(r, NC_STATUS_DECOMMISSIONED);
}
