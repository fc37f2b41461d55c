/* views.c: the table of views and lookup by kind or command-mode alias. */
#include "views/view.h"

#include <string.h>

extern const struct view view_containers, view_images, view_nodes, view_pods, view_deployments, view_statefulsets,
	view_daemonsets, view_replicasets, view_services, view_namespaces, view_events;

static const struct view *const all[] = {&view_containers,   &view_images,     &view_nodes,      &view_pods,
					 &view_deployments,  &view_statefulsets, &view_daemonsets, &view_replicasets,
					 &view_services,     &view_namespaces, &view_events,     NULL};

const struct view *const *views_all(void)
{
	return all;
}

const struct view *view_find_kind(const char *kind)
{
	for (size_t i = 0; all[i]; i++)
		if (!strcmp(all[i]->kind, kind))
			return all[i];
	return NULL;
}

const struct view *view_find_alias(const char *name)
{
	for (size_t i = 0; all[i]; i++)
		for (size_t j = 0; all[i]->aliases[j]; j++)
			if (!strcmp(all[i]->aliases[j], name))
				return all[i];
	return NULL;
}
