/* decode_pods.c: pods into rows of the pods table, with STATUS, READY and
 * RESTARTS computed exactly as kubectl prints them, and a pod's containers
 * into rows of the containers table. */
#include "backends/kube/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static bool has_text(const char *s)
{
	return s && *s;
}

/* The condition of `type` has status "True" (PodReady, Initialized...). */
static bool condition_true(struct json_object *status, const char *type)
{
	struct json_object *conds = jsonget_arr(status, "conditions");
	for (size_t i = 0; i < jsonget_len(conds); i++) {
		struct json_object *c = json_object_array_get_idx(conds, i);
		const char *ct = jsonget_str(c, "type"), *cs = jsonget_str(c, "status");
		if (ct && !strcmp(ct, type) && cs && !strcmp(cs, "True"))
			return true;
	}
	return false;
}

/* A sidecar: an init container with restartPolicy Always keeps running
 * beside the main containers, so kubectl counts it in READY. */
static bool restartable_init(struct json_object *spec_inits, const char *name)
{
	for (size_t i = 0; name && i < jsonget_len(spec_inits); i++) {
		struct json_object *c = json_object_array_get_idx(spec_inits, i);
		const char *n = jsonget_str(c, "name"), *policy = jsonget_str(c, "restartPolicy");
		if (n && !strcmp(n, name))
			return policy && !strcmp(policy, "Always");
	}
	return false;
}

/* Moves *last forward to lastState.terminated.finishedAt when that is later. */
static void note_last_termination(struct json_object *cstatus, int64_t *last)
{
	int64_t t;
	struct json_object *term = jsonget_obj(jsonget_obj(cstatus, "lastState"), "terminated");
	if (jsonget_time(term, "finishedAt", JSONGET_RFC3339, &t) && t > *last)
		*last = t;
}

static int64_t restart_count(struct json_object *cstatus)
{
	int64_t n;
	return jsonget_int(cstatus, "restartCount", &n) && n > 0 ? n : 0;
}

/* "Signal:9" or "ExitCode:1" for a termination without a reason, after prefix. */
static void exit_text(struct json_object *term, const char *prefix, char *out, size_t outlen)
{
	int64_t sig = 0, code = 0;
	jsonget_int(term, "signal", &sig);
	jsonget_int(term, "exitCode", &code);
	if (sig)
		snprintf(out, outlen, "%sSignal:%lld", prefix, (long long)sig);
	else
		snprintf(out, outlen, "%sExitCode:%lld", prefix, (long long)code);
}

/* The init containers part of printPod: returns whether the pod is still
 * initializing (and then has set reason). */
static bool init_status(struct json_object *spec, struct json_object *st, char *reason, size_t rlen,
			int *restarts, int64_t *last, int *sidecar_restarts, int64_t *sidecar_last, int *ready)
{
	struct json_object *inits = jsonget_arr(spec, "initContainers");
	struct json_object *statuses = jsonget_arr(st, "initContainerStatuses");
	for (size_t i = 0; i < jsonget_len(statuses); i++) {
		struct json_object *c = json_object_array_get_idx(statuses, i);
		bool sidecar = restartable_init(inits, jsonget_str(c, "name"));
		*restarts += (int)restart_count(c);
		note_last_termination(c, last);
		if (sidecar) {
			*sidecar_restarts += (int)restart_count(c);
			note_last_termination(c, sidecar_last);
		}
		struct json_object *state = jsonget_obj(c, "state");
		struct json_object *term = jsonget_obj(state, "terminated"), *wait = jsonget_obj(state, "waiting");
		int64_t code = 0; /* absent reads as 0, as in Go */
		if (term)
			jsonget_int(term, "exitCode", &code);
		if (term && code == 0)
			continue;
		if (sidecar && jsonget_bool(c, "started")) {
			if (jsonget_bool(c, "ready"))
				(*ready)++;
			continue;
		}
		if (term) {
			const char *r = jsonget_str(term, "reason");
			if (has_text(r))
				snprintf(reason, rlen, "Init:%s", r);
			else
				exit_text(term, "Init:", reason, rlen);
		} else if (wait && has_text(jsonget_str(wait, "reason")) &&
			   strcmp(jsonget_str(wait, "reason"), "PodInitializing")) {
			snprintf(reason, rlen, "Init:%s", jsonget_str(wait, "reason"));
		} else {
			snprintf(reason, rlen, "Init:%zu/%zu", i, jsonget_len(inits));
		}
		return true;
	}
	return false;
}

void kube_pod_status(struct json_object *pod, char *out, size_t outlen, int *ready_out, int *total_out,
		     int *restarts_out, int64_t *last_out)
{
	struct json_object *spec = jsonget_obj(pod, "spec"), *st = jsonget_obj(pod, "status"),
			   *meta = jsonget_obj(pod, "metadata");
	int restarts = 0, sidecar_restarts = 0, ready = 0;
	int total = (int)jsonget_len(jsonget_arr(spec, "containers"));
	int64_t last = 0, sidecar_last = 0;
	const char *phase = jsonget_str(st, "phase"), *st_reason = jsonget_str(st, "reason");
	char reason[128];
	snprintf(reason, sizeof(reason), "%s", has_text(st_reason) ? st_reason : phase ? phase : "");

	struct json_object *conds = jsonget_arr(st, "conditions");
	for (size_t i = 0; i < jsonget_len(conds); i++) {
		struct json_object *c = json_object_array_get_idx(conds, i);
		const char *ct = jsonget_str(c, "type"), *cr = jsonget_str(c, "reason");
		if (ct && !strcmp(ct, "PodScheduled") && cr && !strcmp(cr, "SchedulingGated"))
			snprintf(reason, sizeof(reason), "SchedulingGated");
	}

	struct json_object *inits = jsonget_arr(spec, "initContainers");
	for (size_t i = 0; i < jsonget_len(inits); i++) {
		const char *policy = jsonget_str(json_object_array_get_idx(inits, i), "restartPolicy");
		if (policy && !strcmp(policy, "Always"))
			total++;
	}

	bool initializing = init_status(spec, st, reason, sizeof(reason), &restarts, &last, &sidecar_restarts,
					&sidecar_last, &ready);
	if (!initializing || condition_true(st, "Initialized")) {
		/* past initialization only sidecars' restarts still count */
		restarts = sidecar_restarts;
		last = sidecar_last;
		bool has_running = false;
		struct json_object *statuses = jsonget_arr(st, "containerStatuses");
		/* backwards, so that the first container's reason is the one shown */
		for (size_t k = jsonget_len(statuses); k-- > 0;) {
			struct json_object *c = json_object_array_get_idx(statuses, k);
			restarts += (int)restart_count(c);
			note_last_termination(c, &last);
			struct json_object *state = jsonget_obj(c, "state");
			struct json_object *wait = jsonget_obj(state, "waiting"),
					   *term = jsonget_obj(state, "terminated");
			if (wait && has_text(jsonget_str(wait, "reason")))
				snprintf(reason, sizeof(reason), "%s", jsonget_str(wait, "reason"));
			else if (term && has_text(jsonget_str(term, "reason")))
				snprintf(reason, sizeof(reason), "%s", jsonget_str(term, "reason"));
			else if (term)
				exit_text(term, "", reason, sizeof(reason));
			else if (jsonget_bool(c, "ready") && jsonget_obj(state, "running")) {
				has_running = true;
				ready++;
			}
		}
		/* a finished sidecar-less container beside a running one: the pod runs */
		if (!strcmp(reason, "Completed") && has_running)
			snprintf(reason, sizeof(reason), "%s", condition_true(st, "Ready") ? "Running" : "NotReady");
	}

	if (has_text(jsonget_str(meta, "deletionTimestamp"))) {
		bool terminal = phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
		if (st_reason && !strcmp(st_reason, "NodeLost"))
			snprintf(reason, sizeof(reason), "Unknown");
		else if (!terminal)
			snprintf(reason, sizeof(reason), "Terminating");
	}

	if (out && outlen)
		snprintf(out, outlen, "%s", reason);
	if (ready_out)
		*ready_out = ready;
	if (total_out)
		*total_out = total;
	if (restarts_out)
		*restarts_out = restarts;
	if (last_out)
		*last_out = last;
}

/* "ReplicaSet/web-7d9f": the controller owner, else the first one. */
static void owner_text(struct json_object *meta, char *out, size_t outlen)
{
	struct json_object *owners = jsonget_arr(meta, "ownerReferences"), *pick = NULL;
	for (size_t i = 0; i < jsonget_len(owners); i++) {
		struct json_object *o = json_object_array_get_idx(owners, i);
		if (!pick || jsonget_bool(o, "controller"))
			pick = o;
		if (jsonget_bool(o, "controller"))
			break;
	}
	out[0] = '\0';
	if (pick && jsonget_str(pick, "kind") && jsonget_str(pick, "name"))
		snprintf(out, outlen, "%s/%s", jsonget_str(pick, "kind"), jsonget_str(pick, "name"));
}

void kube_decode_pod(struct store *s, struct rtable *t, struct json_object *pod, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	struct json_object *meta = jsonget_obj(pod, "metadata"), *spec = jsonget_obj(pod, "spec"),
			   *st = jsonget_obj(pod, "status");
	row_set_text_or_clear(s, t, r, POD_NAME, jsonget_str(meta, "name"));
	row_set_text_or_clear(s, t, r, POD_NAMESPACE, jsonget_str(meta, "namespace"));

	char status[128], text[96];
	int ready, total, restarts;
	int64_t last;
	kube_pod_status(pod, status, sizeof(status), &ready, &total, &restarts, &last);
	snprintf(text, sizeof(text), "%d/%d", ready, total);
	kube_set_count(s, t, r, POD_READY, ready, text);
	row_set_text_or_clear(s, t, r, POD_STATUS, status);
	if (restarts && last > 0) {
		/* frozen at decode time: the next update of the pod refreshes it */
		char age[32];
		format_age(wall_s() - last, age, sizeof(age));
		snprintf(text, sizeof(text), "%d (%s ago)", restarts, age);
		kube_set_count(s, t, r, POD_RESTARTS, restarts, text);
	} else {
		kube_set_count(s, t, r, POD_RESTARTS, restarts, NULL);
	}
	if (restarts && last > 0)
		row_set_num(s, t, r, POD_LAST_RESTART, CELL_TIME, last, NULL);
	else
		row_clear(s, t, r, POD_LAST_RESTART);
	kube_set_time(s, t, r, POD_AGE, meta, "creationTimestamp");

	const char *ip = jsonget_str(st, "podIP");
	if (!has_text(ip))
		ip = jsonget_str(jsonget_idx(jsonget_arr(st, "podIPs"), 0), "ip");
	row_set_text_or_clear(s, t, r, POD_IP, ip);
	row_set_text_or_clear(s, t, r, POD_NODE, jsonget_str(spec, "nodeName"));

	char *labels = jsonget_map_text(jsonget_obj(meta, "labels"), JSONGET_STRINGS_ONLY);
	row_set_text_or_clear(s, t, r, POD_LABELS, labels);
	free(labels);
	owner_text(meta, text, sizeof(text));
	row_set_text_or_clear(s, t, r, POD_OWNER, text);
	char *names = kube_join_field(jsonget_arr(spec, "containers"), "name");
	row_set_text_or_clear(s, t, r, POD_CONTAINERS, names);
	free(names);
	row_set_text_or_clear(s, t, r, POD_PHASE, jsonget_str(st, "phase"));
	row_set_text_or_clear(s, t, r, POD_IMAGE, jsonget_str(jsonget_idx(jsonget_arr(spec, "containers"), 0), "image"));
	struct buf d;
	buf_init(&d);
	buf_puts(&d, "");
	struct json_object *css = jsonget_arr(st, "containerStatuses");
	for (size_t i = 0; i < jsonget_len(css); i++) {
		const char *digest = kube_image_digest(jsonget_str(jsonget_idx(css, i), "imageID"));
		if (digest && !strstr(d.data, digest))
			buf_printf(&d, "%s%s", d.len ? " " : "", digest);
	}
	row_set_text_or_clear(s, t, r, POD_DIGESTS, d.data);
	buf_cleanup(&d);
	/* a pod that has ended uses nothing: its last figures must not stay */
	const char *phase = jsonget_str(st, "phase");
	if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) {
		row_clear(s, t, r, POD_CPU);
		row_clear(s, t, r, POD_MEM);
	}
}

/* ---- containers ---- */

/* The registry digest in a status's imageID ("docker-pullable://repo@sha256:...",
 * "repo@sha256:..."); NULL for a bare image id ("sha256:..." of the config,
 * which no registry knows it by) or none. */
const char *kube_image_digest(const char *image_id)
{
	const char *at = image_id ? strrchr(image_id, '@') : NULL;
	return at && str_starts(at + 1, "sha256:") && strlen(at + 1) == 71 ? at + 1 : NULL;
}

static struct json_object *status_named(struct json_object *statuses, const char *name)
{
	for (size_t i = 0; i < jsonget_len(statuses); i++) {
		struct json_object *c = json_object_array_get_idx(statuses, i);
		const char *n = jsonget_str(c, "name");
		if (n && !strcmp(n, name))
			return c;
	}
	return NULL;
}

static void decode_container(struct store *s, struct rtable *t, const char *pod_id, struct json_object *spec_c,
			     struct json_object *cst)
{
	const char *name = jsonget_str(spec_c, "name");
	char *id = xasprintf("%s/%s", pod_id, name);
	struct row *r = rtable_upsert(s, t, id);
	free(id);
	row_set_text_or_clear(s, t, r, CTR_NAME, name);
	row_set_text_or_clear(s, t, r, CTR_POD, pod_id);
	row_set_text_or_clear(s, t, r, CTR_IMAGE, jsonget_str(spec_c, "image"));

	struct json_object *state = jsonget_obj(cst, "state");
	struct json_object *run = jsonget_obj(state, "running"), *wait = jsonget_obj(state, "waiting");
	struct json_object *term = jsonget_obj(state, "terminated");
	char status[96];
	const char *st_name;
	int64_t started = 0;
	if (run) {
		st_name = "running";
		snprintf(status, sizeof(status), "Running");
		jsonget_time(run, "startedAt", JSONGET_RFC3339, &started);
	} else if (term) {
		st_name = "terminated";
		int64_t code = 0, sig = 0;
		jsonget_int(term, "exitCode", &code);
		jsonget_int(term, "signal", &sig);
		if (has_text(jsonget_str(term, "reason")))
			snprintf(status, sizeof(status), "%s", jsonget_str(term, "reason"));
		else if (code == 0 && sig == 0)
			snprintf(status, sizeof(status), "Completed");
		else
			exit_text(term, "", status, sizeof(status));
		jsonget_time(term, "startedAt", JSONGET_RFC3339, &started);
	} else {
		/* no status yet (not scheduled) reads as waiting too */
		st_name = "waiting";
		snprintf(status, sizeof(status), "%s",
			 has_text(jsonget_str(wait, "reason")) ? jsonget_str(wait, "reason") : "Pending");
	}
	row_set_text_or_clear(s, t, r, CTR_STATE, st_name);
	row_set_text_or_clear(s, t, r, CTR_STATUS, status);
	if (!run && cst) { /* a container that has stopped (or waits to start again) uses nothing */
		row_clear(s, t, r, CTR_CPU);
		row_clear(s, t, r, CTR_MEM);
	}
	if (cst) {
		row_set_text_or_clear(s, t, r, CTR_READY, jsonget_bool(cst, "ready") ? "true" : "false");
		kube_set_count(s, t, r, CTR_RESTARTS, restart_count(cst), NULL);
	} else {
		row_clear(s, t, r, CTR_READY);
		row_clear(s, t, r, CTR_RESTARTS);
	}
	if (started > 0)
		row_set_num(s, t, r, CTR_CREATED, CELL_TIME, started, NULL);
	else
		row_clear(s, t, r, CTR_CREATED);

	/* "containerd://<64 hex>": the short id docker ps would show */
	const char *cid = jsonget_str(cst, "containerID");
	const char *sep = cid ? strstr(cid, "://") : NULL;
	char shortid[13] = "";
	if (sep)
		snprintf(shortid, sizeof(shortid), "%s", sep + 3);
	row_set_text_or_clear(s, t, r, CTR_ID, shortid);
	row_set_text_or_clear(s, t, r, CTR_DIGEST, kube_image_digest(jsonget_str(cst, "imageID")));
}

static void pod_id_of(struct json_object *meta, char *out, size_t outlen)
{
	const char *ns = jsonget_str(meta, "namespace"), *name = jsonget_str(meta, "name");
	if (has_text(ns))
		snprintf(out, outlen, "%s/%s", ns, name);
	else
		snprintf(out, outlen, "%s", name);
}

/* Whether name is one of the comma-separated list. */
static bool list_has(const char *list, const char *name, size_t n)
{
	for (const char *p = list; p && *p;) {
		size_t m = strcspn(p, ",");
		if (m == n && !strncmp(p, name, n))
			return true;
		p += m + (p[m] == ',');
	}
	return false;
}

/* Deletes the container rows of pod_id named in old but not in now. */
static void delete_missing(struct store *s, const char *pod_id, const char *old, const char *now)
{
	struct rtable *ct = store_find_table(s, KIND_CONTAINERS);
	for (const char *p = old; ct && p && *p;) {
		size_t m = strcspn(p, ",");
		if (m && !list_has(now, p, m)) {
			char *id = xasprintf("%s/%.*s", pod_id, (int)m, p);
			rtable_delete(s, ct, id);
			free(id);
		}
		p += m + (p[m] == ',');
	}
}

void kube_decode_pod_containers(struct store *s, struct json_object *pod)
{
	struct json_object *meta = jsonget_obj(pod, "metadata"), *spec = jsonget_obj(pod, "spec"),
			   *st = jsonget_obj(pod, "status");
	if (!has_text(jsonget_str(meta, "name")))
		return;
	char pod_id[512];
	pod_id_of(meta, pod_id, sizeof(pod_id));
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	struct buf names;
	buf_init(&names);
	static const char *const groups[][2] = {{"initContainers", "initContainerStatuses"},
						{"containers", "containerStatuses"}};
	for (size_t g = 0; g < 2; g++) {
		struct json_object *list = jsonget_arr(spec, groups[g][0]), *statuses = jsonget_arr(st, groups[g][1]);
		for (size_t i = 0; i < jsonget_len(list); i++) {
			struct json_object *c = json_object_array_get_idx(list, i);
			const char *name = jsonget_str(c, "name");
			if (!has_text(name) || strchr(name, ','))
				continue;
			decode_container(s, t, pod_id, c, status_named(statuses, name));
			if (names.len)
				buf_putc(&names, ',');
			buf_puts(&names, name);
		}
	}
	struct rtable *known = store_table(s, KUBE_TABLE_POD_CONTAINERS, 1);
	struct row *k = rtable_upsert(s, known, pod_id);
	delete_missing(s, pod_id, row_text(k, 0), names.data);
	row_set_text_or_clear(s, known, k, 0, names.data);
	buf_cleanup(&names);
}

void kube_decode_forget_pod(struct store *s, const char *pod_id)
{
	struct rtable *known = store_find_table(s, KUBE_TABLE_POD_CONTAINERS);
	struct row *k = known ? rtable_find(known, pod_id) : NULL;
	if (!k)
		return;
	delete_missing(s, pod_id, row_text(k, 0), NULL);
	rtable_delete(s, known, pod_id);
}

void kube_decode_prune_containers(struct store *s)
{
	struct rtable *known = store_find_table(s, KUBE_TABLE_POD_CONTAINERS);
	struct rtable *pods = store_find_table(s, KIND_PODS);
	for (size_t i = 0; known && i < known->len; i++) {
		struct row *k = known->rows[i];
		if (k->gone_ms)
			continue;
		struct row *p = pods ? rtable_find(pods, k->id) : NULL;
		if (!p || p->gone_ms)
			kube_decode_forget_pod(s, k->id);
	}
	/* the pods are listed: so are their containers, even when there are none */
	struct rtable *ct = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	if (!ct->synced) {
		ct->synced = true;
		ct->gen++;
		s->gen++;
	}
}
