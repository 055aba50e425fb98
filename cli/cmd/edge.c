/* SPDX-License-Identifier: MIT */
/* edge list|create|set|delete: parse the arguments, call the API, print. */
#include "../cmd.h"

#include "../../lib/util/err.h"
#include "../output.h"
#include "../request.h"
#include "common.h"
#include "../../lib/util/count.h"

static const struct cli_col edge_cols[] = {
	{"Name", "name", 0, NULL},
	{"Serial", "serial", 0, NULL},
	{"Kind", "kind", 0, NULL},
	{"Region", "region", 0, NULL},
	{"Endpoint", "endpoint", 0, NULL},
	{"Last Seen", "last_seen", NC_COL_TIME, NULL},
	{"LAN", "lan_subnets", NC_COL_WIDE, NULL},
	{"Public Key", "public_key", NC_COL_WIDE | NC_COL_SHORT, NULL},
};

int cmd_edge_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	return cmd_list_paged(ctx, a, "/v1/edges", "kind,region,limit,cursor", edge_cols,
			      NC_COUNT(edge_cols), "serial", "edges");
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
