/* SPDX-License-Identifier: MIT */
/*
 * tui: the full-screen dashboard. cmd_tui checks the terminal, makes the
 * first contact, starts the network thread and runs the one UI loop: it
 * waits in poll(2) on the keyboard and on the wake pipe the network thread
 * writes to, runs key actions (keys.c), and redraws (view.c). The loop never
 * touches the network, so the screen answers keys whatever the server does.
 */
#include "tui.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/cmd.h"
#include "../cli/interrupt.h"
#include "../cli/request.h"
#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/xmalloc.h"

#define TICK_MS	     1000  /* redraw at least this often: relative times move */
#define NET_FRAME_MS 40	   /* redraws caused by the network, at most 25 a second */
#define CONNECT_MS   3000  /* the dashboard's requests: connect timeout... */
#define REQUEST_MS   10000 /* ...and whole request */

/*
 * Draws a frame. With frames (NETCTL_TUI_FRAMES, docs/tui.md) it appends
 * "CONNECTORS MICROSECONDS" to it: the connectors the model holds and the
 * time the frame took, the terminal's output included. Model lock held.
 */
static void draw(struct tui *t, FILE *frames)
{
	int64_t t0 = nc_time_mono_us();

	tui_view_draw(t);
	if (frames)
		fprintf(frames, "%zu %lld\n", t->m->nconns, (long long)(nc_time_mono_us() - t0));
}

/* The UI loop; returns when a key or a signal asks to quit. */
static void loop(struct tui *t, int wake_rd, FILE *frames)
{
	int64_t next_draw = 0, last_draw = 0;
	bool dirty = true;

	for (;;) {
		struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
					{.fd = wake_rd, .events = POLLIN}};
		int64_t now = nc_time_mono_ms();
		int timeout, k;
		unsigned r = TUI_R_NONE;

		if (now - last_draw >= TICK_MS)
			dirty = true;
		if (dirty && now >= next_draw) {
			pthread_mutex_lock(&t->m->lock);
			draw(t, frames);
			pthread_mutex_unlock(&t->m->lock);
			dirty = false;
			last_draw = now;
			next_draw = now + NET_FRAME_MS;
		}
		timeout = dirty ? (int)(next_draw - now) : (int)(last_draw + TICK_MS - now);
		if (poll(fds, 2, timeout < 0 ? 0 : timeout) < 0 && errno != EINTR)
			break;
		/* A signal, or a terminal that went away, ends the dashboard. */
		if (cli_interrupted() || (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;
		if (fds[1].revents & POLLIN) {
			char buf[256];

			while (read(wake_rd, buf, sizeof(buf)) > 0)
				;
			tui_net_woken(t->net);
			dirty = true;
		}
		/* Keys, and KEY_RESIZE after a SIGWINCH (which ended the poll). */
		while ((k = tui_view_key(t)) != -1) {
			if (k == 0)
				continue;
			r |= tui_keys_handle(t, k);
			if (r & TUI_R_QUIT)
				return;
		}
		if (r & TUI_R_REDRAW) {
			dirty = true;
			next_draw = 0;
		}
	}
}

/*
 * The first request, before the screen opens: a token or tenant that will
 * never work ends the command with the CLI's message and status; a server
 * that cannot be reached does not, the dashboard waits for it. Returns 0
 * (with *down set when unreachable, ei saying why) or the error, reported.
 */
static int first_contact(struct cli_ctx *ctx, struct nc_client *c, bool *down,
			 struct nc_errinfo *ei)
{
	json_t *reply = NULL;
	int ret = nc_client_request(c, "GET", "/v1/stats", NULL, NULL, &reply, ei);

	json_decref(reply);
	*down = ret == NC_ERR_UNREACHABLE;
	if (ret < 0 && !*down)
		return cli_report(ctx, ret, ei);
	return 0;
}

/* The file NETCTL_TUI_FRAMES names, opened to append (*out NULL when unset); 0 or the error,
 * reported. */
static int frames_open(struct cli_ctx *ctx, FILE **out)
{
	const char *path = getenv("NETCTL_TUI_FRAMES");

	*out = path && *path ? fopen(path, "a") : NULL;
	if (path && *path && !*out)
		return cli_error(ctx, NC_ERR_IO, "NETCTL_TUI_FRAMES: cannot open %s: %s", path,
				 strerror(errno));
	return 0;
}

/* Frees what the UI state owns (not the model, not the network thread). */
static void ui_free(struct tui *t)
{
	free(t->vis);
	free(t->order.v);
	free(t->marks);
	free(t->prow);
	free(t->evdetail);
}

int cmd_tui(struct cli_ctx *ctx, const struct cli_args *a)
{
	struct tui_model m;
	struct tui t = {.m = &m, .panel = TUI_CONNECTORS};
	struct nc_client *c = NULL;
	struct tui_net *net = NULL;
	struct nc_errinfo ei = {0};
	char *locale = NULL;
	FILE *frames = NULL;
	int pipefd[2] = {-1, -1}, ret;
	bool down = false;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_error(ctx, NC_ERR_USAGE,
				 "`tui' needs a terminal on stdin and stdout; for scripts use "
				 "`netctl tail' or `-o json' with the list commands");
	ret = nc_client_new(ctx->client->server, ctx->client->token, ctx->client->tenant, &c, &ei);
	if (ret < 0)
		return cli_report(ctx, ret, &ei);
	c->connect_timeout_ms = CONNECT_MS;
	c->timeout_ms = REQUEST_MS;
	ret = first_contact(ctx, c, &down, &ei);
	if (ret < 0) {
		nc_client_free(c);
		return ret;
	}
	tui_model_init(&m);
	if (down) {
		m.link = TUI_LINK_LOST;
		snprintf(m.link_msg, sizeof(m.link_msg), "%s", ei.msg);
	}
	t.server = ctx->client->server;
	t.tenant = ctx->client->tenant;
	t.pane[TUI_EVENTS].follow = true;
	t.pane[TUI_CONNECTORS].sort = t.pane[TUI_EDGES].sort = -1;
	t.pane[TUI_PEERINGS].sort = t.pane[TUI_EVENTS].sort = -1;
	ret = frames_open(ctx, &frames);
	if (ret < 0) {
		nc_client_free(c);
		goto out;
	}
	if (pipe2(pipefd, O_NONBLOCK | O_CLOEXEC) < 0) {
		ret = cli_error(ctx, NC_ERR_IO, "cannot make a pipe: %s", strerror(errno));
		nc_client_free(c);
		goto out;
	}
	/* The thread owns c from here on. */
	ret = tui_net_start(c, &m, pipefd[1], &net, &ei);
	if (ret < 0) {
		nc_client_free(c);
		cli_error(ctx, ret, "%s", ei.msg);
		goto out;
	}
	t.net = net;
	/* Names and event lines are UTF-8: draw them so when the locale allows. */
	locale = nc_xstrdup(setlocale(LC_CTYPE, NULL));
	setlocale(LC_CTYPE, "");
	cli_interrupt_catch();
	ret = tui_view_open(&t, ctx->color, &ei);
	if (ret == 0)
		loop(&t, pipefd[0], frames);
	/* The terminal first: the thread may take a request's timeout to end. */
	tui_view_close();
	cli_interrupt_release();
	setlocale(LC_CTYPE, locale);
	if (ret < 0)
		cli_error(ctx, ret, "%s", ei.msg);
out:
	tui_net_stop(net);
	if (pipefd[0] >= 0) {
		close(pipefd[0]);
		close(pipefd[1]);
	}
	ui_free(&t);
	free(locale);
	if (frames)
		fclose(frames);
	tui_model_clear(&m);
	return ret;
}
