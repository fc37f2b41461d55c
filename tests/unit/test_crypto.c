/* test_crypto.c: the libcrypto wrappers against published vectors: SHA-256
 * (FIPS 180-4 examples), HMAC-SHA256 (RFC 4231) and the AWS SigV4 chain the
 * ECS signer will build on: the signing key derivation of AWS's
 * documentation and the get-vanilla case of the SigV4 test suite, from
 * canonical request to signature. Plus the URL-safe base64 round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/codec/crypto.h"

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[65];
	crypto_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	crypto_sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a' in uneven pieces */
	char a[1000];
	memset(a, 'a', sizeof(a));
	struct crypto_hash *h = crypto_hash_new(CRYPTO_SHA256);
	size_t left = 1000000, step = 1;
	while (left) {
		size_t n = step < left ? step : left;
		crypto_hash_update(h, a, n);
		left -= n;
		step = step % 990 + 7;
	}
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_hash_final(h, d);
	crypto_hex(d, sizeof(d), hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void hmac_hex(const void *key, size_t keylen, const char *msg, char out[65])
{
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_hmac_sha256(key, keylen, msg, strlen(msg), d);
	crypto_hex(d, sizeof(d), out);
}

static void test_hmac_rfc4231(void **state)
{
	(void)state;
	char hex[65];
	unsigned char k1[20], k6[131];
	memset(k1, 0x0b, sizeof(k1));
	memset(k6, 0xaa, sizeof(k6));
	hmac_hex(k1, sizeof(k1), "Hi There", hex); /* test case 1 */
	assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_hex("Jefe", 4, "what do ya want for nothing?", hex); /* test case 2 */
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* test case 6: a key longer than the block is hashed first */
	hmac_hex(k6, sizeof(k6), "Test Using Larger Than Block-Size Key - Hash Key First", hex);
	assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static void signing_key(const char *secret, const char *date, const char *region, const char *service,
			unsigned char out[CRYPTO_SHA256_LEN])
{
	char first[128];
	snprintf(first, sizeof(first), "AWS4%s", secret);
	unsigned char k[CRYPTO_SHA256_LEN];
	crypto_hmac_sha256(first, strlen(first), date, strlen(date), k);
	crypto_hmac_sha256(k, sizeof(k), region, strlen(region), k);
	crypto_hmac_sha256(k, sizeof(k), service, strlen(service), k);
	crypto_hmac_sha256(k, sizeof(k), "aws4_request", 12, out);
}

static void test_sigv4_chain(void **state)
{
	(void)state;
	const char *secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	unsigned char key[CRYPTO_SHA256_LEN];
	char hex[65];
	/* the derivation example of AWS's "Create a signed AWS API request" page */
	signing_key(secret, "20120215", "us-east-1", "iam", key);
	crypto_hex(key, sizeof(key), hex);
	assert_string_equal(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
	/* aws4_testsuite get-vanilla: canonical request -> string to sign -> signature */
	const char *creq = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
			   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	char creq_hash[65];
	crypto_sha256_hex(creq, strlen(creq), creq_hash);
	assert_string_equal(creq_hash, "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
	char sts[256];
	snprintf(sts, sizeof(sts), "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n%s",
		 creq_hash);
	signing_key(secret, "20150830", "us-east-1", "service", key);
	hmac_hex(key, sizeof(key), sts, hex);
	assert_string_equal(hex, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

static void test_base64_url_and_binary(void **state)
{
	(void)state;
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (size_t n = 0; n <= sizeof(all); n += 37) {
		char *s = crypto_base64_encode(all, n), *u = crypto_base64url_encode(all, n);
		assert_int_equal(strlen(s), (n + 2) / 3 * 4);
		assert_null(strpbrk(u, "+/"));
		size_t got = 0;
		char *d = crypto_base64_decode(u, strlen(u), &got);
		assert_non_null(d);
		assert_int_equal(got, n);
		assert_memory_equal(d, all, n);
		free(d);
		free(s);
		free(u);
	}
	size_t got = 9;
	char *d = crypto_base64_decode(" \n", 2, &got); /* only whitespace: no bytes */
	assert_non_null(d);
	assert_int_equal(got, 0);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_sigv4_chain),
		cmocka_unit_test(test_base64_url_and_binary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
