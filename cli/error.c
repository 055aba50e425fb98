/* SPDX-License-Identifier: MIT */
/* Errors of the CLI: the one way to report them, and the exit status of each. */
#include "cmd.h"

#include <stdarg.h>

#include "../lib/util/err.h"

void cli_error_prefix(struct cli_ctx *ctx)
{
	/* What was printed comes before what went wrong, in a shared terminal or log. */
	fflush(ctx->out);
	fprintf(ctx->err, "%s: ", ctx->progname);
	if (ctx->where)
		fprintf(ctx->err, "%s: ", ctx->where);
}

int cli_error(struct cli_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	cli_error_prefix(ctx);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return err;
}

int cli_exit_status(int err)
{
	switch (err) {
	case 0:
		return 0;
	case NC_ERR_USAGE:
		return 2;
	case NC_ERR_UNREACHABLE:
		return 3;
	case NC_ERR_UNAUTH:
	case NC_ERR_FORBIDDEN:
		return 4;
	case NC_ERR_NEVER_SEEN:
		return 5;
	default:
		return 1;
	}
}
