/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_PEERING_IMPL_H
#define NC_CORE_PEERING_IMPL_H

/*
 * Shared by peering.c (groups, members, show) and link.c (SAs, derived and
 * hand-made links); not part of the core's interface.
 *
 * Every operation is one store transaction run through a struct
 * nc_peering_op, which collects the devices to dirty (marked just before
 * commit, so a failed operation dirties nothing and emits no dirty event)
 * and the SPIs handed out or retired so far (so no two SAs of one
 * operation share one, even before they are stored).
 */

#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

struct nc_actor;
struct nc_core;
struct nc_errinfo;
struct nc_topo_link;

#define NC_ARROW "\xe2\x86\x94" /* U+2194 LEFT RIGHT ARROW, in UTF-8: "link A↔B added" */

struct nc_peering_dirty {
	char serial[NC_SERIAL_MAX];
	char reason[NC_REASON_MAX];
};

/* A set of SPIs: open addressing, cap a power of two, 0 marks a free slot. */
struct nc_spiset {
	uint32_t *v;
	size_t cap, n;
};

struct nc_peering_op {
	struct nc_core *c;     /* borrowed */
	struct nc_errinfo *ei; /* borrowed; may be NULL */
	struct nc_peering p;   /* the group as it is being written */
	struct nc_spiset spis;
	struct nc_peering_dirty *dirty; /* one entry per device; the last reason wins */
	size_t n_dirty, cap_dirty;
};

/* Zeroes op and opens a transaction; on failure nothing is to be finished. */
int nc_peering_op_begin(struct nc_peering_op *op, struct nc_core *c, struct nc_errinfo *ei);
/* nc_peering_op_begin, then op->p = the group name of tenant (nc_peering_find);
 * on failure the transaction is rolled back and nothing is to be finished. */
int nc_peering_op_open(struct nc_peering_op *op, struct nc_core *c, const char *tenant,
		       const char *name, struct nc_errinfo *ei);
/*
 * Ends op: with ret 0, dirties the recorded devices in op->p.tenant, commits
 * and emits the audit event of actor's action on object (device may be NULL;
 * no event when action is NULL); otherwise rolls back. Frees op's memory;
 * returns the outcome.
 */
int nc_peering_op_finish(struct nc_peering_op *op, int ret, const struct nc_actor *actor,
			 const char *device, const char *action, const char *object);
/* Records serial to be dirtied with a printf reason (replacing an earlier one). */
int nc_peering_op_dirty(struct nc_peering_op *op, const char *serial, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The group name of tenant (NULL: any tenant, if only one has that name), ei filled. */
int nc_peering_find(struct nc_core *c, const char *tenant, const char *name, struct nc_peering *p,
		    struct nc_errinfo *ei);
/* The members of op->p sorted by serial (heap, free()), ei filled on failure. */
/* Makes serial (a device of the group's tenant, not decommissioned) a
 * member: address allocated, the device marked dirty. No links derived. */
int nc_peering_join(struct nc_peering_op *op, const char *serial);
int nc_peering_members(struct nc_peering_op *op, struct nc_member **m, size_t *n);
/* qsort/bsearch order of members: by serial. */
int nc_peering_member_cmp(const void *x, const void *y);
/* The member with serial in m[0..n) sorted by serial, or NULL. */
const struct nc_member *nc_peering_member_find(const struct nc_member *m, size_t n,
					       const char *serial);

/*
 * Makes the stored links of op->p those its topology derives from the
 * members m[0..nm) (sorted by serial); for partial_mesh, the hand-made
 * pairs it has, with the tunnels dual_tunnel gives them. A pair that loses
 * a tunnel keeps the SAs of the tunnels it keeps. regen gives every link
 * new SAs (a protocol change). focus (NULL: all) limits it to the links
 * with that member at one end, which are all a member's joining changes.
 * *added (may be NULL) receives the pairs that had no tunnel before, one
 * entry each: heap, a and b borrowing from m.
 */
int nc_link_reconcile(struct nc_peering_op *op, const struct nc_member *m, size_t nm,
		      const char *focus, bool regen, struct nc_topo_link **added, size_t *n_added);

#endif
