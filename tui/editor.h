/* editor.h: the user's editor on a file, with the terminal handed over as
 * for a shell: curses is suspended, $VISUAL or $EDITOR (default vi) runs in
 * the foreground, and the dashboard comes back as it was. The session's
 * loop keeps turning meanwhile, so watches and timers carry on. */
#ifndef BINNACLE_EDITOR_H
#define BINNACLE_EDITOR_H

#include <stddef.h>

#include "backends/model/session.h"

/* Runs the editor on path until it exits; its exit status, or -1 with a
 * sentence in err when it could not be run or was killed. Call it from the
 * loop, never from a callback. */
int editor_run(struct session *s, const char *path, char *err, size_t errlen);

#endif
