/* SPDX-License-Identifier: MIT */
/*
 * peering list|show|create|set|delete: parse the arguments, call the API,
 * print (members: member.c, links: link.c). Which links exist and which
 * members are isolated is the server's answer.
 */
#include "../cmd.h"

#include "../../lib/client/client.h"
#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"
#include "common.h"
#include "link.h"
#include "views.h"

/*
 * The list of groups has no members: for the Members column each group is
 * read (in its own tenant when the client acts in none). A group that
 * cannot be read shows "?".
 */
static void add_members(struct cli_ctx *ctx, json_t *list)
{
	json_t *items = json_object_get(list, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		struct nc_errinfo ei = {0};
		json_t *g = NULL;
		char path[512];
		int ret;

		ret = nc_client_pathf(path, sizeof(path), "/v1/peerings/%s",
				      json_string_value(json_object_get(it, "name")));
		if (ret == 0 && !ctx->client->tenant)
			ret = nc_client_query(path, sizeof(path), "tenant",
					      json_string_value(json_object_get(it, "tenant")));
		if (ret == 0)
			ret = nc_client_request(ctx->client, "GET", path, NULL, NULL, &g, &ei);
		if (ret == 0 && json_is_array(json_object_get(g, "members")))
			json_object_set(it, "members", json_object_get(g, "members"));
		json_decref(g);
	}
}

int cmd_peering_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *list = NULL;
	int ret = cli_call_list(ctx, "/v1/peerings", false, &list);

	if (ret < 0)
		goto out;
	if (ctx->output != NC_OUT_JSON && !ctx->quiet)
		add_members(ctx, list);
	ret = cli_out_list(ctx, list, CLI_VIEW(peering_list), "name");
out:
	json_decref(list);
	return ret;
}

int cmd_peering_show(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *g = NULL, *links, *iso;
	char path[256];
	size_t i;
	int ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s", a->pos[0]);

	if (ret == 0)
		ret = cli_call(ctx, "GET", path, NULL, &g);
	if (ret < 0)
		goto out;
	cli_out_object(ctx, g, CLI_VIEW(peering_show), "name");
	links = json_object_get(g, "links");
	cli_out_heading(ctx, "Links");
	if (json_array_size(links) > 0)
		cli_out_table(ctx, links, CLI_VIEW(link_list));
	else
		cli_out_text(ctx, "(none)");
	json_array_foreach(json_object_get(g, "isolated"), i, iso) {
		char text[256];

		cli_out_isolated_text(text, sizeof(text), json_string_value(iso));
		cli_out_warn(ctx, "%s", text);
	}
	cli_link_warn(ctx, links);
out:
	json_decref(g);
	return ret;
}

/* The members a group's options give, into body. */
static void peering_body(const struct cli_args *a, json_t *body)
{
	cli_args_put_each(a, "topology,protocol", body);
	if (cli_args_has(a, "dual-tunnel"))
		json_object_set_new(body, "dual_tunnel", json_true());
	if (cli_args_has(a, "no-dual-tunnel"))
		json_object_set_new(body, "dual_tunnel", json_false());
	cli_args_put_or_none(a, "hub", body, "hub");
}

int cmd_peering_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	static const char *const shown[] = {"name", "topology", "protocol", NULL};
	json_t *body = json_pack("{s:s}", "name", a->pos[0]);

	peering_body(a, body);
	return cmd_create(ctx, "/v1/peerings", body, "peering", shown);
}

int cmd_peering_set(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body;

	if (cli_args_has(a, "dual-tunnel") && cli_args_has(a, "no-dual-tunnel"))
		return cli_error(ctx, NC_ERR_USAGE,
				 "give --dual-tunnel or --no-dual-tunnel, not both");
	body = json_object();
	peering_body(a, body);
	return cmd_change(ctx, "peerings", a->pos[0], body, "peering",
			  "--topology, --protocol, --dual-tunnel, --no-dual-tunnel or --hub");
}

int cmd_peering_delete(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_delete(ctx, "peerings", a->pos[0], "deleted peering");
}
