/* asks.c: questions from below shown as dialogs (see asks.h). A secret is
 * typed in a dialog that echoes nothing, is handed over once, and then
 * wiped. */
#include "tui/asks.h"
#include "backends/model/ask.h"
#include "tui/app.h"

#include <stdlib.h>
#include <string.h>

static struct ask *queue;   /* waiting, oldest first */
static struct ask *shown;   /* the one in the dialog */
static struct app *app;

static void on_show(void *ui, struct ask *q)
{
	(void)ui;
	q->next = NULL;
	struct ask **p = &queue;
	while (*p)
		p = &(*p)->next;
	*p = q;
	app->dirty = true;
}

static void unlink_q(struct ask *q)
{
	for (struct ask **p = &queue; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

static void on_withdraw(void *ui, struct ask *q)
{
	(void)ui;
	unlink_q(q);
	if (q == shown) {
		shown = NULL;
		app->dialog.done = NULL; /* the dialog's answer has nobody to go to */
		memwipe(app->dialog.input.text, sizeof(app->dialog.input.text)); /* half a secret typed */
		app->dialog.input.len = app->dialog.input.cur = 0;
		app_close_dialog(app);
	}
}

static void on_answer(void *ctx, bool accepted, const char *text)
{
	(void)ctx;
	struct ask *q = shown;
	shown = NULL;
	app_close_dialog(app);
	if (!q)
		return;
	unlink_q(q);
	ask_answer(q, accepted, accepted ? text : NULL);
}

void asks_install(struct app *a)
{
	app = a;
	struct ask_handler h = {.show = on_show, .withdraw = on_withdraw, .ui = a};
	ask_set_handler(&h);
}

void asks_uninstall(struct app *a)
{
	(void)a;
	ask_set_handler(NULL);
	queue = shown = NULL; /* the askers free their questions */
	app = NULL;
}

void asks_pump(struct app *a)
{
	if (shown || !queue)
		return;
	/* never over another dialog, nor under the user's typing */
	if (a->mode != MODE_TABLE && a->mode != MODE_TEXT && a->mode != MODE_LOGS && a->mode != MODE_PULL &&
	    a->mode != MODE_HEALTH)
		return;
	shown = queue;
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, shown->kind == ASK_SECRET ? DIALOG_SECRET : DIALOG_YES_NO, shown->title,
		    shown->question, NULL, false, on_answer, NULL);
	a->mode = MODE_DIALOG;
	a->dirty = true;
}
