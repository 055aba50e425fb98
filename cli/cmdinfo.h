/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CMDINFO_H
#define NC_CLI_CMDINFO_H

/*
 * Questions to the command table (commands.def) shared by dispatch, help,
 * the shell's completion and the generators of the bash and zsh completion
 * files and of the man page: matching words, reading options specs, what
 * kind of value each argument and option takes, read from the usage
 * strings, and each option's help and allowed values, read from its NC_OPT
 * row. No I/O.
 */

#include <stdbool.h>
#include <stddef.h>

struct cli_cmd;

/* One option of an options spec ("listen=,output|o=,all"). */
struct cli_opt {
	char name[32];	/* long name, without "--" */
	char shortname; /* the one-letter form, or 0 */
	bool takes;	/* takes a value */
};

/* Reads the option at *p of a spec into o and moves *p past it; false at the end. */
bool cli_opt_next(const char **p, struct cli_opt *o);
/* Looks up a long name (or, when shortname is set, a letter) in spec. */
bool cli_opt_find(const char *spec, const char *name, char shortname, struct cli_opt *o);

/* A walk over the options that help lists for a command: its own, then the
 * global ones its usage writes ("[--tenant ID]" of token create). */
struct cli_optwalk {
	const struct cli_cmd *cmd;
	const char *p;
	bool globals; /* past the command's own, at the global ones */
};
void cli_optwalk_init(struct cli_optwalk *w, const struct cli_cmd *c);
/* The next option into *o; false at the end. */
bool cli_optwalk_next(struct cli_optwalk *w, struct cli_opt *o);

#define NC_MATCH_NONE	   (-1)
#define NC_MATCH_AMBIGUOUS (-2)

/*
 * Resolves word among cands[0..n): exact, then an alias (commands.def's
 * NC_ALIAS rows standing for one of cands), then a unique prefix. Returns
 * the index, NC_MATCH_NONE or NC_MATCH_AMBIGUOUS.
 */
int cli_word_match(const char *word, const char *const *cands, size_t n);

/* The nouns' names in table order, up to max; returns how many. */
size_t cli_noun_names(const char **out, size_t max);
/* The verbs of noun in table order, up to max; 0 when the noun is a command by itself. */
size_t cli_cmd_verbs(const char *noun, const char **out, size_t max);
/* The row of noun and verb (NULL for a one-word command), or NULL. */
const struct cli_cmd *cli_cmd_lookup(const char *noun, const char *verb);
/* The summary of noun, or "". */
const char *cli_noun_summary(const char *noun);

/* What a value is, for completion. */
enum cli_valkind {
	NC_VAL_NONE,	  /* free text: nothing to offer */
	NC_VAL_CHOICES,	  /* only the words of choices */
	NC_VAL_SERIAL,	  /* a device serial: connector or edge */
	NC_VAL_CONNECTOR, /* a connector serial */
	NC_VAL_EDGE,	  /* an edge serial */
	NC_VAL_PEERING,	  /* a peering group name */
	NC_VAL_CONTEXT,	  /* a context of the config file */
	NC_VAL_TOKEN,	  /* a token id */
	NC_VAL_ENROLLKEY, /* an enrollment key id */
	NC_VAL_TENANT,	  /* a tenant id */
	NC_VAL_COMMAND,	  /* a command word (help's NOUN) */
	NC_VAL_VERB,	  /* a verb of the preceding NOUN */
	NC_VAL_FILE,	  /* a file name */
	NC_VAL_EVTYPE,	  /* event types and their aliases, comma-separated */
};

#define NC_KIND_COUNT (NC_VAL_EVTYPE + 1)

struct cli_valspec {
	enum cli_valkind kind;
	char choices[256];    /* words offered besides kind's, space-separated ("none") */
	char placeholder[32]; /* as the usage writes it: "SERIAL", "dedicated|mtge" */
	bool repeat;	      /* the last argument, repeatable ("SERIAL...") */
	bool open;	      /* a placeholder stands beside the choices: other values too */
};

/*
 * The i-th positional argument (from 0) of c, from its usage string: true
 * and *v, or false when c takes no argument there. A repeatable last
 * argument answers for every i past it.
 */
bool cli_cmd_arg(const struct cli_cmd *c, int i, struct cli_valspec *v);

/* The value of option name (long form) of c, or of the global options when c
 * is NULL or has no such option. False when the option takes no value. The
 * placeholder comes from the usage, the choices from the option's help row
 * when it lists allowed values (a closed set), else from the usage. */
bool cli_cmd_optval(const struct cli_cmd *c, const char *name, struct cli_valspec *v);

/* Whether val may be given where v is: any value, unless v is a closed set
 * of choices (NC_VAL_CHOICES and not open) that val is not one of. */
bool cli_valspec_allows(const struct cli_valspec *v, const char *val);
/* The position of val among v's choices (from 0), or -1. */
int cli_valspec_index(const struct cli_valspec *v, const char *val);

/* A command's words, "noun verb" or "noun", into buf[n]. */
void cli_cmd_words(const struct cli_cmd *c, char *buf, size_t n);

/*
 * The help row (commands.def's NC_OPT) of option name of c (NULL or
 * &cli_global_cmd: a global option): the row naming c, else the row for
 * every command; NULL when there is none. Borrowed from the table.
 */
struct cli_optinfo;
const struct cli_optinfo *cli_opt_info(const struct cli_cmd *c, const char *name);
/* oi's line of help, "help (a|b|c; default: d)", into buf[n]; "" for NULL. */
void cli_opt_describe(const struct cli_optinfo *oi, char *buf, size_t n);

/* A short lowercase name of a kind ("serial", "peering", ...), for generated files. */
const char *cli_valkind_name(enum cli_valkind k);

/* The event types `tail --type' knows, and its aliases (alias, the types it
 * stands for, comma-separated). */
struct nc_evalias {
	const char *alias, *types;
};
extern const char *const nc_event_types[];
extern const size_t nc_nevent_types;
extern const struct nc_evalias nc_event_aliases[];
extern const size_t nc_nevent_aliases;

#endif
