/* views.c: how the ECS backend presents itself to the UI: its views (its
 * own kinds plus the shared nodes and containers it fills), where Enter
 * leads from a container instance (the tasks placed on it) and from a
 * service (its tasks, its cluster becoming the scope), the `e` key's
 * service events, and the header's counts. */
#include "backends/ecs/internal.h"
#include "backends/ecs/kinds.h"
#include "views/kinds/shared.h"

#include <stdio.h>
#include <string.h>

extern const struct view view_ecs_clusters, view_ecs_services, view_ecs_tasks, view_ecs_taskdefs, view_ecs_events;

const struct view *const ecs_views[] = {
	&view_ecs_clusters, &view_ecs_services, &view_ecs_tasks, &view_ecs_taskdefs,
	&view_ecs_events,   &view_nodes,        &view_containers, NULL,
};

bool ecs_view_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d)
{
	struct ecs *e = ep->priv;
	char cluster[256];
	const char *rest;
	if (!strcmp(v->kind, KIND_NODES) && ecs_split_id(r->id, cluster, sizeof(cluster), &rest)) {
		memset(d, 0, sizeof(*d));
		d->kind = KIND_ECS_TASKS;
		d->cell = ETK_INSTANCE;
		snprintf(d->value, sizeof(d->value), "%s", rest);
		d->in_ns = true;
		d->ns_cell = ETK_CLUSTER;
		snprintf(d->ns, sizeof(d->ns), "%.127s", cluster);
		snprintf(d->label, sizeof(d->label), "instance %s", row_text(r, NODE_NAME));
		if (!e->cluster && ep->ops->scope)
			ep->ops->scope->set(ep, cluster, NULL, 0);
		return true;
	}
	/* a service's tasks are listed for its cluster, not for all of them */
	if (!strcmp(v->kind, KIND_ECS_SERVICES) && !e->cluster && ep->ops->scope)
		ep->ops->scope->set(ep, row_text(r, ESV_CLUSTER), NULL, 0);
	return false;
}

bool ecs_view_events_of(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d)
{
	struct ecs *e = ep->priv;
	bool service = !strcmp(v->kind, KIND_ECS_SERVICES), task = !strcmp(v->kind, KIND_ECS_TASKS);
	if (!service && !task)
		return false;
	if (!r)
		return true;
	const char *cluster = row_text(r, service ? ESV_CLUSTER : ETK_CLUSTER);
	const char *name = row_text(r, service ? ESV_NAME : ETK_SERVICE);
	if (!*name)
		return false;
	memset(d, 0, sizeof(*d));
	d->kind = KIND_ECS_EVENTS;
	d->cell = EEV_SERVICE;
	snprintf(d->value, sizeof(d->value), "%s/%s", cluster, name);
	snprintf(d->label, sizeof(d->label), "events of service %s", name);
	/* its events are kept from now on, all AWS has, and fetched at once */
	strset_add(&e->events_for, d->value);
	e->want_events = true;
	ecs_poll_soon(e, EL_SERVICES, false);
	return true;
}

void ecs_summary(struct endpoint *ep, char *out, size_t outlen)
{
	struct ecs *e = ep->priv;
	char svc[48] = "", run[48] = "";
	struct rtable *s = store_find_table(ep->store, KIND_ECS_SERVICES);
	long long running = 0;
	if (s && s->synced) {
		size_t ok = 0, total = 0;
		for (size_t i = 0; i < s->len; i++) {
			const struct row *r = s->rows[i];
			if (r->gone_ms)
				continue;
			total++;
			ok += r->cells[ESV_TASKS].num >= r->cells[ESV_DESIRED].num;
			running += r->cells[ESV_TASKS].num;
		}
		snprintf(svc, sizeof(svc), "svc %zu/%zu", ok, total);
		/* the services are fresher than the cluster counts */
		snprintf(run, sizeof(run), "tasks %lld", running);
	} else if (e && e->clusters_known) {
		for (size_t i = 0; i < e->nclusters; i++)
			if (!e->cluster || !strcmp(e->cluster, e->clusters[i].name))
				running += e->clusters[i].running;
		snprintf(run, sizeof(run), "tasks %lld", running);
	}
	snprintf(out, outlen, "%s%s%s", svc, svc[0] && run[0] ? "  " : "", run);
}
