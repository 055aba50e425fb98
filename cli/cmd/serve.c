/* SPDX-License-Identifier: MIT */
#include "../cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../lib/api/serve.h"
#include "../../lib/proto/proto.h"
#include "../../lib/util/err.h"
#include "../../lib/util/hostport.h"
#include "../../lib/util/log.h"

/* The default data dir: /var/lib/netctl for root, else the XDG data dir. */
static const char *default_data_dir(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (geteuid() == 0)
		return "/var/lib/netctl";
	if (xdg && *xdg)
		snprintf(buf, n, "%s/netctl", xdg);
	else
		snprintf(buf, n, "%s/.local/share/netctl", home ? home : ".");
	return buf;
}

/* The whole-number option name into *out when given, from min to max. */
static int number(struct cli_ctx *ctx, const struct cli_args *a, const char *name,
		  unsigned long min, unsigned long max, unsigned long *out)
{
	const char *v = cli_args_get(a, name);
	unsigned long n;
	char *end;

	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || errno || n < min || n > max)
		return cli_error(ctx, NC_ERR_USAGE, "--%s `%s' is not a number from %lu to %lu",
				 name, v, min, max);
	*out = n;
	return 0;
}

/* The limits of the HTTP server (docs/limits.md); unset ones stay 0 (default). */
static int limits(struct cli_ctx *ctx, const struct cli_args *a, struct nc_api_limits *l)
{
	unsigned long conns = 0, per_ip = 0, streams = 0, body = 0, threads = 0;

	if (number(ctx, a, "max-connections", 16, 1000000, &conns) < 0 ||
	    number(ctx, a, "max-per-ip", 1, 1000000, &per_ip) < 0 ||
	    number(ctx, a, "max-streams", 1, 1000000, &streams) < 0 ||
	    number(ctx, a, "max-body", 1024, 1UL << 30, &body) < 0 ||
	    number(ctx, a, "http-threads", 1, 64, &threads) < 0 ||
	    cli_args_duration(ctx, a, "idle-timeout", &l->idle_timeout_ms) < 0)
		return NC_ERR_USAGE;
	if (l->idle_timeout_ms > 24 * 3600 * 1000)
		return cli_error(ctx, NC_ERR_USAGE, "--idle-timeout: at most 24h");
	l->max_connections = (unsigned)conns;
	l->max_per_ip = (unsigned)per_ip;
	l->max_streams = (unsigned)streams;
	l->max_body = (size_t)body;
	l->threads = (unsigned)threads;
	return 0;
}

/* --queue-max: device messages that may wait for the sync engine; --batch-max: the largest
 * batch sent to a device that advertises more (netctl-protocol(7)); --render-threads. */
static int engine_opts(struct cli_ctx *ctx, const struct cli_args *a, struct nc_sync_opts *o)
{
	unsigned long n = 0, bytes = 0, threads = 0;
	int ret = number(ctx, a, "queue-max", 1, 100000000, &n);

	if (ret == 0)
		ret = number(ctx, a, "batch-max", NC_PROTO_BATCH_MAX, NC_PROTO_BATCH_CAP, &bytes);
	if (ret == 0)
		ret = number(ctx, a, "render-threads", 1, NC_SYNC_RENDER_THREADS_MAX, &threads);
	o->queue_max = (int64_t)n;
	o->batch_max = (int64_t)bytes;
	o->render_threads = (int)threads;
	return ret;
}

int cmd_serve(struct cli_ctx *ctx, const struct cli_args *a)
{
	const char *listen = cli_args_get(a, "listen"), *level = cli_args_get(a, "log-level");
	struct nc_serve_opts o = {.announce = ctx->out};
	struct nc_errinfo ei = {0};
	enum nc_log_level lv = NC_LOG_INFO;
	char host[256], dir[4096];
	int ret;

	if (!listen)
		listen = "127.0.0.1:8080";
	if (nc_hostport_split(listen, host, sizeof(host), &o.port, 1) < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--listen `%s' is not HOST:PORT", listen);
	o.host = host;
	/* The dispatcher let only the levels of commands.def through. */
	if (level && nc_log_parse_level(level, &lv) < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--log-level `%s' is not a level", level);
	if (cli_args_get(a, "event-ring")) {
		char *end;
		long n = strtol(cli_args_get(a, "event-ring"), &end, 10);

		if (*end || n < 16 || n > 10000000)
			return cli_error(ctx, NC_ERR_USAGE,
					 "--event-ring `%s' is not a number from 16 to 10000000",
					 cli_args_get(a, "event-ring"));
		o.event_ring = (size_t)n;
	}
	if (cli_args_duration(ctx, a, "stale-delay", &o.sync.stale_delay_ms) < 0 ||
	    cli_args_duration(ctx, a, "apply-timeout", &o.sync.apply_timeout_ms) < 0 ||
	    cli_args_duration(ctx, a, "reconcile", &o.sync.reconcile_ms) < 0 ||
	    cli_args_duration(ctx, a, "auto-sync", &o.sync.auto_sync_ms) < 0 ||
	    cli_args_duration(ctx, a, "heartbeat", &o.sync.heartbeat_ms) < 0 ||
	    cli_args_duration(ctx, a, "tunnel-interval", &o.sync.tunnel_interval_ms) < 0 ||
	    limits(ctx, a, &o.limits) < 0 || engine_opts(ctx, a, &o.sync) < 0)
		return NC_ERR_USAGE;
	o.mqtt_url = cli_args_get(a, "mqtt");
	o.mqtt_cafile = cli_args_get(a, "mqtt-cafile");
	o.mqtt_cert = cli_args_get(a, "mqtt-cert");
	o.mqtt_key = cli_args_get(a, "mqtt-key");
	o.mqtt_auth_file = cli_args_get(a, "mqtt-auth-file");
	o.mqtt_client_id = cli_args_get(a, "mqtt-client-id");
	o.data_dir = cli_args_get(a, "data-dir");
	if (!o.data_dir)
		o.data_dir = default_data_dir(dir, sizeof(dir));
	nc_log_init("serve", lv);
	ret = nc_serve_run(&o, &ei);
	if (ret < 0)
		return cli_error(ctx, ret, "serve: %s", ei.msg[0] ? ei.msg : nc_strerror(ret));
	return 0;
}
