/* SPDX-License-Identifier: MIT */
/*
 * link list|add|remove, the links of a partial mesh: parse the arguments,
 * call the API, print; the link warnings peering show uses too.
 */
#include "link.h"

#include <string.h>

#include "../../lib/client/client.h"
#include "../../lib/util/err.h"
#include "../cmd.h"
#include "../output.h"
#include "../request.h"
#include "views.h"

/* The server's warning on link object l, as a line of its own. */
static void warn_link(struct cli_ctx *ctx, const json_t *l)
{
	const char *w = json_string_value(json_object_get(l, "warning"));
	char text[512];

	if (w && strcmp(w, "no_endpoint") == 0) {
		cli_out_no_endpoint_text(text, sizeof(text),
					 json_string_value(json_object_get(l, "a")),
					 json_string_value(json_object_get(l, "b")));
		cli_out_warn(ctx, "%s", text);
	}
}

void cli_link_warn(struct cli_ctx *ctx, const json_t *links)
{
	const json_t *l;
	size_t i;

	json_array_foreach(links, i, l)
		warn_link(ctx, l);
}

int cmd_link_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *list = NULL;
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s/links", a->pos[0]);

	if (ret == 0)
		ret = cli_call_list(ctx, path, false, &list);
	if (ret == 0)
		ret = cli_out_list(ctx, list, CLI_VIEW(link_list), "a b");
	if (ret == 0)
		cli_link_warn(ctx, json_object_get(list, "items"));
	json_decref(list);
	return ret;
}

/*
 * What a link change pushed, from the reply's "pushed" and "deferred", as
 * "; pushed to A (seq 4) and B (seq 2)" into buf[n] (a dry run's "; would
 * push to A and B"); a device that could not be sent to is warned about,
 * naming the reason.
 */
static void pushed_clause(struct cli_ctx *ctx, const json_t *reply, const struct cli_args *a,
			  char *buf, size_t n)
{
	const json_t *it;
	size_t i, len = 0, sent = 0;

	buf[0] = '\0';
	if (json_is_true(json_object_get(reply, "deferred"))) {
		snprintf(buf, n, "; not pushed (--no-sync): `%s sync now %s %s' sends it",
			 ctx->progname, a->pos[1], a->pos[2]);
		return;
	}
	json_array_foreach(json_object_get(reply, "pushed"), i, it) {
		const char *serial = json_string_value(json_object_get(it, "serial"));
		const char *err = json_string_value(json_object_get(it, "error"));
		const char *st = json_string_value(json_object_get(it, "state"));

		if (st && strcmp(st, "would_send") == 0 && len < n) {
			/* A dry run: nothing was pushed, so no seq. */
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
						sent++ ? " and " : "; would push to ",
						serial ? serial : "?");
			continue;
		}
		if (err) {
			cli_out_warn(ctx, "%s was not sent its configuration: %s",
				     serial ? serial : "?", err);
			continue;
		}
		if (len < n)
			len += (size_t)snprintf(
				buf + len, n - len, "%s%s (seq %lld)",
				sent++ ? " and " : "; pushed to ", serial ? serial : "?",
				(long long)json_integer_value(json_object_get(it, "seq")));
	}
}

/* The path of a link request, with ?sync=false under --no-sync. */
static int link_path(struct cli_ctx *ctx, const struct cli_args *a, char *buf, size_t n, bool pair)
{
	int ret = pair ? cli_path(ctx, buf, n, "/v1/peerings/%s/links/%s/%s", a->pos[0], a->pos[1],
				  a->pos[2])
		       : cli_path(ctx, buf, n, "/v1/peerings/%s/links", a->pos[0]);

	if (ret == 0 && cli_args_has(a, "no-sync") && nc_client_query(buf, n, "sync", "false") < 0)
		ret = cli_error(ctx, NC_ERR_USAGE, "the link's serials are too long");
	return ret;
}

int cmd_link_add(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_pack("{s:s,s:s}", "a", a->pos[1], "b", a->pos[2]), *reply = NULL;
	struct nc_errinfo ei = {0};
	char path[512], pushed[512];
	int ret = link_path(ctx, a, path, sizeof(path), false);
	size_t nt;

	if (ret < 0)
		goto out;
	ret = cli_request(ctx, "POST", path, body, &reply, &ei);
	if (ret < 0) {
		ret = cli_report(ctx, ret, &ei);
		goto out;
	}
	nt = json_array_size(json_object_get(reply, "tunnel_indexes"));
	pushed_clause(ctx, reply, a, pushed, sizeof(pushed));
	cli_out_done(ctx, reply, NULL, "linked %s and %s in peering %s (%zu tunnel%s)%s", a->pos[1],
		     a->pos[2], a->pos[0], nt, nt == 1 ? "" : "s", pushed);
	warn_link(ctx, reply);
out:
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_link_remove(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *reply = NULL;
	char path[512], see[128], pushed[512];
	int ret = link_path(ctx, a, path, sizeof(path), true);

	snprintf(see, sizeof(see), "link list %s", a->pos[0]);
	if (ret == 0)
		ret = cli_remove(ctx, path, see, &reply);
	if (ret == 0) {
		pushed_clause(ctx, reply, a, pushed, sizeof(pushed));
		cli_out_done(ctx, reply, NULL, "removed the link %s - %s from peering %s%s",
			     a->pos[1], a->pos[2], a->pos[0], pushed);
	}
	json_decref(reply);
	return ret;
}
