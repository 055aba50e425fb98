/* SPDX-License-Identifier: MIT */
/*
 * The device side of PROTOCOL.md, shared by the real agent and every
 * simulated device of the fleet: registration, config requests with
 * backoff until a batch arrives, applying a batch command by command and
 * the confirmation hashed over what was applied (batch.c), heartbeats and
 * tunnel status. What differs between them is the applier and the fault injection.
 * An MTGE's per-tenant batches go through the same code, each tenant with
 * its own slot (tenant.c): seq, hash, configuration and config requests.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../mqtt/mqtt.h"
#include "../proto/proto.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"

#define PUBLISH_TIMEOUT_MS 10000
#define BACKOFF_MIN_MS	   1000
#define BACKOFF_MAX_MS	   60000

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double nc_agent_rand01(uint64_t *state)
{
	return (double)(splitmix(state) >> 11) * 0x1.0p-53;
}

uint64_t nc_agent_hash(uint64_t seed, const char *const *strs)
{
	uint64_t h = 14695981039346656037ULL ^ seed;

	for (size_t i = 0; strs[i]; i++) {
		for (const unsigned char *p = (const unsigned char *)strs[i]; *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return splitmix(&h);
}

void nc_agent_dev_init(struct agent_dev *d, struct agent_loop *l, size_t index, const char *serial)
{
	pthread_mutex_init(&d->lock, NULL);
	d->loop = l;
	d->index = index;
	snprintf(d->serial, sizeof(d->serial), "%s", serial);
	nc_agent_slot_init(&d->self, "");
	d->started = nc_time_mono_ms();
	d->rng = nc_agent_hash(l->cfg.seed, (const char *const[]){serial, "rng", NULL});
}

void nc_agent_dev_free(struct agent_dev *d)
{
	nc_agent_slot_clear(&d->self);
	for (size_t i = 0; i < d->ntenants; i++) {
		nc_agent_slot_clear(d->tenants[i]);
		free(d->tenants[i]);
	}
	free(d->tenants);
	if (d->priv) {
		explicit_bzero(d->priv, strlen(d->priv));
		free(d->priv);
	}
	pthread_mutex_destroy(&d->lock);
}

/* Publishes payload (len bytes, freed here) as kind of d, on tenant's topic unless "". */
int nc_agent_dev_publish(struct agent_dev *d, enum nc_msg kind, const char *tenant, char *payload,
			 size_t len)
{
	char topic[NC_PROTO_TOPIC_MAX];
	int ret = nc_proto_topic_format(kind, d->serial, tenant, topic, sizeof(topic));

	if (ret == 0)
		ret = nc_mqtt_publish(d->conn->mqtt, topic, payload, len, nc_proto_msg_qos(kind),
				      PUBLISH_TIMEOUT_MS);
	if (ret < 0)
		nc_log(ret == NC_ERR_UNREACHABLE ? NC_LOG_DEBUG : NC_LOG_WARN,
		       "%s: cannot publish its %s: %s", d->serial, nc_proto_msg_name(kind),
		       nc_strerror(ret));
	free(payload);
	return ret;
}

static void send_register(struct agent_dev *d)
{
	const struct agent_cfg *cfg = &d->loop->cfg;
	struct nc_registration r = {.kind = NC_DEVICE_CONNECTOR};
	struct nc_errinfo ei = {0};
	char *text = NULL;
	size_t len = 0;

	snprintf(r.serial, sizeof(r.serial), "%s", d->serial);
	snprintf(r.public_key, sizeof(r.public_key), "%s", d->pub);
	snprintf(r.hostname, sizeof(r.hostname), "%s",
		 cfg->hostname && *cfg->hostname ? cfg->hostname : d->serial);
	snprintf(r.agent, sizeof(r.agent), "%s", NC_AGENT_NAME);
	snprintf(r.enrollment_key, sizeof(r.enrollment_key), "%s",
		 cfg->enrollment_key ? cfg->enrollment_key : "");
	r.batch_max = cfg->batch_max;
	if (nc_proto_registration_encode(&r, &text, &len, &ei) == 0)
		nc_agent_dev_publish(d, NC_MSG_REGISTER, NULL, text, len);
	else
		nc_warn("%s: cannot encode its registration: %s", d->serial, ei.msg);
	explicit_bzero(r.enrollment_key, sizeof(r.enrollment_key));
}

/* A config request for slot s with its seq and hash (on config-request/{tenant} for a tenant). */
static void send_request(struct agent_dev *d, struct agent_slot *s, const char *reason)
{
	struct nc_config_request r = {.seq = s->seq, .batch_max = d->loop->cfg.batch_max};
	struct nc_errinfo ei = {0};
	char *text = NULL;
	size_t len = 0;

	snprintf(r.serial, sizeof(r.serial), "%s", d->serial);
	snprintf(r.config_hash, sizeof(r.config_hash), "%s", s->hash);
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	if (nc_proto_config_request_encode(&r, &text, &len, &ei) < 0) {
		nc_warn("%s" SLOT_FMT ": cannot encode its config request: %s", d->serial,
			SLOT_ARGS(s), ei.msg);
		return;
	}
	dev_log(d, "%s" SLOT_FMT ": config request (seq %lld)", d->serial, SLOT_ARGS(s),
		(long long)s->seq);
	atomic_fetch_add(&d->loop->stats.requests, 1);
	nc_agent_dev_publish(d, NC_MSG_CONFIG_REQUEST, s->tenant, text, len);
}

/*
 * The slot a heartbeat reports, since heartbeats have no tenant. The core
 * compares an MTGE's heartbeat with its own tenant's batch (netctl-protocol(7),
 * "Multi-tenant gateways"), which is the one whose `interface' command lists
 * the MTGE's LAN interface: another tenant's is {"interfaces":[]}. Until such
 * a batch was applied, and on every other device: d->self.
 */
static const struct agent_slot *heartbeat_slot(const struct agent_dev *d)
{
	for (size_t i = 0; i < d->ntenants; i++) {
		const json_t *lan = json_object_get(d->tenants[i]->owned, "interface");

		if (json_array_size(json_object_get(lan, "interfaces")) > 0)
			return d->tenants[i];
	}
	return &d->self;
}

static void send_heartbeat(struct agent_dev *d, int64_t now)
{
	const struct agent_slot *s = heartbeat_slot(d);
	struct nc_heartbeat h = {
		.ts = time(NULL), .seq = s->seq, .batch_max = d->loop->cfg.batch_max};
	struct nc_errinfo ei = {0};
	char *text = NULL;
	size_t len = 0;

	snprintf(h.serial, sizeof(h.serial), "%s", d->serial);
	snprintf(h.config_hash, sizeof(h.config_hash), "%s", s->hash);
	snprintf(h.public_key, sizeof(h.public_key), "%s", d->pub);
	snprintf(h.agent, sizeof(h.agent), "%s", NC_AGENT_NAME);
	h.uptime_s = (now - d->started) / 1000;
	if (nc_proto_heartbeat_encode(&h, &text, &len, &ei) == 0)
		nc_agent_dev_publish(d, NC_MSG_HEARTBEAT, NULL, text, len);
	else
		nc_warn("%s: cannot encode its heartbeat: %s", d->serial, ei.msg);
}

/* Moves the reports of part (cleared) to the end of t, up to NC_PROTO_TUNNELS_MAX. */
static void tunnels_join(struct nc_tunnel_status *t, struct nc_tunnel_status *part)
{
	size_t n = part->n_tunnels;

	if (t->n_tunnels + n > NC_PROTO_TUNNELS_MAX)
		n = NC_PROTO_TUNNELS_MAX - t->n_tunnels;
	if (n > 0) {
		t->tunnels = nc_xrealloc(t->tunnels, (t->n_tunnels + n) * sizeof(*t->tunnels));
		memcpy(t->tunnels + t->n_tunnels, part->tunnels, n * sizeof(*t->tunnels));
		t->n_tunnels += n;
	}
	nc_tunnel_status_clear(part);
}

/* One message with the tunnels of every slot: the protocol's tunnel status has no tenant. */
static void send_tunnels(struct agent_dev *d)
{
	const struct agent_cfg *cfg = &d->loop->cfg;
	struct nc_tunnel_status t = {.ts = time(NULL)}, part = {0};
	struct nc_agent_env env = {
		.serial = d->serial, .lan_if = cfg->lan_if, .wan_if = cfg->wan_if};
	struct nc_errinfo ei = {0};
	char *text = NULL, netns[NC_ID_MAX + 8];
	size_t len = 0;

	for (size_t i = 0; i <= d->ntenants; i++) {
		const struct agent_slot *s = i == 0 ? &d->self : d->tenants[i - 1];

		nc_agent_tenant_netns(s->tenant, netns, sizeof(netns));
		env.netns = netns[0] ? netns : NULL;
		if (json_object_size(s->owned) > 0 &&
		    cfg->applier->tunnels(&env, s->owned, &part) == 0)
			tunnels_join(&t, &part);
		nc_tunnel_status_clear(&part);
	}
	if (t.n_tunnels == 0)
		goto out;
	snprintf(t.serial, sizeof(t.serial), "%s", d->serial);
	if (nc_proto_tunnel_status_encode(&t, &text, &len, &ei) == 0)
		nc_agent_dev_publish(d, NC_MSG_TUNNEL_STATUS, NULL, text, len);
	else
		nc_warn("%s: cannot encode its tunnel status: %s", d->serial, ei.msg);
out:
	nc_tunnel_status_clear(&t);
}

/*
 * --restart-stale: the slot of the last batch goes back to its state before
 * that batch, and the device asks for its configuration again, as a device
 * restarted from a state file written before its last apply would.
 */
static void restart(struct agent_dev *d, int64_t now)
{
	struct agent_slot *s = d->last;

	d->restart_at = 0;
	if (s && s->prev_owned) {
		json_decref(s->owned);
		s->owned = s->prev_owned;
		s->prev_owned = NULL;
	}
	if (s) {
		s->current = false;
		s->seq = s->prev_seq;
		snprintf(s->hash, sizeof(s->hash), "%s", s->prev_hash);
	}
	d->started = now;
	nc_agent_dev_start_requests(d, now);
	atomic_fetch_add(&d->loop->stats.restarts, 1);
	if (s)
		nc_debug("%s" SLOT_FMT ": restarts with its previous seq %lld", d->serial,
			 SLOT_ARGS(s), (long long)s->seq);
}

/* The wait before s's next request: 1, 2, 4 ... at most 60 s, +-20 %. */
static int64_t backoff(struct agent_dev *d, const struct agent_slot *s)
{
	unsigned shift = s->requests > 7 ? 6 : s->requests - 1;
	int64_t base = (int64_t)BACKOFF_MIN_MS << shift;

	if (base > BACKOFF_MAX_MS)
		base = BACKOFF_MAX_MS;
	/* +-20 % jitter. */
	return (int64_t)((double)base * (0.8 + 0.4 * nc_agent_rand01(&d->rng)));
}

static int64_t earliest(int64_t a, int64_t b)
{
	if (!a)
		return b;
	return !b || a < b ? a : b;
}

/* Sends the config requests that are due; returns when the next one is (0: none). */
static int64_t requests_due(struct agent_dev *d, int64_t now)
{
	int64_t next = 0;

	for (size_t i = 0; i <= d->ntenants; i++) {
		struct agent_slot *s = i == 0 ? &d->self : d->tenants[i - 1];

		if (!s->waiting)
			continue;
		if (now >= s->next_request) {
			send_request(d, s, "startup");
			s->requests++;
			s->next_request = now + backoff(d, s);
		}
		next = earliest(next, s->next_request);
	}
	return next;
}

int64_t nc_agent_dev_tick(struct agent_dev *d, int64_t now)
{
	const struct agent_cfg *cfg = &d->loop->cfg;
	struct agent_conn *c = d->conn;
	int64_t next_request;
	unsigned gen;

	if (d->offline || !atomic_load(&c->up))
		return 0;
	gen = atomic_load(&c->gen);
	if (gen != d->conn_gen) {
		/* A new connection (clean session): announce, then ask for config. */
		d->conn_gen = gen;
		send_register(d);
		nc_agent_dev_start_requests(d, now);
		/* Spread over the intervals: a fleet's devices do not beat in step. */
		d->next_heartbeat = now + (int64_t)(d->phase * (double)cfg->heartbeat_ms);
		d->next_tunnel = now + (int64_t)(d->phase * (double)cfg->tunnel_ms);
	}
	if (d->restart_at && now >= d->restart_at)
		restart(d, now);
	next_request = requests_due(d, now);
	if (now >= d->next_heartbeat) {
		send_heartbeat(d, now);
		d->next_heartbeat += cfg->heartbeat_ms;
		if (d->next_heartbeat <= now)
			d->next_heartbeat = now + cfg->heartbeat_ms;
	}
	if (now >= d->next_tunnel) {
		send_tunnels(d);
		d->next_tunnel += cfg->tunnel_ms;
		if (d->next_tunnel <= now)
			d->next_tunnel = now + cfg->tunnel_ms;
	}
	return earliest(earliest(next_request, d->restart_at),
			earliest(d->next_heartbeat, d->next_tunnel));
}
