/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_TIMEFMT_H
#define NC_UTIL_TIMEFMT_H

/*
 * Times as the API writes them (ISO 8601, UTC, whole seconds) and as
 * operators read them ("5m ago"), plus the clocks. Formatting and parsing
 * do no I/O and do not depend on the TZ or the locale.
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct timespec;

/* Enough for nc_time_iso, NUL included. */
#define NC_TIME_ISO_BUFSZ 32

/*
 * unix_s as "2026-11-22T03:04:05Z" (always 20 characters). Times before
 * 0000-01-01T00:00:00Z or after 9999-12-31T23:59:59Z are clamped to those
 * bounds, so the result always parses back with nc_time_parse_iso.
 */
void nc_time_iso(int64_t unix_s, char buf[NC_TIME_ISO_BUFSZ]);

/*
 * Parses "YYYY-MM-DDTHH:MM:SS" followed by an optional fraction of 1 to 9
 * digits (dropped: the result is whole seconds) and "Z" or "+00:00", into
 * Unix seconds. Nothing else is accepted: no other offset, no lowercase
 * 't'/'z', no spaces, no leap second. NC_ERR_INVAL otherwise; *out is set
 * only on success.
 */
int nc_time_parse_iso(const char *s, int64_t *out);

/*
 * then relative to now, both Unix seconds, for people: "never" when then is
 * 0, "just now" when equal, "12s ago", "5m ago", "3h ago", "2d ago" (whole
 * units, rounded down), and "in 12s", "in 5m"... for a then in the future.
 * Truncated to fit n bytes; NUL-terminated when n > 0.
 */
void nc_time_ago(int64_t then, int64_t now, char *buf, size_t n);

/* Wall clock (CLOCK_REALTIME) in Unix seconds and milliseconds. */
int64_t nc_time_now(void);
int64_t nc_time_now_ms(void);
/* CLOCK_MONOTONIC in milliseconds: for deadlines and intervals only. */
int64_t nc_time_mono_ms(void);
/* The same clock in microseconds: for measuring short intervals. */
int64_t nc_time_mono_us(void);
/* The monotonic instant mono_ms (a value on nc_time_mono_ms's clock) as a timespec. */
void nc_time_mono_ts(int64_t mono_ms, struct timespec *out);
/* The monotonic instant ms milliseconds from now, as a timespec: a timedwait deadline. */
void nc_time_mono_deadline(int64_t ms, struct timespec *out);
/*
 * Initialises c (default attributes otherwise) so that pthread_cond_timedwait
 * reads its deadline on the monotonic clock, as nc_time_mono_ts/_deadline
 * write it. 0, or NC_ERR_NOMEM when pthread cannot set it up.
 */
int nc_time_cond_init(pthread_cond_t *c);

#endif
