/* SPDX-License-Identifier: MIT */
/*
 * Snapshots read from a real SQLite store: a store that lacks tunnel
 * addresses (one from before they were allocated at write time) gets no
 * batch and no address from building one, until nc_sync_addr_fill
 * allocates them, once; the whole tenant's snapshot holds what was
 * written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/sync/build.h"
#include "../../lib/sync/snapshot.h"
#include "../../lib/util/err.h"
#include "fixture.h"

/* The fixture's acme with edge HUB, connector CN-1 (active, keyed) hubbed on it, and
 * group g of both, linked; straight through the store, so without any tunnel address. */
static void seed(struct nc_store *st)
{
	struct nc_edge e = {.serial = "HUB", .tenant = "acme", .endpoint = "192.0.2.1:51820"};
	struct nc_connector c = {.serial = "CN-1", .tenant = "acme", .hub_edge = "HUB"};
	struct nc_peering p = {.tenant = "acme", .name = "g"};
	struct nc_member m = {.tenant = "acme", .peering = "g"};
	struct nc_link l = {.tenant = "acme", .peering = "g", .a = "CN-1", .b = "HUB"};

	assert_int_equal(nc_store_edge_insert(st, &e), 0);
	assert_int_equal(nc_store_connector_insert(st, &c), 0);
	assert_int_equal(nc_store_connector_set_status(st, "CN-1", NC_STATUS_ACTIVE), 0);
	assert_int_equal(nc_store_device_touch(st, "CN-1",
					       "CNAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0),
			 0);
	assert_int_equal(
		nc_store_device_touch(st, "HUB", "HBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0),
		0);
	assert_int_equal(nc_store_peering_insert(st, &p), 0);
	snprintf(m.serial, sizeof(m.serial), "HUB");
	assert_int_equal(nc_store_member_insert(st, &m), 0);
	snprintf(m.serial, sizeof(m.serial), "CN-1");
	assert_int_equal(nc_store_member_insert(st, &m), 0);
	assert_int_equal(nc_store_link_insert(st, &l), 0);
}

/* The fixture's store (tenants acme and globex), seeded. */
static int setup(void **state)
{
	if (fx_setup_store(state) != 0)
		return -1;
	seed(((struct fx *)*state)->st);
	return 0;
}

static size_t n_addrs(struct fx *fx)
{
	struct nc_snap s;
	size_t n;

	assert_int_equal(nc_snap_load(fx->st, "acme", &s), 0);
	n = s.n_addrs;
	nc_snap_clear(&s);
	return n;
}

/* Without its addresses a device gets no batch, and building one allocates nothing; the
 * fill at start allocates what batches need, once. */
static void test_missing_until_filled(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *cmds = NULL, *notes = NULL;
	size_t filled = 99;

	assert_int_equal(nc_sync_build(fx->st, "CN-1", NULL, &cmds, &notes, &ei), NC_ERR_INTERNAL);
	assert_non_null(strstr(ei.msg, "tunnel address"));
	assert_null(cmds);
	assert_int_equal(n_addrs(fx), 0);

	/* A pending connector is in no batch: it takes its address when approved. */
	struct nc_connector p = {.serial = "CN-P", .tenant = "acme", .hub_edge = "HUB"};

	assert_int_equal(nc_store_connector_insert(fx->st, &p), 0);
	/* hub block, CN-1's backbone address, the group's block, two members. */
	assert_int_equal(nc_sync_addr_fill(fx->st, &filled), 0);
	assert_int_equal(filled, 3);
	assert_int_equal(n_addrs(fx), 5);
	assert_int_equal(nc_sync_addr_fill(fx->st, &filled), 0);
	assert_int_equal(filled, 0);

	assert_int_equal(nc_sync_build(fx->st, "CN-1", NULL, &cmds, &notes, &ei), 0);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(
				json_object_get(json_object_get(json_array_get(cmds, 0), "body"),
						"interfaces"),
				0),
			"address")),
		"100.64.0.2/32");
	json_decref(cmds);
	json_decref(notes);
	assert_int_equal(nc_sync_build(fx->st, "HUB", NULL, &cmds, &notes, &ei), 0);
	json_decref(cmds);
	json_decref(notes);
}

/* The whole tenant's snapshot; an unknown tenant's is empty. */
static void test_whole(void **state)
{
	struct fx *fx = *state;
	struct nc_snap s;

	assert_int_equal(nc_snap_load(fx->st, "acme", &s), 0);
	assert_true(s.tenant_found);
	assert_int_equal(s.n_edges, 1);
	assert_int_equal(s.n_connectors, 1);
	assert_int_equal(s.n_peerings, 1);
	assert_int_equal(s.n_members, 2);
	assert_int_equal(s.n_links, 1);
	assert_non_null(nc_snap_edge(&s, "HUB"));
	assert_null(nc_snap_edge(&s, "CN-1"));
	assert_non_null(nc_snap_connector(&s, "CN-1"));
	nc_snap_clear(&s);
	assert_null(s.links);
	assert_int_equal(nc_snap_load(fx->st, "nope", &s), 0);
	assert_false(s.tenant_found);
	assert_int_equal(s.n_edges, 0);
	nc_snap_clear(&s);
}

FX_MAIN_EACH("snapshot", fx_log_errors, NULL, setup, fx_teardown, test_missing_until_filled,
	     test_whole)
