/* SPDX-License-Identifier: MIT */
/*
 * The operator's actions on the dashboard's network thread (net_impl.h).
 * Each runs the CLI command that does the same (`connector approve',
 * `link add', `sync now' ...) through the CLI's dispatcher, on this
 * thread's client, as tmux's key bindings run its commands: the requests,
 * their paths and bodies and the wording of what was done are the
 * commands', written once. The outcome goes to the status line: the
 * command's own sentence, or its error (the server's message) in red.
 */
#include "net_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cmd.h"
#include "../cli/dispatch.h"
#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/xmalloc.h"
#include "tui.h"

#define MAX_WORDS 1040 /* a command's words: `sync now' and up to TUI_MARKS_MAX serials */

/* What a command printed: text (one line per sentence) or its JSON. */
struct printed {
	char *out, *err;
	size_t nout, nerr;
};

/* text's lines without the "netctl: " that starts an error line, joined
 * with "; " into buf[n]. */
static void lines(const char *text, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	while (text && *text && len + 1 < n) {
		size_t l = strcspn(text, "\n");

		if (strncmp(text, "netctl: ", 8) == 0) {
			text += 8;
			l -= 8;
		}
		if (l)
			len += (size_t)snprintf(buf + len, n - len, "%s%.*s", len ? "; " : "",
						(int)l, text);
		text += l;
		if (*text == '\n')
			text++;
	}
}

/*
 * Runs `netctl [-o json] WORDS... --yes' on n's client, in tenant (NULL or
 * "": the client's own) for objects of a tenant the dashboard does not act
 * in. *p gets what it printed (free both strings). Returns the command's
 * result: 0 or a negative NC_ERR_*, reported into p->err.
 */
static int run(struct tui_net *n, const char *tenant, bool json, char **words, int nwords,
	       struct printed *p)
{
	struct cli_ctx ctx = {.output = json ? NC_OUT_JSON : NC_OUT_TABLE,
			      .progname = "netctl",
			      .client = n->c,
			      .mode = NC_MODE_BATCH,
			      .confirmed = true};
	char *own = n->c->tenant;
	int ret;

	*p = (struct printed){0};
	ctx.out = open_memstream(&p->out, &p->nout);
	ctx.err = open_memstream(&p->err, &p->nerr);
	if (!ctx.out || !ctx.err) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	/* An admin dashboard over every tenant names the object's own. */
	if (!own && tenant && tenant[0])
		n->c->tenant = nc_xstrdup(tenant);
	ret = cli_dispatch(&ctx, nwords, words);
	if (n->c->tenant != own) {
		free(n->c->tenant);
		n->c->tenant = own;
	}
out:
	if (ctx.out)
		fclose(ctx.out);
	if (ctx.err)
		fclose(ctx.err);
	return ret;
}

static void printed_free(struct printed *p)
{
	free(p->out);
	free(p->err);
}

/*
 * Runs the command of words in text mode and says how it went: its
 * sentence (and warnings), or "WHAT failed: " and its error in red. The
 * rows follow from the events; the lists and the cards are read again soon
 * all the same, for a change that sends none. Returns the command's result.
 */
static int say_run(struct tui_net *n, const char *tenant, const char *what, char **words,
		   int nwords)
{
	struct printed p;
	char out[TUI_TEXT], err[TUI_TEXT];
	int ret = run(n, tenant, false, words, nwords, &p);

	lines(p.out, out, sizeof(out));
	lines(p.err, err, sizeof(err));
	if (ret < 0)
		tui_net_status(n, true, "%s failed: %s", what, err[0] ? err : nc_strerror(ret));
	else
		tui_net_status(n, false, "%s%s%s", out[0] ? out : what, err[0] ? "; " : "", err);
	tui_net_soon(&n->refresh_at, nc_time_mono_ms());
	printed_free(&p);
	return ret;
}

/* A connector's lifecycle move (`connector approve|decommission SERIAL'). */
static void move(struct tui_net *n, const char *verb, const char *serial)
{
	char *w[] = {"connector", (char *)verb, (char *)serial};
	char what[TUI_TEXT];

	snprintf(what, sizeof(what), "%s %s", verb, serial);
	say_run(n, NULL, what, w, 3);
}

void tui_net_approve(struct tui_net *n, const char *serial)
{
	move(n, "approve", serial);
}

void tui_net_decommission(struct tui_net *n, const char *serial)
{
	move(n, "decommission", serial);
}

void tui_net_set_hub(struct tui_net *n, const char *serial, const char *hub)
{
	char *w[] = {"connector", "set", (char *)serial, "--hub", (char *)hub};
	char what[TUI_TEXT];

	snprintf(what, sizeof(what), "hub of %s", serial);
	say_run(n, NULL, what, w, 5);
}

void tui_net_link(struct tui_net *n, const struct tui_job *j)
{
	bool add = j->kind == TUI_JOB_LINK_ADD;
	char *w[] = {"link", add ? "add" : "remove", (char *)j->group, (char *)j->serial,
		     (char *)j->arg};

	say_run(n, j->tenant, add ? "link add" : "link remove", w, 5);
}

/* The items of a Sync Now reply: how many were sent, the first skipped
 * one and why, into *sent, skip[n]. */
static void sync_items(const json_t *reply, size_t *sent, size_t *skipped, char *skip, size_t n)
{
	const json_t *it;
	size_t i;

	*sent = *skipped = 0;
	skip[0] = '\0';
	json_array_foreach(json_object_get(reply, "items"), i, it) {
		const char *st = json_string_value(json_object_get(it, "state"));
		const char *err = json_string_value(json_object_get(it, "error"));

		if (st && strcmp(st, "skipped") == 0) {
			if ((*skipped)++ == 0)
				snprintf(skip, n, "%s skipped: %s",
					 json_string_value(json_object_get(it, "serial")) ?: "?",
					 err ? err : "");
		} else {
			(*sent)++;
		}
	}
}

/*
 * `sync now' with words (serials, --all or --pending), read as JSON: one
 * device's seq, or how many were sent or queued (of unit: "device") and
 * the first skipped. what names it in a failure.
 */
static void sync_now(struct tui_net *n, const char *what, const char *unit, char **words,
		     int nwords)
{
	struct printed p;
	json_t *reply = NULL, *first;
	char err[TUI_TEXT], skip[TUI_TEXT / 2];
	size_t sent, skipped;
	int ret = run(n, NULL, true, words, nwords, &p);

	reply = p.out ? json_loads(p.out, 0, NULL) : NULL;
	first = json_array_get(json_object_get(reply, "items"), 0);
	lines(p.err, err, sizeof(err));
	sync_items(reply, &sent, &skipped, skip, sizeof(skip));
	if (ret < 0 && !reply)
		tui_net_status(n, true, "%s failed: %s", what, err[0] ? err : nc_strerror(ret));
	else if (sent + skipped == 0)
		tui_net_status(n, false, "no %s matched: nothing to send", unit);
	else if (json_object_get(reply, "run"))
		tui_net_status(n, false, "Sync Now of %zu %s%s started (run %lld)", sent + skipped,
			       unit, sent + skipped == 1 ? "" : "s",
			       (long long)json_integer_value(json_object_get(reply, "run")));
	else if (sent == 1 && skipped == 0)
		tui_net_status(n, false, "sync sent to %s: seq %lld, applying",
			       json_string_value(json_object_get(first, "serial")),
			       (long long)json_integer_value(json_object_get(first, "seq")));
	else if (sent == 0 && skipped == 1)
		tui_net_status(n, true, "%s %s", what, skip);
	else
		tui_net_status(n, skipped > 0, "Sync Now sent to %zu %s%s%s%s", sent, unit,
			       sent == 1 ? "" : "s", skipped ? "; " : "", skip);
	tui_net_soon(&n->stats_at, nc_time_mono_ms());
	json_decref(reply);
	printed_free(&p);
}

void tui_net_sync(struct tui_net *n, const struct tui_job *j)
{
	char *fixed[] = {"sync", "now", "--pending"};
	char **w = fixed, *save = NULL, *list = NULL, what[TUI_TEXT];
	int nw = 3;

	if (j->kind == TUI_JOB_SYNC_ALL) {
		fixed[2] = "--all";
		sync_now(n, "Sync Now of all devices", "device", w, nw);
		return;
	}
	if (j->kind == TUI_JOB_SYNC_PENDING) {
		sync_now(n, "Sync Now of the pending devices", "pending device", w, nw);
		return;
	}
	/* One serial, or the marked rows' serials separated by spaces. */
	list = nc_xstrdup(j->serials ? j->serials : j->serial);
	w = nc_xcalloc(MAX_WORDS, sizeof(*w));
	w[0] = "sync";
	w[1] = "now";
	nw = 2;
	for (char *s = strtok_r(list, " ", &save); s && nw < MAX_WORDS;
	     s = strtok_r(NULL, " ", &save))
		w[nw++] = s;
	if (nw == 3)
		snprintf(what, sizeof(what), "sync %s", w[2]);
	sync_now(n, nw == 3 ? what : "Sync Now of the marked devices", "device", w, nw);
	free(w);
	free(list);
}
