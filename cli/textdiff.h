/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_TEXTDIFF_H
#define NC_CLI_TEXTDIFF_H

/*
 * A line diff of two texts (longest common subsequence), for `sync diff`.
 * No I/O: lines are handed to a callback. Texts are small (a topic of a
 * batch): the cost is lines(a) x lines(b).
 */

#include <stddef.h>

/* kind is ' ' (in both), '-' (only in a) or '+' (only in b); line is not
 * NUL-terminated and has no newline. */
typedef void (*cli_diff_fn)(void *arg, char kind, const char *line, size_t len);

/* Emits the lines of a and b in order as a diff. Returns the number of
 * lines that differ ('-' and '+'). */
size_t cli_textdiff(const char *a, const char *b, cli_diff_fn fn, void *arg);

#endif
