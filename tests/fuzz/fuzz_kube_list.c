/* fuzz_kube_list.c: a Kubernetes list page as the API server sends it,
 * decoded the way watch.c does: scanned for its members and items, each item
 * parsed on its own with the depth limit and decoded into the store as one
 * of the kinds (chosen by the first byte), then the pods' extras (containers,
 * pods per node) and the metrics lists. */
#include "tests/fuzz/fuzz.h"
#include "backends/codec/jsonget.h"
#include "backends/codec/jsonscan.h"
#include "backends/kube/decode.h"
#include "backends/kube/kinds.h"
#include "backends/model/kinds.h"
#include "backends/model/store.h"
#include "backends/util/limits.h"

#include <json-c/json.h>
#include <string.h>

static const char *const kinds[] = {KIND_PODS,	      KIND_NODES,	KIND_NAMESPACES, KIND_SERVICES,
				    KIND_EVENTS,      KIND_DEPLOYMENTS, KIND_STATEFULSETS, KIND_DAEMONSETS,
				    KIND_REPLICASETS};

struct page {
	const char *items, *meta;
	size_t itemslen, metalen;
};

static bool member(void *arg, const char *key, size_t klen, const char *v, size_t vlen)
{
	struct page *p = arg;
	if (klen == 5 && !memcmp(key, "items", 5)) {
		p->items = v;
		p->itemslen = vlen;
	} else if (klen == 8 && !memcmp(key, "metadata", 8)) {
		p->meta = v;
		p->metalen = vlen;
	}
	return true;
}

struct into {
	struct store *s;
	const char *kind;
};

static bool item(void *arg, const char *v, size_t vlen)
{
	struct into *in = arg;
	char err[256];
	json_object *o = jsonscan_parse(v, vlen, LIMIT_JSON_DEPTH);
	if (o && json_object_is_type(o, json_type_object)) {
		kube_decode_into(in->s, in->kind, in->kind, o, err, sizeof(err));
		if (!strcmp(in->kind, KIND_PODS))
			kube_decode_pod_containers(in->s, o);
	}
	json_object_put(o);
	return true;
}

FUZZ_TARGET(kube_list)
{
	if (!size)
		return 0;
	const char *kind = kinds[data[0] % (sizeof(kinds) / sizeof(kinds[0]))];
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	struct store *s = store_new();
	struct page p = {0};
	if (jsonscan_object(body, len, member, &p) == 0 && p.items &&
	    jsonscan_array(p.items, p.itemslen, NULL, NULL) <= LIMIT_PAGE_ITEMS) {
		json_object *meta = p.meta ? jsonscan_parse(p.meta, p.metalen, LIMIT_JSON_DEPTH) : NULL;
		jsonget_str(meta, "continue");
		jsonget_str(meta, "resourceVersion");
		json_object_put(meta);
		struct rtable *t = store_table(s, kind, 64);
		rtable_relist_begin(t);
		struct into in = {s, kind};
		jsonscan_array(p.items, p.itemslen, item, &in);
		rtable_relist_end(s, t);
		kube_decode_refresh_node_pods(s);
		kube_decode_prune_containers(s);
	}
	/* the metrics lists are parsed whole */
	json_object *whole = jsonscan_parse(body, len, LIMIT_JSON_DEPTH);
	if (whole) {
		kube_decode_node_metrics(s, whole);
		kube_decode_pod_metrics(s, whole);
	}
	json_object_put(whole);
	store_free(s);
	return 0;
}
