/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_BULK_H
#define NC_CLI_BULK_H

/*
 * Lines of a batch sent many at a time. Consecutive lines of one bulk
 * command (`connector create', `connector approve') with the same global
 * settings are gathered into one request (POST /v1/connectors:bulk-create,
 * :bulk-approve) of at most CLI_BULK_ITEMS items and CLI_BULK_BYTES bytes
 * of body, well under the server's default --max-body of 1 MiB. Answered,
 * each line prints what it prints alone. Refused (one bad item refuses the
 * request, and nothing of it is written), the batch runs the lines one at a
 * time as it would without bulk, so each line succeeds or fails and is
 * reported with its number exactly as before.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct cli_args;
struct cli_ctx;

#define CLI_BULK_ITEMS 1000
#define CLI_BULK_BYTES (768u << 10)

struct cli_bulk;

struct cli_bulk *cli_bulk_new(void);
/* NULL is a no-op. */
void cli_bulk_free(struct cli_bulk *b);

/*
 * Adds the command line text, run in lc (its global settings and where),
 * when it fits the request being gathered: a bulk command of the same kind
 * and settings, within the limits. Returns whether it was taken. Nothing is
 * reported: a line not taken runs alone and reports then.
 */
bool cli_bulk_add(struct cli_bulk *b, const struct cli_ctx *lc, const char *text);
/* How many lines the request holds. */
size_t cli_bulk_count(const struct cli_bulk *b);
/*
 * Sends the request and empties b. 0: every line succeeded and printed
 * its output; else the request was refused or failed (not reported), and
 * none of its lines took effect on the server. In a dry run (dry_all) a
 * refusal naming an item ("items[2]...") is reported against that item's
 * line, whose index among b's lines goes to *refused (else SIZE_MAX): one
 * at a time, each line would be tried without the others.
 */
int cli_bulk_send(struct cli_bulk *b, size_t *refused);
/* Empties b without sending. */
void cli_bulk_reset(struct cli_bulk *b);

/*
 * The parts of the bulk commands, in cmd/connector.c: the item a line
 * gives (a new reference; NC_ERR_USAGE reported) and what it prints for
 * its part of the reply (borrowed).
 */
int cmd_connector_body(struct cli_ctx *ctx, const struct cli_args *a, json_t **body);
void cmd_connector_created(struct cli_ctx *ctx, const json_t *reply);
int cmd_connector_serial(struct cli_ctx *ctx, const struct cli_args *a, json_t **item);
void cmd_connector_moved(struct cli_ctx *ctx, const json_t *reply);

#endif
