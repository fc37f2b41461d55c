/* decode_tasks.c: ECS tasks (with their containers, in the shared
 * containers kind) and container instances (in the shared nodes kind)
 * into rows (see decode.h). A stopped task keeps its row, with its stop
 * code and reason: that is how an operator learns why it died. */
#include "backends/ecs/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_time(struct store *s, struct rtable *t, struct row *r, int idx, json_object *o, const char *key)
{
	int64_t at = 0;
	if (jsonget_int(o, key, &at) && at > 0)
		row_set_num(s, t, r, idx, CELL_TIME, at, NULL);
	else
		row_clear(s, t, r, idx);
}

/* The task's private IPv4 address: its ENI (awsvpc), else a container's. */
static const char *task_ip(json_object *task)
{
	json_object *atts = jsonget_arr(task, "attachments");
	for (size_t i = 0; i < jsonget_len(atts); i++) {
		json_object *details = jsonget_arr(jsonget_idx(atts, i), "details");
		for (size_t k = 0; k < jsonget_len(details); k++) {
			json_object *d = jsonget_idx(details, k);
			const char *n = jsonget_str(d, "name");
			if (n && !strcmp(n, "privateIPv4Address"))
				return jsonget_str(d, "value");
		}
	}
	json_object *cs = jsonget_arr(task, "containers");
	for (size_t i = 0; i < jsonget_len(cs); i++) {
		json_object *nis = jsonget_arr(jsonget_idx(cs, i), "networkInterfaces");
		for (size_t k = 0; k < jsonget_len(nis); k++) {
			const char *ip = jsonget_str(jsonget_idx(nis, k), "privateIpv4Address");
			if (ip && *ip)
				return ip;
		}
	}
	return NULL;
}

static const char *exec_agent(json_object *container)
{
	json_object *agents = jsonget_arr(container, "managedAgents");
	for (size_t i = 0; i < jsonget_len(agents); i++) {
		json_object *a = jsonget_idx(agents, i);
		const char *n = jsonget_str(a, "name");
		if (n && !strcmp(n, "ExecuteCommandAgent"))
			return jsonget_str(a, "lastStatus");
	}
	return NULL;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void decode_container(struct store *s, json_object *c, json_object *task, const char *task_id,
			     const char *cluster, const char *service)
{
	const char *name = jsonget_str(c, "name");
	if (!name)
		return;
	char id[700], tid[400];
	snprintf(tid, sizeof(tid), "%s/%s", cluster, task_id);
	snprintf(id, sizeof(id), "%s/%s", tid, name);
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	struct row *r = rtable_upsert(s, t, id);
	const char *last = jsonget_str(c, "lastStatus");
	row_set_text(s, t, r, CTR_NAME, name);
	row_set_text_or_clear(s, t, r, CTR_IMAGE, jsonget_str(c, "image"));
	/* the shared view's words for the states */
	const char *state = !last ? "" : !strcmp(last, "RUNNING") ? "running" : !strcmp(last, "STOPPED") ? "exited"
											       : "created";
	row_set_text_or_clear(s, t, r, CTR_STATE, state);
	char status[512];
	int64_t code = 0;
	const char *reason = jsonget_str(c, "reason");
	if (last && !strcmp(last, "STOPPED")) {
		if (jsonget_int(c, "exitCode", &code))
			snprintf(status, sizeof(status), "Exited (%lld)%s%s", (long long)code, reason ? ": " : "",
				 reason ? reason : "");
		else
			snprintf(status, sizeof(status), "Stopped%s%s", reason ? ": " : "", reason ? reason : "");
	} else {
		snprintf(status, sizeof(status), "%s", last ? last : "");
		if (status[0])
			lower(status + 1); /* "Running", "Pending" */
	}
	row_set_text_or_clear(s, t, r, CTR_STATUS, status);
	char health[32];
	snprintf(health, sizeof(health), "%s", jsonget_str(c, "healthStatus") ? jsonget_str(c, "healthStatus") : "");
	lower(health);
	row_set_text_or_clear(s, t, r, CTR_HEALTH, strcmp(health, "unknown") ? health : NULL);
	const char *runtime = jsonget_str(c, "runtimeId");
	char shortid[16];
	snprintf(shortid, sizeof(shortid), "%.12s", runtime ? runtime : "");
	row_set_text_or_clear(s, t, r, CTR_ID, shortid);
	row_set_text_or_clear(s, t, r, CTR_IMAGEID, jsonget_str(c, "imageDigest"));
	/* the manifest digest: "where it runs" finds the task by a registry's tag */
	row_set_text_or_clear(s, t, r, CTR_DIGEST, jsonget_str(c, "imageDigest"));
	row_set_text(s, t, r, CTR_POD, tid);
	const char *mem = jsonget_str(c, "memory");
	if (mem && strtoll(mem, NULL, 10) > 0) {
		char text[32];
		int64_t bytes = strtoll(mem, NULL, 10) * 1024 * 1024;
		format_bytes(bytes, text, sizeof(text));
		row_set_num(s, t, r, CTR_MEMLIMIT, CELL_BYTES, bytes, text);
	}
	int64_t started = 0;
	if (jsonget_int(task, "startedAt", &started) && started > 0)
		row_set_num(s, t, r, CTR_CREATED, CELL_TIME, started, NULL);
	const char *agent = exec_agent(c);
	char labels[600];
	snprintf(labels, sizeof(labels), "cluster=%s,exec=%s,exec-agent=%s,runtime=%s,service=%s,task=%s", cluster,
		 jsonget_bool(task, "enableExecuteCommand") ? "yes" : "no", agent ? agent : "none",
		 runtime ? runtime : "", service, task_id);
	row_set_text(s, t, r, CTR_LABELS, labels);
}

bool ecs_decode_task(struct store *s, json_object *task, bool containers, const struct rtable *hosts, char *id,
		     size_t idlen, bool *final)
{
	const char *arn = jsonget_str(task, "taskArn");
	if (!arn)
		return false;
	const char *task_id = ecs_arn_last(arn);
	char cluster[256];
	ecs_arn_cluster(jsonget_str(task, "clusterArn"), cluster, sizeof(cluster));
	if (!cluster[0])
		ecs_arn_cluster(arn, cluster, sizeof(cluster));
	if (!cluster[0])
		snprintf(cluster, sizeof(cluster), "default");
	snprintf(id, idlen, "%s/%s", cluster, task_id);
	struct rtable *t = store_table(s, KIND_ECS_TASKS, ETK_NCELLS);
	struct row *r = rtable_upsert(s, t, id);
	const char *group = jsonget_str(task, "group"), *last = jsonget_str(task, "lastStatus");
	const char *service = group && str_starts(group, "service:") ? group + 8 : group ? group : "";
	row_set_text(s, t, r, ETK_ID, task_id);
	row_set_text(s, t, r, ETK_CLUSTER, cluster);
	row_set_text_or_clear(s, t, r, ETK_SERVICE, service);
	row_set_text_or_clear(s, t, r, ETK_LAST, last);
	row_set_text_or_clear(s, t, r, ETK_DESIRED, jsonget_str(task, "desiredStatus"));
	const char *health = jsonget_str(task, "healthStatus");
	row_set_text_or_clear(s, t, r, ETK_HEALTH, health && strcmp(health, "UNKNOWN") ? health : NULL);
	const char *launch = jsonget_str(task, "launchType"), *cp = jsonget_str(task, "capacityProviderName");
	/* Spot is worth seeing: those tasks are the ones that get interrupted */
	row_set_text_or_clear(s, t, r, ETK_LAUNCH, cp && strstr(cp, "SPOT") ? cp : launch);
	row_set_text_or_clear(s, t, r, ETK_TASKDEF, ecs_taskdef_short(jsonget_str(task, "taskDefinitionArn")));
	const char *cpu = jsonget_str(task, "cpu"), *mem = jsonget_str(task, "memory");
	if (cpu)
		row_set_num(s, t, r, ETK_CPU, CELL_INT, strtoll(cpu, NULL, 10), cpu);
	if (mem) {
		char text[32];
		int64_t bytes = strtoll(mem, NULL, 10) * 1024 * 1024;
		format_bytes(bytes, text, sizeof(text));
		row_set_num(s, t, r, ETK_MEM, CELL_BYTES, bytes, text);
	}
	row_set_text_or_clear(s, t, r, ETK_IP, task_ip(task));
	row_set_text_or_clear(s, t, r, ETK_AZ, jsonget_str(task, "availabilityZone"));
	const char *ci = jsonget_str(task, "containerInstanceArn");
	const char *ci_id = ci ? ecs_arn_last(ci) : NULL;
	row_set_text_or_clear(s, t, r, ETK_INSTANCE, ci_id);
	char host[128] = "";
	if (ci_id) {
		/* the EC2 instance, when the container instances are known */
		char key[400];
		snprintf(key, sizeof(key), "%s/%s", cluster, ci_id);
		const struct row *node = hosts ? rtable_find((struct rtable *)hosts, key) : NULL;
		snprintf(host, sizeof(host), "%s", node && *row_text(node, NODE_NAME) ? row_text(node, NODE_NAME) : ci_id);
	} else if (launch && !strcmp(launch, "FARGATE")) {
		const char *pv = jsonget_str(task, "platformVersion");
		snprintf(host, sizeof(host), "Fargate%s%s", pv ? " " : "", pv ? pv : "");
	}
	row_set_text_or_clear(s, t, r, ETK_HOST, host);
	set_time(s, t, r, ETK_STARTED, task, "startedAt");
	set_time(s, t, r, ETK_STOPPED, task, jsonget_field(task, "stoppedAt") ? "stoppedAt" : "stoppingAt");
	row_set_text_or_clear(s, t, r, ETK_STOP_CODE, jsonget_str(task, "stopCode"));
	row_set_text_or_clear(s, t, r, ETK_REASON, jsonget_str(task, "stoppedReason"));
	row_set_text(s, t, r, ETK_EXEC, jsonget_bool(task, "enableExecuteCommand") ? "yes" : "no");
	struct buf agents, names;
	buf_init(&agents);
	buf_init(&names);
	json_object *cs = jsonget_arr(task, "containers");
	for (size_t i = 0; i < jsonget_len(cs); i++) {
		json_object *c = jsonget_idx(cs, i);
		const char *cn = jsonget_str(c, "name"), *agent = exec_agent(c);
		if (!cn)
			continue;
		buf_printf(&names, "%s%s", names.len ? "," : "", cn);
		buf_printf(&agents, "%s%s=%s", agents.len ? "," : "", cn, agent ? agent : "none");
		if (containers)
			decode_container(s, c, task, task_id, cluster, service);
	}
	row_set_text_or_clear(s, t, r, ETK_CONTAINERS, names.data);
	row_set_text_or_clear(s, t, r, ETK_AGENTS, agents.data);
	buf_cleanup(&agents);
	buf_cleanup(&names);
	row_set_text(s, t, r, ETK_ARN, arn);
	if (final)
		*final = last && !strcmp(last, "STOPPED");
	return true;
}

/* ---- container instances ---- */

static int64_t resource(json_object *list, const char *name)
{
	for (size_t i = 0; i < jsonget_len(list); i++) {
		json_object *r = jsonget_idx(list, i);
		const char *n = jsonget_str(r, "name");
		int64_t v = 0;
		if (n && !strcmp(n, name) && jsonget_int(r, "integerValue", &v))
			return v;
	}
	return -1;
}

static const char *attribute(json_object *attrs, const char *name)
{
	for (size_t i = 0; i < jsonget_len(attrs); i++) {
		json_object *a = jsonget_idx(attrs, i);
		const char *n = jsonget_str(a, "name");
		if (n && !strcmp(n, name))
			return jsonget_str(a, "value");
	}
	return NULL;
}

bool ecs_decode_container_instance(struct store *s, const char *cluster, json_object *ci)
{
	const char *arn = jsonget_str(ci, "containerInstanceArn");
	if (!arn)
		return false;
	char id[600];
	snprintf(id, sizeof(id), "%s/%s", cluster, ecs_arn_last(arn));
	struct rtable *t = store_table(s, KIND_NODES, NODE_NCELLS);
	struct row *r = rtable_upsert(s, t, id);
	const char *ec2 = jsonget_str(ci, "ec2InstanceId");
	row_set_text(s, t, r, NODE_NAME, ec2 && *ec2 ? ec2 : ecs_arn_last(arn));
	const char *status = jsonget_str(ci, "status");
	bool connected = jsonget_bool(ci, "agentConnected");
	char text[128];
	snprintf(text, sizeof(text), "%s%s", status ? status : "?", connected ? "" : ", agent disconnected");
	row_set_text(s, t, r, NODE_STATUS, text);
	json_object *attrs = jsonget_arr(ci, "attributes");
	const char *type = attribute(attrs, "ecs.instance-type");
	snprintf(text, sizeof(text), "%s%s%s", cluster, type ? " " : "", type ? type : "");
	row_set_text(s, t, r, NODE_ROLES, text);
	json_object *vi = jsonget_obj(ci, "versionInfo");
	const char *agent = jsonget_str(vi, "agentVersion"), *docker = jsonget_str(vi, "dockerVersion");
	if (docker && str_starts(docker, "DockerVersion: "))
		docker += 15;
	snprintf(text, sizeof(text), "agent %s%s%s", agent ? agent : "?", docker ? " · Docker " : "", docker ? docker : "");
	row_set_text(s, t, r, NODE_VERSION, text);
	row_set_text_or_clear(s, t, r, NODE_OS, attribute(attrs, "ecs.os-type"));
	row_set_text_or_clear(s, t, r, NODE_ARCH, attribute(attrs, "ecs.cpu-architecture"));
	json_object *reg = jsonget_arr(ci, "registeredResources"), *rem = jsonget_arr(ci, "remainingResources");
	int64_t cpu = resource(reg, "CPU"), mem = resource(reg, "MEMORY");
	int64_t cpu_left = resource(rem, "CPU"), mem_left = resource(rem, "MEMORY");
	if (cpu > 0) {
		snprintf(text, sizeof(text), "%lld.%lld", (long long)(cpu / 1024), (long long)(cpu % 1024 * 10 / 1024));
		if (cpu % 1024 == 0)
			snprintf(text, sizeof(text), "%lld", (long long)(cpu / 1024));
		row_set_num(s, t, r, NODE_CPUS, CELL_INT, cpu, text);
	}
	if (mem > 0) {
		format_bytes(mem * 1024 * 1024, text, sizeof(text));
		row_set_num(s, t, r, NODE_MEM, CELL_BYTES, mem * 1024 * 1024, text);
	}
	/* reserved by tasks, with what is left: "512 free (75%)" */
	if (cpu > 0 && cpu_left >= 0) {
		int64_t used = cpu - cpu_left, permille = used * 1000 / cpu;
		snprintf(text, sizeof(text), "%lld free (%lld%%)", (long long)cpu_left, (long long)(permille / 10));
		row_set_num(s, t, r, NODE_CPU_USAGE, CELL_PERMILLE, permille, text);
	}
	if (mem > 0 && mem_left >= 0) {
		char left[32];
		format_bytes(mem_left * 1024 * 1024, left, sizeof(left));
		int64_t used = mem - mem_left;
		snprintf(text, sizeof(text), "%s free (%lld%%)", left, (long long)(used * 100 / mem));
		row_set_num(s, t, r, NODE_MEM_USAGE, CELL_BYTES, used * 1024 * 1024, text);
	}
	int64_t running = 0, pending = 0;
	jsonget_int(ci, "runningTasksCount", &running);
	jsonget_int(ci, "pendingTasksCount", &pending);
	snprintf(text, sizeof(text), "%lld/%lld", (long long)running, (long long)(running + pending));
	row_set_num(s, t, r, NODE_WORKLOADS, CELL_INT, running, text);
	set_time(s, t, r, NODE_AGE, ci, "registeredAt");
	struct buf labels;
	buf_init(&labels);
	for (size_t i = 0; i < jsonget_len(attrs); i++) {
		json_object *a = jsonget_idx(attrs, i);
		const char *n = jsonget_str(a, "name"), *v = jsonget_str(a, "value");
		if (n && v && str_starts(n, "ecs.")) /* the capabilities are many and say little */
			buf_printf(&labels, "%s%s=%s", labels.len ? "," : "", n, v);
	}
	row_set_text_or_clear(s, t, r, NODE_LABELS, labels.data);
	buf_cleanup(&labels);
	return true;
}
