/* app.h: the interactive dashboard: navigation stack, current endpoint,
 * modes (table, prompt, text viewer), the flash line, and the event loop
 * that ties the session's network turns to input and drawing. */
#ifndef BINNACLE_APP_H
#define BINNACLE_APP_H

#include "tui/dialog.h"
#include "tui/logview.h"
#include "views/model.h"
#include "tui/prompt.h"
#include "tui/healthview.h"
#include "tui/pullview.h"
#include "backends/model/session.h"
#include "tui/table.h"
#include "tui/textview.h"
#include "tui/keymap.h"
#include "tui/theme.h"

/* One level of navigation: a view, optionally narrowed by a drill-down. */
struct frame {
	const struct view *view;
	struct drill scope;   /* scope.cell < 0: not narrowed */
	bool scoped;
	struct filter filter;
	int sort_col;
	bool sort_desc;
	char *selected_id;    /* selection survives refreshes and re-sorts */
	long selected, top;
	bool all;             /* @all: the kind on every endpoint that serves it, in one table */
	struct endpoint *ep;  /* the endpoint current when it opened (an @all frame moves it) */
};

enum app_mode {
	MODE_TABLE,
	MODE_COMMAND,
	MODE_FILTER,
	MODE_TEXT,
	MODE_TEXT_SEARCH,
	MODE_DIALOG,
	MODE_LOGS,
	MODE_LOGS_SEARCH,
	MODE_PULL,
	MODE_HEALTH,
};

#define APP_MAX_DEPTH 16

struct app {
	struct session *session;
	struct endpoint *ep;  /* current endpoint */
	struct frame stack[APP_MAX_DEPTH];
	int depth;            /* frames in use (>= 1) */
	struct model model;
	struct table_layout layout;
	uint64_t built_gen;   /* generation of the shown table the model was built from */
	int64_t built_ms;     /* when */
	bool rebuild_pending; /* the shown table changed while rebuilds were throttled */
	bool wide;
	enum app_mode mode;
	struct prompt cmd, filt, search;
	char *filter_before;  /* filter text when `/` began, restored on Esc */
	struct textview *text;
	enum app_mode text_return; /* mode to go back to after the viewer */
	char flash[512];
	enum note_level flash_level;
	int64_t flash_until;
	int64_t flash_pinned_until; /* a start-up problem: endpoint notes wait until then */
	bool quit, dirty, resized;
	struct theme theme;
	WINDOW *header, *crumbs, *body, *flash_win, *prompt_win;
	int64_t last_clock;
	/* operator actions */
	struct dialog dialog;
	enum app_mode dialog_return;
	struct logview *logs;
	struct pullview *pull;
	struct healthview *health;     /* the health screen, once opened */
	bool health_home;              /* Esc at the top of the tables goes back to it */
	bool filter_health;            /* the / prompt narrows the health screen's problems */
	struct bstream *pending_exec;  /* opened; the loop hands the terminal over */
	struct op *pending_exec_op;
	unsigned ops_running;          /* actions in flight */
	char *shell;                   /* configured shell, NULL = bash or sh */
	int log_tail;                  /* lines shown first */
	size_t log_lines;              /* ring size */
};

/* Runs the dashboard until the user quits; returns the exit status. */
/* first_error (may be NULL or "") is shown in the flash line at start. */
int app_run(struct session *s, const struct theme *theme, const char *start_view, const char *first_error);

/* Used by commands.c and chrome.c. */
void app_flash(struct app *a, enum note_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
struct frame *app_frame(struct app *a);
void app_push_view(struct app *a, const struct view *v, const struct drill *scope);
/* Shows v's kind from every endpoint that serves it, in one table. */
void app_switch_view_all(struct app *a, const struct view *v);
/* The same on top of the current view (Esc comes back), narrowed by scope. */
void app_push_view_all(struct app *a, const struct view *v, const struct drill *scope);
void app_switch_view(struct app *a, const struct view *v);
void app_set_endpoint(struct app *a, struct endpoint *ep);
/* The view an endpoint opens on: its backend's default kind, else its first view. */
const struct view *app_default_view(const struct endpoint *ep);
void app_open_text(struct app *a, const char *title);
void app_show_help(struct app *a);
void app_invalidate(struct app *a);
/* Whether the current view's rows are not live: its table's list or watch
 * failed (the newest reason and since when), or its endpoint is stale. */
bool app_view_stale(struct app *a, const char **why, int64_t *since);
/* The retry key: tries the endpoint on screen (on the health screen, every
 * endpoint not live) again now. */
void app_retry(struct app *a);

/* ops.c: operator actions on the selected row */
struct op;
/* Runs the verb bound to act for the selected row (or asks first); false
 * when act is not an operator verb. */
bool ops_key(struct app *a, enum action act);
/* :pull REF */
void ops_pull(struct app *a, const char *ref);
/* The verbs the current view offers here (for help and hints). */
bool ops_offered(struct app *a, enum action act);
/* Called by the loop outside any callback: hands the terminal to an exec. */
void ops_run_pending_exec(struct app *a);
void app_close_dialog(struct app *a);
void app_describe(struct app *a, bool json);
void app_resize(struct app *a);

/* imageops.c: rows that name an image: copy, where it runs, its registry */
bool imageops_key(struct app *a, enum action act);
bool imageops_offered(struct app *a, enum action act);

/* The mode whose content fills the body: under a dialog or a prompt, what it covers. */
enum app_mode app_body_mode(const struct app *a);
/* Opens the health screen; home: it is where Esc leads back from the tables. */
void app_show_health(struct app *a, bool home);

/* commands.c */
void commands_run(struct app *a, const char *line);
char **commands_complete(void *arg, const char *line, size_t word_start);

/* chrome.c: header, breadcrumbs, flash line, key hints */
void chrome_draw_header(struct app *a);
void chrome_draw_crumbs(struct app *a);
void chrome_draw_flash(struct app *a);
void chrome_draw_hints(struct app *a);

#endif
