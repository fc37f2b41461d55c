/* manifest.c: manifest, index and image config decoders (see manifest.h). */
#include "backends/registry/manifest.h"
#include "backends/codec/jsonget.h"
#include "backends/util/util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum mf_kind manifest_kind_of(const char *mt)
{
	if (!mt)
		return MF_UNKNOWN;
	size_t len = strcspn(mt, "; \t");
	static const struct {
		const char *type;
		enum mf_kind kind;
	} types[] = {
		{MT_OCI_INDEX, MF_OCI_INDEX},	  {MT_OCI_MANIFEST, MF_OCI_MANIFEST}, {MT_DOCKER_LIST, MF_DOCKER_LIST},
		{MT_DOCKER_V2, MF_DOCKER_V2},	  {MT_DOCKER_V1, MF_DOCKER_V1},	     {MT_DOCKER_V1_SIGNED, MF_DOCKER_V1},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].type) == len && !strncasecmp(mt, types[i].type, len))
			return types[i].kind;
	return MF_UNKNOWN;
}

const char *manifest_kind_text(enum mf_kind k)
{
	switch (k) {
	case MF_OCI_INDEX:
		return "OCI index";
	case MF_DOCKER_LIST:
		return "Docker list";
	case MF_OCI_MANIFEST:
		return "OCI";
	case MF_DOCKER_V2:
		return "Docker v2";
	case MF_DOCKER_V1:
		return "Docker v1";
	default:
		return "unknown";
	}
}

bool manifest_is_index(const struct manifest *m)
{
	return m->kind == MF_OCI_INDEX || m->kind == MF_DOCKER_LIST;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void read_desc(json_object *o, struct mf_desc *d)
{
	memset(d, 0, sizeof(*d));
	copy(d->media_type, sizeof(d->media_type), jsonget_str(o, "mediaType"));
	copy(d->digest, sizeof(d->digest), jsonget_str(o, "digest"));
	if (!jsonget_int(o, "size", &d->size))
		d->size = -1;
	json_object *p = jsonget_obj(o, "platform");
	copy(d->platform.os, sizeof(d->platform.os), jsonget_str(p, "os"));
	copy(d->platform.arch, sizeof(d->platform.arch), jsonget_str(p, "architecture"));
	copy(d->platform.variant, sizeof(d->platform.variant), jsonget_str(p, "variant"));
	const char *ref_type = jsonget_str(jsonget_obj(o, "annotations"), "vnd.docker.reference.type");
	d->attestation = (ref_type && !strcmp(ref_type, "attestation-manifest")) ||
			 (!strcmp(d->platform.os, "unknown") && !strcmp(d->platform.arch, "unknown"));
}

static struct mf_desc *read_descs(json_object *arr, size_t *n)
{
	*n = jsonget_len(arr);
	if (!*n)
		return NULL;
	struct mf_desc *out = xcalloc(*n, sizeof(*out));
	for (size_t i = 0; i < *n; i++)
		read_desc(jsonget_idx(arr, i), &out[i]);
	return out;
}

int manifest_decode(const char *body, size_t len, const char *content_type, struct manifest *m, char *err,
		    size_t errlen)
{
	memset(m, 0, sizeof(*m));
	struct json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return set_err(err, errlen, "the registry sent a manifest that is not a JSON object");
	}
	const char *body_type = jsonget_str(o, "mediaType");
	enum mf_kind k = manifest_kind_of(content_type);
	if (k == MF_UNKNOWN)
		k = manifest_kind_of(body_type);
	if (k == MF_UNKNOWN) {
		/* OCI made mediaType optional at first: the shape tells */
		if (jsonget_arr(o, "manifests"))
			k = MF_OCI_INDEX;
		else if (jsonget_obj(o, "config") && jsonget_arr(o, "layers"))
			k = MF_OCI_MANIFEST;
		else if (jsonget_arr(o, "fsLayers"))
			k = MF_DOCKER_V1;
	}
	if (k == MF_UNKNOWN) {
		set_err(err, errlen, "the registry sent a document of type %s, which is not an image manifest",
			content_type && *content_type ? content_type : body_type ? body_type : "(none)");
		json_object_put(o);
		return -1;
	}
	m->kind = k;
	copy(m->media_type, sizeof(m->media_type),
	     manifest_kind_of(content_type) == k && content_type ? content_type : body_type);
	if (!m->media_type[0])
		copy(m->media_type, sizeof(m->media_type),
		     k == MF_OCI_INDEX ? MT_OCI_INDEX : k == MF_OCI_MANIFEST ? MT_OCI_MANIFEST : "");
	m->media_type[strcspn(m->media_type, "; \t")] = '\0';
	if (k == MF_OCI_INDEX || k == MF_DOCKER_LIST) {
		m->manifests = read_descs(jsonget_arr(o, "manifests"), &m->nmanifests);
	} else if (k == MF_DOCKER_V1) {
		json_object *fs = jsonget_arr(o, "fsLayers");
		m->nlayers = jsonget_len(fs);
		m->layers = m->nlayers ? xcalloc(m->nlayers, sizeof(*m->layers)) : NULL;
		for (size_t i = 0; i < m->nlayers; i++) {
			copy(m->layers[i].digest, sizeof(m->layers[i].digest), jsonget_str(jsonget_idx(fs, i), "blobSum"));
			m->layers[i].size = -1;
		}
		m->config.size = -1;
		copy(m->config.platform.arch, sizeof(m->config.platform.arch), jsonget_str(o, "architecture"));
	} else {
		read_desc(jsonget_obj(o, "config"), &m->config);
		m->layers = read_descs(jsonget_arr(o, "layers"), &m->nlayers);
	}
	json_object_put(o);
	return 0;
}

void manifest_cleanup(struct manifest *m)
{
	if (!m)
		return;
	free(m->layers);
	free(m->manifests);
	memset(m, 0, sizeof(*m));
}

int64_t manifest_image_size(const struct manifest *m)
{
	if (manifest_is_index(m) || m->kind == MF_UNKNOWN || m->config.size < 0)
		return -1;
	int64_t total = m->config.size;
	for (size_t i = 0; i < m->nlayers; i++) {
		if (m->layers[i].size < 0)
			return -1;
		total += m->layers[i].size;
	}
	return total;
}

void manifest_platform_text(const struct mf_platform *p, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s%s%s", p->os[0] ? p->os : "?", p->arch[0] ? p->arch : "?", p->variant[0] ? "/" : "",
		 p->variant);
}

char *manifest_platforms(const struct manifest *m)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; manifest_is_index(m) && i < m->nmanifests; i++) {
		if (m->manifests[i].attestation)
			continue;
		char p[100];
		manifest_platform_text(&m->manifests[i].platform, p, sizeof(p));
		buf_printf(&b, "%s%s", b.len ? "," : "", p);
	}
	return buf_steal(&b);
}

const struct mf_desc *manifest_pick(const struct manifest *m, const char *os, const char *arch, const char *variant)
{
	const struct mf_desc *same_arch = NULL, *amd64 = NULL, *first = NULL;
	for (size_t i = 0; manifest_is_index(m) && i < m->nmanifests; i++) {
		const struct mf_desc *d = &m->manifests[i];
		if (d->attestation)
			continue;
		if (!first)
			first = d;
		if (!strcmp(d->platform.os, os) && !strcmp(d->platform.arch, arch)) {
			if (!strcmp(d->platform.variant, variant ? variant : ""))
				return d;
			if (!same_arch)
				same_arch = d;
		}
		if (!amd64 && !strcmp(d->platform.os, "linux") && !strcmp(d->platform.arch, "amd64"))
			amd64 = d;
	}
	return same_arch ? same_arch : amd64 ? amd64 : first;
}

int image_config_decode(const char *body, size_t len, struct image_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	struct json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return set_err(err, errlen, "the image config is not a JSON object");
	}
	int64_t t;
	if (jsonget_time(o, "created", JSONGET_RFC3339, &t))
		c->created = t;
	copy(c->platform.os, sizeof(c->platform.os), jsonget_str(o, "os"));
	copy(c->platform.arch, sizeof(c->platform.arch), jsonget_str(o, "architecture"));
	copy(c->platform.variant, sizeof(c->platform.variant), jsonget_str(o, "variant"));
	json_object_put(o);
	return 0;
}
