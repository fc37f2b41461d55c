/* loop.h: the one event loop of the program, apart from HTTP. Descriptors
 * are watched with interest flags and told everything poll() reports
 * (hang-up and errors included), child processes are reaped without blocking
 * and their exit status handed to their owner, and timers (timer.h) run when
 * due. There is no limit on how many of each. libcurl's sockets are just
 * more descriptors here (http.c registers them). Single-threaded: every
 * callback runs from loop_run_once, one at a time, and may watch, unwatch,
 * arm or free anything, itself included. */
#ifndef BINNACLE_LOOP_H
#define BINNACLE_LOOP_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

/* revents is what poll() said: POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL. */
typedef void (*loop_fd_fn)(void *arg, int fd, short revents);
struct loop_fd;

/* Watches fd for events (POLLIN and/or POLLOUT). fn NULL: the descriptor
 * only wakes the loop (the terminal's input, read elsewhere). The watch
 * does not own fd: unwatch before closing it. */
struct loop_fd *loop_watch(int fd, short events, loop_fd_fn fn, void *arg);
/* Changes the interest; 0 pauses the watch entirely (hang-ups included,
 * so a paused dead socket does not spin the loop). */
void loop_watch_events(struct loop_fd *w, short events);
short loop_watch_interest(const struct loop_fd *w);
/* Stops watching; NULL is fine, and so is a callback unwatching itself. */
void loop_unwatch(struct loop_fd *w);

/* wstatus as waitpid() gives it (WIFEXITED, WEXITSTATUS, WTERMSIG...). */
typedef void (*loop_child_fn)(void *arg, pid_t pid, int wstatus);
struct loop_child;
/* Tells fn once child pid (forked by the caller) has ended, and reaps it.
 * Only the pids given here are ever waited for. */
struct loop_child *loop_child_watch(pid_t pid, loop_child_fn fn, void *arg);
/* Stops telling; the child is still reaped when it ends (no zombie). NULL is fine. */
void loop_child_forget(struct loop_child *c);

/* One turn: waits up to timeout_ms (-1: no limit; less when a timer is due
 * sooner) for a watched descriptor, a child's end or a timer, then runs the
 * callbacks of everything ready. Not reentrant: a callback must not call it. */
void loop_run_once(int timeout_ms);

/* Watches and children currently registered (tests, diagnostics). */
size_t loop_watch_count(void);
size_t loop_child_count(void);
/* Forgets every watch and child (at exit). */
void loop_cleanup(void);

#endif
