/* SPDX-License-Identifier: MIT */
#include "duration.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* Largest first: a duration names them in this order, each at most once. */
static const struct {
	const char *name;
	int64_t ms;
} units[] = {
	{"h", 3600000},
	{"m", 60000},
	{"s", 1000},
	{"ms", 1},
};

#define NUNITS ((int)(sizeof(units) / sizeof(units[0])))

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int find_unit(const char *u, size_t n)
{
	for (int i = 0; i < NUNITS; i++) {
		if (strlen(units[i].name) == n && !memcmp(units[i].name, u, n))
			return i;
	}
	return -1;
}

/* Explains the character at p, where a number was expected. */
static int bad_char(const char *s, const char *p, struct nc_errinfo *ei)
{
	unsigned char c = (unsigned char)*p;

	if (c == '-' || c == '+')
		return nc_fail(ei, NC_ERR_INVAL, NULL, "`%s': signs are not allowed", s);
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return nc_fail(ei, NC_ERR_INVAL, NULL, "`%s': spaces are not allowed", s);
	if (c == '.' || c == ',')
		return nc_fail(ei, NC_ERR_INVAL, NULL,
			       "`%s': fractions are not allowed (use a smaller unit, e.g. 1500ms)",
			       s);
	if (is_letter((char)c))
		return nc_fail(ei, NC_ERR_INVAL, NULL, "`%s': missing number before `%c'", s, c);
	if (c < 0x20 || c >= 0x7f)
		return nc_fail(ei, NC_ERR_INVAL, NULL, "`%s': unexpected byte 0x%02x", s, c);
	return nc_fail(ei, NC_ERR_INVAL, NULL, "`%s': unexpected character `%c'", s, c);
}

int nc_duration_parse(const char *s, int64_t *ms, struct nc_errinfo *ei)
{
	const char *p = s;
	int64_t total = 0;
	int last = -1;

	if (!s || !*s)
		return nc_fail(ei, NC_ERR_INVAL, NULL,
			       "empty duration (use e.g. 500ms, 30s, 5m or 1h30m)");
	while (*p) {
		const char *u;
		int64_t n = 0, part;
		int k;

		if (!is_digit(*p))
			return bad_char(s, p, ei);
		for (; is_digit(*p); p++) {
			int d = *p - '0';

			if (n > (INT64_MAX - d) / 10)
				return nc_fail(ei, NC_ERR_RANGE, NULL, "`%s': number too large", s);
			n = n * 10 + d;
		}
		for (u = p; is_letter(*p); p++)
			;
		if (p == u) {
			if (!*p)
				return nc_fail(ei, NC_ERR_INVAL, NULL,
					       "`%s': missing unit (use ms, s, m or h)", s);
			return bad_char(s, p, ei);
		}
		k = find_unit(u, (size_t)(p - u));
		if (k < 0)
			return nc_fail(ei, NC_ERR_INVAL, NULL,
				       "`%s': unknown unit `%.*s' (use ms, s, m or h)", s,
				       (int)(p - u), u);
		if (k <= last)
			return nc_fail(
				ei, NC_ERR_INVAL, NULL,
				"`%s': units must go from largest to smallest (h, m, s, ms), "
				"each at most once",
				s);
		last = k;
		if (__builtin_mul_overflow(n, units[k].ms, &part) ||
		    __builtin_add_overflow(total, part, &total))
			return nc_fail(ei, NC_ERR_RANGE, NULL, "`%s': duration too long", s);
	}
	*ms = total;
	return 0;
}

void nc_duration_format(int64_t ms, char *buf, size_t n)
{
	char tmp[NC_DURATION_BUFSZ];
	size_t off = 0;
	uint64_t v;

	if (!buf || n == 0)
		return;
	if (ms == 0) {
		snprintf(buf, n, "0s");
		return;
	}
	if (ms < 0) {
		tmp[off++] = '-';
		v = (uint64_t)0 - (uint64_t)ms;
	} else {
		v = (uint64_t)ms;
	}
	/* At most "-2562047788015h12m55s808ms": fits tmp. */
	for (int i = 0; i < NUNITS; i++) {
		uint64_t q = v / (uint64_t)units[i].ms;

		v %= (uint64_t)units[i].ms;
		if (q)
			off += (size_t)snprintf(tmp + off, sizeof(tmp) - off, "%" PRIu64 "%s", q,
						units[i].name);
	}
	snprintf(buf, n, "%s", tmp);
}
