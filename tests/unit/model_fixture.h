/* model_fixture.h: the hand-made view, the containers and the store the
 * model tests (test_model.c, test_model_incremental.c) share. */
#ifndef BINNACLE_TEST_MODEL_FIXTURE_H
#define BINNACLE_TEST_MODEL_FIXTURE_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/model/kinds.h"
#include "views/model.h"
#include "views/image.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#define NOW 1700000000
#define MiB (1024LL * 1024)
#define GiB (1024LL * MiB)
#define GONE_MS 3000

enum { COL_NAME, COL_IMAGE, COL_STATE, COL_CPU, COL_MEM, COL_AGE, COL_COMMAND };

static const struct column columns[] = {
	[COL_NAME] = {.title = "NAME", .cell = CTR_NAME},
	[COL_IMAGE] = {.title = "IMAGE", .cell = CTR_IMAGE},
	[COL_STATE] = {.title = "STATE", .cell = CTR_STATE},
	[COL_CPU] = {.title = "CPU", .cell = CTR_CPU, .align = ALIGN_RIGHT},
	[COL_MEM] = {.title = "MEM", .cell = CTR_MEM, .align = ALIGN_RIGHT},
	[COL_AGE] = {.title = "AGE", .cell = CTR_CREATED, .align = ALIGN_RIGHT},
	[COL_COMMAND] = {.title = "COMMAND", .cell = CTR_COMMAND, .wide = true},
};

static const struct view test_view = {
	.kind = KIND_CONTAINERS,
	.title = "Containers",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = COL_NAME,
	.ncells = CTR_NCELLS,
};

struct fixture {
	struct store *s;
	struct rtable *t;
	struct model m;
};

struct ctr {
	const char *id, *name, *image, *state;
	int cpu;           /* permille, -1 = unset */
	long long mem;     /* bytes, -1 = unset */
	long long age;     /* seconds */
	const char *command;
};

static const struct ctr ctrs[] = {
	{"c01", "web-1", "nginx:1", "running", 125, 100 * MiB, 60, "nginx -g daemon off;"},
	{"c02", "web-10", "nginx:1", "running", 5, 2 * GiB, 3600, "nginx"},
	{"c03", "Web-2", "nginx:2", "exited", -1, 10 * 1024, 3 * 86400, "nginx"},
	{"c04", "db", "postgres:16", "running", 300, 3 * GiB / 2, 10, "postgres -c max_connections=200"},
	{"c05", "web-1-canary", "nginx:2", "running", 0, -1, 120, "nginx"},
	{"c06", "x[abc]y", "busybox", "created", -1, 0, 5000, "sleep 1"},
	{"c07", "web-1", "nginx:1", "running", 20, 50 * MiB, 7 * 86400, "nginx"},
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	clock_pin(5000, NOW);
	fx->s = store_new();
	fx->t = store_table(fx->s, KIND_CONTAINERS, CTR_NCELLS);
	rtable_relist_begin(fx->t);
	for (size_t i = 0; i < sizeof(ctrs) / sizeof(ctrs[0]); i++) {
		const struct ctr *c = &ctrs[i];
		struct row *r = rtable_upsert(fx->s, fx->t, c->id);
		row_set_text(fx->s, fx->t, r, CTR_NAME, c->name);
		row_set_text(fx->s, fx->t, r, CTR_IMAGE, c->image);
		row_set_text(fx->s, fx->t, r, CTR_STATE, c->state);
		row_set_text(fx->s, fx->t, r, CTR_COMMAND, c->command);
		if (c->cpu >= 0)
			row_set_num(fx->s, fx->t, r, CTR_CPU, CELL_PERMILLE, c->cpu, NULL);
		if (c->mem >= 0)
			row_set_num(fx->s, fx->t, r, CTR_MEM, CELL_BYTES, c->mem, NULL);
		row_set_num(fx->s, fx->t, r, CTR_CREATED, CELL_TIME, NOW - c->age, NULL);
	}
	/* a deleted row still lingering in the store */
	struct row *g = rtable_upsert(fx->s, fx->t, "c08");
	row_set_text(fx->s, fx->t, g, CTR_NAME, "web-3");
	row_set_text(fx->s, fx->t, g, CTR_IMAGE, "nginx:1");
	rtable_relist_end(fx->s, fx->t);
	rtable_delete(fx->s, fx->t, "c08");
	model_init(&fx->m, &test_view);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	model_cleanup(&fx->m);
	store_free(fx->s);
	free(fx);
	clock_pin(0, 0);
	return 0;
}

/* Builds with the given filter text and sort, returns the ids in order,
 * space-separated, so a whole ordering is one readable assertion. */
static inline const char *build(struct fixture *fx, const char *filter, int sort_col, bool desc)
{
	static char out[512];
	struct filter f;
	filter_init(&f, filter);
	struct model_params p = {.scope_cell = -1, .filter = &f, .sort_col = sort_col, .sort_desc = desc};
	model_build(&fx->m, fx->t, &p);
	filter_cleanup(&f);
	out[0] = '\0';
	for (size_t i = 0; i < fx->m.len; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, fx->m.rows[i]->id);
	}
	return out;
}

#endif
