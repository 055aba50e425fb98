/* SPDX-License-Identifier: MIT */
/* shell: the interactive shell (shell.h). */
#include "../cmd.h"
#include "../shell.h"

int cmd_shell(struct cli_ctx *ctx, const struct cli_args *a)
{
	(void)a;
	return cli_shell_run(ctx);
}
