/* rowmatch.h: the text the `/` filter searches in a row, kept with the row.
 * A plain filter over 50,000 rows used to visit every row's cells and the
 * texts they point to (a dozen cache misses a row); one folded string per
 * row, rebuilt only when the row changes, makes a keystroke one scan. */
#ifndef BINNACLE_ROWMATCH_H
#define BINNACLE_ROWMATCH_H

#include <stdbool.h>

#include "views/view.h"

/* The row's id and the display texts of v's columns that do not move with
 * time, ASCII letters in lower case, joined by '\n' (which no filter holds).
 * *timed: whether one of those columns shows a phrase with a time in it
 * ("Up 3 hours"), which the caller formats and matches itself. Valid until
 * the row changes or the next call for another view. What it keeps on the
 * row is one allocation, which the store frees with the row. */
const char *rowmatch_text(const struct view *v, const struct row *r, bool *timed);
/* Whether c shows a phrase with a time in it, left out of the row's text
 * (the ones *timed counts): the caller matches it as it reads now. */
bool rowmatch_timed(const struct cell *c);
#endif
