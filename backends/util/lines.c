/* lines.c: capped line splitting (see lines.h). Each line is gathered in
 * one buffer and handed over from there, so a line split across chunks and
 * one that arrived whole look the same to the callback. */
#include "backends/util/lines.h"

#include <string.h>

void lines_init(struct lines *l, size_t max)
{
	buf_init(&l->line);
	l->max = max;
}

void lines_cleanup(struct lines *l)
{
	buf_cleanup(&l->line);
}

void lines_reset(struct lines *l)
{
	buf_reset(&l->line);
}

static enum lines_result emit(struct lines *l, lines_fn fn, void *arg)
{
	size_t n = l->line.len;
	if (n && l->line.data[n - 1] == '\r')
		l->line.data[--n] = '\0';
	bool go = fn(arg, l->line.data ? l->line.data : (char *)"", n);
	buf_reset(&l->line);
	return go ? LINES_OK : LINES_STOPPED;
}

enum lines_result lines_feed(struct lines *l, const char *data, size_t len, lines_fn fn, void *arg)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (!buf_append_max(&l->line, p, n, l->max)) {
			buf_reset(&l->line);
			return LINES_TOO_LONG;
		}
		if (!nl)
			break;
		p = nl + 1;
		if (emit(l, fn, arg) == LINES_STOPPED)
			return LINES_STOPPED;
	}
	return LINES_OK;
}

enum lines_result lines_flush(struct lines *l, lines_fn fn, void *arg)
{
	if (!l->line.len)
		return LINES_OK;
	return emit(l, fn, arg);
}
