/* test_kube_decode.c: the Kubernetes decoders against real API payloads
 * (pods, deployments, nodes, a watch stream; skipped when the shared
 * reference folder is absent) and hand-made pods for every STATUS kubectl
 * distinguishes, plus row ids and the container rows of a pod. Quantities,
 * metrics, events, services and the other workloads are in
 * test_kube_decode_misc.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "tests/unit/fixtures.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/kinds.h"
#include "backends/kube/decode.h"
#include "tests/unit/kube_fixtures.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

/* ---- fixtures ---- */

/* A file of the reference folder's kubernetes/ directory, or NULL. */
static struct json_object *kref_json(const char *name)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path = dir && *dir ? xasprintf("%s/kubernetes/%s", dir, name)
				 : xasprintf("%s/../shared/reference/kubernetes/%s", fixture_top_srcdir(), name);
	size_t len = 0;
	char *text = fixture_read_path(path, &len);
	free(path);
	if (!text)
		return NULL;
	struct json_object *o = json_tokener_parse(text);
	free(text);
	assert_non_null(o);
	return o;
}

#define KREF(var, name)                                                                                      \
	struct json_object *var = kref_json(name);                                                           \
	if (!var)                                                                                            \
	skip()

static void decode_items(struct store *s, const char *kind, struct json_object *list)
{
	struct json_object *items = jsonget_arr(list, "items");
	assert_non_null(items);
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		char err[ERRLEN] = "";
		int rc = kube_decode_object(s, kind, json_object_array_get_idx(items, i), err, sizeof(err));
		if (rc)
			fail_msg("decode %s item %zu: %s", kind, i, err);
	}
}

/* ---- real payloads ---- */

static void test_podlist_reference(void **state)
{
	struct store *s = *state;
	KREF(list, "podlist_kube-system_v1.36.json");
	decode_items(s, KIND_PODS, list);
	json_object_put(list);
	struct rtable *t = store_find_table(s, KIND_PODS);
	assert_int_equal(rtable_live_count(t), 8);

	struct row *r = row_of(s, KIND_PODS, "kube-system/coredns-589f44dc88-4fpns");
	assert_string_equal(row_text(r, POD_NAME), "coredns-589f44dc88-4fpns");
	assert_string_equal(row_text(r, POD_NAMESPACE), "kube-system");
	assert_string_equal(row_text(r, POD_READY), "1/1");
	assert_int_equal(r->cells[POD_READY].num, 1);
	assert_string_equal(row_text(r, POD_STATUS), "Running");
	assert_int_equal(r->cells[POD_RESTARTS].type, CELL_INT);
	assert_int_equal(r->cells[POD_RESTARTS].num, 0);
	assert_null(r->cells[POD_RESTARTS].text);
	assert_string_equal(row_text(r, POD_IP), "10.244.0.3");
	assert_string_equal(row_text(r, POD_NODE), "v1.36-control-plane");
	assert_string_equal(row_text(r, POD_OWNER), "ReplicaSet/coredns-589f44dc88");
	assert_string_equal(row_text(r, POD_LABELS), "k8s-app=kube-dns,pod-template-hash=589f44dc88");
	assert_string_equal(row_text(r, POD_CONTAINERS), "coredns");
	assert_string_equal(row_text(r, POD_PHASE), "Running");
	assert_int_equal(r->cells[POD_AGE].type, CELL_TIME);
	assert_int_equal(r->cells[POD_AGE].num, parse_rfc3339("2026-06-15T04:14:53Z"));
	/* metrics cells are not the list's business */
	assert_int_equal(r->cells[POD_CPU].type, CELL_NONE);

	r = row_of(s, KIND_PODS, "kube-system/etcd-v1.36-control-plane");
	assert_string_equal(row_text(r, POD_OWNER), "Node/v1.36-control-plane"); /* a static pod */
	assert_string_equal(row_text(r, POD_IP), "172.18.0.3");
	r = row_of(s, KIND_PODS, "kube-system/kindnet-4pxt7");
	assert_string_equal(row_text(r, POD_OWNER), "DaemonSet/kindnet");
}

static void test_pod_single_and_containers(void **state)
{
	struct store *s = *state;
	KREF(pod, "pod_single_minikube.json");
	char err[ERRLEN];
	assert_int_equal(kube_decode_object(s, KIND_PODS, pod, err, sizeof(err)), 0);
	kube_decode_pod_containers(s, pod);
	json_object_put(pod);

	struct row *r = row_of(s, KIND_PODS, "default/nginx");
	assert_string_equal(row_text(r, POD_STATUS), "Running");
	assert_string_equal(row_text(r, POD_READY), "1/1");
	assert_string_equal(row_text(r, POD_IP), "172.17.0.6");
	assert_string_equal(row_text(r, POD_OWNER), ""); /* a bare pod */
	/* the real imageID of a docker-run kubelet names the registry digest */
	assert_string_equal(row_text(r, POD_IMAGE), "nginx:alpine");
	assert_string_equal(row_text(r, POD_DIGESTS), "sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595");

	struct row *c = row_of(s, KIND_CONTAINERS, "default/nginx/nginx");
	assert_string_equal(row_text(c, CTR_NAME), "nginx");
	assert_string_equal(row_text(c, CTR_POD), "default/nginx");
	assert_string_equal(row_text(c, CTR_IMAGE), "nginx:alpine");
	assert_string_equal(row_text(c, CTR_STATE), "running");
	assert_string_equal(row_text(c, CTR_STATUS), "Running");
	assert_string_equal(row_text(c, CTR_READY), "true");
	assert_int_equal(c->cells[CTR_RESTARTS].num, 0);
	assert_int_equal(c->cells[CTR_CREATED].type, CELL_TIME);
	assert_int_equal(c->cells[CTR_CREATED].num, parse_rfc3339("2019-08-09T05:12:20Z"));
	assert_string_equal(row_text(c, CTR_ID), "421bd26d6c68");
	assert_string_equal(row_text(c, CTR_DIGEST), "sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595");
}

static void test_deploymentlist_reference(void **state)
{
	struct store *s = *state;
	KREF(list, "deploymentlist_kube-system_v1.36.json");
	decode_items(s, KIND_DEPLOYMENTS, list);
	json_object_put(list);
	struct row *r = row_of(s, KIND_DEPLOYMENTS, "kube-system/coredns");
	assert_string_equal(row_text(r, WL_NAME), "coredns");
	assert_string_equal(row_text(r, WL_NAMESPACE), "kube-system");
	assert_string_equal(row_text(r, WL_READY), "2/2");
	assert_int_equal(r->cells[WL_READY].num, 2);
	assert_int_equal(r->cells[WL_DESIRED].num, 2);
	assert_int_equal(r->cells[WL_CURRENT].num, 2);
	assert_int_equal(r->cells[WL_UPTODATE].num, 2);
	assert_int_equal(r->cells[WL_AVAILABLE].num, 2);
	assert_string_equal(row_text(r, WL_SELECTOR), "k8s-app=kube-dns");
	assert_string_equal(row_text(r, WL_IMAGES), "registry.k8s.io/coredns/coredns:v1.14.2");
	assert_string_equal(row_text(r, WL_CONTAINERS), "coredns");
	assert_int_equal(r->cells[WL_AGE].num, parse_rfc3339("2026-06-15T04:14:45Z"));
}

static void test_nodelist_reference(void **state)
{
	struct store *s = *state;
	KREF(list, "nodelist_kind_v1.25.json");
	decode_items(s, KIND_NODES, list);
	json_object_put(list);
	struct row *r = row_of(s, KIND_NODES, "onprem-control-plane");
	assert_string_equal(row_text(r, NODE_NAME), "onprem-control-plane");
	assert_string_equal(row_text(r, NODE_STATUS), "Ready");
	assert_string_equal(row_text(r, NODE_ROLES), "control-plane");
	assert_string_equal(row_text(r, NODE_VERSION), "v1.25.3");
	assert_string_equal(row_text(r, NODE_OS), "Ubuntu 22.04.1 LTS");
	assert_string_equal(row_text(r, NODE_KERNEL), "5.15.49-linuxkit");
	assert_string_equal(row_text(r, NODE_ARCH), "arm64");
	assert_string_equal(row_text(r, NODE_IP), "172.18.0.2");
	assert_int_equal(r->cells[NODE_CPUS].type, CELL_INT);
	assert_int_equal(r->cells[NODE_CPUS].num, 6000);
	assert_string_equal(row_text(r, NODE_CPUS), "6");
	assert_int_equal(r->cells[NODE_MEM].type, CELL_BYTES);
	assert_int_equal(r->cells[NODE_MEM].num, 8039820LL * 1024);
	assert_int_equal(r->cells[NODE_AGE].type, CELL_TIME);
	assert_non_null(strstr(row_text(r, NODE_LABELS), "kubernetes.io/arch=arm64"));
}

static void test_node_single_minikube(void **state)
{
	struct store *s = *state;
	KREF(node, "node_single_minikube.json");
	char err[ERRLEN];
	assert_int_equal(kube_decode_object(s, KIND_NODES, node, err, sizeof(err)), 0);
	json_object_put(node);
	struct row *r = row_of(s, KIND_NODES, "minikube");
	assert_string_equal(row_text(r, NODE_ROLES), "master");
	assert_string_equal(row_text(r, NODE_STATUS), "Ready");
	assert_string_equal(row_text(r, NODE_CPUS), "4");
	assert_int_equal(r->cells[NODE_MEM].num, 8063156LL * 1024);
	assert_string_equal(row_text(r, NODE_VERSION), "v1.15.2");
	assert_string_equal(row_text(r, NODE_IP), "192.168.64.107");
}

/* ADDED, MODIFIED with deletionTimestamp (graceful delete), DELETED. */
static void test_watch_stream_reference(void **state)
{
	struct store *s = *state;
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path = dir && *dir ? xasprintf("%s/kubernetes/%s", dir, "watch_pods_added_modified_deleted_real.ndjson")
				 : xasprintf("%s/../shared/reference/kubernetes/%s", fixture_top_srcdir(),
					     "watch_pods_added_modified_deleted_real.ndjson");
	size_t len = 0;
	char *text = fixture_read_path(path, &len);
	free(path);
	if (!text)
		skip();
	int n = 0;
	bool saw_terminating = false;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		struct json_object *ev = json_tokener_parse(line);
		assert_non_null(ev);
		const char *type = jsonget_str(ev, "type");
		struct json_object *obj = jsonget_obj(ev, "object");
		char id[256], err[ERRLEN];
		if (!strcmp(type, "DELETED")) {
			kube_decode_row_id(KIND_PODS, obj, id, sizeof(id));
			assert_string_equal(id, "default/network-tool");
			rtable_delete(s, store_find_table(s, KIND_PODS), id);
		} else {
			assert_int_equal(kube_decode_object(s, KIND_PODS, obj, err, sizeof(err)), 0);
			struct row *r = rtable_find(store_find_table(s, KIND_PODS), "default/network-tool");
			if (r && !strcmp(row_text(r, POD_STATUS), "Terminating"))
				saw_terminating = true;
		}
		json_object_put(ev);
		n++;
	}
	free(text);
	assert_int_equal(n, 6);
	assert_true(saw_terminating);
	struct rtable *t = store_find_table(s, KIND_PODS);
	assert_int_equal(rtable_live_count(t), 1);
	assert_true(rtable_find(t, "default/network-tool")->gone_ms > 0);
	assert_string_equal(row_text(rtable_find(t, "default/network-tool1"), POD_STATUS), "Running");
}

/* ---- pod STATUS, case by case ---- */

struct status_case {
	const char *json;
	const char *status;
	int ready, total, restarts;
};

static void check_status(const struct status_case *c)
{
	struct json_object *pod = jq(c->json);
	char out[128];
	int ready = -1, total = -1, restarts = -1;
	int64_t last = -1;
	kube_pod_status(pod, out, sizeof(out), &ready, &total, &restarts, &last);
	if (strcmp(out, c->status))
		fail_msg("expected %s, got %s for %s", c->status, out, c->json);
	assert_int_equal(ready, c->ready);
	assert_int_equal(total, c->total);
	assert_int_equal(restarts, c->restarts);
	json_object_put(pod);
}

#define ONE "'spec':{'containers':[{'name':'a'}]}"
#define TWO "'spec':{'containers':[{'name':'a'},{'name':'b'}]}"
#define INIT2 "'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],'containers':[{'name':'a'}]}"
#define DELETING "'metadata':{'name':'p','deletionTimestamp':'2027-01-15T07:59:00Z'}"

static const struct status_case status_cases[] = {
	{"{" ONE ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':false,'restartCount':3,"
	 "'state':{'waiting':{'reason':'CrashLoopBackOff'}},'lastState':{'terminated':{'exitCode':1,"
	 "'reason':'Error','finishedAt':'2027-01-15T07:58:00Z'}}}]}}",
	 "CrashLoopBackOff", 0, 1, 3},
	{"{" ONE ",'status':{'phase':'Pending','containerStatuses':[{'name':'a','ready':false,'restartCount':0,"
	 "'state':{'waiting':{'reason':'ImagePullBackOff','message':'Back-off pulling image'}}}]}}",
	 "ImagePullBackOff", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Pending','containerStatuses':[{'name':'a','ready':false,"
	 "'state':{'waiting':{'reason':'ErrImagePull'}}}]}}",
	 "ErrImagePull", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Pending','containerStatuses':[{'name':'a','ready':false,"
	 "'state':{'waiting':{'reason':'ContainerCreating'}}}]}}",
	 "ContainerCreating", 0, 1, 0},
	/* not scheduled yet: no container statuses at all */
	{"{" ONE ",'status':{'phase':'Pending'}}", "Pending", 0, 1, 0},
	{"{" INIT2 ",'status':{'phase':'Pending','initContainerStatuses':["
	 "{'name':'i1','state':{'running':{}}},{'name':'i2','state':{'waiting':{'reason':'PodInitializing'}}}],"
	 "'containerStatuses':[{'name':'a','state':{'waiting':{'reason':'PodInitializing'}}}]}}",
	 "Init:0/2", 0, 1, 0},
	{"{" INIT2 ",'status':{'phase':'Pending','initContainerStatuses':["
	 "{'name':'i1','state':{'terminated':{'exitCode':0,'reason':'Completed'}}},{'name':'i2','state':{'running':{}}}]}}",
	 "Init:1/2", 0, 1, 0},
	{"{" INIT2 ",'status':{'phase':'Pending','initContainerStatuses':["
	 "{'name':'i1','restartCount':4,'state':{'waiting':{'reason':'CrashLoopBackOff'}}},{'name':'i2','state':{}}]}}",
	 "Init:CrashLoopBackOff", 0, 1, 4},
	{"{" INIT2 ",'status':{'phase':'Pending','initContainerStatuses':["
	 "{'name':'i1','state':{'terminated':{'exitCode':1,'reason':'Error'}}},{'name':'i2','state':{}}]}}",
	 "Init:Error", 0, 1, 0},
	{"{" INIT2 ",'status':{'phase':'Pending','initContainerStatuses':["
	 "{'name':'i1','state':{'terminated':{'exitCode':137,'signal':9}}},{'name':'i2','state':{}}]}}",
	 "Init:Signal:9", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Succeeded','containerStatuses':[{'name':'a','ready':false,"
	 "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}",
	 "Completed", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Failed','containerStatuses':[{'name':'a','ready':false,"
	 "'state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}}",
	 "Error", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':false,'restartCount':1,"
	 "'state':{'terminated':{'exitCode':137,'reason':'OOMKilled'}}}]}}",
	 "OOMKilled", 0, 1, 1},
	{"{" ONE ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':false,"
	 "'state':{'terminated':{'exitCode':137,'signal':9}}}]}}",
	 "Signal:9", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Failed','containerStatuses':[{'name':'a','ready':false,"
	 "'state':{'terminated':{'exitCode':2}}}]}}",
	 "ExitCode:2", 0, 1, 0},
	{"{" DELETING "," ONE ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':true,"
	 "'state':{'running':{}}}]}}",
	 "Terminating", 1, 1, 0},
	/* a finished pod being deleted keeps its final word */
	{"{" DELETING "," ONE ",'status':{'phase':'Succeeded','containerStatuses':[{'name':'a',"
	 "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}",
	 "Completed", 0, 1, 0},
	{"{" DELETING "," ONE ",'status':{'phase':'Running','reason':'NodeLost','containerStatuses':[{'name':'a',"
	 "'ready':true,'state':{'running':{}}}]}}",
	 "Unknown", 1, 1, 0},
	/* one container done, one running, readiness gate not passed */
	{"{" TWO ",'status':{'phase':'Running','conditions':[{'type':'Ready','status':'False'}],'containerStatuses':["
	 "{'name':'a','ready':false,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
	 "{'name':'b','ready':true,'state':{'running':{}}}]}}",
	 "NotReady", 1, 2, 0},
	{"{" TWO ",'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'}],'containerStatuses':["
	 "{'name':'a','ready':false,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
	 "{'name':'b','ready':true,'state':{'running':{}}}]}}",
	 "Running", 1, 2, 0},
	/* running but failing its readiness probe: kubectl still says Running, 0/1 */
	{"{" ONE ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':false,"
	 "'state':{'running':{}}}]}}",
	 "Running", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Failed','reason':'Evicted','message':'The node was low on resource: memory.'}}",
	 "Evicted", 0, 1, 0},
	{"{" ONE ",'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
	 "'reason':'SchedulingGated'}]}}",
	 "SchedulingGated", 0, 1, 0},
	/* a sidecar (restartable init container) counts in READY once started */
	{"{'spec':{'initContainers':[{'name':'s','restartPolicy':'Always'}],'containers':[{'name':'a'}]},"
	 "'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'}],"
	 "'initContainerStatuses':[{'name':'s','started':true,'ready':true,'restartCount':2,'state':{'running':{}}}],"
	 "'containerStatuses':[{'name':'a','ready':true,'restartCount':1,'state':{'running':{}}}]}}",
	 "Running", 2, 2, 3},
	/* nothing at all: no crash, an empty status */
	{"{}", "", 0, 0, 0},
};

static void test_pod_status_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]); i++)
		check_status(&status_cases[i]);
}

static void test_pod_status_null_outputs(void **state)
{
	(void)state;
	struct json_object *pod = jq("{" ONE ",'status':{'phase':'Running'}}");
	kube_pod_status(pod, NULL, 0, NULL, NULL, NULL, NULL);
	json_object_put(pod);
}

/* RESTARTS "3 (2m ago)": the count, and how long since the last one. */
static void test_restarts_text(void **state)
{
	struct store *s = *state;
	struct json_object *pod = jq("{'metadata':{'name':'web-1','namespace':'default'}," ONE
				     ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':true,"
				     "'restartCount':3,'state':{'running':{'startedAt':'2027-01-15T07:58:01Z'}},"
				     "'lastState':{'terminated':{'exitCode':1,'reason':'Error',"
				     "'finishedAt':'2027-01-15T07:58:00Z'}}}]}}");
	char err[ERRLEN];
	assert_int_equal(kube_decode_object(s, KIND_PODS, pod, err, sizeof(err)), 0);
	int64_t last = 0;
	int restarts = 0;
	kube_pod_status(pod, NULL, 0, NULL, NULL, &restarts, &last);
	json_object_put(pod);
	assert_int_equal(restarts, 3);
	assert_int_equal(last, NOW - 120);
	struct row *r = row_of(s, KIND_PODS, "default/web-1");
	assert_int_equal(r->cells[POD_RESTARTS].type, CELL_INT);
	assert_int_equal(r->cells[POD_RESTARTS].num, 3);
	assert_string_equal(row_text(r, POD_RESTARTS), "3 (2m ago)");

	/* restarted, but no termination record: just the count */
	pod = jq("{'metadata':{'name':'web-2','namespace':'default'}," ONE
		 ",'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':true,"
		 "'restartCount':2,'state':{'running':{}}}]}}");
	assert_int_equal(kube_decode_object(s, KIND_PODS, pod, err, sizeof(err)), 0);
	json_object_put(pod);
	r = row_of(s, KIND_PODS, "default/web-2");
	assert_int_equal(r->cells[POD_RESTARTS].num, 2);
	assert_null(r->cells[POD_RESTARTS].text);
}

/* ---- ids and errors ---- */

static void test_row_ids(void **state)
{
	struct store *s = *state;
	char id[64], err[ERRLEN] = "";
	struct json_object *o = jq("{'metadata':{'name':'web','namespace':'shop'}}");
	kube_decode_row_id(KIND_PODS, o, id, sizeof(id));
	assert_string_equal(id, "shop/web");
	kube_decode_row_id(KIND_DEPLOYMENTS, o, id, sizeof(id));
	assert_string_equal(id, "shop/web");
	kube_decode_row_id(KIND_EVENTS, o, id, sizeof(id));
	assert_string_equal(id, "shop/web");
	json_object_put(o);

	o = jq("{'metadata':{'name':'worker-1'}}");
	kube_decode_row_id(KIND_NODES, o, id, sizeof(id));
	assert_string_equal(id, "worker-1");
	json_object_put(o);
	/* namespaces are cluster-scoped, even if a namespace field appeared */
	o = jq("{'metadata':{'name':'shop','namespace':'x'}}");
	kube_decode_row_id(KIND_NAMESPACES, o, id, sizeof(id));
	assert_string_equal(id, "shop");
	json_object_put(o);

	o = jq("{'metadata':{'namespace':'shop'}}");
	kube_decode_row_id(KIND_PODS, o, id, sizeof(id));
	assert_string_equal(id, "");
	assert_int_equal(kube_decode_object(s, KIND_PODS, o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "metadata.name"));
	json_object_put(o);
	assert_int_equal(kube_decode_object(s, KIND_PODS, NULL, err, sizeof(err)), -1);

	o = jq("{'metadata':{'name':'x','namespace':'y'}}");
	err[0] = '\0';
	assert_int_equal(kube_decode_object(s, "cronjobs", o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cronjobs"));
	json_object_put(o);
	assert_null(store_find_table(s, KIND_PODS));
}

/* ---- containers of a pod ---- */

static void test_pod_containers(void **state)
{
	struct store *s = *state;
	struct json_object *pod = jq(
		"{'metadata':{'name':'web-0','namespace':'shop'},"
		"'spec':{'initContainers':[{'name':'migrate','image':'app:2'}],"
		"'containers':[{'name':'app','image':'app:2'},{'name':'proxy','image':'envoy:1'},{'name':'log','image':'fb:1'}]},"
		"'status':{'phase':'Running','initContainerStatuses':[{'name':'migrate','ready':false,'restartCount':0,"
		"'state':{'terminated':{'exitCode':0,'reason':'Completed','startedAt':'2027-01-15T07:00:00Z'}}}],"
		"'containerStatuses':[{'name':'app','ready':true,'restartCount':1,'containerID':'containerd://0123456789abcdef',"
		"'imageID':'docker-pullable://reg.example:5000/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',"
		"'state':{'running':{'startedAt':'2027-01-15T07:01:00Z'}}},"
		"{'name':'proxy','ready':false,'restartCount':5,'state':{'waiting':{'reason':'CrashLoopBackOff'}}},"
		"{'name':'log','ready':false,'restartCount':0,'state':{'terminated':{'exitCode':2}}}]}}");
	kube_decode_pod_containers(s, pod);
	json_object_put(pod);
	struct rtable *t = store_find_table(s, KIND_CONTAINERS);
	assert_int_equal(rtable_live_count(t), 4);

	struct row *r = row_of(s, KIND_CONTAINERS, "shop/web-0/migrate");
	assert_string_equal(row_text(r, CTR_STATE), "terminated");
	assert_string_equal(row_text(r, CTR_STATUS), "Completed");
	assert_int_equal(r->cells[CTR_CREATED].num, NOW - 3600);
	r = row_of(s, KIND_CONTAINERS, "shop/web-0/app");
	assert_string_equal(row_text(r, CTR_POD), "shop/web-0");
	assert_string_equal(row_text(r, CTR_STATE), "running");
	assert_string_equal(row_text(r, CTR_STATUS), "Running");
	assert_string_equal(row_text(r, CTR_READY), "true");
	assert_int_equal(r->cells[CTR_RESTARTS].num, 1);
	assert_string_equal(row_text(r, CTR_ID), "0123456789ab");
	assert_string_equal(row_text(r, CTR_DIGEST), "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(r->cells[CTR_CREATED].num, NOW - 3540);
	r = row_of(s, KIND_CONTAINERS, "shop/web-0/proxy");
	assert_string_equal(row_text(r, CTR_STATE), "waiting");
	assert_string_equal(row_text(r, CTR_STATUS), "CrashLoopBackOff");
	assert_string_equal(row_text(r, CTR_READY), "false");
	assert_int_equal(r->cells[CTR_RESTARTS].num, 5);
	assert_int_equal(r->cells[CTR_CREATED].type, CELL_NONE);
	assert_string_equal(row_text(r, CTR_IMAGE), "envoy:1");
	assert_int_equal(r->cells[CTR_DIGEST].type, CELL_NONE); /* not pulled yet: no imageID */
	r = row_of(s, KIND_CONTAINERS, "shop/web-0/log");
	assert_string_equal(row_text(r, CTR_STATUS), "ExitCode:2");

	/* the pod is recreated with a new template: proxy and log are gone */
	pod = jq("{'metadata':{'name':'web-0','namespace':'shop'},"
		 "'spec':{'containers':[{'name':'app','image':'app:3'}]},'status':{'phase':'Pending'}}");
	kube_decode_pod_containers(s, pod);
	json_object_put(pod);
	assert_int_equal(rtable_live_count(t), 1);
	assert_true(rtable_find(t, "shop/web-0/proxy")->gone_ms > 0);
	assert_true(rtable_find(t, "shop/web-0/log")->gone_ms > 0);
	assert_true(rtable_find(t, "shop/web-0/migrate")->gone_ms > 0);
	r = row_of(s, KIND_CONTAINERS, "shop/web-0/app");
	assert_int_equal(r->gone_ms, 0);
	assert_string_equal(row_text(r, CTR_IMAGE), "app:3");
	assert_string_equal(row_text(r, CTR_STATE), "waiting");
	assert_string_equal(row_text(r, CTR_STATUS), "Pending");
	assert_int_equal(r->cells[CTR_READY].type, CELL_NONE);

	/* a pod of another namespace with the same name is its own */
	pod = jq("{'metadata':{'name':'web-0','namespace':'dev'},'spec':{'containers':[{'name':'app'}]}}");
	kube_decode_pod_containers(s, pod);
	json_object_put(pod);
	assert_int_equal(rtable_live_count(t), 2);

	/* DELETED: its containers go with it */
	kube_decode_forget_pod(s, "shop/web-0");
	assert_true(rtable_find(t, "shop/web-0/app")->gone_ms > 0);
	assert_int_equal(rtable_find(t, "dev/web-0/app")->gone_ms, 0);
	kube_decode_forget_pod(s, "nowhere/none"); /* unknown: nothing happens */

	/* a relist that swept dev/web-0 from the pods table */
	char err[ERRLEN];
	pod = jq("{'metadata':{'name':'other','namespace':'dev'},'spec':{'containers':[{'name':'c'}]}}");
	assert_int_equal(kube_decode_object(s, KIND_PODS, pod, err, sizeof(err)), 0);
	kube_decode_pod_containers(s, pod);
	json_object_put(pod);
	kube_decode_prune_containers(s);
	assert_true(rtable_find(t, "dev/web-0/app")->gone_ms > 0);
	assert_int_equal(rtable_find(t, "dev/other/c")->gone_ms, 0);
	assert_int_equal(rtable_live_count(t), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_podlist_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pod_single_and_containers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deploymentlist_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodelist_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_single_minikube, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_stream_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pod_status_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pod_status_null_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restarts_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pod_containers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
