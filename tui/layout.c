/* SPDX-License-Identifier: MIT */
/*
 * The layout of the screen that needs no curses: the widths of a table's
 * columns for the rows shown, and text for terminals without UTF-8.
 */
#include "tui.h"

#include <string.h>

#include "../cli/output.h"

/* s with every character outside ASCII as one ASCII character, for
 * terminals whose locale is not UTF-8: the columns stay the same. */
void tui_ascii(const char *s, char *out, size_t n)
{
	static const struct {
		const char *utf8;
		char c;
	} map[] = {
		{"\xe2\x9c\x93", 'v'}, {"\xe2\x9c\x97", 'x'}, {"\xe2\x86\x92", '>'},
		{"\xe2\x86\x94", '='}, {"\xe2\x80\xa6", '~'}, {"\xe2\x97\x8f", '*'},
		{"\xe2\x94\x82", '|'}, {"\xe2\x86\x91", '^'}, {"\xe2\x86\x93", 'v'},
	};
	size_t len = 0;

	while (*s && len + 1 < n) {
		unsigned char c = (unsigned char)*s;
		size_t k = 1;

		if (c < 0x80) {
			out[len++] = *s++;
			continue;
		}
		out[len] = '?';
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (strncmp(s, map[i].utf8, strlen(map[i].utf8)) == 0)
				out[len] = map[i].c;
		}
		len++;
		while ((((unsigned char)s[k]) & 0xc0) == 0x80)
			k++;
		s += k;
	}
	out[len] = '\0';
}

/* The widths of the columns for the rows on the screen. */
void tui_widths(const struct tui *t, const struct tui_col *cols, char (*heads)[64], size_t ncols,
		const struct tui_row *rows, size_t nrows, size_t *w)
{
	size_t want[TUI_MAXCOLS] = {0}, minw[TUI_MAXCOLS] = {0}, total = 0;
	size_t avail = (size_t)t->cols - 2;

	for (size_t c = 0; c < ncols; c++) {
		want[c] = cli_out_width(heads[c]);
		for (size_t r = 0; r < nrows; r++) {
			size_t cw = rows[r].span ? 0 : cli_out_width(rows[r].cell[c]);

			want[c] = cw > want[c] ? cw : want[c];
		}
		minw[c] = want[c] < 6 ? want[c] : 6;
	}
	cli_out_fit(want, minw, ncols, avail, TUI_GAP, w);
	for (size_t c = 0; c < ncols; c++)
		total += w[c] + (c ? TUI_GAP : 0);
	/* The flexible column takes what is left. */
	for (size_t c = 0; c < ncols && total < avail; c++) {
		if (cols[c].flex) {
			w[c] += avail - total;
			break;
		}
	}
}
