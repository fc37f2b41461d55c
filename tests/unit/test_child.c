/* test_child.c: the child-process runner with /bin/sh: exit codes and
 * both outputs, input on stdin (more than a socket buffer holds), the
 * environment added to, a timeout, output over its cap, a signal, a
 * program that does not exist, a grandchild holding the pipes open, and
 * cancellation (never told, still reaped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include "backends/net/child.h"
#include "backends/net/loop.h"
#include "backends/util/util.h"

struct seen {
	int calls;
	struct child_result r;
	char *out, *err;
};

static void on_done(void *arg, const struct child_result *r)
{
	struct seen *s = arg;
	s->calls++;
	s->r = *r;
	s->out = xstrndup(r->out, r->out_len);
	s->err = xstrndup(r->err, r->err_len);
	s->r.out = s->r.err = NULL; /* borrowed: gone after the callback */
}

static void seen_cleanup(struct seen *s)
{
	free(s->out);
	free(s->err);
	memset(s, 0, sizeof(*s));
}

/* Runs sh -c script and waits for its end. */
static void run_sh(const char *script, struct child_spec *spec, struct seen *s)
{
	const char *argv[] = {"sh", "-c", script, NULL};
	struct child_spec local = {0};
	if (!spec)
		spec = &local;
	spec->path = "/bin/sh";
	spec->argv = argv;
	memset(s, 0, sizeof(*s));
	char err[ERRLEN];
	struct child *c = child_run(spec, on_done, s, err, sizeof(err));
	assert_non_null(c);
	assert_true(child_pid(c) > 0);
	int64_t deadline = mono_ms() + 20000;
	while (!s->calls && mono_ms() < deadline)
		loop_run_once(100);
	assert_int_equal(s->calls, 1);
}

static void test_exit_and_output(void **state)
{
	(void)state;
	struct seen s;
	run_sh("echo out; echo err >&2; exit 3", NULL, &s);
	assert_int_equal(s.r.exit_code, 3);
	assert_int_equal(s.r.signal, 0);
	assert_int_equal(s.r.exec_errno, 0);
	assert_false(s.r.timed_out);
	assert_string_equal(s.out, "out\n");
	assert_string_equal(s.err, "err\n");
	seen_cleanup(&s);
	run_sh("exit 0", NULL, &s);
	assert_int_equal(s.r.exit_code, 0);
	assert_int_equal(s.r.out_len, 0);
	seen_cleanup(&s);
	run_sh("kill -TERM $$", NULL, &s);
	assert_int_equal(s.r.exit_code, -1);
	assert_int_equal(s.r.signal, SIGTERM);
	seen_cleanup(&s);
}

static void test_input_and_env(void **state)
{
	(void)state;
	struct seen s;
	struct child_spec spec = {.input = "hello\n", .input_len = 6};
	run_sh("cat", &spec, &s);
	assert_string_equal(s.out, "hello\n");
	seen_cleanup(&s);
	/* more than a socket buffer holds: written as the child reads */
	size_t big = 3 * 1024 * 1024;
	char *blob = xmalloc(big);
	memset(blob, 'x', big);
	struct child_spec spec2 = {.input = blob, .input_len = big};
	run_sh("wc -c", &spec2, &s);
	assert_int_equal(atol(s.out), (long)big);
	seen_cleanup(&s);
	free(blob);
	/* a child that does not read its input is no harm */
	struct child_spec spec3 = {.input = "ignored", .input_len = 7};
	run_sh("exit 4", &spec3, &s);
	assert_int_equal(s.r.exit_code, 4);
	seen_cleanup(&s);
	/* additions replace variables of the same name */
	setenv("BINNACLE_CHILD_TEST", "old", 1);
	const char *env[] = {"BINNACLE_CHILD_TEST=new", "BINNACLE_CHILD_OTHER=two", NULL};
	struct child_spec spec4 = {.env_add = env};
	run_sh("echo \"$BINNACLE_CHILD_TEST $BINNACLE_CHILD_OTHER\"; env | grep -c '^BINNACLE_CHILD_TEST='", &spec4, &s);
	assert_string_equal(s.out, "new two\n1\n");
	seen_cleanup(&s);
	unsetenv("BINNACLE_CHILD_TEST");
}

static void test_limits(void **state)
{
	(void)state;
	struct seen s;
	struct child_spec spec = {.timeout_ms = 200};
	run_sh("echo started; sleep 30", &spec, &s);
	assert_true(s.r.timed_out);
	assert_int_equal(s.r.signal, SIGKILL);
	assert_string_equal(s.out, "started\n");
	seen_cleanup(&s);
	/* over the cap: killed, and what was kept is exactly the cap */
	struct child_spec spec2 = {.out_max = 65536, .err_max = 10};
	run_sh("echo 0123456789abcdef >&2; yes", &spec2, &s);
	assert_true(s.r.out_overflow);
	assert_false(s.r.timed_out);
	assert_int_equal(s.r.signal, SIGKILL);
	assert_int_equal(s.r.out_len, 65536);
	assert_string_equal(s.err, "0123456789"); /* stderr is cut, not fatal */
	seen_cleanup(&s);
	/* a grandchild keeping the pipes open does not hold the end back */
	run_sh("(sleep 3 &); echo done", NULL, &s);
	assert_int_equal(s.r.exit_code, 0);
	assert_string_equal(s.out, "done\n");
	seen_cleanup(&s);
}

static void test_not_found(void **state)
{
	(void)state;
	const char *argv[] = {"nope", NULL};
	struct child_spec spec = {.path = "/nonexistent/nope", .argv = argv};
	struct seen s = {0};
	char err[ERRLEN];
	assert_non_null(child_run(&spec, on_done, &s, err, sizeof(err)));
	int64_t deadline = mono_ms() + 20000;
	while (!s.calls && mono_ms() < deadline)
		loop_run_once(100);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.r.exec_errno, ENOENT);
	assert_int_equal(s.r.exit_code, -1);
	seen_cleanup(&s);
	/* how a command is found */
	char *sh = child_which("sh", NULL);
	assert_non_null(sh);
	assert_int_equal(access(sh, X_OK), 0);
	free(sh);
	assert_null(child_which("binnacle-no-such-program", NULL));
	char *abs = child_which("/bin/sh", "/somewhere");
	assert_string_equal(abs, "/bin/sh");
	free(abs);
	char *rel = child_which("sh", "/bin");
	assert_non_null(rel); /* no '/': PATH, not dir */
	free(rel);
	char *in_dir = child_which("./sh", "/bin");
	assert_string_equal(in_dir, "/bin/./sh");
	free(in_dir);
	assert_null(child_which("./sh", "/nonexistent"));
}

static void test_cancel(void **state)
{
	(void)state;
	const char *argv[] = {"sh", "-c", "sleep 30", NULL};
	struct child_spec spec = {.path = "/bin/sh", .argv = argv, .timeout_ms = 60000};
	struct seen s = {0};
	char err[ERRLEN];
	struct child *c = child_run(&spec, on_done, &s, err, sizeof(err));
	assert_non_null(c);
	pid_t pid = child_pid(c);
	loop_run_once(10);
	child_cancel(c); /* returns at once */
	int64_t deadline = mono_ms() + 20000;
	while (loop_child_count() && mono_ms() < deadline)
		loop_run_once(100);
	assert_int_equal(loop_child_count(), 0);
	assert_int_equal(s.calls, 0);
	assert_int_equal(kill(pid, 0), -1); /* gone and reaped: no zombie */
	assert_int_equal(errno, ESRCH);
	child_cancel(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_and_output),
		cmocka_unit_test(test_input_and_env),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_cancel),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	loop_cleanup();
	return rc;
}
