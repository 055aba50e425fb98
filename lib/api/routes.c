/* SPDX-License-Identifier: MIT */
/* The route table of the REST API (DESIGN.md, "REST API (v1)"). */
#include "handlers.h"

#include "../model/model.h"
#include "internal.h"

#define ANY   -1
#define VIEW  NC_ROLE_VIEWER
#define OPER  NC_ROLE_OPERATOR
#define ADMIN NC_ROLE_ADMIN

const struct api_route api_routes[] = {
	{"GET", "/healthz", h_healthz, ANY},
	{"GET", "/metrics", h_metrics, ANY},
	{"GET", "/v1/stats", h_stats, VIEW},
	{"GET", "/v1/events", h_events, VIEW},

	{"GET", "/v1/tenants", h_tenant_list, ADMIN},
	{"POST", "/v1/tenants", h_tenant_create, ADMIN},
	{"GET", "/v1/tokens", h_token_list, ADMIN},
	{"POST", "/v1/tokens", h_token_create, ADMIN},
	{"DELETE", "/v1/tokens/{id}", h_token_revoke, ADMIN},
	{"GET", "/v1/enrollment-keys", h_enroll_list, ADMIN},
	{"POST", "/v1/enrollment-keys", h_enroll_create, ADMIN},
	{"DELETE", "/v1/enrollment-keys/{id}", h_enroll_revoke, ADMIN},

	{"GET", "/v1/edges", h_edge_list, VIEW},
	{"POST", "/v1/edges", h_edge_create, OPER},
	{"GET", "/v1/edges/{serial}", h_edge_get, VIEW},
	{"PATCH", "/v1/edges/{serial}", h_edge_update, OPER},
	{"DELETE", "/v1/edges/{serial}", h_edge_delete, OPER},
	{"POST", "/v1/edges/{serial}/credentials", h_edge_credentials, ADMIN},
	{"POST", "/v1/edges/{serial}/credentials/revoke", h_edge_credentials_revoke, ADMIN},

	{"GET", "/v1/connectors", h_connector_list, VIEW},
	{"POST", "/v1/connectors", h_connector_create, OPER},
	{"GET", "/v1/connectors/{serial}", h_connector_get, VIEW},
	{"PATCH", "/v1/connectors/{serial}", h_connector_update, OPER},
	{"DELETE", "/v1/connectors/{serial}", h_connector_delete, OPER},
	{"POST", "/v1/connectors/{serial}/approve", h_connector_approve, ADMIN},
	{"POST", "/v1/connectors/{serial}/decommission", h_connector_decommission, ADMIN},
	{"POST", "/v1/connectors/{serial}/rekey", h_connector_rekey, ADMIN},
	{"POST", "/v1/edges/{serial}/rekey", h_edge_rekey, ADMIN},
	{"POST", "/v1/connectors/{serial}/credentials", h_connector_credentials, ADMIN},
	{"POST", "/v1/connectors/{serial}/credentials/revoke", h_connector_credentials_revoke,
	 ADMIN},

	{"GET", "/v1/peerings", h_peering_list, VIEW},
	{"POST", "/v1/peerings", h_peering_create, OPER},
	{"GET", "/v1/peerings/{name}", h_peering_get, VIEW},
	{"PATCH", "/v1/peerings/{name}", h_peering_update, OPER},
	{"DELETE", "/v1/peerings/{name}", h_peering_delete, OPER},
	{"POST", "/v1/peerings/{name}/members", h_member_add, OPER},
	{"DELETE", "/v1/peerings/{name}/members/{serial}", h_member_remove, OPER},
	{"GET", "/v1/peerings/{name}/links", h_link_list, VIEW},
	{"POST", "/v1/peerings/{name}/links", h_link_add, OPER},
	{"DELETE", "/v1/peerings/{name}/links/{a}/{b}", h_link_remove, OPER},

	{"GET", "/v1/sync", h_sync_list, VIEW},
	{"POST", "/v1/sync", h_sync_now, OPER},
	{"GET", "/v1/devices/{serial}/sync", h_device_sync_get, VIEW},
	{"POST", "/v1/devices/{serial}/sync", h_device_sync_now, OPER},
	{"GET", "/v1/devices/{serial}/batch", h_device_batch, VIEW},
	{"GET", "/v1/devices/{serial}/diff", h_device_diff, VIEW},
	{"GET", "/v1/devices/{serial}/tunnels", h_device_tunnels, VIEW},
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);

bool api_route_slow(const struct api_route *route)
{
	/* A Sync Now waits for the sync engine to build and send every batch. */
	return route->fn == h_sync_now || route->fn == h_device_sync_now;
}
