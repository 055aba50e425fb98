/* SPDX-License-Identifier: MIT */
/*
 * The CLI's pure parts: the printer's colour decision, widths, truncation,
 * column fitting, cells and whole tables written to memory; the config
 * file parser and the precedence of settings, through the CLI library.
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
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/util/err.h"
#include "../../lib/util/timefmt.h"
#include "../../cli/cmd.h"
#include "../../cli/config.h"
#include "../../cli/output.h"

static void test_color_decision(void **state)
{
	assert_true(cli_out_color_wanted(true, NULL, false));
	assert_true(cli_out_color_wanted(true, "", false)); /* empty NO_COLOR is unset */
	assert_false(cli_out_color_wanted(true, "1", false));
	assert_false(cli_out_color_wanted(true, "0", false));	/* any value counts */
	assert_false(cli_out_color_wanted(true, NULL, true));	/* --no-color */
	assert_false(cli_out_color_wanted(false, NULL, false)); /* a pipe */
}

static void test_state_colors(void **state)
{
	assert_string_equal(cli_out_state_color("pending"), "\033[33m");
	assert_string_equal(cli_out_state_color("pending_approval"), "\033[33m");
	assert_string_equal(cli_out_state_color("failed"), "\033[31m");
	assert_string_equal(cli_out_state_color("offline"), "\033[31m");
	assert_string_equal(cli_out_state_color("down"), "\033[31m");
	assert_string_equal(cli_out_state_color("synced"), "\033[32m");
	assert_string_equal(cli_out_state_color("active"), "\033[32m");
	assert_string_equal(cli_out_state_color("up"), "\033[32m");
	assert_null(cli_out_state_color("approved"));
	assert_null(cli_out_state_color(NULL));
}

static void test_width(void **state)
{
	assert_int_equal(cli_out_width(""), 0);
	assert_int_equal(cli_out_width("CN-1"), 4);
	assert_int_equal(cli_out_width("Z\xc3\xbcrich"), 6); /* Zürich */
	assert_int_equal(cli_out_width("\xe2\x80\xa6"), 1);  /* … */
	assert_int_equal(cli_out_width("a\x1b[31mb"), 7);    /* ESC counts as its '?' */
	assert_int_equal(cli_out_width("\xff\xfe"), 2);	     /* malformed bytes */
}

static void test_truncate(void **state)
{
	char buf[64];

	cli_out_truncate("branch-1", 8, buf, sizeof(buf));
	assert_string_equal(buf, "branch-1");
	cli_out_truncate("branch-office-1", 8, buf, sizeof(buf));
	assert_string_equal(buf, "branch-\xe2\x80\xa6");
	assert_int_equal(cli_out_width(buf), 8);
	cli_out_truncate("branch-office-1", 0, buf, sizeof(buf));
	assert_string_equal(buf, "branch-office-1");
	cli_out_truncate("abc", 1, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x80\xa6");
	/* cut on a character boundary, never inside ü */
	cli_out_truncate("Z\xc3\xbcrich-west", 3, buf, sizeof(buf));
	assert_string_equal(buf, "Z\xc3\xbc\xe2\x80\xa6");
	/* controls never reach the terminal */
	cli_out_truncate("a\x1b[2Jb", 0, buf, sizeof(buf));
	assert_string_equal(buf, "a?[2Jb");
	/* a small buffer still ends with the NUL */
	cli_out_truncate("abcdefghij", 0, buf, 6);
	assert_true(strlen(buf) < 6);
}

static void test_fit(void **state)
{
	size_t want[] = {10, 20, 5}, minw[] = {4, 6, 5}, out[3];

	cli_out_fit(want, minw, 3, 80, 2, out);
	assert_int_equal(out[0], 10);
	assert_int_equal(out[1], 20);
	assert_int_equal(out[2], 5);
	/* 10 + 20 + 5 + 4 = 39 columns into 30: the widest gives first */
	cli_out_fit(want, minw, 3, 30, 2, out);
	assert_int_equal(out[0] + out[1] + out[2] + 4, 30);
	assert_int_equal(out[2], 5);
	assert_true(out[1] >= out[0]);
	/* never below the minimums: 4 + 6 + 5 + 4 = 19 fits exactly */
	cli_out_fit(want, minw, 3, 19, 2, out);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[1], 6);
	assert_int_equal(out[2], 5);
	/* when even the minimums do not fit, nothing is cut */
	cli_out_fit(want, minw, 3, 10, 2, out);
	assert_int_equal(out[0], 10);
	assert_int_equal(out[1], 20);
	assert_int_equal(out[2], 5);
	/* a minimum above the natural width keeps the natural width */
	size_t w2[] = {3}, m2[] = {8};

	cli_out_fit(w2, m2, 1, 1, 2, out);
	assert_int_equal(out[0], 3);
}

static void test_cells(void **state)
{
	json_t *o = json_loads("{\"name\":\"b1\",\"region\":\"\",\"hub_edge\":null,"
			       "\"lan_subnets\":[\"10.0.0.0/8\",\"10.1.0.0/16\"],\"dual\":true,"
			       "\"n\":3,\"sync\":{\"state\":\"pending\"},"
			       "\"last_seen\":\"2026-11-22T10:00:00Z\","
			       "\"public_key\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq=\"}",
			       0, NULL);
	/* Each column (header unused) and the cell it makes of o. */
	static const struct {
		struct cli_col col;
		const char *want;
	} cases[] = {
		{{"X", "name", 0, NULL}, "b1"},
		{{"X", "region", 0, NULL}, "-"},
		{{"X", "hub_edge", 0, NULL}, "-"},
		{{"X", "missing", 0, NULL}, "-"},
		{{"X", "lan_subnets", 0, NULL}, "10.0.0.0/8, 10.1.0.0/16"},
		{{"X", "dual", 0, NULL}, "yes"},
		{{"X", "n", 0, NULL}, "3"},
		{{"X", "sync.state", 0, NULL}, "pending"},
		{{"X", "last_seen", NC_COL_TIME, NULL}, "12s ago"},
		{{"X", "hub_edge", NC_COL_TIME, NULL}, "never"},
		{{"X", "public_key", NC_COL_SHORT, NULL}, "ABCDEFGH\xe2\x80\xa6"},
	};
	int64_t now;
	char buf[128];

	assert_non_null(o);
	assert_int_equal(nc_time_parse_iso("2026-11-22T10:00:12Z", &now), 0);
	for (size_t i = 0; i < COUNT(cases); i++) {
		const struct cli_col *c = &cases[i].col;

		cli_out_cell(o, c, now, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%s (flags %u): got `%s', wanted `%s'", c->key, c->flags, buf,
				 cases[i].want);
	}
	json_decref(o);
}

static const struct cli_col cols[] = {
	{"Name", "name", 0, NULL},
	{"Serial", "serial", 0, NULL},
	{"Status", "status", NC_COL_STATE, NULL},
	{"Dirty Reason", "reason", NC_COL_WIDE, NULL},
};

static const char list_text[] =
	"{\"items\":[{\"name\":\"branch-office-number-one\",\"serial\":\"CN-0001\","
	"\"status\":\"active\",\"reason\":\"r\"},{\"name\":\"b2\",\"serial\":\"CN-0002\","
	"\"status\":\"pending_approval\",\"reason\":null}],\"next_cursor\":null}";

/* Prints list through cli_out_list with ctx set up as given; returns the text (owned). */
static char *render(enum cli_output mode, bool tty, bool color, bool quiet, int width)
{
	json_t *list = json_loads(list_text, 0, NULL);
	char *text = NULL;
	size_t len = 0;
	struct cli_ctx ctx = {
		.output = mode,
		.tty = tty,
		.color = color,
		.quiet = quiet,
		.width = width,
		.err = stderr,
		.progname = "netctl",
	};

	ctx.out = open_memstream(&text, &len);
	cli_out_list(&ctx, list, cols, COUNT(cols), "serial");
	fclose(ctx.out);
	json_decref(list);
	return text;
}

static void test_table_pipe(void **state)
{
	char *t = render(NC_OUT_TABLE, false, false, false, 20);

	/* Not a terminal: nothing cut, no escapes, whatever the width. */
	assert_string_equal(t, "Name                      Serial   Status\n"
			       "branch-office-number-one  CN-0001  active\n"
			       "b2                        CN-0002  pending_approval\n");
	free(t);
	t = render(NC_OUT_WIDE, false, false, false, 80);
	assert_non_null(strstr(t, "Dirty Reason"));
	assert_null(strchr(t, '\033'));
	free(t);
}

static void test_table_tty(void **state)
{
	char *t = render(NC_OUT_TABLE, true, false, false, 30);
	char *save = NULL;

	/* On a terminal of 30 columns every line fits and long cells end with "…". */
	assert_non_null(strstr(t, "\xe2\x80\xa6"));
	for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(cli_out_width(line) <= 30);
	free(t);
	t = render(NC_OUT_TABLE, true, true, false, 200);
	assert_non_null(strstr(t, "\033[32mactive\033[0m"));
	assert_non_null(strstr(t, "\033[33mpending_approval\033[0m"));
	free(t);
}

static void test_list_json_and_quiet(void **state)
{
	char *t = render(NC_OUT_JSON, false, false, false, 80);
	json_t *doc = json_loads(t, 0, NULL);

	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 2);
	assert_true(json_is_null(json_object_get(doc, "next_cursor")));
	json_decref(doc);
	free(t);
	t = render(NC_OUT_TABLE, false, false, true, 80);
	assert_string_equal(t, "CN-0001\nCN-0002\n");
	free(t);
}

/* Prints list's items one page each through cli_out_list_begin/_page/_end. */
static char *render_paged(const json_t *list, bool tty, enum cli_output mode, const char *next)
{
	const json_t *items = json_object_get(list, "items"), *it;
	char *text = NULL;
	size_t len = 0, i;
	struct cli_ctx ctx = {.output = mode, .tty = tty, .width = 200, .err = stderr};
	struct cli_list_out *lo;

	ctx.out = open_memstream(&text, &len);
	lo = cli_out_list_begin(&ctx, cols, COUNT(cols), "serial");
	json_array_foreach(items, i, it) {
		json_t *page = json_pack("[O]", it);

		cli_out_list_page(page, lo);
		json_decref(page);
	}
	cli_out_list_end(lo, next);
	fclose(ctx.out);
	return text;
}

static void test_list_paged(void **state)
{
	static const char *const docs[] = {list_text, "{\"items\":[],\"next_cursor\":null}",
					   "{\"items\":[{\"a\":{\"b\":[1,{}],\"c\":[]}}],"
					   "\"next_cursor\":\"x\\\"y\"}"};

	/* JSON written page by page is the same bytes as the whole list's. */
	for (size_t d = 0; d < COUNT(docs); d++) {
		json_t *list = json_loads(docs[d], 0, NULL);
		const char *next = json_string_value(json_object_get(list, "next_cursor"));

		for (int tty = 0; tty < 2; tty++) {
			char *want = json_dumps(list, tty ? JSON_INDENT(2) : JSON_COMPACT);
			char *got = render_paged(list, tty, NC_OUT_JSON, next);

			assert_non_null(want);
			assert_int_equal(strlen(got), strlen(want) + 1);
			assert_memory_equal(got, want, strlen(want));
			free(want);
			free(got);
		}
		json_decref(list);
	}
	/* A table: the header once, and a wider later page widens its columns. */
	json_t *list = json_loads(list_text, 0, NULL);
	json_array_insert_new(
		json_object_get(list, "items"), 0,
		json_pack("{s:s,s:s,s:s}", "name", "b0", "serial", "CN-0000", "status", "active"));
	char *t = render_paged(list, false, NC_OUT_TABLE, NULL);

	assert_string_equal(t, "Name  Serial   Status\n"
			       "b0    CN-0000  active\n"
			       "branch-office-number-one  CN-0001  active\n"
			       "b2                        CN-0002  pending_approval\n");
	free(t);
	json_decref(list);
}

static void test_config_parse(void **state)
{
	static const char text[] = "# top comment\n"
				   "current-context = lab\n"
				   "\n"
				   "[context lab]\n"
				   "  server = http://127.0.0.1:8080  \n"
				   "token-file=~/lab.token\r\n"
				   "; another comment\n"
				   "tenant = acme\n"
				   "[context  prod ]\n"
				   "server = https://netctl.example\n";
	struct cli_config cfg = {0}, again = {0};
	struct nc_errinfo ei = {0};
	char *out;

	assert_int_equal(cli_config_parse(text, strlen(text), &cfg, &ei), 0);
	assert_string_equal(cfg.current, "lab");
	assert_int_equal(cfg.n, 2);
	assert_string_equal(cfg.ctxs[0].name, "lab");
	assert_string_equal(cfg.ctxs[0].server, "http://127.0.0.1:8080");
	assert_string_equal(cfg.ctxs[0].token_file, "~/lab.token");
	assert_string_equal(cfg.ctxs[0].tenant, "acme");
	assert_string_equal(cfg.ctxs[1].name, "prod");
	assert_string_equal(cfg.ctxs[1].tenant, "");
	assert_non_null(cli_config_find(&cfg, "prod"));
	assert_null(cli_config_find(&cfg, "nope"));
	/* what it writes reads back the same */
	out = cli_config_format(&cfg);
	assert_int_equal(cli_config_parse(out, strlen(out), &again, &ei), 0);
	assert_string_equal(again.current, "lab");
	assert_int_equal(again.n, 2);
	assert_string_equal(again.ctxs[1].server, "https://netctl.example");
	free(out);
	cli_config_free(&again);
	cli_config_free(&cfg);
	assert_int_equal(cli_config_parse("", 0, &cfg, &ei), 0);
	assert_int_equal(cfg.n, 0);
	cli_config_free(&cfg);
}

static void test_config_errors(void **state)
{
	static const struct fx_text_case c[] = {
		{"[context a]\nsever = x\n", "line 2: unknown key `sever' in [context a]"},
		{"server = x\n", "line 1: unknown key `server' before the first [context NAME]"},
		{"[profile a]\n", "line 1: unknown section `[profile a]'"},
		{"[context]\n", "line 1: unknown section"},
		{"[context a b]\n", "line 1: context name `a b' is not"},
		{"[context a]\n[context a]\n", "line 2: context `a' is defined twice"},
		{"\n\n[context a]\nserver\n", "line 4: expected `key = value'"},
		{"[context a\n", "line 1: unknown section"},
	};

	for (size_t i = 0; i < COUNT(c); i++) {
		struct cli_config cfg = {0};
		struct nc_errinfo ei = {0};

		assert_int_equal(cli_config_parse(c[i].in, strlen(c[i].in), &cfg, &ei),
				 NC_ERR_PARSE);
		if (!strstr(ei.msg, c[i].want))
			fail_msg("`%s': got `%s', wanted `%s'", c[i].in, ei.msg, c[i].want);
		cli_config_free(&cfg);
	}
	{
		struct cli_config cfg = {0};
		struct nc_errinfo ei = {0};

		assert_int_equal(cli_config_parse("a\0b", 3, &cfg, &ei), NC_ERR_PARSE);
		cli_config_free(&cfg);
	}
}

/* A link's JSON and the text it is worded as. */
struct link_case {
	const char *link, *want;
};

/* A link worded once: SA for IPSec in its status, handshake age and bytes for WireGuard. */
static void test_tunnel_text(void **state)
{
	static const struct link_case cases[] = {
		{"{\"sa\":\"established\",\"rx_bytes\":5}", "-"},
		{"{\"latest_handshake\":1000,\"rx_bytes\":512,\"tx_bytes\":1536}",
		 "handshake 10s ago, rx 512 B, tx 1.5 KiB"},
		{"{\"rx_bytes\":3145728}", "rx 3.0 MiB"},
		{"{\"status\":\"up\"}", "-"},
	};
	static const struct link_case status[] = {
		{"{\"status\":\"up\",\"sa\":\"established\"}", "SA: Established"},
		{"{\"status\":\"down\",\"sa\":\"down\"}", "SA: Down"},
		{"{\"status\":\"unknown\"}", "unknown"},
		{"{\"status\":\"up\",\"latest_handshake\":5}", "up"},
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *l = json_loads(cases[i].link, 0, NULL);

		cli_out_tunnel_text(l, 1010, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
		json_decref(l);
	}
	for (size_t i = 0; i < sizeof(status) / sizeof(status[0]); i++) {
		json_t *l = json_loads(status[i].link, 0, NULL);

		cli_out_link_status_text(l, buf, sizeof(buf));
		assert_string_equal(buf, status[i].want);
		json_decref(l);
	}
	assert_string_equal(cli_out_state_color("SA: Down"), cli_out_state_color("down"));
	assert_string_equal(cli_out_state_color("SA: Established"), cli_out_state_color("up"));
}

/* Whether two borrowed strings, either maybe NULL, say the same. */
static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Each setting from the flag, else the environment, else the context, else
 * the default; the token and its file go together. */
static void test_precedence(void **state)
{
	static const struct cli_context lab = {.name = "lab",
					       .server = "http://ctx:1",
					       .token_file = "/t",
					       .tenant = "ctx-tenant"};
	static const struct {
		struct cli_sources in;
		struct cli_settings want;
	} cases[] = {
		{{.context = &lab},
		 {"http://ctx:1", NULL, "/t", "ctx-tenant", NC_SRC_CONTEXT, NC_SRC_CONTEXT,
		  NC_SRC_CONTEXT, "lab"}},
		{{.env_server = "http://env:2",
		  .env_token = "envtok",
		  .env_tenant = "env-tenant",
		  .context = &lab},
		 {"http://env:2", "envtok", NULL, "env-tenant", NC_SRC_ENV, NC_SRC_ENV, NC_SRC_ENV,
		  "lab"}},
		{{.flag_server = "http://flag:3",
		  .flag_token_file = "/flag",
		  .flag_tenant = "flag-tenant",
		  .env_server = "http://env:2",
		  .env_token = "envtok",
		  .env_tenant = "env-tenant",
		  .context = &lab},
		 {"http://flag:3", NULL, "/flag", "flag-tenant", NC_SRC_FLAG, NC_SRC_FLAG,
		  NC_SRC_FLAG, "lab"}},
		/* set but empty counts as unset */
		{{.env_server = ""},
		 {NC_DEFAULT_SERVER, NULL, NULL, NULL, NC_SRC_DEFAULT, NC_SRC_NONE, NC_SRC_NONE,
		  NULL}},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		const struct cli_settings *w = &cases[i].want;
		struct cli_settings s;

		cli_settings_pick(&cases[i].in, &s);
		if (!same_str(s.server, w->server) || !same_str(s.token, w->token) ||
		    !same_str(s.token_file, w->token_file) || !same_str(s.tenant, w->tenant) ||
		    !same_str(s.context, w->context) || s.server_src != w->server_src ||
		    s.token_src != w->token_src || s.tenant_src != w->tenant_src)
			fail_msg("case %zu: got server %s (%d), token %s, token file %s (%d), "
				 "tenant %s (%d), context %s",
				 i, s.server, s.server_src, s.token, s.token_file, s.token_src,
				 s.tenant, s.tenant_src, s.context);
	}
}

static void test_token_file(void **state)
{
	char path[] = "/tmp/netctl-token-XXXXXX", buf[128];
	struct nc_errinfo ei = {0};
	bool loose;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "  nct_abc_def \n\n", 16), 16);
	close(fd);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(cli_token_file_read(path, buf, sizeof(buf), &loose, &ei), 0);
	assert_string_equal(buf, "nct_abc_def");
	assert_false(loose);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(cli_token_file_read(path, buf, sizeof(buf), &loose, &ei), 0);
	assert_true(loose);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, " \n", 2), 2);
	close(fd);
	assert_int_equal(cli_token_file_read(path, buf, sizeof(buf), &loose, &ei), NC_ERR_INVAL);
	assert_non_null(strstr(ei.msg, "is empty"));
	unlink(path);
	assert_int_equal(cli_token_file_read(path, buf, sizeof(buf), &loose, &ei), NC_ERR_IO);
	assert_non_null(strstr(ei.msg, path));
}

FX_MAIN("output", test_color_decision, test_state_colors, test_width, test_truncate, test_fit,
	test_cells, test_table_pipe, test_table_tty, test_list_json_and_quiet, test_list_paged,
	test_config_parse, test_config_errors, test_precedence, test_token_file, test_tunnel_text)
