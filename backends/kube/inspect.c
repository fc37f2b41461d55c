/* inspect.c: the Kubernetes backend's "describe as YAML/JSON": the object
 * as the API server has it, followed by its recent events (as kubectl
 * describe shows them); a port-forward, which is binnacle's own, described
 * from what it knows. */
#include "backends/codec/jsonget.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct inspect_ctx {
	void (*done)(void *arg, const char *json, const char *error);
	void *arg;
	json_object *obj; /* the object, waiting for its events */
};

static void deliver(struct inspect_ctx *x)
{
	x->done(x->arg, json_object_to_json_string_ext(x->obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE),
		NULL);
	json_object_put(x->obj);
	free(x);
}

/* Like kubectl describe: the object's recent events come after it. */
static void on_events(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct inspect_ctx *x = c->ctx;
	json_object *list = kube_ok(res) ? json_tokener_parse(res->body) : NULL, *items = jsonget_arr(list, "items");
	json_object *out = json_object_new_array();
	for (size_t i = 0; i < jsonget_len(items); i++) {
		json_object *ev = jsonget_idx(items, i), *e = json_object_new_object();
		static const char *const keys[] = {"lastTimestamp", "type", "reason", "message", "count"};
		for (size_t k = 0; k < 5; k++) {
			json_object *v = jsonget_field(ev, keys[k]);
			if (v)
				json_object_object_add(e, keys[k], json_object_get(v));
		}
		json_object_array_add(out, e);
	}
	json_object_put(list);
	json_object_object_add(x->obj, "recentEvents", out);
	deliver(x);
}

static void on_inspect(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct inspect_ctx *x = c->ctx;
	char err[ERRLEN];
	json_object *o = kube_ok(res) ? json_tokener_parse(res->body) : NULL, *meta;
	if (!kube_ok(res) || !o) {
		if (!kube_ok(res))
			kube_result_error(c->k, res, "describe", err, sizeof(err));
		x->done(x->arg, NULL, !kube_ok(res) ? err : "the API server sent an object that is not JSON");
		json_object_put(o);
		free(x);
		return;
	}
	x->obj = o;
	const char *name = NULL, *ns = NULL, *kind = NULL;
	if ((meta = jsonget_obj(o, "metadata"))) {
		/* managedFields are noise for an operator, as kubectl hides them */
		json_object_object_del(meta, "managedFields");
		name = jsonget_str(meta, "name");
		ns = jsonget_str(meta, "namespace");
	}
	kind = jsonget_str(o, "kind");
	if (!name || !kind) {
		deliver(x);
		return;
	}
	char *sname = kube_selector_value(name), *skind = kube_selector_value(kind);
	char *sel = xasprintf("involvedObject.name=%s,involvedObject.kind=%s", sname, skind);
	free(sname);
	free(skind);
	char *esel = http_escape(sel, strlen(sel)), *ens = http_escape_str(ns);
	char *path = ns ? xasprintf("/api/v1/namespaces/%s/events?fieldSelector=%s", ens, esel)
			: xasprintf("/api/v1/events?fieldSelector=%s", esel);
	kube_call(c->k, "GET", path, NULL, NULL, 15000, on_events, NULL, x);
	free(ens);
	free(path);
	free(esel);
	free(sel);
}

void kube_inspect(struct endpoint *ep, const char *kind, const char *id,
			 void (*done)(void *arg, const char *json, const char *error), void *arg)
{
	struct kube *k = ep->priv;
	char ns[256], name[256];
	kube_split_id(id, ns, sizeof(ns), name, sizeof(name));
	if (!strcmp(kind, KIND_CONTAINERS))
		kind = KIND_PODS; /* a container is described by its pod */
	if (!strcmp(kind, KIND_PORTFORWARDS)) { /* ours, not the server's */
		char *text = kube_forward_describe(k, id);
		done(arg, text, text ? NULL : "this forward has stopped");
		free(text);
		return;
	}
	const struct kres *r = kube_res(k, kind);
	if (!r || k->phase != K_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : !r ? "this kind cannot be described" : "not connected to the API server");
		return;
	}
	char *coll = kube_collection_path(k, r, ns), *ename = http_escape_str(name);
	char *path = xasprintf("%s/%s", coll, ename);
	free(coll);
	free(ename);
	struct inspect_ctx *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	kube_call(k, "GET", path, NULL, NULL, 30000, on_inspect, NULL, x);
	free(path);
}
