/* SPDX-License-Identifier: MIT */
/*
 * connector show and edge show: the describe view (describe.h) of one
 * device, read from the device, its sync state, its tunnels and its recent
 * events, and printed as lines, or as one JSON object with -o json.
 */
#include "cmd.h"

#include <stdio.h>

#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "describe.h"
#include "output.h"

/* A part of the view that the view can do without, at path (made by
 * nc_client_pathf, or "" when it did not fit): *reply stays NULL when it
 * cannot be read, and -v says why. */
static void optional(struct nc_ctx *ctx, const char *path, json_t **reply)
{
	struct nc_errinfo ei = {0};

	*reply = NULL;
	if (*path && nc_request(ctx, "GET", path, NULL, reply, &ei) < 0 && ctx->verbose)
		fprintf(ctx->err, "%s: %s\n", path, ei.msg[0] ? ei.msg : nc_strerror(ei.code));
}

static void print_line(void *arg, int part, const char *word, const char *text)
{
	struct nc_ctx *ctx = arg;
	const char *color = ctx->color && *word ? nc_out_state_color(word) : NULL;

	(void)part;
	if (color)
		nc_out_text(ctx, "%s%s\033[0m", color, text);
	else
		nc_out_text(ctx, "%s", text);
}

/*
 * The describe view of serial: what (a connector or an edge) must exist,
 * the rest is shown as unknown when it cannot be read. Errors reported.
 */
static int describe(struct nc_ctx *ctx, const char *serial, bool connector)
{
	json_t *dev = NULL, *sync = NULL, *tun = NULL, *evs = NULL, *view = NULL;
	char path[512];
	int ret = nc_path(ctx, path, sizeof(path), connector ? "/v1/connectors/%s" : "/v1/edges/%s",
			  serial);

	if (ret == 0)
		ret = nc_call(ctx, "GET", path, NULL, &dev);
	if (ret < 0)
		goto out;
	if (nc_client_pathf(path, sizeof(path), "/v1/devices/%s/sync", serial) < 0)
		path[0] = '\0';
	optional(ctx, path, &sync);
	if (nc_client_pathf(path, sizeof(path), "/v1/devices/%s/tunnels", serial) < 0)
		path[0] = '\0';
	optional(ctx, path, &tun);
	if (nc_client_pathf(path, sizeof(path), "/v1/events?limit=10&device=%s", serial) < 0)
		path[0] = '\0';
	optional(ctx, path, &evs);
	ret = nc_describe_view(dev, sync, tun, evs, &view);
	if (ret < 0) {
		ret = nc_error(ctx, NC_ERR_PARSE, "the server's reply for %s is not an object",
			       serial);
		goto out;
	}
	if (ctx->output == NC_OUT_JSON || ctx->quiet)
		nc_out_object(ctx, view, NULL, 0, "serial");
	else
		nc_describe_lines(view, nc_time_now(), print_line, ctx);
out:
	json_decref(view);
	json_decref(evs);
	json_decref(tun);
	json_decref(sync);
	json_decref(dev);
	return ret;
}

int cmd_connector_show(struct nc_ctx *ctx, const struct nc_args *a)
{
	return describe(ctx, a->pos[0], true);
}

int cmd_edge_show(struct nc_ctx *ctx, const struct nc_args *a)
{
	return describe(ctx, a->pos[0], false);
}
