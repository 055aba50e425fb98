/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_ARGWALK_H
#define NC_CLI_ARGWALK_H

/*
 * The one reading of a command line's words against the command table:
 * which words are options (global or the command's), which are their
 * values and which are positionals. The dispatcher parses argv with it and
 * completion asks it where the cursor is. No I/O, no allocation.
 */

#include <stdbool.h>

struct cli_cmd;

/* What is wrong with an option word. */
enum cli_argerr {
	CLI_ARG_OK,
	CLI_ARG_UNKNOWN, /* neither a global option nor one of the command's */
	CLI_ARG_NOVALUE, /* a value attached ("--quiet=x", "-q=x") to an option that takes none */
	CLI_ARG_MISSING, /* the option takes a value and the words end before it */
};

/* One word of the line, with its value when it is an option that takes one. */
struct cli_argword {
	const char *arg; /* the word as written, borrowed from argv */
	int index;	 /* its index in argv */
	bool option;	 /* an option; else a positional */
	/* The rest is for an option only. */
	enum cli_argerr err;
	char name[32];	 /* the canonical long name, without "--" (when known) */
	bool global;	 /* one of cli_global_opts */
	bool takes;	 /* it takes a value */
	const char *val; /* its value, attached or the next word (borrowed), or NULL */
};

/* A walk over argv[0..argc); argv is borrowed for the walk's lifetime. */
struct cli_argwalk {
	/* Whose options count besides the global ones; NULL: the global ones
	 * only. The caller may set it between steps (once the words name a command). */
	const struct cli_cmd *cmd;
	char *const *argv;
	int argc, i;
	bool only_pos; /* a "--" has passed: every later word is positional */
};

void cli_argwalk_init(struct cli_argwalk *w, const struct cli_cmd *cmd, int argc,
		      char *const *argv);

/*
 * Reads the next word (an option and its separate value count as one step)
 * into *out; false at the end. A "--" is consumed silently. An option that
 * is unknown or has a value it does not take never consumes the next word.
 */
bool cli_argwalk_next(struct cli_argwalk *w, struct cli_argword *out);

#endif
