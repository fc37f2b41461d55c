/* inspect.c: describe (YAML or JSON) for ECS objects, fetched when asked
 * (the store keeps only the cells): a cluster with its settings and
 * statistics, a service with its deployments and events, a task (a
 * container is described by its task), a container instance, a task
 * definition. */
#include "backends/ecs/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct describe {
	void (*done)(void *arg, const char *json, const char *error);
	void *arg;
	const char *key; /* the answer's array (or object) holding it */
};

static void on_described(void *arg, const struct aws_response *r)
{
	struct describe *x = arg;
	if (r->error) {
		x->done(x->arg, NULL, r->error);
		free(x);
		return;
	}
	json_object *found = jsonget_field(r->json, x->key);
	if (json_object_is_type(found, json_type_array))
		found = jsonget_idx(found, 0);
	if (!found) {
		json_object *fail = jsonget_idx(jsonget_arr(r->json, "failures"), 0);
		char why[ERRLEN];
		snprintf(why, sizeof(why), "ECS does not know it (%s)",
			 jsonget_str(fail, "reason") ? jsonget_str(fail, "reason") : "not found");
		x->done(x->arg, NULL, why);
		free(x);
		return;
	}
	x->done(x->arg,
		json_object_to_json_string_ext(found, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE),
		NULL);
	free(x);
}

void ecs_inspect(struct endpoint *ep, const char *kind, const char *id,
		 void (*done)(void *arg, const char *json, const char *error), void *arg)
{
	struct ecs *e = ep->priv;
	if (!e->aws || e->phase != EP_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to ECS yet");
		return;
	}
	struct describe *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	char cluster[256];
	const char *rest = NULL;
	char *body = NULL, *c = NULL, *r = NULL;
	const char *op = NULL;
	if (!strcmp(kind, KIND_ECS_CLUSTERS)) {
		c = ecs_json_str(id);
		body = xasprintf("{\"clusters\":[%s],\"include\":[\"ATTACHMENTS\",\"CONFIGURATIONS\",\"SETTINGS\","
				 "\"STATISTICS\",\"TAGS\"]}",
				 c);
		op = "DescribeClusters";
		x->key = "clusters";
	} else if (!strcmp(kind, KIND_ECS_TASKDEFS)) {
		c = ecs_json_str(id);
		body = xasprintf("{\"taskDefinition\":%s,\"include\":[\"TAGS\"]}", c);
		op = "DescribeTaskDefinition";
		x->key = "taskDefinition";
	} else if (ecs_split_id(id, cluster, sizeof(cluster), &rest)) {
		c = ecs_json_str(cluster);
		if (!strcmp(kind, KIND_CONTAINERS)) {
			/* "cluster/task/container": its task */
			char task[256];
			snprintf(task, sizeof(task), "%.*s", (int)strcspn(rest, "/"), rest);
			r = ecs_json_str(task);
		} else {
			r = ecs_json_str(rest);
		}
		if (!strcmp(kind, KIND_ECS_SERVICES)) {
			body = xasprintf("{\"cluster\":%s,\"services\":[%s],\"include\":[\"TAGS\"]}", c, r);
			op = "DescribeServices";
			x->key = "services";
		} else if (!strcmp(kind, KIND_NODES)) {
			body = xasprintf("{\"cluster\":%s,\"containerInstances\":[%s],\"include\":[\"TAGS\"]}", c, r);
			op = "DescribeContainerInstances";
			x->key = "containerInstances";
		} else if (!strcmp(kind, KIND_ECS_TASKS) || !strcmp(kind, KIND_CONTAINERS)) {
			body = xasprintf("{\"cluster\":%s,\"tasks\":[%s],\"include\":[\"TAGS\"]}", c, r);
			op = "DescribeTasks";
			x->key = "tasks";
		}
	}
	free(c);
	free(r);
	if (!op) {
		free(x);
		free(body);
		done(arg, NULL, "this kind cannot be described");
		return;
	}
	ecs_call_owns_arg(ecs_call(e, &aws_svc_ecs, op, body, AWS_CALL_URGENT, on_described, x));
	free(body);
}
