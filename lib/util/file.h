/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_FILE_H
#define NC_UTIL_FILE_H

/* Whole files, read and written at once. */

#include <stddef.h>
#include <sys/types.h>

struct nc_errinfo;

/*
 * Writes len bytes of data to path with the given mode, atomically: a temp
 * file of its own beside it (PATH.XXXXXX), fsync, rename over path, fsync of the
 * directory. Readers see the old contents or the new, never a part. On
 * failure path is unchanged, the temp file removed, and ei names the file
 * (NC_ERR_IO).
 */
int nc_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct nc_errinfo *ei);

/*
 * Reads the whole of path (at most max bytes) into *data, heap and
 * NUL-terminated (free()), its length in *len (may be NULL). NC_ERR_NOTFOUND
 * when it does not exist, NC_ERR_TOOBIG over max, NC_ERR_IO otherwise; ei
 * names the file.
 */
int nc_file_read(const char *path, size_t max, char **data, size_t *len, struct nc_errinfo *ei);

/* Creates dir with mode unless it exists (an existing dir keeps its mode).
 * It must end up a directory: NC_ERR_IO otherwise, with ei. */
int nc_file_mkdir(const char *dir, mode_t mode, struct nc_errinfo *ei);

#endif
