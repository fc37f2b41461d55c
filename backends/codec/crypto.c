/* crypto.c: libcrypto behind the small interface of crypto.h. The only
 * logic of our own is base64 decoding's leniency (either alphabet, optional
 * padding, line breaks), done as a normalisation pass before
 * EVP_DecodeBlock, which accepts none of those. */
#include "backends/codec/crypto.h"
#include "backends/util/util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

struct crypto_hash {
	EVP_MD_CTX *ctx;
};

static const EVP_MD *md_of(enum crypto_alg alg)
{
	return alg == CRYPTO_SHA1 ? EVP_sha1() : EVP_sha256();
}

struct crypto_hash *crypto_hash_new(enum crypto_alg alg)
{
	struct crypto_hash *h = xcalloc(1, sizeof(*h));
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, md_of(alg), NULL) != 1)
		abort(); /* only allocation can fail here */
	return h;
}

void crypto_hash_update(struct crypto_hash *h, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(h->ctx, data, len) != 1)
		abort();
}

void crypto_hash_final(struct crypto_hash *h, unsigned char *out)
{
	if (EVP_DigestFinal_ex(h->ctx, out, NULL) != 1)
		abort();
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

static void digest(enum crypto_alg alg, const void *data, size_t len, unsigned char *out)
{
	/* EVP_Digest wants a non-NULL pointer even for no bytes */
	if (EVP_Digest(len ? data : "", len, out, NULL, md_of(alg), NULL) != 1)
		abort();
}

void crypto_random(void *out, size_t n)
{
	if (n && RAND_bytes(out, (int)n) != 1)
		abort(); /* no entropy at all: nothing sane to go on with */
}

void crypto_sha1(const void *data, size_t len, unsigned char out[CRYPTO_SHA1_LEN])
{
	digest(CRYPTO_SHA1, data, len, out);
}

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN])
{
	digest(CRYPTO_SHA256, data, len, out);
}

void crypto_hex(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

void crypto_sha1_hex(const void *data, size_t len, char out[2 * CRYPTO_SHA1_LEN + 1])
{
	unsigned char d[CRYPTO_SHA1_LEN];
	crypto_sha1(data, len, d);
	crypto_hex(d, sizeof(d), out);
}

void crypto_sha256_hex(const void *data, size_t len, char out[2 * CRYPTO_SHA256_LEN + 1])
{
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_sha256(data, len, d);
	crypto_hex(d, sizeof(d), out);
}

void crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
			unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int n = 0;
	if (!HMAC(EVP_sha256(), keylen ? key : "", (int)keylen, len ? data : (const void *)"", len, out, &n) ||
	    n != CRYPTO_SHA256_LEN)
		abort();
}

void crypto_hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
		      unsigned char out[CRYPTO_SHA1_LEN])
{
	unsigned int n = 0;
	if (!HMAC(EVP_sha1(), keylen ? key : "", (int)keylen, len ? data : (const void *)"", len, out, &n) ||
	    n != CRYPTO_SHA1_LEN)
		abort();
}

/* ---- base64 ---- */

char *crypto_base64_encode(const void *data, size_t len)
{
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	int n = EVP_EncodeBlock((unsigned char *)out, len ? data : (const void *)"", (int)len);
	out[n] = '\0';
	return out;
}

char *crypto_base64url_encode(const void *data, size_t len)
{
	char *out = crypto_base64_encode(data, len);
	for (char *p = out; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	return out;
}

static bool b64_digit(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

char *crypto_base64_decode(const char *s, size_t len, size_t *outlen)
{
	/* canonical form first: standard alphabet, no whitespace, full padding */
	char *norm = xmalloc(len + 4);
	size_t digits = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		c = c == '-' ? '+' : c == '_' ? '/' : c;
		if (!b64_digit(c) || pad) /* a digit after padding is not base64 either */
			goto bad;
		norm[digits++] = (char)c;
	}
	/* one leftover digit cannot hold a byte; padding must complete a quantum */
	if (digits % 4 == 1 || (pad && (digits + pad) % 4) || pad > 2)
		goto bad;
	size_t missing = (4 - digits % 4) % 4;
	memset(norm + digits, '=', missing);
	size_t nlen = digits + missing;
	char *out = xmalloc(nlen / 4 * 3 + 1);
	int n = nlen ? EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)norm, (int)nlen) : 0;
	free(norm);
	if (n < 0) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding's zero bytes as output */
	size_t got = (size_t)n - missing;
	out[got] = '\0';
	if (outlen)
		*outlen = got;
	return out;
bad:
	free(norm);
	return NULL;
}
