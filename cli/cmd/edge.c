/* SPDX-License-Identifier: MIT */
/* edge list|create|set|delete: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"
#include "common.h"
#include "views.h"

int cmd_edge_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_list_paged(ctx, a, "/v1/edges", "kind,region,limit,cursor", CLI_VIEW(edge_list),
			      "serial", "edges");
}

/* The members an edge's options give, as a new object. */
static json_t *edge_body(const struct cli_args *a)
{
	json_t *body = json_object();

	cli_args_put_each(a, "serial,name,kind,region,endpoint", body);
	cli_args_put_list(a, "lan", body, "lan_subnets");
	return body;
}

int cmd_edge_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	static const char *const shown[] = {"serial", "kind", NULL};

	return cmd_create(ctx, "/v1/edges", edge_body(a), "edge", shown);
}

int cmd_edge_set(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_change(ctx, "edges", a->pos[0], edge_body(a), "edge",
			  "--name, --kind, --region, --endpoint or --lan");
}

int cmd_edge_delete(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_delete(ctx, "edges", a->pos[0], "deleted edge");
}
