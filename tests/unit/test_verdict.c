/* SPDX-License-Identifier: MIT */
/* PROTOCOL.md's "What the core does with a confirmation", row by row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/sync/verdict.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"

/* A device that was sent batch 7 with hash H1 for reason "link added". */
static struct nc_sync sent(enum nc_sync_state st)
{
	struct nc_sync s = { .state = st, .seq = 7, .confirmed_seq = 6 };

	strcpy(s.sent_hash, H1);
	strcpy(s.confirmed_hash, H2);
	strcpy(s.dirty_reason, "link added");
	return s;
}

static void test_verified(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	assert_int_equal(nc_sync_confirm_apply(&s, 7, true, H1, 100), NC_VERDICT_VERIFIED);
	assert_int_equal(s.state, NC_SYNC_SYNCED);
	assert_string_equal(s.dirty_reason, "");
	assert_int_equal(s.confirmed_seq, 7);
	assert_string_equal(s.confirmed_hash, H1);
	assert_int_equal(s.confirmed_at, 100);
}

static void test_verified_after_failure(void **state)
{
	struct nc_sync s = sent(NC_SYNC_FAILED);

	(void)state;
	strcpy(s.fail_reason, "timeout");
	assert_int_equal(nc_sync_confirm_apply(&s, 7, true, H1, 100), NC_VERDICT_VERIFIED);
	assert_int_equal(s.state, NC_SYNC_SYNCED);
	assert_string_equal(s.fail_reason, "");
}

/* Marked dirty again while the batch was in flight: the change still waits. */
static void test_verified_but_dirty_again(void **state)
{
	struct nc_sync s = sent(NC_SYNC_PENDING);

	(void)state;
	strcpy(s.dirty_reason, "hub changed to EDGE-3");
	assert_int_equal(nc_sync_confirm_apply(&s, 7, true, H1, 100), NC_VERDICT_VERIFIED);
	assert_int_equal(s.state, NC_SYNC_PENDING);
	assert_string_equal(s.dirty_reason, "hub changed to EDGE-3");
	assert_int_equal(s.confirmed_seq, 7);
}

static void test_hash_mismatch(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	assert_int_equal(nc_sync_confirm_apply(&s, 7, true, H2, 100), NC_VERDICT_HASH_MISMATCH);
	assert_int_equal(s.state, NC_SYNC_FAILED);
	assert_string_equal(s.fail_reason, "hash_mismatch");
	assert_int_equal(s.confirmed_seq, 6);
	assert_string_equal(s.confirmed_hash, H2);
}

static void test_agent_failure(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	/* Even with the right hash, a failure status is a failure. */
	assert_int_equal(nc_sync_confirm_apply(&s, 7, false, H1, 100), NC_VERDICT_AGENT_FAILURE);
	assert_int_equal(s.state, NC_SYNC_FAILED);
	assert_string_equal(s.fail_reason, "agent_failure");
	assert_string_equal(s.dirty_reason, "link added");
}

static void test_stale(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING), before = s;

	(void)state;
	assert_int_equal(nc_sync_confirm_apply(&s, 3, true, H1, 100), NC_VERDICT_STALE);
	assert_memory_equal(&s, &before, sizeof(s));
}

static void test_future(void **state)
{
	struct nc_sync s = sent(NC_SYNC_APPLYING);

	(void)state;
	assert_int_equal(nc_sync_confirm_apply(&s, 42, true, H1, 100), NC_VERDICT_FUTURE);
	assert_int_equal(s.seq, 42);
	assert_int_equal(s.state, NC_SYNC_APPLYING);
	assert_int_equal(s.confirmed_seq, 6);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verified),
		cmocka_unit_test(test_verified_after_failure),
		cmocka_unit_test(test_verified_but_dirty_again),
		cmocka_unit_test(test_hash_mismatch),
		cmocka_unit_test(test_agent_failure),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_future),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
