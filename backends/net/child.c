/* child.c: the child-process runner (see child.h). fork/exec with
 * everything the child needs built before the fork (only async-signal-safe
 * calls after it); stdin is a socketpair so a child that exits before
 * reading its input cannot raise SIGPIPE in us; a close-on-exec pipe tells
 * the errno of an exec that failed. The end is the loop's child watch: the
 * child's output is all in the pipes by then, so they are drained and not
 * waited on (a grandchild may hold them open). */
#include "backends/net/child.h"
#include "backends/net/loop.h"
#include "backends/net/timer.h"
#include "backends/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_OUT_MAX (1024 * 1024)
#define DEFAULT_ERR_MAX 8192

struct child {
	pid_t pid;
	int in_fd, out_fd, err_fd, status_fd;
	struct loop_fd *win, *wout, *werr;
	struct loop_child *watch;
	struct timer *timeout;
	char *input;
	size_t input_len, input_sent;
	struct buf out, err;
	size_t out_max, err_max;
	bool timed_out, out_overflow, killed;
	child_done_fn done;
	void *arg;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void release(struct child *c)
{
	loop_unwatch(c->win);
	loop_unwatch(c->wout);
	loop_unwatch(c->werr);
	close_fd(&c->in_fd);
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
	close_fd(&c->status_fd);
	timer_free(c->timeout);
	if (c->out.data)
		memset(c->out.data, 0, c->out.len); /* it may hold a credential */
	if (c->input)
		memset(c->input, 0, c->input_len);
	free(c->input);
	buf_cleanup(&c->out);
	buf_cleanup(&c->err);
	free(c);
}

static void kill_group(struct child *c)
{
	if (c->killed)
		return;
	c->killed = true;
	kill(-c->pid, SIGKILL);
	kill(c->pid, SIGKILL);
}

/* Reads what a pipe holds now, up to max kept; false at its end. */
static bool drain(int fd, struct buf *into, size_t max, bool *overflow)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			size_t room = into->len < max ? max - into->len : 0;
			buf_append(into, chunk, (size_t)n < room ? (size_t)n : room);
			if ((size_t)n > room && overflow)
				*overflow = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

static void on_out(void *arg, int fd, short revents)
{
	struct child *c = arg;
	(void)revents;
	if (!drain(fd, &c->out, c->out_max, &c->out_overflow)) {
		loop_unwatch(c->wout); /* an ended pipe polls ready forever */
		c->wout = NULL;
	}
	if (c->out_overflow)
		kill_group(c);
}

static void on_err(void *arg, int fd, short revents)
{
	struct child *c = arg;
	(void)revents;
	if (!drain(fd, &c->err, c->err_max, NULL)) {
		loop_unwatch(c->werr);
		c->werr = NULL;
	}
}

static void on_in(void *arg, int fd, short revents)
{
	struct child *c = arg;
	while (!(revents & (POLLERR | POLLHUP | POLLNVAL)) && c->input_sent < c->input_len) {
		ssize_t n = send(fd, c->input + c->input_sent, c->input_len - c->input_sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0)
			break; /* it stopped reading: what it did not take is its business */
		c->input_sent += (size_t)n;
	}
	loop_unwatch(c->win);
	c->win = NULL;
	close_fd(&c->in_fd); /* end of input */
}

static void on_timeout(void *arg)
{
	struct child *c = arg;
	c->timed_out = true;
	kill_group(c);
}

static void on_ended(void *arg, pid_t pid, int wstatus)
{
	struct child *c = arg;
	(void)pid;
	c->watch = NULL; /* the loop is done with it */
	if (c->wout)
		drain(c->out_fd, &c->out, c->out_max, &c->out_overflow);
	if (c->werr)
		drain(c->err_fd, &c->err, c->err_max, NULL);
	struct child_result r = {.exit_code = -1};
	if (read(c->status_fd, &r.exec_errno, sizeof(r.exec_errno)) != (ssize_t)sizeof(r.exec_errno))
		r.exec_errno = 0;
	if (WIFEXITED(wstatus) && !r.exec_errno)
		r.exit_code = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		r.signal = WTERMSIG(wstatus);
	r.timed_out = c->timed_out;
	r.out_overflow = c->out_overflow;
	r.out = c->out.data ? c->out.data : "";
	r.out_len = c->out.len;
	r.err = c->err.data ? c->err.data : "";
	r.err_len = c->err.len;
	c->done(c->arg, &r);
	release(c);
}

/* The environment with spec's additions: built before the fork. */
static char **make_env(const struct child_spec *spec)
{
	size_t nenv = 0, nadd = 0;
	while (environ && environ[nenv])
		nenv++;
	while (spec->env_add && spec->env_add[nadd])
		nadd++;
	char **envp = xcalloc(nenv + nadd + 1, sizeof(*envp));
	size_t k = 0;
	for (size_t i = 0; i < nenv; i++) {
		size_t len = strcspn(environ[i], "=");
		bool replaced = false;
		for (size_t j = 0; j < nadd && !replaced; j++)
			replaced = !strncmp(spec->env_add[j], environ[i], len) && spec->env_add[j][len] == '=';
		if (!replaced)
			envp[k++] = environ[i];
	}
	for (size_t j = 0; j < nadd; j++)
		envp[k++] = (char *)spec->env_add[j];
	return envp;
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

struct child *child_run(const struct child_spec *spec, child_done_fn done, void *arg, char *err, size_t errlen)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1}, st[2] = {-1, -1};
	char **envp = make_env(spec);
	pid_t pid = -1;
	bool ok = pipe2(out, O_CLOEXEC) == 0 && pipe2(errp, O_CLOEXEC) == 0 && pipe2(st, O_CLOEXEC) == 0;
	if (ok && spec->input)
		ok = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) == 0;
	else if (ok)
		ok = (in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;
	if (ok)
		pid = fork();
	if (pid == 0) {
		setpgid(0, 0); /* a kill reaches the child's own children too */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(errp[1], 2) < 0)
			_exit(126);
		execve(spec->path, (char *const *)spec->argv, envp);
		int e = errno;
		if (write(st[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	int fork_errno = errno;
	free(envp);
	int *ends[] = {&out[1], &errp[1], &st[1], &in[0]};
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		close_fd(ends[i]);
	if (pid < 0) {
		close_fd(&out[0]);
		close_fd(&errp[0]);
		close_fd(&st[0]);
		close_fd(&in[1]);
		set_err(err, errlen, "cannot start %s: %s", spec->path, strerror(fork_errno));
		return NULL;
	}
	setpgid(pid, pid); /* also here: a kill may come before the child's own call */
	struct child *c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	c->done = done;
	c->arg = arg;
	c->in_fd = in[1];
	c->out_fd = out[0];
	c->err_fd = errp[0];
	c->status_fd = st[0];
	c->out_max = spec->out_max ? spec->out_max : DEFAULT_OUT_MAX;
	c->err_max = spec->err_max ? spec->err_max : DEFAULT_ERR_MAX;
	buf_init(&c->out);
	buf_init(&c->err);
	set_nonblock(c->out_fd);
	set_nonblock(c->err_fd);
	set_nonblock(c->status_fd);
	c->wout = loop_watch(c->out_fd, POLLIN, on_out, c);
	c->werr = loop_watch(c->err_fd, POLLIN, on_err, c);
	if (c->in_fd >= 0) {
		set_nonblock(c->in_fd);
		c->input = xmalloc(spec->input_len + 1);
		memcpy(c->input, spec->input, spec->input_len);
		c->input_len = spec->input_len;
		c->win = loop_watch(c->in_fd, POLLOUT, on_in, c);
	}
	if (spec->timeout_ms > 0) {
		c->timeout = timer_new(on_timeout, c);
		timer_arm(c->timeout, spec->timeout_ms);
	}
	c->watch = loop_child_watch(pid, on_ended, c);
	return c;
}

void child_cancel(struct child *c)
{
	if (!c)
		return;
	kill_group(c);
	loop_child_forget(c->watch); /* reaped by the loop, nobody told */
	release(c);
}

pid_t child_pid(const struct child *c)
{
	return c->pid;
}

char *child_which(const char *cmd, const char *dir)
{
	if (strchr(cmd, '/')) {
		char *p = cmd[0] == '/' || !dir ? xstrdup(cmd) : xasprintf("%s/%s", dir, cmd);
		if (access(p, F_OK) == 0)
			return p;
		free(p);
		return NULL;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *full = n ? xasprintf("%.*s/%s", (int)n, p, cmd) : xasprintf("./%s", cmd);
		if (access(full, X_OK) == 0)
			return full;
		free(full);
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}
