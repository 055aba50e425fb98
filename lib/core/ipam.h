/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_IPAM_H
#define NC_CORE_IPAM_H

/*
 * Tunnel addressing, per tenant, inside 100.64.0.0/10 (docs/ipam.md):
 *
 *   backbone (wg0)  100.64.0.0/11 in /18 blocks (128), one block per hub edge.
 *                   The hub is .1 of its block (host index 1); connectors
 *                   hubbed on it get host indexes 2 .. 16382, lowest free.
 *   peering (wg2)   100.96.0.0/11 in /22 blocks (2048), one block per peering
 *                   group. A member gets member index 1 .. 510, lowest free:
 *                   wg2 = block + index, wg3 (secondary) = block + 512 + index.
 *
 * Allocations are rows in the store (pools named "hub", "bb:<hub>",
 * "peering", "pm:<group>"), so they are stable across restarts, never
 * collide within a tenant, and are released when their owner goes. Every
 * function runs inside the caller's transaction. The writes that make an
 * address needed allocate it (a connector getting a hub, a device joining
 * a group), so batches are rendered without allocating (lib/sync/build.h);
 * nc_sync_addr_fill allocates at start what an older store lacks.
 * Addresses are written as "a.b.c.d/32" (hosts) into NC_CIDR_MAX buffers.
 */

#include <stdint.h>

#include "../model/model.h"

struct nc_store;
struct nc_errinfo;

/* The hub's own wg0 address, allocating its block on first use. */
int nc_ipam_hub(struct nc_store *st, const char *tenant, const char *hub, char addr[NC_CIDR_MAX],
		struct nc_errinfo *ei);
/* A connector's wg0 address in its hub's block, allocating on first use. */
int nc_ipam_backbone(struct nc_store *st, const char *tenant, const char *hub, const char *serial,
		     char addr[NC_CIDR_MAX], struct nc_errinfo *ei);

/* A member's address in a group for tunnel_index 0 (wg2) or 1 (wg3). */
int nc_ipam_peering(struct nc_store *st, const char *tenant, const char *group, const char *serial,
		    int tunnel_index, char addr[NC_CIDR_MAX], struct nc_errinfo *ei);

/* The two spaces: backbone blocks are a hub's, peering blocks a group's. */
enum nc_ipam_space { NC_IPAM_BACKBONE, NC_IPAM_PEERING };
/*
 * Releases the address of serial (a connector of hub owner, a member of
 * group owner; no-op when it has none), or with serial NULL owner's block
 * and every address in it.
 */
int nc_ipam_release(struct nc_store *st, const char *tenant, enum nc_ipam_space space,
		    const char *owner, const char *serial);

/*
 * The address text of an allocation already made, without the store (for a
 * renderer working from a snapshot): a hub in block `block' of pool "hub";
 * a connector at index idx of pool "bb:<hub>"; a member at index idx of
 * pool "pm:<group>" in the group's block `block' of pool "peering".
 */
void nc_ipam_hub_text(uint32_t block, char addr[NC_CIDR_MAX]);
void nc_ipam_backbone_text(uint32_t block, uint32_t idx, char addr[NC_CIDR_MAX]);
void nc_ipam_peering_text(uint32_t block, uint32_t idx, int tunnel_index, char addr[NC_CIDR_MAX]);

#endif
