/* SPDX-License-Identifier: MIT */
/* member add|remove: devices in and out of peering groups. */
#include <stdio.h>

#include "../cmd.h"
#include "../output.h"
#include "../request.h"

int cmd_member_add(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_pack("{s:s}", "serial", a->pos[1]), *reply = NULL;
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s/members", a->pos[0]);

	if (ret == 0)
		ret = cli_call(ctx, "POST", path, body, &reply);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "added %s to peering %s", a->pos[1], a->pos[0]);
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_member_remove(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *reply = NULL;
	char path[512], see[128];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s/members/%s", a->pos[0],
			   a->pos[1]);

	snprintf(see, sizeof(see), "peering show %s", a->pos[0]);
	if (ret == 0)
		ret = cli_remove(ctx, path, see, NULL);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "removed %s from peering %s", a->pos[1], a->pos[0]);
	json_decref(reply);
	return ret;
}
