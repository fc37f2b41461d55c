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
	{.title = "NAMESPACE", .cell = SVC_NAMESPACE, .min = 9, .max = 24, .priority = 5},
	{.title = "NAME", .cell = SVC_NAME, .min = 8, .ident = true},
	{.title = "TYPE", .cell = SVC_TYPE, .min = 4, .max = 12, .priority = 3},
	{.title = "CLUSTER-IP", .cell = SVC_CLUSTER_IP, .min = 10, .max = 39, .priority = 4},
	{.title = "EXTERNAL-IP", .cell = SVC_EXTERNAL_IP, .min = 11, .max = 40, .priority = 2, .style = external_style},
	{.title = "PORT(S)", .cell = SVC_PORTS, .min = 7, .max = 40, .flex = true},
	{.title = "AGE", .cell = SVC_AGE, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "SELECTOR", .cell = SVC_SELECTOR, .min = 8, .max = 60, .wide = true, .flex = true, .labels = true},
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
