/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <string.h>

#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"

/* A duration as text, and the milliseconds it parses to. */
struct dur {
	const char *text;
	int64_t ms;
};

static void test_parse_accepts(void **state)
{
	static const struct dur ok[] = {
		{"0s", 0},
		{"0ms", 0},
		{"0h", 0},
		{"1ms", 1},
		{"500ms", 500},
		{"15s", 15000},
		{"90s", 90000},
		{"5m", 300000},
		{"1h", 3600000},
		{"25h", 90000000},
		{"1m30s", 90000},
		{"1h5m", 3900000},
		{"1h30m15s250ms", 5415250},
		{"1h250ms", 3600250},
		{"2m0s", 120000},
		{"007s", 7000},
		{"1s500ms", 1500},
		{"9223372036854775807ms", INT64_MAX},
		{"2562047788015h12m55s807ms", INT64_MAX},
	};

	for (size_t i = 0; i < COUNT(ok); i++) {
		struct nc_errinfo ei = {0};
		int64_t ms = -1;
		int ret = nc_duration_parse(ok[i].text, &ms, &ei);

		if (ret)
			fail_msg("%s: %s", ok[i].text, ei.msg);
		assert_int_equal(ms, ok[i].ms);
	}
}

/* A refusal names the input, then what is wrong with it. */
static void test_parse_refuses(void **state)
{
#define USE   " (use ms, s, m or h)"
#define ORDER "units must go from largest to smallest (h, m, s, ms), each at most once"
	static const struct {
		const char *in;
		int err;
		const char *why; /* the message after "`in': " (the empty input is not quoted) */
	} bad[] = {
		{"", NC_ERR_INVAL, "empty duration (use e.g. 500ms, 30s, 5m or 1h30m)"},
		{"30", NC_ERR_INVAL, "missing unit" USE},
		{"1m30", NC_ERR_INVAL, "missing unit" USE},
		{"5x", NC_ERR_INVAL, "unknown unit `x'" USE},
		{"5sec", NC_ERR_INVAL, "unknown unit `sec'" USE},
		{"5d", NC_ERR_INVAL, "unknown unit `d'" USE},
		{"5S", NC_ERR_INVAL, "unknown unit `S'" USE},
		{"1hm", NC_ERR_INVAL, "unknown unit `hm'" USE},
		{"-5s", NC_ERR_INVAL, "signs are not allowed"},
		{"+5s", NC_ERR_INVAL, "signs are not allowed"},
		{"1m-5s", NC_ERR_INVAL, "signs are not allowed"},
		{" 5s", NC_ERR_INVAL, "spaces are not allowed"},
		{"5s ", NC_ERR_INVAL, "spaces are not allowed"},
		{"5 s", NC_ERR_INVAL, "spaces are not allowed"},
		{"1m\t30s", NC_ERR_INVAL, "spaces are not allowed"},
		{"1.5s", NC_ERR_INVAL,
		 "fractions are not allowed (use a smaller unit, e.g. 1500ms)"},
		{"s", NC_ERR_INVAL, "missing number before `s'"},
		{"ms", NC_ERR_INVAL, "missing number before `m'"},
		{"5s_", NC_ERR_INVAL, "unexpected character `_'"},
		{"5\xc2\xb5s", NC_ERR_INVAL, "unexpected byte 0xc2"},
		{"1m1m", NC_ERR_INVAL, ORDER},
		{"30s1m", NC_ERR_INVAL, ORDER},
		{"1ms1s", NC_ERR_INVAL, ORDER},
		{"9223372036854775808ms", NC_ERR_RANGE, "number too large"},
		{"99999999999999999999s", NC_ERR_RANGE, "number too large"},
		{"9223372036854775807s", NC_ERR_RANGE, "duration too long"},
		{"2562047788015h12m55s808ms", NC_ERR_RANGE, "duration too long"},
		{"2562047788016h", NC_ERR_RANGE, "duration too long"},
	};
#undef USE
#undef ORDER

	for (size_t i = 0; i < COUNT(bad); i++) {
		struct nc_errinfo ei = {0};
		int64_t ms = 12345;
		char want[256];

		if (bad[i].in[0])
			snprintf(want, sizeof(want), "`%s': %s", bad[i].in, bad[i].why);
		else
			snprintf(want, sizeof(want), "%s", bad[i].why);
		assert_int_equal(nc_duration_parse(bad[i].in, &ms, &ei), bad[i].err);
		assert_int_equal(ei.code, bad[i].err);
		assert_string_equal(ei.msg, want);
		assert_int_equal(ms, 12345);
	}
}

static void test_parse_null_and_no_errinfo(void **state)
{
	int64_t ms = 7;

	assert_int_equal(nc_duration_parse(NULL, &ms, NULL), NC_ERR_INVAL);
	assert_int_equal(nc_duration_parse("30", &ms, NULL), NC_ERR_INVAL);
	assert_int_equal(ms, 7);
	assert_int_equal(nc_duration_parse("30s", &ms, NULL), 0);
	assert_int_equal(ms, 30000);
}

static void test_format(void **state)
{
	static const struct {
		int64_t ms;
		const char *out;
	} cases[] = {
		{0, "0s"},
		{1, "1ms"},
		{500, "500ms"},
		{1000, "1s"},
		{1500, "1s500ms"},
		{15000, "15s"},
		{90000, "1m30s"},
		{300000, "5m"},
		{3600000, "1h"},
		{3600001, "1h1ms"},
		{5400000, "1h30m"},
		{90000000, "25h"},
		{INT64_MAX, "2562047788015h12m55s807ms"},
		{-1500, "-1s500ms"},
		{INT64_MIN, "-2562047788015h12m55s808ms"},
	};
	char buf[NC_DURATION_BUFSZ];

	for (size_t i = 0; i < COUNT(cases); i++) {
		nc_duration_format(cases[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_format_truncates(void **state)
{
	char buf[4] = "xyz";

	nc_duration_format(5400000, buf, sizeof(buf));
	assert_string_equal(buf, "1h3");
	nc_duration_format(5400000, buf, 1);
	assert_string_equal(buf, "");
	nc_duration_format(5400000, NULL, 0);
}

static void test_round_trip(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char buf[NC_DURATION_BUFSZ];

	for (int i = 0; i < 10000; i++) {
		int64_t in, out = -1;

		/* xorshift64, spread over magnitudes from milliseconds to the int64 limit */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		in = (int64_t)((x >> 1) >> (i % 63));
		nc_duration_format(in, buf, sizeof(buf));
		assert_int_equal(nc_duration_parse(buf, &out, NULL), 0);
		assert_int_equal(out, in);
	}
}

FX_MAIN("duration", test_parse_accepts, test_parse_refuses, test_parse_null_and_no_errinfo,
	test_format, test_format_truncates, test_round_trip)
