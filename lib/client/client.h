/* SPDX-License-Identifier: MIT */
#ifndef NC_CLIENT_CLIENT_H
#define NC_CLIENT_CLIENT_H

/*
 * The HTTP client of the REST API (docs/api.md), for the CLI and the TUI:
 * libcurl easy handles, JSON in and out, a bearer token and the acting
 * tenant. One client is used by one thread at a time; it keeps its
 * connection open between requests.
 *
 * Every failure comes back as a negative NC_ERR_* with ei->msg a sentence
 * that names the problem and the way out:
 *   NC_ERR_UNREACHABLE  connection refused, DNS failure, timeout, TLS
 *   NC_ERR_UNAUTH       HTTP 401          NC_ERR_FORBIDDEN  HTTP 403
 *   NC_ERR_NOTFOUND     HTTP 404          NC_ERR_EXISTS     HTTP 409 already_exists
 *   NC_ERR_CONFLICT     HTTP 409 (other)  NC_ERR_INVAL      HTTP 400, 405, 413, 415, 422
 *   NC_ERR_INTERNAL     HTTP 5xx, or a reply that is not JSON
 *   NC_ERR_NOMEM        a buffer or JSON value could not be allocated
 * For HTTP errors ei->msg is the server's message and ei->field its field.
 */

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>

struct nc_errinfo;

/* Defaults, in milliseconds. */
#define NC_CLIENT_CONNECT_TIMEOUT_MS 5000L
#define NC_CLIENT_TIMEOUT_MS	     30000L

struct nc_client {
	char *server; /* base URL, no trailing '/' (owned) */
	char *token;  /* bearer token, NULL for none (owned) */
	char *tenant; /* sent as ?tenant= when not NULL (owned) */
	long connect_timeout_ms;
	long timeout_ms; /* whole request; 0 for none */
	void *curl;	 /* CURL *, created on first use */
};

/*
 * A new client for server (an http:// or https:// URL; a trailing '/' is
 * dropped). token and tenant may be NULL or "" for none; all three are
 * copied. Timeouts take the defaults above. Returns 0 and *out, or
 * NC_ERR_INVAL (ei says why) for a server that is not an http(s) URL.
 */
int nc_client_new(const char *server, const char *token, const char *tenant, struct nc_client **out,
		  struct nc_errinfo *ei);
void nc_client_free(struct nc_client *c);

/*
 * One request: method ("GET", "POST", ...) on path (starting with '/',
 * possibly holding a query). body, when not NULL, is sent as JSON
 * (borrowed). On 2xx returns 0 with *reply the decoded body (owned by the
 * caller; NULL for an empty body such as 204). On an HTTP error returns
 * the mapped NC_ERR_* and sets *reply to the error body when it was JSON.
 * *status is the HTTP status, 0 when none was received; status and reply
 * may be NULL when the caller does not want them.
 */
int nc_client_request(struct nc_client *c, const char *method, const char *path, const json_t *body,
		      long *status, json_t **reply, struct nc_errinfo *ei);

/*
 * GETs a list at path, following next_cursor when all is true (at most
 * max_pages pages; 0 for no limit). *list is {"items":[...],"next_cursor":
 * null|"..."} with the items of every page read, owned by the caller.
 */
int nc_client_list(struct nc_client *c, const char *path, int all, size_t max_pages, json_t **list,
		   struct nc_errinfo *ei);

/*
 * Called with each page's items (borrowed: valid during the call only);
 * a negative NC_ERR_* stops the walk and is returned by nc_client_pages.
 */
typedef int nc_client_page_fn(const json_t *items, void *arg);

/*
 * GETs the list at path page by page, calling fn with each page's items as
 * it arrives, so a caller holds one page at a time. Follows next_cursor as
 * nc_client_list does. *next_cursor is the cursor of the page after the
 * last one read (owned by the caller), NULL at the end of the list.
 */
int nc_client_pages(struct nc_client *c, const char *path, int all, size_t max_pages,
		    nc_client_page_fn *fn, void *arg, char **next_cursor, struct nc_errinfo *ei);

/*
 * Formats a path into buf[n]: fmt holds only %s conversions and each
 * argument is URL-escaped (RFC 3986 unreserved characters kept), so user
 * input can be a path segment. NC_ERR_RANGE when it does not fit,
 * NC_ERR_NOMEM, NC_ERR_INVAL for another conversion in fmt.
 */
int nc_client_pathf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int nc_client_vpathf(char *buf, size_t n, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Appends "?key=value" (or "&key=value" when buf already has a query) to
 * the path in buf[n], value URL-escaped. A NULL value appends nothing.
 * NC_ERR_RANGE when it does not fit.
 */
int nc_client_query(char *buf, size_t n, const char *key, const char *value);

/*
 * The full URL of path on c's server, with ?tenant= (or &tenant=) added
 * when c has a tenant. A new string, owned by the caller.
 */
char *nc_client_url(const struct nc_client *c, const char *path);

/*
 * Maps an HTTP error status and the server's error body (borrowed, may be
 * NULL) to the NC_ERR_* above, with ei->msg naming the way out. Returns it.
 */
int nc_client_http_error(const struct nc_client *c, long status, const json_t *reply,
			 struct nc_errinfo *ei);

/*
 * Fills ei for a transport failure of the CURL handle curl (its CURLcode
 * code, its error buffer errbuf, may be NULL) as "cannot reach URL
 * (reason): ..." and returns NC_ERR_UNREACHABLE.
 */
int nc_client_transport_error(const struct nc_client *c, void *curl, int code, const char *errbuf,
			      long timeout_ms, struct nc_errinfo *ei);

#endif
