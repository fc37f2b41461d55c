/* test_mux.c: the Docker multiplexed stream decoder: every way the engine's
 * bytes can be split across reads, empty and huge frames, the in-band
 * systemerr stream, the raw fallback for a stream that was never framed, and
 * the constructed reference captures (skipped when the folder is absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/docker/mux.h"
#include "tests/unit/fixtures.h"
#include "backends/util/logring.h"
#include "backends/util/util.h"

/* What the decoder emitted: the bytes per stream, the order streams took
 * turns in (adjacent pieces of one stream merged, so it does not depend on
 * how the input was split) and the raw count and size of emits. */
struct sink {
	struct buf out[4];
	struct buf order;
	size_t emits, biggest;
	bool bad_stream, empty_emit;
};

static void sink_init(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 4; i++)
		buf_init(&s->out[i]);
	buf_init(&s->order);
}

static void sink_cleanup(struct sink *s)
{
	for (int i = 0; i < 4; i++)
		buf_cleanup(&s->out[i]);
	buf_cleanup(&s->order);
}

static void sink_emit(void *arg, int stream, const char *data, size_t len)
{
	struct sink *s = arg;
	s->emits++;
	if (len > s->biggest)
		s->biggest = len;
	if (len == 0)
		s->empty_emit = true;
	if (stream < 0 || stream > 3) {
		s->bad_stream = true;
		return;
	}
	buf_append(&s->out[stream], data, len);
	char c = (char)('0' + stream);
	if (s->order.len == 0 || s->order.data[s->order.len - 1] != c)
		buf_putc(&s->order, c);
}

static const char *sink_str(struct sink *s, int stream)
{
	return s->out[stream].data ? s->out[stream].data : "";
}

/* Appends a frame header and payload to b. */
static void frame(struct buf *b, int stream, const char *payload, size_t n)
{
	unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
			      (unsigned char)(n >> 8), (unsigned char)n};
	buf_append(b, h, sizeof(h));
	buf_append(b, payload, n);
}

static void frame_str(struct buf *b, int stream, const char *payload)
{
	frame(b, stream, payload, strlen(payload));
}

/* A stream exercising every stream number and an empty frame. */
static void sample(struct buf *b)
{
	buf_init(b);
	frame_str(b, 1, "hello stdout\n");
	frame_str(b, 2, "oops on stderr\n");
	frame(b, 1, "", 0);
	frame_str(b, 1, "second ");
	frame_str(b, 1, "half\n");
	frame_str(b, 0, "typed");
	frame_str(b, 3, "Error grabbing logs: boom");
	frame_str(b, 2, "e2\n");
}

static void check_sample(struct sink *s)
{
	assert_false(s->bad_stream);
	assert_false(s->empty_emit);
	assert_string_equal(sink_str(s, 1), "hello stdout\nsecond half\n");
	assert_string_equal(sink_str(s, 2), "oops on stderr\ne2\n");
	assert_string_equal(sink_str(s, 0), "typed");
	assert_string_equal(sink_str(s, 3), "Error grabbing logs: boom");
	assert_string_equal(s->order.data, "121032");
}

static void test_one_read(void **state)
{
	(void)state;
	struct buf in;
	sample(&in);
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, in.data, in.len, sink_emit, &s), 0);
	check_sample(&s);
	/* Several frames in one read: one emit per non-empty frame, none merged
	 * even where two stdout frames are adjacent. */
	assert_int_equal(s.emits, 7);
	assert_false(m.broken);
	assert_int_equal(m.hdr_have, 0);
	assert_int_equal(m.left, 0);
	sink_cleanup(&s);
	buf_cleanup(&in);
}

static void test_every_split_point(void **state)
{
	(void)state;
	struct buf in;
	sample(&in);
	for (size_t k = 0; k <= in.len; k++) {
		struct mux_decoder m;
		mux_init(&m);
		struct sink s;
		sink_init(&s);
		assert_int_equal(mux_feed(&m, in.data, k, sink_emit, &s), 0);
		assert_int_equal(mux_feed(&m, in.data + k, in.len - k, sink_emit, &s), 0);
		check_sample(&s);
		sink_cleanup(&s);
	}
	buf_cleanup(&in);
}

static void test_two_split_points(void **state)
{
	(void)state;
	struct buf in;
	sample(&in);
	for (size_t i = 0; i <= in.len; i++)
		for (size_t j = i; j <= in.len; j++) {
			struct mux_decoder m;
			mux_init(&m);
			struct sink s;
			sink_init(&s);
			assert_int_equal(mux_feed(&m, in.data, i, sink_emit, &s), 0);
			assert_int_equal(mux_feed(&m, in.data + i, j - i, sink_emit, &s), 0);
			assert_int_equal(mux_feed(&m, in.data + j, in.len - j, sink_emit, &s), 0);
			check_sample(&s);
			sink_cleanup(&s);
		}
	buf_cleanup(&in);
}

static void test_byte_at_a_time(void **state)
{
	(void)state;
	struct buf in;
	sample(&in);
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	for (size_t i = 0; i < in.len; i++)
		assert_int_equal(mux_feed(&m, in.data + i, 1, sink_emit, &s), 0);
	check_sample(&s);
	sink_cleanup(&s);
	buf_cleanup(&in);
}

static void test_header_split(void **state)
{
	(void)state;
	struct buf in;
	buf_init(&in);
	frame_str(&in, 2, "err!");
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, in.data, 3, sink_emit, &s), 0);
	assert_int_equal(s.emits, 0);
	assert_int_equal(m.hdr_have, 3);
	assert_int_equal(mux_feed(&m, in.data + 3, 4, sink_emit, &s), 0);
	assert_int_equal(s.emits, 0);
	assert_int_equal(m.hdr_have, 7);
	assert_int_equal(mux_feed(&m, in.data + 7, in.len - 7, sink_emit, &s), 0);
	assert_string_equal(sink_str(&s, 2), "err!");
	assert_int_equal(s.emits, 1);
	sink_cleanup(&s);
	buf_cleanup(&in);
}

static void test_size_zero(void **state)
{
	(void)state;
	struct buf in;
	buf_init(&in);
	frame(&in, 1, "", 0);
	frame(&in, 2, "", 0);
	frame_str(&in, 1, "x");
	frame(&in, 1, "", 0);
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, in.data, in.len, sink_emit, &s), 0);
	assert_int_equal(s.emits, 1);
	assert_string_equal(sink_str(&s, 1), "x");
	assert_int_equal(s.out[2].len, 0);
	assert_int_equal(m.hdr_have, 0);
	assert_int_equal(m.left, 0);
	sink_cleanup(&s);
	buf_cleanup(&in);
}

static void test_large_payload(void **state)
{
	(void)state;
	size_t big = 100 * 1024;
	char *payload = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		payload[i] = (char)('a' + i % 26);
	struct buf in;
	buf_init(&in);
	frame(&in, 1, payload, big);
	frame_str(&in, 2, "after");
	for (size_t chunk = 1000; chunk <= in.len; chunk = chunk * 7 + 13) {
		struct mux_decoder m;
		mux_init(&m);
		struct sink s;
		sink_init(&s);
		for (size_t off = 0; off < in.len; off += chunk) {
			size_t n = in.len - off < chunk ? in.len - off : chunk;
			assert_int_equal(mux_feed(&m, in.data + off, n, sink_emit, &s), 0);
		}
		assert_int_equal(s.out[1].len, big);
		assert_memory_equal(s.out[1].data, payload, big);
		assert_string_equal(sink_str(&s, 2), "after");
		assert_string_equal(s.order.data, "12");
		sink_cleanup(&s);
	}
	/* All at once: the payload goes out in one piece, straight from the input. */
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, in.data, in.len, sink_emit, &s), 0);
	assert_int_equal(s.emits, 2);
	assert_int_equal(s.biggest, big);
	sink_cleanup(&s);
	buf_cleanup(&in);
	free(payload);
}

static void test_stderr_and_systemerr(void **state)
{
	(void)state;
	struct buf in;
	buf_init(&in);
	frame_str(&in, 2, "warning: low disk\n");
	frame_str(&in, 3, "Error grabbing logs: invalid character");
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, in.data, in.len, sink_emit, &s), 0);
	assert_string_equal(sink_str(&s, 2), "warning: low disk\n");
	assert_string_equal(sink_str(&s, 3), "Error grabbing logs: invalid character");
	assert_int_equal(s.out[1].len, 0);
	assert_string_equal(s.order.data, "23");
	sink_cleanup(&s);
	buf_cleanup(&in);
}

/* A TTY container's raw output: recognised from its first byte, passed
 * through whole, and every later feed too. */
static void test_raw_fallback(void **state)
{
	(void)state;
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, "$ ", 2, sink_emit, &s), -1);
	assert_true(m.broken);
	assert_string_equal(sink_str(&s, 1), "$ ");
	assert_int_equal(mux_feed(&m, "ls\r\n", 4, sink_emit, &s), 0);
	assert_int_equal(mux_feed(&m, "\x01\x00\x00\x00", 4, sink_emit, &s), 0);
	assert_int_equal(s.out[1].len, 10);
	assert_memory_equal(s.out[1].data, "$ ls\r\n\x01\x00\x00\x00", 10);
	assert_false(s.empty_emit);
	sink_cleanup(&s);
}

/* Framing goes wrong mid-stream (bad padding, header split across reads):
 * the frames before stay decoded and the held header bytes are not lost. */
static void test_malformed_padding(void **state)
{
	(void)state;
	struct buf in;
	buf_init(&in);
	frame_str(&in, 2, "ok\n");
	buf_append(&in, "\x01\x00", 2);
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, in.data, in.len, sink_emit, &s), 0);
	assert_string_equal(sink_str(&s, 2), "ok\n");
	assert_int_equal(s.out[1].len, 0);
	assert_int_equal(mux_feed(&m, "\x07\x00\x00\x00\x00\x05tail", 10, sink_emit, &s), -1);
	assert_true(m.broken);
	assert_int_equal(s.out[1].len, 12);
	assert_memory_equal(s.out[1].data, "\x01\x00\x07\x00\x00\x00\x00\x05tail", 12);
	assert_string_equal(sink_str(&s, 2), "ok\n");
	sink_cleanup(&s);
	buf_cleanup(&in);
}

static void test_malformed_stream_byte(void **state)
{
	(void)state;
	/* 4 is not a stream; the padding check alone would not catch it. */
	const char in[] = "\x04\x00\x00\x00\x00\x00\x00\x02hi";
	struct mux_decoder m;
	mux_init(&m);
	struct sink s;
	sink_init(&s);
	assert_int_equal(mux_feed(&m, in, sizeof(in) - 1, sink_emit, &s), -1);
	assert_int_equal(s.out[1].len, sizeof(in) - 1);
	assert_memory_equal(s.out[1].data, in, sizeof(in) - 1);
	/* mux_init starts over in framed mode. */
	mux_init(&m);
	assert_false(m.broken);
	sink_cleanup(&s);
}

static void decode_chunked(const char *data, size_t len, size_t chunk, struct sink *s)
{
	struct mux_decoder m;
	mux_init(&m);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		assert_int_equal(mux_feed(&m, data + off, n, sink_emit, s), 0);
	}
	assert_int_equal(m.hdr_have, 0);
	assert_int_equal(m.left, 0);
}

static void test_reference_stdout_stderr(void **state)
{
	(void)state;
	REF(data, len, "multiplexed_stream_stdout_stderr.bin");
	struct buf want;
	buf_init(&want);
	buf_puts(&want, "hello stdout\n");
	for (int i = 0; i < 70000; i++)
		buf_putc(&want, 'x');
	buf_puts(&want, "partial line without newline");
	size_t chunks[] = {len, 1, 7, 4096};
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct sink s;
		sink_init(&s);
		decode_chunked(data, len, chunks[c], &s);
		assert_string_equal(sink_str(&s, 1), want.data);
		assert_string_equal(sink_str(&s, 2), "oops on stderr\n");
		assert_int_equal(s.out[0].len, 0);
		assert_int_equal(s.out[3].len, 0);
		assert_string_equal(s.order.data, "121");
		sink_cleanup(&s);
	}
	buf_cleanup(&want);
	free(data);
}

static void test_reference_systemerr(void **state)
{
	(void)state;
	REF(data, len, "multiplexed_stream_systemerr.bin");
	for (size_t chunk = 1; chunk <= len; chunk++) {
		struct sink s;
		sink_init(&s);
		decode_chunked(data, len, chunk, &s);
		assert_string_equal(sink_str(&s, 1), "log line 1\n");
		assert_string_equal(sink_str(&s, 3), "Error grabbing logs: invalid character");
		assert_int_equal(s.out[2].len, 0);
		assert_string_equal(s.order.data, "13");
		sink_cleanup(&s);
	}
	free(data);
}

/* The log viewer's path: decoder into the line ring. The 70000 x's and the
 * unterminated tail are one stdout line, cut at the 64 KiB bound; its tail
 * only becomes a line on flush. */
static void ring_emit(void *arg, int stream, const char *data, size_t len)
{
	logring_feed(arg, stream, data, len, false);
}

static void test_reference_into_logring(void **state)
{
	(void)state;
	REF(data, len, "multiplexed_stream_stdout_stderr.bin");
	struct logring r;
	logring_init(&r, 100);
	struct mux_decoder m;
	mux_init(&m);
	for (size_t off = 0; off < len; off += 1000)
		assert_int_equal(mux_feed(&m, data + off, len - off < 1000 ? len - off : 1000, ring_emit, &r), 0);
	assert_int_equal(logring_len(&r), 3);
	logring_flush(&r);
	assert_int_equal(logring_len(&r), 4);
	assert_string_equal(logring_get(&r, 0)->text, "hello stdout");
	assert_int_equal(logring_get(&r, 0)->stream, 1);
	assert_string_equal(logring_get(&r, 1)->text, "oops on stderr");
	assert_int_equal(logring_get(&r, 1)->stream, 2);
	const char *cut = logring_get(&r, 2)->text;
	assert_int_equal(strlen(cut), LOGRING_MAX_LINE);
	assert_int_equal(strspn(cut, "x"), LOGRING_MAX_LINE);
	const char *tail = logring_get(&r, 3)->text;
	size_t xs = 70000 - LOGRING_MAX_LINE;
	assert_int_equal(strspn(tail, "x"), xs);
	assert_string_equal(tail + xs, "partial line without newline");
	logring_cleanup(&r);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_read),
		cmocka_unit_test(test_every_split_point),
		cmocka_unit_test(test_two_split_points),
		cmocka_unit_test(test_byte_at_a_time),
		cmocka_unit_test(test_header_split),
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_large_payload),
		cmocka_unit_test(test_stderr_and_systemerr),
		cmocka_unit_test(test_raw_fallback),
		cmocka_unit_test(test_malformed_padding),
		cmocka_unit_test(test_malformed_stream_byte),
		cmocka_unit_test(test_reference_stdout_stderr),
		cmocka_unit_test(test_reference_systemerr),
		cmocka_unit_test(test_reference_into_logring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
