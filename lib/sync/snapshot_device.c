/* SPDX-License-Identifier: MIT */
/*
 * The part of a tenant's snapshot one device's batch reads
 * (nc_snap_load_device, snapshot.h): the device, its hub or the
 * connectors hubbed on it, its groups with their members and links, the
 * devices at the other end of those links, and the address pools of them.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store.h"
#include "../util/err.h"
#include "../util/xmalloc.h"
#include "snapshot.h"

static int cmp_edge(const void *x, const void *y)
{
	return strcmp(((const struct nc_edge *)x)->serial, ((const struct nc_edge *)y)->serial);
}

static int cmp_connector(const void *x, const void *y)
{
	return strcmp(((const struct nc_connector *)x)->serial,
		      ((const struct nc_connector *)y)->serial);
}

/* Adds device serial of the tenant (or an MTGE of any) unless s has it; absent is no error. */
static int add_device(struct nc_store *st, struct nc_snap *s, const char *serial)
{
	struct nc_edge e = {0};
	struct nc_connector c = {0};
	int ret = 0;

	if (nc_snap_edge(s, serial) || nc_snap_connector(s, serial))
		goto out;
	ret = nc_store_edge_get(st, NULL, serial, &e);
	if (ret == 0 && (strcmp(e.tenant, s->tenant) == 0 || e.kind == NC_EDGE_MTGE)) {
		s->edges = nc_xrealloc(s->edges, (s->n_edges + 1) * sizeof(e));
		s->edges[s->n_edges++] = e;
		memset(&e, 0, sizeof(e));
		qsort(s->edges, s->n_edges, sizeof(e), cmp_edge);
	}
	if (ret != NC_ERR_NOTFOUND)
		goto out;
	ret = nc_store_connector_get(st, s->tenant, serial, &c);
	if (ret == 0) {
		s->connectors = nc_xrealloc(s->connectors, (s->n_connectors + 1) * sizeof(c));
		s->connectors[s->n_connectors++] = c;
		memset(&c, 0, sizeof(c));
	}
out:
	nc_edge_clear(&e);
	nc_connector_clear(&c);
	return ret == NC_ERR_NOTFOUND ? 0 : ret;
}

/* The tenant's connectors hubbed on edge hub, a page at a time. */
static int take_new(struct nc_connector *c, void *snap)
{
	return nc_snap_connector(snap, c->serial) ? 0 : nc_snap_take_connector(snap, c);
}

static int add_hubbed(struct nc_store *st, struct nc_snap *s, const char *hub)
{
	struct nc_connector_filter f = {.tenant = s->tenant, .status = -1, .hub = hub};

	return nc_store_connector_each(st, &f, take_new, s);
}

/* Group g of the tenant with its members, links and their ends, and its pool "pm:<g>". */
static int add_group(struct nc_store *st, struct nc_snap *s, const char *g)
{
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	char pool[NC_NAME_MAX + 4];
	size_t n = 0, nl = 0;
	int ret;

	s->peerings = nc_xrealloc(s->peerings, (s->n_peerings + 1) * sizeof(*s->peerings));
	ret = nc_store_peering_get(st, s->tenant, g, &s->peerings[s->n_peerings]);
	if (ret < 0)
		goto out;
	s->n_peerings++;
	ret = nc_store_member_list(st, s->tenant, g, &m, &n);
	if (ret == 0 && n > 0) {
		s->members = nc_xrealloc(s->members, (s->n_members + n) * sizeof(*m));
		memcpy(s->members + s->n_members, m, n * sizeof(*m));
		s->n_members += n;
	}
	if (ret == 0)
		ret = nc_store_link_list(st, s->tenant, g, &l, &nl);
	if (ret == 0 && nl > 0) {
		s->links = nc_xrealloc(s->links, (s->n_links + nl) * sizeof(*l));
		memcpy(s->links + s->n_links, l, nl * sizeof(*l));
		s->n_links += nl;
	}
	for (size_t i = 0; ret == 0 && i < nl; i++) {
		ret = add_device(st, s, l[i].a);
		if (ret == 0)
			ret = add_device(st, s, l[i].b);
	}
	snprintf(pool, sizeof(pool), "pm:%s", g);
	if (ret == 0)
		ret = nc_store_addr_list(st, s->tenant, pool, NULL, &s->addrs, &s->n_addrs);
out:
	free(m);
	if (l)
		OPENSSL_cleanse(l, nl * sizeof(*l));
	free(l);
	return ret;
}

/* The device's groups (of its own tenant, which is the snapshot's). */
static int add_groups(struct nc_store *st, struct nc_snap *s, const char *serial)
{
	struct nc_member *m = NULL;
	size_t n = 0;
	int ret = nc_store_member_list_by_device(st, serial, &m, &n);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (strcmp(m[i].tenant, s->tenant) == 0)
			ret = add_group(st, s, m[i].peering);
	}
	free(m);
	return ret;
}

static int load_device(struct nc_store *st, struct nc_snap *s, void *device)
{
	const char *serial = device;
	const struct nc_connector *c;
	const struct nc_edge *e;
	char pool[NC_SERIAL_MAX + 4], hub[NC_SERIAL_MAX] = "";
	int ret = add_device(st, s, serial);

	e = ret == 0 ? nc_snap_edge(s, serial) : NULL;
	c = ret == 0 ? nc_snap_connector(s, serial) : NULL;
	if (e)
		snprintf(hub, sizeof(hub), "%s", serial);
	else if (c)
		snprintf(hub, sizeof(hub), "%s", c->hub_edge);
	if (e)
		ret = add_hubbed(st, s, serial);
	else if (c && hub[0])
		ret = add_device(st, s, hub);
	if (ret == 0 && ((e && strcmp(e->tenant, s->tenant) == 0) || c))
		ret = add_groups(st, s, serial);
	snprintf(pool, sizeof(pool), "bb:%s", hub);
	/* A hub reads its pool whole; a connector on a hub, its own address and the hub's. */
	if (ret == 0 && hub[0])
		ret = nc_store_addr_list(st, s->tenant, "hub", hub, &s->addrs, &s->n_addrs);
	if (ret == 0 && hub[0])
		ret = nc_store_addr_list(st, s->tenant, pool, e ? NULL : serial, &s->addrs,
					 &s->n_addrs);
	if (ret == 0 && s->n_peerings > 0)
		ret = nc_store_addr_list(st, s->tenant, "peering", NULL, &s->addrs, &s->n_addrs);
	if (ret == 0 && s->n_connectors > 1)
		qsort(s->connectors, s->n_connectors, sizeof(*s->connectors), cmp_connector);
	return ret;
}

int nc_snap_load_device(struct nc_store *st, const char *tenant, const char *serial,
			struct nc_snap *out)
{
	int ret = NC_ERR_INVAL;

	if (serial)
		ret = nc_snap_load_with(st, tenant, out, load_device, (void *)serial);
	else
		memset(out, 0, sizeof(*out));
	return ret;
}
