/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../lib/util/err.h"
#include "../../lib/util/jcs.h"

/* Canonicalizes v (stolen) and checks the result is exactly want (want_len bytes). */
static void expect_jcs_n(json_t *v, const char *want, size_t want_len)
{
	struct nc_errinfo ei = {0};
	char *out = NULL;
	size_t len = 0;

	assert_non_null(v);
	assert_int_equal(nc_jcs_encode(v, &out, &len, &ei), 0);
	assert_non_null(out);
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, want_len);
	assert_int_equal(out[len], '\0');
	free(out);
	json_decref(v);
}

static void expect_jcs(json_t *v, const char *want)
{
	expect_jcs_n(v, want, strlen(want));
}

/* Parses text with jansson, then checks its canonical form. */
static void expect_jcs_text(const char *text, const char *want)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (!v)
		fail_msg("json_loads(%s): %s", text, jerr.text);
	expect_jcs(v, want);
}

/* Canonicalizes v (stolen), expecting err, and returns the errinfo for further checks. */
static struct nc_errinfo expect_fail(json_t *v, int err)
{
	struct nc_errinfo ei = {0};
	char *out = (char *)"sentinel";
	size_t len = 42;

	assert_non_null(v);
	assert_int_equal(nc_jcs_encode(v, &out, &len, &ei), err);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(ei.code, err);
	json_decref(v);
	return ei;
}

/* RFC 8785 section 3.2.3: properties sorted by UTF-16 code units. */
static void test_rfc_sorting_example(void **state)
{
	json_t *o = json_object();

	json_object_set_new(o, "\xe2\x82\xac", json_string("Euro Sign"));
	json_object_set_new(o, "\r", json_string("Carriage Return"));
	json_object_set_new(o, "\xef\xac\xb3", json_string("Hebrew Letter Dalet With Dagesh"));
	json_object_set_new(o, "1", json_string("One"));
	json_object_set_new(o, "\xf0\x9f\x98\x80", json_string("Emoji: Grinning Face"));
	json_object_set_new(o, "\xc2\x80", json_string("Control"));
	json_object_set_new(o, "\xc3\xb6", json_string("Latin Small Letter O With Diaeresis"));
	expect_jcs(o, "{\"\\r\":\"Carriage Return\","
		      "\"1\":\"One\","
		      "\"\xc2\x80\":\"Control\","
		      "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		      "\"\xe2\x82\xac\":\"Euro Sign\","
		      "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
		      "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* RFC 8785 section 3.2.2 without its "numbers" member (reals are refused here). */
static void test_rfc_string_and_literals(void **state)
{
	expect_jcs_text(
		"{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
		"  \"literals\": [null, true, false]\n}",
		"{\"literals\":[null,true,false],"
		"\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

/* Supplementary characters (surrogate pairs) sort before U+E000..U+FFFF, unlike in UTF-8. */
static void test_surrogates_sort_before_private_use(void **state)
{
	json_t *o = json_object();

	json_object_set_new(o, "\xef\xbf\xbd", json_integer(1));     /* U+FFFD */
	json_object_set_new(o, "\xee\x80\x80", json_integer(2));     /* U+E000 */
	json_object_set_new(o, "\xf0\x90\x80\x80", json_integer(3)); /* U+10000 */
	json_object_set_new(o, "\xed\x9f\xbf", json_integer(4));     /* U+D7FF */
	json_object_set_new(o, "\xf4\x8f\xbf\xbf", json_integer(5)); /* U+10FFFF */
	expect_jcs(o, "{\"\xed\x9f\xbf\":4,\"\xf0\x90\x80\x80\":3,\"\xf4\x8f\xbf\xbf\":5,"
		      "\"\xee\x80\x80\":2,\"\xef\xbf\xbd\":1}");
}

static void test_non_ascii_keys_and_prefixes(void **state)
{
	json_t *o = json_object();

	json_object_set_new(o, "z", json_integer(1));
	json_object_set_new(o, "\xc3\xa9t\xc3\xa9", json_string("\xe6\x97\xa5\xe6\x9c\xac"));
	json_object_set_new(o, "ab", json_integer(2));
	json_object_set_new(o, "a", json_integer(3));
	json_object_set_new(o, "B", json_integer(4));
	json_object_set_new(o, "", json_integer(5));
	expect_jcs(o, "{\"\":5,\"B\":4,\"a\":3,\"ab\":2,\"z\":1,"
		      "\"\xc3\xa9t\xc3\xa9\":\"\xe6\x97\xa5\xe6\x9c\xac\"}");
}

static void test_control_characters(void **state)
{
	char s[0x20 + 4];

	for (int i = 0; i < 0x20; i++)
		s[i] = (char)i;
	memcpy(s + 0x20, "/\x7f\"\\", 4);
	expect_jcs(json_stringn(s, sizeof(s)),
		   "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b"
		   "\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
		   "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f/\x7f\\\"\\\\\"");
	expect_jcs(json_string("a\x1f"
			       "b\bc"),
		   "\"a\\u001fb\\bc\"");
}

static void test_embedded_nul(void **state)
{
	json_t *o = json_object();

	expect_jcs(json_stringn("a\0b", 3), "\"a\\u0000b\"");
	json_object_setn_new(o, "a\0b", 3, json_integer(2));
	json_object_set_new(o, "a", json_integer(1));
	json_object_setn_new(o, "\0", 1, json_stringn("\0\0", 2));
	expect_jcs(o, "{\"\\u0000\":\"\\u0000\\u0000\",\"a\":1,\"a\\u0000b\":2}");
	expect_jcs_text("[\"x\\u0000y\"]", "[\"x\\u0000y\"]");
}

static void test_empty_containers_and_whitespace(void **state)
{
	expect_jcs_text("{ \"c\" : [ { } ], \"b\" : { }, \"a\" : [ ] }",
			"{\"a\":[],\"b\":{},\"c\":[{}]}");
	expect_jcs_text("[]", "[]");
	expect_jcs_text("{}", "{}");
	expect_jcs_text("[ true ,\n false ,\tnull , 0 , -5 , 42 , \"\" ]",
			"[true,false,null,0,-5,42,\"\"]");
	expect_jcs_text("[[1,[2,[3]]],{\"k\":[{\"x\":{\"y\":[]}}]}]",
			"[[1,[2,[3]]],{\"k\":[{\"x\":{\"y\":[]}}]}]");
	expect_jcs(json_null(), "null");
	expect_jcs(json_true(), "true");
	expect_jcs(json_integer(7), "7");
}

static void test_integer_limits(void **state)
{
	struct nc_errinfo ei;

	expect_jcs(json_integer(9007199254740991LL), "9007199254740991");
	expect_jcs(json_integer(-9007199254740991LL), "-9007199254740991");
	ei = expect_fail(json_integer(9007199254740992LL), NC_ERR_RANGE);
	assert_non_null(strstr(ei.msg, "9007199254740992"));
	expect_fail(json_integer(-9007199254740992LL), NC_ERR_RANGE);
	expect_fail(json_integer(INT64_MAX), NC_ERR_RANGE);
	expect_fail(json_integer(INT64_MIN), NC_ERR_RANGE);
	ei = expect_fail(json_pack("{s:[i,I]}", "big", 1, (json_int_t)1 << 60), NC_ERR_RANGE);
	assert_string_equal(ei.field, "big[1]");
}

static void test_real_refused_with_path(void **state)
{
	struct nc_errinfo ei;
	json_t *v = json_loads("{\"commands\":[{\"index\":0},{\"index\":1},"
			       "{\"index\":2,\"body\":{\"name\":\"wg0\",\"mtu\":1.5}}]}",
			       0, NULL);

	ei = expect_fail(v, NC_ERR_RANGE);
	assert_string_equal(ei.field, "commands[2].body.mtu");
	assert_string_equal(ei.msg, "commands[2].body.mtu: 1.5 is not an integer "
				    "(only integers with |n| < 2^53 are allowed)");

	ei = expect_fail(json_real(2.0), NC_ERR_RANGE);
	assert_string_equal(ei.msg, "(top level): 2.0 is not an integer "
				    "(only integers with |n| < 2^53 are allowed)");

	ei = expect_fail(json_pack("[{s:f}]", "a key", 0.1), NC_ERR_RANGE);
	assert_string_equal(ei.field, "[0][\"a key\"]");
	assert_non_null(strstr(ei.msg, ": 0.1 is not an integer"));
}

/* n nested arrays around an empty object, built without recursion. */
static json_t *nested(int n)
{
	json_t *v = json_object();

	for (int i = 0; i < n; i++) {
		json_t *a = json_array();

		json_array_append_new(a, v);
		v = a;
	}
	return v;
}

static void test_deep_nesting_refused(void **state)
{
	struct nc_errinfo ei;
	char *out = NULL;
	size_t len = 0;
	json_t *v;

	/* NC_JCS_MAX_DEPTH containers in all are fine. */
	v = nested(NC_JCS_MAX_DEPTH - 1);
	assert_int_equal(nc_jcs_encode(v, &out, &len, NULL), 0);
	assert_int_equal(len, 2 * NC_JCS_MAX_DEPTH);
	free(out);
	json_decref(v);

	ei = expect_fail(nested(NC_JCS_MAX_DEPTH), NC_ERR_RANGE);
	assert_non_null(strstr(ei.msg, "nested deeper than 64 levels"));
	expect_fail(nested(10000), NC_ERR_RANGE);
}

static void test_invalid_utf8_refused(void **state)
{
	static const char *const bad[] = {
		"\xc3\x28",	    /* bad continuation */
		"\xc0\xaf",	    /* overlong '/' */
		"\xe0\x80\xaf",	    /* overlong '/' */
		"\xed\xa0\x80",	    /* UTF-16 surrogate U+D800 */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\xe2\x82",	    /* truncated */
		"\x80",		    /* lone continuation */
		"\xff",
	};
	struct nc_errinfo ei;
	json_t *o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ei = expect_fail(json_pack("{s:[s,o]}", "peers", "ok",
					   json_stringn_nocheck(bad[i], strlen(bad[i]))),
				 NC_ERR_INVAL);
		assert_string_equal(ei.field, "peers[1]");
		assert_non_null(strstr(ei.msg, "not valid UTF-8"));
	}
	o = json_object();
	json_object_set_new_nocheck(o, "k\xff", json_integer(1));
	ei = expect_fail(o, NC_ERR_INVAL);
	assert_string_equal(ei.field, "[\"k\\xff\"]");
	assert_non_null(strstr(ei.msg, "object key is not valid UTF-8"));
}

static void test_known_hash(void **state)
{
	static const char commands[] =
		"[{\"index\":0,\"topic\":\"wireguard\",\"body\":{\"interfaces\":[{\"name\":\"wg0\","
		"\"role\":\"backbone\",\"address\":\"100.64.0.2/32\",\"listen_port\":51820,"
		"\"mtu\":1420,\"peers\":[{\"serial\":\"EDGE-1\",\"public_key\":\"x\","
		"\"endpoint\":\"192.0.2.1:51820\",\"allowed_ips\":[\"100.64.0.1/32\","
		"\"10.10.0.0/16\"],\"persistent_keepalive\":25,\"tunnel_index\":0}]}]}},"
		"{\"index\":1,\"topic\":\"static\",\"body\":{\"routes\":[{\"dst\":\"10.20.0.0/24\","
		"\"dev\":\"wg2\",\"metric\":100}]}}]";
	/* printf '%s' '<canonical form>' | sha256sum */
	static const char want[] =
		"f73e14b8c6e73787d54baa843a05b8fc254238a2ee1ce6086d5adbd7f4c05a9b";
	struct nc_errinfo ei = {0};
	json_t *v = json_loads(commands, 0, NULL);
	json_t *w;
	char hex[65], hex2[65];

	assert_non_null(v);
	assert_int_equal(nc_jcs_sha256_hex(v, hex, &ei), 0);
	assert_string_equal(hex, want);
	json_decref(v);

	/* Same hash whatever the members' order. */
	w = json_pack("[{s:{s:[{s:i,s:s,s:s}]},s:s,s:i}]", "body", "routes", "metric", 100, "dev",
		      "wg2", "dst", "10.20.0.0/24", "topic", "static", "index", 1);
	v = json_loads("[{\"index\":1,\"topic\":\"static\",\"body\":{\"routes\":"
		       "[{\"dst\":\"10.20.0.0/24\",\"dev\":\"wg2\",\"metric\":100}]}}]",
		       0, NULL);
	assert_int_equal(nc_jcs_sha256_hex(v, hex, NULL), 0);
	assert_int_equal(nc_jcs_sha256_hex(w, hex2, NULL), 0);
	assert_string_equal(hex, hex2);
	json_decref(v);
	json_decref(w);

	/* The PROTOCOL.md example with empty bodies. */
	v = json_loads("[{\"index\":0,\"topic\":\"wireguard\",\"body\":{}},"
		       "{\"index\":1,\"topic\":\"static\",\"body\":{}}]",
		       0, NULL);
	assert_int_equal(nc_jcs_sha256_hex(v, hex, NULL), 0);
	assert_string_equal(hex,
			    "376175bb891564edd32bfd9602df711c3ccb11dedffb125c3e555bb061fe4ce5");
	json_decref(v);

	/* Errors propagate, and hex is emptied. */
	v = json_pack("[f]", 1.25);
	assert_int_equal(nc_jcs_sha256_hex(v, hex, &ei), NC_ERR_RANGE);
	assert_string_equal(hex, "");
	assert_string_equal(ei.field, "[0]");
	json_decref(v);
}

static void test_null_value(void **state)
{
	char *out = NULL;
	size_t len = 1;

	assert_int_equal(nc_jcs_encode(NULL, &out, &len, NULL), NC_ERR_INVAL);
	assert_null(out);
	assert_int_equal(len, 0);
}

FX_MAIN("jcs", test_rfc_sorting_example, test_rfc_string_and_literals,
	test_surrogates_sort_before_private_use, test_non_ascii_keys_and_prefixes,
	test_control_characters, test_embedded_nul, test_empty_containers_and_whitespace,
	test_integer_limits, test_real_refused_with_path, test_deep_nesting_refused,
	test_invalid_utf8_refused, test_known_hash, test_null_value)
