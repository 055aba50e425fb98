/* SPDX-License-Identifier: MIT */
/* netctl: one binary, every role. main only sets up the context. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

int main(int argc, char **argv)
{
	struct nc_ctx ctx = {
		.server = getenv("NETCTL_SERVER"),
		.token = getenv("NETCTL_TOKEN"),
		.tenant = getenv("NETCTL_TENANT"),
		.output = NC_OUT_TABLE,
		.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
		.out = stdout,
		.err = stderr,
		.progname = "netctl",
	};

	return nc_exit_status(nc_dispatch(&ctx, argc - 1, argv + 1));
}
