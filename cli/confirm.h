/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CONFIRM_H
#define NC_CLI_CONFIRM_H

/*
 * Confirmation of destructive commands (NC_CMDF_CONFIRM in commands.def):
 * on a terminal (stdin and ctx->err are terminals) they ask "... [y/N] ",
 * naming what they change; --yes skips the question, --dry-run never asks,
 * and off a terminal they refuse without --yes.
 */

#include <stdbool.h>
#include <stddef.h>

struct cli_ctx;
struct cli_cmd;
struct cli_args;

/*
 * Asks before cmd runs with a, when it must (cmd is destructive as a asks
 * it, without --yes, --dry-run or ctx->confirmed). Returns 0 to go on;
 * NC_ERR_USAGE (exit 2) after reporting a refusal off a terminal;
 * NC_ERR_CONFLICT (exit 1) after reporting "cancelled" for any answer but
 * y or yes.
 */
int cli_confirm(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_args *a);

/*
 * The kind of change cmd makes with a when it is destructive, a verb
 * ("deletes") and *unit the noun it counts ("object"), for a batch's
 * tally of its lines; NULL (and *unit NULL) when it is not.
 */
const char *cli_confirm_kind(const struct cli_cmd *cmd, const struct cli_args *a,
			     const char **unit);

/*
 * Asks "QUESTION? [y/N] " on a terminal, or refuses off one with "refusing
 * to WHAT without --yes: stdin is not a terminal". Returns as cli_confirm.
 */
int cli_confirm_ask(struct cli_ctx *ctx, const char *question, const char *what);

#endif
