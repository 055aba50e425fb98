/* SPDX-License-Identifier: MIT */
/*
 * The presentation shared by the CLI's tables and the dashboard
 * (cli/present.h): counts, tunnel indexes, why a device is not synced.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include "../../cli/present.h"

static void test_count(void **state)
{
	char buf[32];
	const struct {
		long long v;
		const char *want;
	} cases[] = {
		{0, "0"},	   {7, "7"},	      {999, "999"},	   {1000, "1,000"},
		{4000, "4,000"},   {12345, "12,345"}, {100000, "100,000"}, {1234567, "1,234,567"},
		{-1500, "-1,500"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_present_count(cases[i].v, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	/* Cut to fit, terminated. */
	cli_present_count(1234567, buf, 4);
	assert_string_equal(buf, "1,2");
}

static void test_tunnel_index(void **state)
{
	char buf[32];

	cli_present_tunnel_index(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 (primary)");
	cli_present_tunnel_index(1, buf, sizeof(buf));
	assert_string_equal(buf, "1 (secondary)");
}

static void test_reason(void **state)
{
	char buf[64];

	cli_present_reason("failed", "wg: no such device", "peer added", buf, sizeof(buf));
	assert_string_equal(buf, "wg: no such device");
	cli_present_reason("failed", NULL, "peer added", buf, sizeof(buf));
	assert_string_equal(buf, "peer added");
	cli_present_reason("pending", NULL, "connector CN-1 approved", buf, sizeof(buf));
	assert_string_equal(buf, "connector CN-1 approved");
	cli_present_reason("synced", NULL, "connector CN-1 approved", buf, sizeof(buf));
	assert_string_equal(buf, "-");
	cli_present_reason(NULL, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	cli_present_reason("pending", "", "", buf, sizeof(buf));
	assert_string_equal(buf, "-");
}

FX_MAIN("present", test_count, test_tunnel_index, test_reason)
