/* SPDX-License-Identifier: MIT */
/*
 * peering list|show|create|set|delete, member add|remove, link
 * list|add|remove: parse the arguments, call the API, print. Which links
 * exist and which members are isolated is the server's answer.
 */
#include "../cmd.h"

#include <string.h>

#include "../../lib/client/client.h"
#include "../../lib/util/err.h"
#include "../../lib/util/timefmt.h"
#include "../output.h"
#include "../request.h"

#define NCOLS(c) (sizeof(c) / sizeof((c)[0]))

/* The number of members, from a "members" array. */
static void fmt_count(const json_t *v, char *buf, size_t n)
{
	if (json_is_array(v))
		snprintf(buf, n, "%zu", json_array_size(v));
	else
		snprintf(buf, n, "?");
}

/* Tunnel index 0 is the primary tunnel (wg2), 1 the secondary (wg3). */
static void fmt_tunnel(const json_t *v, char *buf, size_t n)
{
	json_int_t i = json_integer_value(v);

	if (!json_is_integer(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%lld (%s)", (long long)i, i == 0 ? "primary" : "secondary");
}

static const struct cli_col peering_cols[] = {
	{"Name", "name", 0, NULL},
	{"Topology", "topology", 0, NULL},
	{"Protocol", "protocol", 0, NULL},
	{"Dual", "dual_tunnel", 0, NULL},
	{"Hub", "hub", 0, NULL},
	{"Members", "members", NC_COL_NUM, fmt_count},
	{"Tenant", "tenant", NC_COL_WIDE, NULL},
	{"Created", "created_at", NC_COL_WIDE | NC_COL_TIME, NULL},
};

static const struct cli_col peering_fields[] = {
	{"Name", "name", 0, NULL},
	{"Tenant", "tenant", 0, NULL},
	{"Topology", "topology", 0, NULL},
	{"Protocol", "protocol", 0, NULL},
	{"Dual Tunnel", "dual_tunnel", 0, NULL},
	{"Hub", "hub", 0, NULL},
	{"Members", "members", 0, NULL},
	{"Created", "created_at", NC_COL_TIME, NULL},
	{"Updated", "updated_at", NC_COL_TIME, NULL},
};

/* The link's status, "SA: ..." for IPSec (v: the whole link object). */
static void fmt_link_status(const json_t *v, char *buf, size_t n)
{
	cli_out_link_status_text(v, buf, n);
}

/* The link's WireGuard handshake and bytes as its ends reported them (v: the link). */
static void fmt_reported(const json_t *v, char *buf, size_t n)
{
	cli_out_tunnel_text(v, nc_time_now(), buf, n);
}

static const struct cli_col link_cols[] = {
	{"Edge A", "a", 0, NULL},
	{"Edge B", "b", 0, NULL},
	{"Status", "", NC_COL_STATE, fmt_link_status},
	{"Tunnel Index", "tunnel_index", 0, fmt_tunnel},
	{"Handshake", "", NC_COL_WIDE, fmt_reported},
	{"Peering", "peering", NC_COL_WIDE, NULL},
};

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

/* warn_link for each of an array of links. */
static void warn_links(struct cli_ctx *ctx, const json_t *links)
{
	const json_t *l;
	size_t i;

	json_array_foreach(links, i, l)
		warn_link(ctx, l);
}

/*
 * The list of groups has no members: for the Members column each group is
 * read (in its own tenant when the client acts in none). A group that
 * cannot be read shows "?".
 */
static void add_members(struct cli_ctx *ctx, json_t *list)
{
	json_t *items = json_object_get(list, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it)
	{
		struct nc_errinfo ei = {0};
		json_t *g = NULL;
		char path[512];
		int ret;

		ret = nc_client_pathf(path, sizeof(path), "/v1/peerings/%s",
				      json_string_value(json_object_get(it, "name")));
		if (ret == 0 && !ctx->client->tenant)
			ret = nc_client_query(path, sizeof(path), "tenant",
					      json_string_value(json_object_get(it, "tenant")));
		if (ret == 0)
			ret = nc_client_request(ctx->client, "GET", path, NULL, NULL, &g, &ei);
		if (ret == 0 && json_is_array(json_object_get(g, "members")))
			json_object_set(it, "members", json_object_get(g, "members"));
		json_decref(g);
	}
}

int cmd_peering_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *list = NULL;
	int ret = cli_call_list(ctx, "/v1/peerings", false, &list);

	if (ret < 0)
		goto out;
	if (ctx->output != NC_OUT_JSON && !ctx->quiet)
		add_members(ctx, list);
	cli_out_list(ctx, list, peering_cols, NCOLS(peering_cols), "name");
out:
	json_decref(list);
	return ret;
}

int cmd_peering_show(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *g = NULL, *links, *iso;
	char path[256];
	size_t i;
	int ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s", a->pos[0]);

	if (ret == 0)
		ret = cli_call(ctx, "GET", path, NULL, &g);
	if (ret < 0)
		goto out;
	cli_out_object(ctx, g, peering_fields, NCOLS(peering_fields), "name");
	links = json_object_get(g, "links");
	cli_out_heading(ctx, "Links");
	if (json_array_size(links) > 0)
		cli_out_table(ctx, links, link_cols, NCOLS(link_cols));
	else
		cli_out_text(ctx, "(none)");
	json_array_foreach(json_object_get(g, "isolated"), i, iso)
	{
		char text[256];

		cli_out_isolated_text(text, sizeof(text), json_string_value(iso));
		cli_out_warn(ctx, "%s", text);
	}
	warn_links(ctx, links);
out:
	json_decref(g);
	return ret;
}

/* The members a group's options give, into body. */
static void peering_body(const struct cli_args *a, json_t *body)
{
	cli_args_put(a, "topology", body, "topology");
	cli_args_put(a, "protocol", body, "protocol");
	if (cli_args_has(a, "dual-tunnel"))
		json_object_set_new(body, "dual_tunnel", json_true());
	if (cli_args_has(a, "no-dual-tunnel"))
		json_object_set_new(body, "dual_tunnel", json_false());
	cli_args_put_or_none(a, "hub", body, "hub");
}

int cmd_peering_create(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_pack("{s:s}", "name", a->pos[0]), *reply = NULL;
	int ret;

	peering_body(a, body);
	ret = cli_call(ctx, "POST", "/v1/peerings", body, &reply);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "created peering %s (%s, %s)", a->pos[0],
			    json_string_value(json_object_get(reply, "topology")),
			    json_string_value(json_object_get(reply, "protocol")));
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_peering_set(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *body = json_object(), *reply = NULL;
	char path[256];
	int ret;

	peering_body(a, body);
	if (cli_args_has(a, "dual-tunnel") && cli_args_has(a, "no-dual-tunnel")) {
		ret = cli_error(ctx, NC_ERR_USAGE,
			       "give --dual-tunnel or --no-dual-tunnel, not both");
		goto out;
	}
	if (json_object_size(body) == 0) {
		ret = cli_error(ctx, NC_ERR_USAGE,
			       "nothing to change: give --topology, --protocol, --dual-tunnel, "
			       "--no-dual-tunnel or --hub");
		goto out;
	}
	ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s", a->pos[0]);
	if (ret == 0)
		ret = cli_call(ctx, "PATCH", path, body, &reply);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "changed peering %s", a->pos[0]);
out:
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_peering_delete(struct cli_ctx *ctx, const struct cli_args *a)
{
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s", a->pos[0]);

	return ret < 0 ? ret : cli_delete(ctx, path, "deleted peering", a->pos[0]);
}

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

/* DELETE path; a 404 points at the command that shows what there is. *reply
 * (may be NULL) receives the server's reply, if any (owned). */
static int remove_in_group(struct cli_ctx *ctx, const char *path, const char *see,
			   json_t **reply)
{
	struct nc_errinfo ei = {0};
	json_t *r = NULL;
	int ret = cli_request(ctx, "DELETE", path, NULL, &r, &ei);

	if (ret == NC_ERR_NOTFOUND)
		ret = cli_error(ctx, ret, "%s; see `%s %s'", ei.msg, ctx->progname, see);
	else if (ret < 0)
		ret = cli_report(ctx, ret, &ei);
	if (reply)
		*reply = r;
	else
		json_decref(r);
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
		ret = remove_in_group(ctx, path, see, NULL);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "removed %s from peering %s", a->pos[1], a->pos[0]);
	json_decref(reply);
	return ret;
}

int cmd_link_list(struct cli_ctx *ctx, const struct cli_args *a)
{
	json_t *list = NULL;
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/peerings/%s/links", a->pos[0]);

	if (ret == 0)
		ret = cli_call_list(ctx, path, false, &list);
	if (ret == 0)
		cli_out_list(ctx, list, link_cols, NCOLS(link_cols), "a b");
	if (ret == 0)
		warn_links(ctx, json_object_get(list, "items"));
	json_decref(list);
	return ret;
}

/*
 * What a link change pushed, from the reply's "pushed" and "deferred", as
 * "; pushed to A (seq 4) and B (seq 2)" into buf[n]; a device that could
 * not be sent to is warned about, naming the reason.
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
	json_array_foreach(json_object_get(reply, "pushed"), i, it)
	{
		const char *serial = json_string_value(json_object_get(it, "serial"));
		const char *err = json_string_value(json_object_get(it, "error"));

		if (err) {
			cli_out_warn(ctx, "%s was not sent its configuration: %s",
				    serial ? serial : "?", err);
			continue;
		}
		if (len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s (seq %lld)",
						sent++ ? " and " : "; pushed to ",
						serial ? serial : "?",
						(long long)json_integer_value(
							json_object_get(it, "seq")));
	}
}

/* The path of a link request, with ?sync=false under --no-sync. */
static int link_path(struct cli_ctx *ctx, const struct cli_args *a, char *buf, size_t n,
		     bool pair)
{
	int ret = pair ? cli_path(ctx, buf, n, "/v1/peerings/%s/links/%s/%s", a->pos[0],
				 a->pos[1], a->pos[2])
		       : cli_path(ctx, buf, n, "/v1/peerings/%s/links", a->pos[0]);

	if (ret == 0 && cli_args_has(a, "no-sync") &&
	    nc_client_query(buf, n, "sync", "false") < 0)
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
	cli_out_done(ctx, reply, NULL, "linked %s and %s in peering %s (%zu tunnel%s)%s",
		    a->pos[1], a->pos[2], a->pos[0], nt, nt == 1 ? "" : "s", pushed);
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
		ret = remove_in_group(ctx, path, see, &reply);
	if (ret == 0) {
		pushed_clause(ctx, reply, a, pushed, sizeof(pushed));
		cli_out_done(ctx, reply, NULL, "removed the link %s - %s from peering %s%s",
			    a->pos[1], a->pos[2], a->pos[0], pushed);
	}
	json_decref(reply);
	return ret;
}
