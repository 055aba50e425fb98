/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_BATCH_H
#define NC_CLI_BATCH_H

/*
 * Batch jobs: the commands of a text, one per line (shellwords.h rules;
 * a line ending in a backslash continues on the next), blank lines and
 * '#' comments skipped, each run by cli_dispatch as on the command line
 * with the batch's global options as the starting point. Errors name the
 * line: "netctl: line 2: ...".
 */

#include <stddef.h>

struct cli_ctx;

#define NC_BATCH_CONTINUE 0x01 /* run every line; do not stop at a failure */
/* check every line, then have the server try each (?dry_run=1): nothing
 * changes; a line naming what an earlier line creates is not sent */
#define NC_BATCH_DRYRUN 0x02
#define NC_BATCH_YES	0x04 /* destructive lines run without asking (confirm.h) */
#define NC_BATCH_CHECK	0x08 /* check every line, run none (no server: the fuzzer's) */

/*
 * Checks every line of data[0..len) first (words, command, options,
 * arity): when one is wrong nothing runs (NC_ERR_USAGE), unless
 * NC_BATCH_CONTINUE, which skips it. Then runs the lines in order, stopping
 * at the first failure unless NC_BATCH_CONTINUE. Destructive lines need
 * NC_BATCH_YES, or a yes to one question on a terminal, before any line
 * runs. Returns 0 when every line
 * succeeded, else the error of the first line that failed (already
 * reported, with a last line saying where the batch stopped).
 */
int cli_batch_run(struct cli_ctx *ctx, const char *data, size_t len, unsigned flags);

#endif
