/* test_audit.c: the audit log of mutating actions: created on first use under
 * $XDG_STATE_HOME/binnacle (or ~/.local/state/binnacle) with mode 0600, one
 * tab-separated line per action with an RFC 3339 UTC time, appended in order,
 * control characters flattened so a record never spans lines, and a sentence
 * naming the path when the log cannot be written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h> /* timegm: _GNU_SOURCE comes from config.h */
#include <unistd.h>

#include <cmocka.h>

#include "tui/audit.h"
#include "tests/unit/fixtures.h"
#include "backends/util/util.h"

struct fx {
	char dir[64];    /* the fresh XDG_STATE_HOME */
	char *old_state; /* the environment to restore */
	char *old_home;
};

static char *dup_env(const char *name)
{
	const char *v = getenv(name);
	return v ? xasprintf("%s", v) : NULL;
}

static void restore_env(const char *name, const char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/binnacle-audit-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->old_state = dup_env("XDG_STATE_HOME");
	f->old_home = dup_env("HOME");
	setenv("XDG_STATE_HOME", f->dir, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *p = xasprintf("%s/binnacle/audit.log", f->dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/binnacle", f->dir);
	rmdir(p);
	free(p);
	p = xasprintf("%s/home/.local/state/binnacle/audit.log", f->dir);
	unlink(p);
	free(p);
	static const char *const dirs[] = {"home/.local/state/binnacle", "home/.local/state", "home/.local", "home"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		p = xasprintf("%s/%s", f->dir, dirs[i]);
		rmdir(p);
		free(p);
	}
	rmdir(f->dir);
	restore_env("XDG_STATE_HOME", f->old_state);
	restore_env("HOME", f->old_home);
	free(f->old_state);
	free(f->old_home);
	free(f);
	return 0;
}

static char *log_path(const struct fx *f)
{
	return xasprintf("%s/binnacle/audit.log", f->dir);
}

static char *read_log(const struct fx *f, size_t *len)
{
	char *p = log_path(f);
	char *data = fixture_read_path(p, len);
	free(p);
	assert_non_null(data);
	return data;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Checks an RFC 3339 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" at the start of
 * line, within a minute of now; returns its length. */
static size_t check_timestamp(const char *line)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	for (size_t i = 0; pat[i]; i++) {
		if (pat[i] == 'd')
			assert_true(line[i] >= '0' && line[i] <= '9');
		else
			assert_int_equal(line[i], pat[i]);
	}
	struct tm tm = {0};
	assert_int_equal(sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
				&tm.tm_min, &tm.tm_sec),
			 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	time_t now = time(NULL);
	assert_true(t <= now + 1);
	assert_true(t >= now - 60);
	return sizeof(pat) - 1;
}

static void test_path_from_xdg(void **state)
{
	struct fx *f = *state;
	char *p = audit_path();
	char *want = log_path(f);
	assert_string_equal(p, want);
	free(want);
	free(p);
}

static void test_path_from_home(void **state)
{
	(void)state;
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/someone", 1);
	char *p = audit_path();
	assert_string_equal(p, "/home/someone/.local/state/binnacle/audit.log");
	free(p);
	/* an empty XDG_STATE_HOME counts as unset */
	setenv("XDG_STATE_HOME", "", 1);
	p = audit_path();
	assert_string_equal(p, "/home/someone/.local/state/binnacle/audit.log");
	free(p);
}

static void test_creates_log_0600(void **state)
{
	struct fx *f = *state;
	char *dir = xasprintf("%s/binnacle", f->dir);
	struct stat st;
	assert_int_equal(stat(dir, &st), -1); /* not there yet */

	char err[256] = "";
	assert_int_equal(audit_write("local", "containers", "web", "abc123", "restart", "done", err, sizeof(err)), 0);
	assert_string_equal(err, "");

	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	char *p = log_path(f);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	free(p);
	free(dir);
}

static void test_one_line_format(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	assert_int_equal(audit_write("prod", "containers", "web", "abc123", "restart", "done", err, sizeof(err)), 0);
	size_t len = 0;
	char *data = read_log(f, &len);
	assert_int_equal(count_lines(data), 1);
	assert_int_equal(data[len - 1], '\n');
	size_t n = check_timestamp(data);
	assert_string_equal(data + n,
			    "\tendpoint=prod\tkind=containers\tname=web\tid=abc123\taction=restart\tresult=done\n");
	free(data);
}

static void test_appends_in_order(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	assert_int_equal(audit_write("local", "containers", "web", "id1", "stop", "done", err, sizeof(err)), 0);
	assert_int_equal(audit_write("local", "images", "nginx", "id2", "remove", "no such image", err, sizeof(err)),
			 0);
	size_t len = 0;
	char *data = read_log(f, &len);
	assert_int_equal(count_lines(data), 2);
	char *second = strchr(data, '\n') + 1;
	second[-1] = '\0';
	size_t n = check_timestamp(data);
	assert_string_equal(data + n, "\tendpoint=local\tkind=containers\tname=web\tid=id1\taction=stop\tresult=done");
	n = check_timestamp(second);
	assert_string_equal(second + n,
			    "\tendpoint=local\tkind=images\tname=nginx\tid=id2\taction=remove\tresult=no such image\n");
	free(data);
}

static void test_control_characters_flattened(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	assert_int_equal(audit_write("local", "containers", "web", "id1", "kill",
				     "line one\nline two\r\tthree\x1b[31m\x7f!", err, sizeof(err)),
			 0);
	size_t len = 0;
	char *data = read_log(f, &len);
	assert_int_equal(count_lines(data), 1);
	size_t n = check_timestamp(data);
	assert_string_equal(data + n, "\tendpoint=local\tkind=containers\tname=web\tid=id1\taction=kill"
				      "\tresult=line one line two  three [31m !\n");
	free(data);
}

static void test_fields_cannot_forge_fields(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	assert_int_equal(
		audit_write("lo\tcal", "con\ntainers", "web\tresult=ok", NULL, "stop", NULL, err, sizeof(err)), 0);
	size_t len = 0;
	char *data = read_log(f, &len);
	assert_int_equal(count_lines(data), 1);
	size_t n = check_timestamp(data);
	/* exactly six tabs: one before each key */
	size_t tabs = 0;
	for (const char *p = data; *p; p++)
		tabs += *p == '\t';
	assert_int_equal(tabs, 6);
	assert_string_equal(data + n, "\tendpoint=lo cal\tkind=con tainers\tname=web result=ok\tid=\taction=stop"
				      "\tresult=\n");
	free(data);
}

static void test_default_location_under_home(void **state)
{
	struct fx *f = *state;
	char *home = xasprintf("%s/home", f->dir);
	assert_int_equal(mkdir(home, 0700), 0);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", home, 1);
	char err[256] = "";
	assert_int_equal(audit_write("local", "containers", "web", "id1", "start", "done", err, sizeof(err)), 0);
	char *p = xasprintf("%s/.local/state/binnacle/audit.log", home);
	char *ap = audit_path();
	assert_string_equal(ap, p);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	size_t len = 0;
	char *data = fixture_read_path(p, &len);
	assert_non_null(data);
	assert_int_equal(count_lines(data), 1);
	free(data);
	free(ap);
	free(p);
	free(home);
}

static void test_unwritable_location(void **state)
{
	(void)state;
	setenv("XDG_STATE_HOME", "/proc/nonexistent", 1);
	char err[256] = "";
	assert_int_equal(audit_write("local", "containers", "web", "id1", "stop", "done", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/proc/nonexistent/binnacle/audit.log"));
	assert_true(strlen(err) > strlen("/proc/nonexistent/binnacle/audit.log"));
	assert_null(strchr(err, '\n'));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_path_from_xdg),
		T(test_path_from_home),
		T(test_creates_log_0600),
		T(test_one_line_format),
		T(test_appends_in_order),
		T(test_control_characters_flattened),
		T(test_fields_cannot_forge_fields),
		T(test_default_location_under_home),
		T(test_unwritable_location),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
