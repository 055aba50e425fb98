/* SPDX-License-Identifier: MIT */
/*
 * The SSE reader: one libcurl multi handle driving one GET at a time, so
 * the caller keeps control (nc_sse_poll runs for a bounded time) and may
 * make other requests on its nc_client meanwhile. A lost stream is
 * re-requested with Last-Event-ID after a delay that doubles up to the
 * server's retry: value.
 */
#include "sse.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/timefmt.h"
#include "../util/version.h"
#include "../util/xmalloc.h"
#include "client.h"

#define EBODY_MAX	 65536 /* bytes of an error body kept */
#define DEFAULT_DELAY_MS 250
#define DEFAULT_RETRY_MS 2000
#define DEFAULT_IDLE_S	 45
#define SLICE_MS	 1000 /* longest single wait inside curl */

struct nc_sse {
	struct nc_client *c; /* borrowed */
	char *path;
	struct nc_sse_opts o;
	struct nc_sse_parser p;
	CURLM *multi;
	CURL *easy; /* the request under way, or NULL */
	struct curl_slist *hdrs;
	char *url, *auth, *idhdr;
	char errbuf[CURL_ERROR_SIZE];
	enum nc_sse_state state;
	long status; /* HTTP status of the answer under way, 0 before it */
	char *ebody; /* body of an answer that is not 200 */
	size_t elen;
	int64_t reconnect_at, last_byte; /* monotonic ms */
	long delay_ms;
	unsigned opens;
	int cb_ret; /* what stopped the transfer from within on_write */
	nc_sse_cb cb;
	void *arg;
	unsigned delivered; /* events handed to cb in this nc_sse_poll */
};

static void status_note(struct nc_sse *s, enum nc_sse_change what, const char *msg)
{
	if (s->o.on_status)
		s->o.on_status(s->o.status_arg, what, msg);
}

/* The parser's callback: counts the event and hands it on. */
static int deliver(void *arg, const struct nc_sse_event *ev)
{
	struct nc_sse *s = arg;

	s->delivered++;
	return s->cb(s->arg, ev);
}

/* libcurl write callback: the stream's bytes go to the parser once the answer is 200. */
static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct nc_sse *s = userdata;
	size_t n = size * nmemb;
	int ret;

	s->last_byte = nc_time_mono_ms();
	if (s->status == 0)
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
	if (s->status != 200) {
		size_t keep = s->elen + n > EBODY_MAX ? EBODY_MAX - s->elen : n;

		s->ebody = nc_xrealloc(s->ebody, s->elen + keep + 1);
		memcpy(s->ebody + s->elen, ptr, keep);
		s->elen += keep;
		s->ebody[s->elen] = '\0';
		return n;
	}
	if (s->state != NC_SSE_OPEN) {
		s->state = NC_SSE_OPEN;
		s->opens++;
		s->delay_ms = s->o.reconnect_ms;
		status_note(s, NC_SSE_OPENED, NULL);
	}
	ret = nc_sse_parser_feed(&s->p, ptr, n, deliver, s);
	if (ret < 0) {
		s->cb_ret = ret;
		return 0;
	}
	return n;
}

/* Ends the request under way, if any. */
static void drop(struct nc_sse *s)
{
	if (s->easy) {
		curl_multi_remove_handle(s->multi, s->easy);
		curl_easy_cleanup(s->easy);
		s->easy = NULL;
	}
	curl_slist_free_all(s->hdrs);
	s->hdrs = NULL;
	free(s->url);
	free(s->auth);
	free(s->idhdr);
	s->url = s->auth = s->idhdr = NULL;
}

/* Sends a new request, resuming after the last id received. */
static int start(struct nc_sse *s, struct nc_errinfo *ei)
{
	CURL *h = curl_easy_init();

	if (!h)
		return nc_fail(ei, NC_ERR_NOMEM, NULL, "cannot start libcurl");
	s->easy = h;
	s->url = nc_client_url(s->c, s->path);
	s->hdrs = curl_slist_append(s->hdrs, "Accept: text/event-stream");
	s->hdrs = curl_slist_append(s->hdrs, "Cache-Control: no-cache");
	if (s->c->token) {
		s->auth = nc_xasprintf("Authorization: Bearer %s", s->c->token);
		s->hdrs = curl_slist_append(s->hdrs, s->auth);
	}
	if (s->p.last_id[0]) {
		s->idhdr = nc_xasprintf("Last-Event-ID: %s", s->p.last_id);
		s->hdrs = curl_slist_append(s->hdrs, s->idhdr);
	}
	s->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "netctl/" NC_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, s->c->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, s->hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	s->status = 0;
	s->elen = 0;
	s->cb_ret = 0;
	s->last_byte = nc_time_mono_ms();
	s->state = NC_SSE_CONNECTING;
	/* A new stream: partial lines of the old one are gone; the last id
	 * and the retry value stay. */
	s->p.len = s->p.dlen = 0;
	s->p.has_data = s->p.id_set = s->p.cr = false;
	s->p.type[0] = '\0';
	s->p.bom = 0;
	if (curl_multi_add_handle(s->multi, h) != CURLM_OK) {
		drop(s);
		return nc_fail(ei, NC_ERR_NOMEM, NULL, "cannot start the event stream");
	}
	return 0;
}

/* Schedules a reconnect after the current delay, which then doubles. */
static void schedule(struct nc_sse *s, const char *why)
{
	long max = s->p.retry_ms > 0 ? s->p.retry_ms : DEFAULT_RETRY_MS;
	char msg[sizeof(((struct nc_errinfo *)0)->msg) + 128];

	drop(s);
	if (max < s->o.reconnect_ms)
		max = s->o.reconnect_ms;
	s->state = NC_SSE_WAITING;
	s->reconnect_at = nc_time_mono_ms() + s->delay_ms;
	snprintf(msg, sizeof(msg), "%s; reconnecting in %ldms%s%s", why, s->delay_ms,
		 s->p.last_id[0] ? " to resume after event " : "", s->p.last_id);
	s->delay_ms = s->delay_ms * 2 > max ? max : s->delay_ms * 2;
	status_note(s, NC_SSE_LOST, msg);
}

/* The request ended with result rc: an error to return (ei filled), or 0
 * after scheduling a reconnect. */
static int finished(struct nc_sse *s, CURLcode rc, struct nc_errinfo *ei)
{
	bool retry = s->o.reconnect && s->opens > 0;
	struct nc_errinfo e = {0};
	int ret;

	if (s->cb_ret < 0) {
		ret = s->cb_ret;
		if (ret == NC_ERR_TOOBIG)
			nc_fail(ei, ret, NULL, "the event stream sent a line over %zu bytes",
				NC_SSE_LINE_MAX);
		return ret;
	}
	if (s->status == 0)
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
	if (s->status != 0 && s->status != 200) {
		json_t *doc = s->elen ? json_loadb(s->ebody, s->elen, 0, NULL) : NULL;

		ret = nc_client_http_error(s->c, s->status, doc, &e);
		json_decref(doc);
		if (s->status < 500 || !retry)
			goto fail;
	} else if (rc != CURLE_OK && s->status == 0) {
		ret = nc_client_transport_error(s->c, s->easy, rc, s->errbuf, 0, &e);
		if (!retry)
			goto fail;
	} else {
		ret = nc_fail(&e, NC_ERR_UNREACHABLE, NULL, "%s closed the event stream",
			      s->c->server);
		if (!s->o.reconnect)
			goto fail;
	}
	schedule(s, e.msg);
	return 0;
fail:
	if (ei)
		*ei = e;
	return ret;
}

int nc_sse_open(struct nc_client *c, const char *path, const char *last_id,
		const struct nc_sse_opts *o, struct nc_sse **out)
{
	struct nc_sse *s = nc_xcalloc(1, sizeof(*s));

	s->c = c;
	s->path = nc_xstrdup(path);
	if (o)
		s->o = *o;
	if (s->o.reconnect_ms <= 0)
		s->o.reconnect_ms = DEFAULT_DELAY_MS;
	if (s->o.idle_s <= 0)
		s->o.idle_s = DEFAULT_IDLE_S;
	s->delay_ms = s->o.reconnect_ms;
	nc_sse_parser_init(&s->p);
	if (last_id)
		snprintf(s->p.last_id, sizeof(s->p.last_id), "%s", last_id);
	s->multi = curl_multi_init();
	s->state = NC_SSE_WAITING;
	s->reconnect_at = 0;
	*out = s;
	return s->multi ? 0 : NC_ERR_NOMEM;
}

int nc_sse_poll(struct nc_sse *s, int timeout_ms, nc_sse_cb cb, void *arg, struct nc_errinfo *ei)
{
	int64_t deadline = nc_time_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	unsigned opens = s->opens;
	int ret = 0;

	s->cb = cb;
	s->arg = arg;
	s->delivered = 0;
	for (;;) {
		int64_t now = nc_time_mono_ms();
		int running = 0, left = 0;
		CURLMsg *m;

		if (s->state == NC_SSE_WAITING) {
			int64_t until = s->reconnect_at < deadline ? s->reconnect_at : deadline;

			if (now >= s->reconnect_at) {
				ret = start(s, ei);
				if (ret < 0)
					break;
				continue;
			}
			/* A signal ends the wait early: the caller checks its flag. */
			if (now >= deadline || poll(NULL, 0, (int)(until - now)) < 0)
				break;
			continue;
		}
		curl_multi_perform(s->multi, &running);
		m = curl_multi_info_read(s->multi, &left);
		if (m && m->msg == CURLMSG_DONE) {
			ret = finished(s, m->data.result, ei);
			if (ret < 0)
				break;
			continue;
		}
		/* A server that stops sending (or never answers) is as good as gone. */
		if (now - s->last_byte > s->o.idle_s * 1000) {
			char why[96];

			snprintf(why, sizeof(why), "no data for %lds", s->o.idle_s);
			if (s->opens == 0 || !s->o.reconnect) {
				ret = nc_fail(ei, NC_ERR_UNREACHABLE, NULL, "%s: %s", s->c->server,
					      why);
				break;
			}
			schedule(s, why);
			continue;
		}
		if (now >= deadline ||
		    (s->o.return_on_event && (s->delivered || s->opens != opens)))
			break;
		curl_multi_poll(s->multi, NULL, 0,
				(int)(deadline - now < SLICE_MS ? deadline - now : SLICE_MS), NULL);
	}
	s->cb = NULL;
	s->arg = NULL;
	if (ret < 0)
		drop(s);
	return ret;
}

enum nc_sse_state nc_sse_state(const struct nc_sse *s)
{
	return s->state;
}

const char *nc_sse_last_id(const struct nc_sse *s)
{
	return s->p.last_id;
}

unsigned nc_sse_opens(const struct nc_sse *s)
{
	return s->opens;
}

void nc_sse_free(struct nc_sse *s)
{
	if (!s)
		return;
	drop(s);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	nc_sse_parser_clear(&s->p);
	free(s->ebody);
	free(s->path);
	free(s);
}
