/* SPDX-License-Identifier: MIT */
/*
 * Finding a command by its words (aliases, unique prefixes, "did you mean"),
 * and help and usage text, generated from the command table.
 */
#include "help.h"

#include <string.h>

#include "../lib/util/err.h"
#include "cmd.h"
#include "cmdinfo.h"

static void cmd_line(FILE *f, const struct cli_cmd *c, int width)
{
	char words[64];

	cli_cmd_words(c, words, sizeof(words));
	fprintf(f, "  %-*s %s\n", width, words, c->summary);
}

/* Option o of c as help shows it on the left: "-o, --output FORMAT". */
static void opt_flags(const struct cli_cmd *c, const struct cli_opt *o, char *buf, size_t n)
{
	struct cli_valspec v;
	bool val = cli_cmd_optval(c, o->name, &v);
	size_t len = o->shortname ? (size_t)snprintf(buf, n, "-%c, ", o->shortname) : 0;

	snprintf(buf + len, n - len, "--%s%s%s", o->name, val ? " " : "", val ? v.placeholder : "");
}

/* The longest start of the n bytes of w that ends in '|' and fits room; 0 when none. */
static int bar_cut(const char *w, int n, int room)
{
	int cut = 0;

	for (int i = 0; i < n && i < room; i++) {
		if (w[i] == '|')
			cut = i + 1;
	}
	return cut;
}

void cli_help_wrap(FILE *f, const char *s, int col, int indent, int cols)
{
	bool first = true; /* no space before the next word */

	s += strspn(s, " ");
	while (*s) {
		int len = (int)strcspn(s, " "), room = cols - col - !first, cut;

		if (cols > 0 && len > room) {
			/* A new line for a word that fits one; values (a|b|c) too long
			 * for a line break after a bar. */
			cut = len > cols - indent ? bar_cut(s, len, room) : 0;
			if (cut == 0 && !first) {
				col = fprintf(f, "\n%*s", indent, "") - 1;
				first = true;
				continue;
			}
			len = cut > 0 ? cut : len;
		}
		col += fprintf(f, "%s%.*s", first ? "" : " ", len, s);
		s += len;
		first = s[0] != ' ';
		if (first && *s && cols > 0) {
			col = fprintf(f, "\n%*s", indent, "") - 1;
		}
		s += strspn(s, " ");
	}
}

/* Under title, the options of c (cli_optwalk), one a line, aligned: flags,
 * then what it means with its allowed values and default (commands.def's
 * NC_OPT rows), wrapped at cols (0: never). Nothing when c has none. */
static void opt_lines(FILE *f, const struct cli_cmd *c, const char *title, int cols)
{
	char left[96], right[400];
	struct cli_optwalk w;
	struct cli_opt o;
	int width = 0;

	for (cli_optwalk_init(&w, c); cli_optwalk_next(&w, &o);) {
		opt_flags(c, &o, left, sizeof(left));
		if ((int)strlen(left) > width)
			width = (int)strlen(left);
	}
	if (width == 0)
		return;
	if (width > 28)
		width = 28;
	fprintf(f, "\n%s:\n", title);
	for (cli_optwalk_init(&w, c); cli_optwalk_next(&w, &o);) {
		int at;

		opt_flags(c, &o, left, sizeof(left));
		cli_opt_describe(cli_opt_info(c, o.name), right, sizeof(right));
		at = fprintf(f, "  %-*s  ", width, left);
		/* Continued under the text, unless that leaves it too little room. */
		cli_help_wrap(f, right, at, cols - width - 4 >= 30 ? width + 4 : 4, cols);
		fputc('\n', f);
	}
}

/* Where help lines break: at the terminal's width when f is ctx's terminal
 * output, else nowhere (pipes and files keep one line per option). */
static int wrap_at(const struct cli_ctx *ctx, FILE *f)
{
	return ctx->tty && f == ctx->out ? ctx->width - 1 : 0;
}

void cli_help_all(struct cli_ctx *ctx, FILE *f)
{
	fprintf(f, "usage: %s [global options] <command> [arguments]\n\n", ctx->progname);
	fprintf(f, "Commands:\n");
	for (size_t i = 0; i < cli_ncmds; i++)
		cmd_line(f, &cli_cmds[i], 24);
	opt_lines(f, &cli_global_cmd, "Global options (before or after the command)",
		  wrap_at(ctx, f));
	fprintf(f,
		"\nSettings come from the command line, then the environment, then the current\n"
		"context of ${XDG_CONFIG_HOME:-~/.config}/netctl/config (`%s help context').\n"
		"Exit status: 0 ok, 1 failed, 2 usage (a bad value too), 3 server unreachable,\n"
		"4 unauthorized or forbidden, 5 sync now --wait: devices never seen.\n"
		"\nRun `%s help <command>' for the usage and options of one command.\n",
		ctx->progname, ctx->progname);
}

void cli_help_noun(struct cli_ctx *ctx, FILE *f, const char *noun)
{
	for (size_t i = 0; i < cli_ncmds; i++) {
		const struct cli_cmd *c = &cli_cmds[i];

		if (strcmp(c->noun, noun) == 0 && c->verb)
			fprintf(f, "usage: %s %s%s%s%s%s\n", ctx->progname, c->noun,
				c->verb ? " " : "", c->verb ? c->verb : "", *c->usage ? " " : "",
				c->usage);
	}
}

/* Whether an option of c takes a duration (its placeholder is D or DURATION). */
static bool takes_duration(const struct cli_cmd *c)
{
	const char *p = c->options;
	struct cli_valspec v;
	struct cli_opt o;

	while (cli_opt_next(&p, &o)) {
		if (cli_cmd_optval(c, o.name, &v) &&
		    (strcmp(v.placeholder, "D") == 0 || strcmp(v.placeholder, "DURATION") == 0))
			return true;
	}
	return false;
}

void cli_help_cmd(struct cli_ctx *ctx, FILE *f, const struct cli_cmd *c)
{
	fprintf(f, "usage: %s %s%s%s%s%s\n\n%s.\n", ctx->progname, c->noun, c->verb ? " " : "",
		c->verb ? c->verb : "", *c->usage ? " " : "", c->usage, c->summary);
	if (c->flags & NC_CMDF_ADMIN)
		fprintf(f, "Needs a token with the admin role.\n");
	if (c->flags & NC_CMDF_CONFIRM)
		fprintf(f,
			"Asks [y/N] on a terminal before it destroys or reaches every device.\n");
	opt_lines(f, c, "Options", wrap_at(ctx, f));
	if (takes_duration(c))
		fprintf(f, "\nDurations take ms, s, m, h: 500ms, 30s, 1m30s.\n");
	if (strcmp(c->noun, "tail") == 0) {
		/* The names --type takes, from the same lists completion offers. */
		fprintf(f, "\nEvent types:");
		for (size_t i = 0; i < nc_nevent_types; i++)
			fprintf(f, "%s%s", i % 6 ? ", " : "\n  ", nc_event_types[i]);
		fprintf(f, "\nAliases:\n");
		for (size_t i = 0; i < nc_nevent_aliases; i++)
			fprintf(f, "  %-10s %s\n", nc_event_aliases[i].alias,
				nc_event_aliases[i].types);
	}
	fprintf(f, "\nGlobal options (-o, -w, --tenant, ...): `%s help'.\n", ctx->progname);
}
/*
 * Edit distance for "did you mean", counting a swap of two neighbours as one
 * edit (optimal string alignment); words are short.
 */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[3][64];

	if (la >= 64 || lb >= 64)
		return 64;
	/* The row of a's first i letters is row[(i + 1) % 3]. */
	for (size_t j = 0; j <= lb; j++)
		row[1][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *pp = row[(i + 2) % 3], *prev = row[i % 3], *cur = row[(i + 1) % 3];

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			cur[j] = best;
		}
	}
	return row[(la + 1) % 3][lb];
}

/*
 * Resolves word among cands: exact, then alias, then unique prefix. Returns
 * the candidate, or NULL after reporting (what names the kind of word in
 * messages, ctxword the words before it).
 */
static const char *resolve(struct cli_ctx *ctx, const char *word, const char **cands, size_t n,
			   const char *what, const char *ctxword)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, wl = strlen(word);
	int hit = cli_word_match(word, cands, n);

	if (hit >= 0)
		return cands[hit];
	cli_error_prefix(ctx);
	if (hit == NC_MATCH_AMBIGUOUS) {
		fprintf(ctx->err, "ambiguous %s `%s', could be:", what, word);
		for (size_t i = 0; i < n; i++) {
			if (strncmp(cands[i], word, wl) == 0)
				fprintf(ctx->err, " %s", cands[i]);
		}
		fputc('\n', ctx->err);
		return NULL;
	}
	/* A suggestion is a typo away: one edit in a short word, two otherwise. */
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]);

		if (d < bestd && d <= (wl <= 4 ? 1u : 2u)) {
			bestd = d;
			best = cands[i];
		}
	}
	fprintf(ctx->err, "unknown %s `%s'", what, word);
	if (best)
		fprintf(ctx->err, "; did you mean `%s%s%s'?", ctxword ? ctxword : "",
			ctxword ? " " : "", best);
	fprintf(ctx->err, "\nRun `%s%shelp%s%s' for the list.\n",
		ctx->mode == NC_MODE_SHELL ? "" : ctx->progname,
		ctx->mode == NC_MODE_SHELL ? "" : " ", ctxword ? " " : "", ctxword ? ctxword : "");
	return NULL;
}

int cli_cmd_find(struct cli_ctx *ctx, int argc, char **argv, const struct cli_cmd **cmd, int *used)
{
	const char *names[128], *verbs[64], *noun, *verb = NULL;
	size_t nv;

	size_t nn = cli_noun_names(names, 128);

	noun = resolve(ctx, argv[0], names, nn, "command", NULL);
	if (!noun)
		return NC_ERR_USAGE;
	*used = 1;
	nv = cli_cmd_verbs(noun, verbs, 64);
	/* A noun that is a command by itself and has verbs too (agent, agent
	 * csr): without a verb word, it is the command by itself. */
	if (nv > 0 && (argc < 2 || argv[1][0] == '-') && cli_cmd_lookup(noun, NULL))
		nv = 0;
	if (nv > 0) {
		if (argc < 2 || argv[1][0] == '-') {
			cli_error(ctx, NC_ERR_USAGE, "`%s' needs a verb", noun);
			cli_help_noun(ctx, ctx->err, noun);
			return NC_ERR_USAGE;
		}
		verb = resolve(ctx, argv[1], verbs, nv, "verb", noun);
		if (!verb)
			return NC_ERR_USAGE;
		*used = 2;
	}
	*cmd = cli_cmd_lookup(noun, verb);
	if (*cmd)
		return 0;
	return cli_error(ctx, NC_ERR_INTERNAL, "command table has no row for `%s'", noun);
}
