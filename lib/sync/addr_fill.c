/* SPDX-License-Identifier: MIT */
/*
 * Tunnel addresses a store from before write-time allocation may lack
 * (nc_sync_addr_fill, build.h): allocated once when serve starts, so that
 * every render finds its addresses in the snapshot.
 */
#include <stdlib.h>

#include "../core/ipam.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "build.h"
#include "snapshot.h"

/* The missing addresses of one tenant's snapshot, allocated; *filled counts them. */
static int fill(struct nc_store *st, const struct nc_snap *s, size_t *filled)
{
	char addr[NC_CIDR_MAX];
	int ret = 0;

	/* The writes allocate the same: a connector's (with its hub's) when it gets a hub or
	 * is approved, a member's when it joins a group. */
	for (size_t i = 0; ret == 0 && i < s->n_connectors; i++) {
		const struct nc_connector *c = &s->connectors[i];

		/* Only a connector in service is in a batch: as approving it takes its address. */
		if (!c->hub_edge[0] || c->status == NC_STATUS_PENDING_APPROVAL ||
		    c->status == NC_STATUS_DECOMMISSIONED ||
		    nc_snap_addr_backbone(s, c->hub_edge, c->serial, addr) == 0)
			continue;
		ret = nc_ipam_backbone(st, s->tenant, c->hub_edge, c->serial, addr, NULL);
		*filled += ret == 0;
	}
	for (size_t i = 0; ret == 0 && i < s->n_members; i++) {
		const struct nc_member *m = &s->members[i];

		if (nc_snap_addr_peering(s, m->peering, m->serial, 0, addr) == 0)
			continue;
		ret = nc_ipam_peering(st, s->tenant, m->peering, m->serial, 0, addr, NULL);
		*filled += ret == 0;
	}
	return ret;
}

static int fill_tenant(struct nc_store *st, const char *tenant, size_t *filled)
{
	struct nc_snap s;
	int ret = nc_store_begin(st);

	if (ret < 0)
		return ret;
	ret = nc_snap_load(st, tenant, &s);
	if (ret == 0)
		ret = fill(st, &s, filled);
	nc_snap_clear(&s);
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
	return ret;
}

int nc_sync_addr_fill(struct nc_store *st, size_t *filled)
{
	struct nc_tenant *t = NULL;
	size_t n = 0;
	int ret = nc_store_tenant_list(st, &t, &n);

	*filled = 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		ret = fill_tenant(st, t[i].id, filled);
		if (ret < 0)
			nc_err("sync: cannot allocate the missing tunnel addresses of tenant %s: "
			       "%s",
			       t[i].id, nc_strerror(ret));
	}
	free(t);
	return ret;
}
