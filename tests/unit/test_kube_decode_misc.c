/* test_kube_decode_misc.c: the Kubernetes decoders beyond pods, on
 * hand-made objects: resource quantities, metrics.k8s.io lists, pods per
 * node, events, services, namespaces, node status and roles, and the
 * workload kinds whose status counters the API omits when zero. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/kube/kinds.h"
#include "backends/kube/decode.h"
#include "tests/unit/kube_fixtures.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#define GiB (1024LL * 1024 * 1024)
#define MiB (1024LL * 1024)

static void put(struct store *s, const char *kind, const char *json)
{
	struct jnode *o = jq(json);
	char err[ERRLEN] = "";
	if (kube_decode_object(s, kind, o, err, sizeof(err)))
		fail_msg("decode %s: %s", kind, err);
	jdoc_free(o);
}

/* ---- quantities ---- */

static void test_quantities(void **state)
{
	(void)state;
	static const struct {
		const char *q;
		int64_t milli, bytes;
	} cases[] = {
		{"250m", 250, 1},
		{"1", 1000, 1},
		{"0.5", 500, 1},
		{"0.1", 100, 1},
		{"3.5", 3500, 4},
		{"2500000n", 3, 1}, /* 2.5 millicores round up, as MilliValue does */
		{"2000000n", 2, 1},
		{"1500u", 2, 1},
		{"0", 0, 0},
		{"123Mi", 123 * MiB * 1000, 123 * MiB},
		{"1Gi", GiB * 1000, GiB},
		{"1.5Gi", 1536 * MiB * 1000, 1536 * MiB},
		{"8039820Ki", 8039820LL * 1024 * 1000, 8039820LL * 1024},
		{"1048576", 1048576000, 1048576},
		{"1e3", 1000000, 1000},
		{"1E3", 1000000, 1000},
		{"12e-1", 1200, 2},
		{"1k", 1000000, 1000},
		{"2M", 2000000000, 2000000},
		{"1G", 1000000000000, 1000000000},
		{"1E", INT64_MAX, 1000000000000000000},
		{"8Ei", INT64_MAX, INT64_MAX},
		{"+2", 2000, 2},
		{".5", 500, 1},
		{"5.", 5000, 5},
		{"100000000000000000000000", INT64_MAX, INT64_MAX},
		{"0.1234567890123456789012Ki", 126420, 127},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t m = kube_quantity_cpu_milli(cases[i].q), b = kube_quantity_bytes(cases[i].q);
		if (m != cases[i].milli || b != cases[i].bytes)
			fail_msg("%s: milli %lld (want %lld), bytes %lld (want %lld)", cases[i].q, (long long)m,
				 (long long)cases[i].milli, (long long)b, (long long)cases[i].bytes);
	}
	static const char *const bad[] = {"", "m", "-1", "-250m", "1.2.3", "12x", "1Ki2", "1e", "1e+", "Mi",
					  "1 Gi", "0x10", "1ki", NULL};
	for (size_t i = 0; bad[i]; i++) {
		if (kube_quantity_cpu_milli(bad[i]) != -1 || kube_quantity_bytes(bad[i]) != -1)
			fail_msg("%s should be rejected", bad[i]);
	}
	assert_int_equal(kube_quantity_bytes(NULL), -1);
}

/* ---- metrics ---- */

static void two_pods(struct store *s)
{
	put(s, KIND_PODS, "{'metadata':{'name':'web','namespace':'shop'},'spec':{'containers':[{'name':'app'},"
			  "{'name':'proxy'}]}}");
	put(s, KIND_PODS, "{'metadata':{'name':'db','namespace':'shop'},'spec':{'containers':[{'name':'pg'}]}}");
}

static void test_pod_metrics(void **state)
{
	struct store *s = *state;
	two_pods(s);
	struct jnode *pod = jq("{'metadata':{'name':'web','namespace':'shop'},'spec':{'containers':[{'name':'app'},"
				     "{'name':'proxy'}]}}");
	kube_decode_pod_containers(s, pod);
	jdoc_free(pod);
	/* db had figures from an earlier round */
	struct rtable *pods = store_find_table(s, KIND_PODS);
	struct row *db = row_of(s, KIND_PODS, "shop/db");
	row_set_num(s, pods, db, POD_CPU, CELL_PERMILLE, 10, "10m");
	row_set_num(s, pods, db, POD_MEM, CELL_BYTES, MiB, NULL);

	struct jnode *list = jq(
		"{'kind':'PodMetricsList','apiVersion':'metrics.k8s.io/v1beta1','metadata':{},'items':["
		"{'metadata':{'name':'web','namespace':'shop'},'timestamp':'2027-01-15T07:59:50Z','window':'10s',"
		"'containers':[{'name':'app','usage':{'cpu':'250m','memory':'100Mi'}},"
		"{'name':'proxy','usage':{'cpu':'2500000n','memory':'1024Ki'}}]},"
		"{'metadata':{'name':'gone','namespace':'shop'},'containers':[{'name':'x','usage':{'cpu':'1','memory':'1Gi'}}]}]}");
	assert_int_equal(kube_decode_pod_metrics(s, list), 1);
	jdoc_free(list);

	struct row *web = row_of(s, KIND_PODS, "shop/web");
	assert_int_equal(web->cells[POD_CPU].type, CELL_PERMILLE);
	assert_int_equal(web->cells[POD_CPU].num, 253);
	assert_string_equal(row_text(web, POD_CPU), "253m");
	assert_int_equal(web->cells[POD_MEM].type, CELL_BYTES);
	assert_int_equal(web->cells[POD_MEM].num, 101 * MiB);
	/* the containers' own figures, in the containers view's units */
	struct row *app = row_of(s, KIND_CONTAINERS, "shop/web/app");
	assert_int_equal(app->cells[CTR_CPU].type, CELL_PERMILLE);
	assert_int_equal(app->cells[CTR_CPU].num, 250);
	assert_int_equal(app->cells[CTR_MEM].num, 100 * MiB);
	assert_int_equal(row_of(s, KIND_CONTAINERS, "shop/web/proxy")->cells[CTR_CPU].num, 3);
	/* db was left out: its figures are stale, so they go; no row for "gone" */
	assert_int_equal(db->cells[POD_CPU].type, CELL_NONE);
	assert_int_equal(db->cells[POD_MEM].type, CELL_NONE);
	assert_null(rtable_find(pods, "shop/gone"));

	/* metrics lag behind a container that stopped: it keeps no last figure */
	pod = jq("{'metadata':{'name':'web','namespace':'shop'},'spec':{'containers':[{'name':'app'},{'name':'proxy'}]},"
		 "'status':{'containerStatuses':[{'name':'app','state':{'running':{}}},"
		 "{'name':'proxy','state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}}");
	kube_decode_pod_containers(s, pod);
	jdoc_free(pod);
	assert_int_equal(row_of(s, KIND_CONTAINERS, "shop/web/proxy")->cells[CTR_CPU].type, CELL_NONE);
	list = jq("{'kind':'PodMetricsList','items':[{'metadata':{'name':'web','namespace':'shop'},"
		  "'containers':[{'name':'app','usage':{'cpu':'250m','memory':'100Mi'}},"
		  "{'name':'proxy','usage':{'cpu':'100m','memory':'1024Ki'}}]}]}");
	kube_decode_pod_metrics(s, list);
	jdoc_free(list);
	assert_int_equal(row_of(s, KIND_CONTAINERS, "shop/web/proxy")->cells[CTR_CPU].type, CELL_NONE);
	assert_int_equal(row_of(s, KIND_CONTAINERS, "shop/web/app")->cells[CTR_CPU].num, 250);

	/* an empty list clears everything; a non-list is refused */
	list = jq("{'kind':'PodMetricsList','items':[]}");
	assert_int_equal(kube_decode_pod_metrics(s, list), 0);
	jdoc_free(list);
	assert_int_equal(web->cells[POD_CPU].type, CELL_NONE);
	assert_int_equal(app->cells[CTR_CPU].type, CELL_NONE);
	list = jq("{'kind':'Status','code':404}");
	assert_int_equal(kube_decode_pod_metrics(s, list), -1);
	assert_int_equal(kube_decode_pod_metrics(s, NULL), -1);
	jdoc_free(list);
}

static void test_node_metrics(void **state)
{
	struct store *s = *state;
	put(s, KIND_NODES, "{'metadata':{'name':'n1'},'status':{'allocatable':{'cpu':'4','memory':'8Gi'}}}");
	put(s, KIND_NODES, "{'metadata':{'name':'n2'},'status':{}}");
	put(s, KIND_NODES, "{'metadata':{'name':'n3'},'status':{'allocatable':{'cpu':'2','memory':'4Gi'}}}");
	struct rtable *nodes = store_find_table(s, KIND_NODES);
	struct row *n3 = row_of(s, KIND_NODES, "n3");
	row_set_num(s, nodes, n3, NODE_CPU_USAGE, CELL_PERMILLE, 5, "5m (0%)");

	struct jnode *list = jq(
		"{'kind':'NodeMetricsList','items':["
		"{'metadata':{'name':'n1'},'timestamp':'2027-01-15T07:59:50Z','window':'20s',"
		"'usage':{'cpu':'500m','memory':'2Gi'}},"
		"{'metadata':{'name':'n2'},'usage':{'cpu':'1234567n','memory':'1536Mi'}},"
		"{'metadata':{'name':'unknown'},'usage':{'cpu':'1','memory':'1Gi'}}]}");
	assert_int_equal(kube_decode_node_metrics(s, list), 2);
	jdoc_free(list);

	struct row *n1 = row_of(s, KIND_NODES, "n1");
	assert_int_equal(n1->cells[NODE_CPU_USAGE].type, CELL_PERMILLE);
	assert_int_equal(n1->cells[NODE_CPU_USAGE].num, 500);
	assert_string_equal(row_text(n1, NODE_CPU_USAGE), "500m (12%)");
	assert_int_equal(n1->cells[NODE_MEM_USAGE].type, CELL_BYTES);
	assert_int_equal(n1->cells[NODE_MEM_USAGE].num, 2 * GiB);
	assert_string_equal(row_text(n1, NODE_MEM_USAGE), "2.0GiB (25%)");
	/* allocatable unknown: the figure alone */
	struct row *n2 = row_of(s, KIND_NODES, "n2");
	assert_string_equal(row_text(n2, NODE_CPU_USAGE), "2m");
	assert_string_equal(row_text(n2, NODE_MEM_USAGE), "1.5GiB");
	/* left out of the list: cleared */
	assert_int_equal(n3->cells[NODE_CPU_USAGE].type, CELL_NONE);

	list = jq("[]");
	assert_int_equal(kube_decode_node_metrics(s, list), -1);
	jdoc_free(list);
}

/* ---- pods per node ---- */

static void test_refresh_node_pods(void **state)
{
	struct store *s = *state;
	put(s, KIND_NODES, "{'metadata':{'name':'n1'}}");
	put(s, KIND_NODES, "{'metadata':{'name':'n2'}}");
	put(s, KIND_NODES, "{'metadata':{'name':'n3'}}");
	/* an engine row in the same table keeps the count its backend gave it */
	struct rtable *nodes = store_find_table(s, KIND_NODES);
	struct row *eng = rtable_upsert(s, nodes, "engine-1");
	row_set_text(s, nodes, eng, NODE_NAME, "n1");
	row_set_text(s, nodes, eng, NODE_ROLES, "engine");
	row_set_num(s, nodes, eng, NODE_WORKLOADS, CELL_INT, 7, "7/9");

	struct rtable *pods = store_table(s, KIND_PODS, POD_NCELLS);
	rtable_relist_begin(pods);
	put(s, KIND_PODS, "{'metadata':{'name':'a','namespace':'x'},'spec':{'nodeName':'n1'},'status':{'phase':'Running'}}");
	put(s, KIND_PODS, "{'metadata':{'name':'b','namespace':'x'},'spec':{'nodeName':'n1'},'status':{'phase':'Running'}}");
	put(s, KIND_PODS, "{'metadata':{'name':'c','namespace':'x'},'spec':{'nodeName':'n1'},'status':{'phase':'Pending'}}");
	put(s, KIND_PODS, "{'metadata':{'name':'d','namespace':'y'},'spec':{'nodeName':'n2'},'status':{'phase':'Succeeded'}}");
	put(s, KIND_PODS, "{'metadata':{'name':'e','namespace':'y'},'spec':{},'status':{'phase':'Pending'}}");
	put(s, KIND_PODS, "{'metadata':{'name':'f','namespace':'y'},'spec':{'nodeName':'elsewhere'}}");

	/* the pods list is not complete yet: no count rather than a wrong one */
	kube_decode_refresh_node_pods(s);
	struct row *n1 = row_of(s, KIND_NODES, "n1"), *n2 = row_of(s, KIND_NODES, "n2"), *n3 = row_of(s, KIND_NODES, "n3");
	assert_int_equal(n1->cells[NODE_WORKLOADS].type, CELL_NONE);

	rtable_relist_end(s, pods);
	kube_decode_refresh_node_pods(s);
	assert_int_equal(n1->cells[NODE_WORKLOADS].type, CELL_INT);
	assert_int_equal(n1->cells[NODE_WORKLOADS].num, 2);
	assert_string_equal(row_text(n1, NODE_WORKLOADS), "2/3");
	assert_string_equal(row_text(n2, NODE_WORKLOADS), "0/1");
	assert_string_equal(row_text(n3, NODE_WORKLOADS), "0/0");
	assert_string_equal(row_text(eng, NODE_WORKLOADS), "7/9");

	/* a pod deleted and one moving to running */
	rtable_delete(s, pods, "x/a");
	put(s, KIND_PODS, "{'metadata':{'name':'c','namespace':'x'},'spec':{'nodeName':'n1'},'status':{'phase':'Running'}}");
	kube_decode_refresh_node_pods(s);
	assert_string_equal(row_text(n1, NODE_WORKLOADS), "2/2");

	/* no nodes table: nothing to do, no crash */
	struct store *empty = store_new();
	kube_decode_refresh_node_pods(empty);
	store_free(empty);
}

/* ---- events ---- */

static void test_events(void **state)
{
	struct store *s = *state;
	put(s, KIND_EVENTS,
	    "{'metadata':{'name':'web-1.17a','namespace':'shop','creationTimestamp':'2027-01-15T07:00:00Z'},"
	    "'involvedObject':{'kind':'Pod','namespace':'shop','name':'web-1','fieldPath':'spec.containers{app}'},"
	    "'reason':'BackOff','message':'  Back-off restarting failed container app\\n','type':'Warning',"
	    "'firstTimestamp':'2027-01-15T07:00:00Z','lastTimestamp':'2027-01-15T07:58:00Z','count':5}");
	struct row *r = row_of(s, KIND_EVENTS, "shop/web-1.17a");
	assert_string_equal(row_text(r, EV_NAME), "web-1.17a");
	assert_string_equal(row_text(r, EV_NAMESPACE), "shop");
	assert_int_equal(r->cells[EV_LAST].type, CELL_TIME);
	assert_int_equal(r->cells[EV_LAST].num, NOW - 120);
	assert_string_equal(row_text(r, EV_TYPE), "Warning");
	assert_string_equal(row_text(r, EV_REASON), "BackOff");
	assert_string_equal(row_text(r, EV_OBJECT), "pod/web-1");
	assert_string_equal(row_text(r, EV_MESSAGE), "Back-off restarting failed container app");
	assert_int_equal(r->cells[EV_COUNT].type, CELL_INT);
	assert_int_equal(r->cells[EV_COUNT].num, 5);
	assert_string_equal(row_text(r, EV_INVOLVED), "Pod/shop/web-1");

	/* new-API series: lastTimestamp unset, the series says when and how often */
	put(s, KIND_EVENTS,
	    "{'metadata':{'name':'s1','namespace':'shop','creationTimestamp':'2027-01-15T06:00:00Z'},"
	    "'involvedObject':{'kind':'Deployment','namespace':'shop','name':'web'},'reason':'ScalingReplicaSet',"
	    "'message':'Scaled up','type':'Normal','eventTime':'2027-01-15T06:00:00.123456Z','lastTimestamp':null,"
	    "'series':{'count':4,'lastObservedTime':'2027-01-15T07:00:00.000001Z'}}");
	r = row_of(s, KIND_EVENTS, "shop/s1");
	assert_int_equal(r->cells[EV_LAST].num, NOW - 3600);
	assert_int_equal(r->cells[EV_COUNT].num, 4);
	assert_string_equal(row_text(r, EV_OBJECT), "deployment/web");

	/* a singleton of the new API: eventTime, count 1 */
	put(s, KIND_EVENTS,
	    "{'metadata':{'name':'s2','namespace':'default'},'involvedObject':{'kind':'Node','name':'n1'},"
	    "'reason':'RegisteredNode','type':'Normal','eventTime':'2027-01-15T07:58:00.000000Z'}");
	r = row_of(s, KIND_EVENTS, "default/s2");
	assert_int_equal(r->cells[EV_LAST].num, NOW - 120);
	assert_int_equal(r->cells[EV_COUNT].num, 1);
	assert_string_equal(row_text(r, EV_OBJECT), "node/n1");
	assert_string_equal(row_text(r, EV_INVOLVED), "Node//n1");
	assert_string_equal(row_text(r, EV_MESSAGE), "");

	/* no time but creation; an involved object without a name */
	put(s, KIND_EVENTS,
	    "{'metadata':{'name':'s3','namespace':'default','creationTimestamp':'2027-01-12T08:00:00Z'},"
	    "'involvedObject':{'kind':'ClusterThing'},'type':'Normal','count':0}");
	r = row_of(s, KIND_EVENTS, "default/s3");
	assert_int_equal(r->cells[EV_LAST].num, NOW - 3 * 86400);
	assert_string_equal(row_text(r, EV_OBJECT), "clusterthing");
	assert_int_equal(r->cells[EV_INVOLVED].type, CELL_NONE);
	assert_int_equal(r->cells[EV_COUNT].num, 1);
}

/* ---- services ---- */

static void test_services(void **state)
{
	struct store *s = *state;
	put(s, KIND_SERVICES,
	    "{'metadata':{'name':'web','namespace':'shop','creationTimestamp':'2027-01-15T07:00:00Z'},"
	    "'spec':{'type':'ClusterIP','clusterIP':'10.96.0.10','clusterIPs':['10.96.0.10','fd00::a'],"
	    "'ports':[{'name':'http','port':80,'protocol':'TCP','targetPort':8080},{'port':53,'protocol':'UDP'}],"
	    "'selector':{'tier':'front','app':'web'}}}");
	struct row *r = row_of(s, KIND_SERVICES, "shop/web");
	assert_string_equal(row_text(r, SVC_NAME), "web");
	assert_string_equal(row_text(r, SVC_TYPE), "ClusterIP");
	assert_string_equal(row_text(r, SVC_CLUSTER_IP), "10.96.0.10");
	assert_string_equal(row_text(r, SVC_EXTERNAL_IP), "<none>");
	assert_string_equal(row_text(r, SVC_PORTS), "80/TCP,53/UDP");
	assert_string_equal(row_text(r, SVC_SELECTOR), "app=web,tier=front");
	assert_int_equal(r->cells[SVC_AGE].num, NOW - 3600);

	put(s, KIND_SERVICES,
	    "{'metadata':{'name':'np','namespace':'shop'},'spec':{'type':'NodePort','clusterIPs':['10.96.1.1'],"
	    "'externalIPs':['192.0.2.7'],'ports':[{'port':80,'nodePort':30080},{'port':443,'protocol':'TCP',"
	    "'nodePort':30443}]}}");
	r = row_of(s, KIND_SERVICES, "shop/np");
	assert_string_equal(row_text(r, SVC_PORTS), "80:30080/TCP,443:30443/TCP");
	assert_string_equal(row_text(r, SVC_EXTERNAL_IP), "192.0.2.7");
	assert_int_equal(r->cells[SVC_SELECTOR].type, CELL_NONE);

	put(s, KIND_SERVICES,
	    "{'metadata':{'name':'lb','namespace':'shop'},'spec':{'type':'LoadBalancer','clusterIPs':['10.96.2.2'],"
	    "'ports':[{'port':443,'protocol':'TCP','nodePort':31443}]},'status':{'loadBalancer':{}}}");
	assert_string_equal(row_text(row_of(s, KIND_SERVICES, "shop/lb"), SVC_EXTERNAL_IP), "<pending>");
	put(s, KIND_SERVICES,
	    "{'metadata':{'name':'lb','namespace':'shop'},'spec':{'type':'LoadBalancer','clusterIPs':['10.96.2.2'],"
	    "'externalIPs':['198.51.100.1']},'status':{'loadBalancer':{'ingress':[{'ip':'203.0.113.9'},"
	    "{'hostname':'a.example.com'},{'ip':'203.0.113.9'}]}}}");
	r = row_of(s, KIND_SERVICES, "shop/lb");
	assert_string_equal(row_text(r, SVC_EXTERNAL_IP), "203.0.113.9,a.example.com,198.51.100.1");
	assert_string_equal(row_text(r, SVC_PORTS), "<none>");

	put(s, KIND_SERVICES,
	    "{'metadata':{'name':'ext','namespace':'shop'},'spec':{'type':'ExternalName','externalName':'db.example.com'}}");
	r = row_of(s, KIND_SERVICES, "shop/ext");
	assert_string_equal(row_text(r, SVC_EXTERNAL_IP), "db.example.com");
	assert_string_equal(row_text(r, SVC_CLUSTER_IP), "<none>");
	put(s, KIND_SERVICES, "{'metadata':{'name':'hl','namespace':'shop'},'spec':{'clusterIP':'None'}}");
	r = row_of(s, KIND_SERVICES, "shop/hl");
	assert_string_equal(row_text(r, SVC_CLUSTER_IP), "None");
	assert_string_equal(row_text(r, SVC_TYPE), "ClusterIP");
}

/* ---- namespaces and nodes ---- */

static void test_namespaces(void **state)
{
	struct store *s = *state;
	put(s, KIND_NAMESPACES,
	    "{'metadata':{'name':'shop','creationTimestamp':'2027-01-12T08:00:00Z','labels':"
	    "{'kubernetes.io/metadata.name':'shop','team':'a'}},'status':{'phase':'Active'}}");
	struct row *r = row_of(s, KIND_NAMESPACES, "shop");
	assert_string_equal(row_text(r, NS_NAME), "shop");
	assert_string_equal(row_text(r, NS_STATUS), "Active");
	assert_int_equal(r->cells[NS_AGE].num, NOW - 3 * 86400);
	assert_string_equal(row_text(r, NS_LABELS), "kubernetes.io/metadata.name=shop,team=a");
	put(s, KIND_NAMESPACES, "{'metadata':{'name':'shop'},'status':{'phase':'Terminating'}}");
	assert_string_equal(row_text(r, NS_STATUS), "Terminating");
	assert_int_equal(r->cells[NS_LABELS].type, CELL_NONE);
}

static void test_node_status_and_roles(void **state)
{
	(void)state;
	static const struct {
		const char *json, *status, *roles;
	} cases[] = {
		{"{'status':{'conditions':[{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}]}}",
		 "Ready", "<none>"},
		{"{'status':{'conditions':[{'type':'Ready','status':'False'}]}}", "NotReady", "<none>"},
		{"{'status':{'conditions':[{'type':'Ready','status':'Unknown'}]},'spec':{'unschedulable':true}}",
		 "NotReady,SchedulingDisabled", "<none>"},
		{"{'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
		 "Ready,SchedulingDisabled", "<none>"},
		{"{'status':{}}", "Unknown", "<none>"},
		{"{'metadata':{'labels':{'node-role.kubernetes.io/master':'','node-role.kubernetes.io/control-plane':'',"
		 "'kubernetes.io/hostname':'cp'}}}",
		 "Unknown", "control-plane,master"},
		{"{'metadata':{'labels':{'kubernetes.io/role':'worker','node-role.kubernetes.io/worker':'true',"
		 "'node-role.kubernetes.io/':'x','kubernetes.io/role-x':'y'}}}",
		 "Unknown", "worker"},
		{"{'metadata':{'labels':{'kubernetes.io/role':''}}}", "Unknown", "<none>"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct jnode *n = jq(cases[i].json);
		char status[64], roles[64];
		kube_node_status(n, status, sizeof(status));
		kube_node_roles(n, roles, sizeof(roles));
		jdoc_free(n);
		if (strcmp(status, cases[i].status) || strcmp(roles, cases[i].roles))
			fail_msg("case %zu: %s / %s", i, status, roles);
	}
}

static void test_node_cpus_text(void **state)
{
	struct store *s = *state;
	put(s, KIND_NODES, "{'metadata':{'name':'a'},'status':{'allocatable':{'cpu':'3500m','memory':'16Gi'}}}");
	put(s, KIND_NODES, "{'metadata':{'name':'b'},'status':{'allocatable':{'cpu':'250m'}}}");
	put(s, KIND_NODES, "{'metadata':{'name':'c'},'status':{'allocatable':{'cpu':'1930m','memory':'bogus'}}}");
	assert_string_equal(row_text(row_of(s, KIND_NODES, "a"), NODE_CPUS), "3.5");
	assert_int_equal(row_of(s, KIND_NODES, "a")->cells[NODE_CPUS].num, 3500);
	assert_int_equal(row_of(s, KIND_NODES, "a")->cells[NODE_MEM].num, 16 * GiB);
	assert_string_equal(row_text(row_of(s, KIND_NODES, "b"), NODE_CPUS), "0.25");
	assert_string_equal(row_text(row_of(s, KIND_NODES, "c"), NODE_CPUS), "1.93");
	assert_int_equal(row_of(s, KIND_NODES, "c")->cells[NODE_MEM].type, CELL_NONE);
	assert_int_equal(row_of(s, KIND_NODES, "b")->cells[NODE_MEM].type, CELL_NONE);
}

/* ---- the other workload kinds ---- */

static void test_workload_kinds(void **state)
{
	struct store *s = *state;
	/* a statefulset scaling up: zero counters are omitted by the API */
	put(s, KIND_STATEFULSETS,
	    "{'metadata':{'name':'db','namespace':'shop','creationTimestamp':'2027-01-15T07:00:00Z'},"
	    "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'db'}},'template':{'spec':{'containers':["
	    "{'name':'pg','image':'postgres:16'},{'name':'exporter','image':'pg-exporter:1'}]}}},"
	    "'status':{'replicas':1,'currentReplicas':1}}");
	struct row *r = row_of(s, KIND_STATEFULSETS, "shop/db");
	assert_string_equal(row_text(r, WL_READY), "0/3");
	assert_int_equal(r->cells[WL_READY].num, 0);
	assert_int_equal(r->cells[WL_DESIRED].num, 3);
	assert_int_equal(r->cells[WL_CURRENT].num, 1);
	assert_int_equal(r->cells[WL_AVAILABLE].num, 0);
	assert_string_equal(row_text(r, WL_SELECTOR), "app=db");
	assert_string_equal(row_text(r, WL_IMAGES), "postgres:16,pg-exporter:1");
	assert_string_equal(row_text(r, WL_CONTAINERS), "pg,exporter");

	put(s, KIND_DAEMONSETS,
	    "{'metadata':{'name':'kindnet','namespace':'kube-system'},'spec':{'selector':{'matchLabels':"
	    "{'app':'kindnet'}},'template':{'spec':{'containers':[{'name':'kindnet-cni','image':'kindnetd:v1'}]}}},"
	    "'status':{'desiredNumberScheduled':3,'currentNumberScheduled':3,'numberReady':2,"
	    "'updatedNumberScheduled':3,'numberAvailable':2,'numberMisscheduled':0}}");
	r = row_of(s, KIND_DAEMONSETS, "kube-system/kindnet");
	assert_int_equal(r->cells[WL_DESIRED].num, 3);
	assert_int_equal(r->cells[WL_CURRENT].num, 3);
	assert_int_equal(r->cells[WL_READY].num, 2);
	assert_null(r->cells[WL_READY].text); /* kubectl prints a plain number for daemonsets */
	assert_string_equal(row_text(r, WL_READY), "");
	assert_int_equal(r->cells[WL_UPTODATE].num, 3);
	assert_int_equal(r->cells[WL_AVAILABLE].num, 2);
	assert_string_equal(row_text(r, WL_SELECTOR), "app=kindnet");

	/* an old revision scaled to zero, and spec.replicas defaulting to 1 */
	put(s, KIND_REPLICASETS,
	    "{'metadata':{'name':'web-5f7','namespace':'shop'},'spec':{'replicas':0,'selector':{'matchLabels':"
	    "{'app':'web','pod-template-hash':'5f7'}}},'status':{'replicas':0}}");
	r = row_of(s, KIND_REPLICASETS, "shop/web-5f7");
	assert_int_equal(r->cells[WL_DESIRED].num, 0);
	assert_int_equal(r->cells[WL_UPTODATE].type, CELL_NONE);
	assert_string_equal(row_text(r, WL_SELECTOR), "app=web,pod-template-hash=5f7");
	put(s, KIND_DEPLOYMENTS, "{'metadata':{'name':'bare','namespace':'shop'},'spec':{'selector':"
				 "{'matchExpressions':[{'key':'app','operator':'Exists'}]}}}");
	r = row_of(s, KIND_DEPLOYMENTS, "shop/bare");
	assert_string_equal(row_text(r, WL_READY), "0/1");
	assert_int_equal(r->cells[WL_SELECTOR].type, CELL_NONE);
	assert_int_equal(r->cells[WL_IMAGES].type, CELL_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quantities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pod_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_node_pods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_status_and_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_cpus_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_kinds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
