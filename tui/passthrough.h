/* passthrough.h: hands the terminal to a remote process (exec): curses is
 * suspended, the terminal goes raw, bytes flow both ways, window size
 * changes are forwarded, and the dashboard comes back exactly as it was.
 * The session's loop keeps turning meanwhile, so nothing else stalls. */
#ifndef BINNACLE_PASSTHROUGH_H
#define BINNACLE_PASSTHROUGH_H

#include "backends/backend.h"
#include "backends/model/session.h"

/* Runs until the remote side ends (or the user types Enter ~ .). Returns the
 * exit status, -1 when unknown; err gets a sentence when the stream failed.
 * Keys typed in the moment the session ended (exit Enter, then Esc) were
 * meant for the dashboard: they are appended to leftover (may be NULL). */
int passthrough_run(struct session *s, struct bstream *st, const char *banner, struct buf *leftover, char *err,
		    size_t errlen);

#endif
