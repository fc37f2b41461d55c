/* table.h: the table widget: fits a view's columns to the terminal width,
 * draws the header and the visible rows with selection, state colours, and
 * brief highlights for changed cells, new rows and deleted rows. */
#ifndef BINNACLE_TABLE_H
#define BINNACLE_TABLE_H

#include "views/model.h"
#include "tui/screen.h"
#include "tui/marks.h"

#define TABLE_MAXCOLS 32
/* How long a changed cell or new row stays highlighted. */
#define TABLE_HIGHLIGHT_MS 2000

/* The ENDPOINT column a table of several endpoints' rows starts with. */
#define TABLE_ENDPOINT_COL (-1)
#define TABLE_ENDPOINT_TITLE "ENDPOINT"

struct table_layout {
	int ncols;
	int col[TABLE_MAXCOLS];   /* index into view->columns, or TABLE_ENDPOINT_COL */
	int width[TABLE_MAXCOLS]; /* display cells */
	int total;                /* the line's width, gaps included */
};

/* What a table is fitted to. */
struct table_fit {
	int width;      /* display cells */
	bool wide;      /* the wide columns too, in the room the others leave */
	int sort_col;   /* its header keeps room for the sort mark; -1 = none */
	int hide_cell;  /* a cell not shown (the one scope value every row has); -1 = none */
	long top;       /* the rows on screen, always measured: from top, rows of them */
	int rows;       /* 0 = no screen (`get`): the first rows are measured */
};

/* Chooses the columns and widths: flexible text gives way first, then the
 * least important columns are dropped, and the name is cut last. */
void table_layout_fit(const struct view *v, const struct model *m, const struct table_fit *o, struct table_layout *l);
/* The same for `width` cells, no sort mark, nothing hidden. */
void table_layout(const struct view *v, const struct model *m, int width, bool wide, struct table_layout *l);
/* The column naming the rows (flagged ident, else the one of cell 0); -1 = none. */
int table_ident_column(const struct view *v);

struct table_draw_params {
	long top, selected;
	int sort_col;
	bool sort_desc;
	const char *empty_text; /* shown when there are no rows */
	bool stale;             /* the rows are not live: drawn dimmed (the selection stays visible) */
};

/* What the dashboard's tables show on top. */
struct table_draw_extra {
	const struct marks *marks; /* rows marked with Space; NULL = none */
};

void table_draw(WINDOW *w, const struct view *v, const struct model *m, const struct table_layout *l,
		const struct table_draw_params *p);
void table_draw_with(WINDOW *w, const struct view *v, const struct model *m, const struct table_layout *l,
		     const struct table_draw_params *p, const struct table_draw_extra *x);
/* True when some cell or row on screen is still highlighted (redraw later). */
bool table_highlighting(const struct model *m, long top, long rows);

#endif
