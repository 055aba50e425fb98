/* SPDX-License-Identifier: MIT */
/* The limits of the HTTP server, fitted to what the process may open, and
 * what is logged when a client meets one. */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../util/log.h"
#include "../util/timefmt.h"
#include "api.h"
#include "internal.h"

/* Descriptors kept for everything but HTTP connections: the store and its
 * journal, the broker, logs, and per thread an epoll set and a wakeup fd. */
#define FD_RESERVE    64
#define FD_PER_THREAD 4
/* The kernel refuses a soft limit above fs.nr_open (1048576 by default). */
#define FD_CEILING 1048576
/* Connections refused at a limit are warned about once this often (ms). */
#define LIMIT_WARN_MS 10000

/* Raises the soft open-file limit to the hard one; returns the soft limit. */
static rlim_t raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > FD_CEILING
				      ? FD_CEILING
				      : rl.rlim_max;

		if (want > rl.rlim_cur) {
			rl.rlim_cur = want;
			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				getrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	return rl.rlim_cur == RLIM_INFINITY ? FD_CEILING : rl.rlim_cur;
}

void api_limits_fit(const struct nc_api_limits *in, struct nc_api_limits *out)
{
	rlim_t nofile = raise_nofile(), reserve;
	unsigned room;

	*out = *in;
	if (!out->max_connections)
		out->max_connections = NC_API_MAX_CONNECTIONS;
	if (!out->max_per_ip)
		out->max_per_ip = NC_API_MAX_PER_IP;
	if (out->idle_timeout_ms <= 0)
		out->idle_timeout_ms = NC_API_IDLE_TIMEOUT_MS;
	if (!out->max_streams)
		out->max_streams = NC_API_MAX_STREAMS;
	if (!out->max_body)
		out->max_body = NC_API_MAX_BODY;
	if (!out->threads)
		out->threads = NC_API_THREADS;
	reserve = FD_RESERVE + (rlim_t)FD_PER_THREAD * out->threads;
	room = 16;
	if (nofile > reserve + 16)
		room = nofile - reserve > UINT32_MAX ? UINT32_MAX : (unsigned)(nofile - reserve);
	if (out->max_connections > room) {
		nc_warn("the open-file limit (%llu) leaves room for %u HTTP connections, not %u: "
			"serving at most %u (raise `ulimit -n' or LimitNOFILE=)",
			(unsigned long long)nofile, room, out->max_connections, room);
		out->max_connections = room;
	}
	/* Each thread needs a share of the connections to accept any. */
	if (out->threads > out->max_connections)
		out->threads = out->max_connections;
}

/* False when Content-Length announces more than max bytes (or is no number). */
bool api_limits_body_ok(struct MHD_Connection *conn, size_t max)
{
	const char *cl =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long v;
	char *end;

	if (!cl)
		return true;
	errno = 0;
	v = strtoull(cl, &end, 10);
	return end != cl && errno == 0 && v <= max;
}

void api_limits_log(void *cls, const char *fmt, va_list ap)
{
	static _Atomic int64_t limit_warned;
	int64_t now = nc_time_mono_ms(), was;
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	/* A client that goes away (a tail or dashboard quitting mid-stream) is
	 * routine, not a warning. */
	if (strstr(msg, "no longer available") || strstr(msg, "forcibly closed")) {
		nc_debug("http: %s", msg);
		return;
	}
	/* A connection refused at a limit (of connections, of header size, or
	 * a chunked body cut by handle()) is logged per connection: warn once
	 * every LIMIT_WARN_MS, the rest at debug level. */
	if (strstr(msg, "limit") || strstr(msg, "too big") ||
	    strstr(msg, "Application reported internal error")) {
		was = limit_warned;
		if (now - was < LIMIT_WARN_MS ||
		    !atomic_compare_exchange_strong(&limit_warned, &was, now)) {
			nc_debug("http: %s", msg);
			return;
		}
	}
	nc_warn("http: %s", msg);
}
