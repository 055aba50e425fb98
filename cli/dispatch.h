/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_DISPATCH_H
#define NC_CLI_DISPATCH_H

/* The dispatcher: from words to a handler, for main, the shell and batch. */

struct cli_ctx;

/*
 * Runs the command in argv[0..argc) (words after the global options) and
 * returns a negative NC_ERR_* or 0; the error has been reported to
 * ctx->err. Used by main, the shell and batch alike.
 */
int cli_dispatch(struct cli_ctx *ctx, int argc, char **argv);

/*
 * Checks argv[0..argc) as cli_dispatch would (global options, the command,
 * its options and arity, and whether it may run in ctx->mode) without
 * running it. Returns 0, or NC_ERR_USAGE after reporting. A line with only
 * global options is valid and does nothing.
 */
int cli_dispatch_check(struct cli_ctx *ctx, int argc, char **argv);

/*
 * Parses argv[0..argc) as cli_dispatch_check does, without running it, into
 * *cmd and *a (global options into ctx): 1 when there is a command to run,
 * 0 when there is none, or NC_ERR_USAGE after reporting. a->pos is
 * allocated in every case (free it); a borrows the rest from argv.
 */
struct cli_cmd;
struct cli_args;
int cli_dispatch_parse(struct cli_ctx *ctx, int argc, char **argv, const struct cli_cmd **cmd,
		       struct cli_args *a);

#endif
