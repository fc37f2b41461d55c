/* health.c: what is wrong on an ECS endpoint, for the health screen, from
 * the rows the polling keeps (health follows services, tasks and container
 * instances at the slow pace when their views are not on screen): services
 * below their desired count or whose deployment failed, tasks that
 * stopped recently for a reason other than being asked to (with that
 * reason), container instances whose agent is disconnected; counts of
 * services at their desired count and of tasks running. */
#include "backends/ecs/internal.h"
#include "backends/ecs/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A stopped task is news for this long. */
#define STOPPED_RECENT_S 1800

void ecs_health_watch(struct endpoint *ep)
{
	struct ecs *e = ep->priv;
	if (!e->aws)
		return; /* the endpoint says why */
	/* watching is not looking: the list on screen stays the one refreshed often */
	enum ecs_list hot = e->hot;
	bool hc = e->hot_containers, he = e->hot_events;
	ep->ops->watch(ep, KIND_ECS_SERVICES);
	ep->ops->watch(ep, KIND_ECS_TASKS);
	ep->ops->watch(ep, KIND_NODES);
	e->hot = hot;
	e->hot_containers = hc;
	e->hot_events = he;
}

static const struct rtable *synced(struct endpoint *ep, const char *kind)
{
	const struct rtable *t = store_find_table(ep->store, kind);
	return t && t->synced ? t : NULL;
}

static void problem_at(const struct health_sink *sink, enum problem_level level, const char *code, const char *kind,
		       const char *id, const char *name, const char *scope, const char *what, int64_t since)
{
	struct problem p = {.level = level, .code = code, .kind = kind, .id = id, .name = name,
			    .scope = scope && *scope ? scope : NULL, .what = what, .since = since};
	sink->problem(sink->arg, &p);
}

static void problem(const struct health_sink *sink, enum problem_level level, const char *code, const char *kind,
		    const struct row *r, const char *name, const char *scope, const char *what, int64_t since)
{
	problem_at(sink, level, code, kind, r->id, name, scope, what, since);
}

/* Stopped by the scheduler for a reason worth an operator's time: not a
 * scale-in, not a deployment replacing it. */
static bool bad_stop(const char *code, const char *reason)
{
	if (!*code || !strcmp(code, "UserInitiated"))
		return false;
	if (!strcmp(code, "ServiceSchedulerInitiated"))
		return !str_starts(reason, "Scaling activity") && !strstr(reason, "deployment");
	return true;
}

void ecs_health(struct endpoint *ep, const struct health_sink *sink)
{
	char what[400];
	const struct rtable *svcs = synced(ep, KIND_ECS_SERVICES);
	long ok = 0, total = 0;
	for (size_t i = 0; svcs && i < svcs->len; i++) {
		const struct row *r = svcs->rows[i];
		if (r->gone_ms || strcmp(row_text(r, ESV_STATUS), "ACTIVE"))
			continue;
		total++;
		int64_t running = r->cells[ESV_TASKS].num, desired = r->cells[ESV_DESIRED].num;
		const char *rollout = row_text(r, ESV_ROLLOUT);
		if (!strcmp(rollout, "FAILED")) {
			snprintf(what, sizeof(what), "deployment failed: %s", *row_text(r, ESV_ROLLOUT_REASON)
										  ? row_text(r, ESV_ROLLOUT_REASON)
										  : "its tasks did not start");
			problem(sink, PROBLEM_CRITICAL, "deployment", KIND_ECS_SERVICES, r, row_text(r, ESV_NAME),
				row_text(r, ESV_CLUSTER), what, 0);
		}
		if (running >= desired) {
			ok++;
			continue;
		}
		snprintf(what, sizeof(what), "%lld of %lld tasks running%s", (long long)running, (long long)desired,
			 !strcmp(rollout, "IN_PROGRESS") ? " (deployment in progress)" : "");
		problem(sink, running == 0 ? PROBLEM_CRITICAL : PROBLEM_WARNING, "short", KIND_ECS_SERVICES, r,
			row_text(r, ESV_NAME), row_text(r, ESV_CLUSTER), what, 0);
	}
	if (svcs)
		sink->count(sink->arg, "services at desired count", ok, total);
	const struct rtable *tasks = synced(ep, KIND_ECS_TASKS);
	long running = 0, live = 0;
	int64_t now = wall_s();
	/* stops of one service are one problem: a failing service stops a task a minute */
	struct stops {
		const struct row *newest;
		int64_t at;
		long n;
	} *stops = xcalloc(tasks ? tasks->len + 1 : 1, sizeof(*stops));
	size_t nstops = 0;
	for (size_t i = 0; tasks && i < tasks->len; i++) {
		const struct row *r = tasks->rows[i];
		if (r->gone_ms)
			continue;
		const char *last = row_text(r, ETK_LAST);
		if (strcmp(last, "STOPPED")) {
			live++;
			running += !strcmp(last, "RUNNING");
			if (!strcmp(row_text(r, ETK_HEALTH), "UNHEALTHY"))
				problem(sink, PROBLEM_WARNING, "unhealthy", KIND_ECS_TASKS, r, row_text(r, ETK_ID),
					row_text(r, ETK_CLUSTER), "its health check fails", 0);
			continue;
		}
		const struct cell *stopped = &r->cells[ETK_STOPPED];
		int64_t at = stopped->type == CELL_TIME ? stopped->num : 0;
		if (!bad_stop(row_text(r, ETK_STOP_CODE), row_text(r, ETK_REASON)) || (at && now - at > STOPPED_RECENT_S))
			continue;
		size_t k = 0;
		const char *svc = row_text(r, ETK_SERVICE), *cl = row_text(r, ETK_CLUSTER);
		for (; *svc && k < nstops; k++)
			if (!strcmp(row_text(stops[k].newest, ETK_SERVICE), svc) &&
			    !strcmp(row_text(stops[k].newest, ETK_CLUSTER), cl))
				break;
		if (!*svc || k == nstops)
			stops[k = nstops++] = (struct stops){r, at, 0};
		stops[k].n++;
		if (at > stops[k].at) {
			stops[k].newest = r;
			stops[k].at = at;
		}
	}
	for (size_t k = 0; k < nstops; k++) {
		const struct row *r = stops[k].newest;
		const char *code = row_text(r, ETK_STOP_CODE), *reason = row_text(r, ETK_REASON), *svc = row_text(r, ETK_SERVICE);
		if (stops[k].n > 1)
			snprintf(what, sizeof(what), "%ld tasks of %s stopped; the last: %s: %s", stops[k].n, svc, code,
				 *reason ? reason : "no reason given");
		else
			snprintf(what, sizeof(what), "%s%s stopped: %s: %s", *svc ? "a task of " : "", svc, code,
				 *reason ? reason : "no reason given");
		enum problem_level level =
			!strcmp(code, "TaskFailedToStart") || stops[k].n > 2 ? PROBLEM_CRITICAL : PROBLEM_WARNING;
		if (*svc) {
			/* the service's: one problem that stays while its tasks keep stopping */
			char id[600];
			snprintf(id, sizeof(id), "%s/%s", row_text(r, ETK_CLUSTER), svc);
			problem_at(sink, level, "stopping", KIND_ECS_SERVICES, id, svc, row_text(r, ETK_CLUSTER), what,
				   stops[k].at);
		} else {
			problem(sink, level, "stopped", KIND_ECS_TASKS, r, row_text(r, ETK_ID), row_text(r, ETK_CLUSTER), what,
				stops[k].at);
		}
	}
	free(stops);
	if (tasks)
		sink->count(sink->arg, "tasks running", running, live);
	const struct rtable *nodes = synced(ep, KIND_NODES);
	for (size_t i = 0; nodes && i < nodes->len; i++) {
		const struct row *r = nodes->rows[i];
		char cluster[256];
		const char *rest;
		if (r->gone_ms || !strstr(row_text(r, NODE_STATUS), "agent disconnected"))
			continue;
		ecs_split_id(r->id, cluster, sizeof(cluster), &rest);
		problem(sink, PROBLEM_CRITICAL, "disconnected", KIND_NODES, r, row_text(r, NODE_NAME), cluster,
			"its ECS agent is disconnected: no task can be placed or stopped there", 0);
	}
}
