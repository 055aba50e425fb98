/* SPDX-License-Identifier: MIT */
/* The route table of the REST API: its rows are in routes.def. */
#include "handlers.h"

#include "../model/model.h"
#include "internal.h"

#define ANY   -1
#define VIEW  NC_ROLE_VIEWER
#define OPER  NC_ROLE_OPERATOR
#define ADMIN NC_ROLE_ADMIN

const struct api_route api_routes[] = {
#define ROUTE(method, pattern, fn, role)	  {method, pattern, fn, role, 0},
#define ROUTE_ARG(method, pattern, fn, role, arg) {method, pattern, fn, role, arg},
#include "routes.def"
#undef ROUTE
#undef ROUTE_ARG
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);

bool api_route_slow(const struct api_route *route)
{
	/* A Sync Now waits for the sync engine to build and send every batch. */
	return route->fn == h_sync_now || route->fn == h_device_sync_now;
}
