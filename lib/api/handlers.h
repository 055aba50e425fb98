/* SPDX-License-Identifier: MIT */
#ifndef NC_API_HANDLERS_H
#define NC_API_HANDLERS_H

/*
 * Request handlers. Each returns 0 after api_reply(), or a negative
 * NC_ERR_* with r->ei saying what was wrong; the server turns that into
 * the error body and status.
 */

struct api_req;

int h_healthz(struct api_req *r); /* h_system.c */
int h_metrics(struct api_req *r);
int h_stats(struct api_req *r);
int h_events(struct api_req *r); /* h_events.c */

int h_tenant_list(struct api_req *r); /* h_auth.c */
int h_tenant_create(struct api_req *r);
int h_token_list(struct api_req *r);
int h_token_create(struct api_req *r);
int h_token_revoke(struct api_req *r);
int h_enroll_list(struct api_req *r);
int h_enroll_create(struct api_req *r);
int h_enroll_revoke(struct api_req *r);

int h_edge_list(struct api_req *r); /* h_edges.c */
int h_edge_create(struct api_req *r);
int h_edge_get(struct api_req *r);
int h_edge_update(struct api_req *r);
int h_edge_delete(struct api_req *r);

int h_connector_list(struct api_req *r); /* h_connectors.c */
int h_connector_create(struct api_req *r);
int h_connector_get(struct api_req *r);
int h_connector_update(struct api_req *r);
int h_connector_delete(struct api_req *r);
int h_connector_approve(struct api_req *r);
int h_connector_decommission(struct api_req *r);
int h_connector_rekey(struct api_req *r); /* h_rekey.c */
int h_edge_rekey(struct api_req *r);
int h_connector_credentials(struct api_req *r);
int h_connector_credentials_revoke(struct api_req *r);
int h_edge_credentials(struct api_req *r);
int h_edge_credentials_revoke(struct api_req *r);

int h_peering_list(struct api_req *r); /* h_peerings.c */
int h_peering_create(struct api_req *r);
int h_peering_get(struct api_req *r);
int h_peering_update(struct api_req *r);
int h_peering_delete(struct api_req *r);
int h_member_add(struct api_req *r);
int h_member_remove(struct api_req *r);
int h_link_list(struct api_req *r);
int h_link_add(struct api_req *r);
int h_link_remove(struct api_req *r);

int h_sync_list(struct api_req *r); /* h_sync.c */
int h_device_sync_get(struct api_req *r);
int h_sync_now(struct api_req *r);
int h_device_sync_now(struct api_req *r);
int h_device_batch(struct api_req *r);
int h_device_diff(struct api_req *r);
int h_device_tunnels(struct api_req *r);

#endif
