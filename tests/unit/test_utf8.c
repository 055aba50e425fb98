/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 decoding, the control set, cutting without splitting a character,
 * and the safe quoting of user values, alone and where messages are built
 * with it (nc_fail, nc_json_only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../../lib/model/model.h"
#include "../../lib/util/err.h"
#include "../../lib/util/json.h"
#include "../../lib/util/utf8.h"

/* True when s[0..n) is well-formed UTF-8 throughout. */
static bool well_formed(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = nc_utf8_next(u + i, n - i, &cp);

		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

static void assert_printable(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = nc_utf8_next(u + i, n - i, &cp);

		if (k == 0)
			fail_msg("malformed UTF-8 at offset %zu of `%s'", i, s);
		if (nc_utf8_is_control(cp))
			fail_msg("control U+%04X at offset %zu of `%s'", (unsigned)cp, i, s);
		i += k;
	}
}

static void test_next_decodes(void **state)
{
	static const struct {
		const char *s;
		size_t n, len;
		uint32_t cp;
	} c[] = {
		{"A", 1, 1, 0x41},
		{"\0", 1, 1, 0},
		{"\x7f", 1, 1, 0x7f},
		{"\xc2\x80", 2, 2, 0x80},
		{"\xdf\xbf", 2, 2, 0x7ff},
		{"\xe0\xa0\x80", 3, 3, 0x800},
		{"\xed\x9f\xbf", 3, 3, 0xd7ff},
		{"\xee\x80\x80", 3, 3, 0xe000},
		{"\xef\xbf\xbf", 3, 3, 0xffff},
		{"\xf0\x90\x80\x80", 4, 4, 0x10000},
		{"\xf0\x9f\x98\x80", 4, 4, 0x1f600},
		{"\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff},
		{"\xc3\xa9t\xc3\xa9", 5, 2, 0xe9}, /* only the first sequence */
	};

	(void)state;
	for (size_t i = 0; i < COUNT(c); i++) {
		uint32_t cp = 0xdeadbeef;
		size_t len = nc_utf8_next((const unsigned char *)c[i].s, c[i].n, &cp);

		if (len != c[i].len || cp != c[i].cp)
			fail_msg("case %zu: got length %zu U+%04X, want %zu U+%04X", i, len,
				 (unsigned)cp, c[i].len, (unsigned)c[i].cp);
	}
}

static void test_next_refuses(void **state)
{
	static const struct {
		const char *s;
		size_t n; /* 0: strlen(s) */
	} c[] = {
		{"\x80", 0}, /* lone continuation */
		{"\xbf", 0},
		{"\xc0\xaf", 0},	     /* overlong '/' */
		{"\xc1\xbf", 0},	     /* overlong U+007F */
		{"\xe0\x80\xaf", 0},	     /* overlong '/' */
		{"\xe0\x9f\xbf", 0},	     /* overlong U+07FF */
		{"\xf0\x8f\xbf\xbf", 0},     /* overlong U+FFFF */
		{"\xed\xa0\x80", 0},	     /* surrogate U+D800 */
		{"\xed\xbf\xbf", 0},	     /* surrogate U+DFFF */
		{"\xf4\x90\x80\x80", 0},     /* U+110000 */
		{"\xf5\x80\x80\x80", 0},     /* above U+10FFFF by its lead */
		{"\xf8\x88\x80\x80\x80", 0}, /* 5-byte form */
		{"\xfe", 0},
		{"\xff", 0},
		{"\xc3\x28", 0}, /* bad continuation */
		{"\xe2\x28\xa1", 0},
		{"\xe2\x82\x28", 0},
		{"\xf0\x9f\x98\x28", 0},
		{"\xc3", 0}, /* truncated by the NUL */
		{"\xe2\x82", 0},
		{"\xf0\x9f\x98", 0},
		{"\xc3\xa9", 1}, /* truncated by n */
		{"\xe2\x82\xac", 2},
		{"\xf0\x9f\x98\x80", 3},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(c); i++) {
		uint32_t cp;
		size_t n = c[i].n ? c[i].n : strlen(c[i].s);

		if (nc_utf8_next((const unsigned char *)c[i].s, n, &cp) != 0)
			fail_msg("case %zu: malformed sequence accepted", i);
	}
}

static void test_control_set(void **state)
{
	static const struct {
		uint32_t lo, hi;
		bool control;
	} c[] = {
		{0x00, 0x1f, true},	{0x20, 0x7e, false},	   {0x7f, 0x9f, true},
		{0xa0, 0x2027, false},	{0x2028, 0x202e, true},	   {0x202f, 0x2065, false},
		{0x2066, 0x2069, true}, {0x206a, 0x10ffff, false},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(c); i++) {
		for (uint32_t cp = c[i].lo; cp <= c[i].hi; cp++) {
			if (nc_utf8_is_control(cp) != c[i].control)
				fail_msg("U+%04X should %sbe a control", (unsigned)cp,
					 c[i].control ? "" : "not ");
		}
	}
}

/* At every cut of a string of 1-, 2-, 3- and 4-byte characters, each after each, trim goes
 * back to the last character boundary at or before the cut. */
static void test_trim_every_cut(void **state)
{
	/* A character of each length in bytes: a, e acute, the euro sign, a grinning face. */
	static const char *const ch[] = {"", "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
	/* The string: characters of these lengths, in this order. */
	static const int pieces[] = {1, 2, 2, 3, 3, 4, 4, 1, 3, 1, 4, 2, 4, 3, 2, 1, 1};
	char s[64] = "";
	size_t bound[COUNT(pieces) + 1], nb = 0;

	(void)state;
	bound[nb++] = 0;
	for (size_t i = 0; i < COUNT(pieces); i++) {
		strcat(s, ch[pieces[i]]);
		bound[nb++] = strlen(s);
	}
	for (size_t cut = 0; cut <= strlen(s); cut++) {
		size_t want = 0, got = nc_utf8_trim(s, cut);

		for (size_t b = 0; b < nb; b++) {
			if (bound[b] <= cut)
				want = bound[b];
		}
		if (got != want)
			fail_msg("cut at %zu: trimmed to %zu, want %zu", cut, got, want);
		assert_true(well_formed(s, got));
	}
}

static void test_trim_edges(void **state)
{
	(void)state;
	assert_int_equal(nc_utf8_trim("", 0), 0);
	assert_int_equal(nc_utf8_trim("abc", 3), 3);
	assert_int_equal(nc_utf8_trim("\xc3", 1), 0);
	assert_int_equal(nc_utf8_trim("\xf0\x9f\x98", 3), 0);
	/* Only an unfinished sequence at the end goes; malformed bytes are not trim's to fix. */
	assert_int_equal(nc_utf8_trim("a\x80", 2), 2);
	assert_int_equal(nc_utf8_trim("a\xff", 2), 2);
	assert_int_equal(nc_utf8_trim("\x80\x80\x80\x80", 4), 4);
}

static void test_quote_outputs(void **state)
{
	static const struct fx_text_case c[] = {
		{"", ""},
		{"plain value", "plain value"},
		{"a`b'c\"d", "a`b'c\"d"},
		{"a\\b", "a\\\\b"},
		{"caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x9b\xb0",
		 "caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x9b\xb0"},
		{"evil\x1b]0;x\x07\x1b[2J", "evil\\x1b]0;x\\x07\\x1b[2J"},
		{"crlf\r\ntab\t", "crlf\\x0d\\x0atab\\x09"},
		{"del\x7f", "del\\x7f"},
		{"csi \xc2\x9b", "csi \\xc2\\x9b"},
		{"nbsp \xc2\xa0", "nbsp \xc2\xa0"},
		{"ls \xe2\x80\xa8 ps \xe2\x80\xa9", "ls \\xe2\\x80\\xa8 ps \\xe2\\x80\\xa9"},
		{"rlo \xe2\x80\xae", "rlo \\xe2\\x80\\xae"},
		{"lri \xe2\x81\xa6 pdi \xe2\x81\xa9", "lri \\xe2\\x81\\xa6 pdi \\xe2\\x81\\xa9"},
		{"bad \xff", "bad \\xff"},
		{"bad \xc0\xaf", "bad \\xc0\\xaf"},
		{"bad \xed\xa0\x80", "bad \\xed\\xa0\\x80"},
		{"cut \xe2\x82", "cut \\xe2\\x82"},
		/* A bad lead does not swallow the good character after it. */
		{"\xc3\xc3\xa9", "\\xc3\xc3\xa9"},
	};
	char buf[NC_QUOTE_BUF];

	(void)state;
	for (size_t i = 0; i < COUNT(c); i++) {
		nc_quote(buf, c[i].in, SIZE_MAX);
		if (strcmp(buf, c[i].want) != 0)
			fail_msg("case %zu: got `%s', want `%s'", i, buf, c[i].want);
		assert_printable(buf);
	}
	assert_ptr_equal(nc_quote(buf, "x", SIZE_MAX), buf);
}

static void test_quote_cuts(void **state)
{
	char in[256], want[256], buf[NC_QUOTE_BUF];

	(void)state;
	/* NC_QUOTE_KEEP bytes fit; one more is cut with "...". */
	memset(in, 'a', NC_QUOTE_KEEP);
	in[NC_QUOTE_KEEP] = '\0';
	assert_string_equal(nc_quote(buf, in, SIZE_MAX), in);
	strcpy(in + NC_QUOTE_KEEP, "b");
	snprintf(want, sizeof(want), "%.*s...", NC_QUOTE_KEEP, in);
	assert_string_equal(nc_quote(buf, in, SIZE_MAX), want);

	/* Neither an escape nor a character is split by the cut. */
	memset(in, 'a', NC_QUOTE_KEEP - 1);
	strcpy(in + NC_QUOTE_KEEP - 1, "\x01");
	snprintf(want, sizeof(want), "%.*s...", NC_QUOTE_KEEP - 1, in);
	assert_string_equal(nc_quote(buf, in, SIZE_MAX), want);
	strcpy(in + NC_QUOTE_KEEP - 1, "\xc3\xa9");
	assert_string_equal(nc_quote(buf, in, SIZE_MAX), want);
	strcpy(in + NC_QUOTE_KEEP - 2, "\xc3\xa9");
	assert_string_equal(nc_quote(buf, in, SIZE_MAX), in);

	/* A value filling its whole buffer without a NUL is read no further and marked cut. */
	memcpy(in, "abcdef", 6);
	assert_string_equal(nc_quote(buf, in, 3), "abc...");
	assert_string_equal(nc_quote(buf, "abcdef", 7), "abcdef");
	assert_string_equal(nc_quote(buf, "abcdef", 6), "abcdef...");
}

/* Whatever the bytes, the result is printable UTF-8 that fits the buffer. */
static void test_quote_any_bytes(void **state)
{
	uint32_t x = 12345;
	char in[200], buf[NC_QUOTE_BUF];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = round % 80 + 1;

		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			in[i] = (char)((x >> 16) % 255 + 1);
		}
		in[n] = '\0';
		nc_quote(buf, in, SIZE_MAX);
		assert_true(strlen(buf) < NC_QUOTE_BUF);
		assert_printable(buf);
	}
}

/* A message cut by nc_fail's buffers is still UTF-8, whatever the width before the cut. */
static void test_fail_cut_keeps_utf8(void **state)
{
	static const char *const chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
	struct nc_errinfo ei;
	char big[600];

	(void)state;
	for (size_t c = 0; c < COUNT(chars); c++) {
		for (size_t pad = 0; pad < 4; pad++) {
			json_t *j;

			memset(big, 'x', pad);
			big[pad] = '\0';
			while (strlen(big) + strlen(chars[c]) < sizeof(big))
				strcat(big, chars[c]);
			assert_int_equal(nc_fail(&ei, NC_ERR_INVAL, big, "msg: %s", big),
					 NC_ERR_INVAL);
			assert_int_equal(ei.code, NC_ERR_INVAL);
			assert_true(well_formed(ei.field, strlen(ei.field)));
			assert_true(well_formed(ei.msg, strlen(ei.msg)));
			/* Only the unfinished character goes. */
			assert_true(strlen(ei.field) + strlen(chars[c]) > sizeof(ei.field) - 1);
			assert_true(strlen(ei.msg) + strlen(chars[c]) > sizeof(ei.msg) - 1);
			/* What failed before: an API error body from the message. */
			j = json_string(ei.msg);
			assert_non_null(j);
			json_decref(j);
		}
	}

	/* A text that fits exactly is left whole. */
	memset(big, 'x', sizeof(ei.msg) - 3);
	strcpy(big + sizeof(ei.msg) - 3, "\xc3\xa9");
	nc_fail(&ei, NC_ERR_INVAL, "f", "%s", big);
	assert_string_equal(ei.msg, big);
	assert_string_equal(ei.field, "f");
	nc_fail(&ei, NC_ERR_INVAL, NULL, "short");
	assert_string_equal(ei.field, "");
	assert_string_equal(ei.msg, "short");
}

static void test_json_typename(void **state)
{
	static const struct fx_text_case c[] = {
		{"{}", "an object"},
		{"[]", "an array"},
		{"\"s\"", "a string"},
		{"1", "an integer"},
		{"1.5", "a number with a fraction"},
		{"true", "a boolean"},
		{"false", "a boolean"},
		{"null", "null"},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(c); i++) {
		json_t *v = json_loads(c[i].in, JSON_DECODE_ANY, NULL);

		assert_non_null(v);
		assert_string_equal(nc_json_typename(v), c[i].want);
		json_decref(v);
	}
}

/* An unknown member's name comes back quoted in the message, as given in the field. */
static void test_json_only_quotes_name(void **state)
{
	static const char *const allowed[] = {"ok", NULL};
	struct nc_errinfo ei = {0};
	json_t *o = json_object();

	(void)state;
	json_object_set_new(o, "ok", json_true());
	assert_int_equal(nc_json_only(o, allowed, NULL, &ei), 0);
	json_object_set_new(o, "x\x1b[2J\xe2\x80\xae", json_true());
	fx_assert_refused(nc_json_only(o, allowed, "nat", &ei), NC_ERR_INVAL, &ei,
			  "nat.x\x1b[2J\xe2\x80\xae");
	assert_string_equal(ei.msg, "unknown field `nat.x\\x1b[2J\\xe2\\x80\\xae'");
	json_decref(o);

	o = json_pack("{s:i}", "colour", 1);
	fx_assert_refused(nc_json_only(o, allowed, NULL, &ei), NC_ERR_INVAL, &ei, "colour");
	assert_string_equal(ei.msg, "unknown field `colour'");
	json_decref(o);
}

/* The element at fault is named, not the whole list. */
static void test_json_strlist_names_element(void **state)
{
	struct nc_strlist l = {0};
	struct nc_errinfo ei = {0};
	json_t *o = json_pack("{s:[s,i]}", "lan", "ok", 7);

	(void)state;
	fx_assert_refused(nc_json_strlist(o, "lan", 8, &l, false, "edge", &ei), NC_ERR_INVAL, &ei,
			  "edge.lan[1]");
	assert_string_equal(ei.msg, "edge.lan[1] must be a string of at most 7 bytes");
	json_decref(o);
}

FX_MAIN("utf8", test_next_decodes, test_next_refuses, test_control_set, test_trim_every_cut,
	test_trim_edges, test_quote_outputs, test_quote_cuts, test_quote_any_bytes,
	test_fail_cut_keeps_utf8, test_json_typename, test_json_only_quotes_name,
	test_json_strlist_names_element)
