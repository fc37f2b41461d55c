/* decode_images.c: the Docker image list and the engine host (/info and
 * /version) into rows of the resource store, and the images' in-use counts
 * derived from the containers table. */
#include "backends/docker/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/model/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* Podman and old engines disagree on the prefix of image ids: compare without it. */
static const char *strip_sha256(const char *s)
{
	return s && str_starts(s, "sha256:") ? s + 7 : s;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- images ---- */

static void set_inuse(struct store *s, struct rtable *t, struct row *r, int64_t count)
{
	char text[32];
	if (count > 0)
		snprintf(text, sizeof(text), "yes (%lld)", (long long)count);
	else
		snprintf(text, sizeof(text), "no");
	row_set_num(s, t, r, IMG_INUSE, CELL_INT, count, text);
}

/* Each container's image digests (CTR_DIGEST), from its image's row:
 * containers are listed with the image's id, RepoDigests come with images. */
static void refresh_container_digests(struct store *s, struct rtable *it, struct rtable *ct)
{
	for (size_t i = 0; i < ct->len; i++) {
		struct row *c = ct->rows[i];
		if (c->gone_ms)
			continue;
		const char *want = strip_sha256(row_text(c, CTR_IMAGEID));
		const char *digests = NULL;
		for (size_t j = 0; *want && j < it->len && !digests; j++) {
			struct row *img = it->rows[j];
			if (!img->gone_ms && !strcmp(strip_sha256(row_text(img, IMG_FULLID)), want) &&
			    *row_text(img, IMG_DIGESTS))
				digests = row_text(img, IMG_DIGESTS);
		}
		row_set_text_or_clear(s, ct, c, CTR_DIGEST, digests);
	}
}

void docker_decode_refresh_image_usage(struct store *s)
{
	struct rtable *it = store_find_table(s, KIND_IMAGES);
	if (!it)
		return;
	struct rtable *cts = store_find_table(s, KIND_CONTAINERS);
	if (cts)
		refresh_container_digests(s, it, cts);
	struct rtable *ct = store_find_table(s, KIND_CONTAINERS);
	if (!ct || !ct->synced) {
		/* "no" before the containers are known would invite a wrong delete */
		for (size_t i = 0; i < it->len; i++)
			row_clear(s, it, it->rows[i], IMG_INUSE);
		return;
	}
	const char **ids = NULL;
	size_t n = 0;
	if (ct->len) {
		ids = xcalloc(ct->len, sizeof(*ids));
		for (size_t i = 0; i < ct->len; i++) {
			const struct row *r = ct->rows[i];
			const char *id = strip_sha256(row_text(r, CTR_IMAGEID));
			if (!r->gone_ms && *id)
				ids[n++] = id;
		}
		qsort(ids, n, sizeof(*ids), cmp_strp);
	}
	for (size_t i = 0; i < it->len; i++) {
		struct row *r = it->rows[i];
		if (r->gone_ms)
			continue;
		const char *full = strip_sha256(row_text(r, IMG_FULLID));
		int64_t count = 0;
		if (*full && n) {
			/* lower bound, then count the run of equal ids */
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(ids[mid], full) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			while (lo < n && !strcmp(ids[lo], full)) {
				count++;
				lo++;
			}
		}
		set_inuse(s, it, r, count);
	}
	free(ids);
}

/* Length of the repository part of "repo:tag" (the ':' after the last '/'). */
static size_t tag_repo_len(const char *tag)
{
	const char *slash = strrchr(tag, '/');
	const char *colon = strrchr(slash ? slash : tag, ':');
	return colon ? (size_t)(colon - tag) : strlen(tag);
}

/* The digest ("sha256:...") for repo from RepoDigests ("repo@sha256:..."),
 * falling back to the first one; NULL when there is none. */
static const char *image_digest(struct json_object *digests, const char *repo, size_t repolen)
{
	size_t n = jsonget_len(digests);
	const char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(digests, i);
		const char *d = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		const char *at = d ? strchr(d, '@') : NULL;
		if (!at || !strcmp(at + 1, "<none>"))
			continue;
		if (!first)
			first = at + 1;
		if (repo && (size_t)(at - d) == repolen && !strncmp(d, repo, repolen))
			return at + 1;
	}
	return first;
}

/* Every digest of RepoDigests ("repo@sha256:..."), once each, space-separated; owned. */
static char *all_digests(struct json_object *digests)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; i < jsonget_len(digests); i++) {
		struct json_object *v = json_object_array_get_idx(digests, i);
		const char *d = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		const char *at = d ? strchr(d, '@') : NULL;
		if (!at || !str_starts(at + 1, "sha256:"))
			continue;
		const char *found = strstr(b.data, at + 1);
		if (found && (found[strlen(at + 1)] == ' ' || !found[strlen(at + 1)]))
			continue;
		buf_printf(&b, "%s%s", b.len ? " " : "", at + 1);
	}
	return buf_steal(&b);
}

static void fill_image_row(struct store *s, struct rtable *t, struct json_object *img, const char *id,
			   const char *name)
{
	char *rowid = xasprintf("%s|%s", id, name);
	struct row *r = rtable_upsert(s, t, rowid);
	free(rowid);
	row_set_text(s, t, r, IMG_NAME, name);
	char shortid[13];
	docker_decode_copy(shortid, sizeof(shortid), strip_sha256(id));
	row_set_text(s, t, r, IMG_ID, shortid);
	int64_t v;
	if (jsonget_int(img, "Size", &v) || jsonget_int(img, "VirtualSize", &v))
		row_set_num(s, t, r, IMG_SIZE, CELL_BYTES, v, NULL);
	else
		row_clear(s, t, r, IMG_SIZE);
	if (jsonget_time(img, "Created", JSONGET_RFC3339_OR_UNIX, &v))
		row_set_num(s, t, r, IMG_CREATED, CELL_TIME, v, NULL);
	else
		row_clear(s, t, r, IMG_CREATED);
	row_set_text(s, t, r, IMG_FULLID, id);
	bool untagged = str_ends(name, ":<none>");
	size_t repolen = tag_repo_len(name);
	row_set_text_or_clear(s, t, r, IMG_DIGEST,
			  image_digest(jsonget_arr(img, "RepoDigests"), untagged ? NULL : name, repolen));
	char *all = all_digests(jsonget_arr(img, "RepoDigests"));
	row_set_text_or_clear(s, t, r, IMG_DIGESTS, all);
	free(all);
}

static void decode_image(struct store *s, struct rtable *t, struct json_object *img)
{
	const char *id = jsonget_str(img, "Id");
	if (!json_object_is_type(img, json_type_object) || !id || !*id)
		return;
	struct json_object *tags = jsonget_arr(img, "RepoTags");
	size_t n = jsonget_len(tags), rows = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(tags, i);
		const char *tag = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		if (!tag || !*tag || !strcmp(tag, "<none>:<none>"))
			continue;
		fill_image_row(s, t, img, id, tag);
		rows++;
	}
	if (rows)
		return;
	/* untagged: name it after a repo digest if one exists, as `docker images` does */
	struct json_object *digests = jsonget_arr(img, "RepoDigests");
	size_t nd = jsonget_len(digests);
	char *name = NULL;
	for (size_t i = 0; i < nd; i++) {
		struct json_object *jd = json_object_array_get_idx(digests, i);
		const char *d = json_object_is_type(jd, json_type_string) ? json_object_get_string(jd) : NULL;
		const char *at = d ? strchr(d, '@') : NULL;
		if (at && at > d && !(at - d == 6 && !strncmp(d, "<none>", 6))) {
			name = xasprintf("%.*s:<none>", (int)(at - d), d);
			break;
		}
	}
	fill_image_row(s, t, img, id, name ? name : "<none>:<none>");
	free(name);
}

int docker_decode_images(struct store *s, const char *json, size_t len, char *err, size_t errlen)
{
	return docker_decode_relist(s, json, len, "an image list", KIND_IMAGES, IMG_NCELLS, decode_image, err,
				    errlen);
}

/* ---- the engine host ---- */

static bool is_podman(struct json_object *info, struct json_object *version)
{
	struct json_object *comps = jsonget_arr(version, "Components");
	size_t n = jsonget_len(comps);
	for (size_t i = 0; i < n; i++) {
		const char *nm = jsonget_str(json_object_array_get_idx(comps, i), "Name");
		if (nm && str_casestr(nm, "podman"))
			return true;
	}
	/* Podman's compat /info extends Docker's with these */
	return jsonget_field(info, "BuildahVersion") || jsonget_field(info, "Rootless");
}

static const char *engine_version(struct json_object *info, struct json_object *version)
{
	const char *v = jsonget_str(version, "Version");
	if (v && *v)
		return v;
	struct json_object *comps = jsonget_arr(version, "Components");
	size_t n = jsonget_len(comps);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(comps, i);
		const char *nm = jsonget_str(c, "Name");
		if (nm && (!strcmp(nm, "Engine") || str_casestr(nm, "podman")) && jsonget_str(c, "Version"))
			return jsonget_str(c, "Version");
	}
	v = jsonget_str(info, "ServerVersion");
	return v ? v : "";
}

int docker_decode_info(struct store *s, const char *info_json, size_t info_len, const char *version_json,
		       size_t version_len, struct docker_engine_info *out, char *err, size_t errlen)
{
	struct json_object *info = docker_decode_parse(info_json, info_len, "a system description", err, errlen);
	if (!info)
		return -1;
	if (!json_object_is_type(info, json_type_object)) {
		json_object_put(info);
		return set_err(err, errlen, "the engine sent a system description that is not a JSON object");
	}
	struct json_object *version = NULL;
	if (version_json) {
		version = docker_decode_parse(version_json, version_len, "a version description", err, errlen);
		if (!version || !json_object_is_type(version, json_type_object)) {
			if (version)
				set_err(err, errlen, "the engine sent a version description that is not a JSON object");
			json_object_put(version);
			json_object_put(info);
			return -1;
		}
	}

	bool podman = is_podman(info, version);
	const char *product = podman ? "Podman" : "Docker";
	const char *ver = engine_version(info, version);
	const char *name = jsonget_str(info, "Name") ? jsonget_str(info, "Name") : "";
	const char *id = jsonget_str(info, "ID");
	/* Podman invents a fresh random ID on every /info call: key by host name */
	const char *rowid = !podman && id && *id ? id : *name ? name : id && *id ? id : "engine";

	const char *os = jsonget_str(info, "OperatingSystem") ? jsonget_str(info, "OperatingSystem") : "";
	const char *osver = jsonget_str(info, "OSVersion");
	char osbuf[256];
	if (osver && *osver && !strstr(os, osver))
		snprintf(osbuf, sizeof(osbuf), "%s%s%s", os, *os ? " " : "", osver);
	else
		snprintf(osbuf, sizeof(osbuf), "%s", os);

	struct rtable *t = store_table(s, KIND_NODES, NODE_NCELLS);
	rtable_relist_begin(t);
	struct row *r = rtable_upsert(s, t, rowid);
	row_set_text_or_clear(s, t, r, NODE_NAME, *name ? name : rowid);
	row_set_text(s, t, r, NODE_STATUS, "Ready");
	row_set_text(s, t, r, NODE_ROLES, "engine");
	char vbuf[96];
	snprintf(vbuf, sizeof(vbuf), "%s%s%s", product, *ver ? " " : "", ver);
	row_set_text(s, t, r, NODE_VERSION, vbuf);
	row_set_text_or_clear(s, t, r, NODE_OS, osbuf);
	row_set_text_or_clear(s, t, r, NODE_KERNEL, jsonget_str(info, "KernelVersion"));
	row_set_text_or_clear(s, t, r, NODE_ARCH, jsonget_str(info, "Architecture"));
	int64_t v, total;
	char num[48];
	if (jsonget_int(info, "NCPU", &v)) {
		snprintf(num, sizeof(num), "%lld", (long long)v);
		row_set_num(s, t, r, NODE_CPUS, CELL_INT, v, num);
	} else {
		row_clear(s, t, r, NODE_CPUS);
	}
	if (jsonget_int(info, "MemTotal", &v))
		row_set_num(s, t, r, NODE_MEM, CELL_BYTES, v, NULL);
	else
		row_clear(s, t, r, NODE_MEM);
	if (jsonget_int(info, "ContainersRunning", &v)) {
		if (jsonget_int(info, "Containers", &total))
			snprintf(num, sizeof(num), "%lld/%lld", (long long)v, (long long)total);
		else
			snprintf(num, sizeof(num), "%lld", (long long)v);
		row_set_num(s, t, r, NODE_WORKLOADS, CELL_INT, v, num);
	} else {
		row_clear(s, t, r, NODE_WORKLOADS);
	}
	rtable_relist_end(s, t);

	if (out) {
		memset(out, 0, sizeof(*out));
		docker_decode_copy(out->name, sizeof(out->name), name);
		docker_decode_copy(out->product, sizeof(out->product), product);
		docker_decode_copy(out->version, sizeof(out->version), ver);
		docker_decode_copy(out->api_version, sizeof(out->api_version), jsonget_str(version, "ApiVersion"));
		docker_decode_copy(out->os, sizeof(out->os), osbuf);
	}
	json_object_put(version);
	json_object_put(info);
	return 0;
}
