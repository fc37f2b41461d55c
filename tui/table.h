/* table.h: the table widget: fits a view's columns to the terminal width,
 * draws the header and the visible rows with selection, state colours, and
 * brief highlights for changed cells, new rows and deleted rows. */
#ifndef BINNACLE_TABLE_H
#define BINNACLE_TABLE_H

#include "views/model.h"
#include "tui/screen.h"

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
};

/* Chooses the columns and widths for `width` cells. */
void table_layout(const struct view *v, const struct model *m, int width, bool wide, struct table_layout *l);

struct table_draw_params {
	long top, selected;
	int sort_col;
	bool sort_desc;
	const char *empty_text; /* shown when there are no rows */
	bool stale;             /* the rows are not live: drawn dimmed (the selection stays visible) */
};

void table_draw(WINDOW *w, const struct view *v, const struct model *m, const struct table_layout *l,
		const struct table_draw_params *p);
/* True when some cell or row on screen is still highlighted (redraw later). */
bool table_highlighting(const struct model *m, long top, long rows);

#endif
