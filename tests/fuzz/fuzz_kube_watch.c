/* fuzz_kube_watch.c: a Kubernetes watch stream cut into two chunks at a
 * point the first byte chooses, through the stream decoder (line splitting,
 * the line cap, event types, resourceVersions) and each event's object into
 * the store, deletions included. */
#include "tests/fuzz/fuzz.h"
#include "backends/kube/decode.h"
#include "backends/kube/kinds.h"
#include "backends/kube/watchstream.h"
#include "backends/model/store.h"

#include <json-c/json.h>

static bool on_event(void *arg, enum kube_watch_event type, struct json_object *obj, int code, const char *msg)
{
	struct store *s = arg;
	char err[256], id[512];
	(void)code;
	(void)msg;
	if (type == KW_ADDED || type == KW_MODIFIED) {
		kube_decode_into(s, KIND_PODS, KIND_PODS, obj, err, sizeof(err));
		kube_decode_pod_containers(s, obj);
	} else if (type == KW_DELETED) {
		kube_decode_row_id(KIND_PODS, obj, id, sizeof(id));
		rtable_delete(s, store_table(s, KIND_PODS, 64), id);
		kube_decode_forget_pod(s, id);
	}
	return type != KW_ERROR;
}

FUZZ_TARGET(kube_watch)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	fuzz_split(data, size, &a, &alen, &b, &blen);
	struct store *s = store_new();
	struct kube_watch_stream ws;
	kube_watch_stream_init(&ws);
	if (kube_watch_stream_feed(&ws, (const char *)a, alen, on_event, s))
		kube_watch_stream_feed(&ws, (const char *)b, blen, on_event, s);
	kube_watch_stream_cleanup(&ws);
	kube_decode_refresh_node_pods(s);
	store_free(s);
	return 0;
}
