/* SPDX-License-Identifier: MIT */
/* The question destructive commands ask before they run (confirm.h). */
#include "confirm.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/util/err.h"
#include "cmd.h"
#include "request.h"

/* How many devices a Sync Now of a selects, asked of the server with a dry
 * run, worded into q[n]; a failure is reported and returned. */
static int sync_count(struct cli_ctx *ctx, const struct cli_args *a, char *q, size_t n);

/* A destructive use of a command: when `when' (an option; NULL: always) is
 * given, it does what `what' says, $N standing for its Nth argument. */
static const struct row {
	const char *noun, *verb, *when;
	const char *what;
	const char *kind, *unit; /* a batch's tally: "deletes" 3 "object"s */
	int (*count)(struct cli_ctx *ctx, const struct cli_args *a, char *q, size_t n);
} rows[] = {
	{"token", "revoke", NULL, "revoke token $1", "revokes", "token", NULL},
	{"enroll-key", "revoke", NULL, "revoke enrollment key $1", "revokes", "enrollment key",
	 NULL},
	{"edge", "delete", NULL, "delete edge $1", "deletes", "object", NULL},
	{"connector", "delete", NULL, "delete connector $1", "deletes", "object", NULL},
	{"peering", "delete", NULL, "delete peering group $1 with its members and links", "deletes",
	 "object", NULL},
	{"connector", "decommission", NULL, "decommission connector $1", "decommissions",
	 "connector", NULL},
	{"member", "remove", NULL, "remove $2 and its links from peering group $1", "removes",
	 "member", NULL},
	{"link", "remove", NULL, "remove the link between $2 and $3 of peering group $1", "removes",
	 "link", NULL},
	{"edge", "rekey", "accept", "replace the public key of edge $1 by the one it announced",
	 "replaces", "public key", NULL},
	{"connector", "rekey", "accept",
	 "replace the public key of connector $1 by the one it announced", "replaces", "public key",
	 NULL},
	{"edge", "credentials", "revoke", "revoke the certificates of edge $1",
	 "revokes the certificates of", "device", NULL},
	{"connector", "credentials", "revoke", "revoke the certificates of connector $1",
	 "revokes the certificates of", "device", NULL},
	{"sync", "now", "all", "send every device its configuration now", "starts", "Sync Now",
	 sync_count},
	{"sync", "now", "pending", "send every pending device its configuration now", "starts",
	 "Sync Now", sync_count},
};

static const struct row *find(const struct cli_cmd *cmd, const struct cli_args *a)
{
	if (!(cmd->flags & NC_CMDF_CONFIRM))
		return NULL;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (strcmp(rows[i].noun, cmd->noun) == 0 && cmd->verb &&
		    strcmp(rows[i].verb, cmd->verb) == 0 &&
		    (!rows[i].when || cli_args_has(a, rows[i].when)))
			return &rows[i];
	}
	return NULL;
}

/* tmpl with $1..$9 replaced by a's arguments, into buf[n] (cut to fit). */
static void expand(const char *tmpl, const struct cli_args *a, char *buf, size_t n)
{
	size_t len = 0;

	for (const char *p = tmpl; *p && len + 1 < n; p++) {
		int k = p[0] == '$' && p[1] >= '1' && p[1] <= '9' ? p[1] - '1' : -1;

		if (k >= 0 && k < a->npos) {
			len += (size_t)snprintf(buf + len, n - len, "%s", a->pos[k]);
			p++;
		} else {
			buf[len++] = *p;
		}
	}
	buf[len < n ? len : n - 1] = '\0';
}

static int sync_count(struct cli_ctx *ctx, const struct cli_args *a, char *q, size_t n)
{
	struct cli_ctx dry = *ctx;
	json_t *body = cli_args_has(a, "all") ? json_pack("{s:b}", "all", 1)
					      : json_pack("{s:s}", "state", "pending");
	json_t *reply = NULL, *it;
	size_t i, sent = 0, skipped = 0;
	int ret;

	dry.dry_run = true;
	ret = cli_call(&dry, "POST", "/v1/sync", body, &reply);
	json_array_foreach(json_object_get(reply, "items"), i, it) {
		const char *st = json_string_value(json_object_get(it, "state"));

		skipped += st && strcmp(st, "skipped") == 0;
		sent += st && strcmp(st, "skipped") != 0;
	}
	if (ret == 0 && skipped)
		snprintf(q, n, "send %zu device%s their configuration now (%zu more skipped)", sent,
			 sent == 1 ? "" : "s", skipped);
	else if (ret == 0)
		snprintf(q, n, "send %zu device%s their configuration now", sent,
			 sent == 1 ? "" : "s");
	json_decref(reply);
	json_decref(body);
	return ret;
}

/* Which of stdin and ctx->err is not a terminal; NULL when both are. */
static const char *not_tty(struct cli_ctx *ctx)
{
	if (!isatty(STDIN_FILENO))
		return "stdin";
	return isatty(fileno(ctx->err)) ? NULL : "stderr";
}

int cli_confirm_ask(struct cli_ctx *ctx, const char *question, const char *what)
{
	const char *off = not_tty(ctx);
	char line[64] = "", c;
	size_t len;

	if (off)
		return cli_error(ctx, NC_ERR_USAGE,
				 "refusing to %s without --yes: %s is not a terminal", what, off);
	fflush(ctx->out);
	fprintf(ctx->err, "%s? [y/N] ", question);
	fflush(ctx->err);
	/* A byte at a time, so that nothing after the answer is taken from
	 * the shell's line editor. */
	for (len = 0; read(STDIN_FILENO, &c, 1) == 1 && c != '\n';)
		if (len + 1 < sizeof(line))
			line[len++] = c;
	if (len && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	if (strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0)
		return 0;
	return cli_error(ctx, NC_ERR_CONFLICT, "cancelled");
}

int cli_confirm(struct cli_ctx *ctx, const struct cli_cmd *cmd, const struct cli_args *a)
{
	const struct row *r = find(cmd, a);
	char what[256], question[256];
	int ret;

	if (!r || ctx->confirmed || ctx->dry_run || cli_args_has(a, "yes"))
		return 0;
	expand(r->what, a, what, sizeof(what));
	/* Off a terminal the refusal needs no count from the server. */
	if (!r->count || not_tty(ctx))
		return cli_confirm_ask(ctx, what, what);
	ret = r->count(ctx, a, question, sizeof(question));
	return ret < 0 ? ret : cli_confirm_ask(ctx, question, what);
}

const char *cli_confirm_kind(const struct cli_cmd *cmd, const struct cli_args *a, const char **unit)
{
	const struct row *r = find(cmd, a);

	*unit = r ? r->unit : NULL;
	return r ? r->kind : NULL;
}
