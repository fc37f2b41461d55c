/* shared.h: the views of the kinds that mean the same to an operator on
 * every backend (a node, a container, an image). A backend that fills one of
 * these kinds lists its view among its own and uses the cell layouts of
 * backends/model/kinds.h, so one table can show them from every endpoint. */
#ifndef BINNACLE_VIEWS_SHARED_H
#define BINNACLE_VIEWS_SHARED_H

#include "views/view.h"

extern const struct view view_nodes, view_containers, view_images;

/* An action's refuse rule for containers that must be running (a shell):
 * "is not running", or NULL when the container runs. */
const char *container_not_running(const struct row *r);

#endif
