/* keylat.h: how long a key takes to reach the screen, measured inside the
 * program from the moment it is read to the doupdate that shows its effect,
 * and written to the --log file ("latency: key to screen 3.1 ms, cpu 2.8 ms (>)"), where
 * the benchmark reads the distribution. Costs nothing without --log. */
#ifndef BINNACLE_KEYLAT_H
#define BINNACLE_KEYLAT_H

/* A key was read (the first of a burst starts the clock, and names it in
 * the log line). */
void keylat_key(int key);
/* The screen was updated: the key waiting, if any, is done. */
void keylat_drawn(void);

#endif
