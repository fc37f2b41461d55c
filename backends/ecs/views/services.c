/* services.c: the ECS services view: running against desired, the
 * rollout of the primary deployment and whether another is in flight,
 * what the tasks run on and from which task definition, whether exec is
 * on. Enter lists the service's tasks; `e` its events. */
#include "backends/ecs/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

/* Short of desired is what an operator looks for first. */
static enum style tasks_style(const struct row *r)
{
	int64_t running = r->cells[ESV_TASKS].num, desired = r->cells[ESV_DESIRED].num;
	if (running >= desired)
		return ST_OK;
	return running == 0 ? ST_ERROR : ST_WARN;
}

static enum style rollout_style(const struct row *r)
{
	const char *s = row_text(r, ESV_ROLLOUT);
	return !strcmp(s, "COMPLETED") ? ST_NORMAL : !strcmp(s, "FAILED") ? ST_ERROR : ST_WARN;
}

static enum style deployments_style(const struct row *r)
{
	return r->cells[ESV_DEPLOYMENTS].num > 1 ? ST_WARN : ST_NORMAL;
}

static enum style row_style(const struct row *r)
{
	return strcmp(row_text(r, ESV_STATUS), "ACTIVE") && *row_text(r, ESV_STATUS) ? ST_DIM : ST_NORMAL;
}

static const struct column columns[] = {
	{.title = "CLUSTER", .cell = ESV_CLUSTER, .min = 7, .max = 24, .priority = 6},
	{.title = "NAME", .cell = ESV_NAME, .min = 6, .max = 40},
	{.title = "TASKS", .cell = ESV_TASKS, .min = 5, .max = 11, .align = ALIGN_RIGHT, .style = tasks_style},
	{.title = "PENDING", .cell = ESV_PENDING, .min = 7, .max = 7, .align = ALIGN_RIGHT, .priority = 4},
	{.title = "ROLLOUT", .cell = ESV_ROLLOUT, .min = 7, .max = 11, .style = rollout_style},
	{.title = "DEPLOYS", .cell = ESV_DEPLOYMENTS, .min = 7, .max = 7, .align = ALIGN_RIGHT, .priority = 3,
	 .style = deployments_style},
	{.title = "LAUNCH", .cell = ESV_LAUNCH, .min = 6, .max = 32, .priority = 5},
	{.title = "TASKDEF", .cell = ESV_TASKDEF, .min = 7, .max = 40, .priority = 2},
	{.title = "EXEC", .cell = ESV_EXEC, .min = 4, .max = 4, .priority = 7},
	{.title = "AGE", .cell = ESV_AGE, .min = 3, .max = 7, .align = ALIGN_RIGHT, .priority = 1},
	{.title = "STATUS", .cell = ESV_STATUS, .min = 6, .max = 10, .wide = true},
	{.title = "ROLLOUT REASON", .cell = ESV_ROLLOUT_REASON, .min = 8, .max = 80, .wide = true, .flex = true},
	{.title = "ARN", .cell = ESV_ARN, .min = 3, .max = 90, .wide = true},
};

/* A service's tasks: its group, in its cluster. */
static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_ECS_TASKS;
	d->cell = ETK_SERVICE;
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, ESV_NAME));
	d->in_ns = true;
	d->ns_cell = ETK_CLUSTER;
	snprintf(d->ns, sizeof(d->ns), "%s", row_text(r, ESV_CLUSTER));
	snprintf(d->label, sizeof(d->label), "service %s", row_text(r, ESV_NAME));
	return true;
}

static const char *const aliases[] = {"ecs-services", "ecssvc", "ecs-svc", NULL};

const struct view view_ecs_services = {
	.kind = KIND_ECS_SERVICES,
	.title = "ECS services",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0, /* cluster, then name */
	.ncells = ESV_NCELLS,
	.scope_cell = ESV_CLUSTER,
	.drill = drill,
	.row_style = row_style,
};
