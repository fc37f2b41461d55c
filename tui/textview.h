/* textview.h: a scrollable text viewer for help, descriptions and (later)
 * logs: vertical and horizontal scrolling, line wrap, search with / and n/N. */
#ifndef BINNACLE_TEXTVIEW_H
#define BINNACLE_TEXTVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/screen.h"

struct textview {
	char *title;
	char **lines; /* sanitised, tabs expanded */
	size_t n, cap;
	long top;     /* first line shown */
	int left;     /* horizontal scroll in cells (when not wrapping) */
	bool wrap;
	char *search; /* current search text, NULL = none */
	long match;   /* line of the current match, -1 = none */
	size_t matches, match_index; /* lines holding the term, and which one is the current, from 1 */
	char *loading;/* "loading…" message while the text is on its way */
};

struct textview *textview_new(const char *title);
void textview_free(struct textview *tv);
/* Replaces the text (server text allowed: it is sanitised here). */
void textview_set_text(struct textview *tv, const char *text);
void textview_append_line(struct textview *tv, const char *line, size_t len);
void textview_set_loading(struct textview *tv, const char *msg);
void textview_draw(WINDOW *w, struct textview *tv);

enum textview_result { TV_UNHANDLED, TV_HANDLED, TV_CLOSE };
/* Handles a navigation key (page = window height). */
enum textview_result textview_key(struct textview *tv, int key, int page);
/* Finds the next (dir 1) or previous (-1) line containing text; false if none. */
bool textview_search(struct textview *tv, const char *text, int dir);

#endif
