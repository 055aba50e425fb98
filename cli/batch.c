/* SPDX-License-Identifier: MIT */
/* Batch jobs: lines to words to cli_dispatch, with the line number in every error. */
#include "batch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "bulk.h"
#include "cmd.h"
#include "confirm.h"
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
	size_t unsent;			/* valid lines a dry run leaves out */
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

/* The index of the kth valid line from line i on. */
static size_t nth_ok(const struct run *r, size_t i, size_t k)
{
	for (; i < r->n; i++) {
		if (r->ok[i] && k-- == 0)
			break;
	}
	return i < r->n ? i : r->n - 1;
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
		size_t end = gather(ctx, r, i, b), taken = cli_bulk_count(b), refused = SIZE_MAX;
		int sent = taken > 1 ? cli_bulk_send(b, &refused) : -1;

		if (sent == 0 || refused != SIZE_MAX) {
			r->ran += taken;
			if (sent < 0 && r->failed++ == 0)
				r->first_line = r->lines[nth_ok(r, i, refused)].lineno;
			if (sent < 0 && ret == 0)
				ret = sent;
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

/* Calls fn(r, i, cmd, a, arg) with the command of each valid line i, parsed. */
static void each_cmd(struct cli_ctx *ctx, struct run *r,
		     void (*fn)(struct cli_ctx *ctx, struct run *r, size_t i,
				const struct cli_cmd *cmd, const struct cli_args *a, void *arg),
		     void *arg)
{
	for (size_t i = 0; i < r->n; i++) {
		struct cli_ctx lc = line_ctx(ctx, NULL);
		struct cli_words w = {0};
		const struct cli_cmd *cmd = NULL;
		struct cli_args a = {0};

		if (r->ok[i] && words_of(ctx, &r->lines[i], &w) == 0 && w.n > 0 &&
		    cli_dispatch_parse(&lc, w.n, w.v, &cmd, &a) == 1)
			fn(ctx, r, i, cmd, &a, arg);
		free(a.pos);
		cli_words_free(&w);
	}
}

/* The destructive lines of a batch, by kind (cli_confirm_kind). */
struct tally {
	const char *kind[16], *unit[16];
	size_t n[16], nk;
};

static void tally_line(struct cli_ctx *ctx, struct run *r, size_t i, const struct cli_cmd *cmd,
		       const struct cli_args *a, void *arg)
{
	struct tally *t = arg;
	const char *unit, *kind = cli_confirm_kind(cmd, a, &unit);
	size_t k = 0;

	(void)ctx;
	(void)r;
	(void)i;
	while (kind && k < t->nk &&
	       (strcmp(t->kind[k], kind) != 0 || strcmp(t->unit[k], unit) != 0))
		k++;
	if (!kind || k == sizeof(t->kind) / sizeof(t->kind[0]))
		return;
	t->kind[k] = kind;
	t->unit[k] = unit;
	t->n[k]++;
	t->nk += k == t->nk;
}

/* Asks once before a batch with destructive lines runs (confirm.h): 0 to go on. */
static int confirm_batch(struct cli_ctx *ctx, struct run *r)
{
	struct tally t = {0};
	char what[512] = "run a batch that", question[560];
	size_t len = strlen(what);

	each_cmd(ctx, r, tally_line, &t);
	if (t.nk == 0)
		return 0;
	for (size_t k = 0; k < t.nk && len < sizeof(what); k++) {
		len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s %zu %s%s",
					k == 0	       ? " "
					: k + 1 < t.nk ? ", "
						       : " and ",
					t.kind[k], t.n[k], t.unit[k], t.n[k] == 1 ? "" : "s");
	}
	snprintf(question, sizeof(question), "this batch%s: go on",
		 what + strlen("run a batch that"));
	return cli_confirm_ask(ctx, question, what);
}

/* The objects that earlier lines of a dry run create: a key, its line. */
struct made {
	char **key;
	int *line;
	size_t n;
};

/* The line's words that name an object an earlier line creates: that line, or 0. */
static int made_by(const struct made *m, const struct cli_args *a, const char **key)
{
	for (size_t k = 0; k < m->n; k++) {
		for (int j = 0; j < a->npos + a->nopt; j++) {
			const char *v = j < a->npos ? a->pos[j] : a->opt_val[j - a->npos];

			*key = m->key[k];
			if (v && strcmp(v, m->key[k]) == 0)
				return m->line[k];
		}
	}
	return 0;
}

/* Leaves out of a dry run the lines it cannot try: local writes, and lines
 * naming what an earlier line creates (the server would not find it). */
static void dry_line(struct cli_ctx *ctx, struct run *r, size_t i, const struct cli_cmd *cmd,
		     const struct cli_args *a, void *arg)
{
	struct made *m = arg;
	const char *key = NULL, *made = NULL;
	int by = made_by(m, a, &key);
	bool role = cmd->flags & NC_CMDF_ROLE;
	bool local = role || (cmd->flags & (NC_CMDF_LOCAL | NC_CMDF_WRITE)) ==
				     (NC_CMDF_LOCAL | NC_CMDF_WRITE);

	if (local)
		cli_out_info(ctx, "line %d: not run: a dry run %s", r->lines[i].lineno,
			     role ? "starts no process" : "leaves local files alone");
	else if (by)
		cli_out_info(ctx,
			     "line %d: not sent: it names %s, which line %d creates, and a dry "
			     "run creates nothing",
			     r->lines[i].lineno, key, by);
	if (local || by) {
		r->ok[i] = false;
		r->unsent++;
	}
	if (cmd->verb && strcmp(cmd->verb, "create") == 0)
		made = cli_args_get(a, "serial") ? cli_args_get(a, "serial")
		       : a->npos > 0		 ? a->pos[0]
						 : NULL;
	if (!made)
		return;
	m->key = nc_xrealloc(m->key, (m->n + 1) * sizeof(*m->key));
	m->line = nc_xrealloc(m->line, (m->n + 1) * sizeof(*m->line));
	m->key[m->n] = nc_xstrdup(made);
	m->line[m->n++] = r->lines[i].lineno;
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

/* A dry run of valid lines: each sent with ?dry_run=1 but those dry_line
 * leaves out, consecutive creates in bulk as in a real run. */
static int dry_run(struct cli_ctx *ctx, struct run *r, unsigned flags)
{
	struct made m = {0};
	int ret;

	each_cmd(ctx, r, dry_line, &m);
	for (size_t k = 0; k < m.n; k++)
		free(m.key[k]);
	free(m.key);
	free(m.line);
	ctx->dry_all = true;
	cli_interrupt_catch();
	ret = report(ctx, r, flags, run_lines(ctx, r, flags));
	cli_interrupt_release();
	ctx->dry_all = false;
	if (ret == 0)
		cli_out_text(
			ctx,
			"%zu command%s checked: all valid, %zu tried by the server, %zu not sent",
			r->total, r->total == 1 ? "" : "s", r->total - r->unsent, r->unsent);
	if (ret == 0)
		cli_out_info(ctx, "dry run: nothing was changed");
	return ret;
}

int cli_batch_run(struct cli_ctx *ctx, const char *data, size_t len, unsigned flags)
{
	struct run r = {0};
	int ret = 0;

	r.lines = split_lines(data, len, &r.n);
	r.ok = nc_xcalloc(r.n + 1, sizeof(bool));
	check_lines(ctx, &r);
	if (flags & (NC_BATCH_DRYRUN | NC_BATCH_CHECK) && r.bad) {
		ret = cli_error(ctx, NC_ERR_USAGE, "%zu of %zu command%s not valid", r.bad, r.total,
				r.bad == 1 ? " is" : "s are");
		goto out;
	}
	if (flags & NC_BATCH_CHECK) {
		cli_out_text(ctx, "%zu command%s checked: all valid, none run", r.total,
			     r.total == 1 ? "" : "s");
		goto out;
	}
	if (flags & NC_BATCH_DRYRUN) {
		ret = dry_run(ctx, &r, flags);
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
	if (!(flags & NC_BATCH_YES) && !ctx->confirmed)
		ret = confirm_batch(ctx, &r);
	if (ret < 0)
		goto out;
	ctx->confirmed = true;
	cli_interrupt_catch();
	ret = report(ctx, &r, flags, run_lines(ctx, &r, flags));
	cli_interrupt_release();
	ctx->confirmed = false;
out:
	for (size_t i = 0; i < r.n; i++)
		free(r.lines[i].text);
	free(r.lines);
	free(r.ok);
	return ret;
}
