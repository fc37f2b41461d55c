/* poll_lists.c: the rounds of services, tasks, container instances and
 * task definitions (see poll.h): what each lists per cluster, which of
 * the listed objects it describes again (new, changing, on screen, asked
 * about, or all on a full round) and in which batches. Stopped tasks are
 * described once: they never change again. */
#include "backends/ecs/poll.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESCRIBE_SERVICES_MAX 10 /* AWS's batch limits */
#define DESCRIBE_TASKS_MAX 100
#define DESCRIBE_INSTANCES_MAX 100
#define TASKDEF_DESCRIBES_PER_ROUND 25
#define EVENTS_ASKED 100 /* a service whose events were asked for: all AWS keeps */
#define EVENTS_OTHERS 10

/* ---- helpers ---- */

static char *list_body(const char *cluster, const char *extra, const char *token)
{
	char *c = ecs_json_str(cluster), *t = token ? ecs_json_str(token) : NULL;
	char *body = xasprintf("{\"cluster\":%s,\"maxResults\":100%s%s%s%s}", c, extra ? "," : "", extra ? extra : "",
			       t ? ",\"nextToken\":" : "", t ? t : "");
	free(c);
	free(t);
	return body;
}

/* Queues an ARN of cluster to describe; sends the batch when it is full
 * (or flush). The pending list holds "cluster\nARN". */
static void pend(struct ecs_round *r, const char *cluster, const char *arn)
{
	r->pending = xrealloc(r->pending, (r->npending + 1) * sizeof(*r->pending));
	r->pending[r->npending++] = xasprintf("%s\n%s", cluster, arn);
}

/* Sends the pending ARNs of cluster in batches of max, as "key": [...]. */
static void flush(struct ecs_round *r, const char *cluster, const char *op, const char *key, size_t max,
		  const char *extra, rcall_fn done)
{
	size_t clen = strlen(cluster), kept = 0;
	char **batch = xcalloc(max, sizeof(*batch));
	size_t n = 0;
	for (size_t i = 0; i < r->npending; i++) {
		char *p = r->pending[i];
		if (strncmp(p, cluster, clen) || p[clen] != '\n') {
			r->pending[kept++] = p;
			continue;
		}
		batch[n++] = p + clen + 1;
		if (n == max) {
			char *arr = ecs_json_array(batch, n), *c = ecs_json_str(cluster);
			char *body = xasprintf("{\"cluster\":%s,\"%s\":%s%s%s}", c, key, arr, extra ? "," : "",
					       extra ? extra : "");
			ecs_rcall(r, cluster, 0, op, body, done);
			free(body);
			free(arr);
			free(c);
			for (size_t k = 0; k < n; k++)
				free(batch[k] - clen - 1);
			n = 0;
		}
	}
	if (n) {
		char *arr = ecs_json_array(batch, n), *c = ecs_json_str(cluster);
		char *body = xasprintf("{\"cluster\":%s,\"%s\":%s%s%s}", c, key, arr, extra ? "," : "", extra ? extra : "");
		ecs_rcall(r, cluster, 0, op, body, done);
		free(body);
		free(arr);
		free(c);
		for (size_t k = 0; k < n; k++)
			free(batch[k] - clen - 1);
	}
	free(batch);
	r->npending = kept;
}

/* Items of a describe that AWS could not find: not listed after all. */
static void drop_failures(struct ecs_round *r, const struct aws_response *resp, const char *cluster,
			  struct strset *dropped)
{
	json_object *fails = jsonget_arr(resp->json, "failures");
	for (size_t i = 0; i < jsonget_len(fails); i++) {
		const char *arn = jsonget_str(jsonget_idx(fails, i), "arn");
		if (!arn)
			continue;
		char *id = xasprintf("%s/%s", cluster, ecs_arn_last(arn));
		strset_add(dropped, id);
		free(id);
	}
	(void)r;
}

static struct row *find_row(struct ecs *e, const char *kind, const char *id)
{
	struct rtable *t = store_find_table(e->ep->store, kind);
	return t ? rtable_find(t, id) : NULL;
}

/* ---- services ---- */

static void on_describe_services(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	struct ecs *e = r->e;
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *svcs = jsonget_arr(resp->json, "services");
	for (size_t i = 0; i < jsonget_len(svcs); i++) {
		json_object *svc = jsonget_idx(svcs, i);
		char id[600];
		bool steady;
		if (!ecs_decode_service(e->ep->store, svc, id, sizeof(id), &steady))
			continue;
		bool asked = strset_has(&e->events_for, id);
		if (e->want_events && (asked || e->hot_events))
			ecs_decode_service_events(e->ep->store, svc, asked ? EVENTS_ASKED : EVENTS_OTHERS);
	}
	struct strset gone;
	strset_init(&gone);
	drop_failures(r, resp, rc->cluster, &gone);
	if (gone.len) {
		/* deleted between the list and the describe */
		struct rtable *t = store_table(e->ep->store, KIND_ECS_SERVICES, ESV_NCELLS);
		for (size_t i = 0; i < gone.cap; i++)
			if (gone.slots[i])
				rtable_delete(e->ep->store, t, gone.slots[i]);
	}
	strset_cleanup(&gone);
}

static bool service_needs_describe(struct ecs_round *r, const char *id)
{
	struct ecs *e = r->e;
	struct row *row = find_row(e, KIND_ECS_SERVICES, id);
	if (!row || row->gone_ms || r->full || ecs_visible(e, id) || strset_has(&e->events_for, id))
		return true;
	if (e->hot_events)
		return true;
	/* a service on its way somewhere is watched closely */
	return row->cells[ESV_TASKS].num != row->cells[ESV_DESIRED].num || row->cells[ESV_PENDING].num > 0 ||
	       row->cells[ESV_DEPLOYMENTS].num > 1 || !strcmp(row_text(row, ESV_ROLLOUT), "IN_PROGRESS");
}

static void list_services(struct ecs_round *r, const char *cluster, const char *token);

static void on_list_services(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *arns = jsonget_arr(resp->json, "serviceArns");
	for (size_t i = 0; i < jsonget_len(arns); i++) {
		const char *arn = json_object_get_string(jsonget_idx(arns, i));
		char *id = xasprintf("%s/%s", rc->cluster, ecs_arn_last(arn));
		strset_add(&r->listed, id);
		if (service_needs_describe(r, id))
			pend(r, rc->cluster, arn);
		free(id);
	}
	const char *token = ecs_next_token(resp);
	if (token)
		list_services(r, rc->cluster, token);
	/* full batches go as the pages come; the rest once the list ends */
	size_t mine = 0;
	for (size_t i = 0; i < r->npending; i++)
		mine += str_starts(r->pending[i], rc->cluster) && r->pending[i][strlen(rc->cluster)] == '\n';
	if (!token || mine >= DESCRIBE_SERVICES_MAX)
		flush(r, rc->cluster, "DescribeServices", "services", DESCRIBE_SERVICES_MAX, NULL, on_describe_services);
}

static void list_services(struct ecs_round *r, const char *cluster, const char *token)
{
	char *body = list_body(cluster, NULL, token);
	ecs_rcall(r, cluster, 0, "ListServices", body, on_list_services);
	free(body);
}

void ecs_round_services(struct ecs_round *r)
{
	for (size_t i = 0; i < r->nclusters; i++)
		list_services(r, r->clusters[i], NULL);
}

/* ---- tasks ---- */

static void on_describe_tasks(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	struct ecs *e = r->e;
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	struct rtable *hosts = store_find_table(e->ep->store, KIND_NODES);
	json_object *tasks = jsonget_arr(resp->json, "tasks");
	for (size_t i = 0; i < jsonget_len(tasks); i++) {
		char id[600];
		bool final;
		ecs_decode_task(e->ep->store, jsonget_idx(tasks, i), e->want_containers, hosts, id, sizeof(id), &final);
	}
	struct strset gone;
	strset_init(&gone);
	drop_failures(r, resp, rc->cluster, &gone);
	for (size_t i = 0; i < gone.cap; i++)
		if (gone.slots[i]) {
			/* expired between the list and the describe: gone after all */
			struct rtable *t = store_table(e->ep->store, KIND_ECS_TASKS, ETK_NCELLS);
			rtable_delete(e->ep->store, t, gone.slots[i]);
		}
	strset_cleanup(&gone);
}

static bool task_needs_describe(struct ecs_round *r, const char *id)
{
	struct ecs *e = r->e;
	struct row *row = find_row(e, KIND_ECS_TASKS, id);
	if (!row || row->gone_ms || !*row_text(row, ETK_ARN))
		return true;
	const char *last = row_text(row, ETK_LAST), *desired = row_text(row, ETK_DESIRED);
	if (!strcmp(last, "STOPPED"))
		return false; /* final */
	if (r->full || ecs_visible(e, id))
		return true;
	/* on its way up or down */
	return strcmp(last, desired) || strcmp(last, "RUNNING");
}

static void list_tasks(struct ecs_round *r, const char *cluster, int stage, const char *token);

static void on_list_tasks(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *arns = jsonget_arr(resp->json, "taskArns");
	for (size_t i = 0; i < jsonget_len(arns); i++) {
		const char *arn = json_object_get_string(jsonget_idx(arns, i));
		char *id = xasprintf("%s/%s", rc->cluster, ecs_arn_last(arn));
		if (strset_add(&r->listed, id) && task_needs_describe(r, id))
			pend(r, rc->cluster, arn);
		free(id);
	}
	const char *token = ecs_next_token(resp);
	if (token)
		list_tasks(r, rc->cluster, rc->stage, token);
	else if (rc->stage == 0)
		list_tasks(r, rc->cluster, 1, NULL); /* then the stopped ones, kept about an hour */
	size_t mine = 0;
	for (size_t i = 0; i < r->npending; i++)
		mine += str_starts(r->pending[i], rc->cluster) && r->pending[i][strlen(rc->cluster)] == '\n';
	if ((!token && rc->stage == 1) || mine >= DESCRIBE_TASKS_MAX)
		flush(r, rc->cluster, "DescribeTasks", "tasks", DESCRIBE_TASKS_MAX, NULL, on_describe_tasks);
}

static void list_tasks(struct ecs_round *r, const char *cluster, int stage, const char *token)
{
	char *body = list_body(cluster, stage ? "\"desiredStatus\":\"STOPPED\"" : "\"desiredStatus\":\"RUNNING\"", token);
	ecs_rcall(r, cluster, stage, "ListTasks", body, on_list_tasks);
	free(body);
}

void ecs_round_tasks(struct ecs_round *r)
{
	for (size_t i = 0; i < r->nclusters; i++)
		list_tasks(r, r->clusters[i], 0, NULL);
}

void ecs_round_tasks_end(struct ecs_round *r)
{
	struct ecs *e = r->e;
	struct rtable *t = store_find_table(e->ep->store, KIND_CONTAINERS);
	for (size_t i = 0; t && i < t->len; i++) {
		struct row *row = t->rows[i];
		if (!row->gone_ms && !strset_has(&r->listed, row_text(row, CTR_POD)))
			rtable_delete(e->ep->store, t, row->id);
	}
	if (t && e->want_containers)
		t->synced = true;
}

/* ---- container instances ---- */

static void on_describe_instances(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *cis = jsonget_arr(resp->json, "containerInstances");
	for (size_t i = 0; i < jsonget_len(cis); i++)
		ecs_decode_container_instance(r->e->ep->store, rc->cluster, jsonget_idx(cis, i));
}

static void list_instances(struct ecs_round *r, const char *cluster, const char *token);

static void on_list_instances(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *arns = jsonget_arr(resp->json, "containerInstanceArns");
	for (size_t i = 0; i < jsonget_len(arns); i++) {
		const char *arn = json_object_get_string(jsonget_idx(arns, i));
		char *id = xasprintf("%s/%s", rc->cluster, ecs_arn_last(arn));
		strset_add(&r->listed, id);
		pend(r, rc->cluster, arn); /* few and all changing: described every round */
		free(id);
	}
	const char *token = ecs_next_token(resp);
	if (token)
		list_instances(r, rc->cluster, token);
	flush(r, rc->cluster, "DescribeContainerInstances", "containerInstances", DESCRIBE_INSTANCES_MAX, NULL,
	      on_describe_instances);
}

static void list_instances(struct ecs_round *r, const char *cluster, const char *token)
{
	char *body = list_body(cluster, NULL, token);
	ecs_rcall(r, cluster, 0, "ListContainerInstances", body, on_list_instances);
	free(body);
}

void ecs_round_nodes(struct ecs_round *r)
{
	struct ecs *e = r->e;
	for (size_t i = 0; i < r->nclusters; i++) {
		/* a cluster without instances (Fargate only) costs nothing */
		bool has = true;
		for (size_t k = 0; k < e->nclusters; k++)
			if (!strcmp(e->clusters[k].name, r->clusters[i]))
				has = e->clusters[k].instances > 0;
		if (has)
			list_instances(r, r->clusters[i], NULL);
	}
}

void ecs_round_nodes_end(struct ecs_round *r)
{
	struct store *s = r->e->ep->store;
	struct rtable *tasks = store_find_table(s, KIND_ECS_TASKS), *nodes = store_find_table(s, KIND_NODES);
	for (size_t i = 0; tasks && nodes && i < tasks->len; i++) {
		struct row *t = tasks->rows[i];
		const char *ci = row_text(t, ETK_INSTANCE);
		if (t->gone_ms || !*ci)
			continue;
		char key[600];
		snprintf(key, sizeof(key), "%s/%s", row_text(t, ETK_CLUSTER), ci);
		struct row *n = rtable_find(nodes, key);
		if (n && *row_text(n, NODE_NAME))
			row_set_text(s, tasks, t, ETK_HOST, row_text(n, NODE_NAME));
	}
}

/* ---- task definitions ---- */

static void on_describe_taskdef(struct rcall *rc, const struct aws_response *resp)
{
	if (resp->error) {
		/* one definition that cannot be described is not the list failing */
		log_msg("ecs %s: %s", rc->round->e->ep->name, resp->error);
		return;
	}
	ecs_decode_taskdef(rc->round->e->ep->store, jsonget_obj(resp->json, "taskDefinition"));
}

static void list_taskdefs(struct ecs_round *r, const char *token);

static void describe_taskdefs(struct ecs_round *r)
{
	struct ecs *e = r->e;
	struct rtable *t = store_find_table(e->ep->store, KIND_ECS_TASKDEFS);
	int sent = 0;
	for (size_t i = 0; t && i < t->len && sent < TASKDEF_DESCRIBES_PER_ROUND; i++) {
		struct row *row = t->rows[i];
		/* immutable once described: only those on screen that never were */
		if (row->gone_ms || *row_text(row, ETD_STATUS) || !ecs_visible(e, row->id))
			continue;
		char *name = ecs_json_str(row->id), *body = xasprintf("{\"taskDefinition\":%s}", name);
		ecs_rcall(r, NULL, 0, "DescribeTaskDefinition", body, on_describe_taskdef);
		free(name);
		free(body);
		sent++;
	}
}

static void on_list_taskdefs(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	struct ecs *e = r->e;
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *arns = jsonget_arr(resp->json, "taskDefinitionArns");
	for (size_t i = 0; i < jsonget_len(arns); i++) {
		const char *arn = json_object_get_string(jsonget_idx(arns, i));
		const char *name = ecs_taskdef_short(arn);
		strset_add(&r->listed, name);
		if (!find_row(e, KIND_ECS_TASKDEFS, name))
			ecs_decode_taskdef_arn(e->ep->store, arn);
	}
	const char *token = ecs_next_token(resp);
	if (token)
		list_taskdefs(r, token);
	else
		describe_taskdefs(r);
}

static void list_taskdefs(struct ecs_round *r, const char *token)
{
	char *t = token ? ecs_json_str(token) : NULL;
	char *body = xasprintf("{\"status\":\"ACTIVE\",\"sort\":\"DESC\",\"maxResults\":100%s%s}", t ? ",\"nextToken\":" : "",
			       t ? t : "");
	ecs_rcall(r, NULL, 0, "ListTaskDefinitions", body, on_list_taskdefs);
	free(t);
	free(body);
}

void ecs_round_taskdefs(struct ecs_round *r)
{
	list_taskdefs(r, NULL);
}
