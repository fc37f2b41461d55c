/* replicasets.c: the replicasets view, laid out like `kubectl get rs`. Old
 * revisions scaled to zero are dimmed by the READY colour. Enter lists the
 * pods the replicaset's selector matches. */
#include "backends/kube/views/workload.h"

static const struct column columns[] = {
	WORKLOAD_COL_NAMESPACE,
	WORKLOAD_COL_NAME,
	WORKLOAD_COL_COUNT("DESIRED", WL_DESIRED, 3, NULL),
	WORKLOAD_COL_COUNT("CURRENT", WL_CURRENT, 2, NULL),
	WORKLOAD_COL_READY(0),
	WORKLOAD_COL_AGE,
	WORKLOAD_COLS_WIDE,
};

static bool drill(const struct row *r, struct drill *d)
{
	return workload_drill(r, d, "replicaset");
}

static const char *const aliases[] = {"replicasets", "replicaset", "rs", NULL};

const struct view view_replicasets = {
	.kind = KIND_REPLICASETS,
	.title = "ReplicaSets",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0, /* namespace, then name: kubectl -A order */
	.ncells = WL_NCELLS,
	.scope_cell = WL_NAMESPACE,
	.drill = drill,
};
