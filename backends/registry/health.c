/* health.c: what the health screen learns of a registry. Reachability and
 * refused credentials are the endpoint's own state (a registry checked once
 * a minute with GET /v2/, the cheapest request it answers); the problems
 * are the pull rate limit running out (Docker Hub's RateLimit headers), a
 * credential helper that failed (the registry is used anonymously), and a
 * repository whose tags were refused. */
#include "backends/registry/internal.h"

#include <stdio.h>
#include <string.h>

#define HEALTH_PING_MS 60000

static void on_health_ping(struct reg *r, void *ctx, const struct reg_answer *a)
{
	(void)ctx;
	if (a->cancelled)
		return;
	if (a->res && a->res->error)
		reg_fail(r, "%s", a->res->error);
}

static void on_health_tick(void *arg)
{
	struct reg *r = arg;
	timer_arm(r->health_tick, HEALTH_PING_MS);
	if (r->phase == RP_LIVE && mono_ms() - r->last_ok_ms >= HEALTH_PING_MS / 2)
		reg_request(r, "GET", "/v2/", NULL, NULL, RQ_RAW, on_health_ping, NULL);
}

void reg_health_watch(struct endpoint *ep)
{
	struct reg *r = ep->priv;
	if (!r->health_tick)
		r->health_tick = timer_new(on_health_tick, r);
	if (!timer_armed(r->health_tick))
		timer_arm(r->health_tick, HEALTH_PING_MS);
	r->health_on = true;
	if (r->phase == RP_IDLE && !timer_armed(r->retry)) {
		/* connecting is what tells whether it is reachable */
		r->ep->ops->watch(ep, KIND_REPOSITORIES);
	}
}

void reg_health(struct endpoint *ep, const struct health_sink *sink)
{
	struct reg *r = ep->priv;
	struct rtable *rt = store_find_table(ep->store, KIND_REPOSITORIES);
	if (rt && rt->synced)
		sink->count(sink->arg, "repositories", (long)rtable_live_count(rt), (long)rtable_live_count(rt));
	if (r->ratelimit_total > 0 && r->ratelimit_left * 10 < r->ratelimit_total) {
		char what[160];
		snprintf(what, sizeof(what), "pull rate limit nearly spent: %s", r->ratelimit);
		struct problem p = {.level = r->ratelimit_left <= 0 ? PROBLEM_CRITICAL : PROBLEM_WARNING,
				    .code = "ratelimit",
				    .kind = KIND_REPOSITORIES,
				    .id = "",
				    .name = "",
				    .what = what};
		sink->problem(sink->arg, &p);
	}
	if (r->cred_error[0]) {
		char what[ERRLEN + 40];
		snprintf(what, sizeof(what), "used anonymously: %s", r->cred_error);
		struct problem p = {.level = PROBLEM_WARNING, .code = "credhelper", .kind = KIND_REPOSITORIES, .id = "",
				    .name = "", .what = what};
		sink->problem(sink->arg, &p);
	}
	ecr_health(r, sink);
	if (r->health_error[0]) {
		struct problem p = {.level = PROBLEM_WARNING, .code = "refused", .kind = KIND_REPOSITORIES, .id = "",
				    .name = "", .what = r->health_error};
		sink->problem(sink->arg, &p);
	}
}
