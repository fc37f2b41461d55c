/* editor.c: the user's editor in binnacle's terminal (see editor.h). Like
 * system(), the dashboard ignores the terminal's interrupt and quit keys
 * while the editor has the terminal; the editor gets them as usual. */
#include "tui/editor.h"
#include "backends/net/loop.h"
#include "backends/util/log.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct ended {
	bool done;
	int wstatus;
};

static void on_exit_status(void *arg, pid_t pid, int wstatus)
{
	(void)pid;
	struct ended *e = arg;
	e->done = true;
	e->wstatus = wstatus;
}

int editor_run(struct session *s, const char *path, char *err, size_t errlen)
{
	const char *ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	/* the editor may come with arguments ("code -w"): the shell splits them,
	 * and the file name goes as its own argument, never through the shell */
	char *cmd = xasprintf("%s \"$1\"", ed);
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	sigemptyset(&ign.sa_mask);
	def_prog_mode();
	endwin();
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	int rc = -1;
	if (pid < 0) {
		set_err(err, errlen, "cannot start the editor: %s", strerror(errno));
	} else {
		log_msg("editor: %s on %s (pid %ld)", ed, path, (long)pid);
		struct ended e = {0};
		/* the loop reaps it and frees its watch once it has told */
		loop_child_watch(pid, on_exit_status, &e);
		while (!e.done)
			session_turn(s, 250);
		if (WIFEXITED(e.wstatus))
			rc = WEXITSTATUS(e.wstatus);
		else
			set_err(err, errlen, "the editor (%s) was killed by signal %d", ed, WTERMSIG(e.wstatus));
		if (rc == 127)
			set_err(err, errlen, "the editor \"%s\" could not be run (set $EDITOR)", ed);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	reset_prog_mode();
	free(cmd);
	return rc;
}
