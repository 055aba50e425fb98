/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_WATCH_H
#define NC_CLI_WATCH_H

/*
 * --watch (-w): a list or show command printed again whenever the core's
 * event stream says something changed, never on a timer, as `kubectl get
 * -w' and watch(1) show things. On a terminal the screen is redrawn under
 * a title line; off one each print follows the last (with -o json, one
 * document a line). Heartbeats and config requests alone do not redraw.
 * Ctrl-C ends it with status 0.
 */

#include <stdbool.h>

struct cli_args;
struct cli_cmd;
struct cli_ctx;

/* Whether cmd may be watched: it reads from the server and ends by itself
 * (not a write, a local command, a role or tail). */
bool cli_watch_allowed(const struct cli_cmd *cmd);
/* The same, reported as a usage error when not: 0 or NC_ERR_USAGE. */
int cli_watch_check(struct cli_ctx *ctx, const struct cli_cmd *cmd);

/* Runs cmd (its client connected) once, then again after each change; the
 * first failure of the stream, or a usage error of cmd, ends it. */
int cli_watch(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_args *a);

#endif
