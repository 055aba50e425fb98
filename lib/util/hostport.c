/* SPDX-License-Identifier: MIT */
#include "hostport.h"

#include <string.h>

#include "err.h"

int nc_hostport_split(const char *s, char *host, size_t hostsz, uint16_t *port, int allow_zero)
{
	const char *colon, *h = s, *p;
	size_t hl;
	unsigned long v = 0;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return NC_ERR_INVAL;
		h = s + 1;
		hl = (size_t)(close - h);
		p = close + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return NC_ERR_INVAL;
		hl = (size_t)(colon - s);
		p = colon + 1;
	}
	if (hl == 0 || hl >= hostsz || *p == '\0' || strlen(p) > 5 || (p[0] == '0' && p[1]))
		return NC_ERR_INVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return NC_ERR_INVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535 || (v == 0 && !allow_zero))
		return NC_ERR_INVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)v;
	return 0;
}
