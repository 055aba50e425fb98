/* SPDX-License-Identifier: MIT */
/* The snapshot of a tenant's intent (snapshot.h): loading, freeing, lookups. */
#include "snapshot.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/ipam.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/xmalloc.h"

static int cmp_edge(const void *x, const void *y)
{
	return strcmp(((const struct nc_edge *)x)->serial, ((const struct nc_edge *)y)->serial);
}

/* nc_store_edge_each: moves e to the end of snapshot arg's edges. */
static int take_edge(struct nc_edge *e, void *arg)
{
	struct nc_snap *s = arg;

	s->edges = nc_xrealloc(s->edges, (s->n_edges + 1) * sizeof(*s->edges));
	s->edges[s->n_edges++] = *e;
	memset(e, 0, sizeof(*e));
	return 0;
}

/* As take_edge(), for an edge of another tenant than the snapshot's only. */
static int take_other_edge(struct nc_edge *e, void *arg)
{
	const struct nc_snap *s = arg;

	return strcmp(e->tenant, s->tenant) == 0 ? 0 : take_edge(e, arg);
}

int nc_snap_take_connector(struct nc_snap *s, struct nc_connector *c)
{
	s->connectors = nc_xrealloc(s->connectors, (s->n_connectors + 1) * sizeof(*c));
	s->connectors[s->n_connectors++] = *c;
	memset(c, 0, sizeof(*c));
	return 0;
}

static int take(struct nc_connector *c, void *snap)
{
	return nc_snap_take_connector(snap, c);
}

static int load_connectors(struct nc_store *st, struct nc_snap *s)
{
	struct nc_connector_filter f = {.tenant = s->tenant, .status = -1};

	return nc_store_connector_each(st, &f, take, s);
}

/* The members and links of every group, appended group by group (groups by name). */
static int load_groups(struct nc_store *st, struct nc_snap *s)
{
	struct nc_member *m;
	struct nc_link *l;
	size_t n;
	int ret = nc_store_peering_list(st, s->tenant, &s->peerings, &s->n_peerings);

	for (size_t i = 0; ret == 0 && i < s->n_peerings; i++) {
		m = NULL;
		n = 0;
		ret = nc_store_member_list(st, s->tenant, s->peerings[i].name, &m, &n);
		if (ret == 0 && n > 0) {
			s->members = nc_xrealloc(s->members, (s->n_members + n) * sizeof(*m));
			memcpy(s->members + s->n_members, m, n * sizeof(*m));
			s->n_members += n;
		}
		free(m);
		l = NULL;
		n = 0;
		if (ret == 0)
			ret = nc_store_link_list(st, s->tenant, s->peerings[i].name, &l, &n);
		if (ret == 0 && n > 0) {
			s->links = nc_xrealloc(s->links, (s->n_links + n) * sizeof(*l));
			memcpy(s->links + s->n_links, l, n * sizeof(*l));
			s->n_links += n;
		}
		if (l)
			OPENSSL_cleanse(l, n * sizeof(*l));
		free(l);
	}
	return ret;
}

static int load(struct nc_store *st, struct nc_snap *s, void *unused)
{
	struct nc_edge_filter own = {.tenant = s->tenant, .kind = -1};
	struct nc_edge_filter mtge = {.tenant = NULL, .kind = NC_EDGE_MTGE};
	int ret = nc_store_edge_each(st, &own, take_edge, s);

	if (ret == 0)
		ret = nc_store_edge_each(st, &mtge, take_other_edge, s);
	if (ret == 0 && s->n_edges > 1)
		qsort(s->edges, s->n_edges, sizeof(*s->edges), cmp_edge);
	if (ret == 0)
		ret = load_connectors(st, s);
	if (ret == 0)
		ret = load_groups(st, s);
	if (ret == 0)
		ret = nc_store_addr_list(st, s->tenant, NULL, NULL, &s->addrs, &s->n_addrs);
	return ret;
}

static int cmp_addr(const void *x, const void *y)
{
	const struct nc_addr_row *a = x, *b = y;
	int c = strcmp(a->pool, b->pool);

	return c ? c : strcmp(a->owner, b->owner);
}

int nc_snap_load_with(struct nc_store *st, const char *tenant, struct nc_snap *out,
		      int (*fill)(struct nc_store *st, struct nc_snap *s, void *arg), void *arg)
{
	struct nc_tenant t;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!st || !tenant || strlen(tenant) >= sizeof(out->tenant))
		return NC_ERR_INVAL;
	snprintf(out->tenant, sizeof(out->tenant), "%s", tenant);
	ret = nc_store_begin(st);
	if (ret < 0)
		return ret;
	ret = nc_store_tenant_get(st, out->tenant, &t);
	out->tenant_found = ret == 0;
	if (ret == 0)
		ret = fill(st, out, arg);
	else if (ret == NC_ERR_NOTFOUND)
		ret = 0;
	if (ret == 0 && out->n_addrs > 1)
		qsort(out->addrs, out->n_addrs, sizeof(*out->addrs), cmp_addr);
	if (ret == 0)
		out->addrs_sorted = true;
	/* Nothing was written: ending the read either way is the same. */
	nc_store_rollback(st);
	if (ret < 0)
		nc_snap_clear(out);
	return ret;
}

int nc_snap_load(struct nc_store *st, const char *tenant, struct nc_snap *out)
{
	return nc_snap_load_with(st, tenant, out, load, NULL);
}

void nc_snap_clear(struct nc_snap *s)
{
	nc_edge_array_free(s->edges, s->n_edges);
	nc_connector_array_free(s->connectors, s->n_connectors);
	free(s->peerings);
	free(s->members);
	if (s->links)
		OPENSSL_cleanse(s->links, s->n_links * sizeof(*s->links));
	free(s->links);
	free(s->addrs);
	memset(s, 0, sizeof(*s));
}

/* Lookups */

const struct nc_edge *nc_snap_edge(const struct nc_snap *s, const char *serial)
{
	struct nc_edge key;

	if (s->n_edges == 0 || strlen(serial) >= sizeof(key.serial))
		return NULL;
	snprintf(key.serial, sizeof(key.serial), "%s", serial);
	return bsearch(&key, s->edges, s->n_edges, sizeof(key), cmp_edge);
}

const struct nc_connector *nc_snap_connector(const struct nc_snap *s, const char *serial)
{
	for (size_t i = 0; i < s->n_connectors; i++) {
		if (strcmp(s->connectors[i].serial, serial) == 0)
			return &s->connectors[i];
	}
	return NULL;
}

const struct nc_peering *nc_snap_peering(const struct nc_snap *s, const char *name)
{
	for (size_t i = 0; i < s->n_peerings; i++) {
		if (strcmp(s->peerings[i].name, name) == 0)
			return &s->peerings[i];
	}
	return NULL;
}

/* The index owner holds in pool: 0, or NC_ERR_NOTFOUND. A hub's batch asks
 * for each of its connectors: a search, not a walk, of the sorted rows. */
static int addr_idx(const struct nc_snap *s, const char *pool, const char *owner, uint32_t *idx)
{
	struct nc_addr_row key = {0}, *r;

	if (s->n_addrs == 0)
		return NC_ERR_NOTFOUND;
	if (s->addrs_sorted) {
		snprintf(key.pool, sizeof(key.pool), "%s", pool);
		snprintf(key.owner, sizeof(key.owner), "%s", owner);
		r = bsearch(&key, s->addrs, s->n_addrs, sizeof(*s->addrs), cmp_addr);
		if (r)
			*idx = r->idx;
		return r ? 0 : NC_ERR_NOTFOUND;
	}
	for (size_t i = 0; i < s->n_addrs; i++) {
		if (strcmp(s->addrs[i].pool, pool) == 0 && strcmp(s->addrs[i].owner, owner) == 0) {
			*idx = s->addrs[i].idx;
			return 0;
		}
	}
	return NC_ERR_NOTFOUND;
}

int nc_snap_addr_hub(const struct nc_snap *s, const char *hub, char addr[NC_CIDR_MAX])
{
	uint32_t block;
	int ret = addr_idx(s, "hub", hub, &block);

	if (ret == 0)
		nc_ipam_hub_text(block, addr);
	return ret;
}

/* The block key holds in pool block_pool, and the index serial holds in pool "<prefix>:<key>". */
static int block_idx(const struct nc_snap *s, const char *block_pool, const char *prefix,
		     const char *key, const char *serial, uint32_t *block, uint32_t *idx)
{
	char pool[NC_NAME_MAX + NC_SERIAL_MAX + 4];
	int ret = addr_idx(s, block_pool, key, block);

	snprintf(pool, sizeof(pool), "%s:%s", prefix, key);
	if (ret == 0)
		ret = addr_idx(s, pool, serial, idx);
	return ret;
}

int nc_snap_addr_backbone(const struct nc_snap *s, const char *hub, const char *serial,
			  char addr[NC_CIDR_MAX])
{
	uint32_t block, idx;
	int ret = block_idx(s, "hub", "bb", hub, serial, &block, &idx);

	if (ret == 0)
		nc_ipam_backbone_text(block, idx, addr);
	return ret;
}

int nc_snap_addr_peering(const struct nc_snap *s, const char *group, const char *serial,
			 int tunnel_index, char addr[NC_CIDR_MAX])
{
	uint32_t block, idx;
	int ret = block_idx(s, "peering", "pm", group, serial, &block, &idx);

	if (ret == 0)
		nc_ipam_peering_text(block, idx, tunnel_index, addr);
	return ret;
}
