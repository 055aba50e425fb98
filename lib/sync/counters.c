/* SPDX-License-Identifier: MIT */
/* Counting what the engine saw by the events it emits (nc_sync_counters). */
#include <stdatomic.h>
#include <string.h>

#include "internal.h"
#include "verdict.h"

void sync_count(struct nc_sync_engine *e, enum nc_event_type type, const json_t *fields)
{
	const char *s;

	if (type == NC_EV_proto_error) {
		atomic_fetch_add(&e->counters.proto_errors, 1);
	} else if (type == NC_EV_ignored) {
		atomic_fetch_add(&e->counters.ignored, 1);
	} else if (type == NC_EV_confirm) {
		s = json_string_value(json_object_get(fields, "verdict"));
		for (int v = 0; s && v < NC_VERDICTS; v++) {
			if (strcmp(s, nc_verdict_name((enum nc_verdict)v)) == 0)
				atomic_fetch_add(&e->counters.confirms[v], 1);
		}
	} else if (type == NC_EV_batch_sent) {
		s = json_string_value(json_object_get(fields, "reason"));
		if (s && strcmp(s, "apply timeout") == 0)
			atomic_fetch_add(&e->counters.apply_timeouts, 1);
		else if (s && strcmp(s, "reconnect") == 0)
			atomic_fetch_add(&e->counters.republished, 1);
	}
}
