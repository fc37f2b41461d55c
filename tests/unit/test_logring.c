/* test_logring.c: the bounded ring of log lines: splitting chunks into lines
 * however they are cut, CRLF, per-stream unfinished lines, timestamps, the
 * capacity and line-length bounds, flush, clear, save, and a bulk feed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/fixtures.h"
#include "backends/util/logring.h"
#include "backends/util/util.h"

static void feed(struct logring *r, int stream, const char *s, bool ts)
{
	logring_feed(r, stream, s, strlen(s), ts);
}

static const char *text(const struct logring *r, size_t i)
{
	const struct logline *l = logring_get(r, i);
	assert_non_null(l);
	return l->text;
}

/* All kept lines as "stream:ts|text\n", to compare whole rings at once. */
static char *dump(const struct logring *r)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; i < logring_len(r); i++) {
		const struct logline *l = logring_get(r, i);
		buf_printf(&b, "%d:%s|", l->stream, l->ts);
		buf_puts(&b, l->text);
		buf_putc(&b, '\n');
	}
	return buf_steal(&b);
}

static void test_init_defaults(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 0);
	assert_int_equal(r.cap, 1);
	assert_int_equal(r.max_line, 64 * 1024);
	assert_int_equal(logring_len(&r), 0);
	assert_null(logring_get(&r, 0));
	logring_cleanup(&r);
	logring_cleanup(&r); /* twice is harmless */
}

static void test_split_across_chunks(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 100);
	feed(&r, 1, "hel", false);
	assert_int_equal(logring_len(&r), 0);
	feed(&r, 1, "lo\nwor", false);
	assert_int_equal(logring_len(&r), 1);
	feed(&r, 1, "ld\n\n", false);
	feed(&r, 1, "", false);
	assert_int_equal(logring_len(&r), 3);
	assert_string_equal(text(&r, 0), "hello");
	assert_string_equal(text(&r, 1), "world");
	assert_string_equal(text(&r, 2), "");
	assert_int_equal(logring_get(&r, 0)->stream, 1);
	assert_string_equal(logring_get(&r, 0)->ts, "");
	assert_null(logring_get(&r, 3));
	assert_int_equal(r.added, 3);
	assert_int_equal(r.dropped, 0);
	logring_cleanup(&r);
}

static void test_crlf(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 100);
	feed(&r, 1, "a\r\nb\r", false);
	feed(&r, 1, "\nc\r\r\nx\ry\n\r\n", false);
	char *d = dump(&r);
	assert_string_equal(d, "1:|a\n1:|b\n1:|c\r\n1:|x\ry\n1:|\n");
	free(d);
	logring_cleanup(&r);
}

static void test_streams_interleaved(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 100);
	feed(&r, 1, "out-a", false);
	feed(&r, 2, "err-a", false);
	feed(&r, 3, "sys", false);
	feed(&r, 1, "-b\nout2", false);
	feed(&r, 2, "-b\n", false);
	feed(&r, 3, "tem\n", false);
	feed(&r, 0, "-in\n", false); /* stdin echo continues stdout's line */
	feed(&r, 9, "odd\n", false);
	char *d = dump(&r);
	assert_string_equal(d, "1:|out-a-b\n2:|err-a-b\n3:|system\n1:|out2-in\n1:|odd\n");
	free(d);
	logring_cleanup(&r);
}

static void test_timestamps(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 100);
	feed(&r, 1, "2024-01-02T03:04:05.123456789Z hello\n", true);
	feed(&r, 2, "2024-01-02T03:04", true);
	feed(&r, 2, ":06+01:00 split  twice\r\n", true);
	feed(&r, 3, "Error grabbing logs: invalid character\n", true);
	feed(&r, 1, "2024-01-02T03:04:07Z\n", true);
	feed(&r, 1, "2024-01-02T03:04:08Z \n", true);
	feed(&r, 1, "2024-01-02T03:04:09Z not split without the flag\n", false);
	feed(&r, 1, "2024-13-02T03:04:09Z bad month\n", true);
	feed(&r, 1, "short line\n", true);
	char *d = dump(&r);
	assert_string_equal(d, "1:2024-01-02T03:04:05.123456789Z|hello\n"
			       "2:2024-01-02T03:04:06+01:00|split  twice\n"
			       "3:|Error grabbing logs: invalid character\n"
			       "1:2024-01-02T03:04:07Z|\n"
			       "1:2024-01-02T03:04:08Z|\n"
			       "1:|2024-01-02T03:04:09Z not split without the flag\n"
			       "1:|2024-13-02T03:04:09Z bad month\n"
			       "1:|short line\n");
	free(d);
	logring_cleanup(&r);
}

static void test_capacity(void **state)
{
	(void)state;
	size_t cap = 10;
	struct logring r;
	logring_init(&r, cap);
	for (size_t i = 0; i < 10 * cap; i++) {
		char line[32];
		snprintf(line, sizeof(line), "line %zu\n", i);
		feed(&r, i % 2 ? 2 : 1, line, false);
		assert_int_equal(logring_len(&r), i + 1 < cap ? i + 1 : cap);
	}
	assert_int_equal(logring_len(&r), cap);
	assert_int_equal(r.added, 10 * cap);
	assert_int_equal(r.dropped, 9 * cap);
	for (size_t i = 0; i < cap; i++) {
		char want[32];
		snprintf(want, sizeof(want), "line %zu", 9 * cap + i);
		assert_string_equal(text(&r, i), want);
		assert_int_equal(logring_get(&r, i)->stream, (9 * cap + i) % 2 ? 2 : 1);
	}
	assert_null(logring_get(&r, cap));
	logring_cleanup(&r);
}

static void test_max_line(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 100);
	r.max_line = 8;
	feed(&r, 1, "abcdefghijklmnopqrst\n12345678\n123456789\n", false);
	char *d = dump(&r);
	assert_string_equal(d, "1:|abcdefgh\n1:|ijklmnop\n1:|qrst\n1:|12345678\n1:|12345678\n1:|9\n");
	free(d);
	/* An unfinished runaway line is cut as it grows, before its newline. */
	logring_clear(&r);
	feed(&r, 2, "0123456789abcdefghij", false);
	assert_int_equal(logring_len(&r), 2);
	assert_int_equal(r.partial[2].len, 4);
	logring_cleanup(&r);
}

/* Bytes are bounded as well as lines: long lines push out the oldest ones
 * before the line count is reached, and the count stays exact. */
static void test_max_bytes(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 10000);
	assert_int_equal(r.max_bytes, 32u << 20);
	r.max_bytes = 100;
	for (int i = 0; i < 50; i++)
		feed(&r, 1, "0123456789012345678901234567890123456789\n", false); /* 40 bytes each */
	assert_int_equal(logring_len(&r), 2);
	assert_int_equal(r.bytes, 80);
	assert_int_equal(r.dropped, 48);
	assert_int_equal(r.added, 50);
	/* one line larger than the bound is kept alone rather than not at all */
	r.max_line = 1000;
	char big[301];
	memset(big, 'x', 300);
	big[300] = '\0';
	logring_feed(&r, 1, big, 300, false);
	logring_feed(&r, 1, "\n", 1, false);
	assert_int_equal(logring_len(&r), 1);
	assert_int_equal(r.bytes, 300);
	logring_clear(&r);
	assert_int_equal(r.bytes, 0);
	logring_cleanup(&r);
}

/* However the input is split, the lines come out the same, including the
 * cut of long lines and a '\r' that lands on the cut. */
static void test_split_points_agree(void **state)
{
	(void)state;
	const char *in = "abcdefghijklmnopqrst\r\n12345678\r\n\r\n1234567\r\r\nxy\rz\n"
			 "123456789\r\n12345678\r\r\n12345678\n2024-01-02T03:04:05Z a\n";
	const char *want = "1:|abcdefgh\n1:|ijklmnop\n1:|qrst\n1:|12345678\n1:|\n1:|1234567\r\n1:|xy\rz\n"
			   "1:|12345678\n1:|9\n1:|12345678\n1:|\r\n1:|12345678\n1:|2024-01-\n1:|02T03:04\n1:|:05Z a\n";
	size_t len = strlen(in);
	for (size_t k = 0; k <= len; k++) {
		struct logring r;
		logring_init(&r, 100);
		r.max_line = 8;
		logring_feed(&r, 1, in, k, true);
		logring_feed(&r, 1, in + k, len - k, true);
		char *d = dump(&r);
		assert_string_equal(d, want);
		free(d);
		logring_cleanup(&r);
	}
	struct logring r;
	logring_init(&r, 100);
	r.max_line = 8;
	for (size_t i = 0; i < len; i++)
		logring_feed(&r, 1, in + i, 1, true);
	char *d = dump(&r);
	assert_string_equal(d, want);
	free(d);
	logring_cleanup(&r);
}

static void test_flush(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 100);
	feed(&r, 1, "done\ntail", false);
	feed(&r, 2, "err tail\r", false);
	logring_flush(&r);
	logring_flush(&r); /* nothing left pending */
	char *d = dump(&r);
	assert_string_equal(d, "1:|done\n1:|tail\n2:|err tail\n");
	free(d);
	/* The timestamp flag of the feed applies to the flushed line too. */
	feed(&r, 1, "2024-01-02T03:04:05Z last words", true);
	logring_flush(&r);
	assert_string_equal(logring_get(&r, 3)->ts, "2024-01-02T03:04:05Z");
	assert_string_equal(text(&r, 3), "last words");
	logring_cleanup(&r);
}

static void test_clear(void **state)
{
	(void)state;
	struct logring r;
	logring_init(&r, 3);
	feed(&r, 1, "a\nb\nc\nd\nhal", false);
	assert_int_equal(r.dropped, 1);
	logring_clear(&r);
	assert_int_equal(logring_len(&r), 0);
	assert_null(logring_get(&r, 0));
	assert_int_equal(r.dropped, 0);
	assert_int_equal(r.added, 4);
	/* The half-written line survives the clear and arrives whole. */
	feed(&r, 1, "f\nnext\n", false);
	char *d = dump(&r);
	assert_string_equal(d, "1:|half\n1:|next\n");
	free(d);
	logring_clear(&r);
	logring_clear(&r);
	assert_int_equal(logring_len(&r), 0);
	logring_cleanup(&r);
}

static void test_save(void **state)
{
	(void)state;
	char dir[] = "/tmp/binnacle-logring-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/out.log", dir);
	struct logring r;
	logring_init(&r, 2);
	feed(&r, 1, "2024-01-02T03:04:05Z dropped\n", true);
	feed(&r, 1, "2024-01-02T03:04:06Z first\n", true);
	feed(&r, 2, "no stamp\n", true);
	char err[ERRLEN] = "";
	size_t len;

	assert_int_equal(logring_save(&r, path, true, err, sizeof(err)), 0);
	char *got = fixture_read_path(path, &len);
	assert_non_null(got);
	assert_string_equal(got, "2024-01-02T03:04:06Z first\nno stamp\n");
	free(got);

	assert_int_equal(logring_save(&r, path, false, err, sizeof(err)), 0);
	got = fixture_read_path(path, &len);
	assert_non_null(got);
	assert_string_equal(got, "first\nno stamp\n");
	free(got);

	/* An empty ring saves an empty file. */
	logring_clear(&r);
	assert_int_equal(logring_save(&r, path, true, err, sizeof(err)), 0);
	got = fixture_read_path(path, &len);
	assert_non_null(got);
	assert_int_equal(len, 0);
	free(got);

	char *bad = xasprintf("%s/missing/out.log", dir);
	assert_int_equal(logring_save(&r, bad, true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, bad));
	free(bad);

	logring_cleanup(&r);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* A chatty container: 200,000 timestamped lines on two streams, fed in
 * chunks that cut lines anywhere, into a ring of 5,000. */
static void test_bulk(void **state)
{
	(void)state;
	size_t total = 200000, cap = 5000;
	struct buf in[3];
	for (int s = 1; s <= 2; s++)
		buf_init(&in[s]);
	for (size_t i = 0; i < total; i++)
		buf_printf(&in[i % 10 == 0 ? 2 : 1], "2024-01-02T03:04:05.%09zuZ line %zu\n", i, i);
	struct logring r;
	logring_init(&r, cap);
	/* Interleave the streams' chunks the way one socket would deliver them,
	 * each stream's lines staying in order; chunk sizes are proportional so
	 * both streams end in the same round and both have lines among the newest. */
	size_t rounds = (in[1].len + 4092) / 4093;
	size_t off[3] = {0, 0, 0}, chunk[3] = {0, 4093, (in[2].len + rounds - 1) / rounds};
	while (off[1] < in[1].len || off[2] < in[2].len)
		for (int s = 1; s <= 2; s++) {
			size_t n = in[s].len - off[s] < chunk[s] ? in[s].len - off[s] : chunk[s];
			logring_feed(&r, s, in[s].data + off[s], n, true);
			off[s] += n;
		}
	logring_flush(&r);
	assert_int_equal(logring_len(&r), cap);
	assert_int_equal(r.added, total);
	assert_int_equal(r.dropped, total - cap);
	/* Interleaving changes the order across streams, so check each kept
	 * line against its own timestamp and that each stream stays ordered. */
	long last[3] = {-1, -1, -1};
	for (size_t i = 0; i < cap; i++) {
		const struct logline *l = logring_get(&r, i);
		long n = strtol(l->text + 5, NULL, 10);
		char want[64];
		snprintf(want, sizeof(want), "line %ld", n);
		assert_string_equal(l->text, want);
		snprintf(want, sizeof(want), "2024-01-02T03:04:05.%09ldZ", n);
		assert_string_equal(l->ts, want);
		assert_int_equal(l->stream, n % 10 == 0 ? 2 : 1);
		assert_true(n > last[l->stream]);
		last[l->stream] = n;
	}
	/* The newest line of each stream survived. */
	assert_int_equal(last[1], (long)total - 1);
	assert_int_equal(last[2], (long)total - 10);
	for (int s = 1; s <= 2; s++)
		buf_cleanup(&in[s]);
	logring_cleanup(&r);
}

/* One stream in order: the kept lines are exactly the newest cap. */
static void test_bulk_in_order(void **state)
{
	(void)state;
	size_t total = 200000, cap = 5000;
	struct buf in;
	buf_init(&in);
	for (size_t i = 0; i < total; i++)
		buf_printf(&in, "line %zu\r\n", i);
	struct logring r;
	logring_init(&r, cap);
	for (size_t off = 0; off < in.len; off += 65536)
		logring_feed(&r, 1, in.data + off, in.len - off < 65536 ? in.len - off : 65536, false);
	assert_int_equal(logring_len(&r), cap);
	assert_int_equal(r.dropped, total - cap);
	for (size_t i = 0; i < cap; i++) {
		char want[32];
		snprintf(want, sizeof(want), "line %zu", total - cap + i);
		assert_string_equal(text(&r, i), want);
	}
	buf_cleanup(&in);
	logring_cleanup(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_split_across_chunks),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_streams_interleaved),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_max_line),
		cmocka_unit_test(test_max_bytes),
		cmocka_unit_test(test_split_points_agree),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_bulk_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
