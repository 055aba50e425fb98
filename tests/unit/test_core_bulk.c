/* SPDX-License-Identifier: MIT */
/*
 * Writes of many connectors through the core, on a real SQLite store: all
 * created with distinct backbone addresses and their events told after the
 * commit; a refused item (a LAN overlap with an earlier item) leaves no
 * row, address, pending state or event; approvals all or none.
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
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"
#include "fixture_core.h"

/* Connectors v[0..n) of acme on hub EDGE-1: serial B-<i>, LAN 10.9.<i>.0/24. */
static void fill(struct nc_connector *v, size_t n)
{
	char lan[32];

	for (size_t i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		snprintf(v[i].serial, sizeof(v[i].serial), "B-%zu", i);
		snprintf(v[i].tenant, sizeof(v[i].tenant), "acme");
		snprintf(v[i].name, sizeof(v[i].name), "bulk %zu", i);
		snprintf(v[i].hub_edge, sizeof(v[i].hub_edge), "EDGE-1");
		snprintf(lan, sizeof(lan), "10.9.%zu.0/24", i);
		nc_strlist_add(&v[i].lan_subnets, lan);
	}
}

static void clear(struct nc_connector *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nc_connector_clear(&v[i]);
}

/* How many times needle occurs in text. */
static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_create_many(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector v[3];
	size_t failed = 0;
	char *events;

	fxi_add_edge(fx, "EDGE-1");
	fxc_clean(fx);
	fill(v, 3);
	assert_int_equal(
		nc_core_connector_create_many(&fx->core, &fxi_admin, "acme", v, 3, &failed, &ei),
		0);
	assert_int_equal(failed, 3);
	fxi_assert_pending(fx, "B-0=connector B-0 created;B-1=connector B-1 created;"
			       "B-2=connector B-2 created;");
	/* Three addresses taken, from the lowest: 2, 3 and 4. */
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 5);
	events = fxi_events_since(fx);
	assert_int_equal(count(events, "\"type\":\"dirty\""), 3);
	assert_int_equal(count(events, "\"action\":\"create\",\"object\":\"connector\""), 3);
	/* The dirty events come after the commit, before the audit events. */
	assert_true(strstr(events, "\"type\":\"dirty\"") < strstr(events, "\"type\":\"audit\""));
	free(events);
	fxi_assert_status(fx, "B-2", NC_STATUS_PENDING_APPROVAL);
	clear(v, 3);
}

static void test_create_many_refused(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector v[3], got = {0};
	size_t failed = 0;

	fxi_add_edge(fx, "EDGE-1");
	fxc_clean(fx);
	fill(v, 3);
	/* Item 2 overlaps item 0: refused as it would be had item 0 been stored alone. */
	nc_strlist_clear(&v[2].lan_subnets);
	nc_strlist_add(&v[2].lan_subnets, "10.9.0.128/25");
	assert_int_equal(
		nc_core_connector_create_many(&fx->core, &fxi_admin, "acme", v, 3, &failed, &ei),
		NC_ERR_CONFLICT);
	assert_int_equal(failed, 2);
	assert_string_equal(ei.field, "lan_subnets[0]");
	assert_string_equal(ei.msg, "lan_subnets[0]: 10.9.0.128/25 overlaps 10.9.0.0/24, a LAN "
				    "subnet of connector B-0 in tenant acme");
	fxi_assert_untouched(fx);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "B-0", &got), NC_ERR_NOTFOUND);
	/* No address stays taken, and the next write starts from the lowest again. */
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 2);
	clear(v, 3);
	fill(v, 2);
	assert_int_equal(
		nc_core_connector_create_many(&fx->core, &fxi_admin, "acme", v, 2, &failed, &ei),
		0);
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 4);
	clear(v, 2);
	nc_connector_clear(&got);
}

static void test_approve_many(void **state)
{
	struct fx_core *fx = *state;
	const char *const all[] = {"CN-1", "CN-2"}, *const some[] = {"CN-1", "CN-NOPE", "CN-2"};
	struct nc_errinfo ei = {0};
	size_t failed = 0;
	char *events;

	fxi_add_edge(fx, "EDGE-1");
	fxi_add_connector(fx, "CN-1", "EDGE-1", NC_STATUS_PENDING_APPROVAL);
	fxi_add_connector(fx, "CN-2", NULL, NC_STATUS_PENDING_APPROVAL);
	fxc_clean(fx);
	assert_int_equal(nc_core_connector_transition_many(&fx->core, &fxi_admin, "acme", some, 3,
							   NC_STATUS_APPROVED, NULL, &failed, &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(failed, 1);
	assert_string_equal(ei.field, "serial");
	fxi_assert_untouched(fx);
	fxi_assert_status(fx, "CN-1", NC_STATUS_PENDING_APPROVAL);
	assert_int_equal(nc_core_connector_transition_many(&fx->core, &fxi_admin, "acme", all, 2,
							   NC_STATUS_APPROVED, NULL, &failed, &ei),
			 0);
	fxi_assert_status(fx, "CN-1", NC_STATUS_APPROVED);
	fxi_assert_status(fx, "CN-2", NC_STATUS_APPROVED);
	fxi_assert_pending(fx, "CN-1=connector CN-1 approved;CN-2=connector CN-2 approved;"
			       "EDGE-1=connector CN-1 approved;");
	events = fxi_events_since(fx);
	assert_int_equal(count(events, "\"to\":\"approved\""), 2);
	assert_int_equal(count(events, "\"action\":\"approve\""), 2);
	free(events);
	/* Approving again: the first is refused, nothing moves. */
	assert_int_equal(nc_core_connector_transition_many(&fx->core, &fxi_admin, "acme", all, 2,
							   NC_STATUS_APPROVED, NULL, &failed, &ei),
			 NC_ERR_CONFLICT);
	assert_int_equal(failed, 0);
}

/* A store opened on existing LANs knows their lengths: a /24 inside a stored /16 overlaps. */
static void test_overlap_after_open(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector v[1];
	struct nc_store *st = NULL;
	struct nc_core again = {0};
	size_t failed = 0;

	fxi_add_edge(fx, "EDGE-1");
	fill(v, 1);
	nc_strlist_clear(&v[0].lan_subnets);
	nc_strlist_add(&v[0].lan_subnets, "10.77.0.0/16");
	assert_int_equal(
		nc_core_connector_create_many(&fx->core, &fxi_admin, "acme", v, 1, &failed, &ei),
		0);
	clear(v, 1);
	assert_int_equal(nc_store_open_sqlite(fx->path, &st, &ei), 0);
	again.store = st;
	fill(v, 1);
	snprintf(v[0].serial, sizeof(v[0].serial), "B-INSIDE");
	nc_strlist_clear(&v[0].lan_subnets);
	nc_strlist_add(&v[0].lan_subnets, "10.77.5.0/24");
	assert_int_equal(
		nc_core_connector_create_many(&again, &fxi_admin, "acme", v, 1, &failed, &ei),
		NC_ERR_CONFLICT);
	assert_string_equal(ei.field, "lan_subnets[0]");
	clear(v, 1);
	nc_store_close(st);
}

FX_MAIN_EACH("core_bulk", fx_log_warnings, NULL, fxc_setup, fxc_teardown, test_create_many,
	     test_create_many_refused, test_approve_many, test_overlap_after_open)
