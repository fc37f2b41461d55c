/* edit.c: kubectl edit without kubectl. The object is fetched and handed
 * out as YAML (without managedFields, as kubectl shows it); the edited YAML
 * is read back as JSON and PUT whole, with the resourceVersion it was
 * fetched at, so a change someone made meanwhile is refused (409) instead
 * of overwritten. A rejection of the content (400, 422) asks for the editor
 * again, with the server's reasons, as kubectl edit does. */
#include "backends/codec/jdoc.h"
#include "backends/codec/jsonget.h"
#include "backends/codec/jsonyaml.h"
#include "backends/codec/yamljson.h"
#include "backends/kube/internal.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kedit {
	edit_text_fn text;
	edit_done_fn applied;
	void *arg;
	char name[256];
};

static char *object_url(struct kube *k, const char *kind, const char *id, char *name, size_t namelen)
{
	char ns[256];
	kube_split_id(id, ns, sizeof(ns), name, namelen);
	const struct kres *r = kube_res(k, kind);
	if (!r)
		return NULL;
	char *coll = kube_collection_path(k, r, ns);
	char *path = xasprintf("%s/%s", coll, name);
	free(coll);
	return path;
}

static void on_object(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kedit *x = c->ctx;
	char err[ERRLEN];
	if (!kube_ok(res)) {
		kube_result_error(c->k, res, "edit", err, sizeof(err));
		x->text(x->arg, NULL, err);
		free(x);
		return;
	}
	json_object *o = json_tokener_parse(res->body);
	json_object *meta = jsonget_obj(o, "metadata");
	if (meta)
		json_object_object_del(meta, "managedFields");
	const char *json = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
	char *yaml = json ? jsonyaml_convert(json, strlen(json), err, sizeof(err)) : NULL;
	if (yaml)
		x->text(x->arg, yaml, NULL);
	else
		x->text(x->arg, NULL, o ? err : "the API server sent an object that is not JSON");
	free(yaml);
	json_object_put(o);
	free(x);
}

void kube_edit_get(struct endpoint *ep, const char *kind, const char *id, edit_text_fn done, void *arg)
{
	struct kube *k = ep->priv;
	char name[256];
	char *path = k->phase == K_LIVE ? object_url(k, kind, id, name, sizeof(name)) : NULL;
	if (!path) {
		done(arg, NULL, k->phase != K_LIVE ? (ep->error[0] ? ep->error : "not connected to the API server")
						 : "this kind cannot be edited");
		return;
	}
	struct kedit *x = xcalloc(1, sizeof(*x));
	x->text = done;
	x->arg = arg;
	kube_call(k, "GET", path, NULL, NULL, 30000, on_object, NULL, x);
	free(path);
}

/* The causes of a 422 Invalid, one per line, as kubectl lists them. */
static void rejection(struct kube *k, const struct http_result *res, char *err, size_t errlen)
{
	kube_result_error(k, res, "edit", err, errlen);
	struct jnode *st = jdoc_parse(res->body, res->len, NULL, 0);
	const struct jnode *causes = jn_arr(jn_obj(st, "details"), "causes");
	size_t n = strlen(err);
	for (const struct jnode *c = jn_first(causes); c && n + 8 < errlen; c = jn_next(causes, c)) {
		const char *field = jn_str(c, "field"), *msg = jn_str(c, "message");
		n += (size_t)snprintf(err + n, errlen - n, "\n* %s%s%s", field ? field : "", field ? ": " : "",
				      msg ? msg : "");
	}
	jdoc_free(st);
}

static void on_put(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kedit *x = c->ctx;
	char err[ERRLEN * 4];
	if (kube_ok(res)) {
		log_msg("kube %s: edited %s", c->k->ep->name, c->base.path);
		x->applied(x->arg, NULL, false);
	} else if (res->status == 409) {
		/* the version edited is no longer the current one */
		snprintf(err, sizeof(err),
			 "%s was changed by someone else since it was opened for editing; your changes were not "
			 "applied (edit it again to start from the current version)",
			 x->name);
		x->applied(x->arg, err, false);
	} else if (res->status == 400 || res->status == 422) {
		rejection(c->k, res, err, sizeof(err));
		x->applied(x->arg, err, true);
	} else {
		kube_result_error(c->k, res, "edit", err, sizeof(err));
		x->applied(x->arg, err, false);
	}
	free(x);
}

void kube_edit_apply(struct endpoint *ep, const char *kind, const char *id, const char *text, edit_done_fn done,
		     void *arg)
{
	struct kube *k = ep->priv;
	char name[256], err[ERRLEN + 64];
	if (ep->readonly) {
		done(arg, "this endpoint is read-only", false);
		return;
	}
	char *path = k->phase == K_LIVE ? object_url(k, kind, id, name, sizeof(name)) : NULL;
	if (!path) {
		done(arg, ep->error[0] ? ep->error : "not connected to the API server", false);
		return;
	}
	char why[ERRLEN];
	char *json = yamljson_convert(text, strlen(text), why, sizeof(why));
	struct jnode *doc = json ? jdoc_parse(json, strlen(json), NULL, 0) : NULL;
	const char *edited = jn_str(jn_obj(doc, "metadata"), "name");
	if (!json) {
		snprintf(err, sizeof(err), "the edited text is not valid YAML: %s", why);
		done(arg, err, true);
	} else if (!doc || doc->type != JN_OBJECT) {
		done(arg, "the edited text is not an object", true);
	} else if (!edited || strcmp(edited, name)) {
		snprintf(err, sizeof(err), "metadata.name must stay \"%s\": an edit cannot rename an object", name);
		done(arg, err, true);
	} else {
		struct kedit *x = xcalloc(1, sizeof(*x));
		x->applied = done;
		x->arg = arg;
		snprintf(x->name, sizeof(x->name), "%s", name);
		kube_call(k, "PUT", path, json, "application/json", 30000, on_put, NULL, x);
	}
	jdoc_free(doc);
	free(json);
	free(path);
}
