/* dialog.h: a modal box over the table: a yes/no question, a request to
 * type a resource's name (production), a value to enter (an image
 * reference, a replica count, a file name), or a secret (a passphrase:
 * never echoed, wiped once handed over). */
#ifndef BINNACLE_DIALOG_H
#define BINNACLE_DIALOG_H

#include <stdbool.h>

#include "tui/confirm.h"
#include "tui/prompt.h"
#include "tui/screen.h"

/* DIALOG_INFO: lines to read (the keys of a viewer, a long error); any key closes it. */
enum dialog_type { DIALOG_YES_NO, DIALOG_TYPE_NAME, DIALOG_INPUT, DIALOG_PICK, DIALOG_SECRET, DIALOG_INFO };

#define DIALOG_MAX_CHOICES 32

struct dialog;
/* Called once when the dialog closes: accepted, and the text typed (NULL for yes/no). */
typedef void (*dialog_done_fn)(void *ctx, bool accepted, const char *text);

struct dialog {
	enum dialog_type type;
	char title[128];
	char message[3072]; /* '\n' starts a new line */
	char expected[256]; /* DIALOG_TYPE_NAME: what must be typed */
	bool danger;        /* drawn in the theme's danger colour */
	struct prompt input;
	char *choices[DIALOG_MAX_CHOICES]; /* DIALOG_PICK: owned */
	int nchoices, chosen;
	dialog_done_fn done;
	void *ctx;
	/* DIALOG_INPUT: why the value will not do, or NULL; the dialog then
	 * stays open with the reason under the line. */
	const char *(*validate)(const char *text);
	char error[160];
	bool submitted; /* closed with Enter (not Esc): a wrong name was typed, not a cancel */
};

void dialog_open(struct dialog *d, enum dialog_type type, const char *title, const char *message,
		 const char *expected_or_initial, bool danger, dialog_done_fn done, void *ctx);
/* A list to pick from (comma-separated choices); done gets the chosen text. */
void dialog_open_pick(struct dialog *d, const char *title, const char *message, const char *choices,
		      dialog_done_fn done, void *ctx);
/* Handles a key; true when the dialog closed (done was called). */
bool dialog_key(struct dialog *d, int key);
void dialog_draw(WINDOW *parent, const struct dialog *d);

#endif
