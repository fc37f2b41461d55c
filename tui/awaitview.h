/* awaitview.h: a view asked for by name before the endpoint has said what it
 * serves (`binnacle widgets`, or `:jobs` typed while a cluster's discovery
 * is still under way): opened as soon as the endpoint's catalog names it,
 * or reported unknown once the catalog is known without it. One at a time;
 * switching endpoints forgets it. */
#ifndef BINNACLE_AWAITVIEW_H
#define BINNACLE_AWAITVIEW_H

#include "tui/app.h"

/* Waits for NAME (ARG: the filter to open it with, may be "") on the
 * current endpoint when that endpoint finds views at run time and has not
 * finished; false when there is nothing to wait for (NAME is unknown). */
bool awaitview_start(struct app *a, const char *name, const char *arg);

/* Called once per loop turn: opens the view, or says it is unknown. */
void awaitview_sync(struct app *a);

#endif
