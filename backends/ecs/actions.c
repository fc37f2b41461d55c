/* actions.c: the ECS backend's operator actions: scale a service
 * (UpdateService desiredCount), force a new deployment (restart), roll a
 * service back to the previous revision of its task definition, stop a
 * task with a reason, drain and activate a container instance
 * (UpdateContainerInstancesState); plus what shell and logs apply to and
 * refuse. Every change is sent ahead of the polling (urgent), the list it
 * touched is refreshed at once, and a read-only endpoint refuses before
 * any request is built. */
#include "backends/ecs/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what applies to which row ---- */

static void desired_now(const struct row *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "%lld", (long long)r->cells[ESV_DESIRED].num);
}

static void reason_now(const struct row *r, char *out, size_t outlen)
{
	(void)r;
	const char *user = getenv("USER");
	snprintf(out, outlen, "stopped by %s with binnacle", user && *user ? user : "an operator");
}

static const char *service_inactive(const struct row *r)
{
	const char *s = row_text(r, ESV_STATUS);
	return *s && strcmp(s, "ACTIVE") ? "is not active" : NULL;
}

static const char *no_previous(const struct row *r)
{
	const char *why = service_inactive(r);
	if (why)
		return why;
	const char *td = row_text(r, ESV_TASKDEF), *colon = strrchr(td, ':');
	if (!colon || strtol(colon + 1, NULL, 10) <= 1)
		return "has no earlier task definition revision to roll back to";
	return NULL;
}

static const char *task_stopped(const struct row *r)
{
	return !strcmp(row_text(r, ETK_DESIRED), "STOPPED") ? "is stopped or stopping already" : NULL;
}

static const char *already_draining(const struct row *r)
{
	return str_starts(row_text(r, NODE_STATUS), "DRAINING") ? "is draining already" : NULL;
}

static const char *already_active(const struct row *r)
{
	return str_starts(row_text(r, NODE_STATUS), "ACTIVE") ? "is active already" : NULL;
}

/* ECS Exec needs the task started with it on and the agent running in
 * the container: said before anything is asked of AWS. */
static const char *task_no_exec(const struct row *r)
{
	if (strcmp(row_text(r, ETK_LAST), "RUNNING"))
		return "is not running";
	if (strcmp(row_text(r, ETK_EXEC), "yes"))
		return "was started without ECS Exec: enable it on the service (enableExecuteCommand) and start new tasks";
	if (!strstr(row_text(r, ETK_AGENTS), "=RUNNING"))
		return "has no running ExecuteCommandAgent: wait for it to start, or start a new task";
	return NULL;
}

static const char *container_no_exec(const struct row *r)
{
	const char *labels = row_text(r, CTR_LABELS);
	if (strcmp(row_text(r, CTR_STATE), "running"))
		return "is not running";
	if (!strstr(labels, "exec=yes"))
		return "is in a task started without ECS Exec: enable it on the service (enableExecuteCommand) and start new tasks";
	if (!strstr(labels, "exec-agent=RUNNING"))
		return "has no running ExecuteCommandAgent: wait for it to start, or start a new task";
	return NULL;
}

static const char *task_containers(const struct row *r)
{
	return row_text(r, ETK_CONTAINERS);
}

const struct backend_action ecs_actions[] = {
	{.name = "scale", .kind = KIND_ECS_SERVICES, .flags = ACTION_MUTATES | ACTION_INPUT, .progress = "scaling",
	 .input_prompt = "desired count", .input_now = desired_now, .refuse = service_inactive},
	{.name = "restart", .kind = KIND_ECS_SERVICES, .flags = ACTION_MUTATES, .progress = "deploying anew",
	 .refuse = service_inactive},
	{.name = "rollback", .kind = KIND_ECS_SERVICES, .flags = ACTION_MUTATES | ACTION_CONFIRM,
	 .progress = "rolling back", .refuse = no_previous},
	{.name = "stop", .kind = KIND_ECS_TASKS, .flags = ACTION_MUTATES | ACTION_CONFIRM | ACTION_INPUT,
	 .progress = "stopping", .input_prompt = "reason (recorded by ECS)", .input_now = reason_now,
	 .refuse = task_stopped},
	{.name = "drain", .kind = KIND_NODES, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "draining",
	 .refuse = already_draining},
	{.name = "activate", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "activating",
	 .refuse = already_active},
	{.name = "shell", .kind = KIND_ECS_TASKS, .flags = ACTION_MUTATES, .progress = "opening a shell in",
	 .choices = task_containers, .choose_title = "Which container?", .refuse = task_no_exec},
	{.name = "shell", .kind = KIND_CONTAINERS, .flags = ACTION_MUTATES, .progress = "opening a shell in",
	 .refuse = container_no_exec},
	{.name = "logs", .kind = KIND_ECS_SERVICES, .progress = "reading logs of"},
	{.name = "logs", .kind = KIND_ECS_TASKS, .progress = "reading logs of", .choices = NULL},
	{.name = "logs", .kind = KIND_CONTAINERS, .progress = "reading logs of"},
	{.name = NULL},
};

/* ---- running them ---- */

struct act {
	struct ecs *e;
	action_done_fn done;
	void *arg;
	enum ecs_list refresh; /* the list the change shows in */
	char cluster[256], service[256];
	char taskdef[300];     /* rollback: the current revision */
};

static void on_changed(void *arg, const struct aws_response *r)
{
	struct act *x = arg;
	/* some calls answer 200 and say in failures[] what they could not do */
	json_object *fail = jsonget_idx(jsonget_arr(r->json, "failures"), 0);
	char why[ERRLEN] = "";
	if (!r->error && fail)
		snprintf(why, sizeof(why), "ECS could not do it: %s%s%s", jsonget_str(fail, "reason") ? jsonget_str(fail, "reason") : "failure",
			 jsonget_str(fail, "detail") ? ": " : "", jsonget_str(fail, "detail") ? jsonget_str(fail, "detail") : "");
	if (!r->error)
		ecs_poll_soon(x->e, x->refresh, false);
	x->done(x->arg, r->error ? r->error : why[0] ? why : NULL);
	free(x);
}

static void update_service(struct act *x, const char *more)
{
	char *c = ecs_json_str(x->cluster), *s = ecs_json_str(x->service);
	char *body = xasprintf("{\"cluster\":%s,\"service\":%s,%s}", c, s, more);
	ecs_call_owns_arg(
		ecs_call(x->e, &aws_svc_ecs, "UpdateService", body, AWS_CALL_MUTATES | AWS_CALL_URGENT, on_changed, x));
	free(body);
	free(c);
	free(s);
}

/* The highest ACTIVE revision of the family below the current one. */
static void on_revisions(void *arg, const struct aws_response *r)
{
	struct act *x = arg;
	if (r->error) {
		x->done(x->arg, r->error);
		free(x);
		return;
	}
	const char *colon = strrchr(x->taskdef, ':');
	long current = colon ? strtol(colon + 1, NULL, 10) : 0, best = 0;
	json_object *arns = jsonget_arr(r->json, "taskDefinitionArns");
	for (size_t i = 0; i < jsonget_len(arns); i++) {
		const char *name = ecs_taskdef_short(json_object_get_string(jsonget_idx(arns, i)));
		const char *c = strrchr(name, ':');
		long rev = c ? strtol(c + 1, NULL, 10) : 0;
		if (c && (size_t)(c - name) == (size_t)(colon - x->taskdef) && !strncmp(name, x->taskdef, (size_t)(c - name)) &&
		    rev < current && rev > best)
			best = rev;
	}
	if (!best) {
		x->done(x->arg, "the family has no earlier ACTIVE revision to roll back to");
		free(x);
		return;
	}
	char target[320], more[400];
	snprintf(target, sizeof(target), "%.*s:%ld", (int)(colon - x->taskdef), x->taskdef, best);
	char *t = ecs_json_str(target);
	snprintf(more, sizeof(more), "\"taskDefinition\":%s", t);
	free(t);
	log_msg("ecs %s: rolling %s/%s back from %s to %s", x->e->ep->name, x->cluster, x->service, x->taskdef, target);
	update_service(x, more);
}

static void rollback(struct act *x)
{
	const char *colon = strrchr(x->taskdef, ':');
	char family[300];
	snprintf(family, sizeof(family), "%.*s", (int)(colon ? colon - x->taskdef : (long)strlen(x->taskdef)),
		 x->taskdef);
	char *f = ecs_json_str(family);
	char *body = xasprintf("{\"familyPrefix\":%s,\"status\":\"ACTIVE\",\"sort\":\"DESC\",\"maxResults\":100}", f);
	ecs_call_owns_arg(ecs_call(x->e, &aws_svc_ecs, "ListTaskDefinitions", body, AWS_CALL_URGENT, on_revisions, x));
	free(body);
	free(f);
}

void ecs_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
	     action_done_fn done, void *arg)
{
	struct ecs *e = ep->priv;
	if (ep->readonly) {
		done(arg, "this endpoint is read-only");
		return;
	}
	if (!e->aws || e->phase != EP_LIVE) {
		done(arg, ep->error[0] ? ep->error : "not connected to ECS yet");
		return;
	}
	struct act *x = xcalloc(1, sizeof(*x));
	x->e = e;
	x->done = done;
	x->arg = arg;
	const char *rest = NULL;
	if (!ecs_split_id(id, x->cluster, sizeof(x->cluster), &rest)) {
		free(x);
		done(arg, "this row names no cluster");
		return;
	}
	char more[600];
	if (!strcmp(a->kind, KIND_ECS_SERVICES)) {
		snprintf(x->service, sizeof(x->service), "%s", rest);
		x->refresh = EL_SERVICES;
		struct rtable *t = store_find_table(ep->store, KIND_ECS_SERVICES);
		struct row *r = t ? rtable_find(t, id) : NULL;
		if (!strcmp(a->name, "scale")) {
			char *end = NULL;
			long n = input ? strtol(input, &end, 10) : -1;
			if (!input || !*input || *end || n < 0 || n > 100000) {
				free(x);
				done(arg, "the desired count must be a whole number, 0 or more");
				return;
			}
			snprintf(more, sizeof(more), "\"desiredCount\":%ld", n);
			update_service(x, more);
		} else if (!strcmp(a->name, "restart")) {
			update_service(x, "\"forceNewDeployment\":true");
		} else {
			snprintf(x->taskdef, sizeof(x->taskdef), "%s", r ? row_text(r, ESV_TASKDEF) : "");
			if (!strchr(x->taskdef, ':')) {
				free(x);
				done(arg, "its task definition is not known yet");
				return;
			}
			rollback(x);
		}
		return;
	}
	if (!strcmp(a->kind, KIND_ECS_TASKS)) {
		x->refresh = EL_TASKS;
		char *c = ecs_json_str(x->cluster), *t = ecs_json_str(rest), *why = ecs_json_str(input ? input : "");
		char *body = xasprintf("{\"cluster\":%s,\"task\":%s%s%s}", c, t, input && *input ? ",\"reason\":" : "",
				       input && *input ? why : "");
		ecs_call_owns_arg(ecs_call(e, &aws_svc_ecs, "StopTask", body, AWS_CALL_MUTATES | AWS_CALL_URGENT, on_changed, x));
		free(body);
		free(c);
		free(t);
		free(why);
		return;
	}
	/* container instances */
	x->refresh = EL_NODES;
	char *c = ecs_json_str(x->cluster), *ci = ecs_json_str(rest);
	char *body = xasprintf("{\"cluster\":%s,\"containerInstances\":[%s],\"status\":\"%s\"}", c, ci,
			       !strcmp(a->name, "drain") ? "DRAINING" : "ACTIVE");
	ecs_call_owns_arg(ecs_call(e, &aws_svc_ecs, "UpdateContainerInstancesState", body,
				   AWS_CALL_MUTATES | AWS_CALL_URGENT, on_changed, x));
	free(body);
	free(c);
	free(ci);
}
