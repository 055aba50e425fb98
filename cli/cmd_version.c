/* SPDX-License-Identifier: MIT */
#include "cmd.h"

#include "../lib/util/version.h"

int cmd_version(struct nc_ctx *ctx, const struct nc_args *a)
{
	if (ctx->output == NC_OUT_JSON)
		fprintf(ctx->out, "{\"version\":\"%s\",\"protocol\":%d}\n", NC_VERSION,
			NC_PROTOCOL_VERSION);
	else
		fprintf(ctx->out, "netctl %s (protocol %d)\n", NC_VERSION, NC_PROTOCOL_VERSION);
	return 0;
}
