/* daemonsets.c: the daemonsets view, laid out like `kubectl get ds`: one pod
 * per eligible node, so the counts are nodes. Enter lists the pods the
 * daemonset's selector matches. */
#include "backends/kube/views/workload.h"

static const struct column columns[] = {
	WORKLOAD_COL_NAMESPACE,
	WORKLOAD_COL_NAME,
	WORKLOAD_COL_COUNT("DESIRED", WL_DESIRED, 4, NULL),
	WORKLOAD_COL_COUNT("CURRENT", WL_CURRENT, 4, NULL),
	WORKLOAD_COL_READY(0),
	WORKLOAD_COL_COUNT("UP-TO-DATE", WL_UPTODATE, 3, workload_uptodate_style),
	WORKLOAD_COL_COUNT("AVAILABLE", WL_AVAILABLE, 2, workload_available_style),
	WORKLOAD_COL_AGE,
	WORKLOAD_COLS_WIDE,
};

static bool drill(const struct row *r, struct drill *d)
{
	return workload_drill(r, d, "daemonset");
}

static const char *const aliases[] = {"daemonsets", "daemonset", "ds", NULL};

const struct view view_daemonsets = {
	.kind = KIND_DAEMONSETS,
	.title = "DaemonSets",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0, /* namespace, then name: kubectl -A order */
	.ncells = WL_NCELLS,
	.scope_cell = WL_NAMESPACE,
	.drill = drill,
};
