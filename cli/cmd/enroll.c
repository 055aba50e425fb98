/* SPDX-License-Identifier: MIT */
/* enroll-key create|list|revoke: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/duration.h"
#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"

#define NCOLS(c) (sizeof(c) / sizeof((c)[0]))

static const struct cli_col key_cols[] = {
	{"ID", "id", 0, NULL},		 {"Name", "name", 0, NULL},
	{"Tenant", "tenant", 0, NULL},	 {"Expires", "expires_at", NC_COL_TIME, NULL},
	{"Revoked", "revoked", 0, NULL}, {"Created", "created_at", NC_COL_TIME | NC_COL_WIDE, NULL},
};

int cmd_enroll_key_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_object(), *reply = NULL;
	int ret = 0;

	if (!cli_args_get(a, "name")) {
		ret = cli_error(ctx, NC_ERR_USAGE, "give the key a name: --name NAME");
		goto out;
	}
	cli_args_put(a, "name", body, "name");
	ret = cli_args_expires(ctx, a, body);
	if (ret < 0)
		goto out;
	ret = cli_call(ctx, "POST", "/v1/enrollment-keys", body, &reply);
	if (ret < 0)
		goto out;
	/* The secret is shown this once: -q prints it alone, for scripts. */
	cli_out_done(ctx, reply, "key",
		     "created enrollment key %s (%s, tenant %s)\n"
		     "key: %s\n"
		     "It is shown only now: give it to devices (netctl agent "
		     "--enrollment-key-file F) and keep it in a file of mode 0600.",
		     json_string_value(json_object_get(reply, "id")),
		     json_string_value(json_object_get(reply, "name")),
		     json_is_string(json_object_get(reply, "tenant"))
			     ? json_string_value(json_object_get(reply, "tenant"))
			     : "-",
		     json_string_value(json_object_get(reply, "key")));
out:
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_enroll_key_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cli_list(ctx, "/v1/enrollment-keys", key_cols, NCOLS(key_cols), "id");
}

int cmd_enroll_key_revoke(struct cli_ctx *ctx, const struct cli_args *a)
{
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/enrollment-keys/%s", a->pos[0]);

	return ret < 0 ? ret : cli_delete(ctx, path, "revoked enrollment key", a->pos[0]);
}
