/* hangup.h: noticing that the dashboard must end because its terminal is
 * gone or it was told to stop, whatever the signal dispositions: a hang-up
 * or an error on the terminal, the end of its input, EIO, and SIGHUP or
 * SIGTERM (unless they were ignored when binnacle started, as under nohup).
 * Without this a closed terminal with SIGHUP ignored leaves binnacle
 * spinning with its watches open (the k9s orphan problem). */
#ifndef BINNACLE_HANGUP_H
#define BINNACLE_HANGUP_H

#include <stdbool.h>

/* SIGHUP and SIGTERM set the flag (where they are not ignored); undone by
 * hangup_restore. */
void hangup_install(void);
void hangup_restore(void);
/* Records why the terminal is gone ("the terminal hung up"). */
void hangup_note(const char *why);
/* Whether the program should end now, and why. */
bool hangup_pending(void);
const char *hangup_reason(void);
/* Checks the terminal's input after a loop turn in which the loop saw
 * revents on it: a hang-up or error, or readable with nothing to read (the
 * end of input), records why. Returns hangup_pending(). */
bool hangup_check_input(int fd, short revents);

#endif
