/* crypto.h: the hashes, MAC and base64 binnacle needs, as thin wrappers over
 * OpenSSL's libcrypto: SHA-1 (only for RFC 6455's Sec-WebSocket-Accept),
 * SHA-256 (Docker context directory names, AWS SigV4 payload hashes),
 * HMAC-SHA256 (SigV4 signing keys and signatures), HMAC-SHA1 (the hashed
 * host names of OpenSSH's known_hosts) and RFC 4648 base64
 * (kubeconfig *-data, WebSocket keys and channels, registry auth headers).
 * Nothing here is hand-written cryptography. */
#ifndef BINNACLE_CRYPTO_H
#define BINNACLE_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA1_LEN 20
#define CRYPTO_SHA256_LEN 32

enum crypto_alg { CRYPTO_SHA1, CRYPTO_SHA256 };

/* A digest computed in pieces (data that arrives in chunks). */
struct crypto_hash;
struct crypto_hash *crypto_hash_new(enum crypto_alg alg);
void crypto_hash_update(struct crypto_hash *h, const void *data, size_t len);
/* Writes the digest (CRYPTO_SHA1_LEN or CRYPTO_SHA256_LEN bytes) and frees h. */
void crypto_hash_final(struct crypto_hash *h, unsigned char *out);

void crypto_sha1(const void *data, size_t len, unsigned char out[CRYPTO_SHA1_LEN]);
void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN]);
/* Lower-case hex digests: out holds 41 and 65 bytes. */
void crypto_sha1_hex(const void *data, size_t len, char out[2 * CRYPTO_SHA1_LEN + 1]);
void crypto_sha256_hex(const void *data, size_t len, char out[2 * CRYPTO_SHA256_LEN + 1]);
void crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
			unsigned char out[CRYPTO_SHA256_LEN]);
void crypto_hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
		      unsigned char out[CRYPTO_SHA1_LEN]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void crypto_hex(const unsigned char *bytes, size_t n, char *out);

/* n bytes from libcrypto's random generator (message ids, nonces). */
void crypto_random(void *out, size_t n);

/* Standard alphabet, padded; owned NUL-terminated string. */
char *crypto_base64_encode(const void *data, size_t len);
/* URL-safe alphabet ('-', '_'), padded, as Go's base64.URLEncoding writes it. */
char *crypto_base64url_encode(const void *data, size_t len);
/* Decodes s[0..len): either alphabet, padding optional, ASCII whitespace
 * ignored (PEM-style line breaks). Owned bytes with a NUL after them (so
 * decoded text is a C string), their count in *outlen (may be NULL); NULL
 * when s is not base64. */
char *crypto_base64_decode(const char *s, size_t len, size_t *outlen);

#endif
