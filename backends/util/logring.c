/* logring.c: bounded ring of log lines (see logring.h). Every line costs
 * amortised O(1): a full ring overwrites its oldest slot in place (freeing that
 * text) instead of shifting, and bytes are copied once, into the line's own
 * exact-size allocation, except while a line is split across chunks. */
#include "backends/util/logring.h"
#include "backends/util/limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void logring_init(struct logring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap ? cap : 1;
	/* calloc'd pages are not touched until used, so a generous cap costs
	 * little until the lines actually arrive. */
	r->lines = xcalloc(r->cap, sizeof(*r->lines));
	for (size_t i = 0; i < sizeof(r->partial) / sizeof(r->partial[0]); i++)
		buf_init(&r->partial[i]);
	r->max_line = LOGRING_MAX_LINE;
	r->max_bytes = LIMIT_LOG_BYTES;
}

static void logring_free_lines(struct logring *r)
{
	for (size_t i = 0; i < r->len; i++) {
		struct logline *l = &r->lines[(r->start + i) % r->cap];
		free(l->text);
		l->text = NULL;
	}
	r->start = r->len = 0;
	r->bytes = 0;
}

void logring_cleanup(struct logring *r)
{
	if (!r->lines)
		return;
	logring_free_lines(r);
	free(r->lines);
	r->lines = NULL;
	for (size_t i = 0; i < sizeof(r->partial) / sizeof(r->partial[0]); i++)
		buf_cleanup(&r->partial[i]);
}

static size_t logring_max(const struct logring *r)
{
	return r->max_line ? r->max_line : LOGRING_MAX_LINE;
}

static int logring_stream(int stream)
{
	return stream == 2 || stream == 3 ? stream : 1;
}

static bool logring_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Length of the leading timestamp token of p[0..n), or 0. The shape is checked,
 * not just "up to the first space", because the pieces of a cut line and the
 * daemon's own error messages carry no timestamp and must not lose a word. */
static size_t logring_ts_len(const char *p, size_t n)
{
	const char *sp = memchr(p, ' ', n < 40 ? n : 40);
	size_t k = sp ? (size_t)(sp - p) : n;
	if (k < 20 || k >= 40)
		return 0;
	if (!logring_digits(p, 4) || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't'))
		return 0;
	char tok[40];
	memcpy(tok, p, k);
	tok[k] = '\0';
	return parse_rfc3339(tok) < 0 ? 0 : k;
}

/* Appends a line made of p[0..n) (borrowed). */
static void logring_push(struct logring *r, int stream, const char *p, size_t n, bool timestamps)
{
	struct logline *l;
	if (r->len < r->cap) {
		l = &r->lines[(r->start + r->len) % r->cap];
		r->len++;
	} else {
		l = &r->lines[r->start];
		r->bytes -= strlen(l->text);
		free(l->text);
		r->start = (r->start + 1) % r->cap;
		r->dropped++;
	}
	r->added++;
	l->stream = (unsigned char)stream;
	l->ts[0] = '\0';
	size_t k = timestamps ? logring_ts_len(p, n) : 0;
	if (k) {
		memcpy(l->ts, p, k);
		l->ts[k] = '\0';
		k += k < n; /* the separating space */
	}
	l->text = xstrndup(p + k, n - k);
	r->bytes += n - k;
	/* the byte bound: the oldest lines go, however few are left (never the new one) */
	size_t max = r->max_bytes ? r->max_bytes : LIMIT_LOG_BYTES;
	while (r->bytes > max && r->len > 1) {
		struct logline *old = &r->lines[r->start];
		r->bytes -= strlen(old->text);
		free(old->text);
		old->text = NULL;
		r->start = (r->start + 1) % r->cap;
		r->len--;
		r->dropped++;
	}
}

/* Turns the first n bytes of the stream's partial line into a line, keeping
 * the rest. The rest is at most one byte (see logring_partial_add), so the
 * shift is cheap. */
static void logring_take(struct logring *r, int s, size_t n, bool timestamps)
{
	struct buf *b = &r->partial[s];
	logring_push(r, s, b->data ? b->data : "", n, timestamps);
	buf_consume(b, n);
}

/* Adds part of an unfinished line to the stream's partial, cutting a line off
 * whenever it reaches max_line. A '\r' arriving just past the limit at the end
 * of the chunk is held back (the partial is then max_line + 1 long): if '\n'
 * follows it belongs to the line ending, and cutting before it would leave a
 * spurious empty line behind. */
static void logring_partial_add(struct logring *r, int s, const char *p, size_t n, bool timestamps)
{
	struct buf *b = &r->partial[s];
	size_t max = logring_max(r);
	while (n > 0) {
		if (b->len >= max) {
			if (b->len == max && n == 1 && *p == '\r') {
				buf_append(b, p, 1);
				return;
			}
			logring_take(r, s, max, timestamps);
			continue;
		}
		size_t k = max - b->len;
		if (k > n)
			k = n;
		buf_append(b, p, k);
		p += k;
		n -= k;
	}
}

/* Emits the whole partial line of stream s (at least one line, maybe empty). */
static void logring_partial_end(struct logring *r, int s, bool timestamps)
{
	struct buf *b = &r->partial[s];
	size_t max = logring_max(r);
	if (b->len > max)
		logring_take(r, s, max, timestamps);
	logring_take(r, s, b->len, timestamps);
}

/* A newline arrived: p[0..n) is the end of the line, '\n' excluded. */
static void logring_line_end(struct logring *r, int s, const char *p, size_t n, bool timestamps)
{
	struct buf *b = &r->partial[s];
	if (n > 0 && p[n - 1] == '\r')
		n--;
	else if (n == 0 && b->len > 0 && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	if (b->len == 0 && n <= logring_max(r)) {
		/* The common case: the whole line came in one chunk; copy it once. */
		logring_push(r, s, p, n, timestamps);
		return;
	}
	logring_partial_add(r, s, p, n, timestamps);
	logring_partial_end(r, s, timestamps);
}

void logring_feed(struct logring *r, int stream, const char *data, size_t len, bool timestamps)
{
	int s = logring_stream(stream);
	r->timestamps = timestamps;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			logring_partial_add(r, s, p, (size_t)(end - p), timestamps);
			return;
		}
		logring_line_end(r, s, p, (size_t)(nl - p), timestamps);
		p = nl + 1;
	}
}

void logring_flush(struct logring *r)
{
	for (int s = 1; s <= 3; s++) {
		struct buf *b = &r->partial[s];
		if (b->len == 0)
			continue;
		/* A lone trailing '\r' is a CRLF whose '\n' never came, not content. */
		if (b->data[b->len - 1] == '\r')
			b->data[--b->len] = '\0';
		logring_partial_end(r, s, r->timestamps);
	}
}

size_t logring_len(const struct logring *r)
{
	return r->len;
}

const struct logline *logring_get(const struct logring *r, size_t i)
{
	if (i >= r->len)
		return NULL;
	return &r->lines[(r->start + i) % r->cap];
}

void logring_clear(struct logring *r)
{
	logring_free_lines(r);
	r->dropped = 0;
}

int logring_save(const struct logring *r, const char *path, bool with_ts, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return set_err(err, errlen, "Cannot write %s: %s.", path, strerror(errno));
	for (size_t i = 0; i < r->len; i++) {
		const struct logline *l = logring_get(r, i);
		if (with_ts && l->ts[0])
			fprintf(f, "%s ", l->ts);
		fputs(l->text, f);
		fputc('\n', f);
	}
	/* ferror catches a failed write that fclose would not report. */
	bool failed = ferror(f) != 0;
	int saved = errno;
	if (fclose(f) != 0 && !failed) {
		failed = true;
		saved = errno;
	}
	if (failed)
		return set_err(err, errlen, "Cannot write %s: %s.", path, strerror(saved));
	return 0;
}
