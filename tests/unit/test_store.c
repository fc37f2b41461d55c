/* test_store.c: the resource store must only report real changes, tell
 * first-list rows from later arrivals, mark and sweep on relist, keep gone
 * rows until purged, keep its id index right at cluster scale, share the
 * values rows repeat, and keep ages in count cells live. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/model/intern.h"
#include "backends/model/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

/* Pinned clocks start well away from 0, which means "unpinned"/"never". */
#define T0 1000000

static int setup(void **state)
{
	clock_pin(T0, 1700000000);
	*state = store_new();
	return 0;
}

static int teardown(void **state)
{
	store_free(*state);
	clock_pin(0, 0);
	return 0;
}

static void test_upsert_find(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	assert_non_null(t);
	assert_ptr_equal(store_table(s, KIND_CONTAINERS, CTR_NCELLS), t);
	assert_ptr_equal(store_find_table(s, KIND_CONTAINERS), t);
	assert_null(store_find_table(s, KIND_IMAGES));
	assert_null(rtable_find(t, "a"));

	struct row *a = rtable_upsert(s, t, "a");
	assert_non_null(a);
	assert_string_equal(a->id, "a");
	assert_int_equal(a->ncells, CTR_NCELLS);
	assert_ptr_equal(rtable_find(t, "a"), a);
	assert_ptr_equal(rtable_upsert(s, t, "a"), a);
	assert_int_equal(t->len, 1);

	row_set_text(s, t, a, CTR_NAME, "web-1");
	assert_string_equal(row_text(a, CTR_NAME), "web-1");
	assert_string_equal(row_text(a, CTR_IMAGE), "");
	assert_string_equal(row_text(a, 999), "");
	assert_string_equal(row_text(a, -1), "");
	/* out-of-range writes are ignored, not memory corruption */
	row_set_text(s, t, a, CTR_NCELLS, "x");
	row_set_num(s, t, a, -1, CELL_INT, 1, NULL);
}

static void test_same_value_changes_nothing(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	rtable_relist_begin(t);
	struct row *r = rtable_upsert(s, t, "c1");
	row_set_text(s, t, r, CTR_NAME, "web-1");
	row_set_text(s, t, r, CTR_STATE, "running");
	row_set_num(s, t, r, CTR_MEM, CELL_BYTES, 1024, NULL);
	row_set_num(s, t, r, CTR_CPU, CELL_PERMILLE, 125, "12.5%");
	rtable_relist_end(s, t);
	/* first fill of a cell is not a change to flash */
	assert_false(cell_changed_within(&r->cells[CTR_STATE], T0, 1000000));
	assert_false(cell_changed_within(&r->cells[CTR_MEM], T0, 1000000));

	uint64_t gen = t->gen, sgen = s->gen;
	clock_pin(T0 + 500, 1700000000);
	row_set_text(s, t, r, CTR_NAME, "web-1");
	row_set_text(s, t, r, CTR_STATE, "running");
	row_set_num(s, t, r, CTR_MEM, CELL_BYTES, 1024, NULL);
	row_set_num(s, t, r, CTR_CPU, CELL_PERMILLE, 125, "12.5%");
	assert_ptr_equal(rtable_upsert(s, t, "c1"), r);
	assert_int_equal(t->gen, gen);
	assert_int_equal(s->gen, sgen);
	assert_false(cell_changed_within(&r->cells[CTR_STATE], T0 + 500, 1000000));

	row_set_text(s, t, r, CTR_STATE, "exited");
	assert_true(t->gen > gen);
	assert_true(s->gen > sgen);
	/* changed at T0 + 500: within 2 s of then, not 2.5 s later */
	assert_true(cell_changed_within(&r->cells[CTR_STATE], T0 + 500, 2000));
	assert_true(cell_changed_within(&r->cells[CTR_STATE], T0 + 2300, 2000));
	assert_false(cell_changed_within(&r->cells[CTR_STATE], T0 + 3000, 2000));
	assert_string_equal(row_text(r, CTR_STATE), "exited");
	assert_false(cell_changed_within(&r->cells[CTR_NAME], T0 + 500, 1000000));

	gen = t->gen;
	clock_pin(T0 + 900, 1700000000);
	row_set_num(s, t, r, CTR_MEM, CELL_BYTES, 2048, NULL);
	assert_true(t->gen > gen);
	assert_true(cell_changed_within(&r->cells[CTR_MEM], T0 + 900, 100));
	/* a day later it is long past */
	assert_false(cell_changed_within(&r->cells[CTR_MEM], T0 + 900 + 1000 * 3600 * 24, 2000));
	assert_int_equal(r->cells[CTR_MEM].num, 2048);

	/* same number, different rendering: still a visible change */
	gen = t->gen;
	row_set_num(s, t, r, CTR_CPU, CELL_PERMILLE, 125, "12.50%");
	assert_true(t->gen > gen);

	gen = t->gen;
	row_clear(s, t, r, CTR_HEALTH); /* never set: nothing to clear */
	assert_int_equal(t->gen, gen);
	row_clear(s, t, r, CTR_STATE);
	assert_true(t->gen > gen);
	assert_int_equal(r->cells[CTR_STATE].type, CELL_NONE);
	assert_string_equal(row_text(r, CTR_STATE), "");
}

static void test_added_only_after_first_list(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	assert_false(t->synced);
	rtable_relist_begin(t);
	struct row *a = rtable_upsert(s, t, "a");
	struct row *b = rtable_upsert(s, t, "b");
	rtable_relist_end(s, t);
	assert_true(t->synced);
	assert_false(t->relisting);
	assert_int_equal(a->added_ms, 0);
	assert_int_equal(b->added_ms, 0);

	clock_pin(T0 + 2000, 1700000000);
	struct row *c = rtable_upsert(s, t, "c");
	assert_int_equal(c->added_ms, T0 + 2000);

	/* rows arriving in a later relist are new too */
	clock_pin(T0 + 3000, 1700000000);
	rtable_relist_begin(t);
	rtable_upsert(s, t, "a");
	rtable_upsert(s, t, "b");
	rtable_upsert(s, t, "c");
	struct row *d = rtable_upsert(s, t, "d");
	rtable_relist_end(s, t);
	assert_int_equal(d->added_ms, T0 + 3000);
	assert_int_equal(a->added_ms, 0);
	assert_int_equal(rtable_live_count(t), 4);
}

static void test_relist_mark_and_sweep(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	rtable_relist_begin(t);
	rtable_upsert(s, t, "a");
	rtable_upsert(s, t, "b");
	rtable_upsert(s, t, "c");
	rtable_relist_end(s, t);
	assert_int_equal(t->updated_ms, T0);

	clock_pin(T0 + 1000, 1700000000);
	uint64_t gen = t->gen;
	rtable_relist_begin(t);
	assert_true(t->relisting);
	rtable_upsert(s, t, "a");
	rtable_upsert(s, t, "c");
	rtable_relist_end(s, t);
	assert_true(t->gen > gen);
	struct row *b = rtable_find(t, "b");
	assert_non_null(b); /* lingers so the screen can show it leaving */
	assert_int_equal(b->gone_ms, T0 + 1000);
	assert_int_equal(rtable_find(t, "a")->gone_ms, 0);
	assert_int_equal(rtable_live_count(t), 2);
	assert_int_equal(t->len, 3);

	/* too early: stays */
	clock_pin(T0 + 1000 + 2999, 1700000000);
	assert_int_equal(rtable_purge(s, t, 3000), 0);
	assert_non_null(rtable_find(t, "b"));

	clock_pin(T0 + 1000 + 3000, 1700000000);
	gen = t->gen;
	assert_int_equal(rtable_purge(s, t, 3000), 1);
	assert_true(t->gen > gen);
	assert_null(rtable_find(t, "b"));
	assert_non_null(rtable_find(t, "a"));
	assert_non_null(rtable_find(t, "c"));
	assert_int_equal(t->len, 2);
	assert_int_equal(rtable_live_count(t), 2);

	/* an explicit delete behaves the same, and deleting twice is harmless */
	rtable_delete(s, t, "a");
	gen = t->gen;
	rtable_delete(s, t, "a");
	rtable_delete(s, t, "nope");
	assert_int_equal(t->gen, gen);
	assert_int_equal(rtable_live_count(t), 1);
}

static void test_gone_row_comes_back(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	rtable_relist_begin(t);
	struct row *a = rtable_upsert(s, t, "a");
	row_set_text(s, t, a, CTR_NAME, "web-1");
	rtable_relist_end(s, t);

	clock_pin(T0 + 100, 1700000000);
	rtable_delete(s, t, "a");
	assert_int_equal(a->gone_ms, T0 + 100);
	assert_int_equal(rtable_live_count(t), 0);

	uint64_t gen = t->gen;
	struct row *again = rtable_upsert(s, t, "a");
	assert_ptr_equal(again, a);
	assert_int_equal(a->gone_ms, 0);
	assert_true(t->gen > gen);
	assert_string_equal(row_text(a, CTR_NAME), "web-1");
	assert_int_equal(rtable_live_count(t), 1);

	clock_pin(T0 + 100000, 1700000000);
	assert_int_equal(rtable_purge(s, t, 1000), 0);
	assert_ptr_equal(rtable_find(t, "a"), a);

	/* purged and then seen again: a brand-new row */
	rtable_delete(s, t, "a");
	clock_pin(T0 + 200000, 1700000000);
	assert_int_equal(rtable_purge(s, t, 1000), 1);
	struct row *fresh = rtable_upsert(s, t, "a");
	assert_int_equal(fresh->added_ms, T0 + 200000);
	assert_string_equal(row_text(fresh, CTR_NAME), "");
	assert_int_equal(t->len, 1);
}

static void test_live_count(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, KIND_IMAGES, IMG_NCELLS);
	assert_int_equal(rtable_live_count(t), 0);
	char id[16];
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "i%d", i);
		rtable_upsert(s, t, id);
	}
	assert_int_equal(rtable_live_count(t), 10);
	rtable_delete(s, t, "i3");
	rtable_delete(s, t, "i7");
	assert_int_equal(rtable_live_count(t), 8);
	assert_int_equal(t->len, 10);
	rtable_upsert(s, t, "i3");
	assert_int_equal(rtable_live_count(t), 9);
	/* tables are separate */
	assert_int_equal(rtable_live_count(store_table(s, KIND_NODES, NODE_NCELLS)), 0);
}

#define BIG 50000

static void test_big_table(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	char id[32], name[32];
	rtable_relist_begin(t);
	for (int i = 0; i < BIG; i++) {
		snprintf(id, sizeof(id), "ctr-%08x", (unsigned)i * 2654435761u);
		snprintf(name, sizeof(name), "pod-%d", i);
		struct row *r = rtable_upsert(s, t, id);
		row_set_text(s, t, r, CTR_NAME, name);
		row_set_num(s, t, r, CTR_MEM, CELL_BYTES, i, NULL);
	}
	rtable_relist_end(s, t);
	assert_int_equal(t->len, BIG);
	assert_int_equal(rtable_live_count(t), BIG);

	for (int i = 0; i < BIG; i++) {
		snprintf(id, sizeof(id), "ctr-%08x", (unsigned)i * 2654435761u);
		struct row *r = rtable_find(t, id);
		assert_non_null(r);
		assert_int_equal(r->cells[CTR_MEM].num, i);
		assert_ptr_equal(t->rows[r->pos], r);
	}

	clock_pin(T0 + 10, 1700000000);
	for (int i = 0; i < BIG; i += 2) {
		snprintf(id, sizeof(id), "ctr-%08x", (unsigned)i * 2654435761u);
		rtable_delete(s, t, id);
	}
	assert_int_equal(rtable_live_count(t), BIG / 2);
	clock_pin(T0 + 10000, 1700000000);
	assert_int_equal(rtable_purge(s, t, 1000), BIG / 2);
	assert_int_equal(t->len, BIG / 2);

	for (int i = 0; i < BIG; i++) {
		snprintf(id, sizeof(id), "ctr-%08x", (unsigned)i * 2654435761u);
		struct row *r = rtable_find(t, id);
		if (i % 2) {
			assert_non_null(r);
			assert_int_equal(r->cells[CTR_MEM].num, i);
			assert_ptr_equal(t->rows[r->pos], r);
		} else {
			assert_null(r);
		}
	}

	/* churn: re-adding the deleted half through tombstones still indexes right */
	for (int i = 0; i < BIG; i += 2) {
		snprintf(id, sizeof(id), "ctr-%08x", (unsigned)i * 2654435761u);
		struct row *r = rtable_upsert(s, t, id);
		row_set_num(s, t, r, CTR_MEM, CELL_BYTES, i, NULL);
	}
	assert_int_equal(t->len, BIG);
	for (int i = 0; i < BIG; i++) {
		snprintf(id, sizeof(id), "ctr-%08x", (unsigned)i * 2654435761u);
		struct row *r = rtable_find(t, id);
		assert_non_null(r);
		assert_int_equal(r->cells[CTR_MEM].num, i);
	}
	assert_null(rtable_find(t, "ctr-missing"));
}

/* Values many rows repeat are kept once, and let go with the last row. */
static void test_shared_text(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, "containers", CTR_NCELLS);
	struct row *a = rtable_upsert(s, t, "a"), *b = rtable_upsert(s, t, "b");
	size_t before = intern_count();
	row_set_shared_text(s, t, a, CTR_STATE, "running");
	row_set_shared_text(s, t, b, CTR_STATE, "running");
	assert_ptr_equal(a->cells[CTR_STATE].text, b->cells[CTR_STATE].text);
	assert_int_equal(intern_count(), before + 1);
	/* the same value changes nothing */
	uint64_t gen = t->gen;
	row_set_shared_text(s, t, a, CTR_STATE, "running");
	assert_true(t->gen == gen);
	/* a new value for one row leaves the other's */
	row_set_shared_text(s, t, a, CTR_STATE, "exited");
	assert_string_equal(row_text(a, CTR_STATE), "exited");
	assert_string_equal(row_text(b, CTR_STATE), "running");
	assert_int_equal(intern_count(), before + 2);
	/* an owned text over a shared one, and clearing */
	row_set_text(s, t, b, CTR_STATE, "paused");
	assert_int_equal(intern_count(), before + 1);
	row_set_shared_text(s, t, a, CTR_STATE, NULL);
	assert_int_equal(a->cells[CTR_STATE].type, CELL_NONE);
	assert_int_equal(intern_count(), before);
	/* purged rows let go of theirs */
	row_set_shared_text(s, t, a, CTR_IMAGE, "busybox");
	row_set_shared_text(s, t, b, CTR_IMAGE, "busybox");
	rtable_delete(s, t, "a");
	rtable_delete(s, t, "b");
	rtable_purge(s, t, 0);
	assert_int_equal(intern_count(), before);
}

static bool has_row(struct row **v, size_t n, const struct row *r)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == r)
			return true;
	return false;
}

/* What changed since a gen, from the journal: each row once, deletions and
 * purges included, a purged row no one holds let go at once; too far back,
 * the caller is told to look at every row. */
static void test_changes_since(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, "containers", CTR_NCELLS);
	struct row *a = rtable_upsert(s, t, "a"), *b = rtable_upsert(s, t, "b"), *c = rtable_upsert(s, t, "c");
	uint64_t g0 = t->gen;
	struct row **v;
	size_t n;
	assert_true(rtable_changes_since(t, g0, &v, &n));
	assert_int_equal(n, 0);
	free(v);
	row_set_text(s, t, b, CTR_STATE, "running");
	row_set_text(s, t, a, CTR_STATE, "running");
	row_set_text(s, t, b, CTR_STATE, "exited"); /* b again: listed once */
	assert_true(rtable_changes_since(t, g0, &v, &n));
	assert_int_equal(n, 2);
	assert_ptr_equal(v[0], a);
	assert_ptr_equal(v[1], b);
	free(v);
	/* a deletion is a change; so is the purge of a row someone holds */
	uint64_t g1 = t->gen;
	row_retain(c);
	rtable_delete(s, t, "c");
	rtable_delete(s, t, "a");
	rtable_purge(s, t, 0);
	assert_true(rtable_changes_since(t, g1, &v, &n));
	assert_int_equal(n, 1); /* a: purged with no holder, let go; c held */
	assert_ptr_equal(v[0], c);
	assert_int_equal(c->pos, ROW_PURGED);
	free(v);
	row_release(c);
	/* the journal keeps the latest changes only */
	uint64_t g2 = t->gen;
	for (int i = 0; i < 3000; i++)
		row_set_num(s, t, b, CTR_CPU, CELL_PERMILLE, i, NULL);
	assert_true(rtable_changes_since(t, g2, &v, &n)); /* one row, one entry */
	assert_int_equal(n, 1);
	free(v);
	for (int i = 0; i < 3000; i++) {
		char id[16];
		snprintf(id, sizeof(id), "n%d", i);
		rtable_upsert(s, t, id);
	}
	assert_false(rtable_changes_since(t, g2, &v, &n));
	assert_null(v);
	assert_true(rtable_changes_since(t, t->gen - 5, &v, &n));
	assert_int_equal(n, 5);
	assert_true(has_row(v, n, rtable_find(t, "n2999")));
	free(v);
}

/* A count whose text carries an age: the age moving is a change to draw, not to flash. */
static void test_num_since(void **state)
{
	struct store *s = *state;
	struct rtable *t = store_table(s, "containers", CTR_NCELLS);
	struct row *r = rtable_upsert(s, t, "a");
	rtable_relist_end(s, t);
	row_set_num_since(s, t, r, CTR_RESTARTS, CELL_INT, 3, "3 (\x1e ago)", 1699999000);
	assert_int_equal(r->cells[CTR_RESTARTS].since, 1699999000);
	r->cells[CTR_RESTARTS].changed = 0;
	uint64_t gen = t->gen;
	row_set_num_since(s, t, r, CTR_RESTARTS, CELL_INT, 3, "3 (\x1e ago)", 1699999500);
	assert_true(t->gen != gen);
	assert_int_equal(r->cells[CTR_RESTARTS].since, 1699999500);
	assert_true(r->cells[CTR_RESTARTS].changed == 0);
	row_set_num(s, t, r, CTR_RESTARTS, CELL_INT, 4, NULL);
	assert_int_equal(r->cells[CTR_RESTARTS].since, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_upsert_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_value_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_added_only_after_first_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relist_mark_and_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_row_comes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_since, setup, teardown),
		cmocka_unit_test_setup_teardown(test_num_since, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
