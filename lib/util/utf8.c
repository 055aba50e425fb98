/* SPDX-License-Identifier: MIT */
#include "utf8.h"

#include <stdio.h>
#include <string.h>

#include "count.h"

/* The well-formed sequences by lead byte (Unicode, table 3-7): their length
 * and the range of the second byte, which keeps out overlong forms,
 * surrogates and values above U+10FFFF. */
static const struct lead {
	unsigned char first, last; /* the lead bytes of the row */
	unsigned char len, lo, hi; /* bytes in all; the second byte's range */
} leads[] = {
	{0xc2, 0xdf, 2, 0x80, 0xbf}, {0xe0, 0xe0, 3, 0xa0, 0xbf}, {0xe1, 0xec, 3, 0x80, 0xbf},
	{0xed, 0xed, 3, 0x80, 0x9f}, {0xee, 0xef, 3, 0x80, 0xbf}, {0xf0, 0xf0, 4, 0x90, 0xbf},
	{0xf1, 0xf3, 4, 0x80, 0xbf}, {0xf4, 0xf4, 4, 0x80, 0x8f},
};

size_t nc_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	const struct lead *l = NULL;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	for (size_t i = 0; i < NC_COUNT(leads) && !l; i++) {
		if (s[0] >= leads[i].first && s[0] <= leads[i].last)
			l = &leads[i];
	}
	if (!l || n < l->len || s[1] < l->lo || s[1] > l->hi)
		return 0;
	*cp = s[0] & (0x7fu >> l->len);
	for (size_t i = 1; i < l->len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return l->len;
}

bool nc_utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
	       cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t nc_utf8_trim(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t back, need;

	/* A sequence is at most 4 bytes: look at most 3 continuations back. */
	for (back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = u[len - back];

		if ((c & 0xc0) == 0x80)
			continue;
		if ((c & 0xe0) == 0xc0)
			need = 2;
		else if ((c & 0xf0) == 0xe0)
			need = 3;
		else if ((c & 0xf8) == 0xf0)
			need = 4;
		else
			need = 1;
		return need > back ? len - back : len;
	}
	return len;
}

const char *nc_quote(char buf[NC_QUOTE_BUF], const char *s, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strnlen(s, cap), i = 0, o = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = nc_utf8_next(u + i, n - i, &cp);
		char piece[16];
		size_t plen;

		if (len > 0 && cp == '\\') {
			memcpy(piece, "\\\\", 2);
			plen = 2;
		} else if (len > 0 && !nc_utf8_is_control(cp)) {
			memcpy(piece, u + i, len);
			plen = len;
		} else {
			/* One escaped byte at a time: a bad sequence may hide a good one. */
			len = 1;
			snprintf(piece, sizeof(piece), "\\x%02x", u[i]);
			plen = 4;
		}
		if (o + plen > NC_QUOTE_KEEP)
			break;
		memcpy(buf + o, piece, plen);
		o += plen;
		i += len;
	}
	if (i < n || n == cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}
