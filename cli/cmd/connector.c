/* SPDX-License-Identifier: MIT */
/*
 * connector list|create|set|approve|decommission|delete|stats: parse the
 * arguments, call the API, print (show is the describe view, cmd/describe.c).
 * The server judges every value.
 */
#include "../cmd.h"

#include <stdlib.h>
#include <string.h>

#include "../../lib/util/err.h"
#include "../../lib/util/xmalloc.h"
#include "../output.h"
#include "../request.h"
#include "../bulk.h"
#include "common.h"
#include "views.h"

int cmd_connector_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_list_paged(ctx, a, "/v1/connectors", "status,region,hub,name,limit,cursor",
			      CLI_VIEW(connector_list), "serial", "connectors");
}

/* Runs method on /v1/connectors/SERIAL[suffix] with body; *reply owned by the caller. */
static int one(struct cli_ctx *ctx, const char *method, const char *serial, const char *suffix,
	       const json_t *body, json_t **reply)
{
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/connectors/%s%s", serial, suffix);

	*reply = NULL;
	if (ret == 0)
		ret = cli_call(ctx, method, path, body, reply);
	return ret;
}

/* Splits s (changed) at blanks into w[max]; returns how many words, or max + 1
 * when there are more. */
static int split(char *s, char **w, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

/* "ACTION PROTO SRC DST [PORT]" as a rule object, or NULL when it has not that shape. */
static json_t *parse_acl(const char *s)
{
	char *copy = nc_xstrdup(s), *w[5];
	json_t *rule = NULL;
	int n = split(copy, w, 5);

	if (n < 4 || n > 5)
		goto out;
	rule = json_pack("{s:s,s:s,s:s,s:s}", "action", w[0], "proto", w[1], "src", w[2], "dst",
			 w[3]);
	if (n == 5) {
		char *end;
		long port = strtol(w[4], &end, 10);

		/* A number; its range is the server's to judge. */
		if (*end || end == w[4] || port < 0) {
			json_decref(rule);
			rule = NULL;
			goto out;
		}
		json_object_set_new(rule, "dport", json_integer(port));
	}
out:
	free(copy);
	return rule;
}

/* "DST via GATEWAY" (or "DST GATEWAY") as a route object, or NULL. */
static json_t *parse_route(const char *s)
{
	char *copy = nc_xstrdup(s), *w[3];
	json_t *route = NULL;
	int n = split(copy, w, 3);

	if (n == 3 && strcmp(w[1], "via") == 0)
		route = json_pack("{s:s,s:s}", "dst", w[0], "via", w[2]);
	else if (n == 2)
		route = json_pack("{s:s,s:s}", "dst", w[0], "via", w[1]);
	free(copy);
	return route;
}

/* A list option of rules (--acl, --route) into body[key]; "none" alone gives []. */
static int rules(struct cli_ctx *ctx, const struct cli_args *a, const char *opt, const char *key,
		 json_t *(*parse)(const char *), const char *shape, const char *example,
		 json_t *body)
{
	const char *vals[NC_MAX_OPTS];
	int n = cli_args_getall(a, opt, vals, NC_MAX_OPTS);
	json_t *arr;

	if (n == 0)
		return 0;
	arr = json_array();
	json_object_set_new(body, key, arr);
	if (n == 1 && strcmp(vals[0], "none") == 0)
		return 0;
	for (int i = 0; i < n && i < NC_MAX_OPTS; i++) {
		json_t *one_rule = parse(vals[i]);

		if (!one_rule)
			return cli_error(ctx, NC_ERR_USAGE, "--%s `%s' is not \"%s\" (e.g. \"%s\")",
					 opt, vals[i], shape, example);
		json_array_append_new(arr, one_rule);
	}
	return 0;
}

/* The members a connector's options give, into body; NC_ERR_USAGE reported. */
static int conn_members(struct cli_ctx *ctx, const struct cli_args *a, json_t *body)
{
	const char *wan = cli_args_get(a, "nat-wan");
	int ret;

	cli_args_put_each(a, "serial,name,region", body);
	cli_args_put_or_none(a, "hub", body, "hub_edge");
	cli_args_put_or_none(a, "endpoint", body, "endpoint");
	cli_args_put_list(a, "lan", body, "lan_subnets");
	if (wan && (strcmp(wan, "none") == 0 || strcmp(wan, "off") == 0))
		json_object_set_new(body, "nat", json_pack("{s:b}", "enabled", 0));
	else if (wan)
		json_object_set_new(body, "nat",
				    json_pack("{s:b,s:s}", "enabled", 1, "wan_interface", wan));
	ret = rules(ctx, a, "acl", "acl", parse_acl, "ACTION PROTO SRC DST [PORT]",
		    "drop tcp 0.0.0.0/0 192.168.10.5/32 22", body);
	if (ret == 0)
		ret = rules(ctx, a, "route", "routes", parse_route, "DST via GATEWAY",
			    "10.99.0.0/16 via 192.168.10.1", body);
	return ret;
}

int cmd_connector_body(struct cli_ctx *ctx, const struct cli_args *a, json_t **body)
{
	int ret;

	*body = json_object();
	ret = conn_members(ctx, a, *body);
	if (ret < 0) {
		json_decref(*body);
		*body = NULL;
	}
	return ret;
}

/* What `connector create' says of the connector created. */
static const char *const created_keys[] = {"serial", "status", NULL};

void cmd_connector_created(struct cli_ctx *ctx, const json_t *reply)
{
	cmd_created(ctx, reply, "connector", created_keys);
}

int cmd_connector_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body;
	int ret = cmd_connector_body(ctx, a, &body);

	if (ret < 0)
		return ret;
	return cmd_create(ctx, "/v1/connectors", body, "connector", created_keys);
}

int cmd_connector_set(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body;
	int ret = cmd_connector_body(ctx, a, &body);

	if (ret < 0)
		return ret;
	return cmd_change(
		ctx, "connectors", a->pos[0], body, "connector",
		"--name, --region, --hub, --endpoint, --lan, --nat-wan, --acl or --route");
}

void cmd_connector_moved(struct cli_ctx *ctx, const json_t *reply)
{
	cli_out_done(ctx, reply, NULL, "connector %s is now %s",
		     json_string_value(json_object_get(reply, "serial")),
		     json_string_value(json_object_get(reply, "status")));
}

int cmd_connector_serial(struct cli_ctx *ctx, const struct cli_args *a, json_t **item)
{
	*item = json_string(a->pos[0]);
	return *item ? 0 : cli_error(ctx, NC_ERR_USAGE, "serial `%s' is not UTF-8", a->pos[0]);
}

/* approve and decommission: a lifecycle move, reported with the new status. */
static int move(struct cli_ctx *ctx, const struct cli_args *a, const char *what)
{
	char suffix[32];
	json_t *reply = NULL;
	int ret;

	snprintf(suffix, sizeof(suffix), "/%s", what);
	ret = one(ctx, "POST", a->pos[0], suffix, NULL, &reply);
	if (ret == 0)
		cmd_connector_moved(ctx, reply);
	json_decref(reply);
	return ret;
}

int cmd_connector_approve(struct cli_ctx *ctx, const struct cli_args *a)
{
	return move(ctx, a, "approve");
}

int cmd_connector_decommission(struct cli_ctx *ctx, const struct cli_args *a)
{
	return move(ctx, a, "decommission");
}

int cmd_connector_delete(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_delete(ctx, "connectors", a->pos[0], "deleted connector");
}

int cmd_connector_stats(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *reply = NULL, *rows = NULL;
	int ret = cli_call(ctx, "GET", "/v1/stats", NULL, &reply);

	if (ret < 0)
		goto out;
	if (ctx->output == NC_OUT_JSON || ctx->quiet) {
		cli_out_object(ctx, reply, NULL, 0,
			       "connectors.total connectors.online connectors.offline "
			       "connectors.pending");
		goto out;
	}
	rows = json_pack("[O]", reply);
	cli_out_table(ctx, rows, CLI_VIEW(connector_stats));
	cli_out_heading(ctx, "Sync");
	cli_out_table(ctx, rows, CLI_VIEW(connector_stats_sync));
out:
	json_decref(rows);
	json_decref(reply);
	return ret;
}
