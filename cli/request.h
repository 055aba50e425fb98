/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_REQUEST_H
#define NC_CLI_REQUEST_H

/*
 * Commands' calls to the server: the client made from the settings in
 * effect, requests and lists, and failures reported with the way out.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../lib/client/client.h"

struct cli_args;
struct cli_col;
struct cli_ctx;
struct nc_errinfo;

/*
 * Makes ctx->client from the settings in effect (config.h), reading the
 * token file (and warning when others may read it). Reported on failure.
 */
int cli_connect(struct cli_ctx *ctx);

/*
 * One API request through ctx->client (see nc_client_request); a failure
 * is reported with cli_error, with the way out, and returned. *reply is
 * owned by the caller (may be NULL on success: 204).
 */
int cli_call(struct cli_ctx *ctx, const char *method, const char *path, const json_t *body,
	     json_t **reply);
/* As cli_call, but a failure is only returned with ei filled, for the
 * caller to report with more of the way out (or with cli_report). */
int cli_request(struct cli_ctx *ctx, const char *method, const char *path, const json_t *body,
		json_t **reply, struct nc_errinfo *ei);
/*
 * The end of a command that follows the event stream until Ctrl-C (tail,
 * --watch): releases Ctrl-C, frees s, and reports ret when negative (with
 * ei); else 0, Ctrl-C being the way out, with the terminal's next prompt
 * put on a line of its own.
 */
struct nc_sse;
int cli_stream_end(struct cli_ctx *ctx, struct nc_sse *s, int ret, const struct nc_errinfo *ei);
/* Reports a failure of cli_request as cli_call would, and returns err. */
int cli_report(struct cli_ctx *ctx, int err, const struct nc_errinfo *ei);
/* A list at path (nc_client_list), every page when all is set; reported as cli_call. */
int cli_call_list(struct cli_ctx *ctx, const char *path, bool all, json_t **list);
/* The same, page by page (nc_client_pages): fn gets each page's items as it
 * arrives; *next_cursor as there (owned by the caller). */
int cli_call_pages(struct cli_ctx *ctx, const char *path, bool all, nc_client_page_fn *fn,
		   void *arg, char **next_cursor);
/* --expires DURATION (at least 1 s) into body's "expires_in" (seconds, rounded
 * up); absent: nothing. NC_ERR_USAGE after reporting a bad value. */
int cli_args_expires(struct cli_ctx *ctx, const struct cli_args *a, json_t *body);
/* Formats a path with URL-escaped %s arguments (nc_client_pathf), reporting a failure. */
int cli_path(struct cli_ctx *ctx, char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The first page of the list at path, printed with cols (cli_out_list; key
 * is the field -q prints); a failure reported as cli_call. */
int cli_list(struct cli_ctx *ctx, const char *path, const struct cli_col *cols, size_t ncols,
	     const char *key);
/* DELETE path, then "DONE ID" ("revoked token t-1") as cli_out_done prints
 * it; a failure reported as cli_call. */
int cli_delete(struct cli_ctx *ctx, const char *path, const char *done, const char *id);
/* DELETE path as cli_delete, but a 404 points at the command that shows what
 * there is (`netctl SEE'). *reply (may be NULL) receives the server's reply,
 * if any (owned). */
int cli_remove(struct cli_ctx *ctx, const char *path, const char *see, json_t **reply);

#endif
