/* chrome.c: everything around the table: the header (endpoint, engine,
 * counts, clock, stale and production markers), the breadcrumbs with filter
 * and sort, the flash line and the key hints. */
#include "tui/app.h"
#include "tui/charset.h"
#include "tui/keymap.h"
#include "tui/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Puts server text safely, at most `cells` wide. */
static void put_safe(WINDOW *w, const char *text, int cells, enum style st)
{
	char *s = sanitize_display(text, strlen(text));
	screen_put(w, s, cells, st);
	free(s);
}

static int room(WINDOW *w)
{
	return getmaxx(w) - getcurx(w);
}

void chrome_draw_header(struct app *a)
{
	WINDOW *w = a->header;
	struct endpoint *ep = a->ep;
	enum style base = ep->production ? ST_DANGER : ST_HEADER;
	int cols = getmaxx(w);
	werase(w);
	wmove(w, 0, 0);
	screen_put(w, " binnacle ", room(w), ep->production ? ST_DANGER : ST_HEADER_KEY);
	if (ep->production)
		screen_put(w, "PRODUCTION ", room(w), ST_DANGER);
	if (ep->readonly)
		screen_put(w, "[read-only] ", room(w), base);
	put_safe(w, ep->name, room(w), ep->production ? ST_DANGER : ST_HEADER_KEY);
	screen_put(w, " ", room(w), base);
	/* the address gives way to why the endpoint is down: that matters more */
	bool down = ep->error[0] && ep->state != EP_READY;
	int addr = down ? (cols >= 120 ? 24 : 0) : 40;
	put_safe(w, ep->address, room(w) > addr ? addr : room(w), base);
	if (a->session->neps > 1) {
		char n[48];
		size_t idx = 0;
		while (a->session->eps[idx] != ep)
			idx++;
		snprintf(n, sizeof(n), " (%zu/%zu)", idx + 1, a->session->neps);
		screen_put(w, n, room(w), base);
	}
	/* the clock and counts are right-aligned; the engine fills the middle */
	char right[160], cnt[96], clock[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	cnt[0] = '\0';
	if (ep->ops->summary)
		ep->ops->summary(ep, cnt, sizeof(cnt));
	snprintf(right, sizeof(right), "%s  %s ", cnt, clock);
	char *safe_right = sanitize_display(right, strlen(right)); /* a plugin's summary */
	int rw = sanitize_width(safe_right);
	if (ep->error[0] && ep->state != EP_READY) {
		screen_put(w, "  ", room(w), base);
		/* when the next attempt goes, and the key that does not wait for it */
		char when[96] = "", key[32];
		int64_t left = ep->retry_at_ms ? ep->retry_at_ms - mono_ms() : -1;
		keymap_keys_for(ACT_RETRY, key, sizeof(key));
		if (left >= 0 && ep->ops->retry)
			snprintf(when, sizeof(when), " retry in %llds (%s: now)", (long long)((left + 999) / 1000),
				 key[0] ? key : "retry");
		char stale[ERRLEN + 128];
		snprintf(stale, sizeof(stale), ep->state == EP_STALE ? " STALE%s: %s " : " OFFLINE%s: %s ", when, ep->error);
		put_safe(w, stale, room(w) - rw - 1, ST_STALE);
	} else if (ep->product[0]) {
		screen_put(w, charset_glyph(GLYPH_SEPARATOR), room(w), base);
		put_safe(w, ep->product, room(w) - rw - 2, base);
	}
	int x = getcurx(w);
	wattrset(w, screen_attr(base));
	for (; x < cols - rw; x++)
		waddch(w, ' ');
	if (cols - rw > getcurx(w) - 1)
		screen_put(w, safe_right, room(w), base);
	free(safe_right);
	screen_fill(w, base);
	wnoutrefresh(w);
}

static void health_crumbs(struct app *a, WINDOW *w)
{
	char right[128];
	put_safe(w, " Health ", room(w), ST_CRUMB_ACTIVE);
	healthview_summary(a->health, right, sizeof(right));
	strncat(right, " ", sizeof(right) - strlen(right) - 1);
	int rw = sanitize_width(right);
	if (getmaxx(w) - rw > getcurx(w) + 1) {
		wmove(w, 0, getmaxx(w) - rw);
		screen_put(w, right, rw, ST_CRUMBS);
	}
	wnoutrefresh(w);
}

void chrome_draw_crumbs(struct app *a)
{
	WINDOW *w = a->crumbs;
	werase(w);
	wmove(w, 0, 0);
	if (app_body_mode(a) == MODE_HEALTH && a->health) {
		health_crumbs(a, w);
		return;
	}
	for (int i = 0; i < a->depth; i++) {
		const struct frame *f = &a->stack[i];
		bool last = i == a->depth - 1;
		char crumb[256], where[160] = "";
		/* the namespace (or the like) the view is narrowed to: the header
		 * has no room for it at 80 columns */
		const struct backend_scope *sc = a->ep->ops->scope;
		/* (@all: each endpoint keeps its own, the header names the row's) */
		if (i == 0 && !f->all && sc && f->view->scope_cell >= 0 && endpoint_serves(a->ep, f->view->kind)) {
			const char *now = sc->get(a->ep);
			size_t n = strlen(sc->name);
			bool y = n > 1 && sc->name[n - 1] == 'y'; /* "repositories", not "repositorys" */
			if (now)
				snprintf(where, sizeof(where), " in %s %s", sc->name, now);
			else
				snprintf(where, sizeof(where), " in all %.*s%s", (int)(y ? n - 1 : n), sc->name, y ? "ies" : "s");
		}
		if (f->scoped && f->scope.label[0])
			snprintf(crumb, sizeof(crumb), " %s%s (%s%s) ", f->view->title, where, f->scope.label,
				 f->all ? ", all endpoints" : "");
		else if (f->all)
			snprintf(crumb, sizeof(crumb), " %s (all endpoints) ", f->view->title);
		else
			snprintf(crumb, sizeof(crumb), " %s%s ", f->view->title, where);
		if (i)
			screen_put(w, charset_glyph(GLYPH_CRUMB), room(w), ST_CRUMBS);
		put_safe(w, crumb, room(w), last ? ST_CRUMB_ACTIVE : ST_CRUMBS);
	}
	enum app_mode body = app_body_mode(a);
	const char *extra = (body == MODE_TEXT || body == MODE_TEXT_SEARCH) && a->text   ? a->text->title
			    : (body == MODE_LOGS || body == MODE_LOGS_SEARCH) && a->logs ? a->logs->title
			    : body == MODE_PULL && a->pull				 ? "pull"
											 : NULL;
	if (extra) {
		screen_put(w, charset_glyph(GLYPH_CRUMB), room(w), ST_CRUMBS);
		char t[300];
		snprintf(t, sizeof(t), " %s ", extra);
		put_safe(w, t, room(w), ST_CRUMB_ACTIVE);
	}
	const struct frame *f = &a->stack[a->depth - 1];
	char right[320];
	size_t n = 0;
	right[0] = '\0';
	if ((body == MODE_LOGS || body == MODE_LOGS_SEARCH) && a->logs) {
		n += (size_t)snprintf(right, sizeof(right), "%s ", a->logs->ended ? a->logs->status : "");
	} else if (body == MODE_PULL) {
		n += 0;
	} else if ((body == MODE_TEXT || body == MODE_TEXT_SEARCH) && a->text) {
		if (a->text->search && a->text->matches)
			n += (size_t)snprintf(right, sizeof(right), "/%s %zu/%zu  ", a->text->search, a->text->match_index,
					      a->text->matches);
		n += (size_t)snprintf(right + n, sizeof(right) - n, "line %ld/%zu%s ", a->text->n ? a->text->top + 1 : 0,
				      a->text->n, a->text->wrap ? " wrap" : "");
	} else {
		if (f->marks.n)
			n += (size_t)snprintf(right + n, sizeof(right) - n, "%zu marked  ", f->marks.n);
		/* a label selector is the server's: shown too when it is all there is */
		if (filter_active(&f->filter) || f->filter.selector)
			n += (size_t)snprintf(right + n, sizeof(right) - n, "/%s  ", f->filter.text);
		n += (size_t)snprintf(right + n, sizeof(right) - n, "%ld/%zu ", a->model.len ? f->selected + 1 : 0,
				      a->model.len);
	}
	char *safe = sanitize_display(right, n);
	int rw = sanitize_width(safe);
	/* a table that is not live says so, with its newest reason, between the
	 * crumbs and the position; the endpoint's own trouble is the header's */
	const char *why = NULL;
	int64_t since = 0;
	const struct rtable *t = store_find_table(a->ep->store, f->view->kind);
	if (body == MODE_TABLE && t && t->error[0] && app_view_stale(a, &why, &since)) {
		char age[16] = "", note[ERRLEN + 48];
		if (since)
			format_age(wall_s() - since, age, sizeof(age));
		snprintf(note, sizeof(note), " STALE%s%s: %s ", age[0] ? " " : "", age, why);
		int room_for = getmaxx(w) - rw - getcurx(w) - 2;
		if (room_for >= 7) {
			screen_put(w, " ", room(w), ST_CRUMBS);
			put_safe(w, note, room_for - 1, ST_STALE);
		}
	}
	int x = getmaxx(w) - rw;
	if (x > getcurx(w) + 1) {
		wmove(w, 0, x);
		screen_put(w, safe, rw, ST_CRUMBS);
	}
	free(safe);
	wnoutrefresh(w);
}

void chrome_draw_flash(struct app *a)
{
	WINDOW *w = a->flash_win;
	werase(w);
	wmove(w, 0, 0);
	if (a->flash[0]) {
		enum style st = a->flash_level == NOTE_ERROR  ? ST_FLASH_ERROR
				: a->flash_level == NOTE_WARN ? ST_FLASH_WARN
							      : ST_FLASH_INFO;
		char *s = sanitize_display(a->flash, strlen(a->flash));
		int lines = getmaxy(w), cols = getmaxx(w) - 1;
		const char *p = s;
		/* as many lines as the window has (a long error got more); the last one cut */
		for (int y = 0; y < lines - 1 && *p; y++) {
			int used = 0;
			size_t n = sanitize_fit(p, cols, &used);
			if (!n)
				break;
			wmove(w, y, 0);
			wattrset(w, screen_attr(st));
			waddnstr(w, p, (int)n);
			p += n;
		}
		if (*p) {
			char *cut = sanitize_truncate(p, cols);
			wmove(w, lines - 1, 0);
			screen_put(w, cut, cols + 1, st);
			free(cut);
		}
		free(s);
	}
	wnoutrefresh(w);
}

static void hint(WINDOW *w, enum action act, const char *label)
{
	char keys[64];
	keymap_keys_for(act, keys, sizeof(keys));
	if (!keys[0] || room(w) < 4)
		return;
	char *comma = strchr(keys, ',');
	if (comma)
		*comma = '\0';
	screen_put(w, "<", room(w), ST_DIM);
	screen_put(w, keys, room(w), ST_HEADER_KEY);
	screen_put(w, "> ", room(w), ST_DIM);
	char name[64];
	snprintf(name, sizeof(name), "%s", label ? label : keymap_action_info(act)->name);
	for (char *c = name; *c; c++)
		if (*c == '_')
			*c = ' '; /* port_forward reads "port forward" */
	screen_put(w, name, room(w), ST_DIM);
	screen_put(w, "  ", room(w), ST_DIM);
}

void chrome_draw_hints(struct app *a)
{
	WINDOW *w = a->prompt_win;
	werase(w);
	wmove(w, 0, 0);
	switch (app_body_mode(a)) {
	case MODE_TEXT:
		hint(w, ACT_FILTER, "search");
		hint(w, ACT_SEARCH_NEXT, "next");
		hint(w, ACT_WRAP, "wrap");
		hint(w, ACT_HELP, "help");
		hint(w, ACT_BACK, "close");
		break;
	case MODE_LOGS:
		hint(w, ACT_FOLLOW, "follow");
		hint(w, ACT_TIMESTAMPS, "timestamps");
		hint(w, ACT_WRAP, "wrap");
		hint(w, ACT_FILTER, "search");
		hint(w, ACT_SAVE, "save");
		if (a->logs && (a->ep->ops->caps & BACKEND_LOGS_PREVIOUS))
			hint(w, ACT_PREVIOUS, "previous");
		hint(w, ACT_HELP, "help");
		hint(w, ACT_BACK, "close");
		break;
	case MODE_PULL:
		hint(w, ACT_BACK, "close");
		break;
	case MODE_HEALTH:
		hint(w, ACT_ENTER, "go to the problem");
		hint(w, ACT_COMMAND, "cmd");
		hint(w, ACT_NEXT_ENDPOINT, "endpoints");
		hint(w, ACT_HELP, "help");
		hint(w, ACT_QUIT, "quit");
		break;
	default: {
		/* the verbs this view offers here, then the essentials */
		static const enum action verbs[] = {ACT_LOGS,	 ACT_SHELL,   ACT_SCALE,	ACT_RESTART,   ACT_ROLLBACK,
						    ACT_STOP,	 ACT_START,   ACT_CORDON,	ACT_UNCORDON,  ACT_ACTIVATE,
						    ACT_DRAIN,	 ACT_TRIGGER, ACT_SUSPEND,	ACT_DECODE,    ACT_PORT_FORWARD,
						    ACT_REMOVE,	 ACT_PULL,    ACT_PRUNE,	ACT_EDIT,      ACT_EVENTS,
						    ACT_DESCRIBE, ACT_YAML};
		hint(w, ACT_COMMAND, "cmd");
		hint(w, ACT_FILTER, "filter");
		if (app_frame(a)->marks.n)
			hint(w, ACT_MARK, "mark");
		for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
			if (!ops_offered(a, verbs[i]))
				continue;
			/* the backend's word for it: delete, not remove, on Kubernetes */
			const struct backend_action *ba =
				endpoint_action_find(a->ep, app_frame(a)->view->kind, keymap_action_info(verbs[i])->name);
			hint(w, verbs[i], ba ? backend_action_label(ba) : NULL);
		}
		/* rows that name an image lead to other endpoints */
		if (imageops_offered(a, ACT_WHERE_RUNS))
			hint(w, ACT_WHERE_RUNS, "runs");
		if (imageops_offered(a, ACT_REGISTRY))
			hint(w, ACT_REGISTRY, "to registry");
		hint(w, ACT_HELP, "help");
	}
	}
	wnoutrefresh(w);
}
