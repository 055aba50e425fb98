/* SPDX-License-Identifier: MIT */
/* `netctl broker-config': the broker's configuration from the data dir's PKI, no server. */
#include "../cmd.h"

#include "../../lib/core/brokerconf.h"
#include "../../lib/util/err.h"
#include "../../lib/util/hostport.h"
#include "../output.h"

int cmd_broker_config(struct cli_ctx *ctx, const struct cli_args *a)
{
	const char *data = cli_args_get(a, "data-dir"), *listen = cli_args_get(a, "listen");
	const char *out = cli_args_get(a, "out");
	struct nc_errinfo ei = {0};
	json_t *done = NULL;
	char host[256];
	uint16_t port = 0;
	int ret;

	if (!data || !listen || !out)
		return cli_error(ctx, NC_ERR_USAGE,
				 "--data-dir DIR, --listen HOST:PORT and --out DIR are required");
	if (nc_hostport_split(listen, host, sizeof(host), &port, 0) < 0)
		return cli_error(ctx, NC_ERR_USAGE, "--listen `%s' is not HOST:PORT", listen);
	ret = nc_brokerconf_write(data, host, port, out, &ei);
	if (ret < 0)
		return cli_error(ctx, ret, "%s", ei.msg);
	done = json_pack("{s:s,s:s,s:s}", "config", "mosquitto.conf", "out", out, "listen", listen);
	cli_out_done(ctx, done, NULL,
		     "wrote %s/mosquitto.conf, acl, ca.crt, server.crt and server.key: run "
		     "`mosquitto -c %s/mosquitto.conf', and send it SIGHUP after a revocation",
		     out, out);
	json_decref(done);
	return 0;
}
