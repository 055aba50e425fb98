/* SPDX-License-Identifier: MIT */
#ifndef NC_TESTS_FIXTURE_H
#define NC_TESTS_FIXTURE_H

/*
 * What the unit tests share (fixture.c, linked into every test program):
 * a temporary directory with a store in it, objects made straight through
 * the store, test JSON, and assertions. Helpers that assert fail the
 * running cmocka test with a message naming the value; include <cmocka.h>
 * (and what it needs) before this header.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../lib/model/model.h"

struct nc_agent_env;
struct nc_errinfo;
struct nc_store;

/* Elements of an array. */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A test's temporary directory and the store file in it (not open until set up so). */
struct fx {
	char dir[512];
	char path[600];	     /* dir/netctl.db */
	struct nc_store *st; /* NULL until opened */
};

/* cmocka setups: a fresh directory under $TMPDIR (or /tmp); and with a store open in it
 * holding tenants acme and globex. 0, or -1 (cmocka then skips the test). */
int fx_setup_dir(void **state);
int fx_setup_store(void **state);
/* Closes the store (NULL: none), removes the directory and everything in it. */
int fx_teardown(void **state);

/* A fresh directory under $TMPDIR (/tmp) named netctl-WHAT-XXXXXX into dir; 0 or -1. */
int fx_tmpdir(char *dir, size_t size, const char *what);
/* Removes dir and everything below it; errors are ignored. */
void fx_rmtree(const char *dir);

/* Inserts tenant id named "Tenant ID" into st; asserts it succeeds. */
void fx_add_tenant(struct nc_store *st, const char *id);

/* Objects straight through the store; each asserts the insert returns expect. An edge of
 * kind with LAN 10.10.0.0/16; a connector pending approval under hub (NULL: none). */
void fx_new_edge(struct nc_store *st, const char *tenant, const char *serial,
		 enum nc_edge_kind kind, int expect);
void fx_new_connector(struct nc_store *st, const char *tenant, const char *serial, const char *hub,
		      int expect);
/* A sync state of serial (for tenant, "" for the device's own) at state and seq. */
void fx_new_sync(struct nc_store *st, const char *serial, const char *tenant,
		 enum nc_sync_state state, int64_t seq, int expect);

/* SQL run straight on the database file at path, around the store; each asserts success. */
void fx_raw_exec(const char *path, const char *sql);
/* The first column of the first row of sql, an integer. */
int64_t fx_raw_int(const char *path, const char *sql);

/* A time the model objects below carry: 2026-11-22T03:04:05Z. */
#define FX_T1 1795316645
/* A valid WireGuard key (base64 of 32 bytes). */
#define FX_WG_KEY "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="

/* l becomes a, b (NULL: fewer). */
void fx_strlist_set(struct nc_strlist *l, const char *a, const char *b);
/* Model objects with every member set to something other than its zero value (the edge and
 * connector own lists: nc_*_clear them). */
void fx_tenant_fixture(struct nc_tenant *t);
void fx_edge_fixture(struct nc_edge *e);
void fx_connector_fixture(struct nc_connector *c);
void fx_peering_fixture(struct nc_peering *p);
/* MTGE-1's failed sync state for acme, its batch and confirmation (heap members) left NULL. */
void fx_sync_fixture(struct nc_sync *s);
/* A member of a struct, compared on its own (structs may hold padding): strings up to their NUL,
 * other members byte for byte. FX_STR and FX_NUM name member m of struct S. */
struct fx_member {
	const char *name;
	size_t off, size;
	bool str;
};
/* clang-format off */
#define FX_STR(S, m) {#m, offsetof(struct S, m), sizeof(((struct S *)0)->m), true}
#define FX_NUM(S, m) {#m, offsetof(struct S, m), sizeof(((struct S *)0)->m), false}
/* clang-format on */
/* Fails the test unless a and b, structs of the n members m, are equal member by member. */
void fx_assert_members_equal(const void *a, const void *b, const struct fx_member *m, size_t n);

/* Fail the test unless a and b are equal member by member. */
void fx_assert_strlist_equal(const struct nc_strlist *a, const struct nc_strlist *b);
void fx_assert_tenant_equal(const struct nc_tenant *a, const struct nc_tenant *b);
void fx_assert_edge_equal(const struct nc_edge *a, const struct nc_edge *b);
void fx_assert_connector_equal(const struct nc_connector *a, const struct nc_connector *b);
void fx_assert_peering_equal(const struct nc_peering *a, const struct nc_peering *b);

/* An agent's environment: connector CN-1, its private key, lan0 and eth0. */
extern const struct nc_agent_env fx_agent_env;

/* text as JSON (any value, NULs allowed); fails the test when it is not. New reference. */
json_t *fx_parse(const char *text);
/* Fails the test unless needle occurs in haystack. */
void fx_assert_contains(const char *haystack, const char *needle);
/* Fails the test unless ret, what a call returned, is the error want and ei names field. */
void fx_assert_refused(int ret, int want, const struct nc_errinfo *ei, const char *field);

/* A row of a table of cases over text: what goes in, and what must come out of it (or what
 * the error about it must say). */
struct fx_text_case {
	const char *in, *want;
};

/* cmocka group setups that quiet the log for a whole program: warnings and errors; errors
 * only, as role "test" (for programs whose injected failures are logged as errors). 0. */
int fx_log_warnings(void **state);
int fx_log_errors(void **state);

/* A case run with a fresh directory (see fx_setup_dir). */
#define FX_DIR_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup_dir, fx_teardown)

/* The main() of a test program: runs the cases given (cmocka_unit_test(...) and the like) as
 * the group name, around the group setup and teardown given (NULL: none); cmocka's result. */
#define FX_MAIN_GROUP(name, setup, teardown, ...)                                                  \
	static const struct CMUnitTest fx_cases[] = {__VA_ARGS__};                                 \
	int main(void)                                                                             \
	{                                                                                          \
		return cmocka_run_group_tests_name(name, fx_cases, setup, teardown);               \
	}

/* The main() of a test program whose cases are the test functions named (plain names, as
 * `test_a, test_b'), each run around setup and teardown, the whole as the group name around
 * group_setup and group_teardown (NULL: none); cmocka's result. FX_MAIN: no setups at all. */
#define FX_MAIN_EACH(name, group_setup, group_teardown, setup, teardown, ...)                      \
	static const CMUnitTestFunction fx_tests[] = {__VA_ARGS__};                                \
	int main(void)                                                                             \
	{                                                                                          \
		struct CMUnitTest cases[COUNT(fx_tests)];                                          \
                                                                                                   \
		fx_cases_fill(cases, fx_tests, COUNT(fx_tests), #__VA_ARGS__, setup, teardown);    \
		return cmocka_run_group_tests_name(name, cases, group_setup, group_teardown);      \
	}
#define FX_MAIN(name, ...) FX_MAIN_EACH(name, NULL, NULL, NULL, NULL, __VA_ARGS__)

/* Fills cases[0..n-1] with the tests f around setup and teardown (NULL: none), named by names:
 * their n names as written, separated by commas. The names are kept until the program ends. */
void fx_cases_fill(struct CMUnitTest *cases, const CMUnitTestFunction *f, size_t n,
		   const char *names, CMFixtureFunction setup, CMFixtureFunction teardown);

#endif
