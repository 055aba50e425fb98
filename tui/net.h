/* SPDX-License-Identifier: MIT */
#ifndef NC_TUI_NET_H
#define NC_TUI_NET_H

/*
 * The dashboard's network thread. It owns the HTTP client, follows
 * /v1/events with lib/client's SSE reader (resuming with Last-Event-ID
 * after a loss), applies each event to the model, reads the lists again on
 * a gap, after a reconnect, after writes by others and every few seconds,
 * and runs the jobs the UI posts (Sync Now, approve, details). After each
 * change to the model it writes a byte to the wake pipe, so the UI thread,
 * which never waits on the network, redraws. Signals are blocked on it.
 */

#include "model.h"

struct nc_client;
struct nc_errinfo;

enum tui_job_kind {
	TUI_JOB_NONE,
	TUI_JOB_REFRESH,      /* read every list again */
	TUI_JOB_SYNC,	      /* Sync Now for serial, or for serials when set */
	TUI_JOB_SYNC_PENDING, /* Sync Now for every pending device */
	TUI_JOB_SYNC_ALL,     /* Sync Now for every device */
	TUI_JOB_APPROVE,      /* approve connector serial */
	TUI_JOB_DECOMMISSION, /* decommission connector serial */
	TUI_JOB_SET_HUB,      /* connector serial's hub becomes arg ("none": no hub) */
	TUI_JOB_LINK_ADD,     /* link serial and arg in group of tenant */
	TUI_JOB_LINK_REMOVE,  /* remove that link */
	TUI_JOB_DETAIL,	      /* fill the model's detail view for serial (connector or edge) */
	TUI_JOB_DETAIL_CLOSE, /* the detail view is closed */
};

/* The most rows marked for one Sync Now. */
#define TUI_MARKS_MAX 1024

struct tui_job {
	enum tui_job_kind kind;
	char serial[TUI_STR];
	char arg[TUI_STR];		      /* a hub, a link's other end */
	char group[TUI_STR], tenant[TUI_STR]; /* a link's peering group and its tenant */
	char *serials;			      /* TUI_JOB_SYNC: serials separated by spaces (owned by
						 the job: the network thread frees it), or NULL */
	bool connector;			      /* TUI_JOB_DETAIL: a connector, else an edge */
};

struct tui_net;

/*
 * Starts the thread. c (taken over: freed by tui_net_stop) is used by that
 * thread only; m is borrowed; wake_fd is the write end of a non-blocking
 * pipe. Returns 0, or NC_ERR_INTERNAL with ei filled.
 */
int tui_net_start(struct nc_client *c, struct tui_model *m, int wake_fd, struct tui_net **out,
		  struct nc_errinfo *ei);
/* Queues a job (copied; its serials taken over); never blocks on the
 * network. A full queue drops the job (freeing serials) and says so on the
 * status line. */
void tui_net_post(struct tui_net *n, const struct tui_job *job);
/* Called by the UI after it drained the wake pipe. */
void tui_net_woken(struct tui_net *n);
/* Stops and joins the thread (within a request's timeout at worst), frees n. */
void tui_net_stop(struct tui_net *n);

#endif
