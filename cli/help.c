/* SPDX-License-Identifier: MIT */
/* Help and usage text, generated from the command table. */
#include "cmd.h"

#include <string.h>

#include "../lib/util/err.h"

static void cmd_line(FILE *f, const struct nc_cmd *c, int width)
{
	char words[64];

	snprintf(words, sizeof(words), "%s%s%s", c->noun, c->verb ? " " : "",
		 c->verb ? c->verb : "");
	fprintf(f, "  %-*s %s\n", width, words, c->summary);
}

void nc_help_all(struct nc_ctx *ctx, FILE *f)
{
	fprintf(f, "usage: %s [global options] <command> [arguments]\n\n", ctx->progname);
	fprintf(f, "Commands:\n");
	for (size_t i = 0; i < nc_ncmds; i++)
		cmd_line(f, &nc_cmds[i], 24);
	fprintf(f, "\nGlobal options (before or after the command):\n"
		   "  --server URL        the core's address (NETCTL_SERVER)\n"
		   "  --token TOKEN       bearer token (NETCTL_TOKEN); --token-file FILE\n"
		   "  --tenant ID         act in this tenant (NETCTL_TENANT)\n"
		   "  -o table|wide|json  output format\n"
		   "  --no-color, -q, -v  plain output, quiet, verbose\n"
		   "\nRun `%s help <command>' for the usage of one command.\n",
		ctx->progname);
}

void nc_help_noun(struct nc_ctx *ctx, FILE *f, const char *noun)
{
	for (size_t i = 0; i < nc_ncmds; i++) {
		const struct nc_cmd *c = &nc_cmds[i];

		if (strcmp(c->noun, noun) == 0)
			fprintf(f, "usage: %s %s%s%s %s\n", ctx->progname, c->noun,
				c->verb ? " " : "", c->verb ? c->verb : "", c->usage);
	}
}

void nc_help_cmd(struct nc_ctx *ctx, FILE *f, const struct nc_cmd *c)
{
	fprintf(f, "usage: %s %s%s%s %s\n\n%s.\n", ctx->progname, c->noun, c->verb ? " " : "",
		c->verb ? c->verb : "", c->usage, c->summary);
}

int cmd_help(struct nc_ctx *ctx, const struct nc_args *a)
{
	const struct nc_cmd *c;
	int used;

	if (a->npos == 0) {
		nc_help_all(ctx, ctx->out);
		return 0;
	}
	if (nc_cmd_find(ctx, a->npos, (char **)a->pos, &c, &used) < 0)
		return NC_ERR_USAGE;
	nc_help_cmd(ctx, ctx->out, c);
	return 0;
}
