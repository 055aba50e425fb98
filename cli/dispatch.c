/* SPDX-License-Identifier: MIT */
#include "cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "cmdinfo.h"
#include "shell.h"

#define NC_NOUN(name, summary) { name, summary },
#define NC_ALIAS(alias, word)
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)
const struct nc_noun nc_nouns[] = {
#include "commands.def"
};
#undef NC_NOUN
#undef NC_CMD
#define NC_NOUN(name, summary)
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary) \
	{ noun, verb, fn, min, max, flags, opts, usage, summary },
const struct nc_cmd nc_cmds[] = {
#include "commands.def"
};
#undef NC_ALIAS
#undef NC_CMD
#define NC_ALIAS(alias, word) { alias, word },
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)
const struct nc_alias nc_aliases[] = {
#include "commands.def"
};
#undef NC_NOUN
#undef NC_ALIAS
#undef NC_CMD

const size_t nc_nnouns = sizeof(nc_nouns) / sizeof(nc_nouns[0]);
const size_t nc_ncmds = sizeof(nc_cmds) / sizeof(nc_cmds[0]);
const size_t nc_naliases = sizeof(nc_aliases) / sizeof(nc_aliases[0]);

void nc_error_prefix(struct nc_ctx *ctx)
{
	/* What was printed comes before what went wrong, in a shared terminal or log. */
	fflush(ctx->out);
	fprintf(ctx->err, "%s: ", ctx->progname);
	if (ctx->where)
		fprintf(ctx->err, "%s: ", ctx->where);
}

int nc_error(struct nc_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	nc_error_prefix(ctx);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return err;
}

int nc_exit_status(int err)
{
	switch (err) {
	case 0:
		return 0;
	case NC_ERR_USAGE:
		return 2;
	case NC_ERR_UNREACHABLE:
		return 3;
	case NC_ERR_UNAUTH:
	case NC_ERR_FORBIDDEN:
		return 4;
	case NC_ERR_NEVER_SEEN:
		return 5;
	default:
		return 1;
	}
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
static const char *resolve(struct nc_ctx *ctx, const char *word, const char **cands, size_t n,
			   const char *what, const char *ctxword)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, wl = strlen(word);
	int hit = nc_word_match(word, cands, n);

	if (hit >= 0)
		return cands[hit];
	nc_error_prefix(ctx);
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

int nc_cmd_find(struct nc_ctx *ctx, int argc, char **argv, const struct nc_cmd **cmd, int *used)
{
	const char *names[128], *verbs[64], *noun, *verb = NULL;
	size_t nv;

	size_t nn = nc_noun_names(names, 128);

	noun = resolve(ctx, argv[0], names, nn, "command", NULL);
	if (!noun)
		return NC_ERR_USAGE;
	*used = 1;
	nv = nc_cmd_verbs(noun, verbs, 64);
	/* A noun that is a command by itself and has verbs too (agent, agent
	 * csr): without a verb word, it is the command by itself. */
	if (nv > 0 && (argc < 2 || argv[1][0] == '-') && nc_cmd_lookup(noun, NULL))
		nv = 0;
	if (nv > 0) {
		if (argc < 2 || argv[1][0] == '-') {
			nc_error(ctx, NC_ERR_USAGE, "`%s' needs a verb", noun);
			nc_help_noun(ctx, ctx->err, noun);
			return NC_ERR_USAGE;
		}
		verb = resolve(ctx, argv[1], verbs, nv, "verb", noun);
		if (!verb)
			return NC_ERR_USAGE;
		*used = 2;
	}
	*cmd = nc_cmd_lookup(noun, verb);
	if (*cmd)
		return 0;
	return nc_error(ctx, NC_ERR_INTERNAL, "command table has no row for `%s'", noun);
}

/*
 * Looks arg (without dashes; "name" or "name=value") up in spec. Returns 1
 * and the canonical long name, 0 when spec has no such option. *takes says
 * whether it takes a value.
 */
static int spec_find(const char *spec, const char *arg, bool shortopt, char *name, size_t nsz,
		     bool *takes)
{
	size_t al = strcspn(arg, "=");
	const char *p = spec;

	while (*p) {
		size_t len = strcspn(p, ",");
		size_t ll = strcspn(p, "|=,");
		const char *bar = memchr(p, '|', len);
		bool eq = len > 0 && p[len - 1] == '=';
		bool match = shortopt ? bar && bar[1] == arg[0] && al == 1
				      : ll == al && strncmp(p, arg, al) == 0;

		if (match) {
			snprintf(name, nsz, "%.*s", (int)ll, p);
			*takes = eq;
			return 1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Applies a global option; 0, or NC_ERR_USAGE after reporting. */
static int set_global(struct nc_ctx *ctx, const char *name, const char *val)
{
	if (strcmp(name, "server") == 0) {
		ctx->server = val;
	} else if (strcmp(name, "token") == 0) {
		ctx->token = val;
	} else if (strcmp(name, "token-file") == 0) {
		ctx->token_file = val;
	} else if (strcmp(name, "tenant") == 0) {
		ctx->tenant = val;
	} else if (strcmp(name, "output") == 0) {
		if (strcmp(val, "table") == 0)
			ctx->output = NC_OUT_TABLE;
		else if (strcmp(val, "wide") == 0)
			ctx->output = NC_OUT_WIDE;
		else if (strcmp(val, "json") == 0)
			ctx->output = NC_OUT_JSON;
		else
			return nc_error(ctx, NC_ERR_USAGE,
					"output format `%s' is not table, wide or json", val);
	} else if (strcmp(name, "no-color") == 0) {
		ctx->color = false;
	} else if (strcmp(name, "quiet") == 0) {
		ctx->quiet = true;
	} else if (strcmp(name, "verbose") == 0) {
		ctx->verbose++;
	} else if (strcmp(name, "version") == 0) {
		ctx->version = true;
	}
	return 0;
}

/*
 * Parses options and positionals in argv[0..argc) for cmd (NULL: globals
 * only, stopping at the first word). Returns the number of argv entries
 * consumed, or NC_ERR_USAGE after reporting. *help is set by -h/--help.
 */
static int parse_opts(struct nc_ctx *ctx, const struct nc_cmd *cmd, int argc, char **argv,
		      struct nc_args *a, bool *help)
{
	bool only_pos = false;
	int i;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *body;
		char name[sizeof(a->opt_name[0])];
		bool takes, shortopt, global;

		if (only_pos || arg[0] != '-' || arg[1] == '\0') {
			if (!cmd)
				break;
			if (a->npos >= NC_MAX_POS)
				return nc_error(ctx, NC_ERR_USAGE, "too many arguments");
			a->pos[a->npos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_pos = true;
			continue;
		}
		shortopt = arg[1] != '-';
		body = arg + (shortopt ? 1 : 2);
		global = spec_find(nc_global_opts, body, shortopt, name, sizeof(name), &takes);
		if (!global && !(cmd && spec_find(cmd->options, body, shortopt, name, sizeof(name),
						  &takes))) {
			if (cmd)
				return nc_error(ctx, NC_ERR_USAGE,
						"unknown option `%s' for `%s%s%s'; see `%s help %s%s%s'",
						arg, cmd->noun, cmd->verb ? " " : "",
						cmd->verb ? cmd->verb : "", ctx->progname, cmd->noun,
						cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
			return nc_error(ctx, NC_ERR_USAGE, "unknown option `%s'; see `%s help'",
					arg, ctx->progname);
		}
		if (!shortopt && strchr(body, '=')) {
			if (!takes)
				return nc_error(ctx, NC_ERR_USAGE, "option `--%s' takes no value",
						name);
			val = strchr(body, '=') + 1;
		} else if (shortopt && body[1] != '\0') {
			if (!takes)
				return nc_error(ctx, NC_ERR_USAGE, "unknown option `%s'", arg);
			val = body + 1;
		} else if (takes) {
			if (i + 1 >= argc)
				return nc_error(ctx, NC_ERR_USAGE, "option `%s' needs a value", arg);
			val = argv[++i];
		}
		if (strcmp(name, "help") == 0) {
			*help = true;
		} else if (global) {
			if (set_global(ctx, name, val) < 0)
				return NC_ERR_USAGE;
		} else {
			if (a->nopt >= NC_MAX_OPTS)
				return nc_error(ctx, NC_ERR_USAGE, "too many options");
			snprintf(a->opt_name[a->nopt], sizeof(a->opt_name[0]), "%s", name);
			a->opt_val[a->nopt++] = val;
		}
	}
	return i;
}

const char *nc_args_get(const struct nc_args *a, const char *name)
{
	const char *v = NULL;

	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt_name[i], name) == 0)
			v = a->opt_val[i];
	}
	return v;
}

bool nc_args_has(const struct nc_args *a, const char *name)
{
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt_name[i], name) == 0)
			return true;
	}
	return false;
}

int nc_args_getall(const struct nc_args *a, const char *name, const char **vals, int max)
{
	int n = 0;

	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt_name[i], name) != 0)
			continue;
		if (n < max)
			vals[n] = a->opt_val[i];
		n++;
	}
	return n;
}

void nc_args_put(const struct nc_args *a, const char *opt, json_t *body, const char *key)
{
	const char *v = nc_args_get(a, opt);

	if (v)
		json_object_set_new(body, key, json_string(v));
}

void nc_args_put_or_none(const struct nc_args *a, const char *opt, json_t *body, const char *key)
{
	const char *v = nc_args_get(a, opt);

	if (v)
		json_object_set_new(body, key, strcmp(v, "none") == 0 ? json_null() : json_string(v));
}

json_t *nc_args_list(const struct nc_args *a, const char *opt)
{
	const char *vals[NC_MAX_OPTS];
	int n = nc_args_getall(a, opt, vals, NC_MAX_OPTS);
	json_t *arr;

	if (n == 0)
		return NULL;
	arr = json_array();
	if (n == 1 && strcmp(vals[0], "none") == 0)
		return arr;
	for (int i = 0; i < n && i < NC_MAX_OPTS; i++)
		json_array_append_new(arr, json_string(vals[i]));
	return arr;
}

int nc_args_query(struct nc_ctx *ctx, const struct nc_args *a, const char *base,
		  const char *opts, char *buf, size_t n)
{
	int ret = snprintf(buf, n, "%s", base) >= (int)n ? NC_ERR_RANGE : 0;

	while (ret == 0 && *opts) {
		char name[32];
		size_t len = strcspn(opts, ",");

		snprintf(name, sizeof(name), "%.*s", (int)len, opts);
		ret = nc_client_query(buf, n, name, nc_args_get(a, name));
		opts += len + (opts[len] == ',');
	}
	if (ret < 0)
		return nc_error(ctx, NC_ERR_USAGE, "the filters are too long for a request path");
	return 0;
}

/* Runs cmd, with a client for the duration when it talks to the server. */
static int run(struct nc_ctx *ctx, const struct nc_cmd *cmd, const struct nc_args *a)
{
	bool own = false;
	int ret;

	ctx->cmd = cmd;
	if (!(cmd->flags & (NC_CMDF_LOCAL | NC_CMDF_ROLE)) && !ctx->client) {
		ret = nc_connect(ctx);
		if (ret < 0)
			return ret;
		own = true;
	}
	ret = cmd->fn(ctx, a);
	if (own) {
		nc_client_free(ctx->client);
		ctx->client = NULL;
	}
	return ret;
}

/* Whether cmd may run where ctx's commands come from; reported when not. */
static int mode_allows(struct nc_ctx *ctx, const struct nc_cmd *cmd)
{
	if (strcmp(cmd->noun, "shell") == 0 && ctx->mode != NC_MODE_CLI)
		return nc_error(ctx, NC_ERR_USAGE, "`shell' runs from the command line only%s",
				ctx->mode == NC_MODE_SHELL ? ": this is the shell already" : "");
	if (strcmp(cmd->noun, "batch") == 0 && ctx->mode == NC_MODE_BATCH)
		return nc_error(ctx, NC_ERR_USAGE, "`batch' cannot run inside a batch");
	return 0;
}

/*
 * Parses argv into *cmd and a: 1 when there is a command to run, 0 when
 * there is nothing left to do (help shown; *bare set for a line of global
 * options only), or NC_ERR_USAGE after reporting.
 */
static int prepare(struct nc_ctx *ctx, int argc, char **argv, const struct nc_cmd **cmd,
		   struct nc_args *a, bool *bare, bool quiet_help)
{
	bool help = false;
	int n, used;

	*bare = false;
	n = parse_opts(ctx, NULL, argc, argv, a, &help);
	if (n < 0)
		return n;
	argc -= n;
	argv += n;
	if (ctx->version) {
		static char *version_argv[] = {"version", NULL};

		ctx->version = false;
		if (argc > 0)
			return nc_error(ctx, NC_ERR_USAGE, "--version takes no command: `%s' follows it",
					argv[0]);
		argc = 1;
		argv = version_argv;
	}
	if (argc == 0) {
		*bare = !help;
		if (help && !quiet_help)
			nc_help_all(ctx, ctx->out);
		return 0;
	}
	if (nc_cmd_find(ctx, argc, argv, cmd, &used) < 0)
		return NC_ERR_USAGE;
	n = parse_opts(ctx, *cmd, argc - used, argv + used, a, &help);
	if (n < 0)
		return n;
	if (ctx->version) {
		ctx->version = false;
		return nc_error(ctx, NC_ERR_USAGE, "--version goes before any command (`%s --version')",
				ctx->progname);
	}
	if (help) {
		if (!quiet_help)
			nc_help_cmd(ctx, ctx->out, *cmd);
		return 0;
	}
	if (a->npos < (*cmd)->min || ((*cmd)->max >= 0 && a->npos > (*cmd)->max)) {
		const struct nc_cmd *c = *cmd;

		nc_error(ctx, NC_ERR_USAGE, "`%s%s%s' takes %s%d argument%s, not %d", c->noun,
			 c->verb ? " " : "", c->verb ? c->verb : "",
			 c->max < 0 ? "at least " : c->min == c->max ? "" : "at most ",
			 c->max < 0 || c->min == c->max ? c->min : c->max,
			 (c->max < 0 ? c->min : c->max) == 1 ? "" : "s", a->npos);
		fprintf(ctx->err, "usage: %s %s%s%s %s\n", ctx->progname, c->noun,
			c->verb ? " " : "", c->verb ? c->verb : "", c->usage);
		return NC_ERR_USAGE;
	}
	if (mode_allows(ctx, *cmd) < 0)
		return NC_ERR_USAGE;
	return 1;
}

int nc_dispatch_check(struct nc_ctx *ctx, int argc, char **argv)
{
	const struct nc_cmd *cmd = NULL;
	struct nc_args a = {0};
	bool bare;
	int ret = prepare(ctx, argc, argv, &cmd, &a, &bare, true);

	return ret < 0 ? ret : 0;
}

int nc_dispatch(struct nc_ctx *ctx, int argc, char **argv)
{
	const struct nc_cmd *cmd = NULL;
	struct nc_args a = {0};
	bool bare;
	int ret = prepare(ctx, argc, argv, &cmd, &a, &bare, false);

	if (ret < 0)
		return ret;
	if (ret == 0 && bare && ctx->mode == NC_MODE_CLI) {
		/* A bare netctl: the shell on a terminal, else the usage. */
		if (ctx->interactive)
			return nc_shell_run(ctx);
		nc_help_all(ctx, ctx->err);
		return NC_ERR_USAGE;
	}
	if (ret == 0)
		return 0;
	return run(ctx, cmd, &a);
}
