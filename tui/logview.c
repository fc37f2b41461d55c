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
#include <time.h>

#define NO_MATCH UINT64_MAX

static uint64_t first_abs(const struct logview *lv)
{
	return lv->ring.added - lv->ring.len;
}

static void on_data(void *arg, int stream, const char *data, size_t len)
{
	struct logview *lv = arg;
	logring_feed(&lv->ring, stream, data, len, true);
	lv->reopens = 0; /* lines came: a later end is a new restart */
}

/* How long after the stream ended it is opened again, while following:
 * at once after a restart, slower while the container stays down. */
static int64_t reopen_delay(unsigned reopens)
{
	int64_t ms = 1000;
	for (unsigned i = 0; i < reopens && ms < 10000; i++)
		ms *= 2;
	return ms < 10000 ? ms : 10000;
}

static void on_end(void *arg, const char *error)
{
	struct logview *lv = arg;
	logring_flush(&lv->ring);
	lv->ended = true;
	/* following the current instance: the container may come back (a restart) */
	if (lv->opts.follow && !lv->opts.previous) {
		int64_t wait = reopen_delay(lv->reopens);
		lv->reopen_at = mono_ms() + wait;
		snprintf(lv->status, sizeof(lv->status), "stream ended%s%s; following again in %llds", error ? ": " : "",
			 error ? error : "", (long long)(wait / 1000));
	} else {
		snprintf(lv->status, sizeof(lv->status), error ? "stream ended: %s" : "stream ended", error ? error : "");
	}
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
	lv->first_tail = o->tail;
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

/* Seconds since the epoch of an RFC 3339 timestamp ("2024-01-02T03:04:05.123Z"); 0 when not one. */
static int64_t ts_seconds(const char *ts)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, s;
	if (sscanf(ts, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

/* Opens the stream again with lv->opts (the old one stopped first). */
static void restart_stream(struct logview *lv)
{
	if (lv->ep->ops->logs_stop)
		lv->ep->ops->logs_stop(lv->ep, lv->handle);
	lv->handle = NULL;
	lv->ended = false;
	lv->reopen_at = 0;
	struct log_sink sink = {on_data, on_end, lv};
	lv->handle = lv->ep->ops->logs(lv->ep, lv->kind, lv->id, &lv->opts, &sink);
	lv->drawn_added = (uint64_t)-1;
}

bool logview_tick(struct logview *lv)
{
	if (!lv->reopen_at || mono_ms() < lv->reopen_at)
		return false;
	/* go on after the last line kept: nothing twice, nothing missed */
	const struct logline *last = lv->ring.len ? logring_get(&lv->ring, lv->ring.len - 1) : NULL;
	int64_t since = last ? ts_seconds(last->ts) : 0;
	lv->opts.since = since ? since + 1 : lv->opts.since;
	lv->opts.tail = since ? -1 : lv->opts.tail;
	lv->reopens++;
	static const char mark[] = "-- the stream ended; following again --\n";
	logring_feed(&lv->ring, 3, mark, sizeof(mark) - 1, false);
	snprintf(lv->status, sizeof(lv->status), "following");
	restart_stream(lv);
	return true;
}

int logview_next_ms(const struct logview *lv)
{
	if (!lv->reopen_at)
		return -1;
	int64_t left = lv->reopen_at - mono_ms();
	return left > 0 ? (int)left : 0;
}

/* 0: the last lines; 1-5: since 1m, 5m, 15m, 30m, 1h ago; 6: everything. */
static void set_window(struct logview *lv, int window)
{
	static const int64_t secs[] = {0, 60, 300, 900, 1800, 3600, 0};
	static const char *const names[] = {"the last lines", "the last minute", "the last 5 minutes",
					    "the last 15 minutes", "the last 30 minutes", "the last hour", "everything"};
	lv->window = window;
	logring_clear(&lv->ring);
	for (int i = 0; i < 4; i++)
		buf_reset(&lv->ring.partial[i]);
	lv->opts.tail = window == 0 ? lv->first_tail : -1;
	lv->opts.since = window >= 1 && window <= 5 ? (int64_t)time(NULL) - secs[window] : 0;
	lv->follow = true;
	lv->match = NO_MATCH;
	snprintf(lv->status, sizeof(lv->status), "since %s", names[window]);
	restart_stream(lv);
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
	lv->reopen_at = 0;
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

static enum style line_style(const struct logline *l)
{
	return l->stream == 2 ? ST_WARN : l->stream == 3 ? ST_ERROR : ST_NORMAL;
}

/* Draws the bytes [from, from+n) of line at the cursor in style st, the part
 * inside [hs, he) (the search match) in the match style. */
static void put_span(WINDOW *w, const char *line, size_t from, size_t n, size_t hs, size_t he, enum style st)
{
	size_t to = from + n;
	size_t cuts[4] = {from, hs > from ? (hs < to ? hs : to) : from, he > from ? (he < to ? he : to) : from, to};
	for (int i = 0; i < 3; i++) {
		if (cuts[i + 1] <= cuts[i])
			continue;
		wattrset(w, screen_attr(i == 1 ? ST_MATCH : st));
		waddnstr(w, line + cuts[i], (int)(cuts[i + 1] - cuts[i]));
	}
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
		enum style st = line_style(l);
		/* the current match: its words stand out, not the whole line */
		size_t hs = 0, he = 0;
		const char *hit = lv->search && abs == lv->match ? str_casestr(s, lv->search) : NULL;
		if (hit) {
			hs = (size_t)(hit - s);
			he = hs + strlen(lv->search);
		}
		const char *p = s;
		do {
			int used;
			size_t n = sanitize_fit(p, cols, &used);
			wmove(w, y++, 0);
			put_span(w, s, (size_t)(p - s), n, hs, he, st);
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
	char found[400] = "";
	if (lv->search)
		snprintf(found, sizeof(found), "  /%s %llu/%llu", lv->search, (unsigned long long)lv->match_index,
			 (unsigned long long)lv->matches);
	static const char *const windows[] = {"", "SINCE 1m ", "SINCE 5m ", "SINCE 15m ", "SINCE 30m ", "SINCE 1h ", "ALL "};
	snprintf(st, sizeof(st), " %s%s%s%s  lines %llu-%llu of %zu kept%s%s ", lv->follow ? "FOLLOW " : "",
		 windows[lv->window >= 0 && lv->window <= 6 ? lv->window : 0], lv->timestamps ? "TIMESTAMPS " : "",
		 lv->wrap ? "WRAP " : "",
		 (unsigned long long)(lv->ring.len ? lv->top - first_abs(lv) + 1 : 0),
		 (unsigned long long)(lv->ring.len ? lv->top - first_abs(lv) + (uint64_t)y : 0), lv->ring.len,
		 lv->ring.dropped ? " (older dropped)" : "", found);
	wmove(w, rows - 1, 0);
	screen_put(w, st, cols, ST_CRUMBS);
	if (lv->status[0] && (lv->ended || lv->reopen_at)) {
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
			/* how many, and which of them this is */
			lv->matches = lv->match_index = 0;
			for (uint64_t j = 0; j < n; j++)
				if (str_casestr(logring_get(&lv->ring, (size_t)j)->text, text)) {
					lv->matches++;
					if (j == i)
						lv->match_index = lv->matches;
				}
			return true;
		}
	}
	lv->match = NO_MATCH;
	lv->matches = lv->match_index = 0;
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
	case ACT_NONE:
		if (key >= '0' && key <= '6') {
			set_window(lv, key - '0');
			break;
		}
		return LV_UNHANDLED;
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
