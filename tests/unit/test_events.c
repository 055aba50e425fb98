/* SPDX-License-Identifier: MIT */
/*
 * The event ring: ids from a base and what a reader gets for each kind of
 * resume point (0, an id of this run, one that left the ring, one of an
 * earlier run, one never issued), ids across a block boundary, a reader
 * woken by a writer, the emit hook, and the blocks of ids that starts take.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../lib/events/events.h"
#include "../../lib/util/err.h"
#include "fixture.h"

#define MAXEV	 64
#define BLOCK(b) ((uint64_t)(b) << NC_EVENTS_BLOCK_SHIFT)

/* What one read returned. */
struct got {
	struct nc_event v[MAXEV];
	size_t n;
	bool gap;
	uint64_t next;
};

static void read_all(struct nc_events *ev, uint64_t after, const struct nc_event_filter *f,
		     int timeout_ms, struct got *g)
{
	g->n = nc_events_read(ev, after, f, g->v, MAXEV, timeout_ms, &g->gap, &g->next);
}

static void got_clear(struct got *g)
{
	nc_event_array_clear(g->v, g->n);
	g->n = 0;
}

static void emit_n(struct nc_events *ev, int n)
{
	for (int i = 0; i < n; i++)
		nc_events_emit(ev, NC_EV_audit, "acme", i % 2 ? "CN-1" : "CN-2", NULL);
}

/* The read got ids first..last, in order, each also in its JSON `id`. */
static void assert_ids(const struct got *g, uint64_t first, uint64_t last)
{
	assert_int_equal(g->n, (size_t)(last - first + 1));
	for (size_t i = 0; i < g->n; i++) {
		json_t *o = json_loads(g->v[i].text, 0, NULL);

		assert_non_null(o);
		assert_int_equal(g->v[i].id, first + i);
		assert_true(json_is_integer(json_object_get(o, "id")));
		assert_int_equal((uint64_t)json_integer_value(json_object_get(o, "id")), first + i);
		json_decref(o);
	}
}

/* A read resuming after an id, the gap it must report and the ids first..last it must get. */
struct resume {
	uint64_t after;
	bool gap;
	uint64_t first, last;
};

/* Every read of rows, without waiting, gets what the row says. */
static void assert_reads(struct nc_events *ev, const struct resume *rows, size_t n)
{
	struct got g;

	for (size_t i = 0; i < n; i++) {
		read_all(ev, rows[i].after, NULL, 0, &g);
		if (g.gap != rows[i].gap)
			fail_msg("read after %llu: gap %d, want %d",
				 (unsigned long long)rows[i].after, g.gap, rows[i].gap);
		assert_ids(&g, rows[i].first, rows[i].last);
		got_clear(&g);
	}
}

/* In a ring after BLOCK(2) holding three events, a read after each of afters reports a gap and
 * gets all three. */
static void assert_gaps_to_all(const uint64_t *afters, size_t n)
{
	uint64_t base = BLOCK(2);
	struct nc_events *ev = nc_events_new_after(8, base);
	struct got g;

	emit_n(ev, 3);
	for (size_t i = 0; i < n; i++) {
		read_all(ev, afters[i], NULL, 0, &g);
		if (!g.gap)
			fail_msg("read after %llu: no gap", (unsigned long long)afters[i]);
		assert_ids(&g, base + 1, base + 3);
		got_clear(&g);
	}
	nc_events_free(ev);
}

static void test_ids_from_one(void **state)
{
	struct nc_events *ev = nc_events_new(8);
	json_t *fields = json_pack("{s:i,s:s}", "id", 99, "x", "y");
	struct got g;

	(void)state;
	assert_int_equal(nc_events_last_id(ev), 0);
	assert_int_equal(nc_events_emit(ev, NC_EV_audit, "acme", "CN-1", fields), 1);
	emit_n(ev, 2);
	assert_int_equal(nc_events_last_id(ev), 3);
	read_all(ev, 0, NULL, 0, &g);
	assert_false(g.gap);
	assert_ids(&g, 1, 3);
	assert_int_equal(g.next, 3);
	/* The id leads, the fields follow, and a field named "id" cannot replace it. */
	assert_true(strncmp(g.v[0].text, "{\"id\":1,\"ts\":\"", 14) == 0);
	assert_null(strstr(g.v[0].text + 2, "\"id\""));
	fx_assert_contains(
		g.v[0].text,
		"\"type\":\"audit\",\"tenant\":\"acme\",\"device\":\"CN-1\",\"x\":\"y\"}");
	got_clear(&g);
	nc_events_free(ev);
}

static void test_ids_from_base(void **state)
{
	uint64_t base = BLOCK(3);
	struct nc_events *ev = nc_events_new_after(8, base);
	struct got g;

	(void)state;
	assert_int_equal(nc_events_last_id(ev), base);
	assert_int_equal(nc_events_emit(ev, NC_EV_audit, NULL, NULL, NULL), base + 1);
	emit_n(ev, 4);
	assert_int_equal(nc_events_last_id(ev), base + 5);

	/* 0: from the first event of the run, nothing lost. */
	read_all(ev, 0, NULL, 0, &g);
	assert_false(g.gap);
	assert_ids(&g, base + 1, base + 5);
	assert_int_equal(g.next, base + 5);
	got_clear(&g);

	/* An id of this run: what follows it. */
	read_all(ev, base + 2, NULL, 0, &g);
	assert_false(g.gap);
	assert_ids(&g, base + 3, base + 5);
	got_clear(&g);

	/* The newest id: nothing yet, and no gap. */
	read_all(ev, base + 5, NULL, 0, &g);
	assert_false(g.gap);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.next, base + 5);
	nc_events_free(ev);
}

static void test_previous_run_is_a_gap(void **state)
{
	/* An id of the run before, whether small or just below the base; an id from before ids
	 * had blocks. */
	const uint64_t afters[] = {BLOCK(1) + 500, BLOCK(2) - 1, 500};

	(void)state;
	assert_gaps_to_all(afters, COUNT(afters));
}

static void test_beyond_newest_is_a_gap(void **state)
{
	/* Never issued here: a later block (a store restored from a backup, another server) or
	 * this block's future. */
	const uint64_t afters[] = {BLOCK(5) + 1, BLOCK(2) + 4, UINT64_MAX};

	(void)state;
	assert_gaps_to_all(afters, COUNT(afters));
}

static void test_left_the_ring(void **state)
{
	uint64_t base = BLOCK(7);
	struct nc_events *ev = nc_events_new_after(4, base);
	/* Kept: base+7 .. base+10. 0 asks for the whole run, of which the start was dropped; an
	 * earlier run's id gets the oldest kept. */
	const struct resume rows[] = {
		{base + 2, true, base + 7, base + 10},
		{base + 6, false, base + 7, base + 10},
		{0, true, base + 7, base + 10},
		{base - 9, true, base + 7, base + 10},
	};

	(void)state;
	emit_n(ev, 10);
	assert_reads(ev, rows, COUNT(rows));
	nc_events_free(ev);
}

/* A reader that resumes from an earlier run before anything happened in
 * this one: the gap at once, without waiting for an event; then, read from
 * *next, no gap again. */
static void test_previous_run_before_any_event(void **state)
{
	uint64_t base = BLOCK(4);
	struct nc_events *ev = nc_events_new_after(8, base);
	struct timespec t0, t1;
	struct got g;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	read_all(ev, BLOCK(3) + 42, NULL, 10000, &g);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	assert_true(g.gap);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.next, base);
	read_all(ev, g.next, NULL, 0, &g);
	assert_false(g.gap);
	assert_int_equal(g.n, 0);
	emit_n(ev, 2);
	read_all(ev, g.next, NULL, 0, &g);
	assert_false(g.gap);
	assert_ids(&g, base + 1, base + 2);
	got_clear(&g);
	nc_events_free(ev);
}

/* The count of a run goes past 2^32 into the next block without a hitch. */
static void test_across_a_block_boundary(void **state)
{
	uint64_t base = BLOCK(1) - 3;
	struct nc_events *ev = nc_events_new_after(4, base);
	const struct resume rows[] = {
		{BLOCK(1) - 1, true, BLOCK(1) + 1, BLOCK(1) + 4},
		{BLOCK(1) + 2, false, BLOCK(1) + 3, BLOCK(1) + 4},
	};

	(void)state;
	emit_n(ev, 7);
	assert_int_equal(nc_events_last_id(ev), BLOCK(1) + 4);
	assert_reads(ev, rows, COUNT(rows));
	nc_events_free(ev);
}

static void test_filters_move_next(void **state)
{
	uint64_t base = BLOCK(9);
	struct nc_events *ev = nc_events_new_after(16, base);
	struct nc_event_filter f = {.device = "CN-1"};
	struct got g;

	(void)state;
	emit_n(ev, 6); /* CN-2, CN-1, CN-2, ... */
	read_all(ev, BLOCK(8) + 1, &f, 0, &g);
	assert_true(g.gap);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.v[0].id, base + 2);
	assert_int_equal(g.v[2].id, base + 6);
	assert_int_equal(g.next, base + 6);
	got_clear(&g);
	nc_events_free(ev);
}

struct waiter {
	struct nc_events *ev;
	uint64_t after;
	struct got g;
};

static void *wait_one(void *arg)
{
	struct waiter *w = arg;

	read_all(w->ev, w->after, NULL, 5000, &w->g);
	return NULL;
}

/* A reader waiting at the newest id gets the next event when it is
 * written, whether it reads before the write (woken) or after it. (From an
 * earlier run's id the gap comes at once, without waiting:
 * test_previous_run_before_any_event.) */
/* The newest events that pass a filter, oldest first, without waiting;
 * only those still in the ring. */
static void test_recent(void **state)
{
	struct nc_events *ev = nc_events_new_after(8, BLOCK(1));
	struct nc_event_filter cn1 = {.device = "CN-1"};
	struct nc_event v[16];
	uint64_t last = 0;
	size_t n;

	(void)state;
	n = nc_events_recent(ev, NULL, v, 4, &last);
	assert_int_equal(n, 0);
	assert_int_equal(last, BLOCK(1));
	emit_n(ev, 12); /* ids 1..12 of the block; CN-1 has the even ones; 5..12 kept */
	n = nc_events_recent(ev, NULL, v, 3, &last);
	assert_int_equal(n, 3);
	assert_int_equal(last, BLOCK(1) + 12);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].id, BLOCK(1) + 10 + i);
	nc_event_array_clear(v, n);
	n = nc_events_recent(ev, &cn1, v, 16, &last);
	assert_int_equal(n, 4); /* 6, 8, 10, 12: 2 and 4 left the ring */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].id, BLOCK(1) + 6 + 2 * i);
		assert_non_null(strstr(v[i].text, "\"device\":\"CN-1\""));
	}
	nc_event_array_clear(v, n);
	n = nc_events_recent(ev, &cn1, v, 2, &last);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, BLOCK(1) + 10);
	assert_int_equal(v[1].id, BLOCK(1) + 12);
	nc_event_array_clear(v, n);
	nc_events_free(ev);
}

static void test_waiting_reader(void **state)
{
	uint64_t base = BLOCK(6);
	struct waiter w = {.ev = nc_events_new_after(8, base), .after = base};
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, wait_one, &w), 0);
	nc_events_emit(w.ev, NC_EV_broker, NULL, NULL, json_pack("{s:b}", "connected", 1));
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_false(w.g.gap);
	assert_ids(&w.g, base + 1, base + 1);
	got_clear(&w.g);
	nc_events_free(w.ev);
}

/* The hook's argument: the ring, and how often the hook ran. */
struct hooked {
	struct nc_events *ev;
	int calls;
};

static void on_emit(void *arg)
{
	struct hooked *h = arg;

	h->calls++;
}

static void test_emit_hook(void **state)
{
	struct hooked h = {.ev = nc_events_new(8)};

	(void)state;
	emit_n(h.ev, 2);
	nc_events_on_emit(h.ev, on_emit, &h);
	emit_n(h.ev, 3);
	assert_int_equal(h.calls, 3);
	/* Once removed, the hook is never called again. */
	nc_events_on_emit(h.ev, NULL, NULL);
	emit_n(h.ev, 2);
	assert_int_equal(h.calls, 3);
	assert_int_equal(nc_events_last_id(h.ev), 7);
	nc_events_free(h.ev);
}

static void test_block_next(void **state)
{
	(void)state;
	assert_int_equal(nc_events_block_next(0), 1);
	assert_int_equal(nc_events_block_next(1), 2);
	assert_int_equal(nc_events_block_next(NC_EVENTS_BLOCK_WRAP - 2), NC_EVENTS_BLOCK_WRAP - 1);
	assert_int_equal(nc_events_block_next(NC_EVENTS_BLOCK_WRAP - 1), 1);
	assert_int_equal(nc_events_block_next(NC_EVENTS_BLOCK_WRAP + 5), 1);
	/* A negative value read back from the store. */
	assert_int_equal(nc_events_block_next((uint64_t)(int64_t)-1), 1);
	/* The highest block leaves 2^52 ids below 2^53. */
	assert_true(BLOCK(NC_EVENTS_BLOCK_WRAP - 1) + (UINT64_C(1) << 52) <= UINT64_C(1) << 53);
}

static void test_block_needed(void **state)
{
	const uint64_t half = UINT64_C(1) << (NC_EVENTS_BLOCK_SHIFT - 1);

	(void)state;
	assert_int_equal(nc_events_block_needed(0), 0);
	assert_int_equal(nc_events_block_needed(BLOCK(3)), 3);
	assert_int_equal(nc_events_block_needed(BLOCK(3) + 1), 3);
	assert_int_equal(nc_events_block_needed(BLOCK(3) + half - 1), 3);
	assert_int_equal(nc_events_block_needed(BLOCK(3) + half), 4);
	assert_int_equal(nc_events_block_needed(BLOCK(4) + 5), 4);
	/* Whatever was last recorded, a start after up to half a block more
	 * ids takes a block above all of them. */
	for (uint64_t last = BLOCK(3); last < BLOCK(6); last += half / 3) {
		uint64_t start = nc_events_block_next(nc_events_block_needed(last));

		assert_true(BLOCK(start) > last + half - 1);
	}
}

/* types.def is the one list: every name is unique, lowercase, and found back by name. */
static void test_types_from_the_one_list(void **state)
{
	struct nc_events *ev = nc_events_new(8);
	enum nc_event_type t;

	(void)state;
	for (unsigned i = 0; i < NC_EV_COUNT; i++) {
		const char *name = nc_event_type_name((enum nc_event_type)i);

		assert_non_null(name);
		assert_true(strspn(name, "abcdefghijklmnopqrstuvwxyz_") == strlen(name));
		assert_int_equal(nc_event_type_find(name, &t), 0);
		assert_int_equal(t, i);
	}
	assert_string_equal(nc_event_type_name(NC_EV_audit), "audit");
	assert_string_equal(nc_event_type_name(NC_EV_stale_report), "stale_report");
	assert_null(nc_event_type_name(NC_EV_COUNT));
	assert_int_equal(nc_event_type_find("gap", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_event_type_find(NULL, &t), NC_ERR_NOTFOUND);
	/* Not a type: nothing is appended, the fields are released. */
	assert_int_equal(nc_events_emit(ev, NC_EV_COUNT, NULL, NULL, json_object()), 0);
	assert_int_equal(nc_events_last_id(ev), 0);
	nc_events_free(ev);
}

FX_MAIN("events", test_ids_from_one, test_ids_from_base, test_previous_run_is_a_gap,
	test_beyond_newest_is_a_gap, test_left_the_ring, test_previous_run_before_any_event,
	test_across_a_block_boundary, test_filters_move_next, test_recent, test_waiting_reader,
	test_emit_hook, test_block_next, test_block_needed, test_types_from_the_one_list)
