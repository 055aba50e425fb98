/* SPDX-License-Identifier: MIT */
/* netctl: one binary, every role. main only sets up the context. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "dispatch.h"
#include "output.h"

int main(int argc, char **argv)
{
	bool tty = isatty(STDOUT_FILENO);
	/* server, token and tenant stay NULL here: they hold the command
	 * line's values, and the environment and the config file are read
	 * by cli_settings_resolve, which knows the precedence. */
	struct cli_ctx ctx = {
		.output = NC_OUT_TABLE,
		.color = cli_out_color_wanted(tty, getenv("NO_COLOR"), false),
		.tty = tty,
		.width = cli_out_term_width(STDOUT_FILENO),
		.out = stdout,
		.err = stderr,
		.progname = "netctl",
		.mode = NC_MODE_CLI,
		.interactive = tty && isatty(STDIN_FILENO),
	};

	return cli_exit_status(cli_dispatch(&ctx, argc - 1, argv + 1));
}
