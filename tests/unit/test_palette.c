/* test_palette.c: a theme fitted to a terminal with 16, 8 or no colours
 * keeps every colour the terminal has, maps the others to the nearest, and
 * never lets a style that carries meaning (the production endpoint's danger
 * colour above all) look like what surrounds it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fixtures.h"
#include "tui/palette.h"
#include "tui/theme.h"
#include "backends/util/util.h"

static void load(struct theme *t, const char *name)
{
	char err[ERRLEN] = "";
	char *path = xasprintf("%s/themes/%s.yaml", fixture_top_srcdir(), name);
	if (theme_load(t, path, err, sizeof(err)) < 0)
		fail_msg("%s: %s", path, err);
	free(path);
}

static void parse(struct theme *t, const char *yaml)
{
	char err[ERRLEN] = "";
	if (theme_parse(t, yaml, strlen(yaml), "t.yaml", err, sizeof(err)) < 0)
		fail_msg("%s", err);
}

static bool same_look(const struct theme *t, enum style a, enum style b)
{
	return t->styles[a].fg == t->styles[b].fg && t->styles[a].bg == t->styles[b].bg &&
	       t->styles[a].attrs == t->styles[b].attrs;
}

/* What must stay told apart on every terminal. */
static void assert_meaning_kept(const struct theme *t)
{
	assert_false(same_look(t, ST_DANGER, ST_HEADER));
	assert_false(same_look(t, ST_DANGER, ST_NORMAL));
	assert_false(same_look(t, ST_SELECTED, ST_NORMAL));
	assert_false(same_look(t, ST_ERROR, ST_NORMAL));
	assert_false(same_look(t, ST_STALE, ST_HEADER));
	assert_false(same_look(t, ST_FLASH_ERROR, ST_FLASH_INFO));
	for (int i = 0; i < ST_COUNT; i++) {
		const struct theme_style *s = &t->styles[i];
		/* no text in the colour of its own background */
		assert_false(s->fg >= 0 && s->fg == s->bg);
	}
}

static void test_nearest(void **state)
{
	(void)state;
	assert_int_equal(palette_nearest(-1, 16), -1);
	assert_int_equal(palette_nearest(-1, 8), -1);
	for (short c = 0; c < 16; c++) {
		assert_int_equal(palette_nearest(c, 16), c);
		assert_int_equal(palette_nearest(c, 8), c & 7);
	}
	/* the cube */
	assert_int_equal(palette_nearest(16, 16), 0);   /* black */
	assert_int_equal(palette_nearest(196, 16), 9);  /* #ff0000 */
	assert_int_equal(palette_nearest(160, 16), 1);  /* #d70000 */
	assert_int_equal(palette_nearest(46, 16), 10);  /* #00ff00 */
	assert_int_equal(palette_nearest(28, 16), 2);   /* #008700 */
	assert_int_equal(palette_nearest(21, 16), 4);   /* #0000ff */
	assert_int_equal(palette_nearest(226, 16), 11); /* #ffff00 */
	assert_int_equal(palette_nearest(231, 16), 15); /* #ffffff */
	assert_int_equal(palette_nearest(51, 16), 14);  /* #00ffff */
	assert_int_equal(palette_nearest(201, 16), 13); /* #ff00ff */
	assert_int_equal(palette_nearest(208, 16), 3);  /* orange: yellow rather than red */
	/* the greys */
	assert_int_equal(palette_nearest(232, 16), 0);
	assert_int_equal(palette_nearest(244, 16), 8);
	assert_int_equal(palette_nearest(250, 16), 7);
	assert_int_equal(palette_nearest(255, 16), 7);   /* #eeeeee */
	/* at 8 colours bright folds onto base */
	assert_int_equal(palette_nearest(196, 8), 1);
	assert_int_equal(palette_nearest(231, 8), 7);
	assert_int_equal(palette_nearest(256, 16), -1);
	/* every colour lands in range */
	for (short c = 0; c < 256; c++) {
		short n16 = palette_nearest(c, 16), n8 = palette_nearest(c, 8);
		assert_true(n16 >= 0 && n16 < 16);
		assert_true(n8 >= 0 && n8 < 8);
	}
}

static void test_256_unchanged(void **state)
{
	(void)state;
	struct theme t, before;
	load(&t, "dark");
	before = t;
	palette_fit(&t, 256);
	assert_memory_equal(&t, &before, sizeof(t));
	palette_fit(&t, 1 << 24); /* direct colour */
	assert_memory_equal(&t, &before, sizeof(t));
}

static void test_shipped_at_16(void **state)
{
	(void)state;
	const char *names[] = {"dark", "light"};
	for (size_t i = 0; i < 2; i++) {
		struct theme t, before;
		load(&t, names[i]);
		before = t;
		palette_fit(&t, 16);
		/* the shipped themes use only the 16 standard colours */
		assert_memory_equal(&t, &before, sizeof(t));
		assert_meaning_kept(&t);
	}
}

static void test_shipped_at_8(void **state)
{
	(void)state;
	struct theme t;
	load(&t, "dark");
	palette_fit(&t, 8);
	for (int i = 0; i < ST_COUNT; i++) {
		assert_true(t.styles[i].fg < 8);
		assert_true(t.styles[i].bg < 8);
	}
	/* bright-white on red stays white on red, bold */
	assert_int_equal(t.styles[ST_DANGER].fg, 7);
	assert_int_equal(t.styles[ST_DANGER].bg, 1);
	assert_true(t.styles[ST_DANGER].attrs & THEME_BOLD);
	assert_int_equal(t.styles[ST_HEADER].bg, 6);
	/* a bright foreground turns bold, grey turns dim */
	assert_int_equal(t.styles[ST_FLASH_INFO].fg, 2);
	assert_true(t.styles[ST_FLASH_INFO].attrs & THEME_BOLD);
	assert_int_equal(t.styles[ST_DIM].fg, -1);
	assert_true(t.styles[ST_DIM].attrs & THEME_DIM);
	assert_int_equal(t.styles[ST_SELECTED].bg, 6);
	assert_meaning_kept(&t);

	load(&t, "light");
	palette_fit(&t, 8);
	assert_meaning_kept(&t);
}

static void test_none(void **state)
{
	(void)state;
	struct theme t, mono;
	theme_mono(&mono);
	load(&t, "dark");
	palette_fit(&t, 0);
	assert_memory_equal(&t, &mono, sizeof(t));
	assert_true(t.mono);
	assert_meaning_kept(&t);
	/* monochrome: the production header in reverse video and bold */
	assert_true(t.styles[ST_DANGER].attrs & THEME_REVERSE);
	assert_true(t.styles[ST_DANGER].attrs & THEME_BOLD);
	/* a monochrome theme is never touched */
	load(&t, "mono");
	palette_fit(&t, 8);
	assert_memory_equal(&t, &mono, sizeof(t));
}

/* A 256-colour theme whose danger and header are two reds: on 8 colours
 * both are red, so danger takes the monochrome attributes. */
static void test_collapsed_meaning(void **state)
{
	(void)state;
	struct theme t;
	parse(&t, "styles:\n"
		  "  header: {fg: 231, bg: 124}\n"
		  "  danger: {fg: 231, bg: 160}\n"
		  "  selected: {fg: 16, bg: 236}\n"
		  "  normal: {fg: 252, bg: 234}\n"
		  "  error: {fg: 253}\n");
	palette_fit(&t, 8);
	assert_int_equal(t.styles[ST_HEADER].bg, 1);
	assert_int_equal(t.styles[ST_DANGER].bg, 1);
	assert_true(t.styles[ST_DANGER].attrs & THEME_REVERSE);
	assert_true(t.styles[ST_DANGER].attrs & THEME_UNDERLINE);
	/* black on near-black: readable again, and still not the normal look */
	assert_int_equal(t.styles[ST_SELECTED].bg, 0);
	assert_int_equal(t.styles[ST_SELECTED].fg, 7);
	assert_true(t.styles[ST_SELECTED].attrs & THEME_REVERSE);
	assert_true(t.styles[ST_ERROR].attrs & THEME_BOLD);
	assert_meaning_kept(&t);

	/* at 16 colours the reds stay apart (red and bright red): no attributes */
	parse(&t, "styles:\n"
		  "  header: {fg: 231, bg: 124}\n"
		  "  danger: {fg: 231, bg: 196}\n");
	palette_fit(&t, 16);
	assert_int_equal(t.styles[ST_HEADER].bg, 1);
	assert_int_equal(t.styles[ST_DANGER].bg, 9);
	assert_int_equal(t.styles[ST_DANGER].attrs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_256_unchanged),
		cmocka_unit_test(test_shipped_at_16),
		cmocka_unit_test(test_shipped_at_8),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_collapsed_meaning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
