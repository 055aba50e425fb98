/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_SHELLPIPE_H
#define NC_CLI_SHELLPIPE_H

/*
 * The shell's output filters, as in vtysh and birdc: after a command, a
 * word `|` starts a filter of its output lines, and filters chain:
 *
 *   connector list | include CN-0 | exclude offline
 *   sync status --all | count
 *
 *   include RE   keeps the lines that match RE (POSIX extended, as grep -E)
 *   exclude RE   keeps the lines that do not
 *   count        prints how many lines reached it, instead of them (last)
 *
 * Lines pass as the command writes them, so `tail | include CN-1` shows
 * each match as it comes. Only the command's output is filtered; its
 * errors and notes go to the terminal as they are.
 */

#include <stdio.h>

struct nc_errinfo;
struct cli_pipe;

/*
 * Splits words[0..n) at the first word that is `|`: *ncmd is how many words
 * the command has (n when there is no `|`, *out then NULL), and *out the
 * filters after it (free with cli_pipe_free). NC_ERR_USAGE with ei saying
 * what is wrong: a filter of no name or of an unknown one, a missing or
 * bad RE, a command that is empty, count before another filter.
 */
int cli_pipe_parse(char *const *words, int n, int *ncmd, struct cli_pipe **out,
		   struct nc_errinfo *ei);

/* A stream that filters what is written to it line by line into out;
 * NULL when none can be made (no memory). */
FILE *cli_pipe_open(struct cli_pipe *p, FILE *out);
/* Closes f: the last line even without a newline is filtered, count prints. */
void cli_pipe_close(struct cli_pipe *p, FILE *f);
void cli_pipe_free(struct cli_pipe *p);

#endif
