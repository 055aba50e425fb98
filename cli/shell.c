/* SPDX-License-Identifier: MIT */
/* The interactive shell: libedit, history, TAB and '?' from the command table. */
#include "shell.h"

#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/xmalloc.h"
#include "cmd.h"
#include "complete.h"
#include "config.h"
#include "dispatch.h"
#include "interrupt.h"
#include "output.h"
#include "request.h"
#include "shellpipe.h"
#include "shellwords.h"

#define CACHE_MS     10000 /* how long live values are reused */
#define HISTORY_SIZE 1000

struct cache {
	int64_t at; /* monotonic ms of the fetch, 0 for never */
	char **v;
	size_t n;
};

struct shell {
	struct cli_ctx *base;
	EditLine *el;
	History *hist;
	char histpath[4096];
	struct nc_client *client; /* for live values, made on first use */
	bool client_failed;
	struct cache cache[NC_KIND_COUNT];
	bool intr; /* the line being read was interrupted */
};

void cli_shell_history_path(char *buf, unsigned long n)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, n, "%s/netctl/history", xdg);
	else
		snprintf(buf, n, "%s/.local/state/netctl/history", home && *home ? home : ".");
}

/* Creates the directories of path (mode 0700), as mkdir -p. */
static void make_parents(const char *path)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
}

static char *prompt(EditLine *el)
{
	static char p[] = "netctl> ";

	(void)el;
	return p;
}

/* Reads one character, so that Ctrl-C ends the line being edited (libedit
 * would retry the read) and SIGTERM ends the shell. */
static int getcfn(EditLine *el, wchar_t *wc)
{
	struct shell *sh = NULL;
	char buf[8];
	size_t n = 0;
	mbstate_t ps;

	el_get(el, EL_CLIENTDATA, &sh);
	memset(&ps, 0, sizeof(ps));
	for (;;) {
		ssize_t r = read(STDIN_FILENO, buf + n, 1);
		size_t k;

		if (r == 0)
			return 0;
		if (r < 0 && errno == EINTR && !cli_interrupted())
			continue;
		if (r < 0) {
			sh->intr = errno == EINTR;
			return -1;
		}
		n++;
		k = mbrtowc(wc, buf, n, &ps);
		if (k == (size_t)-2 && n < sizeof(buf))
			continue;
		if (k == (size_t)-1 || k == (size_t)-2)
			*wc = (unsigned char)buf[0];
		return 1;
	}
}

/* Makes the client for live values, once; false when it cannot. */
static bool values_client(struct shell *sh)
{
	struct cli_ctx scratch = *sh->base;
	FILE *null;

	if (sh->client || sh->client_failed)
		return sh->client != NULL;
	null = fopen("/dev/null", "w");
	scratch.err = null ? null : sh->base->err;
	scratch.client = NULL;
	if (cli_connect(&scratch) == 0) {
		sh->client = scratch.client;
		sh->client->connect_timeout_ms = 1000;
		sh->client->timeout_ms = 3000;
	} else {
		sh->client_failed = true;
	}
	if (null)
		fclose(null);
	return sh->client != NULL;
}

/* The values of one list at path (member key of each item), appended to c. */
static void fetch(struct shell *sh, const char *path, const char *key, struct cache *c)
{
	struct nc_errinfo ei = {0};
	json_t *list = NULL, *it;
	size_t i;

	if (!values_client(sh) || nc_client_list(sh->client, path, 1, 10, &list, &ei) < 0)
		return;
	json_array_foreach(json_object_get(list, "items"), i, it) {
		const char *v = json_string_value(json_object_get(it, key));

		if (!v)
			continue;
		c->v = nc_xrealloc(c->v, (c->n + 1) * sizeof(char *));
		c->v[c->n++] = nc_xstrdup(v);
	}
	json_decref(list);
}

static void fetch_contexts(struct cache *c)
{
	struct cli_config cfg = {0};
	char path[4096];

	cli_config_path(path, sizeof(path));
	if (cli_config_load(path, &cfg, NULL) == 0) {
		for (size_t i = 0; i < cfg.n; i++) {
			c->v = nc_xrealloc(c->v, (c->n + 1) * sizeof(char *));
			c->v[c->n++] = nc_xstrdup(cfg.ctxs[i].name);
		}
	}
	cli_config_free(&cfg);
}

/* cli_values_fn: live values, cached for CACHE_MS. */
static void live_values(void *arg, enum cli_valkind kind, struct cli_cands *out)
{
	struct shell *sh = arg;
	struct cache *c = &sh->cache[kind];
	int64_t now = nc_time_mono_ms();

	if (!c->at || now - c->at > CACHE_MS) {
		for (size_t i = 0; i < c->n; i++)
			free(c->v[i]);
		c->n = 0;
		if (kind == NC_VAL_SERIAL || kind == NC_VAL_CONNECTOR)
			fetch(sh, "/v1/connectors?limit=1000", "serial", c);
		if (kind == NC_VAL_SERIAL || kind == NC_VAL_EDGE)
			fetch(sh, "/v1/edges?limit=1000", "serial", c);
		if (kind == NC_VAL_PEERING)
			fetch(sh, "/v1/peerings", "name", c);
		if (kind == NC_VAL_TENANT)
			fetch(sh, "/v1/tenants", "id", c);
		if (kind == NC_VAL_TOKEN)
			fetch(sh, "/v1/tokens", "id", c);
		if (kind == NC_VAL_ENROLLKEY)
			fetch(sh, "/v1/enrollment-keys", "id", c);
		if (kind == NC_VAL_CONTEXT)
			fetch_contexts(c);
		c->at = now;
	}
	for (size_t i = 0; i < c->n; i++)
		cli_cands_add(out, c->v[i], NULL);
}

/* The candidates for the line up to the cursor; *w holds its words. */
static void candidates(struct shell *sh, const LineInfo *li, struct cli_words *w,
		       struct cli_cands *c)
{
	size_t upto = (size_t)(li->cursor - li->buffer);
	const char *partial;

	cli_words_split(li->buffer, upto, NC_WORDS_PARTIAL, w, NULL);
	partial = w->open ? w->v[w->n - 1] : "";
	cli_complete(w->v, w->open ? w->n - 1 : w->n, partial, live_values, sh, c);
}

/* Lists the candidates in columns below the line. */
static void list_columns(const struct cli_cands *c)
{
	size_t wmax = 1, cols, width = (size_t)cli_out_term_width(STDOUT_FILENO);

	for (size_t i = 0; i < c->n; i++) {
		size_t l = cli_out_width(c->v[i].word);

		if (l > wmax)
			wmax = l;
	}
	cols = width / (wmax + 2);
	if (cols == 0)
		cols = 1;
	fputc('\n', stdout);
	for (size_t i = 0; i < c->n; i++)
		printf("%-*s%s", (int)(wmax + 2), c->v[i].word,
		       (i + 1) % cols == 0 || i + 1 == c->n ? "\n" : "");
	fflush(stdout);
}

/* Replaces the word being typed (from its start to the cursor) by text. */
static void replace_word(EditLine *el, const LineInfo *li, const struct cli_words *w,
			 const char *text)
{
	size_t upto = (size_t)(li->cursor - li->buffer);

	if (w->open && upto > w->start)
		el_deletestr(el, (int)(upto - w->start));
	el_insertstr(el, text);
}

static unsigned char on_tab(EditLine *el, int ch)
{
	struct shell *sh = NULL;
	const LineInfo *li = el_line(el);
	struct cli_words w = {0};
	struct cli_cands c = {0};
	unsigned char ret = CC_REFRESH;
	char common[512];
	const char *partial;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &sh);
	candidates(sh, li, &w, &c);
	partial = w.open ? w.v[w.n - 1] : "";
	cli_cands_common(&c, common, sizeof(common));
	if (c.n == 0) {
		ret = CC_REFRESH_BEEP;
	} else if (c.n == 1) {
		char *q = w.quote ? nc_xstrdup(c.v[0].word) : cli_words_quote(c.v[0].word);
		size_t l = strlen(q);
		bool more = l > 0 && (q[l - 1] == ',' || q[l - 1] == '=');

		if (w.quote)
			el_insertstr(el, q + strlen(partial));
		else
			replace_word(el, li, &w, q);
		if (w.quote)
			el_insertstr(el, w.quote == '"' ? "\"" : "'");
		if (!more)
			el_insertstr(el, " ");
		free(q);
	} else if (strlen(common) > strlen(partial)) {
		el_insertstr(el, common + strlen(partial));
	} else {
		list_columns(&c);
		ret = CC_REDISPLAY;
	}
	cli_cands_clear(&c);
	cli_words_free(&w);
	return ret;
}

/* '?': what may follow, with summaries, as birdc and vtysh show it. */
static unsigned char on_help(EditLine *el, int ch)
{
	struct shell *sh = NULL;
	const LineInfo *li = el_line(el);
	struct cli_words w = {0};
	struct cli_cands c = {0};
	size_t wmax = 4;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &sh);
	candidates(sh, li, &w, &c);
	if (w.quote) {
		/* Inside quotes '?' is only a character. */
		cli_cands_clear(&c);
		cli_words_free(&w);
		el_insertstr(el, "?");
		return CC_REFRESH;
	}
	for (size_t i = 0; i < c.n; i++) {
		size_t l = cli_out_width(c.v[i].word);

		if (l > wmax)
			wmax = l;
	}
	fputc('\n', stdout);
	/* Values have no summary: what they are stands in for it. */
	for (size_t i = 0; i < c.n; i++)
		printf("  %-*s  %s\n", (int)wmax, c.v[i].word,
		       c.v[i].help ? c.v[i].help : c.expect);
	if (c.n == 0 && c.expect[0])
		printf("  %-*s  (a value of your own)\n", (int)wmax, c.expect);
	if (c.runnable)
		printf("  %-*s  %s\n", (int)wmax, "<cr>", c.cmd->summary);
	if (c.n == 0 && !c.expect[0] && !c.runnable)
		printf("  (nothing can follow here: check the words before)\n");
	fflush(stdout);
	cli_cands_clear(&c);
	cli_words_free(&w);
	return CC_REDISPLAY;
}

/* Writes the history file now (mode 0600), so that it survives a crash. */
static void save_history(struct shell *sh)
{
	mode_t old = umask(077);
	HistEvent ev;

	history(sh->hist, &ev, H_SAVE, sh->histpath);
	umask(old);
}

/* Runs one line; false when it asks to leave. */
static bool run_line(struct shell *sh, const char *line)
{
	struct nc_errinfo ei = {0};
	struct cli_words w = {0};
	struct cli_pipe *pipe = NULL;
	struct cli_ctx lc;
	bool go_on = true;
	HistEvent ev;
	char *cut;
	int ncmd;
	int ret = cli_words_split(line, strlen(line), 0, &w, &ei);

	if (ret == 0 && w.n == 1 && (strcmp(w.v[0], "exit") == 0 || strcmp(w.v[0], "quit") == 0)) {
		go_on = false;
		goto out;
	}
	/* Kept even when it does not parse: the way to fix it is Up. */
	if (line[strspn(line, " \t\r\n")]) {
		size_t len = strcspn(line, "\r\n");
		char *entry;

		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		entry = nc_xstrndup(line, len);

		history(sh->hist, &ev, H_ENTER, entry);
		save_history(sh);
		free(entry);
	}
	if (ret < 0) {
		cli_error(sh->base, NC_ERR_USAGE, "%s", ei.msg);
		goto out;
	}
	if (w.n == 0)
		goto out;
	if (cli_pipe_parse(w.v, w.n, &ncmd, &pipe, &ei) < 0) {
		cli_error(sh->base, NC_ERR_USAGE, "%s", ei.msg);
		goto out;
	}
	/* Every line starts from the shell's own settings. */
	lc = *sh->base;
	lc.mode = NC_MODE_SHELL;
	lc.cmd = NULL;
	lc.client = NULL;
	if (pipe)
		lc.color = false; /* filters see the text, as grep would */
	if (pipe && !(lc.out = cli_pipe_open(pipe, sh->base->out))) {
		cli_error(sh->base, NC_ERR_NOMEM, "cannot filter the output");
		goto out;
	}
	cut = w.v[ncmd]; /* the command alone: its words end at the `|' */
	w.v[ncmd] = NULL;
	cli_interrupt_clear();
	cli_dispatch(&lc, ncmd, w.v);
	w.v[ncmd] = cut;
	if (pipe)
		cli_pipe_close(pipe, lc.out);
	else
		fflush(lc.out);
	go_on = cli_interrupted() != SIGTERM;
	cli_interrupt_clear();
out:
	cli_pipe_free(pipe);
	cli_words_free(&w);
	return go_on;
}

static void setup(struct shell *sh)
{
	HistEvent ev;

	cli_shell_history_path(sh->histpath, sizeof(sh->histpath));
	make_parents(sh->histpath);
	sh->hist = history_init();
	history(sh->hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(sh->hist, &ev, H_SETUNIQUE, 1);
	history(sh->hist, &ev, H_LOAD, sh->histpath);
	sh->el = el_init("netctl", stdin, stdout, stderr);
	el_set(sh->el, EL_CLIENTDATA, sh);
	el_set(sh->el, EL_PROMPT, prompt);
	el_set(sh->el, EL_EDITOR, "emacs");
	el_set(sh->el, EL_HIST, history, sh->hist);
	el_set(sh->el, EL_GETCFN, getcfn);
	/* The wide call: libedit keeps these strings as given (its narrow
	 * EL_ADDFN copies them and never frees the copies). */
	el_wset(sh->el, EL_ADDFN, L"nc-complete", L"Complete the word", on_tab);
	el_set(sh->el, EL_BIND, "^I", "nc-complete", NULL);
	el_wset(sh->el, EL_ADDFN, L"nc-help", L"Show what may follow", on_help);
	el_set(sh->el, EL_BIND, "?", "nc-help", NULL);
	/* Ctrl-R searches the history backwards as the line is typed, as in bash. */
	el_set(sh->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
	el_source(sh->el, NULL);
}

int cli_shell_run(struct cli_ctx *ctx)
{
	struct shell sh = {.base = ctx};

	if (!isatty(STDIN_FILENO))
		return cli_error(ctx, NC_ERR_USAGE,
				 "the shell needs a terminal; for commands from a file or a pipe "
				 "use `netctl batch -f FILE' (or -f -)");
	setlocale(LC_CTYPE, "");
	setup(&sh);
	cli_interrupt_catch();
	if (!ctx->quiet)
		fprintf(ctx->out, "netctl shell: TAB completes, ? shows what may follow, "
				  "exit or Ctrl-D leaves.\n");
	for (;;) {
		int count = 0;
		const char *line;

		sh.intr = false;
		cli_interrupt_clear();
		line = el_gets(sh.el, &count);
		if (sh.intr) {
			/* Ctrl-C drops the line; SIGTERM ends the shell. */
			if (cli_interrupted() == SIGTERM)
				break;
			fputs("^C\n", stdout);
			continue;
		}
		if (!line || count <= 0) {
			fputc('\n', stdout);
			break;
		}
		if (!run_line(&sh, line))
			break;
	}
	cli_interrupt_release();
	el_end(sh.el);
	history_end(sh.hist);
	nc_client_free(sh.client);
	for (size_t k = 0; k < NC_KIND_COUNT; k++) {
		for (size_t i = 0; i < sh.cache[k].n; i++)
			free(sh.cache[k].v[i]);
		free(sh.cache[k].v);
	}
	return 0;
}
