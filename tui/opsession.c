/* opsession.c: the actions that open a session of their own: a shell in a
 * container (the terminal is handed over from the loop, asked first on a
 * production endpoint), the log viewer, and the picker that asks which
 * container first (it remembers the last choice per object, and offers
 * "every container" where the backend can merge them). */
#include "tui/edit.h"
#include "tui/ops.h"
#include "tui/passthrough.h"
#include "tui/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- shell ---- */

static void on_exec_open(void *arg, struct bstream *s, const char *error)
{
	struct op *o = arg;
	struct app *a = o->a;
	if (!s) {
		app_flash(a, NOTE_ERROR, "shell in %s failed: %s", o->name, error);
		ops_audit(o, "shell", error);
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
	ops_audit(o, "shell", result);
	free(o);
}

static void open_shell(struct op *o)
{
	struct app *a = o->a;
	const char *container = o->input[0] ? o->input : NULL;
	struct exec_opts eo = {.shell = a->shell, .tty = true, .interactive = true, .rows = LINES, .cols = COLS,
			       .container = container};
	app_flash(a, NOTE_INFO, "opening a shell in %s…", o->name);
	ops_audit(o, "shell", "started");
	o->ep->ops->exec(o->ep, o->kind, o->id, &eo, on_exec_open, o);
}

static void on_shell_confirm(void *ctx, bool accepted, const char *text)
{
	struct op *o = ctx;
	(void)text;
	app_close_dialog(o->a);
	if (!accepted) {
		app_flash(o->a, NOTE_INFO, "shell in %s: cancelled", o->name);
		free(o);
		return;
	}
	open_shell(o);
}

static void shell(struct app *a, const struct backend_action *ba, const struct row *r, const char *container)
{
	struct op *o = ops_new(a, ba, r);
	if (container) {
		snprintf(o->input, sizeof(o->input), "%s", container);
		char name[sizeof(o->name)];
		snprintf(name, sizeof(name), "%.160s/%.80s", o->name, container);
		memcpy(o->name, name, sizeof(name));
	}
	/* a shell changes nothing by itself, but on production it is asked for */
	if (o->ep->production)
		ops_ask(o, CONFIRM_YES_NO, on_shell_confirm);
	else
		open_shell(o);
}

/* ---- logs ---- */

static void logs(struct app *a, const struct row *r, const char *container)
{
	struct frame *f = app_frame(a);
	bool all = container && !strcmp(container, BACKEND_ALL_CHOICES);
	struct log_opts lo = {.tail = a->log_tail, .follow = true, .container = all ? NULL : container,
			      .all_containers = all};
	char title[300];
	snprintf(title, sizeof(title), "logs %s%s%s", row_text(r, 0), container ? "/" : "",
		 all ? "(every container)" : container ? container : "");
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

void opsession_save_logs(struct app *a)
{
	char name[256], path[300];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(name, sizeof(name), "%s", a->logs->title + (str_starts(a->logs->title, "logs ") ? 5 : 0));
	for (char *p = name; *p; p++)
		if (*p == '/' || *p == ' ' || *p == '(' || *p == ')')
			*p = '_';
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(path, sizeof(path), "%s-%s.log", name, stamp);
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, DIALOG_INPUT, "save logs", "Save the kept lines to this file:", path, false, on_save, a);
	a->mode = MODE_DIALOG;
}

/* ---- the container picker ---- */

struct pick {
	struct app *a;
	bool for_shell;
	char id[256];
};

/* The last choice per object, so the picker opens where the user left it. */
#define PICK_MEMORY 32
static struct {
	char id[256], choice[128];
} remembered[PICK_MEMORY];
static size_t next_slot;

static const char *last_choice(const char *id)
{
	for (size_t i = 0; i < PICK_MEMORY; i++)
		if (remembered[i].id[0] && !strcmp(remembered[i].id, id))
			return remembered[i].choice;
	return NULL;
}

static void remember(const char *id, const char *choice)
{
	for (size_t i = 0; i < PICK_MEMORY; i++)
		if (!strcmp(remembered[i].id, id)) {
			snprintf(remembered[i].choice, sizeof(remembered[i].choice), "%s", choice);
			return;
		}
	snprintf(remembered[next_slot].id, sizeof(remembered[next_slot].id), "%s", id);
	snprintf(remembered[next_slot].choice, sizeof(remembered[next_slot].choice), "%s", choice);
	next_slot = (next_slot + 1) % PICK_MEMORY;
}

/* The row the pick was made for, if it is still there. */
static const struct row *pick_row(struct pick *p)
{
	const struct row *r = ops_selected(p->a);
	return r && !strcmp(r->id, p->id) ? r : NULL;
}

static void on_pick(void *ctx, bool accepted, const char *text)
{
	struct pick *p = ctx;
	struct app *a = p->a;
	/* the place is kept, chosen or not: the picker opens there next time */
	if (a->dialog.nchoices && a->dialog.chosen < a->dialog.nchoices)
		remember(p->id, a->dialog.choices[a->dialog.chosen]);
	app_close_dialog(a);
	const struct row *r = pick_row(p);
	if (accepted && r) {
		/* "every container" is shown in words, and means the backend's wildcard */
		const char *choice = str_starts(text, "every container") ? BACKEND_ALL_CHOICES : text;
		remember(p->id, text);
		if (p->for_shell)
			shell(a, endpoint_action_find(a->ep, app_frame(a)->view->kind, "shell"), r, choice);
		else
			logs(a, r, choice);
	} else if (accepted) {
		app_flash(a, NOTE_INFO, "that row is gone");
	}
	free(p);
}

/* An action that declares choices (a pod's containers) asks which one
 * when there are several; the others go straight on. Logs also offer
 * every container at once. */
static bool pick_first(struct app *a, bool for_shell, const struct backend_action *ba, const struct row *r)
{
	const char *names = ba && ba->choices ? ba->choices(r) : "";
	if (!names || !strchr(names, ','))
		return false;
	struct pick *p = xcalloc(1, sizeof(*p));
	p->a = a;
	p->for_shell = for_shell;
	snprintf(p->id, sizeof(p->id), "%s", r->id);
	struct buf all;
	buf_init(&all);
	buf_puts(&all, names);
	if (!for_shell)
		buf_puts(&all, ",every container (merged)");
	a->dialog_return = a->mode;
	dialog_open_pick(&a->dialog, backend_action_label(ba), ba->choose_title ? ba->choose_title : "Which one?", all.data,
			 on_pick, p);
	const char *last = last_choice(r->id);
	for (int i = 0; last && i < a->dialog.nchoices; i++)
		if (!strcmp(a->dialog.choices[i], last))
			a->dialog.chosen = i;
	buf_cleanup(&all);
	a->mode = MODE_DIALOG;
	return true;
}

void opsession_shell(struct app *a, const struct backend_action *ba, const struct row *r)
{
	if (!pick_first(a, true, ba, r))
		shell(a, ba, r, NULL);
}

void opsession_logs(struct app *a, const struct backend_action *ba, const struct row *r)
{
	if (!pick_first(a, false, ba, r))
		logs(a, r, NULL);
}
