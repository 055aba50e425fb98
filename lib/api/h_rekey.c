/* SPDX-License-Identifier: MIT */
/* POST /v1/connectors/{serial}/rekey and /v1/edges/{serial}/rekey: an admin
 * accepts or rejects the public key a device announced while one was in use. */
#include <microhttpd.h>

#include "../core/devkey.h"
#include "../util/json.h"
#include "handlers.h"
#include "internal.h"

/* Decodes {"accept":true|false} (required, nothing else) into *accept. */
static int accept_of(struct api_req *r, bool *accept)
{
	static const char *const members[] = {"accept", NULL};
	json_t *body = NULL;
	int ret = api_body_only(r, members, &body);

	if (ret == 0)
		ret = nc_json_bool(body, "accept", accept, true, NULL, &r->ei);
	return ret < 0 ? ret : 0;
}

int h_device_rekey(struct api_req *r)
{
	enum nc_device_type type = (enum nc_device_type)r->arg;
	bool accept = false;
	int ret = accept_of(r, &accept);

	if (ret == 0)
		ret = nc_core_device_rekey(r->core, &r->actor, r->tenant, r->params[0], type,
					   accept, &r->ei);
	return ret < 0 ? ret : api_reply_device(r, MHD_HTTP_OK, type, r->tenant, r->params[0]);
}
