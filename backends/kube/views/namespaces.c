/* namespaces.c: the namespaces view. `:ns` switches the namespace in
 * command mode, so this view answers to `:namespaces` and `:namespace`.
 * Enter lists the pods of the namespace. */
#include "backends/kube/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

static enum style status_style(const struct row *r)
{
	const char *s = row_text(r, NS_STATUS);
	if (!strcmp(s, "Active"))
		return ST_OK;
	return !strcmp(s, "Terminating") ? ST_DIM : ST_NORMAL;
}

static const struct column columns[] = {
	{.title = "NAME", .cell = NS_NAME, .min = 8, .ident = true},
	{.title = "STATUS", .cell = NS_STATUS, .min = 6, .max = 12, .style = status_style},
	{.title = "AGE", .cell = NS_AGE, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "LABELS", .cell = NS_LABELS, .min = 6, .max = 80, .wide = true, .flex = true, .labels = true},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	/* Kubernetes switches the endpoint to the namespace (only its pods are
	 * listed then); the scope keeps the drill right if a backend cannot */
	d->kind = KIND_PODS;
	d->cell = POD_NAMESPACE;
	d->switch_scope = true;
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, NS_NAME));
	snprintf(d->label, sizeof(d->label), "namespace %s", row_text(r, NS_NAME));
	return true;
}

static const char *const aliases[] = {"namespaces", "namespace", "ns", NULL};

const struct view view_namespaces = {
	.kind = KIND_NAMESPACES,
	.title = "Namespaces",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = NS_NCELLS,
	.scope_cell = -1,
	.drill = drill,
};
