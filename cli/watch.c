/* SPDX-License-Identifier: MIT */
/* --watch: see watch.h. */
#include "watch.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/client/client.h"
#include "../lib/client/sse.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "cmd.h"
#include "cmdinfo.h"
#include "interrupt.h"
#include "output.h"
#include "request.h"

#define STEP_MS	   200	 /* between checks for Ctrl-C */
#define OPEN_MS	   10000 /* for the stream to open before the first print */
#define QUIET_MS   250	 /* after a change, for more to come before printing */
#define MIN_GAP_MS 1000	 /* between two prints at the most often */

struct watch {
	struct cli_ctx *ctx;
	bool open, lost;
	int64_t changed_at; /* monotonic ms of the first change not yet printed; 0: none */
};

static int on_event(void *arg, const struct nc_sse_event *ev)
{
	struct watch *w = arg;

	(void)ev;
	if (!w->changed_at)
		w->changed_at = nc_time_mono_ms();
	return 0;
}

/*
 * The stream of every event type but the devices' routine messages, which
 * change nothing a list or show prints but times: the core leaves them out,
 * so a fleet's heartbeats never reach the CLI at all.
 */
static void events_path(char *path, size_t n)
{
	char types[1024];
	size_t len = 0;

	types[0] = '\0';
	for (size_t i = 0; i < nc_nevent_types; i++) {
		if (strcmp(nc_event_types[i], "heartbeat") != 0 &&
		    strcmp(nc_event_types[i], "config_request") != 0)
			len += (size_t)snprintf(types + len,
						len < sizeof(types) ? sizeof(types) - len : 0,
						"%s%s", len ? "," : "", nc_event_types[i]);
	}
	snprintf(path, n, "/v1/events");
	nc_client_query(path, n, "type", types);
}

static void on_status(void *arg, enum nc_sse_change what, const char *msg)
{
	struct watch *w = arg;

	if (what == NC_SSE_OPENED) {
		w->open = true;
		if (w->lost) /* what changed meanwhile is unknown: print again */
			w->changed_at = nc_time_mono_ms();
	} else if (!w->lost) {
		cli_out_info(w->ctx, "event stream lost: %s", msg);
	}
	w->lost = what == NC_SSE_LOST;
}

bool cli_watch_allowed(const struct cli_cmd *cmd)
{
	return !(cmd->flags & (NC_CMDF_WRITE | NC_CMDF_LOCAL | NC_CMDF_ROLE)) &&
	       strcmp(cmd->noun, "tail") != 0;
}

int cli_watch_check(struct cli_ctx *ctx, const struct cli_cmd *cmd)
{
	if (cli_watch_allowed(cmd))
		return 0;
	return cli_error(ctx, NC_ERR_USAGE,
			 "--watch goes with commands that show what is, such as list and show; "
			 "`%s%s%s' %s",
			 cmd->noun, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "",
			 strcmp(cmd->noun, "tail") == 0 ? "follows already" : "is not one");
}

/* The title above a redraw on a terminal. */
static void title(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_args *a)
{
	char clock[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	fputs("\033[H\033[2J", ctx->out);
	fprintf(ctx->out, "%s %s%s%s", ctx->progname, cmd->noun, cmd->verb ? " " : "",
		cmd->verb ? cmd->verb : "");
	for (int i = 0; i < a->npos; i++)
		fprintf(ctx->out, " %s", a->pos[i]);
	fprintf(ctx->out, ": redrawn on each change (Ctrl-C stops)   %s\n\n", clock);
}

/* Waits for a change worth a print: 1, or 0 on Ctrl-C, or an error of the stream. */
static int next_change(struct nc_sse *s, struct watch *w, int64_t printed_at, struct nc_errinfo *ei)
{
	while (!cli_interrupted()) {
		int64_t now = nc_time_mono_ms();
		int ret;

		if (w->changed_at && now >= w->changed_at + QUIET_MS &&
		    now >= printed_at + MIN_GAP_MS)
			return 1;
		ret = nc_sse_poll(s, STEP_MS, on_event, w, ei);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int cli_watch(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_args *a)
{
	struct watch w = {.ctx = ctx};
	struct nc_sse_opts o = {.reconnect = true, .on_status = on_status, .status_arg = &w};
	struct nc_errinfo ei = {0};
	struct nc_sse *s = NULL;
	int64_t deadline = nc_time_mono_ms() + OPEN_MS;
	char path[1100];
	int ret;

	events_path(path, sizeof(path));
	ret = nc_sse_open(ctx->client, path, NULL, &o, &s);

	cli_interrupt_catch();
	/* Open before the first print, so that no change can fall between. */
	while (ret == 0 && !w.open && !cli_interrupted() && nc_time_mono_ms() < deadline)
		ret = nc_sse_poll(s, STEP_MS, on_event, &w, &ei);
	if (ret == 0 && !w.open && !cli_interrupted())
		ret = nc_fail(&ei, NC_ERR_UNREACHABLE, NULL, "the event stream did not open");
	while (ret == 0 && !cli_interrupted()) {
		int64_t printed_at = nc_time_mono_ms();

		w.changed_at = 0;
		if (ctx->tty && ctx->output != NC_OUT_JSON)
			title(ctx, cmd, a);
		if (cmd->fn(ctx, a) == NC_ERR_USAGE)
			break;
		fflush(ctx->out);
		ret = next_change(s, &w, printed_at, &ei);
		if (ret == 1)
			ret = 0;
		else if (ret == 0)
			break;
	}
	return cli_stream_end(ctx, s, ret, &ei);
}
