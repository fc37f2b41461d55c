/* child.h: child processes run for the program's own needs (Kubernetes
 * exec credential plugins now; AWS credential_process and Docker credential
 * helpers next), on the event loop and never waited for: input written to
 * its stdin, stdout and stderr collected under caps, a timeout, and its end
 * (exit code, signal, or a program that could not be started) delivered
 * through one callback. Cancelling never blocks and still reaps. The child
 * runs in its own process group, so a kill reaches what it started too. */
#ifndef BINNACLE_CHILD_H
#define BINNACLE_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct child_spec {
	const char *path;           /* the program (a path: see child_which) */
	const char *const *argv;    /* argv[0] first, NULL-terminated */
	const char *const *env_add; /* "NAME=value" added to the environment, replacing a
				     * variable of the same name; NULL-terminated, or NULL */
	const char *input;          /* written to stdin, which then closes; NULL: /dev/null */
	size_t input_len;
	size_t out_max;             /* past this much stdout the child is killed (0: 1 MiB) */
	size_t err_max;             /* stderr past this is dropped (0: 8 KiB) */
	int64_t timeout_ms;         /* then it is killed; 0: no limit */
};

struct child_result {
	int exit_code;    /* its exit status, -1 when it did not exit by itself */
	int signal;       /* the signal that ended it, 0 when none */
	int exec_errno;   /* the program could not be started (ENOENT...), 0 when it was */
	bool timed_out;   /* killed at the timeout */
	bool out_overflow; /* killed for printing more than out_max */
	const char *out;  /* what it printed (borrowed: valid during the callback) */
	size_t out_len;
	const char *err;
	size_t err_len;
};

typedef void (*child_done_fn)(void *arg, const struct child_result *r);

struct child;

/* Starts the program; done runs once, from the loop, when it has ended, and
 * the child is freed after done returns. NULL with a sentence in err when
 * it cannot be started at all (no descriptors, no fork). Everything the
 * child prints is wiped from memory before it is freed: it may hold a
 * credential. */
struct child *child_run(const struct child_spec *spec, child_done_fn done, void *arg, char *err, size_t errlen);
/* Kills it (its process group) and forgets it: done is not called, the
 * loop reaps it when it is gone. NULL is fine; not from its own done. */
void child_cancel(struct child *c);
pid_t child_pid(const struct child *c);

/* The program a command names, as a shell would find it: cmd itself when it
 * holds a '/' (relative to dir when dir is given and cmd is not absolute),
 * else the first executable cmd in $PATH. Owned, or NULL when not found. */
char *child_which(const char *cmd, const char *dir);

#endif
