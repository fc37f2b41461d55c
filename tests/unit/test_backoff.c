/* test_backoff.c: the shared backoff with an injected random source, so
 * its jitter is deterministic: the bounds of every wait (floor, doubling,
 * cap), Retry-After as a floor for the next wait only (over the cap, but
 * not past its own maximum), "healthy" as the only reset, and Retry-After
 * values in seconds and in each of the three HTTP-date forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backends/net/backoff.h"
#include "backends/util/util.h"

static uint64_t fixed_value;

static uint64_t fixed(void *arg)
{
	(void)arg;
	return fixed_value;
}

static uint64_t counter_value;

static uint64_t counter(void *arg)
{
	(void)arg;
	counter_value = counter_value * 6364136223846793005u + 1442695040888963407u;
	return counter_value;
}

static void test_bounds(void **state)
{
	(void)state;
	struct backoff b;
	backoff_set_random(fixed, NULL);
	/* the lowest draw: half the step, never under the floor */
	fixed_value = 0;
	backoff_init(&b, 500, 30000);
	const int64_t low[] = {500, 1000, 2000, 4000, 8000, 15000, 15000};
	for (size_t i = 0; i < sizeof(low) / sizeof(low[0]); i++)
		assert_int_equal(backoff_next(&b), low[i]);
	/* the highest draw: the step itself, up to the cap */
	fixed_value = UINT64_MAX;
	backoff_init(&b, 500, 30000);
	const int64_t high[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
	for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++)
		assert_int_equal(backoff_next(&b), high[i]);
	assert_int_equal(b.failures, 7);
	/* whatever is drawn, the wait stays between floor and cap, and varies */
	backoff_set_random(counter, NULL);
	backoff_init(&b, 1000, 30000);
	int64_t seen_min = INT64_MAX, seen_max = 0;
	for (int i = 0; i < 200; i++) {
		int64_t w = backoff_next(&b);
		assert_true(w >= 1000 && w <= 30000);
		if (i >= 10) { /* at the cap: [15 s, 30 s] */
			assert_true(w >= 15000);
			seen_min = w < seen_min ? w : seen_min;
			seen_max = w > seen_max ? w : seen_max;
		}
	}
	assert_true(seen_max - seen_min > 1000); /* jitter, not lockstep */
	backoff_set_random(NULL, NULL);
}

static void test_retry_after_and_healthy(void **state)
{
	(void)state;
	struct backoff b;
	backoff_set_random(fixed, NULL);
	fixed_value = 0;
	backoff_init(&b, 500, 30000);
	backoff_next(&b);
	backoff_next(&b);
	/* the server's wish is a floor for the next wait, even over the cap */
	backoff_retry_after(&b, 45000);
	assert_int_equal(backoff_next(&b), 45000);
	assert_int_equal(backoff_next(&b), 4000); /* then the series goes on */
	/* a wish below the computed wait changes nothing */
	backoff_retry_after(&b, 10);
	assert_int_equal(backoff_next(&b), 8000);
	/* not past its own maximum */
	backoff_retry_after(&b, 24LL * 3600 * 1000);
	assert_int_equal(backoff_next(&b), BACKOFF_RETRY_AFTER_MAX_MS);
	backoff_retry_after(&b, -1); /* no wish */
	assert_int_equal(backoff_next(&b), 15000);
	/* only healthy starts over */
	backoff_healthy(&b);
	assert_int_equal(b.failures, 0);
	assert_int_equal(backoff_next(&b), 500);
	backoff_retry_after(&b, 9000);
	backoff_healthy(&b); /* and forgets a wish */
	assert_int_equal(backoff_next(&b), 500);
	backoff_set_random(NULL, NULL);
}

static void test_parse_retry_after(void **state)
{
	(void)state;
	assert_int_equal(backoff_parse_retry_after("120"), 120000);
	assert_int_equal(backoff_parse_retry_after(" 3 "), 3000);
	assert_int_equal(backoff_parse_retry_after("0"), 0);
	assert_int_equal(backoff_parse_retry_after("99999999999"), BACKOFF_RETRY_AFTER_MAX_MS);
	assert_int_equal(backoff_parse_retry_after("-5"), -1);
	assert_int_equal(backoff_parse_retry_after("soon"), -1);
	assert_int_equal(backoff_parse_retry_after("12s"), -1);
	assert_int_equal(backoff_parse_retry_after(""), -1);
	assert_int_equal(backoff_parse_retry_after(NULL), -1);
	/* HTTP-dates against a pinned clock: Sun, 06 Nov 1994 08:49:37 GMT */
	clock_pin(mono_ms(), 784111777);
	assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT"), 10000);
	assert_int_equal(backoff_parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT"), 10000);
	assert_int_equal(backoff_parse_retry_after("Sun Nov  6 08:49:47 1994"), 10000);
	assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT"), 0); /* already past */
	assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 09:49:37 GMT"), BACKOFF_RETRY_AFTER_MAX_MS);
	assert_int_equal(backoff_parse_retry_after("Sun, 06 Nov 1994 08:49:47 CET"), -1);
	assert_int_equal(backoff_parse_retry_after("Sun, 06 Foo 1994 08:49:47 GMT"), -1);
	clock_pin(0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_retry_after_and_healthy),
		cmocka_unit_test(test_parse_retry_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
