/* screen.c: curses start/stop and theme application (see screen.h). */
#include "tui/screen.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

static attr_t attrs[ST_COUNT];

bool screen_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

static attr_t to_attrs(unsigned a)
{
	attr_t r = 0;
	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM)
		r |= A_DIM;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
#ifdef A_ITALIC
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

static short fit_colour(short c)
{
	/* bright colours (8-15) on an 8-colour terminal become their base colour */
	if (c >= COLORS)
		return c >= 8 && c < 16 ? (short)(c - 8) : -1;
	return c;
}

void screen_start(struct theme *t)
{
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	bool colour = has_colors() && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	if (!colour && !t->mono)
		theme_mono(t);
	if (colour && !t->mono) {
		start_color();
		use_default_colors();
	}
	for (int i = 0; i < ST_COUNT; i++) {
		const struct theme_style *s = &t->styles[i];
		attrs[i] = to_attrs(s->attrs);
		if (colour && !t->mono && (s->fg >= 0 || s->bg >= 0) && i + 1 < COLOR_PAIRS) {
			init_pair((short)(i + 1), fit_colour(s->fg), fit_colour(s->bg));
			attrs[i] |= COLOR_PAIR(i + 1);
		}
	}
}

void screen_stop(void)
{
	endwin();
}

attr_t screen_attr(enum style s)
{
	return attrs[s < ST_COUNT ? s : ST_NORMAL];
}

void screen_put(WINDOW *w, const char *text, int cells, enum style st)
{
	if (cells <= 0)
		return;
	int used = 0;
	size_t n = sanitize_fit(text, cells, &used);
	wattrset(w, screen_attr(st));
	waddnstr(w, text, (int)n);
}

void screen_fill(WINDOW *w, enum style st)
{
	int y, x, maxy, maxx;
	getyx(w, y, x);
	getmaxyx(w, maxy, maxx);
	(void)y;
	(void)maxy;
	wattrset(w, screen_attr(st));
	for (; x < maxx; x++)
		waddch(w, ' ');
}
