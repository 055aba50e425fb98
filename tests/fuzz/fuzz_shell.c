/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the shell-line and batch-file parsers
 * (cli/shellwords.c, cli/batch.c): any bytes are split into words, strictly
 * and as the completer does (NC_WORDS_PARTIAL); every word quoted with
 * cli_words_quote reads back as itself, and the quoted words joined by
 * blanks read back as the same list. Then the bytes are checked as a batch
 * file (the first pass of `netctl batch': every line parsed and matched
 * against the command table, none run), output thrown away.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/cmd.h"
#include "cli/shellwords.h"
#include "lib/util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: let the fuzzer record the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

static void words(const char *line, size_t len, unsigned flags)
{
	struct cli_words w = {0}, back = {0};
	struct nc_errinfo ei = {0};
	char *joined = calloc(1, 1);
	size_t jl = 0;

	check(joined != NULL);
	if (cli_words_split(line, len, flags, &w, &ei) < 0) {
		check(ei.msg[0] != '\0');
		goto out;
	}
	check(w.n >= 0 && w.v[w.n] == NULL && w.start <= len);
	for (int i = 0; i < w.n; i++) {
		struct cli_words one = {0};
		char *q = cli_words_quote(w.v[i]);
		size_t ql = strlen(q);

		check(cli_words_split(q, ql, 0, &one, &ei) == 0);
		check(one.n == 1 && strcmp(one.v[0], w.v[i]) == 0);
		cli_words_free(&one);
		joined = realloc(joined, jl + ql + 2);
		check(joined != NULL);
		memcpy(joined + jl, q, ql);
		jl += ql;
		joined[jl++] = ' ';
		joined[jl] = '\0';
		free(q);
	}
	check(cli_words_split(joined, jl, 0, &back, &ei) == 0);
	check(back.n == w.n);
	for (int i = 0; i < w.n; i++)
		check(strcmp(back.v[i], w.v[i]) == 0);
out:
	cli_words_free(&back);
	cli_words_free(&w);
	free(joined);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct cli_ctx ctx = {
		.output = NC_OUT_TABLE,
		.width = 80,
		.progname = "netctl",
		.mode = NC_MODE_CLI,
	};

	words((const char *)data, size, 0);
	words((const char *)data, size, NC_WORDS_PARTIAL);
	if (!null)
		null = fopen("/dev/null", "w");
	check(null != NULL);
	ctx.out = null;
	ctx.err = null;
	cli_batch_run(&ctx, (const char *)data, size, NC_BATCH_CHECK);
	return 0;
}
