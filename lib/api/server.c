/* SPDX-License-Identifier: MIT */
/*
 * libmicrohttpd glue: body accumulation with a size limit, routing, bearer
 * authentication, role and tenant checks, and the one path from a handler's
 * result to a JSON reply or a {"error":{…}} with the right status. The
 * daemon polls with epoll from a pool of threads, with limits on
 * connections, connections per address, idle time, event streams and body
 * size (api.h).
 */
#include "api.h"

#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "../core/auth.h"
#include "../store/store.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "defer.h"
#include "internal.h"
#include "streams.h"

/* Keepalive comments on quiet event streams, at most this far apart (ms). */
#define KEEPALIVE_MAX_MS 15000
#define KEEPALIVE_MIN_MS 250

/* Status codes counted per route for /metrics; the last bucket is "other". */
static const unsigned counted[] = {200, 201, 202, 204, 400, 401, 403, 404,
				   405, 409, 413, 415, 422, 500, 503};
#define NCOUNTED (sizeof(counted) / sizeof(counted[0]))

struct nc_api {
	struct MHD_Daemon *mhd;
	struct nc_core *core;
	struct nc_sync_engine *sync;
	int64_t started_at;
	uint16_t port;
	struct nc_api_limits lim; /* as fitted by api_limits_fit */
	struct api_streams *streams;
	struct api_defer *defer;
	int64_t keepalive_ms;
	pthread_mutex_t mlock;
	/* [route][status bucket]; row api_nroutes is "no route". */
	uint64_t (*hits)[NCOUNTED + 1];
};

/* Per-connection state across the access handler's calls. */
struct conn_state {
	char *body;
	size_t len;
	size_t dropped; /* body bytes past the cap, read and discarded */
	bool toobig;
	/* The request, kept while a slow handler runs off the pool (defer.h). */
	struct api_req *req;
	const struct api_route *route;
	size_t ri; /* the route's index; api_nroutes for none */
	bool deferred;
	atomic_bool done;
	int ret;
};

struct nc_events *api_events(struct api_req *r)
{
	return r->core->events;
}

struct nc_sync_engine *api_sync(struct api_req *r)
{
	return r->api->sync;
}

struct api_streams *api_streams(struct api_req *r)
{
	return r->api->streams;
}

int64_t api_stream_keepalive_ms(struct api_req *r)
{
	return r->api->keepalive_ms;
}

int64_t api_started_at(struct api_req *r)
{
	return r->api->started_at;
}

void api_metrics_requests(struct api_req *r, FILE *f)
{
	struct nc_api *api = r->api;

	fprintf(f, "# HELP netctl_http_requests_total HTTP requests by route and status.\n"
		   "# TYPE netctl_http_requests_total counter\n");
	pthread_mutex_lock(&api->mlock);
	for (size_t i = 0; i <= api_nroutes; i++) {
		for (size_t j = 0; j <= NCOUNTED; j++) {
			if (!api->hits[i][j])
				continue;
			fprintf(f, "netctl_http_requests_total{route=\"%s %s\",status=\"",
				i < api_nroutes ? api_routes[i].method : "ANY",
				i < api_nroutes ? api_routes[i].pattern : "unmatched");
			if (j < NCOUNTED)
				fprintf(f, "%u", counted[j]);
			else
				fprintf(f, "other");
			fprintf(f, "\"} %llu\n", (unsigned long long)api->hits[i][j]);
		}
	}
	pthread_mutex_unlock(&api->mlock);
}

void api_metrics_limits(struct api_req *r, FILE *f)
{
	struct nc_api *api = r->api;
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(api->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	unsigned max, streams = api_streams_count(api->streams, &max);

	fprintf(f,
		"# HELP netctl_http_connections Open HTTP connections, and the limit.\n"
		"# TYPE netctl_http_connections gauge\nnetctl_http_connections %u\n"
		"netctl_http_connections_max %u\n",
		info ? info->num_connections : 0, api->lim.max_connections);
	fprintf(f,
		"# HELP netctl_http_event_streams Open event streams, and the limit.\n"
		"# TYPE netctl_http_event_streams gauge\nnetctl_http_event_streams %u\n"
		"netctl_http_event_streams_max %u\n",
		streams, max);
}

static void count(struct nc_api *api, size_t route, unsigned status)
{
	size_t j = 0;

	while (j < NCOUNTED && counted[j] != status)
		j++;
	pthread_mutex_lock(&api->mlock);
	api->hits[route][j]++;
	pthread_mutex_unlock(&api->mlock);
}

/* The HTTP status for an error of the core. */
static unsigned status_of(int err)
{
	switch (err) {
	case NC_ERR_PARSE:
		return MHD_HTTP_BAD_REQUEST;
	case NC_ERR_UNAUTH:
		return MHD_HTTP_UNAUTHORIZED;
	case NC_ERR_FORBIDDEN:
		return MHD_HTTP_FORBIDDEN;
	case NC_ERR_NOTFOUND:
		return MHD_HTTP_NOT_FOUND;
	case NC_ERR_EXISTS:
	case NC_ERR_CONFLICT:
		return MHD_HTTP_CONFLICT;
	case NC_ERR_INVAL:
	case NC_ERR_RANGE:
		return MHD_HTTP_UNPROCESSABLE_CONTENT;
	case NC_ERR_TOOBIG:
		return MHD_HTTP_CONTENT_TOO_LARGE;
	case NC_ERR_UNREACHABLE:
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/*
 * {"error":{"code","message"[,"field"]}}, never NULL: a message that quotes
 * a value of the request as it came (a serial in the path) need not be
 * UTF-8, which JSON strings must be; it is then sent as nc_quote() makes it
 * (\xNN for each bad byte, cut after NC_QUOTE_KEEP bytes).
 */
static json_t *error_body(const char *code, const char *msg, const char *field)
{
	char safe[NC_QUOTE_BUF];
	json_t *m = json_string(msg), *e;

	if (!m)
		m = json_string(nc_quote(safe, msg, SIZE_MAX));
	/* "o" steals m. */
	e = json_pack("{s:s,s:o}", "code", code, "message", m);

	if (field && *field)
		json_object_set_new(e, "field", json_string(field));
	return json_pack("{s:o}", "error", e);
}

static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, json_t *body,
				 unsigned retry_after, bool dry_run)
{
	char secs[16];
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len = 0;

	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		len = strlen(text);
		text = nc_xrealloc(text, len + 2);
		text[len++] = '\n';
	}
	resp = MHD_create_response_from_buffer(
		len, text ? text : "", text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (body)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (retry_after) {
		snprintf(secs, sizeof(secs), "%u", retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	}
	if (dry_run)
		MHD_add_response_header(resp, "Netctl-Dry-Run", "true");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/*
 * Matches path against pattern, capturing {…} segments into r->params.
 * Returns true on a match.
 */
static bool match(const char *pattern, const char *path, struct api_req *r)
{
	const char *p = pattern, *u = path;
	char *buf = r->param_buf, *bend = r->param_buf + sizeof(r->param_buf);
	int np = 0;

	while (*p && *u) {
		if (*p == '{') {
			size_t ul = strcspn(u, "/");

			if (ul == 0 || np >= API_MAX_PARAMS || buf + ul + 1 > bend)
				return false;
			memcpy(buf, u, ul);
			buf[ul] = '\0';
			r->params[np++] = buf;
			buf += ul + 1;
			u += ul;
			p = strchr(p, '}') + 1;
		} else if (*p++ != *u++) {
			return false;
		}
	}
	return *p == '\0' && *u == '\0';
}

/* Authenticates and scopes r for a route needing min_role; 0 or an error. */
static int authorize(struct api_req *r, int min_role)
{
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_AUTHORIZATION);
	const char *tenant;
	struct nc_tenant t;
	int ret;

	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
		return nc_fail(&r->ei, NC_ERR_UNAUTH, NULL,
			       "a bearer token is required (Authorization: Bearer <token>)");
	ret = nc_core_token_verify(r->core, auth + 7, time(NULL), &r->actor, &r->ei);
	if (ret < 0)
		return ret;
	if ((int)r->actor.role < min_role)
		return nc_fail(&r->ei, NC_ERR_FORBIDDEN, NULL,
			       "this needs the %s role; the token has %s",
			       nc_role_name((enum nc_role)min_role), nc_role_name(r->actor.role));
	tenant = api_query(r, "tenant");
	if (r->actor.tenant[0]) {
		/* A tenant token acts in its tenant; naming another is not found. */
		if (tenant && strcmp(tenant, r->actor.tenant) != 0)
			return nc_fail(&r->ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
				       tenant);
		snprintf(r->tenant_buf, sizeof(r->tenant_buf), "%s", r->actor.tenant);
		r->tenant = r->tenant_buf;
	} else if (tenant) {
		ret = nc_store_tenant_get(r->core->store, tenant, &t);
		if (ret < 0)
			return nc_fail(&r->ei, ret, "tenant", "tenant `%s' not found", tenant);
		snprintf(r->tenant_buf, sizeof(r->tenant_buf), "%s", tenant);
		r->tenant = r->tenant_buf;
	}
	return 0;
}

/* Parses a non-empty body; 415 and 400 are reported through r->ei. */
static int parse_body(struct api_req *r, const struct conn_state *cs, unsigned *status)
{
	const char *ct =
		MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	json_error_t jerr;

	if (cs->len == 0)
		return 0;
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		*status = MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
		return nc_fail(&r->ei, NC_ERR_PARSE, NULL,
			       "the body must be application/json, not %s", ct ? ct : "untyped");
	}
	r->body = json_loadb(cs->body, cs->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!r->body)
		return nc_fail(&r->ei, NC_ERR_PARSE, NULL,
			       "malformed JSON at line %d, column %d: %s", jerr.line, jerr.column,
			       jerr.text);
	return 0;
}

/* Routes the request of cs->req, checks size, token, role and body: 0 or
 * an error, with *status when it is not the error's own. */
static int prepare(struct nc_api *api, struct conn_state *cs, unsigned *status)
{
	struct api_req *r = cs->req;
	bool path_known = false;

	cs->ri = api_nroutes;
	for (size_t i = 0; i < api_nroutes; i++) {
		if (!match(api_routes[i].pattern, r->path, r))
			continue;
		path_known = true;
		if (strcmp(api_routes[i].method, r->method) == 0 ||
		    (strcmp(r->method, "HEAD") == 0 && strcmp(api_routes[i].method, "GET") == 0)) {
			cs->route = &api_routes[i];
			cs->ri = i;
			r->arg = api_routes[i].arg;
			break;
		}
	}
	if (cs->toobig) {
		*status = MHD_HTTP_CONTENT_TOO_LARGE;
		return nc_fail(&r->ei, NC_ERR_TOOBIG, NULL,
			       "the body is larger than %zu bytes (--max-body)", api->lim.max_body);
	}
	if (!cs->route) {
		*status = path_known ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND;
		return nc_fail(&r->ei, NC_ERR_NOTFOUND, NULL,
			       path_known ? "%s is not allowed on %s" : "no endpoint %s %s",
			       r->method, r->path);
	}
	if (cs->route->min_role >= 0) {
		int ret = authorize(r, cs->route->min_role);

		if (ret < 0)
			return ret;
	}
	return parse_body(r, cs, status);
}

/* Sends the outcome ret of r (route ri): its reply, raw response or error. */
static enum MHD_Result finish(struct nc_api *api, struct api_req *r, size_t ri, unsigned status,
			      int ret)
{
	enum MHD_Result mret;

	if (r->raw) {
		mret = MHD_queue_response(r->conn, MHD_HTTP_OK, r->raw);
		MHD_destroy_response(r->raw);
		r->raw = NULL;
		count(api, ri, MHD_HTTP_OK);
		return mret;
	}
	if (ret < 0) {
		const char *code = nc_errcode(ret);

		if (!status)
			status = status_of(ret);
		if (r->code)
			code = r->code;
		else if (status == MHD_HTTP_UNSUPPORTED_MEDIA_TYPE)
			code = "unsupported_media_type";
		else if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
			code = "method_not_allowed";
		/* A refusal at a limit (Retry-After) is the client's concern. */
		if (status >= 500 && !r->retry_after)
			nc_warn("%s %s: %s", r->method, r->path,
				r->ei.msg[0] ? r->ei.msg : nc_strerror(ret));
		json_decref(r->resp);
		r->resp =
			error_body(code, r->ei.msg[0] ? r->ei.msg : nc_strerror(ret), r->ei.field);
		r->status = status;
	}
	count(api, ri, r->status);
	nc_debug("%s %s -> %u", r->method, r->path, r->status);
	return send_json(r->conn, r->status, r->status == MHD_HTTP_NO_CONTENT ? NULL : r->resp,
			 r->retry_after, r->dry_run);
}

/* The request is complete: answers it, or has a slow handler run off the
 * pool and answers when the connection resumes (called again). */
static enum MHD_Result respond(struct nc_api *api, struct MHD_Connection *conn, const char *url,
			       const char *method, struct conn_state *cs)
{
	struct api_req *r = cs->req;
	unsigned status = 0;
	int ret;

	if (cs->deferred) {
		/* Resumed: the handler is done (defer.h resumes only then). */
		cs->deferred = false;
		ret = cs->ret;
	} else {
		r = cs->req = nc_xcalloc(1, sizeof(*r));
		*r = (struct api_req){
			.api = api, .core = api->core, .conn = conn, .method = method, .path = url};
		ret = prepare(api, cs, &status);
		if (ret == 0)
			ret = api_dry_run_parse(r, cs->route);
		if (ret == 0 && api_route_slow(cs->route) &&
		    api_defer(api->defer, conn, cs->route->fn, r, &cs->ret, &cs->done)) {
			cs->deferred = true;
			return MHD_YES;
		}
		if (ret == 0)
			ret = api_dry_run_call(r, cs->route);
	}
	return finish(api, r, cs->ri, status, ret);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct nc_api *api = cls;
	struct conn_state *cs = *con_cls;

	(void)version;
	if (!cs) {
		cs = nc_xcalloc(1, sizeof(*cs));
		*con_cls = cs;
		/* A body announced over the cap is refused now, unread: the
		 * response ends the request and closes the connection. */
		if (!api_limits_body_ok(conn, api->lim.max_body)) {
			cs->toobig = true;
			return respond(api, conn, url, method, cs);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!cs->toobig && cs->len + *upload_size <= api->lim.max_body) {
			cs->body = nc_xrealloc(cs->body, cs->len + *upload_size);
			memcpy(cs->body + cs->len, upload, *upload_size);
			cs->len += *upload_size;
		} else {
			/* A chunked body past the cap: a reply cannot be queued
			 * mid-body, so the rest is discarded for the 413 at its
			 * end, up to the cap once more; past that the connection
			 * is closed. */
			cs->toobig = true;
			cs->dropped += *upload_size;
			if (cs->dropped > api->lim.max_body)
				return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return respond(api, conn, url, method, cs);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (cs) {
		if (cs->req) {
			json_decref(cs->req->resp);
			json_decref(cs->req->body);
			if (cs->req->raw)
				MHD_destroy_response(cs->req->raw);
			free(cs->req);
		}
		free(cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

/* Starts libmicrohttpd on ai with api's limits; NULL on failure. */
static struct MHD_Daemon *start_daemon(struct nc_api *api, const struct addrinfo *ai)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	unsigned idle_s = (unsigned)((api->lim.idle_timeout_ms + 999) / 1000);

	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(
		flags, 0, NULL, NULL, handle, api, MHD_OPTION_EXTERNAL_LOGGER, api_limits_log, NULL,
		MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		/* One thread is libmicrohttpd's own, without a pool. */
		MHD_OPTION_THREAD_POOL_SIZE, api->lim.threads > 1 ? api->lim.threads : 0,
		MHD_OPTION_CONNECTION_LIMIT, api->lim.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, api->lim.max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, idle_s, MHD_OPTION_END);
}

int nc_api_start(const struct nc_api_config *cfg, struct nc_api **out, struct nc_errinfo *ei)
{
	struct addrinfo hints = {.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	struct nc_api *api = NULL;
	const union MHD_DaemonInfo *info;
	char port[8];
	int ret, gai;

	snprintf(port, sizeof(port), "%u", cfg->port);
	gai = getaddrinfo(cfg->host, port, &hints, &ai);
	if (gai != 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, "listen", "cannot resolve `%s': %s", cfg->host,
			      gai_strerror(gai));
		goto out;
	}
	api = nc_xcalloc(1, sizeof(*api));
	api->core = cfg->core;
	api->sync = cfg->sync;
	api->started_at = time(NULL);
	api->hits = nc_xcalloc(api_nroutes + 1, sizeof(*api->hits));
	pthread_mutex_init(&api->mlock, NULL);
	api_limits_fit(&cfg->limits, &api->lim);
	api->keepalive_ms = api->lim.idle_timeout_ms / 2 < KEEPALIVE_MAX_MS
				    ? api->lim.idle_timeout_ms / 2
				    : KEEPALIVE_MAX_MS;
	if (api->keepalive_ms < KEEPALIVE_MIN_MS)
		api->keepalive_ms = KEEPALIVE_MIN_MS;
	ret = api_streams_new(api->core->events, api->lim.max_streams, &api->streams);
	if (ret < 0) {
		ret = nc_fail(ei, ret, NULL, "cannot start the event stream waker");
		goto out;
	}
	api->defer = api_defer_new();
	api->mhd = start_daemon(api, ai);
	if (!api->mhd) {
		ret = nc_fail(ei, NC_ERR_IO, "listen",
			      "cannot listen on %s:%u (address in use or not available here)",
			      cfg->host, cfg->port);
		goto out;
	}
	info = MHD_get_daemon_info(api->mhd, MHD_DAEMON_INFO_BIND_PORT);
	api->port = info ? info->port : cfg->port;
	*out = api;
	api = NULL;
	ret = 0;
out:
	if (ai)
		freeaddrinfo(ai);
	nc_api_stop(api);
	return ret;
}

uint16_t nc_api_port(const struct nc_api *api)
{
	return api->port;
}

void nc_api_stop(struct nc_api *api)
{
	if (!api)
		return;
	/* Suspended connections must be resumed before the daemon stops:
	 * streams end, slow requests finish first. */
	api_streams_shutdown(api->streams);
	api_defer_close(api->defer);
	if (api->mhd)
		MHD_stop_daemon(api->mhd);
	api_streams_free(api->streams);
	api_defer_free(api->defer);
	pthread_mutex_destroy(&api->mlock);
	free(api->hits);
	free(api);
}
