/* SPDX-License-Identifier: MIT */
/*
 * nc_sync_snap and nc_sync_build (build.h): the snapshot a device's batch
 * is rendered from, and that batch straight from the store (nc_sync_render
 * of that snapshot). The addresses were allocated by the writes that made
 * them needed (lib/core) or, in a store older than that, when serve started
 * (nc_sync_addr_fill). Writes nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store.h"
#include "../util/err.h"
#include "../util/utf8.h"
#include "build.h"
#include "snapshot.h"

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

/* The snapshot of tenant that serial's batch is rendered from, into *snap. */
static int snap_of(struct nc_store *st, const char *tenant, const char *serial,
		   enum nc_device_type type, struct nc_snap *snap, struct nc_errinfo *ei)
{
	int ret = nc_snap_load_device(st, tenant, serial, snap);

	if (ret == 0 && !nc_snap_edge(snap, serial) && !nc_snap_connector(snap, serial))
		ret = absent(st, snap, serial, type, ei);
	return ret;
}

static int load(struct nc_store *st, const char *serial, const char *tenant, struct nc_snap *snap,
		struct nc_errinfo *ei)
{
	char dev_tenant[NC_ID_MAX], q[NC_QUOTE_BUF];
	enum nc_device_type type;
	int ret;

	if (!serial || strlen(serial) >= NC_SERIAL_MAX)
		return nc_fail(ei, NC_ERR_NOTFOUND, "serial", "device `%s' not found",
			       nc_quote(q, serial ? serial : "", SIZE_MAX));
	ret = nc_store_device_lookup(st, NULL, serial, &type, dev_tenant);
	if (ret == NC_ERR_NOTFOUND)
		ret = nc_fail(ei, ret, "serial", "device `%s' not found",
			      nc_quote(q, serial, SIZE_MAX));
	if (ret < 0)
		return ret;
	if (tenant && strlen(tenant) >= NC_ID_MAX)
		return nc_fail(ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
			       nc_quote(q, tenant, SIZE_MAX));
	tenant = tenant && *tenant ? tenant : dev_tenant;
	return snap_of(st, tenant, serial, type, snap, ei);
}

int nc_sync_snap(struct nc_store *st, const char *serial, const char *tenant, struct nc_snap *snap,
		 struct nc_errinfo *ei)
{
	int ret;

	memset(snap, 0, sizeof(*snap));
	if (ei)
		memset(ei, 0, sizeof(*ei));
	ret = nc_store_begin(st);
	if (ret < 0)
		return ret;
	ret = load(st, serial, tenant, snap, ei);
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
	if (ret < 0) {
		nc_snap_clear(snap);
		if (ei && !ei->msg[0])
			nc_fail(ei, ret, NULL, "cannot build the batch of `%s': %s",
				serial ? serial : "", nc_strerror(ret));
	}
	return ret;
}

int nc_sync_build(struct nc_store *st, const char *serial, const char *tenant, json_t **commands,
		  json_t **notes, struct nc_errinfo *ei)
{
	struct nc_snap snap;
	int ret;

	*commands = NULL;
	*notes = NULL;
	ret = nc_sync_snap(st, serial, tenant, &snap, ei);
	if (ret == 0)
		ret = nc_sync_render(&snap, serial, commands, notes, NULL, NULL, ei);
	nc_snap_clear(&snap);
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
