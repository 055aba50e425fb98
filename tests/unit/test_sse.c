/* SPDX-License-Identifier: MIT */
/*
 * The SSE parser: events, line endings, comments, ids, retry, BOM, limits;
 * and the reader against a canned server: resuming with Last-Event-ID,
 * refusals returned, an unreachable server reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../lib/client/client.h"
#include "../../lib/client/sse.h"
#include "../../lib/util/err.h"
#include "fixture.h"

#define MAXEV 16

struct seen {
	int n;
	char id[MAXEV][NC_SSE_ID_MAX];
	bool has_id[MAXEV];
	char type[MAXEV][64];
	char data[MAXEV][256];
	size_t len[MAXEV];
	int stop_at; /* return an error on this event (1-based), 0 never */
};

static int collect(void *arg, const struct nc_sse_event *ev)
{
	struct seen *s = arg;

	if (s->n >= MAXEV)
		return NC_ERR_RANGE;
	snprintf(s->id[s->n], sizeof(s->id[0]), "%s", ev->id);
	s->has_id[s->n] = ev->has_id;
	snprintf(s->type[s->n], sizeof(s->type[0]), "%s", ev->type);
	snprintf(s->data[s->n], sizeof(s->data[0]), "%s", ev->data);
	s->len[s->n] = ev->len;
	s->n++;
	if (s->stop_at && s->n == s->stop_at)
		return NC_ERR_INTERNAL;
	return 0;
}

/* Feeds text whole, or in pieces of chunk bytes (0 = whole). */
static int feed(struct nc_sse_parser *p, const char *text, size_t len, size_t chunk, struct seen *s)
{
	int ret = 0;

	if (chunk == 0)
		return nc_sse_parser_feed(p, text, len, collect, s);
	for (size_t off = 0; off < len && ret == 0; off += chunk)
		ret = nc_sse_parser_feed(p, text + off, len - off < chunk ? len - off : chunk,
					 collect, s);
	return ret;
}

/* A parser and what it delivered, for the tests that feed one parser. */
struct one {
	struct nc_sse_parser p;
	struct seen s;
};

/* cmocka setup: a fresh parser, nothing seen; teardown clears it. */
static int setup(void **state)
{
	struct one *o = calloc(1, sizeof(*o));

	if (!o)
		return -1;
	nc_sse_parser_init(&o->p);
	*state = o;
	return 0;
}

static int teardown(void **state)
{
	struct one *o = *state;

	nc_sse_parser_clear(&o->p);
	free(o);
	return 0;
}

static void test_server_stream(void **state)
{
	static const char text[] = "retry: 2000\n\n"
				   "id: 7\ndata: {\"id\":7,\"type\":\"dirty\"}\n\n"
				   ": keepalive\n\n"
				   "data: {\"type\":\"gap\",\"after\":1}\n\n"
				   "id: 8\ndata: {\"id\":8}\n\n";

	/* Whole, then byte by byte, then in odd pieces: the same events. */
	for (size_t chunk = 0; chunk < 8; chunk += chunk ? 6 : 1) {
		struct nc_sse_parser p;
		struct seen s = {0};

		nc_sse_parser_init(&p);
		assert_int_equal(feed(&p, text, strlen(text), chunk, &s), 0);
		assert_int_equal(s.n, 3);
		assert_string_equal(s.id[0], "7");
		assert_true(s.has_id[0]);
		assert_string_equal(s.type[0], "message");
		assert_string_equal(s.data[0], "{\"id\":7,\"type\":\"dirty\"}");
		assert_int_equal(s.len[0], strlen(s.data[0]));
		/* The gap has no id line: it carries the last id, unset by itself. */
		assert_string_equal(s.id[1], "7");
		assert_false(s.has_id[1]);
		assert_string_equal(s.data[1], "{\"type\":\"gap\",\"after\":1}");
		assert_string_equal(s.id[2], "8");
		assert_int_equal(p.retry_ms, 2000);
		assert_int_equal(p.comments, 1);
		nc_sse_parser_clear(&p);
	}
}

static void test_line_endings(void **state)
{
	static const char *const texts[] = {
		"data: a\r\ndata: b\r\n\r\n",
		"data: a\rdata: b\r\r",
		"data: a\ndata: b\r\n\n",
	};

	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		for (size_t chunk = 0; chunk < 4; chunk++) {
			struct nc_sse_parser p;
			struct seen s = {0};

			nc_sse_parser_init(&p);
			assert_int_equal(feed(&p, texts[t], strlen(texts[t]), chunk, &s), 0);
			assert_int_equal(s.n, 1);
			assert_string_equal(s.data[0], "a\nb");
			nc_sse_parser_clear(&p);
		}
	}
}

static void test_fields(void **state)
{
	struct one *o = *state;
	struct nc_sse_parser *p = &o->p;
	struct seen *s = &o->s;
	static const char text[] = "event: gap\ndata:x\ndata:  two spaces\nfoo: ignored\n\n"
				   "data\n\n"
				   "id: 3\n\n"
				   "data: after an empty event\n\n"
				   "retry: soon\nretry: 15x\ndata: r\n\n";

	assert_int_equal(feed(p, text, strlen(text), 0, s), 0);
	assert_int_equal(s->n, 4);
	assert_string_equal(s->type[0], "gap");
	/* Only the first space after the colon is dropped. */
	assert_string_equal(s->data[0], "x\n two spaces");
	/* "data" alone is an empty data line: an event with empty data. */
	assert_string_equal(s->data[1], "");
	assert_string_equal(s->type[1], "message");
	/* An id in a block without data is kept for the next event. */
	assert_string_equal(s->id[2], "3");
	assert_false(s->has_id[2]);
	assert_string_equal(s->data[2], "after an empty event");
	/* retry values that are not digits are ignored. */
	assert_int_equal(p->retry_ms, -1);
}

static void test_no_dispatch_without_blank_line(void **state)
{
	struct one *o = *state;
	struct nc_sse_parser *p = &o->p;
	struct seen *s = &o->s;

	assert_int_equal(feed(p, "id: 1\ndata: half", 16, 0, s), 0);
	assert_int_equal(s->n, 0);
	assert_int_equal(feed(p, "\n", 1, 0, s), 0);
	assert_int_equal(s->n, 0);
	assert_int_equal(feed(p, "\n", 1, 0, s), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->data[0], "half");
}

static void test_bom(void **state)
{
	struct one *o = *state;
	struct nc_sse_parser *p = &o->p;
	struct seen *s = &o->s;
	static const char with_bom[] = "\xef\xbb\xbf"
				       "data: a\n\n";
	static const char half_bom[] = "\xef\xbb"
				       "data: b\n\n";

	assert_int_equal(feed(p, with_bom, strlen(with_bom), 1, s), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->data[0], "a");
	/* A BOM later in the stream is text. */
	assert_int_equal(feed(p, with_bom, strlen(with_bom), 0, s), 0);
	assert_int_equal(s->n, 1);
	nc_sse_parser_clear(p);

	/* Two bytes of a BOM and then not: they belong to the line, whose
	 * field is then unknown. */
	memset(s, 0, sizeof(*s));
	nc_sse_parser_init(p);
	assert_int_equal(feed(p, half_bom, strlen(half_bom), 0, s), 0);
	assert_int_equal(s->n, 0);
}

static void test_id_rules(void **state)
{
	struct one *o = *state;
	struct nc_sse_parser *p = &o->p;
	struct seen *s = &o->s;
	static const char nul_id[] = "id: 9\n\nid: 1\0002\ndata: x\n\n";
	char longid[NC_SSE_ID_MAX + 16];

	/* An id holding NUL is ignored: the last id stays 9. */
	assert_int_equal(feed(p, nul_id, sizeof(nul_id) - 1, 0, s), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->id[0], "9");
	/* An id too long to send back is ignored as well. */
	snprintf(longid, sizeof(longid), "id: %0*d\n", NC_SSE_ID_MAX, 1);
	assert_int_equal(feed(p, longid, strlen(longid), 0, s), 0);
	assert_int_equal(feed(p, "data: y\n\n", 9, 0, s), 0);
	assert_string_equal(s->id[1], "9");
	/* An empty id resets it. */
	assert_int_equal(feed(p, "id\ndata: z\n\n", 12, 0, s), 0);
	assert_string_equal(s->id[2], "");
	assert_true(s->has_id[2]);
}

static void test_callback_stops(void **state)
{
	struct one *o = *state;
	struct nc_sse_parser *p = &o->p;
	struct seen *s = &o->s;
	static const char text[] = "data: 1\n\ndata: 2\n\ndata: 3\n\n";

	s->stop_at = 2;
	assert_int_equal(feed(p, text, strlen(text), 0, s), NC_ERR_INTERNAL);
	assert_int_equal(s->n, 2);
}

static void test_too_long(void **state)
{
	struct one *o = *state;
	struct nc_sse_parser *p = &o->p;
	struct seen *s = &o->s;
	size_t n = NC_SSE_LINE_MAX + 16;
	char *big = malloc(n);
	size_t lines = 0;
	int ret = 0;

	assert_non_null(big);
	memcpy(big, "data: ", 6);
	memset(big + 6, 'x', n - 6);
	assert_int_equal(feed(p, big, n, 4096, s), NC_ERR_TOOBIG);
	assert_int_equal(s->n, 0);
	nc_sse_parser_clear(p);
	/* Data over the cap through many lines is refused too. */
	nc_sse_parser_init(p);
	memset(big, 'y', 4096);
	memcpy(big, "data: ", 6);
	big[4095] = '\n';
	while (ret == 0 && lines < 2 * n / 4096) {
		ret = feed(p, big, 4096, 0, s);
		lines++;
	}
	assert_int_equal(ret, NC_ERR_TOOBIG);
	assert_true(lines > NC_SSE_LINE_MAX / 4096);
	nc_sse_parser_clear(NULL);
	free(big);
}

/* The reader against a tiny HTTP server in a thread: each connection gets
 * one canned answer, and the request's headers are kept for the checks. */
struct srv {
	int lfd, port, n;
	const char *answers[3];
	char headers[3][1024];
};

static void *serve(void *arg)
{
	struct srv *v = arg;

	for (int k = 0; k < v->n; k++) {
		int fd = accept(v->lfd, NULL, NULL);
		size_t len = 0;
		ssize_t r;

		if (fd < 0)
			break;
		while (len + 1 < sizeof(v->headers[k]) && !strstr(v->headers[k], "\r\n\r\n")) {
			r = read(fd, v->headers[k] + len, sizeof(v->headers[k]) - 1 - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			v->headers[k][len] = '\0';
		}
		r = write(fd, v->answers[k], strlen(v->answers[k]));
		(void)r;
		close(fd);
	}
	return NULL;
}

static void srv_start(struct srv *v, pthread_t *t)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);

	v->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(v->lfd >= 0);
	assert_int_equal(bind(v->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(v->lfd, 4), 0);
	assert_int_equal(getsockname(v->lfd, (struct sockaddr *)&a, &al), 0);
	v->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(t, NULL, serve, v), 0);
}

#define STREAM_HEAD                                                                                \
	"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"

static void test_reader_resumes(void **state)
{
	struct srv v = {.n = 2,
			.answers = {STREAM_HEAD "retry: 40\n\nid: 7\ndata: {\"n\":1}\n\n"
						"id: 8\ndata: {\"n\":2}\n\n",
				    STREAM_HEAD "id: 9\ndata: {\"n\":3}\n\n"}};
	struct nc_sse_opts o = {.reconnect = true, .reconnect_ms = 10};
	struct nc_client *c = NULL;
	struct nc_errinfo ei = {0};
	struct nc_sse *s = NULL;
	struct seen seen = {0};
	char url[64];
	pthread_t t;

	srv_start(&v, &t);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", v.port);
	assert_int_equal(nc_client_new(url, "nct_test", "acme", &c, &ei), 0);
	assert_int_equal(nc_sse_open(c, "/v1/events?type=confirm", NULL, &o, &s), 0);
	for (int i = 0; i < 100 && seen.n < 3; i++)
		assert_int_equal(nc_sse_poll(s, 50, collect, &seen, &ei), 0);
	pthread_join(t, NULL);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.data[2], "{\"n\":3}");
	assert_string_equal(nc_sse_last_id(s), "9");
	assert_int_equal(nc_sse_opens(s), 2);
	/* The first request: path, tenant, token, no resume point. */
	assert_non_null(strstr(v.headers[0], "GET /v1/events?type=confirm&tenant=acme HTTP/1.1"));
	assert_non_null(strstr(v.headers[0], "Authorization: Bearer nct_test"));
	assert_non_null(strstr(v.headers[0], "Accept: text/event-stream"));
	assert_null(strstr(v.headers[0], "Last-Event-ID"));
	/* The second resumes after the last id received. */
	assert_non_null(strstr(v.headers[1], "Last-Event-ID: 8\r\n"));
	nc_sse_free(s);
	nc_client_free(c);
	close(v.lfd);
}

static void test_reader_refusals(void **state)
{
	struct srv v = {
		.n = 1,
		.answers = {"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
			    "Connection: close\r\n\r\n{\"error\":{\"code\":\"unauthorized\","
			    "\"message\":\"the token is revoked\"}}"}};
	struct nc_sse_opts o = {.reconnect = true};
	struct seen seen = {0};
	struct nc_client *c = NULL;
	struct nc_errinfo ei = {0};
	struct nc_sse *s = NULL;
	char url[64];
	pthread_t t;
	int ret = 0;

	srv_start(&v, &t);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", v.port);
	assert_int_equal(nc_client_new(url, "nct_x", NULL, &c, &ei), 0);
	assert_int_equal(nc_sse_open(c, "/v1/events", "41", &o, &s), 0);
	for (int i = 0; i < 100 && ret == 0; i++)
		ret = nc_sse_poll(s, 50, collect, &seen, &ei);
	pthread_join(t, NULL);
	/* A refusal is returned at once, never retried; a resume point is sent. */
	assert_int_equal(ret, NC_ERR_UNAUTH);
	assert_non_null(strstr(ei.msg, "the token is revoked"));
	assert_non_null(strstr(v.headers[0], "Last-Event-ID: 41\r\n"));
	nc_sse_free(s);
	close(v.lfd);

	/* Nothing listens: unreachable before the first open. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", v.port);
	nc_client_free(c);
	assert_int_equal(nc_client_new(url, NULL, NULL, &c, &ei), 0);
	assert_int_equal(nc_sse_open(c, "/v1/events", NULL, &o, &s), 0);
	ret = 0;
	for (int i = 0; i < 100 && ret == 0; i++)
		ret = nc_sse_poll(s, 50, collect, &seen, &ei);
	assert_int_equal(ret, NC_ERR_UNREACHABLE);
	assert_non_null(strstr(ei.msg, "cannot reach"));
	nc_sse_free(s);
	nc_client_free(c);
	nc_sse_free(NULL);
}

FX_MAIN_GROUP("sse", NULL, NULL, cmocka_unit_test(test_server_stream),
	      cmocka_unit_test(test_line_endings),
	      cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
	      cmocka_unit_test_setup_teardown(test_no_dispatch_without_blank_line, setup, teardown),
	      cmocka_unit_test_setup_teardown(test_bom, setup, teardown),
	      cmocka_unit_test_setup_teardown(test_id_rules, setup, teardown),
	      cmocka_unit_test_setup_teardown(test_callback_stops, setup, teardown),
	      cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
	      cmocka_unit_test(test_reader_resumes), cmocka_unit_test(test_reader_refusals))
