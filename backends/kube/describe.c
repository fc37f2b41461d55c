/* describe.c: an object described for a person, as `kubectl describe`
 * does it: the metadata that matters (namespace, labels, owner, age), what
 * its kind says about its state (a pod's containers with their state, last
 * state and restarts; a workload's replicas; a node's conditions, taints
 * and capacity; a service's ports), its conditions, and its recent events
 * as a table. The object and its events come from kube_inspect. */
#include "backends/codec/dtext.h"
#include "backends/codec/jsonget.h"
#include "backends/codec/jsonyaml.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct describe_ctx {
	void (*done)(void *arg, const char *text, const char *error);
	void *arg;
};

static void age_of(struct json_object *o, const char *key, char *out, size_t outlen)
{
	int64_t t = 0;
	if (jsonget_time(o, key, JSONGET_RFC3339, &t)) {
		char age[32];
		dtext_age(wall_s() - t, age, sizeof(age));
		snprintf(out, outlen, "%s (%s ago)", jsonget_str(o, key), age);
	} else {
		snprintf(out, outlen, "%s", "<unknown>");
	}
}

static void metadata(struct buf *b, struct json_object *obj)
{
	struct json_object *meta = jsonget_obj(obj, "metadata");
	char when[96];
	dtext_field(b, 0, "Name", "%s", jsonget_str(meta, "name") ? jsonget_str(meta, "name") : "");
	if (jsonget_str(meta, "namespace"))
		dtext_field(b, 0, "Namespace", "%s", jsonget_str(meta, "namespace"));
	dtext_map(b, 0, "Labels", jsonget_obj(meta, "labels"));
	age_of(meta, "creationTimestamp", when, sizeof(when));
	dtext_field(b, 0, "Created", "%s", when);
	struct json_object *owners = jsonget_arr(meta, "ownerReferences");
	for (size_t i = 0; i < jsonget_len(owners); i++) {
		struct json_object *o = jsonget_idx(owners, i);
		if (jsonget_bool(o, "controller"))
			dtext_field(b, 0, "Controlled By", "%s/%s", jsonget_str(o, "kind"), jsonget_str(o, "name"));
	}
	if (jsonget_str(meta, "deletionTimestamp"))
		dtext_field(b, 0, "Deleting since", "%s", jsonget_str(meta, "deletionTimestamp"));
}

/* status.conditions as a table: Type, Status, Reason, Message. */
static void conditions(struct buf *b, struct json_object *status)
{
	struct json_object *cs = jsonget_arr(status, "conditions");
	if (!jsonget_len(cs))
		return;
	buf_puts(b, "Conditions:\n");
	struct dtable t;
	dtable_init(&t, 4);
	const char *head[] = {"Type", "Status", "Reason", "Message"};
	dtable_row(&t, head);
	for (size_t i = 0; i < jsonget_len(cs); i++) {
		struct json_object *c = jsonget_idx(cs, i);
		const char *row[] = {jsonget_str(c, "type"), jsonget_str(c, "status"), jsonget_str(c, "reason"),
				     jsonget_str(c, "message")};
		dtable_row(&t, row);
	}
	dtable_write(b, 2, &t);
}

/* A container's state, as "Running since ..." or "Waiting: CrashLoopBackOff". */
static void state_lines(struct buf *b, int indent, const char *key, struct json_object *state)
{
	struct json_object *run = jsonget_obj(state, "running"), *wait = jsonget_obj(state, "waiting"),
			   *term = jsonget_obj(state, "terminated");
	char when[96];
	if (run) {
		age_of(run, "startedAt", when, sizeof(when));
		dtext_field(b, indent, key, "Running since %s", when);
	} else if (term) {
		int64_t code = 0;
		jsonget_int(term, "exitCode", &code);
		dtext_field(b, indent, key, "Terminated: %s (exit code %lld)",
			    jsonget_str(term, "reason") ? jsonget_str(term, "reason") : "", (long long)code);
		if (jsonget_str(term, "message"))
			dtext_field(b, indent + 2, "Message", "%s", jsonget_str(term, "message"));
		if (jsonget_str(term, "finishedAt"))
			dtext_field(b, indent + 2, "Finished", "%s", jsonget_str(term, "finishedAt"));
	} else if (wait) {
		dtext_field(b, indent, key, "Waiting: %s", jsonget_str(wait, "reason") ? jsonget_str(wait, "reason") : "");
		if (jsonget_str(wait, "message"))
			dtext_field(b, indent + 2, "Message", "%s", jsonget_str(wait, "message"));
	} else {
		dtext_field(b, indent, key, "<none>");
	}
}

static struct json_object *status_of(struct json_object *statuses, const char *name)
{
	for (size_t i = 0; i < jsonget_len(statuses); i++)
		if (name && jsonget_str(jsonget_idx(statuses, i), "name") &&
		    !strcmp(jsonget_str(jsonget_idx(statuses, i), "name"), name))
			return jsonget_idx(statuses, i);
	return NULL;
}

static void resources(struct buf *b, int indent, struct json_object *c)
{
	struct json_object *res = jsonget_obj(c, "resources");
	if (jsonget_obj(res, "requests"))
		dtext_map(b, indent, "Requests", jsonget_obj(res, "requests"));
	if (jsonget_obj(res, "limits"))
		dtext_map(b, indent, "Limits", jsonget_obj(res, "limits"));
}

static void containers(struct buf *b, const char *title, struct json_object *list, struct json_object *statuses)
{
	if (!jsonget_len(list))
		return;
	buf_printf(b, "%s:\n", title);
	for (size_t i = 0; i < jsonget_len(list); i++) {
		struct json_object *c = jsonget_idx(list, i);
		const char *name = jsonget_str(c, "name");
		struct json_object *st = status_of(statuses, name);
		buf_printf(b, "  %s:\n", name ? name : "?");
		dtext_field(b, 4, "Image", "%s", jsonget_str(c, "image") ? jsonget_str(c, "image") : "");
		struct json_object *ports = jsonget_arr(c, "ports");
		for (size_t p = 0; p < jsonget_len(ports); p++) {
			int64_t port = 0;
			jsonget_int(jsonget_idx(ports, p), "containerPort", &port);
			dtext_field(b, 4, p ? "" : "Ports", "%lld/%s", (long long)port,
				    jsonget_str(jsonget_idx(ports, p), "protocol") ? jsonget_str(jsonget_idx(ports, p), "protocol")
										    : "TCP");
		}
		if (st) {
			state_lines(b, 4, "State", jsonget_obj(st, "state"));
			if (jsonget_obj(st, "lastState") && json_object_object_length(jsonget_obj(st, "lastState")))
				state_lines(b, 4, "Last State", jsonget_obj(st, "lastState"));
			dtext_field(b, 4, "Ready", "%s", jsonget_bool(st, "ready") ? "True" : "False");
			int64_t restarts = 0;
			jsonget_int(st, "restartCount", &restarts);
			dtext_field(b, 4, "Restart Count", "%lld", (long long)restarts);
		}
		resources(b, 4, c);
		struct json_object *env = jsonget_arr(c, "env");
		if (jsonget_len(env)) {
			/* names only: values may be secrets, and secrets never reach the screen */
			struct buf names;
			buf_init(&names);
			for (size_t e = 0; e < jsonget_len(env); e++)
				buf_printf(&names, "%s%s", e ? ", " : "", jsonget_str(jsonget_idx(env, e), "name"));
			dtext_field(b, 4, "Environment", "%s", names.data);
			buf_cleanup(&names);
		}
	}
}

static void describe_pod(struct buf *b, struct json_object *obj)
{
	struct json_object *spec = jsonget_obj(obj, "spec"), *st = jsonget_obj(obj, "status");
	dtext_field(b, 0, "Node", "%s", jsonget_str(spec, "nodeName") ? jsonget_str(spec, "nodeName") : "<none>");
	dtext_field(b, 0, "Status", "%s", jsonget_str(st, "phase") ? jsonget_str(st, "phase") : "");
	if (jsonget_str(st, "reason"))
		dtext_field(b, 0, "Reason", "%s", jsonget_str(st, "reason"));
	if (jsonget_str(st, "message"))
		dtext_field(b, 0, "Message", "%s", jsonget_str(st, "message"));
	dtext_field(b, 0, "IP", "%s", jsonget_str(st, "podIP") ? jsonget_str(st, "podIP") : "");
	if (jsonget_str(st, "qosClass"))
		dtext_field(b, 0, "QoS Class", "%s", jsonget_str(st, "qosClass"));
	containers(b, "Init Containers", jsonget_arr(spec, "initContainers"), jsonget_arr(st, "initContainerStatuses"));
	containers(b, "Containers", jsonget_arr(spec, "containers"), jsonget_arr(st, "containerStatuses"));
	conditions(b, st);
	struct json_object *vols = jsonget_arr(spec, "volumes");
	if (jsonget_len(vols)) {
		buf_puts(b, "Volumes:\n");
		for (size_t i = 0; i < jsonget_len(vols); i++) {
			struct json_object *v = jsonget_idx(vols, i);
			const char *type = "";
			json_object_object_foreach(v, k, val) {
				(void)val;
				if (strcmp(k, "name"))
					type = k;
			}
			dtext_field(b, 2, jsonget_str(v, "name") ? jsonget_str(v, "name") : "?", "%s", type);
		}
	}
}

static void describe_workload(struct buf *b, struct json_object *obj, const char *kind)
{
	struct json_object *spec = jsonget_obj(obj, "spec"), *st = jsonget_obj(obj, "status");
	int64_t want = 0, updated = 0, total = 0, available = 0, ready = 0;
	bool ds = !strcmp(kind, "DaemonSet");
	jsonget_int(spec, "replicas", &want);
	jsonget_int(st, ds ? "updatedNumberScheduled" : "updatedReplicas", &updated);
	jsonget_int(st, ds ? "currentNumberScheduled" : "replicas", &total);
	jsonget_int(st, ds ? "numberAvailable" : "availableReplicas", &available);
	jsonget_int(st, ds ? "numberReady" : "readyReplicas", &ready);
	if (ds) {
		jsonget_int(st, "desiredNumberScheduled", &want);
		dtext_field(b, 0, "Pods", "%lld desired | %lld current | %lld ready | %lld up-to-date | %lld available",
			    (long long)want, (long long)total, (long long)ready, (long long)updated, (long long)available);
	} else {
		dtext_field(b, 0, "Replicas", "%lld desired | %lld updated | %lld total | %lld ready | %lld available",
			    (long long)want, (long long)updated, (long long)total, (long long)ready, (long long)available);
	}
	dtext_map(b, 0, "Selector", jsonget_obj(jsonget_obj(spec, "selector"), "matchLabels"));
	struct json_object *strategy = jsonget_obj(spec, ds ? "updateStrategy" : "strategy");
	if (jsonget_str(strategy, "type"))
		dtext_field(b, 0, "Strategy", "%s", jsonget_str(strategy, "type"));
	struct json_object *tmpl = jsonget_obj(spec, "template");
	buf_puts(b, "Pod Template:\n");
	dtext_map(b, 2, "Labels", jsonget_obj(jsonget_obj(tmpl, "metadata"), "labels"));
	struct json_object *tspec = jsonget_obj(tmpl, "spec");
	struct json_object *cs = jsonget_arr(tspec, "containers");
	for (size_t i = 0; i < jsonget_len(cs); i++) {
		struct json_object *c = jsonget_idx(cs, i);
		buf_printf(b, "  %s:\n", jsonget_str(c, "name") ? jsonget_str(c, "name") : "?");
		dtext_field(b, 4, "Image", "%s", jsonget_str(c, "image") ? jsonget_str(c, "image") : "");
		resources(b, 4, c);
	}
	conditions(b, st);
}

static void describe_node(struct buf *b, struct json_object *obj)
{
	struct json_object *spec = jsonget_obj(obj, "spec"), *st = jsonget_obj(obj, "status");
	dtext_field(b, 0, "Unschedulable", "%s", jsonget_bool(spec, "unschedulable") ? "true (cordoned)" : "false");
	struct json_object *taints = jsonget_arr(spec, "taints");
	if (!jsonget_len(taints))
		dtext_field(b, 0, "Taints", "<none>");
	for (size_t i = 0; i < jsonget_len(taints); i++) {
		struct json_object *t = jsonget_idx(taints, i);
		dtext_field(b, 0, i ? "" : "Taints", "%s%s%s:%s", jsonget_str(t, "key"), jsonget_str(t, "value") ? "=" : "",
			    jsonget_str(t, "value") ? jsonget_str(t, "value") : "", jsonget_str(t, "effect"));
	}
	conditions(b, st);
	struct json_object *addr = jsonget_arr(st, "addresses");
	if (jsonget_len(addr)) {
		buf_puts(b, "Addresses:\n");
		for (size_t i = 0; i < jsonget_len(addr); i++)
			dtext_field(b, 2, jsonget_str(jsonget_idx(addr, i), "type"), "%s",
				    jsonget_str(jsonget_idx(addr, i), "address"));
	}
	buf_puts(b, "Capacity:\n");
	dtext_pairs(b, 2, jsonget_obj(st, "capacity"));
	buf_puts(b, "Allocatable:\n");
	dtext_pairs(b, 2, jsonget_obj(st, "allocatable"));
	struct json_object *info = jsonget_obj(st, "nodeInfo");
	buf_puts(b, "System Info:\n");
	static const char *const keys[][2] = {{"kubeletVersion", "Kubelet Version"}, {"osImage", "OS Image"},
					      {"kernelVersion", "Kernel Version"}, {"containerRuntimeVersion", "Container Runtime"},
					      {"architecture", "Architecture"}};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (jsonget_str(info, keys[i][0]))
			dtext_field(b, 2, keys[i][1], "%s", jsonget_str(info, keys[i][0]));
}

static void describe_service(struct buf *b, struct json_object *obj)
{
	struct json_object *spec = jsonget_obj(obj, "spec");
	dtext_field(b, 0, "Type", "%s", jsonget_str(spec, "type") ? jsonget_str(spec, "type") : "ClusterIP");
	dtext_field(b, 0, "IP", "%s", jsonget_str(spec, "clusterIP") ? jsonget_str(spec, "clusterIP") : "<none>");
	dtext_map(b, 0, "Selector", jsonget_obj(spec, "selector"));
	struct json_object *ports = jsonget_arr(spec, "ports");
	for (size_t i = 0; i < jsonget_len(ports); i++) {
		struct json_object *p = jsonget_idx(ports, i);
		int64_t port = 0, target = 0, node = 0;
		jsonget_int(p, "port", &port);
		jsonget_int(p, "targetPort", &target);
		jsonget_int(p, "nodePort", &node);
		char extra[64] = "";
		if (node)
			snprintf(extra, sizeof(extra), ", node port %lld", (long long)node);
		dtext_field(b, 0, i ? "" : "Ports", "%s %lld/%s -> %lld%s", jsonget_str(p, "name") ? jsonget_str(p, "name") : "",
			    (long long)port, jsonget_str(p, "protocol") ? jsonget_str(p, "protocol") : "TCP",
			    (long long)(target ? target : port), extra);
	}
}

static void events(struct buf *b, struct json_object *list)
{
	if (!jsonget_len(list)) {
		buf_puts(b, "Events:           <none>\n");
		return;
	}
	buf_puts(b, "Events:\n");
	struct dtable t;
	dtable_init(&t, 4);
	const char *head[] = {"Type", "Reason", "Age", "Message"};
	dtable_row(&t, head);
	for (size_t i = 0; i < jsonget_len(list); i++) {
		struct json_object *e = jsonget_idx(list, i);
		char age[48] = "", msg[1024];
		int64_t at = 0, count = 0;
		if (jsonget_time(e, "lastTimestamp", JSONGET_RFC3339, &at))
			dtext_age(wall_s() - at, age, sizeof(age));
		jsonget_int(e, "count", &count);
		if (count > 1)
			snprintf(age + strlen(age), sizeof(age) - strlen(age), " (x%lld)", (long long)count);
		snprintf(msg, sizeof(msg), "%s", jsonget_str(e, "message") ? jsonget_str(e, "message") : "");
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		const char *row[] = {jsonget_str(e, "type"), jsonget_str(e, "reason"), age, msg};
		dtable_row(&t, row);
	}
	dtable_write(b, 2, &t);
}

/* A part of the object kubectl describe prints as it is (a custom
 * resource's spec and status), as indented YAML under its title. */
static void yaml_section(struct buf *b, const char *title, json_object *part)
{
	if (!part)
		return;
	const char *json = json_object_to_json_string_ext(part, JSON_C_TO_STRING_PLAIN);
	char err[ERRLEN];
	char *yaml = jsonyaml_convert(json, strlen(json), err, sizeof(err));
	if (!yaml)
		return;
	buf_printf(b, "%s:\n", title);
	for (const char *l = yaml; *l;) {
		size_t n = strcspn(l, "\n");
		if (n)
			buf_printf(b, "  %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
	free(yaml);
}

static void on_object(void *arg, const char *json, const char *error)
{
	struct describe_ctx *x = arg;
	if (error) {
		x->done(x->arg, NULL, error);
		free(x);
		return;
	}
	json_object *obj = json_tokener_parse(json);
	if (!jsonget_obj(obj, "metadata")) {
		/* not an API object (a port-forward, binnacle's own): as it is */
		char err[ERRLEN];
		char *yaml = jsonyaml_convert(json, strlen(json), err, sizeof(err));
		x->done(x->arg, yaml ? yaml : json, NULL);
		free(yaml);
		json_object_put(obj);
		free(x);
		return;
	}
	const char *kind = jsonget_str(obj, "kind") ? jsonget_str(obj, "kind") : "";
	struct buf b;
	buf_init(&b);
	metadata(&b, obj);
	if (!strcmp(kind, "Pod"))
		describe_pod(&b, obj);
	else if (!strcmp(kind, "Deployment") || !strcmp(kind, "StatefulSet") || !strcmp(kind, "DaemonSet") ||
		 !strcmp(kind, "ReplicaSet"))
		describe_workload(&b, obj, kind);
	else if (!strcmp(kind, "Node"))
		describe_node(&b, obj);
	else if (!strcmp(kind, "Service"))
		describe_service(&b, obj);
	else if (!strcmp(kind, "Namespace"))
		dtext_field(&b, 0, "Status", "%s", jsonget_str(jsonget_obj(obj, "status"), "phase"));
	else if (!strcmp(kind, "Event")) {
		struct json_object *inv = jsonget_obj(obj, "involvedObject");
		dtext_field(&b, 0, "Object", "%s/%s", jsonget_str(inv, "kind"), jsonget_str(inv, "name"));
		dtext_field(&b, 0, "Type", "%s", jsonget_str(obj, "type"));
		dtext_field(&b, 0, "Reason", "%s", jsonget_str(obj, "reason"));
		dtext_field(&b, 0, "Message", "%s", jsonget_str(obj, "message"));
	} else {
		/* any other kind (a CRD's, a configmap): what kubectl prints of it */
		yaml_section(&b, "Spec", jsonget_obj(obj, "spec"));
		conditions(&b, jsonget_obj(obj, "status"));
	}
	if (strcmp(kind, "Event"))
		events(&b, jsonget_arr(obj, "recentEvents"));
	x->done(x->arg, b.data ? b.data : "", NULL);
	buf_cleanup(&b);
	json_object_put(obj);
	free(x);
}

void kube_describe(struct endpoint *ep, const char *kind, const char *id,
		   void (*done)(void *arg, const char *text, const char *error), void *arg)
{
	struct describe_ctx *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	ep->ops->inspect(ep, kind, id, on_object, x);
}
