/* app.c: the dashboard's state machine and event loop (see app.h). One
 * thread: each turn drains input, rebuilds the model when the store moved,
 * draws at most once, then sleeps in the session until network, input, a
 * timer or the next clock tick. */
#include "tui/app.h"
#include "tui/asks.h"
#include "tui/custom.h"
#include "tui/ops.h"
#include "tui/charset.h"
#include "tui/hangup.h"
#include "backends/codec/jsonyaml.h"
#include "backends/net/loop.h"
#include "tui/keymap.h"
#include "tui/keylat.h"
#include "tui/awaitview.h"
#include "tui/selector.h"
#include "backends/util/log.h"
#include "tui/sanitize.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The shortest time between two frames: ~30 per second at most. */
#define FRAME_MS 33
/* Tables larger than this are re-sorted at most every LARGE_TABLE_REBUILD_MS. */
#define LARGE_TABLE_ROWS 5000
#define LARGE_TABLE_REBUILD_MS 250
/* Rows whose filter text is made per loop turn while a filter is typed
 * (model_warm): a millisecond or two, so a key never waits behind it. */
#define FILTER_WARM_ROWS 4096
/* How long a start-up problem stays in the flash line before endpoint notes may replace it. */
#define STARTUP_PIN_MS 10000

struct frame *app_frame(struct app *a)
{
	return &a->stack[a->depth - 1];
}

void app_invalidate(struct app *a)
{
	a->built_gen = (uint64_t)-1;
	a->dirty = true;
}

void app_flash(struct app *a, enum note_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->flash, sizeof(a->flash), fmt, ap);
	va_end(ap);
	a->flash_level = level;
	a->flash_until = mono_ms() + (level == NOTE_ERROR ? 15000 : level == NOTE_WARN ? 8000 : 4000);
	a->dirty = true;
	log_msg("flash: %s", a->flash);
}

static void on_note(struct session *s, struct endpoint *ep, enum note_level level, const char *text)
{
	struct app *a = s->ui;
	/* a start-up problem (config, theme, plugin) must be readable: an
	 * endpoint's own trouble shows in the header meanwhile, and in the log */
	if (mono_ms() < a->flash_pinned_until) {
		log_msg("note kept back by a start-up message: %s: %s", ep->name, text);
		return;
	}
	app_flash(a, level, "%s", text);
}

bool app_view_stale(struct app *a, const char **why, int64_t *since)
{
	const struct rtable *t = store_find_table(a->ep->store, app_frame(a)->view->kind);
	if (t && t->error[0]) {
		if (why)
			*why = t->error;
		if (since)
			*since = t->stale_since;
		return true;
	}
	if (a->ep->state == EP_STALE && endpoint_serves(a->ep, app_frame(a)->view->kind)) {
		if (why)
			*why = a->ep->error;
		if (since)
			*since = a->ep->down_since;
		return true;
	}
	return false;
}

/* ---- layout ---- */

static void make_windows(struct app *a)
{
	int h = LINES < 5 ? 5 : LINES, w = COLS;
	WINDOW **wins[] = {&a->header, &a->crumbs, &a->body, &a->flash_win, &a->prompt_win};
	for (size_t i = 0; i < 5; i++)
		if (*wins[i])
			delwin(*wins[i]);
	int fl = a->flash_lines < 1 ? 1 : a->flash_lines > 3 ? 3 : a->flash_lines;
	if (h - 3 - fl < 2)
		fl = 1;
	a->header = newwin(1, w, 0, 0);
	a->crumbs = newwin(1, w, 1, 0);
	a->body = newwin(h - 3 - fl, w, 2, 0);
	a->flash_win = newwin(fl, w, h - 1 - fl, 0);
	a->prompt_win = newwin(1, w, h - 1, 0);
	keypad(a->prompt_win, TRUE);
}

int app_body_rows(struct app *a)
{
	int rows = getmaxy(a->body) - (a->mode == MODE_TABLE || a->mode == MODE_DIALOG ? stats_rows(a) : 0);
	return rows > 2 ? rows : 2;
}

/* ---- model and selection ---- */

/* In an @all view the selected row's endpoint is the current one: the
 * header, describe and every action follow the row. */
static void follow_selection(struct app *a)
{
	struct frame *f = app_frame(a);
	const struct model_source *src = f->all && a->model.len ? model_row_source(&a->model, (size_t)f->selected) : NULL;
	if (src && src->owner)
		a->ep = src->owner;
}

static void rebuild(struct app *a)
{
	struct frame *f = app_frame(a);
	struct model_source srcs[APP_MAX_SOURCES];
	size_t nsrcs = app_frame_sources(a, srcs, APP_MAX_SOURCES);
	struct model_params p = {
		.scope_cell = f->scoped ? f->scope.cell : -1,
		.scope_value = f->scope.value,
		.scope_selector = f->scoped && f->scope.selector,
		.scope_among = f->scoped && f->scope.among,
		.scope_ns_cell = f->scoped && f->scope.in_ns ? f->scope.ns_cell : -1,
		.scope_ns = f->scope.ns,
		.scope_image = f->scoped && f->scope.image ? f->scope.value : NULL,
		.filter = &f->filter,
		.sort_col = f->sort_col,
		.sort_desc = f->sort_desc,
		.include_gone = true,
	};
	if (a->model.view != f->view) {
		model_cleanup(&a->model);
		model_init(&a->model, f->view);
	}
	if (f->all)
		model_build_many(&a->model, srcs, nsrcs, &p);
	else
		model_build(&a->model, nsrcs ? srcs[0].table : NULL, &p);
	/* keep the selection on the same object, wherever it moved */
	long idx = -1;
	if (!f->all)
		/* the row itself, found in its table by id: a scan of pointers */
		idx = f->selected_id && nsrcs && srcs[0].table
			      ? model_find_row(&a->model, rtable_find((struct rtable *)srcs[0].table, f->selected_id))
			      : -1;
	for (size_t i = 0; f->all && f->selected_id && i < a->model.len && idx < 0; i++)
		if (!strcmp(a->model.rows[i]->id, f->selected_id) &&
		    (!f->all || model_row_source(&a->model, i) == NULL ||
		     model_row_source(&a->model, i)->owner == (void *)a->ep))
			idx = (long)i;
	if (idx < 0)
		idx = f->selected < (long)a->model.len ? f->selected : (long)a->model.len - 1;
	if (idx < 0)
		idx = 0;
	f->selected = idx;
	free(f->selected_id);
	f->selected_id = a->model.len ? xstrdup(a->model.rows[idx]->id) : NULL;
	follow_selection(a);
	int rows = app_body_rows(a) - 1;
	if (f->selected < f->top)
		f->top = f->selected;
	if (rows > 0 && f->selected >= f->top + rows)
		f->top = f->selected - rows + 1;
	if (f->top > 0 && f->top + rows > (long)a->model.len)
		f->top = (long)a->model.len > rows ? (long)a->model.len - rows : 0;
	struct table_fit fit = {.width = COLS, .wide = a->wide, .sort_col = f->sort_col, .hide_cell = -1,
				.top = f->top, .rows = rows > 0 ? rows : 1};
	/* narrowed to one namespace (or the like), the column of it says nothing */
	const struct backend_scope *sc = a->ep->ops->scope;
	if (!f->all && sc && f->view->scope_cell >= 0 && sc->get(a->ep))
		fit.hide_cell = f->view->scope_cell;
	table_layout_fit(f->view, &a->model, &fit, &a->layout);
	size_t unused;
	a->built_gen = app_shown_gen(a, &unused);
	a->built_ms = mono_ms();
	/* tell each backend which of its rows are on screen, for per-row figures */
	for (size_t s = 0; s < nsrcs; s++) {
		struct endpoint *ep = srcs[s].owner;
		if (!ep->ops->visible)
			continue;
		const char *ids[128];
		size_t n = 0;
		for (long i = f->top; i < (long)a->model.len && n < 128 && i < f->top + rows; i++)
			if (!f->all || model_row_source(&a->model, (size_t)i) == &a->model.srcs[s])
				ids[n++] = a->model.rows[i]->id;
		ep->ops->visible(ep, f->view->kind, ids, n);
	}
}

static void move_selection(struct app *a, long delta, bool absolute)
{
	struct frame *f = app_frame(a);
	long n = (long)a->model.len;
	long sel = absolute ? delta : f->selected + delta;
	if (sel >= n)
		sel = n - 1;
	if (sel < 0)
		sel = 0;
	f->selected = sel;
	free(f->selected_id);
	f->selected_id = n ? xstrdup(a->model.rows[sel]->id) : NULL;
	follow_selection(a);
	app_invalidate(a);
}

static const struct row *selected_row(struct app *a)
{
	struct frame *f = app_frame(a);
	if (!a->model.len || f->selected < 0 || (size_t)f->selected >= a->model.len)
		return NULL;
	return a->model.rows[f->selected];
}

/* ---- text viewer ---- */

void app_open_text(struct app *a, const char *title)
{
	textview_free(a->text);
	a->text = textview_new(title);
	a->text_return = MODE_TABLE;
	a->mode = MODE_TEXT;
	a->dirty = true;
}

static void drill(struct app *a)
{
	const struct row *r = selected_row(a);
	struct frame *f = app_frame(a);
	struct drill d;
	if (!r)
		return;
	/* the backend says where its rows of a shared kind lead, else the view */
	bool go = a->ep->ops->drill && a->ep->ops->drill(a->ep, f->view, r, &d);
	if (!go && !(f->view->drill && f->view->drill(r, &d)))
		return;
	if (d.describe) {
		describe_open(a, DESCRIBE_TEXT);
		return;
	}
	const struct backend_scope *scope = a->ep->ops->scope;
	if (d.switch_scope && scope) {
		char err[ERRLEN];
		if (scope->set(a->ep, d.value, err, sizeof(err)) < 0) {
			app_flash(a, NOTE_WARN, "%s", err);
			return;
		}
		navigate_scope_used(a, d.value);
		const struct view *to = endpoint_view(a->ep, d.kind);
		if (to)
			app_switch_view(a, to);
		app_flash(a, NOTE_INFO, "%s %s", scope->name, d.value);
		return;
	}
	const struct view *v = endpoint_view(a->ep, d.kind);
	if (v)
		app_push_view(a, v, d.cell >= 0 ? &d : NULL);
	if (v && d.cell < 0) {
		/* unscoped drill still shows where we came from */
		app_frame(a)->scope = d;
		app_frame(a)->scoped = true;
	}
}

/* ---- keys ---- */

static void table_key(struct app *a, int key)
{
	struct frame *f = app_frame(a);
	long page = app_body_rows(a) - 2;
	if (page < 1)
		page = 1;
	switch (keymap_lookup(key)) {
	case ACT_QUIT:
		a->quit = true;
		break;
	case ACT_HELP:
		app_show_help(a);
		break;
	case ACT_COMMAND:
		prompt_begin(&a->cmd, ':', "");
		a->mode = MODE_COMMAND;
		break;
	case ACT_FILTER:
		/* as k9s: empty each time (Up recalls the last ones), Esc keeps the old one */
		free(a->filter_before);
		a->filter_before = xstrdup(f->filter.text ? f->filter.text : "");
		prompt_begin(&a->filt, '/', "");
		a->mode = MODE_FILTER;
		break;
	case ACT_BACK:
		if (f->marks.n) {
			app_flash(a, NOTE_INFO, "%zu marks cleared", f->marks.n);
			marks_clear(&f->marks);
			app_invalidate(a);
		} else if (filter_active(&f->filter) || f->filter.selector) {
			filter_cleanup(&f->filter);
			filter_init(&f->filter, NULL);
			app_invalidate(a);
		} else if (a->depth == 1 && a->health_home) {
			app_show_health(a, true);
		} else {
			app_pop_view(a);
		}
		break;
	case ACT_ENTER:
		if (!pickers_key(a, ACT_ENTER))
			drill(a);
		break;
	case ACT_UP:
		move_selection(a, -1, false);
		break;
	case ACT_DOWN:
		move_selection(a, 1, false);
		break;
	case ACT_PAGE_UP:
		move_selection(a, -page, false);
		break;
	case ACT_PAGE_DOWN:
		move_selection(a, page, false);
		break;
	case ACT_TOP:
		move_selection(a, 0, true);
		break;
	case ACT_BOTTOM:
		move_selection(a, (long)a->model.len - 1, true);
		break;
	case ACT_SORT_NEXT:
	case ACT_SORT_PREV: {
		/* step through the columns on screen */
		int dir = keymap_lookup(key) == ACT_SORT_NEXT ? 1 : -1, pos = 0;
		for (int i = 0; i < a->layout.ncols; i++)
			if (a->layout.col[i] == f->sort_col)
				pos = i;
		for (int tries = 0; a->layout.ncols && tries < a->layout.ncols; tries++) {
			pos = (pos + dir + a->layout.ncols) % a->layout.ncols;
			if (a->layout.col[pos] == TABLE_ENDPOINT_COL)
				continue; /* rows of several endpoints stay grouped by their own sort */
			f->sort_col = a->layout.col[pos];
			f->sort_desc = false;
			break;
		}
		app_invalidate(a);
		break;
	}
	case ACT_SORT_INVERT:
		f->sort_desc = !f->sort_desc;
		app_invalidate(a);
		break;
	case ACT_WIDE:
		a->wide = !a->wide;
		app_invalidate(a);
		break;
	case ACT_NEXT_ENDPOINT:
		if (a->session->neps > 1) {
			size_t i = 0;
			while (a->session->eps[i] != a->ep)
				i++;
			app_set_endpoint(a, a->session->eps[(i + 1) % a->session->neps]);
		} else {
			app_flash(a, NOTE_INFO, "only one endpoint is configured");
		}
		break;
	default: {
		/* verbs can share a key: the first one this view offers runs */
		enum action acts[8];
		size_t n = keymap_lookup_all(key, acts, 8);
		for (size_t i = 0; i < n; i++)
			if (ops_key(a, acts[i]))
				return;
		/* the user's own commands, then copy where no verb took the key */
		if (custom_key(a, key))
			return;
		for (size_t i = 0; i < n; i++)
			if (acts[i] == ACT_COPY) {
				copy_menu(a);
				return;
			}
		if (!navigate_key(a, keymap_lookup(key), key))
			navigate_unknown_key(a, key);
		break;
	}
	}
}

static void prompt_mode_key(struct app *a, int key)
{
	struct prompt *p = a->mode == MODE_COMMAND ? &a->cmd : a->mode == MODE_FILTER ? &a->filt : &a->search;
	bool in_logs = a->mode == MODE_LOGS_SEARCH;
	enum prompt_result r = prompt_key(p, key);
	char *text = prompt_text(p);
	struct frame *f = app_frame(a);
	if (a->mode == MODE_FILTER) {
		/* the table (or the health screen's problems) follows the filter as it is typed */
		const char *use = r == PROMPT_CANCEL ? a->filter_before : text;
		struct filter *flt = a->filter_health ? &a->health->filter : &f->filter;
		if (!flt->text || strcmp(flt->text, use)) {
			filter_cleanup(flt);
			filter_init(flt, use);
			if (a->filter_health)
				healthview_tick(a->health, true);
			app_invalidate(a);
		}
		if (r != PROMPT_EDITING) {
			if (r == PROMPT_SUBMIT)
				prompt_remember(p, text);
			a->mode = a->filter_health ? MODE_HEALTH : MODE_TABLE;
			a->filter_health = false;
		}
	} else if (a->mode == MODE_COMMAND) {
		if (r == PROMPT_SUBMIT) {
			prompt_remember(p, text);
			a->mode = MODE_TABLE;
			commands_run(a, text);
		} else if (r == PROMPT_CANCEL) {
			a->mode = MODE_TABLE;
		}
	} else {
		bool found = in_logs ? logview_search(a->logs, text, -1) : textview_search(a->text, text, 1);
		if (r == PROMPT_SUBMIT && *text && !found)
			app_flash(a, NOTE_WARN, "\"%s\" not found", text);
		if (r != PROMPT_EDITING)
			a->mode = in_logs ? MODE_LOGS : MODE_TEXT;
	}
	free(text);
	a->dirty = true;
}

enum app_mode app_body_mode(const struct app *a)
{
	if (a->mode == MODE_DIALOG)
		return a->dialog_return;
	if (a->mode == MODE_FILTER && a->filter_health)
		return MODE_HEALTH;
	return a->mode;
}

void app_close_dialog(struct app *a)
{
	if (a->mode == MODE_DIALOG)
		a->mode = a->dialog_return;
	a->dirty = true;
}

static void handle_key(struct app *a, int key)
{
	switch (a->mode) {
	case MODE_TABLE:
		table_key(a, key);
		break;
	case MODE_TEXT:
		viewkeys_text(a, key);
		break;
	case MODE_DIALOG:
		/* an information box closes by itself; the others through their owner */
		if (dialog_key(&a->dialog, key) && a->dialog.type == DIALOG_INFO && a->mode == MODE_DIALOG)
			app_close_dialog(a);
		break;
	case MODE_LOGS:
		viewkeys_logs(a, key);
		break;
	case MODE_PULL:
		viewkeys_pull(a, key);
		break;
	case MODE_HEALTH:
		if (!app_health_key(a, key))
			table_key(a, key);
		break;
	default:
		prompt_mode_key(a, key);
	}
	a->dirty = true;
}

void app_key(struct app *a, int key)
{
	handle_key(a, key);
}

static void drain_input(struct app *a)
{
	wint_t ch;
	int rc;
	while ((rc = wget_wch(stdscr, &ch)) != ERR) {
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			a->resized = true;
			continue;
		}
		if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
			if (a->built_gen == (uint64_t)-1 && a->mode == MODE_TABLE)
				rebuild(a);
			mouse_event(a);
			a->dirty = true;
			continue;
		}
		int key = rc == KEY_CODE_YES ? (int)(KEYMAP_FN | ch) : (int)ch;
		keylat_key(key);
		/* keys typed together (a filter, then Enter) act on what the screen
		 * would show between them */
		if (a->built_gen == (uint64_t)-1 && (a->mode == MODE_TABLE || a->mode == MODE_FILTER))
			rebuild(a);
		handle_key(a, key);
		if (a->quit)
			return;
	}
}

/* ---- drawing ---- */

void app_resize(struct app *a)
{
	endwin();
	refresh();
	make_windows(a);
	app_invalidate(a);
	clearok(curscr, TRUE);
}

/* Lines the flash message needs: a warning or error that does not fit
 * wraps onto up to three, so its cause is read, not cut at the edge. */
static int flash_lines_for(struct app *a)
{
	if (!a->flash[0] || a->flash_level == NOTE_INFO)
		return 1;
	char *s = sanitize_display(a->flash, strlen(a->flash));
	int width = sanitize_width(s), cols = COLS - 1 > 10 ? COLS - 1 : 10;
	free(s);
	int n = (width + cols - 1) / cols;
	return n < 1 ? 1 : n > 3 ? 3 : n;
}

static void draw(struct app *a)
{
	if (a->resized) {
		a->resized = false;
		app_resize(a);
	}
	int fl = flash_lines_for(a);
	if (fl != a->flash_lines) {
		a->flash_lines = fl;
		make_windows(a);
		app_invalidate(a);
	}
	size_t shown_rows;
	uint64_t tgen = app_shown_gen(a, &shown_rows);
	/* sorting tens of thousands of rows on every change would eat a core:
	 * big tables follow changes four times a second, small ones at once */
	bool big = shown_rows > LARGE_TABLE_ROWS;
	a->rebuild_pending = false;
	if (a->built_gen == (uint64_t)-1 ||
	    (a->built_gen != tgen && (!big || mono_ms() - a->built_ms >= LARGE_TABLE_REBUILD_MS)))
		rebuild(a);
	else if (a->built_gen != tgen)
		a->rebuild_pending = true; /* the loop comes back for it */
	chrome_draw_header(a);
	chrome_draw_crumbs(a);
	enum app_mode body = app_body_mode(a);
	if ((body == MODE_TEXT || body == MODE_TEXT_SEARCH) && a->text) {
		textview_draw(a->body, a->text);
	} else if ((body == MODE_LOGS || body == MODE_LOGS_SEARCH) && a->logs) {
		logview_draw(a->body, a->logs);
	} else if (body == MODE_PULL && a->pull) {
		pullview_draw(a->body, a->pull);
	} else if (body == MODE_HEALTH && a->health) {
		healthview_draw(a->body, a->health);

	} else {
		struct frame *f = app_frame(a);
		struct rtable *t = store_find_table(a->ep->store, f->view->kind);
		char empty[ERRLEN + 256], what[96], where[160] = "";
		/* in words: "compose projects", not the kind's name */
		snprintf(what, sizeof(what), "%s", f->view->title);
		for (char *c = what; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		const struct backend_scope *sc = a->ep->ops->scope;
		if (!f->all && sc && f->view->scope_cell >= 0 && sc->get(a->ep))
			snprintf(where, sizeof(where), " in %s %s", sc->name, sc->get(a->ep));
		size_t sources = 0;
		for (size_t i = 0; f->all && i < a->session->neps; i++)
			sources += endpoint_serves(a->session->eps[i], f->view->kind);
		if (f->all && !sources)
			snprintf(empty, sizeof(empty), "no endpoint serves %s", what);
		else if (f->all && !filter_active(&f->filter))
			snprintf(empty, sizeof(empty), "no %s on any of the %zu endpoints that serve them (yet)", what,
				 sources);
		else if (!f->all && !endpoint_serves(a->ep, f->view->kind))
			snprintf(empty, sizeof(empty), "%s has no %s", a->ep->name, what);
		else if (t && t->error[0])
			snprintf(empty, sizeof(empty), "cannot list %s: %s", what, t->error);
		else if (!t || !t->synced)
			snprintf(empty, sizeof(empty), a->ep->error[0] ? "waiting for %s: %s" : "loading %s…",
				 a->ep->name, a->ep->error);
		else if (filter_active(&f->filter))
			snprintf(empty, sizeof(empty), "no %s%s match the filter \"%s\" (Esc clears it)", what, where,
				 f->filter.text);
		else
			snprintf(empty, sizeof(empty), "no %s%s", what, where);
		char *safe = sanitize_display(empty, strlen(empty));
		struct table_draw_params p = {f->top, f->selected, f->sort_col, f->sort_desc, safe,
					      app_view_stale(a, NULL, NULL)};
		struct table_draw_extra x = {&f->marks};
		table_draw_with(a->body, f->view, &a->model, &a->layout, &p, &x);
		free(safe);
		if (a->stats) {
			stats_draw(a, a->body);
			wnoutrefresh(a->body);
		}
	}
	if (a->mode == MODE_DIALOG)
		dialog_draw(a->body, &a->dialog);
	chrome_draw_flash(a);
	if (a->mode == MODE_COMMAND)
		prompt_draw(a->prompt_win, &a->cmd);
	else if (a->mode == MODE_FILTER)
		prompt_draw(a->prompt_win, &a->filt);
	else if (a->mode == MODE_TEXT_SEARCH || a->mode == MODE_LOGS_SEARCH)
		prompt_draw(a->prompt_win, &a->search);
	else
		chrome_draw_hints(a);
	bool typing = a->mode == MODE_COMMAND || a->mode == MODE_FILTER || a->mode == MODE_TEXT_SEARCH ||
		      a->mode == MODE_LOGS_SEARCH;
	curs_set(typing ? 1 : 0);
	if (typing)
		wnoutrefresh(a->prompt_win); /* leaves the cursor in the prompt */
	doupdate();
	keylat_drawn();
	a->dirty = false;
}

static void on_input(void *arg, int fd, short revents)
{
	(void)fd;
	*(short *)arg |= revents;
}

static int next_wakeup_ms(struct app *a)
{
	int64_t now = mono_ms();
	int ms = (int)(1000 - (wall_s() * 1000 + now % 1000) % 1000);
	if (ms <= 0 || ms > 1000)
		ms = 1000;
	if (a->flash[0] && a->flash_until > now && a->flash_until - now < ms)
		ms = (int)(a->flash_until - now);
	struct frame *f = app_frame(a);
	if (a->mode == MODE_TABLE && table_highlighting(&a->model, f->top, app_body_rows(a)) && ms > 250)
		ms = 250;
	if (a->mode == MODE_HEALTH && a->health && healthview_next_ms(a->health) < ms)
		ms = healthview_next_ms(a->health);
	if (a->logs && logview_next_ms(a->logs) >= 0 && logview_next_ms(a->logs) < ms)
		ms = logview_next_ms(a->logs);
	if (a->rebuild_pending) {
		int64_t left = a->built_ms + LARGE_TABLE_REBUILD_MS - now;
		if (left < ms)
			ms = left > 0 ? (int)left : 0;
	}
	return ms < 10 ? 10 : ms;
}

int app_run(struct session *s, const struct theme *theme, const char *start_view, const char *first_error)
{
	struct app *a = xcalloc(1, sizeof(*a));
	a->session = s;
	a->theme = *theme;
	a->ep = s->eps[0];
	s->on_note = on_note;
	s->ui = a;
	asks_install(a);
	a->cmd.complete = commands_complete;
	a->cmd.complete_arg = a;
	a->shell = s->cfg.shell;
	a->log_tail = s->cfg.log_tail;
	a->log_lines = s->cfg.log_lines;
	a->confirm = s->cfg.confirm;
	a->mouse = s->cfg.mouse;
	screen_start(&a->theme);
	nodelay(stdscr, TRUE);
	mouse_setup(a->mouse);
	make_windows(a);
	const struct view *v = start_view ? views_find(start_view) : NULL;
	if (!v)
		v = app_default_view(a->ep);
	/* `binnacle tags`: on the first endpoint that has them */
	for (size_t i = 0; i < s->neps && !endpoint_serves(a->ep, v->kind); i++)
		if (endpoint_serves(s->eps[i], v->kind))
			a->ep = s->eps[i];
	app_push_view(a, v, NULL);
	/* main let it through: a cluster may serve it */
	if (start_view && !views_find(start_view) && !awaitview_start(a, start_view, ""))
		app_flash(a, NOTE_WARN, "%s serves nothing called \"%s\"", a->ep->name, start_view);
	/* several endpoints in use: start on what is wrong across them */
	size_t active = 0;
	for (size_t i = 0; i < s->neps; i++)
		active += !s->eps[i]->on_demand;
	if ((!start_view && active > 1) || (start_view && !strcmp(start_view, health_endpoints_view.kind)))
		app_show_health(a, true);
	/* cheap local endpoints (engines) stay live, so switching is instant;
	 * the others (kube contexts, maybe dozens) connect when first shown */
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		if (ep != a->ep && (ep->ops->caps & BACKEND_EAGER))
			ep->ops->watch(ep, app_default_view(ep)->kind);
	}
	if (first_error && *first_error) {
		app_flash(a, NOTE_ERROR, "%s", first_error);
		a->flash_pinned_until = mono_ms() + STARTUP_PIN_MS;
	}
	int64_t last_second = -1;
	uint64_t last_gen = 0;
	int64_t last_draw = 0;
	short input_revents = 0;
	/* a key wakes the loop; a hang-up or the end of input ends it */
	struct loop_fd *input = loop_watch(STDIN_FILENO, POLLIN, on_input, &input_revents);
	hangup_install();
	while (!a->quit) {
		if (hangup_pending())
			break;
		drain_input(a);
		if (a->quit)
			break;
		selector_sync(a);
		awaitview_sync(a);
		ops_run_pending_exec(a);
		if (a->logs && logview_tick(a->logs))
			a->dirty = true;
		asks_pump(a);
		if (a->flash[0] && mono_ms() >= a->flash_until) {
			a->flash[0] = '\0';
			a->dirty = true;
		}
		if (a->mode == MODE_HEALTH && a->health && healthview_tick(a->health, false))
			a->dirty = true;

		uint64_t gen = session_gen(s);
		int64_t sec = wall_s();
		struct frame *f = app_frame(a);
		bool logs_moved = a->logs && logview_dirty(a->logs);
		bool want = gen != last_gen || sec != last_second || a->dirty || a->resized || logs_moved ||
			    (a->rebuild_pending && mono_ms() - a->built_ms >= LARGE_TABLE_REBUILD_MS) ||
			    (a->mode == MODE_TABLE && table_highlighting(&a->model, f->top, app_body_rows(a)));
		/* a flood of log lines or events redraws at most FRAME_MS apart */
		int64_t since = mono_ms() - last_draw;
		int wait = next_wakeup_ms(a);
		if (want && since < FRAME_MS && !a->dirty && !a->resized) {
			wait = (int)(FRAME_MS - since);
		} else if (want) {
			draw(a);
			last_draw = mono_ms();
			last_gen = gen;
			last_second = sec;
		}
		/* the filter prompt is open: the rows' filter texts are made
		 * between keys, a slice a turn, before the first key needs them */
		if (a->mode == MODE_FILTER && model_warm(&a->model, FILTER_WARM_ROWS))
			wait = 0;
		input_revents = 0;
		session_turn(s, wait);
		if (hangup_check_input(STDIN_FILENO, input_revents))
			break;
	}
	loop_unwatch(input);
	asks_uninstall(a);
	screen_stop();
	hangup_restore();
	if (hangup_pending())
		log_msg("ending: %s", hangup_reason());
	for (int i = 0; i < a->depth; i++)
		app_frame_cleanup(&a->stack[i]);
	model_cleanup(&a->model);
	textview_free(a->text);
	logview_close(a->logs);
	pullview_free(a->pull);
	healthview_free(a->health);
	free(a->filter_before);
	prompt_cleanup(&a->cmd);
	prompt_cleanup(&a->filt);
	prompt_cleanup(&a->search);
	s->on_note = NULL;
	free(a);
	return 0;
}
