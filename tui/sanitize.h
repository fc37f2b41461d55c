/* sanitize.h: the one gate every server-supplied string passes before it
 * reaches a terminal (curses screen or `binnacle get` output), plus display
 * width helpers that measure and cut text in terminal cells, not bytes.
 * No curses here so the plain-text output path can use it too. */
#ifndef BINNACLE_SANITIZE_H
#define BINNACLE_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* By default a sanitised string is a single line, so a table cell can never
 * break the layout; multi-line views (logs, describe) opt in to keeping
 * tabs (they expand them themselves) and line feeds. */
enum sanitize_flags {
	SANITIZE_KEEP_TAB = 1,     /* keep '\t' instead of turning it into one space */
	SANITIZE_KEEP_NEWLINE = 2, /* keep '\n'; a CR right before it is dropped,
	                              a lone CR still shows as ^M */
};

/* Owned, NUL-terminated, valid UTF-8 copy of s[0..len) that is inert on a
 * terminal: C0 controls and DEL in caret notation (^[, ^@, ^?), tab as one
 * space, C1 controls and bidi overrides/isolates/marks as <U+XXXX>, invalid
 * UTF-8 byte by byte as \xNN. Printable UTF-8 is unchanged, except in ASCII
 * mode (charset_ascii()): there every other non-ASCII character becomes its
 * obvious stand-in ("..." for U+2026, "-" for dashes and U+00B7, quotes for
 * curly quotes) or one "?", so the result is pure ASCII. s may be NULL
 * when len is 0. */
char *sanitize_display(const char *s, size_t len);
char *sanitize_display_flags(const char *s, size_t len, unsigned flags);

/* True when sanitize_display(_flags) would return exactly s[0..len), so the
 * caller can use the string as is and skip the allocation. */
bool sanitize_is_clean(const char *s, size_t len);
bool sanitize_is_clean_flags(const char *s, size_t len, unsigned flags);

/* Width in terminal cells of a sanitised UTF-8 string, by wcwidth(): needs a
 * UTF-8 LC_CTYPE. Combining marks count 0, wide characters 2, anything
 * wcwidth calls unprintable (and stray invalid bytes) 1. NULL counts 0. */
int sanitize_width(const char *s);

/* Number of bytes of s that fit in max_cells cells without cutting a UTF-8
 * character or leaving half of a wide one; zero-width marks stay with the
 * character before them. *used_cells (if not NULL) gets the prefix width. */
size_t sanitize_fit(const char *s, int max_cells, int *used_cells);

/* Owned copy of s that fits in max_cells cells; when text had to be cut the
 * last cell is the cut mark ("…", or "~" in ASCII mode) so the operator can
 * tell. */
char *sanitize_truncate(const char *s, int max_cells);

/* Appends s to out as exactly `cells` cells: cut as sanitize_truncate does,
 * then padded with spaces on the right (or the left when right_align). */
void sanitize_pad(struct buf *out, const char *s, int cells, bool right_align);

#endif
