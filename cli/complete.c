/* SPDX-License-Identifier: MIT */
/* Completion of a command line from the command table; live values through a callback. */
#include "complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/xmalloc.h"
#include "argwalk.h"
#include "cmd.h"
#include "watch.h"

void cli_cands_add(struct cli_cands *c, const char *word, const char *help)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].word, word) == 0)
			return;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = nc_xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n].word = nc_xstrdup(word);
	c->v[c->n].help = help;
	c->n++;
}

void cli_cands_clear(struct cli_cands *c)
{
	for (size_t i = 0; c && i < c->n; i++)
		free(c->v[i].word);
	if (c) {
		free(c->v);
		memset(c, 0, sizeof(*c));
	}
}

void cli_cands_common(const struct cli_cands *c, char *buf, size_t size)
{
	size_t len;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (c->n == 0)
		return;
	snprintf(buf, size, "%s", c->v[0].word);
	len = strlen(buf);
	for (size_t i = 1; i < c->n; i++) {
		size_t k = 0;

		while (k < len && c->v[i].word[k] == buf[k])
			k++;
		len = k;
	}
	buf[len] = '\0';
}

static int by_word(const void *a, const void *b)
{
	return strcmp(((const struct cli_cand *)a)->word, ((const struct cli_cand *)b)->word);
}

/* Keeps the candidates that start with prefix. */
static void filter(struct cli_cands *c, const char *prefix)
{
	size_t len = strlen(prefix), k = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (strncmp(c->v[i].word, prefix, len) == 0)
			c->v[k++] = c->v[i];
		else
			free(c->v[i].word);
	}
	c->n = k;
}

/* Adds the values a spec describes (every value; filtered later). */
static void values(const struct cli_valspec *v, const char *prev_pos, cli_values_fn fn, void *arg,
		   struct cli_cands *out)
{
	const char *p = v->choices;

	while (*p) {
		char w[64];
		size_t len = strcspn(p, " ");

		snprintf(w, sizeof(w), "%.*s", (int)len, p);
		cli_cands_add(out, w, NULL);
		p += len + (p[len] == ' ');
	}
	switch (v->kind) {
	case NC_VAL_COMMAND:
		for (size_t i = 0; i < cli_nnouns; i++)
			cli_cands_add(out, cli_nouns[i].name, cli_nouns[i].summary);
		break;
	case NC_VAL_VERB: {
		const char *names[128], *verbs[64];
		size_t nn = cli_noun_names(names, 128);
		int k = prev_pos ? cli_word_match(prev_pos, names, nn) : NC_MATCH_NONE;
		size_t nv = k >= 0 ? cli_cmd_verbs(names[k], verbs, 64) : 0;

		for (size_t i = 0; i < nv; i++)
			cli_cands_add(out, verbs[i], cli_cmd_lookup(names[k], verbs[i])->summary);
		break;
	}
	case NC_VAL_EVTYPE:
		for (size_t i = 0; i < nc_nevent_aliases; i++)
			cli_cands_add(out, nc_event_aliases[i].alias, nc_event_aliases[i].types);
		for (size_t i = 0; i < nc_nevent_types; i++)
			cli_cands_add(out, nc_event_types[i], NULL);
		break;
	case NC_VAL_NONE:
	case NC_VAL_CHOICES:
	case NC_VAL_FILE:
		break;
	default:
		if (fn)
			fn(arg, v->kind, out);
		break;
	}
}

/* Adds the long options of c (&cli_global_cmd: the global ones) but skip
 * (NULL: none), each with its line of help from commands.def. */
static void options(const struct cli_cmd *c, const char *skip, struct cli_cands *out)
{
	const char *p = c->options;
	const struct cli_optinfo *oi;
	struct cli_opt o;

	while (cli_opt_next(&p, &o)) {
		char w[40];

		if (skip && strcmp(o.name, skip) == 0)
			continue;
		snprintf(w, sizeof(w), "--%s", o.name);
		oi = cli_opt_info(c, o.name);
		cli_cands_add(out, w, oi ? oi->help : NULL);
	}
}

/* Where the words before the cursor leave it, as the dispatcher reads them. */
struct spot {
	const char *noun;	   /* the command word, once known */
	const struct cli_cmd *cmd; /* the command, once known */
	const char *prev_pos;	   /* the last positional argument of cmd, or NULL */
	int npos;		   /* how many positionals cmd has so far */
	bool only_pos;		   /* a "--" has passed */
	bool pending;		   /* the cursor is at the value of option opt */
	struct cli_argword opt;
};

/* Takes positional word w: the noun, the verb, or an argument of the command.
 * False when w names no command (unknown or ambiguous). */
static bool take_word(struct spot *s, const char *w)
{
	const char *names[128], *verbs[64];
	size_t nn, nv;
	int k;

	if (!s->noun) {
		nn = cli_noun_names(names, 128);
		k = cli_word_match(w, names, nn);
		if (k < 0)
			return false;
		s->noun = names[k];
		if (cli_cmd_verbs(s->noun, verbs, 64) == 0)
			s->cmd = cli_cmd_lookup(s->noun, NULL);
	} else if (!s->cmd) {
		nv = cli_cmd_verbs(s->noun, verbs, 64);
		k = cli_word_match(w, verbs, nv);
		if (k < 0)
			return false;
		s->cmd = cli_cmd_lookup(s->noun, verbs[k]);
	} else {
		s->prev_pos = w;
		s->npos++;
	}
	return true;
}

/*
 * Walks words[0..n) with the dispatcher's argv walker, the options of the
 * command counting once the words name it. Options in error are passed
 * over, but one that misses its value leaves the cursor at that value.
 * False when a word names no command.
 */
static bool locate(char *const *words, int n, struct spot *s)
{
	struct cli_argwalk w;
	struct cli_argword word;

	memset(s, 0, sizeof(*s));
	cli_argwalk_init(&w, NULL, n, words);
	while (cli_argwalk_next(&w, &word)) {
		if (word.option && word.err == CLI_ARG_MISSING) {
			s->pending = true;
			s->opt = word;
		} else if (!word.option) {
			if (!take_word(s, word.arg))
				return false;
			w.cmd = s->cmd;
		}
	}
	s->only_pos = w.only_pos;
	return true;
}

/* The values of the option the cursor is at, the last item of a comma list
 * (--type a,b) when the option takes event types. */
static void complete_optval(const struct spot *s, const char *partial, cli_values_fn fn, void *arg,
			    struct cli_cands *out)
{
	const char *comma;
	struct cli_valspec v;
	char prefix[256];

	if (!cli_cmd_optval(s->cmd, s->opt.name, &v))
		return;
	snprintf(out->expect, sizeof(out->expect), "%s", v.placeholder);
	values(&v, NULL, fn, arg, out);
	comma = v.kind == NC_VAL_EVTYPE ? strrchr(partial, ',') : NULL;
	if (comma) {
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(comma - partial + 1), partial);
		filter(out, comma + 1);
		for (size_t i = 0; i < out->n; i++) {
			char *w = nc_xasprintf("%s%s", prefix, out->v[i].word);

			free(out->v[i].word);
			out->v[i].word = w;
		}
	} else {
		filter(out, partial);
	}
	qsort(out->v, out->n, sizeof(*out->v), by_word);
}

/* The verbs of noun. */
static void complete_verb(const char *noun, const char *partial, struct cli_cands *out)
{
	const char *verbs[64];
	size_t nv = cli_cmd_verbs(noun, verbs, 64);

	snprintf(out->expect, sizeof(out->expect), "verb");
	for (size_t i = 0; i < nv; i++)
		cli_cands_add(out, verbs[i], cli_cmd_lookup(noun, verbs[i])->summary);
	filter(out, partial);
}

/* The next positional argument of cmd. */
static void complete_arg(const struct spot *s, const char *partial, cli_values_fn fn, void *arg,
			 struct cli_cands *out)
{
	struct cli_valspec v;

	out->runnable = !partial[0] && s->npos >= s->cmd->min;
	if (!cli_cmd_arg(s->cmd, s->npos, &v))
		return;
	snprintf(out->expect, sizeof(out->expect), "%s", v.placeholder);
	values(&v, s->prev_pos, fn, arg, out);
	filter(out, partial);
	if (v.kind != NC_VAL_COMMAND && v.kind != NC_VAL_VERB)
		qsort(out->v, out->n, sizeof(*out->v), by_word);
}

void cli_complete(char *const *words, int n, const char *partial, cli_values_fn fn, void *arg,
		  struct cli_cands *out)
{
	struct spot s;

	if (!locate(words, n, &s))
		return;
	out->cmd = s.cmd;
	if (s.pending) {
		complete_optval(&s, partial, fn, arg, out);
	} else if (!s.only_pos && partial[0] == '-') {
		snprintf(out->expect, sizeof(out->expect), "option");
		if (s.cmd)
			options(s.cmd, NULL, out);
		/* --watch only where the command takes it. */
		options(&cli_global_cmd, s.cmd && !cli_watch_allowed(s.cmd) ? "watch" : NULL, out);
		filter(out, partial);
	} else if (!s.noun) {
		snprintf(out->expect, sizeof(out->expect), "command");
		values(&(struct cli_valspec){.kind = NC_VAL_COMMAND}, NULL, NULL, NULL, out);
		filter(out, partial);
	} else if (!s.cmd) {
		complete_verb(s.noun, partial, out);
	} else {
		complete_arg(&s, partial, fn, arg, out);
	}
}
