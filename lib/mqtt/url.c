/* SPDX-License-Identifier: MIT */
/* Broker URLs: which scheme, and what of one a log may show. */
#include "mqtt.h"

#include <string.h>

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int nc_mqtt_url_scheme(const char *url)
{
	static const char *const plain[] = {"tcp://", "mqtt://"};
	static const char *const tls[] = {"ssl://", "mqtts://"};

	for (size_t i = 0; url && i < 2; i++) {
		if (has_prefix(url, plain[i]) && url[strlen(plain[i])] != '\0')
			return 0;
		if (has_prefix(url, tls[i]) && url[strlen(tls[i])] != '\0')
			return 1;
	}
	return -1;
}

bool nc_mqtt_url_tls(const char *url)
{
	return nc_mqtt_url_scheme(url) == 1;
}

const char *nc_mqtt_url_for_log(const char *url)
{
	const char *host = strstr(url, "://");
	const char *at = strchr(host ? host + 3 : url, '@');

	return at ? at + 1 : url;
}
