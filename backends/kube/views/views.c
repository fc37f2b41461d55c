/* views.c: how the Kubernetes backend presents itself to the UI: its views
 * (its own kinds plus the shared nodes and containers it fills), where Enter
 * leads from a node, and the `e` key's events of any object. */
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/kube/views/views.h"
#include "views/kinds/shared.h"

#include <stdio.h>
#include <string.h>

extern const struct view view_pods, view_deployments, view_statefulsets, view_daemonsets, view_replicasets,
	view_services, view_namespaces, view_events;

const struct view *const kube_views[] = {
	&view_pods,	    &view_deployments, &view_statefulsets, &view_daemonsets, &view_replicasets,
	&view_services,	    &view_nodes,       &view_namespaces,   &view_events,     &view_containers,
	NULL,
};

/* Enter on a node: the pods scheduled on it. */
bool kube_view_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d)
{
	(void)ep;
	if (strcmp(v->kind, KIND_NODES))
		return false;
	memset(d, 0, sizeof(*d));
	d->kind = KIND_PODS;
	d->cell = POD_NODE;
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, NODE_NAME));
	snprintf(d->label, sizeof(d->label), "node %s", row_text(r, NODE_NAME));
	return true;
}

/* Events name what they are about as "Kind/namespace/name" (EV_INVOLVED). */
bool kube_view_events_of(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d)
{
	(void)ep;
	const struct kres *res = kube_res(v->kind);
	if (!res || !strcmp(v->kind, KIND_EVENTS))
		return false;
	if (!r)
		return true;
	memset(d, 0, sizeof(*d));
	d->kind = KIND_EVENTS;
	d->cell = EV_INVOLVED;
	const char *ns = v->scope_cell >= 0 ? row_text(r, v->scope_cell) : "";
	snprintf(d->value, sizeof(d->value), "%s/%s/%s", res->singular, ns, row_text(r, 0));
	snprintf(d->label, sizeof(d->label), "events of %s %s", res->singular, row_text(r, 0));
	return true;
}
