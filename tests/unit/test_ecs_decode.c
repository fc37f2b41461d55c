/* test_ecs_decode.c: the ECS decoders on AWS's own examples (the AWS CLI's
 * describe-* outputs and botocore's examples in ../shared/reference/ecs):
 * ARNs of both formats, clusters, services with deployments and events
 * (and the events that fell off), tasks of both launch types with their
 * containers (image digest, exit code, reason, exec agent), stopped tasks
 * with stop code and reason, container instances as nodes, task
 * definitions with where their logs go; failures[] answers and the
 * JSON 1.1 error shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/codec/jsonget.h"
#include "backends/ecs/decode.h"
#include "backends/ecs/kinds.h"
#include "tests/unit/fixtures.h"

static char *ecs_ref(const char *name, size_t *len)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path = dir && *dir ? xasprintf("%s/ecs/%s", dir, name)
				 : xasprintf("%s/../shared/reference/ecs/%s", fixture_top_srcdir(), name);
	char *text = fixture_read_path(path, len);
	free(path);
	return text;
}

/* The JSON of the n-th "Output::" block of an AWS CLI example page. */
static json_object *cli_example(const char *page, int n)
{
	size_t len;
	char *name = xasprintf("awscli_examples/%s", page);
	char *text = ecs_ref(name, &len);
	free(name);
	if (!text)
		return NULL;
	char *p = text;
	for (int i = 0; i <= n && p; i++) {
		p = strstr(p, "Output::");
		if (p && i < n)
			p += 8;
	}
	json_object *o = NULL;
	if (p) {
		p = strchr(p, '{');
		json_tokener *tok = json_tokener_new();
		o = json_tokener_parse_ex(tok, p, (int)strlen(p));
		json_tokener_free(tok);
	}
	free(text);
	return o;
}

#define NEED(o)            \
	do {               \
		if (!(o))  \
			skip(); \
	} while (0)

static struct row *row(struct store *s, const char *kind, const char *id)
{
	struct rtable *t = store_find_table(s, kind);
	assert_non_null(t);
	struct row *r = rtable_find(t, id);
	if (!r)
		fail_msg("no %s row %s", kind, id);
	return r;
}

static void test_arns(void **state)
{
	(void)state;
	char c[64];
	ecs_arn_cluster("arn:aws:ecs:us-west-2:123456789012:cluster/default", c, sizeof(c));
	assert_string_equal(c, "default");
	ecs_arn_cluster("arn:aws:ecs:us-east-1:123456789012:service/lab-ec2/web", c, sizeof(c));
	assert_string_equal(c, "lab-ec2");
	ecs_arn_cluster("arn:aws:ecs:us-west-2:123456789012:service/my-http-service", c, sizeof(c));
	assert_string_equal(c, ""); /* the old form: no cluster in it */
	ecs_arn_cluster("arn:aws:ecs:us-east-1:1:task/lab/0a1b", c, sizeof(c));
	assert_string_equal(c, "lab");
	assert_string_equal(ecs_arn_last("arn:aws:ecs:us-east-1:1:task/lab/0a1b"), "0a1b");
	assert_string_equal(ecs_arn_last("arn:aws:ecs:us-east-1:1:task/0a1b"), "0a1b");
	assert_string_equal(ecs_taskdef_short("arn:aws:ecs:us-east-1:1:task-definition/web:12"), "web:12");
	assert_string_equal(ecs_taskdef_short("web:12"), "web:12");
}

static void test_clusters(void **state)
{
	(void)state;
	json_object *o = cli_example("describe-clusters.rst", 0);
	NEED(o);
	struct store *s = store_new();
	json_object *cs = jsonget_arr(o, "clusters");
	assert_true(jsonget_len(cs) >= 1);
	struct ecs_cluster_info info;
	assert_true(ecs_decode_cluster(s, jsonget_idx(cs, 0), &info));
	struct row *r = row(s, KIND_ECS_CLUSTERS, info.name);
	assert_string_equal(row_text(r, ECL_STATUS), "ACTIVE");
	assert_int_equal(r->cells[ECL_RUNNING].type, CELL_INT);
	assert_int_equal(r->cells[ECL_RUNNING].num, info.running);
	assert_true(str_starts(row_text(r, ECL_ARN), "arn:aws:ecs:"));
	json_object_put(o);
	store_free(s);
}

static void test_services(void **state)
{
	(void)state;
	json_object *o = cli_example("describe-services.rst", 0);
	NEED(o);
	struct store *s = store_new();
	json_object *svc = jsonget_idx(jsonget_arr(o, "services"), 0);
	char id[256];
	bool steady = false;
	assert_true(ecs_decode_service(s, svc, id, sizeof(id), &steady));
	/* the old ARN form: the cluster comes from clusterArn */
	assert_string_equal(id, "default/my-http-service");
	assert_true(steady);
	struct row *r = row(s, KIND_ECS_SERVICES, id);
	assert_string_equal(row_text(r, ESV_TASKS), "10/10");
	assert_int_equal(r->cells[ESV_DESIRED].num, 10);
	assert_string_equal(row_text(r, ESV_TASKDEF), "amazon-ecs-sample:1");
	assert_int_equal(r->cells[ESV_DEPLOYMENTS].num, 1);
	assert_string_equal(row_text(r, ESV_EXEC), "no");
	assert_int_equal(r->cells[ESV_AGE].type, CELL_TIME);
	assert_int_equal(r->cells[ESV_AGE].num, 1466801808);
	ecs_decode_service_events(s, svc, 100);
	struct row *ev = row(s, KIND_ECS_EVENTS, "default/my-http-service/a1b2c3d4-5678-90ab-cdef-11111EXAMPLE");
	assert_string_equal(row_text(ev, EEV_MESSAGE), "(service my-http-service) has reached a steady state.");
	assert_string_equal(row_text(ev, EEV_SERVICE), "default/my-http-service");
	json_object_put(o);
	store_free(s);
}

static const char *rolling =
	"{\"serviceName\":\"web\",\"clusterArn\":\"arn:aws:ecs:us-east-1:1:cluster/lab\","
	"\"serviceArn\":\"arn:aws:ecs:us-east-1:1:service/lab/web\",\"status\":\"ACTIVE\",\"desiredCount\":4,"
	"\"runningCount\":3,\"pendingCount\":1,\"enableExecuteCommand\":true,\"capacityProviderStrategy\":"
	"[{\"capacityProvider\":\"FARGATE_SPOT\",\"weight\":3},{\"capacityProvider\":\"FARGATE\",\"weight\":1}],"
	"\"deployments\":[{\"status\":\"PRIMARY\",\"taskDefinition\":\"arn:aws:ecs:us-east-1:1:task-definition/web:7\","
	"\"rolloutState\":\"IN_PROGRESS\",\"rolloutStateReason\":\"ECS deployment ecs-svc/1 in progress.\"},"
	"{\"status\":\"ACTIVE\",\"taskDefinition\":\"arn:aws:ecs:us-east-1:1:task-definition/web:6\"}],"
	"\"events\":[{\"id\":\"e2\",\"createdAt\":1700000002.5,\"message\":\"(service web) has started 1 tasks.\"},"
	"{\"id\":\"e1\",\"createdAt\":1700000001,\"message\":\"(service web) has reached a steady state.\"}]}";

static void test_service_rolling(void **state)
{
	(void)state;
	struct store *s = store_new();
	json_object *svc = json_tokener_parse(rolling);
	char id[256];
	bool steady = true;
	assert_true(ecs_decode_service(s, svc, id, sizeof(id), &steady));
	assert_false(steady);
	struct row *r = row(s, KIND_ECS_SERVICES, "lab/web");
	assert_string_equal(row_text(r, ESV_LAUNCH), "FARGATE_SPOT:3,FARGATE:1");
	assert_string_equal(row_text(r, ESV_TASKDEF), "web:7"); /* the primary's */
	assert_string_equal(row_text(r, ESV_ROLLOUT), "IN_PROGRESS");
	assert_int_equal(r->cells[ESV_DEPLOYMENTS].num, 2);
	assert_string_equal(row_text(r, ESV_EXEC), "yes");
	ecs_decode_service_events(s, svc, 100);
	assert_int_equal(rtable_live_count(store_find_table(s, KIND_ECS_EVENTS)), 2);
	/* an event that fell off the service's list goes */
	json_object_array_del_idx(jsonget_arr(svc, "events"), 1, 1);
	ecs_decode_service_events(s, svc, 100);
	assert_int_equal(rtable_live_count(store_find_table(s, KIND_ECS_EVENTS)), 1);
	json_object_put(svc);
	store_free(s);
}

static void test_tasks(void **state)
{
	(void)state;
	json_object *o = cli_example("describe-tasks.rst", 0);
	NEED(o);
	struct store *s = store_new();
	json_object *tasks = jsonget_arr(o, "tasks");
	assert_true(jsonget_len(tasks) >= 1);
	char id[256];
	bool final = true;
	assert_true(ecs_decode_task(s, jsonget_idx(tasks, 0), true, NULL, id, sizeof(id), &final));
	struct row *r = row(s, KIND_ECS_TASKS, id);
	assert_string_equal(row_text(r, ETK_ID), ecs_arn_last(jsonget_str(jsonget_idx(tasks, 0), "taskArn")));
	assert_true(*row_text(r, ETK_LAST));
	assert_true(*row_text(r, ETK_TASKDEF));
	assert_true(*row_text(r, ETK_CONTAINERS));
	/* each container is a row of the shared kind, tied to its task */
	struct rtable *ct = store_find_table(s, KIND_CONTAINERS);
	assert_non_null(ct);
	assert_true(rtable_live_count(ct) >= 1);
	assert_string_equal(row_text(ct->rows[0], CTR_POD), id);
	json_object_put(o);
	store_free(s);
}

static const char *stopped_task =
	"{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/lab-fargate/19046b36\",\"clusterArn\":\"arn:aws:ecs:us-east-1:1:cluster/lab-fargate\","
	"\"group\":\"service:puller\",\"lastStatus\":\"STOPPED\",\"desiredStatus\":\"STOPPED\",\"launchType\":\"FARGATE\","
	"\"platformVersion\":\"1.4.0\",\"cpu\":\"256\",\"memory\":\"512\",\"availabilityZone\":\"us-east-1b\","
	"\"taskDefinitionArn\":\"arn:aws:ecs:us-east-1:1:task-definition/puller:1\",\"healthStatus\":\"UNKNOWN\","
	"\"enableExecuteCommand\":false,\"stopCode\":\"TaskFailedToStart\",\"stoppedAt\":1796162521.695,"
	"\"stoppedReason\":\"CannotPullContainerError: pull image manifest has been retried 7 time(s)\","
	"\"attachments\":[{\"type\":\"ElasticNetworkInterface\",\"details\":[{\"name\":\"privateIPv4Address\","
	"\"value\":\"10.0.0.22\"}]}],"
	"\"containers\":[{\"name\":\"puller\",\"image\":\"puller:doesnotexist\",\"imageDigest\":\"sha256:7081\","
	"\"runtimeId\":\"19046b36237672400d0724c799f0f9d0-1698958458\",\"lastStatus\":\"STOPPED\",\"exitCode\":137,"
	"\"reason\":\"CannotPullContainerError: not found\",\"healthStatus\":\"UNKNOWN\"}]}";

static void test_stopped_task(void **state)
{
	(void)state;
	struct store *s = store_new();
	json_object *t = json_tokener_parse(stopped_task);
	char id[256];
	bool final = false;
	assert_true(ecs_decode_task(s, t, true, NULL, id, sizeof(id), &final));
	assert_true(final);
	assert_string_equal(id, "lab-fargate/19046b36");
	struct row *r = row(s, KIND_ECS_TASKS, id);
	assert_string_equal(row_text(r, ETK_SERVICE), "puller");
	assert_string_equal(row_text(r, ETK_STOP_CODE), "TaskFailedToStart");
	assert_true(str_starts(row_text(r, ETK_REASON), "CannotPullContainerError"));
	assert_int_equal(r->cells[ETK_STOPPED].num, 1796162521);
	assert_string_equal(row_text(r, ETK_HOST), "Fargate 1.4.0");
	assert_string_equal(row_text(r, ETK_IP), "10.0.0.22");
	assert_string_equal(row_text(r, ETK_HEALTH), ""); /* UNKNOWN says nothing */
	assert_int_equal(r->cells[ETK_MEM].num, 512 * 1024 * 1024);
	struct row *c = row(s, KIND_CONTAINERS, "lab-fargate/19046b36/puller");
	assert_string_equal(row_text(c, CTR_STATE), "exited");
	assert_string_equal(row_text(c, CTR_STATUS), "Exited (137): CannotPullContainerError: not found");
	assert_string_equal(row_text(c, CTR_IMAGEID), "sha256:7081");
	/* the digest where-it-runs matches a registry's tag by */
	assert_string_equal(row_text(c, CTR_DIGEST), "sha256:7081");
	assert_string_equal(row_text(c, CTR_ID), "19046b362376");
	assert_non_null(strstr(row_text(c, CTR_LABELS), "exec=no"));
	json_object_put(t);
	store_free(s);
}

static void test_container_instances(void **state)
{
	(void)state;
	json_object *o = cli_example("describe-container-instances.rst", 0);
	NEED(o);
	struct store *s = store_new();
	json_object *ci = jsonget_idx(jsonget_arr(o, "containerInstances"), 0);
	assert_true(ecs_decode_container_instance(s, "MyCluster", ci));
	char id[300];
	snprintf(id, sizeof(id), "MyCluster/%s", ecs_arn_last(jsonget_str(ci, "containerInstanceArn")));
	struct row *r = row(s, KIND_NODES, id);
	assert_string_equal(row_text(r, NODE_NAME), jsonget_str(ci, "ec2InstanceId"));
	assert_true(str_starts(row_text(r, NODE_STATUS), jsonget_str(ci, "status")));
	assert_true(str_starts(row_text(r, NODE_VERSION), "agent "));
	assert_int_equal(r->cells[NODE_CPUS].type, CELL_INT);
	assert_non_null(strstr(row_text(r, NODE_CPU_USAGE), "free ("));
	json_object_put(o);
	store_free(s);
}

static void test_taskdef_and_logs(void **state)
{
	(void)state;
	const char *td =
		"{\"family\":\"web\",\"revision\":3,\"status\":\"ACTIVE\",\"cpu\":\"256\",\"memory\":\"512\","
		"\"networkMode\":\"awsvpc\",\"requiresCompatibilities\":[\"FARGATE\"],\"registeredAt\":1700000000.1,"
		"\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"nginx:1.25\",\"logConfiguration\":{\"logDriver\":"
		"\"awslogs\",\"options\":{\"awslogs-group\":\"/ecs/web\",\"awslogs-stream-prefix\":\"ecs\","
		"\"awslogs-region\":\"eu-west-1\"}}},{\"name\":\"router\",\"image\":\"envoy\",\"logConfiguration\":"
		"{\"logDriver\":\"awsfirelens\"}},{\"name\":\"quiet\",\"image\":\"busybox\"}]}";
	struct store *s = store_new();
	json_object *o = json_tokener_parse(td);
	assert_true(ecs_decode_taskdef(s, o));
	struct row *r = row(s, KIND_ECS_TASKDEFS, "web:3");
	assert_string_equal(row_text(r, ETD_CONTAINERS), "web,router,quiet");
	assert_string_equal(row_text(r, ETD_IMAGES), "nginx:1.25,envoy,busybox");
	assert_string_equal(row_text(r, ETD_COMPAT), "FARGATE");
	assert_string_equal(row_text(r, ETD_LOGS), "web=awslogs:/ecs/web:ecs:eu-west-1,router=awsfirelens,quiet=");
	assert_int_equal(r->cells[ETD_REVISION].num, 3);
	json_object_put(o);
	/* a bare row for a listed ARN, before it is described */
	ecs_decode_taskdef_arn(s, "arn:aws:ecs:us-east-1:1:task-definition/api:12");
	r = row(s, KIND_ECS_TASKDEFS, "api:12");
	assert_string_equal(row_text(r, ETD_FAMILY), "api");
	assert_int_equal(r->cells[ETD_REVISION].num, 12);
	assert_string_equal(row_text(r, ETD_STATUS), "");
	store_free(s);
}

/* Describe answers that could not find everything say so with HTTP 200. */
static void test_failures(void **state)
{
	(void)state;
	size_t len;
	char *text = ecs_ref("describe_services_http200_failures_MISSING.json", &len);
	if (!text)
		skip();
	json_object *o = json_tokener_parse(text);
	assert_int_equal(jsonget_len(jsonget_arr(o, "services")), 0);
	json_object *f = jsonget_idx(jsonget_arr(o, "failures"), 0);
	assert_string_equal(jsonget_str(f, "reason"), "MISSING");
	assert_string_equal(ecs_arn_last(jsonget_str(f, "arn")), "opensend-scheduler");
	json_object_put(o);
	free(text);
	text = ecs_ref("run_task_http200_failures_AGENT_real.json", &len);
	assert_non_null(text);
	o = json_tokener_parse(text);
	assert_string_equal(jsonget_str(jsonget_idx(jsonget_arr(o, "failures"), 0), "reason"), "AGENT");
	json_object_put(o);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arns),
		cmocka_unit_test(test_clusters),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_service_rolling),
		cmocka_unit_test(test_tasks),
		cmocka_unit_test(test_stopped_task),
		cmocka_unit_test(test_container_instances),
		cmocka_unit_test(test_taskdef_and_logs),
		cmocka_unit_test(test_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
