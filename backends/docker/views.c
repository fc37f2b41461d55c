/* views.c: how the Docker backend presents itself to the UI: the shared
 * views it fills (containers, images, the engine host as a node), where Enter
 * leads from the engine host, and the header's container and image counts. */
#include "backends/docker/internal.h"
#include "backends/model/kinds.h"
#include "views/kinds/shared.h"

#include <stdio.h>
#include <string.h>

extern const struct view view_docker_volumes, view_docker_networks, view_compose_projects;

const struct view *const docker_views[] = {&view_containers,	  &view_images,		 &view_nodes,
					   &view_docker_volumes, &view_docker_networks, &view_compose_projects,
					   NULL};

/* The engine host runs this endpoint's containers: all of them, no narrowing. */
bool docker_view_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d)
{
	(void)ep;
	if (strcmp(v->kind, KIND_NODES))
		return false;
	memset(d, 0, sizeof(*d));
	d->kind = KIND_CONTAINERS;
	d->cell = -1;
	snprintf(d->label, sizeof(d->label), "node %s", row_text(r, NODE_NAME));
	return true;
}

void docker_summary(struct endpoint *ep, char *out, size_t outlen)
{
	struct rtable *c = store_find_table(ep->store, KIND_CONTAINERS);
	struct rtable *i = store_find_table(ep->store, KIND_IMAGES);
	char ctr[64] = "", img[32] = "";
	if (c && c->synced) {
		size_t running = 0;
		for (size_t k = 0; k < c->len; k++)
			running += !c->rows[k]->gone_ms && !strcmp(row_text(c->rows[k], CTR_STATE), "running");
		snprintf(ctr, sizeof(ctr), "ctr %zu/%zu", running, rtable_live_count(c));
	}
	if (i && i->synced)
		snprintf(img, sizeof(img), "img %zu", rtable_live_count(i));
	snprintf(out, outlen, "%s%s%s", ctr, ctr[0] && img[0] ? "  " : "", img);
}
