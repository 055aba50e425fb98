/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CONFIG_H
#define NC_CLI_CONFIG_H

/*
 * The CLI's config file and where each setting comes from.
 *
 * The file, ${XDG_CONFIG_HOME:-~/.config}/netctl/config, is a list of
 * named contexts (format in docs/cli-json.md, "The config file"):
 *
 *	# comments start with '#' or ';'
 *	current-context = lab
 *
 *	[context lab]
 *	server = http://127.0.0.1:8080
 *	token-file = /home/me/.config/netctl/lab.token
 *	tenant = acme
 *
 * Settings are taken from, in order: the command line, the environment
 * (NETCTL_SERVER, NETCTL_TOKEN, NETCTL_TENANT), the current context, and
 * the defaults (server http://127.0.0.1:8080, no token, no tenant).
 */

#include <stdbool.h>
#include <stddef.h>

struct cli_ctx;
struct nc_errinfo;

#define NC_DEFAULT_SERVER   "http://127.0.0.1:8080"
#define NC_CONTEXT_NAME_MAX 64
#define NC_CONFIG_VALUE_MAX 1024

struct cli_context {
	char name[NC_CONTEXT_NAME_MAX];
	char server[NC_CONFIG_VALUE_MAX]; /* "" when unset */
	char token_file[NC_CONFIG_VALUE_MAX];
	char tenant[NC_CONFIG_VALUE_MAX];
};

struct cli_config {
	char current[NC_CONTEXT_NAME_MAX]; /* "" when none */
	struct cli_context *ctxs;	   /* owned, n of them, in file order */
	size_t n;
};

/*
 * Parses the config file's bytes data[0..len) (no I/O) into *cfg, which
 * the caller zeroes first and frees with cli_config_free, also after a
 * failure. Errors: NC_ERR_PARSE with ei->msg naming the line ("line 3:
 * unknown key `sever' in [context lab]; the keys are server, token-file
 * and tenant"). A current-context naming no context is not an error here.
 */
int cli_config_parse(const char *data, size_t len, struct cli_config *cfg, struct nc_errinfo *ei);

/* The file's text for cfg, a new string (comments of a parsed file are not kept). */
char *cli_config_format(const struct cli_config *cfg);

void cli_config_free(struct cli_config *cfg);

/* The context called name, borrowed from cfg, or NULL. */
struct cli_context *cli_config_find(struct cli_config *cfg, const char *name);

/* The context called name, added (empty) when absent; borrowed from cfg. */
struct cli_context *cli_config_add(struct cli_config *cfg, const char *name);

/* Whether name is a valid context name: [A-Za-z0-9._-], 1 to 63 bytes. */
bool cli_config_name_ok(const char *name);

/* The config file's path into buf[n], from XDG_CONFIG_HOME or HOME. */
void cli_config_path(char *buf, size_t n);

/*
 * Reads and parses the file at path; a missing file gives an empty config.
 * NC_ERR_IO or NC_ERR_PARSE (ei->msg starts with the path).
 */
int cli_config_load(const char *path, struct cli_config *cfg, struct nc_errinfo *ei);

/* Writes cfg to path atomically with mode 0600, creating its directory (0700). NC_ERR_IO. */
int cli_config_save(const char *path, const struct cli_config *cfg, struct nc_errinfo *ei);

/* Where a setting came from. */
enum cli_source { NC_SRC_NONE, NC_SRC_FLAG, NC_SRC_ENV, NC_SRC_CONTEXT, NC_SRC_DEFAULT };

/* "command line", "environment", "context", "default" or "unset". */
const char *cli_source_name(enum cli_source s);

/* The candidate values of each level; NULL or "" when a level gives none. */
struct cli_sources {
	const char *flag_server, *flag_token, *flag_token_file, *flag_tenant;
	const char *env_server, *env_token, *env_tenant;
	const struct cli_context *context; /* the current context, or NULL */
};

/*
 * The settings in effect. Strings are borrowed from the sources. Exactly
 * one of token and token_file is set when token_src is not NC_SRC_NONE.
 */
struct cli_settings {
	const char *server, *token, *token_file, *tenant;
	enum cli_source server_src, token_src, tenant_src;
	const char *context; /* name of the context consulted, or NULL */
};

/* Picks each setting by precedence (no I/O). */
void cli_settings_pick(const struct cli_sources *in, struct cli_settings *out);

/*
 * Loads the config file (cli_config_path) into *cfg (zeroed by the caller,
 * freed with cli_config_free; the settings borrow from it) and picks the
 * settings from ctx's command-line values, the environment and the current
 * context. A relative or ~/ token-file of a context is made absolute (from
 * the config file's directory, or HOME). NC_ERR_IO, NC_ERR_PARSE, or
 * NC_ERR_INVAL when current-context names no context in the file.
 */
int cli_settings_resolve(const struct cli_ctx *ctx, struct cli_config *cfg, struct cli_settings *s,
			 struct nc_errinfo *ei);

/*
 * Reads a token file into buf[n] with surrounding whitespace trimmed.
 * *loose is set when group or others may read it. NC_ERR_IO (unreadable),
 * NC_ERR_INVAL (empty or too long), ei naming the file and the way out.
 */
int cli_token_file_read(const char *path, char *buf, size_t n, bool *loose, struct nc_errinfo *ei);

#endif
