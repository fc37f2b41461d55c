/* test_listguard.c: the slow-list guard every backend shares, its time
 * shortened through BINNACLE_TEST_LIVENESS so the real timers run: a call
 * still out is reported once with its sentence, oldest first, and again
 * only when it goes out anew; a call back (or forgotten at cleanup) never
 * is; a report may drop other calls; and the mark lands only on a table
 * that was listed before, with the time it went stale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backends/model/kinds.h"
#include "backends/model/listguard.h"
#include "backends/model/store.h"
#include "backends/net/timer.h"
#include "backends/util/util.h"

struct seen {
	int n;
	void *ctx[8];
	char why[8][ERRLEN];
	struct listguard_call *drop; /* backed from inside the report */
};

static void on_slow(void *owner, void *ctx, const char *why)
{
	struct seen *s = owner;
	if (s->n < 8) {
		s->ctx[s->n] = ctx;
		snprintf(s->why[s->n], sizeof(s->why[s->n]), "%s", why);
	}
	s->n++;
	if (s->drop) {
		listguard_back(s->drop);
		s->drop = NULL;
	}
}

/* Runs the due timers until cond holds or 5 s have passed (a loaded machine is slow, never wrong). */
static bool run_until(const struct seen *s, int n)
{
	int64_t end = mono_ms() + 5000;
	while (s->n < n && mono_ms() < end) {
		timers_run_due();
		usleep(2000);
	}
	return s->n >= n;
}

/* Runs the due timers for a while, past the guard's time. */
static void run_a_while(void)
{
	int64_t end = mono_ms() + 150;
	while (mono_ms() < end) {
		timers_run_due();
		usleep(2000);
	}
}

static int setup(void **state)
{
	(void)state;
	setenv("BINNACLE_TEST_LIVENESS", "20000,10000,12000,30", 1);
	return 0;
}

static void test_reported_once(void **state)
{
	(void)state;
	struct seen s = {0};
	struct listguard g;
	struct listguard_call c = {0};
	int ctx;
	listguard_init(&g, "the API server", on_slow, &s);
	assert_int_equal(g.slow_ms, 30);
	listguard_out(&g, &c, &ctx, "the list of %s", "pods");
	assert_true(run_until(&s, 1));
	assert_ptr_equal(s.ctx[0], &ctx);
	assert_string_equal(s.why[0], "the API server has not answered the list of pods for 0 s");
	run_a_while();
	assert_int_equal(s.n, 1);
	/* out again (the next page, a retry): counted from now, told again */
	listguard_out(&g, &c, &ctx, "the list of %s", "pods");
	assert_true(run_until(&s, 2));
	listguard_back(&c);
	listguard_back(&c); /* twice is fine */
	listguard_cleanup(&g);
}

static void test_back_in_time(void **state)
{
	(void)state;
	struct seen s = {0};
	struct listguard g;
	struct listguard_call a = {0}, b = {0}, never = {0};
	listguard_init(&g, "x", on_slow, &s);
	listguard_out(&g, &a, &a, "a");
	listguard_out(&g, &b, &b, "b");
	listguard_back(&a);
	listguard_back(&never); /* never out */
	assert_true(run_until(&s, 1));
	run_a_while();
	assert_int_equal(s.n, 1);
	assert_ptr_equal(s.ctx[0], &b);
	/* forgotten at cleanup, never reported */
	listguard_out(&g, &a, &a, "a");
	listguard_cleanup(&g);
	assert_null(a.g);
	run_a_while();
	assert_int_equal(s.n, 1);
}

static void test_oldest_first(void **state)
{
	(void)state;
	struct seen s = {0};
	struct listguard g;
	struct listguard_call a = {0}, b = {0}, c = {0};
	listguard_init(&g, "host", on_slow, &s);
	listguard_out(&g, &a, &a, "a");
	usleep(3000);
	listguard_out(&g, &b, &b, "b");
	usleep(3000);
	listguard_out(&g, &c, &c, "c");
	/* the first report drops c before its turn */
	s.drop = &c;
	assert_true(run_until(&s, 2));
	run_a_while();
	assert_int_equal(s.n, 2);
	assert_ptr_equal(s.ctx[0], &a);
	assert_ptr_equal(s.ctx[1], &b);
	assert_string_equal(s.why[1], "host has not answered b for 0 s");
	listguard_cleanup(&g);
}

static void test_mark(void **state)
{
	(void)state;
	struct store *st = store_new();
	struct rtable *t = store_table(st, KIND_CONTAINERS, CTR_NCELLS);
	listguard_mark(st, NULL, "nothing");
	/* never listed: nothing stale to show, it is loading */
	listguard_mark(st, t, "slow");
	assert_string_equal(t->error, "");
	rtable_upsert(st, t, "a");
	rtable_relist_begin(t);
	rtable_upsert(st, t, "a");
	rtable_relist_end(st, t);
	assert_true(t->synced);
	uint64_t gen = t->gen;
	listguard_mark(st, t, "slow");
	assert_string_equal(t->error, "slow");
	assert_true(t->stale_since > 0);
	assert_true(t->gen != gen);
	store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reported_once),
		cmocka_unit_test(test_back_in_time),
		cmocka_unit_test(test_oldest_first),
		cmocka_unit_test(test_mark),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
