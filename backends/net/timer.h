/* timer.h: one-shot timers for the single-threaded event loop. Backends arm
 * them for reconnect backoff and periodic work; the loop asks how long it may
 * sleep and runs the ones that are due. */
#ifndef BINNACLE_TIMER_H
#define BINNACLE_TIMER_H

#include <stdint.h>

typedef void (*timer_fn)(void *arg);

struct timer *timer_new(timer_fn fn, void *arg);
void timer_free(struct timer *t); /* NULL is fine; disarms first */
void timer_arm(struct timer *t, int64_t delay_ms);
void timer_disarm(struct timer *t);
int timer_armed(const struct timer *t);

/* Milliseconds until the next armed timer is due (0 if overdue), -1 if none. */
int64_t timers_next_ms(void);
/* Runs every timer that is due; a callback may re-arm or free any timer. */
void timers_run_due(void);

#endif
