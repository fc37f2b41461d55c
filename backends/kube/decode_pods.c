/* decode_pods.c: pods into rows of the pods table, with STATUS, READY and
 * RESTARTS computed exactly as kubectl prints them, and a pod's containers
 * into rows of the containers table. */
#include "backends/kube/decode.h"
#include "backends/codec/jdoc.h"
#include "backends/kube/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool has_text(const char *s)
{
	return s && *s;
}

/* The condition of `type` has status "True" (PodReady, Initialized...). */
static bool condition_true(const struct jnode *status, const char *type)
{
	const struct jnode *conds = jn_arr(status, "conditions");
	for (size_t i = 0; i < jn_len(conds); i++) {
		const struct jnode *c = jn_idx(conds, i);
		const char *ct = jn_str(c, "type"), *cs = jn_str(c, "status");
		if (ct && !strcmp(ct, type) && cs && !strcmp(cs, "True"))
			return true;
	}
	return false;
}

/* A sidecar: an init container with restartPolicy Always keeps running
 * beside the main containers, so kubectl counts it in READY. */
static bool restartable_init(const struct jnode *spec_inits, const char *name)
{
	for (size_t i = 0; name && i < jn_len(spec_inits); i++) {
		const struct jnode *c = jn_idx(spec_inits, i);
		const char *n = jn_str(c, "name"), *policy = jn_str(c, "restartPolicy");
		if (n && !strcmp(n, name))
			return policy && !strcmp(policy, "Always");
	}
	return false;
}

/* Moves *last forward to lastState.terminated.finishedAt when that is later. */
static void note_last_termination(const struct jnode *cstatus, int64_t *last)
{
	int64_t t;
	const struct jnode *term = jn_obj(jn_obj(cstatus, "lastState"), "terminated");
	if (jn_time(term, "finishedAt", &t) && t > *last)
		*last = t;
}

static int64_t restart_count(const struct jnode *cstatus)
{
	int64_t n;
	return jn_int(cstatus, "restartCount", &n) && n > 0 ? n : 0;
}

/* "Signal:9" or "ExitCode:1" for a termination without a reason, after prefix. */
static void exit_text(const struct jnode *term, const char *prefix, char *out, size_t outlen)
{
	int64_t sig = 0, code = 0;
	jn_int(term, "signal", &sig);
	jn_int(term, "exitCode", &code);
	if (sig)
		snprintf(out, outlen, "%sSignal:%lld", prefix, (long long)sig);
	else
		snprintf(out, outlen, "%sExitCode:%lld", prefix, (long long)code);
}

/* The init containers part of printPod: returns whether the pod is still
 * initializing (and then has set reason). */
static bool init_status(const struct jnode *spec, const struct jnode *st, char *reason, size_t rlen,
			int *restarts, int64_t *last, int *sidecar_restarts, int64_t *sidecar_last, int *ready)
{
	const struct jnode *inits = jn_arr(spec, "initContainers");
	const struct jnode *statuses = jn_arr(st, "initContainerStatuses");
	for (size_t i = 0; i < jn_len(statuses); i++) {
		const struct jnode *c = jn_idx(statuses, i);
		bool sidecar = restartable_init(inits, jn_str(c, "name"));
		*restarts += (int)restart_count(c);
		note_last_termination(c, last);
		if (sidecar) {
			*sidecar_restarts += (int)restart_count(c);
			note_last_termination(c, sidecar_last);
		}
		const struct jnode *state = jn_obj(c, "state");
		const struct jnode *term = jn_obj(state, "terminated"), *wait = jn_obj(state, "waiting");
		int64_t code = 0; /* absent reads as 0, as in Go */
		if (term)
			jn_int(term, "exitCode", &code);
		if (term && code == 0)
			continue;
		if (sidecar && jn_bool(c, "started")) {
			if (jn_bool(c, "ready"))
				(*ready)++;
			continue;
		}
		if (term) {
			const char *r = jn_str(term, "reason");
			if (has_text(r))
				snprintf(reason, rlen, "Init:%s", r);
			else
				exit_text(term, "Init:", reason, rlen);
		} else if (wait && has_text(jn_str(wait, "reason")) &&
			   strcmp(jn_str(wait, "reason"), "PodInitializing")) {
			snprintf(reason, rlen, "Init:%s", jn_str(wait, "reason"));
		} else {
			snprintf(reason, rlen, "Init:%zu/%zu", i, jn_len(inits));
		}
		return true;
	}
	return false;
}

void kube_pod_status(const struct jnode *pod, char *out, size_t outlen, int *ready_out, int *total_out,
		     int *restarts_out, int64_t *last_out)
{
	const struct jnode *spec = jn_obj(pod, "spec"), *st = jn_obj(pod, "status"),
			   *meta = jn_obj(pod, "metadata");
	int restarts = 0, sidecar_restarts = 0, ready = 0;
	int total = (int)jn_len(jn_arr(spec, "containers"));
	int64_t last = 0, sidecar_last = 0;
	const char *phase = jn_str(st, "phase"), *st_reason = jn_str(st, "reason");
	char reason[128];
	snprintf(reason, sizeof(reason), "%s", has_text(st_reason) ? st_reason : phase ? phase : "");

	const struct jnode *conds = jn_arr(st, "conditions");
	for (size_t i = 0; i < jn_len(conds); i++) {
		const struct jnode *c = jn_idx(conds, i);
		const char *ct = jn_str(c, "type"), *cr = jn_str(c, "reason");
		if (ct && !strcmp(ct, "PodScheduled") && cr && !strcmp(cr, "SchedulingGated"))
			snprintf(reason, sizeof(reason), "SchedulingGated");
	}

	const struct jnode *inits = jn_arr(spec, "initContainers");
	for (size_t i = 0; i < jn_len(inits); i++) {
		const char *policy = jn_str(jn_idx(inits, i), "restartPolicy");
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
		const struct jnode *statuses = jn_arr(st, "containerStatuses");
		/* backwards, so that the first container's reason is the one shown */
		for (size_t k = jn_len(statuses); k-- > 0;) {
			const struct jnode *c = jn_idx(statuses, k);
			restarts += (int)restart_count(c);
			note_last_termination(c, &last);
			const struct jnode *state = jn_obj(c, "state");
			const struct jnode *wait = jn_obj(state, "waiting"),
					   *term = jn_obj(state, "terminated");
			if (wait && has_text(jn_str(wait, "reason")))
				snprintf(reason, sizeof(reason), "%s", jn_str(wait, "reason"));
			else if (term && has_text(jn_str(term, "reason")))
				snprintf(reason, sizeof(reason), "%s", jn_str(term, "reason"));
			else if (term)
				exit_text(term, "", reason, sizeof(reason));
			else if (jn_bool(c, "ready") && jn_obj(state, "running")) {
				has_running = true;
				ready++;
			}
		}
		/* a finished sidecar-less container beside a running one: the pod runs */
		if (!strcmp(reason, "Completed") && has_running)
			snprintf(reason, sizeof(reason), "%s", condition_true(st, "Ready") ? "Running" : "NotReady");
	}

	if (has_text(jn_str(meta, "deletionTimestamp"))) {
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
static void owner_text(const struct jnode *meta, char *out, size_t outlen)
{
	const struct jnode *owners = jn_arr(meta, "ownerReferences"), *pick = NULL;
	for (size_t i = 0; i < jn_len(owners); i++) {
		const struct jnode *o = jn_idx(owners, i);
		if (!pick || jn_bool(o, "controller"))
			pick = o;
		if (jn_bool(o, "controller"))
			break;
	}
	out[0] = '\0';
	if (pick && jn_str(pick, "kind") && jn_str(pick, "name"))
		snprintf(out, outlen, "%s/%s", jn_str(pick, "kind"), jn_str(pick, "name"));
}

void kube_decode_pod(struct store *s, struct rtable *t, const struct jnode *pod, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	const struct jnode *meta = jn_obj(pod, "metadata"), *spec = jn_obj(pod, "spec"), *st = jn_obj(pod, "status");
	row_set_text_or_clear(s, t, r, POD_NAME, jn_str(meta, "name"));
	/* values pods repeat are kept once: a fifth of the memory at 50,000 pods */
	row_set_shared_text(s, t, r, POD_NAMESPACE, jn_str(meta, "namespace"));

	char status[128], text[96];
	int ready, total, restarts;
	int64_t last;
	kube_pod_status(pod, status, sizeof(status), &ready, &total, &restarts, &last);
	snprintf(text, sizeof(text), "%d/%d", ready, total);
	kube_set_count(s, t, r, POD_READY, ready, text);
	row_set_shared_text(s, t, r, POD_STATUS, status);
	if (restarts && last > 0) {
		/* "3 (2m ago)" as kubectl prints it, the age kept true as time passes */
		char tmpl[48];
		snprintf(tmpl, sizeof(tmpl), "%d (%c ago)", restarts, AGE_SLOT);
		row_set_num_since(s, t, r, POD_RESTARTS, CELL_INT, restarts, tmpl, last);
		row_set_num(s, t, r, POD_LAST_RESTART, CELL_TIME, last, NULL);
	} else {
		kube_set_count(s, t, r, POD_RESTARTS, restarts, NULL);
		row_clear(s, t, r, POD_LAST_RESTART);
	}
	kube_set_time(s, t, r, POD_AGE, meta, "creationTimestamp");

	const char *ip = jn_str(st, "podIP");
	if (!has_text(ip))
		ip = jn_str(jn_idx(jn_arr(st, "podIPs"), 0), "ip");
	row_set_text_or_clear(s, t, r, POD_IP, ip);
	row_set_shared_text(s, t, r, POD_NODE, jn_str(spec, "nodeName"));

	char *labels = jn_map_text(jn_obj(meta, "labels"));
	row_set_shared_text(s, t, r, POD_LABELS, labels);
	free(labels);
	owner_text(meta, text, sizeof(text));
	row_set_shared_text(s, t, r, POD_OWNER, text);
	char *names = kube_join_field(jn_arr(spec, "containers"), "name");
	row_set_shared_text(s, t, r, POD_CONTAINERS, names);
	free(names);
	row_set_shared_text(s, t, r, POD_PHASE, jn_str(st, "phase"));
	struct buf ports;
	buf_init(&ports);
	const struct jnode *ctrs = jn_arr(spec, "containers");
	for (const struct jnode *c = jn_first(ctrs); c; c = jn_next(ctrs, c)) {
		const struct jnode *cp = jn_arr(c, "ports");
		for (const struct jnode *p = jn_first(cp); p; p = jn_next(cp, p)) {
			int64_t n;
			if (jn_int(p, "containerPort", &n))
				buf_printf(&ports, "%s%lld", ports.len ? "," : "", (long long)n);
		}
	}
	row_set_shared_text(s, t, r, POD_PORTS, ports.data);
	buf_cleanup(&ports);
	row_set_shared_text(s, t, r, POD_IMAGE, jn_str(jn_idx(ctrs, 0), "image"));
	struct buf d;
	buf_init(&d);
	buf_puts(&d, "");
	const struct jnode *css = jn_arr(st, "containerStatuses");
	for (const struct jnode *c = jn_first(css); c; c = jn_next(css, c)) {
		const char *digest = kube_image_digest(jn_str(c, "imageID"));
		if (digest && !strstr(d.data, digest))
			buf_printf(&d, "%s%s", d.len ? " " : "", digest);
	}
	/* the pods of one ReplicaSet run the same images: a shared text */
	row_set_shared_text(s, t, r, POD_DIGESTS, d.data);
	buf_cleanup(&d);
	/* a pod that has ended uses nothing: its last figures must not stay */
	const char *phase = jn_str(st, "phase");
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

static const struct jnode *status_named(const struct jnode *statuses, const char *name)
{
	for (size_t i = 0; i < jn_len(statuses); i++) {
		const struct jnode *c = jn_idx(statuses, i);
		const char *n = jn_str(c, "name");
		if (n && !strcmp(n, name))
			return c;
	}
	return NULL;
}

static void decode_container(struct store *s, struct rtable *t, const char *pod_id, const struct jnode *spec_c,
			     const struct jnode *cst)
{
	const char *name = jn_str(spec_c, "name");
	char *id = xasprintf("%s/%s", pod_id, name);
	struct row *r = rtable_upsert(s, t, id);
	free(id);
	row_set_text_or_clear(s, t, r, CTR_NAME, name);
	row_set_text_or_clear(s, t, r, CTR_POD, pod_id);
	row_set_text_or_clear(s, t, r, CTR_IMAGE, jn_str(spec_c, "image"));

	const struct jnode *state = jn_obj(cst, "state");
	const struct jnode *run = jn_obj(state, "running"), *wait = jn_obj(state, "waiting");
	const struct jnode *term = jn_obj(state, "terminated");
	char status[96];
	const char *st_name;
	int64_t started = 0;
	if (run) {
		st_name = "running";
		snprintf(status, sizeof(status), "Running");
		jn_time(run, "startedAt", &started);
	} else if (term) {
		st_name = "terminated";
		int64_t code = 0, sig = 0;
		jn_int(term, "exitCode", &code);
		jn_int(term, "signal", &sig);
		if (has_text(jn_str(term, "reason")))
			snprintf(status, sizeof(status), "%s", jn_str(term, "reason"));
		else if (code == 0 && sig == 0)
			snprintf(status, sizeof(status), "Completed");
		else
			exit_text(term, "", status, sizeof(status));
		jn_time(term, "startedAt", &started);
	} else {
		/* no status yet (not scheduled) reads as waiting too */
		st_name = "waiting";
		snprintf(status, sizeof(status), "%s",
			 has_text(jn_str(wait, "reason")) ? jn_str(wait, "reason") : "Pending");
	}
	row_set_text_or_clear(s, t, r, CTR_STATE, st_name);
	row_set_text_or_clear(s, t, r, CTR_STATUS, status);
	if (!run && cst) { /* a container that has stopped (or waits to start again) uses nothing */
		row_clear(s, t, r, CTR_CPU);
		row_clear(s, t, r, CTR_MEM);
	}
	if (cst) {
		row_set_text_or_clear(s, t, r, CTR_READY, jn_bool(cst, "ready") ? "true" : "false");
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
	const char *cid = jn_str(cst, "containerID");
	const char *sep = cid ? strstr(cid, "://") : NULL;
	char shortid[13] = "";
	if (sep)
		snprintf(shortid, sizeof(shortid), "%s", sep + 3);
	row_set_text_or_clear(s, t, r, CTR_ID, shortid);
	row_set_text_or_clear(s, t, r, CTR_DIGEST, kube_image_digest(jn_str(cst, "imageID")));
}

static void pod_id_of(const struct jnode *meta, char *out, size_t outlen)
{
	const char *ns = jn_str(meta, "namespace"), *name = jn_str(meta, "name");
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

void kube_decode_pod_containers(struct store *s, const struct jnode *pod)
{
	const struct jnode *meta = jn_obj(pod, "metadata"), *spec = jn_obj(pod, "spec"),
			   *st = jn_obj(pod, "status");
	if (!has_text(jn_str(meta, "name")))
		return;
	char pod_id[512];
	pod_id_of(meta, pod_id, sizeof(pod_id));
	struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	struct buf names;
	buf_init(&names);
	static const char *const groups[][2] = {{"initContainers", "initContainerStatuses"},
						{"containers", "containerStatuses"}};
	for (size_t g = 0; g < 2; g++) {
		const struct jnode *list = jn_arr(spec, groups[g][0]), *statuses = jn_arr(st, groups[g][1]);
		for (size_t i = 0; i < jn_len(list); i++) {
			const struct jnode *c = jn_idx(list, i);
			const char *name = jn_str(c, "name");
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
