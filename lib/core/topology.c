/* SPDX-License-Identifier: MIT */
#include "topology.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"

size_t nc_topology_tunnels(bool dual_tunnel, enum nc_device_type ta, enum nc_device_type tb,
			   int idx[2])
{
	idx[0] = 0;
	idx[1] = 1;
	return dual_tunnel && ta == NC_DEVICE_EDGE && tb == NC_DEVICE_EDGE ? 2 : 1;
}

int nc_topology_cmp(const void *x, const void *y)
{
	const struct nc_topo_link *l = x, *r = y;
	int d = strcmp(l->a, r->a);

	if (d == 0)
		d = strcmp(l->b, r->b);
	if (d == 0)
		d = (l->tunnel_index > r->tunnel_index) - (l->tunnel_index < r->tunnel_index);
	return d;
}

static int cmp_member_ptr(const void *x, const void *y)
{
	const struct nc_member *const *l = x, *const *r = y;

	return strcmp((*l)->serial, (*r)->serial);
}

/* Appends the tunnels of the link between members x and y. */
static void add_pair(const struct nc_member *x, const struct nc_member *y, bool dual_tunnel,
		     struct nc_topo_link *v, size_t *n)
{
	int idx[2];
	size_t k = nc_topology_tunnels(dual_tunnel, x->type, y->type, idx);
	bool x_first = strcmp(x->serial, y->serial) < 0;

	for (size_t i = 0; i < k; i++) {
		v[*n].a = x_first ? x->serial : y->serial;
		v[*n].b = x_first ? y->serial : x->serial;
		v[*n].tunnel_index = idx[i];
		(*n)++;
	}
}

int nc_topology_links(enum nc_topology t, const char *hub, bool dual_tunnel,
		      const struct nc_member *members, size_t n, struct nc_topo_link **out,
		      size_t *n_out)
{
	return nc_topology_links_of(t, hub, dual_tunnel, members, n, NULL, out, n_out);
}

/* Whether the pair x, y is one focus (NULL: every pair) asks for. */
static bool in_focus(const struct nc_member *x, const struct nc_member *y, const char *focus)
{
	return !focus || strcmp(x->serial, focus) == 0 || strcmp(y->serial, focus) == 0;
}

int nc_topology_links_of(enum nc_topology t, const char *hub, bool dual_tunnel,
			 const struct nc_member *members, size_t n, const char *focus,
			 struct nc_topo_link **out, size_t *n_out)
{
	const struct nc_member **sorted = NULL;
	const struct nc_member *h = NULL;
	struct nc_topo_link *v = NULL;
	size_t cap = 0, k = 0;
	int ret = 0;

	*out = NULL;
	*n_out = 0;
	if (n == 0 || t == NC_TOPO_PARTIAL_MESH)
		goto out;
	sorted = calloc(n, sizeof(*sorted));
	if (!sorted) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = &members[i];
	qsort(sorted, n, sizeof(*sorted), cmp_member_ptr);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(sorted[i - 1]->serial, sorted[i]->serial) == 0) {
			ret = NC_ERR_INVAL;
			goto out;
		}
	}
	if (t == NC_TOPO_HUB_SPOKE) {
		for (size_t i = 0; hub && i < n && !h; i++)
			h = strcmp(sorted[i]->serial, hub) == 0 ? sorted[i] : NULL;
		if (!h || h->type != NC_DEVICE_EDGE) {
			ret = NC_ERR_INVAL;
			goto out;
		}
		cap = 2 * (n - 1);
	} else if (focus) {
		cap = 2 * (n - 1); /* focus with each other member */
	} else {
		/* n (n - 1) / 2 pairs of at most two tunnels each. */
		if (n - 1 > SIZE_MAX / sizeof(*v) / n) {
			ret = NC_ERR_NOMEM;
			goto out;
		}
		cap = n * (n - 1);
	}
	if (cap == 0)
		goto out;
	v = calloc(cap, sizeof(*v));
	if (!v) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (h && sorted[i] != h && in_focus(h, sorted[i], focus))
			add_pair(h, sorted[i], dual_tunnel, v, &k);
		for (size_t j = i + 1; !h && j < n; j++) {
			if (in_focus(sorted[i], sorted[j], focus))
				add_pair(sorted[i], sorted[j], dual_tunnel, v, &k);
		}
	}
	/* Mesh pairs come out in order already; the hub's pairs need sorting. */
	qsort(v, k, sizeof(*v), nc_topology_cmp);
	*out = v;
	*n_out = k;
	v = NULL;
out:
	free(v);
	free(sorted);
	return ret;
}
