/* SPDX-License-Identifier: MIT */
/* token create|list|revoke: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"
#include "common.h"
#include "views.h"

static const struct cmd_secret token_secret = {
	.path = "/v1/tokens",
	.line = {.noun = "token", .detail = "role", .tenant = "", .no_tenant = "global"},
	.key = "token",
	.advice = "keep it in a file of mode 0600 and pass --token-file.",
};

int cmd_token_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_object();

	cli_args_put_each(a, "name,role", body);
	return cmd_secret_create(ctx, a, &token_secret, body);
}

int cmd_token_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cli_list(ctx, "/v1/tokens", CLI_VIEW(token_list), "id");
}

int cmd_token_revoke(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_delete(ctx, "tokens", a->pos[0], "revoked token");
}
