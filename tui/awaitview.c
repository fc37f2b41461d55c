/* awaitview.c: a view waited for until the endpoint has looked again at
 * what it serves (see awaitview.h). */
#include "tui/awaitview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* However the endpoint fares, the wait ends: a typo is said at the latest then. */
#define AWAIT_MAX_MS 20000

static struct {
	struct endpoint *ep; /* NULL: nothing awaited */
	char name[64];
	char *arg;
	uint64_t gen;        /* the catalog's when the wait began */
	int64_t until;
} awaited;

static uint64_t catalog_gen(struct endpoint *ep)
{
	const struct endpoint_catalog *c = endpoint_catalog(ep);
	return c ? c->gen : 0;
}

static void forget(void)
{
	awaited.ep = NULL;
	free(awaited.arg);
	awaited.arg = NULL;
}

bool awaitview_start(struct app *a, const char *name, const char *arg)
{
	struct endpoint *ep = a->ep;
	if (!ep->ops->catalog || ep->error[0] || strlen(name) >= sizeof(awaited.name))
		return false;
	forget();
	awaited.ep = ep;
	snprintf(awaited.name, sizeof(awaited.name), "%s", name);
	awaited.arg = xstrdup(arg ? arg : "");
	awaited.gen = catalog_gen(ep);
	awaited.until = mono_ms() + AWAIT_MAX_MS;
	/* asked for, the endpoint looks again (a CRD created since it last looked) */
	ep->ops->watch(ep, name);
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
	} else if (catalog_gen(a->ep) != awaited.gen || a->ep->error[0] || mono_ms() >= awaited.until) {
		app_flash(a, NOTE_WARN, "%s serves nothing called \"%s\" (press ? for the views)", a->ep->name,
			  awaited.name);
		forget();
	}
}
