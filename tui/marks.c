/* marks.c: rows marked with Space (see marks.h), and one action on all of
 * them: one question that lists the rows (kind, namespace and endpoint
 * named as for one row; production endpoints ask for the count typed),
 * then each row's request, each audited, and one line saying how it went. */
#include "tui/marks.h"
#include "tui/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool marks_has(const struct marks *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->ids[i], id))
			return true;
	return false;
}

bool marks_toggle(struct marks *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->ids[i], id)) {
			free(m->ids[i]);
			m->ids[i] = m->ids[--m->n];
			return false;
		}
	m->ids = xrealloc(m->ids, (m->n + 1) * sizeof(*m->ids));
	m->ids[m->n++] = xstrdup(id);
	return true;
}

void marks_clear(struct marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->ids[i]);
	free(m->ids);
	m->ids = NULL;
	m->n = 0;
}

/* ---- one action on every marked row ---- */

struct batch {
	struct app *a;
	struct endpoint *ep;
	const struct backend_action *act;
	char kind[32];
	char input[64];
	size_t n, pending, failed;
	struct op **ops;  /* one per row, freed as they finish */
	char first_error[ERRLEN];
	char count[16];   /* what a production endpoint wants typed */
};

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->ops[i]);
	free(b->ops);
	free(b);
}

struct batch_item {
	struct batch *b;
	size_t i;
};

static void on_item_done(void *arg, const char *error)
{
	struct batch_item *it = arg;
	struct batch *b = it->b;
	struct op *o = b->ops[it->i];
	struct app *a = b->a;
	a->ops_running--;
	ops_audit(o, o->act->name, error ? error : "ok");
	if (error) {
		if (!b->failed)
			snprintf(b->first_error, sizeof(b->first_error), "%.60s: %.180s", o->name, error);
		b->failed++;
	}
	free(it);
	if (--b->pending)
		return;
	const char *label = backend_action_label(b->act);
	if (b->failed)
		app_flash(a, NOTE_ERROR, "%s %zu %s: %zu failed (%s)", label, b->n, b->kind, b->failed, b->first_error);
	else
		app_flash(a, NOTE_INFO, "%s %zu %s: done", label, b->n, b->kind);
	batch_free(b);
}

static void batch_run(struct batch *b)
{
	struct app *a = b->a;
	b->pending = b->n;
	app_flash(a, NOTE_INFO, "%s %zu %s…", b->act->progress ? b->act->progress : backend_action_label(b->act), b->n,
		  b->kind);
	a->flash_until = mono_ms() + 120000;
	/* the marks did their work: a second key press must not repeat it */
	marks_clear(&app_frame(a)->marks);
	app_invalidate(a);
	for (size_t i = 0; i < b->n; i++) {
		struct batch_item *it = xcalloc(1, sizeof(*it));
		it->b = b;
		it->i = i;
		a->ops_running++;
		ops_audit(b->ops[i], b->act->name, "started"); /* an action cut short still left a trace */
		b->ep->ops->act(b->ep, b->act, b->ops[i]->id, b->input[0] ? b->input : NULL, on_item_done, it);
	}
}

static void on_batch_confirm(void *ctx, bool accepted, const char *text)
{
	struct batch *b = ctx;
	struct app *a = b->a;
	bool typed = a->dialog.type == DIALOG_TYPE_NAME && a->dialog.submitted;
	app_close_dialog(a);
	if (!accepted) {
		if (typed)
			app_flash(a, NOTE_WARN, "\"%s\" is not %s: nothing was done", text ? text : "", b->count);
		else
			app_flash(a, NOTE_INFO, "%s %zu %s: cancelled", backend_action_label(b->act), b->n, b->kind);
		batch_free(b);
		return;
	}
	batch_run(b);
}

static void ask(struct batch *b)
{
	struct app *a = b->a;
	struct buf names;
	buf_init(&names);
	/* the namespace goes with each name when the rows are from several */
	bool one_scope = true;
	for (size_t i = 1; i < b->n; i++)
		one_scope = one_scope && !strcmp(b->ops[i]->scope, b->ops[0]->scope);
	for (size_t i = 0; i < b->n; i++) {
		if (names.len > 600) {
			buf_printf(&names, ", and %zu more", b->n - i);
			break;
		}
		buf_printf(&names, "%s%s%s%s", i ? ", " : "", !one_scope && b->ops[i]->scope[0] ? b->ops[i]->scope : "",
			   !one_scope && b->ops[i]->scope[0] ? "/" : "", b->ops[i]->name);
	}
	struct confirm_target t;
	ops_target(b->ops[0], &t, backend_action_label(b->act));
	t.count = b->n;
	t.name = names.data;
	if (!one_scope)
		t.scope_name = NULL;
	t.value = b->input[0] ? b->input : NULL;
	char q[1024], msg[1200];
	confirm_question(q, sizeof(q), &t);
	enum confirm_kind k = confirm_required(b->act, b->ep->production, CONFIRM_POLICY_ALL);
	snprintf(b->count, sizeof(b->count), "%zu", b->n);
	if (k == CONFIRM_TYPE_NAME)
		snprintf(msg, sizeof(msg), "%s %s is a PRODUCTION endpoint: type %s, the number of rows, to confirm.", q,
			 b->ep->name, b->count);
	else
		snprintf(msg, sizeof(msg), "%s", q);
	buf_cleanup(&names);
	a->dialog_return = a->mode == MODE_DIALOG ? a->dialog_return : a->mode;
	dialog_open(&a->dialog, k == CONFIRM_TYPE_NAME ? DIALOG_TYPE_NAME : DIALOG_YES_NO, backend_action_label(b->act),
		    msg, b->count, true, on_batch_confirm, b);
	a->mode = MODE_DIALOG;
}

static void on_batch_input(void *ctx, bool accepted, const char *text)
{
	struct batch *b = ctx;
	app_close_dialog(b->a);
	if (!accepted || !text || !*text) {
		app_flash(b->a, NOTE_INFO, "%s %zu %s: cancelled", backend_action_label(b->act), b->n, b->kind);
		batch_free(b);
		return;
	}
	snprintf(b->input, sizeof(b->input), "%s", text);
	for (size_t i = 0; i < b->n; i++)
		snprintf(b->ops[i]->input, sizeof(b->ops[i]->input), "%s", text);
	ask(b);
}

bool marks_run(struct app *a, const struct backend_action *ba)
{
	struct frame *f = app_frame(a);
	if (!(ba->flags & ACTION_MUTATES) || (ba->flags & ACTION_NO_TARGET))
		return false; /* logs, shells and pulls are for one row */
	struct batch *b = xcalloc(1, sizeof(*b));
	b->a = a;
	b->ep = a->ep;
	b->act = ba;
	snprintf(b->kind, sizeof(b->kind), "%s", ba->kind ? ba->kind : f->view->kind);
	b->ops = xcalloc(f->marks.n, sizeof(*b->ops));
	/* the marked rows still there, in the table's order */
	for (size_t i = 0; i < a->model.len; i++) {
		const struct row *r = a->model.rows[i];
		if (r->gone_ms || !marks_has(&f->marks, r->id))
			continue;
		if (ba->refuse && ba->refuse(r)) {
			app_flash(a, NOTE_WARN, "%s %s: nothing was done", row_text(r, 0), ba->refuse(r));
			batch_free(b);
			return true;
		}
		b->ops[b->n++] = ops_new(a, ba, r);
	}
	if (!b->n) {
		app_flash(a, NOTE_INFO, "the marked rows are gone (Esc clears the marks)");
		batch_free(b);
		return true;
	}
	if (ops_endpoint_down(a)) {
		batch_free(b);
		return true;
	}
	if (ba->flags & ACTION_INPUT) {
		char title[128], msg[256];
		snprintf(title, sizeof(title), "%s %zu %s", backend_action_label(ba), b->n, b->kind);
		snprintf(msg, sizeof(msg), "%s for the %zu marked %s on %s:", ba->input_prompt ? ba->input_prompt : "value",
			 b->n, b->kind, a->ep->name);
		a->dialog_return = a->mode;
		dialog_open(&a->dialog, DIALOG_INPUT, title, msg, "", a->ep->production, on_batch_input, b);
		a->dialog.validate = ba->check_input;
		a->mode = MODE_DIALOG;
		return true;
	}
	ask(b);
	return true;
}
