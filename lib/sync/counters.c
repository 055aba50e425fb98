/* SPDX-License-Identifier: MIT */
/* Counters of what the engine saw, by the events it emits: for /metrics. */
#include <stdatomic.h>
#include <string.h>

#include "internal.h"
#include "verdict.h"

void sync_count(struct nc_sync_engine *e, const char *type, const json_t *fields)
{
	const char *s;

	if (strcmp(type, "proto_error") == 0) {
		atomic_fetch_add(&e->counts.proto_errors, 1);
	} else if (strcmp(type, "ignored") == 0) {
		atomic_fetch_add(&e->counts.ignored, 1);
	} else if (strcmp(type, "confirm") == 0) {
		s = json_string_value(json_object_get(fields, "verdict"));
		for (int v = 0; s && v < NC_VERDICTS; v++) {
			if (strcmp(s, nc_verdict_name((enum nc_verdict)v)) == 0)
				atomic_fetch_add(&e->counts.verdicts[v], 1);
		}
	} else if (strcmp(type, "batch_sent") == 0) {
		s = json_string_value(json_object_get(fields, "reason"));
		if (s && strcmp(s, "apply timeout") == 0)
			atomic_fetch_add(&e->counts.apply_timeouts, 1);
		else if (s && strcmp(s, "reconnect") == 0)
			atomic_fetch_add(&e->counts.republished, 1);
	}
}

json_t *nc_sync_counters(struct nc_sync_engine *e)
{
	json_t *verdicts = json_object();

	for (int v = 0; e && v < NC_VERDICTS; v++)
		json_object_set_new(verdicts, nc_verdict_name((enum nc_verdict)v),
				    json_integer((json_int_t)atomic_load(&e->counts.verdicts[v])));
	if (!e)
		return json_pack("{s:o}", "confirms", verdicts);
	return json_pack("{s:o,s:I,s:I,s:I,s:I}", "confirms", verdicts, "proto_errors",
			 (json_int_t)atomic_load(&e->counts.proto_errors), "ignored",
			 (json_int_t)atomic_load(&e->counts.ignored), "apply_timeouts",
			 (json_int_t)atomic_load(&e->counts.apply_timeouts), "republished",
			 (json_int_t)atomic_load(&e->counts.republished));
}
