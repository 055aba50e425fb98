/* SPDX-License-Identifier: MIT */
/* enroll-key create|list|revoke: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"
#include "common.h"
#include "views.h"

static const struct cmd_secret key_secret = {
	.path = "/v1/enrollment-keys",
	.line = {.noun = "enrollment key", .detail = "name", .tenant = "tenant ", .no_tenant = "-"},
	.key = "key",
	.advice = "give it to devices (netctl agent --enrollment-key-file F) and keep it in a "
		  "file of mode 0600.",
};

int cmd_enroll_key_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body;

	if (!cli_args_get(a, "name"))
		return cli_error(ctx, NC_ERR_USAGE, "give the key a name: --name NAME");
	body = json_object();
	cli_args_put(a, "name", body, "name");
	return cmd_secret_create(ctx, a, &key_secret, body);
}

int cmd_enroll_key_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cli_list(ctx, "/v1/enrollment-keys", CLI_VIEW(enroll_key_list), "id");
}

int cmd_enroll_key_revoke(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_delete(ctx, "enrollment-keys", a->pos[0], "revoked enrollment key");
}
