/* SPDX-License-Identifier: MIT */
/*
 * context list|show|use|set|delete: the named contexts of the config file
 * (config.h). Local commands: they never call the server.
 */
#include "../cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/util/err.h"
#include "../config.h"
#include "../output.h"
#include "views.h"

/* Loads the config file into *cfg and its path into path[n]; reported. */
static int load(struct cli_ctx *ctx, struct cli_config *cfg, char *path, size_t n)
{
	struct nc_errinfo ei = {0};
	int ret;

	cli_config_path(path, n);
	ret = cli_config_load(path, cfg, &ei);
	if (ret < 0)
		return cli_error(ctx, ret, "%s; fix or remove the file", ei.msg);
	return 0;
}

static int save(struct cli_ctx *ctx, const struct cli_config *cfg, const char *path)
{
	struct nc_errinfo ei = {0};
	int ret = cli_config_save(path, cfg, &ei);

	if (ret < 0)
		return cli_error(ctx, ret, "%s", ei.msg);
	return 0;
}

/* NULL for "", so that JSON shows null. */
static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

int cmd_context_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	struct cli_config cfg = {0};
	json_t *items = json_array(), *list = NULL;
	char path[4096];
	int ret = load(ctx, &cfg, path, sizeof(path));

	if (ret < 0)
		goto out;
	for (size_t i = 0; i < cfg.n; i++) {
		const struct cli_context *c = &cfg.ctxs[i];

		json_array_append_new(items, json_pack("{s:s,s:o,s:o,s:o,s:b}", "name", c->name,
						       "server", str_or_null(c->server), "tenant",
						       str_or_null(c->tenant), "token_file",
						       str_or_null(c->token_file), "current",
						       strcmp(c->name, cfg.current) == 0));
	}
	list = json_pack("{s:O,s:n}", "items", items, "next_cursor");
	ret = cli_out_list(ctx, list, CLI_VIEW(context_list), "name");
	if (cfg.n == 0)
		cli_out_note(ctx,
			     "no contexts in %s: add one with `%s context set NAME --server URL'",
			     path, ctx->progname);
out:
	json_decref(list);
	json_decref(items);
	cli_config_free(&cfg);
	return ret;
}

int cmd_context_show(struct cli_ctx *ctx, const struct cli_args *a)
{
	struct cli_config cfg = {0};
	struct cli_settings s;
	struct nc_errinfo ei = {0};
	json_t *o = NULL;
	char path[4096];
	int ret = cli_settings_resolve(ctx, &cfg, &s, &ei);

	if (ret < 0) {
		ret = cli_error(ctx, ret, "%s", ei.msg);
		goto out;
	}
	cli_config_path(path, sizeof(path));
	/* The token itself is never shown: only where it comes from. */
	o = json_pack("{s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:s}", "config", path, "context",
		      str_or_null(s.context), "server", str_or_null(s.server), "server_source",
		      cli_source_name(s.server_src), "token_file", str_or_null(s.token_file),
		      "token_source", cli_source_name(s.token_src), "tenant", str_or_null(s.tenant),
		      "tenant_source", cli_source_name(s.tenant_src));
	cli_out_object(ctx, o, CLI_VIEW(context_show), "context");
out:
	json_decref(o);
	cli_config_free(&cfg);
	return ret;
}

/*
 * The context name of cfg (loaded from path) into *c, or NC_ERR_NOTFOUND
 * reported: with how to add it when add is set (the name may be meant as a
 * new one).
 */
static int find(struct cli_ctx *ctx, struct cli_config *cfg, const char *path, const char *name,
		bool add, struct cli_context **c)
{
	*c = cli_config_find(cfg, name);
	if (*c)
		return 0;
	if (add)
		return cli_error(ctx, NC_ERR_NOTFOUND,
				 "no context `%s' in %s; see `%s context list', or add it with `%s "
				 "context set %s --server URL'",
				 name, path, ctx->progname, ctx->progname, name);
	return cli_error(ctx, NC_ERR_NOTFOUND, "no context `%s' in %s; see `%s context list'", name,
			 path, ctx->progname);
}

/*
 * Loads the config file, finds the context name (see find), changes it,
 * saves the file and says "DONE NAME" ("switched to context dev"); each
 * failure reported.
 */
static int edit(struct cli_ctx *ctx, const char *name, bool add,
		void (*change)(struct cli_config *cfg, struct cli_context *c), const char *done)
{
	struct cli_config cfg = {0};
	struct cli_context *c;
	char path[4096];
	int ret = load(ctx, &cfg, path, sizeof(path));

	if (ret == 0)
		ret = find(ctx, &cfg, path, name, add, &c);
	if (ret < 0)
		goto out;
	change(&cfg, c);
	ret = save(ctx, &cfg, path);
	if (ret == 0)
		cli_out_done(ctx, NULL, NULL, "%s %s", done, name);
out:
	cli_config_free(&cfg);
	return ret;
}

static void make_current(struct cli_config *cfg, struct cli_context *c)
{
	snprintf(cfg->current, sizeof(cfg->current), "%s", c->name);
}

int cmd_context_use(struct cli_ctx *ctx, const struct cli_args *a)
{
	return edit(ctx, a->pos[0], true, make_current, "switched to context");
}

/* Copies a setting given on the command line into dst[n]; "" clears it. */
static int put(struct cli_ctx *ctx, const char *opt, const char *v, char *dst, size_t n)
{
	if (!v)
		return 0;
	if (strlen(v) >= n)
		return cli_error(ctx, NC_ERR_USAGE, "--%s is longer than %zu bytes", opt, n - 1);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int cmd_context_set(struct cli_ctx *ctx, const struct cli_args *a)
{
	struct cli_config cfg = {0};
	struct cli_context *c;
	const char *name = a->pos[0];
	char path[4096], tf[PATH_MAX] = "";
	bool added;
	int ret;

	if (!cli_config_name_ok(name))
		return cli_error(
			ctx, NC_ERR_USAGE,
			"context name `%s' is not 1 to 63 letters, digits, '.', '_' or '-'", name);
	if (ctx->token)
		return cli_error(ctx, NC_ERR_USAGE,
				 "a context keeps a token file, not a token: write the token to a "
				 "file of mode 0600 and pass --token-file FILE");
	if (ctx->server && *ctx->server && strncmp(ctx->server, "http://", 7) != 0 &&
	    strncmp(ctx->server, "https://", 8) != 0)
		return cli_error(ctx, NC_ERR_USAGE,
				 "--server `%s' is not an http:// or https:// URL", ctx->server);
	/* Kept absolute, so that the context works from any directory. */
	if (ctx->token_file && *ctx->token_file && !realpath(ctx->token_file, tf))
		return cli_error(ctx, NC_ERR_IO, "token file %s: %s; see --token-file",
				 ctx->token_file, strerror(errno));
	ret = load(ctx, &cfg, path, sizeof(path));
	if (ret < 0)
		goto out;
	added = !cli_config_find(&cfg, name);
	if (added && !(ctx->server && *ctx->server)) {
		ret = cli_error(ctx, NC_ERR_USAGE, "a new context needs --server URL");
		goto out;
	}
	c = cli_config_add(&cfg, name);
	ret = put(ctx, "server", ctx->server, c->server, sizeof(c->server));
	if (ret == 0)
		ret = put(ctx, "token-file", ctx->token_file ? tf : NULL, c->token_file,
			  sizeof(c->token_file));
	if (ret == 0)
		ret = put(ctx, "tenant", ctx->tenant, c->tenant, sizeof(c->tenant));
	if (ret < 0)
		goto out;
	if (!cfg.current[0])
		snprintf(cfg.current, sizeof(cfg.current), "%s", name);
	ret = save(ctx, &cfg, path);
	if (ret == 0)
		cli_out_done(ctx, NULL, NULL, "%s context %s%s", added ? "added" : "changed", name,
			     strcmp(cfg.current, name) == 0 ? " (current)" : "");
out:
	cli_config_free(&cfg);
	return ret;
}

/* Removes c from cfg; the current context no more when it was c. */
static void remove_one(struct cli_config *cfg, struct cli_context *c)
{
	if (strcmp(cfg->current, c->name) == 0)
		cfg->current[0] = '\0';
	memmove(c, c + 1, (size_t)(cfg->ctxs + cfg->n - (c + 1)) * sizeof(*c));
	cfg->n--;
}

int cmd_context_delete(struct cli_ctx *ctx, const struct cli_args *a)
{
	return edit(ctx, a->pos[0], false, remove_one, "deleted context");
}
