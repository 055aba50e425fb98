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

struct nc_cand {
	char *word;	  /* owned */
	const char *help; /* a summary, borrowed (from the table or static), or NULL */
};

struct nc_cands {
	struct nc_cand *v;
	size_t n, cap;
	char expect[64];	   /* what the next word is: "command", "verb", "SERIAL", ... */
	bool runnable;		   /* the words so far are a complete command */
	const struct nc_cmd *cmd;  /* the command the words name, or NULL */
};

/* Adds a candidate (word copied; help borrowed); duplicates are dropped. */
void nc_cands_add(struct nc_cands *c, const char *word, const char *help);
void nc_cands_clear(struct nc_cands *c);

/*
 * Adds the current values of kind to out (with nc_cands_add); kinds that
 * need no lookup (choices, commands, event types) never reach it.
 */
typedef void (*nc_values_fn)(void *arg, enum nc_valkind kind, struct nc_cands *out);

/*
 * The words that may follow words[0..n) and begin with partial, into *out
 * (zeroed by the caller; free with nc_cands_clear). fn may be NULL (no live
 * values). Candidates come in table order for commands and options, sorted
 * for values. Unknown or ambiguous words before give no candidates.
 */
void nc_complete(char *const *words, int n, const char *partial, nc_values_fn fn, void *arg,
		 struct nc_cands *out);

/* The longest prefix shared by every candidate, into buf[size]. */
void nc_cands_common(const struct nc_cands *c, char *buf, size_t size);

#endif
