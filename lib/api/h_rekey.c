/* SPDX-License-Identifier: MIT */
/* POST /v1/connectors/{serial}/rekey and /v1/edges/{serial}/rekey: an admin
 * accepts or rejects the public key a device announced while one was in use. */
#include <microhttpd.h>

#include "../core/devkey.h"
#include "../model/codec.h"
#include "../store/store.h"
#include "../util/json.h"
#include "handlers.h"
#include "internal.h"

/* Decodes {"accept":true|false} (required, nothing else) into *accept. */
static int accept_of(struct api_req *r, bool *accept)
{
	static const char *const members[] = {"accept", NULL};
	json_t *body = NULL;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_json_only(body, members, NULL, &r->ei);
	if (ret == 0)
		ret = nc_json_bool(body, "accept", accept, true, NULL, &r->ei);
	return ret < 0 ? ret : 0;
}

int h_connector_rekey(struct api_req *r)
{
	struct nc_connector c = {0};
	bool accept = false;
	int ret = accept_of(r, &accept);

	if (ret == 0)
		ret = nc_core_device_rekey(r->core, &r->actor, r->tenant, r->params[0],
					   NC_DEVICE_CONNECTOR, accept, &r->ei);
	if (ret == 0)
		ret = nc_store_connector_get(r->core->store, r->tenant, r->params[0], &c);
	if (ret == 0)
		ret = api_reply(r, MHD_HTTP_OK, nc_connector_to_json(&c));
	nc_connector_clear(&c);
	return ret;
}

int h_edge_rekey(struct api_req *r)
{
	struct nc_edge e = {0};
	bool accept = false;
	int ret = accept_of(r, &accept);

	if (ret == 0)
		ret = nc_core_device_rekey(r->core, &r->actor, r->tenant, r->params[0],
					   NC_DEVICE_EDGE, accept, &r->ei);
	if (ret == 0)
		ret = nc_store_edge_get(r->core->store, r->tenant, r->params[0], &e);
	if (ret == 0)
		ret = api_reply(r, MHD_HTTP_OK, nc_edge_to_json(&e));
	nc_edge_clear(&e);
	return ret;
}
