/* rollout.c: changing what a workload runs, as kubectl does it. Set image
 * (`kubectl set image deploy/web app=nginx:1.28`) is a strategic merge
 * patch of the pod template's container, by name. Roll back (`kubectl
 * rollout undo --to-revision=N`) finds the deployment's ReplicaSet of that
 * revision and puts its pod template (without the pod-template-hash label
 * the controller adds) back into the deployment with a JSON patch. */
#include "backends/codec/jdoc.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct roll_ctx {
	action_done_fn done;
	void *arg;
	char ns[256], name[256];
	long revision;  /* wanted; 0 = the one before the current */
	long current;
};

static void finish(struct roll_ctx *x, const char *error)
{
	x->done(x->arg, error);
	free(x);
}

static void on_simple(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	char err[ERRLEN];
	if (kube_ok(res)) {
		finish(c->ctx, NULL);
	} else {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(c->ctx, err);
	}
}

/* ---- set image ---- */

/* "CONTAINER=IMAGE", or "IMAGE" for a workload of one container. */
static void set_image(struct kube *k, struct row *r, const char *path, const char *input, struct roll_ctx *x)
{
	char container[256], image[512];
	const char *eq = strchr(input, '=');
	const char *names = r ? row_text(r, WL_CONTAINERS) : "";
	if (eq) {
		snprintf(container, sizeof(container), "%.*s", (int)(eq - input), input);
		snprintf(image, sizeof(image), "%s", eq + 1);
	} else if (*names && !strchr(names, ',')) {
		snprintf(container, sizeof(container), "%s", names);
		snprintf(image, sizeof(image), "%s", input);
	} else {
		finish(x, "name the container: CONTAINER=IMAGE");
		return;
	}
	/* the container must be one of the template's: a patch would add one */
	bool known = false;
	for (const char *p = names; *p && !known;) {
		size_t n = strcspn(p, ",");
		known = n == strlen(container) && !strncmp(p, container, n);
		p += n + (p[n] == ',');
	}
	if (!known || !*image || strpbrk(image, " \t\"\\")) {
		char err[ERRLEN + 300];
		snprintf(err, sizeof(err), !known ? "%s has no container \"%s\" (it has: %s)" : "\"%s\" is not an image",
			 !known ? x->name : image, container, names);
		finish(x, err);
		return;
	}
	json_object *patch = json_object_new_object(), *spec = json_object_new_object(), *tpl = json_object_new_object(),
		    *pspec = json_object_new_object(), *ctrs = json_object_new_array(), *c = json_object_new_object();
	json_object_object_add(c, "name", json_object_new_string(container));
	json_object_object_add(c, "image", json_object_new_string(image));
	json_object_array_add(ctrs, c);
	json_object_object_add(pspec, "containers", ctrs);
	json_object_object_add(tpl, "spec", pspec);
	json_object_object_add(spec, "template", tpl);
	json_object_object_add(patch, "spec", spec);
	log_msg("kube %s: set image %s/%s %s=%s", k->ep->name, x->ns, x->name, container, image);
	kube_call(k, "PATCH", path, json_object_to_json_string(patch), "application/strategic-merge-patch+json", 30000,
		  on_simple, NULL, x);
	json_object_put(patch);
}

/* ---- roll back ---- */

static bool owned_by(const struct jnode *rs, const char *deployment)
{
	const struct jnode *owners = jn_arr(jn_obj(rs, "metadata"), "ownerReferences");
	for (const struct jnode *o = jn_first(owners); o; o = jn_next(owners, o)) {
		const char *kind = jn_str(o, "kind"), *name = jn_str(o, "name");
		if (kind && name && !strcmp(kind, "Deployment") && !strcmp(name, deployment))
			return true;
	}
	return false;
}

static long revision_of(const struct jnode *rs)
{
	const char *v = jn_str(jn_obj(jn_obj(rs, "metadata"), "annotations"), "deployment.kubernetes.io/revision");
	return v ? strtol(v, NULL, 10) : 0;
}

static void on_replicasets(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct roll_ctx *x = c->ctx;
	char err[ERRLEN + 600];
	if (!kube_ok(res)) {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(x, err);
		return;
	}
	struct jnode *list = jdoc_parse(res->body, res->len, NULL, 0);
	const struct jnode *items = jn_arr(list, "items"), *pick = NULL;
	long want = x->revision, best = 0;
	struct buf have;
	buf_init(&have);
	buf_puts(&have, "");
	for (const struct jnode *rs = jn_first(items); rs; rs = jn_next(items, rs)) {
		if (!owned_by(rs, x->name))
			continue;
		long rev = revision_of(rs);
		buf_printf(&have, "%s%ld", have.len ? ", " : "", rev);
		/* 0: the newest revision before the current one */
		if ((want && rev == want) || (!want && rev < x->current && rev > best)) {
			pick = rs;
			best = rev;
		}
	}
	if (!pick || (want && want == x->current)) {
		if (want && want == x->current)
			snprintf(err, sizeof(err), "%s is at revision %ld already", x->name, want);
		else if (want)
			snprintf(err, sizeof(err), "%s has no revision %ld (it has %s)", x->name, want,
				 have.len ? have.data : "none");
		else
			snprintf(err, sizeof(err), "%s has no revision before %ld to go back to", x->name, x->current);
		finish(x, err);
	} else {
		/* the template as the ReplicaSet has it, minus what the controller added */
		char *tpl = jn_to_json(jn_obj(jn_obj(pick, "spec"), "template"));
		json_object *t = json_tokener_parse(tpl);
		json_object *labels = jsonget_obj(jsonget_obj(t, "metadata"), "labels");
		if (labels)
			json_object_object_del(labels, "pod-template-hash");
		char *body = xasprintf("[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":%s}]",
				       json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN));
		char *path = xasprintf("/apis/apps/v1/namespaces/%s/deployments/%s", x->ns, x->name);
		log_msg("kube %s: rolling %s/%s back to revision %ld", c->k->ep->name, x->ns, x->name, revision_of(pick));
		endpoint_note(c->k->ep, NOTE_INFO, "rolling %s back to revision %ld", x->name, revision_of(pick));
		kube_call(c->k, "PATCH", path, body, "application/json-patch+json", 30000, on_simple, NULL, x);
		free(path);
		free(body);
		json_object_put(t);
		free(tpl);
	}
	buf_cleanup(&have);
	jdoc_free(list);
}

static void rollback(struct kube *k, struct row *r, const char *input, struct roll_ctx *x)
{
	char *end = NULL;
	long want = input ? strtol(input, &end, 10) : 0;
	if (!input || !end || *end || want < 0) {
		finish(x, "the revision must be a number (0 = the one before the current)");
		return;
	}
	x->revision = want;
	x->current = r && r->cells[WL_REVISION].type == CELL_INT ? (long)r->cells[WL_REVISION].num : 0;
	const char *sel = r ? row_text(r, WL_SELECTOR) : "";
	char *esel = http_escape(sel, strlen(sel));
	char *path = xasprintf("/apis/apps/v1/namespaces/%s/replicasets?labelSelector=%s", x->ns, esel);
	kube_call(k, "GET", path, NULL, NULL, 30000, on_replicasets, NULL, x);
	free(path);
	free(esel);
}

bool kube_rollout_act(struct kube *k, const struct backend_action *a, const char *id, const char *input,
		      action_done_fn done, void *arg)
{
	bool image = !strcmp(a->name, "set_image"), back = !strcmp(a->name, "rollback");
	if (!image && !back)
		return false;
	struct roll_ctx *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	kube_split_id(id, x->ns, sizeof(x->ns), x->name, sizeof(x->name));
	struct rtable *t = store_find_table(k->ep->store, a->kind);
	struct row *r = t ? rtable_find(t, id) : NULL;
	if (image) {
		const struct kres *res = kube_res(k, a->kind);
		char *coll = res ? kube_collection_path(k, res, x->ns) : NULL;
		char *path = coll ? xasprintf("%s/%s", coll, x->name) : NULL;
		if (path)
			set_image(k, r, path, input ? input : "", x);
		else
			finish(x, "binnacle does not know where this object lives");
		free(coll);
		free(path);
	} else {
		rollback(k, r, input, x);
	}
	return true;
}

/* ---- what the dialogs start from ---- */

/* "app=nginx:1.27": the first container and its image. */
void kube_image_now(const struct row *r, char *out, size_t outlen)
{
	const char *names = row_text(r, WL_CONTAINERS), *images = row_text(r, WL_IMAGES);
	size_t n = strcspn(names, ","), m = strcspn(images, ",");
	snprintf(out, outlen, "%.*s=%.*s", (int)n, names, (int)m, images);
}

/* The other containers, when there are several. */
void kube_image_note(const struct row *r, char *out, size_t outlen)
{
	const char *names = row_text(r, WL_CONTAINERS), *images = row_text(r, WL_IMAGES);
	out[0] = '\0';
	if (!strchr(names, ','))
		return;
	size_t used = (size_t)snprintf(out, outlen, "containers:");
	while (*names && used < outlen) {
		size_t n = strcspn(names, ","), m = strcspn(images, ",");
		used += (size_t)snprintf(out + used, outlen - used, " %.*s=%.*s", (int)n, names, (int)m, images);
		names += n + (names[n] == ',');
		images += m + (images[m] == ',');
	}
}

/* The current revision; the user types the one to go back to. */
void kube_revision_now(const struct row *r, char *out, size_t outlen)
{
	const struct cell *c = &r->cells[WL_REVISION];
	if (c->type == CELL_INT)
		snprintf(out, outlen, "%lld", (long long)c->num);
	else
		snprintf(out, outlen, "%s", "");
}

void kube_revision_note(const struct row *r, char *out, size_t outlen)
{
	(void)r;
	snprintf(out, outlen, "0 goes back to the revision before it");
}
