/* SPDX-License-Identifier: MIT */
/* edge list|create|set|delete: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"

#define NCOLS(c) (sizeof(c) / sizeof((c)[0]))

static const struct cli_col edge_cols[] = {
	{"Name", "name", 0, NULL},
	{"Serial", "serial", 0, NULL},
	{"Kind", "kind", 0, NULL},
	{"Region", "region", 0, NULL},
	{"Endpoint", "endpoint", 0, NULL},
	{"Last Seen", "last_seen", NC_COL_TIME, NULL},
	{"LAN", "lan_subnets", NC_COL_WIDE, NULL},
	{"Public Key", "public_key", NC_COL_WIDE | NC_COL_SHORT, NULL},
};

int cmd_edge_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *list = NULL;
	const char *next;
	char path[1024];
	int ret =
		cli_args_query(ctx, a, "/v1/edges", "kind,region,limit,cursor", path, sizeof(path));

	if (ret == 0)
		ret = cli_call_list(ctx, path, cli_args_has(a, "all"), &list);
	if (ret < 0)
		goto out;
	cli_out_list(ctx, list, edge_cols, NCOLS(edge_cols), "serial");
	next = json_string_value(json_object_get(list, "next_cursor"));
	if (next)
		cli_out_note(ctx, "more edges follow: pass --all, or --cursor %s", next);
out:
	json_decref(list);
	return ret;
}

/* The members an edge's options give, into body. */
static void edge_body(const struct cli_args *a, json_t *body)
{
	json_t *lan = cli_args_list(a, "lan");

	cli_args_put(a, "serial", body, "serial");
	cli_args_put(a, "name", body, "name");
	cli_args_put(a, "kind", body, "kind");
	cli_args_put(a, "region", body, "region");
	cli_args_put(a, "endpoint", body, "endpoint");
	if (lan)
		json_object_set_new(body, "lan_subnets", lan);
}

int cmd_edge_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_object(), *reply = NULL;
	int ret;

	edge_body(a, body);
	ret = cli_call(ctx, "POST", "/v1/edges", body, &reply);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "created edge %s (%s)",
			     json_string_value(json_object_get(reply, "serial")),
			     json_string_value(json_object_get(reply, "kind")));
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_edge_set(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_object(), *reply = NULL;
	char path[256];
	int ret;

	edge_body(a, body);
	if (json_object_size(body) == 0) {
		ret = cli_error(
			ctx, NC_ERR_USAGE,
			"nothing to change: give --name, --kind, --region, --endpoint or --lan");
		goto out;
	}
	ret = cli_path(ctx, path, sizeof(path), "/v1/edges/%s", a->pos[0]);
	if (ret == 0)
		ret = cli_call(ctx, "PATCH", path, body, &reply);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "changed edge %s", a->pos[0]);
out:
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_edge_delete(struct cli_ctx *ctx, const struct cli_args *a)
{
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/edges/%s", a->pos[0]);

	return ret < 0 ? ret : cli_delete(ctx, path, "deleted edge", a->pos[0]);
}
