/* marks.h: rows marked with Space, so that one action applies to all of
 * them with one confirmation that lists them. Marks belong to one view
 * (a navigation frame) and are kept by row id, like the selection. */
#ifndef BINNACLE_MARKS_H
#define BINNACLE_MARKS_H

#include <stdbool.h>
#include <stddef.h>

struct marks {
	char **ids; /* owned */
	size_t n;
};

/* Marks id, or unmarks it when it was; returns whether it is marked now. */
bool marks_toggle(struct marks *m, const char *id);
bool marks_has(const struct marks *m, const char *id);
void marks_clear(struct marks *m);

#endif
