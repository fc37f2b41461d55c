/* style.c: the names themes use for the styles of style.h. Pure C with no
 * ncurses, so theme validation and `binnacle get` can use it too. */
#include "views/style.h"

#include <stddef.h>
#include <string.h>

static const char *const names[] = {
	[ST_NORMAL] = "normal",
	[ST_HEADER] = "header",
	[ST_HEADER_KEY] = "header_key",
	[ST_DANGER] = "danger",
	[ST_CRUMBS] = "crumbs",
	[ST_CRUMB_ACTIVE] = "crumb_active",
	[ST_TABLE_HEAD] = "table_head",
	[ST_SORTED_HEAD] = "sorted_head",
	[ST_SELECTED] = "selected",
	[ST_CHANGED] = "changed",
	[ST_ADDED] = "added",
	[ST_GONE] = "gone",
	[ST_OK] = "ok",
	[ST_WARN] = "warn",
	[ST_ERROR] = "error",
	[ST_DIM] = "dim",
	[ST_FLASH_INFO] = "flash_info",
	[ST_FLASH_WARN] = "flash_warn",
	[ST_FLASH_ERROR] = "flash_error",
	[ST_PROMPT] = "prompt",
	[ST_STALE] = "stale",
	[ST_MATCH] = "match",
	[ST_MARKED] = "marked",
};

/* A style added to the enum without a name here would make themes unable to
 * colour it: catch that at compile time. */
_Static_assert(sizeof(names) / sizeof(names[0]) == ST_COUNT, "every style needs a name");

int style_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < ST_COUNT; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}

const char *style_name(enum style s)
{
	/* out-of-range values come from bugs, not themes: still never return NULL */
	if ((int)s < 0 || (int)s >= ST_COUNT || !names[s])
		return "unknown";
	return names[s];
}
