/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CMD_H
#define NC_CLI_CMD_H

/*
 * The command layer: the table from commands.def, the context handed to
 * every handler, the parsed arguments and the one way to report an error.
 * Handlers parse and print; rules live in lib/. Calls to the server are in
 * request.h, the dispatcher in dispatch.h, finding commands and help in
 * help.h.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct nc_client;
struct nc_errinfo;

/* Command flags (NC_CMD's flags column). */
#define NC_CMDF_LOCAL 0x01 /* needs no server */
#define NC_CMDF_ROLE  0x02 /* runs a long-lived role (serve, agent, tui) */
#define NC_CMDF_WRITE 0x04 /* changes state on the server */
#define NC_CMDF_ADMIN 0x08 /* needs an admin token */
/* destructive: asks on a terminal, else needs --yes (confirm.h) */
#define NC_CMDF_CONFIRM 0x10

#define NC_MAX_OPTS 64

enum cli_output { NC_OUT_TABLE, NC_OUT_WIDE, NC_OUT_JSON };

/* Where commands come from: the command line, the shell, or a batch file. */
enum cli_mode { NC_MODE_CLI, NC_MODE_SHELL, NC_MODE_BATCH };

/* Arguments of one command after option parsing; strings borrowed from argv,
 * pos (room for every word of argv) owned by the dispatcher. */
struct cli_args {
	const char **pos;
	int npos;
	char opt_name[NC_MAX_OPTS][32];	  /* long name, without "--" */
	const char *opt_val[NC_MAX_OPTS]; /* NULL for a flag */
	int nopt;
};

/*
 * Global options and where output and errors go. server, token, token_file
 * and tenant hold the command line's values only (NULL when not given);
 * the settings in effect come from cli_settings_resolve (config.h).
 */
struct cli_ctx {
	const char *server;
	const char *token;
	const char *token_file;
	const char *tenant;
	enum cli_output output;
	bool color; /* colour the output (cli_out_color_wanted) */
	bool tty;   /* out is a terminal: fit tables to width, indent JSON */
	int width;  /* terminal columns for tables */
	bool quiet;
	const char *sort_by; /* --sort-by: lists in the order of this member (a dotted path) */
	bool watch;	     /* --watch: print again on each change (watch.h) */
	const char *field_selector; /* --field-selector: the items lists print (select.h) */
	int verbose;
	FILE *out; /* results */
	FILE *err; /* errors and diagnostics */
	const char *progname;
	const struct cli_cmd *cmd; /* the command running, set by cli_dispatch */
	struct nc_client *client;  /* for commands without NC_CMDF_LOCAL/ROLE */
	enum cli_mode mode;
	const char *where; /* put before error messages ("line 2"), or NULL */
	bool interactive;  /* stdin and stdout are terminals: a bare netctl opens the shell */
	bool version;	   /* --version was given: it stands for the command `version' */
	/* Writes of the running command carry ?dry_run=1: its --dry-run (set
	 * by the dispatcher), or dry_all (every command of a batch --dry-run). */
	bool dry_run;
	bool dry_all;
	bool confirmed; /* destructive commands run without asking (batch --yes) */
};

struct cli_cmd {
	const char *noun;
	const char *verb; /* NULL for a one-word command */
	int (*fn)(struct cli_ctx *ctx, const struct cli_args *a);
	int min, max;
	unsigned flags;
	const char *options;
	const char *usage;
	const char *summary;
};

struct cli_noun {
	const char *name;
	const char *summary;
};

struct cli_alias {
	const char *alias;
	const char *word;
};

/* The help of an option: an NC_OPT row of commands.def (see there). */
struct cli_optinfo {
	const char *cmds;    /* "noun verb,noun", or "" for every command */
	const char *name;    /* long name, without "--" */
	const char *allowed; /* "a|b|c", or "" for any value */
	const char *def;     /* the default, or "" */
	const char *help;
};

extern const struct cli_cmd cli_cmds[];
extern const size_t cli_ncmds;
extern const struct cli_noun cli_nouns[];
extern const size_t cli_nnouns;
extern const struct cli_alias cli_aliases[];
extern const size_t cli_naliases;
extern const struct cli_optinfo cli_optinfos[];
extern const size_t cli_noptinfos;

#define NC_NOUN(name, summary)
#define NC_ALIAS(alias, word)
#define NC_OPT(cmds, name, allowed, def, help)
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)                              \
	int fn(struct cli_ctx *ctx, const struct cli_args *a);
#include "commands.def"
#undef NC_NOUN
#undef NC_ALIAS
#undef NC_OPT
#undef NC_CMD

/* Options every command accepts, before or after its words, as an options
 * spec (see commands.def). */
extern const char cli_global_opts[];
/* The global options as a command without words (noun ""), for help and
 * completion: options cli_global_opts, usage their placeholders. */
extern const struct cli_cmd cli_global_cmd;

/* The exit status for a dispatch result: 0 ok, 1 failed, 2 usage,
 * 3 server unreachable, 4 unauthorized or forbidden. */
int cli_exit_status(int err);

/* Writes "netctl: " (and "WHERE: " when ctx->where is set) to ctx->err:
 * the start of every error line. */
void cli_error_prefix(struct cli_ctx *ctx);

/* Reports an error for the current command to ctx->err and returns err. */
int cli_error(struct cli_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The value of option name (the last one given; NULL if absent or a flag),
 * and whether it is set. */
const char *cli_args_get(const struct cli_args *a, const char *name);
bool cli_args_has(const struct cli_args *a, const char *name);
/* The values of a repeatable option, in command-line order: up to max of
 * them into vals; returns how many were given. */
int cli_args_getall(const struct cli_args *a, const char *name, const char **vals, int max);

/* Sets body[key] to option opt's value as a JSON string when it was given. */
void cli_args_put(const struct cli_args *a, const char *opt, json_t *body, const char *key);
/* As cli_args_put, but the value "none" sets body[key] to null: the field is
 * cleared (--hub none, --endpoint none). */
void cli_args_put_or_none(const struct cli_args *a, const char *opt, json_t *body, const char *key);
/* Sets body[key] to the values of the repeatable option opt as a JSON array
 * of strings when it was given; a lone "none" gives [] (the list cleared). */
void cli_args_put_list(const struct cli_args *a, const char *opt, json_t *body, const char *key);
/* cli_args_put for each option of the comma-separated opts, into the member
 * of the option's name ("serial,name,kind"). */
void cli_args_put_each(const struct cli_args *a, const char *opts, json_t *body);

/* The duration option name (see nc_duration_parse: "30s", "5m"), more than
 * 0, into *ms in milliseconds when given; *ms is untouched when absent.
 * NC_ERR_USAGE after reporting a bad value. */
int cli_args_duration(struct cli_ctx *ctx, const struct cli_args *a, const char *name, int64_t *ms);

/*
 * base followed by "?opt=value&..." for each option of the comma-separated
 * opts that was given (the query key is the option's name), values
 * URL-escaped, into buf[n]. NC_ERR_USAGE, reported, when it does not fit.
 */
int cli_args_query(struct cli_ctx *ctx, const struct cli_args *a, const char *base,
		   const char *opts, char *buf, size_t n);

#endif
