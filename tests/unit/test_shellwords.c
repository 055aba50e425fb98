/* SPDX-License-Identifier: MIT */
/*
 * The line parser of the shell and batch files: blanks, quotes, escapes,
 * comments, errors with their column, partial lines for completion, and
 * quoting that reads back, through the CLI library.
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
#include "../../cli/shellwords.h"

/* Splits s and checks the words against want (NULL-terminated). */
static void expect_words(const char *s, const char *const *want)
{
	struct cli_words w = {0};
	struct nc_errinfo ei = {0};
	int n = 0;

	assert_int_equal(cli_words_split(s, strlen(s), 0, &w, &ei), 0);
	while (want[n])
		n++;
	if (w.n != n)
		fail_msg("`%s': %d words, wanted %d", s, w.n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(w.v[i], want[i]);
	assert_null(w.v[w.n]);
	cli_words_free(&w);
}

static void test_blanks(void **state)
{
	expect_words("connector list", (const char *[]){"connector", "list", NULL});
	expect_words("  a\t b  \r\n", (const char *[]){"a", "b", NULL});
	expect_words("", (const char *[]){NULL});
	expect_words(" \t ", (const char *[]){NULL});
	/* Operators of sh are plain characters here. */
	expect_words("a;b | c&&d $x *", (const char *[]){"a;b", "|", "c&&d", "$x", "*", NULL});
}

static void test_quotes(void **state)
{
	expect_words("a 'b c' d", (const char *[]){"a", "b c", "d", NULL});
	expect_words("'it''s'", (const char *[]){"its", NULL});
	expect_words("'a \\ \" b'", (const char *[]){"a \\ \" b", NULL});
	expect_words("\"a \\\"q\\\" \\\\ \\$x \\n\"", (const char *[]){"a \"q\" \\ $x \\n", NULL});
	expect_words("a\"b c\"'d'e", (const char *[]){"ab cde", NULL});
	expect_words("x \"\" ''", (const char *[]){"x", "", "", NULL});
	expect_words("--acl \"drop tcp 0.0.0.0/0 10.0.0.5/32 22\"",
		     (const char *[]){"--acl", "drop tcp 0.0.0.0/0 10.0.0.5/32 22", NULL});
	expect_words("'#not a comment'", (const char *[]){"#not a comment", NULL});
}

static void test_backslashes(void **state)
{
	expect_words("a\\ b", (const char *[]){"a b", NULL});
	expect_words("\\#x \\'y\\'", (const char *[]){"#x", "'y'", NULL});
	expect_words("one\\\ntwo", (const char *[]){"onetwo", NULL});
	expect_words("\"a\\\nb\"", (const char *[]){"ab", NULL});
	expect_words("a \\\n b", (const char *[]){"a", "b", NULL});
}

static void test_comments(void **state)
{
	expect_words("# all of it", (const char *[]){NULL});
	expect_words("a # the rest 'unclosed", (const char *[]){"a", NULL});
	expect_words("a#b", (const char *[]){"a#b", NULL});
	expect_words("  #x", (const char *[]){NULL});
}

static void test_errors(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *msg;
	} bad[] = {
		{"ab 'cd", 6, "column 4: the single quote is not closed"},
		{"x \"y", 4, "column 3: the double quote is not closed"},
		{"abc\\", 4, "column 4: a backslash ends the line"},
		{"a\0b", 3, "column 2: a NUL byte"},
	};

	for (size_t i = 0; i < COUNT(bad); i++) {
		struct cli_words w = {0};
		struct nc_errinfo ei = {0};

		assert_int_equal(cli_words_split(bad[i].in, bad[i].len, 0, &w, &ei), NC_ERR_PARSE);
		assert_string_equal(ei.msg, bad[i].msg);
		cli_words_free(&w);
	}
	/* No errinfo is fine too. */
	{
		struct cli_words w = {0};

		assert_int_equal(cli_words_split("'", 1, 0, &w, NULL), NC_ERR_PARSE);
		cli_words_free(&w);
	}
}

static void test_partial(void **state)
{
	struct cli_words w = {0};
	const char *s;

	s = "conn";
	assert_int_equal(cli_words_split(s, strlen(s), NC_WORDS_PARTIAL, &w, NULL), 0);
	assert_int_equal(w.n, 1);
	assert_true(w.open);
	assert_int_equal(w.start, 0);
	cli_words_free(&w);

	s = "connector ";
	assert_int_equal(cli_words_split(s, strlen(s), NC_WORDS_PARTIAL, &w, NULL), 0);
	assert_int_equal(w.n, 1);
	assert_false(w.open);
	cli_words_free(&w);

	s = "connector show 'CN 1";
	assert_int_equal(cli_words_split(s, strlen(s), NC_WORDS_PARTIAL, &w, NULL), 0);
	assert_int_equal(w.n, 3);
	assert_true(w.open);
	assert_int_equal(w.quote, '\'');
	assert_string_equal(w.v[2], "CN 1");
	assert_int_equal(w.start, 15);
	cli_words_free(&w);

	s = "a b\\";
	assert_int_equal(cli_words_split(s, strlen(s), NC_WORDS_PARTIAL, &w, NULL), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.v[1], "b");
	cli_words_free(&w);

	/* Only len bytes are read: the cursor may sit mid-line. */
	s = "sync now CN-1 --wait";
	assert_int_equal(cli_words_split(s, 11, NC_WORDS_PARTIAL, &w, NULL), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.v[2], "CN");
	assert_true(w.open);
	cli_words_free(&w);
	cli_words_free(NULL);
}

static void test_quote_reads_back(void **state)
{
	static const char *const words[] = {
		"plain", "a b", "it's", "", "\"dq\"", "back\\slash", "#hash", "tab\there", "x'y z'",
	};
	char *q0;

	q0 = cli_words_quote("CN-0001");
	assert_string_equal(q0, "CN-0001");
	free(q0);
	for (size_t i = 0; i < COUNT(words); i++) {
		char *q = cli_words_quote(words[i]);
		struct cli_words w = {0};

		assert_int_equal(cli_words_split(q, strlen(q), 0, &w, NULL), 0);
		assert_int_equal(w.n, 1);
		assert_string_equal(w.v[0], words[i]);
		cli_words_free(&w);
		free(q);
	}
}

static void test_many_words(void **state)
{
	size_t n = 5000, len = 0;
	char *line = malloc(n * 8 + 1);
	struct cli_words w = {0};

	assert_non_null(line);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(line + len, "w%05zu ", i);
	assert_int_equal(cli_words_split(line, len, 0, &w, NULL), 0);
	assert_int_equal(w.n, (int)n);
	assert_string_equal(w.v[4999], "w04999");
	cli_words_free(&w);
	free(line);
}

FX_MAIN("shellwords", test_blanks, test_quotes, test_backslashes, test_comments, test_errors,
	test_partial, test_quote_reads_back, test_many_words)
