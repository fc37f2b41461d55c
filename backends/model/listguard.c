/* listguard.c: list calls that do not answer, reported once (see listguard.h). */
#include "backends/model/listguard.h"
#include "backends/model/store.h"
#include "backends/net/liveness.h"
#include "backends/net/timer.h"
#include "backends/util/util.h"

#include <stdarg.h>
#include <stdio.h>

/* The timer is due when the oldest call not yet reported is. */
static void arm(struct listguard *g)
{
	int64_t first = -1;
	for (struct listguard_call *c = g->out; c; c = c->next)
		if (!c->told && (first < 0 || c->since < first))
			first = c->since;
	if (first < 0) {
		timer_disarm(g->timer);
		return;
	}
	int64_t left = first + g->slow_ms - mono_ms();
	timer_arm(g->timer, left > 0 ? left : 0);
}

static void on_timer(void *arg)
{
	struct listguard *g = arg;
	char why[ERRLEN];
	/* one at a time, oldest first: a report may send or drop calls */
	for (;;) {
		int64_t now = mono_ms();
		struct listguard_call *due = NULL;
		for (struct listguard_call *c = g->out; c; c = c->next)
			if (!c->told && now - c->since >= g->slow_ms && (!due || c->since < due->since))
				due = c;
		if (!due)
			break;
		due->told = true;
		snprintf(why, sizeof(why), "%s has not answered %s for %lld s", g->who, due->what,
			 (long long)(g->slow_ms / 1000));
		g->slow(g->owner, due->ctx, why);
	}
	arm(g);
}

void listguard_init(struct listguard *g, const char *who, listguard_fn slow, void *owner)
{
	listguard_who(g, who);
	g->slow_ms = liveness_time(LIVENESS_LIST_SLOW, LIVENESS_LIST_SLOW_MS);
	g->slow = slow;
	g->owner = owner;
	g->timer = timer_new(on_timer, g);
	g->out = NULL;
}

void listguard_cleanup(struct listguard *g)
{
	while (g->out)
		listguard_back(g->out);
	timer_free(g->timer);
	g->timer = NULL;
}

void listguard_who(struct listguard *g, const char *who)
{
	snprintf(g->who, sizeof(g->who), "%s", who && *who ? who : "the server");
}

void listguard_out(struct listguard *g, struct listguard_call *c, void *ctx, const char *fmt, ...)
{
	listguard_back(c);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->what, sizeof(c->what), fmt, ap);
	va_end(ap);
	c->g = g;
	c->ctx = ctx;
	c->since = mono_ms();
	c->told = false;
	c->next = g->out;
	g->out = c;
	arm(g);
}

void listguard_back(struct listguard_call *c)
{
	struct listguard *g = c->g;
	if (!g)
		return;
	for (struct listguard_call **p = &g->out; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	c->g = NULL;
	c->next = NULL;
	arm(g);
}

void listguard_mark(struct store *s, struct rtable *t, const char *why)
{
	if (t && t->synced)
		rtable_set_error(s, t, why);
}
