/* SPDX-License-Identifier: MIT */
/* Batch jobs: lines to words to cli_dispatch, with the line number in every error. */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "bulk.h"
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

/* A batch in progress: its lines and what became of them. */
struct run {
	struct bline *lines; /* n of them, owned */
	size_t n;
	bool *ok;			/* ok[i]: line i is a valid command */
	size_t bad, total, ran, failed; /* lines not valid; commands; run; failed */
	int first_line;			/* the line of the first failure */
};

/* First pass: every line must be a command that fits its usage. */
static void check_lines(struct cli_ctx *ctx, struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct cli_words w = {0};
		char where[32];

		snprintf(where, sizeof(where), "line %d", r->lines[i].lineno);
		if (words_of(ctx, &r->lines[i], &w) < 0) {
			r->bad++;
			r->total++;
		} else if (w.n > 0) {
			struct cli_ctx lc = line_ctx(ctx, where);

			r->total++;
			r->ok[i] = cli_dispatch_check(&lc, w.n, w.v) == 0;
			r->bad += !r->ok[i];
		}
		cli_words_free(&w);
	}
}

/* Runs line i, a valid one, alone; a failure is counted in r. Returns its result. */
static int run_line(struct cli_ctx *ctx, struct run *r, size_t i)
{
	struct cli_words w = {0};
	char where[32];
	int rc = 0;

	snprintf(where, sizeof(where), "line %d", r->lines[i].lineno);
	if (words_of(ctx, &r->lines[i], &w) == 0 && w.n > 0) {
		struct cli_ctx lc = line_ctx(ctx, where);

		r->ran++;
		rc = cli_dispatch(&lc, w.n, w.v);
		fflush(lc.out);
		if (rc < 0 && r->failed++ == 0)
			r->first_line = r->lines[i].lineno;
	}
	cli_words_free(&w);
	return rc;
}

/*
 * Gathers into b the valid lines from line i on that one bulk request
 * carries (bulk.h), passing over the lines that run as nothing. Returns the
 * index after the last line taken, i when none was.
 */
static size_t gather(struct cli_ctx *ctx, struct run *r, size_t i, struct cli_bulk *b)
{
	size_t end = i;

	for (size_t j = i; j < r->n; j++) {
		char where[32];
		struct cli_ctx lc;

		if (!r->ok[j])
			continue;
		snprintf(where, sizeof(where), "line %d", r->lines[j].lineno);
		lc = line_ctx(ctx, where);
		if (!cli_bulk_add(b, &lc, r->lines[j].text))
			break;
		end = j + 1;
	}
	return end;
}

/*
 * Second pass: runs the valid lines until an interrupt, or the first failure
 * unless NC_BATCH_CONTINUE; consecutive lines of a bulk command go as one
 * request, or one by one when it is refused. Returns the first failure's
 * error, or 0.
 */
static int run_lines(struct cli_ctx *ctx, struct run *r, unsigned flags)
{
	struct cli_bulk *b = cli_bulk_new();
	size_t i = 0;
	int ret = 0;

	while (i < r->n && !cli_interrupted() && (ret == 0 || (flags & NC_BATCH_CONTINUE))) {
		size_t end = gather(ctx, r, i, b), taken = cli_bulk_count(b);

		if (taken > 1 && cli_bulk_send(b) == 0) {
			r->ran += taken;
			i = end;
			continue;
		}
		cli_bulk_reset(b);
		for (end = end > i ? end : i + 1; i < end && !cli_interrupted(); i++) {
			int rc = r->ok[i] ? run_line(ctx, r, i) : 0;

			if (rc < 0 && ret == 0)
				ret = rc;
			if (ret < 0 && !(flags & NC_BATCH_CONTINUE))
				break;
		}
	}
	cli_bulk_free(b);
	return ret;
}

/* Says how the run ended; returns its result from ret, run_lines's. */
static int report(struct cli_ctx *ctx, const struct run *r, unsigned flags, int ret)
{
	if (cli_interrupted() && ret == 0)
		ret = cli_error(ctx, NC_ERR_CONFLICT, "interrupted: %zu of %zu commands ran",
				r->ran, r->total);
	else if (ret < 0 && !(flags & NC_BATCH_CONTINUE))
		cli_error(ctx, ret, "batch stopped at line %d: %zu of %zu commands ran",
			  r->first_line, r->ran, r->total);
	else if (r->failed)
		cli_error(ctx, ret, "%zu of %zu commands failed, the first at line %d", r->failed,
			  r->ran, r->first_line);
	else if (r->bad)
		ret = cli_error(ctx, NC_ERR_USAGE, "%zu line%s skipped as not valid", r->bad,
				r->bad == 1 ? " was" : "s were");
	return ret;
}

int cli_batch_run(struct cli_ctx *ctx, const char *data, size_t len, unsigned flags)
{
	struct run r = {0};
	int ret = 0;

	r.lines = split_lines(data, len, &r.n);
	r.ok = nc_xcalloc(r.n + 1, sizeof(bool));
	check_lines(ctx, &r);
	if (flags & NC_BATCH_DRYRUN) {
		if (r.bad)
			ret = cli_error(ctx, NC_ERR_USAGE, "%zu of %zu command%s not valid", r.bad,
					r.total, r.bad == 1 ? " is" : "s are");
		else
			cli_out_text(ctx, "%zu command%s checked: all valid, none run", r.total,
				     r.total == 1 ? "" : "s");
		goto out;
	}
	if (r.bad && !(flags & NC_BATCH_CONTINUE)) {
		ret = cli_error(ctx, NC_ERR_USAGE,
				"nothing was run: %zu line%s not valid (fix %s, or pass --continue "
				"to skip %s)",
				r.bad, r.bad == 1 ? " is" : "s are", r.bad == 1 ? "it" : "them",
				r.bad == 1 ? "it" : "them");
		goto out;
	}
	cli_interrupt_catch();
	ret = report(ctx, &r, flags, run_lines(ctx, &r, flags));
	cli_interrupt_release();
out:
	for (size_t i = 0; i < r.n; i++)
		free(r.lines[i].text);
	free(r.lines);
	free(r.ok);
	return ret;
}
