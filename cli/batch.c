/* SPDX-License-Identifier: MIT */
/* Batch jobs: lines to words to cli_dispatch, with the line number in every error. */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "cmd.h"
#include "dispatch.h"
#include "interrupt.h"
#include "output.h"
#include "shellwords.h"

/* One logical line: its text (continuations joined) and where it starts. */
struct bline {
	char *text; /* owned */
	int lineno;
};

/* Whether a line ends in an odd number of backslashes (continued on the next). */
static int continued(const char *s, size_t len)
{
	size_t k = 0;

	while (k < len && s[len - 1 - k] == '\\')
		k++;
	return k % 2 == 1;
}

/* Splits data into logical lines; *n of them, owned by the caller. No I/O. */
static struct bline *split_lines(const char *data, size_t len, size_t *n)
{
	struct bline *v = NULL;
	size_t cap = 0, off = 0;
	int lineno = 0;

	*n = 0;
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - data - off) : len - off;
		char *text = NULL;
		size_t tl = 0;
		int first = lineno + 1;

		for (;;) {
			size_t k = l;

			lineno++;
			if (k > 0 && data[off + k - 1] == '\r')
				k--;
			text = nc_xrealloc(text, tl + k + 2);
			memcpy(text + tl, data + off, k);
			tl += k;
			text[tl] = '\0';
			off += l + (nl != NULL);
			if (!continued(text, tl) || off >= len)
				break;
			text[tl++] = '\n'; /* backslash-newline: the words parser joins them */
			text[tl] = '\0';
			nl = memchr(data + off, '\n', len - off);
			l = nl ? (size_t)(nl - data - off) : len - off;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = nc_xrealloc(v, cap * sizeof(*v));
		}
		v[*n].text = text;
		v[*n].lineno = first;
		(*n)++;
	}
	return v;
}

/* Words of line l into *w, or NC_ERR_USAGE reported against the line. */
static int words_of(struct cli_ctx *ctx, const struct bline *l, struct cli_words *w)
{
	struct nc_errinfo ei = {0};
	char where[32];

	if (cli_words_split(l->text, strlen(l->text), 0, w, &ei) == 0)
		return 0;
	snprintf(where, sizeof(where), "line %d", l->lineno);
	ctx->where = where;
	cli_error(ctx, NC_ERR_USAGE, "%s", ei.msg);
	ctx->where = NULL;
	return NC_ERR_USAGE;
}

/* A context for one line: the batch's own settings, the line's place. */
static struct cli_ctx line_ctx(const struct cli_ctx *base, const char *where)
{
	struct cli_ctx lc = *base;

	lc.mode = NC_MODE_BATCH;
	lc.where = where;
	lc.cmd = NULL;
	lc.client = NULL;
	return lc;
}

int cli_batch_run(struct cli_ctx *ctx, const char *data, size_t len, unsigned flags)
{
	size_t n = 0, bad = 0, total = 0, ran = 0, failed = 0;
	struct bline *lines = split_lines(data, len, &n);
	bool *ok = nc_xcalloc(n + 1, sizeof(bool));
	int ret = 0, first_line = 0;

	/* First pass: every line must be a command that fits its usage. */
	for (size_t i = 0; i < n; i++) {
		struct cli_words w = {0};
		char where[32];

		snprintf(where, sizeof(where), "line %d", lines[i].lineno);
		if (words_of(ctx, &lines[i], &w) < 0) {
			bad++;
			total++;
		} else if (w.n > 0) {
			struct cli_ctx lc = line_ctx(ctx, where);

			total++;
			ok[i] = cli_dispatch_check(&lc, w.n, w.v) == 0;
			bad += !ok[i];
		}
		cli_words_free(&w);
	}
	if (flags & NC_BATCH_DRYRUN) {
		if (bad)
			ret = cli_error(ctx, NC_ERR_USAGE, "%zu of %zu command%s not valid", bad,
					total, bad == 1 ? " is" : "s are");
		else
			cli_out_text(ctx, "%zu command%s checked: all valid, none run", total,
				     total == 1 ? "" : "s");
		goto out;
	}
	if (bad && !(flags & NC_BATCH_CONTINUE)) {
		ret = cli_error(ctx, NC_ERR_USAGE,
				"nothing was run: %zu line%s not valid (fix %s, or pass --continue "
				"to skip %s)",
				bad, bad == 1 ? " is" : "s are", bad == 1 ? "it" : "them",
				bad == 1 ? "it" : "them");
		goto out;
	}
	/* Second pass: run them. */
	cli_interrupt_catch();
	for (size_t i = 0; i < n && !cli_interrupted(); i++) {
		struct cli_words w = {0};
		char where[32];
		int r;

		if (!ok[i])
			continue;
		snprintf(where, sizeof(where), "line %d", lines[i].lineno);
		if (words_of(ctx, &lines[i], &w) == 0 && w.n > 0) {
			struct cli_ctx lc = line_ctx(ctx, where);

			ran++;
			r = cli_dispatch(&lc, w.n, w.v);
			fflush(lc.out);
			if (r < 0 && failed++ == 0) {
				ret = r;
				first_line = lines[i].lineno;
			}
		}
		cli_words_free(&w);
		if (ret < 0 && !(flags & NC_BATCH_CONTINUE))
			break;
	}
	if (cli_interrupted() && ret == 0)
		ret = cli_error(ctx, NC_ERR_CONFLICT, "interrupted: %zu of %zu commands ran", ran,
				total);
	else if (ret < 0 && !(flags & NC_BATCH_CONTINUE))
		cli_error(ctx, ret, "batch stopped at line %d: %zu of %zu commands ran", first_line,
			  ran, total);
	else if (failed)
		cli_error(ctx, ret, "%zu of %zu commands failed, the first at line %d", failed, ran,
			  first_line);
	else if (bad)
		ret = cli_error(ctx, NC_ERR_USAGE, "%zu line%s skipped as not valid", bad,
				bad == 1 ? " was" : "s were");
	cli_interrupt_release();
out:
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	free(ok);
	return ret;
}
