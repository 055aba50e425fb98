/* SPDX-License-Identifier: MIT */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/count.h"

void nc_edge_clear(struct nc_edge *e)
{
	if (!e)
		return;
	nc_strlist_clear(&e->lan_subnets);
	memset(e, 0, sizeof(*e));
}

void nc_connector_clear(struct nc_connector *c)
{
	if (!c)
		return;
	nc_strlist_clear(&c->lan_subnets);
	free(c->acl);
	free(c->routes);
	memset(c, 0, sizeof(*c));
}

void nc_sync_clear(struct nc_sync *s)
{
	if (!s)
		return;
	free(s->last_batch);
	free(s->last_confirm);
	memset(s, 0, sizeof(*s));
}

void nc_edge_array_free(struct nc_edge *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		nc_edge_clear(&v[i]);
	free(v);
}

void nc_connector_array_free(struct nc_connector *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		nc_connector_clear(&v[i]);
	free(v);
}

void nc_sync_array_free(struct nc_sync *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		nc_sync_clear(&v[i]);
	free(v);
}

/* Enum names: each table is indexed by the enum value. */
static const char *const role_names[] = {"viewer", "operator", "admin", "enroll"};
static const char *const kind_names[] = {"dedicated", "mtge"};
static const char *const status_names[] = {"pending_approval", "approved", "provisioned",
					   "active",	       "offline",  "decommissioned"};
static const char *const topology_names[] = {"mesh", "hub_spoke", "partial_mesh"};
static const char *const protocol_names[] = {"wireguard", "ipsec"};
static const char *const sync_names[] = {"synced", "pending", "applying", "failed"};
static const char *const link_names[] = {"unknown", "up", "down"};
static const char *const devtype_names[] = {"edge", "connector"};

static const char *name_of(const char *const *names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : "unknown";
}

static int parse_in(const char *const *names, size_t n, const char *s, int *out)
{
	for (size_t i = 0; s && i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	return NC_ERR_INVAL;
}

#define ENUM_FUNCS(fn, type, table)                                                                \
	const char *nc_##fn##_name(type v)                                                         \
	{                                                                                          \
		return name_of(table, NC_COUNT(table), (int)v);                                    \
	}                                                                                          \
	int nc_##fn##_parse(const char *s, type *out)                                              \
	{                                                                                          \
		int v, ret = parse_in(table, NC_COUNT(table), s, &v);                              \
		if (ret == 0)                                                                      \
			*out = (type)v;                                                            \
		return ret;                                                                        \
	}                                                                                          \
	int nc_##fn##_index(const char *s)                                                         \
	{                                                                                          \
		int v;                                                                             \
		return parse_in(table, NC_COUNT(table), s, &v) == 0 ? v : -1;                      \
	}

ENUM_FUNCS(role, enum nc_role, role_names)
ENUM_FUNCS(edge_kind, enum nc_edge_kind, kind_names)
ENUM_FUNCS(status, enum nc_status, status_names)
ENUM_FUNCS(topology, enum nc_topology, topology_names)
ENUM_FUNCS(protocol, enum nc_protocol, protocol_names)
ENUM_FUNCS(sync_state, enum nc_sync_state, sync_names)
ENUM_FUNCS(link_status, enum nc_link_status, link_names)
ENUM_FUNCS(device_type, enum nc_device_type, devtype_names)
