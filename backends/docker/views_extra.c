/* views_extra.c: the views of the Docker backend's own kinds, as lazydocker
 * shows them: volumes and networks with the containers that use them
 * (Enter lists those containers), and compose projects grouped from their
 * containers' labels (Enter lists the project's containers). */
#include "backends/docker/kinds.h"
#include "backends/model/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

static enum style used_style(const struct row *r, int cell)
{
	if (r->cells[cell].type == CELL_NONE)
		return ST_NORMAL;
	return r->cells[cell].num > 0 ? ST_OK : ST_DIM;
}

static enum style volume_used(const struct row *r)
{
	return used_style(r, VOL_USED);
}

static enum style network_used(const struct row *r)
{
	return used_style(r, NET_USED);
}

static const struct column volume_columns[] = {
	{.title = "NAME", .cell = VOL_NAME, .min = 8, .ident = true},
	{.title = "DRIVER", .cell = VOL_DRIVER, .min = 6, .max = 16, .priority = 3},
	{.title = "IN USE", .cell = VOL_USED, .min = 6, .max = 10, .style = volume_used},
	{.title = "USED BY", .cell = VOL_USERS, .min = 7, .max = 60, .priority = 2, .flex = true},
	{.title = "AGE", .cell = VOL_CREATED, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "SCOPE", .cell = VOL_SCOPE, .min = 5, .max = 8, .wide = true},
	{.title = "MOUNTPOINT", .cell = VOL_MOUNTPOINT, .min = 10, .max = 80, .wide = true, .flex = true},
	{.title = "LABELS", .cell = VOL_LABELS, .min = 6, .max = 60, .wide = true, .flex = true, .labels = true},
};

static const struct column network_columns[] = {
	{.title = "NAME", .cell = NET_NAME, .min = 8, .ident = true},
	{.title = "DRIVER", .cell = NET_DRIVER, .min = 6, .max = 16, .priority = 3},
	{.title = "SUBNET", .cell = NET_SUBNET, .min = 6, .max = 43, .priority = 4},
	{.title = "IN USE", .cell = NET_USED, .min = 6, .max = 10, .style = network_used},
	{.title = "USED BY", .cell = NET_USERS, .min = 7, .max = 60, .priority = 2, .flex = true},
	{.title = "AGE", .cell = NET_CREATED, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "ID", .cell = NET_ID, .min = 12, .max = 12, .wide = true},
	{.title = "SCOPE", .cell = NET_SCOPE, .min = 5, .max = 8, .wide = true},
};

static enum style project_style(const struct row *r)
{
	const char *s = row_text(r, PRJ_STATUS);
	return !strncmp(s, "running", 7) ? ST_OK : !strncmp(s, "partly", 6) ? ST_WARN : ST_DIM;
}

static const struct column project_columns[] = {
	{.title = "PROJECT", .cell = PRJ_NAME, .min = 7, .ident = true},
	{.title = "STATUS", .cell = PRJ_STATUS, .min = 6, .max = 24, .style = project_style},
	{.title = "SERVICES", .cell = PRJ_SERVICES, .min = 8, .max = 60, .priority = 2, .flex = true},
	{.title = "AGE", .cell = PRJ_CREATED, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "CONFIG FILES", .cell = PRJ_CONFIG, .min = 12, .max = 80, .priority = 4, .flex = true},
	{.title = "WORKING DIR", .cell = PRJ_DIR, .min = 11, .max = 80, .wide = true, .flex = true},
};

/* Enter: the containers using it (by name, as the USED BY cell lists them). */
static bool users_drill(const struct row *r, struct drill *d, int users, const char *what)
{
	memset(d, 0, sizeof(*d));
	if (!*row_text(r, users))
		return false;
	d->kind = KIND_CONTAINERS;
	d->cell = CTR_NAME;
	d->among = true; /* the cell lists names: a container is one of them */
	snprintf(d->label, sizeof(d->label), "%s %s", what, row_text(r, 0));
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, users));
	return true;
}

static bool volume_drill(const struct row *r, struct drill *d)
{
	return users_drill(r, d, VOL_USERS, "volume");
}

static bool network_drill(const struct row *r, struct drill *d)
{
	return users_drill(r, d, NET_USERS, "network");
}

/* Enter on a project: its containers, by the label compose put on them. */
static bool project_drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_CONTAINERS;
	d->cell = CTR_LABELS;
	d->selector = true;
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, PRJ_SELECTOR));
	snprintf(d->label, sizeof(d->label), "project %s", row_text(r, PRJ_NAME));
	return true;
}

static const char *const volume_aliases[] = {"volumes", "volume", "vol", "vols", NULL};
static const char *const network_aliases[] = {"networks", "network", "net", "nets", NULL};
static const char *const project_aliases[] = {"compose", "projects", "project", "stacks", NULL};

const struct view view_docker_volumes = {
	.kind = KIND_VOLUMES,
	.title = "Volumes",
	.aliases = volume_aliases,
	.columns = volume_columns,
	.ncolumns = sizeof(volume_columns) / sizeof(volume_columns[0]),
	.ncells = VOL_NCELLS,
	.scope_cell = -1,
	.drill = volume_drill,
};

const struct view view_docker_networks = {
	.kind = KIND_NETWORKS,
	.title = "Networks",
	.aliases = network_aliases,
	.columns = network_columns,
	.ncolumns = sizeof(network_columns) / sizeof(network_columns[0]),
	.ncells = NET_NCELLS,
	.scope_cell = -1,
	.drill = network_drill,
};

const struct view view_compose_projects = {
	.kind = KIND_PROJECTS,
	.title = "Compose projects",
	.aliases = project_aliases,
	.columns = project_columns,
	.ncolumns = sizeof(project_columns) / sizeof(project_columns[0]),
	.ncells = PRJ_NCELLS,
	.scope_cell = -1,
	.drill = project_drill,
};
