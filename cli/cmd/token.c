/* SPDX-License-Identifier: MIT */
/* token create|list|revoke: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"
#include "common.h"
#include "../../lib/util/count.h"

static const struct cli_col token_cols[] = {
	{"ID", "id", 0, NULL},
	{"Name", "name", 0, NULL},
	{"Role", "role", 0, NULL},
	{"Tenant", "tenant", 0, NULL},
	{"Expires", "expires_at", NC_COL_TIME, NULL},
	{"Revoked", "revoked", 0, NULL},
	{"Created", "created_at", NC_COL_TIME | NC_COL_WIDE, NULL},
};

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
	return cli_list(ctx, "/v1/tokens", token_cols, NC_COUNT(token_cols), "id");
}

int cmd_token_revoke(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_delete(ctx, "tokens", a->pos[0], "revoked token");
}
