/* test_execstream.c: the exec stream skeleton with a protocol part of a few
 * lines (netlab.py's hijacked echo: the upgrade header, then bytes as they
 * are), the way the SSM data channel will plug in: the stream opens, input
 * goes out and comes back through read(), output held for a reader that
 * does not read stays under its cap while the connection waits, the exit
 * is learned when the connection ends, and a refused upgrade fails read(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/net/execstream.h"
#include "backends/net/http.h"
#include "tests/unit/netlab.h"

/* ---- the protocol part: a hijacked echo ---- */

struct echo {
	bool upgraded;
	struct buf hdr;
	bool freed;
};

static int e_recv(struct execstream *s, const char *data, size_t len, char *err, size_t errlen)
{
	struct echo *e = s->priv;
	if (e->upgraded) {
		execstream_output(s, 1, data, len);
		return 0;
	}
	buf_append(&e->hdr, data, len);
	char *end = strstr(e->hdr.data, "\r\n\r\n");
	if (!end)
		return 0;
	if (!str_starts(e->hdr.data, "HTTP/1.1 101"))
		return set_err(err, errlen, "the server refused the upgrade");
	e->upgraded = true;
	size_t hlen = (size_t)(end - e->hdr.data) + 4;
	if (e->hdr.len > hlen)
		execstream_output(s, 1, e->hdr.data + hlen, e->hdr.len - hlen);
	return 0;
}

static void e_input(struct execstream *s, const char *data, size_t len)
{
	execstream_send(s, data, len);
}

static void e_ended(struct execstream *s, const char *error)
{
	execstream_exit(s, error ? -1 : 0);
	execstream_finish(s);
}

static void e_free(struct execstream *s)
{
	struct echo *e = s->priv;
	buf_cleanup(&e->hdr);
	free(e);
}

static const struct execstream_proto echo_proto = {
	.name = "test-echo", .recv = e_recv, .input = e_input, .ended = e_ended, .free = e_free};

/* ---- helpers ---- */

struct opened {
	bool called;
	struct bstream *s;
	char *error;
};

static void on_open(void *arg, struct bstream *s, const char *error)
{
	struct opened *o = arg;
	o->called = true;
	o->s = s;
	o->error = xstrdup(error);
}

static bool open_called(void *arg)
{
	return ((struct opened *)arg)->called;
}

static struct bstream *open_echo(const struct http_target *t, const char *path, struct opened *o)
{
	memset(o, 0, sizeof(*o));
	struct echo *e = xcalloc(1, sizeof(*e));
	buf_init(&e->hdr);
	struct execstream *s = execstream_new(&echo_proto, e, 24, 80, on_open, o);
	char *req = xasprintf("POST %s HTTP/1.1\r\nHost: lab\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
			      "Content-Length: 0\r\n\r\n",
			      path);
	execstream_ready(s); /* input may follow the request, as with Docker */
	execstream_connect(s, t, req, strlen(req));
	free(req);
	assert_true(netlab_turn_until(open_called, o));
	return o->s;
}

/* Reads until want bytes came (or the stream ends); returns them. */
static char *read_back(struct bstream *s, size_t want, size_t *got)
{
	struct buf b;
	buf_init(&b);
	int64_t deadline = mono_ms() + 30000;
	while (b.len < want && mono_ms() < deadline) {
		char tmp[8192];
		int stream = 0;
		long n = s->ops->read(s, tmp, sizeof(tmp), &stream);
		if (n > 0) {
			assert_int_equal(stream, 1);
			buf_append(&b, tmp, (size_t)n);
			continue;
		}
		if (n == 0)
			break;
		loop_run_once(100);
	}
	*got = b.len;
	if (!b.data)
		buf_append(&b, "", 0);
	return buf_steal(&b);
}

static void test_echo_session(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct fwd_tunnel fwd;
	fwd_init(&fwd, lab.port);
	struct http_target t = {.base_url = xstrdup("http://engine.invalid:2375"), .tunnel = &fwd.base};
	struct opened o;
	struct bstream *s = open_echo(&t, "/echo", &o);
	assert_null(o.error);
	assert_non_null(s);
	assert_int_equal(s->exit_code, -1);
	assert_false(s->ops->finished(s));
	assert_int_equal(s->ops->write(s, "hello\n", 6), 6);
	size_t got = 0;
	char *back = read_back(s, 6, &got);
	assert_int_equal(got, 6);
	assert_memory_equal(back, "hello\n", 6);
	free(back);

	/* a reader that does not read: the held output stays near its cap */
	size_t total = 3 * EXECSTREAM_OUT_CAP, sent = 0;
	char *blob = xmalloc(total);
	for (size_t i = 0; i < total; i++)
		blob[i] = (char)('A' + i % 26);
	struct execstream *es = (struct execstream *)s;
	size_t most = 0;
	int64_t deadline = mono_ms() + 30000;
	while (sent < total && mono_ms() < deadline) {
		long n = s->ops->write(s, blob + sent, total - sent);
		assert_true(n >= 0);
		sent += (size_t)n;
		loop_run_once(n ? 0 : 50);
		if (bqueue_bytes(&es->out) > most)
			most = bqueue_bytes(&es->out);
	}
	/* the last read may land on top of a full queue: a burst at most */
	assert_true(most <= EXECSTREAM_OUT_CAP + 16 * 16384 + 16 * 5);
	back = read_back(s, total, &got);
	assert_int_equal(got, total);
	assert_memory_equal(back, blob, total);
	free(back);
	free(blob);
	s->ops->close(s);
	fwd_done(&fwd);
	http_target_cleanup(&t);
	netlab_stop(&lab);
}

static bool finished(void *arg)
{
	struct bstream *s = arg;
	return s->ops->finished(s);
}

static void test_end_and_refusal(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct http_target t = {.base_url = xasprintf("http://127.0.0.1:%d", lab.port)};
	/* a path the lab does not upgrade: 404, and read() says why */
	struct opened o;
	struct bstream *s = open_echo(&t, "/nowhere", &o);
	assert_non_null(s);
	char tmp[64];
	int stream;
	long n = -1;
	int64_t deadline = mono_ms() + 30000;
	while ((n = s->ops->read(s, tmp, sizeof(tmp), &stream)) < 0 && errno == EAGAIN && mono_ms() < deadline)
		loop_run_once(100);
	assert_int_equal(n, -1);
	assert_string_equal(s->error, "the server refused the upgrade");
	assert_true(s->ops->finished(s));
	assert_int_equal(s->ops->write(s, "x", 1), -1);
	s->ops->close(s);

	/* the server's end is the session's: finished, with its exit status */
	s = open_echo(&t, "/echo", &o);
	assert_int_equal(s->ops->write(s, "bye", 3), 3);
	size_t got;
	free(read_back(s, 3, &got));
	kill(lab.pid, SIGTERM); /* the far end goes away */
	waitpid(lab.pid, NULL, 0);
	lab.pid = 0;
	assert_true(netlab_turn_until(finished, s));
	assert_int_equal(s->ops->read(s, tmp, sizeof(tmp), &stream) <= 0, 1);
	s->ops->close(s);
	http_target_cleanup(&t);
	netlab_stop(&lab);
}

static void test_open_failure(void **state)
{
	(void)state;
	struct http_target t = {.base_url = xstrdup("http://127.0.0.1:1")}; /* nothing listens there */
	struct opened o;
	struct bstream *s = open_echo(&t, "/echo", &o);
	assert_null(s);
	assert_non_null(o.error);
	assert_non_null(strstr(o.error, "cannot connect"));
	free(o.error);
	http_target_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_session),
		cmocka_unit_test(test_end_and_refusal),
		cmocka_unit_test(test_open_failure),
	};
	return cmocka_run_group_tests(tests, netlab_setup, netlab_teardown);
}
