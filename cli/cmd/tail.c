/* SPDX-License-Identifier: MIT */
/*
 * tail: follows /v1/events and prints each event, decoded on one line
 * (evline.c) or as one JSON object per line with -o json. Reconnects and
 * resumes after the last event seen; Ctrl-C ends it with status 0.
 */
#include "../cmd.h"

#include <string.h>

#include "../../lib/client/client.h"
#include "../../lib/client/sse.h"
#include "../../lib/util/err.h"
#include "../cmdinfo.h"
#include "../evline.h"
#include "../interrupt.h"
#include "../output.h"
#include "../request.h"

#define STEP_MS 200 /* between checks for Ctrl-C */

struct tail {
	struct cli_ctx *ctx;
	unsigned opens;
	bool lost; /* said so already: one note until the stream is back */
};

static int on_event(void *arg, const struct nc_sse_event *ev)
{
	struct tail *t = arg;
	json_t *e = json_loadb(ev->data, ev->len, 0, NULL);
	char line[4096];

	if (!e) {
		/* Not JSON: shown as it came, never dropped in silence. */
		cli_out_line(t->ctx, ev->data);
		return 0;
	}
	if (t->ctx->output == NC_OUT_JSON) {
		cli_out_json_line(t->ctx, e);
	} else {
		cli_evline(e, t->ctx->color, line, sizeof(line));
		cli_out_line(t->ctx, line);
	}
	json_decref(e);
	return 0;
}

static void on_status(void *arg, enum nc_sse_change what, const char *msg)
{
	struct tail *t = arg;

	if (what == NC_SSE_LOST && !t->lost)
		cli_out_info(t->ctx, "event stream lost: %s", msg);
	else if (what == NC_SSE_OPENED && t->opens++ > 0)
		cli_out_info(t->ctx, "event stream back");
	else if (what == NC_SSE_OPENED)
		cli_out_info(t->ctx, "following the events of %s (Ctrl-C stops)",
			     t->ctx->client->server);
	t->lost = what == NC_SSE_LOST;
}

/* The list of every type and alias, for the usage error. */
static void known_types(char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nc_nevent_aliases; i++)
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", i ? ", " : "",
					nc_event_aliases[i].alias);
	for (size_t i = 0; i < nc_nevent_types; i++)
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, ", %s",
					nc_event_types[i]);
}

int cmd_tail(struct cli_ctx *ctx, const struct cli_args *a)
{
	const char *types = cli_args_get(a, "type"), *after = cli_args_get(a, "after");
	struct tail t = {.ctx = ctx};
	struct nc_sse_opts o = {.reconnect = true, .on_status = on_status, .status_arg = &t};
	struct nc_errinfo ei = {0};
	struct nc_sse *s = NULL;
	char path[1024] = "/v1/events", list[512], bad[64], known[1024];
	int ret = 0;

	if (types && cli_evtypes_expand(types, list, sizeof(list), bad, sizeof(bad)) < 0) {
		known_types(known, sizeof(known));
		return cli_error(ctx, NC_ERR_USAGE, "--type: unknown event type `%s'; known: %s",
				 bad, known);
	}
	if (after && (!*after || after[strspn(after, "0123456789")]))
		return cli_error(ctx, NC_ERR_USAGE, "--after `%s' is not an event id (a number)",
				 after);
	if ((types && list[0] && nc_client_query(path, sizeof(path), "type", list) < 0) ||
	    nc_client_query(path, sizeof(path), "device", cli_args_get(a, "device")) < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--type or --device is too long");
	ret = nc_sse_open(ctx->client, path, after, &o, &s);
	cli_interrupt_catch();
	while (ret == 0 && !cli_interrupted())
		ret = nc_sse_poll(s, STEP_MS, on_event, &t, &ei);
	cli_interrupt_release();
	nc_sse_free(s);
	if (ret < 0)
		return cli_report(ctx, ret, &ei);
	/* After the terminal's ^C, the next prompt starts on a line of its own. */
	if (ctx->tty)
		cli_out_line(ctx, "");
	/* Ctrl-C is the way out: not a failure. */
	return 0;
}
