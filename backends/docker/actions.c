/* actions.c: the Docker backend's operator actions (start, stop, restart,
 * kill, remove a container; remove an image, forced when a container uses
 * it; remove a volume or network; start, stop, restart a compose project's
 * containers; prune what is unused) and image pulls with their NDJSON
 * progress stream, with the registry's credentials in X-Registry-Auth
 * (given by the caller, or found where docker and podman keep logins). A
 * read-only endpoint refuses them before any request is
 * built, whatever the UI offered. */
#include "backends/docker/internal.h"
#include "backends/docker/kinds.h"
#include "backends/codec/jsonget.h"
#include "backends/image/dockerauth.h"
#include "backends/image/imageref.h"
#include "backends/model/kinds.h"
#include "backends/util/limits.h"
#include "backends/util/log.h"
#include "views/kinds/shared.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTAINER(verb, more, doing) {.name = verb, .kind = KIND_CONTAINERS, .flags = ACTION_MUTATES | (more), \
					   .progress = doing}

/* The engine refuses to remove an image a container uses, and says forcing would do. */
static bool image_in_use(const char *error)
{
	return strstr(error, "must force") || strstr(error, "being used") || strstr(error, "in use") ||
	       strstr(error, "image is in use") || strstr(error, "conflict");
}

static void prune_containers(struct endpoint *ep, char *out, size_t outlen)
{
	docker_prune_preview(ep, KIND_CONTAINERS, out, outlen);
}

static void prune_images(struct endpoint *ep, char *out, size_t outlen)
{
	docker_prune_preview(ep, KIND_IMAGES, out, outlen);
}

static void prune_volumes(struct endpoint *ep, char *out, size_t outlen)
{
	docker_prune_preview(ep, KIND_VOLUMES, out, outlen);
}

static void prune_networks(struct endpoint *ep, char *out, size_t outlen)
{
	docker_prune_preview(ep, KIND_NETWORKS, out, outlen);
}

#define PRUNE(k, fn) {.name = "prune", .kind = k, .flags = ACTION_MUTATES | ACTION_CONFIRM | ACTION_NO_TARGET, \
		      .progress = "pruning", .preview = fn}
#define PROJECT(verb, doing) {.name = verb, .kind = KIND_PROJECTS, .flags = ACTION_MUTATES, .progress = doing}

const struct backend_action docker_actions[] = {
	CONTAINER("start", 0, "starting"),
	CONTAINER("stop", 0, "stopping"),
	CONTAINER("restart", 0, "restarting"),
	CONTAINER("kill", ACTION_CONFIRM, "killing"),
	CONTAINER("remove", ACTION_CONFIRM, "removing"),
	{.name = "shell", .kind = KIND_CONTAINERS, .flags = ACTION_MUTATES, .progress = "opening a shell in",
	 .refuse = container_not_running},
	{.name = "logs", .kind = KIND_CONTAINERS, .progress = "reading logs of"},
	{.name = "shell", .kind = KIND_NODES, .flags = ACTION_MUTATES, .progress = "opening a shell on"},
	{.name = "remove", .kind = KIND_IMAGES, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "removing",
	 .force_verb = "force_remove", .forceable = image_in_use},
	/* no key: offered when removing fails because a container uses the image */
	{.name = "force_remove", .kind = KIND_IMAGES, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "removing",
	 .label = "force remove"},
	{.name = "remove", .kind = KIND_VOLUMES, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "removing"},
	{.name = "remove", .kind = KIND_NETWORKS, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "removing"},
	PROJECT("start", "starting"),
	PROJECT("stop", "stopping"),
	PROJECT("restart", "restarting"),
	PRUNE(KIND_CONTAINERS, prune_containers),
	PRUNE(KIND_IMAGES, prune_images),
	PRUNE(KIND_VOLUMES, prune_volumes),
	PRUNE(KIND_NETWORKS, prune_networks),
	{.name = "pull", .kind = KIND_IMAGES, .flags = ACTION_MUTATES | ACTION_INPUT | ACTION_NO_TARGET,
	 .progress = "pulling", .input_prompt = "image to pull"},
	{.name = NULL},
};

struct act_ctx {
	action_done_fn done;
	void *arg;
	const struct pull_sink *pull;
	struct lines lines; /* the pull's progress stream */
	char error[ERRLEN];
	/* a pull waiting for its credentials */
	struct docker *d;
	char *path, *server;
	struct dockerauth_req *creds;
	struct pull_wait *wait;
};

/* Pulls whose credentials are being looked up, so a closing endpoint can
 * stop them (the lookup may run a credential helper). */
struct pull_wait {
	struct act_ctx *x;
	struct pull_wait *next;
};
static struct pull_wait *waits;

static void act_cancel(struct call *c, const char *why)
{
	struct act_ctx *x = c->ctx;
	if (x->pull)
		x->pull->done(x->pull->arg, why);
	else
		x->done(x->arg, why);
	lines_cleanup(&x->lines);
	free(x);
}

static void on_action(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct act_ctx *x = c->ctx;
	char err[ERRLEN];
	/* 304: already in that state, which is what the operator wanted */
	if (docker_ok(res) || res->status == 304) {
		x->done(x->arg, NULL);
	} else {
		docker_result_error(res, err, sizeof(err));
		x->done(x->arg, err);
	}
	free(x);
}

void docker_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
		action_done_fn done, void *arg)
{
	struct docker *d = ep->priv;
	char path[512];
	const char *method = "POST";
	(void)input;
	if (ep->readonly) {
		done(arg, "this endpoint is read-only");
		return;
	}
	if (d->phase != PH_LIVE) {
		done(arg, ep->error[0] ? ep->error : "not connected to the engine");
		return;
	}
	if (!strcmp(a->kind, KIND_PROJECTS)) {
		docker_project_act(d, a->name, id, done, arg);
		return;
	}
	if (!strcmp(a->name, "prune")) {
		const char *what = !strcmp(a->kind, KIND_VOLUMES)    ? "volumes"
				   : !strcmp(a->kind, KIND_NETWORKS) ? "networks"
				   : !strcmp(a->kind, KIND_IMAGES)   ? "images"
								     : "containers";
		/* since API 1.42 Docker keeps named volumes unless told all=true */
		int maj = 0, min = 0;
		sscanf(d->prefix, "/v%d.%d", &maj, &min);
		bool all = !strcmp(a->kind, KIND_VOLUMES) && (maj > 1 || (maj == 1 && min >= 42));
		snprintf(path, sizeof(path), "/%s/prune%s", what, all ? "?filters=%7B%22all%22%3A%5B%22true%22%5D%7D" : "");
	} else if (!strcmp(a->kind, KIND_VOLUMES) || !strcmp(a->kind, KIND_NETWORKS)) {
		char *esc = http_escape(id, strlen(id));
		snprintf(path, sizeof(path), "/%s/%s", !strcmp(a->kind, KIND_VOLUMES) ? "volumes" : "networks", esc);
		free(esc);
		method = "DELETE";
	} else if (!strcmp(a->kind, KIND_IMAGES)) {
		/* image rows are "fullid|repo:tag": remove the tag when there is one,
		 * so an image with several tags loses only the selected one; forcing
		 * removes the image itself, whoever uses it */
		bool force = !strcmp(a->name, "force_remove");
		const char *bar = strchr(id, '|');
		const char *ref = bar && !strstr(bar + 1, "<none>") && !force ? bar + 1 : NULL;
		char *esc = http_escape(ref ? ref : id, ref ? strlen(ref) : (size_t)(bar ? bar - id : (long)strlen(id)));
		snprintf(path, sizeof(path), "/images/%s%s", esc, force ? "?force=1" : "");
		free(esc);
		method = "DELETE";
	} else {
		char *eid = http_escape_str(id);
		if (!strcmp(a->name, "remove")) {
			snprintf(path, sizeof(path), "/containers/%s?force=1", eid);
			method = "DELETE";
		} else if (!strcmp(a->name, "stop") || !strcmp(a->name, "restart")) {
			snprintf(path, sizeof(path), "/containers/%s/%s?t=10", eid, a->name);
		} else {
			snprintf(path, sizeof(path), "/containers/%s/%s", eid, a->name);
		}
		free(eid);
	}
	struct act_ctx *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	struct call *c = docker_call_new(d, method, path, 120000, on_action, id);
	c->ctx = x;
	c->on_cancel = act_cancel;
	docker_call_go(c);
}

/* ---- pull ---- */

static bool pull_line(void *arg, char *line, size_t len)
{
	struct act_ctx *x = arg;
	json_object *o = len ? json_tokener_parse(line) : NULL;
	if (!o)
		return true;
	if (jsonget_field(o, "errorDetail") || jsonget_field(o, "error")) {
		const char *msg = jsonget_str(jsonget_obj(o, "errorDetail"), "message");
		if (!msg || !*msg)
			msg = jsonget_str(o, "error");
		if (!x->error[0])
			snprintf(x->error, sizeof(x->error), "%s", msg && *msg ? msg : "the pull failed");
	} else {
		const char *id = jsonget_str(o, "id"), *status = jsonget_str(o, "status");
		int64_t cur = -1, total = -1;
		struct json_object *detail = jsonget_obj(o, "progressDetail");
		jsonget_int(detail, "current", &cur);
		jsonget_int(detail, "total", &total);
		x->pull->progress(x->pull->arg, id ? id : "", status ? status : "", cur, total);
	}
	json_object_put(o);
	return true;
}

static bool on_pull_data(void *arg, const char *data, size_t len)
{
	struct call *c = arg;
	struct act_ctx *x = c->ctx;
	if (lines_feed(&x->lines, data, len, pull_line, x) == LINES_TOO_LONG) {
		snprintf(x->error, sizeof(x->error), "the engine sent a progress line longer than %u KiB",
			 LIMIT_EVENT_LINE >> 10);
		return false;
	}
	return true;
}

static void on_pull_done(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct act_ctx *x = c->ctx;
	struct docker *d = c->d;
	char err[ERRLEN];
	lines_flush(&x->lines, pull_line, x);
	/* the engine answers 200 even when the pull fails: the error is in-stream */
	if (!docker_ok(res) && !x->error[0]) {
		docker_result_error(res, err, sizeof(err));
		x->pull->done(x->pull->arg, err);
	} else {
		x->pull->done(x->pull->arg, x->error[0] ? x->error : NULL);
	}
	lines_cleanup(&x->lines);
	free(x);
	/* the image events usually do this; a pull of an existing image emits none */
	if (d->watch_images)
		docker_list_start(d, KIND_IMAGES);
}

static void pull_send(struct act_ctx *x, const char *auth)
{
	struct call *c = docker_call_new(x->d, "POST", x->path, 0, on_pull_done, NULL);
	if (auth && *auth) {
		char *h = xasprintf("X-Registry-Auth: %s", auth);
		calls_header(&c->base, h);
		memset(h, 0, strlen(h));
		free(h);
	}
	free(x->path);
	x->path = NULL;
	c->ctx = x;
	c->on_cancel = act_cancel;
	calls_stream(&c->base, on_pull_data);
	docker_call_go(c);
}

static void unwait(struct act_ctx *x)
{
	for (struct pull_wait **w = &waits; *w; w = &(*w)->next)
		if ((*w)->x == x) {
			struct pull_wait *gone = *w;
			*w = gone->next;
			free(gone);
			return;
		}
}

static void on_pull_creds(void *arg, const struct registry_cred *cred, const char *error)
{
	struct act_ctx *x = arg;
	x->creds = NULL;
	unwait(x);
	if (error)
		log_msg("docker %s: pulling without credentials: %s", x->d->ep->name, error);
	char *auth = cred ? dockerauth_engine_header(cred, x->server) : NULL;
	free(x->server);
	x->server = NULL;
	if (x->d->phase != PH_LIVE) {
		x->pull->done(x->pull->arg, x->d->ep->error[0] ? x->d->ep->error : "not connected to the engine");
		free(x->path);
		lines_cleanup(&x->lines);
		free(x);
	} else {
		pull_send(x, auth);
	}
	if (auth) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
}

/* The endpoint closes: pulls still looking for credentials end here. */
void docker_pull_forget(struct docker *d)
{
	for (struct pull_wait **w = &waits; *w;) {
		struct act_ctx *x = (*w)->x;
		if (x->d != d) {
			w = &(*w)->next;
			continue;
		}
		struct pull_wait *gone = *w;
		*w = gone->next;
		free(gone);
		dockerauth_cancel(x->creds);
		free(x->path);
		free(x->server);
		lines_cleanup(&x->lines);
		free(x);
	}
}

void docker_pull(struct endpoint *ep, const char *ref, const char *auth, const struct pull_sink *sink)
{
	struct docker *d = ep->priv;
	if (ep->readonly) {
		sink->done(sink->arg, "this endpoint is read-only");
		return;
	}
	if (d->phase != PH_LIVE) {
		sink->done(sink->arg, ep->error[0] ? ep->error : "not connected to the engine");
		return;
	}
	/* "repo:tag" and "repo@digest" travel as fromImage + tag, like the CLI does */
	char repo[512], tag[256] = "";
	snprintf(repo, sizeof(repo), "%s", ref);
	char *at = strchr(repo, '@');
	char *slash = strrchr(repo, '/');
	char *colon = strrchr(repo, ':');
	if (at) {
		*at = '\0';
		snprintf(tag, sizeof(tag), "%s", at + 1);
	} else if (colon && (!slash || colon > slash)) {
		*colon = '\0';
		snprintf(tag, sizeof(tag), "%s", colon + 1);
	}
	if (!tag[0])
		snprintf(tag, sizeof(tag), "latest");
	char *erepo = http_escape(repo, strlen(repo)), *etag = http_escape(tag, strlen(tag));
	struct act_ctx *x = xcalloc(1, sizeof(*x));
	x->pull = sink;
	x->d = d;
	x->path = xasprintf("/images/create?fromImage=%s&tag=%s", erepo, etag);
	free(erepo);
	free(etag);
	lines_init(&x->lines, LIMIT_EVENT_LINE);
	struct image_ref ir;
	if (auth || imageref_parse(ref, &ir, NULL, 0) < 0) {
		pull_send(x, auth);
		return;
	}
	/* as the docker CLI does: the login of the image's registry goes along */
	x->server = xstrdup(!strcmp(ir.host, IMAGEREF_DOCKER_HUB) ? "https://index.docker.io/v1/" : ir.host);
	struct pull_wait *w = xcalloc(1, sizeof(*w));
	w->x = x;
	w->next = waits;
	waits = w;
	x->creds = dockerauth_lookup(ir.host, ir.repo, on_pull_creds, x);
}
