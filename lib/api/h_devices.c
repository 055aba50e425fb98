/* SPDX-License-Identifier: MIT */
/*
 * What /v1/edges and /v1/connectors share: one handler per verb for both,
 * told the type of device by its route (r->arg). The lists, whose filters
 * differ, are in h_edges.c and h_connectors.c.
 */
#include <microhttpd.h>

#include "../core/inventory.h"
#include "../model/codec.h"
#include "../store/store.h"
#include "handlers.h"
#include "internal.h"

int api_reply_device(struct api_req *r, unsigned status, enum nc_device_type type,
		     const char *tenant, const char *serial)
{
	struct nc_edge e = {0};
	struct nc_connector c = {0};
	int ret;

	if (type == NC_DEVICE_EDGE)
		ret = nc_store_edge_get(r->core->store, tenant, serial, &e);
	else
		ret = nc_store_connector_get(r->core->store, tenant, serial, &c);
	if (ret < 0)
		nc_fail(&r->ei, ret, "serial", "%s `%s' not found", nc_device_type_name(type),
			serial);
	else if (type == NC_DEVICE_EDGE)
		ret = api_reply(r, status, nc_edge_to_json(&e));
	else
		ret = api_reply(r, status, api_connector_json(r, &c));
	nc_edge_clear(&e);
	nc_connector_clear(&c);
	return ret;
}

int h_device_get(struct api_req *r)
{
	return api_reply_device(r, MHD_HTTP_OK, (enum nc_device_type)r->arg, r->tenant,
				r->params[0]);
}

/* The body decodes into the device of the route's type (the other stays
 * zeroed); it goes to the tenant api_create_tenant() picks. */
int h_device_create(struct api_req *r)
{
	enum nc_device_type type = (enum nc_device_type)r->arg;
	bool edge = type == NC_DEVICE_EDGE;
	struct nc_edge e = {0};
	struct nc_connector c = {0};
	char *tenant = edge ? e.tenant : c.tenant, *serial = edge ? e.serial : c.serial;
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = edge ? nc_edge_from_json(body, &e, NC_DECODE_CREATE, &r->ei)
			   : nc_connector_from_json(body, &c, NC_DECODE_CREATE, &r->ei);
	if (ret == 0)
		ret = api_create_tenant(r, body, tenant);
	if (ret == 0)
		ret = edge ? nc_core_edge_create(r->core, &r->actor, r->tenant, &e, &r->ei)
			   : nc_core_connector_create(r->core, &r->actor, r->tenant, &c, &r->ei);
	if (ret == 0)
		ret = api_reply_device(r, MHD_HTTP_CREATED, type, tenant, serial);
	nc_edge_clear(&e);
	nc_connector_clear(&c);
	return ret;
}

int h_device_update(struct api_req *r)
{
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0 && r->arg == NC_DEVICE_EDGE)
		ret = nc_core_edge_update(r->core, &r->actor, r->tenant, r->params[0], body, NULL,
					  &r->ei);
	else if (ret == 0)
		ret = nc_core_connector_update(r->core, &r->actor, r->tenant, r->params[0], body,
					       NULL, &r->ei);
	return ret < 0 ? ret : h_device_get(r);
}

int h_device_delete(struct api_req *r)
{
	int ret;

	if (r->arg == NC_DEVICE_EDGE)
		ret = nc_core_edge_delete(r->core, &r->actor, r->tenant, r->params[0], &r->ei);
	else
		ret = nc_core_connector_delete(r->core, &r->actor, r->tenant, r->params[0], &r->ei);
	return ret < 0 ? ret : api_reply(r, MHD_HTTP_NO_CONTENT, NULL);
}
