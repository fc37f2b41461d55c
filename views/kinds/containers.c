/* containers.c: the containers view: state colours, health, ports, and
 * CPU/memory of the rows on screen. Enter opens the container's description. */
#include "backends/model/kinds.h"
#include "views/kinds/shared.h"

#include <stdio.h>
#include <string.h>

static enum style state_style(const struct row *r)
{
	const char *state = row_text(r, CTR_STATE), *health = row_text(r, CTR_HEALTH);
	if (!strcmp(health, "unhealthy") || !strcmp(state, "dead") || !strcmp(state, "restarting"))
		return ST_ERROR;
	if (!strcmp(state, "running"))
		return !strcmp(health, "starting") ? ST_WARN : ST_OK;
	if (!strcmp(state, "paused") || !strcmp(state, "created") || !strcmp(state, "removing"))
		return ST_WARN;
	if (!strcmp(state, "exited")) {
		/* "Exited (0) ..." finished cleanly; any other code did not */
		return strstr(row_text(r, CTR_STATUS), "(0)") ? ST_DIM : ST_ERROR;
	}
	return ST_NORMAL;
}

static const struct column columns[] = {
	{.title = "NAME", .cell = CTR_NAME, .min = 8, .ident = true},
	/* a pod's containers, listed from several pods, say whose they are */
	{.title = "POD", .cell = CTR_POD, .min = 8, .priority = 4, .flex = true},
	{.title = "IMAGE", .cell = CTR_IMAGE, .min = 12, .max = 40, .priority = 3, .flex = true},
	{.title = "STATE", .cell = CTR_STATE, .min = 7, .max = 10, .style = state_style},
	{.title = "STATUS", .cell = CTR_STATUS, .min = 12, .max = 32, .priority = 2, .flex = true, .style = state_style},
	{.title = "PORTS", .cell = CTR_PORTS, .min = 10, .max = 40, .priority = 5, .flex = true},
	{.title = "CPU", .cell = CTR_CPU, .min = 5, .max = 8, .priority = 4, .align = ALIGN_RIGHT},
	{.title = "MEM", .cell = CTR_MEM, .min = 5, .max = 9, .priority = 4, .align = ALIGN_RIGHT},
	{.title = "AGE", .cell = CTR_CREATED, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "ID", .cell = CTR_ID, .min = 12, .max = 12, .wide = true},
	{.title = "IMAGE ID", .cell = CTR_IMAGEID, .min = 8, .max = 71, .wide = true},
	{.title = "MEM LIMIT", .cell = CTR_MEMLIMIT, .min = 5, .max = 9, .align = ALIGN_RIGHT, .wide = true},
	{.title = "COMMAND", .cell = CTR_COMMAND, .min = 7, .max = 40, .wide = true, .flex = true},
	{.title = "LABELS", .cell = CTR_LABELS, .min = 6, .max = 60, .wide = true, .flex = true, .labels = true},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->describe = true;
	d->kind = KIND_CONTAINERS;
	d->cell = -1;
	snprintf(d->label, sizeof(d->label), "container %s", row_text(r, CTR_NAME));
	return true;
}

const char *container_not_running(const struct row *r)
{
	return strcmp(row_text(r, CTR_STATE), "running") ? "is not running" : NULL;
}

static const char *const aliases[] = {"containers", "container", "ctr", "co", "ps", NULL};
static const struct image_cells image = {.ref = CTR_IMAGE, .digests = CTR_DIGEST, .runs = true};

const struct view view_containers = {
	.kind = KIND_CONTAINERS,
	.title = "Containers",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = CTR_NCELLS,
	.scope_cell = -1,
	.drill = drill,
	.row_style = NULL,
	.image = &image,
};
