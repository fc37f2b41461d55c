/* mouse.c: the mouse, when the configuration turns it on (`mouse: true`;
 * off by default, so the terminal keeps its own text selection): a click
 * selects a row, a click on a header sorts by that column (again: the
 * other way), the wheel scrolls the table and the viewers. */
#include "tui/ops.h"

#include <stdlib.h>

void mouse_setup(bool on)
{
	if (!on)
		return;
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
}

/* The table column at screen column x, or -1. */
static int column_at(const struct table_layout *l, int x)
{
	int at = 0;
	for (int i = 0; i < l->ncols; i++) {
		int end = at + l->width[i];
		if (x >= at && x < end + 2)
			return l->col[i];
		at = end + 2;
	}
	return -1;
}

static void wheel(struct app *a, int dir)
{
	/* three lines a notch, as terminals scroll */
	int key = dir < 0 ? (KEYMAP_FN | KEY_UP) : (KEYMAP_FN | KEY_DOWN);
	for (int i = 0; i < 3; i++)
		app_key(a, key);
}

void mouse_event(struct app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		wheel(a, -1);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		wheel(a, 1);
		return;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) || a->mode != MODE_TABLE)
		return;
	int by, bx;
	getbegyx(a->body, by, bx);
	int y = ev.y - by, x = ev.x - bx;
	struct frame *f = app_frame(a);
	if (y == 0) {
		int c = column_at(&a->layout, x);
		if (c < 0)
			return;
		if (f->sort_col == c)
			f->sort_desc = !f->sort_desc;
		else {
			f->sort_col = c;
			f->sort_desc = false;
		}
		app_invalidate(a);
		return;
	}
	long idx = f->top + y - 1;
	if (y < 1 || idx >= (long)a->model.len)
		return;
	f->selected = idx;
	free(f->selected_id);
	f->selected_id = xstrdup(a->model.rows[idx]->id);
	app_invalidate(a);
}
