/* decode.c: ECS clusters, services with their events, and task
 * definitions into rows (see decode.h); tasks and container instances are
 * decode_tasks.c's. */
#include "backends/ecs/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"
#include "backends/util/util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ecs_arn_last(const char *arn)
{
	if (!arn)
		return "";
	const char *slash = strrchr(arn, '/');
	return slash ? slash + 1 : arn;
}

const char *ecs_taskdef_short(const char *arn)
{
	if (!arn)
		return "";
	const char *p = strstr(arn, ":task-definition/");
	return p ? p + 17 : arn;
}

void ecs_arn_cluster(const char *arn, char *out, size_t outlen)
{
	out[0] = '\0';
	if (!arn)
		return;
	const char *res = strrchr(arn, ':');
	res = res ? res + 1 : arn;
	const char *slash = strchr(res, '/');
	if (!slash)
		return;
	if (!strncmp(res, "cluster/", 8)) {
		snprintf(out, outlen, "%s", res + 8);
		return;
	}
	/* service/CLUSTER/NAME, task/CLUSTER/ID...; the old form has no cluster */
	const char *second = strchr(slash + 1, '/');
	if (second)
		snprintf(out, outlen, "%.*s", (int)(second - slash - 1), slash + 1);
}

/* ---- clusters ---- */

static int64_t stat_value(json_object *stats, const char *name)
{
	for (size_t i = 0; i < jsonget_len(stats); i++) {
		json_object *s = jsonget_idx(stats, i);
		const char *n = jsonget_str(s, "name"), *v = jsonget_str(s, "value");
		if (n && v && !strcmp(n, name))
			return strtoll(v, NULL, 10);
	}
	return 0;
}

static void add_word(struct buf *b, const char *w)
{
	/* a short comma-separated set */
	size_t n = strlen(w);
	for (const char *p = b->data; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, w, n))
			return;
		p += len;
		if (*p == ',')
			p++;
	}
	buf_printf(b, "%s%s", b->len ? "," : "", w);
}

bool ecs_decode_cluster(struct store *s, json_object *c, struct ecs_cluster_info *info)
{
	const char *name = jsonget_str(c, "clusterName");
	if (!name || !*name)
		return false;
	struct rtable *t = store_table(s, KIND_ECS_CLUSTERS, ECL_NCELLS);
	struct row *r = rtable_upsert(s, t, name);
	int64_t running = 0, pending = 0, services = 0, instances = 0;
	jsonget_int(c, "runningTasksCount", &running);
	jsonget_int(c, "pendingTasksCount", &pending);
	jsonget_int(c, "activeServicesCount", &services);
	jsonget_int(c, "registeredContainerInstancesCount", &instances);
	const char *status = jsonget_str(c, "status");
	row_set_text(s, t, r, ECL_NAME, name);
	row_set_text_or_clear(s, t, r, ECL_STATUS, status);
	row_set_num(s, t, r, ECL_RUNNING, CELL_INT, running, NULL);
	row_set_num(s, t, r, ECL_PENDING, CELL_INT, pending, NULL);
	row_set_num(s, t, r, ECL_SERVICES, CELL_INT, services, NULL);
	row_set_num(s, t, r, ECL_INSTANCES, CELL_INT, instances, NULL);
	/* what its tasks run on: the providers it declares and what runs there */
	struct buf cap;
	buf_init(&cap);
	json_object *stats = jsonget_arr(c, "statistics"), *cps = jsonget_arr(c, "capacityProviders");
	if (instances > 0 || stat_value(stats, "runningEC2TasksCount") > 0 || stat_value(stats, "activeEC2ServiceCount") > 0)
		add_word(&cap, "EC2");
	if (stat_value(stats, "runningFargateTasksCount") > 0 || stat_value(stats, "activeFargateServiceCount") > 0 ||
	    stat_value(stats, "pendingFargateTasksCount") > 0)
		add_word(&cap, "FARGATE");
	for (size_t i = 0; i < jsonget_len(cps); i++) {
		json_object *p = jsonget_idx(cps, i);
		if (json_object_is_type(p, json_type_string))
			add_word(&cap, json_object_get_string(p));
	}
	row_set_text_or_clear(s, t, r, ECL_CAPACITY, cap.data);
	buf_cleanup(&cap);
	row_set_text_or_clear(s, t, r, ECL_ARN, jsonget_str(c, "clusterArn"));
	if (info) {
		memset(info, 0, sizeof(*info));
		snprintf(info->name, sizeof(info->name), "%s", name);
		snprintf(info->status, sizeof(info->status), "%s", status ? status : "");
		info->running = running;
		info->pending = pending;
		info->services = services;
		info->instances = instances;
	}
	return true;
}

/* ---- services ---- */

/* The service's cluster: from clusterArn, else from its own ARN. */
static void service_cluster(json_object *svc, char *out, size_t outlen)
{
	ecs_arn_cluster(jsonget_str(svc, "clusterArn"), out, outlen);
	if (!out[0])
		ecs_arn_cluster(jsonget_str(svc, "serviceArn"), out, outlen);
	if (!out[0])
		snprintf(out, outlen, "default");
}

static void strategy_text(json_object *strategy, struct buf *b)
{
	for (size_t i = 0; i < jsonget_len(strategy); i++) {
		json_object *p = jsonget_idx(strategy, i);
		int64_t weight = 0;
		jsonget_int(p, "weight", &weight);
		const char *cp = jsonget_str(p, "capacityProvider");
		if (cp)
			buf_printf(b, "%s%s:%lld", b->len ? "," : "", cp, (long long)weight);
	}
}

bool ecs_decode_service(struct store *s, json_object *svc, char *id, size_t idlen, bool *steady)
{
	const char *name = jsonget_str(svc, "serviceName");
	if (!name || !*name)
		return false;
	char cluster[256];
	service_cluster(svc, cluster, sizeof(cluster));
	snprintf(id, idlen, "%s/%s", cluster, name);
	struct rtable *t = store_table(s, KIND_ECS_SERVICES, ESV_NCELLS);
	struct row *r = rtable_upsert(s, t, id);
	int64_t running = 0, desired = 0, pending = 0, created = 0;
	jsonget_int(svc, "runningCount", &running);
	jsonget_int(svc, "desiredCount", &desired);
	jsonget_int(svc, "pendingCount", &pending);
	row_set_text(s, t, r, ESV_NAME, name);
	row_set_text(s, t, r, ESV_CLUSTER, cluster);
	row_set_text_or_clear(s, t, r, ESV_STATUS, jsonget_str(svc, "status"));
	char text[64];
	snprintf(text, sizeof(text), "%lld/%lld", (long long)running, (long long)desired);
	row_set_num(s, t, r, ESV_TASKS, CELL_INT, running, text);
	row_set_num(s, t, r, ESV_DESIRED, CELL_INT, desired, NULL);
	row_set_num(s, t, r, ESV_PENDING, CELL_INT, pending, NULL);
	json_object *deps = jsonget_arr(svc, "deployments"), *primary = NULL;
	for (size_t i = 0; i < jsonget_len(deps); i++) {
		const char *st = jsonget_str(jsonget_idx(deps, i), "status");
		if (st && !strcmp(st, "PRIMARY"))
			primary = jsonget_idx(deps, i);
	}
	struct buf launch;
	buf_init(&launch);
	json_object *strategy = jsonget_arr(svc, "capacityProviderStrategy");
	if (!jsonget_len(strategy))
		strategy = jsonget_arr(primary, "capacityProviderStrategy");
	strategy_text(strategy, &launch);
	if (!launch.len) {
		const char *lt = jsonget_str(svc, "launchType");
		if (!lt)
			lt = jsonget_str(primary, "launchType");
		buf_puts(&launch, lt ? lt : "");
	}
	row_set_text_or_clear(s, t, r, ESV_LAUNCH, launch.data);
	buf_cleanup(&launch);
	const char *td = jsonget_str(svc, "taskDefinition");
	if (!td)
		td = jsonget_str(primary, "taskDefinition");
	row_set_text_or_clear(s, t, r, ESV_TASKDEF, td ? ecs_taskdef_short(td) : NULL);
	const char *rollout = jsonget_str(primary, "rolloutState");
	row_set_text_or_clear(s, t, r, ESV_ROLLOUT, rollout);
	row_set_text_or_clear(s, t, r, ESV_ROLLOUT_REASON, jsonget_str(primary, "rolloutStateReason"));
	row_set_num(s, t, r, ESV_DEPLOYMENTS, CELL_INT, (int64_t)jsonget_len(deps), NULL);
	row_set_text(s, t, r, ESV_EXEC, jsonget_bool(svc, "enableExecuteCommand") ? "yes" : "no");
	if (jsonget_int(svc, "createdAt", &created) && created > 0)
		row_set_num(s, t, r, ESV_AGE, CELL_TIME, created, NULL);
	row_set_text_or_clear(s, t, r, ESV_ARN, jsonget_str(svc, "serviceArn"));
	if (steady)
		*steady = running == desired && pending == 0 && jsonget_len(deps) <= 1 &&
			  !(rollout && !strcmp(rollout, "IN_PROGRESS"));
	return true;
}

void ecs_decode_service_events(struct store *s, json_object *svc, size_t max)
{
	const char *name = jsonget_str(svc, "serviceName");
	if (!name)
		return;
	char cluster[256], key[600];
	service_cluster(svc, cluster, sizeof(cluster));
	snprintf(key, sizeof(key), "%s/%s", cluster, name);
	struct rtable *t = store_table(s, KIND_ECS_EVENTS, EEV_NCELLS);
	json_object *events = jsonget_arr(svc, "events");
	size_t n = jsonget_len(events);
	if (n > max)
		n = max;
	char **kept = xcalloc(n + 1, sizeof(*kept));
	for (size_t i = 0; i < n; i++) {
		json_object *e = jsonget_idx(events, i);
		const char *eid = jsonget_str(e, "id"), *msg = jsonget_str(e, "message");
		if (!eid || !msg)
			continue;
		kept[i] = xasprintf("%s/%s", key, eid);
		struct row *r = rtable_upsert(s, t, kept[i]);
		int64_t at = 0;
		row_set_text(s, t, r, EEV_MESSAGE, msg);
		if (jsonget_int(e, "createdAt", &at) && at > 0)
			row_set_num(s, t, r, EEV_TIME, CELL_TIME, at, NULL);
		row_set_text(s, t, r, EEV_SERVICE, key);
		row_set_text(s, t, r, EEV_CLUSTER, cluster);
		row_set_text(s, t, r, EEV_NAME, name);
	}
	/* events that fell off the service's list of the last hundred */
	size_t klen = strlen(key);
	for (size_t i = 0; i < t->len; i++) {
		struct row *r = t->rows[i];
		if (r->gone_ms || strncmp(r->id, key, klen) || r->id[klen] != '/' || strcmp(row_text(r, EEV_SERVICE), key))
			continue;
		bool keep = false;
		for (size_t k = 0; k < n && !keep; k++)
			keep = kept[k] && !strcmp(kept[k], r->id);
		if (!keep)
			rtable_delete(s, t, r->id);
	}
	for (size_t i = 0; i < n; i++)
		free(kept[i]);
	free(kept);
	t->synced = true;
}

/* ---- task definitions ---- */

char *ecs_log_config(json_object *def)
{
	json_object *lc = jsonget_obj(def, "logConfiguration");
	const char *driver = jsonget_str(lc, "logDriver");
	if (!driver)
		return xstrdup("");
	if (strcmp(driver, "awslogs"))
		return xstrdup(driver);
	json_object *opts = jsonget_obj(lc, "options");
	const char *group = jsonget_str(opts, "awslogs-group"), *prefix = jsonget_str(opts, "awslogs-stream-prefix");
	const char *region = jsonget_str(opts, "awslogs-region");
	return xasprintf("awslogs:%s:%s:%s", group ? group : "", prefix ? prefix : "", region ? region : "");
}

static void join_strings(json_object *arr, struct buf *b)
{
	for (size_t i = 0; i < jsonget_len(arr); i++) {
		json_object *v = jsonget_idx(arr, i);
		if (json_object_is_type(v, json_type_string))
			buf_printf(b, "%s%s", b->len ? "," : "", json_object_get_string(v));
	}
}

void ecs_decode_taskdef_arn(struct store *s, const char *arn)
{
	const char *name = ecs_taskdef_short(arn), *colon = strrchr(name, ':');
	struct rtable *t = store_table(s, KIND_ECS_TASKDEFS, ETD_NCELLS);
	struct row *r = rtable_upsert(s, t, name);
	row_set_text(s, t, r, ETD_NAME, name);
	if (colon) {
		char *family = xstrndup(name, (size_t)(colon - name));
		row_set_text(s, t, r, ETD_FAMILY, family);
		free(family);
		row_set_num(s, t, r, ETD_REVISION, CELL_INT, strtoll(colon + 1, NULL, 10), NULL);
	}
}

bool ecs_decode_taskdef(struct store *s, json_object *td)
{
	const char *family = jsonget_str(td, "family");
	int64_t rev = 0;
	if (!family || !jsonget_int(td, "revision", &rev))
		return false;
	char name[300];
	snprintf(name, sizeof(name), "%s:%lld", family, (long long)rev);
	struct rtable *t = store_table(s, KIND_ECS_TASKDEFS, ETD_NCELLS);
	struct row *r = rtable_upsert(s, t, name);
	row_set_text(s, t, r, ETD_NAME, name);
	row_set_text(s, t, r, ETD_FAMILY, family);
	row_set_num(s, t, r, ETD_REVISION, CELL_INT, rev, NULL);
	row_set_text_or_clear(s, t, r, ETD_STATUS, jsonget_str(td, "status"));
	struct buf names, images, logs;
	buf_init(&names);
	buf_init(&images);
	buf_init(&logs);
	json_object *defs = jsonget_arr(td, "containerDefinitions");
	for (size_t i = 0; i < jsonget_len(defs); i++) {
		json_object *d = jsonget_idx(defs, i);
		const char *cn = jsonget_str(d, "name"), *img = jsonget_str(d, "image");
		buf_printf(&names, "%s%s", names.len ? "," : "", cn ? cn : "?");
		if (img)
			buf_printf(&images, "%s%s", images.len ? "," : "", img);
		char *lc = ecs_log_config(d);
		buf_printf(&logs, "%s%s=%s", logs.len ? "," : "", cn ? cn : "?", lc);
		free(lc);
	}
	row_set_text_or_clear(s, t, r, ETD_CONTAINERS, names.data);
	row_set_text_or_clear(s, t, r, ETD_IMAGES, images.data);
	row_set_text_or_clear(s, t, r, ETD_LOGS, logs.data);
	buf_cleanup(&names);
	buf_cleanup(&images);
	buf_cleanup(&logs);
	const char *cpu = jsonget_str(td, "cpu"), *mem = jsonget_str(td, "memory");
	if (cpu)
		row_set_num(s, t, r, ETD_CPU, CELL_INT, strtoll(cpu, NULL, 10), cpu);
	if (mem) {
		char text[32];
		int64_t bytes = strtoll(mem, NULL, 10) * 1024 * 1024;
		format_bytes(bytes, text, sizeof(text));
		row_set_num(s, t, r, ETD_MEM, CELL_BYTES, bytes, text);
	}
	struct buf compat;
	buf_init(&compat);
	join_strings(jsonget_arr(td, "requiresCompatibilities"), &compat);
	if (!compat.len)
		join_strings(jsonget_arr(td, "compatibilities"), &compat);
	row_set_text_or_clear(s, t, r, ETD_COMPAT, compat.data);
	buf_cleanup(&compat);
	row_set_text_or_clear(s, t, r, ETD_NETWORK, jsonget_str(td, "networkMode"));
	int64_t at = 0;
	if (jsonget_int(td, "registeredAt", &at) && at > 0)
		row_set_num(s, t, r, ETD_REGISTERED, CELL_TIME, at, NULL);
	return true;
}
