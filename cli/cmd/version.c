/* SPDX-License-Identifier: MIT */
#include "../cmd.h"

#include "../../lib/util/version.h"
#include "../output.h"

int cmd_version(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *v = json_pack("{s:s,s:i}", "version", NC_VERSION, "protocol", NC_PROTOCOL_VERSION);

	/* -o json: {"version","protocol"}; -q: the version alone. */
	cli_out_done(ctx, v, "version", "netctl %s (protocol %d)", NC_VERSION, NC_PROTOCOL_VERSION);
	json_decref(v);
	return 0;
}
