/* SPDX-License-Identifier: MIT */
/*
 * The next batch of a device, in two steps, so that a Sync Now prepares
 * many devices at once on the engine's render threads (workers.h):
 *   prepare (any render thread, on that thread's store connection): reads
 *     its sync state and, unless the batch it confirmed can be sent again,
 *     the snapshot of its intent; renders it (or takes the stored
 *     commands), hashes and encodes it, touching nothing but its own
 *     struct prepared;
 *   keep (engine thread, in its transaction): checks the size the device
 *     takes, stores the batch under the next seq (state applying) and
 *     fills its outgoing.
 * Thread 0 is the engine's and reads through the engine's connection, so a
 * single device sees what the engine's open transaction wrote; the others
 * read what is committed, through a connection each (nc_store_open_reader),
 * while the engine holds the store so that nothing is committed meanwhile.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/core.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/timefmt.h"
#include "../util/log.h"
#include "../util/workers.h"
#include "../util/xmalloc.h"
#include "build.h"
#include "internal.h"
#include "snapshot.h"

void sync_prep_clear(struct prepared *p)
{
	free(p->text);
	json_decref(p->notes);
	nc_batch_clear(&p->b);
	nc_sync_clear(&p->s);
	memset(p, 0, sizeof(*p));
}

/*
 * Whether s's stored batch is what a render would give now: the device
 * confirmed it and no change marked it since (a mark makes it pending until
 * a settle check renders it and finds it unchanged), and it was rendered by
 * this renderer (startup.c marks every device when that changed).
 */
static bool reusable(const struct nc_sync *s)
{
	return s->state == NC_SYNC_SYNCED && s->last_batch && s->seq > 0 &&
	       s->confirmed_seq == s->seq && strcmp(s->confirmed_hash, s->sent_hash) == 0;
}

/* Whether serial gets configuration (see sync_in_service), read from st. */
static bool in_service(struct nc_store *st, const char *serial)
{
	struct nc_connector c = {0};
	enum nc_device_type type;
	bool yes = false;

	if (nc_store_device_lookup(st, NULL, serial, &type, NULL) < 0)
		return false;
	if (type == NC_DEVICE_EDGE)
		return true;
	if (nc_store_connector_get(st, NULL, serial, &c) == 0)
		yes = c.status != NC_STATUS_PENDING_APPROVAL &&
		      c.status != NC_STATUS_DECOMMISSIONED;
	nc_connector_clear(&c);
	return yes;
}

bool sync_in_service(struct nc_sync_engine *e, const char *serial)
{
	return in_service(e->core->store, serial);
}

/* p's sync state from st, a fresh one if it has none: the whole of it to
 * send (its batch may be reused, and keep writes it back), else a peek. */
static int load_state(struct nc_store *st, struct prepared *p, bool send)
{
	int ret = send ? nc_store_sync_get(st, p->serial, p->tenant, &p->s)
		       : nc_store_sync_peek(st, p->serial, p->tenant, &p->s);

	if (ret == NC_ERR_NOTFOUND) {
		snprintf(p->s.serial, sizeof(p->s.serial), "%s", p->serial);
		snprintf(p->s.tenant, sizeof(p->s.tenant), "%s", p->tenant);
		ret = 0;
	}
	return ret;
}

/* The commands and hash of p->s's stored batch into p->b, not rendered
 * again; an unreadable one is rendered instead. */
static int reuse(struct prepared *p)
{
	int ret = nc_proto_batch_decode_max(p->s.last_batch, strlen(p->s.last_batch),
					    NC_PROTO_BATCH_CAP, p->s.serial, NULL, &p->b, NULL);

	if (ret == 0 && strcmp(p->b.config_hash, p->s.sent_hash) != 0)
		ret = NC_ERR_CONFLICT;
	return ret;
}

/* Renders p from a snapshot read from st, and hashes it. */
static int render(struct nc_store *st, struct prepared *p)
{
	struct nc_snap snap;
	int ret = nc_sync_snap(st, p->serial, p->tenant, &snap, &p->ei);

	if (ret == 0)
		ret = nc_sync_render(&snap, p->serial, &p->b.commands, &p->notes, NULL, NULL,
				     &p->ei);
	if (ret == 0)
		ret = nc_proto_commands_hash(p->b.commands, p->b.config_hash, &p->ei);
	nc_snap_clear(&snap);
	return ret;
}

static void prepare(struct nc_store *st, struct prepared *p, const char *serial, const char *tenant,
		    bool send)
{
	struct nc_errinfo *ei = &p->ei;
	int ret;

	snprintf(p->serial, sizeof(p->serial), "%s", serial);
	snprintf(p->tenant, sizeof(p->tenant), "%s", tenant);
	ret = load_state(st, p, send);
	p->reused = ret == 0 && send && reusable(&p->s) && in_service(st, serial) && reuse(p) == 0;
	if (ret == 0 && !p->reused) {
		nc_batch_clear(&p->b);
		ret = render(st, p);
	}
	if (ret == 0 && (p->s.seq < 0 || p->s.seq >= NC_SYNC_SEQ_MAX))
		ret = nc_fail(ei, NC_ERR_RANGE, "seq",
			      "%s: stored seq %lld is out of range: restart serve to repair it",
			      p->serial, (long long)p->s.seq);
	if (ret == 0) {
		snprintf(p->b.serial, sizeof(p->b.serial), "%s", p->serial);
		snprintf(p->b.tenant, sizeof(p->b.tenant), "%s", p->tenant);
		p->b.seq = p->s.seq + 1;
		nc_time_iso(time(NULL), p->b.issued_at);
		/* Encoded whole whatever its size, so a refusal can say how large it is. */
		ret = nc_proto_batch_encode_max(&p->b, NC_PROTO_BATCH_CAP, &p->text, &p->len, ei);
	}
	if (ret < 0 && !ei->msg[0])
		nc_fail(ei, ret, NULL, "cannot build the batch of %s: %s", p->serial,
			nc_strerror(ret));
	p->ret = ret;
}

struct many {
	struct nc_sync_engine *e;
	struct prepared *v;
	const struct sync_prep_dev *devs;
	bool send;
};

static void prepare_on(void *arg, size_t i, unsigned t)
{
	const struct many *m = arg;

	prepare(t ? m->e->readers[t] : m->e->core->store, &m->v[i], m->devs[i].serial,
		m->devs[i].tenant, m->send);
}

void sync_prep_many(struct nc_sync_engine *e, struct prepared *v, size_t n,
		    const struct sync_prep_dev *devs, bool send)
{
	nc_workers_run(e->render, n, prepare_on, &(struct many){e, v, devs, send});
}

int sync_prep_keep(struct nc_sync_engine *e, struct prepared *p, struct outgoing *o,
		   struct nc_errinfo *ei)
{
	struct nc_sync *s = &p->s;
	int ret = p->ret;

	if (ret == 0)
		ret = sync_batch_fits(e, p->serial, p->len, &p->ei);
	if (ret < 0)
		goto out;
	/* The seq is stored before the batch leaves: a restart never reuses it. */
	s->seq = p->b.seq;
	s->state = NC_SYNC_APPLYING;
	s->fail_reason[0] = '\0';
	snprintf(s->sent_hash, sizeof(s->sent_hash), "%s", p->b.config_hash);
	s->attempts = 1;
	s->sent_at = s->updated_at = time(NULL);
	free(s->last_batch);
	s->last_batch = p->text;
	p->text = NULL;
	ret = nc_store_sync_put(e->core->store, s);
	if (ret == 0)
		ret = sync_outgoing_fill(e, s, o);
	if (ret == 0 && p->reused)
		atomic_fetch_add(&e->counters.reused, 1);
	if (ret == 0 && json_array_size(p->notes) > 0)
		sync_event(e, NC_EV_build_notes, p->tenant, p->serial,
			   json_pack("{s:I,s:O}", "seq", (json_int_t)s->seq, "notes", p->notes));
	else if (ret < 0 && !p->ei.msg[0])
		nc_fail(&p->ei, ret, NULL, "cannot store the batch of %s: %s", p->serial,
			nc_strerror(ret));
out:
	if (ret < 0 && ei)
		*ei = p->ei;
	return ret;
}

int sync_prepare(struct nc_sync_engine *e, const char *serial, const char *tenant,
		 struct outgoing *o, struct nc_errinfo *ei)
{
	struct prepared p = {0};
	int ret;

	prepare(e->core->store, &p, serial, tenant, true);
	ret = sync_prep_keep(e, &p, o, ei);
	sync_prep_clear(&p);
	return ret;
}

int sync_check(struct nc_sync_engine *e, const char *serial, const char *tenant, char *hash,
	       struct nc_errinfo *ei)
{
	struct prepared p = {0};
	int ret;

	prepare(e->core->store, &p, serial, tenant, false);
	ret = p.ret == 0 ? sync_batch_fits(e, serial, p.len, &p.ei) : p.ret;
	if (ret == 0)
		snprintf(hash, NC_HASH_HEX_MAX, "%s", p.b.config_hash);
	else if (ei)
		*ei = p.ei;
	sync_prep_clear(&p);
	return ret;
}

void sync_render_stop(struct nc_sync_engine *e)
{
	unsigned n = nc_workers_threads(e->render);

	nc_workers_free(e->render);
	e->render = NULL;
	for (unsigned t = 1; e->readers && t < n; t++)
		nc_store_close(e->readers[t]);
	free(e->readers);
	e->readers = NULL;
}

/* One render thread per online core, at most NC_SYNC_RENDER_THREADS_DEFAULT_MAX. */
static int default_render_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1					? 1
	       : n > NC_SYNC_RENDER_THREADS_DEFAULT_MAX ? NC_SYNC_RENDER_THREADS_DEFAULT_MAX
							: (int)n;
}

/* The render threads and their store connections; with none (one thread
 * asked for, or a connection that cannot be opened) the engine renders alone. */
void sync_render_start(struct nc_sync_engine *e, int threads)
{
	struct nc_errinfo ei = {0};
	unsigned n;

	e->o.render_threads = threads ? threads : default_render_threads();
	e->render = nc_workers_new((unsigned)e->o.render_threads);
	n = nc_workers_threads(e->render);
	e->readers = nc_xcalloc(n, sizeof(*e->readers));
	for (unsigned t = 1; t < n; t++) {
		if (nc_store_open_reader(e->core->store, &e->readers[t], &ei) == 0)
			continue;
		nc_warn("sync: batches are rendered on one thread: %s", ei.msg);
		sync_render_stop(e);
		e->readers = nc_xcalloc(1, sizeof(*e->readers));
		return;
	}
}
