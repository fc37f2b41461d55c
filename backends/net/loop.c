/* loop.c: one poll() over growable arrays (see loop.h). Watches live in an
 * array of pointers so handles stay valid while it grows; an unwatched entry
 * is only marked and is swept after the turn's callbacks, so a callback may
 * drop any watch, its own included. Children are noticed through a SIGCHLD
 * self-pipe and reaped with waitpid(pid, WNOHANG) on their own pids only,
 * so a library's own fork and wait (system(), popen()) is left alone. */
#include "backends/net/loop.h"
#include "backends/net/timer.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct loop_fd {
	int fd;
	short events;
	loop_fd_fn fn;
	void *arg;
	bool dead;
};

struct loop_child {
	pid_t pid;
	loop_child_fn fn; /* NULL once forgotten */
	void *arg;
	bool reaped;
};

static struct loop_fd **watches;
static size_t nwatches, capwatches;
static struct pollfd *pfds;
static size_t cappfds;
static bool running;

static struct loop_child **children;
static size_t nchildren, capchildren;
static int chld_pipe[2] = {-1, -1};
static struct loop_fd *chld_watch;
static struct sigaction old_chld;

/* ---- descriptors ---- */

struct loop_fd *loop_watch(int fd, short events, loop_fd_fn fn, void *arg)
{
	struct loop_fd *w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	if (nwatches == capwatches) {
		capwatches = capwatches ? capwatches * 2 : 32;
		watches = xrealloc(watches, capwatches * sizeof(*watches));
	}
	watches[nwatches++] = w;
	return w;
}

void loop_watch_events(struct loop_fd *w, short events)
{
	w->events = events;
}

short loop_watch_interest(const struct loop_fd *w)
{
	return w->events;
}

void loop_unwatch(struct loop_fd *w)
{
	if (w)
		w->dead = true;
}

static void sweep_watches(void)
{
	size_t keep = 0;
	for (size_t i = 0; i < nwatches; i++) {
		if (watches[i]->dead)
			free(watches[i]);
		else
			watches[keep++] = watches[i];
	}
	nwatches = keep;
}

size_t loop_watch_count(void)
{
	size_t n = 0;
	for (size_t i = 0; i < nwatches; i++)
		n += !watches[i]->dead && watches[i] != chld_watch;
	return n;
}

/* ---- children ---- */

static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno;
	if (write(chld_pipe[1], "c", 1) < 0) {
		/* the pipe is full: a sweep is already due */
	}
	errno = saved;
}

static void sweep_children(void)
{
	for (size_t i = 0; i < nchildren; i++) {
		struct loop_child *c = children[i];
		int st = 0;
		if (c->reaped)
			continue;
		pid_t got = waitpid(c->pid, &st, WNOHANG);
		if (got == 0 || (got < 0 && errno == EINTR))
			continue;
		/* ECHILD: someone else reaped it; it ended all the same */
		c->reaped = true;
		if (c->fn)
			c->fn(c->arg, c->pid, got == c->pid ? st : 0);
	}
	size_t keep = 0;
	for (size_t i = 0; i < nchildren; i++) {
		struct loop_child *c = children[i];
		if (c->reaped)
			free(c);
		else
			children[keep++] = c;
	}
	nchildren = keep;
}

static void on_chld_pipe(void *arg, int fd, short revents)
{
	(void)arg;
	(void)revents;
	char junk[64];
	while (read(fd, junk, sizeof(junk)) > 0)
		;
	sweep_children();
}

static void chld_setup(void)
{
	if (chld_pipe[0] >= 0)
		return;
	if (pipe2(chld_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		abort(); /* out of descriptors at startup: nothing sensible to do */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, &old_chld);
	chld_watch = loop_watch(chld_pipe[0], POLLIN, on_chld_pipe, NULL);
}

struct loop_child *loop_child_watch(pid_t pid, loop_child_fn fn, void *arg)
{
	chld_setup();
	struct loop_child *c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	c->fn = fn;
	c->arg = arg;
	if (nchildren == capchildren) {
		capchildren = capchildren ? capchildren * 2 : 8;
		children = xrealloc(children, capchildren * sizeof(*children));
	}
	children[nchildren++] = c;
	/* it may have ended before the handler was there to say so */
	on_sigchld(SIGCHLD);
	return c;
}

void loop_child_forget(struct loop_child *c)
{
	if (c) {
		c->fn = NULL;
		c->arg = NULL;
	}
}

size_t loop_child_count(void)
{
	return nchildren;
}

/* ---- the turn ---- */

void loop_run_once(int timeout_ms)
{
	if (running) {
		log_msg("loop: loop_run_once called from a callback; ignored");
		return;
	}
	running = true;
	int64_t next = timers_next_ms();
	if (next >= 0 && (timeout_ms < 0 || next < timeout_ms))
		timeout_ms = next > 0x7fffffff ? 0x7fffffff : (int)next;
	size_t n = nwatches; /* watches added by callbacks wait for the next turn */
	if (cappfds < n) {
		cappfds = n + n / 2 + 16;
		pfds = xrealloc(pfds, cappfds * sizeof(*pfds));
	}
	for (size_t i = 0; i < n; i++) {
		struct loop_fd *w = watches[i];
		bool off = w->dead || !w->events;
		pfds[i].fd = off ? -1 : w->fd;
		pfds[i].events = off ? 0 : w->events;
		pfds[i].revents = 0;
	}
	int ready = poll(pfds, (nfds_t)n, timeout_ms);
	if (ready < 0 && errno != EINTR)
		log_msg("loop: poll failed: %s", strerror(errno));
	for (size_t i = 0; ready > 0 && i < n; i++) {
		struct loop_fd *w = watches[i];
		short r = pfds[i].revents;
		if (!r || w->dead)
			continue;
		ready--;
		if (w->fn)
			w->fn(w->arg, w->fd, r);
	}
	sweep_watches();
	timers_run_due();
	sweep_watches();
	running = false;
}

void loop_cleanup(void)
{
	for (size_t i = 0; i < nwatches; i++)
		free(watches[i]);
	free(watches);
	watches = NULL;
	nwatches = capwatches = 0;
	free(pfds);
	pfds = NULL;
	cappfds = 0;
	for (size_t i = 0; i < nchildren; i++)
		free(children[i]);
	free(children);
	children = NULL;
	nchildren = capchildren = 0;
	chld_watch = NULL;
	if (chld_pipe[0] >= 0) {
		sigaction(SIGCHLD, &old_chld, NULL);
		close(chld_pipe[0]);
		close(chld_pipe[1]);
		chld_pipe[0] = chld_pipe[1] = -1;
	}
}
