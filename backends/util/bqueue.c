/* bqueue.c: the exec output queue (see bqueue.h). */
#include "backends/util/bqueue.h"

#include <string.h>

const char *const exec_default_shell[] = {
	"/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; fi; exec sh", NULL};

void bqueue_init(struct bqueue *q)
{
	buf_init(&q->data);
}

void bqueue_cleanup(struct bqueue *q)
{
	buf_cleanup(&q->data);
}

void bqueue_push(struct bqueue *q, int stream, const char *data, size_t len)
{
	if (!len)
		return;
	unsigned char head[5] = {(unsigned char)stream, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
				 (unsigned char)(len >> 8), (unsigned char)len};
	buf_append(&q->data, head, 5);
	buf_append(&q->data, data, len);
}

int bqueue_empty(const struct bqueue *q)
{
	return q->data.len < 5;
}

long bqueue_pop(struct bqueue *q, char *buf, size_t n, int *stream)
{
	if (q->data.len < 5)
		return -1;
	unsigned char *h = (unsigned char *)q->data.data;
	size_t len = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
	size_t take = len < n ? len : n;
	if (stream)
		*stream = h[0];
	memcpy(buf, q->data.data + 5, take);
	if (take == len) {
		buf_consume(&q->data, 5 + len);
	} else {
		/* the rest of this segment stays first, with its new length */
		size_t rest = len - take;
		memmove(q->data.data + 5, q->data.data + 5 + take, q->data.len - 5 - take);
		q->data.len -= take;
		h[1] = (unsigned char)(rest >> 24), h[2] = (unsigned char)(rest >> 16);
		h[3] = (unsigned char)(rest >> 8), h[4] = (unsigned char)rest;
	}
	return (long)take;
}
