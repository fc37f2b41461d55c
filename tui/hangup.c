/* hangup.c: the end of the terminal, however it shows (see hangup.h). */
#include "tui/hangup.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

static volatile sig_atomic_t signalled;
static char reason[128];
static struct sigaction old_hup, old_term;
static bool installed;
/* turns in a row the input was readable with nothing in it */
static int empty_turns;

static void on_signal(int sig)
{
	signalled = sig;
}

void hangup_install(void)
{
	struct sigaction sa, cur;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll returns at once and the loop sees the flag */
	sigaction(SIGHUP, NULL, &cur);
	old_hup = cur;
	if (cur.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, NULL, &cur);
	old_term = cur;
	if (cur.sa_handler != SIG_IGN)
		sigaction(SIGTERM, &sa, NULL);
	installed = true;
}

void hangup_restore(void)
{
	if (!installed)
		return;
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	installed = false;
}

void hangup_note(const char *why)
{
	if (!reason[0])
		snprintf(reason, sizeof(reason), "%s", why);
}

bool hangup_pending(void)
{
	if (signalled && !reason[0])
		snprintf(reason, sizeof(reason), "binnacle received %s", signalled == SIGHUP ? "SIGHUP" : "SIGTERM");
	return reason[0] != '\0';
}

const char *hangup_reason(void)
{
	hangup_pending();
	return reason;
}

bool hangup_check_input(int fd, short revents)
{
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		hangup_note("the terminal hung up");
	} else if (revents & POLLIN) {
		/* readable with not a byte waiting is the end of input (a read
		 * would return 0, or EIO on a terminal that went away) */
		int avail = -1;
		if (ioctl(fd, FIONREAD, &avail) == 0 && avail == 0) {
			if (++empty_turns >= 2)
				hangup_note("the terminal's input ended");
		} else {
			empty_turns = 0;
		}
	}
	return hangup_pending();
}
