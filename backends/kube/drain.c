/* drain.c: draining a node as `kubectl drain` does it: cordon, then check
 * every pod on the node (DaemonSet and mirror pods are left; a pod with
 * emptyDir data or without a controller stops the drain unless
 * delete-emptydir-data or force says otherwise), then evict them through
 * the eviction API with the grace period asked for, retrying the pods a
 * PodDisruptionBudget protects (429) every few seconds until the timeout. */
#include "backends/codec/jsonget.h"
#include "backends/kube/internal.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STRATEGIC "application/strategic-merge-patch+json"
/* How often a pod a disruption budget protects is asked for again. */
#define RETRY_MS 5000

static bool yes_no(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return false;
	return true;
}

int kube_drain_parse(const char *text, struct kube_drain_opts *o, char *err, size_t errlen)
{
	o->grace = -1;
	o->timeout_s = 60;
	o->delete_emptydir = false;
	o->force = false;
	for (const char *p = text ? text : ""; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, " ,");
		if (!n)
			break;
		char word[128];
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), p);
		p += n;
		char *eq = strchr(word, '=');
		if (!eq)
			return set_err(err, errlen, "\"%s\" is not name=value (grace=30 timeout=120 ...)", word);
		*eq = '\0';
		const char *v = eq + 1;
		char *end = NULL;
		if (!strcmp(word, "grace")) {
			long g = strtol(v, &end, 10);
			if (!*v || *end || g < -1)
				return set_err(err, errlen, "grace must be seconds, or -1 for each pod's own");
			o->grace = g;
		} else if (!strcmp(word, "timeout")) {
			long t = strtol(v, &end, 10);
			if (!*v || *end || t < 0 || t > 86400)
				return set_err(err, errlen, "timeout must be seconds from 0 (no limit) to 86400");
			o->timeout_s = t;
		} else if (!strcmp(word, "delete-emptydir-data")) {
			if (!yes_no(v, &o->delete_emptydir))
				return set_err(err, errlen, "delete-emptydir-data must be yes or no");
		} else if (!strcmp(word, "force")) {
			if (!yes_no(v, &o->force))
				return set_err(err, errlen, "force must be yes or no");
		} else {
			return set_err(err, errlen, "unknown option \"%s\" (grace, timeout, delete-emptydir-data, force)", word);
		}
	}
	return 0;
}

struct drain {
	struct kube *k;
	action_done_fn done;
	void *arg;
	char node[256];
	struct kube_drain_opts o;
	int64_t deadline;       /* mono ms; 0 = no limit */
	unsigned pending, evicted, failed;
	char **protected_pods;  /* refused with 429 this round: asked again */
	size_t nprotected;
	struct buf errors;
	struct timer *retry;
};

static void drain_free(struct drain *d)
{
	for (size_t i = 0; i < d->nprotected; i++)
		free(d->protected_pods[i]);
	free(d->protected_pods);
	buf_cleanup(&d->errors);
	timer_free(d->retry);
	free(d);
}

static void finish(struct drain *d, const char *error)
{
	d->done(d->arg, error);
	drain_free(d);
}

static void evict(struct drain *d, const char *pod);

static void round_done(struct drain *d)
{
	if (d->pending)
		return;
	bool time_left = !d->deadline || mono_ms() + RETRY_MS < d->deadline;
	if (d->nprotected && time_left) {
		/* a disruption budget lets pods go as their replacements come up: ask again */
		log_msg("kube: drain %s: %zu pods protected, asking again", d->node, d->nprotected);
		timer_arm(d->retry, RETRY_MS);
		return;
	}
	char msg[ERRLEN * 4];
	if (d->nprotected || d->failed) {
		struct buf list;
		buf_init(&list);
		for (size_t i = 0; i < d->nprotected; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", d->protected_pods[i]);
		snprintf(msg, sizeof(msg), "node %s cordoned, %u pods evicted; %s%s%s%s%s", d->node, d->evicted,
			 d->nprotected ? "still protected by a disruption budget after the timeout: " : "",
			 list.data ? list.data : "", d->nprotected && d->errors.len ? "; " : "",
			 d->errors.len ? d->errors.data : "", "");
		buf_cleanup(&list);
		finish(d, msg);
	} else {
		log_msg("kube: drained %s, %u pods evicted", d->node, d->evicted);
		finish(d, NULL);
	}
}

static void on_retry(void *arg)
{
	struct drain *d = arg;
	char **again = d->protected_pods;
	size_t n = d->nprotected;
	d->protected_pods = NULL;
	d->nprotected = 0;
	d->pending = 1; /* held until every eviction is sent */
	for (size_t i = 0; i < n; i++) {
		evict(d, again[i]);
		free(again[i]);
	}
	free(again);
	d->pending--;
	round_done(d);
}

struct evict_ctx {
	struct drain *d;
	char pod[300];
};

static void on_evicted(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct evict_ctx *e = c->ctx;
	struct drain *d = e->d;
	char err[ERRLEN];
	if (kube_ok(res) || res->status == 404) {
		d->evicted++;
	} else if (res->status == 429) {
		/* the eviction API's answer when a PodDisruptionBudget would be violated */
		d->protected_pods = xrealloc(d->protected_pods, (d->nprotected + 1) * sizeof(*d->protected_pods));
		d->protected_pods[d->nprotected++] = xstrdup(e->pod);
	} else {
		d->failed++;
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		buf_printf(&d->errors, "%s%s: %s", d->errors.len ? "; " : "", e->pod, err);
	}
	free(e);
	d->pending--;
	round_done(d);
}

static void evict(struct drain *d, const char *pod)
{
	char ns[256], name[256];
	kube_split_id(pod, ns, sizeof(ns), name, sizeof(name));
	json_object *ev = json_object_new_object(), *em = json_object_new_object();
	json_object_object_add(ev, "apiVersion", json_object_new_string("policy/v1"));
	json_object_object_add(ev, "kind", json_object_new_string("Eviction"));
	json_object_object_add(em, "name", json_object_new_string(name));
	json_object_object_add(em, "namespace", json_object_new_string(ns));
	json_object_object_add(ev, "metadata", em);
	if (d->o.grace >= 0) {
		json_object *opts = json_object_new_object();
		json_object_object_add(opts, "gracePeriodSeconds", json_object_new_int64(d->o.grace));
		json_object_object_add(ev, "deleteOptions", opts);
	}
	char *ens = http_escape_str(ns), *ename = http_escape_str(name);
	char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/eviction", ens, ename);
	free(ens);
	free(ename);
	struct evict_ctx *e = xcalloc(1, sizeof(*e));
	e->d = d;
	snprintf(e->pod, sizeof(e->pod), "%s", pod);
	d->pending++;
	kube_call(d->k, "POST", path, json_object_to_json_string(ev), "application/json", 60000, on_evicted, NULL, e);
	free(path);
	json_object_put(ev);
}

/* Mirror pods belong to the kubelet; DaemonSet pods come straight back. */
static bool left_alone(json_object *pod)
{
	json_object *meta = jsonget_obj(pod, "metadata");
	if (jsonget_field(jsonget_obj(meta, "annotations"), "kubernetes.io/config.mirror"))
		return true;
	json_object *owners = jsonget_arr(meta, "ownerReferences");
	for (size_t i = 0; i < jsonget_len(owners); i++) {
		const char *kind = jsonget_str(jsonget_idx(owners, i), "kind");
		if (kind && !strcmp(kind, "DaemonSet"))
			return true;
	}
	return false;
}

static bool has_controller(json_object *pod)
{
	json_object *owners = jsonget_arr(jsonget_obj(pod, "metadata"), "ownerReferences");
	for (size_t i = 0; i < jsonget_len(owners); i++)
		if (jsonget_bool(jsonget_idx(owners, i), "controller"))
			return true;
	return false;
}

static bool has_emptydir(json_object *pod)
{
	json_object *vols = jsonget_arr(jsonget_obj(pod, "spec"), "volumes");
	for (size_t i = 0; i < jsonget_len(vols); i++)
		if (jsonget_field(jsonget_idx(vols, i), "emptyDir"))
			return true;
	return false;
}

static bool finished_pod(json_object *pod)
{
	const char *phase = jsonget_str(jsonget_obj(pod, "status"), "phase");
	return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
}

static void on_node_pods(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct drain *d = c->ctx;
	char err[ERRLEN];
	if (!kube_ok(res)) {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(d, err);
		return;
	}
	json_object *root = json_tokener_parse(res->body), *items = jsonget_arr(root, "items");
	/* first what stops the drain, as kubectl checks it: nothing is evicted then */
	struct buf local, bare;
	buf_init(&local);
	buf_init(&bare);
	for (size_t i = 0; i < jsonget_len(items); i++) {
		json_object *pod = jsonget_idx(items, i), *meta = jsonget_obj(pod, "metadata");
		if (left_alone(pod) || finished_pod(pod))
			continue;
		const char *ns = jsonget_str(meta, "namespace"), *name = jsonget_str(meta, "name");
		if (has_emptydir(pod) && !d->o.delete_emptydir)
			buf_printf(&local, "%s%s/%s", local.len ? ", " : "", ns ? ns : "", name ? name : "");
		if (!has_controller(pod) && !d->o.force)
			buf_printf(&bare, "%s%s/%s", bare.len ? ", " : "", ns ? ns : "", name ? name : "");
	}
	if (local.len || bare.len) {
		char msg[ERRLEN * 4];
		snprintf(msg, sizeof(msg), "node %s cordoned, nothing evicted: %s%s%s%s%s%s", d->node,
			 local.len ? "pods with emptyDir data (delete-emptydir-data=yes deletes it): " : "",
			 local.len ? local.data : "", local.len && bare.len ? "; " : "",
			 bare.len ? "pods no controller would recreate (force=yes deletes them): " : "",
			 bare.len ? bare.data : "", "");
		buf_cleanup(&local);
		buf_cleanup(&bare);
		json_object_put(root);
		finish(d, msg);
		return;
	}
	buf_cleanup(&local);
	buf_cleanup(&bare);
	d->pending = 1; /* held until every eviction is sent */
	for (size_t i = 0; i < jsonget_len(items); i++) {
		json_object *pod = jsonget_idx(items, i), *meta = jsonget_obj(pod, "metadata");
		if (left_alone(pod) || finished_pod(pod) || !meta)
			continue;
		char id[600];
		snprintf(id, sizeof(id), "%s/%s", jsonget_str(meta, "namespace") ? jsonget_str(meta, "namespace") : "default",
			 jsonget_str(meta, "name") ? jsonget_str(meta, "name") : "");
		evict(d, id);
	}
	json_object_put(root);
	d->pending--;
	round_done(d);
}

static void on_cordoned(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct drain *d = c->ctx;
	char err[ERRLEN];
	if (!kube_ok(res)) {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(d, err);
		return;
	}
	char *sel = http_escape("spec.nodeName=", 14);
	char *snode = kube_selector_value(d->node);
	char *node = http_escape_str(snode);
	free(snode);
	char *path = xasprintf("/api/v1/pods?fieldSelector=%s%s", sel, node);
	free(sel);
	free(node);
	kube_call(c->k, "GET", path, NULL, NULL, 60000, on_node_pods, NULL, d);
	free(path);
}

void kube_drain(struct kube *k, const char *node, const char *options, action_done_fn done, void *arg)
{
	struct drain *d = xcalloc(1, sizeof(*d));
	char err[ERRLEN];
	d->k = k;
	d->done = done;
	d->arg = arg;
	snprintf(d->node, sizeof(d->node), "%s", node);
	buf_init(&d->errors);
	d->retry = timer_new(on_retry, d);
	if (kube_drain_parse(options, &d->o, err, sizeof(err)) < 0) {
		finish(d, err);
		return;
	}
	d->deadline = d->o.timeout_s ? mono_ms() + d->o.timeout_s * 1000 : 0;
	char *enode = http_escape_str(node);
	char *path = xasprintf("/api/v1/nodes/%s", enode);
	free(enode);
	kube_call(k, "PATCH", path, "{\"spec\":{\"unschedulable\":true}}", STRATEGIC, 30000, on_cordoned, NULL, d);
	free(path);
}
