/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CMD_VIEWS_H
#define NC_CLI_CMD_VIEWS_H

/*
 * The views of views.def: the columns of a table, or the fields of an
 * object, as the printers of output.h take them. Static data, never freed.
 */

#include <stddef.h>

struct cli_col;

struct cli_view {
	const struct cli_col *cols;
	size_t n;
};

/* clang-format off */
#define VIEW(name)                       extern const struct cli_view cli_view_##name;
#define COL(header, key, flags)
#define COL_FMT(header, key, flags, fmt)
#define END
/* clang-format on */
#include "views.def"

/* The columns of view name and how many, the two arguments the printers
 * take: cli_out_list(ctx, list, CLI_VIEW(edge_list), "serial"). */
#define CLI_VIEW(name) cli_view_##name.cols, cli_view_##name.n

#endif
