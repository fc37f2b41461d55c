/* theme.h: colour themes. A theme is a YAML file in themes/ giving each
 * named style (style.h) a foreground, background and attributes; it is turned
 * into curses colour pairs once at start. */
#ifndef BINNACLE_THEME_H
#define BINNACLE_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "views/style.h"

struct theme_style {
	short fg, bg;        /* curses colour numbers, -1 = terminal default */
	unsigned attrs;      /* THEME_* bits */
};

enum { THEME_BOLD = 1, THEME_DIM = 2, THEME_REVERSE = 4, THEME_UNDERLINE = 8, THEME_ITALIC = 16 };

struct theme {
	char name[64];
	bool mono; /* attributes only */
	struct theme_style styles[ST_COUNT];
};

/* The built-in monochrome theme (no colours at all). */
void theme_mono(struct theme *t);
/* Loads a theme by name (searched in $XDG_CONFIG_HOME/binnacle/themes, the
 * installed themes directory and $BINNACLE_THEMES_DIR) or by path to a .yaml
 * file. On error t is the monochrome theme and err says why. */
int theme_load(struct theme *t, const char *name_or_path, char *err, size_t errlen);
/* Parses a theme from YAML text (name is what errors call it). */
int theme_parse(struct theme *t, const char *data, size_t len, const char *name, char *err, size_t errlen);
/* Where themes are installed (pkgdatadir/themes). */
const char *theme_dir(void);

#endif
