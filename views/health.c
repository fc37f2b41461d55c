/* health.c: the health of every endpoint (see health.h): rows rebuilt from
 * the backends' health slots, problems with the time they began and cleared,
 * and the hour of history behind the trends. */
#include "views/health.h"
#include "views/sparkline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- views: as data, like every table ---- */

static enum style state_style(const struct row *r)
{
	const char *s = row_text(r, HE_STATE);
	return !strcmp(s, "live") ? ST_OK : !strncmp(s, "connecting", 10) ? ST_DIM : ST_ERROR;
}

static enum style problems_style(const struct row *r)
{
	return r->cells[HE_PROBLEMS].num ? ST_ERROR : ST_OK;
}

static const struct column endpoint_columns[] = {
	{.title = "ENDPOINT", .cell = HE_ENDPOINT, .min = 8, .max = 32},
	{.title = "BACKEND", .cell = HE_BACKEND, .min = 7, .max = 12, .priority = 4},
	{.title = "STATE", .cell = HE_STATE, .min = 12, .max = 60, .flex = true, .style = state_style},
	{.title = "COUNTS", .cell = HE_COUNTS, .min = 10, .max = 0, .priority = 2, .flex = true},
	{.title = "PROBLEMS", .cell = HE_PROBLEMS, .min = 8, .max = 8, .align = ALIGN_RIGHT, .style = problems_style},
	{.title = "TREND", .cell = HE_TREND, .min = 10, .max = HEALTH_HISTORY, .priority = 3, .flex = true},
	{.title = "RESTARTS", .cell = HE_RESTARTS, .min = 8, .max = HEALTH_HISTORY, .priority = 5, .flex = true},
};

static const char *const endpoint_aliases[] = {"health", NULL};

const struct view health_endpoints_view = {
	.kind = HEALTH_ENDPOINTS,
	.title = "Health",
	.aliases = endpoint_aliases,
	.columns = endpoint_columns,
	.ncolumns = sizeof(endpoint_columns) / sizeof(endpoint_columns[0]),
	.sort_col = 0,
	.ncells = HE_NCELLS,
	.scope_cell = -1,
};

static enum style level_style(const struct row *r)
{
	return r->cells[HP_LEVEL].num == 0 ? ST_ERROR : r->cells[HP_LEVEL].num == 1 ? ST_WARN : ST_DIM;
}

static enum style problem_row_style(const struct row *r)
{
	return r->cells[HP_CLEARED].type != CELL_NONE ? ST_DIM : ST_NORMAL;
}

static const struct column problem_columns[] = {
	{.title = "LEVEL", .cell = HP_LEVEL, .min = 5, .max = 8, .style = level_style},
	{.title = "ENDPOINT", .cell = HP_ENDPOINT, .min = 8, .max = 24, .priority = 3},
	{.title = "WHERE", .cell = HP_WHERE, .min = 10, .max = 60, .ident = true},
	{.title = "WHAT", .cell = HP_WHAT, .min = 16, .max = 0, .priority = 1, .flex = true},
	{.title = "SINCE", .cell = HP_SINCE, .min = 5, .max = 7, .align = ALIGN_RIGHT, .priority = 2},
	{.title = "CLEARED", .cell = HP_CLEARED, .min = 7, .max = 7, .align = ALIGN_RIGHT, .priority = 4},
};

static const char *const problem_aliases[] = {"problems", NULL};

const struct view health_problems_view = {
	.kind = HEALTH_PROBLEMS,
	.title = "Problems",
	.aliases = problem_aliases,
	.columns = problem_columns,
	.ncolumns = sizeof(problem_columns) / sizeof(problem_columns[0]),
	.sort_col = 0, /* worst first; ties by endpoint then id */
	.ncells = HP_NCELLS,
	.scope_cell = -1,
	.row_style = problem_row_style,
};

/* ---- refresh ---- */

struct collect {
	struct health *h;
	struct endpoint *ep;
	struct rtable *t;
	struct buf counts;
	size_t nproblems;
	int64_t restarts;
	bool have_restarts;
};

static void on_count(void *arg, const char *label, long ok, long total)
{
	struct collect *c = arg;
	buf_printf(&c->counts, "%s%s %ld/%ld", c->counts.len ? " · " : "", label, ok, total);
}

static void put_problem(struct collect *c, enum problem_level level, const char *code, const char *kind,
			const char *id, const char *name, const char *scope, const char *what, int64_t since)
{
	struct store *s = c->h->store;
	struct rtable *t = c->t;
	char *key = xasprintf("%s|%s|%s|%s", c->ep->name, kind, id, code);
	bool fresh = !rtable_find(t, key);
	struct row *r = rtable_upsert(s, t, key);
	free(key);
	static const char *const names[] = {"critical", "warning"};
	row_set_num(s, t, r, HP_LEVEL, CELL_INT, level, names[level]);
	row_clear(s, t, r, HP_CLEARED);
	row_set_text(s, t, r, HP_ENDPOINT, c->ep->name);
	row_set_text(s, t, r, HP_WHAT, what);
	char where[512];
	snprintf(where, sizeof(where), "%s %s%s%s", kind, scope && *scope ? scope : "", scope && *scope ? "/" : "",
		 name && *name ? name : id);
	row_set_text(s, t, r, HP_WHERE, where);
	char order[600];
	snprintf(order, sizeof(order), "%s %s", c->ep->name, where);
	row_set_text(s, t, r, HP_ORDER, order);
	/* the backend's time when it has one, else when it was first seen */
	if (since > 0)
		row_set_num(s, t, r, HP_SINCE, CELL_TIME, since, NULL);
	else if (fresh || r->cells[HP_SINCE].type == CELL_NONE)
		row_set_num(s, t, r, HP_SINCE, CELL_TIME, wall_s(), NULL);
	row_set_text(s, t, r, HP_KIND, kind);
	row_set_text(s, t, r, HP_ID, id);
	row_set_text_or_clear(s, t, r, HP_NAME, name);
	row_set_text_or_clear(s, t, r, HP_SCOPE, scope);
	row_set_text(s, t, r, HP_CODE, code);
	c->nproblems++;
}

static void on_problem(void *arg, const struct problem *p)
{
	struct collect *c = arg;
	put_problem(c, p->level, p->code, p->kind, p->id, p->name, p->scope, p->what, p->since);
}

static void on_restarts(void *arg, int64_t so_far)
{
	struct collect *c = arg;
	c->restarts = so_far;
	c->have_restarts = true;
}

/* The endpoint's own trouble: the same list, one line, worst of all. */
static void endpoint_state(struct collect *c, char *out, size_t outlen)
{
	struct endpoint *ep = c->ep;
	if (ep->state == EP_READY || (!ep->error[0] && ep->state == EP_CONNECTING)) {
		snprintf(out, outlen, "%s", ep->state == EP_READY ? "live" : "connecting");
		return;
	}
	char when[16] = "start";
	if (ep->down_since) {
		time_t t = (time_t)ep->down_since;
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	}
	const char *what = ep->auth_failing ? "credentials refused" : "stale";
	snprintf(out, outlen, "%s since %s: %s", what, when, ep->error);
	char line[ERRLEN + 64];
	snprintf(line, sizeof(line), "%s: %s", ep->auth_failing ? "credentials refused" : "unreachable, data stale",
		 ep->error);
	put_problem(c, PROBLEM_CRITICAL, ep->auth_failing ? "auth" : "stale", "endpoint", ep->name, ep->name, NULL,
		    line, ep->down_since);
}

/* Moves the history to this minute, then records the current figures. */
static void record(struct health_history *hh, size_t problems, const struct collect *c)
{
	int64_t minute = wall_s() / 60;
	if (!hh->minute)
		hh->minute = minute;
	while (hh->minute < minute) {
		memmove(hh->problems, hh->problems + 1, (HEALTH_HISTORY - 1) * sizeof(*hh->problems));
		memmove(hh->restarts, hh->restarts + 1, (HEALTH_HISTORY - 1) * sizeof(*hh->restarts));
		hh->problems[HEALTH_HISTORY - 1] = 0;
		hh->restarts[HEALTH_HISTORY - 1] = 0;
		hh->minute++;
	}
	int *now = &hh->problems[HEALTH_HISTORY - 1];
	if ((int)problems > *now)
		*now = (int)problems;
	if (c->have_restarts) {
		if (hh->last_restarts >= 0 && c->restarts > hh->last_restarts)
			hh->restarts[HEALTH_HISTORY - 1] += c->restarts - hh->last_restarts;
		hh->last_restarts = c->restarts;
	}
}

void health_init(struct health *h, struct session *s)
{
	memset(h, 0, sizeof(*h));
	h->s = s;
	h->store = store_new();
	h->nhist = s->neps;
	h->hist = xcalloc(h->nhist ? h->nhist : 1, sizeof(*h->hist));
	for (size_t i = 0; i < h->nhist; i++)
		h->hist[i].last_restarts = -1;
	store_table(h->store, HEALTH_ENDPOINTS, HE_NCELLS);
	store_table(h->store, HEALTH_PROBLEMS, HP_NCELLS);
}

void health_cleanup(struct health *h)
{
	store_free(h->store);
	free(h->hist);
	memset(h, 0, sizeof(*h));
}

void health_watch(struct health *h)
{
	for (size_t i = 0; i < h->s->neps; i++) {
		struct endpoint *ep = h->s->eps[i];
		if (ep->ops->health_watch)
			ep->ops->health_watch(ep);
	}
}

/* Problems not reported this time are cleared now (and kept a while). */
static void sweep(struct health *h, struct rtable *problems)
{
	int64_t now = wall_s();
	for (size_t i = 0; i < problems->len; i++) {
		struct row *r = problems->rows[i];
		if (r->gone_ms || r->seen)
			continue;
		if (r->cells[HP_CLEARED].type == CELL_NONE) {
			row_set_num(h->store, problems, r, HP_CLEARED, CELL_TIME, now, NULL);
			row_set_num(h->store, problems, r, HP_LEVEL, CELL_INT, 2, "cleared");
		} else if (now - r->cells[HP_CLEARED].num >= HEALTH_CLEARED_KEEP_S) {
			rtable_delete(h->store, problems, r->id);
		}
	}
	rtable_purge(h->store, problems, 0);
}

void health_refresh(struct health *h)
{
	struct rtable *eps = store_find_table(h->store, HEALTH_ENDPOINTS);
	struct rtable *problems = store_find_table(h->store, HEALTH_PROBLEMS);
	for (size_t i = 0; i < problems->len; i++)
		problems->rows[i]->seen = false;
	rtable_relist_begin(eps);
	if (h->s->neps > h->nhist) { /* endpoints found at run time */
		h->hist = xrealloc(h->hist, h->s->neps * sizeof(*h->hist));
		memset(h->hist + h->nhist, 0, (h->s->neps - h->nhist) * sizeof(*h->hist));
		for (size_t i = h->nhist; i < h->s->neps; i++)
			h->hist[i].last_restarts = -1;
		h->nhist = h->s->neps;
	}
	for (size_t i = 0; i < h->s->neps && i < h->nhist; i++) {
		struct endpoint *ep = h->s->eps[i];
		struct collect c = {.h = h, .ep = ep, .t = problems};
		buf_init(&c.counts);
		struct health_sink sink = {on_count, on_problem, on_restarts, &c};
		char state[ERRLEN + 64];
		endpoint_state(&c, state, sizeof(state));
		if (ep->ops->health)
			ep->ops->health(ep, &sink);
		record(&h->hist[i], c.nproblems, &c);

		struct row *r = rtable_upsert(h->store, eps, ep->name);
		row_set_text(h->store, eps, r, HE_ENDPOINT, ep->name);
		row_set_text(h->store, eps, r, HE_BACKEND, ep->ops->name);
		row_set_text(h->store, eps, r, HE_STATE, state);
		row_set_text_or_clear(h->store, eps, r, HE_COUNTS, c.counts.data);
		row_set_num(h->store, eps, r, HE_PROBLEMS, CELL_INT, (int64_t)c.nproblems, NULL);
		if (!h->trends) {
			buf_cleanup(&c.counts);
			continue;
		}
		char line[HEALTH_HISTORY * 4 + 1];
		int64_t samples[HEALTH_HISTORY];
		for (size_t k = 0; k < HEALTH_HISTORY; k++)
			samples[k] = h->hist[i].problems[k];
		sparkline(samples, HEALTH_HISTORY, h->ascii, line, sizeof(line));
		row_set_text(h->store, eps, r, HE_TREND, line);
		/* restarts only where the backend counts them */
		sparkline(h->hist[i].restarts, HEALTH_HISTORY, h->ascii, line, sizeof(line));
		row_set_text_or_clear(h->store, eps, r, HE_RESTARTS, h->hist[i].last_restarts >= 0 ? line : NULL);
		buf_cleanup(&c.counts);
	}
	rtable_relist_end(h->store, eps);
	rtable_purge(h->store, eps, 0);
	problems->synced = true;
	sweep(h, problems);
	h->refreshed_ms = mono_ms();
}

size_t health_problem_count(const struct health *h, bool *any_down)
{
	struct rtable *t = store_find_table(h->store, HEALTH_PROBLEMS);
	size_t n = 0;
	if (any_down)
		*any_down = false;
	for (size_t i = 0; t && i < t->len; i++) {
		const struct row *r = t->rows[i];
		if (r->gone_ms || r->cells[HP_CLEARED].type != CELL_NONE)
			continue;
		n++;
		if (any_down && !strcmp(row_text(r, HP_KIND), "endpoint"))
			*any_down = true;
	}
	return n;
}

struct endpoint *health_problem_endpoint(const struct health *h, const struct row *r)
{
	return session_find(h->s, row_text(r, HP_ENDPOINT));
}
