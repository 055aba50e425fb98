/* SPDX-License-Identifier: MIT */
/*
 * connector rekey and edge rekey: accept or reject the public key a device
 * announced while one was in use (the core holds it until then).
 */
#include "../cmd.h"

#include <string.h>

#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"

/* POST /v1/{plural}/SERIAL/rekey {"accept":...}, from exactly one of
 * --accept and --reject. */
static int rekey(struct cli_ctx *ctx, const struct cli_args *a, const char *noun,
		 const char *plural)
{
	bool accept = cli_args_has(a, "accept"), reject = cli_args_has(a, "reject");
	json_t *reply = NULL, *body;
	char path[256];
	int ret;

	if (accept == reject)
		return cli_error(ctx, NC_ERR_USAGE, "give exactly one of --accept and --reject");
	ret = cli_path(ctx, path, sizeof(path), "/v1/%s/%s/rekey", plural, a->pos[0]);
	if (ret < 0)
		return ret;
	body = json_pack("{s:b}", "accept", accept);
	ret = cli_call(ctx, "POST", path, body, &reply);
	if (ret == 0 && accept)
		cli_out_done(ctx, reply, NULL, "%s %s: new public key %s accepted", noun, a->pos[0],
			     json_string_value(json_object_get(reply, "public_key")));
	else if (ret == 0)
		cli_out_done(ctx, reply, NULL, "%s %s: pending public key rejected, %s kept", noun,
			     a->pos[0], json_string_value(json_object_get(reply, "public_key")));
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_connector_rekey(struct cli_ctx *ctx, const struct cli_args *a)
{
	return rekey(ctx, a, "connector", "connectors");
}

int cmd_edge_rekey(struct cli_ctx *ctx, const struct cli_args *a)
{
	return rekey(ctx, a, "edge", "edges");
}
