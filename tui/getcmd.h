/* getcmd.h: `binnacle get KIND [-o table|wide|json]`: the rows the screen
 * would show, printed once for scripts, through the same session and model. */
#ifndef BINNACLE_GETCMD_H
#define BINNACLE_GETCMD_H

#include "backends/model/session.h"

struct get_opts {
	const char *kind;   /* alias or kind name */
	const char *output; /* "table", "wide" or "json" */
	const char *filter; /* optional `/` filter text */
	const char *scope;  /* optional: what narrows each endpoint (a namespace, a repository) */
	int64_t timeout_ms;
};

/* Returns the process exit status: 0 ok; 1 nothing could be listed; 3 some
 * endpoints failed (named on stderr) and the others' rows were printed. */
int getcmd_run(struct session *s, const struct get_opts *o);

#endif
