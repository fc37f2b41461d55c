/* test_model.c: the table model must filter (substring, regex, inverted),
 * scope, and sort (natural text, numbers, ages, with a total tie-break)
 * exactly the same way on every refresh, against a hand-made view so it does
 * not depend on any real view's columns (its updates in place:
 * test_model_incremental.c). */
#include "tests/unit/model_fixture.h"

static void test_no_filter(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(build(*state, NULL, COL_NAME, false), "c04 c01 c07 c05 c03 c02 c06");
	assert_string_equal(build(*state, "", COL_NAME, false), "c04 c01 c07 c05 c03 c02 c06");
	/* a lone '!' is a filter being typed, not "match nothing" */
	assert_string_equal(build(*state, "!", COL_NAME, false), "c04 c01 c07 c05 c03 c02 c06");
	assert_ptr_equal(fx->m.view, &test_view);

	struct filter f;
	filter_init(&f, NULL);
	assert_false(filter_active(&f));
	filter_cleanup(&f);
	filter_init(&f, "!");
	assert_false(filter_active(&f));
	filter_cleanup(&f);
	filter_init(&f, "web");
	assert_true(filter_active(&f));
	assert_false(f.regex);
	assert_false(f.invert);
	assert_string_equal(f.needle, "web");
	assert_string_equal(f.text, "web");
	filter_cleanup(&f);
	assert_false(filter_active(NULL));
}

static void test_filter_substring(void **state)
{
	/* case-insensitive: "WEB" finds Web-2 too */
	assert_string_equal(build(*state, "WEB", COL_NAME, false), "c01 c07 c05 c03 c02");
	assert_string_equal(build(*state, "canary", COL_NAME, false), "c05");
	assert_string_equal(build(*state, "no-such-thing", COL_NAME, false), "");
	/* a wide column counts */
	assert_string_equal(build(*state, "max_connections", COL_NAME, false), "c04");
	/* the row id counts although no column shows it */
	assert_string_equal(build(*state, "c06", COL_NAME, false), "c06");
	/* numeric cells match by what is displayed */
	assert_string_equal(build(*state, "GiB", COL_NAME, false), "c04 c02");
	assert_string_equal(build(*state, "3d", COL_NAME, false), "c03");
	assert_string_equal(build(*state, "30.0%", COL_NAME, false), "c04");
}

static void test_filter_invert(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(build(*state, "!web", COL_NAME, false), "c04 c06");
	assert_string_equal(build(*state, "!WEB", COL_NAME, false), "c04 c06");
	/* an inverted regex */
	assert_string_equal(build(*state, "!^web-[0-9]+$", COL_NAME, false), "c04 c05 c06");

	struct filter f;
	filter_init(&f, "!web");
	assert_true(f.invert);
	assert_string_equal(f.text, "!web"); /* as typed */
	assert_string_equal(f.needle, "web");
	assert_false(filter_match(&f, &test_view, rtable_find(fx->t, "c01")));
	assert_true(filter_match(&f, &test_view, rtable_find(fx->t, "c04")));
	filter_cleanup(&f);
}

static void test_filter_regex(void **state)
{
	struct fixture *fx = *state;
	struct filter f;
	filter_init(&f, "^web-[0-9]+$");
	assert_true(f.regex);
	assert_true(filter_match(&f, &test_view, rtable_find(fx->t, "c01")));
	assert_false(filter_match(&f, &test_view, rtable_find(fx->t, "c05")));
	filter_cleanup(&f);
	/* Web-2 matches too: regexes are case-insensitive as well */
	assert_string_equal(build(*state, "^web-[0-9]+$", COL_NAME, false), "c01 c07 c03 c02");
	assert_string_equal(build(*state, "^(db|x)", COL_NAME, false), "c04 c06");
	assert_string_equal(build(*state, "nginx:[2]", COL_NAME, false), "c05 c03");
}

/* Anchors around plain text are matched without the regex engine, the same way. */
static void test_filter_anchored(void **state)
{
	struct fixture *fx = *state;
	struct filter f;
	filter_init(&f, "^WEB-1");
	assert_false(f.regex);
	assert_true(f.anchor_start);
	assert_false(f.anchor_end);
	assert_string_equal(f.needle, "WEB-1");
	assert_string_equal(f.text, "^WEB-1");
	filter_cleanup(&f);
	assert_string_equal(build(*state, "^web-1", COL_NAME, false), "c01 c07 c05 c02");
	assert_string_equal(build(*state, "^web-1$", COL_NAME, false), "c01 c07");
	assert_string_equal(build(*state, "canary$", COL_NAME, false), "c05");
	assert_string_equal(build(*state, "!^web", COL_NAME, false), "c04 c06");
	/* any column: the image starts with postgres */
	assert_string_equal(build(*state, "^postgres", COL_NAME, false), "c04");
	/* "^$" or an escaped "$" is the regex engine's again */
	filter_init(&f, "1\\$");
	assert_true(f.regex);
	filter_cleanup(&f);
	filter_init(&f, "^");
	assert_true(f.regex);
	assert_true(filter_match(&f, &test_view, rtable_find(fx->t, "c01")));
	filter_cleanup(&f);
}

/* "-l SELECTOR" at the start is for the server; the rest filters here. */
static void test_filter_selector(void **state)
{
	(void)state;
	struct filter f;
	filter_init(&f, "-l app=web,tier!=db nginx");
	assert_string_equal(f.selector, "app=web,tier!=db");
	assert_string_equal(f.needle, "nginx");
	assert_string_equal(f.text, "-l app=web,tier!=db nginx");
	filter_cleanup(&f);
	filter_init(&f, "-l app=web");
	assert_string_equal(f.selector, "app=web");
	assert_false(filter_active(&f));
	filter_cleanup(&f);
	filter_init(&f, "-l  env in (prod, qa),!canary  !web");
	assert_string_equal(f.selector, "env in (prod, qa),!canary");
	assert_true(f.invert);
	assert_string_equal(f.needle, "web");
	filter_cleanup(&f);
	filter_init(&f, "-l tier notin (db) x");
	assert_string_equal(f.selector, "tier notin (db)");
	filter_cleanup(&f);
	/* not a selector: "-lx", "-l" alone, "-l " still being typed */
	filter_init(&f, "-lx");
	assert_null(f.selector);
	assert_string_equal(f.needle, "-lx");
	filter_cleanup(&f);
	filter_init(&f, "-l ");
	assert_null(f.selector);
	assert_false(filter_active(&f));
	filter_cleanup(&f);
	char *sel = filter_selector("-l a=b rest");
	assert_string_equal(sel, "a=b");
	free(sel);
	assert_null(filter_selector("web"));
	assert_null(filter_selector(NULL));
}

static void test_filter_invalid_regex(void **state)
{
	struct fixture *fx = *state;
	struct filter f;
	filter_init(&f, "[abc");
	assert_false(f.regex);
	assert_true(filter_active(&f));
	assert_string_equal(f.needle, "[abc");
	assert_true(filter_match(&f, &test_view, rtable_find(fx->t, "c06")));
	assert_false(filter_match(&f, &test_view, rtable_find(fx->t, "c01")));
	filter_cleanup(&f);
	assert_string_equal(build(*state, "[abc", COL_NAME, false), "c06");
	assert_string_equal(build(*state, "![ABC", COL_NAME, false), "c04 c01 c07 c05 c03 c02");
}

static void test_sort_text_natural(void **state)
{
	/* web-1 < web-1-canary < web-10, Web-2 among them regardless of case */
	assert_string_equal(build(*state, "web", COL_NAME, false), "c01 c07 c05 c03 c02");
	assert_string_equal(build(*state, "web", COL_NAME, true), "c02 c03 c05 c01 c07");
	assert_string_equal(build(*state, NULL, COL_IMAGE, false), "c06 c01 c07 c02 c05 c03 c04");
}

static void test_sort_bytes(void **state)
{
	/* unset first, then by number, not by the "2.0GiB" text */
	assert_string_equal(build(*state, NULL, COL_MEM, false), "c05 c06 c03 c07 c01 c04 c02");
	assert_string_equal(build(*state, NULL, COL_MEM, true), "c02 c04 c01 c07 c03 c06 c05");
	assert_string_equal(build(*state, NULL, COL_CPU, false), "c03 c06 c05 c02 c07 c01 c04");
}

static void test_sort_age(void **state)
{
	/* ascending age: the youngest (newest timestamp) first */
	assert_string_equal(build(*state, NULL, COL_AGE, false), "c04 c01 c05 c02 c06 c03 c07");
	assert_string_equal(build(*state, NULL, COL_AGE, true), "c07 c03 c06 c02 c05 c01 c04");
}

static void test_tie_break(void **state)
{
	struct fixture *fx = *state;
	/* equal states keep name order (then id) in both directions */
	const char *asc = "c06 c03 c04 c01 c07 c05 c02";
	assert_string_equal(build(*state, NULL, COL_STATE, false), asc);
	assert_string_equal(build(*state, NULL, COL_STATE, true), "c04 c01 c07 c05 c02 c03 c06");

	/* the same order whatever order rows sit in the store (reversing the
	 * array behind the store's back is fine: nothing is removed before
	 * teardown, which only walks the array) */
	struct row **rows = fx->t->rows;
	for (size_t i = 0, j = fx->t->len - 1; i < j; i++, j--) {
		struct row *tmp = rows[i];
		rows[i] = rows[j];
		rows[j] = tmp;
	}
	assert_string_equal(build(*state, NULL, COL_STATE, false), asc);

	const struct row *a = rtable_find(fx->t, "c01"), *b = rtable_find(fx->t, "c07");
	assert_true(model_compare(&test_view, COL_NAME, false, a, b) < 0);
	assert_true(model_compare(&test_view, COL_NAME, true, a, b) < 0);
	assert_true(model_compare(&test_view, COL_NAME, false, b, a) > 0);
	assert_int_equal(model_compare(&test_view, COL_NAME, false, a, a), 0);
	/* an out-of-range column still gives a total order */
	assert_true(model_compare(&test_view, 99, false, a, b) < 0);
}

static void test_scope(void **state)
{
	struct fixture *fx = *state;
	struct model_params p = {.scope_cell = CTR_IMAGE, .scope_value = "nginx:1", .sort_col = COL_NAME};
	model_build(&fx->m, fx->t, &p);
	assert_int_equal(fx->m.len, 3);
	assert_string_equal(fx->m.rows[0]->id, "c01");
	assert_string_equal(fx->m.rows[1]->id, "c07");
	assert_string_equal(fx->m.rows[2]->id, "c02");

	/* exact, not a substring */
	p.scope_value = "nginx";
	model_build(&fx->m, fx->t, &p);
	assert_int_equal(fx->m.len, 0);

	/* scope and filter together */
	struct filter f;
	filter_init(&f, "daemon");
	p.scope_value = "nginx:1";
	p.filter = &f;
	model_build(&fx->m, fx->t, &p);
	filter_cleanup(&f);
	assert_int_equal(fx->m.len, 1);
	assert_string_equal(fx->m.rows[0]->id, "c01");

	/* the gone row is in scope only when gone rows are wanted */
	p.filter = NULL;
	p.include_gone = true;
	model_build(&fx->m, fx->t, &p);
	assert_int_equal(fx->m.len, 4);
	assert_int_not_equal(model_find(&fx->m, "c08"), -1);
}

static void test_gone_rows(void **state)
{
	struct fixture *fx = *state;
	struct model_params p = {.scope_cell = -1, .sort_col = COL_NAME};
	model_build(&fx->m, fx->t, &p);
	assert_int_equal(fx->m.len, 7);
	assert_int_equal(model_find(&fx->m, "c08"), -1);
	p.include_gone = true;
	model_build(&fx->m, fx->t, &p);
	assert_int_equal(fx->m.len, 8);
	assert_string_equal(fx->m.rows[model_find(&fx->m, "c08")]->id, "c08");
	/* web-3 sorts between Web-2 and web-10 */
	assert_int_equal(model_find(&fx->m, "c08"), 5);

	/* an empty or missing table gives an empty model */
	model_build(&fx->m, NULL, &p);
	assert_int_equal(fx->m.len, 0);
	assert_int_equal(model_find(&fx->m, "c01"), -1);
}

static void test_find(void **state)
{
	struct fixture *fx = *state;
	build(fx, NULL, COL_NAME, false);
	assert_int_equal(model_find(&fx->m, "c04"), 0);
	assert_int_equal(model_find(&fx->m, "c06"), 6);
	assert_int_equal(model_find(&fx->m, "c01"), 1);
	assert_int_equal(model_find(&fx->m, "nope"), -1);
	assert_int_equal(model_find(&fx->m, NULL), -1);
	/* the selection follows its row when the order changes */
	build(fx, NULL, COL_NAME, true);
	assert_int_equal(model_find(&fx->m, "c04"), 6);
	/* by the row itself, as the screen finds its selection */
	assert_int_equal(model_find_row(&fx->m, rtable_find(fx->t, "c04")), 6);
	assert_int_equal(model_find_row(&fx->m, rtable_find(fx->t, "c01")), model_find(&fx->m, "c01"));
	assert_int_equal(model_find_row(&fx->m, NULL), -1);
	build(fx, "c01", COL_NAME, true);
	assert_int_equal(model_find_row(&fx->m, rtable_find(fx->t, "c04")), -1); /* filtered out */
	assert_int_equal(model_find_row(&fx->m, rtable_find(fx->t, "c01")), 0);
}

static void test_cell_text(void **state)
{
	(void)state;
	char out[64];
	struct cell c = {0};
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "");

	c = (struct cell){.type = CELL_TEXT, .text = "hello"};
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "hello");
	model_cell_text(&c, NOW, out, 3);
	assert_string_equal(out, "he");

	c = (struct cell){.type = CELL_TIME, .num = NOW - 90};
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "90s");
	c.num = NOW - 3 * 86400 - 4 * 3600;
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "3d4h");

	c = (struct cell){.type = CELL_INT, .num = 42};
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "42");
	c.text = "yes (3)";
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "yes (3)");

	c = (struct cell){.type = CELL_BYTES, .num = 1536};
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "1.5KiB");
	c.num = 300 * MiB;
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "300MiB");

	c = (struct cell){.type = CELL_PERMILLE, .num = 125};
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "12.5%");
	c.num = 1500;
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "150.0%");
	c.num = 0;
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "0.0%");
	c.num = -5;
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "-0.5%");
	c.text = "n/a";
	model_cell_text(&c, NOW, out, sizeof(out));
	assert_string_equal(out, "n/a");
}

static void test_compare_cells(void **state)
{
	(void)state;
	static const struct column one[] = {{.title = "X", .cell = 0}};
	static const struct view v = {.kind = "x", .columns = one, .ncolumns = 1, .ncells = 1};
	struct row *pa = xcalloc(1, sizeof(struct row) + sizeof(struct cell));
	struct row *pb = xcalloc(1, sizeof(struct row) + sizeof(struct cell));
	pa->ncells = pb->ncells = 1;
	pa->id = "a";
	pb->id = "b";

	struct {
		const char *x, *y;
	} less[] = {
		{"web-2", "web-10"}, {"Web-2", "web-10"}, {"web-2", "WEB-10"}, {"a", "B"},
		{"app", "apple"},    {"v1.9", "v1.10"},   {"x9y", "x10y"},     {"1", "01"},
		{"", "a"},
	};
	for (size_t i = 0; i < sizeof(less) / sizeof(less[0]); i++) {
		pa->cells[0] = (struct cell){.type = CELL_TEXT, .text = (char *)less[i].x};
		pb->cells[0] = (struct cell){.type = CELL_TEXT, .text = (char *)less[i].y};
		if (model_compare(&v, 0, false, pa, pb) >= 0 || model_compare(&v, 0, false, pb, pa) <= 0)
			fail_msg("expected \"%s\" < \"%s\"", less[i].x, less[i].y);
	}

	/* unset sorts before even an empty text */
	pa->cells[0] = (struct cell){0};
	pb->cells[0] = (struct cell){.type = CELL_TEXT, .text = ""};
	assert_true(model_compare(&v, 0, false, pb, pa) > 0);
	/* equal text, different case: falls back to the id */
	pa->cells[0] = (struct cell){.type = CELL_TEXT, .text = "Web"};
	pb->cells[0] = (struct cell){.type = CELL_TEXT, .text = "web"};
	assert_true(model_compare(&v, 0, false, pb, pa) > 0);
	assert_true(model_compare(&v, 0, true, pb, pa) > 0);
	free(pa);
	free(pb);
}

/* Columns a view marks as versions sort as a tag list wants. */
static void test_compare_versions(void **state)
{
	(void)state;
	static const char *const order[] = {"0.9", "1.2", "1.2.1", "1.2.3", "1.9.0", "1.10.0-rc.1", "1.10.0-rc.2",
					    "1.10.0", "2.0.0-beta.2", "2.0.0", "2.5.3", "3.0.0", "v3.0.0", "10", "latest",
					    "stable"};
	size_t n = sizeof(order) / sizeof(order[0]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int d = model_version_cmp(order[i], order[j]);
			if ((i < j && d >= 0) || (i > j && d <= 0) || (i == j && d))
				fail_msg("version order of \"%s\" and \"%s\": %d", order[i], order[j], d);
		}
	/* a view marks the cell; other columns keep the natural order */
	static const struct column cols[] = {{.title = "TAG", .cell = 0}, {.title = "OTHER", .cell = 1}};
	static const struct view v = {.kind = "x", .columns = cols, .ncolumns = 2, .ncells = 2, .version_cells = 1};
	struct row *pa = xcalloc(1, sizeof(struct row) + 2 * sizeof(struct cell));
	struct row *pb = xcalloc(1, sizeof(struct row) + 2 * sizeof(struct cell));
	pa->ncells = pb->ncells = 2;
	pa->id = "a";
	pb->id = "b";
	pa->cells[0] = pa->cells[1] = (struct cell){.type = CELL_TEXT, .text = "1.10.0"};
	pb->cells[0] = pb->cells[1] = (struct cell){.type = CELL_TEXT, .text = "1.10.0-rc.1"};
	assert_true(model_compare(&v, 0, false, pa, pb) > 0);
	assert_true(model_compare(&v, 1, false, pa, pb) < 0);
	assert_true(model_natural_cmp("web-2", "web-10") < 0);
	free(pa);
	free(pb);
}

/* Where an image runs: rows narrowed to those naming an image, by a digest
 * in common (an index's or a platform's), else by the same reference. */
static void test_scope_image(void **state)
{
	(void)state;
	enum { REF, DIGESTS, NCELLS };
	static const struct column cols[] = {{.title = "IMAGE", .cell = REF}};
	static const struct image_cells ic = {.ref = REF, .digests = DIGESTS, .runs = true};
	static const struct view v = {.kind = "x", .columns = cols, .ncolumns = 1, .ncells = NCELLS, .image = &ic};
	const char *idx = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	const char *amd = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
	struct store *s = store_new();
	struct rtable *t = store_table(s, "x", NCELLS);
	struct row *src = rtable_upsert(s, t, "tag");
	row_set_text(s, t, src, REF, "reg.example:5000/lab/app:1.1.0");
	char digests[200];
	snprintf(digests, sizeof(digests), "%s %s", idx, amd);
	row_set_text(s, t, src, DIGESTS, digests);
	char want[1024];
	image_want(&v, src, want, sizeof(want));
	assert_non_null(strstr(want, "|reg.example:5000/lab/app:1.1.0"));
	assert_string_equal(image_want_how(want), "by digest");
	/* a container by the platform's digest, one by the index's, one of
	 * another image, one without digests but the same reference, one with
	 * another image's digest and the same reference (its digest wins) */
	struct row *a = rtable_upsert(s, t, "a"), *b = rtable_upsert(s, t, "b"), *c = rtable_upsert(s, t, "c");
	struct row *d = rtable_upsert(s, t, "d"), *e = rtable_upsert(s, t, "e");
	row_set_text(s, t, a, DIGESTS, amd);
	row_set_text(s, t, b, DIGESTS, idx);
	row_set_text(s, t, c, DIGESTS, "sha256:3333333333333333333333333333333333333333333333333333333333333333");
	row_set_text(s, t, d, REF, "reg.example:5000/lab/app:1.1.0");
	row_set_text(s, t, e, REF, "reg.example:5000/lab/app:1.1.0");
	row_set_text(s, t, e, DIGESTS, "sha256:4444444444444444444444444444444444444444444444444444444444444444");
	assert_true(image_row_matches(&ic, a, want));
	assert_true(image_row_matches(&ic, b, want));
	assert_false(image_row_matches(&ic, c, want));
	assert_true(image_row_matches(&ic, d, want));
	assert_false(image_row_matches(&ic, e, want));
	struct model m;
	model_init(&m, &v);
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .scope_image = want};
	model_build(&m, t, &p);
	assert_int_equal(m.len, 4); /* the tag row itself names it too */
	assert_true(model_find(&m, "c") < 0);
	assert_true(model_find(&m, "e") < 0);
	model_cleanup(&m);
	/* docker's defaults: "nginx" is docker.io/library/nginx:latest */
	row_set_text(s, t, src, REF, "docker.io/library/nginx:latest");
	row_clear(s, t, src, DIGESTS);
	image_want(&v, src, want, sizeof(want));
	assert_string_equal(image_want_how(want), "by reference");
	row_set_text(s, t, d, REF, "nginx");
	assert_true(image_row_matches(&ic, d, want));
	store_free(s);
}

/* 50,000 rows must filter and sort without trouble (no timing asserted). */
static void test_big(void **state)
{
	struct fixture *fx = *state;
	char id[32], name[32];
	for (int i = 0; i < 50000; i++) {
		snprintf(id, sizeof(id), "big%05d", i);
		snprintf(name, sizeof(name), "pod-%d", (i * 7919) % 50000);
		struct row *r = rtable_upsert(fx->s, fx->t, id);
		row_set_text(fx->s, fx->t, r, CTR_NAME, name);
		row_set_num(fx->s, fx->t, r, CTR_MEM, CELL_BYTES, i % 1000, NULL);
	}
	struct model_params p = {.scope_cell = -1, .sort_col = COL_NAME};
	model_build(&fx->m, fx->t, &p);
	assert_int_equal(fx->m.len, 50007);
	for (size_t i = 1; i < fx->m.len; i++)
		assert_true(model_compare(&test_view, COL_NAME, false, fx->m.rows[i - 1], fx->m.rows[i]) < 0);
	assert_string_equal(row_text(fx->m.rows[0], CTR_NAME), "db");
	assert_string_equal(row_text(fx->m.rows[1], CTR_NAME), "pod-0");
	assert_string_equal(row_text(fx->m.rows[2], CTR_NAME), "pod-1");

	struct filter f;
	filter_init(&f, "^pod-4999[0-9]$");
	p.filter = &f;
	p.sort_col = COL_MEM;
	p.sort_desc = true;
	model_build(&fx->m, fx->t, &p);
	filter_cleanup(&f);
	assert_int_equal(fx->m.len, 10);
	for (size_t i = 1; i < fx->m.len; i++)
		assert_true(fx->m.rows[i - 1]->cells[CTR_MEM].num >= fx->m.rows[i]->cells[CTR_MEM].num);
}

/* The screen reads its model (drawing, highlight checks, the selected row for
 * an action) at any time between two rebuilds, while the session purges rows
 * whose linger has passed. Whatever the store does in between, every row the
 * model shows stays readable until the model is rebuilt. */
static void test_purged_rows_stay_readable(void **state)
{
	struct fixture *fx = *state;
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .sort_col = COL_NAME, .include_gone = true};
	model_build(&fx->m, fx->t, &p);
	long g = model_find(&fx->m, "c08");
	assert_true(g >= 0);
	assert_int_equal(fx->m.len, 8);

	/* the linger passes: the deleted row leaves the store... */
	clock_pin(5000 + GONE_MS, NOW + 10);
	assert_int_equal(rtable_purge(fx->s, fx->t, GONE_MS), 1);
	assert_null(rtable_find(fx->t, "c08"));
	/* ...and a namespace switch (a relist that finds nothing) takes the rest */
	rtable_relist_begin(fx->t);
	rtable_relist_end(fx->s, fx->t);
	clock_pin(5000 + 2 * GONE_MS, NOW + 20);
	assert_int_equal(rtable_purge(fx->s, fx->t, GONE_MS), 7);
	/* a new object takes an old id meanwhile */
	struct row *n = rtable_upsert(fx->s, fx->t, "c01");
	row_set_text(fx->s, fx->t, n, CTR_NAME, "api-1");

	/* the model still shows what it was built from, intact */
	const struct row *r = fx->m.rows[g];
	assert_string_equal(r->id, "c08");
	assert_string_equal(row_text(r, CTR_NAME), "web-3");
	assert_true(r->gone_ms != 0);
	for (size_t i = 0; i < fx->m.len; i++)
		assert_true(fx->m.rows[i]->gone_ms != 0);
	assert_string_equal(row_text(fx->m.rows[model_find(&fx->m, "c01")], CTR_NAME), "web-1");

	/* the next build sees only the store's rows */
	model_build(&fx->m, fx->t, &p);
	assert_int_equal(fx->m.len, 1);
	assert_string_equal(row_text(fx->m.rows[0], CTR_NAME), "api-1");
}

/* An endpoint closed (its store freed) while a model still holds its rows. */
static void test_model_outlives_store(void **state)
{
	(void)state;
	struct store *s = store_new();
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	row_set_text(s, t, rtable_upsert(s, t, "a"), CTR_NAME, "alpha");
	struct model m;
	model_init(&m, &test_view);
	model_build(&m, t, NULL);
	store_free(s);
	assert_int_equal(m.len, 1);
	assert_string_equal(row_text(m.rows[0], CTR_NAME), "alpha");
	model_cleanup(&m);
}

/* A view's version column sorts by version in the kept order too (it has
 * no keys), either way, and the order follows a change. */
static void test_version_column_order(void **state)
{
	(void)state;
	static const struct column cols[] = {{.title = "TAG", .cell = 0}};
	static const struct view v = {.kind = "x", .columns = cols, .ncolumns = 1, .ncells = 1, .version_cells = 1};
	static const char *const tags[] = {"1.10.0", "latest", "1.2", "1.10.0-rc.1", "v3.0.0", "1.9.0"};
	static const char *const want[] = {"1.2", "1.9.0", "1.10.0-rc.1", "1.10.0", "v3.0.0", "latest"};
	struct store *s = store_new();
	struct rtable *t = store_table(s, "x", 1);
	for (size_t i = 0; i < 6; i++)
		row_set_text(s, t, rtable_upsert(s, t, tags[i]), 0, tags[i]);
	struct model m;
	model_init(&m, &v);
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .sort_col = 0};
	model_build(&m, t, &p);
	assert_int_equal(m.len, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(row_text(m.rows[i], 0), want[i]);
	p.sort_desc = true;
	model_build(&m, t, &p);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(row_text(m.rows[i], 0), want[5 - i]);
	row_set_text(s, t, rtable_find(t, "latest"), 0, "0.1");
	model_build(&m, t, &p);
	assert_string_equal(row_text(m.rows[5], 0), "0.1");
	model_cleanup(&m);
	store_free(s);
}

/* Several endpoints' tables as one (an @all view): every row, sorted as
 * one table, each found to its source; a filter matching a source's label
 * keeps all of that source's rows. */
static void test_many_sources(void **state)
{
	(void)state;
	struct store *s1 = store_new(), *s2 = store_new();
	struct rtable *t1 = store_table(s1, KIND_CONTAINERS, CTR_NCELLS), *t2 = store_table(s2, KIND_CONTAINERS, CTR_NCELLS);
	row_set_text(s1, t1, rtable_upsert(s1, t1, "a"), CTR_NAME, "web-2");
	row_set_text(s1, t1, rtable_upsert(s1, t1, "b"), CTR_NAME, "db");
	row_set_text(s2, t2, rtable_upsert(s2, t2, "a"), CTR_NAME, "web-10");
	struct model_source srcs[] = {{t1, s1, "one"}, {t2, s2, "two"}};
	struct model m;
	model_init(&m, &test_view);
	struct filter f;
	filter_init(&f, NULL);
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .sort_col = COL_NAME, .filter = &f};
	model_build_many(&m, srcs, 2, &p);
	assert_int_equal(m.len, 3);
	assert_string_equal(row_text(m.rows[0], CTR_NAME), "db");
	assert_string_equal(row_text(m.rows[1], CTR_NAME), "web-2");
	assert_string_equal(row_text(m.rows[2], CTR_NAME), "web-10");
	assert_ptr_equal(model_row_source(&m, 2)->owner, s2);
	assert_ptr_equal(model_row_source(&m, 1)->owner, s1);
	filter_cleanup(&f);
	filter_init(&f, "two");
	model_build_many(&m, srcs, 2, &p);
	assert_int_equal(m.len, 1);
	assert_string_equal(row_text(m.rows[0], CTR_NAME), "web-10");
	/* back to one table: no sources kept, the kept order built anew */
	model_build(&m, t1, &p);
	assert_null(model_row_source(&m, 0));
	filter_cleanup(&f);
	filter_init(&f, NULL);
	model_build(&m, t1, &p);
	assert_int_equal(m.len, 2);
	filter_cleanup(&f);
	model_cleanup(&m);
	store_free(s1);
	store_free(s2);
}

/* ---- the incremental order ---- */

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_no_filter),	    T(test_filter_substring), T(test_filter_invert),
		T(test_filter_regex),	    T(test_filter_invalid_regex), T(test_sort_text_natural),
		T(test_filter_anchored),   T(test_filter_selector),
		T(test_sort_bytes),	    T(test_sort_age),	      T(test_tie_break),
		T(test_scope),		    T(test_gone_rows),	      T(test_find),
		T(test_cell_text),	    T(test_compare_cells),    T(test_compare_versions), T(test_scope_image), T(test_big),
		T(test_purged_rows_stay_readable), T(test_model_outlives_store),
		T(test_version_column_order), T(test_many_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
