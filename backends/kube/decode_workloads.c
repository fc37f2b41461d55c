/* decode_workloads.c: deployments, statefulsets, daemonsets and replicasets
 * into their shared row layout; also the entry points every kind goes
 * through (kube_decode_object, kube_decode_row_id) and the JSON readers and
 * cell setters the decode files share. */
#include "kube/decode.h"
#include "kinds.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* ---- readers: absent, null and wrongly typed fields all read as "none" ---- */

struct json_object *kube_jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

struct json_object *kube_jobj(struct json_object *o, const char *key)
{
	struct json_object *v = kube_jget(o, key);
	return json_object_is_type(v, json_type_object) ? v : NULL;
}

struct json_object *kube_jarr(struct json_object *o, const char *key)
{
	struct json_object *v = kube_jget(o, key);
	return json_object_is_type(v, json_type_array) ? v : NULL;
}

const char *kube_jstr(struct json_object *o, const char *key)
{
	struct json_object *v = kube_jget(o, key);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool kube_jint(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v = kube_jget(o, key);
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return true;
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		*out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : (int64_t)d;
		return true;
	}
	return false;
}

bool kube_jbool(struct json_object *o, const char *key)
{
	struct json_object *v = kube_jget(o, key);
	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

struct json_object *kube_jidx(struct json_object *arr, size_t i)
{
	if (!json_object_is_type(arr, json_type_array) || i >= json_object_array_length(arr))
		return NULL;
	return json_object_array_get_idx(arr, i);
}

bool kube_jtime(struct json_object *o, const char *key, int64_t *out)
{
	const char *s = kube_jstr(o, key);
	if (!s)
		return false;
	*out = parse_rfc3339(s);
	return *out > 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *kube_format_map(struct json_object *map)
{
	if (!json_object_is_type(map, json_type_object) || !json_object_object_length(map))
		return NULL;
	size_t n = (size_t)json_object_object_length(map), i = 0;
	const char **keys = xcalloc(n, sizeof(*keys));
	json_object_object_foreach(map, key, unused)
	{
		(void)unused;
		if (i < n)
			keys[i++] = key;
	}
	qsort(keys, i, sizeof(*keys), cmp_strp);
	struct buf b;
	buf_init(&b);
	for (size_t j = 0; j < i; j++) {
		const char *v = kube_jstr(map, keys[j]);
		buf_printf(&b, "%s%s=%s", j ? "," : "", keys[j], v ? v : "");
	}
	free(keys);
	return buf_steal(&b);
}

char *kube_join_field(struct json_object *arr, const char *key)
{
	size_t n = arr ? json_object_array_length(arr) : 0;
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		const char *v = kube_jstr(json_object_array_get_idx(arr, i), key);
		if (!v || !*v)
			continue;
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, v);
	}
	return b.len ? buf_steal(&b) : (buf_cleanup(&b), NULL);
}

void kube_set_text(struct store *s, struct rtable *t, struct row *r, int idx, const char *v)
{
	if (v && *v)
		row_set_text(s, t, r, idx, v);
	else
		row_clear(s, t, r, idx);
}

void kube_set_time(struct store *s, struct rtable *t, struct row *r, int idx, struct json_object *o,
		   const char *key)
{
	int64_t when;
	if (kube_jtime(o, key, &when))
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
	struct json_object *meta = kube_jobj(obj, "metadata");
	const char *name = kube_jstr(meta, "name"), *ns = kube_jstr(meta, "namespace");
	if (!name || !*name)
		out[0] = '\0';
	else if (cluster_scoped(kind) || !ns || !*ns)
		snprintf(out, outlen, "%s", name);
	else
		snprintf(out, outlen, "%s/%s", ns, name);
}

int kube_decode_object(struct store *s, const char *kind, struct json_object *obj, char *err, size_t errlen)
{
	char id[512];
	kube_decode_row_id(kind, obj, id, sizeof(id));
	if (!*id)
		return set_err(err, errlen, "the server sent a %s object without metadata.name", kind);
	if (!strcmp(kind, KIND_PODS))
		kube_decode_pod(s, obj, id);
	else if (is_workload(kind))
		kube_decode_workload(s, kind, obj, id);
	else if (!strcmp(kind, KIND_SERVICES))
		kube_decode_service(s, obj, id);
	else if (!strcmp(kind, KIND_NAMESPACES))
		kube_decode_namespace(s, obj, id);
	else if (!strcmp(kind, KIND_EVENTS))
		kube_decode_event(s, obj, id);
	else if (!strcmp(kind, KIND_NODES))
		kube_decode_node(s, obj, id);
	else
		return set_err(err, errlen, "binnacle cannot show Kubernetes %s", kind);
	return 0;
}

/* ---- workloads ---- */

static int64_t int_or(struct json_object *o, const char *key, int64_t dflt)
{
	int64_t v;
	return kube_jint(o, key, &v) ? v : dflt;
}

void kube_decode_workload(struct store *s, const char *kind, struct json_object *obj, const char *id)
{
	struct rtable *t = store_table(s, kind, WL_NCELLS);
	struct row *r = rtable_upsert(s, t, id);
	struct json_object *meta = kube_jobj(obj, "metadata"), *spec = kube_jobj(obj, "spec");
	struct json_object *st = kube_jobj(obj, "status");
	kube_set_text(s, t, r, WL_NAME, kube_jstr(meta, "name"));
	kube_set_text(s, t, r, WL_NAMESPACE, kube_jstr(meta, "namespace"));

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

	char *sel = kube_format_map(kube_jobj(kube_jobj(spec, "selector"), "matchLabels"));
	kube_set_text(s, t, r, WL_SELECTOR, sel);
	free(sel);
	struct json_object *ctrs = kube_jarr(kube_jobj(kube_jobj(spec, "template"), "spec"), "containers");
	char *images = kube_join_field(ctrs, "image"), *names = kube_join_field(ctrs, "name");
	kube_set_text(s, t, r, WL_IMAGES, images);
	kube_set_text(s, t, r, WL_CONTAINERS, names);
	free(images);
	free(names);
}
