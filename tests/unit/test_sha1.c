/* test_sha1.c: SHA-1 (used for the WebSocket accept key) against the FIPS
 * vectors, the padding edge cases and a million bytes fed in uneven pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backends/codec/sha1.h"

static void test_sha1_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *in, *hex;
	} v[] = {
		{"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
		 "mnopqrstnopqrstu",
		 "a49b2446a02c645bf419f995b67091253a04a259"},
	};
	char hex[41];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha1_hex(v[i].in, strlen(v[i].in), hex);
		assert_string_equal(hex, v[i].hex);
	}
	/* One million 'a' fed in uneven pieces crosses every block boundary case. */
	char a[1000];
	memset(a, 'a', sizeof(a));
	struct sha1 s;
	unsigned char d[20];
	sha1_init(&s);
	size_t left = 1000000, step = 1;
	while (left) {
		size_t n = step < left ? step : left;
		sha1_update(&s, a, n);
		left -= n;
		step = step % 990 + 7; /* 7..996, within a */
	}
	sha1_final(&s, d);
	for (int i = 0; i < 20; i++)
		snprintf(hex + i * 2, 3, "%02x", d[i]);
	assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	/* 55, 56 and 64 bytes: the padding edge cases. */
	sha1_hex(a, 55, hex);
	assert_string_equal(hex, "c1c8bbdc22796e28c0e15163d20899b65621d65a");
	sha1_hex(a, 56, hex);
	assert_string_equal(hex, "c2db330f6083854c99d4b5bfb6e8f29f201be699");
	sha1_hex(a, 64, hex);
	assert_string_equal(hex, "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
