/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_OUTPUT_H
#define NC_CLI_OUTPUT_H

/*
 * The one printer. Every command prints through it, and the same call
 * writes a table, a wide table, the server's JSON or only keys, by
 * ctx->output and ctx->quiet (iproute2's PRINT_ANY idea; the JSON shapes
 * are documented in docs/cli-json.md):
 *
 *   call           -o table / wide             -o json            -q
 *   cli_out_list    table fitted to the width   {"items":[...],..} one key per line
 *   cli_out_object  "Label:  value" lines       the object         its key
 *   cli_out_done    one line saying what was    the reply, if any  nothing
 *                  done
 *
 * Relative times ("5m ago") and colour appear only in tables; JSON holds
 * the exact ISO times. Colour is used when ctx->color is set (see
 * cli_out_color_wanted); cells are cut with "…" only when ctx->tty is set.
 * Errors do not go through here but through cli_error().
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_ctx;

/* Column flags. */
#define NC_COL_WIDE  0x01 /* only with -o wide (and in cli_out_object) */
#define NC_COL_TIME  0x02 /* an ISO time shown relative; null is "never" */
#define NC_COL_STATE 0x04 /* a status or state, coloured by its value */
#define NC_COL_NUM   0x08 /* right-aligned */
#define NC_COL_SHORT 0x10 /* a long key, shown as its first 8 characters and "…" */

/*
 * A column of a table, or a line of an object. key is a member path with
 * dots ("sync.state"); fmt, when not NULL, renders the value (NULL when
 * absent) into buf[n] instead of the default: strings as they are, numbers,
 * true/false as yes/no, arrays of scalars joined with ", ", null and ""
 * as "-".
 */
struct cli_col {
	const char *header;
	const char *key;
	unsigned flags;
	void (*fmt)(const json_t *v, char *buf, size_t n);
};

/* Prints a list {"items":[...],"next_cursor":...} (borrowed), its items in
 * the order of ctx->sort_by when set. keys: the member paths, separated by
 * spaces, that -q prints for each item. 0, or NC_ERR_USAGE after reporting
 * a --sort-by field that no item has (the list is then printed as it is:
 * what a write command did is never hidden). */
int cli_out_list(struct cli_ctx *ctx, const json_t *list, const struct cli_col *cols, size_t ncols,
		 const char *keys);

/*
 * The same, page by page, for a list too long to hold (--all of many
 * pages): begin, then cli_out_list_page with each page's items (borrowed;
 * its signature is nc_client_page_fn), then cli_out_list_end with the
 * cursor after the last page (NULL at the end), which frees lo. The output
 * is the same as cli_out_list's of all the pages at once, except that a
 * table's columns are sized by the rows seen so far. On a failure between
 * pages call cli_out_list_free instead of _end: JSON output then stays
 * unterminated, so that no reader takes a part for the whole list.
 */
struct cli_list_out;
struct cli_list_out *cli_out_list_begin(struct cli_ctx *ctx, const struct cli_col *cols,
					size_t ncols, const char *keys);
int cli_out_list_page(const json_t *items, void *lo);
void cli_out_list_end(struct cli_list_out *lo, const char *next_cursor);
void cli_out_list_free(struct cli_list_out *lo);

/* Prints items (an array, borrowed) as a table in text modes only: for
 * parts of a larger text view (peering show's links). */
void cli_out_table(struct cli_ctx *ctx, const json_t *items, const struct cli_col *cols,
		   size_t ncols);

/* Prints one object (borrowed): fields as "Label:  value" lines, JSON as
 * the object, -q as the members named by keys. */
void cli_out_object(struct cli_ctx *ctx, const json_t *obj, const struct cli_col *fields,
		    size_t nfields, const char *keys);

/*
 * Reports a write: the formatted sentence in text modes, reply (borrowed,
 * may be NULL) in JSON, nothing with -q except the member `quiet_key` of
 * reply when quiet_key is not NULL (a secret shown once, such as a new
 * token).
 */
void cli_out_done(struct cli_ctx *ctx, const json_t *reply, const char *quiet_key, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));

/* A heading before a part of a text view ("Links:"), in text modes only. */
void cli_out_heading(struct cli_ctx *ctx, const char *title);

/* A line of text, in text modes only and not with -q. */
void cli_out_text(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A remark for people on ctx->err ("more connectors: pass --all"), in text
 * modes only and not with -q. */
void cli_out_note(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A remark on ctx->err in every mode but -q: for streams whose stdout is
 * JSON and whose state people still want to see ("following ..."). */
void cli_out_info(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "warning: ..." on ctx->err, in every mode (JSON output stays clean). */
void cli_out_warn(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A status line redrawn in place ("[####....] 12/50 synced  3.2s"): only
 * when ctx->out is a terminal, in text modes and not with -q; the next
 * call overwrites it. cli_out_progress_end erases it before other output.
 */
void cli_out_progress(struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_out_progress_end(struct cli_ctx *ctx);

/* A line of a stream (tail) in text modes, -q included. */
void cli_out_line(struct cli_ctx *ctx, const char *text);

/* v (borrowed) as one compact JSON line, flushed: streams print one per event. */
void cli_out_json_line(struct cli_ctx *ctx, const json_t *v);

/* v (borrowed) as one JSON document: indented on a terminal, compact otherwise. */
void cli_out_json(struct cli_ctx *ctx, const json_t *v);

/* Pure parts, exported for the unit tests. */

/* Whether to colour: stdout is a terminal, NO_COLOR (its value, NULL when
 * unset) is unset or empty, and --no-color was not given. */
bool cli_out_color_wanted(bool tty, const char *no_color, bool no_color_flag);

/* The ANSI colour sequence for a state word, or NULL for none:
 * pending, pending_approval yellow; failed, offline, down red; synced,
 * active, up green. */
const char *cli_out_state_color(const char *state);

/* Terminal columns of a UTF-8 string (one per code point; controls and
 * malformed bytes count one each, as they are printed as '?'). */
size_t cli_out_width(const char *s);

/*
 * Copies s into buf[n] keeping at most cols terminal columns: a longer
 * value is cut on a character boundary and ends with "…". Controls and
 * malformed bytes become '?'. cols 0 means no limit.
 */
void cli_out_truncate(const char *s, size_t cols, char *buf, size_t n);

/*
 * Fits ncols columns of natural widths want[] (header included) into width
 * terminal columns with gap columns between them: out[] gets want[] when
 * they fit; otherwise the widest columns give up columns first, none
 * going below minw[i] (or its natural width if smaller). When even the
 * minimums do not fit, out[] is want[]: cut cells would lose their values
 * and the lines would wrap all the same.
 */
void cli_out_fit(const size_t *want, const size_t *minw, size_t ncols, size_t width, size_t gap,
		 size_t *out);

/* The text of a cell (see struct cli_col) of obj at time now (Unix s). */
void cli_out_cell(const json_t *obj, const struct cli_col *col, int64_t now, char *buf, size_t n);

/* The columns of the terminal on fd, or 80 when it is not one. */
int cli_out_term_width(int fd);

/*
 * The warnings of a peering group, worded once for `peering show', `link'
 * and the dashboard (without the "warning: " they are printed after): a
 * member without links, and a link that neither end can be dialled at
 * (its "warning" is "no_endpoint"). Into buf[n], cut to fit.
 */
void cli_out_isolated_text(char *buf, size_t n, const char *serial);
void cli_out_no_endpoint_text(char *buf, size_t n, const char *a, const char *b);

/*
 * A link's state and what its ends reported (link, borrowed: a link object
 * of `peering show'), worded once for `link list', `peering show' and the
 * dashboard. status_text: "SA: Established" or "SA: Down" for an IPSec link
 * with an "sa" (the seed's Status column), else its "status". tunnel_text:
 * for WireGuard the last handshake's age at now (Unix s) and the rx/tx
 * bytes that were reported ("handshake 12s ago, rx 1.2 KiB, tx 640 B");
 * "-" when nothing was, and for IPSec.
 */
void cli_out_link_status_text(const json_t *link, char *buf, size_t n);
void cli_out_tunnel_text(const json_t *link, int64_t now, char *buf, size_t n);

/* A byte count for people: "512 B", "1.5 KiB", "3.2 MiB", up to TiB; into buf[n]. */
void cli_out_bytes(int64_t v, char *buf, size_t n);

#endif
