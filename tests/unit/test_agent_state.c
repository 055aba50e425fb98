/* SPDX-License-Identifier: MIT */
/*
 * The agent's process and files: running a program with input, output and a
 * deadline, and the state files of the device and its tenants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../../lib/agent/apply.h"
#include "../../lib/agent/internal.h"
#include "../../lib/proto/proto.h"
#include "../../lib/util/crypto.h"
#include "../../lib/util/err.h"
#include "fixture.h"

/* Commands run from argument vectors, stderr kept. */
static void test_exec(void **state)
{
	struct agent_exec r;

	assert_int_equal(nc_agent_exec((char *const[]){"printf", "%s", "a;b $(x)", NULL}, NULL,
				       true, 5000, &r),
			 0);
	assert_string_equal(r.out, "a;b $(x)");
	free(r.out);
	assert_int_equal(
		nc_agent_exec((char *const[]){"cat", NULL}, "from stdin\n", true, 5000, &r), 0);
	assert_string_equal(r.out, "from stdin\n");
	free(r.out);
	assert_int_equal(nc_agent_exec((char *const[]){"ls", "/nonexistent-netctl", NULL}, NULL,
				       false, 5000, &r),
			 NC_ERR_IO);
	assert_true(r.status > 0);
	assert_non_null(strstr(r.err, "nonexistent-netctl"));
	assert_null(strchr(r.err, '\n'));
	assert_int_equal(
		nc_agent_exec((char *const[]){"no-such-tool-netctl", NULL}, NULL, false, 5000, &r),
		NC_ERR_IO);
	assert_non_null(strstr(r.err, "cannot run `no-such-tool-netctl'"));
	assert_int_equal(nc_agent_exec((char *const[]){"sleep", "5", NULL}, NULL, false, 200, &r),
			 NC_ERR_IO);
	assert_non_null(strstr(r.err, "killed"));
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Fails unless the state file dir/rel was refused: moved aside to rel.bad. */
static void assert_moved_aside(const char *dir, const char *rel)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/%s.bad", dir, rel);
	if (access(path, F_OK) != 0)
		fail_msg("%s was not moved aside", rel);
}

/* An MTGE's tenants: a state file each under tenants/, found again at start. */
static void test_state_tenants(void **state)
{
	const char *dir = ((struct fx *)*state)->dir;
	char path[1200], *tdir;
	struct agent_loop l = {0};
	struct agent_dev d = {0}, e = {0};
	struct nc_errinfo ei = {0};
	struct agent_slot *a, *g;

	nc_agent_dev_init(&d, &l, 0, "MTGE-1");
	a = nc_agent_dev_tenant_add(&d, "acme");
	g = nc_agent_dev_tenant_add(&d, "globex");
	assert_ptr_equal(nc_agent_dev_tenant_add(&d, "acme"), a);
	assert_ptr_equal(nc_agent_dev_tenant(&d, "globex"), g);
	assert_null(nc_agent_dev_tenant(&d, "initech"));
	a->seq = 3;
	g->seq = 5;
	snprintf(g->hash, sizeof(g->hash), "%064d", 5);
	for (int i = 0; i < 2; i++) {
		struct agent_slot *s = i ? g : a;

		tdir = nc_agent_tenant_dir(dir, s->tenant);
		snprintf(path, sizeof(path), "mkdir -p %s", tdir);
		assert_int_equal(system(path), 0);
		assert_int_equal(nc_agent_state_save(tdir, "MTGE-1", s, &ei), 0);
		free(tdir);
	}
	snprintf(path, sizeof(path), "%s/tenants/globex/config.json", dir);
	assert_int_equal(access(path, F_OK), 0);
	/* Not a tenant id, or no state: not a tenant. */
	snprintf(path, sizeof(path), "mkdir -p %s/tenants/Bad_Id %s/tenants/empty", dir, dir);
	assert_int_equal(system(path), 0);

	nc_agent_dev_init(&e, &l, 0, "MTGE-1");
	assert_int_equal(nc_agent_state_tenants(dir, &fx_agent_env, &e), 2);
	assert_int_equal(e.ntenants, 2);
	assert_string_equal(e.tenants[0]->tenant, "acme");
	assert_int_equal(e.tenants[0]->seq, 3);
	assert_string_equal(e.tenants[1]->tenant, "globex");
	assert_int_equal(e.tenants[1]->seq, 5);
	assert_string_equal(e.tenants[1]->hash, g->hash);
	assert_int_equal(e.self.seq, 0);

	/* Every tenant asks for its configuration; the device's own topic only when it
	 * runs something there. */
	nc_agent_dev_start_requests(&e, 100);
	assert_false(e.self.waiting);
	assert_true(e.tenants[0]->waiting && e.tenants[1]->waiting);
	assert_int_equal(e.tenants[1]->next_request, 100);
	e.self.seq = 1;
	nc_agent_dev_start_requests(&e, 100);
	assert_true(e.self.waiting);
	nc_agent_dev_free(&e);

	/* Another tenant's state in a tenant's directory is refused. */
	snprintf(path, sizeof(path), "%s/tenants/globex/config.json", dir);
	put_file(path, "{\"v\":1,\"serial\":\"MTGE-1\",\"tenant\":\"acme\",\"seq\":9,"
		       "\"config_hash\":\"\",\"commands\":[],\"owned\":{}}");
	memset(&e, 0, sizeof(e));
	nc_agent_dev_init(&e, &l, 0, "MTGE-1");
	assert_int_equal(nc_agent_state_tenants(dir, &fx_agent_env, &e), 2);
	assert_int_equal(e.tenants[1]->seq, 0);
	assert_moved_aside(dir, "tenants/globex/config.json");
	nc_agent_dev_free(&e);
	nc_agent_dev_free(&d);
}

static void test_state_files(void **state)
{
	const char *dir = ((struct fx *)*state)->dir;
	char path[1200], priv[45], pub[45], pub2[45];
	struct agent_loop l = {0};
	struct agent_dev d = {0}, e = {0};
	struct nc_errinfo ei = {0};
	struct stat st;
	bool created;

	assert_int_equal(nc_agent_keys_load(dir, priv, pub, &created, &ei), 0);
	assert_true(created);
	snprintf(path, sizeof(path), "%s/private.key", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(nc_agent_keys_load(dir, priv, pub2, &created, &ei), 0);
	assert_false(created);
	assert_string_equal(pub, pub2);

	nc_agent_dev_init(&d, &l, 0, "CN-1");
	d.self.seq = 7;
	snprintf(d.self.hash, sizeof(d.self.hash), "%064d", 1);
	json_object_set_new(d.self.owned, "static", fx_parse("{\"routes\":[]}"));
	assert_int_equal(nc_agent_state_save(dir, "CN-1", &d.self, &ei), 0);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	nc_agent_dev_init(&e, &l, 0, "CN-1");
	assert_int_equal(nc_agent_state_load(dir, &fx_agent_env, "CN-1", &e.self), 0);
	assert_int_equal(e.self.seq, 7);
	assert_string_equal(e.self.hash, d.self.hash);
	assert_non_null(json_object_get(e.self.owned, "static"));
	nc_agent_dev_free(&e);

	/* Another device's state, or garbage: moved aside, start as new. */
	put_file(path,
		 "{\"v\":1,\"serial\":\"CN-1\",\"seq\":1,\"config_hash\":\"\",\"commands\":[],"
		 "\"owned\":{\"static\":{\"routes\":[{\"dst\":\"x;y\",\"dev\":\"wg0\"}]}}}");
	memset(&e, 0, sizeof(e));
	nc_agent_dev_init(&e, &l, 0, "CN-1");
	assert_int_equal(nc_agent_state_load(dir, &fx_agent_env, "CN-1", &e.self), 0);
	assert_int_equal(e.self.seq, 0);
	assert_moved_aside(dir, "config.json");
	nc_agent_dev_free(&e);
	nc_agent_dev_free(&d);
}

FX_MAIN_GROUP("agent_state", NULL, NULL, cmocka_unit_test(test_exec), FX_DIR_TEST(test_state_files),
	      FX_DIR_TEST(test_state_tenants))
