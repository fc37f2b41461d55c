/* confirm.h: the rules for asking before an action runs. Destructive
 * actions (remove, kill) always ask; on an endpoint marked production every
 * mutating action asks, and destructive ones need the resource's name typed. */
#ifndef BINNACLE_CONFIRM_H
#define BINNACLE_CONFIRM_H

#include <stdbool.h>

#include "backends/backend.h"

enum confirm_kind {
	CONFIRM_NONE,      /* runs at once */
	CONFIRM_YES_NO,    /* y/yes confirms, anything else cancels */
	CONFIRM_TYPE_NAME, /* the resource's exact name must be typed */
};

enum confirm_kind confirm_required(const struct backend_action *a, bool production);
/* Whether answer confirms (name: the resource's name for CONFIRM_TYPE_NAME). */
bool confirm_accepts(enum confirm_kind k, const char *answer, const char *name);

#endif
