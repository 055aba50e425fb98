/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the agent's side of a batch: the payload goes
 * through the batch decoder as the agent calls it (lib/proto), and every
 * command of it (also of a batch refused only for a command, which the
 * agent judges command by command) through the agent's validator
 * (lib/agent/validate.c); whatever validates is planned (lib/agent/plan*.c)
 * as a first apply, as a reapply over itself and as a removal, in the
 * host's namespace and in a tenant's, and every step is formatted as
 * dry-run prints it. A command the validator takes must plan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/agent/apply.h"
#include "lib/proto/proto.h"
#include "lib/util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: let the fuzzer record the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

static const struct nc_agent_env ENV = {
	.serial = "CN-1",
	.private_key = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
	.lan_if = "lan0",
	.wan_if = "eth0",
	.count = 1,
};

static void plan(const struct nc_agent_env *env, const char *topic, const json_t *body,
		 const json_t *old)
{
	struct nc_agent_plan p = {0};
	struct nc_errinfo ei = {0};
	char line[4096];

	check(nc_agent_plan_command(env, NULL, topic, body, old, &p, &ei) == 0);
	for (size_t i = 0; i < p.n; i++) {
		nc_agent_step_format(&p.v[i], line, sizeof(line));
		check(strlen(line) < sizeof(line));
	}
	nc_agent_plan_clear(&p);
}

static void command(const json_t *c)
{
	const json_t *body = json_object_get(c, "body");
	const char *topic = json_string_value(json_object_get(c, "topic"));
	struct nc_agent_env env = ENV;
	struct nc_errinfo ei = {0};

	if (!topic)
		return;
	if (nc_agent_validate(&env, topic, body, &ei) < 0) {
		check(ei.msg[0] != '\0');
		return;
	}
	for (int ns = 0; ns < 2; ns++) {
		env.netns = ns ? "nctn-acme" : NULL;
		env.netns_made = ns;
		plan(&env, topic, body, NULL);
		plan(&env, topic, body, body);
		plan(&env, topic, NULL, body);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nc_batch b;
	struct nc_errinfo ei = {0};
	json_t *root, *c;
	size_t i;

	if (nc_proto_batch_decode(data, size, "CN-1", NULL, &b, &ei) == 0) {
		json_array_foreach(b.commands, i, c) {
			command(c);
		}
		nc_batch_clear(&b);
		return 0;
	}
	check(b.commands == NULL);
	if (strncmp(ei.field, "commands[", 9) != 0)
		return 0;
	/* Only a command is at fault: the agent judges each one. */
	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	json_array_foreach(json_object_get(root, "commands"), i, c) {
		command(c);
	}
	json_decref(root);
	return 0;
}
