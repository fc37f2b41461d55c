/* actions.c: Kubernetes operator actions, the way kubectl does them: scale
 * through the scale subresource, rollout restart with the same annotation
 * patch, delete a pod, cordon/uncordon with a strategic merge patch, and
 * drain through the eviction API, reporting pods a disruption budget
 * protects. Read-only endpoints refuse before any request is built. */
#include "backends/kube/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/kinds.h"
#include "backends/util/log.h"
#include "views/kinds/shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STRATEGIC "application/strategic-merge-patch+json"
#define MERGE "application/merge-patch+json"

/* The value the scale dialog starts from: the desired count. */
static void desired_now(const struct row *r, char *out, size_t outlen)
{
	const struct cell *c = &r->cells[WL_DESIRED];
	if (c->type == CELL_NONE)
		snprintf(out, outlen, "%s", "");
	else
		snprintf(out, outlen, "%lld", (long long)c->num);
}

/* A pod with several containers asks which one a shell or logs are for. */
static const char *pod_containers(const struct row *r)
{
	return row_text(r, POD_CONTAINERS);
}

#define SCALE(k) {.name = "scale", .kind = k, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "scaling", \
		  .input_prompt = "replicas", .input_now = desired_now, .input_note = kube_scale_note}
#define SET_IMAGE(k) {.name = "set_image", .kind = k, .flags = ACTION_MUTATES | ACTION_INPUT,                   \
		      .progress = "setting the image of", .input_prompt = "CONTAINER=IMAGE",                       \
		      .input_now = kube_image_now, .input_note = kube_image_note}
#define RESTART(k) {.name = "restart", .kind = k, .flags = ACTION_MUTATES, .progress = "restarting"}
#define LOGS(k) {.name = "logs", .kind = k, .progress = "reading logs of"}
#define EDIT(k) {.name = "edit", .kind = k, .flags = ACTION_MUTATES, .progress = "editing"}
#define REMOVE(k) {.name = "remove", .kind = k, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "deleting"}

const struct backend_action kube_actions[] = {
	SCALE(KIND_DEPLOYMENTS),
	SCALE(KIND_STATEFULSETS),
	SCALE(KIND_REPLICASETS),
	RESTART(KIND_DEPLOYMENTS),
	RESTART(KIND_STATEFULSETS),
	RESTART(KIND_DAEMONSETS),
	{.name = "remove", .kind = KIND_PODS, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "deleting"},
	{.name = "shell", .kind = KIND_PODS, .flags = ACTION_MUTATES, .progress = "opening a shell in",
	 .choices = pod_containers, .choose_title = "Which container?"},
	{.name = "shell", .kind = KIND_CONTAINERS, .flags = ACTION_MUTATES, .progress = "opening a shell in",
	 .refuse = container_not_running},
	{.name = "logs", .kind = KIND_PODS, .progress = "reading logs of", .choices = pod_containers,
	 .choose_title = "Which container?"},
	LOGS(KIND_CONTAINERS),
	LOGS(KIND_DEPLOYMENTS),
	LOGS(KIND_STATEFULSETS),
	LOGS(KIND_DAEMONSETS),
	LOGS(KIND_REPLICASETS),
	LOGS(KIND_SERVICES),
	{.name = "shell", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "opening a shell on"},
	{.name = "cordon", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "cordoning"},
	{.name = "uncordon", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "uncordoning"},
	{.name = "drain", .kind = KIND_NODES, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "draining"},
	{.name = "port_forward", .kind = KIND_PODS, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "forwarding to",
	 .input_prompt = "port ([LOCAL:]PORT)", .input_now = kube_forward_pod_now, .input_note = kube_forward_note},
	{.name = "port_forward", .kind = KIND_SERVICES, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "forwarding to",
	 .input_prompt = "port ([LOCAL:]PORT)", .input_now = kube_forward_svc_now, .input_note = kube_forward_note},
	{.name = "stop", .kind = KIND_PORTFORWARDS, .progress = "stopping"},
	SET_IMAGE(KIND_DEPLOYMENTS),
	SET_IMAGE(KIND_STATEFULSETS),
	SET_IMAGE(KIND_DAEMONSETS),
	{.name = "rollback", .kind = KIND_DEPLOYMENTS, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "rolling back",
	 .input_prompt = "revision", .input_now = kube_revision_now, .input_note = kube_revision_note},
	/* every object can be edited and deleted (pods' delete is above) */
	EDIT(KIND_PODS),
	EDIT(KIND_DEPLOYMENTS),
	EDIT(KIND_STATEFULSETS),
	EDIT(KIND_DAEMONSETS),
	EDIT(KIND_REPLICASETS),
	EDIT(KIND_SERVICES),
	EDIT(KIND_NAMESPACES),
	EDIT(KIND_NODES),
	EDIT(KIND_EVENTS),
	REMOVE(KIND_DEPLOYMENTS),
	REMOVE(KIND_STATEFULSETS),
	REMOVE(KIND_DAEMONSETS),
	REMOVE(KIND_REPLICASETS),
	REMOVE(KIND_SERVICES),
	REMOVE(KIND_NAMESPACES),
	REMOVE(KIND_NODES),
	REMOVE(KIND_EVENTS),
	{.name = NULL},
};

struct kact {
	struct kube *k;
	action_done_fn done;
	void *arg;
	char node[256];
	/* drain bookkeeping */
	unsigned pending, evicted, failed;
	struct buf protected_pods, errors;
};

static void finish(struct kact *x, const char *error)
{
	x->done(x->arg, error);
	buf_cleanup(&x->protected_pods);
	buf_cleanup(&x->errors);
	free(x);
}

static void on_simple(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kact *x = c->ctx;
	char err[ERRLEN];
	if (kube_ok(res)) {
		finish(x, NULL);
	} else {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(x, err);
	}
}

static char *object_path(struct kube *k, const char *kind, const char *id)
{
	char ns[256], name[256];
	kube_split_id(id, ns, sizeof(ns), name, sizeof(name));
	const struct kres *r = kube_res(k, kind);
	if (!r)
		return NULL;
	char *coll = kube_collection_path(k, r, ns), *ename = http_escape_str(name);
	char *path = xasprintf("%s/%s", coll, ename);
	free(coll);
	free(ename);
	return path;
}

/* ---- drain ---- */

static void drain_step_done(struct kact *x)
{
	if (--x->pending)
		return;
	char msg[ERRLEN * 2];
	if (x->protected_pods.len || x->failed) {
		snprintf(msg, sizeof(msg), "node %s cordoned, %u pods evicted; %s%s%s%s", x->node, x->evicted,
			 x->protected_pods.len ? "protected by a disruption budget: " : "",
			 x->protected_pods.len ? x->protected_pods.data : "", x->errors.len ? "; " : "",
			 x->errors.len ? x->errors.data : "");
		finish(x, msg);
	} else {
		log_msg("kube: drained %s, %u pods evicted", x->node, x->evicted);
		finish(x, NULL);
	}
}

struct evict_ctx {
	struct kact *x;
	char pod[300];
};

static void on_evicted(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct evict_ctx *e = c->ctx;
	struct kact *x = e->x;
	char err[ERRLEN];
	if (kube_ok(res) || res->status == 404) {
		x->evicted++;
	} else if (res->status == 429) {
		/* the eviction API's answer when a PodDisruptionBudget would be violated */
		buf_printf(&x->protected_pods, "%s%s", x->protected_pods.len ? ", " : "", e->pod);
	} else {
		x->failed++;
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		buf_printf(&x->errors, "%s%s: %s", x->errors.len ? "; " : "", e->pod, err);
	}
	free(e);
	drain_step_done(x);
}

static bool skip_on_drain(json_object *pod)
{
	json_object *meta = jsonget_obj(pod, "metadata");
	/* mirror pods belong to the kubelet; DaemonSet pods come straight back */
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

static void on_node_pods(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kact *x = c->ctx;
	struct kube *k = c->k;
	char err[ERRLEN];
	if (!kube_ok(res)) {
		kube_result_error(k, res, NULL, err, sizeof(err));
		finish(x, err);
		return;
	}
	json_object *root = json_tokener_parse(res->body), *items = jsonget_arr(root, "items");
	x->pending = 1; /* held until every eviction is sent */
	for (size_t i = 0; i < jsonget_len(items); i++) {
		json_object *pod = jsonget_idx(items, i), *meta = jsonget_obj(pod, "metadata");
		if (skip_on_drain(pod) || !meta)
			continue;
		const char *ns = jsonget_str(meta, "namespace"), *name = jsonget_str(meta, "name");
		ns = ns ? ns : "default";
		name = name ? name : "";
		json_object *ev = json_object_new_object(), *em = json_object_new_object();
		json_object_object_add(ev, "apiVersion", json_object_new_string("policy/v1"));
		json_object_object_add(ev, "kind", json_object_new_string("Eviction"));
		json_object_object_add(em, "name", json_object_new_string(name));
		json_object_object_add(em, "namespace", json_object_new_string(ns));
		json_object_object_add(ev, "metadata", em);
		char *ens = http_escape_str(ns), *ename = http_escape_str(name);
		char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/eviction", ens, ename);
		free(ens);
		free(ename);
		struct evict_ctx *e = xcalloc(1, sizeof(*e));
		e->x = x;
		snprintf(e->pod, sizeof(e->pod), "%s/%s", ns, name);
		x->pending++;
		kube_call(k, "POST", path, json_object_to_json_string(ev), "application/json", 60000, on_evicted,
			  NULL, e);
		free(path);
		json_object_put(ev);
	}
	json_object_put(root);
	drain_step_done(x);
}

static void on_cordoned_for_drain(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kact *x = c->ctx;
	char err[ERRLEN];
	if (!kube_ok(res)) {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(x, err);
		return;
	}
	char *sel = http_escape("spec.nodeName=", 14);
	char *snode = kube_selector_value(x->node);
	char *node = http_escape_str(snode);
	free(snode);
	char *path = xasprintf("/api/v1/pods?fieldSelector=%s%s", sel, node);
	free(sel);
	free(node);
	kube_call(c->k, "GET", path, NULL, NULL, 60000, on_node_pods, NULL, x);
	free(path);
}

/* ---- dispatch ---- */

void kube_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
	      action_done_fn done, void *arg)
{
	struct kube *k = ep->priv;
	if (ep->readonly) {
		done(arg, "this endpoint is read-only");
		return;
	}
	if (!k->creds || k->phase != K_LIVE) {
		done(arg, ep->error[0] ? ep->error : "not connected to the API server");
		return;
	}
	if (kube_batch_act(k, a, id, input, done, arg) || kube_rollout_act(k, a, id, input, done, arg) ||
	    kube_forward_act(k, a, id, input, done, arg))
		return;
	char *path = object_path(k, a->kind, id);
	if (!path) {
		done(arg, "binnacle does not know where this object lives");
		return;
	}
	struct kact *x = xcalloc(1, sizeof(*x));
	x->k = k;
	x->done = done;
	x->arg = arg;
	buf_init(&x->protected_pods);
	buf_init(&x->errors);
	if (!strcmp(a->name, "scale")) {
		char *end = NULL;
		long n = input ? strtol(input, &end, 10) : -1;
		if (!end || *end || n < 0 || n > 100000) {
			free(path);
			finish(x, "the number of replicas must be a whole number from 0 to 100000");
			return;
		}
		char *scale = xasprintf("%s/scale", path);
		char *body = xasprintf("{\"spec\":{\"replicas\":%ld}}", n);
		kube_call(k, "PATCH", scale, body, MERGE, 30000, on_simple, NULL, x);
		free(scale);
		free(body);
	} else if (!strcmp(a->name, "restart")) {
		/* the annotation `kubectl rollout restart` sets on the pod template */
		char now[40];
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		char *body = xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
				       "{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}",
				       now);
		kube_call(k, "PATCH", path, body, STRATEGIC, 30000, on_simple, NULL, x);
		free(body);
	} else if (!strcmp(a->name, "remove")) {
		kube_call(k, "DELETE", path, NULL, NULL, 30000, on_simple, NULL, x);
	} else if (!strcmp(a->name, "cordon") || !strcmp(a->name, "uncordon") || !strcmp(a->name, "drain")) {
		bool on = strcmp(a->name, "uncordon") != 0;
		snprintf(x->node, sizeof(x->node), "%s", id);
		kube_call(k, "PATCH", path, on ? "{\"spec\":{\"unschedulable\":true}}" : "{\"spec\":{\"unschedulable\":null}}",
			  STRATEGIC, 30000, !strcmp(a->name, "drain") ? on_cordoned_for_drain : on_simple, NULL, x);
	} else {
		finish(x, "this action is not available here");
	}
	free(path);
}
