/* SPDX-License-Identifier: MIT */
/* The config file with named contexts, and the precedence of settings. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "cmd.h"

#define CONFIG_MAX ((size_t)1 << 20) /* bytes of config file read */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool cli_config_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= NC_CONTEXT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

struct cli_context *cli_config_find(struct cli_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->ctxs[i].name, name) == 0)
			return &cfg->ctxs[i];
	}
	return NULL;
}

struct cli_context *cli_config_add(struct cli_config *cfg, const char *name)
{
	struct cli_context *c = cli_config_find(cfg, name);

	if (c)
		return c;
	cfg->ctxs = nc_xrealloc(cfg->ctxs, (cfg->n + 1) * sizeof(*cfg->ctxs));
	c = &cfg->ctxs[cfg->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

void cli_config_free(struct cli_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->ctxs);
	memset(cfg, 0, sizeof(*cfg));
}

/* Stores value into dst[n]; NC_ERR_PARSE naming the line when it does not fit. */
static int store(char *dst, size_t n, const char *value, size_t len, int line,
		 struct nc_errinfo *ei)
{
	if (len >= n)
		return nc_fail(ei, NC_ERR_PARSE, NULL,
			       "line %d: the value is longer than %zu bytes", line, n - 1);
	memcpy(dst, value, len);
	dst[len] = '\0';
	return 0;
}

/* One "[...]" line (s[0..len), trimmed); *cur becomes the new context. */
static int parse_section(struct cli_config *cfg, const char *s, size_t len, int line,
			 struct cli_context **cur, struct nc_errinfo *ei)
{
	char name[NC_CONTEXT_NAME_MAX];
	const char *p = s + 1, *end = s + len - 1;

	if (len < 2 || s[len - 1] != ']' || (size_t)(end - p) < 8 ||
	    strncmp(p, "context", 7) != 0 || !is_space(p[7]))
		return nc_fail(ei, NC_ERR_PARSE, NULL,
			       "line %d: unknown section `%.*s'; sections are [context NAME]", line,
			       (int)len, s);
	p += 7;
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if ((size_t)(end - p) >= sizeof(name))
		return nc_fail(ei, NC_ERR_PARSE, NULL, "line %d: the context name is too long",
			       line);
	snprintf(name, sizeof(name), "%.*s", (int)(end - p), p);
	if (!cli_config_name_ok(name))
		return nc_fail(ei, NC_ERR_PARSE, NULL,
			       "line %d: context name `%s' is not letters, digits, '.', '_' or '-'",
			       line, name);
	if (cli_config_find(cfg, name))
		return nc_fail(ei, NC_ERR_PARSE, NULL, "line %d: context `%s' is defined twice",
			       line, name);
	*cur = cli_config_add(cfg, name);
	return 0;
}

/* One "key = value" line (s[0..len), trimmed) in context cur (NULL: the top). */
static int parse_pair(struct cli_config *cfg, struct cli_context *cur, const char *s, size_t len,
		      int line, struct nc_errinfo *ei)
{
	const char *eq = memchr(s, '=', len), *v;
	size_t klen, vlen;

	if (!eq)
		return nc_fail(ei, NC_ERR_PARSE, NULL,
			       "line %d: expected `key = value' or `[context NAME]'", line);
	klen = (size_t)(eq - s);
	while (klen > 0 && is_space(s[klen - 1]))
		klen--;
	v = eq + 1;
	while (v < s + len && is_space(*v))
		v++;
	vlen = (size_t)(s + len - v);
#define KEY(k) (klen == strlen(k) && strncmp(s, k, klen) == 0)
	if (!cur && KEY("current-context"))
		return store(cfg->current, sizeof(cfg->current), v, vlen, line, ei);
	if (cur && KEY("server"))
		return store(cur->server, sizeof(cur->server), v, vlen, line, ei);
	if (cur && KEY("token-file"))
		return store(cur->token_file, sizeof(cur->token_file), v, vlen, line, ei);
	if (cur && KEY("tenant"))
		return store(cur->tenant, sizeof(cur->tenant), v, vlen, line, ei);
#undef KEY
	if (!cur)
		return nc_fail(ei, NC_ERR_PARSE, NULL,
			       "line %d: unknown key `%.*s' before the first [context NAME]; only "
			       "current-context goes there",
			       line, (int)klen, s);
	return nc_fail(ei, NC_ERR_PARSE, NULL,
		       "line %d: unknown key `%.*s' in [context %s]; the keys are server, "
		       "token-file and tenant",
		       line, (int)klen, s, cur->name);
}

int cli_config_parse(const char *data, size_t len, struct cli_config *cfg, struct nc_errinfo *ei)
{
	struct cli_context *cur = NULL;
	size_t pos = 0;
	int line = 0, ret = 0;

	if (len > 0 && memchr(data, '\0', len))
		return nc_fail(ei, NC_ERR_PARSE, NULL, "the file holds a NUL byte: it is not text");
	while (pos < len && ret == 0) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - s) : len - pos;

		pos += ll + (nl ? 1 : 0);
		line++;
		while (ll > 0 && is_space(*s)) {
			s++;
			ll--;
		}
		while (ll > 0 && is_space(s[ll - 1]))
			ll--;
		if (ll == 0 || s[0] == '#' || s[0] == ';')
			continue;
		if (s[0] == '[')
			ret = parse_section(cfg, s, ll, line, &cur, ei);
		else
			ret = parse_pair(cfg, cur, s, ll, line, ei);
	}
	return ret;
}

char *cli_config_format(const struct cli_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return nc_xstrdup("");
	fprintf(f, "# netctl configuration (see `netctl help context'); rewritten by\n"
		   "# `netctl context set' and `netctl context use'.\n");
	if (cfg->current[0])
		fprintf(f, "current-context = %s\n", cfg->current);
	for (size_t i = 0; i < cfg->n; i++) {
		const struct cli_context *c = &cfg->ctxs[i];

		fprintf(f, "\n[context %s]\n", c->name);
		if (c->server[0])
			fprintf(f, "server = %s\n", c->server);
		if (c->token_file[0])
			fprintf(f, "token-file = %s\n", c->token_file);
		if (c->tenant[0])
			fprintf(f, "tenant = %s\n", c->tenant);
	}
	fclose(f);
	return text;
}

void cli_config_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, n, "%s/netctl/config", xdg);
	else
		snprintf(buf, n, "%s/.config/netctl/config", home && *home ? home : ".");
}

int cli_config_load(const char *path, struct cli_config *cfg, struct nc_errinfo *ei)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f) {
		if (errno != ENOENT)
			ret = nc_fail(ei, NC_ERR_IO, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	data = nc_xmalloc(CONFIG_MAX + 1);
	len = fread(data, 1, CONFIG_MAX + 1, f);
	if (ferror(f)) {
		ret = nc_fail(ei, NC_ERR_IO, NULL, "%s: cannot read it", path);
		goto out;
	}
	if (len > CONFIG_MAX) {
		ret = nc_fail(ei, NC_ERR_PARSE, NULL, "%s: larger than %zu bytes", path,
			      CONFIG_MAX);
		goto out;
	}
	ret = cli_config_parse(data, len, cfg, ei);
	if (ret < 0 && ei) {
		char msg[sizeof(ei->msg)];

		snprintf(msg, sizeof(msg), "%s", ei->msg);
		nc_fail(ei, ret, NULL, "%s: %s", path, msg);
	}
out:
	if (f)
		fclose(f);
	free(data);
	return ret;
}

int cli_config_save(const char *path, const struct cli_config *cfg, struct nc_errinfo *ei)
{
	char *text = cli_config_format(cfg), *tmp = nc_xasprintf("%s.tmp.%d", path, (int)getpid());
	char *dir = nc_xstrdup(path), *slash = strrchr(dir, '/');
	size_t len = strlen(text);
	int fd = -1, ret = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		/* mkdir -p: create each missing parent, private to the user. */
		for (char *p = dir + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				break;
			*p = '/';
		}
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot create %s: %s", dir,
				      strerror(errno));
			goto out;
		}
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		fd = -1;
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot replace %s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		unlink(tmp);
	free(text);
	free(tmp);
	free(dir);
	return ret;
}

const char *cli_source_name(enum cli_source s)
{
	switch (s) {
	case NC_SRC_FLAG:
		return "command line";
	case NC_SRC_ENV:
		return "environment";
	case NC_SRC_CONTEXT:
		return "context";
	case NC_SRC_DEFAULT:
		return "default";
	default:
		return "unset";
	}
}

static bool set(const char *s)
{
	return s && *s;
}

/* Picks the first set value of flag, env, context and dflt into *v and *src. */
static void pick(const char *flag, const char *env, const char *context, const char *dflt,
		 const char **v, enum cli_source *src)
{
	*v = NULL;
	*src = NC_SRC_NONE;
	if (set(flag)) {
		*v = flag;
		*src = NC_SRC_FLAG;
	} else if (set(env)) {
		*v = env;
		*src = NC_SRC_ENV;
	} else if (set(context)) {
		*v = context;
		*src = NC_SRC_CONTEXT;
	} else if (set(dflt)) {
		*v = dflt;
		*src = NC_SRC_DEFAULT;
	}
}

void cli_settings_pick(const struct cli_sources *in, struct cli_settings *out)
{
	const struct cli_context *c = in->context;

	memset(out, 0, sizeof(*out));
	out->context = c ? c->name : NULL;
	pick(in->flag_server, in->env_server, c ? c->server : NULL, NC_DEFAULT_SERVER, &out->server,
	     &out->server_src);
	pick(in->flag_tenant, in->env_tenant, c ? c->tenant : NULL, NULL, &out->tenant,
	     &out->tenant_src);
	if (set(in->flag_token)) {
		out->token = in->flag_token;
		out->token_src = NC_SRC_FLAG;
	} else if (set(in->flag_token_file)) {
		out->token_file = in->flag_token_file;
		out->token_src = NC_SRC_FLAG;
	} else if (set(in->env_token)) {
		out->token = in->env_token;
		out->token_src = NC_SRC_ENV;
	} else if (c && set(c->token_file)) {
		out->token_file = c->token_file;
		out->token_src = NC_SRC_CONTEXT;
	}
}

/* Makes a context's token-file absolute: ~/ from HOME, relative from dir. */
static void absolute_token_file(struct cli_context *c, const char *cfgpath)
{
	char buf[NC_CONFIG_VALUE_MAX * 2];
	const char *home = getenv("HOME"), *slash = strrchr(cfgpath, '/');

	if (!c->token_file[0] || c->token_file[0] == '/')
		return;
	if (strncmp(c->token_file, "~/", 2) == 0)
		snprintf(buf, sizeof(buf), "%s/%s", home ? home : "", c->token_file + 2);
	else
		snprintf(buf, sizeof(buf), "%.*s/%s", slash ? (int)(slash - cfgpath) : 1,
			 slash ? cfgpath : ".", c->token_file);
	if (strlen(buf) < sizeof(c->token_file))
		memcpy(c->token_file, buf, strlen(buf) + 1);
}

int cli_settings_resolve(const struct cli_ctx *ctx, struct cli_config *cfg, struct cli_settings *s,
			 struct nc_errinfo *ei)
{
	struct cli_sources in = {
		.flag_server = ctx->server,
		.flag_token = ctx->token,
		.flag_token_file = ctx->token_file,
		.flag_tenant = ctx->tenant,
		.env_server = getenv("NETCTL_SERVER"),
		.env_token = getenv("NETCTL_TOKEN"),
		.env_tenant = getenv("NETCTL_TENANT"),
	};
	char path[4096];
	int ret;

	cli_config_path(path, sizeof(path));
	ret = cli_config_load(path, cfg, ei);
	if (ret < 0)
		return ret;
	if (cfg->current[0]) {
		struct cli_context *c = cli_config_find(cfg, cfg->current);

		if (!c)
			return nc_fail(ei, NC_ERR_INVAL, NULL,
				       "%s: current-context `%s' is not defined there; run `netctl "
				       "context use NAME' with a name from `netctl context list'",
				       path, cfg->current);
		absolute_token_file(c, path);
		in.context = c;
	}
	cli_settings_pick(&in, s);
	return 0;
}

int cli_token_file_read(const char *path, char *buf, size_t n, bool *loose, struct nc_errinfo *ei)
{
	struct stat st;
	size_t len, start = 0;
	FILE *f = fopen(path, "r");
	int ret = 0;

	*loose = false;
	if (!f) {
		ret = nc_fail(ei, NC_ERR_IO, "token-file", "token file %s: %s; see --token-file",
			      path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) == 0)
		*loose = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
	len = fread(buf, 1, n, f);
	if (len >= n) {
		ret = nc_fail(ei, NC_ERR_INVAL, "token-file",
			      "token file %s is longer than a token (%zu bytes or more)", path, n);
		goto out;
	}
	while (len > 0 && is_space(buf[len - 1]))
		len--;
	while (start < len && is_space(buf[start]))
		start++;
	memmove(buf, buf + start, len - start);
	buf[len - start] = '\0';
	if (buf[0] == '\0')
		ret = nc_fail(ei, NC_ERR_INVAL, "token-file",
			      "token file %s is empty; write the token into it", path);
out:
	if (f)
		fclose(f);
	return ret;
}
