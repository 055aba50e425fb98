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

int cli_words_split(const char *line, size_t len, unsigned flags, struct cli_words *w,
		    struct nc_errinfo *ei)
{
	bool partial = flags & NC_WORDS_PARTIAL, inword = false;
	struct buf b = {0};
	size_t cap = 0, i = 0, qstart = 0;
	char quote = 0;
	int ret = 0;

	w->v = nc_xcalloc(1, sizeof(char *));
	w->n = 0;
	w->open = false;
	w->quote = 0;
	w->start = len;
	while (i < len) {
		char c = line[i];

		if (c == '\0') {
			ret = nc_fail(ei, NC_ERR_PARSE, NULL, "column %zu: a NUL byte", i + 1);
			goto out;
		}
		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				put(&b, c);
			i++;
			continue;
		}
		if (quote == '"') {
			if (c == '"') {
				quote = 0;
			} else if (c == '\\' && i + 1 < len && strchr("\"\\$`\n", line[i + 1])) {
				if (line[i + 1] != '\n')
					put(&b, line[i + 1]);
				i++;
			} else {
				put(&b, c);
			}
			i++;
			continue;
		}
		if (blank(c)) {
			if (inword)
				add_word(w, &b, &cap);
			inword = false;
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < len && line[i + 1] == '\n') {
			/* A line continuation is nothing, not even the start of a word. */
			i += 2;
			continue;
		}
		if (c == '#' && !inword)
			break;
		if (!inword) {
			inword = true;
			w->start = i;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			qstart = i;
		} else if (c == '\\') {
			if (i + 1 >= len) {
				if (!partial) {
					ret = nc_fail(ei, NC_ERR_PARSE, NULL,
						      "column %zu: a backslash ends the line",
						      i + 1);
					goto out;
				}
			} else {
				put(&b, line[i + 1]);
			}
			i++;
		} else {
			put(&b, c);
		}
		i++;
	}
	if (quote && !partial) {
		ret = nc_fail(ei, NC_ERR_PARSE, NULL, "column %zu: the %s quote is not closed",
			      qstart + 1, quote == '"' ? "double" : "single");
		goto out;
	}
	w->quote = quote;
	w->open = inword;
	if (inword)
		add_word(w, &b, &cap);
out:
	free(b.s);
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
