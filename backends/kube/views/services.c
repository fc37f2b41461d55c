/* services.c: the services view, laid out like `kubectl get svc -o wide`.
 * Enter lists the pods the service's selector sends traffic to. */
#include "backends/kube/kinds.h"
#include "views/view.h"
#include "backends/kube/views/workload.h"

#include <string.h>

/* A load balancer still waiting for its address is worth a glance. */
static enum style external_style(const struct row *r)
{
	return !strcmp(row_text(r, SVC_EXTERNAL_IP), "<pending>") ? ST_WARN : ST_NORMAL;
}

static const struct column columns[] = {
	{"NAMESPACE", SVC_NAMESPACE, 9, 24, 5, ALIGN_LEFT, false, NULL},
	{"NAME", SVC_NAME, 8, 48, 0, ALIGN_LEFT, false, NULL},
	{"TYPE", SVC_TYPE, 4, 12, 3, ALIGN_LEFT, false, NULL},
	{"CLUSTER-IP", SVC_CLUSTER_IP, 10, 39, 4, ALIGN_LEFT, false, NULL},
	{"EXTERNAL-IP", SVC_EXTERNAL_IP, 11, 40, 2, ALIGN_LEFT, false, external_style},
	{"PORT(S)", SVC_PORTS, 7, 40, 0, ALIGN_LEFT, false, NULL},
	{"AGE", SVC_AGE, 3, 7, 1, ALIGN_RIGHT, false, NULL},
	{"SELECTOR", SVC_SELECTOR, 8, 60, 0, ALIGN_LEFT, true, NULL},
};

/* A service without a selector (endpoints managed by hand, ExternalName)
 * picks no pods: Enter has nowhere to go. */
static bool drill(const struct row *r, struct drill *d)
{
	return selector_drill(d, row_text(r, SVC_SELECTOR), row_text(r, SVC_NAMESPACE), "service",
			      row_text(r, SVC_NAME));
}

static const char *const aliases[] = {"services", "service", "svc", NULL};

const struct view view_services = {
	.kind = KIND_SERVICES,
	.title = "Services",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0, /* namespace, then name: kubectl -A order */
	.ncells = SVC_NCELLS,
	.scope_cell = SVC_NAMESPACE,
	.drill = drill,
};
