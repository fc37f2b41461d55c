/* generic.c: the view of a resource found by discovery (see generic.h).
 * Until its first Table comes it shows NAMESPACE, NAME and AGE; then the
 * server's columns, as kubectl prints them: titles in capitals, priority
 * columns only in wide output, the Age column kept live from the object's
 * creation time, a Status or Phase column coloured by what it says (the
 * labels are kept for the filter, not shown: kubectl does not). Enter
 * describes the object. The actions every object has (delete, edit) and
 * those of the kinds operators reach for in incidents (a job's logs, a
 * cronjob run now or suspended, a secret's values decoded) come with it. */
#include "backends/kube/views/generic.h"
#include "backends/codec/jdoc.h"
#include "backends/kube/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- colours ---- */

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcasecmp(s, *set))
			return true;
	return false;
}

/* What a Status or Phase column says, as the pods view reads its STATUS. */
static enum style status_style(const struct row *r)
{
	static const char *const ok[] = {"Running", "Bound", "Active", "Complete", "Completed", "Succeeded",
					 "Available", "Ready", "True", "Healthy", "Established", NULL};
	static const char *const warn[] = {"Pending", "Terminating", "Suspended", "Progressing", "Unknown",
					   "Released", "ContainerCreating", "SuccessCriteriaMet", NULL};
	static const char *const bad[] = {"Failed", "Lost", "Error", "CrashLoopBackOff", "False", "Degraded",
					  "FailureTarget", "Unhealthy", NULL};
	const char *s = row_text(r, GT_STATUS);
	if (!*s)
		return ST_NORMAL;
	return one_of(s, ok) ? ST_OK : one_of(s, warn) ? ST_WARN : one_of(s, bad) ? ST_ERROR : ST_NORMAL;
}

/* ---- drill ---- */

static bool describe(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->describe = true;
	d->cell = -1;
	snprintf(d->label, sizeof(d->label), "%s", row_text(r, GT_NAME));
	return true;
}

/* ---- actions ---- */

static void add_action(struct kview *kv, const char *name, unsigned flags, const char *progress)
{
	if (kv->nacts == sizeof(kv->acts) / sizeof(kv->acts[0]))
		return;
	kv->acts[kv->nacts++] = (struct backend_action){
		.name = name,
		.kind = kv->view.kind,
		.flags = flags,
		.progress = progress,
		/* Kubernetes deletes (as kubectl says it) */
		.label = !strcmp(name, "remove") ? "delete" : NULL,
	};
}

static void make_actions(struct kview *kv, const struct kres *r)
{
	bool batch = !strcmp(r->group, "batch");
	if (batch && !strcmp(r->plural, "jobs"))
		add_action(kv, "logs", 0, "reading logs of");
	if (batch && !strcmp(r->plural, "cronjobs")) {
		/* a job started is work done: asked first, as k9s does */
		add_action(kv, "trigger", ACTION_MUTATES | ACTION_CONFIRM, "starting a job of");
		/* toggles, from the SUSPEND column kept in GT_AUX0 */
		add_action(kv, "suspend", ACTION_MUTATES, "suspending or resuming");
	}
	if (!*r->group && !strcmp(r->plural, "secrets"))
		add_action(kv, "decode", ACTION_TEXT, "decoding");
	add_action(kv, "edit", ACTION_MUTATES, "editing");
	add_action(kv, "remove", ACTION_MUTATES | ACTION_CONFIRM, "deleting");
}

size_t kview_action_count(const struct kview *kv)
{
	return kv->nacts;
}

size_t kview_actions(struct kview *kv, const struct backend_action **out)
{
	for (size_t i = 0; i < kv->nacts; i++)
		out[i] = &kv->acts[i];
	return kv->nacts;
}

/* ---- columns ---- */

static const char *own_title(struct kview *kv, const char *name)
{
	char *t = xstrdup(name);
	for (char *c = t; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	kv->titles = xrealloc(kv->titles, (kv->ntitles + 1) * sizeof(*kv->titles));
	kv->titles[kv->ntitles++] = t;
	return t;
}

static void use_columns(struct kview *kv, struct column *cols, int n)
{
	if (kv->cols) {
		kv->retired = xrealloc(kv->retired, (kv->nretired + 1) * sizeof(*kv->retired));
		kv->retired[kv->nretired++] = kv->cols;
	}
	kv->cols = cols;
	kv->view.columns = cols;
	kv->view.ncolumns = n;
	kv->view.sort_col = 0;
}

/* NAMESPACE (namespaced kinds), then what the server says or NAME and AGE. */
static void default_columns(struct kview *kv)
{
	struct column *c = xcalloc(3, sizeof(*c));
	int n = 0;
	if (kv->res->namespaced)
		c[n++] = (struct column){.title = "NAMESPACE", .cell = GT_NAMESPACE, .min = 9, .max = 24, .priority = 5};
	c[n++] = (struct column){.title = "NAME", .cell = GT_NAME, .min = 8, .max = 63, .ident = true};
	c[n++] = (struct column){.title = "AGE", .cell = GT_AGE, .min = 3, .max = 7, .priority = 1, .align = ALIGN_RIGHT};
	use_columns(kv, c, n);
}

static const char *const *aux_titles(const struct kres *r)
{
	static const char *const cronjob[] = {"Suspend", NULL};
	static const char *const hpa[] = {"Reference", "MinPods", "MaxPods", NULL};
	if (!strcmp(r->group, "batch") && !strcmp(r->plural, "cronjobs"))
		return cronjob;
	if (!strcmp(r->group, "autoscaling") && !strcmp(r->plural, "horizontalpodautoscalers"))
		return hpa;
	return NULL;
}

bool kview_set_columns(struct kview *kv, const struct jnode *defs)
{
	if (!defs || !jn_len(defs))
		return false;
	struct buf sig;
	buf_init(&sig);
	for (const struct jnode *d = jn_first(defs); d; d = jn_next(defs, d))
		buf_printf(&sig, "%s/%s;", jn_str(d, "name") ? jn_str(d, "name") : "", jn_str(d, "type") ? jn_str(d, "type") : "");
	if (kv->signature && !strcmp(kv->signature, sig.data)) {
		buf_cleanup(&sig);
		return false;
	}
	free(kv->signature);
	kv->signature = buf_steal(&sig);
	size_t ndefs = jn_len(defs);
	struct column *cols = xcalloc(ndefs + 2, sizeof(*cols));
	int n = 0, next = GT_COL0, prio = 2;
	bool named = false, aged = false, status = false;
	const char *const *aux = aux_titles(kv->res);
	if (kv->res->namespaced)
		cols[n++] = (struct column){.title = "NAMESPACE", .cell = GT_NAMESPACE, .min = 9, .max = 24, .priority = 5};
	kv->nmap = 0;
	for (const struct jnode *d = jn_first(defs); d && kv->nmap < GT_MAXCOLS * 2; d = jn_next(defs, d)) {
		int i = kv->nmap++;
		const char *name = jn_str(d, "name") ? jn_str(d, "name") : "";
		const char *type = jn_str(d, "type") ? jn_str(d, "type") : "string";
		int64_t priority = 0;
		jn_int(d, "priority", &priority);
		kv->map[i] = -1;
		kv->aux[i] = -1;
		for (int a = 0; aux && aux[a]; a++)
			if (!strcasecmp(name, aux[a]))
				kv->aux[i] = GT_AUX0 + a;
		if (!status && (!strcasecmp(name, "Status") || !strcasecmp(name, "Phase"))) {
			status = true;
			if (kv->aux[i] < 0)
				kv->aux[i] = GT_STATUS;
		}
		struct column c = {.title = own_title(kv, name), .min = (int)strlen(name), .max = 60,
				   .wide = priority > 0};
		if (!named && !strcasecmp(name, "Name")) {
			named = true;
			c.cell = GT_NAME;
			c.min = 8; /* as the other views' NAME: room for the sort mark */
			c.max = 63;
		} else if (!aged && !strcasecmp(name, "Age")) {
			aged = true;
			c.cell = GT_AGE;
			c.min = 3;
			c.max = 7;
			c.priority = 1;
			c.align = ALIGN_RIGHT;
		} else if (next < GT_NCELLS) {
			c.cell = next++;
			c.priority = c.wide ? 0 : prio++;
			if (!strcmp(type, "integer") || !strcmp(type, "number"))
				c.align = ALIGN_RIGHT;
			if (kv->aux[i] == GT_STATUS)
				c.style = status_style;
		} else {
			continue; /* more columns than a row holds: the rest are left out */
		}
		if (c.min > 12)
			c.min = 12;
		kv->map[i] = c.cell;
		cols[n++] = c;
	}
	if (!named) /* a table without a Name column still names its rows */
		cols[n++] = (struct column){.title = "NAME", .cell = GT_NAME, .min = 8, .max = 63, .ident = true};
	use_columns(kv, cols, n);
	return true;
}

/* ---- life ---- */

/* "Job" -> "Jobs", "Ingress" -> "Ingresses", "NetworkPolicy" -> "NetworkPolicies". */
static char *plural_title(const char *kind, const char *plural)
{
	size_t n = strlen(kind);
	if (!n)
		return xstrdup(plural);
	if (!strcasecmp(kind, plural))
		return xstrdup(kind); /* Endpoints */
	if (kind[n - 1] == 's' || kind[n - 1] == 'x')
		return xasprintf("%ses", kind);
	if (kind[n - 1] == 'y' && n > 1 && !strchr("aeiou", kind[n - 2]))
		return xasprintf("%.*sies", (int)n - 1, kind);
	return xasprintf("%ss", kind);
}

struct kview *kview_new(const struct kres *r, char **aliases)
{
	struct kview *kv = xcalloc(1, sizeof(*kv));
	kv->res = r;
	kv->aliases = aliases;
	kv->title = plural_title(r->singular, r->plural);
	kv->view.kind = r->kind;
	kv->view.title = kv->title;
	kv->view.aliases = (const char *const *)kv->aliases;
	kv->view.ncells = GT_NCELLS;
	kv->view.scope_cell = r->namespaced ? GT_NAMESPACE : -1;
	kv->view.drill = describe;
	default_columns(kv);
	make_actions(kv, r);
	return kv;
}

void kview_free(struct kview *kv)
{
	if (!kv)
		return;
	for (size_t i = 0; kv->aliases && kv->aliases[i]; i++)
		free(kv->aliases[i]);
	free(kv->aliases);
	for (size_t i = 0; i < kv->ntitles; i++)
		free(kv->titles[i]);
	free(kv->titles);
	for (size_t i = 0; i < kv->nretired; i++)
		free(kv->retired[i]);
	free(kv->retired);
	free(kv->cols);
	free(kv->signature);
	free(kv->title);
	free(kv);
}
