/* keylat.c: key-to-screen latency (see keylat.h). */
#include "tui/keylat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "backends/util/log.h"

static int64_t pending_us; /* when the oldest key not yet on screen was read; 0 = none */
static int64_t pending_cpu_us; /* the thread's CPU time then */
static int pending_key;

/* Real time, never the clock tests pin: this measures the program. The
 * CPU time beside it says what the program itself spent, whatever else the
 * machine was doing meanwhile. */
static int64_t clock_us(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

void keylat_key(int key)
{
	if (!pending_us) {
		pending_us = now_us();
		pending_cpu_us = clock_us(CLOCK_THREAD_CPUTIME_ID);
		pending_key = key;
	}
}

void keylat_drawn(void)
{
	if (!pending_us)
		return;
	int64_t us = now_us() - pending_us, cpu = clock_us(CLOCK_THREAD_CPUTIME_ID) - pending_cpu_us;
	pending_us = 0;
	char key[16];
	if (pending_key > ' ' && pending_key < 127)
		snprintf(key, sizeof(key), "%c", pending_key);
	else
		snprintf(key, sizeof(key), "key %#x", (unsigned)pending_key);
	log_msg("latency: key to screen %lld.%lld ms, cpu %lld.%lld ms (%s)", (long long)(us / 1000),
		(long long)(us % 1000 / 100), (long long)(cpu / 1000), (long long)(cpu % 1000 / 100), key);
}
