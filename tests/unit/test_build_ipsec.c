/* SPDX-License-Identifier: MIT */
/*
 * Batch build on a real SQLite store, IPSec groups: out/in SAs with the
 * store's SPIs and keys, whose keys appear in the ipsec topic of the two ends
 * and nowhere else; SAs per tunnel index with the secondary tunnel.
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

/* The count of the SA keys of link l in text. */
static size_t keys_in(const char *text, const struct nc_link *l)
{
	return fx_count(text, l->key_ab) + fx_count(text, l->key_ba);
}

/* IPSec: out/in SAs with the store's SPIs and keys, in the ipsec topic and nowhere else. */
static void test_ipsec(void **state)
{
	struct fx *fx = *state;
	struct nc_link *l = NULL;
	const struct nc_link *sa;
	size_t n = 0;
	json_t *cmds, *notes;
	char *text, *ntext;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_connector(fx, "acme", "CN-2", NULL, NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	fx_sync_connector(fx, "acme", "CN-P", NULL, NC_STATUS_PENDING_APPROVAL, "192.168.8.0/24",
			  true);
	fx_sync_derived(fx, "sec", NC_TOPO_MESH, NC_PROTO_IPSEC, false, NULL, "EDGE-1,CN-1,CN-P");
	/* By (a, b): CN-1-CN-P, CN-1-EDGE-1, CN-P-EDGE-1; only the second is in service. */
	assert_int_equal(nc_store_link_list(fx->st, "acme", "sec", &l, &n), 0);
	assert_int_equal(n, 3);
	sa = &l[1];
	assert_string_equal(sa->a, "CN-1");
	assert_string_equal(sa->b, "EDGE-1");

	cmds = fx_sync_build(fx, "CN-1", NULL, &notes);
	fx_assert_topics(cmds, "wireguard ipsec static nat_config acl_config");
	fx_assert_ifaces(cmds, "wg0");
	fx_assert_json(fx_cmd_body(cmds, "ipsec"),
		       "{'sas':["
		       "{'peer':'EDGE-1','direction':'out','src':'100.96.0.2',"
		       " 'dst':'192.0.2.1','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		       " 'key':'%s','icv_bits':128,'tunnel_index':0},"
		       "{'peer':'EDGE-1','direction':'in','src':'192.0.2.1',"
		       " 'dst':'100.96.0.2','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		       " 'key':'%s','icv_bits':128,'tunnel_index':0}]}",
		       sa->spi_ab, sa->key_ab, sa->spi_ba, sa->key_ba);
	fx_assert_json(notes, "['IPSec SAs with CN-P (group sec, tunnel 0) left out: it is "
			      "pending_approval']");
	text = fx_dump(cmds);
	ntext = fx_dump(notes);
	assert_int_equal(fx_count(text, sa->key_ab), 1);
	assert_int_equal(fx_count(text, sa->key_ba), 1);
	assert_int_equal(keys_in(text, &l[0]) + keys_in(text, &l[2]), 0);
	assert_int_equal(keys_in(ntext, sa), 0);
	free(ntext);
	free(text);
	json_decref(cmds);
	json_decref(notes);

	/* The other end: the same SAs, directions swapped. */
	cmds = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	fx_assert_topics(cmds, "interface wireguard ipsec static nat44 acl");
	fx_assert_json(fx_cmd_body(cmds, "ipsec"),
		       "{'sas':["
		       "{'peer':'CN-1','direction':'out','src':'192.0.2.1',"
		       " 'dst':'100.96.0.2','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		       " 'key':'%s','icv_bits':128,'tunnel_index':0},"
		       "{'peer':'CN-1','direction':'in','src':'100.96.0.2',"
		       " 'dst':'192.0.2.1','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		       " 'key':'%s','icv_bits':128,'tunnel_index':0}]}",
		       sa->spi_ba, sa->key_ba, sa->spi_ab, sa->key_ab);
	text = fx_dump(cmds);
	assert_int_equal(fx_count(text, sa->key_ab), 1);
	assert_int_equal(fx_count(text, sa->key_ba), 1);
	assert_int_equal(keys_in(text, &l[0]) + keys_in(text, &l[2]), 0);
	free(text);
	json_decref(cmds);

	/* An unrelated device never sees them, and has no ipsec topic. */
	cmds = fx_sync_build(fx, "CN-2", NULL, NULL);
	fx_assert_topics(cmds, "wireguard static nat_config acl_config");
	text = fx_dump(cmds);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(keys_in(text, &l[i]), 0);
	free(text);
	json_decref(cmds);
	free(l);
}

/* IPSec with dual tunnel: SAs per tunnel index, edge endpoints as outer addresses, no wg2/wg3. */
static void test_ipsec_dual(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *sas, *v;
	char spis[128] = "";
	size_t i;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	fx_sync_derived(fx, "sec2", NC_TOPO_MESH, NC_PROTO_IPSEC, true, NULL, "EDGE-1,EDGE-2");

	/* SPIs 0x1001/0x1002 for tunnel 0 (EDGE-1 -> EDGE-2, back), 0x1003/0x1004 for 1. */
	cmds = fx_sync_build(fx, "EDGE-2", NULL, NULL);
	fx_assert_json(fx_cmd_body(cmds, "wireguard"), "{'interfaces':[]}");
	fx_assert_json(fx_cmd_body(cmds, "static"), "{'routes':[]}");
	sas = json_object_get(fx_cmd_body(cmds, "ipsec"), "sas");
	assert_int_equal(json_array_size(sas), 4);
	json_array_foreach(sas, i, v) {
		snprintf(spis + strlen(spis), sizeof(spis) - strlen(spis), "%s%s/%d/%lld/%s>%s",
			 i ? " " : "", json_string_value(json_object_get(v, "direction")),
			 (int)json_integer_value(json_object_get(v, "tunnel_index")),
			 (long long)json_integer_value(json_object_get(v, "spi")),
			 json_string_value(json_object_get(v, "src")),
			 json_string_value(json_object_get(v, "dst")));
		assert_string_equal(json_string_value(json_object_get(v, "peer")), "EDGE-1");
	}
	assert_string_equal(spis, "out/0/4098/192.0.2.2>192.0.2.1 in/0/4097/192.0.2.1>192.0.2.2 "
				  "out/1/4100/192.0.2.2>192.0.2.1 in/1/4099/192.0.2.1>192.0.2.2");
	json_decref(cmds);
}

FX_MAIN_EACH("build_ipsec", NULL, NULL, fx_sync_setup, fx_teardown, test_ipsec, test_ipsec_dual)
