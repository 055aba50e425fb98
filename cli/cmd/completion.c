/* SPDX-License-Identifier: MIT */
/* completion bash|zsh: the completion script, generated from the command table. */
#include <string.h>

#include "../cmd.h"
#include "../gen.h"

/* The dispatcher let only the shells of the usage through (bash|zsh). */
int cmd_completion(struct cli_ctx *ctx, const struct cli_args *a)
{
	if (strcmp(a->pos[0], "bash") == 0)
		cli_gen_bash(ctx->out);
	else
		cli_gen_zsh(ctx->out);
	return 0;
}
