/* test_registry_stale.c: which of a registry's tables are shown stale and
 * why (backends/registry/stale.c). A repository whose tags failed to list
 * keeps the tags table stale until it lists again; a new catalog forgets
 * the reasons of repositories it no longer has, but never the one in
 * scope: `binnacle get tags --scope no/such` answered "No resources found"
 * and exit 0 when the catalog's answer came in the same loop turn as the
 * tag list's "repository name not known to registry" (seen under load). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/registry/internal.h"

struct fixture {
	struct endpoint ep;
	struct reg r;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	f->ep.store = store_new();
	f->r.ep = &f->ep;
	/* both watched, as on screen or in `get tags` */
	store_table(f->ep.store, KIND_REPOSITORIES, REPO_NCELLS);
	store_table(f->ep.store, KIND_TAGS, TAG_NCELLS);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	reg_stale_free(&f->r);
	store_free(f->ep.store);
	free(f);
	return 0;
}

/* The catalog lists these repositories (and no other). */
static void catalog(struct fixture *f, const char *const *repos)
{
	struct rtable *t = store_table(f->ep.store, KIND_REPOSITORIES, REPO_NCELLS);
	rtable_relist_begin(t);
	for (; *repos; repos++)
		rtable_upsert(f->ep.store, t, *repos);
	rtable_relist_end(f->ep.store, t);
	reg_stale_prune(&f->r);
	reg_stale_catalog(&f->r, "");
}

static const char *tags_error(struct fixture *f)
{
	return store_table(f->ep.store, KIND_TAGS, TAG_NCELLS)->error;
}

static void test_scope_unknown_to_catalog_stays_failed(void **state)
{
	struct fixture *f = *state;
	f->r.scope = xstrdup("no/such");
	reg_stale_tags(&f->r, "no/such", true, "127.0.0.1:5000: repository name not known to registry");
	catalog(f, (const char *const[]){"lab/app", "team/web", NULL});
	assert_string_equal(tags_error(f), "127.0.0.1:5000: repository name not known to registry");
	/* and the tag list answering at last makes it live */
	reg_stale_tags(&f->r, "no/such", true, "");
	assert_string_equal(tags_error(f), "");
	free(f->r.scope);
}

static void test_repository_gone_from_catalog_is_forgotten(void **state)
{
	struct fixture *f = *state;
	catalog(f, (const char *const[]){"lab/app", "team/web", NULL});
	reg_stale_tags(&f->r, "team/web", true, "the tags of team/web: 500 Internal Server Error");
	assert_string_equal(tags_error(f), "the tags of team/web: 500 Internal Server Error");
	/* still in the catalog: still stale */
	catalog(f, (const char *const[]){"lab/app", "team/web", NULL});
	assert_string_equal(tags_error(f), "the tags of team/web: 500 Internal Server Error");
	/* deleted from the registry: nothing of it is old any more */
	catalog(f, (const char *const[]){"lab/app", NULL});
	assert_string_equal(tags_error(f), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope_unknown_to_catalog_stays_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repository_gone_from_catalog_is_forgotten, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
