/* bqueue.h: output waiting to be read from an exec stream, as segments
 * tagged with their stream (stdout/stderr), so a protocol that delivers
 * several messages per read hands them out in order, one read() at a time. */
#ifndef BINNACLE_BQUEUE_H
#define BINNACLE_BQUEUE_H

#include <stddef.h>

#include "backends/util/util.h"

struct bqueue {
	struct buf data; /* [stream byte][4-byte length][bytes]... */
};

void bqueue_init(struct bqueue *q);
void bqueue_cleanup(struct bqueue *q);
void bqueue_push(struct bqueue *q, int stream, const char *data, size_t len);
/* Copies up to n bytes of the first segment; its length, or -1 when empty. */
long bqueue_pop(struct bqueue *q, char *buf, size_t n, int *stream);
int bqueue_empty(const struct bqueue *q);

/* The command an exec runs when the user configured no shell: bash when the
 * image has it, else the POSIX sh every image has. NULL-terminated. */
extern const char *const exec_default_shell[];

#endif
