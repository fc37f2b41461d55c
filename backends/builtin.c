/* builtin.c: the backends compiled into binnacle, listed once. A new backend
 * is its folder plus one line here (or a shared object in a plugin folder,
 * see plugins.c); nothing else in the program names it. */
#include "backends/backend.h"
#include "backends/docker/docker.h"
#include "backends/ecs/ecs.h"
#include "backends/kube/kube.h"
#include "backends/registry/registry.h"

/* Discovery follows this order: the first endpoint found opens first. */
const struct backend_ops *const backends_builtin[] = {
	&kube_backend,
	&docker_backend,
	&ecs_backend,
	&registry_backend,
	&ecr_backend,
	NULL,
};
