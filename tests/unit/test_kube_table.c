/* test_kube_table.c: the decoder of the API server's Tables (gentable.c)
 * and the columns it gives a discovered kind's view (views/generic.c):
 * kubectl's titles and order, priority columns only in wide output, typed
 * cells (integers sort as numbers, a null stays an empty cell, text stops
 * at a line break), the Age kept live from the object, the copies some
 * kinds' actions read (a cronjob's Suspend, an autoscaler's bounds), watch
 * events without column definitions, a change of columns, plain lists, and
 * row ids for namespaced and cluster-scoped kinds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/codec/jdoc.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/kube/views/generic.h"
#include "backends/model/store.h"
#include "views/model.h"

struct fx {
	struct endpoint ep;
	struct kube k;
	struct kres res;
	struct kview *kv;
};

static char **aliases(const char *first)
{
	char **a = xcalloc(2, sizeof(*a));
	a[0] = xstrdup(first);
	return a;
}

static struct fx *fx_new(const char *group, const char *plural, const char *kind, bool namespaced)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	f->ep.store = store_new();
	f->k.ep = &f->ep;
	f->res = (struct kres){.kind = plural, .prefix = "/apis/x/v1", .plural = plural, .singular = kind,
			       .namespaced = namespaced, .ncells = GT_NCELLS, .table = true, .listable = true,
			       .watchable = true, .group = group};
	f->kv = kview_new(&f->res, aliases(plural));
	f->res.view = f->kv;
	return f;
}

static void fx_free(struct fx *f)
{
	kview_free(f->kv);
	store_free(f->ep.store);
	free(f);
}

static void take(struct fx *f, const char *json)
{
	char err[256];
	struct jnode *doc = jdoc_parse(json, strlen(json), err, sizeof(err));
	if (!doc)
		fail_msg("fixture: %s", err);
	if (kube_table_take(&f->k, &f->res, f->res.kind, doc, err, sizeof(err)) < 0)
		fail_msg("take: %s", err);
	jdoc_free(doc);
}

static const struct row *row_of(struct fx *f, const char *id)
{
	struct rtable *t = store_find_table(f->ep.store, f->res.kind);
	assert_non_null(t);
	const struct row *r = rtable_find(t, id);
	if (!r)
		fail_msg("no row %s", id);
	return r;
}

/* The titles of the view's columns, "|"-joined; wide ones marked with "+". */
static void titles(const struct view *v, char *out, size_t len)
{
	out[0] = '\0';
	for (int c = 0; c < v->ncolumns; c++) {
		strncat(out, c ? "|" : "", len - strlen(out) - 1);
		if (v->columns[c].wide)
			strncat(out, "+", len - strlen(out) - 1);
		strncat(out, v->columns[c].title, len - strlen(out) - 1);
	}
}

static int col_of(const struct view *v, const char *title)
{
	for (int c = 0; c < v->ncolumns; c++)
		if (!strcmp(v->columns[c].title, title))
			return v->columns[c].cell;
	fail_msg("no column %s", title);
	return -1;
}

#define CRONJOB_DEFS                                                                                          \
	"\"columnDefinitions\": ["                                                                           \
	"{\"name\": \"Name\", \"type\": \"string\", \"format\": \"name\", \"priority\": 0},"                \
	"{\"name\": \"Schedule\", \"type\": \"string\", \"priority\": 0},"                                   \
	"{\"name\": \"Timezone\", \"type\": \"string\", \"priority\": 0},"                                   \
	"{\"name\": \"Suspend\", \"type\": \"boolean\", \"priority\": 0},"                                   \
	"{\"name\": \"Active\", \"type\": \"integer\", \"priority\": 0},"                                    \
	"{\"name\": \"Last Schedule\", \"type\": \"date\", \"priority\": 0},"                                \
	"{\"name\": \"Age\", \"type\": \"date\", \"priority\": 0},"                                          \
	"{\"name\": \"Containers\", \"type\": \"string\", \"priority\": 1}]"

#define CRONJOB_ROW(name, suspend, active, note)                                                              \
	"{\"cells\": [\"" name "\", \"*/30 * * * *\", null, " suspend ", " active ", \"5m\", \"2d\", " note  \
	"], \"object\": {\"kind\": \"PartialObjectMetadata\", \"apiVersion\": \"meta.k8s.io/v1\","            \
	"\"metadata\": {\"name\": \"" name "\", \"namespace\": \"data\","                                   \
	"\"creationTimestamp\": \"2024-05-01T10:00:00Z\", \"labels\": {\"app\": \"" name "\"}}}}"

static void test_columns_as_kubectl(void **state)
{
	(void)state;
	struct fx *f = fx_new("batch", "cronjobs", "CronJob", true);
	char t[512];
	/* before any table: NAMESPACE, NAME, AGE */
	titles(&f->kv->view, t, sizeof(t));
	assert_string_equal(t, "NAMESPACE|NAME|AGE");
	take(f, "{\"kind\": \"Table\", \"apiVersion\": \"meta.k8s.io/v1\", \"metadata\": {\"resourceVersion\": \"7\"}, "
		CRONJOB_DEFS ", \"rows\": [" CRONJOB_ROW("report", "false", "0", "\"report\"") ","
		CRONJOB_ROW("backup", "true", "12", "\"line one\\nline two\"") "]}");
	titles(&f->kv->view, t, sizeof(t));
	assert_string_equal(t, "NAMESPACE|NAME|SCHEDULE|TIMEZONE|SUSPEND|ACTIVE|LAST SCHEDULE|AGE|+CONTAINERS");
	const struct view *v = &f->kv->view;
	const struct row *r = row_of(f, "data/report");
	assert_string_equal(row_text(r, GT_NAME), "report");
	assert_string_equal(row_text(r, GT_NAMESPACE), "data");
	assert_string_equal(row_text(r, GT_LABELS), "app=report");
	assert_string_equal(row_text(r, col_of(v, "SCHEDULE")), "*/30 * * * *");
	/* a null cell is empty, but there: the column stays, as kubectl prints it */
	assert_int_equal(r->cells[col_of(v, "TIMEZONE")].type, CELL_TEXT);
	assert_string_equal(row_text(r, col_of(v, "TIMEZONE")), "");
	assert_string_equal(row_text(r, col_of(v, "SUSPEND")), "false");
	/* integers are numbers: 12 sorts after 0 and 9 */
	assert_int_equal(r->cells[col_of(v, "ACTIVE")].type, CELL_INT);
	assert_int_equal(row_of(f, "data/backup")->cells[col_of(v, "ACTIVE")].num, 12);
	/* the Age is the object's creation, kept live; not the server's "2d" */
	assert_int_equal(col_of(v, "AGE"), GT_AGE);
	assert_int_equal(r->cells[GT_AGE].type, CELL_TIME);
	assert_int_equal(r->cells[GT_AGE].num, 1714557600);
	/* text stops at its first line break */
	assert_string_equal(row_text(row_of(f, "data/backup"), col_of(v, "CONTAINERS")), "line one...");
	/* the Suspend column is copied where the suspend action reads it */
	assert_string_equal(row_text(row_of(f, "data/backup"), GT_AUX0), "true");
	assert_string_equal(row_text(r, GT_AUX0), "false");
	/* the actions of the kind: trigger asks first, suspend toggles */
	const struct backend_action *acts[8];
	size_t n = kview_actions(f->kv, acts);
	bool trigger = false, suspend = false, remove = false;
	for (size_t i = 0; i < n; i++) {
		trigger |= !strcmp(acts[i]->name, "trigger") && (acts[i]->flags & ACTION_CONFIRM);
		suspend |= !strcmp(acts[i]->name, "suspend");
		remove |= !strcmp(acts[i]->name, "remove") && (acts[i]->flags & ACTION_CONFIRM);
	}
	assert_true(trigger && suspend && remove);
	fx_free(f);
}

static void test_watch_event_and_changed_columns(void **state)
{
	(void)state;
	struct fx *f = fx_new("batch", "cronjobs", "CronJob", true);
	take(f, "{\"kind\": \"Table\", " CRONJOB_DEFS ", \"rows\": [" CRONJOB_ROW("report", "false", "0", "\"c\"") "]}");
	const struct column *before = f->kv->view.columns;
	/* a watch event's Table has no column definitions: the columns stay */
	take(f, "{\"kind\": \"Table\", \"columnDefinitions\": null, \"rows\": ["
		CRONJOB_ROW("report", "true", "1", "\"c\"") "]}");
	assert_ptr_equal(f->kv->view.columns, before);
	const struct row *r = row_of(f, "data/report");
	assert_int_equal(r->cells[col_of(&f->kv->view, "ACTIVE")].num, 1);
	assert_string_equal(row_text(r, GT_AUX0), "true");
	/* the same definitions again change nothing */
	take(f, "{\"kind\": \"Table\", " CRONJOB_DEFS ", \"rows\": []}");
	assert_ptr_equal(f->kv->view.columns, before);
	/* new definitions (a CRD's new version): new columns; the old ones stay
	 * readable, as a model built on them may still point there */
	take(f, "{\"kind\": \"Table\", \"columnDefinitions\": ["
		"{\"name\": \"Name\", \"type\": \"string\"}, {\"name\": \"Phase\", \"type\": \"string\"}], "
		"\"rows\": [{\"cells\": [\"report\", \"Failed\"], \"object\": {\"metadata\": "
		"{\"name\": \"report\", \"namespace\": \"data\"}}}]}");
	assert_ptr_not_equal(f->kv->view.columns, before);
	assert_string_equal(before[1].title, "NAME");
	char t[256];
	titles(&f->kv->view, t, sizeof(t));
	assert_string_equal(t, "NAMESPACE|NAME|PHASE");
	/* a Status or Phase column is coloured by what it says */
	assert_non_null(f->kv->view.columns[2].style);
	assert_int_equal(f->kv->view.columns[2].style(row_of(f, "data/report")), ST_ERROR);
	fx_free(f);
}

static void test_autoscaler_bounds_and_cluster_scope(void **state)
{
	(void)state;
	struct fx *f = fx_new("autoscaling", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true);
	take(f, "{\"kind\": \"Table\", \"columnDefinitions\": ["
		"{\"name\": \"Name\", \"type\": \"string\"}, {\"name\": \"Reference\", \"type\": \"string\"},"
		"{\"name\": \"Targets\", \"type\": \"string\"}, {\"name\": \"MinPods\", \"type\": \"string\"},"
		"{\"name\": \"MaxPods\", \"type\": \"integer\"}, {\"name\": \"Replicas\", \"type\": \"integer\"},"
		"{\"name\": \"Age\", \"type\": \"date\"}], \"rows\": [{\"cells\": [\"web\", \"Deployment/web\","
		" \"cpu: 23%/80%\", 2, 6, 2, \"2d\"], \"object\": {\"metadata\": {\"name\": \"web\", "
		"\"namespace\": \"default\"}}}]}");
	const struct row *r = row_of(f, "default/web");
	assert_string_equal(row_text(r, GT_AUX0), "Deployment/web");
	assert_int_equal(r->cells[GT_AUX1].type, CELL_INT);
	assert_int_equal(r->cells[GT_AUX1].num, 2);
	assert_int_equal(r->cells[GT_AUX2].num, 6);
	fx_free(f);

	/* cluster-scoped: no NAMESPACE column, the id is the name; the Name
	 * cell is the server's ("standard (default)") */
	f = fx_new("storage.k8s.io", "storageclasses", "StorageClass", false);
	take(f, "{\"kind\": \"Table\", \"columnDefinitions\": ["
		"{\"name\": \"Name\", \"type\": \"string\"}, {\"name\": \"Provisioner\", \"type\": \"string\"},"
		"{\"name\": \"Age\", \"type\": \"date\"}], \"rows\": [{\"cells\": [\"standard (default)\", "
		"\"rancher.io/local-path\", \"3d\"], \"object\": {\"metadata\": {\"name\": \"standard\"}}}]}");
	char t[256];
	titles(&f->kv->view, t, sizeof(t));
	assert_string_equal(t, "NAME|PROVISIONER|AGE");
	assert_string_equal(row_text(row_of(f, "standard"), GT_NAME), "standard (default)");
	/* a table that left the objects out still names its rows */
	take(f, "{\"kind\": \"Table\", \"rows\": [{\"cells\": [\"fast\", \"ebs\", \"1d\"]}]}");
	assert_string_equal(row_text(row_of(f, "fast"), GT_NAME), "fast");
	fx_free(f);
}

static void test_plain_lists_and_ids(void **state)
{
	(void)state;
	struct fx *f = fx_new("lab.example", "widgets", "Widget", true);
	/* a server that prints no tables: the common cells only */
	take(f, "{\"kind\": \"WidgetList\", \"items\": [{\"metadata\": {\"name\": \"w1\", \"namespace\": \"shop\","
		"\"creationTimestamp\": \"2024-05-01T10:00:00Z\"}, \"spec\": {\"size\": 3}}]}");
	const struct row *r = row_of(f, "shop/w1");
	assert_string_equal(row_text(r, GT_NAME), "w1");
	assert_int_equal(r->cells[GT_AGE].type, CELL_TIME);
	/* a table without a Name column still shows the name */
	take(f, "{\"kind\": \"Table\", \"columnDefinitions\": [{\"name\": \"Size\", \"type\": \"integer\"}],"
		"\"rows\": [{\"cells\": [3], \"object\": {\"metadata\": {\"name\": \"w1\", \"namespace\": \"shop\"}}}]}");
	char t[256];
	titles(&f->kv->view, t, sizeof(t));
	assert_string_equal(t, "NAMESPACE|SIZE|NAME");
	/* ids from a watch event, a Table of one, or the plain object */
	char id[128], err[128];
	const char *ev = "{\"kind\": \"Table\", \"rows\": [{\"cells\": [1], \"object\": {\"metadata\": "
			 "{\"name\": \"w2\", \"namespace\": \"shop\"}}}]}";
	struct jnode *doc = jdoc_parse(ev, strlen(ev), err, sizeof(err));
	kube_table_row_id(&f->res, doc, id, sizeof(id));
	assert_string_equal(id, "shop/w2");
	jdoc_free(doc);
	const char *obj = "{\"kind\": \"Widget\", \"metadata\": {\"name\": \"w3\", \"namespace\": \"shop\"}}";
	doc = jdoc_parse(obj, strlen(obj), err, sizeof(err));
	kube_table_row_id(&f->res, doc, id, sizeof(id));
	assert_string_equal(id, "shop/w3");
	jdoc_free(doc);
	/* something else is refused with a sentence */
	const char *odd = "{\"kind\": \"Status\", \"code\": 500}";
	doc = jdoc_parse(odd, strlen(odd), err, sizeof(err));
	assert_int_equal(kube_table_take(&f->k, &f->res, f->res.kind, doc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "neither a table nor a list"));
	jdoc_free(doc);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_as_kubectl),
		cmocka_unit_test(test_watch_event_and_changed_columns),
		cmocka_unit_test(test_autoscaler_bounds_and_cluster_scope),
		cmocka_unit_test(test_plain_lists_and_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
