/* SPDX-License-Identifier: MIT */
#include "crypto.h"

#include <limits.h>
#include <stdlib.h>
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

/* Sealed values: NC_CRYPTO_SEAL_PREFIX, then base64 of nonce || ciphertext || tag. */
#define SEAL_NONCE 12
#define SEAL_TAG   16
#define SEAL_AAD   "netctl-store-v1"

bool nc_crypto_is_sealed(const char *s)
{
	return s && strncmp(s, NC_CRYPTO_SEAL_PREFIX, strlen(NC_CRYPTO_SEAL_PREFIX)) == 0;
}

/* AES-256-GCM over in (len bytes) into out (len bytes) with nonce; tag in or out. */
static int gcm(bool enc, const unsigned char *key, const unsigned char *nonce,
	       const unsigned char *in, size_t len, unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ret = NC_ERR_INTERNAL;

	if (!c || len > INT_MAX)
		goto out;
	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce, enc ? 1 : 0) != 1 ||
	    EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)SEAL_AAD, (int)strlen(SEAL_AAD)) !=
		    1 ||
	    EVP_CipherUpdate(c, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(c, out + n, &n) != 1) {
		ret = enc ? NC_ERR_INTERNAL : NC_ERR_INVAL;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, tag) != 1)
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return ret;
}

int nc_crypto_seal(const unsigned char key[NC_CRYPTO_SEAL_KEY], const char *plain, char **out)
{
	size_t len = strlen(plain), raw_len = SEAL_NONCE + len + SEAL_TAG;
	size_t pre = strlen(NC_CRYPTO_SEAL_PREFIX);
	unsigned char *raw = malloc(raw_len);
	char *s = malloc(pre + 4 * ((raw_len + 2) / 3) + 1);
	int ret = NC_ERR_NOMEM;

	*out = NULL;
	if (!raw || !s || raw_len > INT_MAX)
		goto out;
	ret = nc_crypto_random(raw, SEAL_NONCE);
	if (ret == 0)
		ret = gcm(true, key, raw, (const unsigned char *)plain, len, raw + SEAL_NONCE,
			  raw + SEAL_NONCE + len);
	if (ret < 0)
		goto out;
	memcpy(s, NC_CRYPTO_SEAL_PREFIX, pre);
	EVP_EncodeBlock((unsigned char *)s + pre, raw, (int)raw_len);
	*out = s;
	s = NULL;
out:
	free(raw);
	free(s);
	return ret;
}

int nc_crypto_open(const unsigned char key[NC_CRYPTO_SEAL_KEY], const char *sealed, char **plain)
{
	size_t pre = strlen(NC_CRYPTO_SEAL_PREFIX), b64 = 0, raw_len;
	unsigned char *raw = NULL;
	char *p = NULL;
	int n, ret = NC_ERR_INVAL;

	*plain = NULL;
	if (!nc_crypto_is_sealed(sealed))
		goto out;
	b64 = strlen(sealed + pre);
	if (b64 % 4 || b64 > INT_MAX)
		goto out;
	raw = malloc(b64 / 4 * 3 + 1);
	if (!raw) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	n = EVP_DecodeBlock(raw, (const unsigned char *)sealed + pre, (int)b64);
	if (n < 0)
		goto out;
	/* DecodeBlock counts the padding's zero bytes too. */
	raw_len = (size_t)n - (b64 && sealed[pre + b64 - 1] == '=') -
		  (b64 > 1 && sealed[pre + b64 - 2] == '=');
	if (raw_len < SEAL_NONCE + SEAL_TAG)
		goto out;
	p = malloc(raw_len - SEAL_NONCE - SEAL_TAG + 1);
	if (!p) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	raw_len -= SEAL_NONCE + SEAL_TAG;
	ret = gcm(false, key, raw, raw + SEAL_NONCE, raw_len, (unsigned char *)p,
		  raw + SEAL_NONCE + raw_len);
	if (ret < 0 || memchr(p, '\0', raw_len)) {
		ret = NC_ERR_INVAL;
		goto out;
	}
	p[raw_len] = '\0';
	*plain = p;
	p = NULL;
out:
	if (p) {
		OPENSSL_cleanse(p, raw_len);
		free(p);
	}
	free(raw);
	return ret;
}
