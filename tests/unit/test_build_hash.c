/* SPDX-License-Identifier: MIT */
/*
 * Batch build on a real SQLite store, the hash: the same store gives the same
 * bytes; the hash follows the device's own inputs and its peers' keys, and
 * ignores unrelated devices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/sync/build.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"
#include "../../lib/util/jcs.h"
#include "fixture.h"
#include "fixture_sync.h"

/* Adds lan to the LANs of serial, an edge or a connector, through the store. */
static void add_lan(struct fx *fx, const char *serial, const char *lan)
{
	struct nc_connector c = {0};
	struct nc_edge e = {0};
	enum nc_device_type type;
	char tenant[NC_ID_MAX];

	assert_int_equal(nc_store_device_lookup(fx->st, NULL, serial, &type, tenant), 0);
	if (type == NC_DEVICE_EDGE) {
		assert_int_equal(nc_store_edge_get(fx->st, NULL, serial, &e), 0);
		nc_strlist_add(&e.lan_subnets, lan);
		assert_int_equal(nc_store_edge_update(fx->st, &e), 0);
	} else {
		assert_int_equal(nc_store_connector_get(fx->st, NULL, serial, &c), 0);
		nc_strlist_add(&c.lan_subnets, lan);
		assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	}
	nc_edge_clear(&e);
	nc_connector_clear(&c);
}

/* Fails unless the hash of serial's batch is was (same) or differs from it (!same). */
static void assert_hash(struct fx *fx, const char *serial, const char *was, bool same)
{
	char now[65];

	fx_sync_hash(fx, serial, NULL, now);
	if (same)
		assert_string_equal(now, was);
	else
		assert_string_not_equal(now, was);
}

/* Same store, same bytes; the hash follows a LAN and ignores unrelated devices. */
static void test_hash(void **state)
{
	struct fx *fx = *state;
	char h1[65], cn1[65];
	json_t *a, *b;
	char *ja = NULL, *jb = NULL;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-3", NC_EDGE_DEDICATED, 3, "10.3.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_connector(fx, "acme", "CN-2", "EDGE-1", NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	fx_sync_connector(fx, "acme", "CN-9", "EDGE-3", NC_STATUS_ACTIVE, "192.168.9.0/24", true);
	fx_sync_derived(fx, "d", NC_TOPO_MESH, NC_PROTO_WIREGUARD, true, NULL,
			"EDGE-1,EDGE-2,CN-1");

	a = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	b = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	assert_int_equal(nc_jcs_encode(a, &ja, NULL, NULL), 0);
	assert_int_equal(nc_jcs_encode(b, &jb, NULL, NULL), 0);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	ja = fx_dump(a);
	jb = fx_dump(b);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	json_decref(a);
	json_decref(b);
	fx_sync_hash(fx, "EDGE-1", NULL, h1);
	assert_hash(fx, "EDGE-1", h1, true);
	fx_sync_hash(fx, "CN-1", NULL, cn1);

	/* Unrelated: another hub's LAN, its connector's LAN, a new tenant's edge. */
	add_lan(fx, "EDGE-3", "10.33.0.0/16");
	add_lan(fx, "CN-9", "192.168.99.0/24");
	fx_sync_edge(fx, "globex", "GX-E", NC_EDGE_DEDICATED, 9, "10.9.0.0/16", true);
	assert_hash(fx, "EDGE-1", h1, true);
	assert_hash(fx, "CN-1", cn1, true);

	/* A hubbed connector's LAN changes the hub's hash; the hub's LAN the connector's. */
	add_lan(fx, "CN-2", "192.168.22.0/24");
	assert_hash(fx, "EDGE-1", h1, false);
	assert_hash(fx, "CN-1", cn1, true);
	add_lan(fx, "EDGE-1", "10.11.0.0/16");
	assert_hash(fx, "CN-1", cn1, false);

	/* A peer's new public key changes it too. */
	fx_sync_hash(fx, "EDGE-1", NULL, h1);
	assert_int_equal(nc_store_device_touch(fx->st, "CN-2", fx_key_of("CN-2-NEW"), 0), 0);
	assert_hash(fx, "EDGE-1", h1, false);
}

FX_MAIN_EACH("build_hash", NULL, NULL, fx_sync_setup, fx_teardown, test_hash)
