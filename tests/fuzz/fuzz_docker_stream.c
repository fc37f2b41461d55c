/* fuzz_docker_stream.c: Docker's streamed bodies: /events lines through the
 * capped line splitter and the event decoder, and stats samples (two in a
 * row, the second computed against the first), chosen by the first byte. */
#include "tests/fuzz/fuzz.h"
#include "backends/docker/decode.h"
#include "backends/util/limits.h"
#include "backends/util/lines.h"

static bool event(void *arg, char *line, size_t len)
{
	struct docker_event ev;
	char err[256];
	(void)arg;
	docker_decode_event(line, len, &ev, err, sizeof(err));
	return true;
}

FUZZ_TARGET(docker_stream)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	if (!size)
		return 0;
	if (data[0] & 1) {
		fuzz_split(data + 1, size - 1, &a, &alen, &b, &blen);
		struct lines l;
		lines_init(&l, LIMIT_EVENT_LINE);
		if (lines_feed(&l, (const char *)a, alen, event, NULL) == LINES_OK &&
		    lines_feed(&l, (const char *)b, blen, event, NULL) == LINES_OK)
			lines_flush(&l, event, NULL);
		lines_cleanup(&l);
		return 0;
	}
	fuzz_split(data + 1, size - 1, &a, &alen, &b, &blen);
	struct docker_cpu_sample first = {0}, second = {0};
	int64_t cpu, mem, limit;
	char err[256];
	docker_decode_stats((const char *)a, alen, NULL, &first, &cpu, &mem, &limit, err, sizeof(err));
	docker_decode_stats((const char *)b, blen, &first, &second, &cpu, &mem, &limit, err, sizeof(err));
	return 0;
}
