/* SPDX-License-Identifier: MIT */
/*
 * tail: follows /v1/events and prints each event, decoded on one line
 * (evline.c) or as one JSON object per line with -o json. Reconnects and
 * resumes after the last event seen; Ctrl-C ends it with status 0. With -n
 * or --since it first prints recent events (the JSON form of /v1/events)
 * and follows on from the newest of the ring, so none is shown twice or
 * missed between the two.
 */
#include "../cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/client/client.h"
#include "../../lib/client/sse.h"
#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"
#include "../../lib/util/timefmt.h"
#include "../cmdinfo.h"
#include "../evline.h"
#include "../interrupt.h"
#include "../output.h"
#include "../request.h"

#define STEP_MS	   200	/* between checks for Ctrl-C */
#define RECENT_MAX 1000 /* events the core answers at most in one list */
#define SINCE_WORDS                                                                                \
	"--since: `%s' is neither a duration (10m, 2h) nor a time (2026-12-07T10:00:00Z)"

struct tail {
	struct cli_ctx *ctx;
	unsigned opens;
	bool lost; /* said so already: one note until the stream is back */
};

static void print_event(struct cli_ctx *ctx, const json_t *e)
{
	char line[4096];

	if (ctx->output == NC_OUT_JSON) {
		cli_out_json_line(ctx, e);
	} else {
		cli_evline(e, ctx->color, line, sizeof(line));
		cli_out_line(ctx, line);
	}
}

static int on_event(void *arg, const struct nc_sse_event *ev)
{
	struct tail *t = arg;
	json_t *e = json_loadb(ev->data, ev->len, 0, NULL);

	if (!e) {
		/* Not JSON: shown as it came, never dropped in silence. */
		cli_out_line(t->ctx, ev->data);
		return 0;
	}
	print_event(t->ctx, e);
	json_decref(e);
	return 0;
}

/*
 * Prints the newest n events that path's filters keep (oldest first), of
 * those only the ones at or after since (Unix s, 0: any), and puts the id
 * to follow on from into after[]. Reported on failure.
 */
static int print_recent(struct cli_ctx *ctx, const char *path, long n, int64_t since, char *after,
			size_t after_n)
{
	const json_t *items, *e;
	json_t *reply = NULL;
	char p[1200], num[24];
	size_t i;
	int ret;

	snprintf(num, sizeof(num), "%ld", n);
	snprintf(p, sizeof(p), "%s", path);
	if (nc_client_query(p, sizeof(p), "limit", num) < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--type or --device is too long");
	ret = cli_call(ctx, "GET", p, NULL, &reply);
	if (ret < 0)
		goto out;
	items = json_object_get(reply, "items");
	json_array_foreach(items, i, e) {
		int64_t ts = 0;

		if (since &&
		    nc_time_parse_iso(json_string_value(json_object_get(e, "ts")), &ts) == 0 &&
		    ts < since)
			continue;
		print_event(ctx, e);
	}
	if (since && json_array_size(items) == (size_t)n)
		cli_out_note(ctx,
			     "only the newest %ld are shown: there may be older ones since then",
			     n);
	snprintf(after, after_n, "%" JSON_INTEGER_FORMAT,
		 json_integer_value(json_object_get(reply, "last_id")));
out:
	json_decref(reply);
	return ret;
}

/* -n N and --since into *n (0: neither) and *since (Unix s, 0: none). */
static int recent_opts(struct cli_ctx *ctx, const struct cli_args *a, long *n, int64_t *since)
{
	const char *lines = cli_args_get(a, "lines"), *s = cli_args_get(a, "since");
	struct nc_errinfo ei = {0};
	int64_t ms;
	char *end;

	*n = 0;
	*since = 0;
	if ((lines || s) && cli_args_get(a, "after"))
		return cli_error(ctx, NC_ERR_USAGE,
				 "--after resumes after an event; -n and --since show recent ones: "
				 "give one of them");
	if (lines) {
		*n = strtol(lines, &end, 10);
		if (!*lines || *end || *n < 1 || *n > RECENT_MAX)
			return cli_error(ctx, NC_ERR_USAGE, "-n: `%s' is not a count from 1 to %d",
					 lines, RECENT_MAX);
	}
	if (s) {
		if (nc_time_parse_iso(s, since) < 0) {
			if (nc_duration_parse(s, &ms, &ei) < 0)
				return cli_error(ctx, NC_ERR_USAGE, SINCE_WORDS, s);
			*since = nc_time_now() - ms / 1000;
		}
		if (!*n)
			*n = RECENT_MAX;
	}
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
	char path[1024] = "/v1/events", list[512], bad[64], known[1024], last[24];
	int64_t since;
	long n;
	int ret = recent_opts(ctx, a, &n, &since);

	if (ret < 0)
		return ret;

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
	if (n) {
		ret = print_recent(ctx, path, n, since, last, sizeof(last));
		if (ret < 0)
			return ret;
		after = last;
	}
	ret = nc_sse_open(ctx->client, path, after, &o, &s);
	cli_interrupt_catch();
	while (ret == 0 && !cli_interrupted())
		ret = nc_sse_poll(s, STEP_MS, on_event, &t, &ei);
	return cli_stream_end(ctx, s, ret, &ei);
}
