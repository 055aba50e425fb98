/* SPDX-License-Identifier: MIT */
/*
 * The links a topology derives from its members: a mesh links every pair,
 * hub-spoke links the hub to every other member, a partial mesh derives
 * nothing; dual tunnel adds the secondary tunnel to edge-edge links only;
 * the output is sorted and independent of the members' order; bad input
 * (a serial twice, a hub that is missing or a connector) is refused; the
 * links of one member are the group's links with it at one end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/core/topology.h"
#include "../../lib/model/model.h"
#include "../../lib/util/err.h"

#define E NC_DEVICE_EDGE
#define C NC_DEVICE_CONNECTOR

/* Members from "SERIAL:e" / "SERIAL:c" strings. */
static struct nc_member *members(const char *const *spec, size_t n)
{
	struct nc_member *m = calloc(n ? n : 1, sizeof(*m));

	assert_non_null(m);
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(spec[i], ':');

		assert_non_null(colon);
		snprintf(m[i].serial, sizeof(m[i].serial), "%.*s", (int)(colon - spec[i]), spec[i]);
		m[i].type = colon[1] == 'c' ? C : E;
	}
	return m;
}

/* The links as "A-B/idx" lines, for exact comparisons. */
static char *render(const struct nc_topo_link *v, size_t n)
{
	size_t cap = 64 + n * (2 * NC_SERIAL_MAX + 8), len = 0;
	char *s = calloc(1, cap);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s-%s/%d\n", v[i].a, v[i].b,
					v[i].tunnel_index);
	return s;
}

/* The two lists of links are the same, in the same order. */
static void same_links(const struct nc_topo_link *v, size_t nv, const struct nc_topo_link *w,
		       size_t nw)
{
	char *got = render(v, nv), *want = render(w, nw);

	assert_string_equal(got, want);
	free(got);
	free(want);
}

static void derive(enum nc_topology t, const char *hub, bool dual, const char *const *spec,
		   size_t n, const char *want)
{
	struct nc_member *m = members(spec, n);
	struct nc_topo_link *v = NULL;
	size_t k = 99;
	char *got;

	assert_int_equal(nc_topology_links(t, hub, dual, m, n, &v, &k), 0);
	got = render(v, k);
	assert_string_equal(got, want);
	for (size_t i = 0; i < k; i++) {
		/* a < b, and the strings borrow from the members. */
		assert_true(strcmp(v[i].a, v[i].b) < 0);
		assert_true(v[i].a >= m[0].serial && v[i].a < (const char *)(m + n));
		assert_true(v[i].b >= m[0].serial && v[i].b < (const char *)(m + n));
	}
	free(got);
	free(v);
	free(m);
}

static size_t count(enum nc_topology t, const char *hub, bool dual, const char *const *spec,
		    size_t n)
{
	struct nc_member *m = members(spec, n);
	struct nc_topo_link *v = NULL;
	size_t k = 99;

	assert_int_equal(nc_topology_links(t, hub, dual, m, n, &v, &k), 0);
	if (k == 0)
		assert_null(v);
	for (size_t i = 1; i < k; i++)
		assert_true(nc_topology_cmp(&v[i - 1], &v[i]) < 0);
	free(v);
	free(m);
	return k;
}

static void test_tunnels(void **state)
{
	int idx[2] = {-1, -1};

	(void)state;
	assert_int_equal(nc_topology_tunnels(false, E, E, idx), 1);
	assert_int_equal(idx[0], 0);
	assert_int_equal(nc_topology_tunnels(true, E, E, idx), 2);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 1);
	/* A connector never gets the secondary tunnel, at either end. */
	assert_int_equal(nc_topology_tunnels(true, E, C, idx), 1);
	assert_int_equal(idx[0], 0);
	assert_int_equal(nc_topology_tunnels(true, C, E, idx), 1);
	assert_int_equal(nc_topology_tunnels(true, C, C, idx), 1);
	assert_int_equal(nc_topology_tunnels(false, C, C, idx), 1);
}

static void test_mesh_of_four(void **state)
{
	static const char *const four[] = {"EDGE-2:e", "CN-1:c", "EDGE-1:e", "CN-2:c"};

	(void)state;
	derive(NC_TOPO_MESH, NULL, false, four, COUNT(four),
	       "CN-1-CN-2/0\n"
	       "CN-1-EDGE-1/0\n"
	       "CN-1-EDGE-2/0\n"
	       "CN-2-EDGE-1/0\n"
	       "CN-2-EDGE-2/0\n"
	       "EDGE-1-EDGE-2/0\n");
	assert_int_equal(count(NC_TOPO_MESH, NULL, false, four, COUNT(four)), 6);
}

static void test_mesh_dual(void **state)
{
	static const char *const four[] = {"EDGE-2:e", "CN-1:c", "EDGE-1:e", "CN-2:c"};
	static const char *const edges[] = {"E3:e", "E1:e", "E2:e"};

	(void)state;
	/* 2 edges + 2 connectors: 6 links, one of them edge-edge with a secondary. */
	derive(NC_TOPO_MESH, NULL, true, four, COUNT(four),
	       "CN-1-CN-2/0\n"
	       "CN-1-EDGE-1/0\n"
	       "CN-1-EDGE-2/0\n"
	       "CN-2-EDGE-1/0\n"
	       "CN-2-EDGE-2/0\n"
	       "EDGE-1-EDGE-2/0\n"
	       "EDGE-1-EDGE-2/1\n");
	assert_int_equal(count(NC_TOPO_MESH, NULL, true, four, COUNT(four)), 7);
	derive(NC_TOPO_MESH, NULL, true, edges, COUNT(edges),
	       "E1-E2/0\nE1-E2/1\nE1-E3/0\nE1-E3/1\nE2-E3/0\nE2-E3/1\n");
}

static void test_mesh_sizes(void **state)
{
	char buf[40][16];
	const char *spec[40];

	(void)state;
	for (size_t n = 0; n < COUNT(spec); n++) {
		snprintf(buf[n], sizeof(buf[n]), "D%02zu:%c", n, n % 3 ? 'e' : 'c');
		spec[n] = buf[n];
	}
	for (size_t n = 0; n <= COUNT(spec); n++) {
		size_t edges = 0;

		for (size_t i = 0; i < n; i++)
			edges += i % 3 != 0;
		assert_int_equal(count(NC_TOPO_MESH, NULL, false, spec, n),
				 n * (n ? n - 1 : 0) / 2);
		assert_int_equal(count(NC_TOPO_MESH, NULL, true, spec, n),
				 n * (n ? n - 1 : 0) / 2 + edges * (edges ? edges - 1 : 0) / 2);
	}
}

static void test_hub_spoke(void **state)
{
	static const char *const five[] = {"CN-3:c", "EDGE-1:e", "A-0:e", "CN-2:c", "Z-9:c"};

	(void)state;
	derive(NC_TOPO_HUB_SPOKE, "EDGE-1", false, five, COUNT(five),
	       "A-0-EDGE-1/0\n"
	       "CN-2-EDGE-1/0\n"
	       "CN-3-EDGE-1/0\n"
	       "EDGE-1-Z-9/0\n");
	assert_int_equal(count(NC_TOPO_HUB_SPOKE, "EDGE-1", false, five, COUNT(five)), 4);
	/* Dual: only the edge spoke A-0 gets the secondary. */
	derive(NC_TOPO_HUB_SPOKE, "EDGE-1", true, five, COUNT(five),
	       "A-0-EDGE-1/0\n"
	       "A-0-EDGE-1/1\n"
	       "CN-2-EDGE-1/0\n"
	       "CN-3-EDGE-1/0\n"
	       "EDGE-1-Z-9/0\n");
	/* The hub alone has no spoke. */
	assert_int_equal(count(NC_TOPO_HUB_SPOKE, "EDGE-1", true, five + 1, 1), 0);
}

static void test_partial_mesh(void **state)
{
	static const char *const four[] = {"EDGE-2:e", "CN-1:c", "EDGE-1:e", "CN-2:c"};

	(void)state;
	assert_int_equal(count(NC_TOPO_PARTIAL_MESH, NULL, false, four, COUNT(four)), 0);
	assert_int_equal(count(NC_TOPO_PARTIAL_MESH, NULL, true, four, COUNT(four)), 0);
}

static void test_empty_and_single(void **state)
{
	static const char *const one[] = {"EDGE-1:e"};

	(void)state;
	for (int t = NC_TOPO_MESH; t <= NC_TOPO_PARTIAL_MESH; t++) {
		assert_int_equal(count((enum nc_topology)t, NULL, true, one, 0), 0);
		assert_int_equal(count((enum nc_topology)t, "EDGE-1", true, one, 1), 0);
	}
	/* With no members there is no hub to check: nothing to derive. */
	assert_int_equal(count(NC_TOPO_HUB_SPOKE, "EDGE-9", false, one, 0), 0);
}

static void test_order_independent(void **state)
{
	static const char *const a[] = {"B:e", "A:c", "D:e", "C:e"};
	static const char *const b[] = {"C:e", "D:e", "A:c", "B:e"};
	struct nc_member *ma = members(a, 4), *mb = members(b, 4);
	struct nc_topo_link *va, *vb;
	size_t na, nb;

	(void)state;
	assert_int_equal(nc_topology_links(NC_TOPO_MESH, NULL, true, ma, 4, &va, &na), 0);
	assert_int_equal(nc_topology_links(NC_TOPO_MESH, NULL, true, mb, 4, &vb, &nb), 0);
	same_links(va, na, vb, nb);
	free(va);
	free(vb);
	free(ma);
	free(mb);
}

static void test_refused(void **state)
{
	static const char *const dup[] = {"EDGE-1:e", "CN-1:c", "EDGE-1:e"};
	static const char *const two[] = {"EDGE-1:e", "CN-1:c"};
	struct nc_member *m = members(dup, 3), *t = members(two, 2);
	struct nc_topo_link *v = (struct nc_topo_link *)1;
	size_t n = 99;

	(void)state;
	assert_int_equal(nc_topology_links(NC_TOPO_MESH, NULL, false, m, 3, &v, &n), NC_ERR_INVAL);
	assert_null(v);
	assert_int_equal(n, 0);
	/* A hub that is not a member, a connector hub, no hub at all. */
	assert_int_equal(nc_topology_links(NC_TOPO_HUB_SPOKE, "EDGE-9", false, t, 2, &v, &n),
			 NC_ERR_INVAL);
	assert_int_equal(nc_topology_links(NC_TOPO_HUB_SPOKE, "CN-1", false, t, 2, &v, &n),
			 NC_ERR_INVAL);
	assert_int_equal(nc_topology_links(NC_TOPO_HUB_SPOKE, NULL, false, t, 2, &v, &n),
			 NC_ERR_INVAL);
	assert_int_equal(nc_topology_links(NC_TOPO_HUB_SPOKE, "", false, t, 2, &v, &n),
			 NC_ERR_INVAL);
	assert_null(v);
	/* The hub is ignored by the other topologies. */
	assert_int_equal(count(NC_TOPO_MESH, "CN-1", false, two, 2), 1);
	free(m);
	free(t);
}

static void test_cmp(void **state)
{
	struct nc_topo_link x = {"A", "B", 0}, y = {"A", "B", 1}, z = {"A", "C", 0};
	struct nc_topo_link w = {"B", "A", 0};

	(void)state;
	assert_true(nc_topology_cmp(&x, &y) < 0);
	assert_true(nc_topology_cmp(&y, &x) > 0);
	assert_true(nc_topology_cmp(&y, &z) < 0);
	assert_true(nc_topology_cmp(&z, &w) < 0);
	assert_int_equal(nc_topology_cmp(&x, &x), 0);
}

/* The links of one member: exactly the whole group's links that have it at
 * one end, in the same order, for every member of a mesh and a hub-spoke. */
static void test_links_of(void **state)
{
	static const char *const five[] = {"CN-2:c", "EDGE-1:e", "CN-1:c", "EDGE-2:e", "CN-3:c"};
	static const enum nc_topology t[] = {NC_TOPO_MESH, NC_TOPO_HUB_SPOKE, NC_TOPO_PARTIAL_MESH};
	struct nc_member *m = members(five, COUNT(five));

	(void)state;
	for (size_t ti = 0; ti < COUNT(t); ti++) {
		struct nc_topo_link *all = NULL;
		size_t nall = 0;

		assert_int_equal(
			nc_topology_links(t[ti], "EDGE-1", true, m, COUNT(five), &all, &nall), 0);
		for (size_t f = 0; f < COUNT(five); f++) {
			struct nc_topo_link *v = NULL, *w = calloc(nall + 1, sizeof(*w));
			size_t nv = 99, nw = 0;

			assert_non_null(w);
			for (size_t i = 0; i < nall; i++) {
				if (strcmp(all[i].a, m[f].serial) == 0 ||
				    strcmp(all[i].b, m[f].serial) == 0)
					w[nw++] = all[i];
			}
			assert_int_equal(nc_topology_links_of(t[ti], "EDGE-1", true, m, COUNT(five),
							      m[f].serial, &v, &nv),
					 0);
			same_links(v, nv, w, nw);
			free(v);
			free(w);
		}
		free(all);
	}
	free(m);
}

FX_MAIN("topology", test_tunnels, test_mesh_of_four, test_mesh_dual, test_mesh_sizes,
	test_hub_spoke, test_partial_mesh, test_empty_and_single, test_order_independent,
	test_refused, test_cmp, test_links_of)
