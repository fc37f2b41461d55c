/* frames.c: the stack of views the dashboard shows (see app.h): opening,
 * switching and leaving a view, the endpoint it follows, and the tables of
 * the store it draws from (one endpoint's, or every endpoint's for @all). */
#include "tui/app.h"
#include "tui/ops.h"

#include <stdlib.h>
#include <string.h>

void app_frame_cleanup(struct frame *f)
{
	filter_cleanup(&f->filter);
	marks_clear(&f->marks);
	free(f->selected_id);
	memset(f, 0, sizeof(*f));
}

static void frame_init(struct frame *f, const struct view *v, const struct drill *scope)
{
	memset(f, 0, sizeof(*f));
	f->view = v;
	f->sort_col = v->sort_col;
	f->sort_desc = v->sort_desc;
	filter_init(&f->filter, NULL);
	if (scope) {
		f->scope = *scope;
		f->scoped = true;
	}
}

static void watch_current(struct app *a)
{
	struct frame *f = app_frame(a);
	for (size_t i = 0; i < a->session->neps; i++) {
		struct endpoint *ep = a->session->eps[i];
		if ((f->all || ep == a->ep) && endpoint_serves(ep, f->view->kind))
			ep->ops->watch(ep, f->view->kind);
	}
}

size_t app_frame_sources(struct app *a, struct model_source *out, size_t max)
{
	struct frame *f = app_frame(a);
	size_t n = 0;
	for (size_t i = 0; i < a->session->neps && n < max; i++) {
		struct endpoint *ep = a->session->eps[i];
		if (!(f->all ? endpoint_serves(ep, f->view->kind) : ep == a->ep))
			continue;
		out[n++] = (struct model_source){store_find_table(ep->store, f->view->kind), ep, f->all ? ep->name : NULL};
	}
	return n;
}

uint64_t app_shown_gen(struct app *a, size_t *rows)
{
	struct model_source srcs[APP_MAX_SOURCES];
	size_t n = app_frame_sources(a, srcs, APP_MAX_SOURCES);
	uint64_t gen = 0;
	*rows = 0;
	for (size_t i = 0; i < n; i++)
		if (srcs[i].table) {
			gen += srcs[i].table->gen + 1;
			*rows += srcs[i].table->len;
		}
	return gen;
}

void app_push_view(struct app *a, const struct view *v, const struct drill *scope)
{
	if (a->depth == APP_MAX_DEPTH)
		return;
	frame_init(&a->stack[a->depth++], v, scope);
	app_frame(a)->ep = a->ep;
	watch_current(a);
	app_invalidate(a);
}

void app_push_view_all(struct app *a, const struct view *v, const struct drill *scope)
{
	if (a->depth == APP_MAX_DEPTH)
		return;
	frame_init(&a->stack[a->depth++], v, scope);
	app_frame(a)->ep = a->ep;
	app_frame(a)->all = true;
	watch_current(a);
	app_invalidate(a);
}

void app_switch_view(struct app *a, const struct view *v)
{
	if (a->depth > 0 && app_frame(a)->view != v)
		navigate_leaving(a); /* `-` comes back here */
	while (a->depth > 0)
		app_frame_cleanup(&a->stack[--a->depth]);
	app_push_view(a, v, NULL);
}

void app_switch_view_all(struct app *a, const struct view *v)
{
	app_switch_view(a, v);
	app_frame(a)->all = true;
	watch_current(a);
	app_invalidate(a);
}

void app_pop_view(struct app *a)
{
	if (a->depth <= 1)
		return;
	app_frame_cleanup(&a->stack[--a->depth]);
	/* back where it was opened: an @all frame may have moved the endpoint */
	if (app_frame(a)->ep && !app_frame(a)->all)
		a->ep = app_frame(a)->ep;
	watch_current(a);
	app_invalidate(a);
}

const struct view *app_default_view(const struct endpoint *ep)
{
	const struct view *v = ep->ops->default_kind ? backend_view(ep->ops, ep->ops->default_kind) : NULL;
	return v ? v : ep->ops->views[0];
}

void app_set_endpoint(struct app *a, struct endpoint *ep)
{
	if (a->ep != ep && a->ep->ops->visible)
		a->ep->ops->visible(a->ep, app_frame(a)->view->kind, NULL, 0);
	const struct view *left = app_frame(a)->view;
	struct endpoint *from = a->ep;
	a->ep = ep;
	const struct view *v = app_frame(a)->view;
	/* the same view (the new endpoint's own) where it has it, else its own first one */
	const struct view *same = endpoint_view(ep, v->kind);
	v = same ? same : app_default_view(ep);
	app_switch_view(a, v);
	/* `-` goes back to the other endpoint's view */
	a->last_view = left;
	a->last_ep = from;
	app_flash(a, NOTE_INFO, "endpoint %s (%s)", ep->name, ep->address);
}
