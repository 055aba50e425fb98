/* SPDX-License-Identifier: MIT */
/*
 * The CLI's table-driven and pure parts: words and value kinds read from
 * commands.def, completion, event lines for tail and the line diff, read through the CLI library
 * and its real command table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/util/err.h"
#include "../../cli/argwalk.h"
#include "../../cli/cmd.h"
#include "../../cli/cmdinfo.h"
#include "../../cli/complete.h"
#include "../../cli/evline.h"
#include "../../cli/output.h"
#include "../../cli/shellwords.h"
#include "../../cli/textdiff.h"

static void test_word_match(void **state)
{
	const char *names[128], *verbs[64];
	size_t nn = cli_noun_names(names, 128), nv;

	assert_string_equal(names[cli_word_match("conn", names, nn)], "connector");
	assert_string_equal(names[cli_word_match("sync", names, nn)], "sync");
	assert_int_equal(cli_word_match("co", names, nn), NC_MATCH_AMBIGUOUS);
	assert_int_equal(cli_word_match("frob", names, nn), NC_MATCH_NONE);
	nv = cli_cmd_verbs("connector", verbs, 64);
	assert_string_equal(verbs[cli_word_match("ls", verbs, nv)], "list");
	assert_string_equal(verbs[cli_word_match("rm", verbs, nv)], "delete");
	assert_string_equal(verbs[cli_word_match("get", verbs, nv)], "show");
	nv = cli_cmd_verbs("member", verbs, 64);
	assert_string_equal(verbs[cli_word_match("rm", verbs, nv)], "remove");
	assert_int_equal(cli_cmd_verbs("tail", verbs, 64), 0);
	assert_non_null(cli_cmd_lookup("tail", NULL));
	assert_null(cli_cmd_lookup("tail", "list"));
}

static void test_options_spec(void **state)
{
	const char *p = "output|o=,all,file|f=";
	struct cli_opt o;

	assert_true(cli_opt_next(&p, &o));
	assert_string_equal(o.name, "output");
	assert_int_equal(o.shortname, 'o');
	assert_true(o.takes);
	assert_true(cli_opt_next(&p, &o));
	assert_string_equal(o.name, "all");
	assert_false(o.takes);
	assert_true(cli_opt_next(&p, &o));
	assert_int_equal(o.shortname, 'f');
	assert_false(cli_opt_next(&p, &o));
	assert_true(cli_opt_find(cli_global_opts, NULL, 'q', &o));
	assert_string_equal(o.name, "quiet");
}

/* The walk of line against noun verb's row, one token a step: "p:WORD" a
 * positional, "o:NAME[=VAL]" an option ("g:" a global one), "eN:WORD" an
 * option in error N (enum cli_argerr). */
static void walk(const char *noun, const char *verb, const char *line, char *out, size_t n)
{
	struct cli_words w = {0};
	struct cli_argwalk aw;
	struct cli_argword a;
	size_t len = 0;

	assert_int_equal(cli_words_split(line, strlen(line), 0, &w, NULL), 0);
	cli_argwalk_init(&aw, noun ? cli_cmd_lookup(noun, verb) : NULL, w.n, w.v);
	out[0] = '\0';
	while (cli_argwalk_next(&aw, &a) && len < n) {
		if (!a.option)
			len += snprintf(out + len, n - len, " p:%s", a.arg);
		else if (a.err)
			len += snprintf(out + len, n - len, " e%d:%s", (int)a.err, a.arg);
		else
			len += snprintf(out + len, n - len, " %c:%s%s%s", a.global ? 'g' : 'o',
					a.name, a.val ? "=" : "", a.val ? a.val : "");
	}
	cli_words_free(&w);
}

/* One reading of argv for the dispatcher and completion alike. */
static void test_argwalk(void **state)
{
	static const struct {
		const char *noun, *verb, *line, *want;
	} cases[] = {
		{NULL, NULL, "-q --output json edge list", " g:quiet g:output=json p:edge p:list"},
		{NULL, NULL, "--kind dedicated", " e1:--kind p:dedicated"},
		{"edge", "list", "--kind dedicated --all -ojson",
		 " o:kind=dedicated o:all e1:-ojson"},
		{"edge", "list", "--kind=mtge -o wide --all=1",
		 " o:kind=mtge g:output=wide e2:--all=1"},
		{"edge", "list", "-q=1 --limit", " e2:-q=1 e3:--limit"},
		{"edge", "list", "--limit -- x", " o:limit=-- p:x"},
		{"edge", "list", "a -- --all -- -", " p:a p:--all p:-- p:-"},
		{"batch", NULL, "-f x --continue", " o:file=x o:continue"},
	};
	char got[256];

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		walk(cases[i].noun, cases[i].verb, cases[i].line, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("`%s': got `%s', wanted `%s'", cases[i].line, got, cases[i].want);
	}
}

static void expect_arg(const char *noun, const char *verb, int i, enum cli_valkind kind,
		       const char *choices, bool repeat)
{
	const struct cli_cmd *c = cli_cmd_lookup(noun, verb);
	struct cli_valspec v;

	assert_non_null(c);
	if (!cli_cmd_arg(c, i, &v))
		fail_msg("%s %s: no argument %d", noun, verb ? verb : "", i);
	if (v.kind != kind)
		fail_msg("%s %s arg %d: kind %s, wanted %s", noun, verb ? verb : "", i,
			 cli_valkind_name(v.kind), cli_valkind_name(kind));
	assert_string_equal(v.choices, choices);
	assert_int_equal(v.repeat, repeat);
}

static void test_argument_kinds(void **state)
{
	struct cli_valspec v;

	expect_arg("connector", "show", 0, NC_VAL_CONNECTOR, "", false);
	expect_arg("edge", "delete", 0, NC_VAL_EDGE, "", false);
	expect_arg("link", "add", 0, NC_VAL_PEERING, "", false);
	expect_arg("link", "add", 2, NC_VAL_SERIAL, "", false);
	expect_arg("sync", "now", 0, NC_VAL_SERIAL, "", true);
	expect_arg("sync", "now", 7, NC_VAL_SERIAL, "", true);
	expect_arg("help", NULL, 0, NC_VAL_COMMAND, "", false);
	expect_arg("help", NULL, 1, NC_VAL_VERB, "", false);
	expect_arg("completion", NULL, 0, NC_VAL_CHOICES, "bash zsh", false);
	expect_arg("token", "revoke", 0, NC_VAL_TOKEN, "", false);
	expect_arg("enroll-key", "revoke", 0, NC_VAL_ENROLLKEY, "", false);
	expect_arg("peering", "show", 0, NC_VAL_PEERING, "", false);
	expect_arg("peering", "create", 0, NC_VAL_NONE, "", false);
	expect_arg("context", "use", 0, NC_VAL_CONTEXT, "", false);
	assert_false(cli_cmd_arg(cli_cmd_lookup("link", "add"), 3, &v));
	assert_false(cli_cmd_arg(cli_cmd_lookup("batch", NULL), 0, &v));
	assert_false(cli_cmd_arg(cli_cmd_lookup("tail", NULL), 0, &v));
}

static void expect_opt(const char *noun, const char *verb, const char *opt, enum cli_valkind kind,
		       const char *choices)
{
	struct cli_valspec v;

	assert_true(cli_cmd_optval(noun ? cli_cmd_lookup(noun, verb) : NULL, opt, &v));
	if (v.kind != kind)
		fail_msg("--%s: kind %s, wanted %s", opt, cli_valkind_name(v.kind),
			 cli_valkind_name(kind));
	assert_string_equal(v.choices, choices);
}

static void test_option_kinds(void **state)
{
	struct cli_valspec v;

	expect_opt("edge", "list", "kind", NC_VAL_CHOICES, "dedicated mtge");
	expect_opt("connector", "set", "hub", NC_VAL_EDGE, "none");
	expect_opt("tail", NULL, "type", NC_VAL_EVTYPE, "");
	expect_opt("tail", NULL, "device", NC_VAL_SERIAL, "");
	expect_opt("sync", "status", "state", NC_VAL_CHOICES, "synced pending applying failed");
	expect_opt("batch", NULL, "file", NC_VAL_FILE, "-");
	expect_opt(NULL, NULL, "output", NC_VAL_CHOICES, "table wide json");
	expect_opt("edge", "list", "tenant", NC_VAL_TENANT, "");
	expect_opt("serve", NULL, "mqtt-cafile", NC_VAL_FILE, "");
	expect_opt("connector", "create", "serial", NC_VAL_NONE, "");
	assert_false(cli_cmd_optval(cli_cmd_lookup("sync", "now"), "wait", &v));
	assert_false(cli_cmd_optval(NULL, "no-color", &v));
}

struct fake {
	enum cli_valkind asked;
	int calls;
};

static void fake_values(void *arg, enum cli_valkind kind, struct cli_cands *out)
{
	struct fake *f = arg;

	f->asked = kind;
	f->calls++;
	cli_cands_add(out, "CN-2", NULL);
	cli_cands_add(out, "CN-1", NULL);
	cli_cands_add(out, "EDGE-1", NULL);
}

/* Completes partial after words (a string of space-separated words) and
 * returns the candidates joined with spaces. */
static char *complete(const char *line, const char *partial, struct cli_cands *c, struct fake *f)
{
	char *copy = strdup(line), *words[32], *save = NULL, *out = calloc(1, 4096);
	int n = 0;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		words[n++] = t;
	memset(c, 0, sizeof(*c));
	cli_complete(words, n, partial, fake_values, f, c);
	for (size_t i = 0; i < c->n; i++)
		snprintf(out + strlen(out), 4096 - strlen(out), "%s%s", i ? " " : "", c->v[i].word);
	free(copy);
	return out;
}

static void expect_complete(const char *line, const char *partial, const char *want)
{
	struct cli_cands c;
	struct fake f = {0};
	char *got = complete(line, partial, &c, &f);

	if (strcmp(got, want) != 0)
		fail_msg("`%s' + `%s': got `%s', wanted `%s'", line, partial, got, want);
	cli_cands_clear(&c);
	free(got);
}

static void test_complete(void **state)
{
	struct cli_cands c;
	struct fake f = {0};
	char *got, common[64];

	expect_complete("", "conn", "connector");
	expect_complete("", "co", "connector context completion");
	expect_complete("conn", "ap", "approve");
	expect_complete("conn ls", "--st", "--status");
	expect_complete("-o", "j", "json");
	expect_complete("edge list --kind", "", "dedicated mtge");
	expect_complete("help", "syn", "sync");
	expect_complete("help sync", "s", "status show");
	expect_complete("tail --type", "confirm,tu", "confirm,tunnel confirm,tunnel_status");
	expect_complete("completion", "", "bash zsh");
	expect_complete("frob", "", "");
	expect_complete("link add pm EDGE-1 CN-1", "", "");
	/* Options of the command and the global ones. */
	expect_complete("sync now", "--w", "--wait");
	expect_complete("sync now", "--te", "--tenant");

	got = complete("connector show", "CN", &c, &f);
	assert_string_equal(got, "CN-1 CN-2");
	assert_int_equal(f.asked, NC_VAL_CONNECTOR);
	assert_string_equal(c.expect, "SERIAL");
	cli_cands_common(&c, common, sizeof(common));
	assert_string_equal(common, "CN-");
	cli_cands_clear(&c);
	free(got);

	got = complete("connector show CN-1", "", &c, &f);
	assert_string_equal(got, "");
	assert_true(c.runnable);
	assert_string_equal(c.cmd->verb, "show");
	cli_cands_clear(&c);
	free(got);

	/* Global options with a value are skipped, with their value. */
	got = complete("--tenant acme conn", "", &c, &f);
	assert_true(strstr(got, "approve") != NULL);
	cli_cands_clear(&c);
	free(got);
	got = complete("connector set CN-1 --hub", "", &c, &f);
	assert_int_equal(f.asked, NC_VAL_EDGE);
	assert_true(strstr(got, "none") != NULL);
	cli_cands_clear(&c);
	free(got);
	/* Verbs come with their summaries, for '?'. */
	got = complete("sync", "", &c, &f);
	assert_string_equal(c.v[0].word, "now");
	assert_non_null(c.v[0].help);
	cli_cands_clear(&c);
	free(got);
}

/* An event and the pieces its line for tail must hold. */
static const struct {
	const char *json;
	const char *want[4];
} evline_cases[] = {
	{"{\"id\":9,\"ts\":\"2026-11-22T10:00:05.123Z\",\"type\":\"confirm\",\"tenant\":"
	 "\"acme\","
	 "\"device\":\"CN-1\",\"seq\":42,\"config_hash\":\"1a2b3c4d5e\",\"expected_hash\":"
	 "\"1a2b3c4d5e\",\"verdict\":\"verified\",\"applied\":4,\"failed\":0,\"failures\":["
	 "],"
	 "\"status\":\"success\",\"state\":\"synced\"}",
	 {"10:00:05  CN-1", "seq 42 \xe2\x9c\x93 verified", "hash 1a2b3c4d  success",
	  "applied 4 failed 0  \xe2\x86\x92 synced"}},
	{"{\"ts\":\"2026-11-22T10:00:05Z\",\"type\":\"confirm\",\"device\":\"CN-2\","
	 "\"seq\":3,"
	 "\"config_hash\":\"0000000000\",\"expected_hash\":\"9f8e7d6c55\",\"verdict\":"
	 "\"hash_mismatch\",\"applied\":4,\"failed\":0,\"status\":\"success\",\"state\":"
	 "\"failed\"}",
	 {"\xe2\x9c\x97 hash_mismatch", "(expected 9f8e7d6c)", "\xe2\x86\x92 failed", NULL}},
	{"{\"ts\":\"2026-11-22T10:00:05Z\",\"type\":\"tunnel_status\",\"device\":\"CN-1\","
	 "\"tunnels\":[{\"interface\":\"wg0\",\"peer\":\"EDGE-1\",\"up\":true},"
	 "{\"interface\":\"wg2\",\"peer\":\"CN-2\",\"up\":false}]}",
	 {"wg0\xe2\x86\x92"
	  "EDGE-1 up, wg2\xe2\x86\x92"
	  "CN-2 down",
	  NULL}},
	/* A hub: counted, only the down ones listed, at most four. */
	{"{\"type\":\"tunnel_status\",\"device\":\"EDGE-1\",\"tunnels\":["
	 "{\"interface\":\"wg0\",\"peer\":\"CN-1\",\"up\":true},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-2\",\"up\":false},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-3\",\"up\":true},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-4\",\"up\":false},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-5\",\"up\":false},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-6\",\"up\":false},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-7\",\"up\":false}]}",
	 {"7 tunnels: 2 up, 5 down (wg0\xe2\x86\x92"
	  "CN-2 down, wg0\xe2\x86\x92"
	  "CN-4 down",
	  "CN-6 down, 1 more)", NULL}},
	{"{\"type\":\"tunnel_status\",\"device\":\"EDGE-1\",\"tunnels\":["
	 "{\"interface\":\"wg0\",\"peer\":\"CN-1\",\"up\":true},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-2\",\"up\":true},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-3\",\"up\":true},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-4\",\"up\":true},"
	 "{\"interface\":\"wg0\",\"peer\":\"CN-5\",\"up\":true}]}",
	 {"5 tunnels: 5 up, 0 down", NULL}},
	{"{\"type\":\"lifecycle\",\"device\":\"CN-1\",\"from\":\"approved\",\"to\":"
	 "\"provisioned\"}",
	 {"--:--:--  CN-1", "approved \xe2\x86\x92 provisioned", NULL}},
	{"{\"type\":\"dirty\",\"device\":\"CN-1\",\"reason\":\"connector CN-1 approved\","
	 "\"state\":\"pending\"}",
	 {"pending: connector CN-1 approved", NULL}},
	{"{\"type\":\"sync_state\",\"device\":\"CN-1\",\"state\":\"failed\",\"seq\":4,"
	 "\"reason\":\"timeout\"}",
	 {"failed seq 4 (timeout)", NULL}},
	{"{\"type\":\"link\",\"device\":\"CN-1\",\"peering\":\"pm\",\"a\":\"EDGE-1\",\"b\":"
	 "\"CN-1\",\"tunnel_index\":0,\"status\":\"up\"}",
	 {"pm EDGE-1\xe2\x86\x94"
	  "CN-1 tunnel 0 up",
	  NULL}},
	{"{\"type\":\"gap\",\"after\":1,\"message\":\"some events are no longer kept\"}",
	 {"-             gap", "events after 1 were missed", "`sync status'", NULL}},
	{"{\"type\":\"brand_new\",\"x\":1,\"device\":\"D\"}", {"brand_new", "{\"x\":1}", NULL}},
};

static void test_evline(void **state)
{
	char line[1024];

	for (size_t i = 0; i < COUNT(evline_cases); i++) {
		json_t *ev = json_loads(evline_cases[i].json, 0, NULL);

		assert_non_null(ev);
		cli_evline(ev, false, line, sizeof(line));
		for (size_t k = 0; k < 4 && evline_cases[i].want[k]; k++) {
			if (!strstr(line, evline_cases[i].want[k]))
				fail_msg("case %zu: `%s' lacks `%s'", i, line,
					 evline_cases[i].want[k]);
		}
		assert_null(strchr(line, '\033'));
		cli_evline(ev, true, line, sizeof(line));
		if (i == 0)
			assert_non_null(strstr(line, "\033[32msynced\033[0m"));
		json_decref(ev);
	}
	/* A tiny buffer is cut, never overrun. */
	{
		json_t *ev = json_loads(evline_cases[0].json, 0, NULL);

		cli_evline(ev, true, line, 12);
		assert_true(strlen(line) < 12);
		json_decref(ev);
	}
}

static void test_evtypes(void **state)
{
	char out[256], bad[32];

	assert_int_equal(cli_evtypes_expand("confirm,tunnel", out, sizeof(out), bad, sizeof(bad)),
			 0);
	assert_string_equal(out, "confirm,tunnel_status,link");
	assert_int_equal(cli_evtypes_expand("sync,sync_state", out, sizeof(out), bad, sizeof(bad)),
			 0);
	assert_string_equal(out, "sync_state,batch_sent,sync_error,build_notes");
	assert_int_equal(cli_evtypes_expand("heartbeat,all", out, sizeof(out), bad, sizeof(bad)),
			 0);
	assert_string_equal(out, "");
	assert_int_equal(cli_evtypes_expand("confirm,bogus", out, sizeof(out), bad, sizeof(bad)),
			 NC_ERR_INVAL);
	assert_string_equal(bad, "bogus");
}

struct difflines {
	char text[1024];
};

static void collect_diff(void *arg, char kind, const char *line, size_t len)
{
	struct difflines *d = arg;
	size_t l = strlen(d->text);

	snprintf(d->text + l, sizeof(d->text) - l, "%c%.*s|", kind, (int)len, line);
}

static void test_textdiff(void **state)
{
	struct difflines d = {""};

	assert_int_equal(cli_textdiff("a\nb\nc\n", "a\nx\nc\n", collect_diff, &d), 2);
	assert_string_equal(d.text, " a|-b|+x| c|");
	d.text[0] = '\0';
	assert_int_equal(cli_textdiff("", "one\ntwo", collect_diff, &d), 2);
	assert_string_equal(d.text, "+one|+two|");
	d.text[0] = '\0';
	assert_int_equal(cli_textdiff("same\n", "same\n", collect_diff, &d), 0);
	d.text[0] = '\0';
	assert_int_equal(
		cli_textdiff("{\n  \"a\": 1,\n  \"b\": 2\n}", "{\n  \"b\": 2\n}", collect_diff, &d),
		1);
	assert_string_equal(d.text, " {|-  \"a\": 1,|   \"b\": 2| }|");
}

FX_MAIN("complete", test_word_match, test_options_spec, test_argwalk, test_argument_kinds,
	test_option_kinds, test_complete, test_evline, test_evtypes, test_textdiff)
