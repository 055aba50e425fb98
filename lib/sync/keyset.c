/* SPDX-License-Identifier: MIT */
/* The set of (serial, tenant) keys behind its own lock that retry.c and settle.c keep. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KEYSET_BUCKETS 1024

struct entry {
	struct entry *next;
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	alignas(max_align_t) unsigned char val[]; /* the set's val_size bytes */
};

struct sync_keyset {
	pthread_mutex_t lock;
	size_t val_size;
	struct entry *b[KEYSET_BUCKETS];
};

struct sync_keyset *sync_keyset_new(size_t val_size)
{
	struct sync_keyset *k = calloc(1, sizeof(*k));

	if (k) {
		pthread_mutex_init(&k->lock, NULL);
		k->val_size = val_size;
	}
	return k;
}

void sync_keyset_free(struct sync_keyset *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < KEYSET_BUCKETS; i++) {
		while (k->b[i]) {
			struct entry *x = k->b[i];

			k->b[i] = x->next;
			free(x);
		}
	}
	pthread_mutex_destroy(&k->lock);
	free(k);
}

void sync_keyset_lock(struct sync_keyset *k)
{
	pthread_mutex_lock(&k->lock);
}

void sync_keyset_unlock(struct sync_keyset *k)
{
	pthread_mutex_unlock(&k->lock);
}

static unsigned key_hash(const char *serial, const char *tenant)
{
	unsigned h = 5381;

	for (const char *c = serial; *c; c++)
		h = h * 33 + (unsigned char)*c;
	h = h * 33 + '|';
	for (const char *c = tenant; *c; c++)
		h = h * 33 + (unsigned char)*c;
	return h;
}

/* The chain pointer where (serial, tenant) is or would go; lock held. */
static struct entry **find(struct sync_keyset *k, const char *serial, const char *tenant)
{
	struct entry **p = &k->b[key_hash(serial, tenant) % KEYSET_BUCKETS];

	while (*p && (strcmp((*p)->serial, serial) != 0 || strcmp((*p)->tenant, tenant) != 0))
		p = &(*p)->next;
	return p;
}

void *sync_keyset_get(struct sync_keyset *k, const char *serial, const char *tenant, bool add,
		      bool *added)
{
	struct entry **p = find(k, serial, tenant), *x = *p;

	if (added)
		*added = false;
	if (!x && add) {
		x = calloc(1, sizeof(*x) + k->val_size);
		if (x) {
			snprintf(x->serial, sizeof(x->serial), "%s", serial);
			snprintf(x->tenant, sizeof(x->tenant), "%s", tenant);
			*p = x;
			if (added)
				*added = true;
		}
	}
	return x ? x->val : NULL;
}

bool sync_keyset_del(struct sync_keyset *k, const char *serial, const char *tenant)
{
	struct entry **p = find(k, serial, tenant), *x = *p;

	if (x) {
		*p = x->next;
		free(x);
	}
	return x != NULL;
}
