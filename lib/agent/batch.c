/* SPDX-License-Identifier: MIT */
/*
 * A batch at the device (internal.h: nc_agent_dev_batch): decoded, each
 * command applied or failed alone, what was applied recorded and persisted,
 * then confirmed with the hash over it. agent.c has the rest of the
 * device's protocol.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "../proto/proto.h"
#include "../util/err.h"
#include "../util/jcs.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"

#define RESTART_MAX_MS 3000 /* a simulated restart comes within this of an apply */

/*
 * Decoding. The proto decoder checks the envelope, then every command;
 * when only a command is at fault (an unknown topic, say), the envelope
 * is taken and the commands are judged one by one, so one bad command
 * fails alone in the confirmation instead of sinking the batch.
 */
static int decode(struct agent_dev *d, const char *tenant, const void *payload, size_t len,
		  struct nc_batch *b, bool *lenient, struct nc_errinfo *ei)
{
	struct nc_errinfo sub = {0};
	json_t *root = NULL, *copy = NULL, *commands;
	char *text = NULL, *canon = NULL;
	int ret = nc_proto_batch_decode_max(payload, len, (size_t)d->loop->cfg.batch_max, d->serial,
					    tenant, b, ei);

	*lenient = false;
	if (ret == 0 || strncmp(ei->field, "commands[", 9) != 0)
		return ret;
	root = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
	commands = json_object_get(root, "commands");
	copy = json_copy(root);
	if (!copy || json_object_set_new(copy, "commands", json_array()) < 0)
		goto out;
	text = json_dumps(copy, JSON_COMPACT);
	if (!text || nc_proto_batch_decode(text, strlen(text), d->serial, tenant, b, &sub) < 0)
		goto out;
	/* Whatever is confirmed must hash: commands beyond JCS are refused whole. */
	if (nc_jcs_encode(commands, &canon, NULL, &sub) < 0) {
		nc_batch_clear(b);
		goto out;
	}
	json_decref(b->commands);
	b->commands = json_incref(commands);
	*lenient = true;
	ret = 0;
out:
	free(canon);
	free(text);
	json_decref(copy);
	json_decref(root);
	return ret;
}

/* Command i of a leniently decoded batch: its topic and body, or why it is malformed. */
static int command_shape(const json_t *c, size_t i, const char **topic, const json_t **body,
			 char *err, size_t n)
{
	const json_t *idx = json_object_get(c, "index"), *t = json_object_get(c, "topic");
	char q[NC_QUOTE_BUF];

	*topic = json_is_string(t) ? json_string_value(t) : "";
	*body = json_object_get(c, "body");
	if (!json_is_object(c) || !json_is_integer(idx) || json_integer_value(idx) != (json_int_t)i)
		snprintf(err, n, "commands[%zu]: not an object whose index is its position", i);
	else if (!nc_proto_command_topic_known(*topic))
		snprintf(err, n, "unknown command topic `%s'", nc_quote(q, *topic, SIZE_MAX));
	else if (!json_is_object(*body))
		snprintf(err, n, "commands[%zu].body must be an object", i);
	else
		return 0;
	return NC_ERR_INVAL;
}

/* Bytes a confirmation may carry: well-formed UTF-8, no control characters. */
static void clean_text(char *s)
{
	size_t len = strlen(s);
	uint32_t cp;

	for (size_t i = 0; i < len;) {
		size_t k = nc_utf8_next((const unsigned char *)s + i, len - i, &cp);

		if (k == 0 || nc_utf8_is_control(cp)) {
			s[i] = '?';
			k = 1;
		}
		i += k;
	}
}

struct outcome {
	json_t *applied;	   /* the commands applied, as received */
	json_t *failures;	   /* [{"index","topic","error"}] */
	json_t *owned;		   /* kind -> body after this batch */
	const int64_t *superseded; /* borrowed: seqs skipped for this batch */
	size_t n_superseded;
};

static void failed(struct agent_dev *d, const struct agent_slot *s, struct outcome *o, size_t i,
		   const char *topic, char *err)
{
	clean_text(err);
	nc_log(d->loop->cfg.quiet ? NC_LOG_DEBUG : NC_LOG_WARN,
	       "%s" SLOT_FMT ": command %zu (%s) failed: %s", d->serial, SLOT_ARGS(s), i, topic,
	       err);
	json_array_append_new(o->failures, json_pack("{s:I, s:s, s:s}", "index", (json_int_t)i,
						     "topic", topic, "error", err));
	atomic_fetch_add(&d->loop->stats.failed_cmds, 1);
}

/* Removes what s owns of the kinds the batch no longer has (failures are logged only). */
static void drop_absent(struct agent_dev *d, const struct agent_slot *s,
			const struct nc_agent_env *env, const json_t *cmds, struct outcome *o)
{
	char err[NC_AGENT_ERR_MAX];
	const json_t *c;
	size_t i;

	for (size_t k = 0; nc_agent_kinds[k]; k++) {
		const char *kind = nc_agent_kinds[k];
		const json_t *old = json_object_get(o->owned, kind);
		bool present = false;

		json_array_foreach(cmds, i, c) {
			const char *t = json_string_value(json_object_get(c, "topic"));
			const char *ck = nc_agent_topic_kind(t);

			present = present || (ck && strcmp(ck, kind) == 0);
		}
		if (!old || present)
			continue;
		err[0] = '\0';
		if (d->loop->cfg.applier->apply(env, nc_agent_kind_topic(kind), NULL, old, err,
						sizeof(err)) == 0)
			json_object_del(o->owned, kind);
		else
			nc_warn("%s" SLOT_FMT ": cannot remove its %s configuration: %s", d->serial,
				SLOT_ARGS(s), kind, err);
	}
}

/*
 * Applies b's commands over what slot s runs. A tenant's run in its network
 * namespace, with their files (wg configs) in its directory of the state dir.
 */
static void apply_all(struct agent_dev *d, const struct agent_slot *s, const char *dir,
		      const struct nc_batch *b, bool lenient, struct outcome *o)
{
	const struct agent_cfg *cfg = &d->loop->cfg;
	char netns[NC_ID_MAX + 8];
	struct nc_agent_env env = {
		.serial = d->serial,
		.state_dir = dir,
		.private_key = d->priv,
		.lan_if = cfg->lan_if,
		.wan_if = cfg->wan_if,
		.wg_userspace = cfg->wg_userspace,
		.out = cfg->out,
		.fail_rate = cfg->fail_rate,
		.seed = cfg->seed,
		.batch_hash = b->config_hash,
		.count = json_array_size(b->commands),
	};
	char err[NC_AGENT_ERR_MAX], seen[NC_PROTO_COMMAND_TOPICS][32];
	const json_t *c, *body;
	const char *topic;
	size_t i, nseen = 0;

	nc_agent_tenant_netns(s->tenant, netns, sizeof(netns));
	env.netns = netns[0] ? netns : NULL;
	o->applied = json_array();
	o->failures = json_array();
	o->owned = json_copy(s->owned);
	env.netns_made = json_object_size(o->owned) > 0;
	drop_absent(d, s, &env, b->commands, o);
	json_array_foreach(b->commands, i, c) {
		struct nc_errinfo ei = {0};
		const char *kind;
		bool dup = false;

		err[0] = '\0';
		topic = json_string_value(json_object_get(c, "topic"));
		body = json_object_get(c, "body");
		if (lenient && command_shape(c, i, &topic, &body, err, sizeof(err)) < 0) {
			failed(d, s, o, i, topic, err);
			continue;
		}
		for (size_t k = 0; k < nseen; k++)
			dup = dup || strcmp(seen[k], topic) == 0;
		if (dup) {
			snprintf(err, sizeof(err), "topic `%s' appears more than once", topic);
			failed(d, s, o, i, topic, err);
			continue;
		}
		if (nseen < NC_PROTO_COMMAND_TOPICS)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", topic);
		kind = nc_agent_topic_kind(topic);
		env.index = i;
		if (nc_agent_validate(&env, topic, body, &ei) < 0) {
			snprintf(err, sizeof(err), "%s", ei.msg);
			failed(d, s, o, i, topic, err);
			continue;
		}
		env.netns_made = json_object_size(o->owned) > 0;
		if (cfg->applier->apply(&env, topic, body, json_object_get(o->owned, kind), err,
					sizeof(err)) < 0) {
			failed(d, s, o, i, topic, err[0] ? err : "failed");
			continue;
		}
		json_array_append(o->applied, (json_t *)c);
		json_object_set(o->owned, kind, (json_t *)body);
	}
}

/* Confirms b with the hash s now runs, on s's confirm topic. */
static void confirm(struct agent_dev *d, const struct agent_slot *s, const struct nc_batch *b,
		    struct outcome *o)
{
	struct nc_confirm c = {.seq = b->seq, .vpp_mode = NC_VPP_NONE};
	struct nc_errinfo ei = {0};
	const struct agent_cfg *cfg = &d->loop->cfg;
	char *text = NULL;
	size_t len = 0;

	snprintf(c.serial, sizeof(c.serial), "%s", d->serial);
	snprintf(c.tenant, sizeof(c.tenant), "%s", b->tenant);
	snprintf(c.config_hash, sizeof(c.config_hash), "%s", s->hash);
	snprintf(c.agent, sizeof(c.agent), "%s", NC_AGENT_NAME);
	c.failed = (int64_t)json_array_size(o->failures);
	c.applied = (int64_t)json_array_size(o->applied);
	c.status = c.failed ? NC_CONFIRM_FAILURE : NC_CONFIRM_SUCCESS;
	c.failures = o->failures; /* borrowed: not cleared here */
	/* A copy of a batch it ran before this one was not skipped: not listed. */
	for (size_t i = 0; i < o->n_superseded && i < NC_PROTO_SUPERSEDED_MAX; i++)
		if (o->superseded[i] > s->prev_seq)
			c.superseded[c.n_superseded++] = o->superseded[i];
	if (cfg->drop_confirm_rate > 0 && nc_agent_rand01(&d->rng) < cfg->drop_confirm_rate) {
		nc_debug("%s" SLOT_FMT ": confirmation of batch %lld dropped (--drop-confirm-rate)",
			 d->serial, SLOT_ARGS(s), (long long)b->seq);
		atomic_fetch_add(&d->loop->stats.dropped, 1);
		return;
	}
	if (nc_proto_confirm_encode(&c, &text, &len, &ei) < 0) {
		nc_warn("%s: cannot encode its confirmation: %s", d->serial, ei.msg);
		return;
	}
	if (nc_agent_dev_publish(d, NC_MSG_CONFIRM, s->tenant, text, len) == 0)
		atomic_fetch_add(&d->loop->stats.confirms, 1);
}

/*
 * A copy of the batch s runs, applied in full by this process, sent again (the
 * core answers every config request, and an apply timeout re-sends): what it
 * asks for is in place, so it is confirmed again without running a command.
 * Never the first batch after a start: a restarted device rebuilds its state.
 */
static void reconfirm(struct agent_dev *d, const struct agent_slot *s, const struct nc_batch *b)
{
	struct outcome o = {.applied = b->commands, .failures = json_array()};

	dev_log(d, "%s" SLOT_FMT ": batch %lld: applied already, confirmed again", d->serial,
		SLOT_ARGS(s), (long long)b->seq);
	atomic_fetch_add(&d->loop->stats.repeats, 1);
	confirm(d, s, b, &o);
	json_decref(o.failures);
}

/*
 * The slot of a batch's tenant ("" : d->self), added on a tenant's first
 * batch, with its directory in the state dir made then (NULL: none, or not
 * made). NULL slot: d has NC_AGENT_TENANTS_MAX tenants already.
 */
static struct agent_slot *slot_of(struct agent_dev *d, const char *tenant, char **dir)
{
	const char *root = d->loop->cfg.state_dir;
	struct nc_errinfo ei = {0};
	struct agent_slot *s = tenant[0] ? nc_agent_dev_tenant_add(d, tenant) : &d->self;
	char *parent;

	*dir = NULL;
	if (!s || !root)
		return s;
	*dir = nc_agent_tenant_dir(root, tenant);
	if (!tenant[0])
		return s;
	parent = nc_xasprintf("%s/tenants", root);
	if (nc_agent_state_dir(parent, &ei) < 0 || nc_agent_state_dir(*dir, &ei) < 0) {
		nc_err("%s tenant %s: %s: its state will not be kept", d->serial, tenant, ei.msg);
		free(*dir);
		*dir = NULL;
	}
	free(parent);
	return s;
}

/*
 * Makes batch seq, applied with outcome o and confirmed with hash, what s
 * runs (takes o->owned), and saves it under dir unless NULL.
 */
static void record(struct agent_dev *d, struct agent_slot *s, struct outcome *o, int64_t seq,
		   const char *hash, const char *dir)
{
	const struct agent_cfg *cfg = &d->loop->cfg;
	struct nc_errinfo ei = {0};

	/* The state before, kept only for --restart-stale; the applied commands only
	 * for config.json: a fleet of thousands keeps one configuration per device. */
	json_decref(s->prev_owned);
	s->prev_owned = cfg->restart_stale > 0 ? s->owned : NULL;
	if (!s->prev_owned)
		json_decref(s->owned);
	s->prev_seq = s->seq;
	snprintf(s->prev_hash, sizeof(s->prev_hash), "%s", s->hash);
	s->owned = o->owned;
	o->owned = NULL;
	json_decref(s->applied);
	s->applied = dir ? json_incref(o->applied) : NULL;
	s->seq = seq;
	snprintf(s->hash, sizeof(s->hash), "%s", hash);
	s->current = true;
	d->last = s;
	if (dir && nc_agent_state_save(dir, d->serial, s, &ei) < 0)
		nc_err("%s" SLOT_FMT ": %s: after a restart it will report the seq before this "
		       "batch",
		       d->serial, SLOT_ARGS(s), ei.msg);
}

void nc_agent_dev_batch(struct agent_dev *d, const char *topic, const void *payload, size_t len,
			const int64_t *superseded, size_t n)
{
	const struct agent_cfg *cfg = &d->loop->cfg;
	char tserial[NC_SERIAL_MAX], ttenant[NC_ID_MAX], hash[NC_HASH_HEX_MAX];
	struct outcome o = {0};
	struct nc_errinfo ei = {0};
	struct nc_batch b = {0};
	struct agent_slot *s = NULL;
	char *dir = NULL;
	enum nc_msg kind;
	bool lenient;

	if (nc_proto_topic_parse(topic, &kind, tserial, ttenant, &ei) < 0 || kind != NC_MSG_BATCH ||
	    strcmp(tserial, d->serial) != 0) {
		nc_warn("%s: ignored a message on an unexpected topic", d->serial);
		goto ignored;
	}
	if (decode(d, ttenant, payload, len, &b, &lenient, &ei) < 0) {
		nc_warn("%s%s%s: ignored a malformed batch (%zu bytes): %s", d->serial,
			ttenant[0] ? " tenant " : "", ttenant, len, ei.msg);
		goto ignored;
	}
	s = ttenant[0] ? nc_agent_dev_tenant(d, ttenant) : &d->self;
	if (s && b.seq < s->seq) {
		dev_log(d, "%s" SLOT_FMT ": ignored batch %lld: older than the applied %lld",
			d->serial, SLOT_ARGS(s), (long long)b.seq, (long long)s->seq);
		goto ignored;
	}
	s = slot_of(d, ttenant, &dir);
	if (!s) {
		nc_warn("%s: ignored a batch for tenant %s: it serves %d tenants already",
			d->serial, ttenant, NC_AGENT_TENANTS_MAX);
		goto ignored;
	}
	s->waiting = false;
	/* A device that runs nothing of its own asks on its own topic only until its first
	 * batch, of any tenant, arrives: that request is how an MTGE is found out. */
	if (s != &d->self && d->self.seq == 0)
		d->self.waiting = false;
	/* The hash of what arrived, not the one it declares. */
	if (s->current && b.seq == s->seq && nc_proto_commands_hash(b.commands, hash, &ei) == 0 &&
	    strcmp(hash, s->hash) == 0) {
		reconfirm(d, s, &b);
		goto out;
	}
	apply_all(d, s, dir, &b, lenient, &o);
	if (nc_proto_commands_hash(o.applied, hash, &ei) < 0) {
		nc_err("%s" SLOT_FMT ": cannot hash the applied commands: %s", d->serial,
		       SLOT_ARGS(s), ei.msg);
		hash[0] = '\0';
	}
	record(d, s, &o, b.seq, hash, dir);
	dev_log(d, "%s" SLOT_FMT ": batch %lld: %zu of %zu commands applied", d->serial,
		SLOT_ARGS(s), (long long)b.seq, json_array_size(o.applied),
		json_array_size(b.commands));
	atomic_fetch_add(&d->loop->stats.batches, 1);
	o.superseded = superseded;
	o.n_superseded = n;
	confirm(d, s, &b, &o);
	if (cfg->restart_stale > 0 && nc_agent_rand01(&d->rng) < cfg->restart_stale) {
		d->restart_at = nc_time_mono_ms() + 1 +
				(int64_t)(nc_agent_rand01(&d->rng) * RESTART_MAX_MS);
		nc_agent_loop_wake(d->loop, d, d->restart_at);
	}
	goto out;
ignored:
	atomic_fetch_add(&d->loop->stats.ignored, 1);
out:
	free(dir);
	json_decref(o.applied);
	json_decref(o.failures);
	json_decref(o.owned);
	nc_batch_clear(&b);
}
