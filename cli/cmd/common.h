/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_CMD_COMMON_H
#define NC_CLI_CMD_COMMON_H

/*
 * What several command files do alike, written once: a paged list with its
 * "more follow" note, an object created, changed or deleted with the
 * sentence saying so, a secret created and shown once. COLL and ID are
 * URL-escaped. Each reports its failures (cli_error, cli_call) and returns
 * them.
 */

#include <jansson.h>
#include <stddef.h>

struct cli_args;
struct cli_col;
struct cli_ctx;

/*
 * GET base with a query of the comma-separated options opts that were
 * given (cli_args_query), every page with --all, printed with cols (keys:
 * the members -q prints), then a note when more follow: "more WHAT follow:
 * pass --all, or --cursor C".
 */
int cmd_list_paged(struct cli_ctx *ctx, const struct cli_args *a, const char *base,
		   const char *opts, const struct cli_col *cols, size_t ncols, const char *keys,
		   const char *what);

/*
 * PATCH /v1/COLL/ID with body (stolen), then "changed NOUN ID". An empty
 * body is NC_ERR_USAGE, "nothing to change: give OPTS" (opts as people
 * read them: "--name or --lan").
 */
int cmd_change(struct cli_ctx *ctx, const char *coll, const char *id, json_t *body,
	       const char *noun, const char *opts);

/*
 * POST body (stolen) to path, then "created NOUN V0 (V1, V2...)" where
 * the Vs are the reply's members named by keys (NULL-terminated, at least
 * one).
 */
int cmd_create(struct cli_ctx *ctx, const char *path, json_t *body, const char *noun,
	       const char *const *keys);
/* The line cmd_create prints for reply (borrowed). */
void cmd_created(struct cli_ctx *ctx, const json_t *reply, const char *noun,
		 const char *const *keys);

/* DELETE /v1/COLL/ID, then "DONE ID" ("deleted edge EDGE-1"), as cli_delete. */
int cmd_delete(struct cli_ctx *ctx, const char *coll, const char *id, const char *done);

/* A secret the server makes and shows only in the reply to its creation. */
struct cmd_secret {
	const char *path; /* POST here */
	/* "created NOUN ID (DETAIL, TENANT)": DETAIL the reply's member of that
	 * name, TENANT its tenant after the text tenant, or no_tenant. */
	struct {
		const char *noun, *detail, *tenant, *no_tenant;
	} line;
	const char *key;    /* the member holding the secret; -q prints it alone */
	const char *advice; /* after "It is shown only now: " */
};

/*
 * body (stolen) with --expires, POSTed to s->path, then the new secret as
 * "KEY: SECRET" under the line of struct cmd_secret, with the advice.
 */
int cmd_secret_create(struct cli_ctx *ctx, const struct cli_args *a, const struct cmd_secret *s,
		      json_t *body);

#endif
