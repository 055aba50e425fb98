/* SPDX-License-Identifier: MIT */
#include "serve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../api/api.h"
#include "../events/events.h"
#include "../store/store.h"
#include "auth.h"
#include "core.h"
#include "../util/err.h"
#include "../util/log.h"

/* Creates dir (mode 0700) unless it exists; it must be a writable directory. */
static int prepare_dir(const char *dir, struct nc_errinfo *ei)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return nc_fail(ei, NC_ERR_IO, "data-dir", "cannot create data dir `%s': %s", dir,
			       strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return nc_fail(ei, NC_ERR_IO, "data-dir", "data dir `%s' is not a directory", dir);
	if (access(dir, W_OK | X_OK) < 0)
		return nc_fail(ei, NC_ERR_IO, "data-dir", "data dir `%s' is not writable: %s", dir,
			       strerror(errno));
	return 0;
}

int nc_serve_run(const struct nc_serve_opts *o, struct nc_errinfo *ei)
{
	struct nc_api_config acfg = { .host = o->host, .port = o->port };
	struct nc_core core = { 0 };
	struct nc_store *store = NULL;
	struct nc_api *api = NULL;
	char path[4096];
	sigset_t sigs;
	int ret, sig, created;

	/* Block the stop signals before any thread starts, so every thread
	 * inherits the mask and only sigwait below sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	ret = prepare_dir(o->data_dir, ei);
	if (ret < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/netctl.db", o->data_dir);
	ret = nc_store_open_sqlite(path, &store, ei);
	if (ret < 0)
		goto out;
	core.store = store;
	core.events = nc_events_new(o->event_ring ? o->event_ring : 65536);
	snprintf(path, sizeof(path), "%s/admin.token", o->data_dir);
	ret = nc_core_token_bootstrap(&core, path, &created, ei);
	if (ret < 0)
		goto out;
	if (created)
		nc_info("first start: wrote an admin token to %s (mode 0600)", path);
	acfg.core = &core;
	ret = nc_api_start(&acfg, &api, ei);
	if (ret < 0)
		goto out;
	nc_info("listening on http://%s%s%s:%u, data in %s", strchr(o->host, ':') ? "[" : "",
		o->host, strchr(o->host, ':') ? "]" : "", nc_api_port(api), o->data_dir);
	if (o->announce) {
		fprintf(o->announce, "http://%s%s%s:%u\n", strchr(o->host, ':') ? "[" : "",
			o->host, strchr(o->host, ':') ? "]" : "", nc_api_port(api));
		fflush(o->announce);
	}
	sigwait(&sigs, &sig);
	nc_info("%s: stopping", strsignal(sig));
	ret = 0;
out:
	if (core.events)
		nc_events_close(core.events);
	nc_api_stop(api);
	nc_events_free(core.events);
	nc_store_close(store);
	return ret;
}
