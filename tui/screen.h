/* screen.h: which terminal to draw on, curses setup, and the theme's styles
 * as curses attributes. The only place that knows how a style becomes a
 * colour pair. */
#ifndef BINNACLE_SCREEN_H
#define BINNACLE_SCREEN_H

#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdbool.h>

#include "views/style.h"
#include "tui/theme.h"

/* Chooses the terminfo entry to draw with, before curses starts: $TERM when
 * this machine has it; else the first of xterm-256color, xterm and vt100 it
 * has, and note says so for the flash line (else note is ""). Returns -1
 * with a sentence in err when nothing can draw a full screen (TERM=dumb, or
 * no terminfo at all). */
int screen_probe(char *note, size_t notelen, char *err, size_t errlen);
/* Starts curses on that entry with the theme, fitted to the terminal's
 * colours (palette.h; monochrome when it has none or NO_COLOR is set); *t
 * is updated to what was applied. */
void screen_start(struct theme *t);
void screen_stop(void);
attr_t screen_attr(enum style s);
/* Writes UTF-8 text (already sanitised) at the cursor, at most cells wide. */
void screen_put(WINDOW *w, const char *text, int cells, enum style st);
/* Fills the rest of the line from the cursor with spaces in style st. */
void screen_fill(WINDOW *w, enum style st);

#endif
