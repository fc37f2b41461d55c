/* events.c: the events of ECS services, newest first (the `e` key on a
 * service, or a task's service): deployments starting and completing,
 * tasks started and stopped, placement failures, steady states. Enter
 * goes to the service. */
#include "backends/ecs/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

/* The words of trouble in an ECS service event. */
static enum style message_style(const struct row *r)
{
	const char *m = row_text(r, EEV_MESSAGE);
	if (strstr(m, "unable to") || strstr(m, "failed") || strstr(m, "is unhealthy") || strstr(m, "rolling back"))
		return ST_ERROR;
	if (strstr(m, "steady state") || strstr(m, "deployment completed"))
		return ST_OK;
	return ST_NORMAL;
}

static const struct column columns[] = {
	{.title = "AGE", .cell = EEV_TIME, .min = 3, .max = 7, .align = ALIGN_RIGHT},
	{.title = "SERVICE", .cell = EEV_NAME, .min = 7, .max = 24, .priority = 2},
	{.title = "CLUSTER", .cell = EEV_CLUSTER, .min = 7, .max = 20, .priority = 3},
	{.title = "MESSAGE", .cell = EEV_MESSAGE, .min = 20, .max = 200, .priority = 1, .flex = true, .style = message_style},
};

/* Enter on an event: the service it is about. */
static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_ECS_SERVICES;
	d->cell = ESV_NAME;
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, EEV_NAME));
	d->in_ns = true;
	d->ns_cell = ESV_CLUSTER;
	snprintf(d->ns, sizeof(d->ns), "%s", row_text(r, EEV_CLUSTER));
	snprintf(d->label, sizeof(d->label), "service %s", row_text(r, EEV_NAME));
	return true;
}

static const char *const aliases[] = {"ecs-events", "ecsev", NULL};

const struct view view_ecs_events = {
	.kind = KIND_ECS_EVENTS,
	.title = "ECS service events",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	/* AGE ascending: youngest, the newest event, first */
	.ncells = EEV_NCELLS,
	.scope_cell = EEV_CLUSTER,
	.drill = drill,
};
