/* table.c: the table widget (see table.h). */
#include "tui/table.h"
#include "tui/charset.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

#define GAP 2
#define SAMPLE_ROWS 2000
/* Of a table longer than SAMPLE_ROWS on screen: rows measured besides the
 * ones shown, spread evenly over the whole of it. */
#define SPREAD_ROWS 512
#define SHOWN_ROWS_MAX 500

/* The rows whose cells set the widths. Without a window (`get`), the first
 * SAMPLE_ROWS. On screen, all of a table up to SAMPLE_ROWS; of a longer
 * one, the rows shown and SPREAD_ROWS across the rest: measuring the
 * first 2,000 of 50,000 rows again after every sort or filter key was a
 * quarter of the time that key took. */
struct sample {
	size_t n;
	size_t idx[SAMPLE_ROWS]; /* holds either kind */
};
_Static_assert(SPREAD_ROWS + SHOWN_ROWS_MAX <= SAMPLE_ROWS, "a sample of a long table fits");

static void sample_rows(const struct model *m, const struct table_fit *o, struct sample *s)
{
	s->n = 0;
	if (o->rows <= 0 || m->len <= SAMPLE_ROWS) {
		for (size_t i = 0; i < m->len && i < SAMPLE_ROWS; i++)
			s->idx[s->n++] = i;
		return;
	}
	size_t top = o->top > 0 && (size_t)o->top < m->len ? (size_t)o->top : 0;
	for (size_t i = top; i < m->len && i < top + (size_t)o->rows && s->n < SHOWN_ROWS_MAX; i++)
		s->idx[s->n++] = i;
	for (size_t k = 0; k < SPREAD_ROWS; k++)
		s->idx[s->n++] = k * m->len / SPREAD_ROWS;
}

static bool column_has_data(const struct model *m, const struct sample *s, int cell)
{
	for (size_t i = 0; i < s->n; i++)
		if (m->rows[s->idx[i]]->cells[cell].type != CELL_NONE)
			return true;
	return m->len == 0;
}

static int width_at(const struct cell *c, int64_t now)
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

/* How far ahead a text that moves with time is measured: the layout is
 * made when the table changes, and "7 (9s ago)" becomes "7 (10s ago)" on
 * a quiet table before it is made again. */
#define AGE_AHEAD_S 90

static int text_width(const struct cell *c, int64_t now)
{
	int w = width_at(c, now);
	if (c->type == CELL_TIME || c->since) {
		int later = width_at(c, now + AGE_AHEAD_S);
		w = later > w ? later : w;
	}
	return w;
}

/* The column that names a row: the one flagged ident, else the one showing
 * cell 0 (the name, by convention); -1 when none is shown. */
int table_ident_column(const struct view *v)
{
	for (int c = 0; c < v->ncolumns; c++)
		if (v->columns[c].ident)
			return c;
	for (int c = 0; c < v->ncolumns; c++)
		if (v->columns[c].cell == 0)
			return c;
	return -1;
}

/* A column as the fitting sees it. */
struct fitcol {
	int col;     /* index into the view's columns */
	int natural; /* its content, never less than its header */
	int head;    /* its header with the sort mark */
	int floor;   /* how far a flexible column gives way */
	bool ident, flex, sorted;
	int priority;
};

static int fit_total(const struct fitcol *fc, const int *w, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += w[i] + (i ? GAP : 0);
	return total;
}

/* Takes cells from the widest of the columns `eligible` accepts, one at a
 * time, down to their floor as floor_of gives it; returns what is still over. */
static int shrink(const struct fitcol *fc, int *w, int n, int over, bool (*eligible)(const struct fitcol *),
		  int (*floor_of)(const struct fitcol *))
{
	while (over > 0) {
		int best = -1;
		for (int i = 0; i < n; i++)
			if (eligible(&fc[i]) && w[i] > floor_of(&fc[i]) && (best < 0 || w[i] > w[best]))
				best = i;
		if (best < 0)
			break;
		w[best]--;
		over--;
	}
	return over;
}

static bool is_flex(const struct fitcol *c) { return c->flex && !c->ident; }
static bool not_ident(const struct fitcol *c) { return !c->ident; }
static bool any_col(const struct fitcol *c) { (void)c; return true; }
static int flex_floor(const struct fitcol *c) { return c->floor; }
static int head_floor(const struct fitcol *c) { return c->head < c->natural ? c->head : c->natural; }
static int one_floor(const struct fitcol *c) { (void)c; return 1; }
static int ident_floor(const struct fitcol *c)
{
	/* a name keeps its header's width, or at least a few characters */
	int f = c->head > 4 ? c->head : 4;
	return f < c->natural ? f : c->natural;
}

/* Fits fc[0..*n) into width: flexible text gives way first, then the least
 * important columns are dropped (never cut to nothing), and only when
 * nothing can be dropped are cells cut: the other columns down to their
 * header, then the name, then the headers. */
static void fit_base(const struct view *v, struct fitcol *fc, int *n, int *w, int width)
{
	(void)v;
	for (;;) {
		for (int i = 0; i < *n; i++)
			w[i] = fc[i].natural;
		int over = fit_total(fc, w, *n) - width;
		if (over <= 0)
			return;
		over = shrink(fc, w, *n, over, is_flex, flex_floor);
		if (over <= 0)
			return;
		int drop = -1;
		for (int i = 0; i < *n; i++)
			/* the column the rows are sorted by says why they are in this order */
			if (!fc[i].ident && !fc[i].sorted && fc[i].priority > 0 &&
			    (drop < 0 || fc[i].priority >= fc[drop].priority))
				drop = i;
		if (drop < 0)
			break;
		memmove(&fc[drop], &fc[drop + 1], (size_t)(*n - drop - 1) * sizeof(*fc));
		(*n)--;
	}
	int over = fit_total(fc, w, *n) - width;
	over = shrink(fc, w, *n, over, not_ident, head_floor);
	over = shrink(fc, w, *n, over, any_col, ident_floor);
	over = shrink(fc, w, *n, over, not_ident, one_floor);
	shrink(fc, w, *n, over, any_col, one_floor);
}

void table_layout_fit(const struct view *v, const struct model *m, const struct table_fit *o, struct table_layout *l)
{
	int64_t now = wall_s();
	struct fitcol base[TABLE_MAXCOLS], extra[TABLE_MAXCOLS];
	int nbase = 0, nextra = 0, ident = table_ident_column(v);
	if (m->srcs) {
		/* rows of several endpoints: whose each is comes first, never dropped */
		int w = sanitize_width(TABLE_ENDPOINT_TITLE);
		for (size_t i = 0; i < m->nsrcs; i++) {
			int lw = sanitize_width(m->srcs[i].label);
			w = lw > w ? lw : w;
		}
		base[nbase++] = (struct fitcol){.col = TABLE_ENDPOINT_COL, .natural = w, .head = w, .floor = w};
	}
	struct sample *smp = xmalloc(sizeof(*smp));
	sample_rows(m, o, smp);
	for (int c = 0; c < v->ncolumns; c++) {
		const struct column *col = &v->columns[c];
		if ((col->wide && !o->wide) || !column_has_data(m, smp, col->cell) || col->cell == o->hide_cell)
			continue;
		int w = 0;
		for (size_t i = 0; i < smp->n; i++) {
			int tw = text_width(&m->rows[smp->idx[i]]->cells[col->cell], now);
			w = tw > w ? tw : w;
		}
		if (col->max && w > col->max)
			w = col->max;
		/* the header, with room for the sort mark, is never cut with room to spare */
		int head = sanitize_width(col->title) + (c == o->sort_col ? sanitize_width(charset_glyph(GLYPH_SORT_ASC)) : 0);
		struct fitcol fc = {
			.col = c,
			.natural = w > head ? w : head,
			.head = head,
			.ident = c == ident,
			.flex = col->flex,
			.sorted = c == o->sort_col,
			.priority = col->priority,
		};
		fc.floor = col->min > head ? col->min : head;
		if (fc.floor > fc.natural)
			fc.floor = fc.natural;
		if (col->wide && nextra < TABLE_MAXCOLS)
			extra[nextra++] = fc;
		else if (!col->wide && nbase < TABLE_MAXCOLS)
			base[nbase++] = fc;
	}
	free(smp);
	int w[TABLE_MAXCOLS];
	fit_base(v, base, &nbase, w, o->width);
	l->ncols = 0;
	for (int i = 0; i < nbase; i++) {
		l->col[l->ncols] = base[i].col;
		l->width[l->ncols++] = w[i];
	}
	/* `w` adds the wide columns in the room the others leave, never at their
	 * expense: flexible ones give way to their floor, then the last go */
	int used = fit_total(base, w, nbase);
	int room = o->width - used - (nbase ? GAP : 0);
	int we[TABLE_MAXCOLS];
	while (nextra > 0) {
		for (int i = 0; i < nextra; i++)
			we[i] = extra[i].natural;
		int over = fit_total(extra, we, nextra) - room;
		if (over > 0)
			over = shrink(extra, we, nextra, over, is_flex, flex_floor);
		if (over <= 0)
			break;
		nextra--;
	}
	for (int i = 0; i < nextra && l->ncols < TABLE_MAXCOLS; i++) {
		l->col[l->ncols] = extra[i].col;
		l->width[l->ncols++] = we[i];
	}
	l->total = 0;
	for (int i = 0; i < l->ncols; i++)
		l->total += l->width[i] + (i ? GAP : 0);
}

void table_layout(const struct view *v, const struct model *m, int width, bool wide, struct table_layout *l)
{
	struct table_fit o = {.width = width, .wide = wide, .sort_col = -1, .hide_cell = -1};
	table_layout_fit(v, m, &o, l);
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
	if (l->total < getmaxx(w))
		screen_fill(w, ST_TABLE_HEAD);
}

void table_draw(WINDOW *w, const struct view *v, const struct model *m, const struct table_layout *l,
		const struct table_draw_params *p)
{
	table_draw_with(w, v, m, l, p, NULL);
}

void table_draw_with(WINDOW *w, const struct view *v, const struct model *m, const struct table_layout *l,
		     const struct table_draw_params *p, const struct table_draw_extra *x)
{
	static const struct table_draw_extra none;
	if (!x)
		x = &none;
	int rows, cols;
	getmaxyx(w, rows, cols);
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
		bool marked = x->marks && x->marks->n && marks_has(x->marks, r->id);
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
				st = marked ? ST_MARKED : ST_SELECTED;
			else if (marked)
				st = ST_MARKED;
			else if (p->stale)
				st = ST_DIM; /* old data must not look live, changes and colours included */
			else if (added)
				st = ST_ADDED;
			else if (cell_changed_within(cell, now_ms, TABLE_HIGHLIGHT_MS))
				st = ST_CHANGED;
			if (i)
				put_cell(w, &tmp, "", GAP, false, sel ? ST_SELECTED : ST_NORMAL);
			char text[1024];
			model_cell_text(cell, now, text, sizeof(text));
			put_cell(w, &tmp, text, l->width[i], col->align == ALIGN_RIGHT, st);
		}
		/* a row as wide as the window leaves the cursor on its last cell
		 * (the bottom line cannot wrap): filling would overwrite it */
		if (l->total < cols)
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
			if (cell_changed_within(&r->cells[c], now, TABLE_HIGHLIGHT_MS))
				return true;
	}
	return false;
}
