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

/*
 * Releases serial's address in the pool "<prefix>:<owner>" (every address
 * of the pool when serial is NULL); with parent, then the block owner holds
 * in the pool parent too.
 */
static int release(struct nc_store *st, const char *tenant, const char *prefix, const char *owner,
		   const char *serial, const char *parent)
{
	char pool[NC_NAME_MAX + NC_SERIAL_MAX + 4];
	int ret;

	snprintf(pool, sizeof(pool), "%s:%s", prefix, owner);
	ret = nc_store_addr_release(st, tenant, pool, serial);
	if (ret == 0 && parent)
		ret = nc_store_addr_release(st, tenant, parent, owner);
	return ret;
}

static int hub_block(struct nc_store *st, const char *tenant, const char *hub, uint32_t *base,
		     struct nc_errinfo *ei)
{
	uint32_t b;
	int ret = alloc(st, tenant, "hub", hub, 0, HUB_BLOCKS - 1, &b, ei);

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
	char pool[NC_SERIAL_MAX + 4];
	uint32_t base, idx;
	int ret = hub_block(st, tenant, hub, &base, ei);

	snprintf(pool, sizeof(pool), "bb:%s", hub);
	if (ret == 0)
		ret = alloc(st, tenant, pool, serial, 2, (1u << HUB_BLOCK_BITS) - 2, &idx, ei);
	if (ret == 0)
		host(base + idx, addr);
	return ret;
}

int nc_ipam_backbone_release(struct nc_store *st, const char *tenant, const char *hub,
			     const char *serial)
{
	return release(st, tenant, "bb", hub, serial, NULL);
}

int nc_ipam_hub_release(struct nc_store *st, const char *tenant, const char *hub)
{
	return release(st, tenant, "bb", hub, NULL, "hub");
}

int nc_ipam_peering(struct nc_store *st, const char *tenant, const char *group, const char *serial,
		    int tunnel_index, char addr[NC_CIDR_MAX], struct nc_errinfo *ei)
{
	char pool[NC_NAME_MAX + 4];
	uint32_t b, idx;
	int ret = alloc(st, tenant, "peering", group, 0, GROUP_BLOCKS - 1, &b, ei);

	snprintf(pool, sizeof(pool), "pm:%s", group);
	if (ret == 0)
		ret = alloc(st, tenant, pool, serial, 1, GROUP_MEMBERS, &idx, ei);
	if (ret == 0)
		host(PEERING_BASE + (b << GROUP_BLOCK_BITS) + (tunnel_index ? 512 : 0) + idx, addr);
	return ret;
}

int nc_ipam_peering_release(struct nc_store *st, const char *tenant, const char *group,
			    const char *serial)
{
	return release(st, tenant, "pm", group, serial, NULL);
}

int nc_ipam_group_release(struct nc_store *st, const char *tenant, const char *group)
{
	return release(st, tenant, "pm", group, NULL, "peering");
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
