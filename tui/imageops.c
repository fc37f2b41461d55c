/* imageops.c: what the dashboard does with a row that names a container
 * image, whichever backend it comes from (its view declares the cells):
 * show where it runs (the containers of every open endpoint
 * running it, in one @all table); go to the tags of its repository on the
 * registry endpoint that serves its host. Copying its reference, pinned
 * reference or digest is copy.c's menu. */
#include "tui/app.h"
#include "tui/sanitize.h"
#include "views/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct row *selected(struct app *a)
{
	struct frame *f = app_frame(a);
	if (!a->model.len || f->selected < 0 || (size_t)f->selected >= a->model.len)
		return NULL;
	return a->model.rows[f->selected];
}

/* ---- where it runs ---- */

/* The view of rows that run an image (containers, pods' included). */
static const struct view *runs_view(void)
{
	for (const struct view *const *v = views_all(); *v; v++)
		if ((*v)->image && (*v)->image->runs)
			return *v;
	return NULL;
}

/* Every open endpoint's containers narrowed to those running the image,
 * in one table (an @all view): Enter, describe, logs and every action work
 * on each row's own endpoint; Esc comes back here. */
static void where_runs(struct app *a, const struct row *r)
{
	const struct view *from = app_frame(a)->view, *to = runs_view();
	if (!to) {
		app_flash(a, NOTE_WARN, "no backend here shows what runs images");
		return;
	}
	struct drill d;
	memset(&d, 0, sizeof(d));
	d.kind = to->kind;
	d.cell = -1;
	d.image = true;
	image_want(from, r, d.value, sizeof(d.value));
	const char *ref = row_text(r, from->image->ref);
	char *safe = sanitize_display(*ref ? ref : row_text(r, 0), strlen(*ref ? ref : row_text(r, 0)));
	snprintf(d.label, sizeof(d.label), "running %.90s, %s", safe, image_want_how(d.value));
	free(safe);
	app_push_view_all(a, to, &d);
}

/* ---- the registry's tags ---- */

static void to_registry(struct app *a, const struct row *r)
{
	const struct view *v = app_frame(a)->view;
	char ref[512];
	snprintf(ref, sizeof(ref), "%s", row_text(r, v->image->ref));
	for (size_t i = 0; i < a->session->neps; i++) {
		struct endpoint *ep = a->session->eps[i];
		struct drill d;
		if (!ep->ops->image_home || !ep->ops->image_home(ep, ref, &d))
			continue;
		const struct backend_scope *scope = ep->ops->scope;
		char err[ERRLEN];
		if (a->ep != ep)
			app_set_endpoint(a, ep);
		if (d.switch_scope && scope && scope->set(ep, d.value, err, sizeof(err)) < 0) {
			app_flash(a, NOTE_WARN, "%s", err);
			return;
		}
		const struct view *to = endpoint_view(ep, d.kind);
		if (to)
			app_switch_view(a, to);
		if (d.select[0]) {
			struct frame *f = app_frame(a);
			free(f->selected_id);
			f->selected_id = xstrdup(d.select);
		}
		app_flash(a, NOTE_INFO, "%s on %s", d.label, ep->name);
		app_invalidate(a);
		return;
	}
	char *safe = sanitize_display(ref, strlen(ref));
	app_flash(a, NOTE_WARN, "no open registry endpoint serves %s (add its registry to the configuration)", safe);
	free(safe);
}

bool imageops_offered(struct app *a, enum action act)
{
	const struct view *v = app_frame(a)->view;
	switch (act) {
	case ACT_WHERE_RUNS:
		return v->image != NULL;
	case ACT_REGISTRY:
		if (!v->image)
			return false;
		for (size_t i = 0; i < a->session->neps; i++)
			if (a->session->eps[i]->ops->image_home)
				return true;
		return false;
	default:
		return false;
	}
}

bool imageops_key(struct app *a, enum action act)
{
	if (act != ACT_WHERE_RUNS && act != ACT_REGISTRY)
		return false;
	if (!imageops_offered(a, act))
		return false;
	const struct row *r = selected(a);
	if (!r)
		return true;
	if (act == ACT_WHERE_RUNS)
		where_runs(a, r);
	else
		to_registry(a, r);
	return true;
}
