/* SPDX-License-Identifier: MIT */
/*
 * The store over SQLite, sync states: a round trip of every field, and the
 * ten thousand the pipeline writes at once.
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

/* Sync states */

#define BATCH "{\"v\":1,\"commands\":[{\"index\":0,\"topic\":\"wireguard\",\"body\":{}}]}"

/* MTGE-1 synced for acme (every field, batch and confirm) and globex, CN-0001 pending for acme;
 * unknown devices and tenants refused; get returns every field back, peek all but the texts. */
static void sync_put_get(struct fx *fx)
{
	struct nc_sync s;
	struct nc_sync got = {0}, peek = {0};

	fx_sync_fixture(&s);
	fx_new_edge(fx->st, "acme", "MTGE-1", NC_EDGE_MTGE, 0);
	fx_new_connector(fx->st, "acme", "CN-0001", NULL, 0);
	s.last_batch = BATCH;
	s.last_confirm = "{\"v\":1,\"status\":\"success\",\"failures\":[]}";
	assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	s.last_batch = NULL;
	s.last_confirm = NULL;
	snprintf(s.tenant, sizeof(s.tenant), "globex"); /* the MTGE serves globex too */
	s.state = NC_SYNC_SYNCED;
	assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	fx_new_sync(fx->st, "CN-0001", "acme", NC_SYNC_PENDING, 0, 0);
	fx_new_sync(fx->st, "CN-404", "acme", NC_SYNC_PENDING, 0, NC_ERR_NOTFOUND);
	fx_new_sync(fx->st, "CN-0001", "nobody", NC_SYNC_PENDING, 0, NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "acme", &got), 0);
	assert_int_equal(got.state, NC_SYNC_FAILED);
	assert_string_equal(got.dirty_reason, "lan_subnets changed");
	assert_int_equal(got.seq, 42);
	assert_string_equal(got.sent_hash, "abc123");
	assert_int_equal(got.confirmed_seq, 41);
	assert_string_equal(got.confirmed_hash, "def456");
	assert_int_equal(got.attempts, 3);
	assert_int_equal(got.sent_at, FX_T1);
	assert_int_equal(got.confirmed_at, FX_T1 - 60);
	assert_int_equal(got.updated_at, FX_T1 + 1);
	assert_string_equal(got.last_batch, BATCH);
	assert_string_equal(got.last_confirm, "{\"v\":1,\"status\":\"success\",\"failures\":[]}");
	/* peek: every field but the two texts, and the same row */
	assert_int_equal(nc_store_sync_peek(fx->st, "MTGE-1", "acme", &peek), 0);
	assert_null(peek.last_batch);
	assert_null(peek.last_confirm);
	peek.last_batch = got.last_batch;
	peek.last_confirm = got.last_confirm;
	assert_memory_equal(&peek, &got, sizeof(got));
	assert_int_equal(nc_store_sync_peek(fx->st, "MTGE-1", NULL, &peek), 0);
	assert_string_equal(peek.tenant, "acme");
	assert_int_equal(nc_store_sync_peek(fx->st, "CN-0001", "globex", &peek), NC_ERR_NOTFOUND);
	nc_sync_clear(&got);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "globex", &got), 0);
	assert_null(got.last_batch);
	assert_null(got.last_confirm);
	nc_sync_clear(&got);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", NULL, &got), 0);
	assert_string_equal(got.tenant, "acme");
	nc_sync_clear(&got);
	assert_int_equal(nc_store_sync_get(fx->st, "CN-0001", "globex", &got), NC_ERR_NOTFOUND);
}

/* dirty makes the state pending with its reason and time and keeps the rest,
 * the sealed batch included; a device without a state has none to dirty. */
static void sync_dirty(struct fx *fx)
{
	struct nc_sync got = {0};

	assert_int_equal(nc_store_sync_dirty(fx->st, "MTGE-1", "acme", "key changed", FX_T1 + 9),
			 0);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "acme", &got), 0);
	assert_int_equal(got.state, NC_SYNC_PENDING);
	assert_string_equal(got.dirty_reason, "key changed");
	assert_int_equal(got.updated_at, FX_T1 + 9);
	assert_int_equal(got.seq, 42);
	assert_string_equal(got.fail_reason, "hash_mismatch");
	assert_string_equal(got.last_batch, BATCH);
	nc_sync_clear(&got);
	assert_int_equal(nc_store_sync_dirty(fx->st, "CN-404", "acme", "x", FX_T1),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_sync_dirty(fx->st, "MTGE-1", "initech", "x", FX_T1),
			 NC_ERR_NOTFOUND);
}

/* update writes what peek read, the sealed batch kept and the confirmation
 * too unless one is given; a device without a state has none to update. */
static void sync_update(struct fx *fx)
{
	struct nc_sync got = {0}, s = {0};

	assert_int_equal(nc_store_sync_peek(fx->st, "MTGE-1", "acme", &s), 0);
	s.state = NC_SYNC_SYNCED;
	s.confirmed_seq = 42;
	snprintf(s.confirmed_hash, sizeof(s.confirmed_hash), "%s", s.sent_hash);
	s.confirmed_at = FX_T1 + 10;
	assert_int_equal(nc_store_sync_update(fx->st, &s), 0);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "acme", &got), 0);
	assert_int_equal(got.state, NC_SYNC_SYNCED);
	assert_int_equal(got.confirmed_seq, 42);
	assert_string_equal(got.confirmed_hash, s.sent_hash);
	assert_int_equal(got.confirmed_at, FX_T1 + 10);
	assert_string_equal(got.last_batch, BATCH);
	assert_string_equal(got.last_confirm, "{\"v\":1,\"status\":\"success\",\"failures\":[]}");
	nc_sync_clear(&got);
	s.last_confirm = strdup("{\"v\":1}");
	assert_int_equal(nc_store_sync_update(fx->st, &s), 0);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "acme", &got), 0);
	assert_string_equal(got.last_confirm, "{\"v\":1}");
	assert_string_equal(got.last_batch, BATCH);
	nc_sync_clear(&got);
	nc_sync_clear(&s);
	s = (struct nc_sync){.serial = "CN-404", .tenant = "acme"};
	assert_int_equal(nc_store_sync_update(fx->st, &s), NC_ERR_NOTFOUND);
}

/* put replaces the whole state. */
static void sync_put_replaces(struct fx *fx)
{
	struct nc_sync got = {0};
	struct nc_sync s;

	/* put replaces the whole state */
	s = (struct nc_sync){.serial = "MTGE-1",
			     .tenant = "acme",
			     .state = NC_SYNC_FAILED,
			     .fail_reason = "hash_mismatch",
			     .seq = 43};
	assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "acme", &got), 0);
	assert_int_equal(got.state, NC_SYNC_FAILED);
	assert_string_equal(got.fail_reason, "hash_mismatch");
	assert_string_equal(got.dirty_reason, "");
	assert_int_equal(got.seq, 43);
	assert_null(got.last_batch);
	assert_true(got.updated_at > 0);
	nc_sync_clear(&got);
}

static void sync_counts(struct fx *fx)
{
	size_t counts[4];

	/* Counts leave out CN-0001: pending approval, it gets no configuration. */
	assert_int_equal(nc_store_sync_count(fx->st, NULL, counts), 0);
	assert_int_equal(counts[NC_SYNC_FAILED], 1);
	assert_int_equal(counts[NC_SYNC_SYNCED], 1);
	assert_int_equal(counts[NC_SYNC_PENDING], 0);
	assert_int_equal(counts[NC_SYNC_APPLYING], 0);
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-0001", NC_STATUS_APPROVED), 0);
	assert_int_equal(nc_store_sync_count(fx->st, NULL, counts), 0);
	assert_int_equal(counts[NC_SYNC_PENDING], 1);
	assert_int_equal(nc_store_sync_count(fx->st, "globex", counts), 0);
	assert_int_equal(counts[NC_SYNC_SYNCED], 1);
	assert_int_equal(counts[NC_SYNC_FAILED], 0);
}

/* Lists CN-0001 pending for acme, MTGE-1 for acme and globex; the CN-0001 state is kept as
 * unconfigured once decommissioned. */
static void sync_list(struct fx *fx)
{
	struct nc_sync_filter f = {.tenant = NULL, .state = -1};
	struct nc_page pg = {.limit = 1};
	struct nc_sync *v = NULL;
	size_t n = 0, counts[4];

	/* keyset paging over (serial, tenant): "CN-0001:acme", "MTGE-1:acme", "MTGE-1:globex" */
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pg.next_cursor, "CN-0001:acme");
	nc_sync_array_free(v, n);
	snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
	assert_string_equal(v[0].serial, "MTGE-1");
	assert_string_equal(v[0].tenant, "acme");
	assert_string_equal(pg.next_cursor, "MTGE-1:acme");
	nc_sync_array_free(v, n);
	snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
	assert_string_equal(v[0].tenant, "globex");
	assert_string_equal(pg.next_cursor, "");
	nc_sync_array_free(v, n);
	snprintf(pg.cursor, sizeof(pg.cursor), "no-colon");
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), NC_ERR_INVAL);

	f.state = NC_SYNC_PENDING;
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].serial, "CN-0001");
	nc_sync_array_free(v, n);

	/* configured: a decommissioned connector's state is kept, not listed. */
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-0001", NC_STATUS_DECOMMISSIONED),
			 0);
	f.configured = true;
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 0);
	f = (struct nc_sync_filter){.state = -1, .configured = true};
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].serial, "MTGE-1");
	nc_sync_array_free(v, n);
	f.configured = false;
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 3);
	nc_sync_array_free(v, n);
	assert_int_equal(nc_store_sync_count(fx->st, NULL, counts), 0);
	assert_int_equal(counts[NC_SYNC_PENDING], 0);
}

static void test_sync_round_trip(void **state)
{
	struct fx *fx = *state;

	sync_put_get(fx);
	sync_dirty(fx);
	sync_update(fx);
	sync_put_replaces(fx);
	sync_counts(fx);
	sync_list(fx);
}

#define N_FLEET 10000

static void test_sync_ten_thousand(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c = {.tenant = "acme", .name = "fleet", .status = NC_STATUS_ACTIVE};
	struct nc_sync s = {.tenant = "acme", .state = NC_SYNC_APPLYING};
	struct nc_sync_filter f = {.tenant = "acme", .state = -1};
	struct nc_page pg = {.limit = NC_PAGE_MAX};
	struct nc_sync *v = NULL;
	size_t n = 0, seen = 0, counts[4];
	char batch[64];

	assert_int_equal(nc_store_begin(fx->st), 0);
	for (int i = 0; i < N_FLEET; i++) {
		snprintf(c.serial, sizeof(c.serial), "FL%05d", i);
		assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	}
	assert_int_equal(nc_store_commit(fx->st), 0);

	assert_int_equal(nc_store_begin(fx->st), 0);
	for (int i = 0; i < N_FLEET; i++) {
		snprintf(s.serial, sizeof(s.serial), "FL%05d", i);
		snprintf(batch, sizeof(batch), "{\"seq\":%d}", i + 1);
		s.seq = i + 1;
		s.last_batch = batch;
		assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	}
	assert_int_equal(nc_store_commit(fx->st), 0);

	assert_int_equal(nc_store_sync_count(fx->st, "acme", counts), 0);
	assert_int_equal(counts[NC_SYNC_APPLYING], N_FLEET);
	do {
		assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
		for (size_t i = 0; i < n; i++) {
			snprintf(batch, sizeof(batch), "{\"seq\":%zu}", seen + i + 1);
			assert_int_equal(v[i].seq, (int64_t)(seen + i + 1));
			assert_string_equal(v[i].last_batch, batch);
		}
		seen += n;
		nc_sync_array_free(v, n);
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (pg.next_cursor[0]);
	assert_int_equal(seen, N_FLEET);
}

FX_MAIN_EACH("store_sync", fx_log_warnings, NULL, fx_setup_store, fx_teardown, test_sync_round_trip,
	     test_sync_ten_thousand)
