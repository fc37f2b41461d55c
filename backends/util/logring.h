/* logring.h: the bounded ring of log lines behind every backend's log viewer.
 * Raw chunks of stdout/stderr go in, whole lines come out, and memory stays
 * bounded however long a container keeps talking. */
#ifndef BINNACLE_LOGRING_H
#define BINNACLE_LOGRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/util/util.h"

/* Longest line kept in one piece unless max_line is changed. */
#define LOGRING_MAX_LINE (64 * 1024)

struct logline {
	char *text;          /* owned, without the trailing newline */
	char ts[40];         /* leading RFC 3339 timestamp when the source had timestamps, else "" */
	unsigned char stream; /* 1 stdout, 2 stderr, 3 system/error */
};

struct logring {
	struct logline *lines; /* cap slots; lines[start] is the oldest kept */
	size_t cap, start, len;
	uint64_t added;        /* lines ever added; never goes back, so viewers can spot new lines */
	uint64_t dropped;      /* lines pushed out by the bound since init or the last clear */
	struct buf partial[4]; /* per stream: the unfinished line awaiting its newline */
	size_t max_line;       /* longer lines are cut here; LOGRING_MAX_LINE by default */
	size_t bytes;          /* text held by the kept lines */
	size_t max_bytes;      /* past this the oldest lines go too; LIMIT_LOG_BYTES by default */
	bool timestamps;       /* the last feed's flag, so flush splits the same way */
};

/* cap is the most lines kept (at least 1), and max_bytes the most text
 * they hold (LIMIT_LOG_BYTES of limits.h: lines of up to 64 KiB would
 * otherwise make 10,000 lines 640 MB); the oldest go first. */
void logring_init(struct logring *r, size_t cap);
void logring_cleanup(struct logring *r);

/* Feeds a chunk (borrowed) of one stream: 1 stdout, 2 stderr, 3 system/error;
 * 0 (stdin echoed back) and anything else count as stdout. Splits on '\n',
 * dropping a '\r' before it, and keeps an unfinished line per stream until
 * its newline arrives. With timestamps, a leading RFC 3339 timestamp (up to
 * the first space) goes into ts; a line that does not start with one keeps
 * its text whole. A line longer than max_line is cut there and the rest
 * starts a new line, so one runaway line cannot exhaust memory. */
void logring_feed(struct logring *r, int stream, const char *data, size_t len, bool timestamps);
/* At end of stream: pending unfinished lines become lines. */
void logring_flush(struct logring *r);

size_t logring_len(const struct logring *r);
/* 0 = oldest kept; NULL past the end. Valid until the next feed, flush or clear. */
const struct logline *logring_get(const struct logring *r, size_t i);
/* Forgets the kept lines and the dropped count. Unfinished lines stay pending,
 * so a line that was half written when the user cleared arrives whole. */
void logring_clear(struct logring *r);

/* Writes every kept line, "ts text" when with_ts and ts is set, to path;
 * -1 with a sentence in err. */
int logring_save(const struct logring *r, const char *path, bool with_ts, char *err, size_t errlen);

#endif
