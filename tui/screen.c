/* screen.c: choosing the terminal type, curses start/stop, and the theme
 * fitted to the terminal's colours (see screen.h). */
#include "tui/screen.h"
#include "tui/palette.h"
#include "tui/sanitize.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

static attr_t attrs[ST_COUNT];

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

/* The terminfo entry curses draws with: $TERM, or the fallback chosen when
 * this machine has no entry for it. */
static char term_name[128];
static SCREEN *scr;

/* 1 when terminfo has name and it can address the cursor, -1 when it has
 * it but cannot (dumb), 0 when there is no such entry (or no database). */
static int term_usable(const char *name)
{
	int e = 0;
	if (setupterm((char *)name, STDOUT_FILENO, &e) != OK)
		return 0;
	const char *cup = tigetstr("cup");
	int usable = cup && cup != (const char *)-1 ? 1 : -1;
	del_curterm(cur_term);
	return usable;
}

int screen_probe(char *note, size_t notelen, char *err, size_t errlen)
{
	static const char *const fallbacks[] = {"xterm-256color", "xterm", "vt100"};
	const char *term = getenv("TERM");
	note[0] = '\0';
	if (term && *term) {
		int u = term_usable(term);
		if (u < 0)
			return set_err(err, errlen,
				       "the dashboard needs a terminal that can move the cursor, and TERM=%s cannot; "
				       "use `binnacle get KIND` in scripts",
				       term);
		if (u > 0 && strlen(term) < sizeof(term_name)) {
			snprintf(term_name, sizeof(term_name), "%s", term);
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
		if (term_usable(fallbacks[i]) <= 0)
			continue;
		snprintf(term_name, sizeof(term_name), "%s", fallbacks[i]);
		if (term && *term)
			/* fits 80 columns for the usual names */
			snprintf(note, notelen, "no terminfo entry for TERM=%.60s here: drawing as %s", term, term_name);
		else
			snprintf(note, notelen, "TERM is not set: drawing as %s", term_name);
		return 0;
	}
	return set_err(err, errlen,
		       "this machine has no terminfo entry for TERM=%s, nor for xterm-256color, xterm or vt100 "
		       "(is ncurses-base installed?)",
		       term ? term : "");
}

void screen_start(struct theme *t)
{
	char note[ERRLEN], err[ERRLEN];
	/* main probes before anything else starts; this is for other callers */
	if (!term_name[0] && screen_probe(note, sizeof(note), err, sizeof(err)) < 0) {
		fprintf(stderr, "binnacle: %s\n", err);
		exit(2);
	}
	scr = newterm(term_name, stdout, stdin);
	if (!scr) { /* what initscr would do, after a probe that passed */
		fprintf(stderr, "binnacle: cannot start the terminal %s\n", term_name);
		exit(2);
	}
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	bool colour = has_colors() && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	bool defaults = true;
	if (!colour && !t->mono)
		theme_mono(t);
	if (colour && !t->mono) {
		start_color();
		defaults = use_default_colors() == OK;
		palette_fit(t, COLORS); /* may leave it monochrome */
	}
	for (int i = 0; i < ST_COUNT; i++) {
		const struct theme_style *s = &t->styles[i];
		attrs[i] = to_attrs(s->attrs);
		if (colour && !t->mono && (s->fg >= 0 || s->bg >= 0) && i + 1 < COLOR_PAIRS) {
			/* without default colours a pair needs both: white on black */
			short fg = s->fg < 0 && !defaults ? COLOR_WHITE : s->fg;
			short bg = s->bg < 0 && !defaults ? COLOR_BLACK : s->bg;
			init_pair((short)(i + 1), fg, bg);
			attrs[i] |= COLOR_PAIR(i + 1);
		}
	}
	log_msg("terminal %s: %d colours%s, theme %s", term_name, colour ? COLORS : 0, colour && !defaults ? " (no default colours)" : "",
		t->name);
}

void screen_stop(void)
{
	endwin();
	if (scr)
		delscreen(scr);
	scr = NULL;
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
