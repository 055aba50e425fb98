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
