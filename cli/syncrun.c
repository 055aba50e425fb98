/* SPDX-License-Identifier: MIT */
/*
 * `sync now --wait`: opens the event stream, posts the Sync Now, and feeds
 * the tracker (syncwait.c) with events until every device is decided, the
 * deadline passes or Ctrl-C.
 */
#include "syncwait.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "../lib/client/client.h"
#include "../lib/client/sse.h"
#include "../lib/util/duration.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "cmd.h"
#include "interrupt.h"
#include "output.h"
#include "request.h"

#define STEP_MS	       100   /* between progress redraws and signal checks */
#define OPEN_WAIT_MS   10000 /* for the stream to open before the POST */
#define FALLBACK_EVERY 1000  /* polling of GET /v1/sync when the stream is gone */

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The loop's state, handed to the stream's callback. */
struct run {
	struct cli_ctx *ctx;
	struct cli_wait *w;
	bool posted; /* events before the POST's reply are not ours */
	bool gap;    /* the server lost events: read the states again */
	bool lost;   /* the loss was noted: once until the stream is back */
};

static int on_event(void *arg, const struct nc_sse_event *ev)
{
	struct run *r = arg;
	json_t *e;

	if (!r->posted)
		return 0;
	e = json_loadb(ev->data, ev->len, 0, NULL);
	if (e && strcmp(str(e, "type"), "gap") == 0)
		r->gap = true;
	else if (e)
		cli_wait_event(r->w, e, nc_time_mono_ms());
	json_decref(e);
	return 0;
}

static void on_status(void *arg, enum nc_sse_change what, const char *msg)
{
	struct run *r = arg;

	if (what == NC_SSE_LOST && r->posted && !r->lost) {
		cli_out_progress_end(r->ctx);
		cli_out_note(r->ctx, "event stream lost: %s", msg);
	}
	r->lost = what == NC_SSE_LOST;
}

/* Reads every device's state again (after a reconnect, a gap, or at the end). */
static void reconcile(struct run *r)
{
	json_t *list = NULL, *it;
	struct nc_errinfo ei = {0};
	size_t i;

	if (nc_client_list(r->ctx->client, "/v1/sync?limit=1000", 1, 0, &list, &ei) < 0)
		return;
	json_array_foreach(json_object_get(list, "items"), i, it)
		cli_wait_state(r->w, it, nc_time_mono_ms());
	json_decref(list);
}

static void progress(struct cli_ctx *ctx, const struct cli_wait *w)
{
	size_t total = w->n - w->count[NC_WAIT_SKIPPED] - w->count[NC_WAIT_NEVER_SEEN],
	       done = total - w->count[NC_WAIT_APPLYING];
	int64_t el = nc_time_mono_ms() - w->start_ms;
	char bar[32];
	size_t fill = total ? done * 20 / total : 20;

	for (size_t i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	cli_out_progress(ctx, "[%s] %zu/%zu synced  %zu failed  %zu applying  %lld.%llds", bar,
			 w->count[NC_WAIT_SYNCED], total, w->count[NC_WAIT_FAILED],
			 w->count[NC_WAIT_APPLYING], (long long)(el / 1000),
			 (long long)(el % 1000 / 100));
}

/* Opens the stream and waits until the server has answered it (it then
 * delivers every event after this point). */
static int open_stream(struct run *r, const char *device, struct nc_sse **s)
{
	struct nc_sse_opts o = {.reconnect = true,
				.on_status = on_status,
				.status_arg = r,
				.return_on_event = true};
	struct nc_errinfo ei = {0};
	char path[512] = "/v1/events?type=confirm,sync_state,batch_sent,sync_run";
	int64_t until = nc_time_mono_ms() + OPEN_WAIT_MS;
	int ret;

	if (device && nc_client_query(path, sizeof(path), "device", device) < 0)
		return cli_error(r->ctx, NC_ERR_USAGE, "the serial is too long");
	ret = nc_sse_open(r->ctx->client, path, NULL, &o, s);
	while (ret == 0 && nc_sse_state(*s) != NC_SSE_OPEN) {
		if (nc_time_mono_ms() > until)
			return cli_error(r->ctx, NC_ERR_UNREACHABLE,
					 "the event stream of %s did not open within %ds",
					 r->ctx->client->server, OPEN_WAIT_MS / 1000);
		ret = nc_sse_poll(*s, STEP_MS, on_event, r, &ei);
	}
	if (ret < 0)
		return cli_report(r->ctx, ret, &ei);
	return 0;
}

int cli_syncwait(struct cli_ctx *ctx, const json_t *body, const char *device, int64_t timeout_ms,
		 struct cli_wait *w, json_t **reply)
{
	struct run r = {.ctx = ctx, .w = w};
	struct nc_sse *s = NULL;
	struct nc_errinfo ei = {0};
	int64_t start, deadline, next_poll = 0;
	char why[80], dur[32];
	size_t left;
	unsigned opens;
	bool streaming = true;
	int ret;

	*reply = NULL;
	ret = open_stream(&r, device, &s);
	/* Times count from the request: a confirmation may beat its reply. */
	start = nc_time_mono_ms();
	if (ret == 0)
		ret = cli_call(ctx, "POST", "/v1/sync", body, reply);
	if (ret < 0)
		goto out;
	cli_wait_init(w, *reply, start);
	r.posted = true;
	opens = nc_sse_opens(s);
	deadline = w->start_ms + timeout_ms;
	left = w->count[NC_WAIT_APPLYING];
	cli_interrupt_catch();
	while (!cli_wait_done(w) && !cli_interrupted() && nc_time_mono_ms() < deadline) {
		if (streaming && nc_sse_poll(s, STEP_MS, on_event, &r, &ei) < 0) {
			/* The stream is refused now: poll the states instead. */
			cli_out_note(ctx, "event stream ended (%s); polling the sync states",
				     ei.msg);
			streaming = false;
		}
		if (!streaming && nc_time_mono_ms() >= next_poll) {
			reconcile(&r);
			next_poll = nc_time_mono_ms() + FALLBACK_EVERY;
		} else if (!streaming) {
			poll(NULL, 0, STEP_MS);
		}
		if (streaming && (r.gap || nc_sse_opens(s) != opens)) {
			/* Events may have passed while away: read the states. */
			r.gap = false;
			opens = nc_sse_opens(s);
			reconcile(&r);
		}
		if (ctx->tty && ctx->output != NC_OUT_JSON && !ctx->quiet)
			progress(ctx, w);
		if (w->count[NC_WAIT_APPLYING] < left) {
			left = w->count[NC_WAIT_APPLYING];
			deadline = nc_time_mono_ms() + timeout_ms;
		}
	}
	if (!cli_wait_done(w))
		reconcile(&r);
	nc_duration_format(timeout_ms, dur, sizeof(dur));
	snprintf(why, sizeof(why), "no device of the Sync Now confirmed for %s", dur);
	if (cli_interrupted())
		cli_wait_expire(w, "interrupted", nc_time_mono_ms());
	else
		cli_wait_expire(w, why, nc_time_mono_ms());
	cli_interrupt_release();
	cli_out_progress_end(ctx);
out:
	nc_sse_free(s);
	return ret;
}
