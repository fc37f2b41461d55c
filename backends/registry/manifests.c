/* manifests.c: what the rows on screen need beyond the lists, fetched only
 * for them (as container stats are): a tag's manifest (its digest, the
 * sha256 of the exact bytes; its type; an index's platforms and their
 * digests), the manifest of the platform this machine would pull, and the
 * image config for the created time; a repository's tag count. Up to six
 * tags are fetched at once; manifests and configs are kept by digest, so
 * tags of one image cost one request each; a tag on screen is looked at
 * again after a minute (a HEAD when nothing changed). */
#include "backends/registry/internal.h"
#include "backends/codec/crypto.h"
#include "backends/registry/manifest.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define FETCH_PARALLEL 6
#define RECHECK_MS 60000
#define RETRY_FAILED_MS 30000
#define CACHE_MAX 512
#define CHECKED_MAX 4096
#define CONFIG_ACCEPT "application/vnd.oci.image.config.v1+json, application/vnd.docker.container.image.v1+json, */*"

/* ---- bookkeeping ---- */

static struct checked *checked_of(struct reg *r, const char *id, bool add)
{
	for (size_t i = 0; i < r->nchecked; i++)
		if (!strcmp(r->checked[i].id, id))
			return &r->checked[i];
	if (!add)
		return NULL;
	if (r->nchecked >= CHECKED_MAX) {
		/* forget the older half that is not in flight */
		size_t w = 0;
		for (size_t i = 0; i < r->nchecked; i++) {
			if (i < CHECKED_MAX / 2 && !r->checked[i].busy)
				free(r->checked[i].id);
			else
				r->checked[w++] = r->checked[i];
		}
		r->nchecked = w;
	}
	r->checked = xrealloc(r->checked, (r->nchecked + 1) * sizeof(*r->checked));
	struct checked *c = &r->checked[r->nchecked++];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(id);
	return c;
}

static const struct mcache_entry *cache_get(struct reg *r, const char *digest)
{
	for (size_t i = 0; i < r->ncache; i++)
		if (!strcmp(r->cache[i].digest, digest))
			return &r->cache[i];
	return NULL;
}

static void cache_put(struct reg *r, const struct mcache_entry *e)
{
	struct mcache_entry *slot = (struct mcache_entry *)cache_get(r, e->digest);
	if (!slot) {
		if (r->ncache < CACHE_MAX) {
			r->cache = xrealloc(r->cache, (r->ncache + 1) * sizeof(*r->cache));
			slot = &r->cache[r->ncache++];
		} else {
			slot = &r->cache[r->cache_next++ % CACHE_MAX];
			free(slot->platforms);
			free(slot->digests);
		}
	} else {
		free(slot->platforms);
		free(slot->digests);
	}
	*slot = *e;
	slot->platforms = xstrdup(e->platforms);
	slot->digests = xstrdup(e->digests);
}

static int64_t config_created(struct reg *r, const char *digest)
{
	size_t dl = strlen(digest);
	for (size_t i = 0; i < r->nconfigs; i++)
		if (!strncmp(r->configs[i], digest, dl) && r->configs[i][dl] == ' ')
			return strtoll(r->configs[i] + dl + 1, NULL, 10);
	return -1;
}

static void config_put(struct reg *r, const char *digest, int64_t created)
{
	if (r->nconfigs >= CACHE_MAX) {
		free(r->configs[0]);
		memmove(r->configs, r->configs + 1, (r->nconfigs - 1) * sizeof(*r->configs));
		r->nconfigs--;
	}
	r->configs = xrealloc(r->configs, (r->nconfigs + 1) * sizeof(*r->configs));
	r->configs[r->nconfigs++] = xasprintf("%s %lld", digest, (long long)created);
}

void reg_fetches_reset(struct reg *r)
{
	for (size_t i = 0; i < r->nchecked; i++)
		r->checked[i].busy = false;
	for (size_t i = 0; i < r->ncounting; i++)
		free(r->counting[i]);
	r->ncounting = 0;
	r->fetching = 0;
	r->ep->extras_pending = 0;
}

void reg_cache_free(struct reg *r)
{
	for (size_t i = 0; i < r->ncache; i++) {
		free(r->cache[i].platforms);
		free(r->cache[i].digests);
	}
	free(r->cache);
	r->cache = NULL;
	r->ncache = 0;
	for (size_t i = 0; i < r->nconfigs; i++)
		free(r->configs[i]);
	free(r->configs);
	r->configs = NULL;
	r->nconfigs = 0;
	for (size_t i = 0; i < r->nchecked; i++)
		free(r->checked[i].id);
	free(r->checked);
	r->checked = NULL;
	r->nchecked = 0;
	for (size_t i = 0; i < r->ncounting; i++)
		free(r->counting[i]);
	free(r->counting);
	r->counting = NULL;
	r->ncounting = 0;
}

/* The platform a pull on this machine takes from an index. */
static void host_platform(char *arch, size_t alen, char *variant, size_t vlen)
{
	struct utsname u;
	const char *m = uname(&u) == 0 ? u.machine : "x86_64";
	static const struct {
		const char *machine, *arch, *variant;
	} map[] = {{"x86_64", "amd64", ""}, {"aarch64", "arm64", ""}, {"arm64", "arm64", ""}, {"armv7l", "arm", "v7"},
		   {"armv6l", "arm", "v6"}, {"i686", "386", ""},     {"i386", "386", ""},     {"ppc64le", "ppc64le", ""},
		   {"s390x", "s390x", ""},  {"riscv64", "riscv64", ""}};
	snprintf(arch, alen, "amd64");
	snprintf(variant, vlen, "%s", "");
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(m, map[i].machine)) {
			snprintf(arch, alen, "%s", map[i].arch);
			snprintf(variant, vlen, "%s", map[i].variant);
		}
}

/* ---- a tag's fetch ---- */

struct mfetch {
	char *id, *repo;
	struct mcache_entry e;   /* what is learned, cached at the end */
	char config[96];
	bool head;               /* a recheck: HEAD first */
};

static void mfetch_free(struct mfetch *f)
{
	free(f->id);
	free(f->repo);
	free(f->e.platforms);
	free(f->e.digests);
	free(f);
}

/* The other tags of the repository on the same manifest, for each of them:
 * one pass to find them, then each gets the names of the others. */
static void update_also(struct reg *r, struct rtable *t, const char *repo, const char *digest)
{
	struct row **same = NULL;
	size_t n = 0;
	for (size_t i = 0; i < t->len; i++) {
		struct row *row = t->rows[i];
		if (row->gone_ms || strcmp(row_text(row, TAG_DIGEST), digest) || strcmp(row_text(row, TAG_REPO), repo))
			continue;
		same = xrealloc(same, (n + 1) * sizeof(*same));
		same[n++] = row;
	}
	for (size_t i = 0; i < n; i++) {
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "");
		for (size_t j = 0; j < n; j++)
			if (j != i)
				buf_printf(&b, "%s%s", b.len ? "," : "", row_text(same[j], TAG_NAME));
		row_set_text_or_clear(r->ep->store, t, same[i], TAG_ALSO, b.data);
		buf_cleanup(&b);
	}
	free(same);
}

static void apply(struct reg *r, const char *id, const struct mcache_entry *e)
{
	struct rtable *t = store_find_table(r->ep->store, KIND_TAGS);
	struct row *row = t ? rtable_find(t, id) : NULL;
	if (!row || row->gone_ms)
		return;
	struct store *s = r->ep->store;
	bool moved = strcmp(row_text(row, TAG_DIGEST), e->digest) != 0;
	char *old = moved && *row_text(row, TAG_DIGEST) ? xstrdup(row_text(row, TAG_DIGEST)) : NULL;
	row_set_text_or_clear(s, t, row, TAG_DIGEST, e->digest);
	row_set_text_or_clear(s, t, row, TAG_TYPE, e->type);
	row_set_text_or_clear(s, t, row, TAG_PLATFORMS, e->platforms);
	row_set_text_or_clear(s, t, row, TAG_DIGESTS, e->digests);
	if (e->size >= 0)
		row_set_num(s, t, row, TAG_SIZE, CELL_BYTES, e->size, NULL);
	else
		row_clear(s, t, row, TAG_SIZE);
	if (e->created > 0)
		row_set_num(s, t, row, TAG_CREATED, CELL_TIME, e->created, NULL);
	else
		row_clear(s, t, row, TAG_CREATED);
	char *repo = xstrdup(row_text(row, TAG_REPO));
	update_also(r, t, repo, e->digest);
	if (old)
		update_also(r, t, repo, old);
	free(repo);
	free(old);
}

static void pending_count(struct reg *r);

static void finish(struct reg *r, struct mfetch *f, bool ok)
{
	struct checked *c = checked_of(r, f->id, true);
	c->busy = false;
	c->failed = !ok;
	c->at = mono_ms();
	if (f->e.digest[0]) {
		apply(r, f->id, &f->e);
		if (ok)
			cache_put(r, &f->e);
	}
	if (r->fetching)
		r->fetching--;
	mfetch_free(f);
	pending_count(r);
	if (r->phase == RP_LIVE)
		timer_arm(r->fetch_tick, 0);
}

static void get_manifest(struct reg *r, struct mfetch *f, const char *ref, bool head);

static void on_config(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct mfetch *f = ctx;
	if (a->cancelled) {
		mfetch_free(f);
		return;
	}
	struct image_config ic;
	char err[ERRLEN];
	if (a->error || image_config_decode(a->body, a->len, &ic, err, sizeof(err)) < 0) {
		log_msg("registry %s: config of %s: %s", r->ep->name, f->id, a->error ? a->error : err);
		finish(r, f, false);
		return;
	}
	f->e.created = ic.created;
	config_put(r, f->config, ic.created);
	finish(r, f, true);
}

static void get_config(struct reg *r, struct mfetch *f)
{
	int64_t created = config_created(r, f->config);
	if (created >= 0) {
		f->e.created = created;
		finish(r, f, true);
		return;
	}
	char *url = xasprintf("/v2/%s/blobs/%s", f->repo, f->config);
	char *scope = reg_scope_pull(f->repo);
	reg_request(r, "GET", url, CONFIG_ACCEPT, scope, 0, on_config, f);
	free(url);
	free(scope);
}

/* An image manifest (the tag's, or the chosen platform's): size and config. */
static void image_manifest(struct reg *r, struct mfetch *f, const struct manifest *m)
{
	f->e.size = manifest_image_size(m);
	snprintf(f->config, sizeof(f->config), "%s", m->config.digest);
	if (!f->config[0]) {
		finish(r, f, true); /* schema 1: no config to read */
		return;
	}
	get_config(r, f);
}

static void on_child(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct mfetch *f = ctx;
	if (a->cancelled) {
		mfetch_free(f);
		return;
	}
	struct manifest m;
	char err[ERRLEN];
	if (a->error || manifest_decode(a->body, a->len, a->res ? http_result_header(a->res, "Content-Type") : NULL, &m,
					err, sizeof(err)) < 0) {
		log_msg("registry %s: platform manifest of %s: %s", r->ep->name, f->id, a->error ? a->error : err);
		finish(r, f, false);
		return;
	}
	image_manifest(r, f, &m);
	manifest_cleanup(&m);
}

static void on_manifest(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct mfetch *f = ctx;
	if (a->cancelled) {
		mfetch_free(f);
		return;
	}
	if (a->error) {
		log_msg("registry %s: manifest of %s: %s", r->ep->name, f->id, a->error);
		finish(r, f, false);
		return;
	}
	const char *given = a->res ? http_result_header(a->res, "Docker-Content-Digest") : NULL;
	char given_copy[128];
	snprintf(given_copy, sizeof(given_copy), "%s", given ? given : "");
	if (f->head) {
		/* a recheck: the same digest means the same tag, nothing to fetch */
		struct rtable *t = store_find_table(r->ep->store, KIND_TAGS);
		struct row *row = t ? rtable_find(t, f->id) : NULL;
		const struct mcache_entry *e = given_copy[0] ? cache_get(r, given_copy) : NULL;
		if (row && e && !strcmp(row_text(row, TAG_DIGEST), given_copy)) {
			finish(r, f, true);
			return;
		}
		f->head = false;
		const char *tag = strrchr(f->id, ':') + 1;
		get_manifest(r, f, tag, false);
		return;
	}
	/* the digest is the hash of the bytes as they came */
	char hex[65];
	crypto_sha256_hex(a->body, a->len, hex);
	snprintf(f->e.digest, sizeof(f->e.digest), "sha256:%s", hex);
	if (given_copy[0] && str_starts(given_copy, "sha256:") && strcmp(given_copy, f->e.digest)) {
		log_msg("registry %s: %s: Docker-Content-Digest %s but the bytes hash to %s", r->ep->name, f->id, given_copy,
			f->e.digest);
		endpoint_note(r->ep, NOTE_WARN, "%s: the registry says %s is %s, but its bytes hash to %s", r->ep->name, f->id,
			      given_copy, f->e.digest);
	}
	const struct mcache_entry *hit = cache_get(r, f->e.digest);
	if (hit && (hit->created > 0 || hit->size >= 0)) {
		free(f->e.platforms);
		free(f->e.digests);
		f->e = *hit;
		f->e.platforms = xstrdup(hit->platforms);
		f->e.digests = xstrdup(hit->digests);
		finish(r, f, true);
		return;
	}
	struct manifest m;
	char err[ERRLEN];
	const char *ctype = a->res ? http_result_header(a->res, "Content-Type") : NULL;
	if (manifest_decode(a->body, a->len, ctype, &m, err, sizeof(err)) < 0) {
		log_msg("registry %s: manifest of %s: %s", r->ep->name, f->id, err);
		snprintf(f->e.type, sizeof(f->e.type), "unknown");
		f->e.digests = xstrdup(f->e.digest);
		finish(r, f, false);
		return;
	}
	snprintf(f->e.type, sizeof(f->e.type), "%s", manifest_kind_text(m.kind));
	f->e.size = -1;
	struct buf d;
	buf_init(&d);
	buf_puts(&d, f->e.digest);
	if (manifest_is_index(&m)) {
		f->e.platforms = manifest_platforms(&m);
		for (size_t i = 0; i < m.nmanifests; i++)
			if (!m.manifests[i].attestation && m.manifests[i].digest[0])
				buf_printf(&d, " %s", m.manifests[i].digest);
		f->e.digests = buf_steal(&d);
		char arch[32], variant[32];
		host_platform(arch, sizeof(arch), variant, sizeof(variant));
		const struct mf_desc *pick = manifest_pick(&m, "linux", arch, variant);
		if (!pick) {
			manifest_cleanup(&m);
			finish(r, f, true);
			return;
		}
		char *url = xasprintf("/v2/%s/manifests/%s", f->repo, pick->digest);
		char *scope = reg_scope_pull(f->repo);
		reg_request(r, "GET", url, MANIFEST_ACCEPT, scope, 0, on_child, f);
		free(url);
		free(scope);
	} else {
		f->e.digests = buf_steal(&d);
		image_manifest(r, f, &m);
	}
	manifest_cleanup(&m);
}

static void get_manifest(struct reg *r, struct mfetch *f, const char *ref, bool head)
{
	char *url = xasprintf("/v2/%s/manifests/%s", f->repo, ref);
	char *scope = reg_scope_pull(f->repo);
	reg_request(r, head ? "HEAD" : "GET", url, MANIFEST_ACCEPT, scope, 0, on_manifest, f);
	free(url);
	free(scope);
}

/* ---- the rows on screen ---- */

static bool needs_fetch(struct reg *r, const struct row *row, bool *recheck)
{
	struct checked *c = checked_of(r, row->id, false);
	*recheck = false;
	if (c && c->busy)
		return false;
	int64_t now = mono_ms();
	if (!*row_text(row, TAG_DIGEST))
		return !c || !c->failed || now - c->at >= RETRY_FAILED_MS;
	if (c && now - c->at < RECHECK_MS)
		return false;
	*recheck = true;
	return true;
}

/* How many rows on screen still wait for their figures (for `get`). */
static void pending_count(struct reg *r)
{
	unsigned n = r->fetching;
	if (r->visible_kind && !strcmp(r->visible_kind, KIND_TAGS)) {
		struct rtable *t = store_find_table(r->ep->store, KIND_TAGS);
		for (size_t i = 0; t && i < r->nvisible; i++) {
			struct row *row = rtable_find(t, r->visible[i]);
			struct checked *c = row ? checked_of(r, row->id, false) : NULL;
			if (row && !row->gone_ms && !*row_text(row, TAG_DIGEST) && !(c && (c->busy || c->failed)))
				n++;
		}
	}
	n += (unsigned)r->ncounting;
	r->ep->extras_pending = n;
}

static bool counting(struct reg *r, const char *repo)
{
	for (size_t i = 0; i < r->ncounting; i++)
		if (!strcmp(r->counting[i], repo))
			return true;
	return false;
}

static void count_repo(struct reg *r, const char *repo)
{
	r->counting = xrealloc(r->counting, (r->ncounting + 1) * sizeof(*r->counting));
	r->counting[r->ncounting++] = xstrdup(repo);
	reg_count_tags(r, repo);
}

/* Repositories on screen without a count, or whose count is old (its last
 * listing or count failed), not more often than a failure allows. */
static void fetch_counts(struct reg *r)
{
	struct rtable *t = store_find_table(r->ep->store, KIND_REPOSITORIES);
	for (size_t i = 0; t && i < r->nvisible; i++) {
		struct row *row = rtable_find(t, r->visible[i]);
		if (!row || row->gone_ms || counting(r, row->id) ||
		    (row->cells[REPO_TAGS].type != CELL_NONE && !reg_stale_count(r, row->id)))
			continue;
		struct checked *c = checked_of(r, row->id, false);
		if (c && c->failed && mono_ms() - c->at < RETRY_FAILED_MS)
			continue;
		count_repo(r, row->id);
	}
}

void reg_recount_visible(struct reg *r)
{
	if (!r->visible_kind || strcmp(r->visible_kind, KIND_REPOSITORIES))
		return;
	struct rtable *t = store_find_table(r->ep->store, KIND_REPOSITORIES);
	for (size_t i = 0; t && i < r->nvisible; i++) {
		struct row *row = rtable_find(t, r->visible[i]);
		if (!row || row->gone_ms || counting(r, row->id))
			continue;
		/* a tag listing running now brings the count anyway */
		if (r->watch_tags && (!r->scope || !strcmp(r->scope, row->id)))
			continue;
		count_repo(r, row->id);
	}
	pending_count(r);
}

void reg_counted(struct reg *r, const char *repo, bool ok)
{
	for (size_t i = 0; i < r->ncounting; i++)
		if (!strcmp(r->counting[i], repo)) {
			free(r->counting[i]);
			r->counting[i] = r->counting[--r->ncounting];
			break;
		}
	if (!ok) {
		struct checked *c = checked_of(r, repo, true);
		c->failed = true;
		c->at = mono_ms();
	}
	pending_count(r);
}

void reg_fetch_visible(struct reg *r)
{
	if (!r->visible_kind)
		return;
	if (!strcmp(r->visible_kind, KIND_REPOSITORIES)) {
		fetch_counts(r);
		pending_count(r);
		return;
	}
	struct rtable *t = store_find_table(r->ep->store, KIND_TAGS);
	for (size_t i = 0; t && i < r->nvisible && r->fetching < FETCH_PARALLEL; i++) {
		struct row *row = rtable_find(t, r->visible[i]);
		bool recheck;
		if (!row || row->gone_ms || !needs_fetch(r, row, &recheck))
			continue;
		struct mfetch *f = xcalloc(1, sizeof(*f));
		f->id = xstrdup(row->id);
		f->repo = reg_tag_repo(row->id);
		f->e.size = -1;
		f->head = recheck;
		checked_of(r, row->id, true)->busy = true;
		r->fetching++;
		get_manifest(r, f, row_text(row, TAG_NAME), recheck);
	}
	pending_count(r);
}
