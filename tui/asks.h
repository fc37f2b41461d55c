/* asks.h: the dashboard's side of the "ask the user" slot (ask.h):
 * questions from the machinery below (an unknown SSH host key, a key's
 * passphrase) shown one at a time in a dialog, waiting while the user is
 * typing or another dialog is open. */
#ifndef BINNACLE_ASKS_H
#define BINNACLE_ASKS_H

struct app;

/* Installs the handler for the dashboard's life. */
void asks_install(struct app *a);
void asks_uninstall(struct app *a);
/* Called by the loop: opens the next question when the screen is free. */
void asks_pump(struct app *a);

#endif
