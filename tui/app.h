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
#include "tui/marks.h"

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
	struct marks marks;   /* rows marked with Space */
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
	enum confirm_policy confirm;   /* which changing actions ask first */
	bool stats;                    /* the stats panel is open */
	bool mouse;                    /* clicks and the wheel are the dashboard's */
	/* `-`: the view before the last switch, to go back to it */
	const struct view *last_view;
	struct endpoint *last_ep;
	int flash_lines;               /* lines the flash takes: a long error wraps onto up to 3 */
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
/* Handles one key as if typed (the mouse wheel). */
void app_key(struct app *a, int key);
/* The table's lines (the stats panel takes some). */
int app_body_rows(struct app *a);
/* viewkeys.c: keys of the text viewer, the log viewer and the pull panel */
void viewkeys_text(struct app *a, int key);
void viewkeys_logs(struct app *a, int key);
void viewkeys_pull(struct app *a, int key);
/* `?` in a viewer (text, logs, pull): its keys in a box over it. */
void app_viewer_help(struct app *a);
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
void app_resize(struct app *a);

/* imageops.c: rows that name an image: copy, where it runs, its registry */
bool imageops_key(struct app *a, enum action act);
bool imageops_offered(struct app *a, enum action act);

/* The mode whose content fills the body: under a dialog or a prompt, what it covers. */
enum app_mode app_body_mode(const struct app *a);
/* healthkeys.c: opens the health screen; home: it is where Esc leads back
 * from the tables. */
void app_show_health(struct app *a, bool home);
/* A key on the health screen; false: the tables' meaning applies (q, :, ?). */
bool app_health_key(struct app *a, int key);

/* frames.c: the stack of views */
/* Endpoints an @all view gathers at most. */
#define APP_MAX_SOURCES 256
void app_frame_cleanup(struct frame *f);
/* Leaves the current view for the one under it. */
void app_pop_view(struct app *a);
/* The tables the current frame shows: its endpoint's, or (@all) those of
 * every endpoint serving the kind; how many. */
size_t app_frame_sources(struct app *a, struct model_source *out, size_t max);
/* What moves when the shown rows change, and how many rows there are. */
uint64_t app_shown_gen(struct app *a, size_t *rows);

/* navigate.c: the table keys of k9s habits (Shift sorts, `-`, marks,
 * favourites, Ctrl-A, retry) and what a key that does nothing says */
bool navigate_key(struct app *a, enum action act, int key);
void navigate_unknown_key(struct app *a, int key);
/* Remembers the view being left, for `-`. */
void navigate_leaving(struct app *a);
/* The namespace favourites of the endpoint (0 = all), for the help and hints. */
void navigate_favourites(struct app *a, char *out, size_t outlen);
/* The scope was set to value (NULL = all): it becomes favourite 1. */
void navigate_scope_used(struct app *a, const char *value);

/* pickers.c: a table to pick from with filter and Enter: endpoints
 * (:ctx alone), the views and their aliases (Ctrl-A) */
void pickers_endpoints(struct app *a);
void pickers_aliases(struct app *a);
/* true when the current frame is a picker's and the key was for it */
bool pickers_key(struct app *a, enum action act);

/* commands.c */
void commands_run(struct app *a, const char *line);
char **commands_complete(void *arg, const char *line, size_t word_start);

/* chrome.c: header, breadcrumbs, flash line, key hints */
void chrome_draw_header(struct app *a);
void chrome_draw_crumbs(struct app *a);
void chrome_draw_flash(struct app *a);
void chrome_draw_hints(struct app *a);

#endif
