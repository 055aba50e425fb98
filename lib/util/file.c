/* SPDX-License-Identifier: MIT */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

/* fsync of the directory that holds path, so that a rename survives a power cut. */
static int sync_dir_of(const char *path)
{
	char dir[4096];
	char *slash;
	int fd, ret = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		ret = NC_ERR_IO;
	if (fd >= 0)
		close(fd);
	return ret;
}

int nc_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct nc_errinfo *ei)
{
	const char *p = data;
	char tmp[4096];
	size_t done = 0;
	int fd, ret = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return nc_fail(ei, NC_ERR_IO, NULL, "path too long: `%.200s'", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return nc_fail(ei, NC_ERR_IO, NULL, "cannot write `%s': %s", path, strerror(errno));
	if (fchmod(fd, mode) < 0)
		ret = NC_ERR_IO;
	while (ret == 0 && done < len) {
		ssize_t w = write(fd, p + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			ret = NC_ERR_IO;
		else
			done += (size_t)w;
	}
	if (ret == 0 && fsync(fd) < 0)
		ret = NC_ERR_IO;
	if (close(fd) < 0 && ret == 0)
		ret = NC_ERR_IO;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = NC_ERR_IO;
	if (ret == 0)
		ret = sync_dir_of(path);
	if (ret < 0) {
		nc_fail(ei, ret, NULL, "cannot write `%s': %s", path, strerror(errno));
		unlink(tmp);
	}
	return ret;
}

int nc_file_read(const char *path, size_t max, char **data, size_t *len, struct nc_errinfo *ei)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int ret = 0;

	*data = NULL;
	if (!f)
		return nc_fail(ei, errno == ENOENT ? NC_ERR_NOTFOUND : NC_ERR_IO, NULL,
			       "cannot read `%s': %s", path, strerror(errno));
	buf = malloc(max + 2);
	if (!buf) {
		ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "out of memory reading `%s'", path);
		goto out;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot read `%s': %s", path, strerror(errno));
	else if (n > max)
		ret = nc_fail(ei, NC_ERR_TOOBIG, NULL, "`%s' is larger than %zu bytes", path, max);
	if (ret < 0)
		goto out;
	buf[n] = '\0';
	*data = buf;
	buf = NULL;
	if (len)
		*len = n;
out:
	free(buf);
	fclose(f);
	return ret;
}

int nc_file_mkdir(const char *dir, mode_t mode, struct nc_errinfo *ei)
{
	struct stat st;

	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return nc_fail(ei, NC_ERR_IO, NULL, "cannot create `%s': %s", dir, strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return nc_fail(ei, NC_ERR_IO, NULL, "`%s' is not a directory", dir);
	return 0;
}
