/* batch.c: the incident actions on jobs, cronjobs and secrets, as kubectl
 * does them. A cronjob runs now the way `kubectl create job --from=cronjob/X`
 * does it: a Job from its jobTemplate, named X-manual-<suffix>, owned by the
 * cronjob and annotated cronjob.kubernetes.io/instantiate=manual. Suspend
 * toggles spec.suspend (a merge patch). A secret's values are fetched and
 * decoded only when asked, for the text viewer: never logged, never kept. */
#include "backends/codec/crypto.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct batch_ctx {
	action_done_fn done;
	edit_text_fn text;
	void *arg;
	char ns[256], name[256];
};

static void on_simple(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct batch_ctx *x = c->ctx;
	char err[ERRLEN];
	if (kube_ok(res)) {
		x->done(x->arg, NULL);
	} else {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		x->done(x->arg, err);
	}
	free(x);
}

/* ---- a cronjob's job, now ---- */

static json_object *owner_ref(json_object *cj)
{
	json_object *ref = json_object_new_object(), *meta = jsonget_obj(cj, "metadata");
	json_object_object_add(ref, "apiVersion", json_object_new_string("batch/v1"));
	json_object_object_add(ref, "kind", json_object_new_string("CronJob"));
	json_object_object_add(ref, "name", json_object_new_string(jsonget_str(meta, "name") ? jsonget_str(meta, "name") : ""));
	json_object_object_add(ref, "uid", json_object_new_string(jsonget_str(meta, "uid") ? jsonget_str(meta, "uid") : ""));
	json_object_object_add(ref, "controller", json_object_new_boolean(1));
	json_object_object_add(ref, "blockOwnerDeletion", json_object_new_boolean(1));
	json_object *refs = json_object_new_array();
	json_object_array_add(refs, ref);
	return refs;
}

static void on_cronjob(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct batch_ctx *x = c->ctx;
	char err[ERRLEN];
	json_object *cj = kube_ok(res) ? json_tokener_parse(res->body) : NULL;
	json_object *tpl = jsonget_obj(jsonget_obj(cj, "spec"), "jobTemplate");
	if (!tpl) {
		if (!kube_ok(res))
			kube_result_error(c->k, res, NULL, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "the cronjob has no jobTemplate");
		x->done(x->arg, err);
		json_object_put(cj);
		free(x);
		return;
	}
	/* a name like kubectl's: the cronjob's (cut to fit), -manual-, a suffix */
	static const char alnum[] = "bcdfghjklmnpqrstvwxz2456789";
	char suffix[6];
	unsigned seed = (unsigned)mono_ms() ^ (unsigned)(uintptr_t)x;
	for (int i = 0; i < 5; i++) {
		seed = seed * 1103515245u + 12345u;
		suffix[i] = alnum[(seed >> 16) % (sizeof(alnum) - 1)];
	}
	suffix[5] = '\0';
	char *name = xasprintf("%.48s-manual-%s", x->name, suffix);
	json_object *job = json_object_new_object(), *meta = json_object_new_object(), *ann = json_object_new_object();
	json_object_object_add(job, "apiVersion", json_object_new_string("batch/v1"));
	json_object_object_add(job, "kind", json_object_new_string("Job"));
	json_object_object_add(meta, "name", json_object_new_string(name));
	json_object_object_add(meta, "namespace", json_object_new_string(x->ns));
	json_object_object_add(ann, "cronjob.kubernetes.io/instantiate", json_object_new_string("manual"));
	json_object_object_add(meta, "annotations", ann);
	json_object *labels = jsonget_obj(jsonget_obj(tpl, "metadata"), "labels");
	if (labels)
		json_object_object_add(meta, "labels", json_object_get(labels));
	json_object_object_add(meta, "ownerReferences", owner_ref(cj));
	json_object_object_add(job, "metadata", meta);
	json_object *spec = jsonget_obj(tpl, "spec");
	json_object_object_add(job, "spec", spec ? json_object_get(spec) : json_object_new_object());
	char *path = xasprintf("/apis/batch/v1/namespaces/%s/jobs", x->ns);
	log_msg("kube %s: starting job %s/%s from cronjob %s", c->k->ep->name, x->ns, name, x->name);
	kube_call(c->k, "POST", path, json_object_to_json_string(job), "application/json", 30000, on_simple, NULL, x);
	free(path);
	free(name);
	json_object_put(job);
	json_object_put(cj);
}

/* ---- a secret's values ---- */

static bool readable(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] < 0x20 && s[i] != '\n' && s[i] != '\t' && s[i] != '\r') || s[i] == 0x7f)
			return false;
	return true;
}

static void on_secret(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct batch_ctx *x = c->ctx;
	char err[ERRLEN];
	json_object *sec = kube_ok(res) ? json_tokener_parse(res->body) : NULL;
	if (!sec) {
		if (!kube_ok(res))
			kube_result_error(c->k, res, NULL, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "the API server sent a secret that is not JSON");
		x->text(x->arg, NULL, err);
		free(x);
		return;
	}
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "# %s/%s, type %s: its values, decoded. Nothing of this is kept or logged.\n\n", x->ns, x->name,
		   jsonget_str(sec, "type") ? jsonget_str(sec, "type") : "Opaque");
	json_object *data = jsonget_obj(sec, "data");
	if (!data || !json_object_object_length(data))
		buf_puts(&b, "(no data)\n");
	json_object_object_foreach(data, key, val)
	{
		const char *enc = json_object_is_type(val, json_type_string) ? json_object_get_string(val) : "";
		size_t n = 0;
		char *plain = crypto_base64_decode(enc, strlen(enc), &n);
		if (!plain)
			buf_printf(&b, "%s: (not valid base64)\n", key);
		else if (!readable((const unsigned char *)plain, n))
			buf_printf(&b, "%s: (%zu bytes of binary data)\n", key, n);
		else if (memchr(plain, '\n', n)) {
			buf_printf(&b, "%s: |\n", key);
			for (const char *p = plain, *end = plain + n; p < end;) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
				buf_printf(&b, "  %.*s\n", (int)len, p);
				p += len + (nl != NULL);
			}
		} else {
			buf_printf(&b, "%s: %.*s\n", key, (int)n, plain);
		}
		if (plain) {
			memset(plain, 0, n);
			free(plain);
		}
	}
	x->text(x->arg, b.data, NULL);
	memset(b.data, 0, b.len);
	buf_cleanup(&b);
	json_object_put(sec);
	free(x);
}

void kube_act_text(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
		   edit_text_fn done, void *arg)
{
	struct kube *k = ep->priv;
	(void)input;
	if (!k->creds || k->phase != K_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to the API server");
		return;
	}
	if (strcmp(a->name, "decode")) {
		done(arg, NULL, "this action is not available here");
		return;
	}
	struct batch_ctx *x = xcalloc(1, sizeof(*x));
	x->text = done;
	x->arg = arg;
	kube_split_id(id, x->ns, sizeof(x->ns), x->name, sizeof(x->name));
	char *path = xasprintf("/api/v1/namespaces/%s/secrets/%s", x->ns, x->name);
	kube_call(k, "GET", path, NULL, NULL, 30000, on_secret, NULL, x);
	free(path);
}

/* ---- dispatch ---- */

bool kube_batch_act(struct kube *k, const struct backend_action *a, const char *id, const char *input,
		    action_done_fn done, void *arg)
{
	(void)input;
	bool trigger = !strcmp(a->name, "trigger"), suspend = !strcmp(a->name, "suspend");
	if (!trigger && !suspend)
		return false;
	struct batch_ctx *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	kube_split_id(id, x->ns, sizeof(x->ns), x->name, sizeof(x->name));
	char *path = xasprintf("/apis/batch/v1/namespaces/%s/cronjobs/%s", x->ns, x->name);
	if (trigger) {
		kube_call(k, "GET", path, NULL, NULL, 30000, on_cronjob, NULL, x);
	} else {
		/* the SUSPEND column says where it is now */
		struct rtable *t = store_find_table(k->ep->store, a->kind);
		struct row *r = t ? rtable_find(t, id) : NULL;
		bool now = r && !strcasecmp(row_text(r, GT_AUX0), "true");
		kube_call(k, "PATCH", path, now ? "{\"spec\":{\"suspend\":false}}" : "{\"spec\":{\"suspend\":true}}",
			  "application/merge-patch+json", 30000, on_simple, NULL, x);
		endpoint_note(k->ep, NOTE_INFO, "%s cronjob %s", now ? "resuming" : "suspending", x->name);
	}
	free(path);
	return true;
}
