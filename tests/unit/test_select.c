/* SPDX-License-Identifier: MIT */
/*
 * --field-selector: which items pass, by their members' text; the fields
 * no item had; and the conditions that do not parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdlib.h>
#include <string.h>

#include "../../cli/select.h"
#include "../../lib/util/err.h"

static const char items[] = "[{\"serial\":\"CN-1\",\"status\":\"active\",\"hub\":\"E-1\","
			    "\"sync\":{\"state\":\"failed\"},\"ok\":true,\"n\":3},"
			    "{\"serial\":\"CN-2\",\"status\":\"offline\",\"hub\":null,"
			    "\"sync\":{\"state\":\"synced\"},\"ok\":false,\"n\":4}]";

static void test_select(void **state)
{
	/* A selector and the serials it keeps of items, joined by a space. */
	static const struct {
		const char *spec, *kept;
	} cases[] = {
		{"status=active", "CN-1"},
		{"status==offline", "CN-2"},
		{"status!=active", "CN-2"},
		{"sync.state=synced", "CN-2"},
		{"hub!=", "CN-1"},
		{"hub=", "CN-2"},
		{"ok=true,n=3", "CN-1"},
		{"ok=false,n=3", ""},
		{"status=active,sync.state!=failed", ""},
	};
	json_t *v = fx_parse(items), *it;
	size_t i;

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct nc_errinfo ei = {0};
		struct cli_select *s = NULL;
		char kept[64] = "";

		assert_int_equal(cli_select_parse(cases[k].spec, &s, &ei), 0);
		json_array_foreach(v, i, it) {
			if (cli_select_match(s, it))
				snprintf(kept + strlen(kept), sizeof(kept) - strlen(kept), "%s%s",
					 kept[0] ? " " : "",
					 json_string_value(json_object_get(it, "serial")));
		}
		if (strcmp(kept, cases[k].kept) != 0)
			fail_msg("%s kept `%s', wanted `%s'", cases[k].spec, kept, cases[k].kept);
		assert_null(cli_select_unseen(s));
		cli_select_free(s);
	}
	json_decref(v);
}

static void test_unseen_and_refused(void **state)
{
	static const char *const bad[] = {"status", "=active", "!=x", "a=b,,c=d", ""};
	struct nc_errinfo ei = {0};
	struct cli_select *s = NULL;
	json_t *v = fx_parse(items);

	(void)state;
	assert_int_equal(cli_select_parse("stauts=active,hub!=", &s, &ei), 0);
	assert_null(cli_select_unseen(s)); /* nothing matched yet */
	assert_false(cli_select_match(s, json_array_get(v, 0)));
	assert_string_equal(cli_select_unseen(s), "stauts");
	cli_select_free(s);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		s = (struct cli_select *)&ei;
		assert_int_equal(cli_select_parse(bad[k], &s, &ei), NC_ERR_USAGE);
		assert_null(s);
		fx_assert_contains(ei.msg, "is not FIELD=VALUE or FIELD!=VALUE");
	}
	json_decref(v);
}

FX_MAIN("select", test_select, test_unseen_and_refused)
