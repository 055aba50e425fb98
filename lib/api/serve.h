/* SPDX-License-Identifier: MIT */
#ifndef NC_API_SERVE_H
#define NC_API_SERVE_H

/* The `netctl serve` role: store, API, MQTT and the sync engine. */

#include <stdint.h>
#include <stdio.h>

#include "../sync/engine.h"
#include "api.h"

struct nc_errinfo;

struct nc_serve_opts {
	const char *host;     /* bind address */
	uint16_t port;	      /* 0 = any free port */
	const char *data_dir; /* created (0700) if absent */
	FILE *announce;	      /* where "listening on URL" is written; may be NULL */
	size_t event_ring;    /* events kept for resuming streams; 0 = 65536 */
	const char *mqtt_url; /* NULL: no broker (batches are stored, not sent) */
	const char *mqtt_cafile, *mqtt_cert, *mqtt_key;
	const char *mqtt_auth_file; /* "username\npassword\n", mode 0600 */
	const char *mqtt_client_id; /* NULL: "netctl-core" (a persistent session) */
	struct nc_sync_opts sync;
	struct nc_api_limits limits; /* zeros: the defaults (api.h) */
};

/*
 * Runs until SIGTERM or SIGINT, then finishes requests in flight and closes
 * the store. Returns 0 after a clean stop, or an error (with ei) when the
 * data dir, the store, the listen address or the MQTT options are unusable;
 * nothing in the data dir is overwritten on failure.
 */
int nc_serve_run(const struct nc_serve_opts *o, struct nc_errinfo *ei);

#endif
