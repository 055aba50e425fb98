/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_PEERING_H
#define NC_CORE_PEERING_H

/*
 * Peering groups, members and links. Scope and errors as in core.h.
 *
 * Links: mesh = every pair of members; hub_spoke = hub <-> every other
 * member (the hub, an edge, is a member from creation on); partial_mesh =
 * only the links added by hand (adding one elsewhere is NC_ERR_CONFLICT).
 * Each link has tunnel index 0; with dual_tunnel an edge<->edge link also
 * has index 1. A connector is never a hub (NC_ERR_INVAL, field "hub").
 * IPSec links get, per direction, a unique SPI and a random key; keys are
 * secrets and leave the core only in device batches.
 * Dirty: a link added or removed dirties its two ends only; a member
 * added dirties it and the ends of its new links; a member removed dirties
 * it and its former peers; a changed topology, protocol, dual_tunnel or hub
 * re-derives the links and dirties every member; deleting a group dirties
 * its members. Switching a group to partial_mesh keeps its links, which
 * become hand-made; leaving hub_spoke clears the hub.
 */

#include <jansson.h>

#include "../model/model.h"
#include "core.h"

struct nc_core;
struct nc_actor;
struct nc_errinfo;

/* nc_core_peering_create, _update and _delete (key: the group's name). */
NC_CORE_WRITES_DECLARE(peering);

int nc_core_member_add(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		       const char *peering, const char *serial, struct nc_errinfo *ei);
int nc_core_member_remove(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			  const char *peering, const char *serial, struct nc_errinfo *ei);

/* Partial mesh only. a and b in any order, both members in service:
 * NC_ERR_NOTFOUND for an end that is no device of the tenant,
 * NC_ERR_CONFLICT naming an end that is not a member, or a connector
 * pending approval or decommissioned. */
int nc_core_link_add(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		     const char *peering, const char *a, const char *b, struct nc_errinfo *ei);
int nc_core_link_remove(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			const char *peering, const char *a, const char *b, struct nc_errinfo *ei);

/*
 * The group as `peering show` presents it: the peering's fields plus
 * "members", "links" (no secrets; each with "warning": "no_endpoint" when
 * it is WireGuard and neither end has an endpoint to be dialled at, so its
 * tunnel cannot come up, else null; and what the ends reported, as
 * nc_core_link_tunnel_json adds it) and "isolated" (partial-mesh members
 * without links). New reference in *out.
 */
int nc_core_peering_show(struct nc_core *c, const char *tenant, const char *name, json_t **out,
			 struct nc_errinfo *ei);
/*
 * Member serial's part of group name, as POST .../members answers it: a new
 * {"peering","serial","links":[its links in the group, as peering_show]}.
 * NC_ERR_NOTFOUND for an unknown group.
 */
int nc_core_member_show(struct nc_core *c, const char *tenant, const char *name, const char *serial,
			json_t **out, struct nc_errinfo *ei);

#endif
