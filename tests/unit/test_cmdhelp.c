/* SPDX-License-Identifier: MIT */
/*
 * The help of options (commands.def's NC_OPT rows) against the command
 * table: every option a command accepts has its line, every row speaks for
 * an option that exists, allowed values are the library's own and the
 * defaults are the ones the code uses.
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

#include "../../cli/cmd.h"
#include "../../cli/cmdinfo.h"
#include "../../cli/help.h"
#include "../../lib/agent/agent.h"
#include "../../lib/agent/apply.h"
#include "../../lib/api/api.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/sync/engine.h"
#include "../../lib/util/duration.h"
#include "../../lib/util/log.h"
#include "../../lib/util/strlist.h"

/* Calls fn for every command of the table and for the global options. */
static void each_cmd(void (*fn)(const struct cli_cmd *c, void *arg), void *arg)
{
	for (size_t i = 0; i < cli_ncmds; i++)
		fn(&cli_cmds[i], arg);
	fn(&cli_global_cmd, arg);
}

/* Every option c accepts (and every global one its usage writes) has a help
 * row with a line of text. */
static void has_help(const struct cli_cmd *c, void *arg)
{
	struct cli_optwalk w;
	struct cli_opt o;
	char words[64];

	(void)arg;
	cli_cmd_words(c, words, sizeof(words));
	for (cli_optwalk_init(&w, c); cli_optwalk_next(&w, &o);) {
		const struct cli_optinfo *oi = cli_opt_info(c, o.name);

		if (!oi || !oi->help[0])
			fail_msg("`%s' takes --%s but commands.def has no NC_OPT row for it: add "
				 "one",
				 words[0] ? words : "(global)", o.name);
	}
}

static void test_every_option_has_help(void **state)
{
	(void)state;
	each_cmd(has_help, NULL);
}

/* Counts in *arg the commands whose --name (arg's name) resolves to row. */
struct use {
	const struct cli_optinfo *row;
	int n;
};

/* Whether help lists option name for c. */
static bool lists(const struct cli_cmd *c, const char *name)
{
	struct cli_optwalk w;
	struct cli_opt o;

	for (cli_optwalk_init(&w, c); cli_optwalk_next(&w, &o);) {
		if (strcmp(o.name, name) == 0)
			return true;
	}
	return false;
}

static void uses_row(const struct cli_cmd *c, void *arg)
{
	struct use *u = arg;

	if (lists(c, u->row->name) && cli_opt_info(c, u->row->name) == u->row)
		u->n++;
}

static void test_every_row_speaks_for_an_option(void **state)
{
	(void)state;
	for (size_t i = 0; i < cli_noptinfos; i++) {
		const struct cli_optinfo *oi = &cli_optinfos[i];
		struct use u = {oi, 0};

		/* Each command a row names exists and takes the option. */
		for (const char *p = oi->cmds; *p;) {
			size_t len = strcspn(p, ",");
			char words[64], *verb;
			const struct cli_cmd *c;

			snprintf(words, sizeof(words), "%.*s", (int)len, p);
			verb = strchr(words, ' ');
			if (verb)
				*verb++ = '\0';
			c = cli_cmd_lookup(words, verb);
			if (!c || !lists(c, oi->name))
				fail_msg("NC_OPT row of --%s names `%.*s', which does not take it",
					 oi->name, (int)len, p);
			p += len + (p[len] == ',');
		}
		each_cmd(uses_row, &u);
		if (u.n == 0)
			fail_msg("NC_OPT row of --%s (\"%s\") is the help of no command's option",
				 oi->name, oi->cmds);
		/* A row with values is for an option that takes one. */
		if (oi->allowed[0]) {
			struct cli_valspec v;

			for (size_t k = 0; k < cli_ncmds; k++) {
				if (cli_opt_info(&cli_cmds[k], oi->name) == oi &&
				    lists(&cli_cmds[k], oi->name))
					assert_true(cli_cmd_optval(&cli_cmds[k], oi->name, &v));
			}
		}
	}
}

/* No two rows say the same: one row per name for every command, one per
 * command naming it. */
static void test_one_row_per_option_and_command(void **state)
{
	(void)state;
	for (size_t i = 0; i < cli_noptinfos; i++) {
		for (size_t j = i + 1; j < cli_noptinfos; j++) {
			const struct cli_optinfo *a = &cli_optinfos[i], *b = &cli_optinfos[j];

			if (strcmp(a->name, b->name) != 0)
				continue;
			if (!a->cmds[0] && !b->cmds[0])
				fail_msg("two NC_OPT rows for --%s of every command", a->name);
			for (size_t k = 0; k < cli_ncmds; k++) {
				char words[64];

				cli_cmd_words(&cli_cmds[k], words, sizeof(words));
				if (nc_strlist_csv_has(a->cmds, words) &&
				    nc_strlist_csv_has(b->cmds, words))
					fail_msg("two NC_OPT rows of --%s name `%s'", a->name,
						 words);
			}
		}
	}
}

/* The usage writes a placeholder where a row lists the values, never the values. */
static void placeholder_only(const struct cli_cmd *c, void *arg)
{
	const char *p = c->options;
	struct cli_valspec v;
	struct cli_opt o;

	(void)arg;
	while (cli_opt_next(&p, &o)) {
		const struct cli_optinfo *oi = cli_opt_info(c, o.name);

		if (!oi || !oi->allowed[0])
			continue;
		assert_true(cli_cmd_optval(c, o.name, &v));
		if (v.placeholder[0] < 'A' || v.placeholder[0] > 'Z' || strchr(v.placeholder, '|'))
			fail_msg("the usage of `%s %s' writes --%s %s: write a placeholder, the "
				 "values are in its NC_OPT row",
				 c->noun, c->verb ? c->verb : "", o.name, v.placeholder);
	}
}

static void test_usage_writes_placeholders(void **state)
{
	(void)state;
	each_cmd(placeholder_only, NULL);
}

/* The allowed values of option name of noun verb, space-separated. */
static const char *choices(const char *noun, const char *verb, const char *name)
{
	static struct cli_valspec v;
	const struct cli_cmd *c = noun ? cli_cmd_lookup(noun, verb) : NULL;

	assert_true(cli_cmd_optval(c, name, &v));
	assert_int_equal(v.kind, NC_VAL_CHOICES);
	assert_false(v.open);
	return v.choices;
}

/* The names of a library enum, in its order, space-separated, into buf[n]. */
#define ENUM_WORDS(fn, type, buf, n)                                                               \
	do {                                                                                       \
		size_t len_ = 0;                                                                   \
		(buf)[0] = '\0';                                                                   \
		for (int i_ = 0; nc_##fn##_index(nc_##fn##_name((type)i_)) == i_; i_++)            \
			len_ += (size_t)snprintf((buf) + len_, (n)-len_, "%s%s", len_ ? " " : "",  \
						 nc_##fn##_name((type)i_));                        \
	} while (0)

static int log_index(const char *s)
{
	enum nc_log_level lv;

	return nc_log_parse_level(s, &lv) == 0 ? (int)lv : -1;
}

/* Each of the space-separated words is a value the library's index() knows. */
static void all_known(const char *words, int (*index)(const char *))
{
	char w[64];

	for (const char *p = words; *p;) {
		size_t len = strcspn(p, " ");

		snprintf(w, sizeof(w), "%.*s", (int)len, p);
		if (index(w) < 0)
			fail_msg("`%s' is allowed but the library does not know it", w);
		p += len + (p[len] == ' ');
	}
}

static void test_allowed_values_are_the_library_s(void **state)
{
	char want[256];
	struct cli_valspec v;

	(void)state;
	ENUM_WORDS(status, enum nc_status, want, sizeof(want));
	assert_string_equal(choices("connector", "list", "status"), want);
	ENUM_WORDS(edge_kind, enum nc_edge_kind, want, sizeof(want));
	assert_string_equal(choices("edge", "list", "kind"), want);
	assert_string_equal(choices("edge", "create", "kind"), want);
	ENUM_WORDS(topology, enum nc_topology, want, sizeof(want));
	assert_string_equal(choices("peering", "create", "topology"), want);
	ENUM_WORDS(protocol, enum nc_protocol, want, sizeof(want));
	assert_string_equal(choices("peering", "set", "protocol"), want);
	ENUM_WORDS(sync_state, enum nc_sync_state, want, sizeof(want));
	assert_string_equal(choices("sync", "status", "state"), want);
	/* Roles a token may be given: the library's, but not its internal enroll. */
	all_known(choices("token", "create", "role"), nc_role_index);
	all_known(choices("serve", NULL, "log-level"), log_index);
	snprintf(want, sizeof(want), "%s", choices("serve", NULL, "log-level"));
	assert_string_equal(choices("agent", NULL, "log-level"), want);
	assert_non_null(nc_agent_applier_find("linux"));
	assert_non_null(nc_agent_applier_find("dry-run"));
	assert_string_equal(choices("agent", NULL, "apply"), "linux dry-run");
	/* -o's values in the order of enum cli_output: the dispatcher maps by index. */
	assert_true(cli_cmd_optval(NULL, "output", &v));
	assert_int_equal(cli_valspec_index(&v, "table"), NC_OUT_TABLE);
	assert_int_equal(cli_valspec_index(&v, "wide"), NC_OUT_WIDE);
	assert_int_equal(cli_valspec_index(&v, "json"), NC_OUT_JSON);
	assert_int_equal(cli_valspec_index(&v, "yaml"), -1);
}

/* The default help shows for option name of noun (verb NULL). */
static const char *def(const char *noun, const char *verb, const char *name)
{
	const struct cli_optinfo *oi = cli_opt_info(cli_cmd_lookup(noun, verb), name);

	assert_non_null(oi);
	return oi->def;
}

static void expect_number(const char *noun, const char *verb, const char *name, long long want)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", want);
	assert_string_equal(def(noun, verb, name), buf);
}

static void test_defaults_are_the_code_s(void **state)
{
	int64_t ms = 0;

	(void)state;
	expect_number("serve", NULL, "max-connections", NC_API_MAX_CONNECTIONS);
	expect_number("serve", NULL, "max-per-ip", NC_API_MAX_PER_IP);
	expect_number("serve", NULL, "max-streams", NC_API_MAX_STREAMS);
	expect_number("serve", NULL, "max-body", NC_API_MAX_BODY);
	expect_number("serve", NULL, "http-threads", NC_API_THREADS);
	expect_number("serve", NULL, "batch-max", NC_SYNC_BATCH_MAX_DEFAULT);
	expect_number("agent", NULL, "batch-max", NC_AGENT_BATCH_MAX_DEFAULT);
	expect_number("connector", "list", "limit", NC_PAGE_DEFAULT);
	assert_int_equal(nc_duration_parse(def("serve", NULL, "idle-timeout"), &ms, NULL), 0);
	assert_int_equal(ms, NC_API_IDLE_TIMEOUT_MS);
}

/* help CMD: one line per option, with its values and default. */
static void test_help_lists_options(void **state)
{
	struct cli_ctx ctx = {.progname = "netctl"};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	cli_help_cmd(&ctx, f, cli_cmd_lookup("connector", "list"));
	fclose(f);
	assert_non_null(strstr(text, "\nOptions:\n"));
	assert_non_null(strstr(text, "\n  --status STATE     only connectors in this state "
				     "(pending_approval|approved|provisioned|active|offline|"
				     "decommissioned; default: any)\n"));
	assert_non_null(strstr(text, "\n  --all              every page, not only the first\n"));
	free(text);
}

/* s wrapped by cli_help_wrap from col, into a string owned by the caller. */
static char *wrapped(const char *s, int col, int indent, int cols)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	cli_help_wrap(f, s, col, indent, cols);
	fclose(f);
	return text;
}

static void expect_wrap(const char *s, int col, int indent, int cols, const char *want)
{
	char *got = wrapped(s, col, indent, cols);

	assert_string_equal(got, want);
	free(got);
}

static void test_wrap(void **state)
{
	(void)state;
	/* Off a terminal: one line. */
	expect_wrap("only these (a|b|c; default: a)", 10, 10, 0, "only these (a|b|c; default: a)");
	/* At spaces, continued lines indented. */
	expect_wrap("one two three four", 4, 4, 14, "one two\n    three four");
	/* A word that fits a line goes whole to the next. */
	expect_wrap("xxxx (alpha|beta|gamma)", 0, 0, 22, "xxxx\n(alpha|beta|gamma)");
	/* Values too long for any line break after a bar. */
	expect_wrap("x (alpha|beta|gamma|delta)", 0, 2, 16, "x (alpha|beta|\n  gamma|delta)");
	/* A word too long, without a bar, is written whole. */
	expect_wrap("a verylongwordindeed", 0, 0, 8, "a\nverylongwordindeed");
}

FX_MAIN("cmdhelp", test_every_option_has_help, test_every_row_speaks_for_an_option,
	test_one_row_per_option_and_command, test_usage_writes_placeholders,
	test_allowed_values_are_the_library_s, test_defaults_are_the_code_s,
	test_help_lists_options, test_wrap)
