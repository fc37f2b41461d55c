/* table.c: the table widget (see table.h). */
#include "tui/table.h"
#include "tui/charset.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

#define GAP 2
#define SAMPLE_ROWS 2000

static bool column_has_data(const struct model *m, int cell)
{
	for (size_t i = 0; i < m->len && i < SAMPLE_ROWS; i++)
		if (m->rows[i]->cells[cell].type != CELL_NONE)
			return true;
	return m->len == 0;
}

static int text_width(const struct cell *c, int64_t now)
{
	char text[512];
	model_cell_text(c, now, text, sizeof(text));
	size_t len = strlen(text);
	if (sanitize_is_clean(text, len))
		return sanitize_width(text);
	char *s = sanitize_display(text, len);
	int w = sanitize_width(s);
	free(s);
	return w;
}

void table_layout(const struct view *v, const struct model *m, int width, bool wide, struct table_layout *l)
{
	int64_t now = wall_s();
	int natural[TABLE_MAXCOLS], mins[TABLE_MAXCOLS];
	l->ncols = 0;
	if (m->srcs) {
		/* rows of several endpoints: whose each is comes first, never dropped */
		int w = sanitize_width(TABLE_ENDPOINT_TITLE);
		for (size_t i = 0; i < m->nsrcs; i++) {
			int lw = sanitize_width(m->srcs[i].label);
			w = lw > w ? lw : w;
		}
		l->col[0] = TABLE_ENDPOINT_COL;
		natural[0] = mins[0] = l->width[0] = w;
		l->ncols = 1;
	}
	for (int c = 0; c < v->ncolumns && l->ncols < TABLE_MAXCOLS; c++) {
		const struct column *col = &v->columns[c];
		if ((col->wide && !wide) || !column_has_data(m, col->cell))
			continue;
		int w = sanitize_width(col->title);
		for (size_t i = 0; i < m->len && i < SAMPLE_ROWS; i++) {
			int tw = text_width(&m->rows[i]->cells[col->cell], now);
			w = tw > w ? tw : w;
		}
		if (col->max && w > col->max)
			w = col->max;
		int mn = col->min < w ? col->min : w;
		int tw = sanitize_width(col->title);
		if (mn < tw && tw <= w)
			mn = tw;
		l->col[l->ncols] = c;
		natural[l->ncols] = w;
		mins[l->ncols] = mn;
		l->width[l->ncols] = w;
		l->ncols++;
	}
	for (;;) {
		int total = 0, spare = 0;
		for (int i = 0; i < l->ncols; i++) {
			total += l->width[i] + (i ? GAP : 0);
			spare += l->width[i] - mins[i];
		}
		if (total <= width)
			break;
		int over = total - width;
		if (spare >= over) {
			/* shrink the widest flexible columns first, one cell at a time */
			while (over > 0) {
				int best = -1;
				for (int i = 0; i < l->ncols; i++)
					if (l->width[i] > mins[i] && (best < 0 || l->width[i] > l->width[best]))
						best = i;
				l->width[best]--;
				over--;
			}
			break;
		}
		/* not enough: drop the least important column still shown */
		int drop = -1;
		for (int i = 0; i < l->ncols; i++) {
			int pr = l->col[i] == TABLE_ENDPOINT_COL ? 0 : v->columns[l->col[i]].priority;
			if (pr > 0 && (drop < 0 || pr > v->columns[l->col[drop]].priority))
				drop = i;
		}
		if (drop < 0) {
			/* only essential columns left: squeeze them to their minimum and clip */
			for (int i = 0; i < l->ncols; i++)
				l->width[i] = mins[i];
			break;
		}
		for (int i = drop; i + 1 < l->ncols; i++) {
			l->col[i] = l->col[i + 1];
			l->width[i] = l->width[i + 1];
			natural[i] = natural[i + 1];
			mins[i] = mins[i + 1];
		}
		l->ncols--;
		for (int i = 0; i < l->ncols; i++)
			l->width[i] = natural[i];
	}
}

static void put_cell(WINDOW *w, struct buf *tmp, const char *text, int width, bool right, enum style st)
{
	buf_reset(tmp);
	size_t len = strlen(text);
	if (sanitize_is_clean(text, len)) {
		sanitize_pad(tmp, text, width, right);
	} else {
		char *s = sanitize_display(text, len);
		sanitize_pad(tmp, s, width, right);
		free(s);
	}
	wattrset(w, screen_attr(st));
	waddstr(w, tmp->data ? tmp->data : "");
}

static void draw_header(WINDOW *w, const struct view *v, const struct table_layout *l, const struct table_draw_params *p,
			struct buf *tmp)
{
	wmove(w, 0, 0);
	for (int i = 0; i < l->ncols; i++) {
		int c = l->col[i];
		if (c == TABLE_ENDPOINT_COL) {
			put_cell(w, tmp, TABLE_ENDPOINT_TITLE, l->width[i], false, ST_TABLE_HEAD);
			continue;
		}
		bool sorted = c == p->sort_col;
		char title[64];
		const char *mark = sorted ? charset_glyph(p->sort_desc ? GLYPH_SORT_DESC : GLYPH_SORT_ASC) : "";
		/* the sort mark matters more than the title's last letter */
		int room = l->width[i] - sanitize_width(mark);
		size_t keep = sanitize_fit(v->columns[c].title, room > 0 ? room : 0, NULL);
		snprintf(title, sizeof(title), "%.*s%s", (int)keep, v->columns[c].title, mark);
		if (i)
			put_cell(w, tmp, "", GAP, false, ST_TABLE_HEAD);
		put_cell(w, tmp, title, l->width[i], v->columns[c].align == ALIGN_RIGHT, sorted ? ST_SORTED_HEAD : ST_TABLE_HEAD);
	}
	screen_fill(w, ST_TABLE_HEAD);
}

void table_draw(WINDOW *w, const struct view *v, const struct model *m, const struct table_layout *l,
		const struct table_draw_params *p)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	(void)cols;
	struct buf tmp;
	buf_init(&tmp);
	werase(w);
	draw_header(w, v, l, p, &tmp);
	int64_t now_ms = mono_ms(), now = wall_s();
	if (!m->len && p->empty_text) {
		wmove(w, 2, 2);
		screen_put(w, p->empty_text, cols - 4, ST_DIM);
	}
	for (int y = 1; y < rows; y++) {
		long idx = p->top + y - 1;
		if (idx < 0 || (size_t)idx >= m->len)
			break;
		const struct row *r = m->rows[idx];
		bool sel = idx == p->selected;
		bool added = r->added_ms && now_ms - r->added_ms < TABLE_HIGHLIGHT_MS;
		enum style rowst = v->row_style ? v->row_style(r) : ST_NORMAL;
		wmove(w, y, 0);
		for (int i = 0; i < l->ncols; i++) {
			if (l->col[i] == TABLE_ENDPOINT_COL) {
				const struct model_source *src = model_row_source(m, (size_t)idx);
				put_cell(w, &tmp, src ? src->label : "", l->width[i], false,
					 sel ? ST_SELECTED : r->gone_ms ? ST_GONE : ST_DIM);
				continue;
			}
			const struct column *col = &v->columns[l->col[i]];
			const struct cell *cell = &r->cells[col->cell];
			enum style st = col->style ? col->style(r) : rowst;
			if (r->gone_ms)
				st = ST_GONE;
			else if (sel)
				st = ST_SELECTED;
			else if (p->stale)
				st = ST_DIM; /* old data must not look live, changes and colours included */
			else if (added)
				st = ST_ADDED;
			else if (cell->changed_ms && now_ms - cell->changed_ms < TABLE_HIGHLIGHT_MS)
				st = ST_CHANGED;
			if (i)
				put_cell(w, &tmp, "", GAP, false, sel ? ST_SELECTED : ST_NORMAL);
			char text[1024];
			model_cell_text(cell, now, text, sizeof(text));
			put_cell(w, &tmp, text, l->width[i], col->align == ALIGN_RIGHT, st);
		}
		screen_fill(w, sel ? ST_SELECTED : ST_NORMAL);
	}
	wattrset(w, A_NORMAL);
	buf_cleanup(&tmp);
	wnoutrefresh(w);
}

bool table_highlighting(const struct model *m, long top, long rows)
{
	int64_t now = mono_ms();
	for (long i = top; i < top + rows && i >= 0 && (size_t)i < m->len; i++) {
		const struct row *r = m->rows[i];
		if (r->gone_ms || (r->added_ms && now - r->added_ms < TABLE_HIGHLIGHT_MS))
			return true;
		for (int c = 0; c < r->ncells; c++)
			if (r->cells[c].changed_ms && now - r->cells[c].changed_ms < TABLE_HIGHLIGHT_MS)
				return true;
	}
	return false;
}
