/* test_theme.c: the shipped themes must parse, every mistake in a theme file
 * must be reported as NAME:LINE:COL: and a sentence, a theme that cannot be
 * loaded must leave the monochrome theme, and every style must have a name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixtures.h"
#include "views/style.h"
#include "tui/theme.h"
#include "backends/util/util.h"

static char err[ERRLEN];

/* Theme lookups must find the source tree's themes and never the user's. */
static int group_setup(void **state)
{
	(void)state;
	char *dir = xasprintf("%s/themes", fixture_top_srcdir());
	setenv("BINNACLE_THEMES_DIR", dir, 1);
	free(dir);
	setenv("XDG_CONFIG_HOME", "/nonexistent/binnacle-test-config", 1);
	return 0;
}

static int parse(struct theme *t, const char *yaml)
{
	err[0] = '\0';
	return theme_parse(t, yaml, strlen(yaml), "t.yaml", err, sizeof(err));
}

/* The error starts with this position, then says something (containing what). */
static void expect_error(const char *yaml, const char *prefix, const char *what)
{
	struct theme t, before;
	theme_mono(&t);
	before = t;
	assert_int_equal(parse(&t, yaml), -1);
	if (!str_starts(err, prefix))
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
	assert_true(strlen(err) > strlen(prefix) + 5);
	if (what && !strstr(err, what))
		fail_msg("error \"%s\" does not mention \"%s\"", err, what);
	/* a failed parse leaves the theme alone */
	assert_memory_equal(&t, &before, sizeof(t));
}

static void assert_is_builtin_mono(const struct theme *t)
{
	struct theme mono;
	theme_mono(&mono);
	assert_memory_equal(t, &mono, sizeof(mono));
}

/* ---- the shipped themes ---- */

static void load_shipped(struct theme *t, const char *name)
{
	char *path = xasprintf("%s/themes/%s.yaml", fixture_top_srcdir(), name);
	size_t len = 0;
	char *data = fixture_read_path(path, &len);
	if (!data)
		fail_msg("cannot read %s (set top_srcdir)", path);
	err[0] = '\0';
	int rc = theme_parse(t, data, len, path, err, sizeof(err));
	if (rc)
		fail_msg("%s: %s", path, err);
	assert_string_equal(err, "");
	assert_string_equal(t->name, name);
	free(data);

	/* and the same file by path through theme_load */
	struct theme again;
	assert_int_equal(theme_load(&again, path, err, sizeof(err)), 0);
	assert_memory_equal(&again, t, sizeof(again));
	free(path);
}

static void test_dark(void **state)
{
	(void)state;
	struct theme t;
	load_shipped(&t, "dark");
	assert_false(t.mono);
	assert_int_equal(t.styles[ST_SELECTED].fg, 0);  /* black */
	assert_int_equal(t.styles[ST_SELECTED].bg, 14); /* bright-cyan */
	assert_int_equal(t.styles[ST_HEADER].bg, 6);    /* cyan */
	assert_int_equal(t.styles[ST_NORMAL].fg, -1);   /* default */
	assert_int_equal(t.styles[ST_NORMAL].bg, -1);
	assert_int_equal(t.styles[ST_ERROR].fg, 9); /* bright-red */
	assert_int_equal(t.styles[ST_ERROR].attrs, THEME_BOLD);
	assert_int_equal(t.styles[ST_SORTED_HEAD].attrs, THEME_BOLD | THEME_UNDERLINE);
	assert_int_equal(t.styles[ST_GONE].attrs, THEME_DIM);
}

static void test_light(void **state)
{
	(void)state;
	struct theme t;
	load_shipped(&t, "light");
	assert_false(t.mono);
	assert_int_equal(t.styles[ST_SELECTED].fg, 7); /* white */
	assert_int_equal(t.styles[ST_SELECTED].bg, 4); /* blue */
	/* no bright foregrounds that wash out on a light background */
	for (int i = 0; i < ST_COUNT; i++)
		assert_true(t.styles[i].fg < 8);
}

static void test_mono(void **state)
{
	(void)state;
	struct theme t;
	load_shipped(&t, "mono");
	assert_true(t.mono);
	for (int i = 0; i < ST_COUNT; i++) {
		assert_int_equal(t.styles[i].fg, -1);
		assert_int_equal(t.styles[i].bg, -1);
	}
	assert_int_equal(t.styles[ST_SELECTED].attrs, THEME_REVERSE);
	/* the file and the built-in fallback look the same */
	assert_is_builtin_mono(&t);
}

/* ---- theme_parse ---- */

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("styles:\n"
		     "  normal: {fg: red}\n"
		     "  bogus: {fg: red}\n",
		     "t.yaml:3:3:", "\"bogus\"");
	expect_error("styles:\n"
		     "  ok: {fg: chartreuse}\n",
		     "t.yaml:2:12:", "\"chartreuse\"");
	expect_error("styles:\n"
		     "  ok:\n"
		     "    fg: green\n"
		     "    bg: chartreuse\n",
		     "t.yaml:4:9:", "\"chartreuse\"");
	expect_error("styles:\n"
		     "  ok: {attrs: [bold, blink]}\n",
		     "t.yaml:2:22:", "attribute");
	expect_error("styles:\n"
		     "  ok: {attrs: blink}\n",
		     "t.yaml:2:15:", "attribute");
	expect_error("styles:\n"
		     "  ok: {fg: red, colour: blue}\n",
		     "t.yaml:2:17:", "\"colour\"");
	expect_error("styles:\n"
		     "  ok: red\n",
		     "t.yaml:2:7:", "mapping");
	/* no styles map at all, or one that is not a map */
	expect_error("name: broken\n", "t.yaml:1:1:", "\"styles\"");
	expect_error("name: broken\nstyles: [ok, warn]\n", "t.yaml:1:1:", "\"styles\"");
	expect_error("- a\n- b\n", "t.yaml:1:1:", "\"styles\"");
	/* out-of-range numbers are not colours */
	expect_error("styles:\n  ok: {fg: 256}\n", "t.yaml:2:12:", "\"256\"");
	expect_error("styles:\n  ok: {fg: -1}\n", "t.yaml:2:12:", "\"-1\"");
	/* libyaml's own errors carry the name too */
	expect_error("styles:\n  ok: {fg: red\n", "t.yaml:", NULL);
}

static void test_parse_colours(void **state)
{
	(void)state;
	struct theme t;
	assert_int_equal(parse(&t, "name: custom\n"
				   "styles:\n"
				   "  ok: {fg: 0, bg: 255}\n"
				   "  warn: {fg: bright-red, bg: default}\n"
				   "  error: {fg: '196', bg: bright_blue, attrs: [Bold, italic, underline]}\n"
				   "  dim: {fg: none, bg: WHITE, attrs: dim}\n"),
			 0);
	assert_string_equal(err, "");
	assert_string_equal(t.name, "custom");
	assert_false(t.mono);
	assert_int_equal(t.styles[ST_OK].fg, 0);
	assert_int_equal(t.styles[ST_OK].bg, 255);
	assert_int_equal(t.styles[ST_WARN].fg, 9);
	assert_int_equal(t.styles[ST_WARN].bg, -1);
	assert_int_equal(t.styles[ST_ERROR].fg, 196);
	assert_int_equal(t.styles[ST_ERROR].bg, 12);
	assert_int_equal(t.styles[ST_ERROR].attrs, THEME_BOLD | THEME_ITALIC | THEME_UNDERLINE);
	assert_int_equal(t.styles[ST_DIM].fg, -1);
	assert_int_equal(t.styles[ST_DIM].bg, 7);
	assert_int_equal(t.styles[ST_DIM].attrs, THEME_DIM);
	/* a style the theme does not name keeps the monochrome look */
	struct theme mono;
	theme_mono(&mono);
	assert_memory_equal(&t.styles[ST_SELECTED], &mono.styles[ST_SELECTED], sizeof(mono.styles[0]));

	/* without a name the theme is called what errors call it */
	assert_int_equal(parse(&t, "monochrome: true\nstyles: {}\n"), 0);
	assert_string_equal(t.name, "t.yaml");
	assert_true(t.mono);
}

/* ---- theme_load ---- */

static void test_load_unknown(void **state)
{
	(void)state;
	struct theme t;
	assert_int_equal(theme_load(&t, "dark", err, sizeof(err)), 0);
	assert_string_equal(t.name, "dark");
	err[0] = '\0';
	assert_int_equal(theme_load(&t, "no-such-theme", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"no-such-theme\""));
	assert_non_null(strstr(err, "not found"));
	assert_is_builtin_mono(&t);

	/* a path that does not exist */
	assert_int_equal(theme_load(&t, "/nonexistent/binnacle/x.yaml", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/binnacle/x.yaml"));
	assert_is_builtin_mono(&t);
}

static void test_load_broken_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/binnacle-theme-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/broken.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("name: broken\nstyles:\n  ok: {fg: chartreuse}\n", f);
	fclose(f);
	struct theme t;
	assert_int_equal(theme_load(&t, "dark", err, sizeof(err)), 0);
	assert_int_equal(theme_load(&t, path, err, sizeof(err)), -1);
	char *prefix = xasprintf("%s:3:12:", path);
	if (!str_starts(err, prefix))
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
	assert_is_builtin_mono(&t);
	free(prefix);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void test_load_mono_names(void **state)
{
	(void)state;
	struct theme t;
	assert_int_equal(theme_load(&t, "monochrome", err, sizeof(err)), 0);
	assert_true(t.mono);
	assert_string_equal(t.name, "mono");
	assert_is_builtin_mono(&t);
	assert_int_equal(theme_load(&t, "mono", err, sizeof(err)), 0);
	assert_true(t.mono);
	assert_is_builtin_mono(&t);
}

/* ---- style names ---- */

static void test_style_names(void **state)
{
	(void)state;
	for (int i = 0; i < ST_COUNT; i++) {
		const char *name = style_name((enum style)i);
		assert_non_null(name);
		assert_string_not_equal(name, "unknown");
		assert_int_equal(style_from_name(name), i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(style_name((enum style)j), name);
	}
	assert_string_equal(style_name(ST_TABLE_HEAD), "table_head");
	assert_int_equal(style_from_name("table_head"), ST_TABLE_HEAD);
	assert_int_equal(style_from_name("nope"), -1);
	assert_int_equal(style_from_name(""), -1);
	assert_int_equal(style_from_name("Table_Head"), -1);
	assert_int_equal(style_from_name(NULL), -1);
	assert_string_equal(style_name(ST_COUNT), "unknown");
	assert_string_equal(style_name((enum style)-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dark),
		cmocka_unit_test(test_light),
		cmocka_unit_test(test_mono),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_colours),
		cmocka_unit_test(test_load_unknown),
		cmocka_unit_test(test_load_broken_file),
		cmocka_unit_test(test_load_mono_names),
		cmocka_unit_test(test_style_names),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
