/* test_session.c: endpoints found at run time (endpoint_add_found, what
 * the ECS backend does with the EKS clusters of its account): opened
 * beside the configured ones with the finder's read-only and production
 * marks, once only (by name, and by backend and address), and not at all
 * when --endpoint named one. A fake backend stands in for the real ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/model/session.h"
#include "views/view.h"
#include "tests/unit/fixtures.h"

static const struct column columns[] = {{.title = "NAME", .cell = 0, .min = 4}};
static const char *const aliases[] = {"things", NULL};
static const struct view view_things = {.kind = "fake-things", .title = "Things", .aliases = aliases,
					.columns = columns, .ncolumns = 1, .ncells = 1, .scope_cell = -1};
static const struct view *const views[] = {&view_things, NULL};

static int fake_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen)
{
	const char *addr = endpoint_config_get(cfg, "address");
	if (addr && !strcmp(addr, "broken"))
		return set_err(err, errlen, "cannot open %s", cfg->name);
	ep->address = xstrdup(addr ? addr : cfg->name);
	return 0;
}

static void fake_close(struct endpoint *ep)
{
	(void)ep;
}

static void fake_watch(struct endpoint *ep, const char *kind)
{
	(void)ep;
	(void)kind;
}

static const struct backend_ops fake = {.abi = BACKEND_ABI_VERSION, .name = "fake", .views = views,
					.open = fake_open, .close = fake_close, .watch = fake_watch};

static void offer(struct endpoint *finder, const char *name, const char *address)
{
	struct endpoint_config c = {0};
	c.name = xstrdup(name);
	c.backend = xstrdup("fake");
	endpoint_config_set(&c, "address", address);
	endpoint_add_found(finder, &c);
	endpoint_config_cleanup(&c);
}

static void test_found_endpoints(void **state)
{
	(void)state;
	char err[ERRLEN];
	assert_int_equal(backend_register(&fake, "test", err, sizeof(err)), 0);
	char dir[64];
	fixture_tmpdir_make(dir, sizeof(dir), "binnacle-session");
	char *path = xasprintf("%s/config.yaml", dir);
	fixture_write_path(path, "endpoints:\n  - name: main\n    type: fake\n    production: true\n    readonly: true\n");
	struct session s = {0};
	struct session_opts o = {.config_path = path};
	assert_int_equal(session_open(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(s.neps, 1);
	struct endpoint *main_ep = s.eps[0];
	offer(main_ep, "found-1", "https://one.example");
	assert_int_equal(s.neps, 2);
	assert_string_equal(s.eps[1]->name, "found-1");
	assert_true(s.eps[1]->readonly);
	assert_true(s.eps[1]->production);
	assert_non_null(s.eps[1]->add_endpoint); /* it may find others in turn */
	/* the same name again, or a configured endpoint's server under another name: nothing */
	offer(main_ep, "found-1", "https://elsewhere.example");
	offer(main_ep, "main-again", "main");
	assert_int_equal(s.neps, 2);
	/* one that cannot open is left out quietly */
	offer(main_ep, "found-2", "broken");
	assert_int_equal(s.neps, 2);
	offer(s.eps[1], "found-3", "https://three.example");
	assert_int_equal(s.neps, 3);
	session_close(&s);
	/* --endpoint: the user wants that one only */
	o.endpoint = "main";
	assert_int_equal(session_open(&s, &o, err, sizeof(err)), 0);
	offer(s.eps[0], "found-1", "https://one.example");
	assert_int_equal(s.neps, 1);
	session_close(&s);
	free(path);
	fixture_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_endpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
