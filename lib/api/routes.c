/* SPDX-License-Identifier: MIT */
/* The route table of the REST API (DESIGN.md, "REST API (v1)"). */
#include "handlers.h"

#include "../model/model.h"
#include "internal.h"

#define ANY -1
#define VIEW NC_ROLE_VIEWER
#define OPER NC_ROLE_OPERATOR
#define ADMIN NC_ROLE_ADMIN

const struct api_route api_routes[] = {
	{ "GET", "/healthz", h_healthz, ANY },
	{ "GET", "/metrics", h_metrics, ANY },
	{ "GET", "/v1/stats", h_stats, VIEW },
	{ "GET", "/v1/events", h_events, VIEW },

	{ "GET", "/v1/tenants", h_tenant_list, ADMIN },
	{ "POST", "/v1/tenants", h_tenant_create, ADMIN },
	{ "GET", "/v1/tokens", h_token_list, ADMIN },
	{ "POST", "/v1/tokens", h_token_create, ADMIN },
	{ "DELETE", "/v1/tokens/{id}", h_token_revoke, ADMIN },
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
