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
	{"LOCAL", FWD_LOCAL, 9, 21, 0, ALIGN_LEFT, false, NULL},
	{"NAMESPACE", FWD_NAMESPACE, 9, 24, 5, ALIGN_LEFT, false, NULL},
	{"TARGET", FWD_TARGET, 6, 64, 0, ALIGN_LEFT, false, NULL},
	{"PORT", FWD_PORT, 4, 5, 0, ALIGN_RIGHT, false, NULL},
	{"CONNECTIONS", FWD_CONNS, 11, 11, 3, ALIGN_RIGHT, false, NULL},
	{"TOTAL", FWD_TOTAL, 5, 7, 6, ALIGN_RIGHT, false, NULL},
	{"IN", FWD_IN, 2, 9, 4, ALIGN_RIGHT, false, NULL},
	{"OUT", FWD_OUT, 3, 9, 4, ALIGN_RIGHT, false, NULL},
	{"STATUS", FWD_STATUS, 6, 40, 2, ALIGN_LEFT, false, status_style},
	{"AGE", FWD_AGE, 3, 7, 1, ALIGN_RIGHT, false, NULL},
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
