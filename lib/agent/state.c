/* SPDX-License-Identifier: MIT */
/*
 * The state dir of a real agent: private.key (0600) and public.key as
 * `wg genkey' / `wg pubkey' write them, and config.json (0600: IPSec
 * bodies hold keys), each written atomically: temp file, fsync, rename,
 * fsync of the directory. An MTGE keeps each tenant's config.json (and wg
 * configs) in tenants/TENANT/.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../model/validate.h"
#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/file.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"

#define STATE_FILE    "config.json"
#define STATE_MAX     (64 * 1024 * 1024)
#define STATE_VERSION 1

int nc_agent_state_dir(const char *dir, struct nc_errinfo *ei)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return nc_fail(ei, NC_ERR_IO, "state-dir", "cannot create state dir `%s': %s", dir,
			       strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return nc_fail(ei, NC_ERR_IO, "state-dir", "state dir `%s' is not a directory",
			       dir);
	if (access(dir, W_OK | X_OK) < 0)
		return nc_fail(ei, NC_ERR_IO, "state-dir", "state dir `%s' is not writable: %s",
			       dir, strerror(errno));
	return 0;
}

/* Reads at most max bytes of path into a new NUL-terminated buffer. ENOENT: NC_ERR_NOTFOUND. */
static int read_file(const char *path, size_t max, char **out, size_t *len, bool secret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	struct stat st;
	int ret = 0;

	*out = NULL;
	if (fd < 0)
		return errno == ENOENT ? NC_ERR_NOTFOUND : NC_ERR_IO;
	if (secret && fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		nc_warn("%s was readable by others: made it mode 0600", path);
		fchmod(fd, 0600);
	}
	buf = nc_xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 == cap) {
			if (cap > max) {
				ret = NC_ERR_TOOBIG;
				break;
			}
			cap *= 2;
			buf = nc_xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? NC_ERR_IO : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (ret < 0) {
		explicit_bzero(buf, cap);
		free(buf);
		return ret;
	}
	*out = buf;
	*len = n;
	return 0;
}

int nc_agent_keys_load(const char *dir, char priv[NC_KEY_B64_MAX], char pub[NC_KEY_B64_MAX],
		       bool *created, struct nc_errinfo *ei)
{
	char *path = nc_xasprintf("%s/private.key", dir);
	char *pubpath = nc_xasprintf("%s/public.key", dir), *text = NULL, *old_pub = NULL,
	     line[NC_KEY_B64_MAX + 1];
	size_t len = 0;
	int ret = read_file(path, 4096, &text, &len, true);

	*created = false;
	priv[0] = pub[0] = '\0';
	if (ret == NC_ERR_NOTFOUND) {
		ret = nc_crypto_x25519_keypair(priv, pub);
		if (ret == 0) {
			snprintf(line, sizeof(line), "%s\n", priv);
			ret = nc_file_write_atomic(path, line, strlen(line), 0600, ei);
		}
		*created = ret == 0;
	} else if (ret == 0) {
		len = strcspn(text, " \t\r\n");
		text[len] = '\0';
		ret = NC_ERR_INVAL;
		if (len + 1 <= NC_KEY_B64_MAX) {
			memcpy(priv, text, len + 1);
			ret = nc_crypto_x25519_public(priv, pub);
		}
		if (ret < 0)
			ret = nc_fail(
				ei, NC_ERR_INVAL, "state-dir",
				"%s does not hold a WireGuard private key (base64 of 32 bytes)",
				path);
	} else {
		ret = nc_fail(ei, ret, "state-dir", "cannot read %s: %s", path, strerror(errno));
	}
	if (ret < 0)
		goto out;
	/* public.key follows private.key: rewritten when it differs. */
	if (read_file(pubpath, 4096, &old_pub, &len, false) < 0 ||
	    strncmp(old_pub, pub, strlen(pub)) != 0) {
		snprintf(line, sizeof(line), "%s\n", pub);
		ret = nc_file_write_atomic(pubpath, line, strlen(line), 0644, ei);
	}
out:
	if (ret < 0) {
		explicit_bzero(priv, NC_KEY_B64_MAX);
		priv[0] = pub[0] = '\0';
	}
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	explicit_bzero(line, sizeof(line));
	free(old_pub);
	free(path);
	free(pubpath);
	return ret;
}

/* Why root (config.json) cannot be used, or NULL when it can. */
static const char *unusable(const json_t *root, const char *serial, const char *tenant,
			    const struct nc_agent_env *env, char *why, size_t n)
{
	const json_t *seq = json_object_get(root, "seq"),
		     *hash = json_object_get(root, "config_hash");
	const json_t *owned = json_object_get(root, "owned"), *body;
	const json_t *t = json_object_get(root, "tenant");
	struct nc_errinfo ei = {0};
	const char *kind;

	if (!json_is_object(root) ||
	    json_integer_value(json_object_get(root, "v")) != STATE_VERSION)
		return "not a netctl agent state of version 1";
	if (!json_is_string(json_object_get(root, "serial")) ||
	    strcmp(json_string_value(json_object_get(root, "serial")), serial) != 0)
		return "the state of another serial";
	/* The device's own state has no "tenant"; a tenant's has its id. */
	if ((t || tenant[0]) && (!json_is_string(t) || strcmp(json_string_value(t), tenant) != 0))
		return "the state of another tenant";
	if (!json_is_integer(seq) || json_integer_value(seq) < 0 || !json_is_string(hash) ||
	    json_string_length(hash) >= NC_HASH_HEX_MAX ||
	    !json_is_array(json_object_get(root, "commands")) || !json_is_object(owned))
		return "seq, config_hash, commands or owned missing or malformed";
	json_object_foreach((json_t *)owned, kind, body) {
		bool known = false;

		for (size_t i = 0; nc_agent_kinds[i]; i++)
			known = known || strcmp(nc_agent_kinds[i], kind) == 0;
		if (!known || nc_agent_validate(env, nc_agent_kind_topic(kind), body, &ei) < 0) {
			snprintf(why, n, "its %s state does not validate: %s", kind,
				 known ? ei.msg : "unknown kind");
			return why;
		}
	}
	return NULL;
}

int nc_agent_state_load(const char *dir, const struct nc_agent_env *env, const char *serial,
			struct agent_slot *s)
{
	char *path = nc_xasprintf("%s/%s", dir, STATE_FILE), *bad = NULL, *text = NULL;
	char why[300];
	const char *no;
	json_error_t jerr;
	json_t *root = NULL;
	size_t len = 0;
	int ret = read_file(path, STATE_MAX, &text, &len, true);

	if (ret == NC_ERR_NOTFOUND) {
		ret = 0;
		goto out;
	}
	if (ret < 0) {
		nc_warn("cannot read %s: %s; starting without a configuration", path,
			nc_strerror(ret));
		ret = 0;
		goto out;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	no = root ? unusable(root, serial, s->tenant, env, why, sizeof(why)) : "it is not JSON";
	if (no) {
		bad = nc_xasprintf("%s.bad", path);
		nc_warn("%s: %s; moved to %s, starting without a configuration", path, no, bad);
		rename(path, bad);
		goto out;
	}
	s->seq = json_integer_value(json_object_get(root, "seq"));
	snprintf(s->hash, sizeof(s->hash), "%s",
		 json_string_value(json_object_get(root, "config_hash")));
	json_decref(s->owned);
	json_decref(s->applied);
	s->owned = json_incref(json_object_get(root, "owned"));
	s->applied = json_incref(json_object_get(root, "commands"));
out:
	json_decref(root);
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
	free(bad);
	free(path);
	return ret;
}

int nc_agent_state_save(const char *dir, const char *serial, const struct agent_slot *s,
			struct nc_errinfo *ei)
{
	char *path = nc_xasprintf("%s/%s", dir, STATE_FILE), *text;
	json_t *cmds = s->applied ? json_incref(s->applied) : json_array();
	json_t *owned = s->owned ? json_incref(s->owned) : json_object();
	char now[NC_TIME_ISO_BUFSZ];
	json_t *root;
	int ret;

	nc_time_iso(time(NULL), now);
	/* Steals cmds and owned, also on failure. */
	root = json_pack("{s:i, s:s, s:I, s:s, s:s, s:o, s:o}", "v", STATE_VERSION, "serial",
			 serial, "seq", (json_int_t)s->seq, "config_hash", s->hash, "saved_at", now,
			 "commands", cmds, "owned", owned);
	if (root && s->tenant[0] &&
	    json_object_set_new(root, "tenant", json_string(s->tenant)) < 0) {
		json_decref(root);
		root = NULL;
	}
	text = root ? json_dumps(root, JSON_INDENT(1)) : NULL;
	if (!text) {
		ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "cannot encode %s", path);
		goto out;
	}
	ret = nc_file_write_atomic(path, text, strlen(text), 0600, ei);
	explicit_bzero(text, strlen(text));
	free(text);
out:
	json_decref(root);
	free(path);
	return ret;
}

size_t nc_agent_state_tenants(const char *dir, const struct nc_agent_env *env, struct agent_dev *d)
{
	char *root = nc_xasprintf("%s/tenants", dir), *path;
	struct dirent **names = NULL;
	struct agent_slot *s;
	size_t added = 0;
	int n = scandir(root, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *id = names[i]->d_name;
		bool known;

		path = nc_xasprintf("%s/%s/%s", root, id, STATE_FILE);
		known = nc_valid_id(id) && access(path, F_OK) == 0;
		free(path);
		s = known ? nc_agent_dev_tenant_add(d, id) : NULL;
		if (s) {
			path = nc_agent_tenant_dir(dir, id);
			nc_agent_state_load(path, env, d->serial, s);
			free(path);
			added++;
		}
		free(names[i]);
	}
	free(names);
	free(root);
	return added;
}
