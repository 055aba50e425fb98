/* SPDX-License-Identifier: MIT */
/* token create|list|revoke: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"

static const struct cli_col token_cols[] = {
	{"ID", "id", 0, NULL},
	{"Name", "name", 0, NULL},
	{"Role", "role", 0, NULL},
	{"Tenant", "tenant", 0, NULL},
	{"Expires", "expires_at", NC_COL_TIME, NULL},
	{"Revoked", "revoked", 0, NULL},
	{"Created", "created_at", NC_COL_TIME | NC_COL_WIDE, NULL},
};

#define NCOLS(c) (sizeof(c) / sizeof((c)[0]))

int cmd_token_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_object(), *reply = NULL;
	int ret;

	cli_args_put(a, "name", body, "name");
	cli_args_put(a, "role", body, "role");
	ret = cli_args_expires(ctx, a, body);
	if (ret < 0)
		goto out;
	ret = cli_call(ctx, "POST", "/v1/tokens", body, &reply);
	if (ret < 0)
		goto out;
	/* The secret is shown this once: -q prints it alone, for scripts. */
	cli_out_done(ctx, reply, "token",
		     "created token %s (%s, %s)\n"
		     "token: %s\n"
		     "It is shown only now: keep it in a file of mode 0600 and pass --token-file.",
		     json_string_value(json_object_get(reply, "id")),
		     json_string_value(json_object_get(reply, "role")),
		     json_is_string(json_object_get(reply, "tenant"))
			     ? json_string_value(json_object_get(reply, "tenant"))
			     : "global",
		     json_string_value(json_object_get(reply, "token")));
out:
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_token_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cli_list(ctx, "/v1/tokens", token_cols, NCOLS(token_cols), "id");
}

int cmd_token_revoke(struct cli_ctx *ctx, const struct cli_args *a)
{
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/tokens/%s", a->pos[0]);

	return ret < 0 ? ret : cli_delete(ctx, path, "revoked token", a->pos[0]);
}
