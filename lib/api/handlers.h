/* SPDX-License-Identifier: MIT */
#ifndef NC_API_HANDLERS_H
#define NC_API_HANDLERS_H

/*
 * Request handlers. Each returns 0 after api_reply(), or a negative
 * NC_ERR_* with r->ei saying what was wrong; the server turns that into
 * the error body and status. One for each row of routes.def.
 */

struct api_req;

#define ROUTE(method, pattern, fn, role)	  int fn(struct api_req *r);
#define ROUTE_ARG(method, pattern, fn, role, arg) int fn(struct api_req *r);
#include "routes.def"
#undef ROUTE
#undef ROUTE_ARG

#endif
