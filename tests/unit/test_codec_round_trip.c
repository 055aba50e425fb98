/* SPDX-License-Identifier: MIT */
/*
 * The JSON codec of the model, round trips: every object and list survives
 * to_json -> from_json.
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

/* Removes the members only the server sets, as a client sending a shown object back would. */
static void strip_readonly(json_t *o)
{
	static const char *const ro[] = {"status",     "public_key",  "last_seen", "created_at",
					 "updated_at", "pending_key", NULL};

	for (size_t i = 0; ro[i]; i++)
		json_object_del(o, ro[i]);
}

/* Round trips. */

/* obj, an object of kind k, to JSON and back: as shown, every member, into *back, which must
 * equal obj; and as a client would send it back (read-only members removed), into *back2
 * (NULL: not tried). back and back2 are zeroed objects the caller clears. */
static void round_trip(enum fx_obj k, const void *obj, void *back, void *back2)
{
	struct nc_errinfo ei = {0};
	json_t *j = fx_to_json(k, obj);

	assert_non_null(j);
	assert_int_equal(fx_from_json(k, j, back, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei), 0);
	fx_assert_obj_equal(k, obj, back);
	strip_readonly(j);
	if (back2)
		assert_int_equal(fx_from_json(k, j, back2, NC_DECODE_CREATE, &ei), 0);
	json_decref(j);
}

static void test_tenant_round_trip(void **state)
{
	struct nc_tenant t, back = {0}, back2 = {0};

	fx_tenant_fixture(&t);
	round_trip(FX_TENANT, &t, &back, &back2);
	t.created_at = 0;
	fx_assert_tenant_equal(&t, &back2);
}

static void test_edge_round_trip(void **state)
{
	struct nc_edge e, back = {0}, back2 = {0};

	fx_edge_fixture(&e);
	round_trip(FX_EDGE, &e, &back, &back2);
	e.public_key[0] = e.pending_key[0] = '\0';
	e.last_seen = e.created_at = e.updated_at = 0;
	fx_assert_edge_equal(&e, &back2);
	nc_edge_clear(&e);
	nc_edge_clear(&back);
	nc_edge_clear(&back2);
}

static void test_connector_round_trip(void **state)
{
	struct nc_connector c, back = {0}, back2 = {0};

	fx_connector_fixture(&c);
	round_trip(FX_CONNECTOR, &c, &back, &back2);
	c.status = 0;
	c.public_key[0] = c.pending_key[0] = '\0';
	c.last_seen = c.created_at = c.updated_at = 0;
	fx_assert_connector_equal(&c, &back2);

	/* Empty lists and no hub survive too. */
	nc_connector_clear(&back);
	nc_connector_clear(&c);
	c = (struct nc_connector){.serial = "CN-2", .tenant = "acme", .name = "n"};
	round_trip(FX_CONNECTOR, &c, &back, NULL);
	nc_connector_clear(&back);
	nc_connector_clear(&back2);
}

static void test_peering_round_trip(void **state)
{
	struct nc_peering p, back = {0}, back2 = {0};

	fx_peering_fixture(&p);
	round_trip(FX_PEERING, &p, &back, &back2);
	p.created_at = p.updated_at = 0;
	fx_assert_peering_equal(&p, &back2);
}

/*
 * The list codecs on their own (the store keeps its lists in this text):
 * members in a fixed order with dport always written, a rule without dport
 * read as 0, errors named under the caller's path, and the destination
 * replaced only on success.
 */
static void test_list_codecs(void **state)
{
	struct nc_acl_rule acl[] = {{"drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22},
				    {"accept", "any", "10.0.0.0/8", "192.168.10.0/24", 0}};
	struct nc_route routes[] = {{"10.99.0.0/16", "192.168.10.1"}};
	struct nc_acl_rule *v = NULL;
	struct nc_route *r = NULL;
	struct nc_errinfo ei = {0};
	size_t n = 0, nr = 0;
	json_t *j;
	char *text;

	(void)state;
	j = nc_acl_to_json(acl, COUNT(acl));
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, "[{\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
				  "\"dst\":\"192.168.10.5/32\",\"dport\":22},"
				  "{\"action\":\"accept\",\"proto\":\"any\",\"src\":\"10.0.0.0/8\","
				  "\"dst\":\"192.168.10.0/24\",\"dport\":0}]");
	assert_int_equal(nc_acl_from_json(j, "acl", &v, &n, &ei), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].dst, "192.168.10.0/24");
	assert_int_equal(v[0].dport, 22);
	free(text);
	json_decref(j);

	j = nc_routes_to_json(routes, COUNT(routes));
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, "[{\"dst\":\"10.99.0.0/16\",\"via\":\"192.168.10.1\"}]");
	assert_int_equal(nc_routes_from_json(j, "routes", &r, &nr, &ei), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(r[0].via, "192.168.10.1");
	free(text);
	json_decref(j);

	/* dport may be left out */
	j = fx_parse("[{\"action\":\"drop\",\"proto\":\"any\",\"src\":\"::/0\",\"dst\":\"::/0\"}]");
	assert_int_equal(nc_acl_from_json(j, "acl", &v, &n, &ei), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].dport, 0);
	json_decref(j);

	/* failures name the field under path and leave the lists as they were */
	j = fx_parse("[{\"action\":\"drop\",\"proto\":\"any\",\"src\":\"::/0\",\"dst\":\"::/0\","
		     "\"dport\":70000}]");
	fx_assert_refused(nc_acl_from_json(j, "rules", &v, &n, &ei), NC_ERR_INVAL, &ei,
			  "rules[0].dport");
	json_decref(j);
	j = fx_parse("{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\"}");
	fx_assert_refused(nc_routes_from_json(j, "routes", &r, &nr, &ei), NC_ERR_INVAL, &ei,
			  "routes");
	assert_string_equal(ei.msg, "routes must be an array of objects, not an object");
	json_decref(j);
	j = fx_parse("[{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\",\"metric\":1}]");
	fx_assert_refused(nc_routes_from_json(j, "routes", &r, &nr, &ei), NC_ERR_INVAL, &ei,
			  "routes[0].metric");
	json_decref(j);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].src, "::/0");
	assert_int_equal(nr, 1);
	assert_string_equal(r[0].dst, "10.99.0.0/16");

	/* an empty list empties */
	j = fx_parse("[]");
	assert_int_equal(nc_acl_from_json(j, "acl", &v, &n, &ei), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	json_decref(j);
	free(r);
}

FX_MAIN("codec_round_trip", test_tenant_round_trip, test_edge_round_trip, test_connector_round_trip,
	test_peering_round_trip, test_list_codecs)
