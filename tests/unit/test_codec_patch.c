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
#include "fixture_codec.h"

/* A patch refused with NC_ERR_INVAL naming field with message msg (NULL: either unchecked). */
struct refusal {
	const char *text;
	const char *field;
	const char *msg;
};

/* Every patch of rows is refused as it says, and cur, an object of kind k, stays want. */
static void assert_refused(enum fx_obj k, void *cur, const void *want, const struct refusal *rows,
			   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nc_errinfo ei = {0};
		int ret = fx_patch(k, cur, rows[i].text, &ei);

		if (ret != NC_ERR_INVAL)
			fail_msg("patch %s: %d, not refused", rows[i].text, ret);
		if (rows[i].field)
			assert_string_equal(ei.field, rows[i].field);
		if (rows[i].msg)
			assert_string_equal(ei.msg, rows[i].msg);
		fx_assert_obj_equal(k, cur, want);
	}
}

/* Patches. */

static void test_patch_edge(void **state)
{
	/* Identity changes, and a bad member after good ones. */
	static const struct refusal refused[] = {
		{"{\"name\":\"dc-3\",\"serial\":\"EDGE-2\"}", "serial", "serial cannot be changed"},
		{"{\"tenant\":\"other\"}", NULL, "tenant cannot be changed"},
		{"{\"name\":\"dc-3\",\"lan_subnets\":[\"10.9.0.0/16\"],\"endpoint\":5}", "endpoint",
		 NULL},
		{"{\"name\":\"dc-3\",\"kind\":\"big\"}", NULL, NULL},
		{"{\"name\":\"dc-3\",\"created_at\":null}", NULL, NULL},
	};
	struct nc_edge cur, want;
	struct nc_errinfo ei = {0};

	fx_edge_fixture(&cur);
	fx_edge_fixture(&want);

	assert_int_equal(fx_patch(FX_EDGE, &cur, "{}", &ei), 0);
	fx_assert_edge_equal(&cur, &want);

	assert_int_equal(fx_patch(FX_EDGE, &cur,
				  "{\"name\":\"dc-2\",\"serial\":\"EDGE-1\",\"tenant\":\"acme\"}",
				  &ei),
			 0);
	snprintf(want.name, sizeof(want.name), "dc-2");
	fx_assert_edge_equal(&cur, &want);

	assert_int_equal(fx_patch(FX_EDGE, &cur,
				  "{\"lan_subnets\":[\"10.1.0.0/16\"],\"kind\":\"dedicated\"}",
				  &ei),
			 0);
	fx_strlist_set(&want.lan_subnets, "10.1.0.0/16", NULL);
	want.kind = NC_EDGE_DEDICATED;
	fx_assert_edge_equal(&cur, &want);

	assert_int_equal(fx_patch(FX_EDGE, &cur, "{\"lan_subnets\":[]}", &ei), 0);
	fx_strlist_set(&want.lan_subnets, NULL, NULL);
	fx_assert_edge_equal(&cur, &want);

	/* Refused: cur is untouched. */
	fx_strlist_set(&cur.lan_subnets, "10.2.0.0/16", "10.3.0.0/16");
	fx_strlist_set(&want.lan_subnets, "10.2.0.0/16", "10.3.0.0/16");
	assert_refused(FX_EDGE, &cur, &want, refused, COUNT(refused));

	nc_edge_clear(&cur);
	nc_edge_clear(&want);
}

static void test_patch_connector(void **state)
{
	/* Identity, status, and a bad rule after good members. */
	static const struct refusal refused[] = {
		{"{\"serial\":\"CN-0002\"}", NULL, "serial cannot be changed"},
		{"{\"tenant\":\"other\",\"name\":\"x\"}", NULL, "tenant cannot be changed"},
		{"{\"status\":\"approved\"}", NULL,
		 "status changes through approve and decommission"},
		{"{\"name\":\"new\",\"lan_subnets\":[],\"nat\":{\"enabled\":true},"
		 "\"routes\":[{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\"}],"
		 "\"acl\":[{\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
		 "\"dst\":\"0.0.0.0/0\"},{\"action\":\"drop\"}]}",
		 "acl[1].proto", NULL},
		{"{\"name\":\"new\",\"acl\":[],\"routes\":[{\"dst\":\"10.0.0.0/8\"}]}",
		 "routes[0].via", NULL},
	};
	struct nc_connector cur, want;
	struct nc_errinfo ei = {0};

	fx_connector_fixture(&cur);
	fx_connector_fixture(&want);

	/* A present list replaces the whole list. */
	assert_int_equal(
		fx_patch(FX_CONNECTOR, &cur,
			 "{\"acl\":[{\"action\":\"reject\",\"proto\":\"udp\",\"src\":"
			 "\"10.0.0.0/8\",\"dst\":\"0.0.0.0/0\",\"dport\":53}],\"routes\":[]}",
			 &ei),
		0);
	want.n_acl = 1;
	want.acl[0] = (struct nc_acl_rule){"reject", "udp", "10.0.0.0/8", "0.0.0.0/0", 53};
	want.n_routes = 0;
	fx_assert_connector_equal(&cur, &want);
	assert_null(cur.routes);

	/* nat merges: an absent member keeps its value. */
	assert_int_equal(
		fx_patch(FX_CONNECTOR, &cur, "{\"nat\":{\"wan_interface\":\"eth1\"}}", &ei), 0);
	snprintf(want.wan_interface, sizeof(want.wan_interface), "eth1");
	fx_assert_connector_equal(&cur, &want);
	assert_int_equal(fx_patch(FX_CONNECTOR, &cur, "{\"nat\":{\"enabled\":false}}", &ei), 0);
	want.nat_enabled = false;
	fx_assert_connector_equal(&cur, &want);

	assert_int_equal(fx_patch(FX_CONNECTOR, &cur,
				  "{\"hub_edge\":null,\"endpoint\":null,\"lan_subnets\":"
				  "[\"172.16.0.0/12\"],\"region\":\"us\"}",
				  &ei),
			 0);
	want.hub_edge[0] = '\0';
	want.endpoint[0] = '\0';
	fx_strlist_set(&want.lan_subnets, "172.16.0.0/12", NULL);
	snprintf(want.region, sizeof(want.region), "us");
	fx_assert_connector_equal(&cur, &want);

	/* Refused, cur untouched. */
	assert_refused(FX_CONNECTOR, &cur, &want, refused, COUNT(refused));

	nc_connector_clear(&cur);
	nc_connector_clear(&want);
}

static void test_patch_tenant_peering(void **state)
{
	static const struct refusal tenant_refused[] = {
		{"{\"id\":\"other\",\"name\":\"Other\"}", "id", "id cannot be changed"},
	};
	static const struct refusal peering_refused[] = {
		{"{\"topology\":\"partial_mesh\",\"name\":\"renamed\"}", NULL,
		 "name cannot be changed"},
		{"{\"topology\":\"partial_mesh\",\"tenant\":\"other\"}", NULL,
		 "tenant cannot be changed"},
		{"{\"topology\":\"partial_mesh\",\"protocol\":\"ipsec2\"}", NULL, NULL},
	};
	struct nc_tenant t, tw;
	struct nc_peering p, pw;
	struct nc_errinfo ei = {0};

	fx_tenant_fixture(&t);
	fx_tenant_fixture(&tw);
	assert_int_equal(fx_patch(FX_TENANT, &t, "{\"id\":\"acme\",\"name\":\"Acme Inc\"}", &ei),
			 0);
	snprintf(tw.name, sizeof(tw.name), "Acme Inc");
	fx_assert_tenant_equal(&t, &tw);
	assert_refused(FX_TENANT, &t, &tw, tenant_refused, COUNT(tenant_refused));
	/* No default name on a patch. */
	assert_int_equal(fx_patch(FX_TENANT, &t, "{}", &ei), 0);
	fx_assert_tenant_equal(&t, &tw);

	fx_peering_fixture(&p);
	fx_peering_fixture(&pw);
	assert_int_equal(fx_patch(FX_PEERING, &p,
				  "{\"protocol\":\"wireguard\",\"dual_tunnel\":false,\"name\":"
				  "\"branches\"}",
				  &ei),
			 0);
	pw.protocol = NC_PROTO_WIREGUARD;
	pw.dual_tunnel = false;
	fx_assert_peering_equal(&p, &pw);
	assert_int_equal(fx_patch(FX_PEERING, &p, "{\"topology\":\"mesh\",\"hub\":null}", &ei), 0);
	pw.topology = NC_TOPO_MESH;
	pw.hub[0] = '\0';
	fx_assert_peering_equal(&p, &pw);
	assert_refused(FX_PEERING, &p, &pw, peering_refused, COUNT(peering_refused));
}

FX_MAIN("codec_patch", test_patch_edge, test_patch_connector, test_patch_tenant_peering)
