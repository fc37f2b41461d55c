/* keylat.c: key-to-screen latency (see keylat.h). */
#include "tui/keylat.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "backends/util/log.h"

static int64_t pending_us; /* when the oldest key not yet on screen was read; 0 = none */

/* Real time, never the clock tests pin: this measures the program. */
static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void keylat_key(void)
{
	if (!pending_us)
		pending_us = now_us();
}

void keylat_drawn(void)
{
	if (!pending_us)
		return;
	int64_t us = now_us() - pending_us;
	pending_us = 0;
	log_msg("latency: key to screen %lld.%lld ms", (long long)(us / 1000), (long long)(us % 1000 / 100));
}
