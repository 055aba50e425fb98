/* SPDX-License-Identifier: MIT */
/* The sets of keys behind their own lock that retry.c, settle.c and the engine keep. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Buckets at first; their number doubles whenever the keys outnumber them
 * twice, so a lookup stays short at any fleet size. */
#define KEYSET_BUCKETS 1024

struct entry {
	struct entry *next;
	char key[SYNC_KEY_MAX];
	alignas(max_align_t) unsigned char val[]; /* the set's val_size bytes */
};

struct sync_keyset {
	pthread_mutex_t lock;
	size_t val_size;
	struct entry **b;
	size_t nb, n; /* buckets, keys */
};

struct sync_keyset *sync_keyset_new(size_t val_size)
{
	struct sync_keyset *k = calloc(1, sizeof(*k));

	if (k)
		k->b = calloc(KEYSET_BUCKETS, sizeof(*k->b));
	if (k && !k->b) {
		free(k);
		k = NULL;
	}
	if (k) {
		pthread_mutex_init(&k->lock, NULL);
		k->val_size = val_size;
		k->nb = KEYSET_BUCKETS;
	}
	return k;
}

void sync_keyset_free(struct sync_keyset *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nb; i++) {
		while (k->b[i]) {
			struct entry *x = k->b[i];

			k->b[i] = x->next;
			free(x);
		}
	}
	pthread_mutex_destroy(&k->lock);
	free(k->b);
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

static size_t hash(const char *key)
{
	size_t h = 5381;

	for (const char *c = key; *c; c++)
		h = h * 33 + (unsigned char)*c;
	return h;
}

/* Twice the buckets, each key moved to its new one; without memory, the
 * chains just stay longer. Lock held. */
static void grow(struct sync_keyset *k)
{
	size_t nb = 2 * k->nb;
	struct entry **b = calloc(nb, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < k->nb; i++) {
		while (k->b[i]) {
			struct entry *x = k->b[i];
			size_t j = hash(x->key) % nb;

			k->b[i] = x->next;
			x->next = b[j];
			b[j] = x;
		}
	}
	free(k->b);
	k->b = b;
	k->nb = nb;
}

/* The chain pointer where key is or would go; lock held. */
static struct entry **find(struct sync_keyset *k, const char *key)
{
	struct entry **p = &k->b[hash(key) % k->nb];

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
			if (++k->n > 2 * k->nb)
				grow(k);
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
	if (x) {
		*p = x->next;
		k->n--;
	}
	pthread_mutex_unlock(&k->lock);
	free(x);
	return x != NULL;
}
