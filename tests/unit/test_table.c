/* test_table.c: fitting a view's columns to the terminal: the name is
 * never cut while another column can give way, columns are dropped (least
 * important first) before any is cut, headers are never cut with room to
 * spare, the sort column stays, `w` adds wide columns only in the room the
 * others leave, and an event's message gets the rest of the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/kube/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"
#include "tui/charset.h"
#include "tui/table.h"
#include "views/model.h"
#include "views/view.h"

/* The pods of the Kubernetes lab, as `kubectl get pods -A -o wide` shows them. */
static const char *const lab_pods[][8] = {
	/* ns, name, ready, status, restarts, ip, node, owner */
	{"data", "db-0", "1/1", "Running", "0", "10.244.12.6", "lab-worker3", "StatefulSet/db"},
	{"default", "web-z22ntmptg7-k7smb", "1/1", "Running", "0", "10.244.4.4", "lab-worker", "ReplicaSet/web"},
	{"default", "web-z22ntmptg7-wkpk4", "1/1", "Running", "0", "10.244.12.3", "lab-worker3", "ReplicaSet/web"},
	{"kube-system", "kube-controller-manager-lab-control-plane", "1/1", "Running", "0", "172.18.2.2",
	 "lab-control-plane", "Node/lab-control-plane"},
	{"shop", "checkout-nwrjdrwsx8-r4hpw", "0/1", "CrashLoopBackOff", "11 (22s ago)", "10.244.4.6", "lab-worker",
	 "ReplicaSet/checkout-nwrjdrwsx8"},
	{"monitoring", "node-exporter-bb2wb", "1/1", "Running", "0", "10.244.4.3", "lab-worker",
	 "DaemonSet/node-exporter"},
};

struct fixture {
	struct store *s;
	struct model m;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->s = store_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	model_cleanup(&f->m);
	store_free(f->s);
	free(f);
	return 0;
}

static const struct view *find(const char *alias)
{
	const struct view *v = views_find(alias);
	if (!v)
		fail_msg("no view for :%s", alias);
	return v;
}

static void pods(struct fixture *f, bool metrics)
{
	struct rtable *t = store_table(f->s, KIND_PODS, POD_NCELLS);
	for (size_t i = 0; i < sizeof(lab_pods) / sizeof(lab_pods[0]); i++) {
		const char *const *p = lab_pods[i];
		char id[128];
		snprintf(id, sizeof(id), "%s/%s", p[0], p[1]);
		struct row *r = rtable_upsert(f->s, t, id);
		row_set_text(f->s, t, r, POD_NAMESPACE, p[0]);
		row_set_text(f->s, t, r, POD_NAME, p[1]);
		row_set_num(f->s, t, r, POD_READY, CELL_INT, p[2][0] - '0', p[2]);
		row_set_text(f->s, t, r, POD_STATUS, p[3]);
		row_set_num(f->s, t, r, POD_RESTARTS, CELL_INT, atoi(p[4]), p[4]);
		row_set_text(f->s, t, r, POD_IP, p[5]);
		row_set_text(f->s, t, r, POD_NODE, p[6]);
		row_set_text(f->s, t, r, POD_OWNER, p[7]);
		row_set_text(f->s, t, r, POD_LABELS, "app=web,pod-template-hash=z22ntmptg7,tier=frontend");
		row_set_num(f->s, t, r, POD_AGE, CELL_TIME, wall_s() - 86400 * 3 - 3600 * (int64_t)i, NULL);
		if (metrics) {
			row_set_num(f->s, t, r, POD_CPU, CELL_PERMILLE, 150 + (int64_t)i, "150m");
			row_set_num(f->s, t, r, POD_MEM, CELL_BYTES, 268435456, "256MiB");
		}
	}
	model_init(&f->m, find("po"));
	model_build(&f->m, t, NULL);
}

/* The widest display text of column c (into the view's columns). */
static int content_width(const struct model *m, const struct view *v, int c)
{
	int w = 0;
	for (size_t i = 0; i < m->len; i++) {
		char text[256];
		model_cell_text(&m->rows[i]->cells[v->columns[c].cell], wall_s(), text, sizeof(text));
		int n = (int)strlen(text);
		w = n > w ? n : w;
	}
	return w;
}

static int shown_at(const struct table_layout *l, const struct view *v, const char *title)
{
	for (int i = 0; i < l->ncols; i++)
		if (!strcmp(v->columns[l->col[i]].title, title))
			return i;
	return -1;
}

static void fit(const struct view *v, const struct model *m, int width, bool wide, int sort_col, struct table_layout *l)
{
	struct table_fit o = {.width = width, .wide = wide, .sort_col = sort_col, .hide_cell = -1};
	table_layout_fit(v, m, &o, l);
	assert_true(l->total <= width);
}

/* No shown column narrower than its content, except flexible text down to its floor. */
static void assert_nothing_cut(const struct model *m, const struct view *v, const struct table_layout *l)
{
	for (int i = 0; i < l->ncols; i++) {
		const struct column *c = &v->columns[l->col[i]];
		int need = content_width(m, v, l->col[i]);
		if (c->max && need > c->max)
			need = c->max;
		if (c->flex && need > c->min)
			need = c->min > (int)strlen(c->title) ? c->min : (int)strlen(c->title);
		if (l->width[i] < need)
			fail_msg("%s is %d wide for content %d", c->title, l->width[i], need);
		if (l->width[i] < (int)strlen(c->title))
			fail_msg("the header %s is cut to %d", c->title, l->width[i]);
	}
}

static void test_pods_120_names_whole(void **state)
{
	struct fixture *f = *state;
	pods(f, true);
	const struct view *v = f->m.view;
	struct table_layout l;
	fit(v, &f->m, 120, false, v->sort_col, &l);
	int name = shown_at(&l, v, "NAME");
	assert_true(name >= 0);
	assert_int_equal(l.width[name], (int)strlen("kube-controller-manager-lab-control-plane"));
	assert_nothing_cut(&f->m, v, &l);
	/* the sort column (namespace) stays, with room for its mark */
	int ns = shown_at(&l, v, "NAMESPACE");
	assert_true(ns >= 0);
	assert_true(l.width[ns] >= (int)strlen("NAMESPACE") + 1);
	assert_true(shown_at(&l, v, "STATUS") >= 0);
}

static void test_pods_80_drop_before_cut(void **state)
{
	struct fixture *f = *state;
	pods(f, true);
	const struct view *v = f->m.view;
	struct table_layout l;
	fit(v, &f->m, 80, false, v->sort_col, &l);
	assert_nothing_cut(&f->m, v, &l);
	assert_true(shown_at(&l, v, "NAME") >= 0);
	assert_true(shown_at(&l, v, "STATUS") >= 0);
	assert_true(shown_at(&l, v, "READY") >= 0);
	/* the least important went first */
	assert_int_equal(shown_at(&l, v, "IP"), -1);
	assert_int_equal(shown_at(&l, v, "NODE"), -1);
}

static void test_pods_narrow_name_last(void **state)
{
	struct fixture *f = *state;
	pods(f, false);
	const struct view *v = f->m.view;
	struct table_layout l;
	/* too narrow for the whole name even alone: the others are cut first */
	fit(v, &f->m, 50, false, 1, &l);
	int name = shown_at(&l, v, "NAME");
	assert_true(name >= 0);
	for (int i = 0; i < l.ncols; i++)
		if (i != name)
			assert_true(l.width[i] <= (int)strlen(v->columns[l.col[i]].title) + 1);
	assert_true(l.total <= 50);
}

static void test_wide_keeps_the_rest(void **state)
{
	struct fixture *f = *state;
	pods(f, true);
	const struct view *v = f->m.view;
	struct table_layout narrow, wide;
	fit(v, &f->m, 120, false, v->sort_col, &narrow);
	fit(v, &f->m, 120, true, v->sort_col, &wide);
	/* `w` adds what fits after the others and never cuts them */
	assert_true(wide.ncols >= narrow.ncols);
	for (int i = 0; i < narrow.ncols; i++) {
		assert_int_equal(wide.col[i], narrow.col[i]);
		assert_int_equal(wide.width[i], narrow.width[i]);
	}
	fit(v, &f->m, 250, true, v->sort_col, &wide);
	assert_true(shown_at(&wide, v, "OWNER") >= 0);
	assert_true(shown_at(&wide, v, "LABELS") >= 0);
	assert_nothing_cut(&f->m, v, &wide);
}

static void test_hidden_scope_column(void **state)
{
	struct fixture *f = *state;
	pods(f, true);
	const struct view *v = f->m.view;
	struct table_layout l;
	struct table_fit o = {.width = 120, .sort_col = 1, .hide_cell = v->scope_cell};
	table_layout_fit(v, &f->m, &o, &l);
	assert_int_equal(shown_at(&l, v, "NAMESPACE"), -1);
}

static void test_events_message_before_count(void **state)
{
	struct fixture *f = *state;
	struct rtable *t = store_table(f->s, KIND_EVENTS, EV_NCELLS);
	struct row *r = rtable_upsert(f->s, t, "shop/checkout.1");
	row_set_text(f->s, t, r, EV_NAME, "checkout-nwrjdrwsx8-r4hpw.17f3a9c2b1d0e4f5");
	row_set_text(f->s, t, r, EV_NAMESPACE, "shop");
	row_set_num(f->s, t, r, EV_LAST, CELL_TIME, wall_s() - 37, NULL);
	row_set_text(f->s, t, r, EV_TYPE, "Warning");
	row_set_text(f->s, t, r, EV_REASON, "BackOff");
	row_set_text(f->s, t, r, EV_OBJECT, "pod/checkout-nwrjdrwsx8-r4hpw");
	row_set_text(f->s, t, r, EV_MESSAGE,
		     "Back-off restarting failed container checkout in pod checkout-nwrjdrwsx8-r4hpw_shop(1234)");
	row_set_num(f->s, t, r, EV_COUNT, CELL_INT, 4, NULL);
	const struct view *v = find("events");
	model_init(&f->m, v);
	model_build(&f->m, t, NULL);
	struct table_layout l;
	fit(v, &f->m, 120, false, v->sort_col, &l);
	int msg = shown_at(&l, v, "MESSAGE"), count = shown_at(&l, v, "COUNT");
	assert_true(msg >= 0);
	/* nothing sits right of the message: it has the rest of the line */
	assert_int_equal(msg, l.ncols - 1);
	assert_true(count < msg);
	assert_true(l.width[msg] >= 40);
	int obj = shown_at(&l, v, "OBJECT");
	assert_int_equal(l.width[obj], (int)strlen("pod/checkout-nwrjdrwsx8-r4hpw"));
	/* headers with room to spare are whole: LAST SEEN and its sort mark */
	int last = shown_at(&l, v, "LAST SEEN");
	assert_true(l.width[last] >= (int)strlen("LAST SEEN") + 1);
	fit(v, &f->m, 80, false, v->sort_col, &l);
	obj = shown_at(&l, v, "OBJECT");
	assert_int_equal(l.width[obj], (int)strlen("pod/checkout-nwrjdrwsx8-r4hpw"));
	assert_true(shown_at(&l, v, "MESSAGE") >= 0);
}

/* A plugin's view with no ident flag: the column of cell 0 names the rows. */
static void test_ident_default(void **state)
{
	(void)state;
	static const struct column cols[] = {
		{.title = "AGE", .cell = 1},
		{.title = "NAME", .cell = 0},
	};
	struct view v = {.kind = "things", .title = "Things", .columns = cols, .ncolumns = 2, .ncells = 2};
	assert_int_equal(table_ident_column(&v), 1);
	assert_int_equal(table_ident_column(find("events")), 4);
}

/* A long table on screen: what is shown is measured, wherever it is, and
 * not only its first rows (a name 2,500 rows down, scrolled to, is whole). */
static void test_long_table_measures_rows_shown(void **state)
{
	struct fixture *f = *state;
	struct rtable *t = store_table(f->s, KIND_PODS, POD_NCELLS);
	char id[96], name[80];
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), i == 2500 ? "web-%04d-with-a-much-longer-name-than-any" : "web-%04d", i);
		snprintf(id, sizeof(id), "default/%s", name);
		struct row *r = rtable_upsert(f->s, t, id);
		row_set_text(f->s, t, r, POD_NAMESPACE, "default");
		row_set_text(f->s, t, r, POD_NAME, name);
		row_set_text(f->s, t, r, POD_STATUS, "Running");
	}
	const struct view *v = find("po");
	model_init(&f->m, v);
	model_build(&f->m, t, NULL);
	struct table_layout l;
	struct table_fit o = {.width = 200, .sort_col = -1, .hide_cell = -1, .top = 2490, .rows = 40};
	table_layout_fit(v, &f->m, &o, &l);
	int at = shown_at(&l, v, "NAME");
	assert_true(at >= 0);
	assert_int_equal(l.width[at], (int)strlen("web-2500-with-a-much-longer-name-than-any"));
	/* at the top, the rows there and a spread of the rest set it */
	o.top = 0;
	table_layout_fit(v, &f->m, &o, &l);
	at = shown_at(&l, v, "NAME");
	assert_true(l.width[at] >= (int)strlen("web-0000"));
	/* a table of 1,500 rows is measured whole, wherever the screen is */
	for (int i = 1500; i < 3000; i++) {
		snprintf(id, sizeof(id), i == 2500 ? "default/web-%04d-with-a-much-longer-name-than-any" : "default/web-%04d", i);
		rtable_delete(f->s, t, id);
	}
	rtable_purge(f->s, t, 0);
	assert_non_null(rtable_find(t, "default/web-1499"));
	snprintf(id, sizeof(id), "default/web-1400-%s", "long-enough-to-be-the-widest");
	struct row *r = rtable_upsert(f->s, t, id);
	row_set_text(f->s, t, r, POD_NAMESPACE, "default");
	row_set_text(f->s, t, r, POD_NAME, id + strlen("default/"));
	model_build(&f->m, t, NULL);
	assert_int_equal((int)f->m.len, 1501);
	table_layout_fit(v, &f->m, &o, &l);
	at = shown_at(&l, v, "NAME");
	assert_int_equal(l.width[at], (int)strlen("web-1400-long-enough-to-be-the-widest"));
}

/* A text that moves with time gets the room it needs for the next while:
 * "7 (9s ago)" is "7 (10s ago)" a second later, before the table changes
 * and the layout is made again. */
static void test_restarts_room_to_grow(void **state)
{
	struct fixture *f = *state;
	clock_pin(1000, 1700000000);
	struct rtable *t = store_table(f->s, KIND_PODS, POD_NCELLS);
	struct row *r = rtable_upsert(f->s, t, "shop/checkout-1");
	row_set_text(f->s, t, r, POD_NAMESPACE, "shop");
	row_set_text(f->s, t, r, POD_NAME, "checkout-1");
	row_set_text(f->s, t, r, POD_STATUS, "CrashLoopBackOff");
	row_set_num_since(f->s, t, r, POD_RESTARTS, CELL_INT, 7, "7 (\x1e ago)", 1700000000 - 9);
	const struct view *v = find("po");
	model_init(&f->m, v);
	model_build(&f->m, t, NULL);
	struct table_layout l;
	fit(v, &f->m, 200, false, -1, &l);
	int at = shown_at(&l, v, "RESTARTS");
	assert_true(at >= 0);
	assert_true(l.width[at] >= (int)strlen("7 (10s ago)"));
	clock_pin(0, 0);
}

int main(void)
{
	charset_force_ascii(true); /* the sort mark is one cell either way */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pods_120_names_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pods_80_drop_before_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pods_narrow_name_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wide_keeps_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hidden_scope_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_message_before_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_table_measures_rows_shown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restarts_room_to_grow, setup, teardown),
		cmocka_unit_test(test_ident_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
