/* SPDX-License-Identifier: MIT */
/*
 * Batch build on a real SQLite store, peers left out: one without a public key
 * is noted and its routes go with it; connectors out of service get no batch
 * and are nobody's peer; a device the store does not hold.
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
#include "fixture.h"
#include "fixture_sync.h"

/* A peer without a public key is left out with a note; its routes go with it. */
static void test_missing_key(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *notes;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", false);
	fx_sync_connector(fx, "acme", "CN-1", "EDGE-2", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_derived(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL,
			"EDGE-1,EDGE-2,CN-1");

	cmds = fx_sync_build(fx, "CN-1", NULL, &notes);
	fx_assert_ifaces(cmds, "wg0 wg2");
	fx_assert_peers(cmds, "wg0", "");
	fx_assert_peers(cmds, "wg2", "EDGE-1");
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100}]}");
	fx_assert_json(notes, "['hub EDGE-2 left out of wg0: its public key is not known yet',"
			      " 'peer EDGE-2 left out of wg2: its public key is not known yet']");
	json_decref(cmds);
	json_decref(notes);

	cmds = fx_sync_build(fx, "EDGE-1", NULL, &notes);
	fx_assert_peers(cmds, "wg2", "CN-1");
	fx_assert_json(notes, "['peer EDGE-2 left out of wg2: its public key is not known yet']");
	json_decref(cmds);
	json_decref(notes);
}

/* Connectors out of service get no batch, and are nobody's peer. */
static void test_out_of_service(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *cmds = NULL, *notes = NULL;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_connector(fx, "acme", "CN-P", "EDGE-1", NC_STATUS_PENDING_APPROVAL,
			  "192.168.8.0/24", true);
	fx_sync_connector(fx, "acme", "CN-D", NULL, NC_STATUS_DECOMMISSIONED, "192.168.9.0/24",
			  true);
	fx_sync_derived(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL,
			"EDGE-1,CN-1,CN-P,CN-D");

	assert_int_equal(nc_sync_build(fx->st, "CN-P", NULL, &cmds, &notes, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg,
			    "connector CN-P is pending_approval: it gets no configuration until "
			    "approved");
	assert_null(cmds);
	assert_null(notes);
	assert_int_equal(nc_sync_build(fx->st, "CN-D", NULL, &cmds, &notes, &ei), NC_ERR_CONFLICT);
	fx_assert_contains(ei.msg, "CN-D is decommissioned");
	assert_int_equal(nc_sync_build(fx->st, "NOPE-1", NULL, &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "device `NOPE-1' not found");
	assert_null(cmds);

	/* Pending CN-P is hubbed on EDGE-1 but in service nobody is: no wg0. */
	cmds = fx_sync_build(fx, "EDGE-1", NULL, &notes);
	fx_assert_ifaces(cmds, "wg2");
	fx_assert_peers(cmds, "wg2", "CN-1");
	fx_assert_json(notes, "['connector CN-P left out of wg0: it is pending_approval',"
			      " 'peer CN-D left out of wg2: it is decommissioned',"
			      " 'peer CN-P left out of wg2: it is pending_approval']");
	json_decref(cmds);
	json_decref(notes);
	cmds = fx_sync_build(fx, "CN-1", NULL, &notes);
	fx_assert_peers(cmds, "wg2", "EDGE-1");
	assert_int_equal(json_array_size(notes), 2);
	json_decref(cmds);
	json_decref(notes);
}

FX_MAIN_EACH("build_left_out", NULL, NULL, fx_sync_setup, fx_teardown, test_missing_key,
	     test_out_of_service)
