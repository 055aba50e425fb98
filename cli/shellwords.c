/* SPDX-License-Identifier: MIT */
/* Lines to words for the shell and batch files (rules in shellwords.h); no I/O. */
#include "shellwords.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->s = nc_xrealloc(b->s, b->cap);
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

static void add_word(struct cli_words *w, struct buf *b, size_t *cap)
{
	if ((size_t)w->n + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 8;
		w->v = nc_xrealloc(w->v, *cap * sizeof(char *));
	}
	w->v[w->n++] = b->s ? b->s : nc_xstrdup("");
	w->v[w->n] = NULL;
	*b = (struct buf){0};
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A split in progress: the line, where it is, and the word being read. */
struct split {
	const char *line;
	size_t len, i;
	struct cli_words *w;
	struct buf b;  /* the word being read */
	size_t cap;    /* of w->v */
	char quote;    /* the quote open at i, or 0 */
	size_t qstart; /* where it opened */
	bool inword;
};

/* Reads the character at s->i inside quotes (a backslash escape counts as one). */
static void quoted(struct split *s)
{
	const char *line = s->line;
	size_t i = s->i;

	if (line[i] == s->quote) {
		s->quote = 0;
	} else if (s->quote == '"' && line[i] == '\\' && i + 1 < s->len &&
		   strchr("\"\\$`\n", line[i + 1])) {
		if (line[i + 1] != '\n')
			put(&s->b, line[i + 1]);
		i++;
	} else {
		put(&s->b, line[i]);
	}
	s->i = i + 1;
}

/*
 * Reads the character at s->i outside quotes (with what a backslash escapes).
 * 0, 1 at a comment (the line ends there), or NC_ERR_PARSE for a backslash
 * ending the line (unless partial).
 */
static int unquoted(struct split *s, bool partial, struct nc_errinfo *ei)
{
	const char *line = s->line;
	size_t i = s->i;
	char c = line[i];

	if (blank(c)) {
		if (s->inword)
			add_word(s->w, &s->b, &s->cap);
		s->inword = false;
		s->i = i + 1;
		return 0;
	}
	if (c == '\\' && i + 1 < s->len && line[i + 1] == '\n') {
		/* A line continuation is nothing, not even the start of a word. */
		s->i = i + 2;
		return 0;
	}
	if (c == '#' && !s->inword)
		return 1;
	if (!s->inword) {
		s->inword = true;
		s->w->start = i;
	}
	if (c == '\'' || c == '"') {
		s->quote = c;
		s->qstart = i;
	} else if (c == '\\') {
		if (i + 1 < s->len)
			put(&s->b, line[i + 1]);
		else if (!partial)
			return nc_fail(ei, NC_ERR_PARSE, NULL,
				       "column %zu: a backslash ends the line", i + 1);
		i++;
	} else {
		put(&s->b, c);
	}
	s->i = i + 1;
	return 0;
}

int cli_words_split(const char *line, size_t len, unsigned flags, struct cli_words *w,
		    struct nc_errinfo *ei)
{
	bool partial = flags & NC_WORDS_PARTIAL;
	struct split s = {.line = line, .len = len, .w = w};
	int ret = 0;

	w->v = nc_xcalloc(1, sizeof(char *));
	w->n = 0;
	w->open = false;
	w->quote = 0;
	w->start = len;
	while (ret == 0 && s.i < len) {
		if (line[s.i] == '\0')
			ret = nc_fail(ei, NC_ERR_PARSE, NULL, "column %zu: a NUL byte", s.i + 1);
		else if (s.quote)
			quoted(&s);
		else
			ret = unquoted(&s, partial, ei);
	}
	if (ret < 0)
		goto out;
	ret = 0;
	if (s.quote && !partial) {
		ret = nc_fail(ei, NC_ERR_PARSE, NULL, "column %zu: the %s quote is not closed",
			      s.qstart + 1, s.quote == '"' ? "double" : "single");
		goto out;
	}
	w->quote = s.quote;
	w->open = s.inword;
	if (s.inword)
		add_word(w, &s.b, &s.cap);
out:
	free(s.b.s);
	return ret;
}

void cli_words_free(struct cli_words *w)
{
	if (!w)
		return;
	for (int i = 0; w->v && i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

char *cli_words_quote(const char *word)
{
	size_t n = 0;
	char *out;

	if (*word && !word[strcspn(word, " \t\r\n'\"\\#")])
		return nc_xstrdup(word);
	/* In single quotes; a quote inside becomes '\'' . */
	for (const char *p = word; *p; p++)
		n += *p == '\'' ? 4 : 1;
	out = nc_xmalloc(n + 3);
	n = 0;
	out[n++] = '\'';
	for (const char *p = word; *p; p++) {
		if (*p == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *p;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
	return out;
}
