/* SPDX-License-Identifier: MIT */
#include "crypto.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "err.h"

/* Random bytes are drawn in chunks this big so no more than a chunk sits on the stack. */
#define RANDOM_CHUNK 32

void nc_hex_encode(const void *data, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

int nc_crypto_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	hex[0] = '\0';
	if (!data && len)
		return NC_ERR_INVAL;
	if (EVP_Digest(data ? data : "", len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return NC_ERR_INTERNAL;
	nc_hex_encode(md, mdlen, hex);
	return 0;
}

int nc_crypto_random(void *buf, size_t len)
{
	unsigned char *p = buf;

	/* RAND_bytes takes an int count. */
	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (RAND_bytes(p, n) != 1)
			return NC_ERR_INTERNAL;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

bool nc_crypto_equal(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return true;
	return CRYPTO_memcmp(a, b, len) == 0;
}

int nc_crypto_random_hex(size_t nbytes, char *out, size_t outsize)
{
	unsigned char chunk[RANDOM_CHUNK];
	size_t done = 0;
	int ret = 0;

	if (!out || outsize == 0)
		return NC_ERR_INVAL;
	out[0] = '\0';
	if (nbytes > (outsize - 1) / 2)
		return NC_ERR_INVAL;
	while (done < nbytes) {
		size_t n = nbytes - done < sizeof(chunk) ? nbytes - done : sizeof(chunk);

		ret = nc_crypto_random(chunk, n);
		if (ret) {
			OPENSSL_cleanse(out, outsize);
			out[0] = '\0';
			goto out;
		}
		nc_hex_encode(chunk, n, out + 2 * done);
		done += n;
	}
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	return ret;
}

/* X25519 keys for WireGuard: 32 bytes, base64 with padding (44 characters). */
#define X25519_LEN     32
#define X25519_B64_LEN 44

/* The public key of the 32 bytes at priv (clamped by OpenSSL) into pub_b64. */
static int x25519_public_raw(const unsigned char priv[X25519_LEN], char pub_b64[45])
{
	unsigned char pub[X25519_LEN];
	size_t publen = sizeof(pub);
	EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, X25519_LEN);
	int ret = NC_ERR_INTERNAL;

	pub_b64[0] = '\0';
	if (!pk || EVP_PKEY_get_raw_public_key(pk, pub, &publen) != 1 || publen != X25519_LEN)
		goto out;
	if (EVP_EncodeBlock((unsigned char *)pub_b64, pub, X25519_LEN) != X25519_B64_LEN)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		pub_b64[0] = '\0';
	EVP_PKEY_free(pk);
	return ret;
}

int nc_crypto_x25519_keypair(char priv_b64[45], char pub_b64[45])
{
	unsigned char priv[X25519_LEN];
	int ret;

	priv_b64[0] = '\0';
	pub_b64[0] = '\0';
	ret = nc_crypto_random(priv, sizeof(priv));
	if (ret < 0)
		goto out;
	/* What `wg genkey' prints is already clamped (RFC 7748, section 5). */
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
	ret = x25519_public_raw(priv, pub_b64);
	if (ret == 0 &&
	    EVP_EncodeBlock((unsigned char *)priv_b64, priv, X25519_LEN) != X25519_B64_LEN)
		ret = NC_ERR_INTERNAL;
out:
	if (ret < 0) {
		OPENSSL_cleanse(priv_b64, 45);
		priv_b64[0] = '\0';
		pub_b64[0] = '\0';
	}
	OPENSSL_cleanse(priv, sizeof(priv));
	return ret;
}

int nc_crypto_x25519_public(const char *priv_b64, char pub_b64[45])
{
	unsigned char raw[X25519_LEN + 3];
	char again[X25519_B64_LEN + 1];
	int ret = NC_ERR_INVAL;

	pub_b64[0] = '\0';
	if (!priv_b64 || strnlen(priv_b64, X25519_B64_LEN + 1) != X25519_B64_LEN ||
	    priv_b64[X25519_B64_LEN - 1] != '=' || priv_b64[X25519_B64_LEN - 2] == '=')
		goto out;
	/* 44 characters decode to 33 bytes, the last one from the padding. */
	if (EVP_DecodeBlock(raw, (const unsigned char *)priv_b64, X25519_B64_LEN) != X25519_LEN + 1)
		goto out;
	/* Only the canonical spelling: the unused low bits of the last digit are zero. */
	EVP_EncodeBlock((unsigned char *)again, raw, X25519_LEN);
	if (strcmp(again, priv_b64) != 0)
		goto out;
	ret = x25519_public_raw(raw, pub_b64);
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(again, sizeof(again));
	return ret;
}
