/* SPDX-License-Identifier: MIT */
/*
 * The views of views.def as tables of struct cli_col, and the formatters of
 * the cells that are more than a member's value.
 */
#include "views.h"

#include <stdbool.h>
#include <string.h>

#include "../../lib/util/count.h"
#include "../../lib/util/duration.h"
#include "../../lib/util/timefmt.h"
#include "../output.h"
#include "../present.h"

/* Writes "-", a number's cell without one, when v is not an integer (null,
 * absent); returns whether it did. */
static bool no_number(const json_t *v, char *buf, size_t n)
{
	if (json_is_integer(v))
		return false;
	snprintf(buf, n, "-");
	return true;
}

/* The current context as "*". */
static void fmt_current(const json_t *v, char *buf, size_t n)
{
	snprintf(buf, n, "%s", json_is_true(v) ? "*" : "");
}

/* The number of members, from a "members" array. */
static void fmt_count(const json_t *v, char *buf, size_t n)
{
	if (json_is_array(v))
		snprintf(buf, n, "%zu", json_array_size(v));
	else
		snprintf(buf, n, "?");
}

/* Tunnel index 0 is the primary tunnel (wg2), 1 the secondary (wg3). */
static void fmt_tunnel(const json_t *v, char *buf, size_t n)
{
	if (!no_number(v, buf, n))
		cli_present_tunnel_index((long long)json_integer_value(v), buf, n);
}

/* The link's status, "SA: ..." for IPSec (v: the whole link object). */
static void fmt_link_status(const json_t *v, char *buf, size_t n)
{
	cli_out_link_status_text(v, buf, n);
}

/* The link's WireGuard handshake and bytes as its ends reported them (v: the link). */
static void fmt_reported(const json_t *v, char *buf, size_t n)
{
	cli_out_tunnel_text(v, nc_time_now(), buf, n);
}

/* Why a device is not synced: its fail reason, or its dirty reason. */
static void fmt_reason(const json_t *st, char *buf, size_t n)
{
	cli_present_reason(json_string_value(json_object_get(st, "state")),
			   json_string_value(json_object_get(st, "fail_reason")),
			   json_string_value(json_object_get(st, "dirty_reason")), buf, n);
}

/* Milliseconds as "850ms" or "1.2s"; null as "-". */
static void fmt_elapsed(const json_t *v, char *buf, size_t n)
{
	json_int_t ms = json_integer_value(v);

	if (no_number(v, buf, n))
		return;
	if (ms < 1000)
		snprintf(buf, n, "%lldms", (long long)ms);
	else
		snprintf(buf, n, "%lld.%llds", (long long)(ms / 1000),
			 (long long)(ms % 1000 / 100));
}

/* A failing device's retries (GET .../sync "retry"): "3 so far, next in 40s,
 * at most every 1h"; null as "-". */
static void fmt_retry(const json_t *v, char *buf, size_t n)
{
	const char *at = json_string_value(json_object_get(v, "next_at"));
	char next[32] = "at the next reconcile", cap[NC_DURATION_BUFSZ];
	int64_t t;

	if (!json_is_object(v)) {
		snprintf(buf, n, "-");
		return;
	}
	if (at && nc_time_parse_iso(at, &t) == 0 && t <= nc_time_now()) {
		snprintf(next, sizeof(next), "due now");
	} else if (at && nc_time_parse_iso(at, &t) == 0) {
		nc_time_ago(t, nc_time_now(), next + 5, sizeof(next) - 5);
		memcpy(next, "next ", 5);
	}
	nc_duration_format(json_integer_value(json_object_get(v, "cap_s")) * 1000, cap,
			   sizeof(cap));
	snprintf(buf, n, "%lld so far, %s, at most every %s",
		 (long long)json_integer_value(json_object_get(v, "attempts")), next, cap);
}

/* clang-format off */
#define VIEW(name)                       static const struct cli_col name##_cols[] = {
#define COL(header, key, flags)          {header, key, flags, NULL},
#define COL_FMT(header, key, flags, fmt) {header, key, flags, fmt},
#define END                              };
/* clang-format on */
#include "views.def"

/* clang-format off */
#define VIEW(name)                       const struct cli_view cli_view_##name = \
						{name##_cols, NC_COUNT(name##_cols)};
#define COL(header, key, flags)
#define COL_FMT(header, key, flags, fmt)
#define END
/* clang-format on */
#include "views.def"
