/* health.c: what is wrong on an engine, for the health screen: containers
 * unhealthy, restarting, dead, or exited with an error code within the last
 * day (a clean exit is a finished job, not a problem), from the containers
 * the endpoint follows anyway. */
#include "backends/docker/internal.h"
#include "backends/model/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An exited container stops being news after a day. */
#define EXITED_RECENT_S (24 * 3600)

void docker_health_watch(struct endpoint *ep)
{
	ep->ops->watch(ep, KIND_CONTAINERS);
}

/* The exit code of "Exited (137) 5 minutes ago", or -1. */
static long exit_code(const char *status)
{
	const char *open = strstr(status, "Exited (");
	return open ? strtol(open + 8, NULL, 10) : -1;
}

static void report(const struct health_sink *sink, const struct row *r, enum problem_level level, const char *code,
		   const char *what, int64_t since)
{
	struct problem p = {.level = level, .code = code, .kind = KIND_CONTAINERS, .id = r->id,
			    .name = row_text(r, CTR_NAME), .what = what, .since = since};
	sink->problem(sink->arg, &p);
}

void docker_health(struct endpoint *ep, const struct health_sink *sink)
{
	struct rtable *t = store_find_table(ep->store, KIND_CONTAINERS);
	if (!t || !t->synced)
		return;
	long running = 0, total = 0;
	int64_t now = wall_s();
	for (size_t i = 0; i < t->len; i++) {
		const struct row *r = t->rows[i];
		if (r->gone_ms)
			continue;
		total++;
		const char *state = row_text(r, CTR_STATE), *health = row_text(r, CTR_HEALTH);
		const struct cell *status = &r->cells[CTR_STATUS];
		int64_t since = status->type == CELL_TIME ? status->num : 0;
		char what[160];
		running += !strcmp(state, "running");
		if (!strcmp(health, "unhealthy")) {
			report(sink, r, PROBLEM_CRITICAL, "unhealthy", "unhealthy: its health check fails", 0);
		} else if (!strcmp(state, "restarting")) {
			report(sink, r, PROBLEM_CRITICAL, "restarting", "restarting over and over", 0);
		} else if (!strcmp(state, "dead")) {
			report(sink, r, PROBLEM_CRITICAL, "dead", "dead: the engine could not stop or remove it", 0);
		} else if (!strcmp(state, "exited") && exit_code(row_text(r, CTR_STATUS)) > 0 &&
			   (!since || now - since < EXITED_RECENT_S)) {
			snprintf(what, sizeof(what), "exited with code %ld", exit_code(row_text(r, CTR_STATUS)));
			report(sink, r, PROBLEM_WARNING, "exited", what, since);
		}
	}
	sink->count(sink->arg, "containers running", running, total);
}
