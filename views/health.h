/* health.h: what is wrong, on every endpoint at once. Each refresh asks
 * every backend for its counts and problems (its health slot), adds the
 * endpoints' own trouble (stale, credentials refused), and keeps the result
 * as rows: one per endpoint and one per problem, so the screen and `binnacle
 * health` show the same thing and a selection survives refreshes. A problem
 * that clears stays a few minutes, dimmed, with the time it cleared; a
 * minute-by-minute history of problems and restarts feeds the trends. */
#ifndef BINNACLE_HEALTH_H
#define BINNACLE_HEALTH_H

#include "backends/model/session.h"
#include "views/view.h"

/* How long a cleared problem stays listed. */
#define HEALTH_CLEARED_KEEP_S 300
/* Samples kept for the trends: one a minute, an hour. */
#define HEALTH_HISTORY 60

enum health_endpoint_cell {
	HE_ENDPOINT,
	HE_BACKEND,
	HE_STATE,    /* live, connecting, stale since 12:03:04: reason, credentials refused */
	HE_COUNTS,   /* the backend's counts: "nodes 3/4 · pods 20/28" */
	HE_PROBLEMS, /* CELL_INT */
	HE_TREND,    /* problems over the last hour, as a sparkline */
	HE_RESTARTS, /* restarts over the last hour, as a sparkline */
	HE_NCELLS
};

enum health_problem_cell {
	HP_ORDER,    /* hidden: "endpoint where", so equal levels list by endpoint, then object */
	HP_LEVEL,    /* CELL_INT: 0 critical, 1 warning, 2 cleared; text for the eye */
	HP_ENDPOINT,
	HP_WHAT,
	HP_WHERE,    /* "pods shop/checkout-7d9f" */
	HP_SINCE,    /* CELL_TIME: when it began (or was first seen) */
	HP_CLEARED,  /* CELL_TIME: when it cleared; unset while it lasts */
	HP_KIND,     /* where it is shown: the kind, */
	HP_ID,       /* the row id, */
	HP_NAME,     /* the name the view shows, */
	HP_SCOPE,    /* and its scope (namespace) */
	HP_CODE,
	HP_NCELLS
};

#define HEALTH_ENDPOINTS "health-endpoints"
#define HEALTH_PROBLEMS "health-problems"

struct health_history {
	int64_t minute;                  /* the minute (wall s / 60) of the newest sample */
	int problems[HEALTH_HISTORY];    /* the most each minute saw, newest last */
	int64_t restarts[HEALTH_HISTORY]; /* restarts during each minute */
	int64_t last_restarts;           /* the backend's counter at the last refresh; -1 = none yet */
};

struct health {
	struct session *s;
	struct store *store;             /* tables HEALTH_ENDPOINTS and HEALTH_PROBLEMS */
	struct health_history *hist;     /* one per session endpoint */
	size_t nhist;
	bool ascii;                      /* sparklines in ASCII */
	bool trends;                     /* keep the history and draw it (the screen; not one-shot scripts) */
	int64_t refreshed_ms;
};

extern const struct view health_endpoints_view, health_problems_view;

void health_init(struct health *h, struct session *s);
void health_cleanup(struct health *h);
/* Asks every endpoint to keep live what its health needs (done once). */
void health_watch(struct health *h);
/* Rebuilds the rows from what the backends report now. */
void health_refresh(struct health *h);
/* Live problems (cleared ones not counted) and whether any endpoint is down. */
size_t health_problem_count(const struct health *h, bool *any_down);
/* The endpoint a problem row is on, or NULL when it is gone. */
struct endpoint *health_problem_endpoint(const struct health *h, const struct row *r);

#endif
