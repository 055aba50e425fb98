/* SPDX-License-Identifier: MIT */
/* tenant list|create: parse the arguments, call the API, print. */
#include "../cmd.h"

#include <stdlib.h>

#include "../../lib/client/client.h"
#include "../output.h"
#include "../request.h"
#include "views.h"

int cmd_tenant_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cli_list(ctx, "/v1/tenants", CLI_VIEW(tenant_list), "id");
}

int cmd_tenant_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_pack("{s:s}", "id", a->pos[0]), *reply = NULL;
	char *tenant = ctx->client->tenant;
	int ret;

	cli_args_put(a, "name", body, "name");
	/* Tenants are created by a global admin acting in no tenant: a tenant
	 * from the environment or a context would make the request a tenant's. */
	ctx->client->tenant = NULL;
	ret = cli_call(ctx, "POST", "/v1/tenants", body, &reply);
	ctx->client->tenant = tenant;
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "created tenant %s (%s)", a->pos[0],
			     json_string_value(json_object_get(reply, "name")));
	json_decref(reply);
	json_decref(body);
	return ret;
}
