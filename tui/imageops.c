/* imageops.c: what the dashboard does with a row that names a container
 * image, whichever backend it comes from (its view declares the cells):
 * copy its reference, pinned reference or digest (any row: its name) to the
 * clipboard; show where it runs (the containers of every open endpoint
 * running it, in one @all table); go to the tags of its repository on the
 * registry endpoint that serves its host. */
#include "tui/app.h"
#include "tui/clipboard.h"
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

/* ---- copy ---- */

static void copy_text(struct app *a, const char *text)
{
	char err[ERRLEN];
	if (clipboard_copy(text, err, sizeof(err)) < 0) {
		app_flash(a, NOTE_ERROR, "copy failed: %s", err);
		return;
	}
	char *safe = sanitize_display(text, strlen(text));
	app_flash(a, NOTE_INFO, "copied %s", safe);
	free(safe);
}

struct copy_pick {
	struct app *a;
	char ref[512], pinned[640], digest[128];
};

static void on_copy_pick(void *ctx, bool accepted, const char *text)
{
	struct copy_pick *p = ctx;
	app_close_dialog(p->a);
	if (accepted && text) {
		/* the choice reads "what: value" */
		const char *v = strstr(text, ": ");
		copy_text(p->a, v ? v + 2 : text);
	}
	free(p);
}

static void copy(struct app *a, const struct row *r)
{
	const struct view *v = app_frame(a)->view;
	if (!v->image || !*row_text(r, v->image->ref)) {
		copy_text(a, row_text(r, 0));
		return;
	}
	struct copy_pick *p = xcalloc(1, sizeof(*p));
	p->a = a;
	snprintf(p->ref, sizeof(p->ref), "%s", row_text(r, v->image->ref));
	const char *ds = row_text(r, v->image->digests);
	snprintf(p->digest, sizeof(p->digest), "%.*s", (int)strcspn(ds, " "), ds);
	if (!p->digest[0]) {
		copy_text(a, p->ref);
		free(p);
		return;
	}
	/* the pinned form: the repository, '@', the digest */
	const char *slash = strrchr(p->ref, '/'), *colon = strrchr(p->ref, ':'), *at = strchr(p->ref, '@');
	size_t repo_len = at ? (size_t)(at - p->ref) : colon && (!slash || colon > slash) ? (size_t)(colon - p->ref)
											 : strlen(p->ref);
	snprintf(p->pinned, sizeof(p->pinned), "%.*s@%s", (int)repo_len, p->ref, p->digest);
	char choices[1400];
	snprintf(choices, sizeof(choices), "reference: %s,pinned: %s,digest: %s", p->ref, p->pinned, p->digest);
	a->dialog_return = a->mode;
	dialog_open_pick(&a->dialog, "copy", "Copy to the clipboard:", choices, on_copy_pick, p);
	a->mode = MODE_DIALOG;
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
		const struct view *to = backend_view(ep->ops, d.kind);
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
	case ACT_COPY:
		return true;
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
	if (act != ACT_COPY && act != ACT_WHERE_RUNS && act != ACT_REGISTRY)
		return false;
	if (!imageops_offered(a, act))
		return false;
	const struct row *r = selected(a);
	if (!r)
		return true;
	if (act == ACT_COPY)
		copy(a, r);
	else if (act == ACT_WHERE_RUNS)
		where_runs(a, r);
	else
		to_registry(a, r);
	return true;
}
