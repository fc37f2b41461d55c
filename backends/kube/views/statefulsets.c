/* statefulsets.c: the statefulsets view, laid out like `kubectl get sts`.
 * Enter lists the pods the statefulset's selector matches. */
#include "backends/kube/views/workload.h"

static const struct column columns[] = {
	WORKLOAD_COL_NAMESPACE,
	WORKLOAD_COL_NAME,
	WORKLOAD_COL_READY(0),
	WORKLOAD_COL_AGE,
	WORKLOAD_COLS_WIDE,
};

static bool drill(const struct row *r, struct drill *d)
{
	return workload_drill(r, d, "statefulset");
}

static const char *const aliases[] = {"statefulsets", "statefulset", "sts", NULL};

const struct view view_statefulsets = {
	.kind = KIND_STATEFULSETS,
	.title = "StatefulSets",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0, /* namespace, then name: kubectl -A order */
	.ncells = WL_NCELLS,
	.scope_cell = WL_NAMESPACE,
	.drill = drill,
};
