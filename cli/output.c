/* SPDX-License-Identifier: MIT */
/* The one printer: text tables, object views, JSON and keys from the same calls. */
#include "output.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../lib/util/timefmt.h"
#include "../lib/util/utf8.h"
#include "../lib/util/xmalloc.h"
#include "cmd.h"
#include "output_impl.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

bool cli_out_color_wanted(bool tty, const char *no_color, bool no_color_flag)
{
	return tty && !(no_color && *no_color) && !no_color_flag;
}

const char *cli_out_state_color(const char *state)
{
	static const struct {
		const char *word, *seq;
	} map[] = {
		{"pending", "\033[33m"},  {"pending_approval", "\033[33m"},
		{"failed", "\033[31m"},	  {"offline", "\033[31m"},
		{"down", "\033[31m"},	  {"synced", "\033[32m"},
		{"active", "\033[32m"},	  {"up", "\033[32m"},
		{"SA: Down", "\033[31m"}, {"SA: Established", "\033[32m"},
	};

	for (size_t i = 0; state && i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(state, map[i].word) == 0)
			return map[i].seq;
	}
	return NULL;
}

/* Length of the next printable unit at s: a code point, or one bad byte (*bad set). */
static size_t next_unit(const char *s, bool *bad)
{
	uint32_t cp;
	size_t len = nc_utf8_next((const unsigned char *)s, strnlen(s, 4), &cp);

	*bad = len == 0 || nc_utf8_is_control(cp);
	return len == 0 ? 1 : len;
}

size_t cli_out_width(const char *s)
{
	size_t cols = 0;
	bool bad;

	while (*s) {
		s += next_unit(s, &bad);
		cols++;
	}
	return cols;
}

void cli_out_truncate(const char *s, size_t cols, char *buf, size_t n)
{
	size_t len = 0, used = 0, keep = cols;
	bool cut = cols > 0 && cli_out_width(s) > cols;
	bool bad;

	if (n == 0)
		return;
	if (cut)
		keep = cols - 1;
	while (*s && (!cut || used < keep)) {
		size_t u = next_unit(s, &bad);
		size_t need = bad ? 1 : u;

		if (len + need + sizeof(ELLIPSIS) > n)
			break;
		if (bad)
			buf[len] = '?';
		else
			memcpy(buf + len, s, u);
		len += need;
		s += u;
		used++;
	}
	if (cut) {
		memcpy(buf + len, ELLIPSIS, sizeof(ELLIPSIS) - 1);
		len += sizeof(ELLIPSIS) - 1;
	}
	buf[len] = '\0';
}

void cli_out_fit(const size_t *want, const size_t *minw, size_t ncols, size_t width, size_t gap,
		 size_t *out)
{
	size_t total = ncols > 0 ? gap * (ncols - 1) : 0;

	for (size_t i = 0; i < ncols; i++) {
		out[i] = want[i];
		total += want[i];
	}
	while (total > width) {
		size_t best = ncols;

		for (size_t i = 0; i < ncols; i++) {
			size_t floor = minw[i] < want[i] ? minw[i] : want[i];

			if (out[i] > floor && (best == ncols || out[i] > out[best]))
				best = i;
		}
		if (best == ncols) {
			memcpy(out, want, ncols * sizeof(*out));
			break;
		}
		out[best]--;
		total--;
	}
}

int cli_out_term_width(int fd)
{
	struct winsize ws;

	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

const json_t *cli_out_lookup(const json_t *obj, const char *path)
{
	char part[64];

	while (obj && *path) {
		size_t len = strcspn(path, ".");

		snprintf(part, sizeof(part), "%.*s", (int)len, path);
		obj = json_object_get(obj, part);
		path += len;
		if (*path == '.')
			path++;
	}
	return obj;
}

/* A scalar as text; "-" for null, "" and what has no text. */
static void scalar(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v) && json_string_length(v) > 0)
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "yes" : "no");
	else
		snprintf(buf, n, "-");
}

void cli_out_cell(const json_t *obj, const struct cli_col *col, int64_t now, char *buf, size_t n)
{
	const json_t *v = cli_out_lookup(obj, col->key);
	int64_t t;

	if (col->fmt) {
		col->fmt(v, buf, n);
	} else if ((col->flags & NC_COL_TIME) && (!v || json_is_null(v))) {
		snprintf(buf, n, "never");
	} else if ((col->flags & NC_COL_TIME) && json_is_string(v) &&
		   nc_time_parse_iso(json_string_value(v), &t) == 0) {
		nc_time_ago(t, now, buf, n);
	} else if ((col->flags & NC_COL_SHORT) && json_is_string(v) &&
		   cli_out_width(json_string_value(v)) > 9) {
		cli_out_truncate(json_string_value(v), 9, buf, n);
	} else if (json_is_array(v)) {
		size_t i, len = 0;
		const json_t *e;

		snprintf(buf, n, "-");
		json_array_foreach(v, i, e) {
			char one[256];

			scalar(e, one, sizeof(one));
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s",
						i ? ", " : "", one);
			if (len >= n)
				break;
		}
	} else if (json_is_object(v)) {
		char *s = json_dumps(v, JSON_COMPACT);

		snprintf(buf, n, "%s", s ? s : "-");
		free(s);
	} else {
		scalar(v, buf, n);
	}
}

void cli_out_json(struct cli_ctx *ctx, const json_t *v)
{
	size_t flags = JSON_ENCODE_ANY | (ctx->tty ? JSON_INDENT(2) : JSON_COMPACT);

	json_dumpf(v, ctx->out, flags);
	fputc('\n', ctx->out);
}

void cli_out_keys(struct cli_ctx *ctx, const json_t *obj, const char *keys)
{
	char path[64], cell[CELL_MAX];
	struct cli_col col = {.key = path};
	bool first = true;

	while (keys && *keys) {
		size_t len = strcspn(keys, " ");

		snprintf(path, sizeof(path), "%.*s", (int)len, keys);
		cli_out_cell(obj, &col, 0, cell, sizeof(cell));
		fprintf(ctx->out, "%s%s", first ? "" : " ", cell);
		first = false;
		keys += len;
		keys += strspn(keys, " ");
	}
	fputc('\n', ctx->out);
}

void cli_out_pad(FILE *f, const char *text, size_t cols, bool right, const char *seq, bool last)
{
	size_t w = cli_out_width(text), fill = cols > w ? cols - w : 0;

	if (right)
		fprintf(f, "%*s", (int)fill, "");
	fprintf(f, "%s%s%s", seq ? seq : "", text, seq ? RESET : "");
	if (!right && !last)
		fprintf(f, "%*s", (int)fill, "");
}

void cli_out_object(struct cli_ctx *ctx, const json_t *obj, const struct cli_col *fields,
		    size_t nfields, const char *keys)
{
	size_t lw = 0;
	int64_t now = nc_time_now();

	if (ctx->quiet) {
		cli_out_keys(ctx, obj, keys);
		return;
	}
	if (ctx->output == NC_OUT_JSON) {
		cli_out_json(ctx, obj);
		return;
	}
	for (size_t j = 0; j < nfields; j++) {
		size_t hw = cli_out_width(fields[j].header) + 1;

		if (hw > lw)
			lw = hw;
	}
	for (size_t j = 0; j < nfields; j++) {
		char buf[CELL_MAX], safe[CELL_MAX], label[96];
		const char *seq;

		cli_out_cell(obj, &fields[j], now, buf, sizeof(buf));
		cli_out_truncate(buf, 0, safe, sizeof(safe));
		seq = ctx->color && (fields[j].flags & NC_COL_STATE) ? cli_out_state_color(safe)
								     : NULL;
		snprintf(label, sizeof(label), "%s:", fields[j].header);
		cli_out_pad(ctx->out, label, lw + 1, false, NULL, false);
		cli_out_pad(ctx->out, safe, 0, false, seq, true);
		fputc('\n', ctx->out);
	}
}

/* fmt with ap and a newline to f. */
__attribute__((format(printf, 2, 0))) static void vline(FILE *f, const char *fmt, va_list ap)
{
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void cli_out_done(struct cli_ctx *ctx, const json_t *reply, const char *quiet_key, const char *fmt,
		  ...)
{
	va_list ap;

	if (ctx->quiet) {
		if (quiet_key && reply)
			cli_out_keys(ctx, reply, quiet_key);
		return;
	}
	if (ctx->output == NC_OUT_JSON) {
		if (reply)
			cli_out_json(ctx, reply);
		return;
	}
	va_start(ap, fmt);
	vline(ctx->out, fmt, ap);
	va_end(ap);
}

void cli_out_heading(struct cli_ctx *ctx, const char *title)
{
	if (ctx->quiet || ctx->output == NC_OUT_JSON)
		return;
	fprintf(ctx->out, "\n%s%s:%s\n", ctx->color ? BOLD : "", title, ctx->color ? RESET : "");
}

void cli_out_text(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet || ctx->output == NC_OUT_JSON)
		return;
	va_start(ap, fmt);
	vline(ctx->out, fmt, ap);
	va_end(ap);
}

void cli_out_note(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet || ctx->output == NC_OUT_JSON)
		return;
	fflush(ctx->out);
	va_start(ap, fmt);
	vline(ctx->err, fmt, ap);
	va_end(ap);
}

void cli_out_info(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	fflush(ctx->out);
	va_start(ap, fmt);
	vline(ctx->err, fmt, ap);
	va_end(ap);
	fflush(ctx->err);
}

void cli_out_warn(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fflush(ctx->out);
	fprintf(ctx->err, "warning: ");
	va_start(ap, fmt);
	vline(ctx->err, fmt, ap);
	va_end(ap);
}

/* Whether a progress line is on the screen (one terminal, one line at a time). */
static bool progress_shown;

void cli_out_progress(struct cli_ctx *ctx, const char *fmt, ...)
{
	char line[512], cut[512];
	va_list ap;

	if (!ctx->tty || ctx->quiet || ctx->output == NC_OUT_JSON)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cli_out_truncate(line, ctx->width > 1 ? (size_t)ctx->width - 1 : 79, cut, sizeof(cut));
	fprintf(ctx->out, "\r%s\033[K", cut);
	fflush(ctx->out);
	progress_shown = true;
}

void cli_out_progress_end(struct cli_ctx *ctx)
{
	if (!progress_shown)
		return;
	fputs("\r\033[K", ctx->out);
	fflush(ctx->out);
	progress_shown = false;
}

void cli_out_line(struct cli_ctx *ctx, const char *text)
{
	if (ctx->output == NC_OUT_JSON)
		return;
	fputs(text, ctx->out);
	fputc('\n', ctx->out);
	fflush(ctx->out);
}

void cli_out_json_line(struct cli_ctx *ctx, const json_t *v)
{
	json_dumpf(v, ctx->out, JSON_ENCODE_ANY | JSON_COMPACT);
	fputc('\n', ctx->out);
	fflush(ctx->out);
}

void cli_out_isolated_text(char *buf, size_t n, const char *serial)
{
	snprintf(buf, n, "%s has no links: it is isolated (add a link or remove it)", serial);
}

void cli_out_no_endpoint_text(char *buf, size_t n, const char *a, const char *b)
{
	snprintf(buf, n,
		 "the link %s↔%s cannot come up: neither end has an endpoint to be "
		 "dialled at (set one on either: `netctl connector set SERIAL --endpoint "
		 "HOST:PORT`)",
		 a, b);
}

/* n bytes as "512 B", "1.5 KiB", "3.2 MiB", "7.0 GiB". */
void cli_out_bytes(int64_t v, char *buf, size_t n)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
	double x = (double)v;
	size_t u = 0;

	if (v < 1024) {
		snprintf(buf, n, "%lld B", (long long)v);
		return;
	}
	x /= 1024;
	while (x >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		x /= 1024;
		u++;
	}
	snprintf(buf, n, "%.1f %s", x, unit[u]);
}

void cli_out_link_status_text(const json_t *link, char *buf, size_t n)
{
	const char *sa = json_string_value(json_object_get(link, "sa"));
	const char *st = json_string_value(json_object_get(link, "status"));

	if (sa && strcmp(sa, "established") == 0)
		snprintf(buf, n, "SA: Established");
	else if (sa && strcmp(sa, "down") == 0)
		snprintf(buf, n, "SA: Down");
	else
		snprintf(buf, n, "%s", sa ? sa : st ? st : "-");
}

void cli_out_tunnel_text(const json_t *link, int64_t now, char *buf, size_t n)
{
	const char *sa = json_string_value(json_object_get(link, "sa"));
	const json_t *hs = json_object_get(link, "latest_handshake");
	const json_t *rx = json_object_get(link, "rx_bytes"),
		     *tx = json_object_get(link, "tx_bytes");
	char ago[32], b[32];
	size_t len = 0;

	snprintf(buf, n, "-");
	if (sa)
		return;
	if (json_is_integer(hs)) {
		if (json_integer_value(hs) == 0)
			snprintf(ago, sizeof(ago), "never");
		else
			nc_time_ago(json_integer_value(hs), now, ago, sizeof(ago));
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "handshake %s", ago);
	}
	if (json_is_integer(rx) && len < n) {
		cli_out_bytes(json_integer_value(rx), b, sizeof(b));
		len += (size_t)snprintf(buf + len, n - len, "%srx %s", len ? ", " : "", b);
	}
	if (json_is_integer(tx) && len < n) {
		cli_out_bytes(json_integer_value(tx), b, sizeof(b));
		snprintf(buf + len, n - len, "%stx %s", len ? ", " : "", b);
	}
}
