/* SPDX-License-Identifier: MIT */
/*
 * Edges: create, update and delete (inventory.h). Each public function is
 * one store transaction around a static body that validates, writes and
 * marks devices dirty; the audit event is emitted once the commit succeeded.
 */
#include "inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/codec.h"
#include "../model/validate.h"
#include "../store/store.h"
#include "../util/err.h"
#include "core.h"
#include "credentials.h"
#include "ipam.h"
#include "lan.h"

/* Connectors named in a refusal; the rest are only counted. */
#define NAMED_MAX 3

/* The connectors that use an edge as hub, as a delete refusal names them. */
struct hub_users {
	size_t n, named, others; /* all, named (own tenant), of other tenants */
	const char *tenant;
	char names[NAMED_MAX][NC_SERIAL_MAX];
};

static int get_edge(struct nc_core *c, const char *tenant, const char *serial, struct nc_edge *out,
		    struct nc_errinfo *ei)
{
	int ret = nc_store_edge_get(c->store, tenant, serial, out);

	if (ret == NC_ERR_NOTFOUND)
		ret = nc_fail(ei, ret, "serial", "edge `%s' not found", serial);
	return ret;
}

/* Calls fn on every connector hubbed on hub, of any tenant, until fn fails. */
static int each_hubbed(struct nc_core *c, const char *hub,
		       int (*fn)(struct nc_connector *con, void *arg), void *arg)
{
	/* Every tenant: an MTGE is the hub of connectors of several. */
	struct nc_connector_filter f = {.status = -1, .hub = hub};

	return nc_store_connector_each(c->store, &f, fn, arg);
}

struct dirty_arg {
	struct nc_core *c;
	const char *reason;
};

/* each_hubbed: dirties a connector that is its hub's peer (approved up to offline). */
static int dirty_hubbed(struct nc_connector *con, void *arg)
{
	const struct dirty_arg *d = arg;

	if (con->status == NC_STATUS_PENDING_APPROVAL || con->status == NC_STATUS_DECOMMISSIONED)
		return 0;
	return nc_core_mark_dirty(d->c, con->serial, con->tenant, d->reason);
}

int nc_core_dirty_hubbed(struct nc_core *c, const char *edge, const char *reason)
{
	struct dirty_arg d = {c, reason};

	return each_hubbed(c, edge, dirty_hubbed, &d);
}

/* each_hubbed: counts connectors into a struct hub_users; names only those
 * of the edge's own tenant. */
static int count_hubbed(struct nc_connector *con, void *arg)
{
	struct hub_users *u = arg;

	if (strcmp(con->tenant, u->tenant) != 0)
		u->others++;
	else if (u->named < NAMED_MAX)
		memcpy(u->names[u->named++], con->serial, NC_SERIAL_MAX);
	u->n++;
	return 0;
}

/* CONFLICT while an MTGE that stops being one serves other tenants. */
static int refuse_shared(struct nc_core *c, const struct nc_edge *e, struct nc_errinfo *ei)
{
	struct hub_users u = {.tenant = e->tenant};
	int ret = each_hubbed(c, e->serial, count_hubbed, &u);

	if (ret == 0 && u.others > 0)
		ret = nc_fail(ei, NC_ERR_CONFLICT, "kind",
			      "edge `%s' is the hub of %zu connectors of other tenants: only an "
			      "MTGE may be; move them first",
			      e->serial, u.others);
	return ret;
}

/* Public */

static int valid(const void *obj, struct nc_errinfo *ei)
{
	return nc_edge_validate(obj, ei);
}

static int create_tx(struct nc_core *c, const struct nc_core_write *w, void *obj,
		     struct nc_errinfo *ei)
{
	struct nc_edge *e = obj;
	int ret;

	e->created_at = 0;
	e->updated_at = 0;
	ret = nc_core_device_admit(c, w, e->tenant, e->serial, &e->lan_subnets, valid, e, ei);
	if (ret == 0)
		ret = nc_core_device_inserted(c, nc_store_edge_insert(c->store, e), e->serial, ei);
	if (ret == 0)
		ret = nc_core_device_created(c, w, e->serial, e->tenant);
	return ret;
}

/* Only the endpoint and the LAN are part of other devices' config; the kind
 * is part of the edge's own. */
static int dirty_changes(struct nc_core *c, const struct nc_edge *old, const struct nc_edge *cur)
{
	bool endpoint = strcmp(old->endpoint, cur->endpoint) != 0;
	bool lan = !nc_strlist_equal(&old->lan_subnets, &cur->lan_subnets);
	char reason[NC_REASON_MAX];
	int ret = 0;

	/* The kind decides the edge's own interfaces (an MTGE carries the App
	 * VPN, wg1), not what its peers see of it. */
	if (old->kind != cur->kind) {
		snprintf(reason, sizeof(reason), "kind of %s changed to %s", cur->serial,
			 nc_edge_kind_name(cur->kind));
		ret = nc_core_mark_dirty(c, cur->serial, cur->tenant, reason);
	}
	if (ret < 0 || (!endpoint && !lan))
		goto out;
	snprintf(reason, sizeof(reason), "%s of %s changed",
		 endpoint && lan ? "endpoint and LAN subnets"
		 : endpoint	 ? "endpoint"
				 : "LAN subnets",
		 cur->serial);
	ret = nc_core_mark_dirty(c, cur->serial, cur->tenant, reason);
	if (ret == 0)
		ret = nc_core_dirty_hubbed(c, cur->serial, reason);
	if (ret == 0)
		ret = nc_core_dirty_peers(c, cur->tenant, cur->serial, reason);
out:
	return ret;
}

/* obj receives the updated edge; the caller clears it on every path. */
static int update_tx(struct nc_core *c, const struct nc_core_write *w, void *obj,
		     struct nc_errinfo *ei)
{
	struct nc_edge old = {0}, *res = obj;
	int ret = get_edge(c, w->scope, w->name, &old, ei);

	/* res: a second copy of the stored edge, for the patch to change. */
	if (ret == 0)
		ret = get_edge(c, w->scope, w->name, res, ei);
	if (ret < 0)
		goto out;
	ret = nc_edge_from_json(w->patch, res, NC_DECODE_PATCH, ei);
	if (ret == 0)
		ret = nc_edge_validate(res, ei);
	if (ret == 0 && !nc_strlist_equal(&old.lan_subnets, &res->lan_subnets))
		ret = nc_core_lan_check(c, res->tenant, res->serial, &res->lan_subnets, ei);
	if (ret == 0 && old.kind == NC_EDGE_MTGE && res->kind != NC_EDGE_MTGE)
		ret = refuse_shared(c, &old, ei);
	if (ret == 0) {
		res->updated_at = 0;
		ret = nc_store_edge_update(c->store, res);
	}
	if (ret == 0)
		ret = dirty_changes(c, &old, res);
	if (ret == 0) {
		nc_edge_clear(res);
		ret = nc_store_edge_get(c->store, NULL, old.serial, res);
	}
out:
	nc_edge_clear(&old);
	return ret;
}

/* CONFLICT while connectors use the edge as their hub, naming a few. */
static int refuse_hub_of_connectors(struct nc_core *c, const struct nc_edge *e,
				    struct nc_errinfo *ei)
{
	struct hub_users u = {.tenant = e->tenant};
	char names[NAMED_MAX * (NC_SERIAL_MAX + 2) + 32] = "";
	size_t len = 0;
	int ret = each_hubbed(c, e->serial, count_hubbed, &u);

	if (ret < 0 || u.n == 0)
		goto out;
	for (size_t i = 0; i < u.named; i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
					u.names[i]);
	if (u.n > u.named)
		snprintf(names + len, sizeof(names) - len, "%s%zu %s", u.named ? " and " : "",
			 u.n - u.named, u.named ? "more" : "of other tenants");
	ret = nc_fail(ei, NC_ERR_CONFLICT, NULL,
		      "edge `%s' is the hub of %zu connector%s (%s): move them to another hub or "
		      "set hub_edge to null first",
		      e->serial, u.n, u.n == 1 ? "" : "s", names);
out:
	return ret;
}

/* CONFLICT while a peering group has the edge as its hub, naming it. */
static int refuse_hub_of_peering(struct nc_core *c, const struct nc_edge *e, struct nc_errinfo *ei)
{
	struct nc_peering *v = NULL;
	size_t n = 0;
	int ret = nc_store_peering_list(c->store, e->tenant, &v, &n);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (strcmp(v[i].hub, e->serial) == 0)
			ret = nc_fail(ei, NC_ERR_CONFLICT, NULL,
				      "edge `%s' is the hub of peering `%s': give the peering "
				      "another hub or delete it first",
				      e->serial, v[i].name);
	}
	free(v);
	return ret;
}

/* obj receives the edge as it was; the caller clears it. */
static int delete_tx(struct nc_core *c, const struct nc_core_write *w, void *obj,
		     struct nc_errinfo *ei)
{
	const struct nc_edge *e = obj;
	char reason[NC_REASON_MAX];
	int ret = get_edge(c, w->scope, w->name, obj, ei);

	if (ret < 0)
		return ret;
	ret = refuse_hub_of_connectors(c, e, ei);
	if (ret == 0)
		ret = refuse_hub_of_peering(c, e, ei);
	snprintf(reason, sizeof(reason), "peer %s deleted", e->serial);
	if (ret == 0)
		ret = nc_core_dirty_peers(c, e->tenant, e->serial, reason);
	if (ret == 0)
		ret = nc_ipam_release(c->store, e->tenant, NC_IPAM_BACKBONE, e->serial, NULL);
	if (ret == 0)
		ret = nc_core_release_memberships(c, e->serial);
	if (ret == 0)
		ret = nc_core_pki_revoke_device(c, e->serial, NULL, ei);
	if (ret == 0)
		ret = nc_store_edge_delete(c->store, e->tenant, e->serial);
	if (ret == NC_ERR_CONFLICT && !(ei && ei->code == ret))
		ret = nc_fail(ei, ret, NULL,
			      "edge `%s' is still a hub: move its connectors and peerings to "
			      "another hub first",
			      e->serial);
	return ret;
}

NC_CORE_DEVICE_WRITES(edge)
