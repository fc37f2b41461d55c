/* events.c: the events view, laid out like `kubectl get events`, newest
 * first, with warnings standing out. Enter opens the event's description. */
#include "backends/kube/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

/* Normal events are the background; a Warning is why someone opened this. */
static enum style row_style(const struct row *r)
{
	return !strcmp(row_text(r, EV_TYPE), "Warning") ? ST_WARN : ST_NORMAL;
}

static enum style type_style(const struct row *r)
{
	return !strcmp(row_text(r, EV_TYPE), "Warning") ? ST_ERROR : ST_DIM;
}

/* As kubectl lays them out, with COUNT before MESSAGE so the message gets
 * the rest of the line; what the event is about names the row. */
static const struct column columns[] = {
	{.title = "NAMESPACE", .cell = EV_NAMESPACE, .min = 9, .max = 24, .priority = 5},
	{.title = "LAST SEEN", .cell = EV_LAST, .min = 9, .max = 9, .align = ALIGN_RIGHT},
	{.title = "TYPE", .cell = EV_TYPE, .min = 4, .max = 8, .priority = 3, .style = type_style},
	{.title = "REASON", .cell = EV_REASON, .min = 6, .max = 28},
	{.title = "OBJECT", .cell = EV_OBJECT, .min = 6, .ident = true},
	{.title = "COUNT", .cell = EV_COUNT, .min = 5, .max = 6, .priority = 4, .align = ALIGN_RIGHT},
	{.title = "MESSAGE", .cell = EV_MESSAGE, .min = 40, .flex = true},
	{.title = "NAME", .cell = EV_NAME, .min = 4, .max = 64, .wide = true, .flex = true},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->describe = true;
	d->kind = KIND_EVENTS;
	d->cell = -1;
	snprintf(d->label, sizeof(d->label), "event %s", row_text(r, EV_OBJECT));
	return true;
}

static const char *const aliases[] = {"events", "event", "ev", NULL};

const struct view view_events = {
	.kind = KIND_EVENTS,
	.title = "Events",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 1, /* LAST SEEN ascending: ages sort youngest first */
	.ncells = EV_NCELLS,
	.scope_cell = EV_NAMESPACE,
	.drill = drill,
	.row_style = row_style,
};
