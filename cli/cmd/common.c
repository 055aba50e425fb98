/* SPDX-License-Identifier: MIT */
/* What several command files do alike: see common.h. */
#include "common.h"

#include <stdlib.h>

#include "../../lib/util/err.h"
#include "../cmd.h"
#include "../output.h"
#include "../request.h"

/* The note after a page when more follow (next_cursor: NULL at the end). */
static void note_more(struct cli_ctx *ctx, const char *next_cursor, const char *what)
{
	if (next_cursor)
		cli_out_note(ctx, "more %s follow: pass --all, or --cursor %s", what, next_cursor);
}

int cmd_list_paged(struct cli_ctx *ctx, const struct cli_args *a, const char *base,
		   const char *opts, const struct cli_col *cols, size_t ncols, const char *keys,
		   const char *what)
{
	struct cli_list_out *lo = NULL;
	json_t *list = NULL;
	char path[1024], *next = NULL;
	int ret = cli_args_query(ctx, a, base, opts, path, sizeof(path));

	if (ret < 0)
		goto out;
	if (ctx->sort_by) {
		/* Sorted: every page first, then printed. */
		ret = cli_call_list(ctx, path, cli_args_has(a, "all"), &list);
		if (ret == 0)
			ret = cli_out_list(ctx, list, cols, ncols, keys);
		if (ret == 0)
			note_more(ctx, json_string_value(json_object_get(list, "next_cursor")),
				  what);
		goto out;
	}
	lo = cli_out_list_begin(ctx, cols, ncols, keys);
	ret = cli_call_pages(ctx, path, cli_args_has(a, "all"), cli_out_list_page, lo, &next);
	if (ret < 0)
		goto out;
	cli_out_list_end(lo, next);
	lo = NULL;
	note_more(ctx, next, what);
out:
	cli_out_list_free(lo);
	json_decref(list);
	free(next);
	return ret;
}

int cmd_change(struct cli_ctx *ctx, const char *coll, const char *id, json_t *body,
	       const char *noun, const char *opts)
{
	json_t *reply = NULL;
	char path[256];
	int ret;

	if (json_object_size(body) == 0) {
		ret = cli_error(ctx, NC_ERR_USAGE, "nothing to change: give %s", opts);
		goto out;
	}
	ret = cli_path(ctx, path, sizeof(path), "/v1/%s/%s", coll, id);
	if (ret == 0)
		ret = cli_call(ctx, "PATCH", path, body, &reply);
	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "changed %s %s", noun, id);
out:
	json_decref(reply);
	json_decref(body);
	return ret;
}

void cmd_created(struct cli_ctx *ctx, const json_t *reply, const char *noun,
		 const char *const *keys)
{
	char what[512];
	size_t len = 0;

	for (size_t i = 0; keys[i] && len < sizeof(what); i++) {
		const char *v = json_string_value(json_object_get(reply, keys[i]));

		len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s",
					i == 0	 ? ""
					: i == 1 ? " ("
						 : ", ",
					v ? v : "?");
	}
	cli_out_done(ctx, reply, NULL, "created %s %s%s", noun, what, keys[1] ? ")" : "");
}

int cmd_create(struct cli_ctx *ctx, const char *path, json_t *body, const char *noun,
	       const char *const *keys)
{
	json_t *reply = NULL;
	int ret = cli_call(ctx, "POST", path, body, &reply);

	if (ret == 0)
		cmd_created(ctx, reply, noun, keys);
	json_decref(reply);
	json_decref(body);
	return ret;
}

int cmd_delete(struct cli_ctx *ctx, const char *coll, const char *id, const char *done)
{
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/%s/%s", coll, id);

	return ret < 0 ? ret : cli_delete(ctx, path, done, id);
}

int cmd_secret_create(struct cli_ctx *ctx, const struct cli_args *a, const struct cmd_secret *s,
		      json_t *body)
{
	json_t *reply = NULL;
	const char *tenant;
	int ret = cli_args_expires(ctx, a, body);

	if (ret == 0)
		ret = cli_call(ctx, "POST", s->path, body, &reply);
	if (ret < 0)
		goto out;
	tenant = json_string_value(json_object_get(reply, "tenant"));
	/* The secret is shown this once: -q prints it alone, for scripts. */
	cli_out_done(ctx, reply, s->key,
		     "created %s %s (%s, %s%s)\n%s: %s\nIt is shown only now: %s", s->line.noun,
		     json_string_value(json_object_get(reply, "id")),
		     json_string_value(json_object_get(reply, s->line.detail)), s->line.tenant,
		     tenant ? tenant : s->line.no_tenant, s->key,
		     json_string_value(json_object_get(reply, s->key)), s->advice);
out:
	json_decref(reply);
	json_decref(body);
	return ret;
}
