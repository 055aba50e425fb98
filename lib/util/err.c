/* SPDX-License-Identifier: MIT */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *text;
	const char *code;
} errs[NC_ERR_COUNT] = {
	{ "success", "ok" },
	{ "out of memory", "no_memory" },
	{ "invalid value", "invalid_value" },
	{ "not found", "not_found" },
	{ "already exists", "already_exists" },
	{ "conflict with current state", "conflict" },
	{ "input/output error", "io_error" },
	{ "store error", "store_error" },
	{ "incompatible store schema", "schema_error" },
	{ "malformed input", "malformed" },
	{ "number out of range", "out_of_range" },
	{ "unauthorized", "unauthorized" },
	{ "forbidden", "forbidden" },
	{ "payload too large", "too_large" },
	{ "unreachable", "unreachable" },
	{ "usage error", "usage" },
	{ "timed out", "timeout" },
	{ "internal error", "internal" },
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

	if (!ei)
		return err;
	ei->code = err;
	snprintf(ei->field, sizeof(ei->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(ei->msg, sizeof(ei->msg), fmt, ap);
	va_end(ap);
	return err;
}
