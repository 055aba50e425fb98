/* SPDX-License-Identifier: MIT */
/* The sets of keys behind their own lock that retry.c, settle.c and the engine keep. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KEYSET_BUCKETS 1024

struct entry {
	struct entry *next;
	char key[SYNC_KEY_MAX];
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

const char *sync_key(char buf[SYNC_KEY_MAX], const char *serial, const char *tenant)
{
	snprintf(buf, SYNC_KEY_MAX, "%s|%s", serial, tenant);
	return buf;
}

/* The chain pointer where key is or would go; lock held. */
static struct entry **find(struct sync_keyset *k, const char *key)
{
	unsigned h = 5381;
	struct entry **p;

	for (const char *c = key; *c; c++)
		h = h * 33 + (unsigned char)*c;
	p = &k->b[h % KEYSET_BUCKETS];
	while (*p && strcmp((*p)->key, key) != 0)
		p = &(*p)->next;
	return p;
}

void *sync_keyset_get(struct sync_keyset *k, const char *key, bool add, bool *added)
{
	struct entry **p = find(k, key), *x = *p;

	if (added)
		*added = false;
	if (!x && add) {
		x = calloc(1, sizeof(*x) + k->val_size);
		if (x) {
			snprintf(x->key, sizeof(x->key), "%s", key);
			*p = x;
			if (added)
				*added = true;
		}
	}
	return x ? x->val : NULL;
}

bool sync_keyset_del(struct sync_keyset *k, const char *key)
{
	struct entry **p, *x = NULL;

	if (!k)
		return false;
	pthread_mutex_lock(&k->lock);
	p = find(k, key);
	x = *p;
	if (x)
		*p = x->next;
	pthread_mutex_unlock(&k->lock);
	free(x);
	return x != NULL;
}
