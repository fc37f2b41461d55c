/* taskdefs.c: the ECS task definitions view: the active revisions of each
 * family with their containers, images, size, compatibilities and network
 * mode (described when they come on screen: a revision never changes). */
#include "backends/ecs/kinds.h"
#include "views/view.h"

#include <string.h>

static const struct column columns[] = {
	{.title = "NAME", .cell = ETD_NAME, .min = 6, .max = 48},
	{.title = "STATUS", .cell = ETD_STATUS, .min = 6, .max = 10, .priority = 4},
	{.title = "CONTAINERS", .cell = ETD_CONTAINERS, .min = 10, .max = 32, .priority = 2},
	{.title = "IMAGES", .cell = ETD_IMAGES, .min = 6, .max = 80, .priority = 1, .flex = true},
	{.title = "CPU", .cell = ETD_CPU, .min = 3, .max = 6, .align = ALIGN_RIGHT, .priority = 3},
	{.title = "MEMORY", .cell = ETD_MEM, .min = 6, .max = 8, .align = ALIGN_RIGHT, .priority = 3},
	{.title = "COMPAT", .cell = ETD_COMPAT, .min = 6, .max = 20, .priority = 5},
	{.title = "NETWORK", .cell = ETD_NETWORK, .min = 7, .max = 8, .priority = 6},
	{.title = "AGE", .cell = ETD_REGISTERED, .min = 3, .max = 7, .align = ALIGN_RIGHT, .priority = 7},
	{.title = "LOGS", .cell = ETD_LOGS, .min = 4, .max = 80, .wide = true},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->describe = true;
	d->kind = KIND_ECS_TASKDEFS;
	d->cell = -1;
	(void)r;
	return true;
}

static const char *const aliases[] = {"ecs-taskdefs", "taskdefs", "taskdef", "td", NULL};

const struct view view_ecs_taskdefs = {
	.kind = KIND_ECS_TASKDEFS,
	.title = "ECS task definitions",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = ETD_NCELLS,
	.scope_cell = -1,
	.drill = drill,
};
