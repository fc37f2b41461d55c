/* test_confirm.c: when binnacle asks before an action runs, as a user would
 * notice it: read-only actions never ask; restart/stop/start ask yes/no by
 * default (confirm: destructive runs them at once) and always on a
 * production endpoint; remove/kill ask yes/no, and on production need the
 * resource's exact name typed; a value typed for the action was the
 * question. Then which answers confirm, and how the question reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backends/backend.h"
#include "tui/confirm.h"

static const struct backend_action act_inspect = {.name = "inspect", .kind = "containers", .flags = 0};
static const struct backend_action act_logs = {.name = "logs", .kind = "containers", .flags = ACTION_NO_TARGET};
static const struct backend_action act_restart = {.name = "restart", .kind = "containers", .flags = ACTION_MUTATES};
static const struct backend_action act_stop = {.name = "stop", .kind = "containers", .flags = ACTION_MUTATES};
static const struct backend_action act_start = {.name = "start", .kind = "containers", .flags = ACTION_MUTATES};
static const struct backend_action act_remove = {
	.name = "remove", .kind = "containers", .flags = ACTION_MUTATES | ACTION_CONFIRM};
static const struct backend_action act_kill = {
	.name = "kill", .kind = "containers", .flags = ACTION_MUTATES | ACTION_CONFIRM};

static void test_non_mutating_never_asks(void **state)
{
	(void)state;
	assert_int_equal(confirm_required(&act_inspect, false, CONFIRM_POLICY_ALL), CONFIRM_NONE);
	assert_int_equal(confirm_required(&act_inspect, true, CONFIRM_POLICY_ALL), CONFIRM_NONE);
	assert_int_equal(confirm_required(&act_logs, false, CONFIRM_POLICY_ALL), CONFIRM_NONE);
	assert_int_equal(confirm_required(&act_logs, true, CONFIRM_POLICY_ALL), CONFIRM_NONE);
	/* a CONFIRM flag without MUTATES still changes nothing: no question */
	const struct backend_action odd = {.name = "odd", .kind = "containers", .flags = ACTION_CONFIRM};
	assert_int_equal(confirm_required(&odd, false, CONFIRM_POLICY_ALL), CONFIRM_NONE);
	assert_int_equal(confirm_required(&odd, true, CONFIRM_POLICY_ALL), CONFIRM_NONE);
}

static void test_mutating_asks_by_default(void **state)
{
	(void)state;
	/* w then r typed by accident must not restart anything */
	assert_int_equal(confirm_required(&act_restart, false, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
	assert_int_equal(confirm_required(&act_stop, false, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
	assert_int_equal(confirm_required(&act_start, false, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
}

static void test_destructive_policy_runs_the_others_at_once(void **state)
{
	(void)state;
	assert_int_equal(confirm_required(&act_restart, false, CONFIRM_POLICY_DESTRUCTIVE), CONFIRM_NONE);
	assert_int_equal(confirm_required(&act_start, false, CONFIRM_POLICY_DESTRUCTIVE), CONFIRM_NONE);
	assert_int_equal(confirm_required(&act_remove, false, CONFIRM_POLICY_DESTRUCTIVE), CONFIRM_YES_NO);
	/* production asks whatever the setting */
	assert_int_equal(confirm_required(&act_restart, true, CONFIRM_POLICY_DESTRUCTIVE), CONFIRM_YES_NO);
	assert_int_equal(confirm_required(&act_kill, true, CONFIRM_POLICY_DESTRUCTIVE), CONFIRM_TYPE_NAME);
}

static void test_typed_value_was_the_question(void **state)
{
	(void)state;
	static const struct backend_action scale = {.name = "scale", .kind = "deployments",
						    .flags = ACTION_MUTATES | ACTION_INPUT};
	assert_int_equal(confirm_after_input(&scale, false, CONFIRM_POLICY_ALL), CONFIRM_NONE);
	assert_int_equal(confirm_after_input(&scale, true, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
}

static void test_question_names_kind_namespace_endpoint(void **state)
{
	(void)state;
	char q[512];
	struct confirm_target t = {.verb = "restart", .kind = "deployments", .name = "web", .count = 1,
				   .scope_name = "namespace", .scope = "shop", .endpoint = "lab"};
	confirm_question(q, sizeof(q), &t);
	assert_string_equal(q, "Restart deployment web in namespace shop on lab?");
	t.verb = "delete";
	t.kind = "pods";
	t.name = "a, b, c";
	t.count = 3;
	confirm_question(q, sizeof(q), &t);
	assert_string_equal(q, "Delete 3 pods in namespace shop on lab: a, b, c?");
	t.verb = "stop";
	t.kind = "containers";
	t.name = "web";
	t.count = 1;
	t.scope_name = NULL;
	t.endpoint = "docker";
	confirm_question(q, sizeof(q), &t);
	assert_string_equal(q, "Stop container web on docker?");
	t.verb = "scale";
	t.kind = "deployments";
	t.value = "3";
	t.endpoint = "lab";
	confirm_question(q, sizeof(q), &t);
	assert_string_equal(q, "Scale deployment web on lab to 3?");
	char one[64];
	confirm_singular(one, sizeof(one), "replicasets");
	assert_string_equal(one, "replicaset");
	confirm_singular(one, sizeof(one), "policies");
	assert_string_equal(one, "policy");
}

static void test_mutating_asks_yes_no_on_production(void **state)
{
	(void)state;
	assert_int_equal(confirm_required(&act_restart, true, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
	assert_int_equal(confirm_required(&act_stop, true, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
	assert_int_equal(confirm_required(&act_start, true, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
}

static void test_destructive_asks_yes_no_normally(void **state)
{
	(void)state;
	assert_int_equal(confirm_required(&act_remove, false, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
	assert_int_equal(confirm_required(&act_kill, false, CONFIRM_POLICY_ALL), CONFIRM_YES_NO);
}

static void test_destructive_needs_name_on_production(void **state)
{
	(void)state;
	assert_int_equal(confirm_required(&act_remove, true, CONFIRM_POLICY_ALL), CONFIRM_TYPE_NAME);
	assert_int_equal(confirm_required(&act_kill, true, CONFIRM_POLICY_ALL), CONFIRM_TYPE_NAME);
}

static void test_none_accepts_anything(void **state)
{
	(void)state;
	assert_true(confirm_accepts(CONFIRM_NONE, NULL, NULL));
	assert_true(confirm_accepts(CONFIRM_NONE, "", "web"));
}

static void test_yes_no_accepts(void **state)
{
	(void)state;
	static const char *const yes[] = {"y", "Y", "yes", "YES", "Yes"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		assert_true(confirm_accepts(CONFIRM_YES_NO, yes[i], "web"));
	/* the name is irrelevant to a yes/no question */
	assert_true(confirm_accepts(CONFIRM_YES_NO, "y", NULL));
}

static void test_yes_no_rejects(void **state)
{
	(void)state;
	static const char *const no[] = {"", "n", "N", "no", "NO", "yess", " y", "y ", "ye", "web", "yes\n"};
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		assert_false(confirm_accepts(CONFIRM_YES_NO, no[i], "web"));
	assert_false(confirm_accepts(CONFIRM_YES_NO, NULL, "web"));
	assert_false(confirm_accepts(CONFIRM_YES_NO, NULL, NULL));
}

static void test_type_name_exact_only(void **state)
{
	(void)state;
	assert_true(confirm_accepts(CONFIRM_TYPE_NAME, "web", "web"));
	assert_true(confirm_accepts(CONFIRM_TYPE_NAME, "my-app_1", "my-app_1"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "Web", "web"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "web", "Web"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "web ", "web"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, " web", "web"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "we", "web"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "", "web"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, NULL, "web"));
	/* yes is not the name */
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "y", "web"));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "yes", "web"));
}

static void test_type_name_empty_expected_never_confirms(void **state)
{
	(void)state;
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "", ""));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "web", ""));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "", NULL));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, "web", NULL));
	assert_false(confirm_accepts(CONFIRM_TYPE_NAME, NULL, NULL));
}

/* The whole flow as the UI drives it: ask what is required, then check the
 * typed answer against the resource's name. */
static void test_flow(void **state)
{
	(void)state;
	enum confirm_kind k = confirm_required(&act_remove, true, CONFIRM_POLICY_ALL);
	assert_false(confirm_accepts(k, "y", "web"));
	assert_true(confirm_accepts(k, "web", "web"));
	k = confirm_required(&act_remove, false, CONFIRM_POLICY_ALL);
	assert_true(confirm_accepts(k, "y", "web"));
	assert_false(confirm_accepts(k, "", "web"));
	k = confirm_required(&act_restart, false, CONFIRM_POLICY_DESTRUCTIVE);
	assert_true(confirm_accepts(k, NULL, "web"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_non_mutating_never_asks),
		cmocka_unit_test(test_mutating_asks_by_default),
		cmocka_unit_test(test_destructive_policy_runs_the_others_at_once),
		cmocka_unit_test(test_typed_value_was_the_question),
		cmocka_unit_test(test_question_names_kind_namespace_endpoint),
		cmocka_unit_test(test_mutating_asks_yes_no_on_production),
		cmocka_unit_test(test_destructive_asks_yes_no_normally),
		cmocka_unit_test(test_destructive_needs_name_on_production),
		cmocka_unit_test(test_none_accepts_anything),
		cmocka_unit_test(test_yes_no_accepts),
		cmocka_unit_test(test_yes_no_rejects),
		cmocka_unit_test(test_type_name_exact_only),
		cmocka_unit_test(test_type_name_empty_expected_never_confirms),
		cmocka_unit_test(test_flow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
