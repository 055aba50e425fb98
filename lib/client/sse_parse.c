/* SPDX-License-Identifier: MIT */
/* The SSE byte-stream parser (WHATWG "event stream interpretation"); no I/O. */
#include "sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/xmalloc.h"

static const unsigned char bom_bytes[3] = {0xef, 0xbb, 0xbf};

void nc_sse_parser_init(struct nc_sse_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->retry_ms = -1;
}

void nc_sse_parser_clear(struct nc_sse_parser *p)
{
	if (!p)
		return;
	free(p->line);
	free(p->data);
	nc_sse_parser_init(p);
}

/* Appends n bytes to a growing buffer, keeping a NUL after them; false past the cap. */
static bool grow_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n > NC_SSE_LINE_MAX)
		return false;
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 256;

		while (c < *len + n + 1)
			c *= 2;
		*buf = nc_xrealloc(*buf, c);
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

static int dispatch(struct nc_sse_parser *p, nc_sse_cb cb, void *arg)
{
	struct nc_sse_event ev;
	int ret;

	if (!p->has_data) {
		p->type[0] = '\0';
		p->id_set = false;
		return 0;
	}
	if (p->dlen > 0 && p->data[p->dlen - 1] == '\n')
		p->data[--p->dlen] = '\0';
	ev.id = p->last_id;
	ev.has_id = p->id_set;
	ev.type = p->type[0] ? p->type : "message";
	ev.data = p->data ? p->data : "";
	ev.len = p->dlen;
	ret = cb ? cb(arg, &ev) : 0;
	p->dlen = 0;
	if (p->data)
		p->data[0] = '\0';
	p->has_data = false;
	p->type[0] = '\0';
	p->id_set = false;
	return ret;
}

/* Whether s[0..n) is one or more ASCII digits. */
static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* Interprets the complete line in p->line[0..p->len). */
static int line_end(struct nc_sse_parser *p, nc_sse_cb cb, void *arg)
{
	const char *line = p->line, *colon, *val;
	size_t flen, vlen;
	int ret = 0;

	if (p->len == 0)
		return dispatch(p, cb, arg);
	if (line[0] == ':') {
		p->comments++;
		goto out;
	}
	colon = memchr(line, ':', p->len);
	flen = colon ? (size_t)(colon - line) : p->len;
	val = colon ? colon + 1 : line + p->len;
	vlen = p->len - (size_t)(val - line);
	if (vlen > 0 && *val == ' ') {
		val++;
		vlen--;
	}
	if (flen == 4 && memcmp(line, "data", 4) == 0) {
		if (!grow_append(&p->data, &p->dlen, &p->dcap, val, vlen) ||
		    !grow_append(&p->data, &p->dlen, &p->dcap, "\n", 1)) {
			ret = NC_ERR_TOOBIG;
			goto out;
		}
		p->has_data = true;
	} else if (flen == 5 && memcmp(line, "event", 5) == 0) {
		snprintf(p->type, sizeof(p->type), "%.*s", (int)vlen, val);
	} else if (flen == 2 && memcmp(line, "id", 2) == 0) {
		/* An id holding NUL is ignored, as the rules say; so is one too
		 * long to send back. */
		if (!memchr(val, '\0', vlen) && vlen < sizeof(p->last_id)) {
			memcpy(p->last_id, val, vlen);
			p->last_id[vlen] = '\0';
			p->id_set = true;
		}
	} else if (flen == 5 && memcmp(line, "retry", 5) == 0) {
		if (all_digits(val, vlen) && vlen < 10)
			p->retry_ms = strtol(val, NULL, 10);
	}
out:
	p->len = 0;
	return ret;
}

int nc_sse_parser_feed(struct nc_sse_parser *p, const char *buf, size_t len, nc_sse_cb cb,
		       void *arg)
{
	int ret = 0;

	for (size_t i = 0; i < len && ret == 0; i++) {
		char c = buf[i];

		if (p->bom < 3) {
			if ((unsigned char)c == bom_bytes[p->bom]) {
				p->bom++;
				continue;
			}
			/* Not a BOM after all: the bytes matched so far are text. */
			if (!grow_append(&p->line, &p->len, &p->cap, (const char *)bom_bytes,
					 p->bom)) {
				ret = NC_ERR_TOOBIG;
				break;
			}
			p->bom = 3;
		}
		if (p->cr && c == '\n') {
			p->cr = false;
			continue;
		}
		p->cr = c == '\r';
		if (c == '\r' || c == '\n') {
			ret = line_end(p, cb, arg);
			continue;
		}
		if (!grow_append(&p->line, &p->len, &p->cap, &c, 1))
			ret = NC_ERR_TOOBIG;
	}
	return ret;
}
