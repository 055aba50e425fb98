/* SPDX-License-Identifier: MIT */
/*
 * The fleet: N simulated devices in one process, each with its own key pair
 * and in-memory state, running the same protocol code as the real agent
 * (agent.c) with an applier that changes nothing. The devices share a few
 * MQTT connections (docs/agent.md says why), each subscribed to the exact
 * batch topics of its devices; with --credentials-dir each device has its own
 * connection and certificate, as a real one does.
 */
#include "agent.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../model/validate.h"
#include "../mqtt/mqtt.h"
#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/xmalloc.h"
#include "internal.h"

#define DEFAULT_CONNECTIONS 8
#define MAX_WORKERS	    4
#define SPREAD_MAX_MS	    2000 /* first requests of a connection spread over at most this */

/* A number in [0, 1) fixed by the seed and the strings. */
static double draw(uint64_t seed, const char *const *strs)
{
	return (double)(nc_agent_hash(seed, strs) >> 11) * 0x1.0p-53;
}

/*
 * --fail-rate: a batch fails with that probability, on one of its commands;
 * the same batch on the same device always fails the same way (as a real
 * bad command would), a new batch draws again. Removals never fail.
 */
static int fleet_apply(const struct nc_agent_env *env, const char *topic, const json_t *body,
		       const json_t *old, char *err, size_t n)
{
	const char *const key[] = {env->serial, env->batch_hash, "fail", NULL};
	const char *const which[] = {env->serial, env->batch_hash, "index", NULL};

	if (!body || env->fail_rate <= 0 || !env->batch_hash)
		return 0;
	if (draw(env->seed, key) >= env->fail_rate)
		return 0;
	if (env->count == 0 || nc_agent_hash(env->seed, which) % env->count != env->index)
		return 0;
	snprintf(err, n, "simulated failure of %s (--fail-rate %g)", topic, env->fail_rate);
	return NC_ERR_IO;
}

static int fleet_tunnels(const struct nc_agent_env *env, const json_t *owned,
			 struct nc_tunnel_status *out)
{
	return nc_agent_tunnels_declared(owned, out);
}

static const struct nc_agent_applier fleet_applier = {
	.name = "fleet",
	.apply = fleet_apply,
	.tunnels = fleet_tunnels,
};

/* 32 bytes as 44 base64 characters, as wg prints keys. */
static void base64_32(const unsigned char in[32], char out[45])
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t k = 0;

	for (size_t i = 0; i < 32; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < 32)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < 32)
			v |= in[i + 2];
		out[k++] = digits[(v >> 18) & 63];
		out[k++] = digits[(v >> 12) & 63];
		out[k++] = i + 1 < 32 ? digits[(v >> 6) & 63] : '=';
		out[k++] = i + 2 < 32 ? digits[v & 63] : '=';
	}
	out[k] = '\0';
}

/* The device's key pair, derived from the seed: simulated devices keep no secrets. */
static int fleet_keys(uint64_t seed, const char *serial, char pub[NC_KEY_B64_MAX])
{
	unsigned char raw[32];
	char priv[NC_KEY_B64_MAX], part[8];
	int ret;

	for (int i = 0; i < 4; i++) {
		uint64_t h;

		snprintf(part, sizeof(part), "key%d", i);
		h = nc_agent_hash(seed, (const char *const[]){serial, part, NULL});
		memcpy(raw + 8 * i, &h, 8);
	}
	raw[0] &= 248;
	raw[31] &= 127;
	raw[31] |= 64;
	base64_32(raw, priv);
	ret = nc_crypto_x25519_public(priv, pub);
	explicit_bzero(priv, sizeof(priv));
	explicit_bzero(raw, sizeof(raw));
	return ret;
}

/*
 * --credentials-dir: c, the device's own connection, gets the files of
 * DIR/<serial>/ (checked now, so a missing one is named at start). The
 * --mqtt-cafile, --mqtt-cert and --mqtt-key options win.
 */
static int own_identity(const struct nc_agent_broker *b, struct agent_conn *c, const char *serial,
			struct nc_errinfo *ei)
{
	const char *dir = b->credentials_dir;

	if (b->cafile)
		c->cafile = nc_xstrdup(b->cafile);
	else
		c->cafile = nc_xasprintf("%s/%s/ca.crt", dir, serial);
	if (b->cert)
		c->certfile = nc_xstrdup(b->cert);
	else
		c->certfile = nc_xasprintf("%s/%s/device.crt", dir, serial);
	if (b->key)
		c->keyfile = nc_xstrdup(b->key);
	else if (!b->cert)
		c->keyfile = nc_xasprintf("%s/%s/device.key", dir, serial);
	snprintf(c->client_id, sizeof(c->client_id), "netctl-agent-%s", serial);
	return nc_mqtt_identity_check(c->cafile, c->certfile, c->keyfile, ei);
}

/* Whether --credentials-dir holds a folder for serial (a device with no credentials,
 * e.g. a decommissioned one, is left out of `credentials --all'). */
static bool has_folder(const struct nc_fleet_opts *o, const char *serial)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", o->broker.credentials_dir, serial);
	return stat(path, &st) == 0 || errno != ENOENT;
}

/*
 * The fleet opens one connection per device for as many files as a device
 * with certificates needs: every descriptor the hard limit allows.
 */
static void raise_fd_limit(size_t want)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= r.rlim_max)
		return;
	r.rlim_cur = r.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		nc_warn("cannot raise the limit of open files: %s", strerror(errno));
	else if (r.rlim_cur != RLIM_INFINITY && want > r.rlim_cur)
		nc_warn("%zu connections need more files than the limit of %llu (ulimit -Hn)", want,
			(unsigned long long)r.rlim_cur);
}

static int setup(struct agent_loop *l, const struct nc_fleet_opts *o, struct nc_errinfo *ei)
{
	size_t width = 4, offline = 0, uncredentialed = 0;
	char serial[NC_SERIAL_MAX + 8];
	unsigned k;
	int ret = 0;

	for (size_t m = 10000; m <= o->n; m *= 10)
		width++;
	l->n = o->n;
	l->devs = nc_xcalloc(o->n, sizeof(*l->devs));
	l->nconns = o->connections ? o->connections : DEFAULT_CONNECTIONS;
	/* An identity is per connection: one each. */
	if (o->broker.credentials_dir)
		l->nconns = o->n;
	if (l->nconns > o->n)
		l->nconns = o->n;
	l->conns = nc_xcalloc(l->nconns, sizeof(*l->conns));
	for (k = 0; k < l->nconns; k++) {
		l->conns[k].devs = nc_xcalloc(o->n / l->nconns + 1, sizeof(*l->conns[k].devs));
		snprintf(l->conns[k].client_id, sizeof(l->conns[k].client_id),
			 "netctl-fleet-%.40s-%ld-%u", o->prefix, (long)getpid(), k);
	}
	for (size_t i = 0; ret == 0 && i < o->n; i++) {
		struct agent_dev *d = &l->devs[i];
		struct agent_conn *c = &l->conns[i % l->nconns];

		snprintf(serial, sizeof(serial), "%s%0*zu", o->prefix, (int)width, i + 1);
		if (strlen(serial) >= NC_SERIAL_MAX || !nc_valid_serial(serial)) {
			ret = nc_fail(ei, NC_ERR_USAGE, "serial-prefix",
				      "`%s' does not make valid serials (%s)", o->prefix, serial);
			break;
		}
		nc_agent_dev_init(d, l, i, serial);
		d->conn = c;
		c->devs[c->n++] = d;
		c->own = o->broker.credentials_dir != NULL;
		/* Evenly spread over every interval by position. */
		d->phase = (double)i / (double)o->n;
		d->offline = o->offline_rate > 0 &&
			     draw(o->seed, (const char *const[]){serial, "offline", NULL}) <
				     o->offline_rate;
		offline += d->offline;
		ret = fleet_keys(o->seed, serial, d->pub);
		if (ret < 0)
			nc_fail(ei, ret, NULL, "cannot derive the key pair of %s", serial);
		else if (o->broker.credentials_dir && !d->offline && !has_folder(o, serial))
			uncredentialed++;
		else if (o->broker.credentials_dir && !d->offline)
			ret = own_identity(&o->broker, c, serial, ei);
		d->offline = d->offline || (c->own && !c->certfile);
	}
	if (ret == 0 && uncredentialed && uncredentialed == o->n - offline)
		ret = nc_fail(ei, NC_ERR_NOTFOUND, "credentials-dir",
			      "no device of %s... has a folder in `%s'", o->prefix,
			      o->broker.credentials_dir);
	else if (ret == 0 && uncredentialed)
		nc_warn("fleet: %zu devices have no folder in %s: they never connect",
			uncredentialed, o->broker.credentials_dir);
	if (ret == 0)
		nc_info("fleet: %zu devices %s...%s (%zu offline) over %zu connections%s, "
			"seed %llu",
			o->n, l->devs[0].serial, l->devs[o->n - 1].serial, offline,
			o->broker.credentials_dir ? o->n - offline - uncredentialed : l->nconns,
			o->broker.credentials_dir ? " (one per device, its own certificate)" : "",
			(unsigned long long)o->seed);
	return ret;
}

int nc_fleet_run(const struct nc_fleet_opts *o, struct nc_errinfo *ei)
{
	struct agent_loop *l = nc_xcalloc(1, sizeof(*l));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t sigs;
	int ret, sig;

	nc_agent_block_signals(&sigs);
	if (o->n == 0 || o->n > NC_FLEET_MAX || !o->prefix) {
		ret = nc_fail(ei, NC_ERR_USAGE, "fleet", "--fleet must be 1 to %d", NC_FLEET_MAX);
		goto out;
	}
	l->cfg = (struct agent_cfg){
		.applier = &fleet_applier,
		/* What a real agent accepts by default besides wg0-wg3. */
		.lan_if = "lan0",
		.wan_if = "eth0",
		.heartbeat_ms = o->heartbeat_ms ? o->heartbeat_ms : 30000,
		.tunnel_ms = o->tunnel_ms ? o->tunnel_ms : 60000,
		.apply_delay_ms = o->apply_delay_ms,
		.batch_max = o->batch_max ? o->batch_max : NC_AGENT_BATCH_MAX_DEFAULT,
		.quiet = true,
		.fail_rate = o->fail_rate,
		.drop_confirm_rate = o->drop_confirm_rate,
		.offline_rate = o->offline_rate,
		.restart_stale = o->restart_stale,
		.seed = o->seed,
	};
	l->cfg.spread_ms = (int64_t)(o->n / 5);
	if (l->cfg.spread_ms > SPREAD_MAX_MS)
		l->cfg.spread_ms = SPREAD_MAX_MS;
	l->nworkers = cpus > MAX_WORKERS ? MAX_WORKERS : cpus < 1 ? 1 : (unsigned)cpus;
	nc_agent_loop_init(l);
	raise_fd_limit(o->broker.credentials_dir ? o->n + 64 : 64);
	ret = setup(l, o, ei);
	if (ret == 0)
		ret = nc_agent_loop_connect(l, &o->broker, ei);
	if (ret < 0)
		goto out;
	sigwait(&sigs, &sig);
	nc_info("%s: stopping", strsignal(sig));
	nc_agent_loop_stop(l);
	nc_info("fleet: %lu batches applied, %lu ignored, %lu confirmations sent, %lu dropped, "
		"%lu commands failed, %lu restarts, %lu config requests, %lu repeats confirmed",
		atomic_load(&l->stats.batches), atomic_load(&l->stats.ignored),
		atomic_load(&l->stats.confirms), atomic_load(&l->stats.dropped),
		atomic_load(&l->stats.failed_cmds), atomic_load(&l->stats.restarts),
		atomic_load(&l->stats.requests), atomic_load(&l->stats.repeats));
	ret = 0;
out:
	if (l->devs) {
		nc_agent_loop_stop(l);
		nc_agent_loop_free(l);
	}
	free(l);
	return ret;
}
