/* lists.c: the registry's lists. Repositories come from the catalog in
 * pages of 100 (following the Link header, relative or not); a registry
 * whose catalog is disabled or refused (Docker Hub, ECR, a token that
 * does not grant registry:catalog:*) shows the repositories of the
 * configuration and those of the images the other endpoints use. Tags
 * are listed for the repository in scope, or for every repository four
 * at a time, in pages of 1000 where the registry pages them (distribution
 * 2.8 ignores n and sends them all). Rows appear as pages arrive; a
 * listing ends by removing the rows it did not see. A listing that fails,
 * or a page that is not JSON, keeps the rows it would have replaced and
 * says why (stale.c), for the repository in scope or any of them. */
#include "backends/registry/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/image/imageref.h"
#include "backends/model/kinds.h"
#include "backends/registry/link.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOG_PAGE 100
#define TAGS_PAGE 1000
#define TAGS_PARALLEL 4

void reg_page_free(struct page *p)
{
	if (p) {
		listguard_back(&p->lg);
		free(p->repo);
		free(p->token);
		free(p);
	}
}

static json_object *parse(const struct reg_answer *a)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, a->body, (int)a->len);
	json_tokener_free(tok);
	return o;
}

/* The next page's URL from the Link header, absolute; NULL when this was the last. */
static char *next_page(struct reg *r, const struct reg_answer *a)
{
	char *link = a->res ? http_result_header_nth(a->res, "Link", 0) : NULL;
	char *next = link_next(link);
	free(link);
	if (!next)
		return NULL;
	char *origin = url_origin(a->url);
	char *base = origin ? xstrdup(a->url) : xasprintf("%s%s", r->target.base_url, a->url);
	free(origin);
	char *url = url_resolve(base, next);
	free(base);
	free(next);
	return url;
}

/* ---- repositories ---- */

struct row *reg_repo_add(struct reg *r, struct rtable *t, const char *name, const char *origin)
{
	struct row *row = rtable_upsert(r->ep->store, t, name);
	row_set_text(r->ep->store, t, row, REPO_NAME, name);
	/* the registry's own word wins over "in use" (it is where the name came
	 * from), and the first endpoint found using it stays named */
	const char *now = row_text(row, REPO_ORIGIN);
	if (!str_starts(origin, "in use") || !*now)
		row_set_text(r->ep->store, t, row, REPO_ORIGIN, origin);
	char *ref = xasprintf("%s/%s", r->host, name);
	row_set_text(r->ep->store, t, row, REPO_REF, ref);
	free(ref);
	return row;
}

/* The repositories the configuration names and those whose images the
 * other endpoints (engines, clusters) hold or run. */
static void add_known_repos(struct reg *r, struct rtable *t)
{
	for (size_t i = 0; i < r->nconfig_repos; i++)
		reg_repo_add(r, t, r->config_repos[i], "configured");
	size_t n = 0;
	struct endpoint *const *peers = endpoint_peers(r->ep, &n);
	for (size_t i = 0; i < n; i++) {
		if (peers[i] == r->ep)
			continue;
		static const struct {
			const char *kind;
			int cell;
		} where[] = {{KIND_IMAGES, IMG_NAME}, {KIND_CONTAINERS, CTR_IMAGE}};
		for (size_t w = 0; w < 2; w++) {
			struct rtable *pt = store_find_table(peers[i]->store, where[w].kind);
			for (size_t j = 0; pt && j < pt->len; j++) {
				struct image_ref ir;
				if (pt->rows[j]->gone_ms || imageref_parse(row_text(pt->rows[j], where[w].cell), &ir, NULL, 0) < 0)
					continue;
				if (!imageref_same_host(ir.host, r->host))
					continue;
				char origin[128];
				snprintf(origin, sizeof(origin), "in use on %s", peers[i]->name);
				reg_repo_add(r, t, ir.repo, origin);
			}
		}
	}
}

void reg_repos_done(struct reg *r, struct rtable *t)
{
	add_known_repos(r, t);
	rtable_relist_end(r->ep->store, t);
	reg_stale_prune(r);
	reg_stale_catalog(r, "");
	if (r->tags_pending) {
		r->tags_pending = false;
		reg_list_tags(r);
	}
}

static void on_catalog(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct page *p = ctx;
	if (a->cancelled || p->gen != r->catalog_gen) {
		reg_page_free(p);
		return;
	}
	r->catalog_rq = NULL;
	listguard_back(&r->catalog_lg);
	struct rtable *t = store_table(r->ep->store, KIND_REPOSITORIES, REPO_NCELLS);
	if (a->res && a->res->error) {
		reg_page_free(p);
		reg_fail(r, "%s", a->error);
		return;
	}
	if (a->error) {
		reg_page_free(p);
		if (a->status == 401 || a->status == 403 || a->status == 404 || a->status == 405 ||
		    !strcmp(a->code, "UNSUPPORTED")) {
			/* no catalog here: what is known from elsewhere */
			bool first = !r->catalog_off;
			r->catalog_off = true;
			snprintf(r->catalog_why, sizeof(r->catalog_why), "%s", a->error);
			if (first && !r->catalog_noted) {
				r->catalog_noted = true;
				endpoint_note(r->ep, NOTE_INFO,
					      "%s has no catalog for us (%s): showing the configured repositories and those in use",
					      r->ep->name, a->error);
			}
			reg_repos_done(r, t);
			reg_set_product(r);
			r->ep->store->gen++;
			return;
		}
		reg_stale_catalog(r, a->error);
		return;
	}
	json_object *o = parse(a);
	if (!json_object_is_type(o, json_type_object)) {
		/* a proxy's error page with a 200: no answer, not an empty catalog */
		char why[ERRLEN];
		snprintf(why, sizeof(why), "%s sent a catalog that is not JSON", r->host);
		json_object_put(o);
		reg_page_free(p);
		reg_stale_catalog(r, why);
		return;
	}
	json_object *repos = jsonget_arr(o, "repositories");
	for (size_t i = 0; i < jsonget_len(repos); i++) {
		json_object *v = jsonget_idx(repos, i);
		if (json_object_is_type(v, json_type_string) && *json_object_get_string(v))
			reg_repo_add(r, t, json_object_get_string(v), "catalog");
	}
	json_object_put(o);
	r->catalog_off = false;
	char *next = next_page(r, a);
	if (next) {
		r->catalog_rq = reg_request(r, "GET", next, "application/json", "registry:catalog:*", 0, on_catalog, p);
		reg_stale_out(r, NULL);
		free(next);
		return;
	}
	reg_page_free(p);
	reg_repos_done(r, t);
}

void reg_list_repos(struct reg *r)
{
	if (r->ecr) {
		ecr_list_repos(r);
		return;
	}
	if (r->catalog_rq)
		return; /* one listing at a time: the one running will do */
	struct rtable *t = store_table(r->ep->store, KIND_REPOSITORIES, REPO_NCELLS);
	struct page *p = xcalloc(1, sizeof(*p));
	p->gen = ++r->catalog_gen;
	rtable_relist_begin(t);
	char url[64];
	snprintf(url, sizeof(url), "/v2/_catalog?n=%d", CATALOG_PAGE);
	r->catalog_rq = reg_request(r, "GET", url, "application/json", "registry:catalog:*", 0, on_catalog, p);
	reg_stale_out(r, NULL);
}

/* ---- tags ---- */

static void pump(struct reg *r);

static void free_queue(struct reg *r)
{
	for (size_t i = 0; i < r->ntag_queue; i++)
		free(r->tag_queue[i]);
	free(r->tag_queue);
	r->tag_queue = NULL;
	r->ntag_queue = r->tag_queue_pos = 0;
}

static void set_count(struct reg *r, const struct page *p)
{
	struct rtable *rt = store_find_table(r->ep->store, KIND_REPOSITORIES);
	struct row *row = rt ? rtable_find(rt, p->repo) : NULL;
	if (!row || row->gone_ms)
		return;
	row_set_num(r->ep->store, rt, row, REPO_TAGS, CELL_INT, (int64_t)p->count, NULL);
	if (p->pushed > 0)
		row_set_num(r->ep->store, rt, row, REPO_PUSHED, CELL_TIME, p->pushed, NULL);
	if (p->size > 0)
		row_set_num(r->ep->store, rt, row, REPO_SIZE, CELL_BYTES, p->size, NULL);
}

/* A failed listing keeps what was known of the repository. */
static void keep_repo_rows(struct reg *r, struct rtable *t, const char *repo)
{
	for (size_t i = 0; i < t->len; i++)
		if (!t->rows[i]->gone_ms && !strcmp(row_text(t->rows[i], TAG_REPO), repo))
			t->rows[i]->seen = true;
}

static void list_repo(struct reg *r, struct page *p, const char *url);
static void pump(struct reg *r);

void reg_tags_add(struct reg *r, struct page *p, const struct tag_info *ti)
{
	p->count++;
	if (ti->pushed > p->pushed)
		p->pushed = ti->pushed;
	if (ti->size > 0 && !ti->size_counted)
		p->size += ti->size;
	if (p->count_only)
		return;
	struct store *s = r->ep->store;
	struct rtable *t = store_table(s, KIND_TAGS, TAG_NCELLS);
	char *id = xasprintf("%s:%s", p->repo, ti->tag);
	struct row *row = rtable_upsert(s, t, id);
	row_set_text(s, t, row, TAG_NAME, ti->tag);
	row_set_text(s, t, row, TAG_REPO, p->repo);
	char *ref = xasprintf("%s/%s", r->host, id);
	row_set_text(s, t, row, TAG_REF, ref);
	free(ref);
	free(id);
	/* what a registry's own API says (ECR) before the manifests are read */
	if (ti->digest && !*row_text(row, TAG_DIGEST)) {
		row_set_text(s, t, row, TAG_DIGEST, ti->digest);
		row_set_text(s, t, row, TAG_DIGESTS, ti->digest);
	}
	if (ti->type && !*row_text(row, TAG_TYPE))
		row_set_text(s, t, row, TAG_TYPE, ti->type);
	if (ti->size > 0 && row->cells[TAG_SIZE].type == CELL_NONE)
		row_set_num(s, t, row, TAG_SIZE, CELL_BYTES, ti->size, NULL);
	if (ti->pushed > 0)
		row_set_num(s, t, row, TAG_PUSHED, CELL_TIME, ti->pushed, NULL);
	if (ti->scan)
		row_set_text_or_clear(s, t, row, TAG_SCAN, ti->scan);
}

void reg_tags_done(struct reg *r, struct page *p, const char *error, bool transport)
{
	if (transport) {
		reg_page_free(p);
		reg_fail(r, "%s", error);
		return;
	}
	struct rtable *t = store_table(r->ep->store, KIND_TAGS, TAG_NCELLS);
	if (error) {
		log_msg("registry %s: tags of %s: %s", r->ep->name, p->repo, error);
		/* the repository in scope goes without saying; among many, it is named */
		char why[ERRLEN];
		if (r->scope && !strcmp(r->scope, p->repo))
			snprintf(why, sizeof(why), "%s", error);
		else
			snprintf(why, sizeof(why), "the tags of %s: %s", p->repo, error);
		reg_stale_tags(r, p->repo, !p->count_only, why);
		if (p->count_only) {
			reg_counted(r, p->repo, false);
		} else {
			keep_repo_rows(r, t, p->repo);
			if (!r->scope)
				snprintf(r->health_error, sizeof(r->health_error), "%s", why);
			r->tags_running--;
			pump(r);
		}
		reg_page_free(p);
		return;
	}
	set_count(r, p);
	reg_stale_tags(r, p->repo, !p->count_only, "");
	if (p->count_only)
		reg_counted(r, p->repo, true);
	else {
		r->tags_running--;
		pump(r);
	}
	reg_page_free(p);
}

static void on_tags(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct page *p = ctx;
	if (a->cancelled || (!p->count_only && p->gen != r->tags_gen)) {
		reg_page_free(p);
		return;
	}
	listguard_back(&p->lg);
	if (a->error) {
		reg_tags_done(r, p, a->error, a->res && a->res->error);
		return;
	}
	json_object *o = parse(a);
	json_object *tags = NULL;
	/* "tags": null is a repository without tags; anything else not a list is no answer */
	if (!json_object_is_type(o, json_type_object) ||
	    (json_object_object_get_ex(o, "tags", &tags) && tags && !json_object_is_type(tags, json_type_array))) {
		char why[ERRLEN];
		snprintf(why, sizeof(why), "%s sent a tag list that is %s", r->host,
			 json_object_is_type(o, json_type_object) ? "not a list of tags" : "not JSON");
		json_object_put(o);
		reg_tags_done(r, p, why, false);
		return;
	}
	tags = jsonget_arr(o, "tags");
	for (size_t i = 0; i < jsonget_len(tags); i++) {
		json_object *v = jsonget_idx(tags, i);
		if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v))
			continue;
		struct tag_info ti = {.tag = json_object_get_string(v)};
		reg_tags_add(r, p, &ti);
	}
	json_object_put(o);
	char *next = next_page(r, a);
	if (next) {
		list_repo(r, p, next);
		free(next);
		return;
	}
	reg_tags_done(r, p, NULL, false);
}

static void list_repo(struct reg *r, struct page *p, const char *url)
{
	reg_stale_out(r, p);
	if (r->ecr) {
		ecr_list_images(r, p);
		return;
	}
	char *scope = reg_scope_pull(p->repo);
	char *first = NULL;
	if (!url)
		url = first = xasprintf("/v2/%s/tags/list?n=%d", p->repo, TAGS_PAGE);
	reg_request(r, "GET", url, "application/json", scope, 0, on_tags, p);
	free(first);
	free(scope);
}

static void pump(struct reg *r)
{
	while (r->tags_running < TAGS_PARALLEL && r->tag_queue_pos < r->ntag_queue) {
		struct page *p = xcalloc(1, sizeof(*p));
		p->gen = r->tags_gen;
		p->repo = xstrdup(r->tag_queue[r->tag_queue_pos++]);
		r->tags_running++;
		list_repo(r, p, NULL);
	}
	if (r->tags_running == 0 && r->tag_queue) {
		free_queue(r);
		struct rtable *t = store_table(r->ep->store, KIND_TAGS, TAG_NCELLS);
		rtable_relist_end(r->ep->store, t);
		if (r->nvisible)
			reg_fetch_visible(r);
	}
}

void reg_list_tags(struct reg *r)
{
	struct rtable *t = store_table(r->ep->store, KIND_TAGS, TAG_NCELLS);
	char **repos = NULL;
	size_t n = 0;
	if (r->scope) {
		repos = xcalloc(1, sizeof(*repos));
		repos[n++] = xstrdup(r->scope);
	} else {
		struct rtable *rt = store_find_table(r->ep->store, KIND_REPOSITORIES);
		if (!rt || !rt->synced) {
			/* every repository's tags: the repositories first */
			r->tags_pending = true;
			reg_list_repos(r);
			return;
		}
		repos = xcalloc(rt->len + 1, sizeof(*repos));
		for (size_t i = 0; i < rt->len; i++)
			if (!rt->rows[i]->gone_ms)
				repos[n++] = xstrdup(rt->rows[i]->id);
	}
	free_queue(r);
	r->tags_gen++;
	r->tags_running = 0;
	r->tag_queue = repos;
	r->ntag_queue = n;
	if (!n) {
		rtable_relist_begin(t);
		rtable_relist_end(r->ep->store, t);
		free_queue(r);
		return;
	}
	rtable_relist_begin(t);
	pump(r);
}

void reg_count_tags(struct reg *r, const char *repo)
{
	struct page *p = xcalloc(1, sizeof(*p));
	p->repo = xstrdup(repo);
	p->count_only = true;
	list_repo(r, p, NULL);
}

void reg_lists_stop(struct reg *r)
{
	r->catalog_gen++;
	r->tags_gen++;
	r->catalog_rq = NULL;
	listguard_back(&r->catalog_lg);
	r->tags_running = 0;
	r->tags_pending = false;
	free_queue(r);
}
