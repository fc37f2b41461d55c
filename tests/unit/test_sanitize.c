/* test_sanitize.c: the terminal sanitiser must turn every hostile byte
 * sequence into inert visible text, and width helpers must never cut a
 * character in half. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* strndup, wcwidth under -std=c11 */
#endif

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "tui/sanitize.h"
#include "backends/util/util.h"

/* Inputs with explicit lengths so embedded NULs count; every one of them
 * also feeds the is_clean/display agreement and idempotence checks. */
struct sample {
	const char *s;
	size_t len;
};
#define S(lit) { lit, sizeof(lit) - 1 }

static const struct sample samples[] = {
	S(""), S("hello"), S("a^b\\c<U+0041>"), S("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
	S("\xf0\x9f\x98\x80"), S("e\xcc\x81"), S("\x1b[2J"), S("\x1b]0;pwned\x07"),
	S("\x1b]0;pwned\x1b\\"), S("\xc2\x9b" "2J"), S("\x9b" "2J"), S("a\tb"), S("a\nb"),
	S("a\r\nb"), S("a\rb"), S("a\0b"), S("\x7f"), S("\xff"), S("\xfe"), S("\xf5\x80\x80\x80"),
	S("\x80"), S("\xe4\xb8"), S("\xe4\xb8" "A"), S("\xf0\x9f\x98"), S("\xc0\xaf"),
	S("\xc1\xbf"), S("\xe0\x80\xaf"), S("\xf0\x80\x80\xaf"), S("\xed\xa0\x80"),
	S("\xed\xbf\xbf"), S("\xf4\x90\x80\x80"), S("\xed\x9f\xbf"), S("\xee\x80\x80"),
	S("\xf4\x8f\xbf\xbf"), S("abc\xe2\x80\xaetxt.exe"), S("\xe2\x81\xa6x\xe2\x81\xa9"),
	S("\xe2\x80\x8e\xe2\x80\x8f"), S("\xc2\xa0nbsp"), S("\xe2\x80\x8dzwj"),
};

static char *display(const char *s)
{
	return sanitize_display(s, strlen(s));
}

/* Independent of the code under test: glibc's decoder in C.UTF-8. */
static bool valid_utf8(const char *s, size_t len)
{
	mbstate_t st;
	size_t i = 0;

	memset(&st, 0, sizeof st);
	while (i < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			return false;
		if (wc >= 0xd800 && wc <= 0xdfff)
			return false;
		i += n;
	}
	return true;
}

/* What an attacker needs to reach the terminal: raw controls, C1, bidi. */
static bool inert(const char *s)
{
	size_t len = strlen(s), i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] < 0xa0)
			return false;
		if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		    (((unsigned char)s[i + 2] >= 0xaa && (unsigned char)s[i + 2] <= 0xae) ||
		     (unsigned char)s[i + 2] == 0x8e || (unsigned char)s[i + 2] == 0x8f))
			return false;
		if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x81 &&
		    (unsigned char)s[i + 2] >= 0xa6 && (unsigned char)s[i + 2] <= 0xa9)
			return false;
	}
	return valid_utf8(s, len);
}

static void expect(const char *in, size_t len, unsigned flags, const char *want)
{
	char *got = sanitize_display_flags(in, len, flags);
	assert_string_equal(got, want);
	assert_true(inert(got) || (flags && strpbrk(got, "\t\n")));
	free(got);
}
#define EXPECT(lit, want) expect(lit, sizeof(lit) - 1, 0, want)

static void test_escape_sequences(void **state)
{
	(void)state;
	EXPECT("\x1b[2J", "^[[2J");
	EXPECT("\x1b[31mred\x1b[0m", "^[[31mred^[[0m");
	EXPECT("\x1b]0;pwned\x07", "^[]0;pwned^G");
	EXPECT("\x1b]0;pwned\x1b\\", "^[]0;pwned^[\\");
	EXPECT("\xc2\x9b" "2J", "<U+009B>2J");
	EXPECT("\x9b" "2J", "\\x9B2J");
	EXPECT("\xc2\x80\xc2\x9f\xc2\xa0", "<U+0080><U+009F>\xc2\xa0");
}

static void test_caret_notation(void **state)
{
	char in[2] = { 0, 0 }, want[3] = { '^', 0, 0 };
	int c;

	(void)state;
	for (c = 1; c < 0x20; c++) {
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		in[0] = (char)c;
		want[1] = (char)(c + 0x40);
		expect(in, 1, 0, want);
	}
	EXPECT("\x01", "^A");
	EXPECT("\x1b", "^[");
	EXPECT("\x1f", "^_");
	EXPECT("\x7f", "^?");
	EXPECT("a\0b", "a^@b");
	EXPECT("\0", "^@");
}

static void test_tab_newline_flags(void **state)
{
	(void)state;
	EXPECT("a\tb", "a b");
	EXPECT("a\nb", "a^Jb");
	EXPECT("a\rb", "a^Mb");
	EXPECT("a\r\nb", "a^M^Jb");
	expect("a\tb", 3, SANITIZE_KEEP_TAB, "a\tb");
	expect("a\nb", 3, SANITIZE_KEEP_TAB, "a^Jb");
	expect("a\nb", 3, SANITIZE_KEEP_NEWLINE, "a\nb");
	expect("a\tb", 3, SANITIZE_KEEP_NEWLINE, "a b");
	expect("a\r\nb\n", 5, SANITIZE_KEEP_NEWLINE, "a\nb\n");
	expect("a\rb", 3, SANITIZE_KEEP_NEWLINE, "a^Mb");
	expect("a\r", 2, SANITIZE_KEEP_NEWLINE, "a^M");
	expect("\t\r\n\x1b", 4, SANITIZE_KEEP_TAB | SANITIZE_KEEP_NEWLINE, "\t\n^[");
	assert_true(sanitize_is_clean_flags("a\tb\n", 4, SANITIZE_KEEP_TAB | SANITIZE_KEEP_NEWLINE));
	assert_false(sanitize_is_clean_flags("a\tb\n", 4, SANITIZE_KEEP_TAB));
	assert_false(sanitize_is_clean_flags("a\r\n", 3, SANITIZE_KEEP_NEWLINE));
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* bad lead bytes */
	EXPECT("\xff", "\\xFF");
	EXPECT("\xfe", "\\xFE");
	EXPECT("\xf5\x80\x80\x80", "\\xF5\\x80\\x80\\x80");
	EXPECT("a\x80z", "a\\x80z");
	/* truncated sequences, at the end and before ASCII */
	EXPECT("\xe4\xb8", "\\xE4\\xB8");
	EXPECT("\xe4\xb8" "A", "\\xE4\\xB8A");
	EXPECT("\xf0\x9f\x98", "\\xF0\\x9F\\x98");
	EXPECT("\xc3", "\\xC3");
	/* overlongs */
	EXPECT("\xc0\xaf", "\\xC0\\xAF");
	EXPECT("\xc1\xbf", "\\xC1\\xBF");
	EXPECT("\xe0\x80\xaf", "\\xE0\\x80\\xAF");
	EXPECT("\xf0\x80\x80\xaf", "\\xF0\\x80\\x80\\xAF");
	/* surrogates */
	EXPECT("\xed\xa0\x80", "\\xED\\xA0\\x80");
	EXPECT("\xed\xbf\xbf", "\\xED\\xBF\\xBF");
	/* past U+10FFFF */
	EXPECT("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80");
	/* the boundaries just inside are fine */
	EXPECT("\xed\x9f\xbf", "\xed\x9f\xbf");
	EXPECT("\xee\x80\x80", "\xee\x80\x80");
	EXPECT("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");
	EXPECT("\xe0\xa0\x80", "\xe0\xa0\x80");
	EXPECT("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");
	/* a length that cuts a valid character is a truncation too */
	expect("\xe6\x97\xa5", 2, 0, "\\xE6\\x97");
}

static void test_bidi(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "\xe2\x80\xaa", "<U+202A>" }, { "\xe2\x80\xab", "<U+202B>" },
		{ "\xe2\x80\xac", "<U+202C>" }, { "\xe2\x80\xad", "<U+202D>" },
		{ "\xe2\x80\xae", "<U+202E>" }, { "\xe2\x81\xa6", "<U+2066>" },
		{ "\xe2\x81\xa7", "<U+2067>" }, { "\xe2\x81\xa8", "<U+2068>" },
		{ "\xe2\x81\xa9", "<U+2069>" }, { "\xe2\x80\x8e", "<U+200E>" },
		{ "\xe2\x80\x8f", "<U+200F>" }, { "\xd8\x9c", "<U+061C>" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect(cases[i].in, strlen(cases[i].in), 0, cases[i].want);
	EXPECT("abc\xe2\x80\xaetxt.exe", "abc<U+202E>txt.exe");
	/* neighbours that are not bidi controls pass */
	EXPECT("\xe2\x80\xa9\xe2\x80\x8d\xe2\x81\xa5", "\xe2\x80\xa9\xe2\x80\x8d\xe2\x81\xa5");
}

static void test_clean_unchanged(void **state)
{
	static const char *clean[] = {
		"", "hello world", "a^b\\c<U+0041>\\x41", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		"\xf0\x9f\x98\x80\xf0\x9f\x91\x8d", "e\xcc\x81", "caf\xc3\xa9 \xce\xb1\xce\xb2",
		"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", "~!@#$%&*()_+{}|:\"<>?",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof clean / sizeof clean[0]; i++) {
		char *got = display(clean[i]);
		assert_string_equal(got, clean[i]);
		assert_true(sanitize_is_clean(clean[i], strlen(clean[i])));
		free(got);
	}
	assert_false(sanitize_is_clean("\x1b", 1));
	assert_false(sanitize_is_clean("a\0", 2));
	assert_true(sanitize_is_clean(NULL, 0));
	{
		char *got = sanitize_display(NULL, 0);
		assert_string_equal(got, "");
		free(got);
	}
}

/* is_clean must agree with display, output must be inert and a second
 * pass must change nothing (the visible forms are themselves clean). */
static void check_sample(const char *s, size_t len, unsigned flags)
{
	char *got = sanitize_display_flags(s, len, flags);
	size_t glen = strlen(got);
	bool same = glen == len && memcmp(got, s, len) == 0;
	char *again;

	assert_int_equal(sanitize_is_clean_flags(s, len, flags), same);
	if (flags == 0)
		assert_int_equal(sanitize_is_clean(s, len), same);
	assert_true(valid_utf8(got, glen));
	if (flags == 0)
		assert_true(inert(got));
	again = sanitize_display_flags(got, glen, flags);
	assert_string_equal(again, got);
	assert_true(sanitize_is_clean_flags(got, glen, flags));
	free(again);
	free(got);
}

static void test_clean_agrees(void **state)
{
	size_t i;
	unsigned flags;

	(void)state;
	for (i = 0; i < sizeof samples / sizeof samples[0]; i++)
		for (flags = 0; flags < 4; flags++)
			check_sample(samples[i].s, samples[i].len, flags);
}

/* Random bytes biased towards the interesting ranges. */
static void test_random_bytes(void **state)
{
	static const unsigned char pool[] = { 0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x41, 0x5b, 0x7f,
		                              0x80, 0x9b, 0xa0, 0xbf, 0xc0, 0xc2, 0xd8, 0xe0, 0xe2,
		                              0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
	uint32_t seed = 12345;
	char in[16];
	int iter;
	size_t i;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(iter % 16);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (seed >> 16) & 1 ? (char)pool[(seed >> 17) % sizeof pool]
			                         : (char)(seed >> 24);
		}
		check_sample(in, len, (unsigned)iter & 3);
	}
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(sanitize_width(NULL), 0);
	assert_int_equal(sanitize_width(""), 0);
	assert_int_equal(sanitize_width("hello"), 5);
	assert_int_equal(sanitize_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 6);
	assert_int_equal(sanitize_width("\xf0\x9f\x98\x80"), 2);
	assert_int_equal(sanitize_width("e\xcc\x81"), 1);
	assert_int_equal(sanitize_width("a\xe6\x97\xa5\xf0\x9f\x98\x80" "e\xcc\x81"), 6);
	assert_int_equal(sanitize_width("\xe2\x80\xa6"), 1);
	assert_int_equal(sanitize_width("\t"), 1);   /* kept tab: unprintable counts 1 */
	assert_int_equal(sanitize_width("\xff" "a"), 2); /* stray bytes count 1 each */
}

/* A mix of 1-, 2- and 0-cell characters of every UTF-8 length. */
static const char mixed[] = "a\xe6\x97\xa5" "b\xf0\x9f\x98\x80" "e\xcc\x81\xcc\xa3"
                            "\xe6\x9c\xac\xe8\xaa\x9e" "x\xc3\xa9\xf0\x9f\x91\x8d" "z";

static void test_fit_examples(void **state)
{
	int used;

	(void)state;
	assert_int_equal(sanitize_fit("\xe6\x97\xa5\xe6\x9c\xac", 3, &used), 3);
	assert_int_equal(used, 2);
	assert_int_equal(sanitize_fit("\xe6\x97\xa5\xe6\x9c\xac", 1, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(sanitize_fit("e\xcc\x81x", 1, &used), 3);
	assert_int_equal(used, 1);
	assert_int_equal(sanitize_fit("hello", 10, &used), 5);
	assert_int_equal(used, 5);
	assert_int_equal(sanitize_fit("hello", -3, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(sanitize_fit(NULL, 3, &used), 0);
	assert_int_equal(sanitize_fit("abc", 2, NULL), 2);
}

static void test_fit_never_splits(void **state)
{
	size_t len = strlen(mixed);
	int total = sanitize_width(mixed), max;

	(void)state;
	assert_int_equal(total, 16); /* a1 日2 b1 😀2 ẹ́1 本語4 x1 é1 👍2 z1 */
	for (max = 0; max <= total + 2; max++) {
		int used;
		size_t n = sanitize_fit(mixed, max, &used);
		char *prefix = strndup(mixed, n);

		assert_true(n <= len);
		assert_true(valid_utf8(prefix, n));
		assert_int_equal(used, sanitize_width(prefix));
		assert_true(used <= max);
		if (n < len) {
			/* stopped because the next character does not fit, and
			 * never between a character and its combining marks */
			size_t next = sanitize_fit(mixed + n, total, NULL);
			int w = 0;
			size_t k;
			for (k = 1; k <= next; k++) {
				char *one = strndup(mixed + n, k);
				if (valid_utf8(one, k)) {
					w = sanitize_width(one);
					free(one);
					break;
				}
				free(one);
			}
			assert_true(w > 0);
			assert_true(used + w > max);
		} else {
			assert_int_equal(used, total);
		}
		free(prefix);
	}
}

static void test_truncate(void **state)
{
	size_t len = strlen(mixed);
	int total = sanitize_width(mixed), max;
	char *t;

	(void)state;
	t = sanitize_truncate("hello world", 5);
	assert_string_equal(t, "hell\xe2\x80\xa6");
	free(t);
	t = sanitize_truncate("hello", 5);
	assert_string_equal(t, "hello");
	free(t);
	t = sanitize_truncate("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4);
	assert_string_equal(t, "\xe6\x97\xa5\xe2\x80\xa6"); /* the wide char would need the ellipsis cell */
	free(t);
	t = sanitize_truncate("abcd", 1);
	assert_string_equal(t, "\xe2\x80\xa6");
	free(t);
	t = sanitize_truncate("abc", 0);
	assert_string_equal(t, "");
	free(t);
	t = sanitize_truncate(NULL, 3);
	assert_string_equal(t, "");
	free(t);

	for (max = 0; max <= total + 2; max++) {
		size_t tl;
		int w;

		t = sanitize_truncate(mixed, max);
		tl = strlen(t);
		w = sanitize_width(t);
		assert_true(valid_utf8(t, tl));
		assert_true(w <= max);
		if (max >= total) {
			assert_string_equal(t, mixed);
		} else if (max > 0) {
			assert_true(tl >= 3 && strcmp(t + tl - 3, "\xe2\x80\xa6") == 0);
			assert_memory_equal(t, mixed, tl - 3);
			assert_true(tl - 3 < len);
			assert_true(w >= max - 1); /* at most the half of a wide char is lost */
		} else {
			assert_string_equal(t, "");
		}
		free(t);
	}
}

static char *pad(const char *s, int cells, bool right)
{
	struct buf b;

	buf_init(&b);
	sanitize_pad(&b, s, cells, right);
	return buf_steal(&b);
}

static void test_pad(void **state)
{
	struct buf b;
	char *p;
	int cells;

	(void)state;
	p = pad("ab", 5, false);
	assert_string_equal(p, "ab   ");
	free(p);
	p = pad("ab", 5, true);
	assert_string_equal(p, "   ab");
	free(p);
	p = pad("hello world", 8, true);
	assert_string_equal(p, "hello w\xe2\x80\xa6");
	free(p);
	p = pad("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, false);
	assert_string_equal(p, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
	free(p);
	p = pad("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, false);
	assert_string_equal(p, "\xe6\x97\xa5\xe2\x80\xa6 ");
	free(p);
	p = pad("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, true);
	assert_string_equal(p, " \xe6\x97\xa5\xe2\x80\xa6");
	free(p);
	p = pad("e\xcc\x81", 3, true);
	assert_string_equal(p, "  e\xcc\x81");
	free(p);
	p = pad("abc", 0, false);
	assert_string_equal(p, "");
	free(p);
	p = pad(NULL, 2, false);
	assert_string_equal(p, "  ");
	free(p);
	p = pad("x", 70, false); /* more padding than one chunk of spaces */
	assert_int_equal(strlen(p), 70);
	free(p);

	/* appends after what is already there */
	buf_init(&b);
	buf_puts(&b, "|");
	sanitize_pad(&b, "ab", 3, true);
	buf_puts(&b, "|");
	sanitize_pad(&b, "cd", 3, false);
	buf_puts(&b, "|");
	assert_string_equal(b.data, "| ab|cd |");
	buf_cleanup(&b);

	for (cells = 0; cells <= sanitize_width(mixed) + 3; cells++) {
		char *l = pad(mixed, cells, false), *r = pad(mixed, cells, true);
		assert_int_equal(sanitize_width(l), cells);
		assert_int_equal(sanitize_width(r), cells);
		assert_true(valid_utf8(l, strlen(l)));
		assert_true(valid_utf8(r, strlen(r)));
		free(l);
		free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_caret_notation),
		cmocka_unit_test(test_tab_newline_flags),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_clean_unchanged),
		cmocka_unit_test(test_clean_agrees),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit_examples),
		cmocka_unit_test(test_fit_never_splits),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_pad),
	};

	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 77; /* automake's "skipped": widths mean nothing without UTF-8 */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
