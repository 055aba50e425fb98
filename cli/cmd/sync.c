/* SPDX-License-Identifier: MIT */
/*
 * sync now|status|show|diff|batch: parse the arguments, call the API, print.
 * Waiting for confirmations is syncwait.c's; what a verdict means is the
 * server's.
 */
#include "../cmd.h"

#include <stdlib.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"
#include "../../lib/util/xmalloc.h"
#include "../output.h"
#include "../request.h"
#include "../syncwait.h"
#include "../textdiff.h"
#include "common.h"
#include "views.h"

#define DEFAULT_TIMEOUT_MS 60000
#define RESET		   "\033[0m"
#define NAMES_LISTED	   8 /* devices named in the failure message */

/*
 * The failure message naming the devices that are not synced; 0 when all
 * are. Its code: NC_ERR_CONFLICT when one failed or a named one was
 * skipped, else NC_ERR_TIMEOUT when one timed out, else NC_ERR_NEVER_SEEN
 * (exit 5) when the only ones left out were never seen.
 */
static int outcome_error(struct cli_ctx *ctx, const struct cli_wait *w, bool named)
{
	size_t bad = w->count[NC_WAIT_FAILED] + w->count[NC_WAIT_TIMEDOUT] +
		     (named ? w->count[NC_WAIT_SKIPPED] : 0) + w->count[NC_WAIT_NEVER_SEEN];
	int code = w->count[NC_WAIT_FAILED] || (named && w->count[NC_WAIT_SKIPPED])
			   ? NC_ERR_CONFLICT
		   : w->count[NC_WAIT_TIMEDOUT] ? NC_ERR_TIMEOUT
						: NC_ERR_NEVER_SEEN;
	char msg[2048];
	size_t len = 0, listed = 0;

	if (bad == 0)
		return 0;
	len = (size_t)snprintf(msg, sizeof(msg), "%zu of %zu device%s not synced:", bad, w->n,
			       w->n == 1 ? " is" : "s are");
	for (size_t i = 0; i < w->n && len < sizeof(msg); i++) {
		const struct cli_wdev *d = &w->v[i];

		if (d->outcome == NC_WAIT_SYNCED || d->outcome == NC_WAIT_APPLYING ||
		    (d->outcome == NC_WAIT_SKIPPED && !named))
			continue;
		if (listed++ == NAMES_LISTED) {
			len += (size_t)snprintf(msg + len, sizeof(msg) - len, " and %zu more",
						bad - NAMES_LISTED);
			break;
		}
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s %s %s (%s)",
					listed > 1 ? "," : "", d->serial,
					cli_outcome_name(d->outcome), d->reason);
	}
	return cli_error(ctx, code, "%s", msg);
}

/* Prints the reply of a Sync Now without waiting; 0, or an error for named devices skipped. */
static int print_sent(struct cli_ctx *ctx, const json_t *reply, bool named)
{
	const json_t *items = json_object_get(reply, "items"), *it;
	size_t i, skipped = 0, unseen = 0;
	int ret = cli_out_list(ctx, reply, CLI_VIEW(sync_sent), "serial");

	json_array_foreach(items, i, it) {
		const char *st = json_string_value(json_object_get(it, "state"));

		skipped += st && strcmp(st, "skipped") == 0;
		unseen += json_is_true(json_object_get(it, "never_seen"));
	}
	if (json_array_size(items) == 0)
		cli_out_note(ctx, "nothing to sync: no device matched");
	else if (ctx->dry_run)
		cli_out_note(ctx, "%zu device%s would be sent their configuration, %zu skipped",
			     json_array_size(items) - skipped,
			     json_array_size(items) - skipped == 1 ? "" : "s", skipped);
	else if (json_object_get(reply, "run"))
		cli_out_note(
			ctx,
			"%zu device%s queued as Sync Now run %lld; follow %s with `netctl "
			"tail --type sync_run,confirm' or `netctl sync status', or pass --wait",
			json_array_size(items), json_array_size(items) == 1 ? "" : "s",
			(long long)json_integer_value(json_object_get(reply, "run")),
			json_array_size(items) == 1 ? "it" : "them");
	else
		cli_out_note(ctx,
			     "%zu batch%s sent; follow them with `netctl sync status' or "
			     "`netctl tail --type confirm', or pass --wait",
			     json_array_size(items) - skipped,
			     json_array_size(items) - skipped == 1 ? "" : "es");
	if (unseen)
		cli_out_note(ctx,
			     "%zu of them went to %s never seen: no confirmation until %s "
			     "and asks for its configuration",
			     unseen, unseen == 1 ? "a device" : "devices",
			     unseen == 1 ? "it connects" : "each connects");
	if (named && skipped)
		return cli_error(ctx, NC_ERR_CONFLICT, "%zu named device%s skipped: see Error",
				 skipped, skipped == 1 ? " was" : "s were");
	return ret;
}

/*
 * After a Sync Now of named devices: says when others still wait for their
 * changes (a connector's hub, say). Text modes only; a failed lookup says
 * nothing, the sync itself is what was asked for.
 */
static void note_pending(struct cli_ctx *ctx)
{
	struct nc_errinfo ei = {0};
	json_t *stats = NULL;
	json_int_t n;

	if (ctx->output == NC_OUT_JSON || ctx->quiet)
		return;
	if (cli_request(ctx, "GET", "/v1/stats", NULL, &stats, &ei) == 0) {
		n = json_integer_value(json_object_get(json_object_get(stats, "sync"), "pending"));
		if (n > 0)
			cli_out_note(ctx,
				     "%lld other device%s pending changes: `%s sync now --pending'",
				     (long long)n, n == 1 ? " has" : "s have", ctx->progname);
	}
	json_decref(stats);
}

int cmd_sync_now(struct cli_ctx *ctx, const struct cli_args *a)
{
	bool all = cli_args_has(a, "all"), pending = cli_args_has(a, "pending");
	bool wait = cli_args_has(a, "wait"), named = a->npos > 0;
	const char *tmo = cli_args_get(a, "timeout");
	json_t *body = json_object(), *reply = NULL, *out = NULL;
	struct cli_wait w = {0};
	struct nc_errinfo ei = {0};
	int64_t timeout_ms = DEFAULT_TIMEOUT_MS;
	int ret = 0, sorted;

	if ((named ? 1 : 0) + all + pending != 1) {
		ret = cli_error(ctx, NC_ERR_USAGE,
				"say which devices: SERIAL..., --all or --pending (one of them)");
		goto out;
	}
	if (wait && ctx->dry_run) {
		ret = cli_error(ctx, NC_ERR_USAGE,
				"--wait cannot follow a dry run: nothing is sent to wait for");
		goto out;
	}
	if (tmo && !wait) {
		ret = cli_error(ctx, NC_ERR_USAGE, "--timeout goes with --wait");
		goto out;
	}
	if (tmo && (nc_duration_parse(tmo, &timeout_ms, &ei) < 0 || timeout_ms == 0)) {
		ret = cli_error(ctx, NC_ERR_USAGE, "--timeout: %s (e.g. 30s, 2m)",
				ei.msg[0] ? ei.msg : "must be more than 0");
		goto out;
	}
	if (named) {
		json_t *devs = json_array();

		for (int i = 0; i < a->npos; i++)
			json_array_append_new(devs, json_string(a->pos[i]));
		json_object_set_new(body, "devices", devs);
	} else if (all) {
		json_object_set_new(body, "all", json_true());
	} else {
		json_object_set_new(body, "state", json_string("pending"));
	}
	/* A selection of unknown size is answered once listed, and sent in the
	 * background: no HTTP timeout however many devices it holds. */
	if (!named)
		json_object_set_new(body, "async", json_true());
	if (!wait) {
		ret = cli_call(ctx, "POST", "/v1/sync", body, &reply);
		if (ret == 0)
			ret = print_sent(ctx, reply, named);
		if (ret == 0 && named)
			note_pending(ctx);
		goto out;
	}
	ret = cli_syncwait(ctx, body, a->npos == 1 ? a->pos[0] : NULL, timeout_ms, &w, &reply);
	if (ret < 0)
		goto out;
	out = cli_wait_json(&w);
	sorted = cli_out_list(ctx, out, CLI_VIEW(sync_outcome), "serial outcome");
	if (w.n == 0)
		cli_out_note(ctx, "nothing to sync: no device matched");
	else
		cli_out_note(ctx,
			     "%zu synced, %zu failed, %zu timed out, %zu skipped, %zu never seen",
			     w.count[1], w.count[NC_WAIT_FAILED], w.count[NC_WAIT_TIMEDOUT],
			     w.count[NC_WAIT_SKIPPED], w.count[NC_WAIT_NEVER_SEEN]);
	ret = outcome_error(ctx, &w, named);
	if (ret == 0)
		ret = sorted;
	if (named)
		note_pending(ctx);
out:
	cli_wait_free(&w);
	json_decref(out);
	json_decref(reply);
	json_decref(body);
	return ret;
}

/* GET /v1/devices/SERIAL/what; *reply owned by the caller. */
static int device_get(struct cli_ctx *ctx, const char *serial, const char *what, json_t **reply)
{
	char path[512];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/devices/%s/", serial);

	*reply = NULL;
	if (ret == 0 && strlen(path) + strlen(what) >= sizeof(path))
		ret = cli_error(ctx, NC_ERR_USAGE, "the serial is too long");
	if (ret == 0) {
		strcat(path, what);
		ret = cli_call(ctx, "GET", path, NULL, reply);
	}
	return ret;
}

/*
 * The sync states of the named devices (an MTGE has one per tenant it
 * serves) as one {"items":[...]} list, kept to those in state if given.
 */
static int named_states(struct cli_ctx *ctx, const struct cli_args *a, const char *state,
			json_t **list)
{
	json_t *items = json_array(), *reply, *one, *it;
	size_t k;
	int ret = 0;

	*list = json_pack("{s:o}", "items", items);
	for (int i = 0; i < a->npos && ret == 0; i++) {
		ret = device_get(ctx, a->pos[i], "sync", &reply);
		if (ret < 0)
			break;
		one = json_object_get(reply, "items");
		if (!one) {
			json_array_append(items, reply);
		} else {
			json_array_foreach(one, k, it)
				json_array_append(items, it);
		}
		json_decref(reply);
	}
	for (k = json_array_size(items); state && k-- > 0;) {
		it = json_array_get(items, k);
		if (strcmp(json_string_value(json_object_get(it, "state")) ?: "", state) != 0)
			json_array_remove(items, k);
	}
	return ret;
}

int cmd_sync_status(struct cli_ctx *ctx, const struct cli_args *a)
{
	enum nc_sync_state want;
	const char *state = cli_args_get(a, "state");
	json_t *list = NULL;
	int ret;

	if (a->npos == 0)
		return cmd_list_paged(ctx, a, "/v1/sync", "state,limit,cursor",
				      CLI_VIEW(sync_status), "serial state", "devices");
	if (cli_args_get(a, "limit") || cli_args_get(a, "cursor") || cli_args_has(a, "all"))
		return cli_error(ctx, NC_ERR_USAGE,
				 "--limit, --cursor and --all page the list of every device: "
				 "leave them out when naming devices");
	/* The dispatcher let only the states of commands.def through. */
	if (state && nc_sync_state_parse(state, &want) < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--state `%s' is not a sync state", state);
	ret = named_states(ctx, a, state, &list);
	if (ret == 0)
		ret = cli_out_list(ctx, list, CLI_VIEW(sync_status), "serial state");
	json_decref(list);
	return ret;
}

static void show_state(struct cli_ctx *ctx, const json_t *st)
{
	const json_t *lc = json_object_get(st, "last_confirm");
	const json_t *fails = json_object_get(lc, "failures");

	cli_out_object(ctx, st, CLI_VIEW(sync_show), "serial state");
	if (ctx->quiet || ctx->output == NC_OUT_JSON)
		return;
	cli_out_heading(ctx, "Last confirmation");
	if (!json_is_object(lc)) {
		cli_out_text(ctx, "none yet");
		return;
	}
	cli_out_object(ctx, lc, CLI_VIEW(sync_show_confirm), NULL);
	if (json_array_size(fails) > 0) {
		cli_out_heading(ctx, "Failures");
		cli_out_table(ctx, fails, CLI_VIEW(sync_show_failures));
	}
}

/* What sync show prints of GET /v1/devices/SERIAL/sync. */
static void print_show(struct cli_ctx *ctx, const json_t *reply, const char *serial)
{
	const json_t *items = json_object_get(reply, "items"), *it;
	size_t i;

	if (!items) {
		show_state(ctx, reply);
		return;
	}
	/* An MTGE has one state per tenant it serves. */
	if (ctx->output == NC_OUT_JSON && !ctx->quiet) {
		cli_out_json(ctx, reply);
		return;
	}
	if (json_array_size(items) == 0)
		cli_out_text(ctx, "%s has no sync state yet", serial);
	json_array_foreach(items, i, it) {
		if (i > 0)
			cli_out_text(ctx, "%s", "");
		show_state(ctx, it);
	}
}

/* Prints one diff line, coloured on a terminal. */
static void diff_line(void *arg, char kind, const char *line, size_t len)
{
	struct cli_ctx *ctx = arg;
	const char *seq = !ctx->color	? NULL
			  : kind == '-' ? cli_out_state_color("down")
			  : kind == '+' ? cli_out_state_color("up")
					: NULL;

	cli_out_text(ctx, "%s%c %.*s%s", seq ? seq : "", kind, (int)len, line, seq ? RESET : "");
}

/* A topic body as indented JSON with sorted keys, "" for null; new string. */
static char *pretty(const json_t *v)
{
	char *s = v && !json_is_null(v) ? json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

	return s ? s : nc_xstrdup("");
}

/* What sync diff prints of GET /v1/devices/SERIAL/diff. */
static void print_diff(struct cli_ctx *ctx, const json_t *reply, const char *serial)
{
	const json_t *changed = json_object_get(reply, "changed"), *t;
	size_t i;

	if (ctx->quiet) {
		json_array_foreach(changed, i, t)
			fprintf(ctx->out, "%s\n", json_string_value(t));
		return;
	}
	if (ctx->output == NC_OUT_JSON) {
		cli_out_json(ctx, reply);
		return;
	}
	cli_out_text(ctx, "%s (%s): %zu topic%s would change against batch %lld%s",
		     json_string_value(json_object_get(reply, "serial")),
		     json_string_value(json_object_get(reply, "tenant")), json_array_size(changed),
		     json_array_size(changed) == 1 ? "" : "s",
		     (long long)json_integer_value(json_object_get(reply, "base_seq")),
		     json_is_true(json_object_get(reply, "base_confirmed")) ? " (confirmed)"
									    : " (not confirmed)");
	json_array_foreach(changed, i, t) {
		const char *topic = json_string_value(t);
		const json_t *tp = json_object_get(json_object_get(reply, "topics"), topic);
		char *before = pretty(json_object_get(tp, "before"));
		char *after = pretty(json_object_get(tp, "after"));

		cli_out_heading(ctx, topic);
		cli_textdiff(before, after, diff_line, ctx);
		free(before);
		free(after);
	}
}

/* What sync batch prints of GET /v1/devices/SERIAL/batch. */
static void print_batch(struct cli_ctx *ctx, const json_t *reply, const char *serial)
{
	const json_t *cmd;
	size_t i;

	/* -o json: the batch as the server gives it (secrets already redacted). */
	cli_out_object(ctx, reply, CLI_VIEW(sync_batch), "config_hash");
	if (ctx->quiet || ctx->output == NC_OUT_JSON)
		return;
	json_array_foreach(json_object_get(reply, "commands"), i, cmd) {
		char title[96], *body = pretty(json_object_get(cmd, "body"));

		snprintf(title, sizeof(title), "[%zu] %s", i,
			 json_string_value(json_object_get(cmd, "topic")));
		cli_out_heading(ctx, title);
		cli_out_text(ctx, "%s", body);
		free(body);
	}
}

/* GET /v1/devices/SERIAL/what for the first argument, printed by print. */
static int device_show(struct cli_ctx *ctx, const struct cli_args *a, const char *what,
		       void (*print)(struct cli_ctx *ctx, const json_t *reply, const char *serial))
{
	json_t *reply;
	int ret = device_get(ctx, a->pos[0], what, &reply);

	if (ret == 0)
		print(ctx, reply, a->pos[0]);
	json_decref(reply);
	return ret;
}

int cmd_sync_show(struct cli_ctx *ctx, const struct cli_args *a)
{
	return device_show(ctx, a, "sync", print_show);
}

int cmd_sync_diff(struct cli_ctx *ctx, const struct cli_args *a)
{
	return device_show(ctx, a, "diff", print_diff);
}

int cmd_sync_batch(struct cli_ctx *ctx, const struct cli_args *a)
{
	return device_show(ctx, a, "batch", print_batch);
}
