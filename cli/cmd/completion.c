/* SPDX-License-Identifier: MIT */
/* completion bash|zsh: the completion script, generated from the command table. */
#include <string.h>

#include "../../lib/util/err.h"
#include "../cmd.h"
#include "../gen.h"

int cmd_completion(struct cli_ctx *ctx, const struct cli_args *a)
{
	if (strcmp(a->pos[0], "bash") == 0)
		cli_gen_bash(ctx->out);
	else if (strcmp(a->pos[0], "zsh") == 0)
		cli_gen_zsh(ctx->out);
	else
		return cli_error(ctx, NC_ERR_USAGE,
				 "completion for `%s' is not there: bash or zsh (e.g. "
				 "`source <(netctl completion bash)')",
				 a->pos[0]);
	return 0;
}
