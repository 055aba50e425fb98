/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's network thread: one loop that runs the UI's jobs, reads
 * the lists when due, and follows the event stream in slices of STEP_MS,
 * so a job waits at most one slice. Every request is made here, on the one
 * client this thread owns; the model is changed under its lock.
 */
#include "net.h"
#include "net_impl.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/describe.h"
#include "../lib/client/client.h"
#include "../lib/client/sse.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/xmalloc.h"
#include "tui.h"

#define STEP_MS	       50     /* longest wait for a job while following events */
#define REFRESH_MS     5000   /* lists are read again this often while live... */
#define REFRESH_FACTOR 10     /* ...or 10 times as long as reading them took */
#define DEBOUNCE_MS    250    /* after an event that asks for the lists or stats */
#define REOPEN_MIN_MS  250    /* the first wait before opening the stream again */
#define REOPEN_MAX_MS  4000   /* the longest */
#define PAGE_LIMIT     "1000" /* items per page of a list */
#define MAX_PAGES      1000   /* pages read of a list: 1,000,000 rows */
#define MAX_GROUPS     500    /* peering groups read with their links */

static void wake(struct tui_net *n)
{
	if (!atomic_exchange(&n->wake_pending, true)) {
		char b = 1;
		ssize_t w = write(n->wake_fd, &b, 1);

		(void)w; /* a full pipe wakes the UI all the same */
	}
}

void tui_net_woken(struct tui_net *n)
{
	atomic_store(&n->wake_pending, false);
}

/* *at becomes t unless it is due sooner already. */
void tui_net_soon(int64_t *at, int64_t t)
{
	if (*at == 0 || *at > t)
		*at = t;
}

void tui_net_status(struct tui_net *n, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_model_vsay(n->m, err, fmt, ap);
	va_end(ap);
	wake(n);
}

/* A failed request as "WHAT failed: " and the client's message, which
 * starts with what went wrong ("forbidden: ...") and gives the way out. */
void tui_net_failed(struct tui_net *n, const char *what, int ret, const struct nc_errinfo *ei)
{
	tui_net_status(n, true, "%s failed: %s", what, ei->msg[0] ? ei->msg : nc_strerror(ret));
}

/* The path of a group, naming its tenant when the client acts in none. */
static int group_path(struct tui_net *n, const char *name, const char *tenant, char *buf, size_t sz)
{
	int ret = nc_client_pathf(buf, sz, "/v1/peerings/%s", name);

	if (ret == 0 && !n->c->tenant && tenant[0])
		ret = nc_client_query(buf, sz, "tenant", tenant);
	return ret;
}

/* Reads the groups, each with its links; *out owned by the caller. */
static int read_groups(struct tui_net *n, struct tui_peering **out, size_t *nout,
		       struct nc_errinfo *ei)
{
	json_t *list = NULL, *items, *it;
	struct tui_peering *v = NULL;
	size_t i, k = 0;
	int ret = nc_client_list(n->c, "/v1/peerings", 0, 1, &list, ei);

	if (ret < 0)
		goto out;
	items = json_object_get(list, "items");
	v = nc_xcalloc(json_array_size(items) + 1, sizeof(*v));
	json_array_foreach(items, i, it) {
		const char *name = json_string_value(json_object_get(it, "name"));
		const char *tenant = json_string_value(json_object_get(it, "tenant"));
		json_t *g = NULL;
		char path[512];

		if (k >= MAX_GROUPS || atomic_load(&n->stop))
			break;
		if (!name)
			continue;
		ret = group_path(n, name, tenant ? tenant : "", path, sizeof(path));
		if (ret == 0)
			ret = nc_client_request(n->c, "GET", path, NULL, NULL, &g, ei);
		/* A group deleted meanwhile is left out. */
		if (ret == NC_ERR_NOTFOUND) {
			json_decref(g);
			ret = 0;
			continue;
		}
		if (ret == 0 && tui_group_parse(g, &v[k]))
			k++;
		json_decref(g);
		if (ret < 0)
			goto out;
	}
out:
	json_decref(list);
	if (ret < 0) {
		for (i = 0; i < k; i++)
			tui_group_clear(&v[i]);
		free(v);
		v = NULL;
		k = 0;
	}
	*out = v;
	*nout = k;
	return ret;
}

/* GET /v1/stats, the numbers of `connector stats'; *reply owned by the caller. */
static int get_stats(struct tui_net *n, json_t **reply, struct nc_errinfo *ei)
{
	return nc_client_request(n->c, "GET", "/v1/stats", NULL, NULL, reply, ei);
}

/* The stat cards again, once the first snapshot is in: before it they are
 * part of that snapshot (refresh), never shown beside lists read earlier. */
static int read_stats(struct tui_net *n, struct nc_errinfo *ei)
{
	json_t *reply = NULL;
	int ret = get_stats(n, &reply, ei);

	if (ret == 0) {
		pthread_mutex_lock(&n->m->lock);
		if (n->m->refreshed_at) {
			tui_model_set_stats(n->m, reply);
			reply = NULL;
		}
		pthread_mutex_unlock(&n->m->lock);
		wake(n);
	}
	json_decref(reply);
	return ret;
}

/* Reads every list and the stats, and puts them in the model at once. */
static void refresh(struct tui_net *n)
{
	struct tui_devs conns = {0}, edges = {.edges = true};
	char *conns_next = NULL, *edges_next = NULL;
	json_t *sync = NULL;
	struct tui_conn *cv = NULL;
	struct tui_edge *ev = NULL;
	struct tui_peering *gv = NULL;
	json_t *stats = NULL;
	size_t nc = 0, ne = 0, ng = 0;
	struct nc_errinfo ei = {0};
	int64_t t0 = nc_time_mono_ms();
	bool more;
	int ret;

	/* Page by page into rows: never every page's JSON at once. */
	ret = nc_client_pages(n->c, "/v1/connectors?limit=" PAGE_LIMIT, 1, MAX_PAGES, tui_devs_add,
			      &conns, &conns_next, &ei);
	if (ret == 0)
		ret = nc_client_pages(n->c, "/v1/edges?limit=" PAGE_LIMIT, 1, MAX_PAGES,
				      tui_devs_add, &edges, &edges_next, &ei);
	if (ret == 0)
		ret = nc_client_list(n->c, "/v1/sync?type=edge&limit=" PAGE_LIMIT, 1, MAX_PAGES,
				     &sync, &ei);
	if (ret == 0)
		ret = read_groups(n, &gv, &ng, &ei);
	if (ret == 0)
		ret = get_stats(n, &stats, &ei);
	if (ret < 0) {
		/* A lost server shows in the header; other failures here. */
		if (ret != NC_ERR_UNREACHABLE || n->announce)
			tui_net_failed(n, "refresh", ret, &ei);
		goto out;
	}
	nc = tui_devs_take(&conns, &cv);
	ne = tui_devs_take(&edges, &ev);
	more = conns_next || edges_next;
	pthread_mutex_lock(&n->m->lock);
	tui_model_set_conns(n->m, cv, nc);
	tui_model_set_edges(n->m, ev, ne);
	tui_model_set_edge_sync(n->m, json_object_get(sync, "items"));
	tui_model_set_groups(n->m, gv, ng);
	/* One snapshot: the cards and the rows change in the same frame. */
	tui_model_set_stats(n->m, stats);
	stats = NULL;
	n->m->truncated = more;
	n->m->refreshed_at = nc_time_now();
	if (n->announce)
		tui_model_status(n->m, false, "refreshed: %zu connectors, %zu edges, %zu peerings",
				 nc, ne, ng);
	pthread_mutex_unlock(&n->m->lock);
	gv = NULL;
	wake(n);
	if (n->detail.kind == TUI_JOB_DETAIL)
		tui_net_soon(&n->detail_at, nc_time_mono_ms());
out:
	for (size_t i = 0; gv && i < ng; i++)
		tui_group_clear(&gv[i]);
	free(gv);
	n->announce = false;
	free(conns.v);
	free(edges.v);
	free(conns_next);
	free(edges_next);
	json_decref(sync);
	json_decref(stats);
	/* Large fleets are read less often: the load stays bounded. */
	n->refresh_every = (nc_time_mono_ms() - t0) * REFRESH_FACTOR;
	if (n->refresh_every < REFRESH_MS)
		n->refresh_every = REFRESH_MS;
	n->periodic_at = nc_time_mono_ms() + n->refresh_every;
}

/* Fills the model's detail view for n->detail: the describe view of
 * `connector show' (cli_describe_fetch). */
static void read_detail(struct tui_net *n)
{
	struct tui_line *lines = nc_xcalloc(TUI_DETAIL_MAX, sizeof(*lines));
	struct nc_errinfo ei = {0};
	json_t *view = NULL;
	size_t k = 0, split = 0;
	int ret = cli_describe_fetch(n->c, n->detail.serial, n->detail.connector, &view, &ei);

	if (ret == 0) {
		k = tui_detail_device(view, nc_time_now(), lines, TUI_DETAIL_MAX, &split);
	} else {
		snprintf(lines[0].text, sizeof(lines[0].text), "cannot read %s: %.200s",
			 n->detail.serial, ei.msg[0] ? ei.msg : nc_strerror(ret));
		snprintf(lines[0].word, sizeof(lines[0].word), "failed");
		k = split = 1;
	}
	pthread_mutex_lock(&n->m->lock);
	if (strcmp(n->m->detail_key, n->detail.serial) == 0) {
		memcpy(n->m->detail, lines, k * sizeof(*lines));
		n->m->ndetail = k;
		n->m->detail_split = split;
		n->m->detail_ready = true;
		n->m->version++;
	}
	pthread_mutex_unlock(&n->m->lock);
	wake(n);
	json_decref(view);
	free(lines);
}

static void run_job(struct tui_net *n, const struct tui_job *j)
{
	switch (j->kind) {
	case TUI_JOB_REFRESH:
		n->announce = true;
		tui_net_soon(&n->refresh_at, nc_time_mono_ms());
		break;
	case TUI_JOB_SYNC:
	case TUI_JOB_SYNC_PENDING:
	case TUI_JOB_SYNC_ALL:
		tui_net_sync(n, j);
		break;
	case TUI_JOB_APPROVE:
		tui_net_approve(n, j->serial);
		break;
	case TUI_JOB_DECOMMISSION:
		tui_net_decommission(n, j->serial);
		break;
	case TUI_JOB_SET_HUB:
		tui_net_set_hub(n, j->serial, j->arg);
		break;
	case TUI_JOB_LINK_ADD:
	case TUI_JOB_LINK_REMOVE:
		tui_net_link(n, j);
		break;
	case TUI_JOB_DETAIL:
		n->detail = *j;
		read_detail(n);
		break;
	case TUI_JOB_DETAIL_CLOSE:
		n->detail.kind = TUI_JOB_NONE;
		n->detail_at = 0;
		break;
	case TUI_JOB_NONE:
		break;
	}
}

/* Runs the jobs waiting; with none and no stream, waits up to ms for one. */
static void run_jobs(struct tui_net *n, int ms)
{
	struct tui_job j;

	pthread_mutex_lock(&n->qlock);
	if (n->qn == 0 && ms > 0 && !atomic_load(&n->stop)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)ms * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&n->qcond, &n->qlock, &ts);
	}
	while (n->qn > 0 && !atomic_load(&n->stop)) {
		j = n->q[n->qhead];
		n->qhead = (n->qhead + 1) % QUEUE_MAX;
		n->qn--;
		pthread_mutex_unlock(&n->qlock);
		run_job(n, &j);
		free(j.serials);
		pthread_mutex_lock(&n->qlock);
	}
	pthread_mutex_unlock(&n->qlock);
}

static int on_event(void *arg, const struct nc_sse_event *sev)
{
	struct tui_net *n = arg;
	json_t *ev = json_loadb(sev->data, sev->len, 0, NULL);
	int64_t now = nc_time_mono_ms();
	const char *dev;
	unsigned r;

	if (!json_is_object(ev)) {
		/* Clients ignore what they do not understand (api.md). */
		json_decref(ev);
		return 0;
	}
	pthread_mutex_lock(&n->m->lock);
	r = tui_model_apply_event(n->m, ev, sev->data);
	pthread_mutex_unlock(&n->m->lock);
	if (r & TUI_EV_GAP)
		tui_net_soon(&n->refresh_at, now);
	if (r & TUI_EV_LISTS)
		tui_net_soon(&n->refresh_at, now + DEBOUNCE_MS);
	if (r & TUI_EV_STATS)
		tui_net_soon(&n->stats_at, now + DEBOUNCE_MS);
	dev = json_string_value(json_object_get(ev, "device"));
	if (n->detail.kind == TUI_JOB_DETAIL && dev && strcmp(dev, n->detail.serial) == 0)
		tui_net_soon(&n->detail_at, now + DEBOUNCE_MS);
	json_decref(ev);
	wake(n);
	return 0;
}

static void set_link(struct tui_net *n, enum tui_link_state st, const char *msg)
{
	pthread_mutex_lock(&n->m->lock);
	n->m->link = st;
	snprintf(n->m->link_msg, sizeof(n->m->link_msg), "%s", msg ? msg : "");
	n->m->version++;
	pthread_mutex_unlock(&n->m->lock);
	n->live = st == TUI_LINK_LIVE;
	wake(n);
}

/* Called from within nc_sse_poll, on this thread. */
static void on_status(void *arg, enum nc_sse_change what, const char *msg)
{
	struct tui_net *n = arg;

	if (what == NC_SSE_OPENED) {
		set_link(n, TUI_LINK_LIVE, NULL);
		n->reopen_ms = REOPEN_MIN_MS;
		/* Events may have been missed while away (a restarted server
		 * numbers them from 1 again): read everything. */
		tui_net_soon(&n->refresh_at, nc_time_mono_ms());
	} else {
		set_link(n, TUI_LINK_LOST, msg);
	}
}

/* Follows the stream for one slice, opening it again when it is due. */
static void follow(struct tui_net *n)
{
	struct nc_sse_opts o = {.reconnect = true, .on_status = on_status, .status_arg = n};
	struct nc_errinfo ei = {0};
	int64_t now = nc_time_mono_ms();
	char msg[TUI_TEXT];
	int ret;

	if (!n->sse && now < n->reopen_at) {
		run_jobs(n, (int)(n->reopen_at - now < STEP_MS ? n->reopen_at - now : STEP_MS));
		return;
	}
	if (!n->sse && nc_sse_open(n->c, "/v1/events", n->last_id, &o, &n->sse) < 0) {
		nc_sse_free(n->sse);
		n->sse = NULL;
		n->reopen_at = now + REOPEN_MAX_MS;
		return;
	}
	ret = nc_sse_poll(n->sse, STEP_MS, on_event, n, &ei);
	if (ret == 0)
		return;
	/* Refused or never opened: the reader is spent. Start a new one after
	 * a delay, resuming after the last event seen. */
	snprintf(n->last_id, sizeof(n->last_id), "%s", nc_sse_last_id(n->sse));
	nc_sse_free(n->sse);
	n->sse = NULL;
	n->reopen_at = nc_time_mono_ms() + n->reopen_ms;
	snprintf(msg, sizeof(msg), "%s; retrying in %.1fs", ei.msg[0] ? ei.msg : nc_strerror(ret),
		 (double)n->reopen_ms / 1000);
	set_link(n, TUI_LINK_LOST, msg);
	n->reopen_ms = n->reopen_ms * 2 > REOPEN_MAX_MS ? REOPEN_MAX_MS : n->reopen_ms * 2;
}

static void *run(void *arg)
{
	struct tui_net *n = arg;
	struct nc_errinfo ei = {0};

	while (!atomic_load(&n->stop)) {
		int64_t now;

		run_jobs(n, 0);
		now = nc_time_mono_ms();
		if (n->live && n->periodic_at && now >= n->periodic_at)
			tui_net_soon(&n->refresh_at, now);
		if (n->refresh_at && now >= n->refresh_at) {
			n->refresh_at = n->stats_at = 0;
			refresh(n);
		} else if (n->stats_at && now >= n->stats_at) {
			n->stats_at = 0;
			read_stats(n, &ei);
		}
		if (n->detail_at && now >= n->detail_at && n->detail.kind == TUI_JOB_DETAIL) {
			n->detail_at = 0;
			read_detail(n);
		}
		if (!atomic_load(&n->stop))
			follow(n);
	}
	return NULL;
}

int tui_net_start(struct nc_client *c, struct tui_model *m, int wake_fd, struct tui_net **out,
		  struct nc_errinfo *ei)
{
	struct tui_net *n = nc_xcalloc(1, sizeof(*n));
	sigset_t all, old;
	int err;

	n->c = c;
	n->m = m;
	n->wake_fd = wake_fd;
	atomic_init(&n->wake_pending, false);
	atomic_init(&n->stop, false);
	pthread_mutex_init(&n->qlock, NULL);
	pthread_cond_init(&n->qcond, NULL);
	n->reopen_ms = REOPEN_MIN_MS;
	n->refresh_at = nc_time_mono_ms();
	/* Signals (Ctrl-C, SIGWINCH) are for the UI thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&n->thread, NULL, run, n);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		pthread_mutex_destroy(&n->qlock);
		pthread_cond_destroy(&n->qcond);
		free(n);
		return nc_fail(ei, NC_ERR_INTERNAL, NULL, "cannot start the network thread: %s",
			       strerror(err));
	}
	*out = n;
	return 0;
}

void tui_net_post(struct tui_net *n, const struct tui_job *job)
{
	bool full;

	pthread_mutex_lock(&n->qlock);
	full = n->qn == QUEUE_MAX;
	if (!full) {
		n->q[(n->qhead + n->qn) % QUEUE_MAX] = *job;
		n->qn++;
		pthread_cond_signal(&n->qcond);
	}
	pthread_mutex_unlock(&n->qlock);
	if (full) {
		free(job->serials);
		pthread_mutex_lock(&n->m->lock);
		tui_model_status(n->m, true, "busy: %d requests are waiting; try again", QUEUE_MAX);
		pthread_mutex_unlock(&n->m->lock);
	}
}

void tui_net_stop(struct tui_net *n)
{
	if (!n)
		return;
	atomic_store(&n->stop, true);
	pthread_mutex_lock(&n->qlock);
	pthread_cond_signal(&n->qcond);
	pthread_mutex_unlock(&n->qlock);
	pthread_join(n->thread, NULL);
	/* Jobs never run give back what they hold. */
	for (size_t i = 0; i < n->qn; i++)
		free(n->q[(n->qhead + i) % QUEUE_MAX].serials);
	nc_sse_free(n->sse);
	nc_client_free(n->c);
	pthread_mutex_destroy(&n->qlock);
	pthread_cond_destroy(&n->qcond);
	free(n);
}
