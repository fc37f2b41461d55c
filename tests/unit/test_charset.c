/* test_charset.c: in a non-UTF-8 locale everything binnacle puts on the
 * terminal must be ASCII: its own glyphs and, through the sanitiser, every
 * server string, still inert, still readable, and measured exactly as wide
 * as it is drawn. In a UTF-8 locale nothing changes. */
#include <langinfo.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "tui/charset.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

static char note[256];

static void use_locale(const char *name)
{
	if (!setlocale(LC_ALL, name))
		fail_msg("locale %s is missing", name);
}

static int back_to_utf8(void **state)
{
	(void)state;
	use_locale("C.UTF-8");
	charset_force_ascii(false);
	return 0;
}

/* Printable ASCII only (tab and line feed when the flags keep them). */
static bool printable_ascii(const char *s, unsigned flags)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\t' && (flags & SANITIZE_KEEP_TAB))
			continue;
		if (*p == '\n' && (flags & SANITIZE_KEEP_NEWLINE))
			continue;
		if (*p < 0x20 || *p > 0x7e)
			return false;
	}
	return true;
}

/* ---- choosing the mode ---- */

static void test_setup_follows_locale(void **state)
{
	(void)state;
	use_locale("C");
	charset_setup(CHARSET_AUTO, true, note, sizeof(note));
	assert_true(charset_ascii());
	assert_string_equal(note, "");
	/* `binnacle get` into a pipe keeps the bytes, as ls does */
	charset_setup(CHARSET_AUTO, false, note, sizeof(note));
	assert_false(charset_ascii());

	use_locale("POSIX");
	charset_setup(CHARSET_AUTO, true, note, sizeof(note));
	assert_true(charset_ascii());

	use_locale("C.UTF-8");
	charset_setup(CHARSET_AUTO, true, note, sizeof(note));
	assert_false(charset_ascii());
	assert_string_equal(note, "");
}

static void test_setup_forced(void **state)
{
	(void)state;
	use_locale("C.UTF-8");
	charset_setup(CHARSET_ASCII, true, note, sizeof(note));
	assert_true(charset_ascii());
	charset_setup(CHARSET_ASCII, false, note, sizeof(note));
	assert_true(charset_ascii());

	/* forcing UTF-8 in the C locale switches LC_CTYPE so curses can draw it */
	use_locale("C");
	charset_setup(CHARSET_UTF8, true, note, sizeof(note));
	assert_false(charset_ascii());
	assert_string_equal(note, "");
	assert_true(!strcasecmp(nl_langinfo(CODESET), "UTF-8"));
}

static void test_glyphs(void **state)
{
	(void)state;
	use_locale("C.UTF-8");
	charset_force_ascii(false);
	assert_string_equal(charset_glyph(GLYPH_SORT_ASC), "\xe2\x86\x91");
	assert_string_equal(charset_glyph(GLYPH_CUT), "\xe2\x80\xa6");
	assert_string_equal(charset_glyph(GLYPH_SEPARATOR), " \xe2\x94\x82 ");
	assert_string_equal(charset_glyph(GLYPH_CRUMB), "\xe2\x80\xba");
	int utf8_width[GLYPH_COUNT];
	for (int g = 0; g < GLYPH_COUNT; g++)
		utf8_width[g] = sanitize_width(charset_glyph((enum glyph)g));

	charset_force_ascii(true);
	assert_string_equal(charset_glyph(GLYPH_SEPARATOR), " | ");
	assert_string_equal(charset_glyph(GLYPH_SORT_ASC), "^");
	assert_string_equal(charset_glyph(GLYPH_SORT_DESC), "v");
	assert_string_equal(charset_glyph(GLYPH_CUT), "~");
	assert_string_equal(charset_glyph(GLYPH_CRUMB), ">");
	assert_string_equal(charset_glyph(GLYPH_ELLIPSIS), "...");
	for (int g = 0; g < GLYPH_COUNT; g++) {
		const char *s = charset_glyph((enum glyph)g);
		assert_true(printable_ascii(s, 0));
		/* layouts do not move: a glyph is as wide in both forms */
		if (g != GLYPH_ELLIPSIS)
			assert_int_equal((int)strlen(s), utf8_width[g]);
	}
	assert_string_equal(charset_glyph(GLYPH_COUNT), "?");
}

/* ---- the sanitiser in ASCII mode ---- */

static void expect_ascii(const char *in, size_t len, const char *want)
{
	char *got = sanitize_display(in, len);
	assert_string_equal(got, want);
	assert_true(printable_ascii(got, 0));
	assert_false(sanitize_is_clean(in, len) && strcmp(got, in));
	free(got);
}
#define EXPECT(lit, want) expect_ascii(lit, sizeof(lit) - 1, want)

static void test_ascii_display(void **state)
{
	(void)state;
	use_locale("C");
	charset_setup(CHARSET_AUTO, true, note, sizeof(note));
	EXPECT("plain-name_1.2", "plain-name_1.2");
	EXPECT("caf\xc3\xa9", "caf?");                                 /* one ? per character */
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "???");           /* not per byte or cell */
	EXPECT("e\xcc\x81", "e?");                                     /* combining mark */
	EXPECT("\xf0\x9f\x98\x80!", "?!");                             /* emoji */
	EXPECT("loading pods\xe2\x80\xa6", "loading pods...");         /* obvious stand-ins */
	EXPECT("Podman 4.3.1 \xc2\xb7 API 1.41", "Podman 4.3.1 - API 1.41");
	EXPECT("In progress \xe2\x80\x94 3/4", "In progress - 3/4");
	EXPECT("\xe2\x80\x9cq\xe2\x80\x9d \xe2\x80\x98s\xe2\x80\x99", "\"q\" 's'");
	EXPECT("a\xc2\xa0" "b", "a b");
	/* what makes text dangerous is shown as before, and stays ASCII */
	EXPECT("\x1b[2J", "^[[2J");
	EXPECT("\xc2\x9b" "2J", "<U+009B>2J");
	EXPECT("abc\xe2\x80\xaetxt.exe", "abc<U+202E>txt.exe");
	EXPECT("\xff\xfe", "\\xFF\\xFE");
	EXPECT("\xe4\xb8" "A", "\\xE4\\xB8A");
	char *t = sanitize_display_flags("a\tb\r\nc\xc3\xa9", 8, SANITIZE_KEEP_TAB | SANITIZE_KEEP_NEWLINE);
	assert_string_equal(t, "a\tb\nc?");
	free(t);
}

/* Random bytes: pure printable ASCII out, is_clean agreeing with display,
 * a second pass changing nothing, the width the byte count. */
static void test_ascii_random(void **state)
{
	static const unsigned char pool[] = {0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x41, 0x7f, 0x80, 0x9b, 0xa0, 0xb7,
					     0xbf, 0xc2, 0xc3, 0xcc, 0xe2, 0xe6, 0xed, 0xf0, 0xf4, 0xff};
	uint32_t seed = 4242;
	char in[16];
	(void)state;
	use_locale("C");
	charset_setup(CHARSET_AUTO, true, note, sizeof(note));
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(iter % 16);
		unsigned flags = (unsigned)iter & 3;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (seed >> 16) & 1 ? (char)pool[(seed >> 17) % sizeof pool] : (char)(seed >> 24);
		}
		char *got = sanitize_display_flags(in, len, flags);
		size_t glen = strlen(got);
		assert_true(printable_ascii(got, flags));
		assert_int_equal(sanitize_is_clean_flags(in, len, flags), glen == len && !memcmp(got, in, len));
		assert_true(sanitize_is_clean_flags(got, glen, flags));
		if (!flags)
			assert_int_equal(sanitize_width(got), (int)glen);
		free(got);
	}
}

static char *pad(const char *s, int cells, bool right)
{
	struct buf b;
	buf_init(&b);
	sanitize_pad(&b, s, cells, right);
	return buf_steal(&b);
}

/* Cut cells end in "~", and what is measured is what is drawn: the same
 * in the C locale and with ascii forced in a UTF-8 one. */
static void test_ascii_cut(void **state)
{
	(void)state;
	const char *locales[] = {"C", "C.UTF-8"};
	for (size_t l = 0; l < 2; l++) {
		use_locale(locales[l]);
		charset_setup(l ? CHARSET_ASCII : CHARSET_AUTO, true, note, sizeof(note));
		assert_true(charset_ascii());
		char *t = sanitize_truncate("hello world", 5);
		assert_string_equal(t, "hell~");
		free(t);
		const char *in = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac ok";
		char *d = sanitize_display(in, strlen(in));
		assert_string_equal(d, "caf? ?? ok");
		for (int cells = 0; cells <= 12; cells++) {
			char *left = pad(d, cells, false), *right = pad(d, cells, true);
			assert_int_equal((int)strlen(left), cells);
			assert_int_equal(sanitize_width(left), cells);
			assert_int_equal(sanitize_width(right), cells);
			assert_true(printable_ascii(left, 0));
			if (cells > 0 && cells < 10)
				assert_int_equal(left[cells - 1], '~');
			free(left);
			free(right);
		}
		free(d);
	}
}

/* In a UTF-8 locale the sanitiser is what it always was. */
static void test_utf8_unchanged(void **state)
{
	(void)state;
	use_locale("C.UTF-8");
	charset_setup(CHARSET_AUTO, true, note, sizeof(note));
	const char *in = "caf\xc3\xa9 \xe2\x80\xa6";
	char *d = sanitize_display(in, strlen(in));
	assert_string_equal(d, "caf\xc3\xa9 \xe2\x80\xa6");
	free(d);
	char *t = sanitize_truncate("hello world", 5);
	assert_string_equal(t, "hell\xe2\x80\xa6");
	free(t);
}

static void test_stand_ins(void **state)
{
	(void)state;
	assert_string_equal(charset_ascii_for(0x2026), "...");
	assert_string_equal(charset_ascii_for(0x2502), "|");
	assert_string_equal(charset_ascii_for(0x00a0), " ");
	assert_string_equal(charset_ascii_for(0x2591), "-");
	assert_null(charset_ascii_for(0x00e9));
	assert_null(charset_ascii_for(0x10ffff));
	assert_null(charset_ascii_for(0));
	/* every stand-in is printable ASCII, and the glyphs have theirs */
	for (uint32_t cp = 0x80; cp < 0x3000; cp++) {
		const char *a = charset_ascii_for(cp);
		if (a)
			assert_true(*a && printable_ascii(a, 0));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_setup_follows_locale, back_to_utf8),
		cmocka_unit_test_teardown(test_setup_forced, back_to_utf8),
		cmocka_unit_test_teardown(test_glyphs, back_to_utf8),
		cmocka_unit_test_teardown(test_ascii_display, back_to_utf8),
		cmocka_unit_test_teardown(test_ascii_random, back_to_utf8),
		cmocka_unit_test_teardown(test_ascii_cut, back_to_utf8),
		cmocka_unit_test_teardown(test_utf8_unchanged, back_to_utf8),
		cmocka_unit_test(test_stand_ins),
	};
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 77; /* automake's "skipped": Debian always has C.UTF-8 */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
