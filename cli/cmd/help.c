/* SPDX-License-Identifier: MIT */
/* help [NOUN [VERB]]: the table, one noun's verbs, one command's usage, or --mdoc. */
#include <string.h>

#include "../../lib/util/err.h"
#include "../cmd.h"
#include "../cmdinfo.h"
#include "../gen.h"
#include "../help.h"

/* A noun with verbs: its verbs' usage, after the whole help of the noun as a
 * command by itself when it is one too (agent, agent csr). */
static void help_noun(struct cli_ctx *ctx, const struct cli_noun *noun)
{
	const struct cli_cmd *self = cli_cmd_lookup(noun->name, NULL);

	if (self) {
		cli_help_cmd(ctx, ctx->out, self);
		fprintf(ctx->out, "\nVerbs (`%s help %s VERB'):\n", ctx->progname, noun->name);
	} else {
		fprintf(ctx->out, "%s: %s.\n\n", noun->name, noun->summary);
	}
	cli_help_noun(ctx, ctx->out, noun->name);
}

int cmd_help(struct cli_ctx *ctx, const struct cli_args *a)
{
	const struct cli_cmd *c;
	int used;

	if (cli_args_has(a, "mdoc")) {
		/* The COMMANDS section of man/netctl.1 (scripts/gen-docs). */
		if (a->npos > 0)
			return cli_error(ctx, NC_ERR_USAGE, "--mdoc prints every command: no NOUN");
		cli_gen_mdoc(ctx->out);
		return 0;
	}
	if (a->npos == 0) {
		cli_help_all(ctx, ctx->out);
		return 0;
	}
	if (a->npos == 1) {
		const struct cli_noun *hit = NULL;
		size_t nhit = 0, len = strlen(a->pos[0]);

		/* A noun alone (exact or a unique prefix): the usage of its verbs. */
		for (size_t i = 0; i < cli_nnouns; i++) {
			if (strncmp(cli_nouns[i].name, a->pos[0], len) != 0)
				continue;
			hit = &cli_nouns[i];
			nhit++;
			if (strcmp(hit->name, a->pos[0]) == 0) {
				nhit = 1;
				break;
			}
		}
		for (size_t i = 0; nhit == 1 && i < cli_ncmds; i++) {
			if (strcmp(cli_cmds[i].noun, hit->name) == 0 && cli_cmds[i].verb) {
				help_noun(ctx, hit);
				return 0;
			}
		}
	}
	if (cli_cmd_find(ctx, a->npos, (char **)a->pos, &c, &used) < 0)
		return NC_ERR_USAGE;
	cli_help_cmd(ctx, ctx->out, c);
	return 0;
}
