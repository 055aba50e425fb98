/* SPDX-License-Identifier: MIT */
/*
 * Commands' calls to the server: the client made from the settings in
 * effect, requests and lists, and failures reported with the way out.
 */
#include "request.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/client/client.h"
#include "../lib/client/sse.h"
#include "../lib/util/duration.h"
#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "cmd.h"
#include "cmdinfo.h"
#include "config.h"
#include "interrupt.h"
#include "output.h"

int cli_path(struct cli_ctx *ctx, char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nc_client_vpathf(buf, n, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return cli_error(ctx, NC_ERR_USAGE, "an argument is too long for a request path");
	return 0;
}

/*
 * The option of the running command that sets an API field ("lan_subnets[1]"
 * is --lan), into buf[n]; "" when the command has none.
 */
static void field_option(const struct cli_cmd *cmd, const char *field, char *buf, size_t n)
{
	static const struct {
		const char *field, *opt;
	} map[] = {
		{"lan_subnets", "lan"}, {"hub_edge", "hub"},	   {"routes", "route"},
		{"nat", "nat-wan"},	{"expires_in", "expires"}, {"dual_tunnel", "dual-tunnel"},
	};
	char base[32];
	struct cli_opt o;

	snprintf(base, sizeof(base), "%.*s", (int)strcspn(field, "[."), field);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(base, map[i].field) == 0)
			snprintf(base, sizeof(base), "%s", map[i].opt);
	}
	for (char *p = base; *p; p++)
		*p = *p == '_' ? '-' : *p;
	buf[0] = '\0';
	if (base[0] && cmd && cli_opt_find(cmd->options, base, 0, &o))
		snprintf(buf, n, " (see --%s)", base);
}

/* NETCTL_TIMEOUT, when set: how long one request may take (a duration,
 * "0s" for no limit) instead of NC_CLIENT_TIMEOUT_MS. */
static int request_timeout(struct cli_ctx *ctx, struct nc_client *c)
{
	const char *v = getenv("NETCTL_TIMEOUT");
	struct nc_errinfo ei = {0};
	int64_t ms = 0;

	if (!v || !*v)
		return 0;
	if (nc_duration_parse(v, &ms, &ei) < 0 || ms > 24 * 3600 * 1000LL)
		return cli_error(
			ctx, NC_ERR_USAGE,
			"NETCTL_TIMEOUT `%s' is not a duration up to 24h (e.g. 30s, 2m, 0s "
			"for no limit)",
			v);
	c->timeout_ms = (long)ms;
	return 0;
}

/* Reports a failed request with the way out where the server's message is about the API. */
static int call_failed(struct cli_ctx *ctx, int ret, const struct nc_errinfo *ei)
{
	const char *hint = "";
	char opt[64] = "";

	if (strcmp(ei->field, "tenant") == 0 && ret == NC_ERR_INVAL)
		hint = "; with netctl, pass --tenant ID or set NETCTL_TENANT";
	else if (strcmp(ei->field, "tenant") == 0 && ret == NC_ERR_NOTFOUND)
		hint = "; see `netctl tenant list'";
	else if (ret == NC_ERR_INVAL)
		field_option(ctx->cmd, ei->field, opt, sizeof(opt));
	else if (ret == NC_ERR_NOTFOUND && strcmp(ei->field, "serial") == 0 && ctx->cmd &&
		 (strcmp(ctx->cmd->noun, "edge") == 0 || strcmp(ctx->cmd->noun, "connector") == 0))
		hint = strcmp(ctx->cmd->noun, "edge") == 0 ? "; see `netctl edge list'"
							   : "; see `netctl connector list'";
	else if (ret == NC_ERR_NOTFOUND && strcmp(ei->field, "serial") == 0)
		hint = "; see `netctl edge list' and `netctl connector list'";
	else if (ret == NC_ERR_NOTFOUND && !ei->field[0] && ctx->cmd &&
		 strstr("peering member link", ctx->cmd->noun))
		hint = "; see `netctl peering list'";
	return cli_error(ctx, ret, "%s%s%s", ei->msg[0] ? ei->msg : nc_strerror(ret), opt, hint);
}

int cli_request(struct cli_ctx *ctx, const char *method, const char *path, const json_t *body,
		json_t **reply, struct nc_errinfo *ei)
{
	char *dry = NULL;
	long status = 0;
	int ret;

	*reply = NULL;
	if (!ctx->client)
		return nc_fail(ei, NC_ERR_INTERNAL, NULL, "`%s' has no server connection",
			       ctx->cmd->noun);
	/* A dry run asks the server to try each write and commit nothing. */
	if ((ctx->dry_run || ctx->dry_all) && strcmp(method, "GET") != 0) {
		dry = nc_xasprintf("%s%cdry_run=1", path, strchr(path, '?') ? '&' : '?');
		path = dry;
	}
	ret = nc_client_request(ctx->client, method, path, body, &status, reply, ei);
	if (ctx->verbose)
		fprintf(ctx->err, "%s %s%s%s%s -> %ld\n", method, ctx->client->server, path,
			ctx->client->tenant ? " tenant=" : "",
			ctx->client->tenant ? ctx->client->tenant : "", status);
	if (ret < 0) {
		json_decref(*reply);
		*reply = NULL;
	}
	free(dry);
	return ret;
}

int cli_stream_end(struct cli_ctx *ctx, struct nc_sse *s, int ret, const struct nc_errinfo *ei)
{
	cli_interrupt_release();
	nc_sse_free(s);
	if (ret < 0)
		return call_failed(ctx, ret, ei);
	if (ctx->tty)
		cli_out_line(ctx, "");
	return 0;
}

int cli_report(struct cli_ctx *ctx, int err, const struct nc_errinfo *ei)
{
	return call_failed(ctx, err, ei);
}

int cli_call(struct cli_ctx *ctx, const char *method, const char *path, const json_t *body,
	     json_t **reply)
{
	struct nc_errinfo ei = {0};
	int ret = cli_request(ctx, method, path, body, reply, &ei);

	return ret < 0 ? call_failed(ctx, ret, &ei) : 0;
}

/* The end of a list request: the -v line, and a failure reported as cli_call. */
static int list_done(struct cli_ctx *ctx, const char *path, int ret, const struct nc_errinfo *ei)
{
	if (ctx->verbose)
		fprintf(ctx->err, "GET %s%s -> %s\n", ctx->client->server, path,
			ret < 0 ? nc_strerror(ret) : "ok");
	return ret < 0 ? call_failed(ctx, ret, ei) : 0;
}

static int no_client(struct cli_ctx *ctx)
{
	return cli_error(ctx, NC_ERR_INTERNAL, "`%s' has no server connection", ctx->cmd->noun);
}

int cli_call_list(struct cli_ctx *ctx, const char *path, bool all, json_t **list)
{
	struct nc_errinfo ei = {0};

	*list = NULL;
	if (!ctx->client)
		return no_client(ctx);
	return list_done(ctx, path, nc_client_list(ctx->client, path, all, 0, list, &ei), &ei);
}

int cli_call_pages(struct cli_ctx *ctx, const char *path, bool all, nc_client_page_fn *fn,
		   void *arg, char **next_cursor)
{
	struct nc_errinfo ei = {0};

	*next_cursor = NULL;
	if (!ctx->client)
		return no_client(ctx);
	return list_done(ctx, path,
			 nc_client_pages(ctx->client, path, all, 0, fn, arg, next_cursor, &ei),
			 &ei);
}

int cli_connect(struct cli_ctx *ctx)
{
	struct cli_config cfg = {0};
	struct cli_settings s;
	struct nc_errinfo ei = {0};
	char token[4096];
	const char *tok;
	bool loose = false;
	int ret;

	ret = cli_settings_resolve(ctx, &cfg, &s, &ei);
	if (ret < 0) {
		cli_error(ctx, ret, "%s", ei.msg);
		goto out;
	}
	tok = s.token;
	if (s.token_file) {
		ret = cli_token_file_read(s.token_file, token, sizeof(token), &loose, &ei);
		if (ret < 0) {
			cli_error(ctx, ret, "%s", ei.msg);
			goto out;
		}
		if (loose)
			cli_out_warn(ctx,
				     "token file %s is readable by group or others: chmod 600 %s",
				     s.token_file, s.token_file);
		tok = token;
	}
	ret = nc_client_new(s.server, tok, s.tenant, &ctx->client, &ei);
	if (ret < 0)
		ret = cli_error(ctx, NC_ERR_USAGE, "%s (from the %s)", ei.msg,
				cli_source_name(s.server_src));
	else
		ret = request_timeout(ctx, ctx->client);
out:
	explicit_bzero(token, sizeof(token));
	cli_config_free(&cfg);
	return ret;
}

int cli_args_expires(struct cli_ctx *ctx, const struct cli_args *a, json_t *body)
{
	const char *expires = cli_args_get(a, "expires");
	struct nc_errinfo ei = {0};
	int64_t ms;
	int ret;

	if (!expires)
		return 0;
	ret = nc_duration_parse(expires, &ms, &ei);
	if (ret == 0 && ms < 1000)
		ret = nc_fail(&ei, NC_ERR_INVAL, NULL, "`%s' is shorter than a second", expires);
	if (ret < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--expires: %s (e.g. 30m, 12h, 720h)", ei.msg);
	json_object_set_new(body, "expires_in", json_integer((ms + 999) / 1000));
	return 0;
}

int cli_list(struct cli_ctx *ctx, const char *path, const struct cli_col *cols, size_t ncols,
	     const char *key)
{
	json_t *list = NULL;
	int ret = cli_call_list(ctx, path, false, &list);

	if (ret == 0)
		ret = cli_out_list(ctx, list, cols, ncols, key);
	json_decref(list);
	return ret;
}

int cli_delete(struct cli_ctx *ctx, const char *path, const char *done, const char *id)
{
	json_t *reply = NULL;
	int ret = cli_call(ctx, "DELETE", path, NULL, &reply);

	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "%s %s", done, id);
	json_decref(reply);
	return ret;
}

int cli_remove(struct cli_ctx *ctx, const char *path, const char *see, json_t **reply)
{
	struct nc_errinfo ei = {0};
	json_t *r = NULL;
	int ret = cli_request(ctx, "DELETE", path, NULL, &r, &ei);

	if (ret == NC_ERR_NOTFOUND)
		ret = cli_error(ctx, ret, "%s; see `%s %s'", ei.msg, ctx->progname, see);
	else if (ret < 0)
		ret = cli_report(ctx, ret, &ei);
	if (reply)
		*reply = r;
	else
		json_decref(r);
	return ret;
}
