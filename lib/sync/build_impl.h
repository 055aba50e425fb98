/* SPDX-License-Identifier: MIT */
#ifndef NC_SYNC_BUILD_IMPL_H
#define NC_SYNC_BUILD_IMPL_H

/*
 * Shared by build.c (entry points, routes, link peers), build_peering.c
 * (peering interfaces, transit, IPSec) and build_connector.c /
 * build_edge.c (one batch shape each); not part of the
 * sync interface. Every function returns 0 or a negative NC_ERR_*.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../model/model.h"

struct nc_errinfo;
struct nc_snap;
struct nc_render_need;

#define NC_BUILD_MTU		  1420
#define NC_BUILD_KEEPALIVE	  25	/* seconds */
#define NC_BUILD_PORT_BACKBONE	  51820 /* wg0 */
#define NC_BUILD_PORT_PEERING	  51822 /* wg2; wg3 listens on 51823 */
#define NC_BUILD_METRIC_USER	  50	/* a connector's own routes (via a gateway) */
#define NC_BUILD_METRIC_PRIMARY	  100	/* wg0, wg2 */
#define NC_BUILD_METRIC_SECONDARY 200	/* wg3 */

/* One static route: through a tunnel interface (dev) or a gateway (via). */
struct nc_build_route {
	char dst[NC_CIDR_MAX];
	char dev[NC_IFNAME_MAX]; /* "" for a route via a gateway */
	char via[NC_CIDR_MAX];	 /* "" for a route through dev */
	int metric;
	bool transit; /* through a group's hub to one of its other spokes */
};

/* The state of one build. */
struct nc_build {
	const struct nc_snap *snap;    /* borrowed: the batch's tenant */
	struct nc_errinfo *ei;	       /* borrowed; may be NULL */
	char serial[NC_SERIAL_MAX];    /* the device */
	char tenant[NC_ID_MAX];	       /* the batch's tenant */
	char dev_tenant[NC_ID_MAX];    /* the device's own tenant */
	json_t *commands;	       /* owned: the batch so far */
	json_t *notes;		       /* owned */
	struct nc_build_route *routes; /* owned: the static routes so far, unsorted */
	size_t n_routes, cap_routes;
	struct nc_render_need *needs; /* owned: addresses the snapshot lacks, in order of use */
	size_t n_needs;
};

/* A link peer as a batch needs it. */
struct nc_build_peer {
	char serial[NC_SERIAL_MAX];
	enum nc_device_type type;
	bool in_service;       /* always true for an edge */
	enum nc_status status; /* connectors only */
	char public_key[NC_KEY_B64_MAX];
	char host[NC_ENDPOINT_MAX];	/* edges: the endpoint's host; "" for connectors */
	char endpoint[NC_ENDPOINT_MAX]; /* a connector's, as stored ("" : none); "" for edges */
	struct nc_strlist lans;
};

/* Approved, provisioned, active or offline: the statuses that get config and are peers. */
bool nc_build_in_service(enum nc_status s);

/* json_object_set_new / json_array_append_new that steal v (NULL included): 0 or NOMEM. */
int nc_build_set(json_t *obj, const char *key, json_t *v);
int nc_build_push(json_t *arr, json_t *v);
/* The end of a body built in v: when ret is 0, *out = {key: v}, else v is
 * freed. Steals v; returns ret, or NOMEM. */
int nc_build_wrap(int ret, const char *key, json_t *v, json_t **out);

/* Appends a printf sentence to b->notes. */
int nc_build_note(struct nc_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends {"index":n,"topic":topic,"body":body} to b->commands; steals body. */
int nc_build_command(struct nc_build *b, const char *topic, json_t *body);

/*
 * Appends the "wireguard" command of interfaces (borrowed) and then, when
 * *ipsec is not NULL, the "ipsec" command of *ipsec, which it steals
 * (*ipsec set to NULL) once the first command is in.
 */
int nc_build_tunnel_commands(struct nc_build *b, json_t *interfaces, json_t **ipsec);

/* Records a static route (dev or via, the other NULL). */
int nc_build_route(struct nc_build *b, const char *dst, const char *dev, const char *via,
		   int metric);
/* Records a route to each of lans through dev. */
int nc_build_route_lans(struct nc_build *b, const struct nc_strlist *lans, const char *dev,
			int metric);
/*
 * The static body {"routes":[...]} from the recorded routes, in order of
 * (dst, metric) by bytes. Of routes with the same dst and metric one is
 * kept and the others are noted: one through a peering interface before
 * one through the backbone (wg0), then the first by (dev, via). New
 * reference.
 */
int nc_build_static_body(struct nc_build *b, json_t **out);

/*
 * Tunnel addresses from the snapshot (nc_snap_addr_*). One the snapshot
 * does not have is recorded in b->needs (once) and "0.0.0.0/32" stands in
 * for it: the batch is then not to be used. 0, or NC_ERR_NOMEM.
 */
int nc_build_addr_hub(struct nc_build *b, const char *hub, char addr[NC_CIDR_MAX]);
int nc_build_addr_backbone(struct nc_build *b, const char *hub, const char *serial,
			   char addr[NC_CIDR_MAX]);
int nc_build_addr_peering(struct nc_build *b, const char *group, const char *serial, int ti,
			  char addr[NC_CIDR_MAX]);

/* Peer `serial` of the device's tenant; clear it with nc_build_peer_clear. */
int nc_build_peer_get(struct nc_build *b, const char *serial, struct nc_build_peer *out);
void nc_build_peer_clear(struct nc_build_peer *p);

/*
 * The device's peering groups (of its own tenant): appends wg2, and for an
 * edge wg3, to interfaces (borrowed), records their routes, and sets
 * *ipsec to the ipsec body, a new reference, or NULL when the device is in
 * no IPSec group. edge_host: an edge's endpoint host (its IPSec outer
 * address); NULL for a connector (no wg3; its IPSec outer address is its
 * peering address in the group).
 */
int nc_build_peering(struct nc_build *b, const char *edge_host, json_t *interfaces, json_t **ipsec);

/* The two batch shapes: b->serial is a connector, resp. an edge. */
int nc_build_connector(struct nc_build *b);
int nc_build_edge(struct nc_build *b);

#endif
