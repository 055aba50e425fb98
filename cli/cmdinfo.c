/* SPDX-License-Identifier: MIT */
/* Questions to the command table: words, options specs, value kinds, options' help. */
#include "cmdinfo.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../lib/util/strlist.h"
#include "cmd.h"

const char cli_global_opts[] =
	"server=,token=,token-file=,tenant=,output|o=,sort-by=,field-selector=,watch|w,"
	"no-color,quiet|q,verbose|v,help|h,version";

const struct cli_cmd cli_global_cmd = {
	.noun = "",
	.max = -1,
	.options = cli_global_opts,
	.usage = "[--server URL] [--token TOKEN] [--token-file FILE] [--tenant ID] "
		 "[--output FORMAT] [--sort-by FIELD] [--field-selector SELECTOR] [--watch] "
		 "[--no-color] [--quiet] [--verbose] [--help] [--version]",
	.summary = "Global options",
};

/* The event types, from the library's one list. */
const char *const nc_event_types[] = {
#define NC_EVENT_TYPE(name) #name,
#include "../lib/events/types.def"
};
const size_t nc_nevent_types = sizeof(nc_event_types) / sizeof(nc_event_types[0]);

const struct nc_evalias nc_event_aliases[] = {
	{"tunnel", "tunnel_status,link"},
	{"sync", "sync_state,batch_sent,sync_error,build_notes"},
	{"errors", "proto_error,ignored,sync_error"},
	{"inventory", "audit,dirty,lifecycle"},
	{"device", "register,config_request,heartbeat"},
};
const size_t nc_nevent_aliases = sizeof(nc_event_aliases) / sizeof(nc_event_aliases[0]);

bool cli_opt_next(const char **p, struct cli_opt *o)
{
	const char *s = *p, *bar;
	size_t len, nl;

	if (!s || !*s)
		return false;
	len = strcspn(s, ",");
	nl = strcspn(s, "|=,");
	snprintf(o->name, sizeof(o->name), "%.*s", (int)nl, s);
	bar = memchr(s, '|', len);
	o->shortname = bar && bar + 1 < s + len && bar[1] != '=' ? bar[1] : 0;
	o->takes = len > 0 && s[len - 1] == '=';
	s += len;
	if (*s == ',')
		s++;
	*p = s;
	return true;
}

bool cli_opt_find(const char *spec, const char *name, char shortname, struct cli_opt *o)
{
	const char *p = spec;

	while (cli_opt_next(&p, o)) {
		if (shortname ? o->shortname == shortname : name && strcmp(o->name, name) == 0)
			return true;
	}
	return false;
}

void cli_optwalk_init(struct cli_optwalk *w, const struct cli_cmd *c)
{
	w->cmd = c;
	w->p = c->options;
	w->globals = false;
}

/* Whether usage writes option --name (followed by a space, ']' or its end). */
static bool usage_writes(const char *usage, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = strstr(usage, "--"); s; s = strstr(s + 2, "--")) {
		if (strncmp(s + 2, name, n) == 0 && strchr(" ]|", s[2 + n]))
			return true;
	}
	return false;
}

bool cli_optwalk_next(struct cli_optwalk *w, struct cli_opt *o)
{
	while (true) {
		if (cli_opt_next(&w->p, o)) {
			if (!w->globals || usage_writes(w->cmd->usage, o->name))
				return true;
			continue;
		}
		if (w->globals || w->cmd->options == cli_global_opts)
			return false;
		w->globals = true;
		w->p = cli_global_opts;
	}
}

int cli_word_match(const char *word, const char *const *cands, size_t n)
{
	size_t wl = strlen(word);
	int hit = NC_MATCH_NONE;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(cands[i], word) == 0)
			return (int)i;
	}
	/* An alias stands for the one of its words that is a candidate here. */
	for (size_t i = 0; i < cli_naliases; i++) {
		if (strcmp(word, cli_aliases[i].alias) != 0)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (strcmp(cands[j], cli_aliases[i].word) == 0)
				return (int)j;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (strncmp(cands[i], word, wl) != 0)
			continue;
		if (hit != NC_MATCH_NONE)
			return NC_MATCH_AMBIGUOUS;
		hit = (int)i;
	}
	return hit;
}

size_t cli_noun_names(const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cli_nnouns && n < max; i++)
		out[n++] = cli_nouns[i].name;
	return n;
}

size_t cli_cmd_verbs(const char *noun, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cli_ncmds; i++) {
		if (strcmp(cli_cmds[i].noun, noun) == 0 && cli_cmds[i].verb && n < max)
			out[n++] = cli_cmds[i].verb;
	}
	return n;
}

const struct cli_cmd *cli_cmd_lookup(const char *noun, const char *verb)
{
	for (size_t i = 0; i < cli_ncmds; i++) {
		const struct cli_cmd *c = &cli_cmds[i];

		if (strcmp(c->noun, noun) != 0)
			continue;
		if (verb ? c->verb && strcmp(c->verb, verb) == 0 : !c->verb)
			return c;
	}
	return NULL;
}

const char *cli_noun_summary(const char *noun)
{
	for (size_t i = 0; i < cli_nnouns; i++) {
		if (strcmp(cli_nouns[i].name, noun) == 0)
			return cli_nouns[i].summary;
	}
	return "";
}

void cli_cmd_words(const struct cli_cmd *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", c->noun, c->verb ? " " : "", c->verb ? c->verb : "");
}

const struct cli_optinfo *cli_opt_info(const struct cli_cmd *c, const char *name)
{
	const struct cli_optinfo *any = NULL;
	char words[64] = "";

	if (c)
		cli_cmd_words(c, words, sizeof(words));
	for (size_t i = 0; i < cli_noptinfos; i++) {
		const struct cli_optinfo *oi = &cli_optinfos[i];

		if (strcmp(oi->name, name) != 0)
			continue;
		if (!oi->cmds[0] && !any)
			any = oi;
		else if (words[0] && nc_strlist_csv_has(oi->cmds, words))
			return oi;
	}
	return any;
}

void cli_opt_describe(const struct cli_optinfo *oi, char *buf, size_t n)
{
	bool vals = oi && oi->allowed[0], def = oi && oi->def[0];

	if (!oi) {
		if (n > 0)
			buf[0] = '\0';
		return;
	}
	snprintf(buf, n, "%s%s%s%s%s%s%s", oi->help, vals || def ? " (" : "", oi->allowed,
		 vals && def ? "; " : "", def ? "default: " : "", oi->def, vals || def ? ")" : "");
}

const char *cli_valkind_name(enum cli_valkind k)
{
	static const char *const names[NC_KIND_COUNT] = {
		"none",	 "choices",   "serial", "connector", "edge", "peering", "context",
		"token", "enrollkey", "tenant", "command",   "verb", "file",	"evtype",
	};

	return (unsigned)k < NC_KIND_COUNT ? names[k] : "none";
}

/* The kind of one placeholder word (no '|'), given where it appears. */
static enum cli_valkind kind_of_word(const struct cli_cmd *c, const char *opt, const char *w)
{
	bool create = c && c->verb && strcmp(c->verb, "create") == 0;
	const char *noun = c ? c->noun : "";

	if (strcmp(w, "SERIAL") == 0) {
		if (opt)
			return strcmp(opt, "hub") == 0 ? NC_VAL_EDGE : NC_VAL_SERIAL;
		if (strcmp(noun, "connector") == 0)
			return NC_VAL_CONNECTOR;
		return strcmp(noun, "edge") == 0 ? NC_VAL_EDGE : NC_VAL_SERIAL;
	}
	if (!opt && (strcmp(w, "A") == 0 || strcmp(w, "B") == 0))
		return NC_VAL_SERIAL;
	if (strcmp(w, "PEERING") == 0)
		return NC_VAL_PEERING;
	if (!opt && strcmp(w, "NAME") == 0 && strcmp(noun, "peering") == 0 && !create)
		return NC_VAL_PEERING;
	if (!opt && strcmp(w, "NAME") == 0 && strcmp(noun, "context") == 0)
		return NC_VAL_CONTEXT;
	if (!opt && strcmp(w, "ID") == 0 && c && c->verb && strcmp(c->verb, "revoke") == 0)
		return strcmp(noun, "token") == 0 ? NC_VAL_TOKEN : NC_VAL_ENROLLKEY;
	if (opt && strcmp(opt, "tenant") == 0)
		return NC_VAL_TENANT;
	if (strcmp(w, "NOUN") == 0)
		return NC_VAL_COMMAND;
	if (strcmp(w, "VERB") == 0)
		return NC_VAL_VERB;
	if (strcmp(w, "FILE") == 0 || strcmp(w, "DIR") == 0)
		return NC_VAL_FILE;
	/* "F" is a file for --mqtt-cafile F, a fraction for --fail-rate F. */
	if (strcmp(w, "F") == 0 && opt &&
	    (strstr(opt, "file") || strstr(opt, "cert") || strstr(opt, "key")))
		return NC_VAL_FILE;
	if (strcmp(w, "TYPES") == 0)
		return NC_VAL_EVTYPE;
	return NC_VAL_NONE;
}

/* Fills v for placeholder ph of option opt (NULL: a positional) of c. */
static void spec_of(const struct cli_cmd *c, const char *opt, const char *ph, struct cli_valspec *v)
{
	const char *p = ph;

	memset(v, 0, sizeof(*v));
	snprintf(v->placeholder, sizeof(v->placeholder), "%s", ph);
	if (!strchr(ph, '|')) {
		v->kind = kind_of_word(c, opt, ph);
		return;
	}
	while (*p) {
		char alt[64];
		size_t len = strcspn(p, "|");

		snprintf(alt, sizeof(alt), "%.*s", (int)len, p);
		if (alt[0] >= 'A' && alt[0] <= 'Z') {
			v->open = true;
			if (v->kind == NC_VAL_NONE)
				v->kind = kind_of_word(c, opt, alt);
		} else if (alt[0]) {
			size_t cl = strlen(v->choices);

			snprintf(v->choices + cl, sizeof(v->choices) - cl, "%s%s", cl ? " " : "",
				 alt);
		}
		p += len + (p[len] == '|');
	}
	if (v->kind == NC_VAL_NONE && v->choices[0])
		v->kind = NC_VAL_CHOICES;
}

/* Copies the next space-separated token of *u into buf and moves *u past it. */
static bool next_token(const char **u, char *buf, size_t n)
{
	const char *s = *u + strspn(*u, " ");
	size_t len = strcspn(s, " ");

	if (len == 0)
		return false;
	snprintf(buf, n, "%.*s", (int)len, s);
	*u = s + len;
	return true;
}

/* A token without its brackets and repetition marks, into out; *rep when it repeats. */
static void bare(const char *t, char *out, size_t n, bool *rep)
{
	size_t len;

	t += strspn(t, "[(");
	snprintf(out, n, "%s", t);
	*rep = strstr(out, "...") || strstr(out, "\xe2\x80\xa6");
	len = strcspn(out, "])");
	out[len] = '\0';
	while (len > 0 && (out[len - 1] == '.'))
		out[--len] = '\0';
	if (len >= 3 && strcmp(out + len - 3, "\xe2\x80\xa6") == 0)
		out[len - 3] = '\0';
}

/*
 * Walks c's usage. For the option want (when not NULL) fills v with its
 * value's placeholder and returns true; for want NULL, returns the argidx-th
 * positional placeholder in v.
 */
static bool walk_usage(const struct cli_cmd *c, const char *want, int argidx, struct cli_valspec *v)
{
	const char *u = c->usage;
	char tok[128], word[128];
	int pos = 0;
	bool rep;

	while (next_token(&u, tok, sizeof(tok))) {
		bare(tok, word, sizeof(word), &rep);
		if (word[0] == '-' && word[1]) {
			struct cli_opt o;
			char name[64], val[128] = "";
			bool longopt = word[1] == '-';

			snprintf(name, sizeof(name), "%.63s", word + (longopt ? 2 : 1));
			name[strcspn(name, "|=")] = '\0';
			if (!(longopt ? cli_opt_find(c->options, name, 0, &o) ||
						cli_opt_find(cli_global_opts, name, 0, &o)
				      : cli_opt_find(c->options, NULL, name[0], &o)))
				continue;
			if (!o.takes || strchr(tok, ']'))
				continue;
			if (!next_token(&u, tok, sizeof(tok)))
				break;
			if (tok[0] == '"') {
				/* A quoted value runs to the token that closes the quote. */
				while (!strchr(tok + 1, '"') && next_token(&u, tok, sizeof(tok)))
					;
				snprintf(val, sizeof(val), "%s", "RULE");
			} else {
				bare(tok, val, sizeof(val), &rep);
			}
			if (want && strcmp(o.name, want) == 0) {
				spec_of(c, o.name, val, v);
				return true;
			}
			continue;
		}
		if (!word[0] || strcmp(word, "|") == 0)
			continue;
		if (!want && (pos == argidx || (rep && argidx > pos))) {
			spec_of(c, NULL, word, v);
			v->repeat = rep;
			return true;
		}
		pos++;
	}
	return false;
}

bool cli_cmd_arg(const struct cli_cmd *c, int i, struct cli_valspec *v)
{
	if (c->max >= 0 && i >= c->max)
		return false;
	return walk_usage(c, NULL, i, v);
}

int cli_valspec_index(const struct cli_valspec *v, const char *val)
{
	size_t n = strlen(val);
	int i = 0;

	for (const char *p = v->choices; *p; i++) {
		size_t len = strcspn(p, " ");

		if (len == n && strncmp(p, val, n) == 0)
			return i;
		p += len + (p[len] == ' ');
	}
	return -1;
}

bool cli_valspec_allows(const struct cli_valspec *v, const char *val)
{
	return v->kind != NC_VAL_CHOICES || v->open || cli_valspec_index(v, val) >= 0;
}

/*
 * cli_cmd_optval's answers by (command, option): the usage is walked once
 * per pair, not once per line of a batch file that repeats it. The tables
 * are constant, so an answer never goes stale. Direct-mapped; a collision
 * only costs a walk.
 */
#define OPTVAL_MEMO 64

static struct optval_memo {
	const struct cli_cmd *c;
	char name[32];
	bool used, found;
	struct cli_valspec v;
} optval_memo[OPTVAL_MEMO];

static struct optval_memo *memo_slot(const struct cli_cmd *c, const char *name)
{
	size_t h = (size_t)(uintptr_t)c * 31;

	for (const char *p = name; *p; p++)
		h = h * 131 + (unsigned char)*p;
	return &optval_memo[h % OPTVAL_MEMO];
}

static bool optval(const struct cli_cmd *c, const char *name, struct cli_valspec *v)
{
	const struct cli_optinfo *oi;
	struct cli_opt o;

	memset(v, 0, sizeof(*v));
	if (!c || !cli_opt_find(c->options, name, 0, &o))
		c = &cli_global_cmd;
	if (!cli_opt_find(c->options, name, 0, &o) || !o.takes)
		return false;
	if (!walk_usage(c, name, -1, v))
		spec_of(c, name, "VALUE", v);
	oi = cli_opt_info(c, name);
	if (oi && oi->allowed[0]) {
		/* The values of the help's row, and only those. */
		snprintf(v->choices, sizeof(v->choices), "%s", oi->allowed);
		for (char *p = v->choices; *p; p++)
			*p = *p == '|' ? ' ' : *p;
		v->kind = NC_VAL_CHOICES;
		v->open = false;
	}
	return true;
}

bool cli_cmd_optval(const struct cli_cmd *c, const char *name, struct cli_valspec *v)
{
	struct optval_memo *m = memo_slot(c, name);

	if (strlen(name) >= sizeof(m->name))
		return optval(c, name, v);
	if (!m->used || m->c != c || strcmp(m->name, name) != 0) {
		m->found = optval(c, name, &m->v);
		m->c = c;
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->used = true;
	}
	*v = m->v;
	return m->found;
}
