/* SPDX-License-Identifier: MIT */
/*
 * Detail views as "Label:  value" lines: a connector or an edge as the
 * describe view of `connector show' (cli/describe.h), a peering group, an
 * event's JSON. No I/O.
 */
#include "tui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/describe.h"
#include "../cli/output.h"
#include "../lib/util/xmalloc.h"
#include "../lib/util/count.h"

#define LABEL_W 16

struct lines {
	struct tui_line *v;
	size_t n, max;
	size_t split; /* tui_detail_device: the first line of the second column */
};

static struct tui_line *add(struct lines *l, const char *word, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct tui_line *add(struct lines *l, const char *word, const char *fmt, ...)
{
	struct tui_line *t;
	va_list ap;

	if (l->n >= l->max)
		return NULL;
	t = &l->v[l->n++];
	va_start(ap, fmt);
	vsnprintf(t->text, sizeof(t->text), fmt, ap);
	va_end(ap);
	snprintf(t->word, sizeof(t->word), "%s", word ? word : "");
	return t;
}
/* A line of the describe view into the lines (arg); the first of part 1
 * starts the second column. */
static void view_line(void *arg, int part, const char *word, const char *text)
{
	struct lines *l = arg;

	if (part == 1 && l->split == SIZE_MAX)
		l->split = l->n;
	add(l, word, "%s", text);
}

size_t tui_detail_device(const json_t *view, int64_t now, struct tui_line *out, size_t max,
			 size_t *split)
{
	struct lines l = {out, 0, max, SIZE_MAX};

	cli_describe_lines(view, now, view_line, &l);
	*split = l.split == SIZE_MAX ? l.n : l.split;
	return l.n;
}

size_t tui_detail_group(const struct tui_peering *g, struct tui_line *out, size_t max)
{
	struct lines l = {out, 0, max, 0};
	char text[sizeof(out->text)];

	add(&l, "", "%-*s %s", LABEL_W, "Name", g->name);
	add(&l, "", "%-*s %s", LABEL_W, "Tenant", g->tenant[0] ? g->tenant : "-");
	add(&l, "", "%-*s %s", LABEL_W, "Topology", g->topology);
	add(&l, "", "%-*s %s", LABEL_W, "Protocol", g->protocol);
	add(&l, "", "%-*s %s", LABEL_W, "Dual Tunnel", g->dual ? "yes" : "no");
	add(&l, "", "%-*s %s", LABEL_W, "Hub", g->hub[0] ? g->hub : "-");
	add(&l, "", "%-*s %zu", LABEL_W, "Members", g->nmembers);
	add(&l, "", "%-*s %zu", LABEL_W, "Links", g->nlinks);
	for (size_t i = 0; i < g->nlinks; i++) {
		char st[32];

		tui_link_text(&g->links[i], st, sizeof(st), text, sizeof(text));
		add(&l, g->links[i].status, "  %s <-> %s  %s  tunnel %d%s%s", g->links[i].a,
		    g->links[i].b, st, g->links[i].index, strcmp(text, "-") ? "  " : "",
		    strcmp(text, "-") ? text : "");
	}
	/* Worded as `peering show' has them; a link that cannot come up has one
	 * tunnel (no wg3 for connectors), so one line. */
	for (size_t i = 0; i < g->nisolated; i++) {
		cli_out_isolated_text(text, sizeof(text), g->isolated[i]);
		add(&l, "pending", "warning: %s", text);
	}
	for (size_t i = 0; i < g->nlinks; i++) {
		if (!g->links[i].no_endpoint)
			continue;
		cli_out_no_endpoint_text(text, sizeof(text), g->links[i].a, g->links[i].b);
		add(&l, "pending", "warning: %s", text);
	}
	return l.n;
}

size_t tui_detail_event(const char *raw, struct tui_line **out)
{
	json_t *ev = json_loads(raw, 0, NULL);
	char *text = ev ? json_dumps(ev, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : nc_xstrdup(raw);
	struct lines l = {NULL, 0, 0, 0};
	const char *p = text ? text : "";

	for (const char *q = p; *q; q++)
		l.max += *q == '\n';
	l.max += 1;
	l.v = nc_xcalloc(l.max, sizeof(*l.v));
	while (*p) {
		size_t len = strcspn(p, "\n");

		add(&l, "", "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
	free(text);
	json_decref(ev);
	*out = l.v;
	return l.n;
}
