/* SPDX-License-Identifier: MIT */
#include "ipam.h"

#include <stdio.h>

#include "../store/store.h"
#include "../util/err.h"

#define BACKBONE_BASE	 0x64400000u /* 100.64.0.0/11 */
#define PEERING_BASE	 0x64600000u /* 100.96.0.0/11 */
#define HUB_BLOCK_BITS	 14	     /* /18: 16384 addresses */
#define HUB_BLOCKS	 128	     /* 2^(21 - 14) */
#define GROUP_BLOCK_BITS 10	     /* /22: 1024 addresses */
#define GROUP_BLOCKS	 2048	     /* 2^(21 - 10) */
#define GROUP_MEMBERS	 510	     /* wg2 at 1..510, wg3 at 513..1022 */

/* A pool name: "pm:" and a group name, or "bb:" and a hub's serial. */
#define POOL_MAX (NC_NAME_MAX + 4)

static void host(uint32_t a, char out[NC_CIDR_MAX])
{
	snprintf(out, NC_CIDR_MAX, "%u.%u.%u.%u/32", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		 a & 255);
}

static int alloc(struct nc_store *st, const char *tenant, const char *pool, const char *owner,
		 uint32_t lo, uint32_t hi, uint32_t *idx, struct nc_errinfo *ei)
{
	int ret = nc_store_addr_alloc(st, tenant, pool, owner, lo, hi, idx);

	if (ret == NC_ERR_RANGE)
		return nc_fail(ei, NC_ERR_CONFLICT, NULL,
			       "address pool %s of tenant %s is full (%u addresses)", pool, tenant,
			       hi - lo + 1);
	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot allocate an address: %s", nc_strerror(ret));
	return 0;
}

/* Per space: the prefix of its per-owner pools, and the pool of its blocks. */
static const struct {
	const char *prefix, *blocks;
} spaces[] = {
	[NC_IPAM_BACKBONE] = {"bb", "hub"},
	[NC_IPAM_PEERING] = {"pm", "peering"},
};

/* The pool of the addresses in owner's block: "bb:<hub>" or "pm:<group>". */
static void pool_of(enum nc_ipam_space space, const char *owner, char pool[POOL_MAX])
{
	snprintf(pool, POOL_MAX, "%s:%s", spaces[space].prefix, owner);
}

int nc_ipam_release(struct nc_store *st, const char *tenant, enum nc_ipam_space space,
		    const char *owner, const char *serial)
{
	char pool[POOL_MAX];
	int ret;

	pool_of(space, owner, pool);
	ret = nc_store_addr_release(st, tenant, pool, serial);
	if (ret == 0 && !serial)
		ret = nc_store_addr_release(st, tenant, spaces[space].blocks, owner);
	return ret;
}

static int hub_block(struct nc_store *st, const char *tenant, const char *hub, uint32_t *base,
		     struct nc_errinfo *ei)
{
	uint32_t b;
	int ret =
		alloc(st, tenant, spaces[NC_IPAM_BACKBONE].blocks, hub, 0, HUB_BLOCKS - 1, &b, ei);

	if (ret == 0)
		*base = BACKBONE_BASE + (b << HUB_BLOCK_BITS);
	return ret;
}

int nc_ipam_hub(struct nc_store *st, const char *tenant, const char *hub, char addr[NC_CIDR_MAX],
		struct nc_errinfo *ei)
{
	uint32_t base;
	int ret = hub_block(st, tenant, hub, &base, ei);

	if (ret == 0)
		host(base + 1, addr);
	return ret;
}

int nc_ipam_backbone(struct nc_store *st, const char *tenant, const char *hub, const char *serial,
		     char addr[NC_CIDR_MAX], struct nc_errinfo *ei)
{
	char pool[POOL_MAX];
	uint32_t base, idx;
	int ret = hub_block(st, tenant, hub, &base, ei);

	pool_of(NC_IPAM_BACKBONE, hub, pool);
	if (ret == 0)
		ret = alloc(st, tenant, pool, serial, 2, (1u << HUB_BLOCK_BITS) - 2, &idx, ei);
	if (ret == 0)
		host(base + idx, addr);
	return ret;
}

int nc_ipam_peering(struct nc_store *st, const char *tenant, const char *group, const char *serial,
		    int tunnel_index, char addr[NC_CIDR_MAX], struct nc_errinfo *ei)
{
	char pool[POOL_MAX];
	uint32_t b, idx;
	int ret = alloc(st, tenant, spaces[NC_IPAM_PEERING].blocks, group, 0, GROUP_BLOCKS - 1, &b,
			ei);

	pool_of(NC_IPAM_PEERING, group, pool);
	if (ret == 0)
		ret = alloc(st, tenant, pool, serial, 1, GROUP_MEMBERS, &idx, ei);
	if (ret == 0)
		host(PEERING_BASE + (b << GROUP_BLOCK_BITS) + (tunnel_index ? 512 : 0) + idx, addr);
	return ret;
}

void nc_ipam_hub_text(uint32_t block, char addr[NC_CIDR_MAX])
{
	host(BACKBONE_BASE + (block << HUB_BLOCK_BITS) + 1, addr);
}

void nc_ipam_backbone_text(uint32_t block, uint32_t idx, char addr[NC_CIDR_MAX])
{
	host(BACKBONE_BASE + (block << HUB_BLOCK_BITS) + idx, addr);
}

void nc_ipam_peering_text(uint32_t block, uint32_t idx, int tunnel_index, char addr[NC_CIDR_MAX])
{
	host(PEERING_BASE + (block << GROUP_BLOCK_BITS) + (tunnel_index ? 512 : 0) + idx, addr);
}
