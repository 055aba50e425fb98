/* SPDX-License-Identifier: MIT */
/* Lines of a batch sent many at a time (bulk.h). */
#include "bulk.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "cmd.h"
#include "dispatch.h"
#include "request.h"
#include "shellwords.h"

/* A command that goes in bulk: where its lines go, and its parts (bulk.h). */
struct kind {
	const char *noun, *verb;
	const char *path;   /* POST here */
	const char *member; /* the body's array of items */
	int (*item)(struct cli_ctx *ctx, const struct cli_args *a, json_t **item);
	void (*done)(struct cli_ctx *ctx, const json_t *reply);
};

static const struct kind kinds[] = {
	{"connector", "create", "/v1/connectors:bulk-create", "items", cmd_connector_body,
	 cmd_connector_created},
	{"connector", "approve", "/v1/connectors:bulk-approve", "serials", cmd_connector_serial,
	 cmd_connector_moved},
};

/* One line taken: its context, words and arguments (which borrow the words). */
struct entry {
	struct cli_ctx lc;
	FILE *err; /* where its errors go, lc.err meanwhile being the sink */
	char where[32];
	struct cli_words w;
	struct cli_args a;
};

struct cli_bulk {
	const struct kind *kind;
	const struct cli_cmd *cmd;
	struct entry *v; /* n of them */
	size_t n;
	json_t *items;
	size_t bytes; /* of the items, compact, with their commas */
	FILE *sink;   /* what gathering says goes nowhere: the line says it when run alone */
};

struct cli_bulk *cli_bulk_new(void)
{
	struct cli_bulk *b = nc_xcalloc(1, sizeof(*b));

	b->v = nc_xcalloc(CLI_BULK_ITEMS, sizeof(*b->v));
	b->items = json_array();
	b->sink = fopen("/dev/null", "w");
	return b;
}

static void entry_clear(struct entry *e)
{
	cli_words_free(&e->w);
	free(e->a.pos);
	memset(e, 0, sizeof(*e));
}

void cli_bulk_reset(struct cli_bulk *b)
{
	for (size_t i = 0; i < b->n; i++)
		entry_clear(&b->v[i]);
	b->n = 0;
	b->bytes = 0;
	b->kind = NULL;
	json_array_clear(b->items);
}

void cli_bulk_free(struct cli_bulk *b)
{
	if (!b)
		return;
	cli_bulk_reset(b);
	free(b->v);
	json_decref(b->items);
	if (b->sink)
		fclose(b->sink);
	free(b);
}

size_t cli_bulk_count(const struct cli_bulk *b)
{
	return b->n;
}

static const struct kind *kind_of(const struct cli_cmd *cmd)
{
	for (size_t i = 0; cmd && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(cmd->noun, kinds[i].noun) == 0 && cmd->verb &&
		    strcmp(cmd->verb, kinds[i].verb) == 0)
			return &kinds[i];
	}
	return NULL;
}

static bool same_text(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* Whether two lines' global settings are the same: one request serves both. */
static bool same_settings(const struct cli_ctx *x, const struct cli_ctx *y)
{
	return same_text(x->server, y->server) && same_text(x->token, y->token) &&
	       same_text(x->token_file, y->token_file) && same_text(x->tenant, y->tenant) &&
	       x->output == y->output && x->quiet == y->quiet && x->color == y->color &&
	       x->verbose == y->verbose;
}

/* Parses e's line into a command of b's kind and its item; false when it is not one. */
static bool parse(struct cli_bulk *b, struct entry *e, const char *text, json_t **item)
{
	const struct cli_cmd *cmd = NULL;
	struct nc_errinfo ei = {0};
	const struct kind *k;

	*item = NULL;
	if (!b->sink || cli_words_split(text, strlen(text), 0, &e->w, &ei) < 0 || e->w.n == 0)
		return false;
	if (cli_dispatch_parse(&e->lc, e->w.n, e->w.v, &cmd, &e->a) != 1)
		return false;
	k = kind_of(cmd);
	if (!k || (b->kind && k != b->kind) || (b->n && !same_settings(&b->v[0].lc, &e->lc)))
		return false;
	e->lc.cmd = cmd;
	if (k->item(&e->lc, &e->a, item) < 0)
		return false;
	b->kind = k;
	b->cmd = cmd;
	return true;
}

bool cli_bulk_add(struct cli_bulk *b, const struct cli_ctx *lc, const char *text)
{
	struct entry *e;
	json_t *item = NULL;
	size_t size = 0;
	bool taken = false;

	if (b->n == CLI_BULK_ITEMS)
		return false;
	e = &b->v[b->n];
	e->lc = *lc;
	e->err = lc->err;
	e->lc.err = b->sink;
	snprintf(e->where, sizeof(e->where), "%s", lc->where ? lc->where : "");
	if (parse(b, e, text, &item))
		size = json_dumpb(item, NULL, 0, JSON_COMPACT) + 1;
	if (size > 0 && b->bytes + size <= CLI_BULK_BYTES) {
		json_array_append_new(b->items, item);
		b->bytes += size;
		b->n++;
		taken = true;
	} else {
		json_decref(item);
		entry_clear(e);
	}
	if (b->n == 0)
		b->kind = NULL;
	return taken;
}

/* Prints each line's part of the reply, in the line's own context; one flush. */
static void print_all(struct cli_bulk *b, const json_t *items)
{
	for (size_t i = 0; i < b->n; i++) {
		struct entry *e = &b->v[i];

		e->lc.err = e->err;
		e->lc.where = e->where[0] ? e->where : NULL;
		b->kind->done(&e->lc, json_array_get(items, i));
	}
	if (b->n > 0)
		fflush(b->v[0].lc.out);
}

/* A dry run's refusal ret, ei, of the item ei names: reported against its
 * line, whose index goes to *refused. */
static void refusal(struct cli_bulk *b, int ret, const struct nc_errinfo *ei, size_t *refused)
{
	size_t k, skip = strlen(b->kind->member);
	struct entry *e;

	if (strncmp(ei->field, b->kind->member, skip) != 0 ||
	    sscanf(ei->field + skip, "[%zu]", &k) != 1 || k >= b->n)
		return;
	e = &b->v[k];
	e->lc.err = e->err;
	e->lc.where = e->where[0] ? e->where : NULL;
	cli_report(&e->lc, ret, ei);
	*refused = k;
}

int cli_bulk_send(struct cli_bulk *b, size_t *refused)
{
	struct nc_errinfo ei = {0};
	struct cli_ctx c;
	json_t *body, *reply = NULL, *items;
	int ret;

	*refused = SIZE_MAX;
	if (b->n == 0)
		return 0;
	c = b->v[0].lc;
	c.err = b->v[0].err;
	c.where = b->v[0].where;
	c.cmd = b->cmd;
	c.client = NULL;
	body = json_pack("{s:O}", b->kind->member, b->items);
	ret = cli_connect(&c);
	if (ret == 0)
		ret = cli_request(&c, "POST", b->kind->path, body, &reply, &ei);
	items = json_object_get(reply, "items");
	if (ret == 0 && json_array_size(items) != b->n)
		ret = NC_ERR_INTERNAL;
	if (ret == 0)
		print_all(b, items);
	else if (c.dry_all && ei.field[0])
		refusal(b, ret, &ei, refused);
	nc_client_free(c.client);
	json_decref(reply);
	json_decref(body);
	cli_bulk_reset(b);
	return ret;
}
