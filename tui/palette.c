/* palette.c: colour degradation for terminals with fewer colours (see
 * palette.h). */
#include "tui/palette.h"

#include <stdbool.h>

/* xterm's default RGB values for the 16 standard colours */
static const unsigned char base16[16][3] = {
	{0, 0, 0},	 {205, 0, 0},	{0, 205, 0},   {205, 205, 0},	{0, 0, 238},   {205, 0, 205},
	{0, 205, 205},	 {229, 229, 229}, {127, 127, 127}, {255, 0, 0},	{0, 255, 0},   {255, 255, 0},
	{92, 92, 255},	 {255, 0, 255},	{0, 255, 255}, {255, 255, 255},
};

/* The RGB value of a colour of the 256-colour palette: 16 standard, a
 * 6x6x6 cube, then 24 greys. */
static void palette_rgb(int c, int rgb[3])
{
	static const int level[6] = {0, 95, 135, 175, 215, 255};
	if (c < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = base16[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[(c / 6) % 6];
		rgb[2] = level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

short palette_nearest(short c, int colours)
{
	if (c < 0 || c > 255)
		return -1;
	short n = c;
	if (c >= 16) {
		int rgb[3], best = 0;
		long bestd = -1;
		palette_rgb(c, rgb);
		for (int i = 0; i < 16; i++) {
			long d = 0;
			for (int k = 0; k < 3; k++)
				d += (long)(rgb[k] - base16[i][k]) * (rgb[k] - base16[i][k]);
			if (bestd < 0 || d < bestd)
				bestd = d, best = i;
		}
		n = (short)best;
	}
	return colours < 16 && n >= 8 ? (short)(n - 8) : n;
}

/* Styles that must stand out from the one around them, with that one. */
static const struct {
	enum style style, around;
} must_differ[] = {
	{ST_DANGER, ST_HEADER},      {ST_DANGER, ST_NORMAL},    {ST_STALE, ST_HEADER},
	{ST_SELECTED, ST_NORMAL},    {ST_ERROR, ST_NORMAL},     {ST_FLASH_ERROR, ST_FLASH_INFO},
	{ST_FLASH_ERROR, ST_NORMAL}, {ST_CRUMB_ACTIVE, ST_CRUMBS}, {ST_MATCH, ST_NORMAL},
	{ST_SORTED_HEAD, ST_TABLE_HEAD},
};

/* The terminal's default colours are not known, but they are almost always
 * black or white: a colour left to the default may look like either. */
static bool may_look_alike(short a, short b)
{
	if (a > b) {
		short t = a;
		a = b;
		b = t;
	}
	return a == b || (a < 0 && (b == 0 || b == 7 || b == 15));
}

static bool same_look(const struct theme_style *a, const struct theme_style *b)
{
	return may_look_alike(a->fg, b->fg) && may_look_alike(a->bg, b->bg) && a->attrs == b->attrs;
}

/* A foreground readable on background bg (0-7). */
static short contrast(short bg)
{
	return bg == 0 || bg == 1 || bg == 4 || bg == 5 ? 7 : 0;
}

void palette_fit(struct theme *t, int colours)
{
	if (t->mono || colours >= 256)
		return;
	struct theme mono;
	theme_mono(&mono);
	if (colours < 8) {
		*t = mono;
		return;
	}
	for (int i = 0; i < ST_COUNT; i++) {
		struct theme_style *s = &t->styles[i];
		short fg = palette_nearest(s->fg, 16), bg = palette_nearest(s->bg, 16);
		if (colours < 16) {
			/* what 8-colour terminals have always done with "bright" */
			if (fg == 8) {
				fg = -1;
				s->attrs |= THEME_DIM;
			} else if (fg > 8) {
				fg = (short)(fg - 8);
				s->attrs |= THEME_BOLD;
			}
			if (bg >= 8)
				bg = (short)(bg - 8);
		}
		if (fg >= 0 && fg == bg)
			fg = contrast(colours < 16 ? bg : (short)(bg & 7));
		s->fg = fg;
		s->bg = bg;
	}
	for (size_t i = 0; i < sizeof(must_differ) / sizeof(must_differ[0]); i++) {
		struct theme_style *s = &t->styles[must_differ[i].style];
		if (same_look(s, &t->styles[must_differ[i].around]))
			s->attrs |= mono.styles[must_differ[i].style].attrs;
	}
}
