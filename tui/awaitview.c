/* awaitview.c: a view waited for until the endpoint's catalog is known (see
 * awaitview.h). */
#include "tui/awaitview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	struct endpoint *ep; /* NULL: nothing awaited */
	char name[64];
	char *arg;
} awaited;

static void forget(void)
{
	awaited.ep = NULL;
	free(awaited.arg);
	awaited.arg = NULL;
}

bool awaitview_start(struct app *a, const char *name, const char *arg)
{
	struct endpoint *ep = a->ep;
	if (!ep->ops->catalog || endpoint_catalog(ep) || ep->error[0] || strlen(name) >= sizeof(awaited.name))
		return false;
	forget();
	awaited.ep = ep;
	snprintf(awaited.name, sizeof(awaited.name), "%s", name);
	awaited.arg = xstrdup(arg ? arg : "");
	app_flash(a, NOTE_INFO, "%s: waiting for %s to say what it serves…", name, ep->name);
	return true;
}

void awaitview_sync(struct app *a)
{
	if (!awaited.ep)
		return;
	if (awaited.ep != a->ep) {
		forget();
		return;
	}
	const struct view *v = views_find_on(a->ep, awaited.name);
	if (v) {
		app_switch_view(a, v);
		if (*awaited.arg) {
			struct frame *f = app_frame(a);
			filter_cleanup(&f->filter);
			filter_init(&f->filter, awaited.arg);
		}
		a->flash[0] = '\0'; /* the wait is over */
		a->dirty = true;
		forget();
	} else if (endpoint_catalog(a->ep) || a->ep->error[0]) {
		app_flash(a, NOTE_WARN, "%s serves nothing called \"%s\" (press ? for the views)", a->ep->name,
			  awaited.name);
		forget();
	}
}
