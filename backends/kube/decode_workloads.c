/* decode_workloads.c: deployments, statefulsets, daemonsets and replicasets
 * into their shared row layout; also the entry points every kind goes
 * through (kube_decode_object, kube_decode_row_id) and the formatters and
 * cell setters the decode files share. */
#include "backends/kube/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

char *kube_join_field(struct json_object *arr, const char *key)
{
	size_t n = jsonget_len(arr);
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		const char *v = jsonget_str(json_object_array_get_idx(arr, i), key);
		if (!v || !*v)
			continue;
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, v);
	}
	return b.len ? buf_steal(&b) : (buf_cleanup(&b), NULL);
}

void kube_set_time(struct store *s, struct rtable *t, struct row *r, int idx, struct json_object *o,
		   const char *key)
{
	int64_t when;
	if (jsonget_time(o, key, JSONGET_RFC3339, &when))
		row_set_num(s, t, r, idx, CELL_TIME, when, NULL);
	else
		row_clear(s, t, r, idx);
}

void kube_set_count(struct store *s, struct rtable *t, struct row *r, int idx, int64_t n, const char *text)
{
	row_set_num(s, t, r, idx, CELL_INT, n, text);
}

/* ---- entry points ---- */

static bool cluster_scoped(const char *kind)
{
	return !strcmp(kind, KIND_NODES) || !strcmp(kind, KIND_NAMESPACES);
}

static bool is_workload(const char *kind)
{
	return !strcmp(kind, KIND_DEPLOYMENTS) || !strcmp(kind, KIND_STATEFULSETS) ||
	       !strcmp(kind, KIND_DAEMONSETS) || !strcmp(kind, KIND_REPLICASETS);
}

void kube_decode_row_id(const char *kind, struct json_object *obj, char *out, size_t outlen)
{
	if (!outlen)
		return;
	struct json_object *meta = jsonget_obj(obj, "metadata");
	const char *name = jsonget_str(meta, "name"), *ns = jsonget_str(meta, "namespace");
	if (!name || !*name)
		out[0] = '\0';
	else if (cluster_scoped(kind) || !ns || !*ns)
		snprintf(out, outlen, "%s", name);
	else
		snprintf(out, outlen, "%s/%s", ns, name);
}

int kube_decode_into(struct store *s, const char *table, const char *kind, struct json_object *obj, char *err,
		     size_t errlen)
{
	static const struct {
		const char *kind;
		int ncells;
	} layouts[] = {{KIND_PODS, POD_NCELLS},		{KIND_DEPLOYMENTS, WL_NCELLS}, {KIND_STATEFULSETS, WL_NCELLS},
		       {KIND_DAEMONSETS, WL_NCELLS},	{KIND_REPLICASETS, WL_NCELLS}, {KIND_SERVICES, SVC_NCELLS},
		       {KIND_NAMESPACES, NS_NCELLS},	{KIND_EVENTS, EV_NCELLS},      {KIND_NODES, NODE_NCELLS}};
	int ncells = 0;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (!strcmp(layouts[i].kind, kind))
			ncells = layouts[i].ncells;
	if (!ncells)
		return set_err(err, errlen, "binnacle cannot show Kubernetes %s", kind);
	char id[512];
	kube_decode_row_id(kind, obj, id, sizeof(id));
	if (!*id)
		return set_err(err, errlen, "the server sent a %s object without metadata.name", kind);
	struct rtable *t = store_table(s, table, ncells);
	if (!strcmp(kind, KIND_PODS))
		kube_decode_pod(s, t, obj, id);
	else if (is_workload(kind))
		kube_decode_workload(s, t, kind, obj, id);
	else if (!strcmp(kind, KIND_SERVICES))
		kube_decode_service(s, t, obj, id);
	else if (!strcmp(kind, KIND_NAMESPACES))
		kube_decode_namespace(s, t, obj, id);
	else if (!strcmp(kind, KIND_EVENTS))
		kube_decode_event(s, t, obj, id);
	else if (!strcmp(kind, KIND_NODES))
		kube_decode_node(s, t, obj, id);
	else
		return set_err(err, errlen, "binnacle cannot show Kubernetes %s", kind);
	return 0;
}

int kube_decode_object(struct store *s, const char *kind, struct json_object *obj, char *err, size_t errlen)
{
	return kube_decode_into(s, kind, kind, obj, err, errlen);
}

/* ---- workloads ---- */

static int64_t int_or(struct json_object *o, const char *key, int64_t dflt)
{
	int64_t v;
	return jsonget_int(o, key, &v) ? v : dflt;
}

void kube_decode_workload(struct store *s, struct rtable *t, const char *kind, struct json_object *obj, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	struct json_object *meta = jsonget_obj(obj, "metadata"), *spec = jsonget_obj(obj, "spec");
	struct json_object *st = jsonget_obj(obj, "status");
	row_set_text_or_clear(s, t, r, WL_NAME, jsonget_str(meta, "name"));
	row_set_text_or_clear(s, t, r, WL_NAMESPACE, jsonget_str(meta, "namespace"));

	/* status counters are omitted when zero; spec.replicas defaults to 1 */
	bool ds = !strcmp(kind, KIND_DAEMONSETS);
	int64_t desired, current, ready, updated, available;
	if (ds) {
		desired = int_or(st, "desiredNumberScheduled", 0);
		current = int_or(st, "currentNumberScheduled", 0);
		ready = int_or(st, "numberReady", 0);
		updated = int_or(st, "updatedNumberScheduled", 0);
		available = int_or(st, "numberAvailable", 0);
	} else {
		desired = int_or(spec, "replicas", 1);
		current = int_or(st, "replicas", 0);
		ready = int_or(st, "readyReplicas", 0);
		updated = int_or(st, "updatedReplicas", 0);
		available = int_or(st, "availableReplicas", 0);
	}
	/* kubectl prints READY as "ready/desired" for these two, a number otherwise */
	char text[48] = "";
	if (!strcmp(kind, KIND_DEPLOYMENTS) || !strcmp(kind, KIND_STATEFULSETS))
		snprintf(text, sizeof(text), "%lld/%lld", (long long)ready, (long long)desired);
	kube_set_count(s, t, r, WL_READY, ready, *text ? text : NULL);
	kube_set_count(s, t, r, WL_DESIRED, desired, NULL);
	kube_set_count(s, t, r, WL_CURRENT, current, NULL);
	if (!strcmp(kind, KIND_REPLICASETS))
		row_clear(s, t, r, WL_UPTODATE); /* replicasets have no rollout of their own */
	else
		kube_set_count(s, t, r, WL_UPTODATE, updated, NULL);
	kube_set_count(s, t, r, WL_AVAILABLE, available, NULL);
	kube_set_time(s, t, r, WL_AGE, meta, "creationTimestamp");

	struct json_object *match = jsonget_obj(jsonget_obj(spec, "selector"), "matchLabels");
	char *sel = jsonget_map_text(match, JSONGET_STRINGS_ONLY);
	row_set_text_or_clear(s, t, r, WL_SELECTOR, sel);
	free(sel);
	struct json_object *ctrs = jsonget_arr(jsonget_obj(jsonget_obj(spec, "template"), "spec"), "containers");
	char *images = kube_join_field(ctrs, "image"), *names = kube_join_field(ctrs, "name");
	row_set_text_or_clear(s, t, r, WL_IMAGES, images);
	row_set_text_or_clear(s, t, r, WL_CONTAINERS, names);
	free(images);
	free(names);
}
