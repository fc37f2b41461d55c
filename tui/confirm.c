/* confirm.c: confirmation rules (see confirm.h). */
#include "tui/confirm.h"

#include <string.h>
#include <strings.h>

enum confirm_kind confirm_required(const struct backend_action *a, bool production)
{
	if (!(a->flags & ACTION_MUTATES))
		return CONFIRM_NONE;
	if (production)
		return a->flags & ACTION_CONFIRM ? CONFIRM_TYPE_NAME : CONFIRM_YES_NO;
	return a->flags & ACTION_CONFIRM ? CONFIRM_YES_NO : CONFIRM_NONE;
}

bool confirm_accepts(enum confirm_kind k, const char *answer, const char *name)
{
	switch (k) {
	case CONFIRM_NONE:
		return true;
	case CONFIRM_YES_NO:
		return answer && (!strcasecmp(answer, "y") || !strcasecmp(answer, "yes"));
	case CONFIRM_TYPE_NAME:
		/* exact, case-sensitive: "web" must not confirm "Web" */
		return answer && name && *name && !strcmp(answer, name);
	}
	return false;
}
