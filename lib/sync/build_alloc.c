/* SPDX-License-Identifier: MIT */
/*
 * nc_sync_build (build.h): a batch straight from the store. Loads the
 * tenant's snapshot, renders it (nc_sync_render), allocates the tunnel
 * addresses the render found missing, in the order it used them, and
 * renders a new snapshot. The renderer itself never touches the store.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/ipam.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/utf8.h"
#include "build.h"
#include "snapshot.h"

/* Allocates needs[0..n) in tenant, in order. */
static int allocate(struct nc_store *st, const char *tenant, const struct nc_render_need *needs,
		    size_t n, struct nc_errinfo *ei)
{
	char addr[NC_CIDR_MAX];
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct nc_render_need *nd = &needs[i];

		if (nd->kind == NC_NEED_HUB)
			ret = nc_ipam_hub(st, tenant, nd->pool, addr, ei);
		else if (nd->kind == NC_NEED_BACKBONE)
			ret = nc_ipam_backbone(st, tenant, nd->pool, nd->serial, addr, ei);
		else
			ret = nc_ipam_peering(st, tenant, nd->pool, nd->serial, 0, addr, ei);
	}
	return ret;
}

/* Why device serial (type, own tenant dev_tenant) has no batch of tenant, which lacks it. */
static int absent(struct nc_store *st, const struct nc_snap *snap, const char *serial,
		  enum nc_device_type type, struct nc_errinfo *ei)
{
	struct nc_edge e = {0};
	char q[NC_QUOTE_BUF];
	int ret;

	if (type == NC_DEVICE_CONNECTOR)
		return nc_fail(ei, NC_ERR_NOTFOUND, "serial",
			       "connector `%s' not found in tenant `%s'", serial,
			       nc_quote(q, snap->tenant, sizeof(snap->tenant)));
	ret = nc_store_edge_get(st, NULL, serial, &e);
	if (ret == 0 && e.kind == NC_EDGE_MTGE && !snap->tenant_found)
		ret = nc_fail(ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
			      nc_quote(q, snap->tenant, sizeof(snap->tenant)));
	else if (ret == 0)
		ret = nc_fail(ei, NC_ERR_NOTFOUND, "serial", "edge `%s' not found in tenant `%s'",
			      serial, nc_quote(q, snap->tenant, sizeof(snap->tenant)));
	nc_edge_clear(&e);
	return ret;
}

/* Renders serial from a new snapshot of tenant; *needs as for nc_sync_render. */
static int render_fresh(struct nc_store *st, const char *tenant, const char *serial,
			enum nc_device_type type, json_t **commands, json_t **notes,
			struct nc_render_need **needs, size_t *n_needs, struct nc_errinfo *ei)
{
	struct nc_snap snap;
	int ret = nc_snap_load(st, tenant, &snap);

	if (ret == 0 && !nc_snap_edge(&snap, serial) && !nc_snap_connector(&snap, serial))
		ret = absent(st, &snap, serial, type, ei);
	else if (ret == 0)
		ret = nc_sync_render(&snap, serial, commands, notes, needs, n_needs, ei);
	nc_snap_clear(&snap);
	return ret;
}

static int build(struct nc_store *st, const char *serial, const char *tenant, json_t **commands,
		 json_t **notes, struct nc_errinfo *ei)
{
	struct nc_render_need *needs = NULL;
	char dev_tenant[NC_ID_MAX], q[NC_QUOTE_BUF];
	enum nc_device_type type;
	size_t n_needs = 0;
	int ret;

	if (!serial || strlen(serial) >= NC_SERIAL_MAX)
		return nc_fail(ei, NC_ERR_NOTFOUND, "serial", "device `%s' not found",
			       nc_quote(q, serial ? serial : "", SIZE_MAX));
	ret = nc_store_device_lookup(st, NULL, serial, &type, dev_tenant);
	if (ret == NC_ERR_NOTFOUND)
		ret = nc_fail(ei, ret, "serial", "device `%s' not found",
			      nc_quote(q, serial, SIZE_MAX));
	if (ret < 0)
		goto out;
	if (tenant && strlen(tenant) >= NC_ID_MAX) {
		ret = nc_fail(ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
			      nc_quote(q, tenant, SIZE_MAX));
		goto out;
	}
	tenant = tenant && *tenant ? tenant : dev_tenant;
	ret = render_fresh(st, tenant, serial, type, commands, notes, &needs, &n_needs, ei);
	if (ret < 0 || n_needs == 0)
		goto out;
	json_decref(*commands);
	json_decref(*notes);
	*commands = *notes = NULL;
	ret = allocate(st, tenant, needs, n_needs, ei);
	if (ret == 0)
		ret = render_fresh(st, tenant, serial, type, commands, notes, NULL, NULL, ei);
out:
	free(needs);
	return ret;
}

int nc_sync_build(struct nc_store *st, const char *serial, const char *tenant, json_t **commands,
		  json_t **notes, struct nc_errinfo *ei)
{
	int ret;

	*commands = NULL;
	*notes = NULL;
	if (ei)
		memset(ei, 0, sizeof(*ei));
	ret = nc_store_begin(st);
	if (ret < 0)
		return ret;
	ret = build(st, serial, tenant, commands, notes, ei);
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
	if (ret < 0) {
		json_decref(*commands);
		json_decref(*notes);
		*commands = *notes = NULL;
		if (ei && !ei->msg[0])
			nc_fail(ei, ret, NULL, "cannot build the batch of `%s': %s",
				serial ? serial : "", nc_strerror(ret));
	}
	return ret;
}
