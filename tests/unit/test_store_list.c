/* SPDX-License-Identifier: MIT */
/*
 * The store over SQLite, lists: keyset paging, and filters alone and combined.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"

/* Paging and filters */

#define N_PAGED 250

static void add_paged_connectors(struct nc_store *st)
{
	struct nc_connector c = {0};

	fx_new_edge(st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	assert_int_equal(nc_store_begin(st), 0);
	for (int i = 1; i <= N_PAGED; i++) {
		memset(&c, 0, sizeof(c));
		snprintf(c.serial, sizeof(c.serial), "CN-%04d", i);
		snprintf(c.tenant, sizeof(c.tenant), "acme");
		if (i % 10 == 0)
			snprintf(c.name, sizeof(c.name), "HQ_%d", i);
		else
			snprintf(c.name, sizeof(c.name), "Branch-%04d", i);
		snprintf(c.region, sizeof(c.region), "%s", i % 2 ? "eu-west" : "us-east");
		if (i % 5 == 0)
			snprintf(c.hub_edge, sizeof(c.hub_edge), "EDGE-1");
		c.status = (enum nc_status)(i % 3);
		assert_int_equal(nc_store_connector_insert(st, &c), 0);
	}
	assert_int_equal(nc_store_commit(st), 0);
	fx_new_connector(st, "globex", "CN-G001", NULL, 0);
}

static size_t count_all(struct nc_store *st, const struct nc_connector_filter *f)
{
	struct nc_connector *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_connector_list(st, f, NULL, &v, &n), 0);
	nc_connector_array_free(v, n);
	return n;
}

static void test_paging(void **state)
{
	struct fx *fx = *state;
	struct nc_connector_filter f = {.tenant = "acme", .status = -1};
	struct nc_page pg = {.limit = 100};
	struct nc_connector *v = NULL;
	size_t n = 0, total = 0, pages[4] = {0}, np = 0;

	add_paged_connectors(fx->st);
	do {
		assert_true(np < 4);
		assert_int_equal(nc_store_connector_list(fx->st, &f, &pg, &v, &n), 0);
		pages[np++] = n;
		for (size_t i = 0; i < n; i++) {
			char want[16];

			snprintf(want, sizeof(want), "CN-%04zu", total + i + 1);
			assert_string_equal(v[i].serial, want);
		}
		total += n;
		if (n)
			assert_true(!pg.next_cursor[0] ||
				    strcmp(pg.next_cursor, v[n - 1].serial) == 0);
		nc_connector_array_free(v, n);
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (pg.next_cursor[0]);
	assert_int_equal(np, 3);
	assert_int_equal(pages[0], 100);
	assert_int_equal(pages[1], 100);
	assert_int_equal(pages[2], 50);

	/* limit 0 is the default page; a huge one is capped, here by the data */
	pg = (struct nc_page){.limit = 0};
	assert_int_equal(nc_store_connector_list(fx->st, NULL, &pg, &v, &n), 0);
	assert_int_equal(n, NC_PAGE_DEFAULT);
	assert_string_equal(pg.next_cursor, "CN-0100");
	nc_connector_array_free(v, n);
	pg = (struct nc_page){.limit = 100000};
	assert_int_equal(nc_store_connector_list(fx->st, NULL, &pg, &v, &n), 0);
	assert_int_equal(n, N_PAGED + 1);
	assert_string_equal(pg.next_cursor, "");
	nc_connector_array_free(v, n);
}

static void test_filters(void **state)
{
	struct fx *fx = *state;
	struct nc_connector_filter f = {.status = -1};
	struct nc_edge_filter ef = {.kind = -1};
	struct nc_edge *ev = NULL;
	struct nc_page pg = {.limit = 7};
	struct nc_connector *v = NULL;
	size_t n = 0, want;

	add_paged_connectors(fx->st);
	assert_int_equal(count_all(fx->st, &f), N_PAGED + 1);
	f.tenant = "globex";
	assert_int_equal(count_all(fx->st, &f), 1);
	f.tenant = "acme";
	assert_int_equal(count_all(fx->st, &f), N_PAGED);

	f.status = NC_STATUS_APPROVED;
	want = 0;
	for (int i = 1; i <= N_PAGED; i++)
		want += i % 3 == NC_STATUS_APPROVED;
	assert_int_equal(count_all(fx->st, &f), want);
	f.region = "us-east";
	want = 0;
	for (int i = 1; i <= N_PAGED; i++)
		want += i % 3 == NC_STATUS_APPROVED && i % 2 == 0;
	assert_int_equal(count_all(fx->st, &f), want);

	f = (struct nc_connector_filter){.status = -1, .hub = "EDGE-1"};
	assert_int_equal(count_all(fx->st, &f), N_PAGED / 5);
	f.hub = "";
	assert_int_equal(count_all(fx->st, &f), N_PAGED - N_PAGED / 5 + 1);
	f.hub = NULL;

	f.name_contains = "bRANCH-01"; /* Branch-0101..0199 but the HQ_ ones */
	assert_int_equal(count_all(fx->st, &f), 90);
	f.name_contains = "_"; /* a literal underscore, not LIKE's wildcard */
	assert_int_equal(count_all(fx->st, &f), N_PAGED / 10);
	f.name_contains = "%";
	assert_int_equal(count_all(fx->st, &f), 0);
	f.name_contains = "hq_1";
	assert_int_equal(count_all(fx->st, &f), 11); /* HQ_10 and HQ_100 to HQ_190 */

	/* filters and paging together */
	f = (struct nc_connector_filter){.tenant = "acme", .status = -1, .hub = "EDGE-1"};
	want = 0;
	pg.cursor[0] = '\0';
	do {
		assert_int_equal(nc_store_connector_list(fx->st, &f, &pg, &v, &n), 0);
		for (size_t i = 0; i < n; i++)
			assert_string_equal(v[i].hub_edge, "EDGE-1");
		want += n;
		nc_connector_array_free(v, n);
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (pg.next_cursor[0]);
	assert_int_equal(want, N_PAGED / 5);

	fx_new_edge(fx->st, "globex", "MTGE-1", NC_EDGE_MTGE, 0);
	assert_int_equal(nc_store_edge_list(fx->st, &ef, NULL, &ev, &n), 0);
	assert_int_equal(n, 2);
	nc_edge_array_free(ev, n);
	ef.kind = NC_EDGE_MTGE;
	ef.region = "eu-west";
	assert_int_equal(nc_store_edge_list(fx->st, &ef, NULL, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].serial, "MTGE-1");
	nc_edge_array_free(ev, n);
	ef.region = "us-east";
	assert_int_equal(nc_store_edge_list(fx->st, &ef, NULL, &ev, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ev);
}

/* Every combination of the connector filters against a count made by hand
 * from how add_paged_connectors() built the rows. */
static void test_filter_combinations(void **state)
{
	struct fx *fx = *state;
	const char *tenants[] = {NULL, "acme"};
	const int statuses[] = {-1, NC_STATUS_APPROVED};
	const char *regions[] = {NULL, "eu-west"};
	const char *hubs[] = {NULL, "", "EDGE-1"};
	const char *names[] = {NULL, "BRANCH"};
	struct nc_connector_filter f;
	size_t want;

	add_paged_connectors(fx->st);
	for (int m = 0; m < 2 * 2 * 2 * 3 * 2; m++) {
		f = (struct nc_connector_filter){.tenant = tenants[m % 2],
						 .status = statuses[m / 2 % 2],
						 .region = regions[m / 4 % 2],
						 .hub = hubs[m / 8 % 3],
						 .name_contains = names[m / 24 % 2]};
		/* globex's CN-G001: "branch CN-G001", eu-west, no hub, pending */
		want = !f.tenant && f.status < 0 && (!f.hub || !*f.hub);
		for (int i = 1; i <= N_PAGED; i++) {
			bool hub = i % 5 == 0;

			want += (f.status < 0 || i % 3 == f.status) && (!f.region || i % 2) &&
				(!f.hub || (*f.hub ? hub : !hub)) && (!f.name_contains || i % 10);
		}
		if (count_all(fx->st, &f) != want)
			fail_msg("filter %d: expected %zu connectors", m, want);
	}
}

FX_MAIN_EACH("store_list", fx_log_warnings, NULL, fx_setup_store, fx_teardown, test_paging,
	     test_filters, test_filter_combinations)
