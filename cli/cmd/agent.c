/* SPDX-License-Identifier: MIT */
/* `netctl agent': one device on this host, or a simulated fleet (--fleet N). */
#include "../cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/agent/agent.h"
#include "../../lib/model/model.h"
#include "../../lib/model/validate.h"
#include "../../lib/mqtt/mqtt.h"
#include "../../lib/proto/proto.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"

/* Options of one form that the other refuses. */
static const char *const single_only[] = {
	"serial",	"state-dir",   "apply", "enrollment-key-file", "lan-if", "wan-if",
	"wg-userspace", "credentials", NULL};
static const char *const fleet_only[] = {"serial-prefix",
					 "connections",
					 "fail-rate",
					 "drop-confirm-rate",
					 "offline-rate",
					 "restart-stale",
					 "seed",
					 "credentials-dir",
					 NULL};

/* --apply-delay simulates a slow apply; longer ones would only hide a hang. */
#define APPLY_DELAY_MAX_MS 60000

/* A probability: a decimal number from 0 to 1. */
static int rate(struct cli_ctx *ctx, const struct cli_args *a, const char *name, double *out)
{
	const char *v = cli_args_get(a, name);
	char *end;

	if (!v)
		return 0;
	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end || !(*out >= 0.0 && *out <= 1.0))
		return cli_error(ctx, NC_ERR_USAGE, "--%s `%s' is not a number from 0 to 1", name,
				 v);
	return 0;
}

/* A whole number in [min, max]. */
static int number(struct cli_ctx *ctx, const struct cli_args *a, const char *name,
		  unsigned long long min, unsigned long long max, unsigned long long *out)
{
	const char *v = cli_args_get(a, name);
	char *end;

	if (!v)
		return 0;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || *out < min || *out > max)
		return cli_error(ctx, NC_ERR_USAGE, "--%s `%s' is not a number from %llu to %llu",
				 name, v, min, max);
	return 0;
}

/* An option of the list that is given, or NULL. */
static const char *given(const struct cli_args *a, const char *const *list)
{
	for (size_t i = 0; list[i]; i++) {
		if (cli_args_has(a, list[i]))
			return list[i];
	}
	return NULL;
}

static int ifname(struct cli_ctx *ctx, const struct cli_args *a, const char *name)
{
	const char *v = cli_args_get(a, name);

	if (v && (!nc_valid_ifname(v) || strncmp(v, "wg", 2) == 0))
		return cli_error(ctx, NC_ERR_USAGE,
				 "--%s `%s' is not an interface name (and not one of wg0-wg3)",
				 name, v);
	return 0;
}

static int run_fleet(struct cli_ctx *ctx, const struct cli_args *a, struct nc_fleet_opts *f)
{
	unsigned long long n = 0, conns = 0, seed = 1;
	struct nc_errinfo ei = {0};
	const char *bad = given(a, single_only);
	int ret;

	if (bad)
		return cli_error(ctx, NC_ERR_USAGE, "--%s is for one agent, not with --fleet", bad);
	f->prefix = cli_args_get(a, "serial-prefix");
	if (!f->prefix)
		return cli_error(ctx, NC_ERR_USAGE, "--fleet needs --serial-prefix P");
	if (number(ctx, a, "fleet", 1, NC_FLEET_MAX, &n) < 0 ||
	    number(ctx, a, "connections", 1, 65535, &conns) < 0 ||
	    number(ctx, a, "seed", 0, UINT64_MAX, &seed) < 0 ||
	    rate(ctx, a, "fail-rate", &f->fail_rate) < 0 ||
	    rate(ctx, a, "drop-confirm-rate", &f->drop_confirm_rate) < 0 ||
	    rate(ctx, a, "offline-rate", &f->offline_rate) < 0 ||
	    rate(ctx, a, "restart-stale", &f->restart_stale) < 0)
		return NC_ERR_USAGE;
	f->n = (size_t)n;
	f->connections = (unsigned)conns;
	f->seed = seed;
	nc_log_init("fleet", nc_log_get_level());
	ret = nc_fleet_run(f, &ei);
	if (ret < 0)
		return cli_error(ctx, ret, "agent: %s", ei.msg[0] ? ei.msg : nc_strerror(ret));
	return 0;
}

/*
 * --credentials DIR (one device) or --credentials-dir DIR (the fleet) need a
 * TLS URL; --credentials DIR stands for DIR/ca.crt, DIR/device.crt and
 * DIR/device.key, each unless its --mqtt-* option is given. The paths go to
 * bufs (3 of PATH_MAX), borrowed by b.
 */
static int credentials(struct cli_ctx *ctx, const struct cli_args *a, struct nc_agent_broker *b,
		       char bufs[3][4096])
{
	const char *dir = cli_args_get(a, "credentials");
	const char *name = dir ? "credentials" : "credentials-dir";

	b->credentials_dir = cli_args_get(a, "credentials-dir");
	if (!dir && !b->credentials_dir)
		return 0;
	if (!nc_mqtt_url_tls(b->url))
		return cli_error(ctx, NC_ERR_USAGE,
				 "--%s needs a TLS broker URL (mqtts://HOST:PORT), not `%s'", name,
				 b->url);
	if (!dir)
		return 0;
	snprintf(bufs[0], 4096, "%s/ca.crt", dir);
	snprintf(bufs[1], 4096, "%s/device.crt", dir);
	snprintf(bufs[2], 4096, "%s/device.key", dir);
	if (!b->cafile)
		b->cafile = bufs[0];
	if (!b->cert) {
		b->cert = bufs[1];
		if (!b->key)
			b->key = bufs[2];
	}
	return 0;
}

int cmd_agent(struct cli_ctx *ctx, const struct cli_args *a)
{
	char paths[3][4096];
	const char *level = cli_args_get(a, "log-level"), *bad;
	struct nc_agent_broker b = {
		.url = cli_args_get(a, "mqtt"),
		.cafile = cli_args_get(a, "mqtt-cafile"),
		.cert = cli_args_get(a, "mqtt-cert"),
		.key = cli_args_get(a, "mqtt-key"),
		.auth_file = cli_args_get(a, "mqtt-auth-file"),
	};
	struct nc_agent_opts o = {.out = ctx->out};
	struct nc_fleet_opts f = {0};
	struct nc_errinfo ei = {0};
	enum nc_log_level lv = NC_LOG_INFO;
	unsigned long long batch_max = 0;
	int ret;

	/* The dispatcher let only the levels of commands.def through. */
	if (level && nc_log_parse_level(level, &lv) < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--log-level `%s' is not a level", level);
	nc_log_init("agent", lv);
	if (!b.url)
		return cli_error(ctx, NC_ERR_USAGE, "--mqtt URL is required");
	if (credentials(ctx, a, &b, paths) < 0)
		return NC_ERR_USAGE;
	o.broker = b;
	f.broker = b;
	if (cli_args_duration(ctx, a, "heartbeat", &o.heartbeat_ms) < 0 ||
	    cli_args_duration(ctx, a, "tunnel-interval", &o.tunnel_ms) < 0 ||
	    cli_args_duration(ctx, a, "apply-delay", &o.apply_delay_ms) < 0)
		return NC_ERR_USAGE;
	if (o.apply_delay_ms > APPLY_DELAY_MAX_MS)
		return cli_error(ctx, NC_ERR_USAGE, "--apply-delay: at most 60s");
	if (number(ctx, a, "batch-max", NC_PROTO_BATCH_ADVERT_MIN, NC_AGENT_BATCH_MAX_CAP,
		   &batch_max) < 0)
		return NC_ERR_USAGE;
	o.batch_max = f.batch_max = (int64_t)batch_max;
	f.heartbeat_ms = o.heartbeat_ms;
	f.tunnel_ms = o.tunnel_ms;
	f.apply_delay_ms = o.apply_delay_ms;
	if (cli_args_has(a, "fleet"))
		return run_fleet(ctx, a, &f);

	bad = given(a, fleet_only);
	if (bad)
		return cli_error(ctx, NC_ERR_USAGE, "--%s needs --fleet N", bad);
	o.serial = cli_args_get(a, "serial");
	o.state_dir = cli_args_get(a, "state-dir");
	o.apply = cli_args_get(a, "apply");
	if (!o.serial || !o.state_dir || !o.apply)
		return cli_error(ctx, NC_ERR_USAGE,
				 "an agent needs --serial S --state-dir DIR --apply APPLIER "
				 "(or --fleet N --serial-prefix P); see `netctl help agent'");
	if (!nc_valid_serial(o.serial))
		return cli_error(ctx, NC_ERR_USAGE, "--serial `%s' is not a valid serial",
				 o.serial);
	if (ifname(ctx, a, "lan-if") < 0 || ifname(ctx, a, "wan-if") < 0)
		return NC_ERR_USAGE;
	o.enrollment_key_file = cli_args_get(a, "enrollment-key-file");
	o.lan_if = cli_args_get(a, "lan-if");
	o.wan_if = cli_args_get(a, "wan-if");
	o.wg_userspace = cli_args_has(a, "wg-userspace");
	ret = nc_agent_run(&o, &ei);
	if (ret < 0)
		return cli_error(ctx, ret, "agent: %s", ei.msg[0] ? ei.msg : nc_strerror(ret));
	return 0;
}
