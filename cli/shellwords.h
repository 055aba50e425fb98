/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_SHELLWORDS_H
#define NC_CLI_SHELLWORDS_H

/*
 * A command line as words, for the shell and batch files: the parser takes
 * bytes and does no I/O. The rules are a small part of sh(1)'s:
 *
 *   - blanks (space, tab, CR, LF) separate words;
 *   - '#' at the start of a word begins a comment to the end of the line;
 *   - '...' keeps everything inside as it is;
 *   - "..." keeps everything except \" \\ \$ \` (the character) and
 *     backslash-newline (nothing); other backslashes stay;
 *   - outside quotes a backslash takes the next character as it is, and
 *     backslash-newline joins lines;
 *   - quotes and escapes join with what touches them: a"b c"'d' is one
 *     word, "" is an empty word.
 *
 * No variables, globs, pipes or redirections: ; | & < > $ * are plain
 * characters.
 */

#include <stdbool.h>
#include <stddef.h>

struct nc_errinfo;

/* Accept a line that ends inside quotes or after a backslash (for completion). */
#define NC_WORDS_PARTIAL 0x01

struct cli_words {
	char **v; /* n words, then NULL (owned) */
	int n;
	/* The end of the line, for completion: */
	bool open;    /* it ends inside a word (no blank after the last one) */
	char quote;   /* the quote left open at the end ('\'' or '"'), or 0 */
	size_t start; /* offset in the line where the last word begins */
};

/*
 * Splits line[0..len) into *w (zeroed by the caller; free with
 * cli_words_free, also after a failure). Errors, ei->msg naming the column
 * (from 1): NC_ERR_PARSE for an unterminated quote, a trailing backslash
 * (both accepted with NC_WORDS_PARTIAL) or a NUL byte.
 */
int cli_words_split(const char *line, size_t len, unsigned flags, struct cli_words *w,
		    struct nc_errinfo *ei);
void cli_words_free(struct cli_words *w);

/* word written so that cli_words_split reads it back as one word: as it
 * is when it needs nothing, else in single quotes. A new string. */
char *cli_words_quote(const char *word);

#endif
