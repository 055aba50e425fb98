/* SPDX-License-Identifier: MIT */
/*
 * Peering groups and their members. How they are shown is in
 * peering_show.c, links and their SAs in link.c; peering_impl.h has the
 * operation both run through.
 */
#include "peering.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../model/codec.h"
#include "../model/validate.h"
#include "../store/store.h"
#include "../util/err.h"
#include "core.h"
#include "ipam.h"
#include "peering_impl.h"
#include "tunnels.h"
#include "topology.h"

/* Operations */

int nc_peering_op_begin(struct nc_peering_op *op, struct nc_core *c, struct nc_errinfo *ei)
{
	int ret;

	memset(op, 0, sizeof(*op));
	op->c = c;
	op->ei = ei;
	ret = nc_store_begin(c->store);
	if (ret < 0)
		nc_fail(ei, ret, NULL, "cannot open a store transaction: %s", nc_strerror(ret));
	return ret;
}

int nc_peering_op_open(struct nc_peering_op *op, struct nc_core *c, const char *tenant,
		       const char *name, struct nc_errinfo *ei)
{
	int ret = nc_peering_op_begin(op, c, ei);

	if (ret < 0)
		return ret;
	ret = nc_peering_find(c, tenant, name, &op->p, ei);
	if (ret < 0)
		nc_peering_op_finish(op, ret, NULL, NULL, NULL, NULL);
	return ret;
}

int nc_peering_op_finish(struct nc_peering_op *op, int ret, const struct nc_actor *actor,
			 const char *device, const char *action, const char *object)
{
	for (size_t i = 0; ret == 0 && i < op->n_dirty; i++) {
		ret = nc_core_mark_dirty(op->c, op->dirty[i].serial, op->p.tenant,
					 op->dirty[i].reason);
		if (ret < 0)
			nc_fail(op->ei, ret, NULL, "cannot mark %s dirty: %s", op->dirty[i].serial,
				nc_strerror(ret));
	}
	if (ret == 0) {
		ret = nc_store_commit(op->c->store);
		if (ret < 0)
			nc_fail(op->ei, ret, NULL, "cannot commit: %s", nc_strerror(ret));
	} else {
		nc_store_rollback(op->c->store);
	}
	free(op->spis.v);
	free(op->dirty);
	op->spis.v = NULL;
	op->dirty = NULL;
	if (ret == 0 && action)
		nc_core_audit(op->c, actor, op->p.tenant, device, action, object);
	return ret;
}

int nc_peering_op_dirty(struct nc_peering_op *op, const char *serial, const char *fmt, ...)
{
	struct nc_peering_dirty *d = NULL;
	va_list ap;

	for (size_t i = 0; i < op->n_dirty && !d; i++)
		d = strcmp(op->dirty[i].serial, serial) == 0 ? &op->dirty[i] : NULL;
	if (!d && op->n_dirty == op->cap_dirty) {
		size_t cap = op->cap_dirty ? 2 * op->cap_dirty : 16;
		struct nc_peering_dirty *v = realloc(op->dirty, cap * sizeof(*v));

		if (!v)
			return nc_fail(op->ei, NC_ERR_NOMEM, NULL, "out of memory");
		op->dirty = v;
		op->cap_dirty = cap;
	}
	if (!d) {
		d = &op->dirty[op->n_dirty++];
		snprintf(d->serial, sizeof(d->serial), "%s", serial);
	}
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	return 0;
}

int nc_peering_member_cmp(const void *x, const void *y)
{
	const struct nc_member *l = x, *r = y;

	return strcmp(l->serial, r->serial);
}

const struct nc_member *nc_peering_member_find(const struct nc_member *m, size_t n,
					       const char *serial)
{
	struct nc_member key = {0};

	snprintf(key.serial, sizeof(key.serial), "%s", serial);
	return n ? bsearch(&key, m, n, sizeof(*m), nc_peering_member_cmp) : NULL;
}

/* Groups and members */

int nc_peering_find(struct nc_core *c, const char *tenant, const char *name, struct nc_peering *p,
		    struct nc_errinfo *ei)
{
	int ret = nc_store_peering_get(c->store, tenant, name, p);

	if (ret == NC_ERR_NOTFOUND)
		nc_fail(ei, ret, NULL, "peering `%s' not found", name);
	else if (ret == NC_ERR_CONFLICT)
		nc_fail(ei, ret, NULL,
			"peering `%s' exists in several tenants: pass ?tenant=", name);
	else if (ret < 0)
		nc_fail(ei, ret, NULL, "cannot read peering `%s': %s", name, nc_strerror(ret));
	return ret;
}

int nc_peering_members(struct nc_peering_op *op, struct nc_member **m, size_t *n)
{
	int ret = nc_store_member_list(op->c->store, op->p.tenant, op->p.name, m, n);

	if (ret < 0)
		nc_fail(op->ei, ret, NULL, "cannot list the members of %s: %s", op->p.name,
			nc_strerror(ret));
	else if (*n > 1)
		qsort(*m, *n, sizeof(**m), nc_peering_member_cmp);
	return ret;
}

/* A hub must be an edge of the group's tenant. */
static int check_hub(struct nc_peering_op *op, const char *hub)
{
	enum nc_device_type type;
	int ret = nc_store_device_lookup(op->c->store, op->p.tenant, hub, &type, NULL);

	if (ret == NC_ERR_NOTFOUND)
		return nc_fail(op->ei, ret, "hub", "hub `%s' not found", hub);
	if (ret < 0)
		return nc_fail(op->ei, ret, "hub", "cannot look up hub `%s': %s", hub,
			       nc_strerror(ret));
	if (type != NC_DEVICE_EDGE)
		return nc_fail(op->ei, NC_ERR_INVAL, "hub",
			       "a connector cannot be the hub: %s is a connector", hub);
	return 0;
}

/* Makes serial (a device of the tenant) a member with a peering address. */
static int join(struct nc_peering_op *op, const char *serial)
{
	struct nc_member m = {0};
	char addr[NC_CIDR_MAX];
	int ret;

	snprintf(m.tenant, sizeof(m.tenant), "%s", op->p.tenant);
	snprintf(m.peering, sizeof(m.peering), "%s", op->p.name);
	snprintf(m.serial, sizeof(m.serial), "%s", serial);
	ret = nc_store_member_insert(op->c->store, &m);
	if (ret == NC_ERR_EXISTS)
		return nc_fail(op->ei, ret, "serial", "%s is already a member of %s", serial,
			       op->p.name);
	if (ret == NC_ERR_NOTFOUND)
		return nc_fail(op->ei, ret, "serial", "device `%s' not found", serial);
	if (ret < 0)
		return nc_fail(op->ei, ret, NULL, "cannot add %s to %s: %s", serial, op->p.name,
			       nc_strerror(ret));
	ret = nc_ipam_peering(op->c->store, op->p.tenant, op->p.name, serial, 0, addr, op->ei);
	if (ret == 0)
		ret = nc_peering_op_dirty(op, serial, "joined peering %s", op->p.name);
	return ret;
}

int nc_core_peering_create(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			   const struct nc_peering *p, struct nc_errinfo *ei)
{
	struct nc_peering_op op;
	int ret = nc_peering_op_begin(&op, c, ei);

	if (ret < 0)
		return ret;
	op.p = *p;
	ret = nc_core_create_tenant(c, tenant, op.p.tenant, "peering", op.p.name, ei);
	if (ret < 0)
		goto out;
	op.p.created_at = op.p.updated_at = time(NULL);
	ret = nc_peering_validate(&op.p, ei);
	if (ret == 0 && op.p.topology == NC_TOPO_HUB_SPOKE)
		ret = check_hub(&op, op.p.hub);
	if (ret < 0)
		goto out;
	ret = nc_store_peering_insert(c->store, &op.p);
	if (ret == NC_ERR_EXISTS)
		nc_fail(ei, ret, "name", "peering `%s' already exists", op.p.name);
	else if (ret == NC_ERR_NOTFOUND)
		nc_fail(ei, ret, "tenant", "tenant `%s' not found", op.p.tenant);
	else if (ret < 0)
		nc_fail(ei, ret, NULL, "cannot store peering `%s': %s", op.p.name,
			nc_strerror(ret));
	if (ret == 0 && op.p.hub[0])
		ret = join(&op, op.p.hub);
out:
	return nc_peering_op_finish(&op, ret, actor, NULL, "create", "peering");
}

/* Appends ": what" to the reason in out, or ", what" after the first. */
static void reason_part(char out[NC_REASON_MAX], const char *what, const char *value)
{
	size_t n = strlen(out);

	snprintf(out + n, NC_REASON_MAX - n, "%s%s%s", strchr(out, ':') ? ", " : ": ", what, value);
}

/* The dirty reason of an update from old to p, e.g. "peering pm: protocol changed to ipsec". */
static void update_reason(const struct nc_peering *old, const struct nc_peering *p,
			  char out[NC_REASON_MAX])
{
	snprintf(out, NC_REASON_MAX, "peering %s", p->name);
	if (p->topology != old->topology)
		reason_part(out, "topology changed to ", nc_topology_name(p->topology));
	if (p->protocol != old->protocol)
		reason_part(out, "protocol changed to ", nc_protocol_name(p->protocol));
	if (p->dual_tunnel != old->dual_tunnel)
		reason_part(out, "dual tunnel ", p->dual_tunnel ? "on" : "off");
	if (p->hub[0] && strcmp(p->hub, old->hub) != 0)
		reason_part(out, "hub changed to ", p->hub);
}

/*
 * A topology change re-derives mesh and hub_spoke links; switching to
 * partial_mesh keeps the links there are, which become hand-made. Leaving
 * hub_spoke clears the hub unless the patch names one (then refused).
 */
int nc_core_peering_update(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			   const char *name, const json_t *patch, struct nc_peering *out,
			   struct nc_errinfo *ei)
{
	struct nc_peering old;
	struct nc_member *m = NULL;
	char reason[NC_REASON_MAX];
	size_t nm = 0;
	bool changed = false, regen = false;
	struct nc_peering_op op;
	int ret = nc_peering_op_open(&op, c, tenant, name, ei);

	if (ret < 0)
		return ret;
	old = op.p;
	ret = nc_peering_from_json(patch, &op.p, NC_DECODE_PATCH, ei);
	if (ret < 0)
		goto out;
	if (op.p.topology != NC_TOPO_HUB_SPOKE && !json_object_get(patch, "hub"))
		op.p.hub[0] = '\0';
	ret = nc_peering_validate(&op.p, ei);
	if (ret < 0)
		goto out;
	regen = op.p.protocol != old.protocol;
	changed = regen || op.p.topology != old.topology || op.p.dual_tunnel != old.dual_tunnel ||
		  strcmp(op.p.hub, old.hub) != 0;
	if (!changed)
		goto out;
	if (op.p.hub[0] && strcmp(op.p.hub, old.hub) != 0) {
		struct nc_member *hm = NULL;
		size_t nhm = 0;

		ret = check_hub(&op, op.p.hub);
		if (ret == 0)
			ret = nc_peering_members(&op, &hm, &nhm);
		if (ret == 0 && !nc_peering_member_find(hm, nhm, op.p.hub))
			ret = join(&op, op.p.hub);
		free(hm);
		if (ret < 0)
			goto out;
	}
	op.p.updated_at = time(NULL);
	ret = nc_store_peering_update(c->store, &op.p);
	if (ret < 0) {
		nc_fail(ei, ret, NULL, "cannot store peering `%s': %s", name, nc_strerror(ret));
		goto out;
	}
	ret = nc_peering_members(&op, &m, &nm);
	if (ret == 0)
		ret = nc_link_reconcile(&op, m, nm, NULL, regen, NULL, NULL);
	update_reason(&old, &op.p, reason);
	for (size_t i = 0; i < nm && ret == 0; i++)
		ret = nc_peering_op_dirty(&op, m[i].serial, "%s", reason);
out:
	free(m);
	ret = nc_peering_op_finish(&op, ret, actor, NULL, changed ? "update" : NULL, "peering");
	if (ret == 0 && out)
		*out = op.p;
	return ret;
}

int nc_core_peering_delete(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			   const char *name, struct nc_errinfo *ei)
{
	struct nc_member *m = NULL;
	size_t nm = 0;
	struct nc_peering_op op;
	int ret = nc_peering_op_open(&op, c, tenant, name, ei);

	if (ret < 0)
		return ret;
	ret = nc_peering_members(&op, &m, &nm);
	for (size_t i = 0; i < nm && ret == 0; i++)
		ret = nc_peering_op_dirty(&op, m[i].serial, "peering %s deleted", op.p.name);
	if (ret < 0)
		goto out;
	ret = nc_ipam_release(c->store, op.p.tenant, NC_IPAM_PEERING, op.p.name, NULL);
	if (ret == 0)
		ret = nc_store_peering_delete(c->store, op.p.tenant, op.p.name);
	if (ret < 0)
		nc_fail(ei, ret, NULL, "cannot delete peering `%s': %s", name, nc_strerror(ret));
out:
	free(m);
	return nc_peering_op_finish(&op, ret, actor, NULL, "delete", "peering");
}

/* A decommissioned connector is gone for good: it joins nothing. */
static int check_joinable(struct nc_peering_op *op, const char *serial, enum nc_device_type type)
{
	struct nc_connector con = {0};
	int ret = 0;

	if (type != NC_DEVICE_CONNECTOR)
		return 0;
	ret = nc_store_connector_get(op->c->store, op->p.tenant, serial, &con);
	if (ret < 0)
		nc_fail(op->ei, ret, "serial", "cannot read connector `%s': %s", serial,
			nc_strerror(ret));
	else if (con.status == NC_STATUS_DECOMMISSIONED)
		ret = nc_fail(op->ei, NC_ERR_CONFLICT, "serial",
			      "%s is decommissioned and cannot join a peering", serial);
	nc_connector_clear(&con);
	return ret;
}

int nc_peering_join(struct nc_peering_op *op, const char *serial)
{
	enum nc_device_type type;
	int ret = nc_store_device_lookup(op->c->store, op->p.tenant, serial, &type, NULL);

	if (ret == NC_ERR_NOTFOUND)
		nc_fail(op->ei, ret, "serial", "device `%s' not found", serial);
	else if (ret < 0)
		nc_fail(op->ei, ret, "serial", "cannot look up `%s': %s", serial, nc_strerror(ret));
	if (ret == 0)
		ret = check_joinable(op, serial, type);
	if (ret == 0)
		ret = join(op, serial);
	return ret;
}

/* Whether the spokes of p reach each other through its hub (WireGuard hub and spoke). */
static bool spokes_meet(const struct nc_peering *p)
{
	return p->topology == NC_TOPO_HUB_SPOKE && p->protocol == NC_PROTO_WIREGUARD;
}

int nc_core_member_add(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		       const char *peering, const char *serial, struct nc_errinfo *ei)
{
	struct nc_member *m = NULL;
	struct nc_topo_link *added = NULL;
	size_t nm = 0, na = 0;
	struct nc_peering_op op;
	int ret = nc_peering_op_open(&op, c, tenant, peering, ei);

	if (ret < 0)
		return ret;
	ret = nc_peering_join(&op, serial);
	if (ret == 0)
		ret = nc_peering_members(&op, &m, &nm);
	if (ret == 0)
		ret = nc_link_reconcile(&op, m, nm, serial, false, &added, &na);
	for (size_t i = 0; i < na && ret == 0; i++) {
		const char *peer = strcmp(added[i].a, serial) == 0 ? added[i].b : added[i].a;

		ret = nc_peering_op_dirty(&op, peer, "link %s" NC_ARROW "%s added", peer, serial);
	}
	/* The other spokes reach a new spoke through the hub. */
	for (size_t i = 0; ret == 0 && spokes_meet(&op.p) && i < nm; i++) {
		if (strcmp(m[i].serial, serial) != 0 && strcmp(m[i].serial, op.p.hub) != 0)
			ret = nc_peering_op_dirty(&op, m[i].serial, "spoke %s joined %s", serial,
						  op.p.name);
	}
	free(added);
	free(m);
	return nc_peering_op_finish(&op, ret, actor, serial, "add", "member");
}

int nc_core_member_remove(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			  const char *peering, const char *serial, struct nc_errinfo *ei)
{
	struct nc_link *l = NULL;
	size_t nl = 0;
	struct nc_peering_op op;
	int ret = nc_peering_op_open(&op, c, tenant, peering, ei);

	if (ret < 0)
		return ret;
	if (op.p.topology == NC_TOPO_HUB_SPOKE && strcmp(op.p.hub, serial) == 0) {
		ret = nc_fail(ei, NC_ERR_CONFLICT, "serial",
			      "%s is the hub of %s: change the hub first", serial, op.p.name);
		goto out;
	}
	/* Its own links, or every link when the other spokes reach it through the hub. */
	ret = spokes_meet(&op.p)
		      ? nc_store_link_list(c->store, op.p.tenant, op.p.name, &l, &nl)
		      : nc_store_link_list_of(c->store, op.p.tenant, op.p.name, serial, &l, &nl);
	if (ret < 0) {
		nc_fail(ei, ret, NULL, "cannot list the links of %s: %s", op.p.name,
			nc_strerror(ret));
		goto out;
	}
	/* The store's member delete takes its links along. */
	ret = nc_store_member_delete(c->store, op.p.tenant, op.p.name, serial);
	if (ret == NC_ERR_NOTFOUND)
		nc_fail(ei, ret, "serial", "%s is not a member of %s", serial, op.p.name);
	else if (ret < 0)
		nc_fail(ei, ret, NULL, "cannot remove %s from %s: %s", serial, op.p.name,
			nc_strerror(ret));
	if (ret == 0) {
		ret = nc_ipam_release(c->store, op.p.tenant, NC_IPAM_PEERING, op.p.name, serial);
		if (ret < 0)
			nc_fail(ei, ret, NULL, "cannot release the address of %s in %s: %s", serial,
				op.p.name, nc_strerror(ret));
	}
	if (ret == 0)
		ret = nc_peering_op_dirty(&op, serial, "left peering %s", op.p.name);
	for (size_t i = 0; i < nl && ret == 0; i++) {
		const char *peer = strcmp(l[i].a, serial) == 0 ? l[i].b : l[i].a;

		if (strcmp(l[i].a, serial) == 0 || strcmp(l[i].b, serial) == 0)
			ret = nc_peering_op_dirty(&op, peer, "link %s" NC_ARROW "%s removed", peer,
						  serial);
		/* A hub's other links are the other spokes, which reached serial through it. */
		else if (spokes_meet(&op.p))
			ret = nc_peering_op_dirty(&op,
						  strcmp(l[i].a, op.p.hub) == 0 ? l[i].b : l[i].a,
						  "spoke %s left %s", serial, op.p.name);
	}
out:
	free(l);
	return nc_peering_op_finish(&op, ret, actor, serial, "remove", "member");
}
