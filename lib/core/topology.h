/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_TOPOLOGY_H
#define NC_CORE_TOPOLOGY_H

/*
 * The links a peering group's topology derives from its members. Pure: no
 * I/O, no store, so the rules are tested on their own.
 *
 *   mesh          every pair of members
 *   hub_spoke     the hub with every other member
 *   partial_mesh  none: its links are made by hand
 *
 * Every link has tunnel index 0 (wg2); with dual_tunnel an edge<->edge
 * link also has index 1 (wg3). A link with a connector at either end
 * never gets index 1.
 */

#include <stdbool.h>
#include <stddef.h>

#include "../model/model.h"

/* One tunnel of a derived link, a < b by strcmp. a and b are borrowed. */
struct nc_topo_link {
	const char *a;
	const char *b;
	int tunnel_index;
};

/*
 * The tunnel indexes a link between members of types ta and tb gets in a
 * group with dual_tunnel, written to idx in increasing order. Returns their
 * number: 1 ({0}) or 2 ({0, 1}, edge<->edge with dual_tunnel).
 */
size_t nc_topology_tunnels(bool dual_tunnel, enum nc_device_type ta, enum nc_device_type tb,
			   int idx[2]);

/*
 * The links a group derives: for topology t with hub (hub_spoke only; NULL
 * or "" otherwise, and ignored) and dual_tunnel, from the n members (only
 * serial and type are read). *out is a heap array of *n_out tunnels sorted
 * by (a, b, tunnel_index), freed with free(), NULL when *n_out is 0; its a
 * and b point into members[].serial and live as long as members does.
 * Returns 0; NC_ERR_INVAL for a serial given twice, or for hub_spoke a hub
 * that is not among the members or is a connector; NC_ERR_NOMEM.
 */
int nc_topology_links(enum nc_topology t, const char *hub, bool dual_tunnel,
		      const struct nc_member *members, size_t n, struct nc_topo_link **out,
		      size_t *n_out);
/* The same, only the tunnels with focus (a member's serial) at one end:
 * what changes when that member joins or leaves. */
int nc_topology_links_of(enum nc_topology t, const char *hub, bool dual_tunnel,
			 const struct nc_member *members, size_t n, const char *focus,
			 struct nc_topo_link **out, size_t *n_out);

/* Orders tunnels by (a, b, tunnel_index) for qsort and bsearch. */
int nc_topology_cmp(const void *x, const void *y);

#endif
