/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CMD_LINK_H
#define NC_CLI_CMD_LINK_H

/* What link.c shares with peering show: the warnings of links (their
 * columns are the view link_list, views.def). */

#include <jansson.h>

struct cli_ctx;

/* The server's warning on each link object of the array links, a line each
 * (to ctx->err). */
void cli_link_warn(struct cli_ctx *ctx, const json_t *links);

#endif
