/* selector.c: the label selector of the filter (see selector.h). One
 * selector is applied at a time: the current frame's. */
#include "tui/selector.h"

#include <stdlib.h>
#include <string.h>

static struct {
	struct endpoint *ep;
	char *kind;
	char *selector; /* NULL: none applied */
} applied;

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

void selector_sync(struct app *a)
{
	if (a->mode == MODE_FILTER)
		return; /* half a selector is not sent */
	struct frame *f = app_frame(a);
	const char *want = f->filter.selector, *kind = f->view->kind;
	bool here = applied.ep == a->ep && applied.kind && !strcmp(applied.kind, kind);
	if (here && same(applied.selector, want))
		return;
	if (!here && !want && !applied.selector) {
		/* nothing applied, nothing wanted: just remember where we are */
	} else if (!here && applied.selector && applied.ep->ops->select) {
		/* left a narrowed view: its kind lists everything again */
		applied.ep->ops->select(applied.ep, applied.kind, NULL);
	}
	if (want && !a->ep->ops->select)
		app_flash(a, NOTE_WARN, "%s cannot select by labels (-l); the rest of the filter applies", a->ep->name);
	else if (want || (here && applied.selector))
		a->ep->ops->select(a->ep, kind, want);
	if (want && a->ep->ops->select)
		app_flash(a, NOTE_INFO, "%s listed again with the label selector %s", kind, want);
	free(applied.kind);
	free(applied.selector);
	applied.ep = a->ep;
	applied.kind = xstrdup(kind);
	applied.selector = a->ep->ops->select ? xstrdup(want) : NULL;
}
