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

static const struct column columns[] = {
	{"LAST SEEN", EV_LAST, 9, 9, 0, ALIGN_RIGHT, false, NULL},
	{"TYPE", EV_TYPE, 4, 8, 3, ALIGN_LEFT, false, type_style},
	{"REASON", EV_REASON, 6, 28, 0, ALIGN_LEFT, false, NULL},
	{"OBJECT", EV_OBJECT, 6, 56, 2, ALIGN_LEFT, false, NULL},
	{"MESSAGE", EV_MESSAGE, 16, 0, 0, ALIGN_LEFT, false, NULL},
	{"COUNT", EV_COUNT, 5, 6, 4, ALIGN_RIGHT, false, NULL},
	{"NAMESPACE", EV_NAMESPACE, 9, 24, 5, ALIGN_LEFT, false, NULL},
	{"NAME", EV_NAME, 4, 64, 0, ALIGN_LEFT, true, NULL},
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
	.sort_col = 0, /* LAST SEEN ascending: ages sort youngest first */
	.ncells = EV_NCELLS,
	.scope_cell = EV_NAMESPACE,
	.drill = drill,
	.row_style = row_style,
};
