/* lines.h: a byte stream that arrives in arbitrary chunks, split into lines,
 * holding at most a cap of one unfinished line: what every line-delimited
 * stream a server sends (Docker's events and pull progress, log lines)
 * goes through, so a line without an end cannot fill memory. */
#ifndef BINNACLE_LINES_H
#define BINNACLE_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/util/util.h"

struct lines {
	struct buf line; /* the unfinished line */
	size_t max;      /* the longest line held, '\n' excluded */
};

/* fn gets each complete line without its '\n' (a '\r' before it is
 * dropped), NUL-terminated and writable for the call; false stops. */
typedef bool (*lines_fn)(void *arg, char *line, size_t len);

enum lines_result {
	LINES_OK,       /* every complete line went to fn; a partial one is held */
	LINES_STOPPED,  /* fn returned false: the rest of the chunk is dropped */
	LINES_TOO_LONG, /* a line went past max: it and the rest of the chunk are dropped */
};

void lines_init(struct lines *l, size_t max);
void lines_cleanup(struct lines *l);
/* Forgets the unfinished line. */
void lines_reset(struct lines *l);
enum lines_result lines_feed(struct lines *l, const char *data, size_t len, lines_fn fn, void *arg);
/* The unfinished line at the end of the stream, if any, to fn. */
enum lines_result lines_flush(struct lines *l, lines_fn fn, void *arg);

#endif
