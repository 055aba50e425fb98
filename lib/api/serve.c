/* SPDX-License-Identifier: MIT */
#include "serve.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/auth.h"
#include "../core/core.h"
#include "../core/credentials.h"
#include "../core/pki.h"
#include "../events/events.h"
#include "../mqtt/mqtt.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "api.h"

/* How often the block of event ids recorded in the store is checked. */
#define EVENT_BLOCK_CHECK_S 10

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

/*
 * The device PKI of the data dir (made on first start), the key that seals
 * the store's secrets, and a CRL rewritten from the store so it never goes
 * stale while serve runs now and then.
 */
static int start_pki(const char *data_dir, struct nc_core *core, struct nc_errinfo *ei)
{
	unsigned char key[32];
	int ret = nc_pki_open(data_dir, &core->pki, NULL, ei);

	if (ret < 0)
		return ret;
	nc_pki_store_key(core->pki, key);
	ret = nc_store_set_seal_key(core->store, key);
	explicit_bzero(key, sizeof(key));
	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot seal the secrets of the store: %s",
			       nc_strerror(ret));
	ret = nc_store_begin(core->store);
	if (ret == 0) {
		ret = nc_core_pki_write_crl(core, ei);
		if (ret == 0)
			ret = nc_store_commit(core->store);
		else
			nc_store_rollback(core->store);
	}
	return ret;
}

/* Reads "username\npassword" from path into user and pass. */
static int read_auth(const char *path, char *user, size_t un, char *pass, size_t pn,
		     struct nc_errinfo *ei)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return nc_fail(ei, NC_ERR_IO, "mqtt-auth-file", "cannot read `%s': %s", path,
			       strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
		nc_warn("%s is readable by others: chmod 600 it", path);
	if (!fgets(user, (int)un, f) || !fgets(pass, (int)pn, f))
		ret = nc_fail(ei, NC_ERR_INVAL, "mqtt-auth-file",
			      "`%s' must hold the username on its first line and the password "
			      "on its second",
			      path);
	fclose(f);
	user[strcspn(user, "\r\n")] = '\0';
	pass[strcspn(pass, "\r\n")] = '\0';
	return ret;
}

/* The core's TLS identity in the data dir (docs/security.md); paths are PATH_MAX long. */
struct identity {
	char ca[4096], cert[4096], key[4096];
};

/*
 * The files serve presents to a TLS broker: each of --mqtt-cafile, --mqtt-cert
 * and --mqtt-key when given, else its counterpart in DATA_DIR/pki (ca.crt,
 * core.crt, core.key), checked with nc_mqtt_identity_check(). Over plain TCP
 * nothing is taken from the data dir, and without any client identity serve
 * warns once that the broker cannot tell devices apart.
 */
static int mqtt_identity(const struct nc_serve_opts *o, struct nc_mqtt_opts *mo,
			 struct identity *id, struct nc_errinfo *ei)
{
	if (!nc_mqtt_url_tls(o->mqtt_url)) {
		if (!o->mqtt_cert && !o->mqtt_auth_file)
			nc_warn("the broker %s is plain TCP without a client identity: any client "
				"on it can act as any device; use mqtts:// and a broker from "
				"`netctl broker-config'",
				o->mqtt_url);
		return 0;
	}
	snprintf(id->ca, sizeof(id->ca), "%s/pki/ca.crt", o->data_dir);
	snprintf(id->cert, sizeof(id->cert), "%s/pki/core.crt", o->data_dir);
	snprintf(id->key, sizeof(id->key), "%s/pki/core.key", o->data_dir);
	mo->cafile = o->mqtt_cafile ? o->mqtt_cafile : id->ca;
	mo->certfile = o->mqtt_cert ? o->mqtt_cert : id->cert;
	/* A certificate given alone may hold its key (nc_mqtt_opts). */
	mo->keyfile = o->mqtt_key ? o->mqtt_key : o->mqtt_cert ? NULL : id->key;
	return nc_mqtt_identity_check(mo->cafile, mo->certfile, mo->keyfile, ei);
}

static int start_mqtt(const struct nc_serve_opts *o, struct nc_sync_engine *engine,
		      struct nc_mqtt **out, struct nc_errinfo *ei)
{
	struct identity id;
	struct nc_mqtt_opts mo = {
		.url = o->mqtt_url,
		.client_id = o->mqtt_client_id ? o->mqtt_client_id : "netctl-core",
		.clean_session = false,
		.cafile = o->mqtt_cafile,
		.certfile = o->mqtt_cert,
		.keyfile = o->mqtt_key,
		.on_message = nc_sync_on_message,
		.on_connection = nc_sync_on_connection,
		.arg = engine,
	};
	char user[256] = "", pass[256] = "";
	int ret = 0;

	ret = mqtt_identity(o, &mo, &id, ei);
	if (ret == 0 && o->mqtt_auth_file) {
		ret = read_auth(o->mqtt_auth_file, user, sizeof(user), pass, sizeof(pass), ei);
		mo.username = user;
		mo.password = pass;
	}
	if (ret == 0)
		ret = nc_mqtt_new(&mo, out, ei);
	for (size_t i = 0; ret == 0 && nc_proto_core_filters[i]; i++)
		ret = nc_mqtt_subscribe(*out, nc_proto_core_filters[i],
					nc_proto_core_filter_qos(i));
	memset(pass, 0, sizeof(pass));
	return ret;
}

/*
 * Takes the block of event ids for this start (events.h) and records it in
 * the store before any event exists, so that a later start takes a higher
 * one. *block is the block taken.
 */
static int take_event_block(struct nc_store *st, uint64_t *block, struct nc_errinfo *ei)
{
	int64_t recorded = 0;
	int ret = nc_store_begin(st);

	if (ret < 0)
		goto out;
	ret = nc_store_meta_get(st, NC_STORE_META_EVENT_BLOCK, &recorded);
	if (ret == NC_ERR_NOTFOUND)
		ret = 0;
	if (ret == 0) {
		*block = nc_events_block_next((uint64_t)recorded);
		ret = nc_store_meta_put(st, NC_STORE_META_EVENT_BLOCK, (int64_t)*block);
	}
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
out:
	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot record this start in the store: %s",
			       nc_strerror(ret));
	if (*block <= (uint64_t)recorded)
		nc_warn("event ids wrapped around to block %" PRIu64
			" (the store had block %" PRId64 "): ids of long ago may be issued again",
			*block, recorded);
	return 0;
}

/* Records a higher block of event ids when the ring's ids need it
 * (nc_events_block_needed); *recorded is the block in the store. A failure
 * is logged and tried again at the next check. */
static void keep_event_block(struct nc_store *st, struct nc_events *ev, uint64_t *recorded)
{
	uint64_t need = nc_events_block_needed(nc_events_last_id(ev));
	int ret;

	if (need <= *recorded)
		return;
	ret = nc_store_meta_put(st, NC_STORE_META_EVENT_BLOCK, (int64_t)need);
	if (ret == 0)
		*recorded = need;
	else
		nc_err("cannot record event id block %" PRIu64 " in the store: %s", need,
		       nc_strerror(ret));
}

/*
 * Opens what the core runs on, into *core: the data directory, the store,
 * the PKI, the event ring after this start's block of ids (*block) and the
 * first admin token. On failure what was opened stays in *core for the
 * caller to close.
 */
static int open_core(const struct nc_serve_opts *o, struct nc_core *core, uint64_t *block,
		     struct nc_errinfo *ei)
{
	char path[4096];
	int ret, created;

	ret = prepare_dir(o->data_dir, ei);
	if (ret < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/netctl.db", o->data_dir);
	ret = nc_store_open_sqlite(path, &core->store, ei);
	if (ret < 0)
		goto out;
	ret = start_pki(o->data_dir, core, ei);
	if (ret == 0)
		ret = take_event_block(core->store, block, ei);
	if (ret < 0)
		goto out;
	core->events = nc_events_new_after(o->event_ring ? o->event_ring : 65536,
					   *block << NC_EVENTS_BLOCK_SHIFT);
	snprintf(path, sizeof(path), "%s/admin.token", o->data_dir);
	ret = nc_core_token_bootstrap(core, path, &created, ei);
	if (ret == 0 && created)
		nc_info("first start: wrote an admin token to %s (mode 0600)", path);
out:
	return ret;
}

/* Says where the API listens: in the log, and on o->announce when set. */
static void announce(const struct nc_serve_opts *o, struct nc_api *api)
{
	const char *open = strchr(o->host, ':') ? "[" : "", *close = *open ? "]" : "";

	nc_info("listening on http://%s%s%s:%u, data in %s, broker %s", open, o->host, close,
		nc_api_port(api), o->data_dir, o->mqtt_url ? o->mqtt_url : "none");
	if (o->announce) {
		fprintf(o->announce, "http://%s%s%s:%u\n", open, o->host, close, nc_api_port(api));
		fflush(o->announce);
	}
}

int nc_serve_run(const struct nc_serve_opts *o, struct nc_errinfo *ei)
{
	struct nc_api_config acfg = {.host = o->host, .port = o->port, .limits = o->limits};
	struct nc_sync_engine *engine = NULL;
	struct nc_core core = {0};
	struct nc_mqtt *mqtt = NULL;
	struct nc_api *api = NULL;
	struct timespec check = {.tv_sec = EVENT_BLOCK_CHECK_S};
	uint64_t block = 0;
	sigset_t sigs;
	int ret, sig;

	/* Block the stop signals before any thread starts, so every thread
	 * inherits the mask and only sigwait below sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	ret = open_core(o, &core, &block, ei);
	if (ret == 0)
		ret = nc_sync_engine_new(&core, NULL, &o->sync, &engine, ei);
	if (ret == 0 && o->mqtt_url)
		ret = start_mqtt(o, engine, &mqtt, ei);
	if (ret < 0)
		goto out;
	nc_sync_engine_set_mqtt(engine, mqtt);
	acfg.core = &core;
	acfg.sync = engine;
	ret = nc_api_start(&acfg, &api, ei);
	if (ret < 0)
		goto out;
	announce(o, api);
	do {
		sig = sigtimedwait(&sigs, NULL, &check);
		if (sig < 0)
			keep_event_block(core.store, core.events, &block);
	} while (sig < 0);
	nc_info("%s: stopping", strsignal(sig));
	ret = 0;
out:
	if (core.events)
		nc_events_close(core.events);
	nc_api_stop(api);
	nc_sync_engine_stop(engine);
	nc_mqtt_free(mqtt);
	nc_sync_engine_free(engine);
	nc_events_free(core.events);
	nc_store_close(core.store);
	nc_pki_free(core.pki);
	return ret;
}
