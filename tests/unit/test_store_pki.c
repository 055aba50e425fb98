/* SPDX-License-Identifier: MIT */
/*
 * The store's device certificates and its sealed secrets: IPSec SA keys and
 * last batches never reach the database file in clear once the key is set,
 * those written before are sealed by setting it, and they read back clear.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"

#define KEY_AB	"0011223344556677889900aabbccddeeff00112233445566778899aabbccdd"
#define KEY_BA	"ffeeddccbbaa99887766554433221100ffeeddccbbaa9988776655443322"
#define KEY_NEW "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f"

/* Whether the database file holds text anywhere (after a close: WAL checkpointed). */
static bool file_has(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	bool found;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	found = memmem(buf, (size_t)n, text, strlen(text)) != NULL;
	free(buf);
	return found;
}

static void reopen(struct fx *fx)
{
	struct nc_errinfo ei = {0};

	nc_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
}

/* *l: the link of peering ip between CN-1 and CN-2, tunnel 0, SPIs spi (CN-1 to CN-2) and
 * spi + 1, keys key_ab and key_ba. */
static void ip_link(struct nc_link *l, uint32_t spi, const char *key_ab, const char *key_ba)
{
	*l = (struct nc_link){.tenant = "acme", .peering = "ip", .a = "CN-1", .b = "CN-2"};
	l->spi_ab = spi;
	l->spi_ba = spi + 1;
	snprintf(l->key_ab, sizeof(l->key_ab), "%s", key_ab);
	snprintf(l->key_ba, sizeof(l->key_ba), "%s", key_ba);
}

/* In tenant acme: two connectors in an IPSec mesh, one link with keys, a last batch. */
static void populate(struct nc_store *st, const char *key_ab, const char *key_ba)
{
	struct nc_peering p = {.tenant = "acme",
			       .name = "ip",
			       .topology = NC_TOPO_MESH,
			       .protocol = NC_PROTO_IPSEC};
	struct nc_link l;
	struct nc_sync s = {
		.serial = "CN-1", .tenant = "acme", .state = NC_SYNC_APPLYING, .seq = 1};
	const char *serials[] = {"CN-1", "CN-2"};

	for (size_t i = 0; i < 2; i++) {
		struct nc_connector c = {
			.tenant = "acme", .name = "b", .status = NC_STATUS_APPROVED};
		struct nc_member m = {.tenant = "acme", .peering = "ip"};

		snprintf(c.serial, sizeof(c.serial), "%s", serials[i]);
		assert_int_equal(nc_store_connector_insert(st, &c), 0);
		if (i == 0)
			assert_int_equal(nc_store_peering_insert(st, &p), 0);
		snprintf(m.serial, sizeof(m.serial), "%s", serials[i]);
		assert_int_equal(nc_store_member_insert(st, &m), 0);
	}
	ip_link(&l, 4097, key_ab, key_ba);
	assert_int_equal(nc_store_link_insert(st, &l), 0);
	s.last_batch = malloc(200);
	snprintf(s.last_batch, 200, "{\"commands\":[{\"key\":\"%s\"}]}", key_ab);
	assert_int_equal(nc_store_sync_put(st, &s), 0);
	free(s.last_batch);
}

static void assert_keys(struct nc_store *st, const char *ab, const char *ba)
{
	struct nc_link *v = NULL;
	struct nc_sync s = {0};
	size_t n = 0;

	assert_int_equal(nc_store_link_list(st, "acme", "ip", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].key_ab, ab);
	assert_string_equal(v[0].key_ba, ba);
	free(v);
	assert_int_equal(nc_store_sync_get(st, "CN-1", "acme", &s), 0);
	assert_non_null(strstr(s.last_batch, ab));
	nc_sync_clear(&s);
}

/* Keys written before the store had a seal key are sealed when it gets one. */
static void test_seal_existing(void **state)
{
	struct fx *fx = *state;
	unsigned char key[32] = {1, 2, 3};

	populate(fx->st, KEY_AB, KEY_BA);
	/* A row deleted in clear leaves its bytes in a freed cell: those go too. */
	{
		struct nc_link l;

		assert_int_equal(nc_store_link_delete(fx->st, "acme", "ip", "CN-1", "CN-2"), 0);
		reopen(fx);
		assert_true(file_has(fx->path, KEY_AB));
		ip_link(&l, 1, KEY_NEW, KEY_NEW);
		l.tunnel_index = 1;
		assert_int_equal(nc_store_link_insert(fx->st, &l), 0);
		assert_int_equal(nc_store_link_delete(fx->st, "acme", "ip", "CN-1", "CN-2"), 0);
		ip_link(&l, 1, KEY_AB, KEY_BA);
		assert_int_equal(nc_store_link_insert(fx->st, &l), 0);
	}
	reopen(fx);
	assert_true(file_has(fx->path, KEY_AB));
	assert_int_equal(nc_store_set_seal_key(fx->st, key), 0);
	assert_keys(fx->st, KEY_AB, KEY_BA);
	reopen(fx);
	assert_false(file_has(fx->path, KEY_AB));
	assert_false(file_has(fx->path, KEY_BA));
	assert_false(file_has(fx->path, KEY_NEW));
	/* Without the key, a sealed value does not read. */
	{
		struct nc_link *v = NULL;
		size_t n = 0;

		assert_int_equal(nc_store_link_list(fx->st, "acme", "ip", &v, &n), NC_ERR_STORE);
	}
	assert_int_equal(nc_store_set_seal_key(fx->st, key), 0);
	assert_keys(fx->st, KEY_AB, KEY_BA);
}

/* With the key set first, keys never reach the file in clear; another key cannot read them. */
static void test_seal_new(void **state)
{
	struct fx *fx = *state;
	unsigned char key[32] = {9}, other[32] = {8};

	assert_int_equal(nc_store_set_seal_key(fx->st, key), 0);
	populate(fx->st, KEY_NEW, KEY_BA);
	assert_keys(fx->st, KEY_NEW, KEY_BA);
	reopen(fx);
	assert_false(file_has(fx->path, KEY_NEW));
	assert_int_equal(nc_store_set_seal_key(fx->st, other), 0);
	{
		struct nc_sync s = {0};

		assert_int_equal(nc_store_sync_get(fx->st, "CN-1", "acme", &s), NC_ERR_STORE);
	}
}

/* A reader connection opens what its store sealed, with the store's key. */
static void test_reader_opens_sealed(void **state)
{
	struct fx *fx = *state;
	unsigned char key[32] = {7};
	struct nc_store *rd = NULL;

	assert_int_equal(nc_store_set_seal_key(fx->st, key), 0);
	populate(fx->st, KEY_NEW, KEY_BA);
	assert_int_equal(nc_store_open_reader(fx->st, &rd, NULL), 0);
	assert_keys(rd, KEY_NEW, KEY_BA);
	nc_store_close(rd);
}

/* Certificates: recorded, revoked per device, listed for the CRL. */
static void test_certs(void **state)
{
	struct fx *fx = *state;
	struct nc_cert c = {
		.serial_no = "AA01", .device = "CN-1", .tenant = "acme", .not_after = 2000000000};
	struct nc_cert *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_cert_insert(fx->st, &c), 0);
	assert_int_equal(nc_store_cert_insert(fx->st, &c), NC_ERR_EXISTS);
	snprintf(c.serial_no, sizeof(c.serial_no), "AA02");
	assert_int_equal(nc_store_cert_insert(fx->st, &c), 0);
	snprintf(c.serial_no, sizeof(c.serial_no), "BB01");
	snprintf(c.device, sizeof(c.device), "CN-2");
	assert_int_equal(nc_store_cert_insert(fx->st, &c), 0);

	assert_int_equal(nc_store_cert_list(fx->st, NULL, true, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nc_store_cert_revoke_device(fx->st, "CN-1", 1800000000, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(nc_store_cert_revoke_device(fx->st, "CN-1", 1800000001, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nc_store_cert_list(fx->st, NULL, true, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].serial_no, "AA01");
	assert_int_equal(v[1].revoked_at, 1800000000);
	free(v);
	assert_int_equal(nc_store_cert_list(fx->st, "CN-2", false, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].revoked_at, 0);
	free(v);
	assert_int_equal(nc_store_cert_revoke_device(fx->st, "", 1, &n), NC_ERR_INVAL);
}

FX_MAIN_EACH("store_pki", fx_log_errors, NULL, fx_setup_store, fx_teardown, test_seal_existing,
	     test_seal_new, test_reader_opens_sealed, test_certs)
