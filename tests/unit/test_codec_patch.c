/* SPDX-License-Identifier: MIT */
/*
 * The JSON codec of the model, patches: a patch touches only what it names
 * and nothing at all when it fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/codec.h"
#include "../../lib/model/model.h"
#include "../../lib/util/err.h"
#include "fixture.h"

/* Patches. */

static void test_patch_edge(void **state)
{
	struct nc_edge cur, want;
	struct nc_errinfo ei = {0};
	json_t *j;

	fx_edge_fixture(&cur);
	fx_edge_fixture(&want);

	j = fx_parse("{}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	j = fx_parse("{\"name\":\"dc-2\",\"serial\":\"EDGE-1\",\"tenant\":\"acme\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	snprintf(want.name, sizeof(want.name), "dc-2");
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	j = fx_parse("{\"lan_subnets\":[\"10.1.0.0/16\"],\"kind\":\"dedicated\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	fx_strlist_set(&want.lan_subnets, "10.1.0.0/16", NULL);
	want.kind = NC_EDGE_DEDICATED;
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	j = fx_parse("{\"lan_subnets\":[]}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	fx_strlist_set(&want.lan_subnets, NULL, NULL);
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	/* Refused: identity changes, and a bad member after good ones; cur is untouched. */
	fx_strlist_set(&cur.lan_subnets, "10.2.0.0/16", "10.3.0.0/16");
	fx_strlist_set(&want.lan_subnets, "10.2.0.0/16", "10.3.0.0/16");
	j = fx_parse("{\"name\":\"dc-3\",\"serial\":\"EDGE-2\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "serial");
	assert_string_equal(ei.msg, "serial cannot be changed");
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	j = fx_parse("{\"tenant\":\"other\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "tenant cannot be changed");
	json_decref(j);

	j = fx_parse("{\"name\":\"dc-3\",\"lan_subnets\":[\"10.9.0.0/16\"],\"endpoint\":5}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "endpoint");
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	j = fx_parse("{\"name\":\"dc-3\",\"kind\":\"big\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	j = fx_parse("{\"name\":\"dc-3\",\"created_at\":null}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	fx_assert_edge_equal(&cur, &want);
	json_decref(j);

	nc_edge_clear(&cur);
	nc_edge_clear(&want);
}

static void test_patch_connector(void **state)
{
	struct nc_connector cur, want;
	struct nc_errinfo ei = {0};
	json_t *j;

	fx_connector_fixture(&cur);
	fx_connector_fixture(&want);

	/* A present list replaces the whole list. */
	j = fx_parse("{\"acl\":[{\"action\":\"reject\",\"proto\":\"udp\",\"src\":\"10.0.0.0/8\","
		     "\"dst\":\"0.0.0.0/0\",\"dport\":53}],\"routes\":[]}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	want.n_acl = 1;
	want.acl[0] = (struct nc_acl_rule){"reject", "udp", "10.0.0.0/8", "0.0.0.0/0", 53};
	want.n_routes = 0;
	fx_assert_connector_equal(&cur, &want);
	assert_null(cur.routes);
	json_decref(j);

	/* nat merges: an absent member keeps its value. */
	j = fx_parse("{\"nat\":{\"wan_interface\":\"eth1\"}}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	snprintf(want.wan_interface, sizeof(want.wan_interface), "eth1");
	fx_assert_connector_equal(&cur, &want);
	json_decref(j);
	j = fx_parse("{\"nat\":{\"enabled\":false}}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	want.nat_enabled = false;
	fx_assert_connector_equal(&cur, &want);
	json_decref(j);

	j = fx_parse("{\"hub_edge\":null,\"endpoint\":null,\"lan_subnets\":[\"172.16.0.0/12\"],"
		     "\"region\":\"us\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	want.hub_edge[0] = '\0';
	want.endpoint[0] = '\0';
	fx_strlist_set(&want.lan_subnets, "172.16.0.0/12", NULL);
	snprintf(want.region, sizeof(want.region), "us");
	fx_assert_connector_equal(&cur, &want);
	json_decref(j);

	/* Refused, cur untouched: identity, status, and a bad rule after good members. */
	j = fx_parse("{\"serial\":\"CN-0002\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "serial cannot be changed");
	json_decref(j);
	j = fx_parse("{\"tenant\":\"other\",\"name\":\"x\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "tenant cannot be changed");
	json_decref(j);
	j = fx_parse("{\"status\":\"approved\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "status changes through approve and decommission");
	json_decref(j);
	j = fx_parse("{\"name\":\"new\",\"lan_subnets\":[],\"nat\":{\"enabled\":true},"
		     "\"routes\":[{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\"}],"
		     "\"acl\":[{\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
		     "\"dst\":\"0.0.0.0/0\"},{\"action\":\"drop\"}]}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "acl[1].proto");
	fx_assert_connector_equal(&cur, &want);
	json_decref(j);
	j = fx_parse("{\"name\":\"new\",\"acl\":[],\"routes\":[{\"dst\":\"10.0.0.0/8\"}]}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "routes[0].via");
	fx_assert_connector_equal(&cur, &want);
	json_decref(j);

	nc_connector_clear(&cur);
	nc_connector_clear(&want);
}

static void test_patch_tenant_peering(void **state)
{
	struct nc_tenant t, tw;
	struct nc_peering p, pw;
	struct nc_errinfo ei = {0};
	json_t *j;

	fx_tenant_fixture(&t);
	fx_tenant_fixture(&tw);
	j = fx_parse("{\"id\":\"acme\",\"name\":\"Acme Inc\"}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_PATCH, &ei), 0);
	snprintf(tw.name, sizeof(tw.name), "Acme Inc");
	fx_assert_tenant_equal(&t, &tw);
	json_decref(j);
	j = fx_parse("{\"id\":\"other\",\"name\":\"Other\"}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "id");
	assert_string_equal(ei.msg, "id cannot be changed");
	fx_assert_tenant_equal(&t, &tw);
	json_decref(j);
	/* No default name on a patch. */
	j = fx_parse("{}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_PATCH, &ei), 0);
	fx_assert_tenant_equal(&t, &tw);
	json_decref(j);

	fx_peering_fixture(&p);
	fx_peering_fixture(&pw);
	j = fx_parse("{\"protocol\":\"wireguard\",\"dual_tunnel\":false,\"name\":\"branches\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), 0);
	pw.protocol = NC_PROTO_WIREGUARD;
	pw.dual_tunnel = false;
	fx_assert_peering_equal(&p, &pw);
	json_decref(j);
	j = fx_parse("{\"topology\":\"mesh\",\"hub\":null}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), 0);
	pw.topology = NC_TOPO_MESH;
	pw.hub[0] = '\0';
	fx_assert_peering_equal(&p, &pw);
	json_decref(j);
	j = fx_parse("{\"topology\":\"partial_mesh\",\"name\":\"renamed\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "name cannot be changed");
	fx_assert_peering_equal(&p, &pw);
	json_decref(j);
	j = fx_parse("{\"topology\":\"partial_mesh\",\"tenant\":\"other\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "tenant cannot be changed");
	fx_assert_peering_equal(&p, &pw);
	json_decref(j);
	j = fx_parse("{\"topology\":\"partial_mesh\",\"protocol\":\"ipsec2\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	fx_assert_peering_equal(&p, &pw);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patch_edge),
		cmocka_unit_test(test_patch_connector),
		cmocka_unit_test(test_patch_tenant_peering),
	};

	return cmocka_run_group_tests_name("codec_patch", tests, NULL, NULL);
}
