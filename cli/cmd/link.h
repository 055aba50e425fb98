/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CMD_LINK_H
#define NC_CLI_CMD_LINK_H

/* What link.c shares with peering show: the columns of a link and its warnings. */

#include <jansson.h>
#include <stddef.h>

#include "../output.h" /* struct cli_col */

struct cli_ctx;

extern const struct cli_col cli_link_cols[];
extern const size_t cli_nlink_cols;

/* The server's warning on each link object of the array links, a line each
 * (to ctx->err). */
void cli_link_warn(struct cli_ctx *ctx, const json_t *links);

#endif
