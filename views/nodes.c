/* nodes.c: the nodes view: Kubernetes nodes and container engine hosts in
 * one layout. Enter lists what runs on the node. */
#include "kinds.h"
#include "view.h"

#include <stdio.h>
#include <string.h>

static enum style status_style(const struct row *r)
{
	const char *s = row_text(r, NODE_STATUS);
	if (!strncmp(s, "Ready", 5))
		return strstr(s, "SchedulingDisabled") ? ST_WARN : ST_OK;
	return ST_ERROR;
}

static const struct column columns[] = {
	{"NAME", NODE_NAME, 6, 40, 0, ALIGN_LEFT, false, NULL},
	{"STATUS", NODE_STATUS, 6, 28, 0, ALIGN_LEFT, false, status_style},
	{"ROLES", NODE_ROLES, 5, 20, 4, ALIGN_LEFT, false, NULL},
	{"VERSION", NODE_VERSION, 7, 24, 2, ALIGN_LEFT, false, NULL},
	{"OS", NODE_OS, 4, 36, 6, ALIGN_LEFT, false, NULL},
	{"KERNEL", NODE_KERNEL, 6, 28, 7, ALIGN_LEFT, false, NULL},
	{"CPUS", NODE_CPUS, 4, 6, 3, ALIGN_RIGHT, false, NULL},
	{"MEMORY", NODE_MEM, 6, 9, 3, ALIGN_RIGHT, false, NULL},
	{"RUNNING", NODE_WORKLOADS, 7, 11, 1, ALIGN_RIGHT, false, NULL},
	{"AGE", NODE_AGE, 3, 7, 5, ALIGN_RIGHT, false, NULL},
	{"ARCH", NODE_ARCH, 4, 10, 0, ALIGN_LEFT, true, NULL},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	/* an engine host runs containers; it is the endpoint itself, so no narrowing */
	d->kind = KIND_CONTAINERS;
	d->cell = -1;
	snprintf(d->label, sizeof(d->label), "node %s", row_text(r, NODE_NAME));
	return true;
}

static const char *const aliases[] = {"nodes", "node", "no", "hosts", NULL};

const struct view view_nodes = {
	.kind = KIND_NODES,
	.title = "Nodes",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = NODE_NCELLS,
	.drill = drill,
};
