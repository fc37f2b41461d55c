/* charset.h: which characters binnacle may send to the terminal. In a UTF-8
 * locale it draws box lines, arrows and the ellipsis; in any other locale
 * only ASCII, because curses shows the bytes of other characters as garbage
 * (~T~B) there, and a terminal that is not UTF-8 would too. Every non-ASCII
 * character the program draws comes from charset_glyph(), and the sanitiser
 * asks charset_ascii() how to show server text. No curses here, so
 * `binnacle get` follows the same rule. */
#ifndef BINNACLE_CHARSET_H
#define BINNACLE_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/model/config.h"

enum glyph {
	GLYPH_SEPARATOR, /* between the endpoint and its engine in the header */
	GLYPH_CRUMB,     /* between breadcrumbs */
	GLYPH_SORT_ASC,  /* after the title of the sorted column */
	GLYPH_SORT_DESC,
	GLYPH_CUT,       /* the last cell of a cut cell: always one cell wide */
	GLYPH_ELLIPSIS,  /* after "loading" and other unfinished messages */
	GLYPH_BAR_DONE,  /* progress bars: one cell each */
	GLYPH_BAR_TODO,
	GLYPH_CURSOR,    /* the text cursor of a dialog's input line */
	GLYPH_COUNT
};

/* Decides between UTF-8 and ASCII: CHARSET_AUTO follows the locale's
 * codeset (setlocale must have run), except that output which is not a
 * terminal (terminal false: `binnacle get` into a pipe) keeps UTF-8, as ls
 * does. Forcing UTF-8 in a locale that is not switches LC_CTYPE to a UTF-8
 * locale so curses can draw it; when the machine has none binnacle draws
 * ASCII and note says why (else note is ""). */
void charset_setup(enum charset_setting setting, bool terminal, char *note, size_t notelen);
/* Sets the mode directly (tests). */
void charset_force_ascii(bool ascii);
bool charset_ascii(void);
/* The glyph in the current mode: a static string. */
const char *charset_glyph(enum glyph g);
/* An ASCII stand-in for a non-ASCII code point that has an obvious one
 * (typographic punctuation, arrows, box lines), or NULL. */
const char *charset_ascii_for(uint32_t cp);

#endif
