/* test_model_incremental.c: a model updated in place (store changes, filters
 * typed further, new sort columns, more changes than the store's journal
 * keeps) must hold the same order as a naive sort, after thousands of random
 * steps; the keyed sort agrees with the cell comparison. */
#include "tests/unit/model_fixture.h"

static int naive_cmp(const void *pa, const void *pb, void *arg)
{
	const struct model_params *p = arg;
	return model_compare(&test_view, p->sort_col, p->sort_desc, *(struct row *const *)pa, *(struct row *const *)pb);
}

/* What the model must show, computed the slow obvious way. */
static void expect_same(const struct model *m, const struct rtable *t, const struct model_params *p, int step)
{
	struct row **want = xmalloc((t->len + 1) * sizeof(*want));
	size_t n = 0;
	for (size_t i = 0; i < t->len; i++) {
		struct row *r = t->rows[i];
		if (r->gone_ms && !p->include_gone)
			continue;
		if (p->scope_cell >= 0 && strcmp(row_text(r, p->scope_cell), p->scope_value))
			continue;
		if (!filter_match(p->filter, &test_view, r))
			continue;
		want[n++] = r;
	}
	qsort_r(want, n, sizeof(*want), naive_cmp, (void *)p);
	if (n != m->len) {
		for (size_t i = 0; i < m->len; i++) {
			size_t j = 0;
			while (j < n && want[j] != m->rows[i])
				j++;
			if (j == n)
				print_message("extra %s name %s state %s filter %s\n", m->rows[i]->id, row_text(m->rows[i], CTR_NAME),
					      row_text(m->rows[i], CTR_STATE), p->filter && p->filter->text ? p->filter->text : "-");
		}
		fail_msg("step %d: %zu rows shown, %zu expected", step, m->len, n);
	}
	for (size_t i = 0; i < n; i++)
		if (want[i] != m->rows[i])
			fail_msg("step %d: row %zu is %s, expected %s", step, i, m->rows[i]->id, want[i]->id);
	free(want);
}

static unsigned rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) & 0xffffff;
}

/* Names that stress the keys: shared long prefixes, digit runs with leading
 * zeros, case, and runs longer than a key holds. */
static void random_name(unsigned *seed, char *out, size_t outlen)
{
	static const char *const stems[] = {"web", "Web", "notifications-service-", "db", "x", "a-b", "ñandú", "WEB-0"};
	const char *stem = stems[rnd(seed) % 8];
	unsigned n = rnd(seed) % 120;
	switch (rnd(seed) % 4) {
	case 0: snprintf(out, outlen, "%s%u", stem, n); break;
	case 1: snprintf(out, outlen, "%s-%03u-%u", stem, n, rnd(seed) % 3); break;
	case 2: snprintf(out, outlen, "%s%u%s", stem, n, n % 2 ? "a" : "B"); break;
	default: snprintf(out, outlen, "%s-%u-%u-%u", stem, n / 10, n % 10, rnd(seed) % 1000);
	}
}

static void test_incremental_order(void **state)
{
	struct fixture *fx = *state;
	unsigned seed = 12345;
	static const char *const filters[] = {NULL, "web", "web-0", "^web-0", "!web", "^db", "1$", "^x1$", "running", "3d"};
	static const char *const states[] = {"running", "exited", "created", NULL};
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .include_gone = true};
	struct filter f;
	filter_init(&f, NULL);
	/* a second model of the same table built seldom: the store's journal
	 * serves two readers at different gens, and rows only it still holds
	 * are purged from the table meanwhile */
	struct model m2;
	model_init(&m2, &test_view);
	struct model_params p2 = {.scope_cell = -1, .scope_ns_cell = -1, .sort_col = 2, .sort_desc = true};
	char id[32], name[64];
	int next_id = 0;
	for (int step = 0; step < 3000; step++) {
		unsigned op = rnd(&seed) % 100;
		int64_t now_ms = 5000 + step * 100;
		/* wall time stands still: ages are matched as of a row's last
		 * change or the filter's typing, which is model.h's contract */
		clock_pin(now_ms, NOW);
		if (op < 30) {
			/* a new row, or one coming back */
			snprintf(id, sizeof(id), "r%04d", rnd(&seed) % 8 ? next_id++ : (int)(rnd(&seed) % (next_id + 1)));
			struct row *r = rtable_upsert(fx->s, fx->t, id);
			random_name(&seed, name, sizeof(name));
			if (!r->cells[CTR_NAME].text)
				row_set_text(fx->s, fx->t, r, CTR_NAME, name);
			row_set_num(fx->s, fx->t, r, CTR_MEM, CELL_BYTES, rnd(&seed) % 50, NULL);
		} else if (op < 60 && fx->t->len) {
			/* a change to a sort key or to what the filter sees */
			struct row *r = fx->t->rows[rnd(&seed) % fx->t->len];
			const char *st = states[rnd(&seed) % 4];
			if (st)
				row_set_text(fx->s, fx->t, r, CTR_STATE, st);
			else
				row_clear(fx->s, fx->t, r, CTR_STATE);
			row_set_num(fx->s, fx->t, r, CTR_CREATED, CELL_TIME, NOW - rnd(&seed) % 400000, NULL);
			if (rnd(&seed) % 4 == 0)
				row_set_num(fx->s, fx->t, r, CTR_CPU, CELL_PERMILLE, rnd(&seed) % 3, NULL);
		} else if (op < 70 && fx->t->len) {
			rtable_delete(fx->s, fx->t, fx->t->rows[rnd(&seed) % fx->t->len]->id);
		} else if (op < 74) {
			rtable_purge(fx->s, fx->t, 1000);
		} else if (op < 77) {
			/* a relist that misses a few */
			rtable_relist_begin(fx->t);
			for (size_t i = 0; i < fx->t->len; i++)
				if (rnd(&seed) % 10)
					rtable_upsert(fx->s, fx->t, fx->t->rows[i]->id);
			rtable_relist_end(fx->s, fx->t);
		} else if (op < 85) {
			filter_cleanup(&f);
			filter_init(&f, filters[rnd(&seed) % 10]);
		} else if (op < 90) {
			/* typed further, the way a user narrows a filter */
			char more[64];
			snprintf(more, sizeof(more), "%s%c", f.text ? f.text : "w", "eb-01"[rnd(&seed) % 5]);
			filter_cleanup(&f);
			filter_init(&f, more);
		} else if (op < 96) {
			p.sort_col = (int)(rnd(&seed) % (unsigned)test_view.ncolumns);
			p.sort_desc = rnd(&seed) % 2;
		} else if (op < 98) {
			p.include_gone = !p.include_gone;
		} else {
			p.scope_cell = p.scope_cell < 0 ? CTR_STATE : -1;
			p.scope_value = "running";
		}
		bool burst = step % 700 == 699 && fx->t->len;
		if (burst) {
			/* more changes between two builds than the store's journal
			 * keeps: the model finds them by looking at every row */
			for (int i = 0; i < 1100; i++)
				row_set_num(fx->s, fx->t, fx->t->rows[rnd(&seed) % fx->t->len], CTR_CPU, CELL_PERMILLE,
					    1000 + i, NULL);
		}
		p.filter = &f;
		if (burst || rnd(&seed) % 3 == 0 || op >= 77) {
			model_build(&fx->m, fx->t, &p);
			expect_same(&fx->m, fx->t, &p, step);
		}
		if (step % 41 == 40) {
			model_build(&m2, fx->t, &p2);
			expect_same(&m2, fx->t, &p2, step);
		}
	}
	model_cleanup(&m2);
	filter_cleanup(&f);
	assert_true(next_id > 500);
}

/* The keys agree with the comparison on names sharing long prefixes. */
static void test_keyed_sort_matches_compare(void **state)
{
	struct fixture *fx = *state;
	unsigned seed = 99;
	char id[32], name[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "k%05d", i);
		struct row *r = rtable_upsert(fx->s, fx->t, id);
		random_name(&seed, name, sizeof(name));
		row_set_text(fx->s, fx->t, r, CTR_NAME, name);
		row_set_text(fx->s, fx->t, r, CTR_IMAGE, name + rnd(&seed) % 3);
		row_set_num(fx->s, fx->t, r, CTR_MEM, CELL_BYTES, rnd(&seed) % 7, NULL);
	}
	for (int col = 0; col < test_view.ncolumns; col++)
		for (int desc = 0; desc < 2; desc++) {
			struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .sort_col = col, .sort_desc = desc};
			model_build(&fx->m, fx->t, &p);
			expect_same(&fx->m, fx->t, &p, col * 2 + desc);
		}
}

/* A plain filter reads each row once and keeps what it read (with the row,
 * views/rowmatch.c): the next keystroke after a change sees the new text,
 * a time phrase is read as of now, and a view with other columns reads
 * its own. */
static void test_filter_follows_changes(void **state)
{
	struct fixture *fx = *state;
	assert_string_equal(build(fx, "canary", COL_NAME, false), "c05");
	while (model_warm(&fx->m, 2))
		;
	/* rows leaving after the warming leave nothing to walk past the end */
	rtable_delete(fx->s, fx->t, "c07");
	rtable_purge(fx->s, fx->t, 0);
	build(fx, "canary", COL_NAME, false);
	assert_false(model_warm(&fx->m, 2));
	struct row *r = rtable_find(fx->t, "c06");
	row_set_text(fx->s, fx->t, r, CTR_STATE, "Canary-Restarting");
	assert_string_equal(build(fx, "canary", COL_NAME, false), "c05 c06");
	row_set_text(fx->s, fx->t, r, CTR_STATE, "created");
	assert_string_equal(build(fx, "canary", COL_NAME, false), "c05");

	char up[] = "Up \x1f (healthy)";
	row_set_num(fx->s, fx->t, r, CTR_STATE, CELL_TIME, NOW - 2 * 3600, up);
	assert_string_equal(build(fx, "up 2 hours", COL_NAME, false), "c06");
	clock_pin(5000, NOW + 3600);
	assert_string_equal(build(fx, "up 3 hours (healthy", COL_NAME, false), "c06");
	assert_string_equal(build(fx, "up 2 hours", COL_NAME, false), "");

	/* the same rows through a view of the name alone: the image is not searched */
	static const struct column name_only[] = {{.title = "NAME", .cell = CTR_NAME}};
	struct view narrow = test_view;
	narrow.columns = name_only;
	narrow.ncolumns = 1;
	struct filter f;
	filter_init(&f, "postgres");
	assert_true(filter_match(&f, &test_view, rtable_find(fx->t, "c04")));
	assert_false(filter_match(&f, &narrow, rtable_find(fx->t, "c04")));
	assert_true(filter_match(&f, &test_view, rtable_find(fx->t, "c04")));
	filter_cleanup(&f);
}

/* The kept folded texts answer as reading every cell did. */
static void test_filter_kept_text_agrees(void **state)
{
	struct fixture *fx = *state;
	static const char *filters[] = {"web", "WEB", "nginx:", "c0", "max_connections", "!web", "canary",
					"running", "X[ABC]", "daemon off", "no-such", "ngin x"};
	char before[sizeof(filters) / sizeof(filters[0])][512];
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		snprintf(before[i], sizeof(before[i]), "%s", build(fx, filters[i], COL_STATE, true));
	while (model_warm(&fx->m, 3))
		;
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		assert_string_equal(build(fx, filters[i], COL_STATE, true), before[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_incremental_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyed_sort_matches_compare, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_follows_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_kept_text_agrees, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
