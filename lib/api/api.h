/* SPDX-License-Identifier: MIT */
#ifndef NC_API_API_H
#define NC_API_API_H

/*
 * The HTTP side of `netctl serve` (libmicrohttpd). Requests run on
 * libmicrohttpd's threads, one per connection, so a slow client or an event
 * stream never holds up another request.
 */

#include <stdint.h>

struct nc_errinfo;
struct nc_core;
struct nc_sync_engine;
struct nc_api;

struct nc_api_config {
	const char *host;	/* an address or name to bind; "127.0.0.1" */
	uint16_t port;		/* 0 = any free port */
	struct nc_core *core;	/* borrowed; outlives the server */
	struct nc_sync_engine *sync;	/* borrowed; outlives the server */
};

/* Starts serving; on failure ei says why (address in use, bad host). */
int nc_api_start(const struct nc_api_config *cfg, struct nc_api **out, struct nc_errinfo *ei);
/* The port actually bound. */
uint16_t nc_api_port(const struct nc_api *api);
/* Stops accepting, waits for requests in flight, frees api. NULL is a no-op. */
void nc_api_stop(struct nc_api *api);

#endif
