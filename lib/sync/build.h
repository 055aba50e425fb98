/* SPDX-License-Identifier: MIT */
#ifndef NC_SYNC_BUILD_H
#define NC_SYNC_BUILD_H

/*
 * Batch build: the commands a device should run now, rendered from a
 * snapshot of its tenant's intent (snapshot.h; PROTOCOL.md, "Batch" and
 * "Command bodies"). The same state always gives byte-identical JSON, so
 * its RFC 8785 hash is the device's desired config_hash. All numbers are
 * integers. The renderer (nc_sync_render) does no I/O and never allocates
 * an address; nc_sync_build reads the snapshot from the store first.
 *
 * Topics, in this order (a topic appears at most once; index = position):
 *   connector  wireguard, ipsec (member of an IPSec group), static,
 *              nat_config, acl_config
 *   edge       interface, wireguard, ipsec (member of an IPSec group; an
 *              MTGE: in its own tenant's batch only), static, nat44, acl
 * Every body is authoritative: what it does not list, the device removes.
 *
 * interface {"interfaces":[{"name":"lan0","addresses":[A/len, ...]}]}: A is
 *   the first host of each LAN subnet (10.10.0.0/16 -> 10.10.0.1/16; a /31,
 *   /32, /127 or /128 its own address), "addresses":[] without LANs; in an
 *   MTGE's batch for another tenant {"interfaces":[]}.
 *
 * wireguard {"interfaces":[...]}, in name order; an interface absent from
 * it is one the device should not have. Each is {"name","role","address",
 * "listen_port","mtu":1420,"peers":[...]}, peers sorted by serial:
 *   wg0 "backbone" :51820. A connector with a hub edge: its backbone
 *       address; one peer, the hub {"serial","public_key","endpoint": the
 *       hub's endpoint as stored,"allowed_ips":[hub wg0 /32, hub LANs...],
 *       "persistent_keepalive":25,"tunnel_index":0} (the LANs only when the
 *       hub is of the connector's tenant). An edge with at least one
 *       in-service connector of the batch's tenant hubbed on it: the hub
 *       address; per such connector {"serial","public_key","allowed_ips":
 *       [its backbone /32, its LANs...],"tunnel_index":0} (it dials in).
 *   wg1 "app_vpn", on an MTGE whenever wg0 is listed: {"name":"wg1","role":
 *       "app_vpn","address": the hub address,"allowed_ips":[the LANs of
 *       wg0's peers, sorted, each once]} (no port, mtu or peers: App VPN
 *       clients are not in the model).
 *   wg2 "peering" :51822, for a member of at least one WireGuard group (an
 *       isolated member keeps its interface). "address": its tunnel-0
 *       address in its first such group by name; in several groups also
 *       "addresses":[each group's, by group name]. One peer per linked
 *       serial {"serial","public_key","endpoint": an edge's endpoint host
 *       with port 51822, a connector's endpoint as stored (none when it has
 *       none: it dials out),"allowed_ips":[its address
 *       in each shared group..., its LANs...],"persistent_keepalive":25,
 *       "tunnel_index":0}. On a spoke of a WireGuard hub-and-spoke group
 *       the hub's peer then also has the group address and LANs of every
 *       other in-service spoke with a known key (groups by name, spokes by
 *       serial), the LANs routed over wg2: spokes reach each other through
 *       the hub. A prefix another peer of wg2 has (a direct link) stays
 *       with that peer, noted.
 *   wg3 "peering" :51823, edges in a dual-tunnel WireGuard group only: as
 *       wg2 with tunnel 1 addresses, port 51823, "tunnel_index":1.
 *
 * ipsec {"sas":[...]}: per IPSec link tunnel, by (peer, group, tunnel
 *   index), an "out" SA (this device -> peer: that direction's SPI and key)
 *   then an "in" SA: {"peer","direction","src","dst","spi","aead":
 *   "rfc4106(gcm(aes))","key": hex,"icv_bits":128,"tunnel_index"}. src and
 *   dst are an edge's endpoint host, or for a connector its peering address
 *   in that group without "/32".
 *
 * static {"routes":[...]}: {"dst","dev","metric"} to the LANs of each peer
 *   listed above: wg0 and wg2 metric 100, wg3 metric 200; a connector's own
 *   routes {"dst","via","metric":50}. Sorted by (dst, metric) as bytes; of
 *   two ways to one dst at one metric one is kept (the other noted), since
 *   the kernel would refuse the second: a peering interface before the
 *   backbone wg0 (a hub then forwards between its spokes on the tunnels
 *   where they accept each other's LANs, and both ends of a pair choose
 *   alike), else the first by (dev, via).
 *
 * nat_config / nat44 {"masquerade":[{"source": LAN,"out_interface": wan}]}
 *   per LAN of a connector with NAT on; [] otherwise and on edges.
 * acl_config / acl {"default":"accept","rules":[{"action","proto","src",
 *   "dst","dport"}...]} in the operator's order, "dport" absent when 0
 *   (any); "rules":[] on edges.
 *
 * In service = approved, provisioned, active or offline. A connector out of
 * service is nobody's peer; a peer whose public key is not known yet is
 * left out, with its routes. Every omission is explained by a note.
 */

#include <jansson.h>

#include "../model/model.h"

struct nc_errinfo;
struct nc_snap;
struct nc_store;

/* A tunnel address a render used that its snapshot has no allocation for. */
enum nc_render_need_kind {
	NC_NEED_HUB,	  /* a hub's block: pool is the hub's serial */
	NC_NEED_BACKBONE, /* a connector's address in the block of hub `pool' */
	NC_NEED_PEERING,  /* a member's index in group `pool' (both tunnel indexes) */
};

struct nc_render_need {
	enum nc_render_need_kind kind;
	char pool[NC_NAME_MAX];
	char serial[NC_SERIAL_MAX]; /* "" for NC_NEED_HUB */
};

/*
 * The renderer: the batch of device `serial' for the snapshot's tenant
 * (snapshot.h), from the snapshot alone: no I/O, no store, no allocation
 * of addresses; the same snapshot always gives the same batch. The batch
 * is described above; *commands and *notes as for nc_sync_build.
 *
 * The device is one of the snapshot's: a device of the tenant, or an MTGE
 * of another tenant (its batch for this tenant). Tunnel addresses come
 * from the snapshot. When needs is not NULL, every address the snapshot
 * lacks is listed in *needs (a new array, *n_needs long, in order of
 * first use; the caller frees it) and the batch, which then holds
 * "0.0.0.0/32" in their place, is not to be sent: allocate them in that
 * order (nc_ipam_*) and render a new snapshot. With needs NULL a missing
 * address is NC_ERR_INTERNAL: the writes allocate every address a batch
 * needs (lib/core), and nc_sync_addr_fill those an older store lacks.
 *
 * Errors: NC_ERR_NOTFOUND for a device not in the snapshot or a tenant
 * that does not exist; NC_ERR_CONFLICT for a connector that gets no
 * configuration (pending_approval, decommissioned); NC_ERR_NOMEM.
 */
/*
 * The renderer's revision: one more with every change to what nc_sync_render
 * writes for the same intent. A store whose batches an older revision
 * rendered has every device that runs or is sent one marked dirty when serve
 * starts (startup.c), since Sync Now re-sends a confirmed batch's commands
 * unrendered while nothing changed (push.c).
 */
#define NC_SYNC_RENDER_REVISION 1

int nc_sync_render(const struct nc_snap *snap, const char *serial, json_t **commands,
		   json_t **notes, struct nc_render_need **needs, size_t *n_needs,
		   struct nc_errinfo *ei);

/*
 * The commands device `serial` should run now. On success *commands is a
 * new JSON array [{"index":0,"topic":..,"body":{..}}, ...] and *notes a
 * new JSON array of sentences (strings) saying what was left out and why,
 * e.g. "peer CN-2 left out of wg2: its public key is not known yet"; the
 * caller owns both. On failure both are NULL and ei says why.
 *
 * tenant: the tenant whose batch this is. NULL or "" means the device's
 * own. A connector or dedicated edge only has its own (another tenant is
 * NC_ERR_NOTFOUND, as if the device were absent); an MTGE takes any
 * existing tenant (see nc_sync_mtge_tenants for the ones it serves).
 *
 * Reads the store in one nested transaction (a savepoint inside the
 * caller's, if any) and writes nothing: it loads the tenant's snapshot
 * and renders it (nc_sync_render). Tunnel addresses are not allocated
 * here: a missing one is NC_ERR_INTERNAL (see nc_sync_render).
 *
 * Errors: NC_ERR_NOTFOUND for an unknown device or tenant; NC_ERR_CONFLICT
 * for a connector that gets no configuration (pending_approval,
 * decommissioned); NC_ERR_INTERNAL for a missing address; NC_ERR_NOMEM;
 * store errors. Never puts a private key in a batch; IPSec SA keys, which
 * the store holds, leave it only in the ipsec command of the batch.
 */
int nc_sync_build(struct nc_store *st, const char *serial, const char *tenant, json_t **commands,
		  json_t **notes, struct nc_errinfo *ei);

/*
 * What nc_sync_build reads, without the render: the snapshot serial's
 * batch of tenant is rendered from, into *snap (nc_snap_clear it; empty on
 * failure), so that the render can run on another thread. tenant and the
 * errors as for nc_sync_build; nc_sync_render(snap, serial, ...) then gives
 * the batch nc_sync_build would.
 */
int nc_sync_snap(struct nc_store *st, const char *serial, const char *tenant, struct nc_snap *snap,
		 struct nc_errinfo *ei);

/*
 * Allocates the tunnel addresses the store lacks, tenant by tenant (a
 * store from before allocation at write time): a backbone address (and
 * its hub's block) per in-service connector with a hub, a peering address per group
 * member; *filled counts them. Each tenant in its own transaction; stops
 * at the first failure (logged), keeping the tenants done.
 */
int nc_sync_addr_fill(struct nc_store *st, size_t *filled);

/*
 * The tenants device `serial` gets batches for, sorted by id, into *out
 * (its previous contents are released): for an MTGE its own tenant and
 * every tenant with an in-service connector hubbed on it; for any other
 * device its own tenant. NC_ERR_NOTFOUND for an unknown serial.
 */
int nc_sync_mtge_tenants(struct nc_store *st, const char *serial, struct nc_strlist *out);

#endif
