/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_CRYPTO_H
#define NC_UTIL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Hashing, randomness and constant-time comparison. crypto.c is the only file
 * of netctl that includes OpenSSL headers; everything else goes through here.
 */

/*
 * Lowercase hex SHA-256 of len bytes at data (which may be NULL when len is 0)
 * into hex, 64 digits and a NUL. 0, NC_ERR_INVAL if data is NULL with len > 0, or
 * NC_ERR_INTERNAL if OpenSSL fails; hex is "" on error.
 */
int nc_crypto_sha256_hex(const void *data, size_t len, char hex[65]);

/* len bytes from OpenSSL's CSPRNG into buf. 0, or NC_ERR_INTERNAL if it fails. */
int nc_crypto_random(void *buf, size_t len);

/*
 * Whether len bytes at a and b are equal, in time that depends on len only:
 * use it for tokens, MACs and hashes. Equal when len is 0.
 */
bool nc_crypto_equal(const void *a, const void *b, size_t len);

/* len bytes at data as lowercase hex into out, which holds 2 * len + 1 bytes (NUL included). */
void nc_hex_encode(const void *data, size_t len, char *out);

/*
 * nbytes random bytes as 2 * nbytes lowercase hex digits and a NUL into out
 * (outsize bytes), for tokens and keys. NC_ERR_INVAL if out is too small,
 * NC_ERR_INTERNAL if the CSPRNG fails; out is "" on error.
 */
int nc_crypto_random_hex(size_t nbytes, char *out, size_t outsize);

/*
 * A new WireGuard key pair: X25519 from OpenSSL's CSPRNG, the private key
 * clamped as `wg genkey' does; both in base64 as `wg genkey' and `wg pubkey'
 * print them (44 characters and a NUL). 0, or NC_ERR_INTERNAL when OpenSSL
 * fails; both are "" on error. The private key is a secret: wipe it after use
 * (explicit_bzero) and never log it.
 */
int nc_crypto_x25519_keypair(char priv_b64[45], char pub_b64[45]);

/*
 * The public key of the base64 private key priv_b64, as `wg pubkey' computes
 * it (the scalar is clamped first, so an unclamped key gives wg's answer
 * too). 0; NC_ERR_INVAL when priv_b64 is not base64 of 32 bytes;
 * NC_ERR_INTERNAL when OpenSSL fails. pub_b64 is "" on error.
 */
int nc_crypto_x25519_public(const char *priv_b64, char pub_b64[45]);

/*
 * Values sealed at rest: AES-256-GCM under a 32-byte key with a random
 * 96-bit nonce per value, written as NC_CRYPTO_SEAL_PREFIX and the base64 of
 * nonce, ciphertext and tag. seal: *out is heap (free()), 0 or
 * NC_ERR_INTERNAL/NC_ERR_NOMEM. open: *plain is heap, a secret to wipe;
 * NC_ERR_INVAL when sealed is not such a value, or was not sealed with key,
 * or was altered. is_sealed: whether s has the prefix.
 */
#define NC_CRYPTO_SEAL_KEY    32
#define NC_CRYPTO_SEAL_PREFIX "nc-sealed-1:"
int nc_crypto_seal(const unsigned char key[NC_CRYPTO_SEAL_KEY], const char *plain, char **out);
int nc_crypto_open(const unsigned char key[NC_CRYPTO_SEAL_KEY], const char *sealed, char **plain);
bool nc_crypto_is_sealed(const char *s);

#endif
