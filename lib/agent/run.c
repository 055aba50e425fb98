/* SPDX-License-Identifier: MIT */
/* The real agent: one device on this host, and what both roles share to start and stop. */
#include "agent.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mqtt/mqtt.h"
#include "../proto/proto.h"
#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/xmalloc.h"
#include "internal.h"

void nc_agent_block_signals(sigset_t *sigs)
{
	/* Before any thread starts, so only sigwait sees them; children get them back. */
	sigemptyset(sigs);
	sigaddset(sigs, SIGTERM);
	sigaddset(sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The first line of path, trimmed, into buf; a secret. */
static int read_line(const char *path, char *buf, size_t n, const char *what, struct nc_errinfo *ei)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	int ret = 0;

	buf[0] = '\0';
	if (!f)
		return nc_fail(ei, NC_ERR_IO, what, "cannot read `%s': %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
		nc_warn("%s is readable by others: chmod 600 it", path);
	if (!fgets(buf, (int)n, f))
		ret = nc_fail(ei, NC_ERR_INVAL, what, "`%s' is empty", path);
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return ret;
}

/* mo from b; with an auth file, user and pass (n bytes each) hold its two lines. */
static int broker_opts(const struct nc_agent_broker *b, struct nc_mqtt_opts *mo, char *user,
		       char *pass, size_t n, struct nc_errinfo *ei)
{
	FILE *f;
	int ret = 0;

	memset(mo, 0, sizeof(*mo));
	mo->url = b->url;
	mo->cafile = b->cafile;
	mo->certfile = b->cert;
	mo->keyfile = b->key;
	/* Over plain TCP paho ignores the TLS files, as it always did. */
	if (nc_mqtt_url_tls(b->url))
		ret = nc_mqtt_identity_check(b->cafile, b->cert, b->key, ei);
	if (ret < 0 || !b->auth_file)
		return ret;
	f = fopen(b->auth_file, "re");
	if (!f)
		return nc_fail(ei, NC_ERR_IO, "mqtt-auth-file", "cannot read `%s': %s",
			       b->auth_file, strerror(errno));
	if (!fgets(user, (int)n, f) || !fgets(pass, (int)n, f))
		ret = nc_fail(ei, NC_ERR_INVAL, "mqtt-auth-file",
			      "`%s' must hold the username on its first line and the password "
			      "on its second",
			      b->auth_file);
	fclose(f);
	user[strcspn(user, "\r\n")] = '\0';
	pass[strcspn(pass, "\r\n")] = '\0';
	mo->username = user;
	mo->password = pass;
	return ret;
}

/*
 * Makes l (configured, not started) a loop of one device on one connection
 * and one worker: o->serial with the key pair priv/pub and the state saved
 * in o->state_dir. Returns the device, owned by l.
 */
static struct agent_dev *one_device(struct agent_loop *l, const struct nc_agent_opts *o,
				    const struct nc_agent_env *env, const char *priv,
				    const char *pub)
{
	struct agent_dev *d;

	nc_agent_loop_init(l);
	l->n = 1;
	l->devs = nc_xcalloc(1, sizeof(*l->devs));
	l->nconns = 1;
	l->conns = nc_xcalloc(1, sizeof(*l->conns));
	l->nworkers = 1;
	d = &l->devs[0];
	nc_agent_dev_init(d, l, 0, o->serial);
	d->priv = nc_xstrdup(priv);
	snprintf(d->pub, sizeof(d->pub), "%s", pub);
	d->conn = &l->conns[0];
	nc_agent_state_load(o->state_dir, env, o->serial, &d->self);
	nc_agent_state_tenants(o->state_dir, env, d);
	snprintf(l->conns[0].client_id, sizeof(l->conns[0].client_id), "netctl-agent-%s",
		 o->serial);
	l->conns[0].devs = nc_xcalloc(1, sizeof(*l->conns[0].devs));
	l->conns[0].devs[0] = d;
	l->conns[0].n = 1;
	return d;
}

int nc_agent_loop_connect(struct agent_loop *l, const struct nc_agent_broker *b,
			  struct nc_errinfo *ei)
{
	char user[256] = "", pass[256] = "";
	struct nc_mqtt_opts mo;
	int ret = broker_opts(b, &mo, user, pass, sizeof(user), ei);

	if (ret == 0)
		ret = nc_agent_loop_start(l, &mo, ei);
	explicit_bzero(pass, sizeof(pass));
	return ret;
}

int nc_agent_run(const struct nc_agent_opts *o, struct nc_errinfo *ei)
{
	struct agent_loop *l = nc_xcalloc(1, sizeof(*l));
	struct agent_dev *d;
	struct nc_agent_env env = {0};
	char priv[NC_KEY_B64_MAX], pub[NC_KEY_B64_MAX], enroll[NC_PROTO_ENROLL_MAX] = "";
	char host[256] = "";
	sigset_t sigs;
	bool created;
	int ret, sig;

	nc_agent_block_signals(&sigs);
	l->cfg.applier = nc_agent_applier_find(o->apply);
	if (!l->cfg.applier) {
		ret = nc_fail(ei, NC_ERR_USAGE, "apply", "--apply `%s' is not linux or dry-run",
			      o->apply ? o->apply : "");
		goto out;
	}
	ret = nc_agent_state_dir(o->state_dir, ei);
	if (ret == 0 && o->enrollment_key_file)
		ret = read_line(o->enrollment_key_file, enroll, sizeof(enroll),
				"enrollment-key-file", ei);
	if (ret < 0)
		goto out;
	gethostname(host, sizeof(host) - 1);
	l->cfg.state_dir = o->state_dir;
	l->cfg.lan_if = o->lan_if ? o->lan_if : "lan0";
	l->cfg.wan_if = o->wan_if ? o->wan_if : "eth0";
	l->cfg.wg_userspace = o->wg_userspace;
	l->cfg.out = o->out ? o->out : stdout;
	l->cfg.heartbeat_ms = o->heartbeat_ms ? o->heartbeat_ms : 30000;
	l->cfg.tunnel_ms = o->tunnel_ms ? o->tunnel_ms : 60000;
	l->cfg.apply_delay_ms = o->apply_delay_ms;
	l->cfg.batch_max = o->batch_max ? o->batch_max : NC_AGENT_BATCH_MAX_DEFAULT;
	l->cfg.hostname = host;
	l->cfg.enrollment_key = enroll;
	nc_crypto_random(&l->cfg.seed, sizeof(l->cfg.seed));
	env.serial = o->serial;
	env.lan_if = l->cfg.lan_if;
	env.wan_if = l->cfg.wan_if;
	env.wg_userspace = o->wg_userspace;
	if (l->cfg.applier->check) {
		ret = l->cfg.applier->check(&env, ei);
		if (ret < 0)
			goto out;
	}
	ret = nc_agent_keys_load(o->state_dir, priv, pub, &created, ei);
	if (ret < 0)
		goto out;
	if (created)
		nc_info("generated a WireGuard key pair in %s (public key %s)", o->state_dir, pub);

	d = one_device(l, o, &env, priv, pub);

	ret = nc_agent_loop_connect(l, &o->broker, ei);
	if (ret < 0)
		goto out;
	nc_info("agent %s: applier %s, state in %s, running seq %lld", o->serial,
		l->cfg.applier->name, o->state_dir, (long long)d->self.seq);
	for (size_t i = 0; i < d->ntenants; i++)
		nc_info("agent %s: tenant %s: running seq %lld", o->serial, d->tenants[i]->tenant,
			(long long)d->tenants[i]->seq);
	sigwait(&sigs, &sig);
	nc_info("%s: stopping", strsignal(sig));
	ret = 0;
out:
	if (l->devs)
		nc_agent_loop_stop(l);
	if (l->devs)
		nc_agent_loop_free(l);
	explicit_bzero(priv, sizeof(priv));
	explicit_bzero(enroll, sizeof(enroll));
	free(l);
	return ret;
}
