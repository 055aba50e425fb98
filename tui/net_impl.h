/* SPDX-License-Identifier: MIT */
#ifndef NC_TUI_NET_IMPL_H
#define NC_TUI_NET_IMPL_H

/*
 * Inside the dashboard's network thread: shared by net.c (the thread, its
 * queue, the lists and the event stream) and net_act.c (the operator's
 * actions). Everything here runs on that thread, except the queue, which
 * qlock guards.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/client/sse.h"
#include "net.h"

struct nc_errinfo;

#define QUEUE_MAX 32 /* jobs waiting */

struct tui_net {
	struct nc_client *c; /* owned; used on the thread only */
	struct tui_model *m; /* borrowed */
	int wake_fd;
	atomic_bool wake_pending, stop;
	pthread_t thread;

	pthread_mutex_t qlock; /* guards q, qhead, qn; qcond wakes an idle thread */
	pthread_cond_t qcond;
	struct tui_job q[QUEUE_MAX];
	size_t qhead, qn;

	/* The thread's own state. */
	struct nc_sse *sse;
	char last_id[NC_SSE_ID_MAX];
	bool live;
	int64_t reopen_at, reopen_ms;		 /* monotonic ms */
	int64_t refresh_at, stats_at, detail_at; /* when due, 0 for not */
	int64_t periodic_at, refresh_every;
	bool announce;	       /* say on the status line when the refresh is done */
	struct tui_job detail; /* the detail view open (kind TUI_JOB_NONE: none) */
};

/* *at becomes t unless it is due sooner already. */
void tui_net_soon(int64_t *at, int64_t t);
/* Puts a message on the model's status line (an error when err) and wakes the UI. */
void tui_net_status(struct tui_net *n, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A failed request as "WHAT failed: " and the client's message, which
 * starts with what went wrong ("forbidden: ...") and gives the way out. */
void tui_net_failed(struct tui_net *n, const char *what, int ret, const struct nc_errinfo *ei);

/* The actions (net_act.c): each runs the CLI's command and reports on the status line. */
void tui_net_sync(struct tui_net *n, const struct tui_job *j); /* TUI_JOB_SYNC* */
void tui_net_approve(struct tui_net *n, const char *serial);
void tui_net_decommission(struct tui_net *n, const char *serial);
void tui_net_set_hub(struct tui_net *n, const char *serial, const char *hub);
void tui_net_link(struct tui_net *n, const struct tui_job *j); /* TUI_JOB_LINK_* */

#endif
