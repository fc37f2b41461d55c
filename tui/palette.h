/* palette.h: fits a theme to the colours a terminal really has. Themes may
 * use all 256 colours, but xterm, screen and the Linux console offer 8,
 * some terminals 16, a VT100 none: each colour becomes the nearest one the
 * terminal has, and a style that carries meaning (a production endpoint's
 * danger colour, errors, the selected row, stale data) is never allowed to
 * look like its surroundings, falling back to reverse video, bold and
 * underline. No curses here: screen.c passes COLORS in. */
#ifndef BINNACLE_PALETTE_H
#define BINNACLE_PALETTE_H

#include "tui/theme.h"

/* The nearest of the 16 standard colours (colours >= 16) or of the 8 base
 * colours (colours < 16) to a colour 0-255 of the xterm palette; -1 (the
 * terminal's default) stays -1. */
short palette_nearest(short c, int colours);

/* Rewrites t for a terminal with `colours` colours (curses' COLORS):
 * 256 or more leave it alone; 16 to 255 map to the 16 standard colours;
 * 8 to 15 map to the 8 base colours, a bright foreground adding bold and
 * grey becoming dim; fewer make it the monochrome theme. Then a style
 * whose meaning depends on standing out and that now looks like the style
 * around it takes the monochrome theme's attributes too, and text whose
 * colour became its background's gets a contrasting one. */
void palette_fit(struct theme *t, int colours);

#endif
