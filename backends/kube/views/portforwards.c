/* portforwards.c: the port-forwards this binnacle runs, one row each: where
 * it listens, what it reaches, its connections and bytes. Enter describes
 * one (its counters in full), x stops it. */
#include "backends/kube/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

static bool describe(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->describe = true;
	d->cell = -1;
	snprintf(d->label, sizeof(d->label), "%s", row_text(r, FWD_LOCAL));
	return true;
}

static enum style status_style(const struct row *r)
{
	return !strcmp(row_text(r, FWD_STATUS), "listening") ? ST_OK : ST_ERROR;
}

static const struct column columns[] = {
	{.title = "LOCAL", .cell = FWD_LOCAL, .min = 9, .max = 21},
	{.title = "NAMESPACE", .cell = FWD_NAMESPACE, .min = 9, .max = 24, .priority = 5},
	{.title = "TARGET", .cell = FWD_TARGET, .min = 6, .max = 64},
	{.title = "PORT", .cell = FWD_PORT, .min = 4, .max = 5, .align = ALIGN_RIGHT},
	{.title = "CONNECTIONS", .cell = FWD_CONNS, .min = 11, .max = 11, .priority = 3, .align = ALIGN_RIGHT},
	{.title = "TOTAL", .cell = FWD_TOTAL, .min = 5, .max = 7, .priority = 6, .align = ALIGN_RIGHT},
	{.title = "IN", .cell = FWD_IN, .min = 2, .max = 9, .priority = 4, .align = ALIGN_RIGHT},
	{.title = "OUT", .cell = FWD_OUT, .min = 3, .max = 9, .priority = 4, .align = ALIGN_RIGHT},
	{.title = "STATUS", .cell = FWD_STATUS, .min = 6, .max = 40, .priority = 2, .style = status_style},
	{.title = "AGE", .cell = FWD_AGE, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
};

static const char *const aliases[] = {"portforwards", "portforward", "pf", "forwards", NULL};

const struct view view_portforwards = {
	.kind = KIND_PORTFORWARDS,
	.title = "Port-forwards",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = FWD_NCELLS,
	.scope_cell = -1,
	.drill = describe,
};
