/* SPDX-License-Identifier: MIT */
#include "client.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/err.h"
#include "../util/version.h"
#include "../util/xmalloc.h"

/* The largest reply read; a full page of 1000 connectors is well under it. */
#define REPLY_MAX ((size_t)64 << 20)

struct buf {
	char *data;
	size_t len, cap;
	bool overflow;
};

/* libcurl write callback: appends to a struct buf, refusing past REPLY_MAX. */
static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;

	if (b->len + n > REPLY_MAX) {
		b->overflow = true;
		return 0;
	}
	b->data = nc_xgrow(b->data, &b->cap, b->len + n + 1, 4096);
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

int nc_client_new(const char *server, const char *token, const char *tenant, struct nc_client **out,
		  struct nc_errinfo *ei)
{
	struct nc_client *c;
	size_t len;

	if (!server ||
	    (strncasecmp(server, "http://", 7) != 0 && strncasecmp(server, "https://", 8) != 0))
		return nc_fail(ei, NC_ERR_INVAL, "server",
			       "server `%s' is not an http:// or https:// URL; see --server",
			       server ? server : "");
	c = nc_xcalloc(1, sizeof(*c));
	c->server = nc_xstrdup(server);
	len = strlen(c->server);
	while (len > 0 && c->server[len - 1] == '/')
		c->server[--len] = '\0';
	c->token = token && *token ? nc_xstrdup(token) : NULL;
	c->tenant = tenant && *tenant ? nc_xstrdup(tenant) : NULL;
	c->connect_timeout_ms = NC_CLIENT_CONNECT_TIMEOUT_MS;
	c->timeout_ms = NC_CLIENT_TIMEOUT_MS;
	*out = c;
	return 0;
}

void nc_client_free(struct nc_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->server);
	free(c->token);
	free(c->tenant);
	free(c);
}

int nc_client_query(char *buf, size_t n, const char *key, const char *value)
{
	size_t len = strlen(buf);
	char *esc;
	int w, ret = 0;

	if (!value)
		return 0;
	esc = curl_easy_escape(NULL, value, 0);
	if (!esc)
		return NC_ERR_NOMEM;
	w = snprintf(buf + len, n - len, "%c%s=%s", strchr(buf, '?') ? '&' : '?', key, esc);
	if (w < 0 || (size_t)w >= n - len) {
		buf[len] = '\0';
		ret = NC_ERR_RANGE;
	}
	curl_free(esc);
	return ret;
}

int nc_client_pathf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nc_client_vpathf(buf, n, fmt, ap);
	va_end(ap);
	return ret;
}

int nc_client_vpathf(char *buf, size_t n, const char *fmt, va_list ap)
{
	size_t len = 0;
	int ret = 0;

	for (const char *p = fmt; *p && ret == 0; p++) {
		const char *piece = p;
		size_t plen = 1;
		char *esc = NULL;

		if (*p == '%' && p[1] == 's') {
			esc = curl_easy_escape(NULL, va_arg(ap, const char *), 0);
			if (!esc) {
				ret = NC_ERR_NOMEM;
				break;
			}
			piece = esc;
			plen = strlen(esc);
			p++;
		} else if (*p == '%' && p[1] == '%') {
			p++;
		} else if (*p == '%') {
			ret = NC_ERR_INVAL;
			break;
		}
		if (len + plen >= n)
			ret = NC_ERR_RANGE;
		else
			memcpy(buf + len, piece, plen);
		len += plen;
		curl_free(esc);
	}
	if (n > 0)
		buf[ret == 0 ? len : 0] = '\0';
	return ret;
}

/* The reason part of "cannot reach URL (reason)" for a transport failure. */
static void transport_reason(CURL *h, CURLcode cc, const char *errbuf, long timeout_ms, char *out,
			     size_t n)
{
	long os_errno = 0;

	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		if (os_errno != 0) {
			snprintf(out, n, "%s", strerror((int)os_errno));
			if (out[0] >= 'A' && out[0] <= 'Z')
				out[0] = (char)(out[0] - 'A' + 'a');
		} else {
			snprintf(out, n, "connection refused");
		}
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(out, n, "cannot resolve the host name");
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(out, n, "no answer within %lds", (timeout_ms + 999) / 1000);
		break;
	default:
		snprintf(out, n, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
		break;
	}
}

int nc_client_transport_error(const struct nc_client *c, void *curl, int code, const char *errbuf,
			      long timeout_ms, struct nc_errinfo *ei)
{
	char reason[CURL_ERROR_SIZE + 32];
	curl_off_t connected = 0;

	/* Connected, then no answer in time: the server may still be at it. */
	curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected);
	if ((CURLcode)code == CURLE_OPERATION_TIMEDOUT && connected > 0 && timeout_ms > 0)
		return nc_fail(ei, NC_ERR_UNREACHABLE, NULL,
			       "timed out: %s accepted the request but did not answer within "
			       "%lds; it may still carry it out (NETCTL_TIMEOUT sets the limit)",
			       c->server, (timeout_ms + 999) / 1000);
	transport_reason(curl, (CURLcode)code, errbuf ? errbuf : "", timeout_ms, reason,
			 sizeof(reason));
	return nc_fail(ei, NC_ERR_UNREACHABLE, NULL,
		       "cannot reach %s (%s): is `netctl serve` running? see --server", c->server,
		       reason);
}

int nc_client_http_error(const struct nc_client *c, long status, const json_t *reply,
			 struct nc_errinfo *ei)
{
	const json_t *e = json_object_get(reply, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *field = json_string_value(json_object_get(e, "field"));

	/* netctl serve answers every error with {"error":{"message":...}}
	 * (lib/api/server.c, error_body): without one, the reply is from
	 * something else on that address (a proxy, another web server), and its
	 * words would mislead. */
	if (!msg)
		return nc_fail(ei, NC_ERR_INTERNAL, NULL,
			       "%s answered HTTP %ld, not as the netctl API does: is --server the "
			       "address of `netctl serve`?",
			       c->server, status);
	if (status == 401 && !c->token)
		return nc_fail(ei, NC_ERR_UNAUTH, field,
			       "no token given: pass --token or --token-file, set NETCTL_TOKEN or "
			       "use a context (`netctl serve` writes an admin token to "
			       "DATA_DIR/admin.token on first start)");
	switch (status) {
	case 401:
		return nc_fail(ei, NC_ERR_UNAUTH, field,
			       "unauthorized: %s; check --token, --token-file or NETCTL_TOKEN",
			       msg);
	case 403:
		return nc_fail(ei, NC_ERR_FORBIDDEN, field,
			       "forbidden: %s; use a token with that role (--token, NETCTL_TOKEN)",
			       msg);
	case 404:
		return nc_fail(ei, NC_ERR_NOTFOUND, field, "%s", msg);
	case 409:
		return nc_fail(ei,
			       code && strcmp(code, "already_exists") == 0 ? NC_ERR_EXISTS
									   : NC_ERR_CONFLICT,
			       field, "%s", msg);
	case 400:
	case 405:
	case 413:
	case 415:
	case 422:
		return nc_fail(ei, NC_ERR_INVAL, field, "%s", msg);
	default:
		break;
	}
	if (status >= 500)
		return nc_fail(ei, NC_ERR_INTERNAL, field,
			       "the server failed (HTTP %ld): %s; see the log of `netctl serve`",
			       status, msg);
	return nc_fail(ei, NC_ERR_INTERNAL, field, "unexpected HTTP %ld from %s: %s", status,
		       c->server, msg);
}

char *nc_client_url(const struct nc_client *c, const char *path)
{
	size_t urlsz =
		strlen(c->server) + strlen(path) + (c->tenant ? 3 * strlen(c->tenant) + 10 : 0) + 1;
	char *url = nc_xmalloc(urlsz);

	snprintf(url, urlsz, "%s%s", c->server, path);
	/* Three bytes per escaped byte of the tenant always fit. */
	nc_client_query(url, urlsz, "tenant", c->tenant);
	return url;
}

/* Sets the options of one request on h; the caller owns hdrs and url. */
static void setup(struct nc_client *c, CURL *h, const char *method, const char *url,
		  const char *payload, struct curl_slist *hdrs, struct buf *b, char *errbuf)
{
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "netctl/" NC_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		if (payload || strcmp(method, "POST") == 0) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload ? payload : "");
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
					 (long)(payload ? strlen(payload) : 0));
		}
	}
}

int nc_client_request(struct nc_client *c, const char *method, const char *path, const json_t *body,
		      long *status, json_t **reply, struct nc_errinfo *ei)
{
	struct curl_slist *hdrs = NULL;
	struct buf b = {0};
	char errbuf[CURL_ERROR_SIZE] = "", *payload = NULL, *url = NULL, *auth = NULL;
	json_t *doc = NULL;
	json_error_t jerr;
	CURLcode cc;
	long code = 0;
	int ret = 0;

	if (status)
		*status = 0;
	if (reply)
		*reply = NULL;
	if (!c->curl)
		c->curl = curl_easy_init();
	if (!c->curl) {
		ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "cannot start libcurl");
		goto out;
	}
	url = nc_client_url(c, path);
	if (body) {
		payload = json_dumps(body, JSON_COMPACT);
		if (!payload) {
			ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "cannot encode the request body");
			goto out;
		}
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (c->token) {
		auth = nc_xasprintf("Authorization: Bearer %s", c->token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	setup(c, c->curl, method, url, payload, hdrs, &b, errbuf);
	cc = curl_easy_perform(c->curl);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && b.overflow)) {
		ret = nc_client_transport_error(c, c->curl, cc, errbuf, c->timeout_ms, ei);
		goto out;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	if (status)
		*status = code;
	if (b.overflow) {
		ret = nc_fail(ei, NC_ERR_TOOBIG, NULL, "the reply to %s %s is over %zu MiB", method,
			      path, REPLY_MAX >> 20);
		goto out;
	}
	if (b.len > 0) {
		doc = json_loadb(b.data, b.len, 0, &jerr);
		if (!doc && code >= 200 && code < 300) {
			ret = nc_fail(ei, NC_ERR_INTERNAL, NULL,
				      "the reply from %s is not JSON (%s): is --server a netctl "
				      "server?",
				      c->server, jerr.text);
			goto out;
		}
	}
	if (code < 200 || code >= 300)
		ret = nc_client_http_error(c, code, doc, ei);
	if (reply) {
		*reply = doc;
		doc = NULL;
	}
out:
	json_decref(doc);
	curl_slist_free_all(hdrs);
	free(b.data);
	free(payload);
	free(auth);
	free(url);
	return ret;
}

int nc_client_pages(struct nc_client *c, const char *path, int all, size_t max_pages,
		    nc_client_page_fn *fn, void *arg, char **next_cursor, struct nc_errinfo *ei)
{
	size_t psz = strlen(path) + 512, pages = 0;
	char *p = nc_xmalloc(psz);
	json_t *page = NULL;
	int ret = 0;

	*next_cursor = NULL; /* the cursor of the next page to read */
	do {
		const json_t *got, *next;

		snprintf(p, psz, "%s", path);
		ret = nc_client_query(p, psz, "cursor", *next_cursor);
		if (ret < 0) {
			nc_fail(ei, ret, NULL, "the cursor does not fit in the URL");
			goto out;
		}
		json_decref(page);
		page = NULL;
		ret = nc_client_request(c, "GET", p, NULL, NULL, &page, ei);
		if (ret < 0)
			goto out;
		got = json_object_get(page, "items");
		if (!json_is_array(got)) {
			ret = nc_fail(ei, NC_ERR_INTERNAL, NULL,
				      "the reply to GET %s is not a list", path);
			goto out;
		}
		ret = fn(got, arg);
		if (ret < 0)
			goto out;
		free(*next_cursor);
		next = json_object_get(page, "next_cursor");
		*next_cursor = json_is_string(next) ? nc_xstrdup(json_string_value(next)) : NULL;
	} while (all && *next_cursor && (!max_pages || ++pages < max_pages));
out:
	if (ret < 0) {
		free(*next_cursor);
		*next_cursor = NULL;
	}
	json_decref(page);
	free(p);
	return ret;
}

static int list_add(const json_t *items, void *arg)
{
	return json_array_extend(arg, (json_t *)items) == 0 ? 0 : NC_ERR_NOMEM;
}

int nc_client_list(struct nc_client *c, const char *path, int all, size_t max_pages, json_t **list,
		   struct nc_errinfo *ei)
{
	json_t *items = json_array();
	char *next = NULL;
	int ret = nc_client_pages(c, path, all, max_pages, list_add, items, &next, ei);

	*list = NULL;
	if (ret < 0)
		goto out;
	*list = json_pack("{s:o,s:s?}", "items", items, "next_cursor", next);
	items = NULL;
	if (!*list)
		ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "cannot build the list");
out:
	json_decref(items);
	free(next);
	return ret;
}
