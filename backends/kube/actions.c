/* actions.c: Kubernetes operator actions, the way kubectl does them: scale
 * through the scale subresource, rollout restart with the same annotation
 * patch, delete a pod, cordon/uncordon with a strategic merge patch, and
 * drain with its options (drain.c). Read-only endpoints refuse before any
 * request is built. */
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

/* A workload's pods with a sidecar: which container's logs to merge. */
static const char *workload_containers(const struct row *r)
{
	return row_text(r, WL_CONTAINERS);
}

static const char *check_replicas(const char *text)
{
	char *end = NULL;
	long n = strtol(text, &end, 10);
	if (!*text || !end || *end || n < 0 || n > 100000)
		return "the number of replicas must be a whole number from 0 to 100000";
	return NULL;
}

/* The drain options as kubectl drain takes them. */
static void drain_defaults(const struct row *r, char *out, size_t outlen)
{
	(void)r;
	snprintf(out, outlen, "grace=-1 timeout=60 delete-emptydir-data=no force=no");
}

static const char *check_drain(const char *text)
{
	struct kube_drain_opts o;
	static char why[160];
	if (kube_drain_parse(text, &o, why, sizeof(why)) < 0)
		return why;
	return NULL;
}

#define SCALE(k) {.name = "scale", .kind = k, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "scaling", \
		  .input_prompt = "replicas", .input_now = desired_now, .input_note = kube_scale_note, \
		  .check_input = check_replicas}
#define SET_IMAGE(k) {.name = "set_image", .kind = k, .flags = ACTION_MUTATES | ACTION_INPUT,                   \
		      .progress = "setting the image of", .input_prompt = "CONTAINER=IMAGE",                       \
		      .input_now = kube_image_now, .input_note = kube_image_note, .label = "set image"}
#define RESTART(k) {.name = "restart", .kind = k, .flags = ACTION_MUTATES, .progress = "restarting"}
#define LOGS(k) {.name = "logs", .kind = k, .progress = "reading logs of", .choices = workload_containers, \
		 .choose_title = "Which container of its pods?"}
#define EDIT(k) {.name = "edit", .kind = k, .flags = ACTION_MUTATES, .progress = "editing"}
#define REMOVE(k) {.name = "remove", .kind = k, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "deleting", \
		   .label = "delete"}

const struct backend_action kube_actions[] = {
	SCALE(KIND_DEPLOYMENTS),
	SCALE(KIND_STATEFULSETS),
	SCALE(KIND_REPLICASETS),
	RESTART(KIND_DEPLOYMENTS),
	RESTART(KIND_STATEFULSETS),
	RESTART(KIND_DAEMONSETS),
	{.name = "remove", .kind = KIND_PODS, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "deleting",
	 .label = "delete"},
	{.name = "shell", .kind = KIND_PODS, .flags = ACTION_MUTATES, .progress = "opening a shell in",
	 .choices = pod_containers, .choose_title = "Which container?"},
	{.name = "shell", .kind = KIND_CONTAINERS, .flags = ACTION_MUTATES, .progress = "opening a shell in",
	 .refuse = container_not_running},
	{.name = "logs", .kind = KIND_PODS, .progress = "reading logs of", .choices = pod_containers,
	 .choose_title = "Which container?"},
	{.name = "logs", .kind = KIND_CONTAINERS, .progress = "reading logs of"},
	LOGS(KIND_DEPLOYMENTS),
	LOGS(KIND_STATEFULSETS),
	LOGS(KIND_DAEMONSETS),
	LOGS(KIND_REPLICASETS),
	{.name = "logs", .kind = KIND_SERVICES, .progress = "reading logs of"},
	{.name = "shell", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "opening a shell on"},
	{.name = "cordon", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "cordoning"},
	{.name = "uncordon", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "uncordoning"},
	{.name = "drain", .kind = KIND_NODES, .flags = ACTION_MUTATES | ACTION_CONFIRM | ACTION_INPUT, .progress = "draining",
	 .input_prompt = "options (grace seconds or -1, timeout seconds, delete-emptydir-data, force)",
	 .input_now = drain_defaults, .check_input = check_drain},
	{.name = "port_forward", .kind = KIND_PODS, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "forwarding to",
	 .input_prompt = "port ([LOCAL:]PORT)", .input_now = kube_forward_pod_now, .input_note = kube_forward_note,
	 .label = "port forward"},
	{.name = "port_forward", .kind = KIND_SERVICES, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "forwarding to",
	 .input_prompt = "port ([LOCAL:]PORT)", .input_now = kube_forward_svc_now, .input_note = kube_forward_note,
	 .label = "port forward"},
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
};

static void finish(struct kact *x, const char *error)
{
	x->done(x->arg, error);
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
	if (!strcmp(a->name, "drain")) {
		kube_drain(k, id, input, done, arg);
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
	} else if (!strcmp(a->name, "cordon") || !strcmp(a->name, "uncordon")) {
		bool on = strcmp(a->name, "uncordon") != 0;
		kube_call(k, "PATCH", path, on ? "{\"spec\":{\"unschedulable\":true}}" : "{\"spec\":{\"unschedulable\":null}}",
			  STRATEGIC, 30000, on_simple, NULL, x);
	} else {
		finish(x, "this action is not available here");
	}
	free(path);
}
