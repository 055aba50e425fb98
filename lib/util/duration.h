/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_DURATION_H
#define NC_UTIL_DURATION_H

#include <stddef.h>
#include <stdint.h>

struct nc_errinfo;

/* Enough for any int64_t duration formatted by nc_duration_format, NUL included. */
#define NC_DURATION_BUFSZ 32

/*
 * Parses an operator-facing duration into milliseconds: one or more
 * <digits><unit> parts with unit h, m, s or ms, largest unit first and each
 * unit at most once ("500ms", "30s", "1m30s", "1h5m"). No sign, spaces or
 * fractions. *ms is set only on success.
 *
 * Errors (ei filled when not NULL, message quoting the input as `...'):
 *   NC_ERR_INVAL  empty, missing or unknown unit, bad character or unit order
 *   NC_ERR_RANGE  the total does not fit in int64_t milliseconds
 */
int nc_duration_parse(const char *s, int64_t *ms, struct nc_errinfo *ei);

/*
 * Formats ms the way nc_duration_parse reads it: "0s", "500ms", "15s",
 * "1h30m", "1s500ms". Negative values get a leading '-' (for diagnostics; the
 * parser refuses them). Truncates to fit n bytes, always NUL-terminated when
 * n > 0; NC_DURATION_BUFSZ always fits.
 */
void nc_duration_format(int64_t ms, char *buf, size_t n);

#endif
