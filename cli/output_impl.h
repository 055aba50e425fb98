/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_OUTPUT_IMPL_H
#define NC_CLI_OUTPUT_IMPL_H

/* What the printer's two files (output.c, listout.c) share; not for commands. */

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define BOLD	 "\033[1m"
#define RESET	 "\033[0m"
#define GAP	 2    /* columns between table columns */
#define CELL_MAX 1024 /* bytes of one rendered cell */

struct cli_ctx;

/* The member of obj at a dotted path ("sync.state"), or NULL. */
const json_t *cli_out_lookup(const json_t *obj, const char *path);

/* Prints the members of obj named by keys (space-separated paths) on one line. */
void cli_out_keys(struct cli_ctx *ctx, const json_t *obj, const char *keys);

/* Writes text padded to cols columns (left, or right when right is set),
 * coloured by seq (NULL: none); last: no padding after a left-aligned text. */
void cli_out_pad(FILE *f, const char *text, size_t cols, bool right, const char *seq, bool last);

#endif
