/* sanitize.c: makes server-supplied text inert and visible before it reaches
 * a terminal (ASCII only when the terminal takes nothing else, see
 * charset.h), and measures/cuts UTF-8 text in display cells. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth() under -std=c11 */
#endif

#include "tui/sanitize.h"
#include "tui/charset.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "backends/util/util.h"

/* Length of the well-formed UTF-8 sequence at p (Unicode Table 3-7), or 0.
 * The table form rejects overlongs, surrogates and code points past
 * U+10FFFF by the second byte, so no decoded value needs re-checking. */
static size_t sanitize_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char b = p[i];
		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		*cp = (*cp << 6) | (b & 0x3f);
	}
	return n;
}

/* Code points that reorder or hide what surrounds them: the operator must
 * see the text in the order the server sent it ("Trojan Source"). */
static bool sanitize_is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f ||
	       cp == 0x061c; /* Arabic letter mark: the third bidi mark besides LRM/RLM */
}

/* The one pass behind both sanitize_display and sanitize_is_clean, so the two
 * cannot disagree. With out == NULL it stops at the first change. Returns
 * true when nothing had to change. */
static bool sanitize_run(const char *s, size_t len, unsigned flags, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0; /* run: start of bytes not yet copied to out */
	bool clean = true;

	while (i < len) {
		char rep[16];
		size_t replen = 0, n;
		bool change = true;
		uint32_t cp;

		n = sanitize_decode(p + i, len - i, &cp);
		if (n == 0) {
			snprintf(rep, sizeof rep, "\\x%02X", p[i]);
			replen = 4;
			n = 1;
		} else if (cp == '\t' && !(flags & SANITIZE_KEEP_TAB)) {
			rep[0] = ' ';
			replen = 1;
		} else if (cp == '\t' || (cp == '\n' && (flags & SANITIZE_KEEP_NEWLINE))) {
			change = false;
		} else if (cp == '\r' && (flags & SANITIZE_KEEP_NEWLINE) && i + 1 < len &&
		           p[i + 1] == '\n') {
			/* CRLF from Windows containers: the CR carries nothing, and
			 * ^M on every log line would only be noise. Dropped. */
		} else if (cp < 0x20 || cp == 0x7f) {
			/* Caret notation as cat -v and less show it; a lone CR stays
			 * visible because it would let the rest of a line overdraw
			 * its start. */
			rep[0] = '^';
			rep[1] = (char)(cp == 0x7f ? '?' : cp + 0x40);
			replen = 2;
		} else if ((cp >= 0x80 && cp <= 0x9f) || sanitize_is_bidi(cp)) {
			/* C1 includes U+009B CSI, which some terminals execute. */
			snprintf(rep, sizeof rep, "<U+%04X>", (unsigned)cp);
			replen = 8;
		} else if (cp >= 0x80 && charset_ascii()) {
			/* the terminal takes ASCII only: an obvious stand-in, else
			 * one "?" per character, as ls shows names it cannot */
			const char *a = charset_ascii_for(cp);
			replen = a ? strlen(a) : 1;
			memcpy(rep, a ? a : "?", replen);
		} else {
			change = false;
		}
		if (change) {
			if (!out)
				return false;
			clean = false;
			buf_append(out, s + run, i - run);
			buf_append(out, rep, replen);
			run = i + n;
		}
		i += n;
	}
	if (out)
		buf_append(out, s + run, len - run);
	return clean;
}

char *sanitize_display_flags(const char *s, size_t len, unsigned flags)
{
	struct buf b;

	if (!s)
		return xstrdup("");
	buf_init(&b);
	sanitize_run(s, len, flags, &b);
	return buf_steal(&b);
}

char *sanitize_display(const char *s, size_t len)
{
	return sanitize_display_flags(s, len, 0);
}

bool sanitize_is_clean_flags(const char *s, size_t len, unsigned flags)
{
	if (!s)
		return len == 0;
	return sanitize_run(s, len, flags, NULL);
}

bool sanitize_is_clean(const char *s, size_t len)
{
	return sanitize_is_clean_flags(s, len, 0);
}

/* Width of the character at p and its byte length. Invalid bytes are taken
 * one at a time as one cell so unsanitised input still measures sanely. */
static int sanitize_char_width(const unsigned char *p, size_t len, size_t *nbytes)
{
	uint32_t cp;
	size_t n = sanitize_decode(p, len, &cp);
	int w;

	if (n == 0) {
		*nbytes = 1;
		return 1;
	}
	*nbytes = n;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int sanitize_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0;
	long total = 0;

	if (!s)
		return 0;
	len = strlen(s);
	while (i < len) {
		size_t n;
		total += sanitize_char_width(p + i, len - i, &n);
		if (total > INT_MAX)
			return INT_MAX;
		i += n;
	}
	return (int)total;
}

size_t sanitize_fit(const char *s, int max_cells, int *used_cells)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0;
	int used = 0;

	if (s) {
		len = strlen(s);
		while (i < len) {
			size_t n;
			int w = sanitize_char_width(p + i, len - i, &n);
			/* A zero-width mark always fits, so it stays with the
			 * character it follows; one after an excluded character is
			 * never reached because we stop there. */
			if (w > max_cells - used)
				break;
			used += w;
			i += n;
		}
	}
	if (used_cells)
		*used_cells = used;
	return i;
}

/* How much of s to keep within max_cells, and whether an ellipsis follows. */
static size_t sanitize_cut(const char *s, int max_cells, int *used, bool *ellipsis)
{
	size_t n;

	*ellipsis = false;
	if (max_cells <= 0) {
		*used = 0;
		return 0; /* not even a leading zero-width mark: nothing to attach it to */
	}
	n = sanitize_fit(s, max_cells, used);
	if (!s || s[n] == '\0')
		return n;
	*ellipsis = true;
	n = sanitize_fit(s, max_cells - 1, used);
	*used += 1;
	return n;
}

char *sanitize_truncate(const char *s, int max_cells)
{
	struct buf b;
	bool ellipsis;
	int used;
	size_t n = sanitize_cut(s, max_cells, &used, &ellipsis);

	buf_init(&b);
	if (s)
		buf_append(&b, s, n);
	if (ellipsis)
		buf_puts(&b, charset_glyph(GLYPH_CUT));
	return buf_steal(&b);
}

static void sanitize_spaces(struct buf *out, int n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;
		buf_append(out, spaces, (size_t)k);
		n -= k;
	}
}

void sanitize_pad(struct buf *out, const char *s, int cells, bool right_align)
{
	bool ellipsis;
	int used;
	size_t n;

	if (cells <= 0)
		return;
	n = sanitize_cut(s, cells, &used, &ellipsis);
	if (right_align)
		sanitize_spaces(out, cells - used);
	if (s)
		buf_append(out, s, n);
	if (ellipsis)
		buf_puts(out, charset_glyph(GLYPH_CUT));
	if (!right_align)
		sanitize_spaces(out, cells - used);
}
