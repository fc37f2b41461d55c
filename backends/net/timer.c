/* timer.c: one-shot timers kept in a small list; there are only a handful
 * per endpoint, so a linear scan beats a heap in code and in speed. */
#include "backends/net/timer.h"
#include "backends/util/util.h"

#include <stdlib.h>

struct timer {
	timer_fn fn;
	void *arg;
	int64_t due; /* 0 = disarmed */
	struct timer *next;
};

static struct timer *all;

struct timer *timer_new(timer_fn fn, void *arg)
{
	struct timer *t = xcalloc(1, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
	t->next = all;
	all = t;
	return t;
}

void timer_free(struct timer *t)
{
	if (!t)
		return;
	for (struct timer **p = &all; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	free(t);
}

void timer_arm(struct timer *t, int64_t delay_ms)
{
	t->due = mono_ms() + (delay_ms > 0 ? delay_ms : 0);
}

void timer_disarm(struct timer *t)
{
	t->due = 0;
}

int timer_armed(const struct timer *t)
{
	return t->due != 0;
}

int64_t timers_next_ms(void)
{
	int64_t best = -1, now = mono_ms();
	for (struct timer *t = all; t; t = t->next) {
		if (!t->due)
			continue;
		int64_t left = t->due > now ? t->due - now : 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best;
}

void timers_run_due(void)
{
	/* restart the scan after each callback: it may have freed timers */
	for (;;) {
		int64_t now = mono_ms();
		struct timer *t;
		for (t = all; t; t = t->next)
			if (t->due && t->due <= now)
				break;
		if (!t)
			return;
		t->due = 0;
		t->fn(t->arg);
	}
}
