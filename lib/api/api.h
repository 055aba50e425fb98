/* SPDX-License-Identifier: MIT */
#ifndef NC_API_API_H
#define NC_API_API_H

/*
 * The HTTP side of `netctl serve` (libmicrohttpd). Connections are served by
 * a small pool of threads polling with epoll, never a thread per
 * connection; event streams wait without holding a thread. Every resource a
 * client can hold is bounded (struct nc_api_limits, docs/limits.md).
 */

#include <stddef.h>
#include <stdint.h>

struct nc_errinfo;
struct nc_core;
struct nc_sync_engine;
struct nc_api;

/* The defaults of struct nc_api_limits. */
#define NC_API_MAX_CONNECTIONS 4096
#define NC_API_MAX_PER_IP      256
#define NC_API_IDLE_TIMEOUT_MS 30000
#define NC_API_MAX_STREAMS     1024
#define NC_API_MAX_BODY	       (1024 * 1024)
#define NC_API_THREADS	       8

/* What clients may hold; 0 in any field means its default. */
struct nc_api_limits {
	unsigned max_connections; /* open connections, fitted to the open-file limit */
	unsigned max_per_ip;	  /* open connections from one address */
	int64_t idle_timeout_ms;  /* a connection silent this long is closed; whole
				   * seconds, rounded up */
	unsigned max_streams;	  /* open GET /v1/events streams; 503 past it */
	size_t max_body;	  /* request body bytes; 413 past it */
	unsigned threads;	  /* threads serving connections */
};

struct nc_api_config {
	const char *host;	     /* an address or name to bind; "127.0.0.1" */
	uint16_t port;		     /* 0 = any free port */
	struct nc_core *core;	     /* borrowed; outlives the server */
	struct nc_sync_engine *sync; /* borrowed; outlives the server */
	struct nc_api_limits limits;
};

/* Starts serving; on failure ei says why (address in use, bad host). */
int nc_api_start(const struct nc_api_config *cfg, struct nc_api **out, struct nc_errinfo *ei);
/* The port actually bound. */
uint16_t nc_api_port(const struct nc_api *api);
/* Stops accepting, waits for requests in flight, frees api. NULL is a no-op. */
void nc_api_stop(struct nc_api *api);

#endif
