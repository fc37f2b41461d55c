/* selector.h: the filter's "-l SELECTOR" (a label selector) handed to the
 * backend, which lists the view's kind again with it on the server; the
 * selector is taken back when the view is left or the filter cleared. */
#ifndef BINNACLE_SELECTOR_H
#define BINNACLE_SELECTOR_H

#include "tui/app.h"

/* Called once per loop turn: applies the current frame's selector when it
 * changed (not while the filter is being typed). */
void selector_sync(struct app *a);

#endif
