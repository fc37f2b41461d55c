/* awaitview.h: a view asked for by a name the endpoint's catalog does not
 * (yet) have: `binnacle widgets`, `:jobs` typed while a cluster's discovery
 * is under way, or a CRD created since. The endpoint is asked to look (its
 * watch slot, with the name), and the view opens as soon as the catalog
 * names it, or is reported unknown once the endpoint has looked without
 * finding it. One at a time; switching endpoints forgets it. */
#ifndef BINNACLE_AWAITVIEW_H
#define BINNACLE_AWAITVIEW_H

#include "tui/app.h"

/* Waits for NAME (ARG: the filter to open it with, may be "") on the
 * current endpoint when that endpoint finds views at run time; false when
 * there is nothing to wait for (NAME is unknown). */
bool awaitview_start(struct app *a, const char *name, const char *arg);

/* Called once per loop turn: opens the view, or says it is unknown. */
void awaitview_sync(struct app *a);

#endif
