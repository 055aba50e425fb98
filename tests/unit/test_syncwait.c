/* SPDX-License-Identifier: MIT */
/*
 * `sync now --wait`'s tracker (cli/syncwait.c): what each event and state
 * decides for the devices of a Sync Now, synchronous or queued.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/syncwait.h"

static json_t *j(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	return v;
}

/* Applies an event given as JSON text. */
static bool ev(struct cli_wait *w, const char *text, int64_t now)
{
	json_t *e = j(text);
	bool changed = cli_wait_event(w, e, now);

	json_decref(e);
	return changed;
}

/* Applies a verified confirmation of seq by acme's serial. */
static bool verified(struct cli_wait *w, const char *serial, int64_t seq, int64_t now)
{
	char text[256];

	snprintf(text, sizeof(text),
		 "{\"type\":\"confirm\",\"device\":\"%s\",\"tenant\":\"acme\",\"seq\":%lld,"
		 "\"verdict\":\"verified\"}",
		 serial, (long long)seq);
	return ev(w, text, now);
}

/* What a Sync Now answered: four batches applying (an MTGE with two tenants), one skipped. */
static json_t *tracker_items(void)
{
	return j("{\"items\":[{\"serial\":\"CN-2\",\"tenant\":\"acme\",\"seq\":5,\"state\":"
		 "\"applying\"},"
		 "{\"serial\":\"CN-1\",\"tenant\":\"acme\",\"seq\":3,\"state\":\"applying\"},"
		 "{\"serial\":\"CN-3\",\"tenant\":\"acme\",\"state\":\"skipped\","
		 "\"error\":\"not approved\"},"
		 "{\"serial\":\"MTGE-1\",\"tenant\":\"globex\",\"seq\":8,\"state\":\"applying\"},"
		 "{\"serial\":\"MTGE-1\",\"tenant\":\"acme\",\"seq\":7,\"state\":\"applying\"}]}");
}

static void test_tracker(void **state)
{
	json_t *items = tracker_items();
	struct cli_wait w;
	json_t *st, *out;

	cli_wait_init(&w, items, 1000);
	assert_int_equal(w.n, 5);
	assert_int_equal(w.count[NC_WAIT_APPLYING], 4);
	assert_int_equal(w.count[NC_WAIT_SKIPPED], 1);
	assert_string_equal(w.v[0].serial, "CN-1");
	assert_string_equal(w.v[3].tenant, "acme");

	/* A verified confirmation of the awaited seq: synced. */
	assert_true(verified(&w, "CN-1", 3, 1500));
	assert_int_equal(w.v[0].outcome, NC_WAIT_SYNCED);
	assert_int_equal(w.v[0].ms, 500);
	/* Decided stays decided. */
	assert_false(ev(&w,
			"{\"type\":\"sync_state\",\"device\":\"CN-1\",\"tenant\":\"acme\","
			"\"seq\":3,\"state\":\"failed\",\"reason\":\"drift\"}",
			1600));
	/* A stale confirmation, another tenant's, an unknown device: nothing. */
	assert_false(ev(&w,
			"{\"type\":\"confirm\",\"device\":\"CN-2\",\"tenant\":\"acme\",\"seq\":4,"
			"\"verdict\":\"stale\"}",
			1600));
	assert_false(ev(&w,
			"{\"type\":\"confirm\",\"device\":\"CN-2\",\"tenant\":\"x\",\"seq\":5,"
			"\"verdict\":\"verified\"}",
			1600));
	assert_false(ev(&w, "{\"type\":\"confirm\",\"device\":\"CN-9\",\"seq\":1}", 1600));
	/* A newer batch moves the awaited seq; its mismatch fails the device. */
	assert_true(ev(&w,
		       "{\"type\":\"batch_sent\",\"device\":\"CN-2\",\"tenant\":\"acme\","
		       "\"seq\":6,\"config_hash\":\"abcd\"}",
		       1700));
	assert_false(ev(&w,
			"{\"type\":\"confirm\",\"device\":\"CN-2\",\"tenant\":\"acme\",\"seq\":5,"
			"\"verdict\":\"verified\"}",
			1700));
	assert_true(ev(&w,
		       "{\"type\":\"confirm\",\"device\":\"CN-2\",\"tenant\":\"acme\",\"seq\":6,"
		       "\"verdict\":\"hash_mismatch\",\"config_hash\":\"0000000000\","
		       "\"expected_hash\":\"abcdef0123\"}",
		       1800));
	assert_int_equal(w.v[1].outcome, NC_WAIT_FAILED);
	assert_string_equal(w.v[1].reason,
			    "hash_mismatch: the device applied 00000000, expected abcdef01");
	/* One tenant of an MTGE synced by a sync_state; the other failed, read from GET. */
	assert_true(ev(&w,
		       "{\"type\":\"sync_state\",\"device\":\"MTGE-1\",\"tenant\":\"acme\","
		       "\"seq\":7,\"state\":\"synced\"}",
		       1900));
	assert_false(cli_wait_done(&w));
	st = j("{\"serial\":\"MTGE-1\",\"tenant\":\"globex\",\"seq\":8,\"state\":\"failed\","
	       "\"fail_reason\":\"timeout\"}");
	assert_true(cli_wait_state(&w, st, 2000));
	json_decref(st);
	assert_true(cli_wait_done(&w));
	assert_int_equal(w.count[NC_WAIT_SYNCED], 2);
	assert_int_equal(w.count[NC_WAIT_FAILED], 2);
	out = cli_wait_json(&w);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(out, "summary"), "failed")), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(out, "items"), 2), "outcome")),
			    "skipped");
	assert_string_equal(cli_outcome_name(NC_WAIT_TIMEDOUT), "timed out");
	json_decref(out);
	cli_wait_free(&w);
	json_decref(items);
}

/* The deadline: what is still applying is timed out. */
static void test_tracker_deadline(void **state)
{
	json_t *items = tracker_items();
	struct cli_wait w;

	cli_wait_init(&w, items, 0);
	cli_wait_expire(&w, "no confirmation before the deadline", 30000);
	assert_int_equal(w.count[NC_WAIT_TIMEDOUT], 4);
	assert_true(cli_wait_done(&w));
	cli_wait_free(&w);
	cli_wait_free(NULL);
	json_decref(items);
}

/* An asynchronous Sync Now: run 7 queued three devices; events decide them. */
static void test_tracker_queued(void **state)
{
	json_t *reply = j("{\"run\":7,\"items\":["
			  "{\"serial\":\"CN-1\",\"tenant\":\"acme\",\"state\":\"queued\","
			  "\"base_seq\":3},"
			  "{\"serial\":\"CN-2\",\"tenant\":\"acme\",\"state\":\"queued\","
			  "\"base_seq\":0},"
			  "{\"serial\":\"CN-3\",\"tenant\":\"acme\",\"state\":\"queued\","
			  "\"base_seq\":9}]}");
	struct cli_wait w;
	json_t *st;

	cli_wait_init(&w, reply, 0);
	assert_int_equal(w.run, 7);
	assert_int_equal(w.count[NC_WAIT_APPLYING], 3);
	/* The state read before the run's batch went out decides nothing. */
	st = j("{\"serial\":\"CN-1\",\"tenant\":\"acme\",\"seq\":3,\"state\":\"synced\"}");
	assert_false(cli_wait_state(&w, st, 10));
	json_decref(st);
	/* Its batch: the awaited seq gets its hash; the confirmation decides. */
	assert_true(ev(&w,
		       "{\"type\":\"batch_sent\",\"device\":\"CN-1\",\"tenant\":\"acme\","
		       "\"seq\":4,\"config_hash\":\"abcd\",\"run\":7}",
		       20));
	assert_string_equal(w.v[0].hash, "abcd");
	assert_true(verified(&w, "CN-1", 4, 30));
	assert_int_equal(w.v[0].outcome, NC_WAIT_SYNCED);
	/* Another run's items, then this run's: skipped and never seen. */
	assert_false(ev(&w,
			"{\"type\":\"sync_run\",\"run\":6,\"phase\":\"progress\",\"items\":"
			"[{\"serial\":\"CN-2\",\"tenant\":\"acme\",\"state\":\"skipped\","
			"\"error\":\"no\"}]}",
			40));
	assert_true(ev(&w,
		       "{\"type\":\"sync_run\",\"run\":7,\"phase\":\"progress\",\"items\":"
		       "[{\"serial\":\"CN-2\",\"tenant\":\"acme\",\"state\":\"skipped\","
		       "\"error\":\"connector CN-2 is pending_approval\"},"
		       "{\"serial\":\"CN-3\",\"tenant\":\"acme\",\"state\":\"applying\","
		       "\"seq\":10,\"never_seen\":true}]}",
		       50));
	assert_int_equal(w.v[1].outcome, NC_WAIT_SKIPPED);
	assert_string_equal(w.v[1].reason, "connector CN-2 is pending_approval");
	assert_int_equal(w.v[2].outcome, NC_WAIT_NEVER_SEEN);
	assert_true(cli_wait_done(&w));
	cli_wait_free(&w);
	json_decref(reply);
}

FX_MAIN("syncwait", test_tracker, test_tracker_deadline, test_tracker_queued)
