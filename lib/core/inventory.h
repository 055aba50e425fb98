/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_INVENTORY_H
#define NC_CORE_INVENTORY_H

/*
 * Edges, connectors and their lifecycle. Scope and errors as in core.h.
 * Updates take a JSON patch (members as in the REST API; absent members
 * keep their value) so that read, change and write are one transaction.
 *
 * Dirty marking (the reason is shown to operators):
 *   edge created                  the edge
 *   edge endpoint/LAN changed     the edge, connectors hubbed on it, link peers
 *   edge kind changed             the edge
 *   edge other fields changed     nothing (not part of any device's config)
 *   connector approved            the connector, its hub and its link peers
 *   connector hub changed         the connector, the old hub, the new hub
 *   connector LAN changed         the connector, its hub, its link peers
 *   connector endpoint changed    the devices it shares a link with (they dial it)
 *   connector NAT/ACL/routes      the connector
 *   connector decommissioned      its hub and link peers (it gets no more config)
 *   device deleted                its hub (connector) and link peers
 * A connector in pending_approval or decommissioned is no one's peer. Link
 * peers include the other spokes of a WireGuard hub-and-spoke group the
 * device is a spoke of: the hub carries its address and LANs to them.
 */

#include <jansson.h>

#include "../model/model.h"
#include "core.h"

struct nc_core;
struct nc_actor;
struct nc_errinfo;

/*
 * nc_core_edge_create, _update and _delete (key: the serial). Delete is
 * NC_ERR_CONFLICT while connectors or a hub_spoke peering use it as hub.
 */
NC_CORE_WRITES_DECLARE(edge);
/*
 * nc_core_connector_create, _update and _delete (key: the serial). Create
 * makes a connector in pending_approval (its status field is ignored).
 */
NC_CORE_WRITES_DECLARE(connector);

/*
 * Creates the n connectors of v (each as nc_core_connector_create would,
 * with the same checks, in order: an item is checked against the ones
 * before it as against stored ones) in one transaction: all of them, or
 * none. v's items are filled in as created (tenant, status, times): each
 * is then the connector as stored. On failure
 * *failed is the index of the item refused (ei explains it, as a create of
 * that one alone would), or n when the failure was no item's. The `dirty'
 * events are told after the commit, then one audit event per connector.
 */
int nc_core_connector_create_many(struct nc_core *c, const struct nc_actor *actor,
				  const char *tenant, struct nc_connector *v, size_t n,
				  size_t *failed, struct nc_errinfo *ei);

/*
 * The lifecycle: pending_approval -> approved -> provisioned -> active <->
 * offline; any -> decommissioned (terminal). Whether from -> to is allowed.
 */
bool nc_core_transition_ok(enum nc_status from, enum nc_status to);
/*
 * Moves a connector to status `to`; a refused transition is
 * NC_ERR_CONFLICT naming the current and requested state. Emits a
 * `lifecycle` event and applies the dirty rules above. *out may be NULL.
 */
int nc_core_connector_transition(struct nc_core *c, const struct nc_actor *actor,
				 const char *tenant, const char *serial, enum nc_status to,
				 struct nc_connector *out, struct nc_errinfo *ei);
/*
 * nc_core_connector_transition for each of the n serials, in order, in one
 * transaction: all of them move, or none. out (n zeroed connectors, or
 * NULL) receives each connector as it became; the caller clears them on
 * every path. *failed as for nc_core_connector_create_many; the events are
 * emitted after the commit.
 */
int nc_core_connector_transition_many(struct nc_core *c, const struct nc_actor *actor,
				      const char *tenant, const char *const *serials, size_t n,
				      enum nc_status to, struct nc_connector *out, size_t *failed,
				      struct nc_errinfo *ei);

#endif
