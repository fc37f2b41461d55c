/* inspect.c: describe for the registry: a tag's manifest as sent, its
 * digest (of the exact bytes) and pinned reference, and for the image (or
 * each platform of an index) its layers with their sizes and its config
 * (entrypoint, cmd, env, labels, exposed ports, history) — fetched when
 * asked, not kept; a repository's tag list. The UI shows it as YAML. */
#include "backends/registry/internal.h"
#include "backends/codec/crypto.h"
#include "backends/registry/manifest.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_ACCEPT "application/vnd.oci.image.config.v1+json, application/vnd.docker.container.image.v1+json, */*"

struct inspect {
	void (*done)(void *arg, const char *json, const char *error);
	void *arg;
	char *repo;
	json_object *out;
	unsigned pending;
	bool failed;
};

/* One piece of the answer being filled: a platform, or the image itself. */
struct piece {
	struct inspect *x;
	json_object *slot;
};

static json_object *parse(const char *body, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	return o;
}

static void inspect_end(struct inspect *x)
{
	if (--x->pending)
		return;
	if (!x->failed)
		x->done(x->arg,
			json_object_to_json_string_ext(x->out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
								       JSON_C_TO_STRING_NOSLASHESCAPE),
			NULL);
	json_object_put(x->out);
	free(x->repo);
	free(x);
}

static void fail(struct inspect *x, const char *error)
{
	if (!x->failed)
		x->done(x->arg, NULL, error);
	x->failed = true;
}

static void request(struct reg *r, struct inspect *x, json_object *slot, const char *path, const char *accept,
		    reg_done_fn fn)
{
	struct piece *p = xcalloc(1, sizeof(*p));
	p->x = x;
	p->slot = slot;
	x->pending++;
	char *scope = reg_scope_pull(x->repo);
	reg_request(r, "GET", path, accept, scope, 0, fn, p);
	free(scope);
}

static void on_config(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct piece *p = ctx;
	(void)r;
	if (a->cancelled)
		fail(p->x, "the connection to the registry was lost");
	else if (a->error)
		json_object_object_add(p->slot, "configError", json_object_new_string(a->error));
	else {
		json_object *c = parse(a->body, a->len);
		json_object_object_add(p->slot, "config", c ? c : json_object_new_string("(not JSON)"));
	}
	inspect_end(p->x);
	free(p);
}

/* Layers with human sizes, the total, then the config, of an image manifest. */
static void describe_image(struct reg *r, struct inspect *x, json_object *slot, const struct manifest *m)
{
	json_object *layers = json_object_new_array();
	for (size_t i = 0; i < m->nlayers; i++) {
		json_object *l = json_object_new_object();
		json_object_object_add(l, "digest", json_object_new_string(m->layers[i].digest));
		if (m->layers[i].size >= 0) {
			char human[32];
			format_bytes(m->layers[i].size, human, sizeof(human));
			json_object_object_add(l, "size", json_object_new_int64(m->layers[i].size));
			json_object_object_add(l, "sizeText", json_object_new_string(human));
		}
		if (m->layers[i].media_type[0])
			json_object_object_add(l, "mediaType", json_object_new_string(m->layers[i].media_type));
		json_object_array_add(layers, l);
	}
	int64_t total = manifest_image_size(m);
	if (total >= 0) {
		char human[32];
		format_bytes(total, human, sizeof(human));
		json_object_object_add(slot, "compressedSize", json_object_new_string(human));
	}
	json_object_object_add(slot, "layers", layers);
	if (m->config.digest[0]) {
		json_object_object_add(slot, "configDigest", json_object_new_string(m->config.digest));
		char *path = xasprintf("/v2/%s/blobs/%s", x->repo, m->config.digest);
		request(r, x, slot, path, CONFIG_ACCEPT, on_config);
		free(path);
	}
}

static void on_child(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct piece *p = ctx;
	struct manifest m;
	char err[ERRLEN];
	if (a->cancelled) {
		fail(p->x, "the connection to the registry was lost");
	} else if (a->error) {
		json_object_object_add(p->slot, "error", json_object_new_string(a->error));
	} else if (manifest_decode(a->body, a->len, a->res ? http_result_header(a->res, "Content-Type") : NULL, &m, err,
				   sizeof(err)) < 0) {
		json_object_object_add(p->slot, "error", json_object_new_string(err));
	} else {
		json_object_object_add(p->slot, "mediaType", json_object_new_string(m.media_type));
		describe_image(r, p->x, p->slot, &m);
		manifest_cleanup(&m);
	}
	inspect_end(p->x);
	free(p);
}

static void on_manifest(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct piece *p = ctx;
	struct inspect *x = p->x;
	free(p);
	if (a->cancelled || a->error) {
		fail(x, a->cancelled ? "the connection to the registry was lost" : a->error);
		inspect_end(x);
		return;
	}
	char hex[65], *pinned;
	crypto_sha256_hex(a->body, a->len, hex);
	char digest[80];
	snprintf(digest, sizeof(digest), "sha256:%s", hex);
	const char *ref = json_object_get_string(json_object_object_get(x->out, "reference"));
	const char *colon = strrchr(ref, ':'), *slash = strrchr(ref, '/');
	pinned = xasprintf("%.*s@%s", (int)(colon && colon > slash ? colon - ref : (long)strlen(ref)), ref, digest);
	json_object_object_add(x->out, "digest", json_object_new_string(digest));
	json_object_object_add(x->out, "pinned", json_object_new_string(pinned));
	free(pinned);
	struct manifest m;
	char err[ERRLEN];
	const char *ctype = a->res ? http_result_header(a->res, "Content-Type") : NULL;
	if (manifest_decode(a->body, a->len, ctype, &m, err, sizeof(err)) < 0) {
		fail(x, err);
		inspect_end(x);
		return;
	}
	json_object_object_add(x->out, "mediaType", json_object_new_string(m.media_type));
	json_object_object_add(x->out, "type", json_object_new_string(manifest_kind_text(m.kind)));
	json_object_object_add(x->out, "manifestBytes", json_object_new_int64((int64_t)a->len));
	json_object *raw = parse(a->body, a->len);
	if (manifest_is_index(&m)) {
		json_object *plats = json_object_new_array();
		json_object_object_add(x->out, "platforms", plats);
		for (size_t i = 0; i < m.nmanifests; i++) {
			const struct mf_desc *d = &m.manifests[i];
			json_object *slot = json_object_new_object();
			char pt[100];
			manifest_platform_text(&d->platform, pt, sizeof(pt));
			json_object_object_add(slot, "platform", json_object_new_string(d->attestation ? "attestation" : pt));
			json_object_object_add(slot, "digest", json_object_new_string(d->digest));
			json_object_array_add(plats, slot);
			if (d->attestation || !d->digest[0])
				continue;
			char *path = xasprintf("/v2/%s/manifests/%s", x->repo, d->digest);
			request(r, x, slot, path, MANIFEST_ACCEPT, on_child);
			free(path);
		}
	} else {
		describe_image(r, x, x->out, &m);
	}
	json_object_object_add(x->out, "manifest", raw ? raw : json_object_new_string("(not JSON)"));
	manifest_cleanup(&m);
	inspect_end(x);
}

static void on_taglist(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct piece *p = ctx;
	struct inspect *x = p->x;
	(void)r;
	free(p);
	if (a->cancelled || a->error)
		fail(x, a->cancelled ? "the connection to the registry was lost" : a->error);
	else {
		json_object *o = parse(a->body, a->len);
		json_object_object_add(x->out, "tags", json_object_get(json_object_object_get(o, "tags")));
		json_object_put(o);
	}
	inspect_end(x);
}

void reg_inspect(struct endpoint *ep, const char *kind, const char *id,
		 void (*done)(void *arg, const char *json, const char *error), void *arg)
{
	struct reg *r = ep->priv;
	if (r->phase != RP_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to the registry yet");
		return;
	}
	struct inspect *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	x->out = json_object_new_object();
	x->pending = 1; /* this function's own, ended below */
	bool tag = !strcmp(kind, KIND_TAGS);
	x->repo = tag ? reg_tag_repo(id) : xstrdup(id);
	char *ref = xasprintf("%s/%s", r->host, id);
	json_object_object_add(x->out, "reference", json_object_new_string(ref));
	free(ref);
	char *path;
	if (tag) {
		path = xasprintf("/v2/%s/manifests/%s", x->repo, strrchr(id, ':') + 1);
		request(r, x, x->out, path, MANIFEST_ACCEPT, on_manifest);
	} else {
		json_object_object_add(x->out, "repository", json_object_new_string(id));
		path = xasprintf("/v2/%s/tags/list", x->repo);
		request(r, x, x->out, path, "application/json", on_taglist);
	}
	free(path);
	inspect_end(x);
}
