/* logview.c: the log viewer (see logview.h). Lines are addressed by their
 * absolute number (ring.added counts every line ever added), so the view
 * stays put while old lines drop off the front of the ring. */
#include "tui/logview.h"
#include "tui/charset.h"
#include "tui/keymap.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_MATCH UINT64_MAX

static uint64_t first_abs(const struct logview *lv)
{
	return lv->ring.added - lv->ring.len;
}

static void on_data(void *arg, int stream, const char *data, size_t len)
{
	struct logview *lv = arg;
	logring_feed(&lv->ring, stream, data, len, true);
}

static void on_end(void *arg, const char *error)
{
	struct logview *lv = arg;
	logring_flush(&lv->ring);
	lv->ended = true;
	snprintf(lv->status, sizeof(lv->status), error ? "stream ended: %s" : "stream ended", error ? error : "");
	lv->drawn_added = (uint64_t)-1; /* force a redraw for the status */
}

struct logview *logview_open(struct endpoint *ep, const char *kind, const char *id, const char *title,
			     const struct log_opts *o, size_t ring_lines)
{
	struct logview *lv = xcalloc(1, sizeof(*lv));
	snprintf(lv->title, sizeof(lv->title), "%s", title);
	logring_init(&lv->ring, ring_lines ? ring_lines : 10000);
	lv->ep = ep;
	lv->follow = o->follow;
	lv->match = NO_MATCH;
	snprintf(lv->status, sizeof(lv->status), "connecting…");
	snprintf(lv->kind, sizeof(lv->kind), "%s", kind);
	snprintf(lv->id, sizeof(lv->id), "%s", id);
	snprintf(lv->container, sizeof(lv->container), "%s", o->container ? o->container : "");
	lv->opts = *o;
	lv->opts.container = lv->container[0] ? lv->container : NULL;
	struct log_sink sink = {on_data, on_end, lv};
	lv->handle = ep->ops->logs(ep, kind, id, &lv->opts, &sink);
	if (!lv->ended)
		snprintf(lv->status, sizeof(lv->status), o->follow ? "following" : "");
	return lv;
}

void logview_close(struct logview *lv)
{
	if (!lv)
		return;
	if (lv->ep->ops->logs_stop)
		lv->ep->ops->logs_stop(lv->ep, lv->handle);
	logring_cleanup(&lv->ring);
	free(lv->search);
	free(lv);
}

void logview_toggle_previous(struct logview *lv)
{
	if (lv->ep->ops->logs_stop)
		lv->ep->ops->logs_stop(lv->ep, lv->handle);
	logring_clear(&lv->ring);
	for (int i = 0; i < 4; i++)
		buf_reset(&lv->ring.partial[i]);
	lv->opts.previous = !lv->opts.previous;
	lv->ended = false;
	lv->follow = true;
	lv->match = NO_MATCH;
	snprintf(lv->status, sizeof(lv->status), "%s", lv->opts.previous ? "previous instance" : "following");
	/* the title says which instance is shown */
	const char *tag = " (previous)";
	size_t n = strlen(lv->title), t = strlen(tag);
	if (n > t && !strcmp(lv->title + n - t, tag))
		lv->title[n - t] = '\0';
	else if (lv->opts.previous)
		strncat(lv->title, tag, sizeof(lv->title) - n - 1);
	struct log_sink sink = {on_data, on_end, lv};
	lv->handle = lv->ep->ops->logs(lv->ep, lv->kind, lv->id, &lv->opts, &sink);
	lv->drawn_added = (uint64_t)-1;
}

bool logview_dirty(const struct logview *lv)
{
	return lv->drawn_added != lv->ring.added;
}

static const struct logline *line_at(const struct logview *lv, uint64_t abs)
{
	if (abs < first_abs(lv) || abs >= lv->ring.added)
		return NULL;
	return logring_get(&lv->ring, (size_t)(abs - first_abs(lv)));
}

/* One displayed line: "ts text" with timestamps on (sanitised, owned). */
static char *render(const struct logview *lv, const struct logline *l)
{
	struct buf b;
	buf_init(&b);
	if (lv->timestamps && l->ts[0]) {
		/* seconds are enough on screen: 2024-01-02T03:04:05 */
		buf_append(&b, l->ts, strnlen(l->ts, 19));
		buf_putc(&b, ' ');
	}
	char *t = sanitize_display(l->text, strlen(l->text));
	buf_puts(&b, t);
	free(t);
	return buf_steal(&b);
}

static enum style line_style(const struct logview *lv, uint64_t abs, const struct logline *l)
{
	if (lv->search && abs == lv->match)
		return ST_MATCH;
	return l->stream == 2 ? ST_WARN : l->stream == 3 ? ST_ERROR : ST_NORMAL;
}

/* Rows a line takes on screen. */
static int rows_of(const struct logview *lv, const struct logline *l, int cols)
{
	if (!lv->wrap || cols <= 0)
		return 1;
	char *s = render(lv, l);
	int w = sanitize_width(s);
	free(s);
	return w <= cols ? 1 : (w + cols - 1) / cols;
}

/* With follow on, the last screenful is shown. */
static void pin_bottom(struct logview *lv, int rows, int cols)
{
	uint64_t abs = lv->ring.added;
	int used = 0;
	while (abs > first_abs(lv)) {
		int r = rows_of(lv, line_at(lv, abs - 1), cols);
		if (used + r > rows)
			break;
		used += r;
		abs--;
	}
	lv->top = abs;
}

void logview_draw(WINDOW *w, struct logview *lv)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	werase(w);
	int body = rows - 1;
	if (lv->follow)
		pin_bottom(lv, body, cols);
	if (lv->top < first_abs(lv))
		lv->top = first_abs(lv);
	int y = 0;
	for (uint64_t abs = lv->top; y < body && abs < lv->ring.added; abs++) {
		const struct logline *l = line_at(lv, abs);
		char *s = render(lv, l);
		enum style st = line_style(lv, abs, l);
		const char *p = s;
		do {
			int used;
			size_t n = sanitize_fit(p, cols, &used);
			wmove(w, y++, 0);
			wattrset(w, screen_attr(st));
			waddnstr(w, p, (int)n);
			p += n;
			if (!n)
				break;
		} while (lv->wrap && *p && y < body);
		free(s);
	}
	if (!lv->ring.len) {
		wmove(w, 1, 2);
		char empty[64];
		snprintf(empty, sizeof(empty), "%s%s", lv->ended ? "no log lines" : "waiting for log lines",
			 lv->ended ? "" : charset_glyph(GLYPH_ELLIPSIS));
		screen_put(w, empty, cols - 4, ST_DIM);
	}
	/* status line: what the viewer is doing and how much it holds */
	char st[512];
	snprintf(st, sizeof(st), " %s%s%s  lines %llu-%llu of %zu kept%s%s ", lv->follow ? "FOLLOW " : "",
		 lv->timestamps ? "TIMESTAMPS " : "", lv->wrap ? "WRAP " : "",
		 (unsigned long long)(lv->ring.len ? lv->top - first_abs(lv) + 1 : 0),
		 (unsigned long long)(lv->ring.len ? lv->top - first_abs(lv) + (uint64_t)y : 0), lv->ring.len,
		 lv->ring.dropped ? " (older dropped)" : "", lv->ended ? "" : "");
	wmove(w, rows - 1, 0);
	screen_put(w, st, cols, ST_CRUMBS);
	if (lv->status[0] && lv->ended) {
		char *s = sanitize_display(lv->status, strlen(lv->status));
		screen_put(w, s, cols - getcurx(w), ST_FLASH_WARN);
		free(s);
	}
	screen_fill(w, ST_CRUMBS);
	wattrset(w, A_NORMAL);
	lv->drawn_added = lv->ring.added;
	wnoutrefresh(w);
}

bool logview_search(struct logview *lv, const char *text, int dir)
{
	if (!text || !*text || !lv->ring.len)
		return false;
	if (!lv->search || strcmp(lv->search, text)) {
		free(lv->search);
		lv->search = xstrdup(text);
		lv->match = NO_MATCH;
	}
	uint64_t first = first_abs(lv), n = lv->ring.len;
	uint64_t start = lv->match != NO_MATCH && lv->match >= first ? lv->match - first
			 : dir > 0 ? (lv->top >= first ? lv->top - first : 0) + n - 1
				   : lv->top - first;
	for (uint64_t k = 1; k <= n; k++) {
		uint64_t i = dir > 0 ? (start + k) % n : (start + n - k % n) % n;
		const struct logline *l = logring_get(&lv->ring, (size_t)i);
		if (str_casestr(l->text, text)) {
			lv->match = first + i;
			lv->follow = false;
			lv->top = lv->match > first + 2 ? lv->match - 2 : first;
			lv->drawn_added = (uint64_t)-1;
			return true;
		}
	}
	lv->match = NO_MATCH;
	return false;
}

int logview_save(struct logview *lv, const char *path, char *err, size_t errlen)
{
	return logring_save(&lv->ring, path, lv->timestamps, err, errlen);
}

enum logview_result logview_key(struct logview *lv, int key, int page)
{
	enum action act = keymap_lookup_in(key, KC_VIEWER);
	uint64_t first = first_abs(lv), last = lv->ring.added > (uint64_t)page ? lv->ring.added - (uint64_t)page : 0;
	if (last < first)
		last = first;
	switch (act) {
	case ACT_BACK:
	case ACT_QUIT:
		return LV_CLOSE;
	case ACT_UP:
		lv->follow = false;
		lv->top = lv->top > first ? lv->top - 1 : first;
		break;
	case ACT_DOWN:
		lv->top = lv->top < last ? lv->top + 1 : last;
		break;
	case ACT_PAGE_UP:
		lv->follow = false;
		lv->top = lv->top > first + (uint64_t)page ? lv->top - (uint64_t)page : first;
		break;
	case ACT_PAGE_DOWN:
		lv->top = lv->top + (uint64_t)page < last ? lv->top + (uint64_t)page : last;
		break;
	case ACT_TOP:
		lv->follow = false;
		lv->top = first;
		break;
	case ACT_BOTTOM:
		lv->follow = true; /* G goes to the end and keeps following, like less +F */
		break;
	case ACT_FOLLOW:
		lv->follow = !lv->follow;
		break;
	case ACT_TIMESTAMPS:
		lv->timestamps = !lv->timestamps;
		break;
	case ACT_WIDE:
	case ACT_WRAP:
		lv->wrap = !lv->wrap;
		break;
	case ACT_PREVIOUS:
		logview_toggle_previous(lv);
		break;
	case ACT_SEARCH_NEXT:
		logview_search(lv, lv->search, 1);
		break;
	case ACT_SEARCH_PREV:
		logview_search(lv, lv->search, -1);
		break;
	default:
		return LV_UNHANDLED;
	}
	lv->drawn_added = (uint64_t)-1;
	return LV_HANDLED;
}
