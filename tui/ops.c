/* ops.c: operator actions from the dashboard: the key's verb is looked up
 * in the current endpoint's backend for the view's kind, stripped when the
 * endpoint is read-only, confirmed by the rules of confirm.h, run with its
 * progress in the flash line, and recorded in the audit log with its result.
 * Exec, logs and pulls open their own screens. */
#include "tui/app.h"
#include "tui/audit.h"
#include "tui/edit.h"
#include "backends/util/log.h"
#include "tui/passthrough.h"
#include "tui/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct op {
	struct app *a;
	struct endpoint *ep;
	const struct backend_action *act;
	char verb[48]; /* the action's name as people read it: "set image" */
	char kind[128];
	char id[256];
	char name[256];
	char input[512];
	struct pull_sink sink; /* lives as long as the pull */
};

static const struct row *selected(struct app *a)
{
	struct frame *f = app_frame(a);
	if (!a->model.len || f->selected < 0 || (size_t)f->selected >= a->model.len)
		return NULL;
	return a->model.rows[f->selected];
}

static void audit(struct op *o, const char *verb, const char *result)
{
	char err[ERRLEN];
	if (audit_write(o->ep->name, o->kind, o->name, o->id, verb, result, err, sizeof(err)) < 0)
		app_flash(o->a, NOTE_WARN, "%s", err);
}

static struct op *op_new(struct app *a, const struct backend_action *act, const struct row *r)
{
	struct op *o = xcalloc(1, sizeof(*o));
	o->a = a;
	o->ep = a->ep;
	o->act = act;
	snprintf(o->kind, sizeof(o->kind), "%s", act ? act->kind : app_frame(a)->view->kind);
	snprintf(o->verb, sizeof(o->verb), "%s", act ? act->name : "");
	for (char *c = o->verb; *c; c++)
		if (*c == '_')
			*c = ' ';
	if (r) {
		snprintf(o->id, sizeof(o->id), "%s", r->id);
		snprintf(o->name, sizeof(o->name), "%s", row_text(r, 0));
	}
	return o;
}

/* ---- simple actions ---- */

static void on_done(void *arg, const char *error)
{
	struct op *o = arg;
	struct app *a = o->a;
	a->ops_running--;
	if (error)
		app_flash(a, NOTE_ERROR, "%s %s failed: %s", o->verb, o->name, error);
	else
		app_flash(a, NOTE_INFO, "%s %s: done", o->verb, o->name);
	audit(o, o->act->name, error ? error : "ok");
	free(o);
}

static void run(struct op *o)
{
	struct app *a = o->a;
	a->ops_running++;
	app_flash(a, NOTE_INFO, "%s %s…", o->act->progress ? o->act->progress : o->verb, o->name);
	/* long actions (stop waits for the container) keep their message up */
	a->flash_until = mono_ms() + 120000;
	/* recorded before it is sent: an action cut short still left a trace */
	audit(o, o->act->name, "started");
	o->ep->ops->act(o->ep, o->act, o->id, o->input[0] ? o->input : NULL, on_done, o);
}

static void on_confirm(void *ctx, bool accepted, const char *text)
{
	struct op *o = ctx;
	(void)text;
	app_close_dialog(o->a);
	if (!accepted) {
		app_flash(o->a, NOTE_INFO, "%s %s: cancelled", o->verb, o->name);
		free(o);
		return;
	}
	run(o);
}

static void confirm_then_run(struct op *o);

static void on_input(void *ctx, bool accepted, const char *text)
{
	struct op *o = ctx;
	app_close_dialog(o->a);
	if (!accepted || !text || !*text) {
		app_flash(o->a, NOTE_INFO, "%s %s: cancelled", o->verb, o->name);
		free(o);
		return;
	}
	snprintf(o->input, sizeof(o->input), "%s", text);
	/* the value typed goes into the progress and the audit log */
	char name[sizeof(o->name)];
	snprintf(name, sizeof(name), "%.200s to %.40s", o->name, text);
	memcpy(o->name, name, sizeof(name));
	confirm_then_run(o);
}

/* Asks for the action's value first (scale: the replicas), showing the
 * current one and what the backend adds (an autoscaler's bounds). */
static void ask_input(struct op *o, const char *current, const char *note)
{
	struct app *a = o->a;
	char title[400], msg[768];
	snprintf(title, sizeof(title), "%s %s", o->verb, o->name);
	snprintf(msg, sizeof(msg), "%s for %s (now %s%s%s):", o->act->input_prompt ? o->act->input_prompt : "value",
		 o->name, current && *current ? current : "unknown", note && *note ? "; " : "", note ? note : "");
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, DIALOG_INPUT, title, msg, current, false, on_input, o);
	a->mode = MODE_DIALOG;
}

/* Asks according to the rules, then runs. */
static void confirm_then_run(struct op *o)
{
	struct app *a = o->a;
	enum confirm_kind k = confirm_required(o->act, o->ep->production);
	if (k == CONFIRM_NONE) {
		run(o);
		return;
	}
	char title[200], msg[640];
	snprintf(title, sizeof(title), "%s %s", o->verb, o->kind);
	if (k == CONFIRM_TYPE_NAME)
		snprintf(msg, sizeof(msg), "%s is a PRODUCTION endpoint. Type the name \"%s\" to %s it.", o->ep->name,
			 o->name, o->verb);
	else
		snprintf(msg, sizeof(msg), "%s %.*s %s on %s?", o->verb, (int)strlen(o->kind) - 1, o->kind, o->name,
			 o->ep->name);
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, k == CONFIRM_TYPE_NAME ? DIALOG_TYPE_NAME : DIALOG_YES_NO, title, msg, o->name,
		    o->ep->production || (o->act->flags & ACTION_CONFIRM), on_confirm, o);
	a->mode = MODE_DIALOG;
}

/* ---- exec ---- */

static void on_exec_open(void *arg, struct bstream *s, const char *error)
{
	struct op *o = arg;
	struct app *a = o->a;
	if (!s) {
		app_flash(a, NOTE_ERROR, "shell in %s failed: %s", o->name, error);
		audit(o, "shell", error);
		free(o);
		return;
	}
	/* the terminal is handed over from the loop, not from inside a callback */
	a->pending_exec = s;
	a->pending_exec_op = o;
}

void ops_run_pending_exec(struct app *a)
{
	edit_run_pending(a);
	struct bstream *s = a->pending_exec;
	struct op *o = a->pending_exec_op;
	if (!s)
		return;
	a->pending_exec = NULL;
	a->pending_exec_op = NULL;
	char banner[512], err[ERRLEN];
	snprintf(banner, sizeof(banner), "binnacle: shell in %s on %s. Exit the shell to return (Enter ~ . cuts it).",
		 o->name, o->ep->name);
	char *safe = sanitize_display(banner, strlen(banner));
	def_prog_mode();
	endwin();
	struct buf keys;
	buf_init(&keys);
	int code = passthrough_run(a->session, s, safe, &keys, err, sizeof(err));
	free(safe);
	s->ops->close(s);
	reset_prog_mode();
	app_resize(a);
	/* keys typed as the shell ended go to the dashboard, in order */
	for (size_t i = keys.len; i-- > 0;)
		ungetch((unsigned char)keys.data[i]);
	buf_cleanup(&keys);
	char result[ERRLEN + 32];
	if (err[0])
		snprintf(result, sizeof(result), "%s", err);
	else if (code >= 0)
		snprintf(result, sizeof(result), "exit status %d", code);
	else
		snprintf(result, sizeof(result), "ended");
	app_flash(a, err[0] ? NOTE_WARN : NOTE_INFO, "shell in %s: %s", o->name, result);
	audit(o, "shell", result);
	free(o);
}

static void shell(struct app *a, const struct backend_action *act, const struct row *r, const char *container)
{
	struct op *o = op_new(a, act, r);
	if (container) {
		snprintf(o->input, sizeof(o->input), "%s", container);
		char name[sizeof(o->name)];
		snprintf(name, sizeof(name), "%.160s/%.80s", o->name, container);
		memcpy(o->name, name, sizeof(name));
	}
	struct exec_opts eo = {.shell = a->shell, .tty = true, .interactive = true, .rows = LINES, .cols = COLS,
			       .container = container};
	app_flash(a, NOTE_INFO, "opening a shell in %s…", o->name);
	audit(o, "shell", "started");
	a->ep->ops->exec(a->ep, o->kind, o->id, &eo, on_exec_open, o);
}

/* ---- logs ---- */

static void logs(struct app *a, const struct row *r, const char *container)
{
	struct frame *f = app_frame(a);
	struct log_opts lo = {.tail = a->log_tail, .follow = true, .container = container};
	char title[300];
	snprintf(title, sizeof(title), "logs %s%s%s", row_text(r, 0), container ? "/" : "", container ? container : "");
	logview_close(a->logs);
	a->logs = logview_open(a->ep, f->view->kind, r->id, title, &lo, a->log_lines);
	a->mode = MODE_LOGS;
}

static void on_save(void *ctx, bool accepted, const char *text)
{
	struct app *a = ctx;
	app_close_dialog(a);
	if (!accepted || !text || !*text || !a->logs)
		return;
	char err[ERRLEN];
	if (logview_save(a->logs, text, err, sizeof(err)) < 0)
		app_flash(a, NOTE_ERROR, "%s", err);
	else
		app_flash(a, NOTE_INFO, "saved %zu lines to %s", a->logs->ring.len, text);
}

static void save_logs(struct app *a)
{
	char name[256], path[300];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(name, sizeof(name), "%s", a->logs->title + (str_starts(a->logs->title, "logs ") ? 5 : 0));
	for (char *p = name; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '_';
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(path, sizeof(path), "%s-%s.log", name, stamp);
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, DIALOG_INPUT, "save logs", "Save the kept lines to this file:", path, false, on_save, a);
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
	audit(o, "pull", error ? error : "ok");
	free(o);
	a->dirty = true;
}

/* Pulls ref into the engine ep (auth: the registry's X-Registry-Auth
 * value, NULL for the engine's own lookup), in the pull panel. */
static void start_pull_on(struct app *a, struct endpoint *ep, const char *ref, const char *auth)
{
	const struct backend_action *act = endpoint_action_find(ep, NULL, "pull");
	struct op *o = op_new(a, act, NULL);
	o->ep = ep;
	snprintf(o->kind, sizeof(o->kind), "%s", act ? act->kind : "");
	snprintf(o->input, sizeof(o->input), "%s", ref);
	snprintf(o->name, sizeof(o->name), "%s", ref);
	pullview_free(a->pull);
	a->pull = pullview_new(ep->name, ref);
	a->mode = MODE_PULL;
	a->ops_running++;
	o->sink.progress = pull_progress;
	o->sink.done = pull_done;
	o->sink.arg = o;
	audit(o, "pull", "started");
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
		app_flash(a, NOTE_WARN, "%s is read-only: pulling is disabled", a->ep->name);
		return;
	}
	if (ref && *ref) {
		start_pull(a, ref);
		return;
	}
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, DIALOG_INPUT, "pull", "Image reference to pull (name:tag or name@digest):", "", false,
		    on_pull_ref, a);
	a->mode = MODE_DIALOG;
}

/* ---- container picker ---- */

struct pick {
	struct app *a;
	enum action act;
	char id[256];
};

/* The row the pick was made for, if it is still there. */
static const struct row *pick_row(struct pick *p)
{
	const struct row *r = selected(p->a);
	return r && !strcmp(r->id, p->id) ? r : NULL;
}

static void on_pick(void *ctx, bool accepted, const char *text)
{
	struct pick *p = ctx;
	struct app *a = p->a;
	app_close_dialog(a);
	const struct row *r = pick_row(p);
	if (accepted && r) {
		if (p->act == ACT_SHELL)
			shell(a, endpoint_action_find(a->ep, app_frame(a)->view->kind, "shell"), r, text);
		else
			logs(a, r, text);
	}
	free(p);
}

/* An action that declares choices (a pod's containers) asks which one
 * when there are several; the others go straight on. */
static bool pick_first(struct app *a, enum action act, const struct backend_action *ba, const struct row *r)
{
	const char *names = ba && ba->choices ? ba->choices(r) : "";
	if (!strchr(names, ','))
		return false;
	struct pick *p = xcalloc(1, sizeof(*p));
	p->a = a;
	p->act = act;
	snprintf(p->id, sizeof(p->id), "%s", r->id);
	a->dialog_return = a->mode;
	dialog_open_pick(&a->dialog, ba->name, ba->choose_title ? ba->choose_title : "Which one?", names, on_pick, p);
	a->mode = MODE_DIALOG;
	return true;
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
	confirm_then_run(o);
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
		return a->ep->ops->inspect != NULL;
	case ACT_PULL:
		if (engine_action(a, "pull")) {
			struct endpoint *eps[1];
			return engines(a, eps, 1) > 0;
		}
		return a->ep->ops->pull && endpoint_may(a->ep, endpoint_action_find(a->ep, NULL, "pull"));
	case ACT_EDIT:
		return a->ep->ops->edit_get && a->ep->ops->edit_apply &&
		       endpoint_may(a->ep, endpoint_action_find(a->ep, kind, "edit"));
	case ACT_DECODE:
		return a->ep->ops->act_text && endpoint_may(a->ep, endpoint_action_find(a->ep, kind, "decode"));
	case ACT_COPY:
	case ACT_WHERE_RUNS:
	case ACT_REGISTRY:
		return imageops_offered(a, act);
	default:
		return info->verb && endpoint_may(a->ep, endpoint_action_find(a->ep, kind, info->name));
	}
}

/* ---- actions whose result is a document (a secret's values) ---- */

struct text_op {
	struct app *a;
	struct textview *tv;
};

static void on_text_result(void *arg, const char *text, const char *error)
{
	struct text_op *t = arg;
	struct app *a = t->a;
	/* the viewer may have been closed meanwhile: then nothing is kept */
	if (a->text == t->tv) {
		if (error) {
			textview_set_text(a->text, "");
			textview_set_loading(a->text, error);
			app_flash(a, NOTE_ERROR, "%s", error);
		} else {
			textview_set_text(a->text, text);
		}
		a->dirty = true;
	}
	free(t);
}

static void text_action(struct app *a, const struct backend_action *ba, const struct row *r)
{
	char title[300];
	snprintf(title, sizeof(title), "%s %s", ba->name, row_text(r, 0));
	app_open_text(a, title);
	textview_set_loading(a->text, "loading…");
	struct text_op *t = xcalloc(1, sizeof(*t));
	t->a = a;
	t->tv = a->text;
	a->ep->ops->act_text(a->ep, ba, r->id, NULL, on_text_result, t);
}

/* e: the events of the selected object, as a drill-down */
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
	const struct row *r = selected(a);
	if (act == ACT_SAVE && a->mode == MODE_LOGS && a->logs) {
		save_logs(a);
		return true;
	}
	if (imageops_key(a, act))
		return true;
	if (!ops_offered(a, act)) {
		const struct backend_action *ba = info->verb ? endpoint_action_find(a->ep, kind, info->name) : NULL;
		if (ba && !endpoint_may(a->ep, ba)) {
			app_flash(a, NOTE_WARN, "%s is read-only: %s is disabled", a->ep->name, info->name);
			return true;
		}
		return false; /* not here: another action on the same key may be */
	}
	if (act == ACT_PULL) {
		const struct backend_action *eng = engine_action(a, "pull");
		if (eng && r && !r->gone_ms)
			engine_pull(a, eng, r);
		else if (!eng)
			ops_pull(a, NULL);
		return true;
	}
	if (act == ACT_DESCRIBE || act == ACT_DESCRIBE_JSON) {
		app_describe(a, act == ACT_DESCRIBE_JSON);
		return true;
	}
	if (!r || r->gone_ms)
		return true;
	if (act == ACT_EVENTS) {
		events_of(a, r);
		return true;
	}
	const struct backend_action *ba = endpoint_action_find(a->ep, kind, info->name);
	const char *why = ba && ba->refuse ? ba->refuse(r) : NULL;
	if (why) {
		app_flash(a, NOTE_WARN, "%s %s", row_text(r, 0), why);
		return true;
	}
	if (act == ACT_LOGS) {
		if (!pick_first(a, act, ba, r))
			logs(a, r, NULL);
		return true;
	}
	if (act == ACT_SHELL) {
		if (!pick_first(a, act, ba, r))
			shell(a, ba, r, NULL);
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
	struct op *o = op_new(a, ba, r);
	if (choose_first(o, r))
		return true;
	if (ba->flags & ACTION_INPUT) {
		char current[256] = "", note[256] = "";
		if (ba->input_now)
			ba->input_now(r, current, sizeof(current));
		if (ba->input_note)
			ba->input_note(r, note, sizeof(note));
		ask_input(o, current, note);
	} else
		confirm_then_run(o);
	return true;
}
