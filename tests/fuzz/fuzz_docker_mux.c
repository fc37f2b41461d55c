/* fuzz_docker_mux.c: Docker's multiplexed stream (logs, exec without a TTY)
 * in two chunks, through the frame decoder into the log ring, as the log
 * viewer takes it (timestamps split off, long lines cut, bytes bounded). */
#include "tests/fuzz/fuzz.h"
#include "backends/docker/mux.h"
#include "backends/util/logring.h"

static void emit(void *arg, int stream, const char *data, size_t len)
{
	logring_feed(arg, stream, data, len, true);
}

FUZZ_TARGET(docker_mux)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	fuzz_split(data, size, &a, &alen, &b, &blen);
	struct mux_decoder m;
	struct logring r;
	mux_init(&m);
	logring_init(&r, 50);
	r.max_line = 100;
	r.max_bytes = 2000;
	mux_feed(&m, (const char *)a, alen, emit, &r);
	mux_feed(&m, (const char *)b, blen, emit, &r);
	logring_flush(&r);
	for (size_t i = 0; i < logring_len(&r); i++)
		logring_get(&r, i);
	logring_cleanup(&r);
	return 0;
}
