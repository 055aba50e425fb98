/* SPDX-License-Identifier: MIT */
/*
 * The dispatcher: global options, the command and its options and arity,
 * then the handler. main, the shell and batch all come through here.
 */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "argwalk.h"
#include "cmd.h"
#include "cmdinfo.h"
#include "confirm.h"
#include "help.h"
#include "output.h"
#include "request.h"
#include "select.h"
#include "watch.h"

/* The global options that only store their value, or only set a flag; the
 * _Generic makes an entry whose member is not of its kind fail to compile. */
#define MEMBER(m, type)                                                                            \
	(offsetof(struct cli_ctx, m) + 0 * _Generic(((struct cli_ctx *)0)->m, type : 0))
#define VALUE(n, m)                                                                                \
	{                                                                                          \
		n, MEMBER(m, const char *), false, false                                           \
	}
#define FLAG(n, m, to)                                                                             \
	{                                                                                          \
		n, MEMBER(m, bool), true, to                                                       \
	}
static const struct {
	const char *name;
	size_t off; /* of a const char * (a value) or a bool (a flag) in struct cli_ctx */
	bool flag;
	bool to; /* what a flag sets its bool to */
} plain[] = {
	VALUE("server", server),
	VALUE("token", token),
	VALUE("token-file", token_file),
	VALUE("tenant", tenant),
	VALUE("sort-by", sort_by),
	FLAG("no-color", color, false),
	VALUE("field-selector", field_selector),
	FLAG("quiet", quiet, true),
	FLAG("watch", watch, true),
	FLAG("version", version, true),
};
#undef MEMBER
#undef VALUE
#undef FLAG

/* Reports val, not one of v's choices, given to what ("--status", "completion");
 * returns NC_ERR_USAGE. */
static int not_a_choice(struct cli_ctx *ctx, const char *what, const struct cli_valspec *v,
			const char *val)
{
	char list[sizeof(v->choices) * 2];
	size_t len = 0;

	list[0] = '\0';
	for (const char *p = v->choices; *p && len < sizeof(list);) {
		size_t word = strcspn(p, " ");

		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%.*s", len ? ", " : "",
					(int)word, p);
		p += word + (p[word] == ' ');
	}
	return cli_error(ctx, NC_ERR_USAGE, "%s: `%s' is not one of %s", what, val, list);
}

/* Applies a global option; 0, or NC_ERR_USAGE after reporting. */
static int set_global(struct cli_ctx *ctx, const char *name, const char *val)
{
	struct cli_valspec v;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		char *field = (char *)ctx + plain[i].off;

		if (strcmp(name, plain[i].name) != 0)
			continue;
		if (plain[i].flag)
			*(bool *)field = plain[i].to;
		else
			*(const char **)(void *)field = val;
		return 0;
	}
	if (strcmp(name, "verbose") == 0) {
		ctx->verbose++;
	} else if (strcmp(name, "output") == 0) {
		/* The formats in the order of enum cli_output, as commands.def lists them. */
		int f = cli_cmd_optval(NULL, name, &v) ? cli_valspec_index(&v, val) : -1;

		if (f < 0)
			return not_a_choice(ctx, "--output", &v, val);
		ctx->output = (enum cli_output)f;
	}
	return 0;
}

/* Reports what is wrong with option word o of cmd's line; returns NC_ERR_USAGE. */
static int opt_error(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_argword *o)
{
	if (o->err == CLI_ARG_UNKNOWN && cmd)
		return cli_error(
			ctx, NC_ERR_USAGE, "unknown option `%s' for `%s%s%s'; see `%s help %s%s%s'",
			o->arg, cmd->noun, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
			ctx->progname, cmd->noun, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
	if (o->err == CLI_ARG_UNKNOWN)
		return cli_error(ctx, NC_ERR_USAGE, "unknown option `%s'; see `%s help'", o->arg,
				 ctx->progname);
	if (o->err == CLI_ARG_NOVALUE && o->arg[1] == '-')
		return cli_error(ctx, NC_ERR_USAGE, "option `--%s' takes no value", o->name);
	if (o->err == CLI_ARG_NOVALUE)
		return cli_error(ctx, NC_ERR_USAGE, "unknown option `%s'", o->arg);
	return cli_error(ctx, NC_ERR_USAGE, "option `%s' needs a value", o->arg);
}

/* Records option o (read without error): -h/--help sets *help, a global
 * option goes to ctx, the command's to a. 0, or NC_ERR_USAGE after reporting. */
static int take_opt(struct cli_ctx *ctx, const struct cli_argword *o, struct cli_args *a,
		    bool *help)
{
	if (strcmp(o->name, "help") == 0) {
		*help = true;
		return 0;
	}
	if (o->global)
		return set_global(ctx, o->name, o->val) < 0 ? NC_ERR_USAGE : 0;
	if (a->nopt >= NC_MAX_OPTS)
		return cli_error(ctx, NC_ERR_USAGE, "too many options");
	snprintf(a->opt_name[a->nopt], sizeof(a->opt_name[0]), "%s", o->name);
	a->opt_val[a->nopt++] = o->val;
	return 0;
}

/*
 * Parses options and positionals in argv[0..argc) for cmd (NULL: globals
 * only, stopping at the first word) with the argv walker. Returns the number
 * of argv entries consumed, or NC_ERR_USAGE after reporting. *help is set
 * by -h/--help.
 */
static int parse_opts(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv,
		      struct cli_args *a, bool *help)
{
	struct cli_argwalk w;
	struct cli_argword word;

	cli_argwalk_init(&w, cmd, argc, argv);
	while (cli_argwalk_next(&w, &word)) {
		if (word.option && word.err != CLI_ARG_OK)
			return opt_error(ctx, cmd, &word);
		if (word.option) {
			if (take_opt(ctx, &word, a, help) < 0)
				return NC_ERR_USAGE;
			continue;
		}
		if (!cmd)
			return word.index;
		a->pos[a->npos++] = word.arg;
	}
	return argc;
}

/* Runs cmd, with a client for the duration when it talks to the server. */
static int run(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_args *a)
{
	bool own = false;
	int ret;

	ctx->cmd = cmd;
	/* --dry-run of a server write; batch --dry-run reads its own. */
	ctx->dry_run = (cmd->flags & (NC_CMDF_WRITE | NC_CMDF_LOCAL)) == NC_CMDF_WRITE &&
		       (ctx->dry_all || cli_args_has(a, "dry-run"));
	if (!(cmd->flags & (NC_CMDF_LOCAL | NC_CMDF_ROLE)) && !ctx->client) {
		ret = cli_connect(ctx);
		if (ret < 0)
			return ret;
		own = true;
	}
	ret = cli_confirm(ctx, cmd, a);
	if (ret == 0)
		ret = ctx->watch ? cli_watch(ctx, cmd, a) : cmd->fn(ctx, a);
	/* A batch --dry-run says it once, at its end. */
	if (ret == 0 && ctx->dry_run && !ctx->dry_all)
		cli_out_info(ctx, "dry run: nothing was changed");
	ctx->dry_run = false;
	if (own) {
		nc_client_free(ctx->client);
		ctx->client = NULL;
	}
	return ret;
}

/* A value outside the choices an option's help row (or an argument's usage)
 * lists is a usage error naming them, caught before any request (the server
 * would refuse it all the same). */
static int check_choices(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_args *a)
{
	struct cli_valspec v;
	char what[64];

	for (int i = 0; i < a->nopt; i++) {
		if (!a->opt_val[i] || !cli_cmd_optval(cmd, a->opt_name[i], &v) ||
		    cli_valspec_allows(&v, a->opt_val[i]))
			continue;
		snprintf(what, sizeof(what), "--%s", a->opt_name[i]);
		return not_a_choice(ctx, what, &v, a->opt_val[i]);
	}
	for (int i = 0; i < a->npos; i++) {
		if (!cli_cmd_arg(cmd, i, &v) || cli_valspec_allows(&v, a->pos[i]))
			continue;
		cli_cmd_words(cmd, what, sizeof(what));
		return not_a_choice(ctx, what, &v, a->pos[i]);
	}
	return 0;
}

/* --field-selector that does not parse is a usage error (select.h). */
static int check_selector(struct cli_ctx *ctx)
{
	struct nc_errinfo ei = {0};
	struct cli_select *s = NULL;
	int ret = ctx->field_selector ? cli_select_parse(ctx->field_selector, &s, &ei) : 0;

	cli_select_free(s);
	return ret < 0 ? cli_error(ctx, NC_ERR_USAGE, "%s", ei.msg) : 0;
}

/* Whether cmd may run where ctx's commands come from; reported when not. */
static int mode_allows(struct cli_ctx *ctx, const struct cli_cmd *cmd)
{
	if (strcmp(cmd->noun, "shell") == 0 && ctx->mode != NC_MODE_CLI)
		return cli_error(ctx, NC_ERR_USAGE, "`shell' runs from the command line only%s",
				 ctx->mode == NC_MODE_SHELL ? ": this is the shell already" : "");
	if (strcmp(cmd->noun, "batch") == 0 && ctx->mode == NC_MODE_BATCH)
		return cli_error(ctx, NC_ERR_USAGE, "`batch' cannot run inside a batch");
	return 0;
}

/*
 * Parses argv into *cmd and a: 1 when there is a command to run, 0 when
 * there is nothing left to do (help shown; *bare set for a line of global
 * options only), or NC_ERR_USAGE after reporting.
 */
static int prepare(struct cli_ctx *ctx, int argc, char **argv, const struct cli_cmd **cmd,
		   struct cli_args *a, bool *bare, bool quiet_help)
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
			return cli_error(ctx, NC_ERR_USAGE,
					 "--version takes no command: `%s' follows it", argv[0]);
		argc = 1;
		argv = version_argv;
	}
	if (argc == 0) {
		*bare = !help;
		if (help && !quiet_help)
			cli_help_all(ctx, ctx->out);
		return 0;
	}
	if (cli_cmd_find(ctx, argc, argv, cmd, &used) < 0)
		return NC_ERR_USAGE;
	n = parse_opts(ctx, *cmd, argc - used, argv + used, a, &help);
	if (n < 0)
		return n;
	if (ctx->version) {
		ctx->version = false;
		return cli_error(ctx, NC_ERR_USAGE,
				 "--version goes before any command (`%s --version')",
				 ctx->progname);
	}
	if (help) {
		if (!quiet_help)
			cli_help_cmd(ctx, ctx->out, *cmd);
		return 0;
	}
	if (a->npos < (*cmd)->min || ((*cmd)->max >= 0 && a->npos > (*cmd)->max)) {
		const struct cli_cmd *c = *cmd;

		cli_error(ctx, NC_ERR_USAGE, "`%s%s%s' takes %s%d argument%s, not %d", c->noun,
			  c->verb ? " " : "", c->verb ? c->verb : "",
			  c->max < 0	     ? "at least "
			  : c->min == c->max ? ""
					     : "at most ",
			  c->max < 0 || c->min == c->max ? c->min : c->max,
			  (c->max < 0 ? c->min : c->max) == 1 ? "" : "s", a->npos);
		fprintf(ctx->err, "usage: %s %s%s%s %s\n", ctx->progname, c->noun,
			c->verb ? " " : "", c->verb ? c->verb : "", c->usage);
		return NC_ERR_USAGE;
	}
	if (mode_allows(ctx, *cmd) < 0 || (ctx->watch && cli_watch_check(ctx, *cmd) < 0) ||
	    check_choices(ctx, *cmd, a) < 0 || check_selector(ctx) < 0)
		return NC_ERR_USAGE;
	return 1;
}

int cli_dispatch_parse(struct cli_ctx *ctx, int argc, char **argv, const struct cli_cmd **cmd,
		       struct cli_args *a)
{
	bool bare;

	*cmd = NULL;
	*a = (struct cli_args){.pos = nc_xcalloc((size_t)argc + 1, sizeof(*a->pos))};
	return prepare(ctx, argc, argv, cmd, a, &bare, true);
}

int cli_dispatch_check(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	struct cli_args a;
	int ret = cli_dispatch_parse(ctx, argc, argv, &cmd, &a);

	free(a.pos);
	return ret < 0 ? ret : 0;
}

/* Runs what argv asks for, once prepared into a. */
static int dispatch(struct cli_ctx *ctx, int argc, char **argv, struct cli_args *a)
{
	const struct cli_cmd *cmd = NULL;
	bool bare;
	int ret = prepare(ctx, argc, argv, &cmd, a, &bare, false);

	if (ret < 0)
		return ret;
	if (ret == 0 && bare && ctx->mode == NC_MODE_CLI) {
		/* A bare netctl: the shell on a terminal, else the usage. */
		if (ctx->interactive)
			return run(ctx, cli_cmd_lookup("shell", NULL), a);
		cli_help_all(ctx, ctx->err);
		return NC_ERR_USAGE;
	}
	if (ret == 0)
		return 0;
	return run(ctx, cmd, a);
}

int cli_dispatch(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_args a = {.pos = nc_xcalloc((size_t)argc + 1, sizeof(*a.pos))};
	int ret = dispatch(ctx, argc, argv, &a);

	free(a.pos);
	return ret;
}
