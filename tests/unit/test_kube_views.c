/* test_kube_views.c: the views as data: every column of every view names a
 * cell its kind has, aliases are unique, and Enter goes where a user expects
 * (a workload or service to its pods by selector, a node to its pods or an
 * engine to its containers, a namespace to its pods, a pod to its
 * containers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/docker/docker.h"
#include "backends/kube/kinds.h"
#include "backends/kube/kube.h"
#include "views/model.h"
#include "backends/model/store.h"
#include "views/view.h"

static int setup(void **state)
{
	*state = store_new();
	return 0;
}

static int teardown(void **state)
{
	store_free(*state);
	return 0;
}

/* A row of kind with the given cells set as text (pairs: cell, text; -1 ends). */
static struct row *make_row(struct store *s, const char *kind, int ncells, const char *id, ...)
{
	struct rtable *t = store_table(s, kind, ncells);
	struct row *r = rtable_upsert(s, t, id);
	va_list ap;
	va_start(ap, id);
	for (int cell = va_arg(ap, int); cell >= 0; cell = va_arg(ap, int))
		row_set_text(s, t, r, cell, va_arg(ap, const char *));
	va_end(ap);
	return r;
}

static const struct view *find(const char *alias)
{
	const struct view *v = views_find(alias);
	if (!v)
		fail_msg("no view for :%s", alias);
	return v;
}

static void test_columns_reference_valid_cells(void **state)
{
	(void)state;
	const struct view *const *all = views_all();
	size_t n = 0;
	for (size_t i = 0; all[i]; i++, n++) {
		const struct view *v = all[i];
		assert_true(v->ncells > 0);
		assert_true(v->ncolumns > 0);
		assert_true(v->sort_col >= 0 && v->sort_col < v->ncolumns);
		/* a shared kind's drill is its backends' to give (a node's pods, an engine's containers) */
		if (strcmp(v->kind, KIND_NODES))
			assert_non_null(v->drill);
		for (int c = 0; c < v->ncolumns; c++)
			if (v->columns[c].cell < 0 || v->columns[c].cell >= v->ncells)
				fail_msg("%s: column %s has cell %d of %d", v->kind, v->columns[c].title,
					 v->columns[c].cell, v->ncells);
		assert_true(v->scope_cell >= -1 && v->scope_cell < v->ncells);
		assert_ptr_equal(views_find(v->kind), v);
	}
	assert_true(n >= 11);
	/* each kind's own count, so a view cannot claim another layout's */
	assert_int_equal(find("po")->ncells, POD_NCELLS);
	assert_int_equal(find("deploy")->ncells, WL_NCELLS);
	assert_int_equal(find("sts")->ncells, WL_NCELLS);
	assert_int_equal(find("ds")->ncells, WL_NCELLS);
	assert_int_equal(find("rs")->ncells, WL_NCELLS);
	assert_int_equal(find("svc")->ncells, SVC_NCELLS);
	assert_int_equal(find("namespaces")->ncells, NS_NCELLS);
	assert_int_equal(find("ev")->ncells, EV_NCELLS);
	assert_int_equal(find("nodes")->ncells, NODE_NCELLS);
}

static void test_aliases(void **state)
{
	(void)state;
	static const struct {
		const char *alias, *kind;
	} cases[] = {
		{"pods", KIND_PODS},		{"po", KIND_PODS},		  {"pod", KIND_PODS},
		{"deploy", KIND_DEPLOYMENTS},	{"deployments", KIND_DEPLOYMENTS}, {"dp", KIND_DEPLOYMENTS},
		{"sts", KIND_STATEFULSETS},	{"statefulsets", KIND_STATEFULSETS}, {"ds", KIND_DAEMONSETS},
		{"daemonsets", KIND_DAEMONSETS}, {"rs", KIND_REPLICASETS},	  {"replicasets", KIND_REPLICASETS},
		{"svc", KIND_SERVICES},		{"services", KIND_SERVICES},	  {"namespaces", KIND_NAMESPACES},
		{"namespace", KIND_NAMESPACES}, {"events", KIND_EVENTS},	  {"ev", KIND_EVENTS},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(find(cases[i].alias)->kind, cases[i].kind);
	/* `get ns` lists namespaces as kubectl does; `:ns` in the dashboard is
	 * the namespace command, which opens this same view without an argument */
	assert_string_equal(find("ns")->kind, KIND_NAMESPACES);
	/* no alias is claimed twice */
	const struct view *const *all = views_all();
	for (size_t i = 0; all[i]; i++)
		for (size_t j = 0; all[i]->aliases[j]; j++)
			assert_ptr_equal(views_find(all[i]->aliases[j]), all[i]);
}

/* How many of two pods the drill keeps, narrowed the way the table does. */
static size_t scoped_pods(struct store *s, const struct drill *d)
{
	make_row(s, KIND_PODS, POD_NCELLS, "shop/web-1", POD_NAME, "web-1", POD_LABELS,
		 "app=web,pod-template-hash=5f7,tier=front", -1);
	make_row(s, KIND_PODS, POD_NCELLS, "shop/api-1", POD_NAME, "api-1", POD_LABELS, "app=web", -1);
	struct model m;
	model_init(&m, find("pods"));
	struct model_params p = {.scope_cell = d->cell, .scope_value = d->value, .scope_selector = d->selector};
	model_build(&m, store_find_table(s, KIND_PODS), &p);
	size_t n = m.len;
	if (n)
		assert_string_equal(m.rows[0]->id, "shop/web-1");
	model_cleanup(&m);
	return n;
}

static void test_workload_drills(void **state)
{
	struct store *s = *state;
	static const char *const aliases[] = {"deploy", "sts", "ds", "rs"};
	for (size_t i = 0; i < 4; i++) {
		const struct view *v = find(aliases[i]);
		struct row *r = make_row(s, v->kind, WL_NCELLS, "shop/web", WL_NAME, "web", WL_NAMESPACE, "shop",
					 WL_SELECTOR, "app=web,tier=front", -1);
		struct drill d;
		assert_true(v->drill(r, &d));
		assert_string_equal(d.kind, KIND_PODS);
		assert_int_equal(d.cell, POD_LABELS);
		assert_true(d.selector);
		assert_false(d.describe);
		assert_string_equal(d.value, "app=web,tier=front");
		assert_non_null(strstr(d.label, "web"));
		assert_int_equal(scoped_pods(s, &d), 1);

		/* matchExpressions only: no selector cell, nowhere to go */
		r = make_row(s, v->kind, WL_NCELLS, "shop/bare", WL_NAME, "bare", -1);
		assert_false(v->drill(r, &d));
	}
}

static void test_service_drill(void **state)
{
	struct store *s = *state;
	const struct view *v = find("svc");
	struct row *r = make_row(s, KIND_SERVICES, SVC_NCELLS, "shop/web", SVC_NAME, "web", SVC_SELECTOR,
				 "app=web", -1);
	struct drill d;
	assert_true(v->drill(r, &d));
	assert_string_equal(d.kind, KIND_PODS);
	assert_int_equal(d.cell, POD_LABELS);
	assert_true(d.selector);
	assert_string_equal(d.value, "app=web");
	r = make_row(s, KIND_SERVICES, SVC_NCELLS, "default/kubernetes", SVC_NAME, "kubernetes", -1);
	assert_false(v->drill(r, &d));
}

static void test_node_drills(void **state)
{
	struct store *s = *state;
	const struct view *v = find("nodes");
	struct drill d;
	struct row *r = make_row(s, KIND_NODES, NODE_NCELLS, "worker-1", NODE_NAME, "worker-1", NODE_ROLES,
				 "<none>", -1);
	assert_true(kube_backend.drill(NULL, v, r, &d));
	assert_string_equal(d.kind, KIND_PODS);
	assert_int_equal(d.cell, POD_NODE);
	assert_false(d.selector);
	assert_string_equal(d.value, "worker-1");
	r = make_row(s, KIND_NODES, NODE_NCELLS, "cp", NODE_NAME, "cp", NODE_ROLES, "control-plane", -1);
	assert_true(kube_backend.drill(NULL, v, r, &d));
	assert_string_equal(d.kind, KIND_PODS);
	assert_string_equal(d.value, "cp");

	/* a Docker or Podman host: its containers, as before */
	r = make_row(s, KIND_NODES, NODE_NCELLS, "abcd", NODE_NAME, "laptop", NODE_ROLES, "engine", -1);
	assert_true(docker_backend.drill(NULL, v, r, &d));
	assert_string_equal(d.kind, KIND_CONTAINERS);
	assert_int_equal(d.cell, -1);
	assert_false(d.selector);
	/* each backend serves the shared view itself */
	assert_ptr_equal(backend_view(&kube_backend, KIND_NODES), v);
	assert_ptr_equal(backend_view(&docker_backend, KIND_NODES), v);
	assert_null(backend_view(&docker_backend, KIND_PODS));
}

static void test_namespace_pod_and_event_drills(void **state)
{
	struct store *s = *state;
	struct drill d;
	struct row *r = make_row(s, KIND_NAMESPACES, NS_NCELLS, "shop", NS_NAME, "shop", -1);
	assert_true(find("namespaces")->drill(r, &d));
	assert_string_equal(d.kind, KIND_PODS);
	assert_int_equal(d.cell, POD_NAMESPACE);
	assert_false(d.selector);
	assert_string_equal(d.value, "shop");

	r = make_row(s, KIND_PODS, POD_NCELLS, "shop/web-1", POD_NAME, "web-1", POD_NAMESPACE, "shop", -1);
	assert_true(find("po")->drill(r, &d));
	assert_string_equal(d.kind, KIND_CONTAINERS);
	assert_int_equal(d.cell, CTR_POD);
	assert_string_equal(d.value, "shop/web-1"); /* what the decoder writes into CTR_POD */

	r = make_row(s, KIND_EVENTS, EV_NCELLS, "shop/web-1.1", EV_NAME, "web-1.1", EV_OBJECT, "pod/web-1", -1);
	assert_true(find("ev")->drill(r, &d));
	assert_true(d.describe);
}

/* LAST SEEN sorts newest first by default; Warning rows stand out. */
static void test_events_order_and_style(void **state)
{
	struct store *s = *state;
	const struct view *v = find("events");
	assert_int_equal(v->columns[v->sort_col].cell, EV_LAST);
	assert_false(v->sort_desc);
	struct rtable *t = store_table(s, KIND_EVENTS, EV_NCELLS);
	struct row *old = make_row(s, KIND_EVENTS, EV_NCELLS, "a/old", EV_NAME, "old", EV_TYPE, "Normal", -1);
	struct row *new = make_row(s, KIND_EVENTS, EV_NCELLS, "a/new", EV_NAME, "new", EV_TYPE, "Warning", -1);
	row_set_num(s, t, old, EV_LAST, CELL_TIME, 1000, NULL);
	row_set_num(s, t, new, EV_LAST, CELL_TIME, 2000, NULL);
	assert_true(model_compare(v, v->sort_col, v->sort_desc, new, old) < 0);
	assert_non_null(v->row_style);
	assert_int_equal(v->row_style(new), ST_WARN);
	assert_int_equal(v->row_style(old), ST_NORMAL);
}

/* The colour of a column of view v (by title) for row r. */
static enum style col_style(const struct view *v, const char *title, const struct row *r)
{
	for (int c = 0; c < v->ncolumns; c++)
		if (!strcmp(v->columns[c].title, title))
			return v->columns[c].style ? v->columns[c].style(r) : ST_NORMAL;
	fail_msg("%s has no column %s", v->kind, title);
	return ST_NORMAL;
}

static void test_pod_and_workload_styles(void **state)
{
	struct store *s = *state;
	const struct view *v = find("pods");
	static const struct {
		const char *status;
		enum style st;
	} cases[] = {
		{"Running", ST_OK},	     {"Completed", ST_OK},	  {"Pending", ST_WARN},
		{"ContainerCreating", ST_WARN}, {"Init:0/2", ST_WARN},	  {"CrashLoopBackOff", ST_ERROR},
		{"Error", ST_ERROR},	     {"ImagePullBackOff", ST_ERROR}, {"ErrImagePull", ST_ERROR},
		{"Failed", ST_ERROR},	     {"Unknown", ST_ERROR},	  {"Evicted", ST_ERROR},
		{"Init:Error", ST_ERROR},	     {"OOMKilled", ST_ERROR},	  {"Terminating", ST_DIM},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct row *r = make_row(s, KIND_PODS, POD_NCELLS, "x/p", POD_STATUS, cases[i].status, -1);
		if (col_style(v, "STATUS", r) != cases[i].st)
			fail_msg("STATUS %s: style %d", cases[i].status, col_style(v, "STATUS", r));
	}
	struct rtable *t = store_table(s, KIND_PODS, POD_NCELLS);
	struct row *r = make_row(s, KIND_PODS, POD_NCELLS, "x/q", POD_STATUS, "Running", -1);
	row_set_num(s, t, r, POD_RESTARTS, CELL_INT, 0, NULL);
	row_set_num(s, t, r, POD_READY, CELL_INT, 1, "1/2");
	assert_int_equal(col_style(v, "RESTARTS", r), ST_NORMAL);
	assert_int_equal(col_style(v, "READY", r), ST_WARN);
	row_set_num(s, t, r, POD_RESTARTS, CELL_INT, 3, "3 (2m ago)");
	row_set_num(s, t, r, POD_READY, CELL_INT, 2, "2/2");
	assert_int_equal(col_style(v, "RESTARTS", r), ST_WARN);
	assert_int_equal(col_style(v, "READY", r), ST_NORMAL);

	v = find("deploy");
	t = store_table(s, KIND_DEPLOYMENTS, WL_NCELLS);
	r = make_row(s, KIND_DEPLOYMENTS, WL_NCELLS, "x/d", WL_NAME, "d", -1);
	row_set_num(s, t, r, WL_DESIRED, CELL_INT, 3, NULL);
	row_set_num(s, t, r, WL_READY, CELL_INT, 3, "3/3");
	assert_int_equal(col_style(v, "READY", r), ST_OK);
	row_set_num(s, t, r, WL_READY, CELL_INT, 1, "1/3");
	assert_int_equal(col_style(v, "READY", r), ST_WARN);
	row_set_num(s, t, r, WL_READY, CELL_INT, 0, "0/3");
	assert_int_equal(col_style(v, "READY", r), ST_ERROR);
	row_set_num(s, t, r, WL_DESIRED, CELL_INT, 0, NULL);
	row_set_num(s, t, r, WL_READY, CELL_INT, 0, "0/0");
	assert_int_equal(col_style(v, "READY", r), ST_DIM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_columns_reference_valid_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aliases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_drills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_drill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_drills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespace_pod_and_event_drills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_order_and_style, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pod_and_workload_styles, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
