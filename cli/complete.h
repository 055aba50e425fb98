/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_COMPLETE_H
#define NC_CLI_COMPLETE_H

/*
 * Completion of a command line from the command table, for the shell's TAB
 * and '?'. No I/O of its own: live values (serials, peering names, ...)
 * come from a callback.
 */

#include <stdbool.h>
#include <stddef.h>

#include "cmdinfo.h"

struct cli_cand {
	char *word;	  /* owned */
	const char *help; /* a summary, borrowed (from the table or static), or NULL */
};

struct cli_cands {
	struct cli_cand *v;
	size_t n, cap;
	char expect[64];	   /* what the next word is: "command", "verb", "SERIAL", ... */
	bool runnable;		   /* the words so far are a complete command */
	const struct cli_cmd *cmd; /* the command the words name, or NULL */
};

/* Adds a candidate (word copied; help borrowed); duplicates are dropped. */
void cli_cands_add(struct cli_cands *c, const char *word, const char *help);
void cli_cands_clear(struct cli_cands *c);

/*
 * Adds the current values of kind to out (with cli_cands_add); kinds that
 * need no lookup (choices, commands, event types) never reach it.
 */
typedef void (*cli_values_fn)(void *arg, enum cli_valkind kind, struct cli_cands *out);

/*
 * The words that may follow words[0..n) and begin with partial, into *out
 * (zeroed by the caller; free with cli_cands_clear). fn may be NULL (no live
 * values). Candidates come in table order for commands and options, sorted
 * for values. Unknown or ambiguous words before give no candidates.
 */
void cli_complete(char *const *words, int n, const char *partial, cli_values_fn fn, void *arg,
		  struct cli_cands *out);

/* The longest prefix shared by every candidate, into buf[size]. */
void cli_cands_common(const struct cli_cands *c, char *buf, size_t size);

#endif
