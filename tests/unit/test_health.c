/* test_health.c: the health model across endpoints: problems worst first
 * with the time they began (or were first seen), an endpoint that is down
 * or refused as a problem of its own, problems that clear staying a while
 * dimmed with their clearing time, the counts line, and the hour of
 * history behind the trends. A fake backend reports what each test needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/backend.h"
#include "views/health.h"
#include "views/model.h"
#include "views/sparkline.h"

#define NOW 1700000000

/* What the fake backend reports, per endpoint (by its priv). */
struct fake {
	int nproblems;
	struct problem problems[4];
	int64_t restarts; /* -1: does not count restarts */
};

static void fake_health(struct endpoint *ep, const struct health_sink *sink)
{
	struct fake *f = ep->priv;
	sink->count(sink->arg, "things ok", 2, 3);
	for (int i = 0; i < f->nproblems; i++)
		sink->problem(sink->arg, &f->problems[i]);
	if (f->restarts >= 0)
		sink->restarts(sink->arg, f->restarts);
}

static const struct backend_ops fake_ops = {.name = "fake", .health = fake_health};

struct fixture {
	struct session s;
	struct endpoint eps[2];
	struct store *stores[2];
	struct fake fakes[2];
	struct health h;
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	clock_pin(1000, NOW);
	fx->s.eps = xcalloc(2, sizeof(*fx->s.eps));
	static const char *const names[] = {"alpha", "beta"};
	for (int i = 0; i < 2; i++) {
		struct endpoint *ep = &fx->eps[i];
		ep->ops = &fake_ops;
		ep->name = (char *)names[i];
		ep->store = fx->stores[i] = store_new();
		ep->state = EP_READY;
		ep->priv = &fx->fakes[i];
		fx->fakes[i].restarts = -1;
		fx->s.eps[fx->s.neps++] = ep;
	}
	health_init(&fx->h, &fx->s);
	fx->h.trends = true;
	fx->h.ascii = true;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	health_cleanup(&fx->h);
	for (int i = 0; i < 2; i++)
		store_free(fx->stores[i]);
	free(fx->s.eps);
	free(fx);
	clock_pin(0, 0);
	return 0;
}

static struct problem crashloop = {.level = PROBLEM_CRITICAL, .code = "crashloop", .kind = "pods",
				   .id = "shop/api-1", .name = "api-1", .scope = "shop",
				   .what = "CrashLoopBackOff, restarted 7 times"};
static struct problem short_of = {.level = PROBLEM_WARNING, .code = "short", .kind = "deployments",
				  .id = "shop/api", .name = "api", .scope = "shop", .what = "1/3 ready",
				  .since = NOW - 600};

/* The problems in screen order: "endpoint:code" separated by spaces. */
static const char *order(struct fixture *fx)
{
	static char out[512];
	struct model m;
	model_init(&m, &health_problems_view);
	model_build(&m, store_find_table(fx->h.store, HEALTH_PROBLEMS), NULL);
	out[0] = '\0';
	for (size_t i = 0; i < m.len; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s:%s", i ? " " : "",
			 row_text(m.rows[i], HP_ENDPOINT), row_text(m.rows[i], HP_CODE));
	model_cleanup(&m);
	return out;
}

static const struct row *problem(struct fixture *fx, const char *endpoint, const char *code)
{
	struct rtable *t = store_find_table(fx->h.store, HEALTH_PROBLEMS);
	for (size_t i = 0; i < t->len; i++)
		if (!strcmp(row_text(t->rows[i], HP_ENDPOINT), endpoint) && !strcmp(row_text(t->rows[i], HP_CODE), code))
			return t->rows[i];
	return NULL;
}

static void test_worst_first_across_endpoints(void **state)
{
	struct fixture *fx = *state;
	fx->fakes[0].problems[fx->fakes[0].nproblems++] = short_of;
	fx->fakes[1].problems[fx->fakes[1].nproblems++] = crashloop;
	health_refresh(&fx->h);
	assert_string_equal(order(fx), "beta:crashloop alpha:short");
	const struct row *r = problem(fx, "beta", "crashloop");
	assert_string_equal(row_text(r, HP_LEVEL), "critical");
	assert_string_equal(row_text(r, HP_WHERE), "pods shop/api-1");
	/* what Enter needs to find it again */
	assert_string_equal(row_text(r, HP_KIND), "pods");
	assert_string_equal(row_text(r, HP_ID), "shop/api-1");
	assert_string_equal(row_text(r, HP_SCOPE), "shop");
	assert_ptr_equal(health_problem_endpoint(&fx->h, r), &fx->eps[1]);
	bool down;
	assert_int_equal(health_problem_count(&fx->h, &down), 2);
	assert_false(down);
}

static void test_since_is_kept(void **state)
{
	struct fixture *fx = *state;
	fx->fakes[0].problems[fx->fakes[0].nproblems++] = crashloop; /* no since: first seen */
	fx->fakes[0].problems[fx->fakes[0].nproblems++] = short_of;	 /* the backend's own time */
	health_refresh(&fx->h);
	clock_pin(61000, NOW + 60);
	health_refresh(&fx->h);
	assert_int_equal(problem(fx, "alpha", "crashloop")->cells[HP_SINCE].num, NOW);
	assert_int_equal(problem(fx, "alpha", "short")->cells[HP_SINCE].num, NOW - 600);
}

static void test_cleared_problems_stay_a_while(void **state)
{
	struct fixture *fx = *state;
	fx->fakes[0].problems[fx->fakes[0].nproblems++] = crashloop;
	health_refresh(&fx->h);
	fx->fakes[0].nproblems = 0;
	clock_pin(11000, NOW + 10);
	health_refresh(&fx->h);
	const struct row *r = problem(fx, "alpha", "crashloop");
	assert_non_null(r);
	assert_string_equal(row_text(r, HP_LEVEL), "cleared");
	assert_int_equal(r->cells[HP_CLEARED].num, NOW + 10);
	assert_int_equal(health_problem_count(&fx->h, NULL), 0);
	/* it comes back: a live problem again, with its first time */
	fx->fakes[0].nproblems = 1;
	clock_pin(21000, NOW + 20);
	health_refresh(&fx->h);
	r = problem(fx, "alpha", "crashloop");
	assert_string_equal(row_text(r, HP_LEVEL), "critical");
	assert_int_equal(r->cells[HP_CLEARED].type, CELL_NONE);
	/* cleared for longer than it is kept: gone */
	fx->fakes[0].nproblems = 0;
	health_refresh(&fx->h);
	clock_pin(21000 + (HEALTH_CLEARED_KEEP_S + 1) * 1000, NOW + 20 + HEALTH_CLEARED_KEEP_S + 1);
	health_refresh(&fx->h);
	assert_null(problem(fx, "alpha", "crashloop"));
}

static void test_endpoint_down_is_a_problem(void **state)
{
	struct fixture *fx = *state;
	fx->eps[1].state = EP_STALE;
	fx->eps[1].down_since = NOW - 30;
	snprintf(fx->eps[1].error, sizeof(fx->eps[1].error), "connection refused");
	fx->eps[0].state = EP_STALE;
	fx->eps[0].auth_failing = true;
	snprintf(fx->eps[0].error, sizeof(fx->eps[0].error), "the token expired");
	health_refresh(&fx->h);
	assert_non_null(strstr(row_text(problem(fx, "beta", "stale"), HP_WHAT), "connection refused"));
	assert_non_null(strstr(row_text(problem(fx, "alpha", "auth"), HP_WHAT), "credentials refused"));
	bool down;
	health_problem_count(&fx->h, &down);
	assert_true(down);
	struct row *line = rtable_find(store_find_table(fx->h.store, HEALTH_ENDPOINTS), "beta");
	assert_true(str_starts(row_text(line, HE_STATE), "stale since "));
	assert_non_null(strstr(row_text(line, HE_STATE), "connection refused"));
	assert_string_equal(row_text(line, HE_COUNTS), "things ok 2/3");
}

static void test_history(void **state)
{
	struct fixture *fx = *state;
	fx->fakes[0].restarts = 10;
	health_refresh(&fx->h);
	/* two minutes later, a problem and three restarts */
	fx->fakes[0].problems[fx->fakes[0].nproblems++] = crashloop;
	fx->fakes[0].restarts = 13;
	clock_pin(121000, NOW + 120);
	health_refresh(&fx->h);
	const struct health_history *hh = &fx->h.hist[0];
	assert_int_equal(hh->problems[HEALTH_HISTORY - 1], 1);
	assert_int_equal(hh->problems[HEALTH_HISTORY - 3], 0);
	assert_int_equal(hh->restarts[HEALTH_HISTORY - 1], 3);
	struct row *line = rtable_find(store_find_table(fx->h.store, HEALTH_ENDPOINTS), "alpha");
	const char *trend = row_text(line, HE_TREND);
	assert_int_equal(strlen(trend), HEALTH_HISTORY / SPARKLINE_STEP);
	assert_int_equal(trend[strlen(trend) - 1], '#');
	assert_int_equal(trend[0], '_');
	/* beta counts no restarts: no restarts trend for it */
	assert_int_equal(rtable_find(store_find_table(fx->h.store, HEALTH_ENDPOINTS), "beta")->cells[HE_RESTARTS].type,
			 CELL_NONE);
}

static void test_sparkline(void **state)
{
	(void)state;
	int64_t v[8] = {0, 0, 1, 1, 4, 4, 8, 8};
	char out[64];
	sparkline(v, 8, true, out, sizeof(out));
	assert_string_equal(out, "_.=#");
	sparkline(v, 8, false, out, sizeof(out));
	assert_string_equal(out, "▁▂▅█");
	int64_t zero[4] = {0};
	sparkline(zero, 4, true, out, sizeof(out));
	assert_string_equal(out, "__");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_worst_first_across_endpoints), T(test_since_is_kept), T(test_cleared_problems_stay_a_while),
		T(test_endpoint_down_is_a_problem),   T(test_history),	   cmocka_unit_test(test_sparkline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
