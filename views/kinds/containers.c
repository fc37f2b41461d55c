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
	{"NAME", CTR_NAME, 8, 40, 0, ALIGN_LEFT, false, NULL},
	{"IMAGE", CTR_IMAGE, 8, 40, 3, ALIGN_LEFT, false, NULL},
	{"STATE", CTR_STATE, 7, 10, 0, ALIGN_LEFT, false, state_style},
	{"STATUS", CTR_STATUS, 8, 32, 2, ALIGN_LEFT, false, state_style},
	{"PORTS", CTR_PORTS, 5, 40, 5, ALIGN_LEFT, false, NULL},
	{"CPU", CTR_CPU, 5, 8, 4, ALIGN_RIGHT, false, NULL},
	{"MEM", CTR_MEM, 5, 9, 4, ALIGN_RIGHT, false, NULL},
	{"AGE", CTR_CREATED, 3, 7, 1, ALIGN_RIGHT, false, NULL},
	{"ID", CTR_ID, 12, 12, 0, ALIGN_LEFT, true, NULL},
	{"IMAGE ID", CTR_IMAGEID, 8, 71, 0, ALIGN_LEFT, true, NULL},
	{"MEM LIMIT", CTR_MEMLIMIT, 5, 9, 0, ALIGN_RIGHT, true, NULL},
	{"COMMAND", CTR_COMMAND, 7, 40, 0, ALIGN_LEFT, true, NULL},
	{"LABELS", CTR_LABELS, 6, 60, 0, ALIGN_LEFT, true, NULL},
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
