/* SPDX-License-Identifier: MIT */
/* The rule for a public key a device announces: recorded, held or ignored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../lib/core/devkey.h"
#include "fixture.h"

#define K1 "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY="
#define K2 "cXdlcnR5dWlvcGFzZGZnaGprbHp4Y3Zibm1xd2VydHk="
#define K3 "enh5d3Z1dHNycXBvbm1sa2ppaGdmZWRjYmF6eXh3dnU="

static enum nc_key_action conn(enum nc_status st, const char *cur, const char *pending,
			       const char *key)
{
	return nc_core_key_action(NC_DEVICE_CONNECTOR, st, cur, pending, key);
}

static void test_first_key(void **state)
{
	(void)state;
	assert_int_equal(conn(NC_STATUS_ACTIVE, "", "", K1), NC_KEY_SET);
	assert_int_equal(nc_core_key_action(NC_DEVICE_EDGE, 0, "", "", K1), NC_KEY_SET);
}

static void test_nothing_new(void **state)
{
	(void)state;
	assert_int_equal(conn(NC_STATUS_ACTIVE, K1, "", ""), NC_KEY_KEEP);
	assert_int_equal(conn(NC_STATUS_ACTIVE, K1, "", K1), NC_KEY_KEEP);
	/* Already held: not held (nor evented) again. */
	assert_int_equal(conn(NC_STATUS_ACTIVE, K1, K2, K2), NC_KEY_KEEP);
}

static void test_never_approved_changes_freely(void **state)
{
	(void)state;
	assert_int_equal(conn(NC_STATUS_PENDING_APPROVAL, K1, "", K2), NC_KEY_SET);
}

static void test_held(void **state)
{
	static const enum nc_status held[] = {NC_STATUS_APPROVED, NC_STATUS_PROVISIONED,
					      NC_STATUS_ACTIVE, NC_STATUS_OFFLINE,
					      NC_STATUS_DECOMMISSIONED};

	(void)state;
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		assert_int_equal(conn(held[i], K1, "", K2), NC_KEY_HOLD);
		/* A third key replaces the one held. */
		assert_int_equal(conn(held[i], K1, K2, K3), NC_KEY_HOLD);
	}
	assert_int_equal(nc_core_key_action(NC_DEVICE_EDGE, 0, K1, "", K2), NC_KEY_HOLD);
}

FX_MAIN("devkey", test_first_key, test_nothing_new, test_never_approved_changes_freely, test_held)
