/* SPDX-License-Identifier: MIT */
/*
 * Times as the API writes them and as operators read them: ISO 8601 both
 * ways (checked against gmtime_r as an independent oracle), every refusal
 * of the parser, the "ago" buckets, and the clocks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../lib/util/err.h"
#include "../../lib/util/timefmt.h"

static const int64_t YEAR0 = -62167219200;    /* 0000-01-01T00:00:00Z */
static const int64_t YEAR9999 = 253402300799; /* 9999-12-31T23:59:59Z */

static void test_iso_known(void **state)
{
	static const struct {
		int64_t t;
		const char *s;
	} c[] = {
		{0, "1970-01-01T00:00:00Z"},	     {1795316645, "2026-11-22T03:04:05Z"},
		{-1, "1969-12-31T23:59:59Z"},	     {1709208000, "2024-02-29T12:00:00Z"},
		{951782400, "2000-02-29T00:00:00Z"}, {-2203891200, "1900-03-01T00:00:00Z"},
		{YEAR0, "0000-01-01T00:00:00Z"},     {YEAR9999, "9999-12-31T23:59:59Z"},
	};
	char buf[NC_TIME_ISO_BUFSZ];
	int64_t t;

	for (size_t i = 0; i < COUNT(c); i++) {
		nc_time_iso(c[i].t, buf);
		assert_string_equal(buf, c[i].s);
		assert_int_equal(nc_time_parse_iso(c[i].s, &t), 0);
		assert_int_equal(t, c[i].t);
	}
}

static void test_iso_clamps(void **state)
{
	char buf[NC_TIME_ISO_BUFSZ];

	nc_time_iso(INT64_MAX, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	nc_time_iso(YEAR9999 + 1, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	nc_time_iso(INT64_MIN, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
	nc_time_iso(YEAR0 - 1, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
}

/* Every format agrees with gmtime_r and parses back, over the whole range. */
static void test_iso_round_trip(void **state)
{
	char buf[NC_TIME_ISO_BUFSZ], want[64];
	uint64_t x = 88172645463325252ull;
	int64_t t, back;
	struct tm tm;

	for (int i = 0; i < 200000; i++) {
		time_t tt;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = YEAR0 + (int64_t)(x % (uint64_t)(YEAR9999 - YEAR0 + 1));
		if (i < 1000)
			t = (int64_t)i * 86399 - 500 * 86400; /* days around the epoch */
		nc_time_iso(t, buf);
		assert_int_equal(strlen(buf), 20);
		assert_int_equal(nc_time_parse_iso(buf, &back), 0);
		assert_int_equal(back, t);
		tt = (time_t)t;
		assert_non_null(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		assert_string_equal(buf, want);
	}
}

static void test_parse_accepts(void **state)
{
	static const char *const ok[] = {
		"2026-11-22T03:04:05Z",		  "2026-11-22T03:04:05+00:00",
		"2026-11-22T03:04:05.1Z",	  "2026-11-22T03:04:05.123Z",
		"2026-11-22T03:04:05.999999999Z", "2026-11-22T03:04:05.123+00:00",
	};
	int64_t t;

	for (size_t i = 0; i < COUNT(ok); i++) {
		t = 0;
		if (nc_time_parse_iso(ok[i], &t) != 0)
			fail_msg("`%s' should be accepted", ok[i]);
		assert_int_equal(t, 1795316645);
	}
	/* A fraction is dropped, also before 1970: whole seconds, rounded down. */
	assert_int_equal(nc_time_parse_iso("1969-12-31T23:59:59.9Z", &t), 0);
	assert_int_equal(t, -1);
}

static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-22",
		"2026-11-22T03:04:05",
		"2026-11-22T03:04Z",
		"2026-11-22 03:04:05Z",
		"2026-11-22t03:04:05Z",
		"2026-11-22T03:04:05z",
		"2026-11-22T03:04:05+01:00",
		"2026-11-22T03:04:05-00:00",
		"2026-11-22T03:04:05+0000",
		"2026-11-22T03:04:05Z ",
		" 2026-11-22T03:04:05Z",
		"2026-11-22T03:04:05ZZ",
		"2026-11-22T03:04:05.Z",
		"2026-11-22T03:04:05.1234567890Z",
		"2026-11-22T03:04:05,5Z",
		"+2026-11-22T03:04:05Z",
		"12026-11-22T03:04:05Z",
		"2026-1-22T03:04:05Z",
		"2026-11-2T03:04:05Z",
		"2026-00-10T00:00:00Z",
		"2026-13-10T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2026-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z",
		"2026-11-22T24:00:00Z",
		"2026-11-22T23:60:00Z",
		"2026-11-22T23:59:60Z",
		"2026-11-22T-3:04:05Z",
		"2026-11-22T03:04:0xZ",
		"yesterday",
	};
	int64_t t = 42;

	for (size_t i = 0; i < COUNT(bad); i++) {
		if (nc_time_parse_iso(bad[i], &t) != NC_ERR_INVAL)
			fail_msg("`%s' should be refused", bad[i]);
	}
	assert_int_equal(nc_time_parse_iso(NULL, &t), NC_ERR_INVAL);
	assert_int_equal(t, 42);
}

static void test_ago(void **state)
{
	static const struct {
		int64_t then, now;
		const char *s;
	} c[] = {
		{0, 1000, "never"},
		{1000, 1000, "just now"},
		{988, 1000, "12s ago"},
		{1, 60, "59s ago"},
		{1000, 1060, "1m ago"},
		{1000, 1000 + 5 * 60 + 59, "5m ago"},
		{1000, 1000 + 3599, "59m ago"},
		{1000, 1000 + 3600, "1h ago"},
		{1000, 1000 + 3 * 3600 + 1, "3h ago"},
		{1000, 1000 + 86399, "23h ago"},
		{1000, 1000 + 86400, "1d ago"},
		{1000, 1000 + 2 * 86400 + 7, "2d ago"},
		{1005, 1000, "in 5s"},
		{1000 + 300, 1000, "in 5m"},
		{1000 + 7200, 1000, "in 2h"},
		{1000 + 3 * 86400, 1000, "in 3d"},
		{-50, 10, "1m ago"},
		{INT64_MIN, INT64_MAX, "213503982334601d ago"},
		{INT64_MAX, INT64_MIN, "in 213503982334601d"},
	};
	char buf[64];

	for (size_t i = 0; i < COUNT(c); i++) {
		nc_time_ago(c[i].then, c[i].now, buf, sizeof(buf));
		assert_string_equal(buf, c[i].s);
	}
	/* Truncated to fit, never overrun. */
	memset(buf, 'x', sizeof(buf));
	nc_time_ago(988, 1000, buf, 4);
	assert_string_equal(buf, "12s");
	assert_int_equal(buf[4], 'x');
	nc_time_ago(988, 1000, buf, 0);
	assert_string_equal(buf, "12s");
}

static void test_clocks(void **state)
{
	int64_t s = nc_time_now(), ms = nc_time_now_ms(), m1 = nc_time_mono_ms(), m2;

	assert_true(s > 1700000000); /* after 2023 */
	assert_true(ms / 1000 >= s && ms / 1000 <= s + 2);
	m2 = nc_time_mono_ms();
	assert_true(m2 >= m1);
}

FX_MAIN("timefmt", test_iso_known, test_iso_clamps, test_iso_round_trip, test_parse_accepts,
	test_parse_refuses, test_ago, test_clocks)
