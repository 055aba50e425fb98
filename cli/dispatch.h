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

#endif
