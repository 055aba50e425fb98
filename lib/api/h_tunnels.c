/* SPDX-License-Identifier: MIT */
/* /v1/devices/{serial}/tunnels: what a device's tunnels last reported. */
#include <microhttpd.h>

#include "../core/tunnels.h"
#include "handlers.h"
#include "internal.h"

int h_device_tunnels(struct api_req *r)
{
	json_t *o = NULL;
	int ret = nc_core_device_tunnels(r->core, r->tenant, r->params[0], &o, &r->ei);

	return ret < 0 ? ret : api_reply(r, MHD_HTTP_OK, o);
}
