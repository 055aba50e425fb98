/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_TUNNELS_H
#define NC_CORE_TUNNELS_H

/*
 * What the ends of tunnels reported (store.h: struct nc_tunnel_state), read
 * for views and combined into link and backbone states. The sync engine
 * writes the reports (lib/sync/tunnel.c); these functions only read.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

struct nc_core;
struct nc_errinfo;
struct nc_tunnel_state;

/* Whether interface names a backbone tunnel (wg0 to the hub, wg1 the App VPN). */
bool nc_core_tunnel_is_backbone(const char *interface);

/* A device's backbone state from its rows v[0..n): down when one backbone
 * tunnel says down, up when one says up and none down, else unknown. */
enum nc_link_status nc_core_tunnel_backbone(const struct nc_tunnel_state *v, size_t n);

/* The row of v[0..n) (one device's, serial) that is its end of link l of a
 * peering of protocol p; NULL when it never reported it. Borrowed from v. */
const struct nc_tunnel_state *nc_core_tunnel_end(const struct nc_tunnel_state *v, size_t n,
						 const char *serial, const struct nc_link *l,
						 enum nc_protocol p);

/* A link's status from its ends' rows x and y (each may be NULL): of those
 * reported within recent_s seconds before now, down when one says down, up
 * when one says up, else unknown. */
enum nc_link_status nc_core_tunnel_combine(const struct nc_tunnel_state *x,
					   const struct nc_tunnel_state *y, int64_t now,
					   int64_t recent_s);

/*
 * Adds to link object o (borrowed) of group p what its ends reported:
 * IPSec "sa" ("established" when the link is up, "down" when down; absent
 * while unknown); WireGuard "latest_handshake" (Unix s, the later of both
 * ends), "rx_bytes" and "tx_bytes" (as end a counts them, else end b's
 * swapped), each only when reported. 0 or a negative NC_ERR_*.
 */
int nc_core_link_tunnel_json(struct nc_core *c, const struct nc_peering *p, const struct nc_link *l,
			     json_t *o);

/*
 * GET /v1/devices/{serial}/tunnels: {"serial","backbone","tunnels":[...]}
 * (docs/api.md), the device looked up in tenant (NULL: any). New reference
 * in *out. NC_ERR_NOTFOUND for an unknown device, named in *ei.
 */
int nc_core_device_tunnels(struct nc_core *c, const char *tenant, const char *serial, json_t **out,
			   struct nc_errinfo *ei);

#endif
