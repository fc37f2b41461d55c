/* ops.c: operator actions from the dashboard: the key's verb is looked up
 * in the current endpoint's backend for the view's kind, stripped when the
 * endpoint is read-only, confirmed by the rules of confirm.h with the
 * target's kind, namespace and endpoint in the question, run with its
 * progress in the flash line, and recorded in the audit log with its
 * result. Shells, logs and pickers are in opsession.c, marked rows in
 * marks.c; pulls open their own screen. */
#include "tui/app.h"
#include "tui/audit.h"
#include "tui/edit.h"
#include "tui/ops.h"
#include "backends/util/log.h"
#include "tui/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct row *ops_selected(struct app *a)
{
	struct frame *f = app_frame(a);
	if (!a->model.len || f->selected < 0 || (size_t)f->selected >= a->model.len)
		return NULL;
	return a->model.rows[f->selected];
}

void ops_audit(struct op *o, const char *verb, const char *result)
{
	char err[ERRLEN];
	if (audit_write_value(o->ep->name, o->kind, o->name, o->id, o->input[0] ? o->input : NULL, verb, result, err,
			      sizeof(err)) < 0)
		app_flash(o->a, NOTE_WARN, "%s", err);
}

/* The row's namespace (or the like), when its view has one. */
static void row_scope(struct app *a, const struct row *r, char *out, size_t outlen)
{
	const struct view *v = app_frame(a)->view;
	snprintf(out, outlen, "%s", r && v->scope_cell >= 0 ? row_text(r, v->scope_cell) : "");
}

struct op *ops_new(struct app *a, const struct backend_action *act, const struct row *r)
{
	struct op *o = xcalloc(1, sizeof(*o));
	o->a = a;
	o->ep = a->ep;
	o->act = act;
	snprintf(o->kind, sizeof(o->kind), "%s", act && act->kind ? act->kind : app_frame(a)->view->kind);
	if (r) {
		snprintf(o->id, sizeof(o->id), "%s", r->id);
		snprintf(o->name, sizeof(o->name), "%s", row_text(r, 0));
		row_scope(a, r, o->scope, sizeof(o->scope));
	}
	return o;
}

void ops_target(struct op *o, struct confirm_target *t, const char *verb)
{
	const struct backend_scope *sc = o->ep->ops->scope;
	memset(t, 0, sizeof(*t));
	t->verb = verb;
	t->kind = o->kind;
	t->name = o->name;
	t->count = 1;
	t->scope_name = sc && o->scope[0] ? sc->name : NULL;
	t->scope = o->scope;
	t->endpoint = o->ep->name;
	/* a typed value reads "to 3"; a choice was just made in its own list */
	t->value = o->input[0] && o->act && (o->act->flags & ACTION_INPUT) ? o->input : NULL;
}

/* ---- simple actions ---- */

static void run(struct op *o);

static void on_force(void *ctx, bool accepted, const char *text)
{
	struct op *o = ctx;
	(void)text;
	app_close_dialog(o->a);
	if (!accepted) {
		app_flash(o->a, NOTE_INFO, "%s %s: left as it is", backend_action_label(o->act), o->name);
		free(o);
		return;
	}
	run(o);
}

/* The engine refused and says forcing would do (an image a container
 * uses): ask, naming what forcing does, then force. */
static bool offer_force(struct op *o, const char *error)
{
	const struct backend_action *force =
		o->act->force_verb ? endpoint_action_find(o->ep, o->act->kind, o->act->force_verb) : NULL;
	if (!force || !o->act->forceable || !o->act->forceable(error) || !endpoint_may(o->ep, force))
		return false;
	struct op *again = xcalloc(1, sizeof(*again));
	*again = *o;
	again->act = force;
	char msg[900], verb[64];
	snprintf(verb, sizeof(verb), "%s", backend_action_label(o->act));
	verb[0] = (char)(verb[0] >= 'a' && verb[0] <= 'z' ? verb[0] - 32 : verb[0]);
	snprintf(msg, sizeof(msg), "%s %s failed: %s\n\n%s it anyway (%s)?", verb, o->name, error, verb,
		 backend_action_label(force));
	struct app *a = o->a;
	app_flash(a, NOTE_WARN, "%s %s failed: %s", backend_action_label(o->act), o->name, error);
	a->dialog_return = a->mode == MODE_DIALOG ? a->dialog_return : a->mode;
	dialog_open(&a->dialog, DIALOG_YES_NO, backend_action_label(force), msg, NULL, true, on_force, again);
	a->mode = MODE_DIALOG;
	return true;
}

/* " to 3" after the name, for a value typed (a choice made from a list is
 * in the audit log, not in the sentence) */
static const char *to_value(const struct op *o, char *out, size_t outlen)
{
	bool typed = o->input[0] && o->act && (o->act->flags & ACTION_INPUT);
	snprintf(out, outlen, "%s%s", typed ? " to " : "", typed ? o->input : "");
	return out;
}

static void on_done(void *arg, const char *error)
{
	struct op *o = arg;
	struct app *a = o->a;
	const char *label = backend_action_label(o->act);
	char to[600];
	a->ops_running--;
	ops_audit(o, o->act->name, error ? error : "ok");
	if (error && offer_force(o, error)) {
		free(o);
		return;
	}
	if (error)
		app_flash(a, NOTE_ERROR, "%s %s failed: %s", label, o->name, error);
	else
		app_flash(a, NOTE_INFO, "%s %s%s: done", label, o->name, to_value(o, to, sizeof(to)));
	free(o);
}

static void run(struct op *o)
{
	struct app *a = o->a;
	a->ops_running++;
	char to[600];
	app_flash(a, NOTE_INFO, "%s %s%s…", o->act->progress ? o->act->progress : backend_action_label(o->act),
		  o->name, to_value(o, to, sizeof(to)));
	/* long actions (stop waits for the container) keep their message up */
	a->flash_until = mono_ms() + 120000;
	/* recorded before it is sent: an action cut short still left a trace */
	ops_audit(o, o->act->name, "started");
	o->ep->ops->act(o->ep, o->act, o->id, o->input[0] ? o->input : NULL, on_done, o);
}

static void on_confirm(void *ctx, bool accepted, const char *text)
{
	struct op *o = ctx;
	struct app *a = o->a;
	bool typed = a->dialog.type == DIALOG_TYPE_NAME && a->dialog.submitted;
	app_close_dialog(a);
	if (!accepted) {
		/* a wrong name is not a cancel: say what was typed and what was wanted */
		if (typed)
			app_flash(a, NOTE_WARN, "\"%s\" is not \"%s\": nothing was done (type the name exactly)", text ? text : "",
				  o->name);
		else
			app_flash(a, NOTE_INFO, "%s %s: cancelled", backend_action_label(o->act), o->name);
		free(o);
		return;
	}
	run(o);
}

void ops_ask(struct op *o, enum confirm_kind k, dialog_done_fn done)
{
	struct app *a = o->a;
	struct confirm_target t;
	ops_target(o, &t, backend_action_label(o->act));
	char title[128], q[640], msg[1400], one[64];
	confirm_singular(one, sizeof(one), o->kind);
	snprintf(title, sizeof(title), "%s %s", backend_action_label(o->act), one);
	confirm_question(q, sizeof(q), &t);
	if (k == CONFIRM_TYPE_NAME)
		snprintf(msg, sizeof(msg), "%s %s is a PRODUCTION endpoint: type the name \"%s\" to confirm.", q,
			 o->ep->name, o->name);
	else
		snprintf(msg, sizeof(msg), "%s", q);
	a->dialog_return = a->mode == MODE_DIALOG ? a->dialog_return : a->mode;
	dialog_open(&a->dialog, k == CONFIRM_TYPE_NAME ? DIALOG_TYPE_NAME : DIALOG_YES_NO, title, msg, o->name,
		    o->ep->production || (o->act->flags & ACTION_CONFIRM), done, o);
	a->mode = MODE_DIALOG;
}

/* Asks according to the rules (after_input: a dialog took the value and
 * named the target already), then runs. */
static void confirm_then_run(struct op *o, bool after_input)
{
	enum confirm_kind k = after_input ? confirm_after_input(o->act, o->ep->production, o->a->confirm)
					  : confirm_required(o->act, o->ep->production, o->a->confirm);
	if (k == CONFIRM_NONE)
		run(o);
	else
		ops_ask(o, k, on_confirm);
}

static void on_input(void *ctx, bool accepted, const char *text)
{
	struct op *o = ctx;
	app_close_dialog(o->a);
	if (!accepted || !text || !*text) {
		app_flash(o->a, NOTE_INFO, "%s %s: cancelled", backend_action_label(o->act), o->name);
		free(o);
		return;
	}
	/* the value goes to its own field of the audit log, the name stays the name */
	snprintf(o->input, sizeof(o->input), "%s", text);
	confirm_then_run(o, true);
}

/* Asks for the action's value first (scale: the replicas), showing the
 * current one, what the backend adds (an autoscaler's bounds) and what it
 * is for; a value that will not do is said in the dialog, which stays open. */
static void ask_input(struct op *o, const char *current, const char *note)
{
	struct app *a = o->a;
	struct confirm_target t;
	ops_target(o, &t, backend_action_label(o->act));
	char title[400], msg[1000], what[64], where[200] = "";
	confirm_singular(what, sizeof(what), o->kind);
	if (t.scope_name)
		snprintf(where, sizeof(where), " in %s %s", t.scope_name, t.scope);
	snprintf(title, sizeof(title), "%s %s", backend_action_label(o->act), o->name);
	snprintf(msg, sizeof(msg), "%s for %s (now %s%s%s), %s%s on %s:",
		 o->act->input_prompt ? o->act->input_prompt : "value", o->name,
		 current && *current ? current : "unknown", note && *note ? "; " : "", note ? note : "", what, where,
		 o->ep->name);
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, DIALOG_INPUT, title, msg, current, o->ep->production, on_input, o);
	a->dialog.validate = o->act->check_input;
	a->mode = MODE_DIALOG;
}

/* ---- a choice before an action (a tag or its whole manifest) ---- */

static void on_choice(void *ctx, bool accepted, const char *text)
{
	struct op *o = ctx;
	app_close_dialog(o->a);
	if (!accepted || !text) {
		app_flash(o->a, NOTE_INFO, "%s %s: cancelled", o->act->name, o->name);
		free(o);
		return;
	}
	snprintf(o->input, sizeof(o->input), "%s", text);
	confirm_then_run(o, false);
}

/* An action that declares choices and has several for r asks first; the
 * choice goes to the backend as the action's input. */
static bool choose_first(struct op *o, const struct row *r)
{
	const struct backend_action *ba = o->act;
	if (ba->flags & ACTION_INPUT || !ba->choices)
		return false;
	const char *names = ba->choices(r);
	if (!names || !strchr(names, ','))
		return false;
	struct app *a = o->a;
	a->dialog_return = a->mode;
	dialog_open_pick(&a->dialog, ba->name, ba->choose_title ? ba->choose_title : "Which one?", names, on_choice, o);
	a->mode = MODE_DIALOG;
	return true;
}

void ops_start(struct app *a, const struct backend_action *ba, const struct row *r)
{
	struct op *o = ops_new(a, ba, r);
	if (choose_first(o, r))
		return;
	if (ba->flags & ACTION_INPUT) {
		char current[256] = "", note[256] = "";
		if (ba->input_now)
			ba->input_now(r, current, sizeof(current));
		if (ba->input_note)
			ba->input_note(r, note, sizeof(note));
		ask_input(o, current, note);
	} else {
		confirm_then_run(o, false);
	}
}

/* ---- sweeping actions (prune): what would go is shown in the question ---- */

static void sweep(struct app *a, const struct backend_action *ba)
{
	char what[2048] = "";
	ba->preview(a->ep, what, sizeof(what));
	char kindw[64];
	snprintf(kindw, sizeof(kindw), "%s", ba->kind ? ba->kind : app_frame(a)->view->kind);
	if (!what[0]) {
		app_flash(a, NOTE_INFO, "nothing to %s: no %s would go on %s", backend_action_label(ba), kindw, a->ep->name);
		return;
	}
	struct op *o = ops_new(a, ba, NULL);
	snprintf(o->name, sizeof(o->name), "unused %s", kindw);
	char msg[2600];
	snprintf(msg, sizeof(msg), "%s %s on %s? This would go:\n%s", backend_action_label(ba), o->name, a->ep->name,
		 what);
	msg[0] = (char)(msg[0] >= 'a' && msg[0] <= 'z' ? msg[0] - 32 : msg[0]);
	a->dialog_return = a->mode;
	enum confirm_kind k = a->ep->production ? CONFIRM_TYPE_NAME : CONFIRM_YES_NO;
	dialog_open(&a->dialog, k == CONFIRM_TYPE_NAME ? DIALOG_TYPE_NAME : DIALOG_YES_NO, backend_action_label(ba),
		    msg, o->name, true, on_confirm, o);
	a->mode = MODE_DIALOG;
}

/* ---- pull ---- */

static void pull_progress(void *arg, const char *id, const char *status, int64_t current, int64_t total)
{
	struct op *o = arg;
	struct app *a = o->a;
	if (!a->pull)
		return;
	pullview_progress(a->pull, id, status, current, total);
	if (a->mode != MODE_PULL) {
		char sum[256];
		pullview_summary(a->pull, sum, sizeof(sum));
		app_flash(a, NOTE_INFO, "pulling %s: %s", o->input, sum);
	}
	a->dirty = true;
}

static void pull_done(void *arg, const char *error)
{
	struct op *o = arg;
	struct app *a = o->a;
	a->ops_running--;
	if (a->pull && !strcmp(a->pull->ref, o->input))
		pullview_finish(a->pull, error);
	if (error)
		app_flash(a, NOTE_ERROR, "pull %s failed: %s", o->input, error);
	else
		app_flash(a, NOTE_INFO, "pulled %s", o->input);
	ops_audit(o, "pull", error ? error : "ok");
	free(o);
	a->dirty = true;
}

/* Pulls ref into the engine ep (auth: the registry's X-Registry-Auth
 * value, NULL for the engine's own lookup), in the pull panel. */
static void start_pull_on(struct app *a, struct endpoint *ep, const char *ref, const char *auth)
{
	const struct backend_action *act = endpoint_action_find(ep, NULL, "pull");
	struct op *o = ops_new(a, act, NULL);
	o->ep = ep;
	snprintf(o->kind, sizeof(o->kind), "%s", act && act->kind ? act->kind : "");
	snprintf(o->input, sizeof(o->input), "%s", ref);
	snprintf(o->name, sizeof(o->name), "%s", ref);
	pullview_free(a->pull);
	a->pull = pullview_new(ep->name, ref);
	a->mode = MODE_PULL;
	a->ops_running++;
	o->sink.progress = pull_progress;
	o->sink.done = pull_done;
	o->sink.arg = o;
	ops_audit(o, "pull", "started");
	ep->ops->pull(ep, ref, auth, &o->sink);
}

static void start_pull(struct app *a, const char *ref)
{
	start_pull_on(a, a->ep, ref, NULL);
}

/* ---- a registry's tag pulled into an engine ---- */

/* The endpoints a pull can go to: their backend pulls, and they allow it. */
static size_t engines(struct app *a, struct endpoint **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < a->session->neps && n < max; i++) {
		struct endpoint *ep = a->session->eps[i];
		if (ep->ops->pull && !ep->on_demand && endpoint_may(ep, endpoint_action_find(ep, NULL, "pull")))
			out[n++] = ep;
	}
	return n;
}

/* The current view's action carried out by an engine, if it has one. */
static const struct backend_action *engine_action(struct app *a, const char *verb)
{
	const struct backend_action *ba = endpoint_action_find(a->ep, app_frame(a)->view->kind, verb);
	return ba && (ba->flags & ACTION_ENGINE) && a->ep->ops->pull_source ? ba : NULL;
}

struct engine_pick {
	struct app *a;
	struct endpoint *source; /* the registry */
	char kind[64], id[256];
};

static void pull_into(struct app *a, struct endpoint *source, const char *kind, const char *id, struct endpoint *engine)
{
	char ref[512], err[ERRLEN];
	char *auth = NULL;
	if (source->ops->pull_source(source, kind, id, ref, sizeof(ref), &auth, err, sizeof(err)) < 0) {
		app_flash(a, NOTE_WARN, "cannot pull %s: %s", id, err);
		return;
	}
	start_pull_on(a, engine, ref, auth);
	if (auth) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
}

static void on_engine_pick(void *ctx, bool accepted, const char *text)
{
	struct engine_pick *p = ctx;
	struct app *a = p->a;
	app_close_dialog(a);
	struct endpoint *engine = accepted && text ? session_find(a->session, text) : NULL;
	if (engine)
		pull_into(a, p->source, p->kind, p->id, engine);
	else
		app_flash(a, NOTE_INFO, "pull %s: cancelled", p->id);
	free(p);
}

static void engine_pull(struct app *a, const struct backend_action *ba, const struct row *r)
{
	const char *why = ba->refuse ? ba->refuse(r) : NULL;
	if (why) {
		app_flash(a, NOTE_WARN, "%s %s", row_text(r, 0), why);
		return;
	}
	struct endpoint *eps[64];
	size_t n = engines(a, eps, 64);
	if (!n) {
		app_flash(a, NOTE_WARN, "no open engine can pull (none is configured, or all are read-only)");
		return;
	}
	if (n == 1) {
		pull_into(a, a->ep, ba->kind, r->id, eps[0]);
		return;
	}
	struct engine_pick *p = xcalloc(1, sizeof(*p));
	p->a = a;
	p->source = a->ep;
	snprintf(p->kind, sizeof(p->kind), "%s", ba->kind);
	snprintf(p->id, sizeof(p->id), "%s", r->id);
	struct buf names;
	buf_init(&names);
	for (size_t i = 0; i < n; i++)
		buf_printf(&names, "%s%s", i ? "," : "", eps[i]->name);
	char msg[400];
	snprintf(msg, sizeof(msg), "Pull %.300s into which engine?", row_text(r, 0));
	a->dialog_return = a->mode;
	dialog_open_pick(&a->dialog, "pull", msg, names.data, on_engine_pick, p);
	buf_cleanup(&names);
	a->mode = MODE_DIALOG;
}

static void on_pull_ref(void *ctx, bool accepted, const char *text)
{
	struct app *a = ctx;
	app_close_dialog(a);
	if (accepted && text && *text)
		start_pull(a, text);
}

void ops_pull(struct app *a, const char *ref)
{
	const struct backend_action *act = endpoint_action_find(a->ep, NULL, "pull");
	if (!a->ep->ops->pull || !act) {
		app_flash(a, NOTE_WARN, "%s cannot pull images", a->ep->name);
		return;
	}
	if (!endpoint_may(a->ep, act)) {
		app_flash(a, NOTE_WARN, "%s is read-only: pull is not offered", a->ep->name);
		return;
	}
	if (ops_endpoint_down(a))
		return;
	if (ref && *ref) {
		start_pull(a, ref);
		return;
	}
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, DIALOG_INPUT, "pull",
		    "Image reference to pull (name:tag or name@digest) on this endpoint:", "", false, on_pull_ref, a);
	a->mode = MODE_DIALOG;
}

/* ---- dispatch ---- */

bool ops_offered(struct app *a, enum action act)
{
	const struct action_info *info = keymap_action_info(act);
	const char *kind = app_frame(a)->view->kind;
	switch (act) {
	case ACT_LOGS:
		return a->ep->ops->logs && endpoint_action_find(a->ep, kind, "logs");
	case ACT_EVENTS:
		return a->ep->ops->events_of && a->ep->ops->events_of(a->ep, app_frame(a)->view, NULL, NULL);
	case ACT_DESCRIBE:
	case ACT_DESCRIBE_JSON:
	case ACT_YAML:
		return a->ep->ops->inspect != NULL || (act == ACT_DESCRIBE && a->ep->ops->describe != NULL);
	case ACT_PULL:
		if (engine_action(a, "pull")) {
			struct endpoint *eps[1];
			return engines(a, eps, 1) > 0;
		}
		return a->ep->ops->pull && endpoint_may(a->ep, endpoint_action_find(a->ep, NULL, "pull"));
	case ACT_STATS:
		return a->ep->ops->history != NULL && endpoint_serves(a->ep, kind) &&
		       a->ep->ops->history(a->ep, kind, NULL, NULL, 0);
	case ACT_EDIT:
		return a->ep->ops->edit_get && a->ep->ops->edit_apply &&
		       endpoint_may(a->ep, endpoint_action_find(a->ep, kind, "edit"));
	case ACT_DECODE:
		return a->ep->ops->act_text && endpoint_may(a->ep, endpoint_action_find(a->ep, kind, "decode"));
	case ACT_WHERE_RUNS:
	case ACT_REGISTRY:
		return imageops_offered(a, act);
	default:
		return info->verb && endpoint_may(a->ep, endpoint_action_find(a->ep, kind, info->name));
	}
}

/* Any action of that verb the backend has, whatever the kind. */
static const struct backend_action *any_action(const struct backend_ops *ops, const char *verb)
{
	for (const struct backend_action *x = ops->actions; x && x->name; x++)
		if (!strcmp(x->name, verb))
			return x;
	return NULL;
}

bool ops_refused_readonly(struct app *a, enum action act)
{
	const struct action_info *info = keymap_action_info(act);
	const char *kind = app_frame(a)->view->kind;
	if (!info->verb)
		return false;
	const struct backend_action *ba = endpoint_action_find(a->ep, kind, info->name);
	if (!ba)
		ba = any_action(a->ep->ops, info->name);
	if (!ba || endpoint_may(a->ep, ba))
		return false;
	app_flash(a, NOTE_WARN, "%s is read-only: %s is not offered (it would change something)", a->ep->name,
		  backend_action_label(ba));
	return true;
}

bool ops_endpoint_down(struct app *a)
{
	struct endpoint *ep = a->ep;
	if (ep->state == EP_READY || !ep->error[0])
		return false;
	char *e = sanitize_display(ep->error, strlen(ep->error));
	app_flash(a, NOTE_WARN, "%s cannot be reached, so nothing was sent: %s", ep->name, e);
	free(e);
	return true;
}

/* ---- actions whose result is a document (a secret's values) ---- */

struct text_op {
	struct app *a;
	struct textview *tv;
};

static void on_text_result(void *arg, const char *text, const char *error)
{
	struct text_op *t = arg;
	describe_arrived(t->a, t->tv, text, error, "");
	free(t);
}

static void text_action(struct app *a, const struct backend_action *ba, const struct row *r)
{
	char title[300];
	snprintf(title, sizeof(title), "%s %s", backend_action_label(ba), row_text(r, 0));
	app_open_text(a, title);
	textview_set_loading(a->text, "loading…");
	struct text_op *t = xcalloc(1, sizeof(*t));
	t->a = a;
	t->tv = a->text;
	a->ep->ops->act_text(a->ep, ba, r->id, NULL, on_text_result, t);
}

/* E: the events of the selected object, as a drill-down */
static void events_of(struct app *a, const struct row *r)
{
	struct drill d;
	if (!a->ep->ops->events_of(a->ep, app_frame(a)->view, r, &d))
		return;
	const struct view *v = endpoint_view(a->ep, d.kind);
	if (v) {
		a->ep->ops->watch(a->ep, d.kind);
		app_push_view(a, v, &d);
	}
}

bool ops_key(struct app *a, enum action act)
{
	const struct action_info *info = keymap_action_info(act);
	const char *kind = app_frame(a)->view->kind;
	const struct row *r = ops_selected(a);
	if (act == ACT_SAVE && a->mode == MODE_LOGS && a->logs) {
		opsession_save_logs(a);
		return true;
	}
	if (imageops_key(a, act))
		return true;
	if (!ops_offered(a, act))
		return ops_refused_readonly(a, act); /* else another action on the same key may take it */
	if (act == ACT_PULL) {
		const struct backend_action *eng = engine_action(a, "pull");
		if (eng && r && !r->gone_ms)
			engine_pull(a, eng, r);
		else if (!eng)
			ops_pull(a, NULL);
		return true;
	}
	if (act == ACT_DESCRIBE || act == ACT_DESCRIBE_JSON || act == ACT_YAML) {
		describe_open(a, act == ACT_DESCRIBE ? DESCRIBE_TEXT : act == ACT_YAML ? DESCRIBE_YAML : DESCRIBE_JSON);
		return true;
	}
	if (act == ACT_STATS) {
		stats_toggle(a);
		return true;
	}
	const struct backend_action *ba = endpoint_action_find(a->ep, kind, info->name);
	if (ba && (ba->flags & ACTION_NO_TARGET) && ba->preview) {
		if (!ops_endpoint_down(a))
			sweep(a, ba);
		return true;
	}
	/* Space-marked rows: the action is for all of them, asked once */
	if (ba && app_frame(a)->marks.n && marks_run(a, ba))
		return true;
	if (!r || r->gone_ms) {
		app_flash(a, NOTE_INFO, r ? "that row is gone" : "no row is selected");
		return true;
	}
	if (act == ACT_EVENTS) {
		events_of(a, r);
		return true;
	}
	const char *why = ba && ba->refuse ? ba->refuse(r) : NULL;
	if (why) {
		app_flash(a, NOTE_WARN, "%s %s", row_text(r, 0), why);
		return true;
	}
	if (act == ACT_LOGS) {
		opsession_logs(a, ba, r);
		return true;
	}
	if (ops_endpoint_down(a))
		return true;
	if (act == ACT_SHELL) {
		opsession_shell(a, ba, r);
		return true;
	}
	if (act == ACT_EDIT) {
		edit_start(a, ba, r);
		return true;
	}
	if (ba->flags & ACTION_TEXT) {
		text_action(a, ba, r);
		return true;
	}
	ops_start(a, ba, r);
	return true;
}
