/* SPDX-License-Identifier: MIT */
#ifndef NC_API_INTERNAL_H
#define NC_API_INTERNAL_H

/*
 * What the request handlers of lib/api share. A handler decodes, calls the
 * core and sets the reply; it never touches libmicrohttpd, except the event
 * stream, which hands the server a response of its own.
 */

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/core.h"
#include "../util/err.h"

struct MHD_Connection;
struct MHD_Response;
struct nc_api;

#define API_MAX_PARAMS 4

struct api_req {
	struct nc_api *api;
	struct nc_core *core;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *params[API_MAX_PARAMS]; /* the {…} segments, in order */
	int arg;			    /* the route's arg (struct api_route) */
	char param_buf[512];		    /* backing store of params */
	json_t *body;			    /* parsed body; NULL when empty */
	struct nc_actor actor;
	/* The tenant the request acts in: the token's own, or an admin's
	 * ?tenant=; NULL for an admin acting across tenants. */
	const char *tenant;
	char tenant_buf[NC_ID_MAX];
	/* The reply: status and body (a handler sets them through api_reply),
	 * or a raw response for streams. */
	unsigned status;
	json_t *resp;
	struct MHD_Response *raw;
	struct nc_errinfo ei;
	const char *code;     /* the error code to send instead of nc_errcode()'s */
	unsigned retry_after; /* seconds for a Retry-After header; 0 = none */
	bool dry_run;	      /* ?dry_run=1 on a write route (dryrun.c) */
};

/* One row of the route table. */
struct api_route {
	const char *method;
	const char *pattern; /* "/v1/connectors/{serial}/approve" */
	int (*fn)(struct api_req *r);
	int min_role; /* enum nc_role, or -1: no token needed */
	int arg;      /* given to fn in api_req.arg: a device type, a status */
};

extern const struct api_route api_routes[];
extern const size_t api_nroutes;
/* True for a route that waits on the core for long (a Sync Now): it runs off
 * the pool of HTTP threads (defer.h). */
bool api_route_slow(const struct api_route *route);

/*
 * Dry run (dryrun.c). api_dry_run_parse() reads ?dry_run= of a write route
 * into r->dry_run: NC_ERR_INVAL (in r->ei, naming dry_run) for a value
 * other than 1 or true, or on a route that cannot be tried. Other routes
 * ignore it. api_dry_run_call() runs the route's handler: for a dry run,
 * inside a write of the core it rolls back (nc_core_dry_begin), or as the
 * handler itself tries it (a Sync Now). Returns the handler's outcome.
 */
int api_dry_run_parse(struct api_req *r, const struct api_route *route);
int api_dry_run_call(struct api_req *r, const struct api_route *route);

/* Sets the reply; steals body. Returns 0 so handlers can `return api_reply(...)`. */
int api_reply(struct api_req *r, unsigned status, json_t *body);
/* Replies {"items": items, "next_cursor": cursor or null}; steals items. */
int api_reply_list(struct api_req *r, json_t *items, const char *next_cursor);

/* A query parameter (decoded) or NULL. */
const char *api_query(struct api_req *r, const char *name);
/*
 * An enum's value named by s, a filter (NULL: none, *out left alone), as
 * index (an nc_<enum>_index of model.h) reads it: NC_ERR_INVAL in r->ei,
 * naming field and saying must, for a name of no value.
 */
int api_enum(struct api_req *r, const char *field, const char *s, int (*index)(const char *s),
	     int *out, const char *must);
/* Paging from ?limit= and ?cursor=; NC_ERR_INVAL (with ei) for bad values. */
struct nc_page;
int api_page(struct api_req *r, struct nc_page *pg);

/* The body, which must be a JSON object: NC_ERR_PARSE when absent. */
int api_body(struct api_req *r, json_t **out);
/* api_body, then NC_ERR_INVAL naming a member not in allowed (NULL-terminated). */
int api_body_only(struct api_req *r, const char *const *allowed, json_t **out);

/* For creations: the tenant the new object goes to. Non-admins get their
 * own; an admin's ?tenant= wins; else the body's "tenant" member is
 * required. Writes into buf (NC_ID_MAX). */
int api_create_tenant(struct api_req *r, const json_t *body, char *buf);

/*
 * Replies status with the edge or connector serial of tenant as the API
 * shows it; NC_ERR_NOTFOUND (with ei naming it) when tenant has none.
 */
int api_reply_device(struct api_req *r, unsigned status, enum nc_device_type type,
		     const char *tenant, const char *serial);
/*
 * A connector as the API shows it (new reference): its fields plus "sync":
 * {state, dirty_reason}, null while it gets no configuration (pending
 * approval, decommissioned: as GET /v1/sync leaves it out).
 */
struct nc_connector;
json_t *api_connector_json(struct api_req *r, const struct nc_connector *c);

/* The event ring, the sync engine and the start time of the server. */
struct api_streams;
struct nc_events *api_events(struct api_req *r);
/* The registry of open event streams, and how often a quiet one sends a
 * keepalive (ms): often enough to outlive the idle timeout. */
struct api_streams *api_streams(struct api_req *r);
int64_t api_stream_keepalive_ms(struct api_req *r);
struct nc_sync_engine *api_sync(struct api_req *r);
int64_t api_started_at(struct api_req *r);
/*
 * Fills in the defaults of in and fits it to the process: raises the soft
 * open-file limit to the hard one, and lowers max_connections to what that
 * limit leaves room for (with a warning). Never fails.
 */
struct nc_api_limits;
void api_limits_fit(const struct nc_api_limits *in, struct nc_api_limits *out);
/* False when the request's Content-Length announces more than max bytes. */
bool api_limits_body_ok(struct MHD_Connection *conn, size_t max);
/* libmicrohttpd's logger: refusals at a limit are warned about once every
 * 10 s, the rest at debug level. */
/* fmt is libmicrohttpd's printf format. */
__attribute__((format(printf, 2, 0))) void api_limits_log(void *cls, const char *fmt, va_list ap);

/* Writes the Prometheus text of open connections and streams, and their limits, to f. */
void api_metrics_limits(struct api_req *r, FILE *f);
/* Writes the Prometheus text of the request counters to f. */
void api_metrics_requests(struct api_req *r, FILE *f);

#endif
