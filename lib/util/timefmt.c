/* SPDX-License-Identifier: MIT */
#include "timefmt.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"

#define DAY 86400

/*
 * Days since 1970-01-01 of a proleptic Gregorian date, counting in 400-year
 * eras (146097 days each) that start on March 1st so that the leap day
 * ends a year.
 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : dim[m - 1];
}

/* v as exactly width decimal digits at p (v < 10^width); returns the end. */
static char *put(char *p, int64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

void nc_time_iso(int64_t unix_s, char buf[NC_TIME_ISO_BUFSZ])
{
	const int64_t lo = days_from_civil(0, 1, 1) * DAY;
	const int64_t hi = days_from_civil(9999, 12, 31) * DAY + DAY - 1;
	int64_t s = unix_s < lo ? lo : unix_s > hi ? hi : unix_s;
	int64_t days = s / DAY, rem = s % DAY, y;
	char *p = buf;
	int m, d;

	if (rem < 0) {
		rem += DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	p = put(p, y, 4);
	*p++ = '-';
	p = put(p, m, 2);
	*p++ = '-';
	p = put(p, d, 2);
	*p++ = 'T';
	p = put(p, rem / 3600, 2);
	*p++ = ':';
	p = put(p, rem / 60 % 60, 2);
	*p++ = ':';
	p = put(p, rem % 60, 2);
	memcpy(p, "Z", 2);
}

/* Exactly n ASCII digits at s, as a number; false otherwise. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int nc_time_parse_iso(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, frac;
	const char *p;

	if (!s || strnlen(s, 20) < 20)
		return NC_ERR_INVAL;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return NC_ERR_INVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		return NC_ERR_INVAL;
	p = s + 19;
	if (*p == '.') {
		p++;
		for (frac = 0; frac < 10 && p[frac] >= '0' && p[frac] <= '9'; frac++)
			;
		if (frac < 1 || frac > 9)
			return NC_ERR_INVAL;
		p += frac;
	}
	if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
		return NC_ERR_INVAL;
	*out = days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + sec;
	return 0;
}

void nc_time_ago(int64_t then, int64_t now, char *buf, size_t n)
{
	static const struct {
		uint64_t secs;
		char unit;
	} units[] = {{DAY, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	bool future = then > now;
	/* In unsigned arithmetic: the difference of any two int64_t fits. */
	uint64_t diff = future ? (uint64_t)then - (uint64_t)now : (uint64_t)now - (uint64_t)then;
	size_t i;

	if (n == 0)
		return;
	if (then == 0) {
		snprintf(buf, n, "never");
		return;
	}
	if (diff == 0) {
		snprintf(buf, n, "just now");
		return;
	}
	for (i = 0; diff < units[i].secs; i++)
		;
	if (future)
		snprintf(buf, n, "in %" PRIu64 "%c", diff / units[i].secs, units[i].unit);
	else
		snprintf(buf, n, "%" PRIu64 "%c ago", diff / units[i].secs, units[i].unit);
}

static int64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t nc_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t nc_time_now_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int64_t nc_time_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

int64_t nc_time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void nc_time_mono_ts(int64_t mono_ms, struct timespec *out)
{
	out->tv_sec = (time_t)(mono_ms / 1000);
	out->tv_nsec = (long)(mono_ms % 1000) * 1000000L;
}

void nc_time_mono_deadline(int64_t ms, struct timespec *out)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	out->tv_sec = now.tv_sec + (time_t)(ms / 1000);
	out->tv_nsec = now.tv_nsec + (long)(ms % 1000) * 1000000L;
	if (out->tv_nsec >= 1000000000L) {
		out->tv_sec++;
		out->tv_nsec -= 1000000000L;
	}
}

int nc_time_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t ca;
	int ret = NC_ERR_NOMEM;

	if (pthread_condattr_init(&ca) != 0)
		goto out;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 && pthread_cond_init(c, &ca) == 0)
		ret = 0;
	pthread_condattr_destroy(&ca);
out:
	return ret;
}
