/* SPDX-License-Identifier: MIT */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static const struct {
	const char *text;
	const char *code;
} errs[NC_ERR_COUNT] = {
	{"success", "ok"},
	{"out of memory", "no_memory"},
	{"invalid value", "invalid_value"},
	{"not found", "not_found"},
	{"already exists", "already_exists"},
	{"conflict with current state", "conflict"},
	{"input/output error", "io_error"},
	{"store error", "store_error"},
	{"incompatible store schema", "schema_error"},
	{"malformed input", "malformed"},
	{"number out of range", "out_of_range"},
	{"unauthorized", "unauthorized"},
	{"forbidden", "forbidden"},
	{"payload too large", "too_large"},
	{"unreachable", "unreachable"},
	{"usage error", "usage"},
	{"timed out", "timeout"},
	{"internal error", "internal"},
	{"never seen", "never_seen"},
};

const char *nc_strerror(int err)
{
	if (err > 0 || -err >= NC_ERR_COUNT)
		return "unknown error";
	return errs[-err].text;
}

const char *nc_errcode(int err)
{
	if (err > 0 || -err >= NC_ERR_COUNT)
		return "internal";
	return errs[-err].code;
}

int nc_fail(struct nc_errinfo *ei, int err, const char *field, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ei)
		return err;
	ei->code = err;
	/* A cut must not split a UTF-8 sequence: the texts go into JSON as they are. */
	n = snprintf(ei->field, sizeof(ei->field), "%s", field ? field : "");
	if (n >= (int)sizeof(ei->field))
		ei->field[nc_utf8_trim(ei->field, sizeof(ei->field) - 1)] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(ei->msg, sizeof(ei->msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(ei->msg))
		ei->msg[nc_utf8_trim(ei->msg, sizeof(ei->msg) - 1)] = '\0';
	return err;
}

int nc_fail_within(struct nc_errinfo *ei, const char *where)
{
	char field[2 * sizeof(ei->field)], msg[sizeof(ei->msg)];

	if (!ei)
		return NC_ERR_INTERNAL;
	snprintf(field, sizeof(field), "%s%s%s", where, ei->field[0] ? "." : "", ei->field);
	snprintf(msg, sizeof(msg), "%s", ei->msg);
	return nc_fail(ei, ei->code, field, "%s: %s", where, msg);
}
