/* kube_fixtures.h: what the Kubernetes decoder tests share: a store on a
 * clock pinned at NOW, hand-made JSON and row lookups. Static inline, as in
 * fixtures.h; needs <cmocka.h> included first. */
#ifndef BINNACLE_TEST_KUBE_FIXTURES_H
#define BINNACLE_TEST_KUBE_FIXTURES_H

#include <stdlib.h>

#include <json-c/json.h>

#include "backends/model/store.h"
#include "backends/util/util.h"

#define NOW 1800000000 /* 2027-01-15T08:00:00Z */

/* Hand-made JSON with ' for " so the cases stay readable. */
static inline struct json_object *jq(const char *text)
{
	char *s = xstrdup(text);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct json_object *o = json_tokener_parse(s);
	if (!o)
		fail_msg("bad test JSON: %s", s);
	free(s);
	return o;
}

/* cmocka setup and teardown: *state is a new store, the clock reads NOW. */
static inline int setup(void **state)
{
	clock_pin(1000000, NOW);
	*state = store_new();
	return 0;
}

static inline int teardown(void **state)
{
	store_free(*state);
	clock_pin(0, 0);
	return 0;
}

/* The row id of table kind; fails the test when there is none. */
static inline struct row *row_of(struct store *s, const char *kind, const char *id)
{
	struct rtable *t = store_find_table(s, kind);
	assert_non_null(t);
	struct row *r = rtable_find(t, id);
	if (!r)
		fail_msg("no %s row %s", kind, id);
	return r;
}

#endif
