/* ops.h: what the files of the operator actions share (ops.c: verbs and
 * their confirmations; opsession.c: shells, logs and pickers; marks.c:
 * actions on marked rows; describe.c; stats.c): one action in flight on
 * one row, and the question it asks. */
#ifndef BINNACLE_OPS_H
#define BINNACLE_OPS_H

#include "tui/app.h"
#include "tui/confirm.h"

/* One action on one row, from the key to its result. */
struct op {
	struct app *a;
	struct endpoint *ep;
	const struct backend_action *act;
	char kind[32];
	char id[256];
	char name[256];
	char scope[128];  /* the row's namespace (or the like); "" when none */
	char input[512];  /* the value typed (scale's replicas), a container, a pull reference */
	struct pull_sink sink; /* lives as long as the pull */
};

const struct row *ops_selected(struct app *a);
struct op *ops_new(struct app *a, const struct backend_action *act, const struct row *r);
void ops_audit(struct op *o, const char *verb, const char *result);
/* The question's words for o. */
void ops_target(struct op *o, struct confirm_target *t, const char *verb);
/* Opens the confirmation of kind k for o; done gets o as its context. */
void ops_ask(struct op *o, enum confirm_kind k, dialog_done_fn done);
/* Asks for the value (ACTION_INPUT) or confirms as the rules say, then runs. */
void ops_start(struct app *a, const struct backend_action *ba, const struct row *r);
/* Says why when the endpoint is down: true when the action must not go. */
bool ops_endpoint_down(struct app *a);
/* Says so when act is a verb this read-only endpoint does not offer. */
bool ops_refused_readonly(struct app *a, enum action act);

/* opsession.c */
void opsession_shell(struct app *a, const struct backend_action *ba, const struct row *r);
void opsession_logs(struct app *a, const struct backend_action *ba, const struct row *r);
void opsession_save_logs(struct app *a);

/* marks.c: runs ba on every marked row of the view, after one question
 * listing them; false when no marked row is of ba's kind. */
bool marks_run(struct app *a, const struct backend_action *ba);

/* describe.c */
enum describe_mode { DESCRIBE_TEXT, DESCRIBE_YAML, DESCRIBE_JSON };
void describe_open(struct app *a, enum describe_mode mode);
/* In the viewer: y switches between YAML and JSON; true when it did. */
bool describe_toggle(struct app *a);
/* A document fetched for the text viewer tv arrived (or failed: error, said
 * in the viewer and the flash line after `failed`): shown when tv is still
 * the viewer on screen, dropped when it was closed or replaced meanwhile. */
void describe_arrived(struct app *a, const struct textview *tv, const char *text, const char *error,
		      const char *failed);
void describe_forget(struct app *a);

/* copy.c: `c` in a table (a list of what to copy), and in a viewer. */
void copy_menu(struct app *a);
void copy_text(struct app *a, struct textview *tv);

/* mouse.c: clicks and the wheel, when `mouse: true` */
void mouse_setup(bool on);
void mouse_event(struct app *a);

/* stats.c: the panel of the selected row's CPU and memory history. */
void stats_toggle(struct app *a);
/* The lines the panel takes from the table (0 when closed). */
int stats_rows(const struct app *a);
/* Draws the panel over the last lines of the body window. */
void stats_draw(struct app *a, WINDOW *w);

#endif
