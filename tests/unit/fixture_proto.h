/* SPDX-License-Identifier: MIT */
#ifndef NC_TESTS_FIXTURE_PROTO_H
#define NC_TESTS_FIXTURE_PROTO_H

/*
 * What the protocol tests share (fixture_proto.c, linked into every test program): the
 * example payloads of PROTOCOL.md with their placeholders filled, and decoders of any message
 * kind that fail the running cmocka test with a message naming the payload. Include <cmocka.h>
 * and fixture.h before this header.
 */

#include <stddef.h>

#include "../../lib/proto/proto.h"

struct nc_errinfo;

/* Valid stand-ins for the page's "<hex>" and "<base64>" placeholders. */
#define FX_HASH "53733f54603819da766e63288ad1f366ba047e83478cda17adb2badd69f7c1a2"
/* The hash of the commands of test_commands_hash(), and of []. */
#define FX_HASH_CMDS "5490fb1d52b12e38a7a2959140b6415f2a7fbd95c17d5aafc6b599cf1cd2db33"
#define FX_HASH2     "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
#define FX_KEY	     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define FX_KEY2	     "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="

/* The serial of the topics the payloads below come from. */
#define FX_SERIAL "CN-0001"

/* 64 characters: one more than a serial or a tenant id may have. */
#define FX_LONG64 "0123456789012345678901234567890123456789012345678901234567890123"
/* 63: the most they may have. */
#define FX_LONG63 "012345678901234567890123456789012345678901234567890123456789012"

/* The examples of PROTOCOL.md, from serial FX_SERIAL of tenant acme. */
extern const char fx_example_batch[];
extern const char fx_example_confirm[];
extern const char fx_example_config_request[];
extern const char fx_example_heartbeat[];
extern const char fx_example_tunnel_status[];
extern const char fx_example_registration[];
/* A valid payload of each kind: the examples above. */
extern const char *const fx_proto_valid[NC_MSG_COUNT];

/* fx_proto_valid[kind] with member key set to the JSON text value, or removed when value is
 * NULL; the caller frees it. */
char *fx_proto_mutate(enum nc_msg kind, const char *key, const char *value);

/* Decodes len bytes of buf as a message of kind from topic serial FX_SERIAL and tenant
 * topic_tenant, releases the result, and returns the decoder's return; fails the test unless a
 * failed decode leaves its output zeroed. */
int fx_proto_decode(enum nc_msg kind, const void *buf, size_t len, const char *topic_tenant,
		    struct nc_errinfo *ei);
/* The same for the NUL-terminated text. */
int fx_proto_decode_text(enum nc_msg kind, const char *text, const char *topic_tenant,
			 struct nc_errinfo *ei);
/* Fails the test unless text decodes. */
void fx_proto_expect_ok(enum nc_msg kind, const char *text, const char *topic_tenant);
/* Fails the test unless text is refused with err on field, with a message. */
void fx_proto_expect_refused(enum nc_msg kind, const char *text, const char *topic_tenant, int err,
			     const char *field);

#endif
