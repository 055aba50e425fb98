/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_SHELL_H
#define NC_CLI_SHELL_H

/*
 * The interactive shell (libedit): each line is split into words
 * (shellwords.h) and run by cli_dispatch, as on the command line, with the
 * shell's global options as the starting point of every line. TAB
 * completes commands, options and live values; '?' lists what may follow.
 * History persists in ${XDG_STATE_HOME:-~/.local/state}/netctl/history.
 */

struct cli_ctx;

/* Runs the shell until exit, quit, Ctrl-D or SIGTERM. Returns 0, or a
 * negative NC_ERR_* when it cannot start (reported). */
int cli_shell_run(struct cli_ctx *ctx);

/* The history file's path into buf[n], from XDG_STATE_HOME or HOME. */
void cli_shell_history_path(char *buf, unsigned long n);

#endif
