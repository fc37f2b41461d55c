/* liveness.c: quiet streams proven alive or declared gone (see liveness.h). */
#include "backends/net/liveness.h"
#include "backends/net/calls.h"
#include "backends/net/timer.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>

struct probe_call {
	struct calls_req base;
	struct liveness *lv;
};

static void arm(struct liveness *lv)
{
	int64_t left = lv->heard_ms + lv->quiet_ms - mono_ms();
	timer_arm(lv->timer, left > 0 ? left : 0);
}

static void gone(struct liveness *lv, const char *why)
{
	liveness_stop(lv);
	log_msg("liveness: %s", why);
	lv->ops->gone(lv->owner, why);
}

static void on_probe(void *arg, const struct http_result *res)
{
	struct probe_call *c = arg;
	struct liveness *lv = c->lv;
	char why[ERRLEN];
	lv->probe = NULL;
	if (!lv->running)
		return;
	if (http_result_down(res)) {
		snprintf(why, sizeof(why), "%s", res->error);
		gone(lv, why);
	} else if (res->status >= 500) {
		/* a proxy or load balancer answering for a server that is not there */
		snprintf(why, sizeof(why), "the server answered its liveness check with HTTP %ld", res->status);
		gone(lv, why);
	} else if (lv->ops->check && !lv->ops->check(lv->owner, res, why, sizeof(why))) {
		gone(lv, why);
	} else {
		lv->heard_ms = mono_ms(); /* quiet, not gone: the next look is a quiet time away */
		arm(lv);
	}
}

static void on_probe_cancelled(struct calls_req *base, const char *why)
{
	struct probe_call *c = (struct probe_call *)base;
	(void)why;
	c->lv->probe = NULL;
}

static void on_tick(void *arg)
{
	struct liveness *lv = arg;
	if (!lv->running || lv->probe)
		return;
	int64_t now = mono_ms();
	if (now - lv->heard_ms < lv->quiet_ms) {
		arm(lv);
		return;
	}
	/* nothing open that could go stale unnoticed: requests time out by themselves */
	if (!calls_streaming(lv->calls)) {
		lv->heard_ms = now;
		arm(lv);
		return;
	}
	char path[1024];
	lv->ops->probe_path(lv->owner, path, sizeof(path));
	struct probe_call *c = calls_new(lv->calls, sizeof(*c), "GET", path, (long)lv->timeout_ms, on_probe);
	c->lv = lv;
	c->base.on_cancel = on_probe_cancelled;
	lv->probe = &c->base;
	lv->probes++;
	calls_start(&c->base);
}

int64_t liveness_time(enum liveness_time which, int64_t dflt)
{
	const char *env = getenv("BINNACLE_TEST_LIVENESS");
	long long v[4] = {0, 0, 0, 0};
	int n = env ? sscanf(env, "%lld,%lld,%lld,%lld", &v[0], &v[1], &v[2], &v[3]) : 0;
	if (n < 3 || (int)which >= n || v[which] <= 0)
		return dflt;
	return v[which];
}

void liveness_init(struct liveness *lv, const struct liveness_ops *ops, struct calls *calls, void *owner,
		   int64_t quiet_ms, int64_t timeout_ms)
{
	lv->ops = ops;
	lv->calls = calls;
	lv->owner = owner;
	lv->quiet_ms = liveness_time(LIVENESS_QUIET, quiet_ms);
	lv->timeout_ms = liveness_time(LIVENESS_TIMEOUT, timeout_ms);
	lv->heard_ms = 0;
	lv->timer = timer_new(on_tick, lv);
	lv->probe = NULL;
	lv->running = false;
	lv->probes = 0;
	calls->liveness = lv;
}

void liveness_cleanup(struct liveness *lv)
{
	liveness_stop(lv);
	timer_free(lv->timer);
	lv->timer = NULL;
	if (lv->calls && lv->calls->liveness == lv)
		lv->calls->liveness = NULL;
}

void liveness_start(struct liveness *lv)
{
	lv->running = true;
	lv->heard_ms = mono_ms();
	arm(lv);
}

void liveness_stop(struct liveness *lv)
{
	lv->running = false;
	timer_disarm(lv->timer);
	if (lv->probe) {
		struct calls_req *c = lv->probe;
		lv->probe = NULL;
		calls_cancel(c);
	}
}

void liveness_heard(struct liveness *lv)
{
	lv->heard_ms = mono_ms();
}
