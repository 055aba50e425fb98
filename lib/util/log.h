/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_LOG_H
#define NC_UTIL_LOG_H

/*
 * Logging to stderr: "2026-11-22T03:04:05.123Z serve warn: message".
 * Thread-safe; one line per call. Never pass a secret (token, key) in a
 * message: log its id instead.
 */
enum nc_log_level { NC_LOG_ERROR, NC_LOG_WARN, NC_LOG_INFO, NC_LOG_DEBUG };

/* The process role shown on each line ("serve", "agent"); borrowed, static. */
void nc_log_init(const char *role, enum nc_log_level level);
void nc_log_set_level(enum nc_log_level level);
enum nc_log_level nc_log_get_level(void);
/* "error", "warn", "info" or "debug" into *out; NC_ERR_INVAL otherwise. */
int nc_log_parse_level(const char *s, enum nc_log_level *out);

void nc_log(enum nc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define nc_err(...)   nc_log(NC_LOG_ERROR, __VA_ARGS__)
#define nc_warn(...)  nc_log(NC_LOG_WARN, __VA_ARGS__)
#define nc_info(...)  nc_log(NC_LOG_INFO, __VA_ARGS__)
#define nc_debug(...) nc_log(NC_LOG_DEBUG, __VA_ARGS__)

#endif
