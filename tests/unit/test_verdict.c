/* SPDX-License-Identifier: MIT */
/* PROTOCOL.md's "What the core does with a confirmation", row by row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/sync/engine.h"
#include "../../lib/sync/verdict.h"
#include "fixture.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"

/* A device that was sent batch 7 with hash H1 for reason "link added". */
static struct nc_sync sent(enum nc_sync_state st)
{
	struct nc_sync s = {.state = st, .seq = 7, .confirmed_seq = 6};

	strcpy(s.sent_hash, H1);
	strcpy(s.confirmed_hash, H2);
	strcpy(s.dirty_reason, "link added");
	return s;
}

/* What a confirmation must give: the verdict, and the record after it. */
struct after {
	enum nc_verdict verdict;
	enum nc_sync_state state;
	const char *dirty_reason;
	const char *fail_reason;
	int64_t confirmed_seq;
	const char *confirmed_hash;
};

/* Applies the confirmation (seq, ok, hash) at time 100 to s; fails unless it gives want. */
static void assert_confirm(struct nc_sync *s, int64_t seq, bool ok, const char *hash,
			   const struct after *want)
{
	assert_int_equal(nc_sync_confirm_apply(s, seq, ok, hash, 100), want->verdict);
	assert_int_equal(s->state, want->state);
	assert_string_equal(s->dirty_reason, want->dirty_reason);
	assert_string_equal(s->fail_reason, want->fail_reason);
	assert_int_equal(s->confirmed_seq, want->confirmed_seq);
	assert_string_equal(s->confirmed_hash, want->confirmed_hash);
}

static void test_verified(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	assert_confirm(&s, 7, true, H1,
		       &(struct after){NC_VERDICT_VERIFIED, NC_SYNC_SYNCED, "", "", 7, H1});
	assert_int_equal(s.confirmed_at, 100);
}

/* A confirmation the core believes, of a device sent(before) whose fail and dirty reasons are
 * then set to the ones given ("": as sent() left them): the verdict and the record after it. */
struct confirm_row {
	const char *what;
	enum nc_sync_state before;
	const char *fail_reason, *dirty_reason;
	bool ok;
	const char *hash;
	struct after want;
};

static void test_confirm_rows(void **state)
{
	static const struct confirm_row rows[] = {
		{"verified after a failure",
		 NC_SYNC_FAILED,
		 "timeout",
		 "",
		 true,
		 H1,
		 {NC_VERDICT_VERIFIED, NC_SYNC_SYNCED, "", "", 7, H1}},
		/* Marked dirty again while the batch was in flight: the change still waits. */
		{"verified but dirty again",
		 NC_SYNC_PENDING,
		 "",
		 "hub changed to EDGE-3",
		 true,
		 H1,
		 {NC_VERDICT_VERIFIED, NC_SYNC_PENDING, "hub changed to EDGE-3", "", 7, H1}},
		{"hash mismatch",
		 NC_SYNC_APPLYING,
		 "",
		 "",
		 true,
		 H2,
		 {NC_VERDICT_HASH_MISMATCH, NC_SYNC_FAILED, "link added", "hash_mismatch", 6, H2}},
		/* Even with the right hash, a failure status is a failure. */
		{"agent failure",
		 NC_SYNC_APPLYING,
		 "",
		 "",
		 false,
		 H1,
		 {NC_VERDICT_AGENT_FAILURE, NC_SYNC_FAILED, "link added", "agent_failure", 6, H2}},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(rows); i++) {
		const struct confirm_row *r = &rows[i];
		struct nc_sync s = sent(r->before);

		print_message("%s\n", r->what);
		if (r->fail_reason[0])
			strcpy(s.fail_reason, r->fail_reason);
		if (r->dirty_reason[0])
			strcpy(s.dirty_reason, r->dirty_reason);
		assert_confirm(&s, 7, r->ok, r->hash, &r->want);
	}
}

/* A confirmation of seq with hash (status success) that the core does not believe: it gives
 * verdict and leaves s as it was. */
static void assert_ignored(struct nc_sync *s, int64_t seq, const char *hash,
			   enum nc_verdict verdict)
{
	struct nc_sync before = *s;

	assert_int_equal(nc_sync_confirm_apply(s, seq, true, hash, 100), verdict);
	assert_memory_equal(s, &before, sizeof(*s));
}

static void test_stale(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	assert_ignored(&s, 3, H1, NC_VERDICT_STALE);
}

/* A seq the core never sent is not believed: nothing changes. */
static void test_future(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	assert_ignored(&s, 42, H1, NC_VERDICT_FUTURE);
	assert_ignored(&s, 9007199254740991LL, H1, NC_VERDICT_FUTURE);
}

/* Before the first batch, not even seq 0 with the empty hash is a confirmation. */
static void test_nothing_sent(void **state)
{
	struct nc_sync s = {.state = NC_SYNC_PENDING};

	(void)state;
	assert_ignored(&s, 0, "", NC_VERDICT_FUTURE);
}

static void test_learnable(void **state)
{
	(void)state;
	assert_true(nc_sync_seq_learnable(7, 8));
	assert_true(nc_sync_seq_learnable(7, 7 + NC_SYNC_SEQ_LEARN_MAX));
	assert_false(nc_sync_seq_learnable(7, 8 + NC_SYNC_SEQ_LEARN_MAX));
	assert_false(nc_sync_seq_learnable(7, 7));
	assert_false(nc_sync_seq_learnable(7, 3));
	assert_true(nc_sync_seq_learnable(NC_SYNC_SEQ_MAX - 1, NC_SYNC_SEQ_MAX));
	assert_false(nc_sync_seq_learnable(NC_SYNC_SEQ_MAX - 1, NC_SYNC_SEQ_MAX + 1));
	assert_false(nc_sync_seq_learnable(0, 9007199254740991LL));
}

static void test_repair(void **state)
{
	struct nc_sync s = sent(NC_SYNC_SYNCED), ok = s;

	(void)state;
	/* A sane state is left alone. */
	assert_false(nc_sync_seq_repair(&ok, 7, 100));
	/* A seq adopted from a forged confirmation, then "confirmed" too. */
	s.seq = s.confirmed_seq = 9007199254740991LL;
	assert_true(nc_sync_seq_repair(&s, 7, 100));
	assert_int_equal(s.seq, 7);
	assert_int_equal(s.confirmed_seq, 0);
	assert_string_equal(s.confirmed_hash, "");
	assert_int_equal(s.state, NC_SYNC_FAILED);
	assert_string_equal(s.fail_reason, "seq_repaired");
	/* No readable batch: back to 0, the next batch is seq 1. */
	s = sent(NC_SYNC_APPLYING);
	s.seq = NC_SYNC_SEQ_MAX + 1;
	assert_true(nc_sync_seq_repair(&s, 0, 100));
	assert_int_equal(s.seq, 0);
	assert_int_equal(s.state, NC_SYNC_APPLYING);
	/* A batch whose own seq is out of range is no guide either. */
	s.seq = -5;
	assert_true(nc_sync_seq_repair(&s, NC_SYNC_SEQ_MAX + 1, 100));
	assert_int_equal(s.seq, 0);
}

static void test_report_fresh(void **state)
{
	int64_t age;

	(void)state;
	assert_true(nc_sync_report_fresh(1000, 1000, 30000, &age));
	assert_int_equal(age, 0);
	/* One interval plus the skew old, still counts; one second more, not. */
	assert_true(nc_sync_report_fresh(1000 - 30 - NC_SYNC_CLOCK_SKEW_S, 1000, 30000, &age));
	assert_false(nc_sync_report_fresh(999 - 30 - NC_SYNC_CLOCK_SKEW_S, 1000, 30000, &age));
	assert_int_equal(age, 31 + NC_SYNC_CLOCK_SKEW_S);
	/* An hour-old heartbeat replayed by a broker. */
	assert_false(nc_sync_report_fresh(1000 - 3600, 1000, 30000, &age));
	/* Ahead by the skew is fine, beyond it is not. */
	assert_true(nc_sync_report_fresh(1000 + NC_SYNC_CLOCK_SKEW_S, 1000, 30000, &age));
	assert_false(nc_sync_report_fresh(1001 + NC_SYNC_CLOCK_SKEW_S, 1000, 30000, &age));
	assert_int_equal(age, -1 - NC_SYNC_CLOCK_SKEW_S);
	/* A sub-second interval counts as one second. */
	assert_true(nc_sync_report_fresh(1000 - 1 - NC_SYNC_CLOCK_SKEW_S, 1000, 200, &age));
}

/* A heartbeat settles the batch in flight only: that seq, that hash. */
static void test_heartbeat_settles(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	assert_true(nc_sync_heartbeat_settles(&s, 7, H1));
	assert_false(nc_sync_heartbeat_settles(&s, 6, H1));
	assert_false(nc_sync_heartbeat_settles(&s, 8, H1));
	assert_false(nc_sync_heartbeat_settles(&s, 7, H2));
	assert_false(nc_sync_heartbeat_settles(&s, 7, ""));
	s.state = NC_SYNC_FAILED;
	snprintf(s.fail_reason, sizeof(s.fail_reason), "timeout");
	assert_true(nc_sync_heartbeat_settles(&s, 7, H1));
	snprintf(s.fail_reason, sizeof(s.fail_reason), "agent_failure");
	assert_false(nc_sync_heartbeat_settles(&s, 7, H1));
	s.state = NC_SYNC_SYNCED;
	s.fail_reason[0] = '\0';
	assert_false(nc_sync_heartbeat_settles(&s, 7, H1));
	s.state = NC_SYNC_PENDING;
	assert_false(nc_sync_heartbeat_settles(&s, 7, H1));
	s = sent(NC_SYNC_APPLYING);
	s.seq = 0;
	assert_false(nc_sync_heartbeat_settles(&s, 0, H1));
}

/* Pending only when the next batch differs from the last verified one. */
static void test_pending_unchanged(void **state)
{
	struct nc_sync s = sent(NC_SYNC_PENDING);

	(void)state;
	/* Batch 7 verified with H1, then marked dirty. */
	s.confirmed_seq = 7;
	snprintf(s.confirmed_hash, sizeof(s.confirmed_hash), "%s", H1);
	assert_true(nc_sync_pending_unchanged(&s, H1));
	assert_false(nc_sync_pending_unchanged(&s, H2));
	/* Not pending: nothing to settle. */
	s.state = NC_SYNC_SYNCED;
	assert_false(nc_sync_pending_unchanged(&s, H1));
	/* Its last batch not verified (in flight, or an older one confirmed). */
	s.state = NC_SYNC_PENDING;
	s.confirmed_seq = 6;
	assert_false(nc_sync_pending_unchanged(&s, H1));
	/* Failed since (drift): a sync is due whatever the batch. */
	s.confirmed_seq = 7;
	snprintf(s.fail_reason, sizeof(s.fail_reason), "drift");
	assert_false(nc_sync_pending_unchanged(&s, H1));
	/* Never sent. */
	s = sent(NC_SYNC_PENDING);
	s.seq = s.confirmed_seq = 0;
	s.sent_hash[0] = s.confirmed_hash[0] = '\0';
	assert_false(nc_sync_pending_unchanged(&s, ""));
}

/* The one retry policy of failed devices: doubling from the base, capped. */
static void test_retry_wait(void **state)
{
	(void)state;
	assert_int_equal(nc_sync_retry_wait(1, 1000, NC_SYNC_RETRY_CAP_MS), 1000);
	assert_int_equal(nc_sync_retry_wait(2, 1000, NC_SYNC_RETRY_CAP_MS), 2000);
	assert_int_equal(nc_sync_retry_wait(5, 1000, NC_SYNC_RETRY_CAP_MS), 16000);
	/* 5 min doubling reaches the hour at the 5th retry and stays there. */
	assert_int_equal(nc_sync_retry_wait(4, 300000, NC_SYNC_RETRY_CAP_MS), 2400000);
	assert_int_equal(nc_sync_retry_wait(5, 300000, NC_SYNC_RETRY_CAP_MS), 3600000);
	assert_int_equal(nc_sync_retry_wait(1000000, 300000, NC_SYNC_RETRY_CAP_MS), 3600000);
	/* A base longer than the cap is the cap. */
	assert_int_equal(nc_sync_retry_wait(3, 7200000, NC_SYNC_RETRY_CAP_MS), 7200000);
	/* Nonsense in, a sane wait out: never 0, never negative. */
	assert_int_equal(nc_sync_retry_wait(0, 1000, NC_SYNC_RETRY_CAP_MS), 1000);
	assert_int_equal(nc_sync_retry_wait(-3, 1000, NC_SYNC_RETRY_CAP_MS), 1000);
	assert_int_equal(nc_sync_retry_wait(1, 0, NC_SYNC_RETRY_CAP_MS), 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(nc_verdict_name(NC_VERDICT_VERIFIED), "verified");
	assert_string_equal(nc_verdict_name(NC_VERDICT_HASH_MISMATCH), "hash_mismatch");
	assert_string_equal(nc_verdict_name(NC_VERDICT_AGENT_FAILURE), "agent_failure");
	assert_string_equal(nc_verdict_name(NC_VERDICT_STALE), "stale");
	assert_string_equal(nc_verdict_name(NC_VERDICT_FUTURE), "future");
	assert_string_equal(nc_verdict_name((enum nc_verdict)99), "unknown");
}

FX_MAIN("verdict", test_verified, test_confirm_rows, test_stale, test_future, test_nothing_sent,
	test_learnable, test_repair, test_report_fresh, test_heartbeat_settles,
	test_pending_unchanged, test_retry_wait, test_names)
