/* SPDX-License-Identifier: MIT */
#include "utf8.h"

#include <stdio.h>
#include <string.h>

size_t nc_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* The lead byte fixes the length and narrows the second byte's range so
	 * that overlong forms, surrogates and values above U+10FFFF never pass. */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return len;
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
