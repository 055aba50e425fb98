/* SPDX-License-Identifier: MIT */
/* How fields read for people, for the CLI and the dashboard (present.h). */
#include "present.h"

#include <stdio.h>
#include <string.h>

void cli_present_count(long long v, char *buf, size_t n)
{
	char digits[32];
	size_t len, out = 0, lead;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	if (n == 0)
		return;
	len = (size_t)snprintf(digits, sizeof(digits), "%llu", u);
	lead = len % 3 ? len % 3 : 3;
	if (v < 0 && out + 1 < n)
		buf[out++] = '-';
	for (size_t i = 0; i < len && out + 1 < n; i++) {
		if (i && (i - lead) % 3 == 0 && i >= lead) {
			buf[out++] = ',';
			if (out + 1 >= n)
				break;
		}
		buf[out++] = digits[i];
	}
	buf[out] = '\0';
}

void cli_present_tunnel_index(long long index, char *buf, size_t n)
{
	snprintf(buf, n, "%lld (%s)", index, index == 0 ? "primary" : "secondary");
}

void cli_present_reason(const char *state, const char *fail, const char *dirty, char *buf, size_t n)
{
	const char *why = dirty;

	if (state && strcmp(state, "failed") == 0 && fail && *fail)
		why = fail;
	else if (state && strcmp(state, "synced") == 0)
		why = NULL;
	snprintf(buf, n, "%s", why && *why ? why : "-");
}
