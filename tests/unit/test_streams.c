/* test_streams.c: the loop at scale. Two hundred HTTP streams open at once
 * through binnacle's HTTP layer (netlab.py holds every stream until all two
 * hundred are open, so they are simultaneous, then sends each its lines),
 * while two hundred pipes are watched in the same loop and hang up: every
 * stream must arrive complete and in order, every hang-up must reach its
 * owner. Then the same two hundred streams through a tunnel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/net/http.h"
#include "tests/unit/netlab.h"

#define NSTREAMS 200
#define NLINES 50

struct stream {
	int id;
	struct buf got;
	bool done;
	long status;
	char *error;
};

struct pipe_end {
	int fds[2];
	struct loop_fd *w;
	int hangups;
};

static bool on_data(void *arg, const char *data, size_t len)
{
	struct stream *s = arg;
	buf_append(&s->got, data, len);
	return true;
}

static void on_done(void *arg, const struct http_result *res)
{
	struct stream *s = arg;
	s->done = true;
	s->status = res->status;
	s->error = xstrdup(res->error);
}

static void on_pipe(void *arg, int fd, short revents)
{
	struct pipe_end *p = arg;
	char buf[16];
	if ((revents & POLLIN) && read(fd, buf, sizeof(buf)) > 0)
		return;
	if (revents & (POLLHUP | POLLERR)) {
		p->hangups++;
		loop_unwatch(p->w);
		p->w = NULL;
	}
}

static struct stream streams[NSTREAMS];
static struct pipe_end pipes[NSTREAMS];

static bool all_done(void *arg)
{
	(void)arg;
	for (int i = 0; i < NSTREAMS; i++)
		if (!streams[i].done)
			return false;
	return true;
}

static bool all_hung_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < NSTREAMS; i++)
		if (pipes[i].hangups != 1)
			return false;
	return true;
}

static void start_streams(const struct http_target *t, const char *tag)
{
	for (int i = 0; i < NSTREAMS; i++) {
		struct stream *s = &streams[i];
		memset(s, 0, sizeof(*s));
		s->id = i;
		buf_init(&s->got);
		char path[96];
		snprintf(path, sizeof(path), "/lines?id=%s%d&n=%d&wait=%d", tag, i, NLINES, NSTREAMS);
		struct http_req *r = http_req_new(t, "GET", path);
		http_req_stream(r, on_data);
		http_req_callback(r, on_done, s);
		http_req_start(r);
	}
}

/* Every stream whole and in order, and the barrier met. */
static void check_streams(const char *tag)
{
	for (int i = 0; i < NSTREAMS; i++) {
		struct stream *s = &streams[i];
		assert_null(s->error);
		assert_int_equal(s->status, 200);
		struct buf want;
		buf_init(&want);
		for (int j = 0; j < NLINES; j++)
			buf_printf(&want, "%s%d %d\n", tag, i, j);
		assert_int_equal(s->got.len, want.len);
		assert_memory_equal(s->got.data, want.data, want.len);
		buf_cleanup(&want);
		buf_cleanup(&s->got);
		free(s->error);
	}
}

static void test_200_streams_and_pipes(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	for (int i = 0; i < NSTREAMS; i++) {
		memset(&pipes[i], 0, sizeof(pipes[i]));
		assert_int_equal(pipe(pipes[i].fds), 0);
		pipes[i].w = loop_watch(pipes[i].fds[0], POLLIN, on_pipe, &pipes[i]);
	}
	struct http_target t = {.base_url = xasprintf("http://127.0.0.1:%d", lab.port)};
	start_streams(&t, "s");
	assert_int_equal(http_active(), NSTREAMS);
	assert_true(loop_watch_count() >= NSTREAMS);
	/* while the two hundred are in flight, the pipes hang up */
	loop_run_once(0);
	for (int i = 0; i < NSTREAMS; i++)
		close(pipes[i].fds[1]);
	assert_true(netlab_turn_until(all_hung_up, NULL));
	assert_true(netlab_turn_until(all_done, NULL));
	check_streams("s");
	for (int i = 0; i < NSTREAMS; i++)
		close(pipes[i].fds[0]);
	/* the lab saw them all open at once */
	struct stream probe = {0};
	buf_init(&probe.got);
	struct http_req *r = http_req_new(&t, "GET", "/status");
	http_req_stream(r, on_data);
	http_req_callback(r, on_done, &probe);
	http_req_start(r);
	int64_t deadline = mono_ms() + 10000;
	while (!probe.done && mono_ms() < deadline)
		loop_run_once(100);
	assert_true(probe.done);
	assert_non_null(strstr(probe.got.data, "\"max_open_lines\": 200"));
	buf_cleanup(&probe.got);
	free(probe.error);
	loop_run_once(0);
	assert_int_equal(http_active(), 0);
	http_target_cleanup(&t);
	netlab_stop(&lab);
}

static void test_200_streams_through_a_tunnel(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct fwd_tunnel fwd;
	fwd_init(&fwd, lab.port);
	struct http_target t = {.base_url = xstrdup("http://api.invalid:6443"), .tunnel = &fwd.base};
	start_streams(&t, "t");
	assert_true(netlab_turn_until(all_done, NULL));
	check_streams("t");
	assert_int_equal(fwd.opened, NSTREAMS);
	fwd_done(&fwd);
	http_target_cleanup(&t);
	netlab_stop(&lab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_200_streams_and_pipes),
		cmocka_unit_test(test_200_streams_through_a_tunnel),
	};
	return cmocka_run_group_tests(tests, netlab_setup, netlab_teardown);
}
