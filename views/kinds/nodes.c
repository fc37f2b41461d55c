/* nodes.c: the nodes view, shared by every backend that has machines to
 * show (cluster nodes, engine hosts): one layout, where columns no row fills
 * stay hidden. What Enter lists on a node (what runs on it) is the backend's
 * to say, through its drill slot. */
#include "backends/model/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kubernetes says Ready (SchedulingDisabled when cordoned); an ECS
 * container instance ACTIVE or DRAINING, and when its agent is gone. */
static enum style status_style(const struct row *r)
{
	const char *s = row_text(r, NODE_STATUS);
	if (strstr(s, "disconnected"))
		return ST_ERROR;
	if (!strncmp(s, "Ready", 5) || !strncmp(s, "ACTIVE", 6))
		return strstr(s, "SchedulingDisabled") ? ST_WARN : ST_OK;
	if (!strncmp(s, "DRAINING", 8))
		return ST_WARN;
	return ST_ERROR;
}

/* The usage cells end in "(NN%)", the share of allocatable: near the top
 * a node starts throttling (CPU) or evicting pods (memory). */
static enum style share_style(const struct row *r, int idx)
{
	const char *open = strrchr(row_text(r, idx), '(');
	long pct = open ? strtol(open + 1, NULL, 10) : 0;
	return pct >= 90 ? ST_ERROR : pct >= 75 ? ST_WARN : ST_NORMAL;
}

static enum style cpu_use_style(const struct row *r)
{
	return share_style(r, NODE_CPU_USAGE);
}

static enum style mem_use_style(const struct row *r)
{
	return share_style(r, NODE_MEM_USAGE);
}

static const struct column columns[] = {
	{"NAME", NODE_NAME, 6, 40, 0, ALIGN_LEFT, false, NULL},
	{"STATUS", NODE_STATUS, 24, 28, 0, ALIGN_LEFT, false, status_style},
	{"ROLES", NODE_ROLES, 5, 20, 4, ALIGN_LEFT, false, NULL},
	{"VERSION", NODE_VERSION, 7, 24, 2, ALIGN_LEFT, false, NULL},
	{"OS", NODE_OS, 4, 36, 6, ALIGN_LEFT, false, NULL},
	{"KERNEL", NODE_KERNEL, 6, 28, 7, ALIGN_LEFT, false, NULL},
	{"CPUS", NODE_CPUS, 4, 6, 3, ALIGN_RIGHT, false, NULL},
	{"MEMORY", NODE_MEM, 6, 9, 3, ALIGN_RIGHT, false, NULL},
	{"CPU USE", NODE_CPU_USAGE, 7, 14, 4, ALIGN_RIGHT, false, cpu_use_style},
	{"MEM USE", NODE_MEM_USAGE, 7, 16, 4, ALIGN_RIGHT, false, mem_use_style},
	{"RUNNING", NODE_WORKLOADS, 7, 11, 1, ALIGN_RIGHT, false, NULL},
	{"AGE", NODE_AGE, 3, 7, 5, ALIGN_RIGHT, false, NULL},
	{"ARCH", NODE_ARCH, 4, 10, 0, ALIGN_LEFT, true, NULL},
	{"INTERNAL-IP", NODE_IP, 11, 39, 0, ALIGN_LEFT, true, NULL},
	{"PRESSURE", NODE_PRESSURE, 8, 40, 0, ALIGN_LEFT, true, NULL},
};

static const char *const aliases[] = {"nodes", "node", "no", "hosts", NULL};

const struct view view_nodes = {
	.kind = KIND_NODES,
	.title = "Nodes",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = NODE_NCELLS,
	.scope_cell = -1,
	};
