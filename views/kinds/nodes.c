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
	{.title = "NAME", .cell = NODE_NAME, .min = 6, .ident = true},
	{.title = "STATUS", .cell = NODE_STATUS, .min = 24, .max = 28, .style = status_style},
	{.title = "ROLES", .cell = NODE_ROLES, .min = 5, .max = 20, .priority = 4, .flex = true},
	{.title = "VERSION", .cell = NODE_VERSION, .min = 7, .max = 24, .priority = 2},
	{.title = "OS", .cell = NODE_OS, .min = 6, .max = 36, .priority = 6, .flex = true},
	{.title = "KERNEL", .cell = NODE_KERNEL, .min = 6, .max = 28, .priority = 7, .flex = true},
	{.title = "CPUS", .cell = NODE_CPUS, .min = 4, .max = 6, .priority = 3, .align = ALIGN_RIGHT},
	{.title = "MEMORY", .cell = NODE_MEM, .min = 6, .max = 9, .priority = 3, .align = ALIGN_RIGHT},
	{.title = "CPU USE", .cell = NODE_CPU_USAGE, .min = 7, .max = 14, .priority = 4, .align = ALIGN_RIGHT, .style = cpu_use_style},
	{.title = "MEM USE", .cell = NODE_MEM_USAGE, .min = 7, .max = 16, .priority = 4, .align = ALIGN_RIGHT, .style = mem_use_style},
	{.title = "RUNNING", .cell = NODE_WORKLOADS, .min = 7, .max = 11, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "AGE", .cell = NODE_AGE, .min = 3, .max = 7, .priority = 5, .align = ALIGN_RIGHT},
	{.title = "ARCH", .cell = NODE_ARCH, .min = 4, .max = 10, .wide = true},
	{.title = "INTERNAL-IP", .cell = NODE_IP, .min = 11, .max = 39, .wide = true},
	{.title = "PRESSURE", .cell = NODE_PRESSURE, .min = 8, .max = 40, .wide = true, .flex = true},
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
