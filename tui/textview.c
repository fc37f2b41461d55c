/* textview.c: the text viewer (see textview.h). */
#include "tui/textview.h"
#include "tui/keymap.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

struct textview *textview_new(const char *title)
{
	struct textview *tv = xcalloc(1, sizeof(*tv));
	tv->title = xstrdup(title);
	tv->match = -1;
	return tv;
}

static void clear_lines(struct textview *tv)
{
	for (size_t i = 0; i < tv->n; i++)
		free(tv->lines[i]);
	tv->n = 0;
}

void textview_free(struct textview *tv)
{
	if (!tv)
		return;
	clear_lines(tv);
	free(tv->lines);
	free(tv->title);
	free(tv->search);
	free(tv->loading);
	free(tv);
}

void textview_append_line(struct textview *tv, const char *line, size_t len)
{
	char *s = sanitize_display_flags(line, len, SANITIZE_KEEP_TAB);
	/* expand tabs to 8-column stops so columns in the text stay aligned */
	if (strchr(s, '\t')) {
		struct buf b;
		buf_init(&b);
		int col = 0;
		for (const char *p = s; *p; p++) {
			if (*p == '\t') {
				do
					buf_putc(&b, ' ');
				while (++col % 8);
			} else {
				buf_putc(&b, *p);
				if (((unsigned char)*p & 0xC0) != 0x80)
					col++;
			}
		}
		free(s);
		s = buf_steal(&b);
	}
	if (tv->n == tv->cap) {
		tv->cap = tv->cap ? tv->cap * 2 : 256;
		tv->lines = xrealloc(tv->lines, tv->cap * sizeof(*tv->lines));
	}
	tv->lines[tv->n++] = s;
}

void textview_set_text(struct textview *tv, const char *text)
{
	clear_lines(tv);
	free(tv->loading);
	tv->loading = NULL;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		textview_append_line(tv, p, len);
		p += len + (nl ? 1 : 0);
	}
	if (tv->top >= (long)tv->n)
		tv->top = tv->n ? (long)tv->n - 1 : 0;
}

void textview_set_loading(struct textview *tv, const char *msg)
{
	free(tv->loading);
	tv->loading = sanitize_display(msg, strlen(msg));
}

/* Bytes of s to skip to start `cells` cells in (never inside a character). */
static size_t skip_cells(const char *s, int cells)
{
	int used = 0;
	return sanitize_fit(s, cells, &used);
}

/* The bytes [from, from+n) of line at the cursor, those in [hs, he) as the match. */
static void put_span(WINDOW *w, const char *line, size_t from, size_t n, size_t hs, size_t he)
{
	size_t to = from + n;
	size_t cuts[4] = {from, hs > from ? (hs < to ? hs : to) : from, he > from ? (he < to ? he : to) : from, to};
	for (int i = 0; i < 3; i++) {
		if (cuts[i + 1] <= cuts[i])
			continue;
		wattrset(w, screen_attr(i == 1 ? ST_MATCH : ST_NORMAL));
		waddnstr(w, line + cuts[i], (int)(cuts[i + 1] - cuts[i]));
	}
}

void textview_draw(WINDOW *w, struct textview *tv)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	werase(w);
	if (tv->loading) {
		wmove(w, 1, 2);
		screen_put(w, tv->loading, cols - 4, ST_DIM);
	}
	long line = tv->top;
	size_t off = 0; /* byte offset inside a wrapped line */
	for (int y = 0; y < rows && line < (long)tv->n; y++) {
		const char *s = tv->lines[line];
		/* the current match: its words stand out, not the whole line */
		const char *hit = tv->search && line == tv->match ? str_casestr(s, tv->search) : NULL;
		size_t hs = hit ? (size_t)(hit - s) : 0, he = hit ? hs + strlen(tv->search) : 0;
		wmove(w, y, 0);
		size_t from = tv->wrap ? off : skip_cells(s, tv->left);
		int used;
		size_t n = sanitize_fit(s + from, cols, &used);
		put_span(w, s, from, n, hs, he);
		if (tv->wrap) {
			off += n;
			if (!s[off] || n == 0) {
				line++;
				off = 0;
			}
		} else {
			line++;
		}
	}
	wattrset(w, A_NORMAL);
	wnoutrefresh(w);
}

bool textview_search(struct textview *tv, const char *text, int dir)
{
	if (!text || !*text || !tv->n)
		return false;
	if (!tv->search || strcmp(tv->search, text)) {
		free(tv->search);
		tv->search = xstrdup(text);
	}
	long start = tv->match >= 0 ? tv->match : tv->top - (dir > 0 ? 1 : 0);
	for (long k = 1; k <= (long)tv->n; k++) {
		long i = ((start + dir * k) % (long)tv->n + (long)tv->n) % (long)tv->n;
		if (str_casestr(tv->lines[i], text)) {
			tv->match = i;
			tv->top = i > 2 ? i - 2 : 0;
			tv->matches = tv->match_index = 0;
			for (size_t j = 0; j < tv->n; j++)
				if (str_casestr(tv->lines[j], text)) {
					tv->matches++;
					if ((long)j == i)
						tv->match_index = tv->matches;
				}
			return true;
		}
	}
	tv->match = -1;
	tv->matches = tv->match_index = 0;
	return false;
}

enum textview_result textview_key(struct textview *tv, int key, int page)
{
	long last = tv->n > (size_t)page ? (long)tv->n - page : 0;
	switch (keymap_lookup_in(key, KC_VIEWER)) {
	case ACT_BACK:
	case ACT_QUIT:
		return TV_CLOSE;
	case ACT_UP:
		tv->top--;
		break;
	case ACT_DOWN:
		tv->top++;
		break;
	case ACT_PAGE_UP:
		tv->top -= page;
		break;
	case ACT_PAGE_DOWN:
		tv->top += page;
		break;
	case ACT_TOP:
		tv->top = 0;
		break;
	case ACT_BOTTOM:
		tv->top = last;
		break;
	case ACT_SEARCH_NEXT:
		textview_search(tv, tv->search, 1);
		break;
	case ACT_SEARCH_PREV:
		textview_search(tv, tv->search, -1);
		break;
	default:
		if (key == (KEYMAP_FN | KEY_LEFT) || key == 'h')
			tv->left = tv->left > 8 ? tv->left - 8 : 0;
		else if (key == (KEYMAP_FN | KEY_RIGHT) || key == 'l')
			tv->left += 8;
		else
			return TV_UNHANDLED;
	}
	if (tv->top > last)
		tv->top = last;
	if (tv->top < 0)
		tv->top = 0;
	return TV_HANDLED;
}
