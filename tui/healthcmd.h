/* healthcmd.h: `binnacle health [-o table|wide|json]`: the health screen's
 * endpoints and problems printed once, for cron jobs and scripts. */
#ifndef BINNACLE_HEALTHCMD_H
#define BINNACLE_HEALTHCMD_H

#include "backends/model/session.h"
#include "tui/getcmd.h"

/* Exit status: 0 when nothing is wrong anywhere, 1 when something is (a
 * problem, or an endpoint down), 2 for a usage error. */
int healthcmd_run(struct session *s, const struct get_opts *o);

#endif
