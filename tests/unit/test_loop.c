/* test_loop.c: the event loop on its own: 200 pipes watched at once with
 * every hang-up delivered to its owner, data and interest changes, a
 * callback dropping watches (its own and others), paused watches staying
 * quiet, timers, and children whose exit status arrives through the loop
 * (a forgotten one still reaped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "backends/net/loop.h"
#include "backends/net/timer.h"
#include "backends/util/util.h"

#define NPIPES 200

struct pipe_seen {
	int fds[2];
	struct loop_fd *w;
	int hangups, reads;
	size_t bytes;
};

static void on_pipe(void *arg, int fd, short revents)
{
	struct pipe_seen *p = arg;
	if (revents & POLLIN) {
		char buf[64];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			p->reads++;
			p->bytes += (size_t)n;
			return;
		}
	}
	if (revents & (POLLHUP | POLLERR)) {
		p->hangups++;
		loop_unwatch(p->w); /* a callback may drop its own watch */
		p->w = NULL;
	}
}

static void turn_until(bool (*done)(void *), void *arg)
{
	int64_t deadline = mono_ms() + 60000; /* generous: under valgrind a child takes seconds */
	while (!done(arg) && mono_ms() < deadline)
		loop_run_once(100);
	assert_true(done(arg));
}

static bool all_hung_up(void *arg)
{
	struct pipe_seen *p = arg;
	for (int i = 0; i < NPIPES; i++)
		if (p[i].hangups != 1)
			return false;
	return true;
}

static void test_200_pipes(void **state)
{
	(void)state;
	static struct pipe_seen p[NPIPES];
	memset(p, 0, sizeof(p));
	for (int i = 0; i < NPIPES; i++) {
		assert_int_equal(pipe(p[i].fds), 0);
		p[i].w = loop_watch(p[i].fds[0], POLLIN, on_pipe, &p[i]);
	}
	assert_int_equal(loop_watch_count(), NPIPES);
	/* every writer says something, then hangs up */
	for (int i = 0; i < NPIPES; i++) {
		char line[32];
		int n = snprintf(line, sizeof(line), "pipe %d\n", i);
		assert_int_equal(write(p[i].fds[1], line, (size_t)n), n);
		close(p[i].fds[1]);
	}
	turn_until(all_hung_up, p);
	size_t total = 0;
	for (int i = 0; i < NPIPES; i++) {
		char line[32];
		total += p[i].bytes;
		assert_int_equal(p[i].bytes, (size_t)snprintf(line, sizeof(line), "pipe %d\n", i));
		close(p[i].fds[0]);
	}
	assert_true(total > 0);
	loop_run_once(0); /* sweeps the dropped watches */
	assert_int_equal(loop_watch_count(), 0);
}

struct pair {
	struct loop_fd *self, *other;
	int calls;
};

static void drop_both(void *arg, int fd, short revents)
{
	struct pair *p = arg;
	(void)fd;
	(void)revents;
	p->calls++;
	loop_unwatch(p->self);
	loop_unwatch(p->other);
}

static void test_unwatch_from_callback(void **state)
{
	(void)state;
	int a[2], b[2];
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	struct pair pa = {0}, pb = {0};
	pa.self = loop_watch(a[0], POLLIN, drop_both, &pa);
	pb.self = loop_watch(b[0], POLLIN, drop_both, &pb);
	pa.other = pb.self;
	pb.other = pa.self;
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "x", 1), 1);
	loop_run_once(1000);
	/* whichever ran first dropped the other before its turn */
	assert_int_equal(pa.calls + pb.calls, 1);
	assert_int_equal(loop_watch_count(), 0);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

static void count_calls(void *arg, int fd, short revents)
{
	(void)fd;
	(void)revents;
	(*(int *)arg)++;
}

static void test_paused_and_writable(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[1]); /* a dead pipe: hang-up forever */
	int calls = 0;
	struct loop_fd *w = loop_watch(p[0], 0, count_calls, &calls);
	loop_run_once(0);
	loop_run_once(0);
	assert_int_equal(calls, 0); /* paused means quiet, hang-up included */
	loop_watch_events(w, POLLIN);
	assert_int_equal(loop_watch_interest(w), POLLIN);
	loop_run_once(1000);
	assert_int_equal(calls, 1);
	loop_unwatch(w);
	close(p[0]);
	assert_int_equal(pipe(p), 0);
	calls = 0;
	w = loop_watch(p[1], POLLOUT, count_calls, &calls);
	loop_run_once(1000);
	assert_int_equal(calls, 1); /* an empty pipe is writable */
	loop_unwatch(w);
	close(p[0]);
	close(p[1]);
	loop_run_once(0);
}

static void on_timer(void *arg)
{
	(*(int *)arg)++;
}

static void test_timers(void **state)
{
	(void)state;
	int fired = 0;
	struct timer *t = timer_new(on_timer, &fired);
	timer_arm(t, 30);
	int64_t deadline = mono_ms() + 5000;
	while (!fired && mono_ms() < deadline)
		loop_run_once(-1); /* no limit: the timer ends the wait */
	assert_int_equal(fired, 1);
	assert_false(timer_armed(t));
	timer_free(t);
}

struct exit_seen {
	int calls, status;
	pid_t pid;
};

static void on_exit_status(void *arg, pid_t pid, int wstatus)
{
	struct exit_seen *e = arg;
	e->calls++;
	e->pid = pid;
	e->status = wstatus;
}

static pid_t spawn(const char *script)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	return pid;
}

/* spawn_running: a child that has got as far as running "sleep 30" (it
 * says so on a pipe first). A signal sent between fork and exec is lost
 * under valgrind (its queue of the child's pending signals does not survive
 * the exec), so the test kills only a child that is past its exec, as a
 * real caller's child would be by the time it is stopped. */
static pid_t spawn_running(void)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) < 0)
			_exit(126);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", "echo running; exec sleep 30", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1); /* 0 (end of file) had the child died first */
	close(p[0]);
	return pid;
}

static bool exited(void *arg)
{
	return ((struct exit_seen *)arg)->calls > 0;
}

static void test_children(void **state)
{
	(void)state;
	struct exit_seen e = {0};
	pid_t pid = spawn("exit 3");
	loop_child_watch(pid, on_exit_status, &e);
	turn_until(exited, &e);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.pid, pid);
	assert_true(WIFEXITED(e.status));
	assert_int_equal(WEXITSTATUS(e.status), 3);

	struct exit_seen k = {0};
	pid = spawn_running();
	loop_child_watch(pid, on_exit_status, &k);
	kill(pid, SIGTERM);
	turn_until(exited, &k);
	assert_true(WIFSIGNALED(k.status));
	assert_int_equal(WTERMSIG(k.status), SIGTERM);

	/* forgotten: nobody is told, and it is reaped all the same */
	struct exit_seen f = {0};
	pid = spawn("sleep 0.2");
	struct loop_child *c = loop_child_watch(pid, on_exit_status, &f);
	loop_child_forget(c);
	int64_t deadline = mono_ms() + 60000; /* generous: under valgrind a child takes seconds */
	while (loop_child_count() && mono_ms() < deadline)
		loop_run_once(100);
	assert_int_equal(loop_child_count(), 0);
	assert_int_equal(f.calls, 0);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1); /* already reaped: no zombie left */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_200_pipes),
		cmocka_unit_test(test_unwatch_from_callback),
		cmocka_unit_test(test_paused_and_writable),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_children),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	loop_cleanup();
	return rc;
}
