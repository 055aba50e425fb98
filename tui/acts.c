/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's write actions, bound in keys.c: approve, decommission,
 * change a hub, add and remove a link, mark rows, Sync Now of one, the
 * marked, the pending or all. Each checks the selection, asks first when
 * the change is destructive (a y/N question naming what changes) or
 * prompts for what it needs, then posts a job that runs the CLI's command
 * on the network thread (net_act.c). They never draw and never wait.
 */
#include "tui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/xmalloc.h"

void tui_say(struct tui *t, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_model_vsay(t->m, err, fmt, ap);
	va_end(ap);
}

bool tui_selected(struct tui *t, struct tui_row *r)
{
	const struct tui_pane *p = &t->pane[t->panel];
	bool ok = false;

	pthread_mutex_lock(&t->m->lock);
	tui_rows_update(t);
	if (p->sel < t->nvis) {
		tui_rows_get(t->m, t->panel, t->vis[p->sel], 0, r);
		ok = true;
	}
	pthread_mutex_unlock(&t->m->lock);
	return ok;
}

/* Sends j now, saying what is under way (doing). */
static unsigned send(struct tui *t, const struct tui_job *j, const char *doing)
{
	tui_say(t, false, "%s", doing);
	tui_net_post(t->net, j);
	return TUI_R_REDRAW;
}

/* Asks question (y/N) before sending j; doing and no are what the status
 * line says on y and on any other key. */
static unsigned ask(struct tui *t, const struct tui_job *j, const char *doing, const char *no,
		    const char *question)
{
	t->confirm = *j;
	snprintf(t->confirm_doing, sizeof(t->confirm_doing), "%s", doing);
	snprintf(t->confirm_no, sizeof(t->confirm_no), "%s", no);
	snprintf(t->prompt, sizeof(t->prompt), "%.300s [y/N]", question);
	t->mode = TUI_MODE_CONFIRM;
	return TUI_R_REDRAW;
}

unsigned tui_confirm_key(struct tui *t, int key)
{
	t->mode = TUI_MODE_NORMAL;
	if (key == 'y' || key == 'Y')
		return send(t, &t->confirm, t->confirm_doing);
	free(t->confirm.serials);
	t->confirm.serials = NULL;
	tui_say(t, false, "%s", t->confirm_no);
	return TUI_R_REDRAW;
}

/* The selected connector into *r; false (said why, with what) when there is none. */
static bool connector(struct tui *t, struct tui_row *r, const char *what)
{
	if (t->panel == TUI_CONNECTORS && tui_selected(t, r) && r->serial[0])
		return true;
	tui_say(t, true, "%s: select a connector on the Connectors panel (1)", what);
	return false;
}

/* The name and status of connector serial, for a question (lock taken). */
static void conn_words(struct tui *t, const char *serial, char *buf, size_t n)
{
	const struct tui_conn *c;

	pthread_mutex_lock(&t->m->lock);
	c = tui_model_conn(t->m, serial);
	snprintf(buf, n, "%s, %s", c ? c->name : "?", c ? c->status : "?");
	pthread_mutex_unlock(&t->m->lock);
}

/* A lifecycle move of the selected connector (kind), after a question:
 * verb ("approve"), done ("approved"), and what the question adds. */
static unsigned lifecycle(struct tui *t, enum tui_job_kind kind, char key, const char *verb,
			  const char *done, const char *adds)
{
	struct tui_row r;
	struct tui_job j = {.kind = kind};
	char words[TUI_TEXT], doing[TUI_TEXT], no[TUI_TEXT], q[TUI_TEXT];

	snprintf(q, sizeof(q), "%c %ss a connector", key, verb);
	if (!connector(t, &r, q))
		return TUI_R_REDRAW;
	snprintf(j.serial, sizeof(j.serial), "%s", r.serial);
	conn_words(t, r.serial, words, sizeof(words));
	/* "approve" -> "approving", "decommission" -> "decommissioning" */
	snprintf(doing, sizeof(doing), "%.*sing %s...",
		 (int)strlen(verb) - (verb[strlen(verb) - 1] == 'e'), verb, r.serial);
	snprintf(no, sizeof(no), "not %s: %s stays as it is", done, r.serial);
	snprintf(q, sizeof(q), "%c%s connector %s (%.100s)?%s", verb[0] - 'a' + 'A', verb + 1,
		 r.serial, words, adds);
	return ask(t, &j, doing, no, q);
}

unsigned tui_act_approve(struct tui *t, int key)
{
	return lifecycle(t, TUI_JOB_APPROVE, 'a', "approve", "approved", "");
}

unsigned tui_act_decommission(struct tui *t, int key)
{
	return lifecycle(t, TUI_JOB_DECOMMISSION, 'D', "decommission", "decommissioned",
			 " It is taken out of service for good, its certificates revoked");
}

/* Opens the prompt for j's missing words (Enter sends, Esc drops it). */
static unsigned prompt(struct tui *t, const struct tui_job *j, const char *text)
{
	t->input_job = *j;
	t->input[0] = '\0';
	t->input_tab = 0;
	snprintf(t->prompt, sizeof(t->prompt), "%s", text);
	t->mode = TUI_MODE_INPUT;
	return TUI_R_REDRAW;
}

unsigned tui_act_hub(struct tui *t, int key)
{
	struct tui_row r;
	struct tui_job j = {.kind = TUI_JOB_SET_HUB};
	const struct tui_conn *c;
	char q[TUI_TEXT];

	if (!connector(t, &r, "h changes a connector's hub"))
		return TUI_R_REDRAW;
	snprintf(j.serial, sizeof(j.serial), "%s", r.serial);
	pthread_mutex_lock(&t->m->lock);
	c = tui_model_conn(t->m, r.serial);
	snprintf(q, sizeof(q), "Hub edge of %s (now %s; Tab: the edges, none: no hub): ", r.serial,
		 c && c->hub[0] ? c->hub : "none");
	pthread_mutex_unlock(&t->m->lock);
	return prompt(t, &j, q);
}

/* The selected row's peering group into j (group, tenant); false, said why, when none. */
static bool group_of(struct tui *t, struct tui_row *r, struct tui_job *j, const char *what)
{
	bool ok = false;

	if (t->panel == TUI_PEERINGS && tui_selected(t, r) && r->group >= 0) {
		pthread_mutex_lock(&t->m->lock);
		if ((size_t)r->group < t->m->ngroups) {
			snprintf(j->group, sizeof(j->group), "%s", t->m->groups[r->group].name);
			snprintf(j->tenant, sizeof(j->tenant), "%s", t->m->groups[r->group].tenant);
			ok = true;
		}
		pthread_mutex_unlock(&t->m->lock);
	}
	if (!ok)
		tui_say(t, true, "%s: select a peering group or one of its links (3)", what);
	return ok;
}

unsigned tui_act_link_add(struct tui *t, int key)
{
	struct tui_row r;
	struct tui_job j = {.kind = TUI_JOB_LINK_ADD};
	char q[TUI_TEXT];

	if (!group_of(t, &r, &j, "+ adds a link"))
		return TUI_R_REDRAW;
	snprintf(q, sizeof(q), "Link in peering %s, between (two members' serials): ", j.group);
	return prompt(t, &j, q);
}

unsigned tui_act_link_remove(struct tui *t, int key)
{
	struct tui_row r;
	struct tui_job j = {.kind = TUI_JOB_LINK_REMOVE};
	char doing[TUI_TEXT], no[TUI_TEXT], q[TUI_TEXT];

	if (!group_of(t, &r, &j, "- removes a link"))
		return TUI_R_REDRAW;
	/* A link's row has its ends in its first two cells; a group's spans. */
	if (r.span) {
		tui_say(t, true, "- removes a link: select the link's row under its group");
		return TUI_R_REDRAW;
	}
	snprintf(j.serial, sizeof(j.serial), "%.63s", r.cell[0]);
	snprintf(j.arg, sizeof(j.arg), "%.63s", r.cell[1]);
	snprintf(doing, sizeof(doing), "removing the link %s - %s...", j.serial, j.arg);
	snprintf(no, sizeof(no), "not removed: the link %s - %s stays", j.serial, j.arg);
	snprintf(q, sizeof(q), "Remove the link %s - %s (both tunnels) from peering %s?", j.serial,
		 j.arg, j.group);
	return ask(t, &j, doing, no, q);
}

/* The next edge serial after the one typed (Tab in the hub prompt), "none" after the last. */
static void next_edge(struct tui *t)
{
	size_t n;

	pthread_mutex_lock(&t->m->lock);
	n = t->m->nedges;
	if (t->input_tab < n)
		snprintf(t->input, sizeof(t->input), "%s", t->m->edges[t->input_tab].serial);
	else
		snprintf(t->input, sizeof(t->input), "none");
	pthread_mutex_unlock(&t->m->lock);
	t->input_tab = t->input_tab < n ? t->input_tab + 1 : 0;
}

/* Enter in the prompt: the job with what was typed, or why not. */
static unsigned input_done(struct tui *t)
{
	struct tui_job *j = &t->input_job;
	char a[TUI_STR] = "", b[TUI_STR] = "", extra[2] = "";
	char doing[TUI_TEXT];
	int k = sscanf(t->input, "%63s %63s %1s", a, b, extra);

	t->mode = TUI_MODE_NORMAL;
	/* Words go to the command line as they are: no option slips in. */
	if (a[0] == '-' || b[0] == '-') {
		tui_say(t, true, "`%s': a serial does not start with -", a[0] == '-' ? a : b);
		return TUI_R_REDRAW;
	}
	if (j->kind == TUI_JOB_SET_HUB && k == 1) {
		snprintf(j->arg, sizeof(j->arg), "%s", a);
		snprintf(doing, sizeof(doing), "setting the hub of %s to %s...", j->serial, a);
		return send(t, j, doing);
	}
	if (j->kind == TUI_JOB_LINK_ADD && k == 2) {
		snprintf(j->serial, sizeof(j->serial), "%s", a);
		snprintf(j->arg, sizeof(j->arg), "%s", b);
		snprintf(doing, sizeof(doing), "linking %s and %s in %s...", a, b, j->group);
		return send(t, j, doing);
	}
	tui_say(t, true, "%s: %s", k <= 0 ? "nothing typed" : "not understood",
		j->kind == TUI_JOB_SET_HUB ? "give one edge's serial, or none"
					   : "give the serials of the link's two ends");
	return TUI_R_REDRAW;
}

unsigned tui_input_key(struct tui *t, int key)
{
	size_t len = strlen(t->input);

	if (key == TUI_KEY_ENTER)
		return input_done(t);
	if (key == TUI_KEY_ESC) {
		t->mode = TUI_MODE_NORMAL;
		tui_say(t, false, "nothing changed");
	} else if (key == TUI_KEY_TAB && t->input_job.kind == TUI_JOB_SET_HUB) {
		next_edge(t);
	} else if (key == TUI_KEY_BACKSPACE) {
		while (len > 0 && (t->input[--len] & 0xc0) == 0x80)
			;
		t->input[len] = '\0';
	} else if (key >= 0x20 && key < 0x100 && key != 0x7f && len + 1 < sizeof(t->input)) {
		t->input[len] = (char)key;
		t->input[len + 1] = '\0';
	}
	return TUI_R_REDRAW;
}

static int cmp_serial(const void *a, const void *b)
{
	return strcmp(a, b);
}

bool tui_marked(const struct tui *t, const char *serial)
{
	return t->nmarks && serial[0] &&
	       bsearch(serial, t->marks, t->nmarks, sizeof(*t->marks), cmp_serial) != NULL;
}

void tui_marks_clear(struct tui *t)
{
	t->nmarks = 0;
}

/* Space: marks the selected device, or unmarks it; the marks stay sorted. */
unsigned tui_act_mark(struct tui *t, int key)
{
	struct tui_row r;
	char(*hit)[TUI_STR];
	size_t at = 0;

	if (t->panel > TUI_EDGES || !tui_selected(t, &r) || !r.serial[0]) {
		tui_say(t, true, "Space marks a device: select a connector (1) or an edge (2)");
		return TUI_R_REDRAW;
	}
	hit = t->nmarks ? bsearch(r.serial, t->marks, t->nmarks, sizeof(*t->marks), cmp_serial)
			: NULL;
	if (hit) {
		at = (size_t)(hit - t->marks);
		memmove(&t->marks[at], &t->marks[at + 1], (t->nmarks - at - 1) * sizeof(*t->marks));
		t->nmarks--;
	} else if (t->nmarks == TUI_MARKS_MAX) {
		tui_say(t, true, "at most %d devices are marked at once", TUI_MARKS_MAX);
		return TUI_R_REDRAW;
	} else {
		if (t->nmarks == t->capmarks) {
			t->capmarks = t->capmarks ? t->capmarks * 2 : 16;
			t->marks = nc_xrealloc(t->marks, t->capmarks * sizeof(*t->marks));
		}
		while (at < t->nmarks && strcmp(t->marks[at], r.serial) < 0)
			at++;
		memmove(&t->marks[at + 1], &t->marks[at], (t->nmarks - at) * sizeof(*t->marks));
		snprintf(t->marks[at], sizeof(t->marks[at]), "%s", r.serial);
		t->nmarks++;
	}
	tui_say(t, false, "%zu device%s marked: s sends Sync Now to %s, Esc clears the marks",
		t->nmarks, t->nmarks == 1 ? "" : "s", t->nmarks == 1 ? "it" : "them");
	return TUI_R_REDRAW;
}

/* s: Sync Now for the marked devices, or else the selected one. */
unsigned tui_act_sync(struct tui *t, int key)
{
	struct tui_job j = {.kind = TUI_JOB_SYNC};
	struct tui_row r;
	char doing[TUI_TEXT];
	size_t len = 0;

	if (t->nmarks) {
		j.serials = nc_xmalloc(t->nmarks * TUI_STR);
		for (size_t i = 0; i < t->nmarks; i++)
			len += (size_t)sprintf(j.serials + len, "%s%s", i ? " " : "", t->marks[i]);
		snprintf(doing, sizeof(doing), "sending Sync Now to %zu marked device%s...",
			 t->nmarks, t->nmarks == 1 ? "" : "s");
		tui_marks_clear(t);
		return send(t, &j, doing);
	}
	if (t->panel > TUI_EDGES || !tui_selected(t, &r) || !r.serial[0]) {
		tui_say(t, true,
			"s sends Sync Now to a device: select a connector (1) or an edge (2)");
		return TUI_R_REDRAW;
	}
	snprintf(j.serial, sizeof(j.serial), "%s", r.serial);
	snprintf(doing, sizeof(doing), "sending Sync Now to %s...", r.serial);
	return send(t, &j, doing);
}

unsigned tui_act_sync_pending(struct tui *t, int key)
{
	struct tui_job j = {.kind = TUI_JOB_SYNC_PENDING};

	return send(t, &j, "sending Sync Now to every pending device...");
}

/* A: Sync Now for every device, after a question giving how many. */
unsigned tui_act_sync_all(struct tui *t, int key)
{
	struct tui_job j = {.kind = TUI_JOB_SYNC_ALL};
	size_t nc = 0, ne;
	char q[TUI_TEXT];

	pthread_mutex_lock(&t->m->lock);
	for (size_t i = 0; i < t->m->nconns; i++)
		nc += strcmp(t->m->conns[i].status, "decommissioned") != 0;
	ne = t->m->nedges;
	pthread_mutex_unlock(&t->m->lock);
	snprintf(q, sizeof(q),
		 "Send every device its configuration now: Sync Now of %zu devices (%zu "
		 "connector%s, %zu edge%s)?",
		 nc + ne, nc, nc == 1 ? "" : "s", ne, ne == 1 ? "" : "s");
	return ask(t, &j, "sending Sync Now to every device...", "no Sync Now sent", q);
}
