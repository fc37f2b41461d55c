/* file.h: the example plugin's own kind, "checks" (health checks read from
 * the inventory file), and what its files share. */
#ifndef BINNACLE_FILE_H
#define BINNACLE_FILE_H

#include "backends/backend.h"
#include "backends/model/kinds.h"
#include "views/view.h"

#include <errno.h>

#define KIND_CHECKS "checks"

enum check_cell {
	CHECK_NAME,
	CHECK_STATE,   /* ok, warning, failing */
	CHECK_NODE,    /* the machine it is about */
	CHECK_MESSAGE,
	CHECK_SINCE,   /* CELL_TIME: when it entered this state */
	CHECK_NCELLS
};

/* views.c */
extern const struct view *const file_views[];
bool file_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);
void file_summary(struct endpoint *ep, char *out, size_t outlen);

#endif
