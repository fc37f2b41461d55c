/* health.c: what is wrong on a cluster, for the health screen, from the
 * cheapest signals the API server offers. Health follows, cluster-wide and
 * apart from what the views show (so a namespace switch does not blind it):
 * the nodes, the workloads (deployments, statefulsets, daemonsets), the
 * Warning events, and only the pods that are not running (a field selector
 * on the phase) — never every pod of a 50,000-pod cluster. Crash loops and
 * image pulls that fail show up as Warning events (BackOff, Failed) on their
 * pod; the few pods they name are then fetched one by one now and again, so
 * a pod that recovered or is gone stops being listed before its events age
 * out. When the pods view lists every namespace its table is read instead. */
#include "backends/kube/decode.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A Warning older than this is history, not a problem. */
#define EVENT_RECENT_S 600
/* A pod pending longer than this is stuck, not starting. */
#define PENDING_STUCK_S 300
/* A pod that restarted within this is flapping. */
#define RESTART_RECENT_S 600
/* How often one pod named by warnings is fetched again, and how many at once. */
#define PROBE_EVERY_MS 10000
#define PROBE_MAX 20

/* Pods named by warnings: when each was last fetched, and those found gone. */
struct probe {
	char *id;
	int64_t asked_ms;
	bool gone, pending;
};
struct kube_probes {
	struct probe *v;
	size_t n;
};

void kube_health_free(struct kube *k)
{
	if (!k->probes)
		return;
	for (size_t i = 0; i < k->probes->n; i++)
		free(k->probes->v[i].id);
	free(k->probes->v);
	free(k->probes);
	k->probes = NULL;
}

static struct probe *probe_of(struct kube *k, const char *id)
{
	if (!k->probes)
		k->probes = xcalloc(1, sizeof(*k->probes));
	struct kube_probes *ps = k->probes;
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].id, id))
			return &ps->v[i];
	ps->v = xrealloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
	ps->v[ps->n] = (struct probe){.id = xstrdup(id)};
	return &ps->v[ps->n++];
}

struct probe_ctx {
	struct kube *k;
	char *id;
};

static void on_probe(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct probe_ctx *x = c->ctx;
	struct kube *k = x->k;
	if (k->ep->extras_pending)
		k->ep->extras_pending--;
	struct probe *p = probe_of(k, x->id);
	p->pending = false;
	struct rtable *t = store_table(k->ep->store, KUBE_HEALTH_PROBED, POD_NCELLS);
	if (res->status == 404) {
		p->gone = true;
		rtable_delete(k->ep->store, t, x->id);
	} else if (kube_ok(res)) {
		char err[ERRLEN];
		json_object *o = json_tokener_parse(res->body);
		if (!o || kube_decode_into(k->ep->store, KUBE_HEALTH_PROBED, KIND_PODS, o, err, sizeof(err)) < 0)
			log_msg("kube %s: health: pod %s: %s", k->ep->name, x->id, o ? err : "not JSON");
		json_object_put(o);
	}
	t->synced = true;
	free(x->id);
	free(x);
}

/* Fetches a pod a warning named, unless it was fetched lately. */
static void probe(struct kube *k, const char *id, size_t *sent)
{
	struct probe *p = probe_of(k, id);
	int64_t now = mono_ms();
	if (p->pending || (p->asked_ms && now - p->asked_ms < PROBE_EVERY_MS) || *sent >= PROBE_MAX)
		return;
	char ns[256], name[256];
	kube_split_id(id, ns, sizeof(ns), name, sizeof(name));
	if (!*ns)
		return;
	p->asked_ms = now;
	p->pending = true;
	(*sent)++;
	struct probe_ctx *x = xcalloc(1, sizeof(*x));
	x->k = k;
	x->id = xstrdup(id);
	char *ens = http_escape(ns, strlen(ns)), *ename = http_escape(name, strlen(name));
	char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ens, ename);
	k->ep->extras_pending++;
	kube_call(k, "GET", path, NULL, NULL, 15000, on_probe, NULL, x);
	free(path);
	free(ens);
	free(ename);
}

/* The tables health follows, apart from the views' own. */
const struct kube_health_feed kube_health_feeds[] = {
	{KUBE_HEALTH_NODES, KIND_NODES, NULL},
	{KUBE_HEALTH_DEPLOYMENTS, KIND_DEPLOYMENTS, NULL},
	{KUBE_HEALTH_STATEFULSETS, KIND_STATEFULSETS, NULL},
	{KUBE_HEALTH_DAEMONSETS, KIND_DAEMONSETS, NULL},
	{KUBE_HEALTH_EVENTS, KIND_EVENTS, "fieldSelector=type%3DWarning"},
	{KUBE_HEALTH_PODS, KIND_PODS, "fieldSelector=status.phase%21%3DRunning%2Cstatus.phase%21%3DSucceeded"},
	{NULL, NULL, NULL},
};

void kube_health_watch(struct endpoint *ep)
{
	struct kube *k = ep->priv;
	if (!k->creds)
		return; /* the context did not resolve: the endpoint says why */
	for (const struct kube_health_feed *f = kube_health_feeds; f->table; f++)
		kube_watch_feed(k, f);
	kube_connect(k);
}

static const struct rtable *feed(struct endpoint *ep, const char *table)
{
	const struct rtable *t = store_find_table(ep->store, table);
	return t && t->synced ? t : NULL;
}

struct report {
	struct endpoint *ep;
	const struct health_sink *sink;
	int64_t now;
	char **pods_seen; /* pods already reported from their status: their events add nothing */
	size_t npods_seen;
	size_t probes_sent;
};

static bool pod_seen(const struct report *rp, const char *id)
{
	for (size_t i = 0; i < rp->npods_seen; i++)
		if (!strcmp(rp->pods_seen[i], id))
			return true;
	return false;
}

static void report(struct report *rp, enum problem_level level, const char *code, const char *kind, const struct row *r,
		   int scope_cell, const char *what, int64_t since)
{
	const char *scope = scope_cell >= 0 ? row_text(r, scope_cell) : NULL;
	if (!strcmp(kind, KIND_PODS) && pod_seen(rp, r->id))
		return; /* one problem per pod: the first, from the fullest source */
	if (!strcmp(kind, KIND_PODS)) {
		rp->pods_seen = xrealloc(rp->pods_seen, (rp->npods_seen + 1) * sizeof(*rp->pods_seen));
		rp->pods_seen[rp->npods_seen++] = xstrdup(r->id);
	}
	/* one problem per pod, whatever told of it: its line keeps its place */
	if (!strcmp(kind, KIND_PODS))
		code = "pod";
	struct problem p = {.level = level, .code = code, .kind = kind, .id = r->id, .name = row_text(r, 0),
			    .scope = scope && *scope ? scope : NULL, .what = what, .since = since};
	rp->sink->problem(rp->sink->arg, &p);
}

static void nodes(struct report *rp, long *ready, long *total)
{
	const struct rtable *t = feed(rp->ep, KUBE_HEALTH_NODES);
	char what[256];
	for (size_t i = 0; t && i < t->len; i++) {
		const struct row *r = t->rows[i];
		if (r->gone_ms)
			continue;
		(*total)++;
		const char *status = row_text(r, NODE_STATUS), *pressure = row_text(r, NODE_PRESSURE);
		if (str_starts(status, "Ready"))
			(*ready)++;
		else
			report(rp, PROBLEM_CRITICAL, "notready", KIND_NODES, r, -1, "NotReady: the kubelet stopped reporting", 0);
		if (*pressure) {
			snprintf(what, sizeof(what), "under pressure: %s", pressure);
			report(rp, PROBLEM_WARNING, "pressure", KIND_NODES, r, -1, what, 0);
		}
	}
}

static void workloads(struct report *rp, const char *table, const char *kind, long *ok, long *total)
{
	const struct rtable *t = feed(rp->ep, table);
	char what[160];
	for (size_t i = 0; t && i < t->len; i++) {
		const struct row *r = t->rows[i];
		if (r->gone_ms || r->cells[WL_DESIRED].type == CELL_NONE)
			continue;
		(*total)++;
		int64_t ready = r->cells[WL_READY].num, desired = r->cells[WL_DESIRED].num;
		if (ready >= desired) {
			(*ok)++;
			continue;
		}
		snprintf(what, sizeof(what), "%lld of %lld ready", (long long)ready, (long long)desired);
		report(rp, ready == 0 ? PROBLEM_CRITICAL : PROBLEM_WARNING, "short", kind, r, WL_NAMESPACE, what, 0);
	}
}

/* The store kind of an event's "Kind/namespace/name", and the row id. */
static const char *involved(const char *inv, char *id, size_t idlen)
{
	char kind[64];
	size_t n = strcspn(inv, "/");
	snprintf(kind, sizeof(kind), "%.*s", (int)n, inv);
	if (!inv[n])
		return NULL;
	const char *ns = inv + n + 1, *name = strchr(ns, '/');
	if (!name)
		return NULL;
	if (name == ns)
		snprintf(id, idlen, "%s", name + 1);
	else
		snprintf(id, idlen, "%.*s/%s", (int)(name - ns), ns, name + 1);
	for (const struct kres *r = kube_resources; r->kind; r++)
		if (!strcmp(r->singular, kind))
			return r->kind;
	return NULL;
}

/* Warnings that say what is wrong right now, by reason. */
static const struct {
	const char *reason, *code;
	enum problem_level level;
} warnings[] = {
	{"BackOff", "backoff", PROBLEM_CRITICAL},	   {"Failed", "failed", PROBLEM_CRITICAL},
	{"FailedScheduling", "unschedulable", PROBLEM_WARNING}, {"Unhealthy", "probe", PROBLEM_WARNING},
	{"OOMKilling", "oom", PROBLEM_CRITICAL},	   {"Evicted", "evicted", PROBLEM_WARNING},
	{"FailedMount", "mount", PROBLEM_WARNING},	   {"FailedCreate", "create", PROBLEM_WARNING},
};

/* A pod's status as kubectl computes it says trouble. */
static bool bad_status(const char *s)
{
	static const char *const bad[] = {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "Error", "OOMKilled",
					  "CreateContainerConfigError", "InvalidImageName", "Evicted", NULL};
	for (size_t i = 0; bad[i]; i++)
		if (!strcmp(s, bad[i]))
			return true;
	return str_starts(s, "Init:") && !strchr(s, '/'); /* Init:Error, Init:CrashLoopBackOff */
}

/* Every container of the pod is ready ("2/2"). */
static bool all_ready(const struct row *r)
{
	const char *slash = strchr(row_text(r, POD_READY), '/');
	return slash && r->cells[POD_READY].num >= strtol(slash + 1, NULL, 10);
}

/* A pod a warning names is fetched now and again: false when it is gone or
 * fine now (the warning is history then), true while it still ails or is
 * not known yet. One that ails is listed from its own status by pods(). */
static bool pod_as_probed(struct report *rp, const char *id)
{
	struct kube *k = rp->ep->priv;
	probe(k, id, &rp->probes_sent);
	if (probe_of(k, id)->gone)
		return false;
	struct rtable *t = store_find_table(rp->ep->store, KUBE_HEALTH_PROBED);
	const struct row *r = t ? rtable_find(t, id) : NULL;
	if (!r || r->gone_ms)
		return true;
	const char *status = row_text(r, POD_STATUS);
	if (!strcmp(status, "Completed"))
		return false;
	if (!strcmp(status, "Running"))
		return !all_ready(r);
	return true;
}

static void events(struct report *rp, int64_t *restarts)
{
	const struct rtable *t = feed(rp->ep, KUBE_HEALTH_EVENTS);
	for (size_t i = 0; t && i < t->len; i++) {
		const struct row *r = t->rows[i];
		if (r->gone_ms)
			continue;
		const char *reason = row_text(r, EV_REASON);
		if (!strcmp(reason, "BackOff"))
			*restarts += r->cells[EV_COUNT].num;
		int64_t last = r->cells[EV_LAST].num;
		if (r->cells[EV_LAST].type == CELL_NONE || rp->now - last > EVENT_RECENT_S)
			continue;
		for (size_t w = 0; w < sizeof(warnings) / sizeof(warnings[0]); w++) {
			if (strcmp(reason, warnings[w].reason))
				continue;
			char id[512], what[400];
			const char *kind = involved(row_text(r, EV_INVOLVED), id, sizeof(id));
			if (!kind || (!strcmp(kind, KIND_PODS) && pod_seen(rp, id)))
				break;
			if (!strcmp(kind, KIND_PODS) && !pod_as_probed(rp, id))
				break;
			long count = (long)r->cells[EV_COUNT].num;
			snprintf(what, sizeof(what), "%s%s%s", reason, count > 1 ? " x" : "", "");
			if (count > 1)
				snprintf(what + strlen(what), sizeof(what) - strlen(what), "%ld", count);
			snprintf(what + strlen(what), sizeof(what) - strlen(what), ": %s", row_text(r, EV_MESSAGE));
			const char *slash = strchr(id, '/');
			char name[512], scope[512];
			snprintf(name, sizeof(name), "%s", slash ? slash + 1 : id);
			snprintf(scope, sizeof(scope), "%.*s", slash ? (int)(slash - id) : 0, id);
			struct problem p = {.level = warnings[w].level,
					    .code = !strcmp(kind, KIND_PODS) ? "pod" : warnings[w].code,
					    .kind = kind,
					    .id = id,
					    .name = name, .scope = *scope ? scope : NULL, .what = what, .since = 0};
			rp->sink->problem(rp->sink->arg, &p);
			break;
		}
	}
}

static void pods(struct report *rp, const char *table, bool running_too, long *running, long *total)
{
	const struct rtable *t = feed(rp->ep, table);
	char what[200];
	for (size_t i = 0; t && i < t->len; i++) {
		const struct row *r = t->rows[i];
		if (r->gone_ms)
			continue;
		const char *status = row_text(r, POD_STATUS), *phase = row_text(r, POD_PHASE);
		if (running_too) {
			(*total)++;
			*running += !strcmp(phase, "Running") || !strcmp(phase, "Succeeded");
		}
		if (bad_status(status)) {
			snprintf(what, sizeof(what), "%s%s", status,
				 r->cells[POD_RESTARTS].num ? ", restarting" : "");
			report(rp, PROBLEM_CRITICAL, "status", KIND_PODS, r, POD_NAMESPACE, what, 0);
		} else if (!strcmp(phase, "Pending") && r->cells[POD_AGE].type == CELL_TIME &&
			   rp->now - r->cells[POD_AGE].num > PENDING_STUCK_S) {
			snprintf(what, sizeof(what), "Pending for more than %d minutes (%s)", PENDING_STUCK_S / 60, status);
			report(rp, PROBLEM_WARNING, "pending", KIND_PODS, r, POD_NAMESPACE, what,
			       r->cells[POD_AGE].num);
		} else if (running_too && r->cells[POD_LAST_RESTART].type == CELL_TIME &&
			   rp->now - r->cells[POD_LAST_RESTART].num < RESTART_RECENT_S) {
			snprintf(what, sizeof(what), "restarted %lld times, last %s", (long long)r->cells[POD_RESTARTS].num,
				 row_text(r, POD_RESTARTS));
			report(rp, PROBLEM_WARNING, "restarts", KIND_PODS, r, POD_NAMESPACE, what,
			       r->cells[POD_LAST_RESTART].num);
		}
	}
}

/* A feed the server refuses (RBAC) leaves health blind there: say so. */
static void blind_spots(struct report *rp)
{
	for (const struct kube_health_feed *f = kube_health_feeds; f->table; f++) {
		const struct rtable *t = store_find_table(rp->ep->store, f->table);
		if (!t || !t->error[0])
			continue;
		char what[ERRLEN + 64];
		snprintf(what, sizeof(what), "health cannot see %s: %s", f->kind, t->error);
		struct problem p = {.level = PROBLEM_WARNING, .code = f->table, .kind = "endpoint", .id = rp->ep->name,
				    .name = rp->ep->name, .what = what};
		rp->sink->problem(rp->sink->arg, &p);
	}
}

void kube_health(struct endpoint *ep, const struct health_sink *sink)
{
	struct kube *k = ep->priv;
	if (!k || !k->creds)
		return;
	struct report rp = {ep, sink, wall_s(), NULL, 0, 0};
	if (k->phase == K_LIVE)
		blind_spots(&rp);
	long ready = 0, nodes_total = 0, wl_ok = 0, wl_total = 0, running = 0, pods_total = 0;
	int64_t restarts = 0;
	nodes(&rp, &ready, &nodes_total);
	workloads(&rp, KUBE_HEALTH_DEPLOYMENTS, KIND_DEPLOYMENTS, &wl_ok, &wl_total);
	workloads(&rp, KUBE_HEALTH_STATEFULSETS, KIND_STATEFULSETS, &wl_ok, &wl_total);
	workloads(&rp, KUBE_HEALTH_DAEMONSETS, KIND_DAEMONSETS, &wl_ok, &wl_total);
	/* the pods view's table when it lists every namespace: restarts and counts from it */
	const struct rtable *all = k->ns ? NULL : feed(ep, KIND_PODS);
	pods(&rp, all ? KIND_PODS : KUBE_HEALTH_PODS, all != NULL, &running, &pods_total);
	/* pods warnings named, fetched one by one: listed from their own status */
	long unused = 0;
	pods(&rp, KUBE_HEALTH_PROBED, false, &unused, &unused);
	/* restarts from the BackOff warnings' counts: there whether or not pods are listed */
	events(&rp, &restarts);
	if (feed(ep, KUBE_HEALTH_NODES))
		sink->count(sink->arg, "nodes ready", ready, nodes_total);
	if (feed(ep, KUBE_HEALTH_DEPLOYMENTS))
		sink->count(sink->arg, "workloads at desired", wl_ok, wl_total);
	if (all)
		sink->count(sink->arg, "pods running", running, pods_total);
	if (feed(ep, KUBE_HEALTH_EVENTS))
		sink->restarts(sink->arg, restarts);
	for (size_t i = 0; i < rp.npods_seen; i++)
		free(rp.pods_seen[i]);
	free(rp.pods_seen);
}
