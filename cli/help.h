/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_HELP_H
#define NC_CLI_HELP_H

/* Finding commands by their words, and help text from the command table. */

#include <stdio.h>

struct cli_cmd;
struct cli_ctx;

/* Looks a command up by its words (aliases and unique prefixes allowed).
 * Returns 0 and *cmd, or reports to ctx and returns NC_ERR_USAGE. *used is
 * the number of words consumed (1 or 2). */
int cli_cmd_find(struct cli_ctx *ctx, int argc, char **argv, const struct cli_cmd **cmd, int *used);

/*
 * Writes the words of s to f, the first at column col, breaking lines at
 * spaces so that none passes cols (0: never break); a continued line starts
 * with indent spaces. A word longer than the room is written whole. No
 * final newline.
 */
void cli_help_wrap(FILE *f, const char *s, int col, int indent, int cols);

/* Help: the whole table, the usage of one noun's verbs, or one command's
 * usage, summary and options. */
void cli_help_all(struct cli_ctx *ctx, FILE *f);
void cli_help_noun(struct cli_ctx *ctx, FILE *f, const char *noun);
void cli_help_cmd(struct cli_ctx *ctx, FILE *f, const struct cli_cmd *c);

#endif
