/* charset.c: UTF-8 or ASCII drawing (see charset.h). */
#include "tui/charset.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool ascii_mode;

/* Each glyph in both forms; the ASCII one is what a VT100 shows. */
static const char *const glyphs[GLYPH_COUNT][2] = {
	[GLYPH_SEPARATOR] = {" \xe2\x94\x82 ", " | "}, /* U+2502 */
	[GLYPH_CRUMB] = {"\xe2\x80\xba", ">"},          /* U+203A */
	[GLYPH_SORT_ASC] = {"\xe2\x86\x91", "^"},       /* U+2191 */
	[GLYPH_SORT_DESC] = {"\xe2\x86\x93", "v"},      /* U+2193 */
	[GLYPH_CUT] = {"\xe2\x80\xa6", "~"},            /* U+2026 */
	[GLYPH_ELLIPSIS] = {"\xe2\x80\xa6", "..."},
	[GLYPH_BAR_DONE] = {"\xe2\x96\x88", "#"},       /* U+2588 */
	[GLYPH_BAR_TODO] = {"\xe2\x96\x91", "-"},       /* U+2591 */
	[GLYPH_CURSOR] = {"\xe2\x96\x8f", "_"},         /* U+258F */
};

/* Stand-ins for characters servers and our own messages commonly use,
 * sorted by code point. Anything else non-ASCII becomes "?". */
static const struct {
	uint32_t cp;
	const char *ascii;
} stand_ins[] = {
	{0x00a0, " "},  {0x00ab, "<<"}, {0x00b7, "-"},   {0x00bb, ">>"}, {0x00d7, "x"},  {0x2010, "-"},
	{0x2011, "-"},  {0x2012, "-"},  {0x2013, "-"},   {0x2014, "-"},  {0x2015, "-"},  {0x2018, "'"},
	{0x2019, "'"},  {0x201c, "\""}, {0x201d, "\""},  {0x2022, "*"},  {0x2026, "..."}, {0x2039, "<"},
	{0x203a, ">"},  {0x2190, "<-"}, {0x2191, "^"},   {0x2192, "->"}, {0x2193, "v"},  {0x2500, "-"},
	{0x2502, "|"},  {0x2588, "#"},  {0x258f, "_"},   {0x2591, "-"},
};

static bool codeset_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

void charset_setup(enum charset_setting setting, bool terminal, char *note, size_t notelen)
{
	if (note && notelen)
		note[0] = '\0';
	if (setting == CHARSET_ASCII) {
		ascii_mode = true;
		return;
	}
	if (codeset_is_utf8()) {
		ascii_mode = false;
		return;
	}
	if (setting == CHARSET_AUTO) {
		ascii_mode = terminal;
		return;
	}
	/* forced UTF-8 in a locale that is not: curses needs an LC_CTYPE that
	 * decodes it, and the locale's name varies across systems */
	static const char *const utf8_locales[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};
	for (size_t i = 0; i < sizeof(utf8_locales) / sizeof(utf8_locales[0]); i++)
		if (setlocale(LC_CTYPE, utf8_locales[i]) && codeset_is_utf8()) {
			ascii_mode = false;
			return;
		}
	ascii_mode = true;
	if (note && notelen)
		snprintf(note, notelen, "charset is utf-8 but this machine has no UTF-8 locale (see locale -a): drawing ASCII");
}

void charset_force_ascii(bool ascii)
{
	ascii_mode = ascii;
}

bool charset_ascii(void)
{
	return ascii_mode;
}

const char *charset_glyph(enum glyph g)
{
	if ((int)g < 0 || g >= GLYPH_COUNT)
		return "?";
	return glyphs[g][ascii_mode ? 1 : 0];
}

const char *charset_ascii_for(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(stand_ins) / sizeof(stand_ins[0]);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (stand_ins[mid].cp == cp)
			return stand_ins[mid].ascii;
		if (stand_ins[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
