/* SPDX-License-Identifier: MIT */
/*
 * connector show and edge show: the describe view (describe.h) of one
 * device, read from the device, its sync state, its tunnels and its recent
 * events, and printed as lines, or as one JSON object with -o json. The
 * dashboard reads its detail pane with the same cli_describe_fetch.
 */
#include "../cmd.h"

#include <stdio.h>

#include "../../lib/client/client.h"
#include "../../lib/util/err.h"
#include "../../lib/util/timefmt.h"
#include "../describe.h"
#include "../output.h"
#include "../request.h"

/* GET path into *reply, or NULL when it cannot be read (path "" included):
 * a part of the view that the view can do without. */
static void optional(struct nc_client *c, const char *path, json_t **reply)
{
	struct nc_errinfo ei = {0};

	*reply = NULL;
	if (*path && nc_client_request(c, "GET", path, NULL, NULL, reply, &ei) < 0) {
		json_decref(*reply);
		*reply = NULL;
	}
}

int cli_describe_fetch(struct nc_client *c, const char *serial, bool connector, json_t **out,
		       struct nc_errinfo *ei)
{
	json_t *dev = NULL, *sync = NULL, *tun = NULL, *evs = NULL;
	char path[512];
	int ret = nc_client_pathf(path, sizeof(path),
				  connector ? "/v1/connectors/%s" : "/v1/edges/%s", serial);

	*out = NULL;
	if (ret < 0) {
		ret = nc_fail(ei, ret, "serial", "serial `%.64s...' is too long", serial);
		goto out;
	}
	ret = nc_client_request(c, "GET", path, NULL, NULL, &dev, ei);
	if (ret < 0)
		goto out;
	if (nc_client_pathf(path, sizeof(path), "/v1/devices/%s/sync", serial) < 0)
		path[0] = '\0';
	optional(c, path, &sync);
	if (nc_client_pathf(path, sizeof(path), "/v1/devices/%s/tunnels", serial) < 0)
		path[0] = '\0';
	optional(c, path, &tun);
	if (nc_client_pathf(path, sizeof(path), "/v1/events?limit=10&device=%s", serial) < 0)
		path[0] = '\0';
	optional(c, path, &evs);
	ret = cli_describe_view(dev, sync, tun, evs, out);
	if (ret < 0)
		ret = nc_fail(ei, NC_ERR_PARSE, NULL, "the server's reply for %s is not an object",
			      serial);
out:
	json_decref(evs);
	json_decref(tun);
	json_decref(sync);
	json_decref(dev);
	return ret;
}

static void print_line(void *arg, int part, const char *word, const char *text)
{
	struct cli_ctx *ctx = arg;
	const char *color = ctx->color && *word ? cli_out_state_color(word) : NULL;

	(void)part;
	if (color)
		cli_out_text(ctx, "%s%s\033[0m", color, text);
	else
		cli_out_text(ctx, "%s", text);
}

/* The describe view of serial, printed; errors reported. */
static int describe(struct cli_ctx *ctx, const char *serial, bool connector)
{
	struct nc_errinfo ei = {0};
	json_t *view = NULL;
	int ret;

	if (!*serial) {
		ret = cli_error(ctx, NC_ERR_USAGE, "the serial is empty: name a %s",
				connector ? "connector" : "edge");
		goto out;
	}
	if (!ctx->client) {
		ret = cli_error(ctx, NC_ERR_INTERNAL, "`%s' has no server connection",
				ctx->cmd->noun);
		goto out;
	}
	ret = cli_describe_fetch(ctx->client, serial, connector, &view, &ei);
	if (ctx->verbose)
		fprintf(ctx->err, "GET %s %s -> %s\n", connector ? "connector" : "edge", serial,
			ret < 0 ? nc_strerror(ret) : "ok");
	if (ret < 0) {
		ret = cli_report(ctx, ret, &ei);
		goto out;
	}
	if (ctx->output == NC_OUT_JSON || ctx->quiet)
		cli_out_object(ctx, view, NULL, 0, "serial");
	else
		cli_describe_lines(view, nc_time_now(), print_line, ctx);
out:
	json_decref(view);
	return ret;
}

int cmd_connector_show(struct cli_ctx *ctx, const struct cli_args *a)
{
	return describe(ctx, a->pos[0], true);
}

int cmd_edge_show(struct cli_ctx *ctx, const struct cli_args *a)
{
	return describe(ctx, a->pos[0], false);
}
