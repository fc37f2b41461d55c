/* views.h: the Kubernetes backend's views and the drill-downs it adds to
 * them, for the backend's registration in kube.c. */
#ifndef BINNACLE_KUBE_VIEWS_H
#define BINNACLE_KUBE_VIEWS_H

#include "backends/backend.h"
#include "views/view.h"

extern const struct view *const kube_views[];
bool kube_view_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);
bool kube_view_events_of(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);

#endif
