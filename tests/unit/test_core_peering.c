/* SPDX-License-Identifier: MIT */
/*
 * Peering groups through the core, on a real SQLite store: IPSec SAs are
 * unique per direction and never shown; a failing operation leaves the store,
 * the address pools and the event ring as they were; tunnel addresses, tenant
 * scope and the audit trail.
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

#include "../../lib/core/core.h"
#include "../../lib/core/inventory.h"
#include "../../lib/core/lan.h"
#include "../../lib/core/peering.h"
#include "../../lib/events/events.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"
#include "fixture_core.h"

static bool is_key(const char *k)
{
	if (strlen(k) != 72)
		return false;
	for (const char *p = k; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	}
	return true;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/* Every SA of the tenant: SPIs >= 0x100 and unique, keys 72 hex, unique. */
static size_t check_sas(struct fx_core *fx)
{
	char *spis = fxp_query(fx, "SELECT spi_ab FROM links WHERE spi_ab > 0 UNION ALL"
				   " SELECT spi_ba FROM links WHERE spi_ba > 0");
	char *keys = fxp_query(fx, "SELECT key_ab FROM links WHERE key_ab != '' UNION ALL"
				   " SELECT key_ba FROM links WHERE key_ba != ''");
	uint32_t v[256];
	size_t n = 0, nk = 0;
	char *save = NULL;

	for (char *t = strtok_r(spis, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		assert_true(n < COUNT(v));
		v[n++] = (uint32_t)strtoul(t, NULL, 10);
		assert_true(v[n - 1] >= 0x100);
	}
	qsort(v, n, sizeof(v[0]), cmp_u32);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1] != v[i]);
	for (char *t = strtok_r(keys, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		assert_true(is_key(t));
		nk++;
	}
	assert_int_equal(nk, n);
	assert_int_equal(
		fxp_query_long(fx, "SELECT COUNT(*) - COUNT(DISTINCT k) FROM (SELECT key_ab"
				   " AS k FROM links WHERE k != '' UNION ALL SELECT key_ba FROM"
				   " links WHERE key_ba != '')"),
		0);
	free(spis);
	free(keys);
	return n;
}

static void test_ipsec(void **state)
{
	struct fx_core *fx = *state;
	struct nc_link *l = NULL;
	size_t n = 0;
	char *text, *ev;
	json_t *o;
	uint32_t spi0;

	fxp_create(fx, "sec", NC_TOPO_MESH, NC_PROTO_IPSEC, true, NULL);
	fxp_add(fx, "sec", "EDGE-1");
	fxp_add(fx, "sec", "EDGE-2");
	fxp_add(fx, "sec", "EDGE-3");
	fxp_add(fx, "sec", "CN-1");
	assert_int_equal(fxp_n_links(fx, "sec"), 9);
	fxp_create(fx, "sec2", NC_TOPO_PARTIAL_MESH, NC_PROTO_IPSEC, false, NULL);
	fxp_add(fx, "sec2", "CN-2");
	fxp_add(fx, "sec2", "CN-3");
	fxp_link_add(fx, "sec2", "CN-2", "CN-3");
	/* 10 tunnels in two groups, two directions each: 20 distinct SPIs. */
	assert_int_equal(check_sas(fx), 20);
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM links WHERE key_ab = key_ba"
					    " OR spi_ab = spi_ba"),
			 0);

	/* Neither show nor any event carries a key or an SPI. */
	assert_int_equal(nc_store_link_list(fx->st, "acme", "sec", &l, &n), 0);
	o = fxp_show(fx, "sec");
	text = json_dumps(o, 0);
	ev = fxp_events_after(fx, 0);
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(text, l[i].key_ab));
		assert_null(strstr(text, l[i].key_ba));
		assert_null(strstr(ev, l[i].key_ab));
		assert_null(strstr(ev, l[i].key_ba));
	}
	assert_null(strstr(text, "spi"));
	assert_null(strstr(text, "key"));
	assert_null(strstr(ev, "spi"));
	free(text);
	free(ev);
	json_decref(o);

	/* Dual tunnel off keeps the primary tunnels' SAs. */
	spi0 = l[0].spi_ab;
	assert_int_equal(l[0].tunnel_index, 0);
	fxp_must_update(fx, "sec", "{\"dual_tunnel\":false}");
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec'"), 6);
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM links WHERE spi_ab = %u", spi0);
		assert_int_equal(fxp_query_long(fx, sql), 1);
	}
	check_sas(fx);

	/* A protocol change regenerates every SA: none for WireGuard, new ones for IPSec. */
	fxc_clean(fx);
	fxp_must_update(fx, "sec", "{\"protocol\":\"wireguard\"}");
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec' AND"
					    " (spi_ab != 0 OR spi_ba != 0 OR key_ab != ''"
					    " OR key_ba != '')"),
			 0);
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec'"), 6);
	fxp_assert_pending_all(fx, "peering sec: protocol changed to wireguard", "CN-1", "EDGE-1",
			       "EDGE-2", "EDGE-3", NULL);
	fxp_must_update(fx, "sec", "{\"protocol\":\"ipsec\",\"dual_tunnel\":true}");
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec'"), 9);
	assert_int_equal(check_sas(fx), 20);
	for (size_t i = 0; i < n; i++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM links WHERE key_ab = '%s'",
			 l[i].key_ab);
		assert_int_equal(fxp_query_long(fx, sql), 0);
	}
	free(l);
}

/* Failures leave nothing behind. */

static void test_failure_is_atomic(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	char *before, *after, *ev;
	uint64_t last;

	fxp_create(fx, "m", NC_TOPO_MESH, NC_PROTO_IPSEC, true, NULL);
	fxp_add(fx, "m", "EDGE-1");
	fxp_add(fx, "m", "EDGE-2");
	fxp_create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fxp_add(fx, "pm", "EDGE-1");
	before = fxp_snapshot(fx);
	last = nc_events_last_id(fx->core.events);

	/* Refused before any write. */
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "CN-404", &ei),
		NC_ERR_NOTFOUND);
	assert_int_equal(fxp_update(fx, "m", "{\"topology\":\"bus\"}", &ei), NC_ERR_INVAL);
	assert_int_equal(fxp_update(fx, "m", "{\"topology\":\"hub_spoke\",\"hub\":\"CN-1\"}", &ei),
			 NC_ERR_INVAL);

	/* Refused by the store after the member, its address and a link were written. */
	free(fxp_query(fx, "CREATE TRIGGER boom BEFORE INSERT ON links WHEN NEW.a = 'EDGE-3'"
			   " OR NEW.b = 'EDGE-3' BEGIN SELECT RAISE(ABORT, 'boom'); END"));
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "m", "EDGE-3", &ei),
			 NC_ERR_STORE);
	fx_assert_contains(ei.msg, "EDGE-3");
	/* ... and after the new hub joined and the group changed. */
	assert_int_equal(
		fxp_update(fx, "m", "{\"topology\":\"hub_spoke\",\"hub\":\"EDGE-3\"}", &ei),
		NC_ERR_STORE);
	free(fxp_query(fx, "DROP TRIGGER boom"));

	after = fxp_snapshot(fx);
	assert_string_equal(before, after);
	free(after);
	free(before);
	ev = fxp_events_after(fx, last);
	assert_string_equal(ev, "");
	free(ev);

	/* Once the cause is gone, the same operation goes through. */
	fxp_add(fx, "m", "EDGE-3");
	assert_int_equal(fxp_n_links(fx, "m"), 6);
}

/* Addresses. */

static void test_addresses(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	const char *count_pm = "SELECT COUNT(*) FROM addrs WHERE tenant = 'acme' AND pool = 'pm:g'";
	const char *count_blocks = "SELECT COUNT(*) FROM addrs WHERE tenant = 'acme' AND"
				   " pool = 'peering' AND owner = 'g'";

	fxp_create(fx, "g", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1");
	assert_int_equal(fxp_query_long(fx, count_pm), 1);
	assert_int_equal(fxp_query_long(fx, count_blocks), 1);
	fxp_add(fx, "g", "CN-1");
	fxp_add(fx, "g", "CN-2");
	assert_int_equal(fxp_query_long(fx, count_pm), 3);
	assert_int_equal(fxp_query_long(fx, "SELECT idx FROM addrs WHERE pool = 'pm:g' AND"
					    " owner = 'CN-1'"),
			 2);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "g", "CN-1", &ei), 0);
	assert_int_equal(fxp_query_long(fx, count_pm), 2);
	/* The freed index goes to the next member. */
	fxp_add(fx, "g", "CN-3");
	assert_int_equal(fxp_query_long(fx, "SELECT idx FROM addrs WHERE pool = 'pm:g' AND"
					    " owner = 'CN-3'"),
			 2);

	/* Deleting a member device releases its address too. */
	assert_int_equal(nc_core_connector_delete(&fx->core, &fx->actor, "acme", "CN-3", &ei), 0);
	assert_int_equal(fxp_query_long(fx, count_pm), 2);
	fxp_add(fx, "g", "CN-1");
	assert_int_equal(fxp_query_long(fx, "SELECT idx FROM addrs WHERE pool = 'pm:g' AND"
					    " owner = 'CN-1'"),
			 2);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "g", "CN-1", &ei), 0);

	fxc_clean(fx);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "g", &ei), 0);
	assert_int_equal(fxp_query_long(fx, count_pm), 0);
	assert_int_equal(fxp_query_long(fx, count_blocks), 0);
	fxp_assert_pending(fx, "CN-2: peering g deleted\n"
			       "EDGE-1: peering g deleted\n");
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM members"), 0);
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM links"), 0);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "g", &ei),
			 NC_ERR_NOTFOUND);
}

/* Tenancy and the audit trail. */

static void test_tenant_scope(void **state)
{
	struct fx_core *fx = *state;
	struct nc_peering p = {.topology = NC_TOPO_MESH};
	struct nc_errinfo ei = {0};
	json_t *o = NULL;

	fxp_create(fx, "shared", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	snprintf(p.name, sizeof(p.name), "shared");
	/* Admin without a tenant: the object names it. */
	fx_assert_refused(nc_core_peering_create(&fx->core, &fx->actor, NULL, &p, &ei),
			  NC_ERR_INVAL, &ei, "tenant");
	snprintf(p.tenant, sizeof(p.tenant), "globex");
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, NULL, &p, &ei), 0);
	fx_assert_refused(nc_core_peering_create(&fx->core, &fx->actor, NULL, &p, &ei),
			  NC_ERR_EXISTS, &ei, "name");
	/* Acting in acme with an object of globex. */
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			 NC_ERR_NOTFOUND);

	/* A name in two tenants is ambiguous without one. */
	assert_int_equal(nc_core_peering_show(&fx->core, NULL, "shared", &o, &ei), NC_ERR_CONFLICT);
	assert_null(o);
	assert_string_equal(ei.msg, "peering `shared' exists in several tenants: pass ?tenant=");
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, NULL, "shared", "GX-1", &ei),
			 NC_ERR_CONFLICT);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, NULL, "shared", &ei),
			 NC_ERR_CONFLICT);

	/* Each tenant sees its own; a unique name works without one. */
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "globex", "shared", "GX-1", &ei),
			 0);
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "shared", "GX-1", &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "shared", &ei), 0);
	assert_int_equal(nc_core_peering_show(&fx->core, NULL, "shared", &o, &ei), 0);
	assert_string_equal(json_string_value(json_object_get(o, "tenant")), "globex");
	fxp_assert_array(o, "members", "GX-1");
	json_decref(o);
	assert_int_equal(nc_core_peering_show(&fx->core, "acme", "shared", &o, &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, NULL, "shared", "GX-1", &ei),
			 0);
	assert_int_equal(fxp_query_long(fx, "SELECT COUNT(*) FROM sync WHERE serial = 'GX-1' AND"
					    " tenant = 'globex' AND state = 'pending'"),
			 1);
}

static void test_audit(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	uint64_t last = nc_events_last_id(fx->core.events);
	char *ev;

	fxp_create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fxp_add(fx, "pm", "EDGE-1");
	fxp_add(fx, "pm", "CN-1");
	fxp_link_add(fx, "pm", "EDGE-1", "CN-1");
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "CN-1", "EDGE-1", &ei), 0);
	fxp_must_update(fx, "pm", "{\"topology\":\"mesh\"}");
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "pm", "CN-1", &ei),
			 0);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "pm", &ei), 0);
	ev = fxp_events_after(fx, last);
	fx_assert_contains(ev, "\"action\":\"create\",\"object\":\"peering\"");
	fx_assert_contains(ev, "\"device\":\"CN-1\",\"action\":\"add\",\"object\":\"member\"");
	fx_assert_contains(ev, "\"action\":\"add\",\"object\":\"link\"");
	fx_assert_contains(ev, "\"action\":\"remove\",\"object\":\"link\"");
	fx_assert_contains(ev, "\"action\":\"update\",\"object\":\"peering\"");
	fx_assert_contains(ev, "\"action\":\"remove\",\"object\":\"member\"");
	fx_assert_contains(ev, "\"action\":\"delete\",\"object\":\"peering\"");
	fx_assert_contains(ev, "\"type\":\"dirty\"");
	fx_assert_contains(ev, "\"token\":\"tok1\"");
	free(ev);
}
FX_MAIN_EACH("core_peering", fx_log_errors, NULL, fxp_setup, fxc_teardown, test_ipsec,
	     test_failure_is_atomic, test_addresses, test_tenant_scope, test_audit)
