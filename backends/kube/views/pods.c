/* pods.c: the pods view, laid out like `kubectl get pods -o wide` with CPU
 * and memory from metrics.k8s.io. STATUS is coloured by what it asks of the
 * operator; Enter lists the pod's containers. */
#include "backends/kube/kinds.h"
#include "views/view.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* "Init:1/3": init containers making progress (not "Init:Error"). */
static bool init_progress(const char *s)
{
	if (strncmp(s, "Init:", 5))
		return false;
	for (s += 5; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '/')
			return false;
	return true;
}

/* Fine, on its way, leaving; anything else is a reason kubectl printed
 * because something failed (CrashLoopBackOff, ErrImagePull, OOMKilled,
 * Evicted, Signal:9, Init:Error...), so unknown reasons read as errors. */
static enum style status_style(const struct row *r)
{
	static const char *const ok[] = {"Running", "Completed", "Succeeded", NULL};
	static const char *const warn[] = {"Pending", "ContainerCreating", "PodInitializing", "NotReady",
					   "SchedulingGated", NULL};
	const char *s = row_text(r, POD_STATUS);
	if (!*s)
		return ST_NORMAL;
	if (is_one_of(s, ok))
		return ST_OK;
	if (!strcmp(s, "Terminating"))
		return ST_DIM;
	if (is_one_of(s, warn) || init_progress(s))
		return ST_WARN;
	return ST_ERROR;
}

/* Containers not ready (READY "1/2"): the pod is not serving, whatever
 * its STATUS says. A completed pod has nothing left to be ready. */
static enum style ready_style(const struct row *r)
{
	const char *slash = strchr(row_text(r, POD_READY), '/');
	if (!slash || !strcmp(row_text(r, POD_STATUS), "Completed"))
		return ST_NORMAL;
	return r->cells[POD_READY].num < strtol(slash + 1, NULL, 10) ? ST_WARN : ST_NORMAL;
}

static enum style restarts_style(const struct row *r)
{
	return r->cells[POD_RESTARTS].num > 0 ? ST_WARN : ST_NORMAL;
}

static const struct column columns[] = {
	{.title = "NAMESPACE", .cell = POD_NAMESPACE, .min = 9, .max = 24, .priority = 4},
	{.title = "NAME", .cell = POD_NAME, .min = 8, .ident = true},
	{.title = "READY", .cell = POD_READY, .min = 5, .max = 7, .align = ALIGN_RIGHT, .style = ready_style},
	{.title = "STATUS", .cell = POD_STATUS, .min = 6, .max = 26, .style = status_style},
	{.title = "RESTARTS", .cell = POD_RESTARTS, .min = 8, .max = 16, .priority = 2, .flex = true, .align = ALIGN_RIGHT, .style = restarts_style},
	{.title = "CPU", .cell = POD_CPU, .min = 3, .max = 8, .priority = 5, .align = ALIGN_RIGHT},
	{.title = "MEM", .cell = POD_MEM, .min = 3, .max = 9, .priority = 6, .align = ALIGN_RIGHT},
	{.title = "IP", .cell = POD_IP, .min = 2, .max = 39, .priority = 8},
	{.title = "NODE", .cell = POD_NODE, .min = 4, .max = 40, .priority = 7},
	{.title = "AGE", .cell = POD_AGE, .min = 3, .max = 7, .priority = 3, .align = ALIGN_RIGHT},
	{.title = "OWNER", .cell = POD_OWNER, .min = 5, .max = 48, .wide = true, .flex = true},
	{.title = "LABELS", .cell = POD_LABELS, .min = 6, .max = 80, .wide = true, .flex = true, .labels = true},
};

/* Row ids are "namespace/name", exactly what CTR_POD holds. */
static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_CONTAINERS;
	d->cell = CTR_POD;
	snprintf(d->value, sizeof(d->value), "%s", r->id);
	snprintf(d->label, sizeof(d->label), "pod %s", row_text(r, POD_NAME));
	return true;
}

static const char *const aliases[] = {"pods", "pod", "po", NULL};

static const struct image_cells image = {.ref = POD_IMAGE, .digests = POD_DIGESTS};

const struct view view_pods = {
	.kind = KIND_PODS,
	.title = "Pods",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0, /* namespace, then name: kubectl -A order */
	.ncells = POD_NCELLS,
	.scope_cell = POD_NAMESPACE,
	.drill = drill,
	.image = &image,
};
