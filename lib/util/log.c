/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"

static const char *log_role = "netctl";
static enum nc_log_level log_level = NC_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = {"error", "warn", "info", "debug"};

void nc_log_init(const char *role, enum nc_log_level level)
{
	log_role = role;
	log_level = level;
}

void nc_log_set_level(enum nc_log_level level)
{
	log_level = level;
}

enum nc_log_level nc_log_get_level(void)
{
	return log_level;
}

int nc_log_parse_level(const char *s, enum nc_log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum nc_log_level)i;
			return 0;
		}
	}
	return NC_ERR_INVAL;
}

void nc_log(enum nc_log_level level, const char *fmt, ...)
{
	char msg[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: %s\n", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
		log_role, level_names[level], msg);
	pthread_mutex_unlock(&log_lock);
}
