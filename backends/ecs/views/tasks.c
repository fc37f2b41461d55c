/* tasks.c: the ECS tasks view: where each task is in its life, its health,
 * what it runs on and, for the stopped ones (kept on screen, dimmed, for
 * as long as ECS keeps them), the stop code and the reason it died.
 * Enter lists its containers. */
#include "backends/ecs/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

static bool stopped(const struct row *r)
{
	return !strcmp(row_text(r, ETK_LAST), "STOPPED");
}

static enum style last_style(const struct row *r)
{
	const char *last = row_text(r, ETK_LAST), *desired = row_text(r, ETK_DESIRED);
	if (!strcmp(last, "RUNNING"))
		return strcmp(desired, "RUNNING") ? ST_WARN : ST_OK;
	if (!strcmp(last, "STOPPED"))
		return ST_DIM;
	return ST_WARN; /* provisioning, pending, activating, or on its way out */
}

static enum style health_style(const struct row *r)
{
	const char *h = row_text(r, ETK_HEALTH);
	return !strcmp(h, "HEALTHY") ? ST_OK : !strcmp(h, "UNHEALTHY") ? ST_ERROR : ST_NORMAL;
}

/* A stop the user asked for is news; a crash or a failed start is trouble. */
static enum style stop_style(const struct row *r)
{
	const char *code = row_text(r, ETK_STOP_CODE);
	if (!*code)
		return ST_NORMAL;
	if (!strcmp(code, "UserInitiated") || !strcmp(code, "ServiceSchedulerInitiated"))
		return ST_DIM;
	return ST_ERROR;
}

static enum style row_style(const struct row *r)
{
	return stopped(r) ? ST_DIM : ST_NORMAL;
}

static const struct column columns[] = {
	{.title = "CLUSTER", .cell = ETK_CLUSTER, .min = 7, .max = 20, .priority = 9},
	{.title = "SERVICE", .cell = ETK_SERVICE, .min = 7, .max = 24},
	{.title = "TASK", .cell = ETK_ID, .min = 8, .max = 32},
	{.title = "LAST", .cell = ETK_LAST, .min = 7, .max = 14, .style = last_style},
	{.title = "DESIRED", .cell = ETK_DESIRED, .min = 7, .max = 8, .priority = 6},
	{.title = "HEALTH", .cell = ETK_HEALTH, .min = 7, .max = 9, .priority = 5, .style = health_style},
	{.title = "LAUNCH", .cell = ETK_LAUNCH, .min = 6, .max = 12, .priority = 7},
	{.title = "TASKDEF", .cell = ETK_TASKDEF, .min = 7, .max = 30, .priority = 8},
	{.title = "CPU", .cell = ETK_CPU, .min = 3, .max = 6, .align = ALIGN_RIGHT, .priority = 10},
	{.title = "MEM", .cell = ETK_MEM, .min = 6, .max = 8, .align = ALIGN_RIGHT, .priority = 10},
	{.title = "IP", .cell = ETK_IP, .min = 2, .max = 15, .priority = 11},
	{.title = "AZ", .cell = ETK_AZ, .min = 2, .max = 16, .priority = 12},
	{.title = "HOST", .cell = ETK_HOST, .min = 10, .max = 20, .priority = 4}, /* where it runs: kept before the desired state, launch type and revision */
	{.title = "STARTED", .cell = ETK_STARTED, .min = 7, .max = 7, .align = ALIGN_RIGHT, .priority = 4},
	{.title = "STOPPED", .cell = ETK_STOPPED, .min = 7, .max = 7, .align = ALIGN_RIGHT, .priority = 3},
	{.title = "STOP CODE", .cell = ETK_STOP_CODE, .min = 13, .max = 26, .priority = 2, .style = stop_style},
	{.title = "REASON", .cell = ETK_REASON, .min = 24, .max = 120, .priority = 1, .flex = true, .style = stop_style},
	{.title = "EXEC", .cell = ETK_EXEC, .min = 4, .max = 4, .wide = true},
	{.title = "EXEC AGENTS", .cell = ETK_AGENTS, .min = 6, .max = 60, .wide = true},
	{.title = "ARN", .cell = ETK_ARN, .min = 3, .max = 100, .wide = true},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_CONTAINERS;
	d->cell = CTR_POD;
	snprintf(d->value, sizeof(d->value), "%s", r->id);
	snprintf(d->label, sizeof(d->label), "task %.8s", row_text(r, ETK_ID));
	return true;
}

static const char *const aliases[] = {"ecs-tasks", "tasks", "task", "ecstask", NULL};

const struct view view_ecs_tasks = {
	.kind = KIND_ECS_TASKS,
	.title = "ECS tasks",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 1, /* by service */
	.ncells = ETK_NCELLS,
	.scope_cell = ETK_CLUSTER,
	.drill = drill,
	.row_style = row_style,
};
