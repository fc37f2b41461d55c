/* views.c: how the example plugin shows itself: the shared nodes and
 * containers views it fills, its own checks view (coloured by state, Enter
 * goes to the machine's containers), where Enter leads from a node, and the
 * header's counts. */
#include "file.h" /* beside it: the plugin is built out of tree */
#include "views/kinds/shared.h"

#include <stdio.h>
#include <string.h>

static enum style check_style(const struct row *r)
{
	const char *s = row_text(r, CHECK_STATE);
	return !strcmp(s, "ok") ? ST_OK : !strcmp(s, "warning") ? ST_WARN : ST_ERROR;
}

static const struct column check_columns[] = {
	{.title = "NAME", .cell = CHECK_NAME, .min = 8, .max = 40},
	{.title = "STATE", .cell = CHECK_STATE, .min = 5, .max = 10, .style = check_style},
	{.title = "NODE", .cell = CHECK_NODE, .min = 4, .max = 30, .priority = 2},
	{.title = "MESSAGE", .cell = CHECK_MESSAGE, .min = 10, .max = 0, .priority = 1},
	{.title = "SINCE", .cell = CHECK_SINCE, .min = 5, .max = 7, .align = ALIGN_RIGHT, .priority = 3},
};

/* A check is about a machine: Enter lists what runs there. */
static bool node_containers(const char *node, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	if (!*node)
		return false;
	d->kind = KIND_CONTAINERS;
	d->cell = CTR_LABELS;
	d->selector = true;
	snprintf(d->value, sizeof(d->value), "node=%s", node);
	snprintf(d->label, sizeof(d->label), "node %s", node);
	return true;
}

static bool check_drill(const struct row *r, struct drill *d)
{
	return node_containers(row_text(r, CHECK_NODE), d);
}

static const char *const check_aliases[] = {"checks", "check", "chk", NULL};

static const struct view view_checks = {
	.kind = KIND_CHECKS,
	.title = "Checks",
	.aliases = check_aliases,
	.columns = check_columns,
	.ncolumns = sizeof(check_columns) / sizeof(check_columns[0]),
	.sort_col = 1, /* by state: failing before ok */
	.ncells = CHECK_NCELLS,
	.scope_cell = -1,
	.drill = check_drill,
	.row_style = NULL,
};

const struct view *const file_views[] = {&view_checks, &view_nodes, &view_containers, NULL};

bool file_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d)
{
	(void)ep;
	return !strcmp(v->kind, KIND_NODES) && node_containers(row_text(r, NODE_NAME), d);
}

void file_summary(struct endpoint *ep, char *out, size_t outlen)
{
	struct rtable *t = store_find_table(ep->store, KIND_CHECKS);
	size_t failing = 0;
	for (size_t i = 0; t && i < t->len; i++)
		failing += !t->rows[i]->gone_ms && strcmp(row_text(t->rows[i], CHECK_STATE), "ok");
	snprintf(out, outlen, "checks %zu/%zu not ok", failing, t ? rtable_live_count(t) : 0);
}
