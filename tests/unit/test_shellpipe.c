/* SPDX-License-Identifier: MIT */
/*
 * The shell's output filters: which lines `| include', `| exclude' and
 * `| count' let through, written in pieces as a command writes them, and
 * the usage errors of a bad filter line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/shellpipe.h"
#include "../../cli/shellwords.h"
#include "../../lib/util/err.h"

static const char output[] = "Serial  Status\nCN-1    active\nCN-2    offline\nEDGE-1  active";

/* A command line with filters, and what it lets through of output or the error it gets. */
struct pipe_case {
	const char *line;
	int err;	  /* 0, or the error cli_pipe_parse returns */
	const char *want; /* the terminal's text; for an error, part of its message */
};

static const struct pipe_case pipe_cases[] = {
	{"connector list | include active", 0, "CN-1    active\nEDGE-1  active\n"},
	{"connector list | exclude active", 0, "Serial  Status\nCN-2    offline\n"},
	{"connector list | include ^CN | exclude off", 0, "CN-1    active\n"},
	{"connector list | include 'CN-[12] +(active|offline)' | count", 0, "2\n"},
	{"connector list | count", 0, "4\n"},
	{"connector list | include nothing-like-this | count", 0, "0\n"},
	{"| include x", NC_ERR_USAGE, "follows a command"},
	{"connector list |", NC_ERR_USAGE, "wants a filter"},
	{"connector list | grep x", NC_ERR_USAGE, "`| grep': the filters are include RE, exclude"},
	{"connector list | include", NC_ERR_USAGE, "`| include' wants a regular expression"},
	{"connector list | include | count", NC_ERR_USAGE, "`| include' wants a regular"},
	{"connector list | include 'a(' ", NC_ERR_USAGE, "`| include a(':"},
	{"connector list | include a b", NC_ERR_USAGE, "`b': one filter takes one regular"},
	{"connector list | count | include a", NC_ERR_USAGE, "`| count' is the last filter"},
};

/* The output of `connector list' written through p in pieces of 5 bytes; what reaches the
 * terminal (owned). */
static char *filtered(struct cli_pipe *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *term = open_memstream(&text, &len), *f = cli_pipe_open(p, term);

	assert_non_null(f);
	for (size_t i = 0; i < sizeof(output) - 1; i += 5) {
		fwrite(output + i, 1, sizeof(output) - 1 - i < 5 ? sizeof(output) - 1 - i : 5, f);
		fflush(f);
	}
	cli_pipe_close(p, f);
	fclose(term);
	return text;
}

static void test_filters(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pipe_cases) / sizeof(pipe_cases[0]); i++) {
		const struct pipe_case *c = &pipe_cases[i];
		struct cli_words w = {0};
		struct nc_errinfo ei = {0};
		struct cli_pipe *p = (struct cli_pipe *)&w;
		char *got;
		int ncmd;

		assert_int_equal(cli_words_split(c->line, strlen(c->line), 0, &w, &ei), 0);
		assert_int_equal(cli_pipe_parse(w.v, w.n, &ncmd, &p, &ei), c->err);
		if (c->err) {
			assert_null(p);
			fx_assert_contains(ei.msg, c->want);
		} else {
			assert_int_equal(ncmd, 2);
			got = filtered(p);
			if (strcmp(got, c->want) != 0)
				fail_msg("%s: got `%s', wanted `%s'", c->line, got, c->want);
			free(got);
		}
		cli_pipe_free(p);
		cli_words_free(&w);
	}
}

static void test_no_pipe(void **state)
{
	char *words[] = {"connector", "list", "--region", "a|b", NULL};
	struct cli_pipe *p = NULL;
	struct nc_errinfo ei = {0};
	int ncmd;

	(void)state;
	/* A `|' inside a word is the word's. */
	assert_int_equal(cli_pipe_parse(words, 4, &ncmd, &p, &ei), 0);
	assert_null(p);
	assert_int_equal(ncmd, 4);
}

FX_MAIN("shellpipe", test_filters, test_no_pipe)
