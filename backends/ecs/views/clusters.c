/* clusters.c: the ECS clusters view: what runs in each cluster and on
 * what capacity. Enter makes the cluster the endpoint's scope and lists
 * its services. */
#include "backends/ecs/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

static enum style status_style(const struct row *r)
{
	const char *s = row_text(r, ECL_STATUS);
	return !strcmp(s, "ACTIVE") ? ST_OK : !strcmp(s, "FAILED") || !strcmp(s, "INACTIVE") ? ST_ERROR : ST_WARN;
}

static enum style pending_style(const struct row *r)
{
	return r->cells[ECL_PENDING].num > 0 ? ST_WARN : ST_NORMAL;
}

static const struct column columns[] = {
	{.title = "NAME", .cell = ECL_NAME, .min = 6, .max = 48},
	{.title = "STATUS", .cell = ECL_STATUS, .min = 6, .max = 14, .priority = 3, .style = status_style},
	{.title = "RUNNING", .cell = ECL_RUNNING, .min = 7, .max = 8, .align = ALIGN_RIGHT},
	{.title = "PENDING", .cell = ECL_PENDING, .min = 7, .max = 8, .align = ALIGN_RIGHT, .priority = 2,
	 .style = pending_style},
	{.title = "SERVICES", .cell = ECL_SERVICES, .min = 8, .max = 9, .align = ALIGN_RIGHT},
	{.title = "INSTANCES", .cell = ECL_INSTANCES, .min = 9, .max = 10, .align = ALIGN_RIGHT, .priority = 1},
	{.title = "CAPACITY", .cell = ECL_CAPACITY, .min = 8, .max = 28, .priority = 4},
	{.title = "ARN", .cell = ECL_ARN, .min = 3, .max = 80, .wide = true},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_ECS_SERVICES;
	d->cell = -1;
	d->switch_scope = true;
	snprintf(d->value, sizeof(d->value), "%s", r->id);
	snprintf(d->label, sizeof(d->label), "cluster %s", r->id);
	return true;
}

static const char *const aliases[] = {"ecs-clusters", "clusters", "cluster", "ecscl", NULL};

const struct view view_ecs_clusters = {
	.kind = KIND_ECS_CLUSTERS,
	.title = "ECS clusters",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = ECL_NCELLS,
	.scope_cell = -1,
	.drill = drill,
};
