/* fuzz_sanitize.c: the one sanitiser every server string passes before the
 * screen: escape sequences and control characters made inert, invalid UTF-8
 * shown, widths in cells, cutting and padding never splitting a character;
 * in UTF-8 and in the ASCII-only form. */
#include "tests/fuzz/fuzz.h"
#include "backends/util/util.h"
#include "tui/charset.h"
#include "tui/sanitize.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

FUZZ_TARGET(sanitize)
{
	static int ready;
	if (!ready) {
		setlocale(LC_ALL, "C.UTF-8");
		ready = 1;
	}
	if (!size)
		return 0;
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	unsigned flags = data[0] & 3;
	int cells = (data[0] >> 3) % 40;
	charset_force_ascii(data[0] & 4);
	char *safe = sanitize_display_flags(s, len, flags);
	sanitize_is_clean_flags(s, len, flags);
	int w = sanitize_width(safe);
	(void)w;
	int used;
	sanitize_fit(safe, cells, &used);
	char *cut = sanitize_truncate(safe, cells);
	struct buf b;
	buf_init(&b);
	sanitize_pad(&b, safe, cells, data[0] & 1);
	/* whatever came in, what goes out holds no escape or control byte */
	for (const char *p = safe; *p; p++)
		if (((unsigned char)*p < 0x20 || *p == 0x7f) && !(*p == '\t' && (flags & SANITIZE_KEEP_TAB)) &&
		    !(*p == '\n' && (flags & SANITIZE_KEEP_NEWLINE)))
			abort();
	/* and in the ASCII-only form, nothing but ASCII */
	for (const char *p = safe; charset_ascii() && *p; p++)
		if ((unsigned char)*p >= 0x80)
			abort();
	buf_cleanup(&b);
	free(cut);
	free(safe);
	return 0;
}
