/* SPDX-License-Identifier: MIT */
/*
 * Connectors: create, update, delete and the lifecycle (inventory.h). Each
 * public function is one store transaction around a static body that
 * validates, writes, moves the backbone address and marks devices dirty;
 * the audit and lifecycle events are emitted once the commit succeeded.
 */
#include "inventory.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../events/events.h"
#include "../model/codec.h"
#include "../model/validate.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/xmalloc.h"
#include "core.h"
#include "credentials.h"
#include "ipam.h"
#include "lan.h"

#define BIT(s) (1u << (s))

/* The lifecycle: the statuses each status may move to. */
static const unsigned next_ok[] = {
	[NC_STATUS_PENDING_APPROVAL] = BIT(NC_STATUS_APPROVED) | BIT(NC_STATUS_DECOMMISSIONED),
	[NC_STATUS_APPROVED] = BIT(NC_STATUS_PROVISIONED) | BIT(NC_STATUS_DECOMMISSIONED),
	[NC_STATUS_PROVISIONED] = BIT(NC_STATUS_ACTIVE) | BIT(NC_STATUS_DECOMMISSIONED),
	[NC_STATUS_ACTIVE] = BIT(NC_STATUS_OFFLINE) | BIT(NC_STATUS_DECOMMISSIONED),
	[NC_STATUS_OFFLINE] = BIT(NC_STATUS_ACTIVE) | BIT(NC_STATUS_DECOMMISSIONED),
	[NC_STATUS_DECOMMISSIONED] = 0,
};

bool nc_core_transition_ok(enum nc_status from, enum nc_status to)
{
	if ((unsigned)from > NC_STATUS_DECOMMISSIONED || (unsigned)to > NC_STATUS_DECOMMISSIONED)
		return false;
	return (next_ok[from] & BIT(to)) != 0;
}

/* Approved up to offline: only then is a connector its hub's and its link peers' peer. */
static bool in_service(enum nc_status s)
{
	return s != NC_STATUS_PENDING_APPROVAL && s != NC_STATUS_DECOMMISSIONED;
}

/* Appends sep and a formatted clause to buf (cap bytes, NUL-terminated). */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t cap, const char *sep,
							 const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len > 0 && len + 1 < cap) {
		snprintf(buf + len, cap - len, "%s", sep);
		len = strlen(buf);
	}
	if (len + 1 < cap) {
		va_start(ap, fmt);
		vsnprintf(buf + len, cap - len, fmt, ap);
		va_end(ap);
	}
}

/* The connector's hub must be an edge of its tenant. */
static int check_hub(struct nc_core *c, const struct nc_connector *n, struct nc_errinfo *ei)
{
	enum nc_device_type type;
	char owner[NC_ID_MAX];
	struct nc_edge hub = {0};
	int ret = nc_store_device_lookup(c->store, NULL, n->hub_edge, &type, owner);

	/* An MTGE is a shared gateway: connectors of every tenant may use it.
	 * Any other hub must be in the connector's tenant, and one of another
	 * tenant is not found, as if absent. */
	if (ret == 0 && type == NC_DEVICE_EDGE && strcmp(owner, n->tenant) != 0) {
		ret = nc_store_edge_get(c->store, NULL, n->hub_edge, &hub);
		if (ret == 0 && hub.kind != NC_EDGE_MTGE)
			ret = NC_ERR_NOTFOUND;
	} else if (ret == 0 && type == NC_DEVICE_CONNECTOR && strcmp(owner, n->tenant) != 0) {
		ret = NC_ERR_NOTFOUND;
	}
	if (ret == NC_ERR_NOTFOUND)
		ret = nc_fail(ei, ret, "hub_edge", "hub edge `%s' not found", n->hub_edge);
	else if (ret == 0 && type == NC_DEVICE_CONNECTOR)
		ret = nc_fail(ei, NC_ERR_INVAL, "hub_edge",
			      "hub_edge: `%s' is a connector, and a connector cannot be a hub",
			      n->hub_edge);
	nc_edge_clear(&hub);
	return ret;
}

static int get_connector(struct nc_core *c, const char *tenant, const char *serial,
			 struct nc_connector *out, struct nc_errinfo *ei)
{
	int ret = nc_store_connector_get(c->store, tenant, serial, out);

	if (ret == NC_ERR_NOTFOUND)
		ret = nc_fail(ei, ret, "serial", "connector `%s' not found", serial);
	return ret;
}

/* Replaces *con with its stored state (fresh updated_at); zeroed on failure. */
static int reload(struct nc_core *c, struct nc_connector *con)
{
	char serial[NC_SERIAL_MAX];

	memcpy(serial, con->serial, sizeof(serial));
	nc_connector_clear(con);
	return nc_store_connector_get(c->store, NULL, serial, con);
}

static bool acl_equal(const struct nc_connector *a, const struct nc_connector *b)
{
	bool eq = a->n_acl == b->n_acl;

	for (size_t i = 0; eq && i < a->n_acl; i++) {
		const struct nc_acl_rule *x = &a->acl[i], *y = &b->acl[i];

		eq = strcmp(x->action, y->action) == 0 && strcmp(x->proto, y->proto) == 0 &&
		     strcmp(x->src, y->src) == 0 && strcmp(x->dst, y->dst) == 0 &&
		     x->dport == y->dport;
	}
	return eq;
}

static bool routes_equal(const struct nc_connector *a, const struct nc_connector *b)
{
	bool eq = a->n_routes == b->n_routes;

	for (size_t i = 0; eq && i < a->n_routes; i++)
		eq = strcmp(a->routes[i].dst, b->routes[i].dst) == 0 &&
		     strcmp(a->routes[i].via, b->routes[i].via) == 0;
	return eq;
}

/* Gives the connector its wg0 address in its hub's block, and the hub its own. */
static int take_backbone(struct nc_core *c, const struct nc_connector *n, struct nc_errinfo *ei)
{
	char addr[NC_CIDR_MAX];
	int ret = nc_ipam_hub(c->store, n->tenant, n->hub_edge, addr, ei);

	if (ret == 0)
		ret = nc_ipam_backbone(c->store, n->tenant, n->hub_edge, n->serial, addr, ei);
	return ret;
}

static int drop_backbone(struct nc_core *c, const struct nc_connector *n)
{
	if (!n->hub_edge[0])
		return 0;
	return nc_ipam_release(c->store, n->tenant, NC_IPAM_BACKBONE, n->hub_edge, n->serial);
}

/* Dirties the hub (if any) and the link peers of an in-service connector. */
static int dirty_around(struct nc_core *c, const struct nc_connector *n, const char *hub_reason,
			const char *peer_reason)
{
	int ret = 0;

	if (n->hub_edge[0])
		ret = nc_core_mark_dirty(c, n->hub_edge, n->tenant, hub_reason);
	if (ret == 0)
		ret = nc_core_dirty_peers(c, n->tenant, n->serial, peer_reason);
	return ret;
}

/*
 * Takes con out of every configuration, for a delete or a decommission:
 * dirties its hub and link peers with the reasons while it was in service,
 * drops its backbone address and revokes its certificates (they stop
 * working at the broker's next reload of the CRL). ei may be NULL.
 */
static int retire(struct nc_core *c, const struct nc_connector *con, const char *hub_reason,
		  const char *peer_reason, struct nc_errinfo *ei)
{
	int ret = 0;

	if (in_service(con->status))
		ret = dirty_around(c, con, hub_reason, peer_reason);
	if (ret == 0)
		ret = drop_backbone(c, con);
	if (ret == 0)
		ret = nc_core_pki_revoke_device(c, con->serial, NULL, ei);
	return ret;
}

/* Public */

static int valid(const void *obj, struct nc_errinfo *ei)
{
	return nc_connector_validate(obj, ei);
}

static int create_tx(struct nc_core *c, const struct nc_core_write *w, void *obj,
		     struct nc_errinfo *ei)
{
	struct nc_connector *n = obj;
	int ret;

	n->status = NC_STATUS_PENDING_APPROVAL;
	/* Stamped here, so that n is what the store holds once created. */
	n->created_at = n->updated_at = time(NULL);
	ret = nc_core_device_admit(c, w, n->tenant, n->serial, &n->lan_subnets, valid, n, ei);
	if (ret == 0 && n->hub_edge[0])
		ret = check_hub(c, n, ei);
	if (ret == 0)
		ret = nc_core_device_inserted(c, nc_store_connector_insert(c->store, n), n->serial,
					      ei);
	if (ret == 0 && n->hub_edge[0])
		ret = take_backbone(c, n, ei);
	if (ret == 0)
		ret = nc_core_device_created(c, w, n->serial, n->tenant);
	return ret;
}

/* "hub changed from A to B" (from A omitted when there was none). */
static void hub_clause(char *buf, size_t cap, const char *who, const struct nc_connector *old,
		       const struct nc_connector *cur)
{
	append(buf, cap, "; ", "hub%s%s changed%s%s to %s", who[0] ? " of " : "", who,
	       old->hub_edge[0] ? " from " : "", old->hub_edge,
	       cur->hub_edge[0] ? cur->hub_edge : "none");
}

/* Marks dirty what an update changed, per the table in inventory.h. */
static int dirty_changes(struct nc_core *c, const struct nc_connector *old,
			 const struct nc_connector *cur)
{
	char self[NC_REASON_MAX] = "", hub[NC_REASON_MAX] = "", lan[NC_REASON_MAX];
	char peers[NC_REASON_MAX] = "";
	bool moved = strcmp(old->hub_edge, cur->hub_edge) != 0;
	bool lan_changed = !nc_strlist_equal(&old->lan_subnets, &cur->lan_subnets);
	bool endpoint_changed = strcmp(old->endpoint, cur->endpoint) != 0;
	bool live = in_service(cur->status);
	int ret = 0;

	snprintf(lan, sizeof(lan), "LAN subnets of %s changed", cur->serial);
	if (lan_changed)
		append(peers, sizeof(peers), "; ", "%s", lan);
	/* Only its link peers dial it: its own batch and its hub's wg0 stay as they are. */
	if (endpoint_changed)
		append(peers, sizeof(peers), "; ", "endpoint of %s changed", cur->serial);
	if (moved) {
		hub_clause(self, sizeof(self), "", old, cur);
		hub_clause(hub, sizeof(hub), cur->serial, old, cur);
	}
	if (lan_changed)
		append(self, sizeof(self), "; ", "%s", lan);
	if (old->nat_enabled != cur->nat_enabled || strcmp(old->wan_interface, cur->wan_interface))
		append(self, sizeof(self), "; ", "NAT changed");
	if (!acl_equal(old, cur))
		append(self, sizeof(self), "; ", "ACL changed (%zu rule%s)", cur->n_acl,
		       cur->n_acl == 1 ? "" : "s");
	if (!routes_equal(old, cur))
		append(self, sizeof(self), "; ", "static routes changed");
	if (self[0])
		ret = nc_core_mark_dirty(c, cur->serial, cur->tenant, self);
	if (ret == 0 && live && moved && old->hub_edge[0])
		ret = nc_core_mark_dirty(c, old->hub_edge, cur->tenant, hub);
	if (ret == 0 && live && cur->hub_edge[0] && (moved || lan_changed))
		ret = nc_core_mark_dirty(c, cur->hub_edge, cur->tenant, moved ? hub : lan);
	if (ret == 0 && live && lan_changed)
		ret = nc_core_dirty_peers(c, cur->tenant, cur->serial, peers);
	else if (ret == 0 && live && endpoint_changed)
		ret = nc_core_dirty_linked(c, cur->tenant, cur->serial, peers);
	return ret;
}

/* A decommissioned connector holds no backbone address, whatever its hub_edge says. */
static int move_backbone(struct nc_core *c, const struct nc_connector *old,
			 const struct nc_connector *cur, struct nc_errinfo *ei)
{
	int ret = drop_backbone(c, old);

	if (ret == 0 && cur->hub_edge[0] && cur->status != NC_STATUS_DECOMMISSIONED)
		ret = take_backbone(c, cur, ei);
	return ret;
}

/* obj receives the updated connector; the caller clears it on every path. */
static int update_tx(struct nc_core *c, const struct nc_core_write *w, void *obj,
		     struct nc_errinfo *ei)
{
	struct nc_connector old = {0}, *res = obj;
	bool moved;
	int ret = get_connector(c, w->scope, w->name, &old, ei);

	/* res: a second copy of the stored connector, for the patch to change. */
	if (ret == 0)
		ret = get_connector(c, w->scope, w->name, res, ei);
	if (ret < 0)
		goto out;
	ret = nc_connector_from_json(w->patch, res, NC_DECODE_PATCH, ei);
	if (ret == 0)
		ret = nc_connector_validate(res, ei);
	if (ret == 0 && res->status != NC_STATUS_DECOMMISSIONED &&
	    !nc_strlist_equal(&old.lan_subnets, &res->lan_subnets))
		ret = nc_core_lan_check(c, res->tenant, res->serial, &res->lan_subnets, ei);
	moved = strcmp(res->hub_edge, old.hub_edge) != 0;
	if (ret == 0 && moved && res->hub_edge[0])
		ret = check_hub(c, res, ei);
	if (ret == 0) {
		res->updated_at = 0;
		ret = nc_store_connector_update(c->store, res);
	}
	if (ret == 0 && moved)
		ret = move_backbone(c, &old, res, ei);
	if (ret == 0)
		ret = dirty_changes(c, &old, res);
	if (ret == 0)
		ret = reload(c, res);
out:
	nc_connector_clear(&old);
	return ret;
}

/* obj receives the connector as it was; the caller clears it. */
static int delete_tx(struct nc_core *c, const struct nc_core_write *w, void *obj,
		     struct nc_errinfo *ei)
{
	const struct nc_connector *old = obj;
	char hub[NC_REASON_MAX], peer[NC_REASON_MAX];
	int ret = get_connector(c, w->scope, w->name, obj, ei);

	if (ret < 0)
		return ret;
	snprintf(hub, sizeof(hub), "connector %s deleted", old->serial);
	snprintf(peer, sizeof(peer), "peer %s deleted", old->serial);
	ret = retire(c, old, hub, peer, ei);
	if (ret == 0)
		ret = nc_core_release_memberships(c, old->serial);
	if (ret == 0)
		ret = nc_store_connector_delete(c->store, old->tenant, old->serial);
	return ret;
}

NC_CORE_DEVICE_WRITES(connector)

/* One connector's move of a transition of many: where it was, and its tenant. */
struct move {
	enum nc_status from;
	char tenant[NC_ID_MAX];
};

/* A write of many connectors (nc_core_write_many), as its items read it. */
struct many {
	const struct nc_actor *actor;
	const char *scope;
	struct nc_connector *v;	    /* create: the connectors */
	const char *const *serials; /* transition: the connectors, */
	struct move *mv;	    /* where each was, */
	struct nc_connector *out;   /* what each became (NULL: not kept), */
	enum nc_status to;	    /* and where they go */
};

/* The outcome ret of a write of n connectors, explained when no item did. */
static int many_done(struct nc_errinfo *ei, int ret, const char *verb, size_t n)
{
	if (ret == 0 || (ei && ei->code == ret && ei->msg[0]))
		return ret;
	return nc_fail(ei, ret, NULL, "cannot %s %zu connectors: %s", verb, n, nc_strerror(ret));
}

static int create_item(struct nc_core *c, void *arg, size_t i, struct nc_errinfo *ei)
{
	struct many *m = arg;
	struct nc_connector *n = &m->v[i];
	struct nc_core_write w = {"create",  "connector", NULL, n->tenant,
				  n->serial, m->scope,	  NULL};

	return nc_core_explain(ei, create_tx(c, &w, n, ei), "create", "connector", n->serial);
}

static void created(struct nc_core *c, void *arg, size_t i)
{
	const struct many *m = arg;

	nc_core_audit(c, m->actor, m->v[i].tenant, m->v[i].serial, "create", "connector");
}

int nc_core_connector_create_many(struct nc_core *c, const struct nc_actor *actor,
				  const char *tenant, struct nc_connector *v, size_t n,
				  size_t *failed, struct nc_errinfo *ei)
{
	struct many m = {.actor = actor, .scope = tenant, .v = v};

	return many_done(ei, nc_core_write_many(c, n, create_item, created, &m, failed, ei),
			 "create", n);
}

/* Lifecycle */

/* CONFLICT naming the current and requested statuses and what is allowed instead. */
static int refuse(const struct nc_connector *con, enum nc_status to, struct nc_errinfo *ei)
{
	const char *from = nc_status_name(con->status);
	char list[128] = "";

	if (con->status == to)
		return nc_fail(ei, NC_ERR_CONFLICT, NULL, "connector %s is already %s", con->serial,
			       from);
	for (int s = NC_STATUS_PENDING_APPROVAL; s <= NC_STATUS_DECOMMISSIONED; s++) {
		if (nc_core_transition_ok(con->status, (enum nc_status)s))
			append(list, sizeof(list), ", ", "%s", nc_status_name((enum nc_status)s));
	}
	if (!list[0])
		return nc_fail(ei, NC_ERR_CONFLICT, NULL,
			       "connector %s is %s: cannot move to %s (%s is terminal)",
			       con->serial, from, nc_status_name(to), from);
	return nc_fail(ei, NC_ERR_CONFLICT, NULL,
		       "connector %s is %s: cannot move to %s (allowed from %s: %s)", con->serial,
		       from, nc_status_name(to), from, list);
}

static int approve(struct nc_core *c, const struct nc_connector *con, struct nc_errinfo *ei)
{
	char reason[NC_REASON_MAX];
	int ret;

	snprintf(reason, sizeof(reason), "connector %s approved", con->serial);
	ret = nc_core_mark_dirty(c, con->serial, con->tenant, reason);
	/* Idempotent: a connector registered by its device may not have its address yet. */
	if (ret == 0 && con->hub_edge[0])
		ret = take_backbone(c, con, ei);
	if (ret == 0 && con->hub_edge[0])
		ret = nc_core_mark_dirty(c, con->hub_edge, con->tenant, reason);
	/* From now on it is a peer: its links' other ends get it. */
	if (ret == 0)
		ret = nc_core_dirty_peers(c, con->tenant, con->serial, reason);
	return ret;
}

/* con still holds the status it had before. */
static int decommission(struct nc_core *c, const struct nc_connector *con)
{
	char reason[NC_REASON_MAX];

	snprintf(reason, sizeof(reason), "connector %s decommissioned", con->serial);
	return retire(c, con, reason, reason, NULL);
}

static int transition_tx(struct nc_core *c, const char *tenant, const char *serial,
			 enum nc_status to, struct nc_connector *res, enum nc_status *from,
			 struct nc_errinfo *ei)
{
	int ret = get_connector(c, tenant, serial, res, ei);

	if (ret == 0) {
		*from = res->status;
		if (!nc_core_transition_ok(res->status, to))
			ret = refuse(res, to, ei);
	}
	if (ret == 0)
		ret = nc_store_connector_set_status(c->store, res->serial, to);
	if (ret == 0 && to == NC_STATUS_APPROVED)
		ret = approve(c, res, ei);
	if (ret == 0 && to == NC_STATUS_DECOMMISSIONED)
		ret = decommission(c, res);
	if (ret == 0)
		ret = reload(c, res);
	return ret;
}

static const char *audit_action(enum nc_status to)
{
	if (to == NC_STATUS_APPROVED)
		return "approve";
	if (to == NC_STATUS_DECOMMISSIONED)
		return "decommission";
	return "transition";
}

/* The events of a committed move of connector serial of tenant from -> to. */
static void moved(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		  const char *serial, enum nc_status from, enum nc_status to)
{
	nc_core_emit(
		c, NC_EV_lifecycle, tenant, serial,
		json_pack("{s:s,s:s}", "from", nc_status_name(from), "to", nc_status_name(to)));
	nc_core_audit(c, actor, tenant, serial, audit_action(to), "connector");
}

static int move_item(struct nc_core *c, void *arg, size_t i, struct nc_errinfo *ei)
{
	struct many *m = arg;
	struct nc_connector res = {0};
	int ret = transition_tx(c, m->scope, m->serials[i], m->to, &res, &m->mv[i].from, ei);

	memcpy(m->mv[i].tenant, res.tenant, sizeof(m->mv[i].tenant));
	if (m->out)
		m->out[i] = res;
	else
		nc_connector_clear(&res);
	return nc_core_explain(ei, ret, "change the status of", "connector", m->serials[i]);
}

static void move_done(struct nc_core *c, void *arg, size_t i)
{
	const struct many *m = arg;

	moved(c, m->actor, m->mv[i].tenant, m->serials[i], m->mv[i].from, m->to);
}

int nc_core_connector_transition_many(struct nc_core *c, const struct nc_actor *actor,
				      const char *tenant, const char *const *serials, size_t n,
				      enum nc_status to, struct nc_connector *out, size_t *failed,
				      struct nc_errinfo *ei)
{
	struct many m = {.actor = actor, .scope = tenant, .serials = serials, .out = out, .to = to};
	int ret;

	m.mv = nc_xcalloc(n ? n : 1, sizeof(*m.mv));
	ret = nc_core_write_many(c, n, move_item, move_done, &m, failed, ei);
	free(m.mv);
	return many_done(ei, ret, "change the status of", n);
}

int nc_core_connector_transition(struct nc_core *c, const struct nc_actor *actor,
				 const char *tenant, const char *serial, enum nc_status to,
				 struct nc_connector *out, struct nc_errinfo *ei)
{
	struct nc_connector res = {0};
	enum nc_status from = to;
	int ret = nc_core_begin(c, ei);

	if (ret == 0)
		ret = nc_core_end(c, transition_tx(c, tenant, serial, to, &res, &from, ei));
	if (ret == 0)
		moved(c, actor, res.tenant, res.serial, from, to);
	if (ret == 0 && out)
		*out = res;
	else
		nc_connector_clear(&res);
	return nc_core_explain(ei, ret, "change the status of", "connector", serial);
}
