/* screen.h: curses setup and the theme's styles as curses attributes. The
 * only place that knows how a style becomes a colour pair. */
#ifndef BINNACLE_SCREEN_H
#define BINNACLE_SCREEN_H

#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdbool.h>

#include "views/style.h"
#include "tui/theme.h"

/* Starts curses with the theme (monochrome when the terminal has no colours
 * or NO_COLOR is set; *t is updated to what was applied). */
void screen_start(struct theme *t);
void screen_stop(void);
attr_t screen_attr(enum style s);
/* Writes UTF-8 text (already sanitised) at the cursor, at most cells wide. */
void screen_put(WINDOW *w, const char *text, int cells, enum style st);
/* Whether the locale is UTF-8 (else only ASCII is drawn). */
bool screen_utf8(void);
/* Fills the rest of the line from the cursor with spaces in style st. */
void screen_fill(WINDOW *w, enum style st);

#endif
