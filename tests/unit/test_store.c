/* test_store.c: the resource store must only report real changes, tell
 * first-list rows from later arrivals, mark and sweep on relist, keep gone
 * rows until purged, and keep its id index right at cluster scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
	assert_int_equal(r->cells[CTR_STATE].changed_ms, 0);
	assert_int_equal(r->cells[CTR_MEM].changed_ms, 0);

	uint64_t gen = t->gen, sgen = s->gen;
	clock_pin(T0 + 500, 1700000000);
	row_set_text(s, t, r, CTR_NAME, "web-1");
	row_set_text(s, t, r, CTR_STATE, "running");
	row_set_num(s, t, r, CTR_MEM, CELL_BYTES, 1024, NULL);
	row_set_num(s, t, r, CTR_CPU, CELL_PERMILLE, 125, "12.5%");
	assert_ptr_equal(rtable_upsert(s, t, "c1"), r);
	assert_int_equal(t->gen, gen);
	assert_int_equal(s->gen, sgen);
	assert_int_equal(r->cells[CTR_STATE].changed_ms, 0);

	row_set_text(s, t, r, CTR_STATE, "exited");
	assert_true(t->gen > gen);
	assert_true(s->gen > sgen);
	assert_int_equal(r->cells[CTR_STATE].changed_ms, T0 + 500);
	assert_string_equal(row_text(r, CTR_STATE), "exited");
	assert_int_equal(r->cells[CTR_NAME].changed_ms, 0);

	gen = t->gen;
	clock_pin(T0 + 900, 1700000000);
	row_set_num(s, t, r, CTR_MEM, CELL_BYTES, 2048, NULL);
	assert_true(t->gen > gen);
	assert_int_equal(r->cells[CTR_MEM].changed_ms, T0 + 900);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
