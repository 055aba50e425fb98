/* SPDX-License-Identifier: MIT */
/* The shell's output filters: see shellpipe.h. */
#include "shellpipe.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"

enum stage_kind { STAGE_INCLUDE, STAGE_EXCLUDE, STAGE_COUNT };

struct stage {
	enum stage_kind kind;
	regex_t re; /* include and exclude */
};

struct cli_pipe {
	struct stage *v;
	size_t n;
	FILE *out;
	char *line; /* the line being written, not yet ended */
	size_t len, cap;
	unsigned long counted;
};

void cli_pipe_free(struct cli_pipe *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].kind != STAGE_COUNT)
			regfree(&p->v[i].re);
	}
	free(p->v);
	free(p->line);
	free(p);
}

/* One filter from words[*i...]; advances *i past it. */
static int parse_stage(char *const *words, int n, int *i, struct stage *s, struct nc_errinfo *ei)
{
	const char *name = *i < n ? words[*i] : "";
	char msg[128];
	int rc;

	if (strcmp(name, "count") == 0) {
		s->kind = STAGE_COUNT;
		(*i)++;
		return 0;
	}
	if (!*name)
		return nc_fail(ei, NC_ERR_USAGE, NULL,
			       "`|' wants a filter: include RE, exclude RE or count");
	if (strcmp(name, "include") != 0 && strcmp(name, "exclude") != 0)
		return nc_fail(ei, NC_ERR_USAGE, NULL,
			       "`| %s': the filters are include RE, exclude RE and count", name);
	s->kind = name[0] == 'i' ? STAGE_INCLUDE : STAGE_EXCLUDE;
	if (*i + 1 >= n || strcmp(words[*i + 1], "|") == 0)
		return nc_fail(ei, NC_ERR_USAGE, NULL, "`| %s' wants a regular expression", name);
	rc = regcomp(&s->re, words[*i + 1], REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &s->re, msg, sizeof(msg));
		return nc_fail(ei, NC_ERR_USAGE, NULL, "`| %s %s': %s", name, words[*i + 1], msg);
	}
	*i += 2;
	return 0;
}

int cli_pipe_parse(char *const *words, int n, int *ncmd, struct cli_pipe **out,
		   struct nc_errinfo *ei)
{
	struct cli_pipe *p;
	int i = 0, ret = 0;

	*out = NULL;
	while (i < n && strcmp(words[i], "|") != 0)
		i++;
	*ncmd = i;
	if (i == n)
		return 0;
	if (i == 0)
		return nc_fail(ei, NC_ERR_USAGE, NULL, "`|' follows a command");
	p = nc_xcalloc(1, sizeof(*p));
	p->v = nc_xcalloc((size_t)(n - i) / 2 + 1, sizeof(*p->v));
	while (ret == 0 && i < n) {
		i++; /* the `|' */
		if (p->n > 0 && p->v[p->n - 1].kind == STAGE_COUNT)
			ret = nc_fail(ei, NC_ERR_USAGE, NULL, "`| count' is the last filter");
		else
			ret = parse_stage(words, n, &i, &p->v[p->n], ei);
		if (ret == 0)
			p->n++;
		if (ret == 0 && i < n && strcmp(words[i], "|") != 0)
			ret = nc_fail(ei, NC_ERR_USAGE, NULL,
				      "`%s': one filter takes one regular expression (quote it)",
				      words[i]);
	}
	if (ret < 0)
		cli_pipe_free(p);
	else
		*out = p;
	return ret;
}

/* Passes the line held (without its newline) through the filters, and empties it. */
static void pass(struct cli_pipe *p)
{
	const char *s = p->line ? p->line : "";

	if (p->line)
		p->line[p->len] = '\0';
	p->len = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct stage *st = &p->v[i];

		if (st->kind == STAGE_COUNT) {
			p->counted++;
			return;
		}
		if ((regexec(&st->re, s, 0, NULL, 0) == 0) != (st->kind == STAGE_INCLUDE))
			return;
	}
	fprintf(p->out, "%s\n", s);
	fflush(p->out);
}

static ssize_t pipe_write(void *cookie, const char *buf, size_t size)
{
	struct cli_pipe *p = cookie;

	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n') {
			pass(p);
			continue;
		}
		/* Room for this byte and the NUL that pass() puts after the line. */
		p->line = nc_xgrow(p->line, &p->cap, p->len + 2, 256);
		p->line[p->len++] = buf[i];
	}
	return (ssize_t)size;
}

FILE *cli_pipe_open(struct cli_pipe *p, FILE *out)
{
	static const cookie_io_functions_t io = {.write = pipe_write};

	p->out = out;
	p->len = 0;
	p->counted = 0;
	return fopencookie(p, "w", io);
}

void cli_pipe_close(struct cli_pipe *p, FILE *f)
{
	fclose(f);
	if (p->len > 0)
		pass(p);
	if (p->n > 0 && p->v[p->n - 1].kind == STAGE_COUNT)
		fprintf(p->out, "%lu\n", p->counted);
	fflush(p->out);
}
