/* workload.h: what the deployments, statefulsets, daemonsets and replicasets
 * views share: one row layout (enum workload_cell), so one READY colour, one
 * drill to the pods the selector picks (which the services view uses too),
 * and the common columns as initialisers. Each kind keeps its own file,
 * columns and aliases. */
#ifndef BINNACLE_VIEWS_WORKLOAD_H
#define BINNACLE_VIEWS_WORKLOAD_H

#include "backends/kube/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

/* Scaled to zero is a choice, not a fault; fewer ready than wanted is. */
static inline enum style workload_ready_style(const struct row *r)
{
	int64_t ready = r->cells[WL_READY].num, desired = r->cells[WL_DESIRED].num;
	if (r->cells[WL_DESIRED].type == CELL_NONE)
		return ST_NORMAL;
	if (desired == 0)
		return ST_DIM;
	if (ready >= desired)
		return ST_OK;
	return ready == 0 ? ST_ERROR : ST_WARN;
}

/* Up-to-date or available short of desired: a rollout under way, or stuck. */
static inline enum style workload_short_style(const struct row *r, int idx)
{
	if (r->cells[idx].type == CELL_NONE || r->cells[WL_DESIRED].type == CELL_NONE)
		return ST_NORMAL;
	return r->cells[idx].num < r->cells[WL_DESIRED].num ? ST_WARN : ST_NORMAL;
}

static inline enum style workload_uptodate_style(const struct row *r)
{
	return workload_short_style(r, WL_UPTODATE);
}

static inline enum style workload_available_style(const struct row *r)
{
	return workload_short_style(r, WL_AVAILABLE);
}

/* Enter on an object that picks pods by label selector (a workload, a
 * service): those pods, in the object's namespace, the drill labelled
 * "<what> <name>". An empty selector (matchExpressions only, or a service
 * without one) has nowhere to go. */
static inline bool selector_drill(struct drill *d, const char *selector, const char *ns, const char *what,
				  const char *name)
{
	memset(d, 0, sizeof(*d));
	if (!*selector)
		return false;
	d->kind = KIND_PODS;
	d->cell = POD_LABELS;
	d->selector = true;
	d->in_ns = true;
	d->ns_cell = POD_NAMESPACE;
	snprintf(d->ns, sizeof(d->ns), "%s", ns);
	snprintf(d->value, sizeof(d->value), "%s", selector);
	snprintf(d->label, sizeof(d->label), "%s %s", what, name);
	return true;
}

/* Enter on a workload: its pods, the ones its selector matches. */
static inline bool workload_drill(const struct row *r, struct drill *d, const char *what)
{
	return selector_drill(d, row_text(r, WL_SELECTOR), row_text(r, WL_NAMESPACE), what, row_text(r, WL_NAME));
}

/* The columns every workload view starts and ends with. */
#define WORKLOAD_COL_NAMESPACE {.title = "NAMESPACE", .cell = WL_NAMESPACE, .min = 9, .max = 24, .priority = 5}
#define WORKLOAD_COL_NAME {.title = "NAME", .cell = WL_NAME, .min = 8, .ident = true}
#define WORKLOAD_COL_AGE {.title = "AGE", .cell = WL_AGE, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT}
#define WORKLOAD_COLS_WIDE                                                                                   \
	{.title = "CONTAINERS", .cell = WL_CONTAINERS, .min = 10, .max = 40, .wide = true, .flex = true},                                     \
		{.title = "IMAGES", .cell = WL_IMAGES, .min = 6, .max = 60, .wide = true, .flex = true},                                      \
		{.title = "SELECTOR", .cell = WL_SELECTOR, .min = 8, .max = 60, .wide = true, .flex = true, .labels = true}
/* A count column: WORKLOAD_COL_COUNT("CURRENT", WL_CURRENT, 3, NULL) */
#define WORKLOAD_COL_COUNT(t, c, prio, st)                                                         \
	{.title = t, .cell = c, .min = (int)sizeof(t) - 1, .max = 10, .priority = prio, .align = ALIGN_RIGHT, .style = st}
#define WORKLOAD_COL_READY(prio) {.title = "READY", .cell = WL_READY, .min = 5, .max = 11, .priority = prio, .align = ALIGN_RIGHT, .style = workload_ready_style}

#endif
