/* SPDX-License-Identifier: MIT */
#ifndef NC_SYNC_SNAPSHOT_H
#define NC_SYNC_SNAPSHOT_H

/*
 * An immutable snapshot of one tenant's intent: what the renderer
 * (nc_sync_render, build.h) needs to make any batch of that tenant,
 * without the store. Loaded in one read transaction (nc_snap_load) or
 * filled in memory (tests): the arrays are plain and owned by the
 * snapshot, nc_snap_clear releases them.
 *
 * It holds the tenant's edges and connectors, and every MTGE of another
 * tenant (one may be the hub of the tenant's connectors, and an MTGE has a
 * batch per tenant it serves); the tenant's peering groups, members and
 * links, and its allocated tunnel addresses. The IPSec SA keys of the
 * links are held opened (the renderer puts them in the ipsec command):
 * nc_snap_clear wipes them before it frees them.
 */

#include <stdbool.h>
#include <stddef.h>

#include "../model/model.h"
#include "../store/store_snapshot.h"

struct nc_store;
struct nc_connector_filter;

struct nc_snap {
	char tenant[NC_ID_MAX];
	bool tenant_found;     /* false: no such tenant (the arrays are empty) */
	struct nc_edge *edges; /* by serial; the tenant's and other tenants' MTGEs */
	size_t n_edges;
	struct nc_connector *connectors; /* the tenant's, by serial */
	size_t n_connectors;
	struct nc_peering *peerings; /* the tenant's, by name */
	size_t n_peerings;
	struct nc_member *members; /* by (peering, serial) */
	size_t n_members;
	struct nc_link *links; /* by (peering, a, b, tunnel_index) */
	size_t n_links;
	struct nc_addr_row *addrs; /* by (pool, owner) when addrs_sorted */
	size_t n_addrs;
	bool addrs_sorted; /* set by the loads; a snapshot filled by hand may leave it */
};

/*
 * The snapshot of tenant into *out (zeroed first), read in one
 * transaction of the store (nested in the caller's, if any). A tenant that
 * does not exist gives tenant_found false and 0. Errors: NC_ERR_INVAL,
 * NC_ERR_NOMEM, store errors; *out is then empty.
 */
int nc_snap_load(struct nc_store *st, const char *tenant, struct nc_snap *out);

/*
 * What nc_snap_load and nc_snap_load_device share: *out zeroed for tenant,
 * one read transaction, the tenant looked up (absent: 0, fill not called),
 * and fill(st, out, arg) inside it. Errors as nc_snap_load, and fill's.
 */
int nc_snap_load_with(struct nc_store *st, const char *tenant, struct nc_snap *out,
		      int (*fill)(struct nc_store *st, struct nc_snap *s, void *arg), void *arg);

/*
 * As nc_snap_load, but only the part of the tenant's snapshot that the
 * batch of device serial reads (the device, its hub or the connectors
 * hubbed on it, its groups with their members, links and the devices at
 * their ends, and the addresses of those): rendering serial from it gives
 * the same batch as from the whole snapshot. A device that is neither of
 * the tenant nor an MTGE is left out (the snapshot then lacks it).
 */
int nc_snap_load_device(struct nc_store *st, const char *tenant, const char *serial,
			struct nc_snap *out);

/* Moves c to the end of s->connectors, leaving c zeroed. Returns 0. */
int nc_snap_take_connector(struct nc_snap *s, struct nc_connector *c);

/* Frees what s holds, wiping the SA keys, and leaves it zeroed. */
void nc_snap_clear(struct nc_snap *s);

/* Lookups; the results are borrowed from s. NULL when absent. */
const struct nc_edge *nc_snap_edge(const struct nc_snap *s, const char *serial);
const struct nc_connector *nc_snap_connector(const struct nc_snap *s, const char *serial);
const struct nc_peering *nc_snap_peering(const struct nc_snap *s, const char *name);

/*
 * Allocated addresses ("a.b.c.d/32" into addr): a hub's wg0 address; a
 * connector's in its hub's block; a member's in a group for tunnel_index 0
 * or 1. NC_ERR_NOTFOUND when the snapshot has no such allocation.
 */
int nc_snap_addr_hub(const struct nc_snap *s, const char *hub, char addr[NC_CIDR_MAX]);
int nc_snap_addr_backbone(const struct nc_snap *s, const char *hub, const char *serial,
			  char addr[NC_CIDR_MAX]);
int nc_snap_addr_peering(const struct nc_snap *s, const char *group, const char *serial,
			 int tunnel_index, char addr[NC_CIDR_MAX]);

#endif
