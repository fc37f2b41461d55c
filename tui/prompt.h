/* prompt.h: the one-line editor under the table, used by `:` command mode
 * and the `/` filter: cursor movement, word delete, history, Tab completion. */
#ifndef BINNACLE_PROMPT_H
#define BINNACLE_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "tui/screen.h"

#define PROMPT_MAX 256
#define PROMPT_HISTORY 32

/* Returns the completion candidates for the text before the cursor (owned
 * array of owned strings, NULL-terminated), each a full replacement of the
 * word being completed. */
typedef char **(*prompt_complete_fn)(void *arg, const char *line, size_t word_start);

struct prompt {
	char lead;             /* ':' or '/' */
	wchar_t text[PROMPT_MAX];
	size_t len, cur;
	char *history[PROMPT_HISTORY];
	size_t nhistory;
	long hpos;             /* browsing position, -1 = editing */
	prompt_complete_fn complete;
	void *complete_arg;
	char hint[256];        /* candidates shown after an ambiguous Tab */
};

enum prompt_result { PROMPT_EDITING, PROMPT_SUBMIT, PROMPT_CANCEL };

void prompt_begin(struct prompt *p, char lead, const char *initial);
enum prompt_result prompt_key(struct prompt *p, int key);
/* The text as UTF-8 (owned). */
char *prompt_text(const struct prompt *p);
void prompt_remember(struct prompt *p, const char *line);
void prompt_cleanup(struct prompt *p);
void prompt_draw(WINDOW *w, const struct prompt *p);

#endif
